use api_error_core::ApiError;

#[derive(Debug, ApiError)]
#[api_error(status = 400)]
struct NoDisplay;

fn main() {}
