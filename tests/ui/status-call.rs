use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("x")]
    #[api_error(status = StatusCode::from_u16(404))]
    A,
}

fn main() {}
