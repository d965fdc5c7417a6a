use api_error_core::{ApiError, FieldErrors};

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("invalid")]
    #[api_error(status = 422, field_errors)]
    Invalid { errors: FieldErrors },
}

fn main() {}
