use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("slow down")]
    #[api_error(status = 429, retry_after)]
    RateLimited,
}

fn main() {}
