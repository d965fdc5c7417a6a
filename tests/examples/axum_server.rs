//! A payments-style API on axum with `ApiErrorLayer`: `cargo run --example axum_server`,
//! then try the printed curl lines.

#[path = "support/mod.rs"]
mod support;

use api_error_core::axum::{ApiErrorLayer, RequestId};
use api_error_tests::payments::PaymentError;
use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;
use support::{ListParams, NewCharge};

const ADDR: &str = "127.0.0.1:3000";

async fn customer(Path(id): Path<String>) -> Result<Json<Value>, PaymentError> {
    support::customer(id).map(Json)
}

async fn charge(
    request_id: RequestId,
    headers: HeaderMap,
    Json(c): Json<NewCharge>,
) -> Result<Json<Value>, PaymentError> {
    let authorized = headers.contains_key("authorization");
    let key = headers.get("idempotency-key").map(|k| k.as_bytes());
    support::charge(&c, authorized, key, request_id.as_str()).map(Json)
}

async fn list(Query(p): Query<ListParams>) -> Json<Value> {
    Json(support::list(&p))
}

async fn rate_limited() -> Result<(), PaymentError> {
    Err(support::rate_limited())
}

async fn database() -> Result<(), PaymentError> {
    Err(support::database())
}

async fn expired_key() -> Result<(), PaymentError> {
    Err(support::expired_key())
}

async fn panics() -> &'static str {
    support::panics()
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
    support::init_logging();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(ADDR).await?;
        support::print_banner("axum_server", ADDR);
        axum::serve(listener, app()).await
    })
}
