use api_error_core::{ApiError, FieldErrors};

#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(status = 500)]
enum E {
    #[error("upstream rejected the payload")]
    Upstream {
        #[api_error(field_errors)]
        errors: FieldErrors,
    },
}

fn main() {}
