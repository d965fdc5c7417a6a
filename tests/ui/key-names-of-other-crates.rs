use api_error_core::ApiError;

// What other error crates call the keys: each named, one error each.
#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("a")]
    #[api_error(status = 400, msg = "Bad input")]
    Msg,
    #[error("b")]
    #[api_error(status = 400, error_type = "invalid_request_error")]
    ErrorType,
    #[error("c")]
    #[api_error(http_code = 404)]
    HttpCode,
}

fn main() {}
