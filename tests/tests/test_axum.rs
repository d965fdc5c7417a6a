//! axum integration over real HTTP: derived and hand-written errors as `IntoResponse`,
//! `ApiErrorLayer` (request ids, rejections, 404/405, panics), with and without the layer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod web_support;

use std::borrow::Cow;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use api_error_core::axum::{ApiErrorLayer, RequestId};
use api_error_core::ApiError;
use axum::body::Body;
use axum::extract::{Path, Query};
use axum::http::{HeaderName, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use web_support::*;

#[derive(Debug, thiserror::Error, ApiError)]
enum ShopError {
    #[error("No such customer: {id}")]
    #[api_error(status = 404, code = "resource_missing", param = "customer")]
    CustomerNotFound { id: String },

    #[error("Idempotency key {key} was reused with different parameters")]
    #[api_error(status = 409, code = "idempotency_key_reused")]
    IdempotencyConflict { key: String },

    #[error("{field} must be positive")]
    #[api_error(status = 422, code = "invalid_amount")]
    InvalidAmount {
        #[api_error(param)]
        field: String,
    },

    #[error("Too many requests")]
    #[api_error(status = 429, code = "rate_limited")]
    RateLimited {
        #[api_error(retry_after)]
        wait: Duration,
    },

    #[error("database unavailable: {0}")]
    #[api_error(status = 503, code = "database_unavailable")]
    Database(#[source] std::io::Error),

    #[error("ledger is inconsistent")]
    #[api_error(status = 500, code = "ledger_inconsistent", retryable = false)]
    Ledger,
}

/// A hand-written error, opted in with one line.
#[derive(Debug)]
struct Teapot;

impl std::fmt::Display for Teapot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("I refuse to brew coffee")
    }
}
impl std::error::Error for Teapot {}
impl ApiError for Teapot {
    fn status(&self) -> StatusCode {
        StatusCode::IM_A_TEAPOT
    }
    fn error_type(&self) -> &'static str {
        "invalid_request_error"
    }
    fn code(&self) -> &'static str {
        "teapot"
    }
    fn message(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
    fn param(&self) -> Option<Cow<'_, str>> {
        None
    }
}
api_error_core::impl_integrations!(Teapot);

const SECRET: &str = "password=hunter2 at db-primary.internal";
const PANIC_TEXT: &str = "secret panic text: card 4242";

#[derive(Deserialize)]
struct Charge {
    amount: i64,
    #[allow(dead_code)]
    currency: String,
}

#[derive(Deserialize)]
struct Search {
    limit: u32,
}

async fn customer(Path(id): Path<String>) -> Result<Json<serde_json::Value>, ShopError> {
    if id == "cus_ok" {
        Ok(Json(serde_json::json!({ "id": id })))
    } else {
        Err(ShopError::CustomerNotFound { id })
    }
}

async fn charge(Json(c): Json<Charge>) -> Result<Json<serde_json::Value>, ShopError> {
    if c.amount <= 0 {
        return Err(ShopError::InvalidAmount {
            field: "amount".into(),
        });
    }
    Ok(Json(serde_json::json!({ "amount": c.amount })))
}

async fn search(Query(s): Query<Search>) -> String {
    format!("limit={}", s.limit)
}

async fn item(Path(n): Path<u32>) -> String {
    format!("item {n}")
}

async fn panics() -> &'static str {
    panic!("{}", PANIC_TEXT)
}

async fn stream() -> Body {
    let chunks: Vec<Result<&'static str, std::io::Error>> =
        vec![Ok("chunk-1;"), Ok("chunk-2;"), Ok("chunk-3")];
    Body::from_stream(futures_util::stream::iter(chunks))
}

fn routes() -> Router {
    Router::new()
        .route("/v1/customers/{id}", get(customer))
        .route("/v1/charges", post(charge))
        .route("/v1/search", get(search))
        .route("/v1/items/{n}", get(item))
        .route(
            "/v1/conflict",
            get(|| async { Err::<(), _>(ShopError::IdempotencyConflict { key: "k1".into() }) }),
        )
        .route(
            "/v1/rate",
            get(|| async {
                Err::<(), _>(ShopError::RateLimited {
                    wait: Duration::from_millis(1500),
                })
            }),
        )
        .route(
            "/v1/db",
            get(|| async { Err::<(), _>(ShopError::Database(std::io::Error::other(SECRET))) }),
        )
        .route(
            "/v1/ledger",
            get(|| async { Err::<(), _>(ShopError::Ledger) }),
        )
        .route("/v1/teapot", get(|| async { Err::<(), _>(Teapot) }))
        .route(
            "/v1/boxed",
            get(|| async {
                let e: Box<dyn ApiError + Send + Sync> = Box::new(Teapot);
                Err::<(), _>(e)
            }),
        )
        .route("/v1/panic", get(panics))
        .route("/v1/stream", get(stream))
        .route(
            "/v1/whoami",
            get(|id: RequestId| async move { id.to_string() }),
        )
        .route(
            "/v1/maybe-id",
            get(|id: Option<RequestId>| async move { format!("{}", id.is_some()) }),
        )
        .route("/v1/bare", get(|| async { StatusCode::FORBIDDEN }))
        .route(
            "/v1/plain",
            get(|| async { (StatusCode::BAD_REQUEST, "plain text problem") }),
        )
        .route(
            "/v1/own-json",
            get(|| async {
                (
                    StatusCode::BAD_REQUEST,
                    Json(serde_json::json!({ "custom": 1 })),
                )
                    .into_response()
            }),
        )
}

