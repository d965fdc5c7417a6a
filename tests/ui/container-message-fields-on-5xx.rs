// A container message that formats fields would send a 5xx variant's fields to clients.
use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(status = 403, message = "Forbidden: {0}")]
enum E {
    #[error("{0}")]
    Denied(String),
    #[error("{0}")]
    #[api_error(status = 500, code = "boom")]
    Boom(String),
    #[error("{0}")]
    #[api_error(status = 503, message = "Try again later.")]
    Busy(String),
}

fn main() {}
