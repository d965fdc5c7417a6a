//! `#[api_error(no_integrations)]`: a type that writes its own framework impls keeps
//! compiling when the `axum` and `actix-web` features are on (here they are), so features
//! stay additive; so does one that writes its own OpenAPI impls. `impl_integrations!` gives
//! the framework impls back, `impl_openapi!` the OpenAPI ones (from the catalog).
use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(no_integrations)]
enum Custom {
    #[error("teapot")]
    #[api_error(status = 418)]
    Teapot,
}

impl axum::response::IntoResponse for Custom {
    fn into_response(self) -> axum::response::Response {
        (axum::http::StatusCode::IM_A_TEAPOT, "short and stout").into_response()
    }
}

impl actix_web::ResponseError for Custom {}

#[derive(Debug, thiserror::Error, ApiError)]
#[error("gone")]
#[api_error(status = 410, no_integrations)]
struct Gone;

impl axum::response::IntoResponse for Gone {
    fn into_response(self) -> axum::response::Response {
        axum::http::StatusCode::GONE.into_response()
    }
}

/// A transparent newtype with its own `IntoResponse`.
#[derive(Debug, thiserror::Error, ApiError)]
#[error(transparent)]
#[api_error(transparent, no_integrations)]
struct Wrapped(Gone);

impl axum::response::IntoResponse for Wrapped {
    fn into_response(self) -> axum::response::Response {
        self.0.into_response()
    }
}

#[derive(Debug, thiserror::Error, ApiError)]
#[error("back in")]
#[api_error(status = 409, no_integrations)]
struct OptedBackIn;

api_error_core::impl_integrations!(OptedBackIn);

api_error_core::impl_openapi!(OptedBackIn);

/// A generic one, back in with its parameters named after `impl`.
#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(no_integrations)]
enum Generic<'a, T> {
    #[error("busy {0}")]
    #[api_error(status = 503)]
    Busy(&'a str, T),
}

api_error_core::impl_integrations!(impl<'a, T> Generic<'a, T> where T: std::fmt::Debug + 'a);
api_error_core::impl_openapi!(impl<'a, T> Generic<'a, T> where T: std::fmt::Debug);

impl utoipa::IntoResponses for Custom {
    fn responses() -> std::collections::BTreeMap<
        String,
        utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
    > {
        std::collections::BTreeMap::new()
    }
}

fn documented<T: utoipa::IntoResponses + aide::OperationOutput>() {}
fn framework<T: axum::response::IntoResponse + actix_web::ResponseError>() {}

fn main() {
    assert!(<Custom as utoipa::IntoResponses>::responses().is_empty());
    documented::<OptedBackIn>();
    framework::<OptedBackIn>();
    documented::<Generic<'static, u8>>();
    framework::<Generic<'static, u8>>();
    let res = axum::response::IntoResponse::into_response(Generic::Busy("db", 7u8));
    assert_eq!(res.status(), 503);
    let res = axum::response::IntoResponse::into_response(OptedBackIn);
    assert_eq!(res.status(), 409);
    assert_eq!(res.headers()["content-type"], "application/json");
    let res = axum::response::IntoResponse::into_response(Wrapped(Gone));
    assert_eq!(res.status(), 410);
    assert_eq!(api_error_core::ApiError::code(&Wrapped(Gone)), "gone");
    let res = axum::response::IntoResponse::into_response(Custom::Teapot);
    assert_eq!(res.status(), 418);
    assert_eq!(Custom::Teapot.code(), "teapot");
    assert_eq!(axum::response::IntoResponse::into_response(Gone).status(), 410);
    // The derive's own rendering is still there for the hand-written impls to use.
    let mut body = Vec::new();
    Gone.write_json(None, &mut body);
    assert!(body.starts_with(br#"{"message":"gone""#));
}
