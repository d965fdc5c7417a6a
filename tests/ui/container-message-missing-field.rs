// A container message naming a field that several variants lack: one error, naming them.
use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(status = 400, message = "bad {id}")]
enum E {
    #[error("a")]
    A { id: u32 },
    #[error("b")]
    B,
    #[error("c")]
    C(u32),
}

fn main() {}
