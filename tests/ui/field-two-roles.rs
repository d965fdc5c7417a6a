use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("slow down")]
    #[api_error(status = 429)]
    Limited {
        #[api_error(param, retry_after)]
        secs: u64,
    },
}

fn main() {}
