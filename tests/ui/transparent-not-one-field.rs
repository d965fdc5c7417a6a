use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[error("inner")]
#[api_error(status = 401)]
struct Inner;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("{0}")]
    #[api_error(transparent)]
    Two(Inner, String),
    #[error("none")]
    #[api_error(transparent)]
    None,
}

fn main() {}
