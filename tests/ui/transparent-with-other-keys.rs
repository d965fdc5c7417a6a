use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[error("inner")]
#[api_error(status = 401)]
struct Inner;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error(transparent)]
    #[api_error(transparent, status = 500, code = "wrapped")]
    Wrapped(Inner),
}

fn main() {}
