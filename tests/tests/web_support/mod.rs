//! Shared by the web integration tests: a tiny blocking HTTP/1.1 client over `TcpStream`
//! (raw header bytes, so tests can send what a strict client library would refuse) and
//! checks of the standard error response.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::borrow::Cow;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

/// One HTTP response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text()))
    }
}

/// Sends one request (`Connection: close`) and reads the whole response.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &[u8])],
    body: Option<&[u8]>,
) -> Resp {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut req = Vec::new();
    req.extend_from_slice(
        format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n").as_bytes(),
    );
    for (name, value) in headers {
        req.extend_from_slice(name.as_bytes());
        req.extend_from_slice(b": ");
        req.extend_from_slice(value);
        req.extend_from_slice(b"\r\n");
    }
    if let Some(body) = body {
        req.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    }
    req.extend_from_slice(b"\r\n");
    if let Some(body) = body {
        req.extend_from_slice(body);
    }
    stream.write_all(&req).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse(&raw)
}

fn parse(raw: &[u8]) -> Resp {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &raw[split + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    Resp {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

pub fn fetch(addr: SocketAddr, path: &str) -> Resp {
    request(addr, "GET", path, &[], None)
}

pub fn fetch_with(addr: SocketAddr, path: &str, headers: &[(&str, &[u8])]) -> Resp {
    request(addr, "GET", path, headers, None)
}

pub fn post_json(addr: SocketAddr, path: &str, body: &str) -> Resp {
    request(
        addr,
        "POST",
        path,
        &[("content-type", b"application/json")],
        Some(body.as_bytes()),
    )
}

/// Checks a standard error response and returns its body: status, `content-type`, the five
/// keys in order, `type`, `code`, `x-should-retry`, and (`with_id`) that the body's
/// `request_id` is the `header` value, or (`!with_id`) that it is `null`.
pub fn check_error(
    resp: &Resp,
    status: u16,
    r#type: &str,
    code: &str,
    header: Option<&str>,
) -> serde_json::Value {
    let retry = api_error_core::status::is_retryable(http::StatusCode::from_u16(status).unwrap());
    check_error_retry(resp, status, r#type, code, header, retry)
}

/// [`check_error`] of a path parameter that does not deserialize (400 `invalid_path`, with
/// the request id in the `RID` header) whose `param` is `param`; returns the body.
#[allow(dead_code)]
pub fn check_invalid_path(resp: &Resp, param: &str) -> serde_json::Value {
    let body = check_error(
        resp,
        400,
        "invalid_request_error",
        "invalid_path",
        Some(RID),
    );
    assert_eq!(body["param"], param, "{body}");
    body
}

/// [`check_error`] with an explicit `x-should-retry`.
pub fn check_error_retry(
    resp: &Resp,
    status: u16,
    r#type: &str,
    code: &str,
    header: Option<&str>,
    retry: bool,
) -> serde_json::Value {
    assert_eq!(resp.status, status, "status of {}", resp.text());
    assert_eq!(
        resp.header("content-type"),
        Some("application/json"),
        "{resp:?}"
    );
    let text = resp.text();
    assert!(text.starts_with("{\"message\":"), "{text}");
    let body = resp.json();
    let obj = body.as_object().unwrap();
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        ["code", "message", "param", "request_id", "type"],
        "{text}"
    );
    for (a, b) in [
        "\"message\":",
        "\"type\":",
        "\"code\":",
        "\"param\":",
        "\"request_id\":",
    ]
    .windows(2)
    .map(|w| (w[0], w[1]))
    {
        assert!(text.find(a) < text.find(b), "key order in {text}");
    }
    assert_eq!(body["type"], r#type, "{text}");
    assert_eq!(body["code"], code, "{text}");
    assert_eq!(
        resp.header("x-should-retry"),
        Some(if retry { "true" } else { "false" }),
        "{resp:?}"
    );
    match header {
        Some(name) => {
            let id = resp
                .header(name)
                .unwrap_or_else(|| panic!("no {name} in {resp:?}"));
            assert_eq!(body["request_id"], id, "{text}");
        }
        None => assert!(body["request_id"].is_null(), "{text}"),
    }
    body
}

/// Request ids a client must not get echoed back.
pub const UNSAFE_IDS: &[&[u8]] = &[
    b"has space",
    b"semi;colon",
    b"\"quoted\"",
    b"it's",
    b"<script>",
    "n\u{f6}n-ascii".as_bytes(),
];

pub fn long_id() -> Vec<u8> {
    vec![b'a'; 200]
}

/// Whether `id` looks like a generated id.
pub fn is_generated(id: &str) -> bool {
    id.starts_with("req_") && id.len() == 26 && id[4..].bytes().all(|b| b.is_ascii_alphanumeric())
}

/// An error with headers of its own that the integrations also touch: `Vary` (they add
/// `accept`) and `Content-Language` (dropped with a replaced body, kept with this one).
#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
#[error("gone")]
#[api_error(
    status = 410,
    code = "gone",
    header("Vary", "Origin"),
    header("Content-Language", "en")
)]
pub struct Gone;

/// The error type of the test apps: one variant per kind of derived error.
#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
pub enum ShopError {
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
pub struct Teapot;

impl std::fmt::Display for Teapot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("I refuse to brew coffee")
    }
}
impl std::error::Error for Teapot {}
impl api_error_core::ApiError for Teapot {
    fn status(&self) -> http::StatusCode {
        http::StatusCode::IM_A_TEAPOT
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

/// In the `/v1/db` error's source: must never reach a body.
pub const SECRET: &str = "password=hunter2 at db-primary.internal";
/// The `/v1/panic` handler's panic message: must never reach a body.
pub const PANIC_TEXT: &str = "secret panic text: card 4242";

/// The body of `POST /v1/charges`.
#[derive(serde::Deserialize)]
pub struct Charge {
    pub amount: i64,
    pub currency: String,
}

/// The query of `GET /v1/search`.
#[derive(serde::Deserialize)]
pub struct Search {
    pub limit: u32,
}

/// 1500 field errors, the first with a padded param: more than the client parser keeps
/// (`MAX_FIELD_ERRORS`), and text it would trim.
pub fn many_field_errors() -> api_error_core::FieldErrors {
    (0..1500)
        .map(|i| {
            let param = if i == 0 {
                " items[0] ".to_owned()
            } else {
                format!("items[{i}]")
            };
            api_error_core::FieldError::new(param, "range", "must be positive")
        })
        .collect()
}

/// The `/v1/panic` handler.
pub async fn panics() -> &'static str {
    panic!("{}", PANIC_TEXT)
}

/// A panic payload whose destructor panics too.
struct DropPanics;

impl Drop for DropPanics {
    fn drop(&mut self) {
        panic!("{}", PANIC_TEXT)
    }
}

/// The `/v1/panic-payload` handler: panics with a payload that panics again when dropped,
/// which must not unwind out of the layer (the client would get no response at all).
pub async fn panics_with_a_payload_that_panics() -> &'static str {
    std::panic::panic_any(DropPanics)
}

/// The `/v1/stream` handler's chunks.
pub const CHUNKS: [&str; 3] = ["chunk-1;", "chunk-2;", "chunk-3"];

/// Serves an axum app on a free port of 127.0.0.1, on a runtime in a thread of its own.
pub fn serve_axum(app: axum::Router) -> SocketAddr {
    serve_axum_service(app)
}

/// [`serve_axum`] for any service (a layer around a whole `Router`, say).
pub fn serve_axum_service<S>(service: S) -> SocketAddr
where
    S: tower::Service<
            axum::extract::Request,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send,
{
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
            let service = axum::ServiceExt::<axum::extract::Request>::into_make_service(service);
            axum::serve(listener, service).await.unwrap();
        });
    });
    addr
}

