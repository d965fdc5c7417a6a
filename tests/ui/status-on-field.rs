use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("x")]
    A(#[api_error(status = 404)] String),
}

fn main() {}
