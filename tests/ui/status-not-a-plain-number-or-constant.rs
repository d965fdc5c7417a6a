use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("suffixed")]
    #[api_error(status = 404u8)]
    Suffixed,
    #[error("other type's constant")]
    #[api_error(status = Foo::NOT_FOUND)]
    Foreign,
    #[error("fine")]
    #[api_error(status = http::StatusCode::CONFLICT)]
    Fine,
}

fn main() {}