/// Serves on 127.0.0.1 (one actix-web worker) the `App` that `$app` builds (evaluated once
/// per worker): for apps whose middleware differs from test to test.
#[allow(unused_macros)]
macro_rules! serve_actix_app {
    ($app:expr) => {{
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                actix_web::HttpServer::new(move || $app)
                    .workers(1)
                    .disable_signals()
                    .listen(listener)
                    .unwrap()
                    .run()
                    .await
                    .unwrap();
            });
        });
        addr
    }};
}
#[allow(unused_imports)]
pub(crate) use serve_actix_app;

/// Serves an actix-web app with the routes of `routes` (one worker) on a free port of
/// 127.0.0.1, in a thread of its own; with `middleware` unless it is `None`.
pub fn serve_actix(
    routes: fn(&mut actix_web::web::ServiceConfig),
    middleware: Option<api_error_core::actix::ApiErrorMiddleware>,
) -> SocketAddr {
    serve_actix_app!(actix_web::App::new()
        .wrap(actix_web::middleware::Condition::new(
            middleware.is_some(),
            middleware.clone().unwrap_or_default(),
        ))
        .configure(routes))
}

/// How a test app is set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// With the integration's layer / middleware.
    Layer,
    /// Without it: derived errors still render, without request ids.
    Bare,
    /// With it, on a Stripe-style `request-id` header.
    CustomHeader,
}

/// A test file's app: the function that serves it in a [`Mode`]. Each mode is started once,
/// on first use, and shared by the tests of the file (one test binary).
#[derive(Clone, Copy)]
pub struct TestApp(pub fn(Mode) -> SocketAddr);

impl TestApp {
    pub fn addr(self, mode: Mode) -> SocketAddr {
        static ADDRS: [OnceLock<SocketAddr>; 3] = [const { OnceLock::new() }; 3];
        *ADDRS[mode as usize].get_or_init(|| (self.0)(mode))
    }

    pub fn with_layer(self) -> SocketAddr {
        self.addr(Mode::Layer)
    }

    pub fn without_layer(self) -> SocketAddr {
        self.addr(Mode::Bare)
    }

    pub fn with_custom_header(self) -> SocketAddr {
        self.addr(Mode::CustomHeader)
    }
}

/// Headers about a body's own bytes, its file name, language, location and trailer fields:
/// a replaced body must not keep them.
pub const STALE_HEADERS: [(&str, &str); 8] = [
    ("etag", "\"v1\""),
    ("content-range", "bytes 0-17/100"),
    ("last-modified", "Tue, 01 Dec 2026 00:00:00 GMT"),
    (
        "content-digest",
        "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:",
    ),
    ("content-disposition", "attachment; filename=\"err.txt\""),
    ("content-language", "fr"),
    ("content-location", "/errors/plain.txt"),
    ("trailer", "x-checksum"),
];

/// Whether a response's `Vary` (all its lines) names `accept`.
pub fn varies_on_accept(resp: &Resp) -> bool {
    resp.headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("vary"))
        .flat_map(|(_, v)| v.split(','))
        .any(|name| name.trim().eq_ignore_ascii_case("accept"))
}

/// The request-id header of [`Mode::Layer`].
pub const RID: &str = "x-request-id";

/// The checks every web integration passes: same routes, same answers. [`web_tests!`] makes
/// each a `#[test]` of the calling file.
pub mod checks {
    use std::collections::HashSet;
    use std::net::SocketAddr;

    use super::*;

