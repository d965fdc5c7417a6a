use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("slow down")]
    #[api_error(status = 429)]
    RateLimited {
        #[api_error(retry_after)]
        wait: u64,
        #[api_error(retry_after)]
        again: u64,
    },
}

fn main() {}
