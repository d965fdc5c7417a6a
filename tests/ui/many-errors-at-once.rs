use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("x")]
    #[api_error(stauts = 404)]
    Typo,
    #[error("y")]
    #[api_error(status = 700, code = "Bad Code")]
    Range,
    #[error("z")]
    #[api_error(status = 404, message = "no {field}")]
    Missing,
    #[error("w")]
    Forgotten,
}

fn main() {}
