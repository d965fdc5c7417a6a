//! Builds the OpenAPI 3.1 document of a small axum payments API with utoipa and prints it as
//! JSON. Every error response comes from the error enums: one response per status, the
//! `ErrorBody` schema, and one example body per code; `add_layer_responses` adds the errors
//! `ApiErrorLayer` sends on its own (malformed JSON, wrong content type, wrong shape, panics).
//! Paste the output into any OpenAPI viewer (Swagger Editor, Redocly, Scalar).
//!
//! ```text
//! cargo run -p api-error-tests --example openapi > openapi.json
//! ```
//!
//! The same API documented with aide: `cargo run -p api-error-tests --example openapi_aide`.

use api_error_core::ErrorBody;
use axum::extract::Path;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub use api_error_tests::payments::{AuthError, PaymentError};

/// A customer.
#[derive(Serialize, ToSchema)]
pub struct Customer {
    /// The customer id, `cus_...`.
    id: String,
    /// The customer's email address.
    email: String,
}

/// A charge.
#[derive(Serialize, ToSchema)]
pub struct Charge {
    /// The charge id, `ch_...`.
    id: String,
    /// The amount in the currency's smallest unit.
    amount: u64,
}

/// The body of a new charge.
#[derive(Deserialize, ToSchema)]
pub struct NewCharge {
    /// The amount in the currency's smallest unit.
    amount: i64,
    /// Three-letter ISO currency code, lowercase.
    currency: String,
}

/// Retrieve a customer.
#[utoipa::path(
    get,
    path = "/v1/customers/{id}",
    params(("id" = String, Path, description = "The customer id")),
    responses(
        (status = 200, description = "The customer", body = Customer),
        PaymentError,
    ),
)]
async fn get_customer(Path(id): Path<String>) -> Result<Json<Customer>, PaymentError> {
    if id == "cus_123" {
        Ok(Json(Customer {
            id,
            email: "jenny@example.com".into(),
        }))
    } else {
        Err(PaymentError::CustomerNotFound { id })
    }
}

/// Create a charge.
#[utoipa::path(
    post,
    path = "/v1/charges",
    request_body = NewCharge,
    responses(
        (status = 200, description = "The charge", body = Charge),
        PaymentError,
    ),
)]
async fn create_charge(Json(new): Json<NewCharge>) -> Result<Json<Charge>, PaymentError> {
    if new.amount <= 0 {
        return Err(PaymentError::InvalidAmount {
            field: "amount".into(),
        });
    }
    Ok(Json(Charge {
        id: format!("ch_{}", new.currency),
        amount: new.amount.unsigned_abs(),
    }))
}

/// Who am I: only authentication errors can happen here.
#[utoipa::path(
    get,
    path = "/v1/me",
    responses((status = 200, description = "The account"), AuthError),
)]
async fn me() -> Result<&'static str, AuthError> {
    Err(AuthError::KeyExpired {
        expired_on: "2026-01-31".into(),
    })
}

/// The API's OpenAPI document. Registering `ErrorBody` is optional (error responses inline
/// its schema); it makes the schema show up under `components.schemas` for SDK generators.
#[derive(OpenApi)]
#[openapi(
    info(title = "Payments API", version = "1.0.0"),
    paths(get_customer, create_charge, me),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

/// The API itself: the same handlers the document describes. Serve it with
/// `axum::serve(listener, app())` (not done here: printing the document is the point).
fn app() -> Router {
    Router::new()
        .route("/v1/customers/{id}", get(get_customer))
        .route("/v1/charges", post(create_charge))
        .route("/v1/me", get(me))
        .layer(api_error_core::axum::ApiErrorLayer::new())
}

fn main() {
    let _app = app();
    let mut doc = ApiDoc::openapi();
    // The layer's own errors, on every operation (the body errors where there is a body).
    api_error_core::utoipa::add_layer_responses(&mut doc);
    match doc.to_pretty_json() {
        Ok(json) => println!("{json}"),
        Err(e) => {
            eprintln!("cannot render the OpenAPI document: {e}");
            std::process::exit(1);
        }
    }
}
