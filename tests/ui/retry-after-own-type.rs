use api_error_core::ApiError;

// A type the derive cannot judge by name: the bound in the expansion names the fix.
#[derive(Debug)]
pub struct Seconds(pub u64);

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("slow down")]
    #[api_error(status = 429)]
    RateLimited {
        #[api_error(retry_after)]
        wait: Seconds,
    },
}

fn main() {}
