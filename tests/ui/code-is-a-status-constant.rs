use api_error_core::ApiError;

// A status constant written as the code: a status, like `code = 404`. One error each, not
// "missing status" too.
#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("bad")]
    #[api_error(code = NOT_FOUND)]
    Bad,
    #[error("taken")]
    #[api_error(code = StatusCode::CONFLICT)]
    Taken,
}

#[derive(Debug, thiserror::Error, ApiError)]
#[error("not found")]
#[api_error(code = http::StatusCode::NOT_FOUND)]
struct NotFound;

fn main() {}
