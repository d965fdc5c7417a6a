use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("x")]
    #[api_error(status = 410, code = "été_expiré", type = "日本")]
    Expired,
}

fn main() {}
