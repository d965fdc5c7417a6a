use api_error_core::ApiError;

// A width or precision past `u16::MAX` is the derive's error, reported with the input's
// other mistakes (not rustc's, later, inside the generated `format_args!`).
#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("bad {0}")]
    #[api_error(status = 400, message = "bad {0:99999}")]
    Bad(String),
    #[error("worse")]
    #[api_error(status = 400, code = "Worse")]
    Worse,
}

fn main() {}
