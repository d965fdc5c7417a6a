use api_error_core::ApiError;

// `status` spelt as other APIs spell it: one error each, with the key to write, and no
// "missing status" too.
#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("bad")]
    #[api_error(httpStatus = 400)]
    Bad,
    #[error("gone")]
    #[api_error(StatusCode = 410)]
    Gone,
}

fn main() {}
