use api_error_core::ApiError;

// "Error code 404": a status. One error, not "missing status" too.
#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("bad")]
    #[api_error(code = 404)]
    Bad,
}

fn main() {}
