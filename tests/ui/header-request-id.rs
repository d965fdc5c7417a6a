use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("x")]
    #[api_error(status = 400, header("X-Request-Id", "fixed"))]
    A,
    #[error("y")]
    #[api_error(status = 400, header("Content-Digest", "sha-256=:x:"))]
    B,
}

fn main() {}
