use api_error_core::ApiError;

#[derive(Debug)]
struct Opaque;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("x")]
    #[api_error(status = 422)]
    Invalid(#[api_error(param)] Opaque),
}

fn main() {}
