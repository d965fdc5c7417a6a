use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("invalid")]
    #[api_error(status = 422)]
    Invalid {
        #[api_error(field_errors)]
        errors: Vec<String>,
    },
}

fn main() {}
