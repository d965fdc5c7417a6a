use api_error_core::ApiError;

#[derive(Debug, thiserror::Error)]
#[error("not an api error")]
struct Plain;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error(transparent)]
    #[api_error(transparent)]
    Wrapped(Plain),
}

fn main() {}
