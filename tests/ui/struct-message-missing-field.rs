use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[error("x")]
#[api_error(status = 400, message = "bad {id}")]
struct Bad {
    key: u32,
}

fn main() {}
