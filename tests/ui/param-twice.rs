use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("x")]
    #[api_error(status = 422, param = "amount")]
    Invalid {
        #[api_error(param)]
        field: String,
    },
}

fn main() {}
