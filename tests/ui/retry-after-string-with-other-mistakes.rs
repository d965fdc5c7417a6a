use api_error_core::ApiError;

// A `retry_after` of a type that cannot be a delay is reported with the input's other
// mistakes, in the same compile.
#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("slow down")]
    #[api_error(status = 429)]
    RateLimited {
        #[api_error(retry_after)]
        wait: Option<&'static str>,
    },
    #[error("gone")]
    #[api_error(statsu = 410)]
    Gone,
}

fn main() {}
