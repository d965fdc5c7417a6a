// The derive on a union is one error: the stand-in impls cover it too, so using the type as
// an error (a handler's `Err`, the catalog, the typed client) adds nothing.
use api_error_core::{ApiError, ErrorCatalog};
use axum::{routing::get, Router};

#[derive(ApiError)]
union U {
    a: u32,
    b: f32,
}

impl std::fmt::Debug for U {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("U")
    }
}

impl std::fmt::Display for U {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("U")
    }
}

impl std::error::Error for U {}

async fn handler() -> Result<&'static str, U> {
    Err(U { a: 1 })
}

fn main() {
    let _app: Router = Router::new().route("/", get(handler));
    let _ = U { a: 1 }.status();
    let _ = U::catalog();
}
