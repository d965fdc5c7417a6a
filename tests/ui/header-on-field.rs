use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("x")]
    #[api_error(status = 400)]
    A(#[api_error(header("X-A", "b"))] String),
}

fn main() {}
