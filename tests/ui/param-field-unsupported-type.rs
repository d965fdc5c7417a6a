use api_error_core::ApiError;

#[derive(Debug)]
struct Opaque;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("x")]
    #[api_error(status = 422)]
    Invalid(#[api_error(param)] Opaque),
    // Reported at the type that is neither: `PathBuf`, not `Option` or `std`.
    #[error("y")]
    #[api_error(status = 422)]
    Path(#[api_error(param)] Option<std::path::PathBuf>),
}

fn main() {}
