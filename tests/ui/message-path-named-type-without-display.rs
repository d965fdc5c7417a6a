use api_error_core::ApiError;

mod own {
    /// Named like `std::path::Path`, but neither it nor `Display`.
    #[derive(Debug)]
    pub struct Path;
}

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("x")]
    #[api_error(status = 404, message = "No file at {0}")]
    Missing(own::Path),
}

fn main() {}
