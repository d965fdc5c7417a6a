use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("a")]
    #[api_error(status = 400, message = "")]
    EmptyMessage,
    #[error("b")]
    #[api_error(status = 400, param = "  ")]
    BlankParam,
    #[error("c")]
    #[api_error()]
    #[api_error(status = 400)]
    EmptyList,
}

fn main() {}
