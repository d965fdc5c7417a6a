use api_error_core::{ApiError, FieldError, FieldErrors};

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("invalid")]
    #[api_error(status = 422)]
    Invalid {
        #[api_error(field_errors)]
        body: FieldErrors,
        #[api_error(field_errors)]
        query: Vec<FieldError>,
    },
}

fn main() {}
