use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("x")]
    #[api_error(retryable(true), status = 400)]
    A,
}

fn main() {}