fn serve(app: Router) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    addr
}

/// The app with `ApiErrorLayer`.
fn with_layer() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| serve(routes().layer(ApiErrorLayer::new())))
}

/// The app without any layer: derived errors still render, without request ids.
fn without_layer() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| serve(routes()))
}

/// The app with a Stripe-style `request-id` header.
fn with_custom_header() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        serve(
            routes().layer(
                ApiErrorLayer::new().request_id_header(HeaderName::from_static("request-id")),
            ),
        )
    })
}

const RID: &str = "x-request-id";

#[test]
fn handler_404_byte_for_byte() {
    let resp = fetch_with(
        with_layer(),
        "/v1/customers/cus_123",
        &[("x-request-id", b"req_test.1-A")],
    );
    check_error(&resp, 404, "not_found_error", "resource_missing", Some(RID));
    assert_eq!(resp.header(RID), Some("req_test.1-A"));
    assert_eq!(
        resp.text(),
        r#"{"message":"No such customer: cus_123","type":"not_found_error","code":"resource_missing","param":"customer","request_id":"req_test.1-A"}"#
    );
    assert_eq!(
        resp.header("content-length"),
        Some(resp.body.len().to_string().as_str())
    );
}

#[test]
fn handler_4xx_classes() {
    let addr = with_layer();
    let resp = fetch(addr, "/v1/conflict");
    let body = check_error(
        &resp,
        409,
        "conflict_error",
        "idempotency_key_reused",
        Some(RID),
    );
    assert_eq!(
        body["message"],
        "Idempotency key k1 was reused with different parameters"
    );

    let resp = post_json(addr, "/v1/charges", r#"{"amount":-5,"currency":"usd"}"#);
    let body = check_error(&resp, 422, "validation_error", "invalid_amount", Some(RID));
    assert_eq!(body["param"], "amount");
    assert_eq!(body["message"], "amount must be positive");

    let resp = fetch(addr, "/v1/teapot");
    let body = check_error(&resp, 418, "invalid_request_error", "teapot", Some(RID));
    assert_eq!(body["message"], "I refuse to brew coffee");

    let resp = fetch(addr, "/v1/boxed");
    check_error(&resp, 418, "invalid_request_error", "teapot", Some(RID));
}

#[test]
fn handler_429_retry_after() {
    let resp = fetch(with_layer(), "/v1/rate");
    check_error(&resp, 429, "rate_limit_error", "rate_limited", Some(RID));
    assert_eq!(resp.header("retry-after"), Some("2"));
    assert_eq!(resp.header("retry-after-ms"), Some("1500"));
    assert_eq!(resp.header("x-should-retry"), Some("true"));
}

#[test]
fn handler_5xx_redacted() {
    let resp = fetch(with_layer(), "/v1/db");
    let body = check_error(&resp, 503, "api_error", "database_unavailable", Some(RID));
    assert_eq!(body["message"], "The service is temporarily unavailable.");
    assert!(!resp.text().contains("hunter2"));
    assert!(!resp.text().contains("database unavailable"));
    assert!(resp.header("retry-after").is_none());

    let resp = fetch(with_layer(), "/v1/ledger");
    let body = check_error_retry(
        &resp,
        500,
        "api_error",
        "ledger_inconsistent",
        Some(RID),
        false,
    );
    assert_eq!(body["message"], "An internal error occurred.");
}

#[test]
fn rejection_malformed_json() {
    let resp = post_json(with_layer(), "/v1/charges", r#"{"amount": 5,"#);
    let body = check_error(
        &resp,
        400,
        "invalid_request_error",
        "invalid_json",
        Some(RID),
    );
    let msg = body["message"].as_str().unwrap();
    assert!(
        msg.starts_with("Failed to parse the request body as JSON"),
        "{msg}"
    );
}

#[test]
fn rejection_wrong_shape_json() {
    let resp = post_json(
        with_layer(),
        "/v1/charges",
        r#"{"amount":"five","currency":"usd"}"#,
    );
    let body = check_error(&resp, 422, "validation_error", "invalid_body", Some(RID));
    assert_eq!(body["param"], "amount", "{body}");

    let resp = post_json(with_layer(), "/v1/charges", r#"{"currency":"usd"}"#);
    let body = check_error(&resp, 422, "validation_error", "invalid_body", Some(RID));
    assert_eq!(body["param"], "amount", "{body}");
}

#[test]
fn rejection_missing_content_type() {
    let resp = request(
        with_layer(),
        "POST",
        "/v1/charges",
        &[],
        Some(br#"{"amount":5,"currency":"usd"}"#),
    );
    let body = check_error(
        &resp,
        415,
        "invalid_request_error",
        "unsupported_media_type",
        Some(RID),
    );
    assert_eq!(
        body["message"],
        "Expected request with `Content-Type: application/json`."
    );
}

#[test]
fn rejection_bad_query() {
    let addr = with_layer();
    let resp = fetch(addr, "/v1/search?limit=ten");
    let body = check_error(
        &resp,
        400,
        "invalid_request_error",
        "invalid_query",
        Some(RID),
    );
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("Failed to deserialize query string"));
    let resp = fetch(addr, "/v1/search");
    check_error(
        &resp,
        400,
        "invalid_request_error",
        "invalid_query",
        Some(RID),
    );
    assert_eq!(fetch(addr, "/v1/search?limit=3").text(), "limit=3");
}

#[test]
fn rejection_bad_path() {
    let resp = fetch(with_layer(), "/v1/items/abc");
    let body = check_error(
        &resp,
        400,
        "invalid_request_error",
        "invalid_path",
        Some(RID),
    );
    assert_eq!(body["param"], "n", "{body}");
    assert!(body["message"].as_str().unwrap().starts_with("Invalid URL"));
}

#[test]
fn unmatched_route_404() {
    let resp = fetch(with_layer(), "/v1/nope?x=1");
    let body = check_error(&resp, 404, "not_found_error", "route_not_found", Some(RID));
    assert_eq!(body["message"], "Unrecognized request URL (GET: /v1/nope).");
}

#[test]
fn wrong_method_405() {
    let resp = request(with_layer(), "DELETE", "/v1/charges", &[], None);
    let body = check_error(
        &resp,
        405,
        "invalid_request_error",
        "method_not_allowed",
        Some(RID),
    );
    assert_eq!(
        body["message"],
        "Method DELETE is not allowed for /v1/charges."
    );
    assert!(
        resp.header("allow").is_some_and(|a| a.contains("POST")),
        "{resp:?}"
    );
}

#[test]
fn panic_is_500_without_its_text() {
    let addr = with_layer();
    let resp = fetch(addr, "/v1/panic");
    let body = check_error(&resp, 500, "api_error", "internal_error", Some(RID));
    assert_eq!(body["message"], "An internal error occurred.");
    assert!(!resp.text().contains("secret"));
    assert!(!resp.text().contains("4242"));
    // The server is still up.
    assert_eq!(fetch(addr, "/v1/customers/cus_ok").status, 200);
}

#[test]
fn bare_and_plain_errors_are_normalized() {
    let addr = with_layer();
    let resp = fetch(addr, "/v1/bare");
    let body = check_error(&resp, 403, "permission_error", "forbidden", Some(RID));
    assert_eq!(
        body["message"],
        "You do not have permission to perform this request."
    );
    let resp = fetch(addr, "/v1/plain");
    let body = check_error(
        &resp,
        400,
        "invalid_request_error",
        "invalid_request",
        Some(RID),
    );
    assert_eq!(body["message"], "plain text problem.");
    // A JSON error the app wrote itself is left alone.
    let resp = fetch(addr, "/v1/own-json");
    assert_eq!(resp.status, 400);
    assert_eq!(resp.text(), r#"{"custom":1}"#);
}

#[test]
fn generated_ids_are_unique_and_match_the_body() {
    let addr = with_layer();
    let mut seen = HashSet::new();
    for _ in 0..20 {
        let resp = fetch(addr, "/v1/customers/cus_x");
        let body = check_error(&resp, 404, "not_found_error", "resource_missing", Some(RID));
        let id = body["request_id"].as_str().unwrap().to_owned();
        assert!(is_generated(&id), "{id}");
        assert!(seen.insert(id));
    }
}

#[test]
fn safe_incoming_ids_are_echoed() {
    let addr = with_layer();
    for id in ["abc", "req_8fZ2kQ", "A.b-c_d", &"x".repeat(128)] {
        let resp = fetch_with(
            addr,
            "/v1/customers/cus_x",
            &[("x-request-id", id.as_bytes())],
        );
        let body = check_error(&resp, 404, "not_found_error", "resource_missing", Some(RID));
        assert_eq!(body["request_id"], id);
        // Success responses carry it too.
        let ok = fetch_with(
            addr,
            "/v1/customers/cus_ok",
            &[("x-request-id", id.as_bytes())],
        );
        assert_eq!(ok.header(RID), Some(id));
    }
}

#[test]
fn unsafe_incoming_ids_are_replaced() {
    let addr = with_layer();
    let long = long_id();
    let mut ids: Vec<&[u8]> = UNSAFE_IDS.to_vec();
    ids.push(&long);
    for id in ids {
        let resp = fetch_with(addr, "/v1/customers/cus_x", &[("x-request-id", id)]);
        let body = check_error(&resp, 404, "not_found_error", "resource_missing", Some(RID));
        let got = body["request_id"].as_str().unwrap();
        assert!(
            is_generated(got),
            "{got} for {:?}",
            String::from_utf8_lossy(id)
        );
    }
}

#[test]
fn handlers_see_the_request_id() {
    let addr = with_layer();
    let resp = fetch_with(addr, "/v1/whoami", &[("x-request-id", b"req_who")]);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.text(), "req_who");
    let resp = fetch(addr, "/v1/whoami");
    assert_eq!(Some(resp.text().as_str()), resp.header(RID));
    assert_eq!(fetch(addr, "/v1/maybe-id").text(), "true");
    assert_eq!(fetch(without_layer(), "/v1/maybe-id").text(), "false");
    // Without the layer the extractor fails with a standard 500.
    let resp = fetch(without_layer(), "/v1/whoami");
    check_error(&resp, 500, "api_error", "request_id_missing", None);
}

#[test]
fn success_untouched_including_streams() {
    let addr = with_layer();
    let resp = fetch(addr, "/v1/customers/cus_ok");
    assert_eq!(resp.status, 200);
    assert_eq!(resp.text(), r#"{"id":"cus_ok"}"#);
    assert_eq!(resp.header("content-type"), Some("application/json"));
    assert!(resp.header("x-should-retry").is_none());

    let resp = fetch(addr, "/v1/stream");
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("transfer-encoding"), Some("chunked"));
    assert_eq!(resp.text(), "chunk-1;chunk-2;chunk-3");
    assert!(resp.header(RID).is_some());

    let resp = post_json(addr, "/v1/charges", r#"{"amount":5,"currency":"usd"}"#);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.text(), r#"{"amount":5}"#);
}

#[test]
fn configurable_header_name() {
    let addr = with_custom_header();
    let resp = fetch_with(
        addr,
        "/v1/customers/cus_x",
        &[("request-id", b"req_stripe_style")],
    );
    let body = check_error(
        &resp,
        404,
        "not_found_error",
        "resource_missing",
        Some("request-id"),
    );
    assert_eq!(body["request_id"], "req_stripe_style");
    assert!(resp.header("x-request-id").is_none());
    // `x-request-id` is not read any more.
    let resp = fetch_with(
        addr,
        "/v1/customers/cus_x",
        &[("x-request-id", b"req_other")],
    );
    let body = check_error(
        &resp,
        404,
        "not_found_error",
        "resource_missing",
        Some("request-id"),
    );
    assert!(is_generated(body["request_id"].as_str().unwrap()));
}

#[test]
fn without_the_layer() {
    let addr = without_layer();
    let resp = fetch(addr, "/v1/customers/cus_123");
    check_error(&resp, 404, "not_found_error", "resource_missing", None);
    assert_eq!(
        resp.text(),
        r#"{"message":"No such customer: cus_123","type":"not_found_error","code":"resource_missing","param":"customer","request_id":null}"#
    );
    assert!(resp.header(RID).is_none());

    let resp = fetch(addr, "/v1/rate");
    check_error(&resp, 429, "rate_limit_error", "rate_limited", None);
    assert_eq!(resp.header("retry-after"), Some("2"));
    assert_eq!(resp.header("retry-after-ms"), Some("1500"));

    let resp = fetch(addr, "/v1/db");
    let body = check_error(&resp, 503, "api_error", "database_unavailable", None);
    assert_eq!(body["message"], "The service is temporarily unavailable.");
    assert!(!resp.text().contains("hunter2"));

    let resp = fetch(addr, "/v1/conflict");
    check_error(&resp, 409, "conflict_error", "idempotency_key_reused", None);
    let resp = fetch(addr, "/v1/teapot");
    check_error(&resp, 418, "invalid_request_error", "teapot", None);
}
