use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("db down")]
    #[api_error(status = 503, expose, message = "try later")]
    Down,
}

fn main() {}
