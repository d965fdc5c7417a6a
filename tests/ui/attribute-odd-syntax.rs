use api_error_core::ApiError;

// Brackets for parentheses, a suffix on a string: one error each, on the attribute or the
// string; what they say is still read, so nothing else is reported.
#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("bad")]
    #[api_error[status = 400]]
    Bad,
    #[error("gone")]
    #[api_error(status = 410, code = "gone"suffix)]
    Gone,
}

fn main() {}
