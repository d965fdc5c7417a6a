use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("x")]
    #[api_error(status = 401, header("Content-Encoding", "gzip"))]
    Unauthorized,
}

fn main() {}
