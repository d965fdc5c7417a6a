use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    // thiserror's positional arguments: one error, on them.
    #[error("bad {}", .0)]
    #[api_error(status = 400, message = "bad {} and {}", .0, .1)]
    Positional(String, String),
    // A named one: one error, on it (not "no such field" too).
    #[error("bad {}", .id)]
    #[api_error(status = 400, message = "bad {name}", name = id)]
    Named { id: String },
}

fn main() {}

// Beside a container message that formats a field: the variant keeps its own message (no
// "would send them" about the container's).
#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(message = "Forbidden: {0}")]
enum WithContainerMessage {
    #[error("a {0}")]
    #[api_error(status = 403)]
    A(u32),
    #[error("b {0}")]
    #[api_error(status = 500, message = "failed: {}", .0)]
    B(u32),
}
