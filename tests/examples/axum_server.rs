//! A payments-style API on axum with `ApiErrorLayer`: `cargo run --example axum_server`,
//! then try the printed curl lines.

use std::time::Duration;

use api_error_core::axum::{ApiErrorLayer, RequestId};
use api_error_tests::payments::{AuthError, PaymentError};
use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

const ADDR: &str = "127.0.0.1:3000";

async fn customer(Path(id): Path<String>) -> Result<Json<Value>, PaymentError> {
    match id.as_str() {
        "cus_123" => Ok(Json(json!({ "id": id, "name": "Jenny Rosen" }))),
        _ => Err(PaymentError::CustomerNotFound { id }),
    }
}

#[derive(Deserialize)]
struct NewCharge {
    amount: i64,
    currency: String,
}

async fn charge(
    request_id: RequestId,
    headers: HeaderMap,
    Json(c): Json<NewCharge>,
) -> Result<Json<Value>, PaymentError> {
    if headers.get("authorization").is_none() {
        return Err(PaymentError::InvalidApiKey);
    }
    if c.amount <= 0 {
        return Err(PaymentError::InvalidAmount {
            field: "amount".into(),
        });
    }
    if headers
        .get("idempotency-key")
        .is_some_and(|k| k == "reused")
    {
        return Err(PaymentError::IdempotencyConflict {
            key: "reused".into(),
        });
    }
    Ok(Json(json!({
        "id": "ch_1", "amount": c.amount, "currency": c.currency, "request": request_id.as_str()
    })))
}

#[derive(Deserialize)]
struct ListParams {
    limit: u32,
}

async fn list(Query(p): Query<ListParams>) -> Json<Value> {
    Json(json!({ "data": [], "limit": p.limit }))
}

async fn rate_limited() -> Result<(), PaymentError> {
    Err(PaymentError::RateLimited {
        wait: Duration::from_millis(1500),
    })
}

async fn database() -> Result<(), PaymentError> {
    Err(PaymentError::Database(std::io::Error::other(
        "connection refused: db-primary.internal:5432 (password=hunter2)",
    )))
}

async fn expired_key() -> Result<(), PaymentError> {
    Err(PaymentError::Auth(AuthError::KeyExpired {
        expired_on: "2026-01-31".into(),
    }))
}

async fn panics() -> &'static str {
    panic!("invariant violated: ledger row 42 (this text is logged, never sent)")
}

fn app() -> Router {
    Router::new()
        .route("/v1/customers/{id}", get(customer))
        .route("/v1/charges", post(charge).get(list))
        .route("/v1/rate_limited", get(rate_limited))
        .route("/v1/database", get(database))
        .route("/v1/expired_key", get(expired_key))
        .route("/v1/panic", get(panics))
        .layer(ApiErrorLayer::new())
}

fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(ADDR).await?;
        println!("axum_server listening on http://{ADDR}; try:");
        for line in curl_lines(ADDR) {
            println!("  {line}");
        }
        axum::serve(listener, app()).await
    })
}

/// One curl line per kind of error (shared wording with the actix example).
fn curl_lines(addr: &str) -> Vec<String> {
    let u = format!("http://{addr}");
    vec![
        format!("curl -i {u}/v1/customers/cus_123                 # 200"),
        format!("curl -i {u}/v1/customers/cus_404                 # 404 resource_missing, param"),
        format!("curl -i -H 'x-request-id: my-trace.1' {u}/v1/customers/cus_404   # your request id echoed"),
        format!("curl -i -X POST {u}/v1/charges -H 'content-type: application/json' -d '{{\"amount\":5,\"currency\":\"usd\"}}'   # 401 invalid_api_key"),
        format!("curl -i -X POST {u}/v1/charges -H 'authorization: Bearer sk' -H 'content-type: application/json' -d '{{\"amount\":-5,\"currency\":\"usd\"}}'   # 422 invalid_amount"),
        format!("curl -i -X POST {u}/v1/charges -H 'authorization: Bearer sk' -H 'idempotency-key: reused' -H 'content-type: application/json' -d '{{\"amount\":5,\"currency\":\"usd\"}}'   # 409, x-should-retry: false"),
        format!("curl -i -X POST {u}/v1/charges -H 'content-type: application/json' -d '{{\"amount\":'   # 400 invalid_json"),
        format!("curl -i -X POST {u}/v1/charges -H 'content-type: application/json' -d '{{\"amount\":\"five\"}}'   # 422 invalid_body"),
        format!("curl -i -X POST {u}/v1/charges -d 'amount=5'       # 415 unsupported_media_type"),
        format!("curl -i '{u}/v1/charges?limit=ten'                # 400 invalid_query"),
        format!("curl -i {u}/v1/expired_key                       # 401 api_key_expired (transparent)"),
        format!("curl -i {u}/v1/rate_limited                      # 429, Retry-After: 2, retry-after-ms: 1500"),
        format!("curl -i {u}/v1/database                          # 503, generic message; details only in the log"),
        format!("curl -i {u}/v1/panic                             # 500, the panic message only in the log"),
        format!("curl -i {u}/v1/nope                              # 404 route_not_found"),
        format!("curl -i -X DELETE {u}/v1/charges                 # 405 method_not_allowed"),
    ]
}
