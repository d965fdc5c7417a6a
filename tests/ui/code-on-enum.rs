use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(status = 404, code = "missing")]
enum E {
    #[error("x")]
    Missing,
}

fn main() {}
