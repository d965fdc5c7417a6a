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
