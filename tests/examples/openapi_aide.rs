//! The payments API of the `openapi` example, documented with aide instead of utoipa: an
//! `ApiRouter` whose handlers return the error enums, so each operation documents its errors
//! by its return type alone (one response per status, the `ErrorBody` schema, one example
//! per code); `add_layer_responses` adds the errors `ApiErrorLayer` sends on its own.
//! Prints the OpenAPI 3.1 document; paste it into any OpenAPI viewer.
//!
//! ```text
//! cargo run -p api-error-tests --example openapi_aide > openapi.json
//! ```

use aide::axum::routing::{get_with, post_with};
use aide::axum::ApiRouter;
use aide::openapi::{Info, OpenApi};
use axum::extract::Path;
use axum::{Json, Router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use api_error_tests::payments::{AuthError, PaymentError};

/// A customer.
#[derive(Serialize, JsonSchema)]
pub struct Customer {
    /// The customer id, `cus_...`.
    id: String,
    /// The customer's email address.
    email: String,
}

/// A charge.
#[derive(Serialize, JsonSchema)]
pub struct Charge {
    /// The charge id, `ch_...`.
    id: String,
    /// The amount in the currency's smallest unit.
    amount: u64,
}

/// The body of a new charge.
#[derive(Deserialize, JsonSchema)]
pub struct NewCharge {
    /// The amount in the currency's smallest unit.
    amount: i64,
    /// Three-letter ISO currency code, lowercase.
    currency: String,
}

/// The path of a customer.
#[derive(Deserialize, JsonSchema)]
pub struct CustomerPath {
    /// The customer id.
    id: String,
}

async fn get_customer(Path(p): Path<CustomerPath>) -> Result<Json<Customer>, PaymentError> {
    if p.id == "cus_123" {
        Ok(Json(Customer {
            id: p.id,
            email: "jenny@example.com".into(),
        }))
    } else {
        Err(PaymentError::CustomerNotFound { id: p.id })
    }
}

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

/// Only authentication errors can happen here.
async fn me() -> Result<Json<Customer>, AuthError> {
    Err(AuthError::KeyExpired {
        expired_on: "2026-01-31".into(),
    })
}

/// The API and its document: `finish_api` fills `api` with every documented route.
fn app(api: &mut OpenApi) -> Router {
    ApiRouter::new()
        .api_route(
            "/v1/customers/{id}",
            get_with(get_customer, |op| op.summary("Retrieve a customer")),
        )
        .api_route(
            "/v1/charges",
            post_with(create_charge, |op| op.summary("Create a charge")),
        )
        .api_route("/v1/me", get_with(me, |op| op.summary("Who am I")))
        .finish_api(api)
        .layer(api_error_core::axum::ApiErrorLayer::new())
}

fn main() {
    let mut api = OpenApi {
        info: Info {
            title: "Payments API".into(),
            version: "1.0.0".into(),
            ..Info::default()
        },
        ..OpenApi::default()
    };
    // Serve it with `axum::serve(listener, app)` (not done here: printing the document is
    // the point).
    let _app = app(&mut api);
    // The layer's own errors, on every operation (the body errors where there is a body).
    api_error_core::aide::add_layer_responses(&mut api);
    match serde_json::to_string_pretty(&api) {
        Ok(json) => println!("{json}"),
        Err(e) => {
            eprintln!("cannot render the OpenAPI document: {e}");
            std::process::exit(1);
        }
    }
}
