//! axum integration over real HTTP: derived and hand-written errors as `IntoResponse`,
//! `ApiErrorLayer` (request ids, rejections, 404/405, panics), with and without the layer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod web_support;

use std::net::SocketAddr;
use std::time::Duration;

use api_error_core::axum::{ApiErrorLayer, RequestId};
use api_error_core::ApiError;
use axum::body::Body;
use axum::extract::{Path, Query};
use axum::http::{HeaderName, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use web_support::*;

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

async fn charge_form(axum::Form(c): axum::Form<Charge>) -> String {
    format!("charged {}", c.amount)
}

async fn search(Query(s): Query<Search>) -> String {
    format!("limit={}", s.limit)
}

async fn item(Path(n): Path<u32>) -> String {
    format!("item {n}")
}

async fn stream() -> Body {
    let chunks = CHUNKS.map(Ok::<_, std::io::Error>);
    Body::from_stream(futures_util::stream::iter(chunks))
}

fn routes() -> Router {
    Router::new()
        .route("/v1/customers/{id}", get(customer))
        .route("/v1/charges", post(charge))
        .route("/v1/charges-form", post(charge_form))
        .route("/v1/search", get(search))
        .route("/v1/items/{n}", get(item))
        .route(
            "/v1/orgs/{org}/items/{n}",
            get(|Path((org, n)): Path<(String, u32)>| async move { format!("{org} {n}") }),
        )
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
            "/v1/restatused",
            // A derived 404 the handler sends as a 500: the body no longer matches.
            get(|| async {
                let mut res = ShopError::CustomerNotFound {
                    id: "cus_secret".into(),
                }
                .into_response();
                *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                res
            }),
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
        .route("/v1/panic-payload", get(panics_with_a_payload_that_panics))
        .route("/v1/stream", get(stream))
        .route(
            "/v1/stalled-404",
            // An error body that sends a first chunk, then nothing, ever.
            get(|| async {
                use futures_util::StreamExt;
                let first = futures_util::stream::iter([Ok::<_, std::io::Error>("partial")]);
                (
                    StatusCode::NOT_FOUND,
                    Body::from_stream(first.chain(futures_util::stream::pending())),
                )
            }),
        )
        .route(
            "/v1/stalled-sized-404",
            // The same with a length known up front, as a proxied upstream error's body.
            get(|| async { (StatusCode::NOT_FOUND, Body::new(Stalling::sized_partial())) }),
        )
        .route(
            "/v1/whoami",
            get(|id: RequestId| async move { id.to_string() }),
        )
        .route(
            "/v1/id-lines",
            get(|headers: http::HeaderMap| async move {
                let lines: Vec<&str> = headers
                    .get_all("x-request-id")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .collect();
                lines.join(",")
            }),
        )
        .route(
            "/v1/maybe-id",
            get(|id: Option<RequestId>| async move { format!("{}", id.is_some()) }),
        )
        .route("/v1/bare", get(|| async { StatusCode::FORBIDDEN }))
        .route(
            "/v1/quota-spent",
            get(|| async { (StatusCode::TOO_MANY_REQUESTS, [("x-should-retry", "false")]) }),
        )
        .route(
            "/v1/retry-conflict",
            get(|| async {
                (
                    StatusCode::CONFLICT,
                    [("x-should-retry", "true")],
                    "try again",
                )
            }),
        )
        .route(
            "/v1/plain",
            get(|| async {
                // With headers about its own bytes, which must not describe the new body.
                (StatusCode::BAD_REQUEST, STALE_HEADERS, "plain text problem")
            }),
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
        .route("/v1/gone", get(|| async { Err::<(), _>(Gone) }))
        .route(
            "/v1/gone-spawned",
            get(|| async {
                tokio::spawn(async { Gone.into_response() })
                    .await
                    .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
            }),
        )
        .route(
            "/v1/spawned",
            get(|| async {
                // Rendered in another task: outside the request's context.
                tokio::spawn(async {
                    ShopError::InvalidAmount {
                        field: "amount".into(),
                    }
                    .into_response()
                })
                .await
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
            }),
        )
        .route(
            "/v1/spawned-fields",
            get(|| async {
                tokio::spawn(async { many_field_errors().into_response() })
                    .await
                    .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
            }),
        )
        .route(
            "/v1/text-json",
            // Text labelled JSON, as a default `content-type` on every response does it.
            get(|| async {
                (
                    StatusCode::BAD_REQUEST,
                    [(http::header::CONTENT_TYPE, "application/json")],
                    "amount must be positive",
                )
            }),
        )
        .route(
            "/v1/array-json",
            get(|| async { (StatusCode::BAD_REQUEST, Json(vec!["amount", "currency"])) }),
        )
        .route(
            "/v1/string-json",
            get(|| async { (StatusCode::BAD_REQUEST, Json("amount \"must\" be positive")) }),
        )
        .route(
            "/v1/null-json",
            get(|| async { (StatusCode::NOT_FOUND, Json(())) }),
        )
        .route(
            "/v1/late-json",
            // The app's JSON with its length known, whose second half is not there yet.
            get(|| async { (StatusCode::BAD_REQUEST, LateJson(0)) }),
        )
        .route(
            "/v1/empty-json",
            get(|| async {
                (
                    StatusCode::NOT_FOUND,
                    [(http::header::CONTENT_TYPE, "application/json")],
                )
            }),
        )
}

fn serve(mode: Mode) -> SocketAddr {
    let layer = match mode {
        Mode::Layer => ApiErrorLayer::new(),
        Mode::Bare => return serve_axum(routes()),
        Mode::CustomHeader => {
            ApiErrorLayer::new().request_id_header(HeaderName::from_static("request-id"))
        }
    };
    serve_axum(routes().layer(layer))
}

const APP: TestApp = TestApp(serve);

web_support::web_tests!(APP);

#[test]
fn rejection_wrong_shape_json() {
    let body = checks::wrong_shape_json(APP);
    assert_eq!(body["param"], "amount", "{body}");
}

/// A tuple `Path` names the failing value by index: the route's parameter at that index is
/// the `param`.
#[test]
fn rejection_tuple_path_names_the_parameter() {
    let resp = fetch(APP.with_layer(), "/v1/orgs/acme/items/abc");
    check_invalid_path(&resp, "n");
}

/// A path parameter that is not UTF-8 once percent-decoded: axum names it, and it is the
/// `param` (on a route with two parameters, where no single one can be assumed).
#[test]
fn rejection_non_utf8_path_parameter_is_named() {
    let resp = fetch(APP.with_layer(), "/v1/orgs/acme/items/%FF");
    let body = check_invalid_path(&resp, "n");
    assert_eq!(body["message"], "Invalid URL: Invalid UTF-8 in `n`.");
}

/// A HEAD to a route whose 4xx is text under a JSON label, or a bare JSON string, gets the
/// headers a GET gets (RFC 9110 §9.3.2): the length of the standard body that replaces it.
#[test]
fn head_of_a_replaced_json_labelled_4xx_gets_the_get_headers() {
    let addr = APP.with_layer();
    for path in [
        "/v1/string-json",
        "/v1/text-json",
        "/v1/null-json",
        "/v1/empty-json",
    ] {
        let get = request(addr, "GET", path, &[(RID, b"req_head")], None);
        let head = request(addr, "HEAD", path, &[(RID, b"req_head")], None);
        assert_eq!(head.status, get.status, "{path}");
        assert!(head.body.is_empty(), "{path}");
        assert_eq!(
            head.header("content-length"),
            Some(get.body.len().to_string().as_str()),
            "{path}: GET {get:?}\nHEAD {head:?}"
        );
        assert_eq!(head.header("x-should-retry"), get.header("x-should-retry"));
        assert_eq!(head.header("vary"), get.header("vary"), "{path}");
    }
    // The app's own JSON is the app's for HEAD too.
    let get = request(addr, "GET", "/v1/array-json", &[], None);
    let head = request(addr, "HEAD", "/v1/array-json", &[], None);
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string().as_str())
    );
}

