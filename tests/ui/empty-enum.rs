use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {}

fn main() {}
