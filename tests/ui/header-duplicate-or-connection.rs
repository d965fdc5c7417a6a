use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("a")]
    #[api_error(status = 400, header("X-Limit", "1"), header("x-limit", "2"))]
    Twice,
    #[error("b")]
    #[api_error(status = 400, header("Connection", "close"), header("Host", "example.com"))]
    Connection,
}

fn main() {}
