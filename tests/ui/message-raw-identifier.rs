use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("unknown type")]
    #[api_error(status = 400, message = "Unknown type: {r#type}")]
    UnknownType { r#type: String },
}

fn main() {}
