use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("a")]
    #[api_error(status = 404 as u16)]
    Cast,
    #[error("b")]
    #[api_error(status = 400 + 4)]
    Sum,
}

fn main() {}