    /// [`check_error`] for an app with the layer: the id is in `x-request-id`.
    fn check_layered(resp: &Resp, status: u16, r#type: &str, code: &str) -> serde_json::Value {
        check_error(resp, status, r#type, code, Some(RID))
    }

    /// `GET /v1/customers/cus_x` (a handler's 404) with `headers`: checks the standard error
    /// with its id in header `echo` and returns the response and the body's `request_id`.
    fn missing_customer(addr: SocketAddr, headers: &[(&str, &[u8])], echo: &str) -> (Resp, String) {
        let resp = fetch_with(addr, "/v1/customers/cus_x", headers);
        let body = check_error(
            &resp,
            404,
            "not_found_error",
            "resource_missing",
            Some(echo),
        );
        let id = body["request_id"].as_str().unwrap().to_owned();
        (resp, id)
    }

    pub fn handler_404_byte_for_byte(app: TestApp) {
        let resp = fetch_with(
            app.with_layer(),
            "/v1/customers/cus_123",
            &[("x-request-id", b"req_test.1-A")],
        );
        check_layered(&resp, 404, "not_found_error", "resource_missing");
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

    pub fn handler_4xx_classes(app: TestApp) {
        let addr = app.with_layer();
        let resp = fetch(addr, "/v1/conflict");
        let body = check_layered(&resp, 409, "conflict_error", "idempotency_key_reused");
        assert_eq!(
            body["message"],
            "Idempotency key k1 was reused with different parameters"
        );

        let resp = post_json(addr, "/v1/charges", r#"{"amount":-5,"currency":"usd"}"#);
        let body = check_layered(&resp, 422, "validation_error", "invalid_amount");
        assert_eq!(body["param"], "amount");
        assert_eq!(body["message"], "amount must be positive");

        let resp = fetch(addr, "/v1/teapot");
        let body = check_layered(&resp, 418, "invalid_request_error", "teapot");
        assert_eq!(body["message"], "I refuse to brew coffee");

        let resp = fetch(addr, "/v1/boxed");
        check_layered(&resp, 418, "invalid_request_error", "teapot");
    }

    pub fn handler_429_retry_after(app: TestApp) {
        let resp = fetch(app.with_layer(), "/v1/rate");
        check_layered(&resp, 429, "rate_limit_error", "rate_limited");
        assert_eq!(resp.header("retry-after"), Some("2"));
        assert_eq!(resp.header("retry-after-ms"), Some("1500"));
        assert_eq!(resp.header("x-should-retry"), Some("true"));
    }

    pub fn handler_5xx_redacted(app: TestApp) {
        let resp = fetch(app.with_layer(), "/v1/db");
        let body = check_layered(&resp, 503, "api_error", "database_unavailable");
        assert_eq!(body["message"], "The service is temporarily unavailable.");
        assert!(!resp.text().contains("hunter2"));
        assert!(!resp.text().contains("database unavailable"));
        assert!(resp.header("retry-after").is_none());

        let resp = fetch(app.with_layer(), "/v1/ledger");
        let body = check_error_retry(
            &resp,
            500,
            "api_error",
            "ledger_inconsistent",
            Some(RID),
            false,
        );
        assert_eq!(body["message"], "An internal error occurred.");

        // A derived 404 whose status the handler changed to 500: the body no longer matches
        // the status, so it is a 5xx like any other (generic, retryable), in every format.
        for accept in [&b"application/json"[..], b"application/problem+json"] {
            let resp = fetch_with(app.with_layer(), "/v1/restatused", &[("accept", accept)]);
            assert_eq!(resp.status, 500);
            assert!(!resp.text().contains("cus_secret"), "{}", resp.text());
            assert!(!resp.text().contains("Not Found"), "{}", resp.text());
            assert_eq!(resp.header("x-should-retry"), Some("true"));
            let body = resp.json();
            assert_eq!(body["request_id"].as_str(), resp.header(RID));
        }
        let resp = fetch(app.with_layer(), "/v1/restatused");
        let body = check_layered(&resp, 500, "api_error", "internal_error");
        assert_eq!(body["message"], "An internal error occurred.");
    }

    /// Every error the integration renders in a request may take its format from `Accept`,
    /// so it says `Vary: accept`; a success response is left as the handler made it.
    pub fn error_responses_vary_on_accept(app: TestApp) {
        let addr = app.with_layer();
        for path in [
            "/v1/customers/cus_x",
            "/v1/nope",
            "/v1/panic",
            "/v1/bare",
            "/v1/db",
        ] {
            let resp = fetch(addr, path);
            assert!(resp.status >= 400, "{path}");
            assert_eq!(resp.header("vary"), Some("accept"), "{path}");
        }
        let ok = fetch(addr, "/v1/customers/cus_ok");
        assert_eq!(ok.status, 200);
        assert_eq!(ok.header("vary"), None);
    }

    /// An error body that is not all there is not waited for (it could stall, and the
    /// answer with it), whether or not its length is known up front: the standard body goes
    /// at once, with the status's message.
    pub fn stalled_error_bodies_are_not_awaited(app: TestApp) {
        let addr = app.with_layer();
        // A stream of unknown length, and one that announces its length (a proxied error).
        for path in ["/v1/stalled-404", "/v1/stalled-sized-404"] {
            let started = std::time::Instant::now();
            let resp = fetch(addr, path);
            let body = check_layered(&resp, 404, "not_found_error", "not_found");
            assert_eq!(body["message"], "The requested resource was not found.");
            assert!(started.elapsed() < Duration::from_secs(10), "{path}");
        }
    }

    /// An error's own `Vary` and `Content-Language` stay, rendered in the request or in a
    /// spawned task (then read back and rendered again); `Vary` gets `accept` beside its own.
    pub fn own_headers_stay(app: TestApp) {
        for path in ["/v1/gone", "/v1/gone-spawned"] {
            let resp = fetch_with(app.with_layer(), path, &[(RID, b"req_gone")]);
            let body = check_layered(&resp, 410, "invalid_request_error", "gone");
            assert_eq!(body["request_id"], "req_gone", "{path}");
            assert_eq!(resp.header("content-language"), Some("en"), "{path}");
            let origin = resp
                .headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("vary"))
                .any(|(_, v)| {
                    v.split(',')
                        .any(|n| n.trim().eq_ignore_ascii_case("origin"))
                });
            assert!(origin, "{path}: {:?}", resp.headers);
            assert!(varies_on_accept(&resp), "{path}: {:?}", resp.headers);
        }
    }

    pub fn rejection_malformed_json(app: TestApp) {
        let resp = post_json(app.with_layer(), "/v1/charges", r#"{"amount": 5,"#);
        let body = check_layered(&resp, 400, "invalid_request_error", "invalid_json");
        let msg = body["message"].as_str().unwrap();
        assert!(
            msg.starts_with("Failed to parse the request body as JSON"),
            "{msg}"
        );
    }

    /// The first half of `rejection_wrong_shape_json` (a field of the wrong type; its body is
    /// returned for the framework's own checks) and the second (a missing field).
    pub fn wrong_shape_json(app: TestApp) -> serde_json::Value {
        let resp = post_json(
            app.with_layer(),
            "/v1/charges",
            r#"{"amount":"five","currency":"usd"}"#,
        );
        let wrong_type = check_layered(&resp, 422, "validation_error", "invalid_body");

        let resp = post_json(app.with_layer(), "/v1/charges", r#"{"currency":"usd"}"#);
        let body = check_layered(&resp, 422, "validation_error", "invalid_body");
        assert_eq!(body["param"], "amount", "{body}");
        wrong_type
    }

    pub fn rejection_missing_content_type(app: TestApp) {
        let resp = request(
            app.with_layer(),
            "POST",
            "/v1/charges",
            &[],
            Some(br#"{"amount":5,"currency":"usd"}"#),
        );
        let body = check_layered(
            &resp,
            415,
            "invalid_request_error",
            "unsupported_media_type",
        );
        assert_eq!(
            body["message"],
            "Expected request with `Content-Type: application/json`."
        );
    }

    /// A form body of the wrong shape: 422 `invalid_body` on both frameworks.
    pub fn rejection_bad_form_body(app: TestApp) {
        let addr = app.with_layer();
        let form = [("content-type", &b"application/x-www-form-urlencoded"[..])];
        let resp = request(
            addr,
            "POST",
            "/v1/charges-form",
            &form,
            Some(b"amount=ten&currency=usd"),
        );
        let body = check_layered(&resp, 422, "validation_error", "invalid_body");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.starts_with("Failed to deserialize form body: "),
            "{body}"
        );
        let resp = request(
            addr,
            "POST",
            "/v1/charges-form",
            &form,
            Some(b"amount=5&currency=usd"),
        );
        assert_eq!(resp.text(), "charged 5");
    }

    pub fn rejection_bad_query(app: TestApp) {
        let addr = app.with_layer();
        let resp = fetch(addr, "/v1/search?limit=ten");
        let body = check_layered(&resp, 400, "invalid_request_error", "invalid_query");
        assert!(body["message"]
            .as_str()
            .unwrap()
            .starts_with("Failed to deserialize query string"));
        let resp = fetch(addr, "/v1/search");
        check_layered(&resp, 400, "invalid_request_error", "invalid_query");
        assert_eq!(fetch(addr, "/v1/search?limit=3").text(), "limit=3");
    }

    pub fn rejection_bad_path(app: TestApp) {
        let resp = fetch(app.with_layer(), "/v1/items/abc");
        let body = check_layered(&resp, 400, "invalid_request_error", "invalid_path");
        assert_eq!(body["param"], "n", "{body}");
        assert!(body["message"].as_str().unwrap().starts_with("Invalid URL"));
    }

    pub fn unmatched_route_404(app: TestApp) {
        let resp = fetch(app.with_layer(), "/v1/nope?x=1");
        let body = check_layered(&resp, 404, "not_found_error", "route_not_found");
        assert_eq!(body["message"], "Unrecognized request URL (GET: /v1/nope).");
    }

    pub fn wrong_method_405(app: TestApp) {
        let resp = request(app.with_layer(), "DELETE", "/v1/charges", &[], None);
        let body = check_layered(&resp, 405, "invalid_request_error", "method_not_allowed");
        assert_eq!(
            body["message"],
            "Method DELETE is not allowed for /v1/charges."
        );
        assert!(
            resp.header("allow").is_some_and(|a| a.contains("POST")),
            "{resp:?}"
        );
    }

    /// A wrong method on a path whose only route is a GET. axum answers 405 with `Allow`.
    /// actix-web's `App::route` puts the method on the resource, so no resource takes the
    /// request: an unmatched route. Never a handler's bare 404.
    pub fn wrong_method_on_a_get_route(app: TestApp) {
        let resp = request(app.with_layer(), "DELETE", "/v1/customers/cus_x", &[], None);
        if resp.status == 405 {
            let body = check_layered(&resp, 405, "invalid_request_error", "method_not_allowed");
            assert_eq!(
                body["message"],
                "Method DELETE is not allowed for /v1/customers/cus_x."
            );
            assert!(resp.header("allow").is_some_and(|a| a.contains("GET")));
        } else {
            let body = check_layered(&resp, 404, "not_found_error", "route_not_found");
            assert_eq!(
                body["message"],
                "Unrecognized request URL (DELETE: /v1/customers/cus_x)."
            );
        }
    }

    /// HEAD to an unmatched path: no body, the id, and the `content-length` a GET gets
    /// (RFC 9110 §8.6), though the message names the method. (For a HEAD to a known path
    /// actix-web answers what GET does not: it routes no HEAD to a GET route.)
    pub fn head_announces_the_get_length(app: TestApp) {
        let addr = app.with_layer();
        let path = "/v1/nope";
        let head = request(addr, "HEAD", path, &[(RID, b"req_head")], None);
        let get = request(addr, "GET", path, &[(RID, b"req_head")], None);
        assert_eq!(head.status, get.status, "{path}");
        assert!(head.body.is_empty(), "{path}: {head:?}");
        assert_eq!(head.header(RID), Some("req_head"), "{path}");
        let len = head
            .header("content-length")
            .unwrap_or_else(|| panic!("{head:?}"));
        assert_eq!(len.parse::<usize>().unwrap(), get.body.len(), "{path}");
    }

    /// An error turned into a response outside the request's context (in a spawned task)
    /// renders `"request_id":null`; sent in a request, it is rendered again with the
    /// request's id and format, its fields and headers kept.
    pub fn rendered_outside_the_request(app: TestApp) {
        let addr = app.with_layer();
        let resp = fetch_with(addr, "/v1/spawned", &[(RID, b"req_spawned")]);
        let body = check_layered(&resp, 422, "validation_error", "invalid_amount");
        assert_eq!(body["request_id"], "req_spawned");
        assert_eq!(body["message"], "amount must be positive");
        assert_eq!(body["param"], "amount");
        assert_eq!(resp.header("x-should-retry"), Some("false"));
        assert_eq!(
            resp.header("content-length"),
            Some(resp.body.len().to_string().as_str())
        );
        let resp = fetch_with(
            addr,
            "/v1/spawned",
            &[
                (RID, b"req_spawned"),
                ("accept", b"application/problem+json"),
            ],
        );
        assert_eq!(resp.status, 422);
        assert_eq!(
            resp.header("content-type"),
            Some("application/problem+json")
        );
        let problem = resp.json();
        assert_eq!(problem["request_id"], "req_spawned");
        assert_eq!(problem["code"], "invalid_amount");
        assert_eq!(problem["detail"], "amount must be positive");
        // Without the layer: null, as rendered.
        let resp = fetch(app.without_layer(), "/v1/spawned");
        check_error(&resp, 422, "validation_error", "invalid_amount", None);
        // Rendered again exactly: every field error, every string as it was.
        let resp = fetch_with(addr, "/v1/spawned-fields", &[(RID, b"req_spawned_fields")]);
        assert_eq!(resp.status, 422);
        assert_eq!(resp.header(RID), Some("req_spawned_fields"));
        let body = resp.json();
        assert_eq!(body["code"], "validation_failed");
        assert_eq!(body["request_id"], "req_spawned_fields");
        let errors = body["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1500);
        assert_eq!(errors[0]["param"], " items[0] ");
        assert_eq!(body["param"], " items[0] ");
    }

    pub fn panic_is_500_without_its_text(app: TestApp) {
        let addr = app.with_layer();
        let resp = fetch(addr, "/v1/panic");
        let body = check_layered(&resp, 500, "api_error", "internal_error");
        assert_eq!(body["message"], "An internal error occurred.");
        assert!(!resp.text().contains("secret"));
        assert!(!resp.text().contains("4242"));
        // The server is still up.
        assert_eq!(fetch(addr, "/v1/customers/cus_ok").status, 200);
        // A payload whose destructor panics is dropped where that second panic is caught.
        let resp = fetch(addr, "/v1/panic-payload");
        let body = check_layered(&resp, 500, "api_error", "internal_error");
        assert_eq!(body["message"], "An internal error occurred.");
        assert!(!resp.text().contains("4242"));
        assert_eq!(fetch(addr, "/v1/customers/cus_ok").status, 200);
    }

    pub fn bare_and_plain_errors_are_normalized(app: TestApp) {
        let addr = app.with_layer();
        let resp = fetch(addr, "/v1/bare");
        let body = check_layered(&resp, 403, "permission_error", "forbidden");
        assert_eq!(
            body["message"],
            "You do not have permission to perform this request."
        );
        let resp = fetch(addr, "/v1/plain");
        let body = check_layered(&resp, 400, "invalid_request_error", "invalid_request");
        assert_eq!(body["message"], "plain text problem.");
        for (name, _) in STALE_HEADERS {
            assert_eq!(resp.header(name), None, "{name} describes the old body");
        }
        // A JSON error the app wrote itself is left alone.
        let resp = fetch(addr, "/v1/own-json");
        assert_eq!(resp.status, 400);
        assert_eq!(resp.text(), r#"{"custom":1}"#);
        // JSON of any kind: an array too.
        let resp = fetch(addr, "/v1/array-json");
        assert_eq!(resp.status, 400);
        assert_eq!(resp.text(), r#"["amount","currency"]"#);
        // A bare JSON string is text: its value is the message, not its quotes and escapes
        // (`Json("...")`, which no client reads as an error body).
        let resp = fetch(addr, "/v1/string-json");
        let body = check_layered(&resp, 400, "invalid_request_error", "invalid_request");
        assert_eq!(body["message"], "amount \"must\" be positive.");
        // Another bare JSON value says nothing: the status's message.
        let resp = fetch(addr, "/v1/null-json");
        let body = check_layered(&resp, 404, "not_found_error", "not_found");
        assert_eq!(body["message"], "The requested resource was not found.");
        // So is one whose body is not all there yet: it goes on whole, unread.
        let resp = fetch(addr, "/v1/late-json");
        assert_eq!(resp.status, 400);
        assert_eq!(resp.text(), r#"{"custom":2}"#);
        // Text labelled JSON is text: its message, in the standard body.
        let resp = fetch(addr, "/v1/text-json");
        let body = check_layered(&resp, 400, "invalid_request_error", "invalid_request");
        assert_eq!(body["message"], "amount must be positive.");
        // ... but an empty body labelled JSON is no JSON at all.
        let resp = fetch(addr, "/v1/empty-json");
        let body = check_layered(&resp, 404, "not_found_error", "not_found");
        assert_eq!(body["message"], "The requested resource was not found.");
        // Retry advice the app gave stays: the table would say the opposite of both.
        let resp = fetch(addr, "/v1/quota-spent");
        check_error_retry(
            &resp,
            429,
            "rate_limit_error",
            "rate_limited",
            Some(RID),
            false,
        );
        let resp = fetch(addr, "/v1/retry-conflict");
        let body = check_error_retry(&resp, 409, "conflict_error", "conflict", Some(RID), true);
        assert_eq!(body["message"], "try again.");
    }

    pub fn generated_ids_are_unique_and_match_the_body(app: TestApp) {
        let addr = app.with_layer();
        let mut seen = HashSet::new();
        for _ in 0..20 {
            let (_, id) = missing_customer(addr, &[], RID);
            assert!(is_generated(&id), "{id}");
            assert!(seen.insert(id));
        }
    }

    pub fn safe_incoming_ids_are_echoed(app: TestApp) {
        let addr = app.with_layer();
        for id in ["abc", "req_8fZ2kQ", "A.b-c_d", &"x".repeat(128)] {
            let (_, got) = missing_customer(addr, &[(RID, id.as_bytes())], RID);
            assert_eq!(got, id);
            // Success responses carry it too.
            let ok = fetch_with(
                addr,
                "/v1/customers/cus_ok",
                &[("x-request-id", id.as_bytes())],
            );
            assert_eq!(ok.header(RID), Some(id));
        }
    }

    pub fn unsafe_incoming_ids_are_replaced(app: TestApp) {
        let addr = app.with_layer();
        let long = long_id();
        let mut ids: Vec<&[u8]> = UNSAFE_IDS.to_vec();
        ids.push(&long);
        for id in ids {
            let (_, got) = missing_customer(addr, &[(RID, id)], RID);
            assert!(
                is_generated(&got),
                "{got} for {:?}",
                String::from_utf8_lossy(id)
            );
        }
    }

    pub fn handlers_see_the_request_id(app: TestApp) {
        let addr = app.with_layer();
        let resp = fetch_with(addr, "/v1/whoami", &[("x-request-id", b"req_who")]);
        assert_eq!(resp.status, 200);
        assert_eq!(resp.text(), "req_who");
        let resp = fetch(addr, "/v1/whoami");
        assert_eq!(Some(resp.text().as_str()), resp.header(RID));
        assert_eq!(fetch(addr, "/v1/maybe-id").text(), "true");
        // Several request-id lines: the first valid one is the id, and the only line left.
        let two: &[(&str, &[u8])] = &[(RID, b"req_first"), (RID, b"req_second")];
        assert_eq!(fetch_with(addr, "/v1/id-lines", two).text(), "req_first");
        assert_eq!(fetch_with(addr, "/v1/whoami", two).text(), "req_first");
        let resp = fetch_with(
            addr,
            "/v1/id-lines",
            &[(RID, b"not valid"), (RID, b"req_2nd")],
        );
        assert_eq!(Some(resp.text().as_str()), resp.header(RID));
        assert!(is_generated(&resp.text()), "{resp:?}");
        assert_eq!(fetch(app.without_layer(), "/v1/maybe-id").text(), "false");
        // Without the layer the extractor fails with a standard 500.
        let resp = fetch(app.without_layer(), "/v1/whoami");
        check_error(&resp, 500, "api_error", "request_id_missing", None);
    }

    pub fn success_untouched_including_streams(app: TestApp) {
        let addr = app.with_layer();
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

    pub fn configurable_header_name(app: TestApp) {
        let addr = app.with_custom_header();
        let (resp, id) =
            missing_customer(addr, &[("request-id", b"req_stripe_style")], "request-id");
        assert_eq!(id, "req_stripe_style");
        assert!(resp.header(RID).is_none());
        // `x-request-id` is not read any more.
        let (_, id) = missing_customer(addr, &[(RID, b"req_other")], "request-id");
        assert!(is_generated(&id));
    }

    pub fn without_the_layer(app: TestApp) {
        let addr = app.without_layer();
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
}

/// One `#[test]` per function of [`checks`], run against `$app` (a [`TestApp`]).
#[allow(unused_macros)] // test_tracing has its own tests
macro_rules! web_tests {
    ($app:expr) => {
        $crate::web_support::web_tests!(@each $app;
            handler_404_byte_for_byte,
            handler_4xx_classes,
            handler_429_retry_after,
            handler_5xx_redacted,
            error_responses_vary_on_accept,
            stalled_error_bodies_are_not_awaited,
            own_headers_stay,
            rejection_malformed_json,
            rejection_missing_content_type,
            rejection_bad_query,
            rejection_bad_form_body,
            rejection_bad_path,
            unmatched_route_404,
            wrong_method_405,
            wrong_method_on_a_get_route,
            head_announces_the_get_length,
            rendered_outside_the_request,
            panic_is_500_without_its_text,
            bare_and_plain_errors_are_normalized,
            generated_ids_are_unique_and_match_the_body,
            safe_incoming_ids_are_echoed,
            unsafe_incoming_ids_are_replaced,
            handlers_see_the_request_id,
            success_untouched_including_streams,
            configurable_header_name,
            without_the_layer,
        );
    };
    (@each $app:expr; $($name:ident,)*) => {
        $(
            #[test]
            fn $name() {
                $crate::web_support::checks::$name($app);
            }
        )*
    };
}
#[allow(unused_imports)]
pub(crate) use web_tests;

/// `resp` with its body decoded when it was sent gzip-compressed (`content-encoding: gzip`
/// removed), else as it is.
pub fn decoded(resp: &Resp) -> Resp {
    let gzip = resp
        .header("content-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("gzip"));
    let body = if gzip {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&resp.body[..])
            .read_to_end(&mut out)
            .unwrap_or_else(|e| panic!("labelled gzip but not gzip ({e}): {resp:?}"));
        out
    } else {
        resp.body.clone()
    };
    Resp {
        status: resp.status,
        headers: resp
            .headers
            .iter()
            .filter(|(n, _)| n != "content-encoding")
            .cloned()
            .collect(),
        body,
    }
}

/// Whether the response was sent gzip-compressed.
pub fn is_gzip(resp: &Resp) -> bool {
    resp.header("content-encoding") == Some("gzip")
}

/// The stack of `an_inner_middlewares_derived_error_has_the_requests_id` (both
/// frameworks): an inner middleware answers requests without `x-api-key` with a derived 429
/// from its own `call`. The body's id is the request's, in the negotiated format too.
pub fn check_inner_call_error(addr: SocketAddr) {
    let resp = fetch_with(addr, "/v1/customers/cus_x", &[(RID, b"client-id-7")]);
    let body = check_stacked(&resp, 429, "rate_limit_error", "rate_limited");
    assert_eq!(body["request_id"], "client-id-7");

    let resp = fetch_with(
        addr,
        "/v1/customers/cus_x",
        &[("accept", b"application/problem+json")],
    );
    assert_eq!(resp.status, 429);
    assert_eq!(
        resp.header("content-type"),
        Some("application/problem+json")
    );
    let body = resp.json();
    assert!(is_generated(body["request_id"].as_str().unwrap()), "{body}");
    assert_eq!(body["request_id"].as_str(), resp.header(RID));

    let resp = fetch_with(addr, "/v1/customers/cus_x", &[("x-api-key", b"k")]);
    check_stacked(&resp, 404, "not_found_error", "resource_missing");
}

/// A standard error in a middleware stack: decodes it if compressed, then [`check_error`]
/// with the id in `x-request-id`; also checks `content-length` (when sent) is the length of
/// what was sent.
pub fn check_stacked(resp: &Resp, status: u16, r#type: &str, code: &str) -> serde_json::Value {
    if let Some(len) = resp.header("content-length") {
        assert_eq!(len.parse::<usize>().ok(), Some(resp.body.len()), "{resp:?}");
    }
    check_error(&decoded(resp), status, r#type, code, Some(RID))
}

/// `GET /v1/text-json` (the app's 400 with text under a JSON `content-type`), with a
/// compression layer or middleware outside: replaced by the standard body, its text the
/// message, and compressed after that.
pub fn check_text_labelled_json_replaced_then_compressed(addr: SocketAddr) {
    let resp = fetch_with(addr, "/v1/text-json", &[GZIP, (RID, b"req_text_json")]);
    assert!(is_gzip(&resp), "{resp:?}");
    let body = check_stacked(&resp, 400, "invalid_request_error", "invalid_request");
    assert_eq!(body["message"], format!("{TEXT_UNDER_JSON}."));
    assert_eq!(body["request_id"], "req_text_json");
}

/// The text `/v1/text-json` sends under a JSON label.
pub const TEXT_UNDER_JSON: &str = "amount must be positive and below the account's limit";

/// The text an app's own 429 carries at `/v1/quota-spent`, long enough to be compressed.
pub const QUOTA_SPENT: &str = "The monthly quota is spent; it renews on the first of the month.";

/// `GET /v1/spawned` (a derived 404 rendered outside the request, in a spawned task),
/// compressed by a layer inside when the client accepts gzip: rendered again from the copy
/// its mark keeps, with the request's id and the format the request asked for.
pub fn check_spawned_error_rendered_again_behind_compression(addr: SocketAddr) {
    let resp = fetch_with(addr, "/v1/spawned", &[GZIP, (RID, b"req_spawned_gz")]);
    let body = check_stacked(&resp, 404, "not_found_error", "resource_missing");
    assert_eq!(body["request_id"], "req_spawned_gz");
    assert!(!is_gzip(&resp), "{resp:?}");
    let problem = ("accept", &b"application/problem+json"[..]);
    let resp = fetch_with(
        addr,
        "/v1/spawned",
        &[GZIP, problem, (RID, b"req_spawned_gz")],
    );
    assert_eq!(
        resp.header("content-type"),
        Some("application/problem+json")
    );
    assert_eq!(resp.json()["request_id"], "req_spawned_gz");
}

/// `GET /v1/quota-spent` (the app's 429 with `x-should-retry: false` and text, compressed
/// by a layer inside when the client accepts gzip): replaced by the standard body, its text
/// the message, the app's retry advice kept over the status table's.
pub fn check_app_retry_advice_kept_behind_compression(addr: SocketAddr) {
    for headers in [&[GZIP][..], &[]] {
        let resp = fetch_with(addr, "/v1/quota-spent", headers);
        if let Some(len) = resp.header("content-length") {
            assert_eq!(len.parse::<usize>().ok(), Some(resp.body.len()), "{resp:?}");
        }
        check_error_retry(
            &decoded(&resp),
            429,
            "rate_limit_error",
            "rate_limited",
            Some(RID),
            false,
        );
    }
}

/// For an app whose inner layer or middleware sets text on every error's head (the
/// derived error's mark kept): a 4xx's text is the message, a 5xx's never goes out (the
/// derived 5xx is sent as rendered).
pub fn check_body_replaced_on_the_errors_head(addr: SocketAddr) {
    let resp = fetch(addr, "/v1/customers/cus_x");
    let body = check_stacked(&resp, 404, "not_found_error", "not_found");
    assert_eq!(body["message"], "An error occurred.");
    check_derived_503_as_rendered(addr, &[]);
}

/// `/v1/database`, a derived 503 whose cause is [`SECRET_CAUSE`] (and whose body a layer
/// inside may have replaced with it): sent as rendered, from the mark's copy.
pub fn check_derived_503_as_rendered(addr: SocketAddr, headers: &[(&str, &[u8])]) {
    let resp = fetch_with(addr, "/v1/database", headers);
    let body = check_stacked(&resp, 503, "api_error", "database_unavailable");
    assert!(!decoded(&resp).text().contains(SECRET_CAUSE), "{resp:?}");
    assert_eq!(body["message"], "The service is temporarily unavailable.");
}

/// HEAD of `path` gets the status and headers GET gets (RFC 9110 §9.3.2), with no body, in
/// both formats.
pub fn check_head_gets_the_get_headers(addr: SocketAddr, path: &str) {
    for accept in [&b"application/json"[..], b"application/problem+json"] {
        let headers = [(RID, &b"req_head"[..]), ("accept", accept)];
        let get = request(addr, "GET", path, &headers, None);
        let head = request(addr, "HEAD", path, &headers, None);
        assert_eq!(head.status, get.status, "{path}");
        assert!(head.body.is_empty(), "{path}");
        for name in [
            "content-type",
            "content-length",
            "vary",
            "x-should-retry",
            RID,
        ] {
            assert!(get.header(name).is_some(), "{path} {name}: {get:?}");
            assert_eq!(
                head.header(name),
                get.header(name),
                "{path} {name}: {head:?}"
            );
        }
    }
}

/// The link an inner layer or middleware adds to every JSON error (`doc_url`).
pub const DOC_URL: &str = "https://docs.example.com/errors";

/// The text an inner layer or middleware sets on a 4xx's head: past the 8 KiB the layer
/// reads, so it cannot be checked for JSON, and is still not sent as JSON.
pub fn long_replacement_text() -> String {
    format!("An error occurred.{}", " ".repeat(9000))
}

/// For an app whose inner layer or middleware adds [`DOC_URL`] to every JSON error: a 4xx
/// goes on as the app's own JSON, a derived 5xx as rendered (never as built), and an error
/// rendered outside the request is rendered again from the new JSON, with the request's id.
pub fn check_json_error_enriched_inside(addr: SocketAddr) {
    let resp = fetch_with(addr, "/v1/spawned", &[(RID, b"req_spawned_doc")]);
    let body = check_stacked(&resp, 404, "not_found_error", "resource_missing");
    assert_eq!(body["request_id"], "req_spawned_doc");
    // Longer than the 8 KiB read of a framework's text: still checked whole.
    let resp = fetch(addr, "/v1/many-fields");
    assert_eq!(resp.status, 422);
    assert!(resp.body.len() > 8 * 1024);
    let body = resp.json();
    assert_eq!(body["code"], "validation_failed");
    assert_eq!(body["doc_url"], DOC_URL);
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1500));
    let resp = fetch_with(addr, "/v1/customers/cus_x", &[(RID, b"req_doc")]);
    assert_eq!(resp.status, 404);
    let body = resp.json();
    assert_eq!(body["code"], "resource_missing", "{body}");
    assert_eq!(body["request_id"], "req_doc");
    assert_eq!(body["doc_url"], DOC_URL);
    check_derived_503_as_rendered(addr, &[]);
}

/// The text of a 5xx cause that must never reach the wire.
pub const SECRET_CAUSE: &str = "upstream token sk_live_51H8 rejected";

/// A success body long enough for every compression layer to compress it.
pub fn long_ok_body() -> String {
    "ok;".repeat(200)
}

/// `Accept-Encoding: gzip`, as browsers and `curl --compressed` send it.
pub const GZIP: (&str, &[u8]) = ("accept-encoding", b"gzip");

/// A body that sends `first`, then nothing, ever (a proxied upstream's that stalled),
/// announcing `len` bytes when given.
pub struct Stalling {
    pub first: Option<axum::body::Bytes>,
    pub len: Option<u64>,
}

impl Stalling {
    /// One that announces 100 bytes and sends 7 (`partial`).
    pub fn sized_partial() -> Stalling {
        Stalling {
            first: Some(axum::body::Bytes::from_static(b"partial")),
            len: Some(100),
        }
    }
}

impl http_body::Body for Stalling {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        match self.first.take() {
            Some(first) => std::task::Poll::Ready(Some(Ok(http_body::Frame::data(first)))),
            None => std::task::Poll::Pending,
        }
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.len
            .map_or_else(http_body::SizeHint::new, http_body::SizeHint::with_exact)
    }
}

/// `GET /v1/gone` with the id `req_own`, answered by a `no_integrations` type's own response
/// (410, `x-gone: yes`) that names the request's id through `RequestId::current()`: the id
/// is in its body as in the header.
#[allow(dead_code)]
pub fn check_own_gone_names_the_request_id(addr: SocketAddr) {
    let resp = request(
        addr,
        "GET",
        "/v1/gone",
        &[("x-request-id", &b"req_own"[..])],
        None,
    );
    assert_eq!(resp.status, 410);
    assert_eq!(resp.header("x-gone"), Some("yes"));
    assert_eq!(resp.json()["request_id"], "req_own");
    assert_eq!(resp.header("x-request-id"), Some("req_own"));
}

/// `GET /v1/customers/cus_x` (a derived 404, `resource_missing`) behind a layer or
/// middleware inside that turns every 404 into a 410, changing only the status: the error
/// is rendered again for the status it goes out with (a problem's `status` and `title` are
/// the response's), keeping what it said (code, message, type) and the request's id.
/// [`check_a_derived_4xx_restated_inside`] with compression between the hook and the layer
/// or middleware, for a client that accepts gzip: rendered again from the mark's copy, for
/// the status it goes out with.
pub fn check_a_derived_4xx_restated_behind_compression(addr: SocketAddr) {
    let resp = fetch_with(addr, "/v1/customers/cus_x", &[GZIP, (RID, b"req_gz")]);
    assert_eq!(resp.status, 410, "{resp:?}");
    let body = check_stacked(&resp, 410, "not_found_error", "resource_missing");
    assert_eq!(body["request_id"], "req_gz", "{resp:?}");
    let resp = fetch_with(
        addr,
        "/v1/customers/cus_x",
        &[GZIP, PROBLEM, (RID, b"req_gz")],
    );
    let body = check_problem(&decoded(&resp), 410, "resource_missing", "req_gz");
    assert_eq!(body["title"], "Gone", "{resp:?}");
}

/// A problem details response: its status (the response's and its `status` member), code,
/// and request id (the body's and the header's). Returns the body.
pub fn check_problem(resp: &Resp, status: u16, code: &str, id: &str) -> serde_json::Value {
    assert_eq!(resp.status, status, "{resp:?}");
    assert_eq!(
        resp.header("content-type"),
        Some("application/problem+json"),
        "{resp:?}"
    );
    assert_eq!(resp.header(RID), Some(id), "{resp:?}");
    let body = resp.json();
    assert_eq!(body["status"], status, "{resp:?}");
    assert_eq!(body["code"], code, "{resp:?}");
    assert_eq!(body["request_id"], id, "{resp:?}");
    body
}

/// The `Accept` of a client that prefers problem details.
pub const PROBLEM: (&str, &[u8]) = ("accept", b"application/problem+json");

/// An app whose `GET /lead` renders a derived 404 (`resource_missing`) and hands it to the
/// request waiting at `GET /follow`, which sends it (a batcher's leader answering for its
/// followers): the follower's response has the follower's id and format.
pub fn check_an_error_answered_for_another_request(addr: SocketAddr) {
    let follower = std::thread::spawn(move || {
        fetch_with(addr, "/follow", &[(RID, b"req_follower"), PROBLEM, GZIP])
    });
    std::thread::sleep(Duration::from_millis(200));
    let lead = fetch_with(addr, "/lead", &[(RID, b"req_leader")]);
    assert_eq!(lead.status, 200);
    let resp = decoded(&follower.join().unwrap());
    check_problem(&resp, 404, "resource_missing", "req_follower");
}

/// An app whose `GET /two-lines` and `GET /one-list` send a gzipped text 400 labelled
/// `identity` then `gzip` (two lines, one list): compressed, so its bytes are never the
/// message.
pub fn check_every_content_encoding_line_counts(addr: SocketAddr) {
    for path in ["/two-lines", "/one-list"] {
        let resp = fetch(addr, path);
        let body = check_stacked(&resp, 400, "invalid_request_error", "invalid_request");
        assert_eq!(body["message"], "The request was invalid.", "{path}");
        assert_eq!(resp.header("content-encoding"), None, "{path}");
    }
}

/// The gzipped text of [`check_every_content_encoding_line_counts`].
pub fn gzipped_text() -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"Invalid coupon code, try again later please.")
        .unwrap();
    gz.finish().unwrap()
}

pub fn check_a_derived_4xx_restated_inside(addr: SocketAddr) {
    let resp = fetch_with(addr, "/v1/customers/cus_x", &[(RID, b"req_restated")]);
    assert_eq!(resp.status, 410, "{resp:?}");
    assert_eq!(
        resp.header("content-length").and_then(|n| n.parse().ok()),
        Some(resp.body.len())
    );
    let body = resp.json();
    assert_eq!(body["code"], "resource_missing", "{resp:?}");
    assert_eq!(body["type"], "not_found_error", "{resp:?}");
    assert_eq!(body["message"], "No such customer: cus_x");
    assert_eq!(body["request_id"], "req_restated");
    let resp = fetch_with(
        addr,
        "/v1/customers/cus_x",
        &[PROBLEM, (RID, b"req_restated")],
    );
    let body = check_problem(&resp, 410, "resource_missing", "req_restated");
    assert_eq!(body["title"], "Gone", "{resp:?}");
    assert_eq!(body["detail"], "No such customer: cus_x");
}

/// `GET /v1/customers/cus_x` behind a layer or middleware inside that turns the derived 404
/// into a 410 with text of its own, exactly as long as the rendered body: the text is not
/// taken for the rendered body, and is the message of the standard 410, with the request's
/// id.
pub fn check_a_same_length_text_restated_inside(addr: SocketAddr) {
    let resp = fetch_with(addr, "/v1/customers/cus_x", &[(RID, b"req_same_len")]);
    assert_eq!(resp.status, 410, "{resp:?}");
    assert_eq!(
        resp.header("content-length").and_then(|n| n.parse().ok()),
        Some(resp.body.len())
    );
    let body = resp.json();
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("GGGG")),
        "{resp:?}"
    );
    assert_eq!(body["request_id"], "req_same_len");
}

/// Behind a layer or middleware inside that turns a derived 404 into a 429 and a derived
/// 503 into a 409: each is rendered again for the status it goes out with, and its retry
/// advice is that status's (SPEC §3: an SDK retries a 409 unless told not to), not the
/// advice rendered for the other one.
///
/// `headers` go with each request (`GZIP`, with compression inside: the error is then
/// rendered again from the copy of its body).
pub fn check_retry_advice_follows_a_changed_status(addr: SocketAddr, headers: &[(&str, &[u8])]) {
    let with = |more: &[(&'static str, &'static [u8])]| [headers, more].concat();
    let resp = fetch_with(addr, "/v1/customers/cus_x", &with(&[(RID, b"req_now_429")]));
    let body = check_stacked(&resp, 429, "not_found_error", "resource_missing");
    assert_eq!(resp.header("x-should-retry"), Some("true"), "{resp:?}");
    assert_eq!(body["request_id"], "req_now_429");
    let resp = fetch_with(
        addr,
        "/v1/database",
        &with(&[PROBLEM, (RID, b"req_now_409")]),
    );
    let body = check_problem(&resp, 409, "database_unavailable", "req_now_409");
    assert_eq!(resp.header("x-should-retry"), Some("false"), "{resp:?}");
    assert_eq!(body["status"], 409, "{resp:?}");
    assert!(!resp.text().contains(SECRET_CAUSE), "{resp:?}");
}

/// The headers a hook inside sets with text of its own on a derived 503's head: the 503 is
/// sent as rendered, and every header that described the hook's text goes with it (its
/// name, language and location too).
pub const HOOK_MEANING_HEADERS: [(&str, &str); 4] = [
    ("content-disposition", "attachment; filename=\"dump.txt\""),
    ("content-language", "fr"),
    ("content-location", "/dump.txt"),
    ("etag", "\"v1\""),
];

/// `GET /v1/database` behind such a hook (see [`HOOK_MEANING_HEADERS`]).
pub fn check_a_replaced_5xx_loses_the_hooks_headers(addr: SocketAddr) {
    let resp = fetch(addr, "/v1/database");
    check_stacked(&resp, 503, "api_error", "database_unavailable");
    assert!(!resp.text().contains(SECRET_CAUSE), "{resp:?}");
    for (name, _) in HOOK_MEANING_HEADERS {
        assert_eq!(resp.header(name), None, "{name}: {resp:?}");
    }
}

/// `GET path` (a derived 404 for `cus_spawned`, rendered outside the request) behind a
/// layer or middleware inside that puts its body in a stream that never ends: the answer
/// does not wait on it (the error is rendered again from the copy of its body, with this
/// request's id).
pub fn check_a_stalled_body_on_a_spawned_errors_head(addr: SocketAddr, path: &str) {
    let started = std::time::Instant::now();
    let resp = fetch_with(addr, path, &[(RID, b"req_stalled")]);
    assert!(started.elapsed() < Duration::from_secs(10), "{resp:?}");
    let body = check_stacked(&resp, 404, "not_found_error", "resource_missing");
    assert_eq!(body["request_id"], "req_stalled", "{resp:?}");
    assert_eq!(body["message"], "No such customer: cus_spawned", "{resp:?}");
}

/// `GET path`, a derived 429 (`rate_limited`, a 30 s delay), behind a layer or middleware
/// inside that makes it a 404: its retry headers were rendered for the 429, so they go
/// (the 404's table says no retry, and no delay). `GET /v1/customers/cus_x?own=1`: a derived
/// 404 that the layer makes a 410 with advice of its own (`x-should-retry: true`), which
/// stays (the table would say `false`). (Advice a layer sets that is the same as the one
/// rendered cannot be told from it, and is taken for it.)
pub fn check_a_restated_errors_retry_headers(addr: SocketAddr, path: &str) {
    let resp = fetch_with(addr, path, &[(RID, b"req_was_429")]);
    check_stacked(&resp, 404, "rate_limit_error", "rate_limited");
    assert_eq!(resp.header("x-should-retry"), Some("false"), "{resp:?}");
    assert_eq!(resp.header("retry-after"), None, "{resp:?}");
    assert_eq!(resp.header("retry-after-ms"), None, "{resp:?}");
    let resp = fetch_with(addr, "/v1/customers/cus_x?own=1", &[(RID, b"req_own")]);
    assert_eq!(resp.status, 410, "{resp:?}");
    assert_eq!(resp.json()["code"], "resource_missing", "{resp:?}");
    assert_eq!(resp.header("x-should-retry"), Some("true"), "{resp:?}");
}

/// `GET path` (a derived 404 rendered outside the request) behind a layer or middleware
/// inside that adds a field to its JSON and sends it as a stream (no length): still the
/// error, rendered again with this request's id.
pub fn check_an_enriched_spawned_error_gets_the_requests_id(addr: SocketAddr, path: &str) {
    let resp = fetch_with(addr, path, &[(RID, b"req_enriched")]);
    let body = check_stacked(&resp, 404, "not_found_error", "resource_missing");
    assert_eq!(body["request_id"], "req_enriched", "{resp:?}");
    assert_eq!(resp.header(RID), Some("req_enriched"), "{resp:?}");
    assert!(varies_on_accept(&resp), "{resp:?}");
}
