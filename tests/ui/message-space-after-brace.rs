use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("x")]
    #[api_error(status = 404, message = "No such customer: { id}")]
    Missing { id: String },
}

fn main() {}
