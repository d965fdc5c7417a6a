// A 5xx variant that lacks the container message's field: one error, the missing field
// (it has nothing of the message's to send).
use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(message = "bad {id}")]
enum E {
    #[error("a")]
    #[api_error(status = 400)]
    A { id: u32 },
    #[error("b")]
    #[api_error(status = 500)]
    B,
}

fn main() {}
