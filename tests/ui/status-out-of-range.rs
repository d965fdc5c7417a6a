use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("ok")]
    #[api_error(status = 200)]
    NotAnError,
    #[error("too big")]
    #[api_error(status = 600)]
    TooBig,
}

fn main() {}
