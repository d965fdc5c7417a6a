//! Shared by the `axum_server` and `actix_server` examples: the payments API itself (each
//! example adds only its framework's handlers and server) and the curl lines printed at
//! start-up. Not an example of its own: included with `#[path = "support/mod.rs"] mod support;`.

use std::time::Duration;

use api_error_tests::payments::{AuthError, PaymentError};
use serde::Deserialize;
use serde_json::{json, Value};

/// The body of `POST /v1/charges`.
#[derive(Deserialize)]
pub struct NewCharge {
    pub amount: i64,
    pub currency: String,
}

/// The query of `GET /v1/charges`.
#[derive(Deserialize)]
pub struct ListParams {
    pub limit: u32,
}

/// `GET /v1/customers/{id}`: only `cus_123` exists.
pub fn customer(id: String) -> Result<Value, PaymentError> {
    match id.as_str() {
        "cus_123" => Ok(json!({ "id": id, "name": "Jenny Rosen" })),
        _ => Err(PaymentError::CustomerNotFound { id }),
    }
}

/// `POST /v1/charges`: needs an `authorization` header and a positive amount; the
/// idempotency key `reused` conflicts.
pub fn charge(
    c: &NewCharge,
    authorized: bool,
    idempotency_key: Option<&[u8]>,
    request_id: &str,
) -> Result<Value, PaymentError> {
    if !authorized {
        return Err(PaymentError::InvalidApiKey);
    }
    if c.amount <= 0 {
        return Err(PaymentError::InvalidAmount {
            field: "amount".into(),
        });
    }
    if idempotency_key == Some(b"reused") {
        return Err(PaymentError::IdempotencyConflict {
            key: "reused".into(),
        });
    }
    Ok(json!({
        "id": "ch_1", "amount": c.amount, "currency": c.currency, "request": request_id
    }))
}

/// `GET /v1/charges?limit=n`.
pub fn list(p: &ListParams) -> Value {
    json!({ "data": [], "limit": p.limit })
}

/// `GET /v1/rate_limited`: a 429 with a retry delay.
pub fn rate_limited() -> PaymentError {
    PaymentError::RateLimited {
        wait: Duration::from_millis(1500),
    }
}

/// `GET /v1/database`: a 503 whose details only go to the log.
pub fn database() -> PaymentError {
    PaymentError::Database(std::io::Error::other(
        "connection refused: db-primary.internal:5432 (password=hunter2)",
    ))
}

/// `GET /v1/expired_key`: a transparent variant.
pub fn expired_key() -> PaymentError {
    PaymentError::Auth(AuthError::KeyExpired {
        expired_on: "2026-01-31".into(),
    })
}

/// `GET /v1/panic`.
pub fn panics() -> ! {
    panic!("invariant violated: ledger row 42 (this text is logged, never sent)")
}

/// Logs to stdout, up to debug (where 4xx are logged).
pub fn init_logging() {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .init();
}

/// The start-up lines: where `example` listens and what to try.
pub fn print_banner(example: &str, addr: &str) {
    println!("{example} listening on http://{addr}; try:");
    for line in curl_lines(addr) {
        println!("  {line}");
    }
}

/// One curl line per kind of error.
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
