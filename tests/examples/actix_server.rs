//! A payments-style API on actix-web with `ApiErrorMiddleware`:
//! `cargo run --example actix_server`, then try the printed curl lines.

use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use api_error_core::actix::{ApiErrorMiddleware, RequestId};
use api_error_tests::payments::{AuthError, PaymentError};
use serde::Deserialize;
use serde_json::json;

const ADDR: &str = "127.0.0.1:3001";

async fn customer(id: web::Path<String>) -> Result<HttpResponse, PaymentError> {
    let id = id.into_inner();
    match id.as_str() {
        "cus_123" => Ok(HttpResponse::Ok().json(json!({ "id": id, "name": "Jenny Rosen" }))),
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
    req: HttpRequest,
    c: web::Json<NewCharge>,
) -> Result<HttpResponse, PaymentError> {
    let headers = req.headers();
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
    Ok(HttpResponse::Ok().json(json!({
        "id": "ch_1", "amount": c.amount, "currency": c.currency, "request": request_id.as_str()
    })))
}

#[derive(Deserialize)]
struct ListParams {
    limit: u32,
}

async fn list(p: web::Query<ListParams>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "data": [], "limit": p.limit }))
}

async fn rate_limited() -> Result<HttpResponse, PaymentError> {
    Err(PaymentError::RateLimited {
        wait: Duration::from_millis(1500),
    })
}

async fn database() -> Result<HttpResponse, PaymentError> {
    Err(PaymentError::Database(std::io::Error::other(
        "connection refused: db-primary.internal:5432 (password=hunter2)",
    )))
}

async fn expired_key() -> Result<HttpResponse, PaymentError> {
    Err(PaymentError::Auth(AuthError::KeyExpired {
        expired_on: "2026-01-31".into(),
    }))
}

async fn panics() -> HttpResponse {
    panic!("invariant violated: ledger row 42 (this text is logged, never sent)")
}

fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .init();
    actix_web::rt::System::new().block_on(async {
        let server = HttpServer::new(|| {
            App::new()
                .wrap(ApiErrorMiddleware::new())
                .route("/v1/customers/{id}", web::get().to(customer))
                .service(
                    web::resource("/v1/charges")
                        .route(web::post().to(charge))
                        .route(web::get().to(list)),
                )
                .route("/v1/rate_limited", web::get().to(rate_limited))
                .route("/v1/database", web::get().to(database))
                .route("/v1/expired_key", web::get().to(expired_key))
                .route("/v1/panic", web::get().to(panics))
        })
        .workers(2)
        .bind(ADDR)?;
        println!("actix_server listening on http://{ADDR}; try:");
        for line in curl_lines(ADDR) {
            println!("  {line}");
        }
        server.run().await
    })
}

/// One curl line per kind of error (same as the axum example).
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
