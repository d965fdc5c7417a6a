use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(no_integration)]
enum E {
    #[error("x")]
    #[api_error(status = 400)]
    A,
}

impl axum::response::IntoResponse for E {
    fn into_response(self) -> axum::response::Response {
        axum::http::StatusCode::BAD_REQUEST.into_response()
    }
}

fn main() {}