/// axum names the form field that failed (serde's path): it becomes the `param`.
#[test]
fn rejection_bad_form_body_names_the_field() {
    let addr = APP.with_layer();
    let resp = request(
        addr,
        "POST",
        "/v1/charges-form",
        &[("content-type", b"application/x-www-form-urlencoded")],
        Some(b"amount=ten&currency=usd"),
    );
    let body = check_error(&resp, 422, "validation_error", "invalid_body", Some(RID));
    assert_eq!(body["param"], "amount", "{body}");
}

/// axum routes HEAD like GET: a HEAD to a POST-only route is the same 405 a GET gets, and
/// announces its length (RFC 9110 §8.6).
#[test]
fn head_405_announces_the_get_length() {
    let addr = APP.with_layer();
    let head = request(addr, "HEAD", "/v1/charges", &[(RID, b"req_head")], None);
    let get = request(addr, "GET", "/v1/charges", &[(RID, b"req_head")], None);
    assert_eq!(head.status, 405);
    assert_eq!(get.status, 405);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string().as_str())
    );
}

/// `{"custom":2}` labelled JSON, in two chunks with a wait between them.
struct LateJson(u8);

impl http_body::Body for LateJson {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        use axum::body::Bytes;
        use std::task::Poll;
        self.0 += 1;
        match self.0 {
            1 => Poll::Ready(Some(Ok(http_body::Frame::data(Bytes::from_static(
                b"{\"cus",
            ))))),
            2 => {
                let waker = cx.waker().clone();
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(20));
                    waker.wake();
                });
                Poll::Pending
            }
            3 => Poll::Ready(Some(Ok(http_body::Frame::data(Bytes::from_static(
                b"tom\":2}",
            ))))),
            _ => Poll::Ready(None),
        }
    }

    fn size_hint(&self) -> http_body::SizeHint {
        // What is left to send.
        http_body::SizeHint::with_exact(if self.0 == 0 { 12 } else { 7 })
    }
}

impl IntoResponse for LateJson {
    fn into_response(self) -> axum::response::Response {
        let mut res = Body::new(self).into_response();
        res.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        res
    }
}

/// A `no_integrations` type with its own `IntoResponse` names the request's id through
/// `RequestId::current()`, as a derived error's body does.
#[test]
fn a_hand_written_into_response_names_the_request_id() {
    use api_error_core::{ApiError, RequestId};
    use axum::response::{IntoResponse, Response};

    #[derive(Debug, thiserror::Error, ApiError)]
    #[error("Gone")]
    #[api_error(status = 410, no_integrations)]
    struct Gone;

    impl IntoResponse for Gone {
        fn into_response(self) -> Response {
            let mut body = Vec::new();
            self.write_json(
                RequestId::current().as_ref().map(RequestId::as_str),
                &mut body,
            );
            (
                self.status(),
                [("content-type", "application/json"), ("x-gone", "yes")],
                body,
            )
                .into_response()
        }
    }

    let app = Router::new()
        .route("/v1/gone", get(|| async { Err::<(), _>(Gone) }))
        .layer(ApiErrorLayer::new());
    let addr = serve_axum(app);
    check_own_gone_names_the_request_id(addr);
}
