// One mistake is one error: the fallback also stands in for the framework impls, so a route
// using the type does not add axum's "`Handler` is not implemented" or actix-web's
// "`ResponseError` is not implemented", and an SDK reading it back with `to_typed` does not
// add "`FromErrorResponse` is not implemented".
use api_error_core::ApiError;
use axum::{routing::get, Router};

#[derive(Debug, thiserror::Error, ApiError)]
enum E {
    #[error("missing")]
    #[api_error(stauts = 404)]
    Missing,
}

async fn handler() -> Result<&'static str, E> {
    Err(E::Missing)
}

async fn actix_handler() -> Result<&'static str, E> {
    Err(E::Missing)
}

fn main() {
    let _app: Router = Router::new().route("/", get(handler));
    let _actix = actix_web::App::new().route("/", actix_web::web::get().to(actix_handler));
    let received = api_error_core::client::ErrorResponse::from_parts(
        http::StatusCode::NOT_FOUND,
        &http::HeaderMap::new(),
        b"{}",
    );
    let _typed: Option<E> = received.to_typed::<E>();
}
