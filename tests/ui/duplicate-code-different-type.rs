use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("x")]
    #[api_error(status = 404, code = "missing")]
    CustomerMissing,
    #[error("y")]
    #[api_error(status = 404, code = "missing", type = "gone_error")]
    ChargeMissing,
}

fn main() {}
