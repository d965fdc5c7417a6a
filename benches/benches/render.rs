//! Run-time cost of rendering an error body, side by side in one run (SPEC §10).
//!
//! `json::*` renders one body into a reused, cleared `Vec<u8>`:
//! - `floor_serde_struct`: a hand-written `#[derive(Serialize)]` struct of five
//!   `&'static str` / `Option<&'static str>` fields through `serde_json` — the floor every
//!   other case is divided by in `scripts/bench-report.sh`;
//! - `json_macro`: `serde_json::json!` built per call, what many services hand-write;
//! - `http_api_problem`: an `http_api_problem::HttpApiProblem` built and serialized;
//! - `<case>_write_json` / `<case>_serde`: a derived error through the generated
//!   `write_json` and through `serde_json::to_writer(&mut buf, &e.to_body())`.
//!
//! `axum::*` sends one request through `tower::ServiceExt::oneshot` on a `Router` (on a
//! current-thread tokio runtime) and reads the whole response body; the request carries an
//! `x-request-id` unless the case ends in `_generated` (then the layer makes one), its value
//! a slice of a shared buffer as hyper makes it (`support/request.rs`). The
//! `tower_http_*` cases run the same router under tower-http's `SetRequestIdLayer` +
//! `PropagateRequestIdLayer` + `CatchPanicLayer`: what a service adds to get request ids and
//! panic safety without this crate (SPEC §10: the layer's overhead on a 200 is at most a
//! third of that stack's).
//!
//! Run: `cargo bench -p api-error-benches`, or `bash scripts/bench-report.sh` for the table.
#![allow(missing_docs)]

use std::hint::black_box;

use api_error_core::ApiError;

#[path = "../support/floor.rs"]
mod floor;
#[path = "../support/request.rs"]
mod request;

fn main() {
    divan::main();
}

/// The fixture: the payments API of SPEC §1, plus one variant whose message formats two
/// fields.
#[allow(dead_code)]
mod fixture {
    use api_error_core::ApiError;

    #[derive(Debug, thiserror::Error, ApiError)]
    pub enum AuthError {
        #[error("Invalid API key provided")]
        #[api_error(status = 401, code = "invalid_api_key")]
        InvalidApiKey,
        #[error("Your API key expired on {expired_on}")]
        #[api_error(status = 401, code = "api_key_expired")]
        KeyExpired { expired_on: String },
    }

    #[derive(Debug, thiserror::Error, ApiError)]
    pub enum PaymentError {
        #[error("Invalid API key provided")]
        #[api_error(status = 401, code = "invalid_api_key")]
        InvalidApiKey,

        #[error("No such price {price} for customer {customer}")]
        #[api_error(status = 404, code = "resource_missing", param = "price")]
        PriceNotFound { price: String, customer: String },

        #[error("{field} must be positive")]
        #[api_error(status = 422, code = "invalid_amount")]
        InvalidAmount {
            #[api_error(param)]
            field: String,
        },

        #[error("database unavailable: {0}")]
        #[api_error(status = 503, code = "database_unavailable")]
        Database(#[source] std::io::Error),

        #[error(transparent)]
        #[api_error(transparent)]
        Auth(AuthError),
    }

    pub fn literal() -> PaymentError {
        PaymentError::InvalidApiKey
    }

    pub fn formatted() -> PaymentError {
        PaymentError::PriceNotFound {
            price: "price_1MoBy5LkdIwHu7ixZhnattbh".to_owned(),
            customer: "cus_NffrFeUfNV2Hib".to_owned(),
        }
    }

    pub fn transparent() -> PaymentError {
        PaymentError::Auth(AuthError::InvalidApiKey)
    }

    pub const REQUEST_ID: &str = "req_8fZ2kQp3LmX9aB";
}

/// Body rendering into a reused buffer.
#[divan::bench_group(sample_count = 1000, sample_size = 64)]
mod json {
    use super::*;
    use fixture::REQUEST_ID;

    /// The floor: what a hand-written body costs through serde.
    #[derive(serde::Serialize)]
    struct HandWritten {
        message: &'static str,
        r#type: &'static str,
        code: &'static str,
        param: Option<&'static str>,
        request_id: Option<&'static str>,
    }

    fn buffer() -> Vec<u8> {
        Vec::with_capacity(512)
    }

    #[divan::bench]
    fn floor_serde_struct(b: divan::Bencher) {
        let mut buf = buffer();
        b.bench_local(|| {
            buf.clear();
            let body = HandWritten {
                message: black_box("Invalid API key provided"),
                r#type: black_box("authentication_error"),
                code: black_box("invalid_api_key"),
                param: black_box(None),
                request_id: black_box(None),
            };
            let _ = serde_json::to_writer(&mut buf, &body);
            black_box(buf.len())
        });
    }

    #[divan::bench]
    fn floor_serde_struct_request_id(b: divan::Bencher) {
        let mut buf = buffer();
        b.bench_local(|| {
            buf.clear();
            let body = HandWritten {
                message: black_box("Invalid API key provided"),
                r#type: black_box("authentication_error"),
                code: black_box("invalid_api_key"),
                param: black_box(None),
                request_id: black_box(Some(REQUEST_ID)),
            };
            let _ = serde_json::to_writer(&mut buf, &body);
            black_box(buf.len())
        });
    }

    #[divan::bench]
    fn json_macro(b: divan::Bencher) {
        let mut buf = buffer();
        b.bench_local(|| {
            buf.clear();
            let body = serde_json::json!({
                "message": black_box("Invalid API key provided"),
                "type": black_box("authentication_error"),
                "code": black_box("invalid_api_key"),
                "param": black_box(None::<&str>),
                "request_id": black_box(None::<&str>),
            });
            let _ = serde_json::to_writer(&mut buf, &body);
            black_box(buf.len())
        });
    }

    /// RFC 7807 problem with the same information: `title` the message, `type` a URL made
    /// from the type, `code` as an extension member (http-api-problem keeps extensions in a
    /// `HashMap<String, serde_json::Value>`).
    #[divan::bench]
    fn http_api_problem(b: divan::Bencher) {
        let mut buf = buffer();
        b.bench_local(|| {
            buf.clear();
            let problem = http_api_problem::HttpApiProblem::new(black_box(
                http_api_problem::StatusCode::UNAUTHORIZED,
            ))
            .type_url(black_box("https://errors.example.com/authentication_error"))
            .title(black_box("Invalid API key provided"))
            .value("code", black_box(&"invalid_api_key"));
            let _ = serde_json::to_writer(&mut buf, &problem);
            black_box(buf.len())
        });
    }

    /// The enveloped floor: `{"error": <hand-written body>}` through serde.
    #[derive(serde::Serialize)]
    struct HandWrittenEnvelope {
        error: HandWritten,
    }

    /// The RFC 9457 floor: a hand-written struct of the problem shape through serde.
    #[derive(serde::Serialize)]
    struct HandWrittenProblem {
        r#type: &'static str,
        title: &'static str,
        status: u16,
        detail: &'static str,
        code: &'static str,
        param: Option<&'static str>,
        request_id: Option<&'static str>,
        error_type: &'static str,
    }

    #[divan::bench]
    fn floor_serde_envelope(b: divan::Bencher) {
        let mut buf = buffer();
        b.bench_local(|| {
            buf.clear();
            let body = HandWrittenEnvelope {
                error: HandWritten {
                    message: black_box("Invalid API key provided"),
                    r#type: black_box("authentication_error"),
                    code: black_box("invalid_api_key"),
                    param: black_box(None),
                    request_id: black_box(None),
                },
            };
            let _ = serde_json::to_writer(&mut buf, &body);
            black_box(buf.len())
        });
    }

    #[divan::bench]
    fn floor_serde_problem(b: divan::Bencher) {
        let mut buf = buffer();
        b.bench_local(|| {
            buf.clear();
            let body = HandWrittenProblem {
                r#type: black_box("https://docs.example.com/errors/invalid_api_key"),
                title: black_box("Unauthorized"),
                status: black_box(401),
                detail: black_box("Invalid API key provided"),
                code: black_box("invalid_api_key"),
                param: black_box(None),
                request_id: black_box(None),
                error_type: black_box("authentication_error"),
            };
            let _ = serde_json::to_writer(&mut buf, &body);
            black_box(buf.len())
        });
    }

    fn write_format(b: divan::Bencher, e: &impl ApiError, format: &api_error_core::ErrorFormat) {
        let mut buf = buffer();
        b.bench_local(|| {
            buf.clear();
            black_box(format).write(black_box(e), None, &mut buf);
            black_box(buf.len())
        });
    }

    #[divan::bench]
    fn literal_enveloped(b: divan::Bencher) {
        write_format(
            b,
            &fixture::literal(),
            &api_error_core::WireFormat::Enveloped.into(),
        );
    }

    #[divan::bench]
    fn literal_problem(b: divan::Bencher) {
        let format = api_error_core::ErrorFormat::new(api_error_core::WireFormat::Problem)
            .problem_type_base("https://docs.example.com/errors/");
        write_format(b, &fixture::literal(), &format);
    }

    fn write_json(b: divan::Bencher, e: &impl ApiError, request_id: Option<&str>) {
        let mut buf = buffer();
        b.bench_local(|| {
            buf.clear();
            black_box(e).write_json(black_box(request_id), &mut buf);
            black_box(buf.len())
        });
    }

    fn serde(b: divan::Bencher, e: &impl ApiError, request_id: Option<&str>) {
        let mut buf = buffer();
        b.bench_local(|| {
            buf.clear();
            let mut body = black_box(e).to_body();
            if let Some(id) = black_box(request_id) {
                body = body.with_request_id(id);
            }
            let _ = serde_json::to_writer(&mut buf, &body);
            black_box(buf.len())
        });
    }

    #[divan::bench]
    fn literal_write_json(b: divan::Bencher) {
        write_json(b, &fixture::literal(), None);
    }

    #[divan::bench]
    fn literal_serde(b: divan::Bencher) {
        serde(b, &fixture::literal(), None);
    }

    #[divan::bench]
    fn formatted_write_json(b: divan::Bencher) {
        write_json(b, &fixture::formatted(), None);
    }

    #[divan::bench]
    fn formatted_serde(b: divan::Bencher) {
        serde(b, &fixture::formatted(), None);
    }

    #[divan::bench]
    fn transparent_write_json(b: divan::Bencher) {
        write_json(b, &fixture::transparent(), None);
    }

    #[divan::bench]
    fn transparent_serde(b: divan::Bencher) {
        serde(b, &fixture::transparent(), None);
    }

    #[divan::bench]
    fn request_id_write_json(b: divan::Bencher) {
        write_json(b, &fixture::literal(), Some(REQUEST_ID));
    }

    #[divan::bench]
    fn request_id_serde(b: divan::Bencher) {
        serde(b, &fixture::literal(), Some(REQUEST_ID));
    }
}

/// A request through a `Router`, response body read to the end.
#[divan::bench_group(sample_count = 400, sample_size = 40)]
mod axum {
    use ::axum::body::{to_bytes, Body};
    use ::axum::http::{Request, StatusCode};
    use ::axum::routing::get;
    use ::axum::{Json, Router};
    use api_error_core::axum::ApiErrorLayer;
    use tower::ServiceExt;

    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap_or_else(|e| unreachable!("a current-thread runtime: {e}"))
    }

    fn run(b: divan::Bencher, app: Router) {
        run_with(b, app, true);
    }

    fn run_with(b: divan::Bencher, app: Router, with_id: bool) {
        // What `axum::serve` does once: routes become services up front, not per request.
        let app: Router = app.with_state(());
        let rt = runtime();
        // The id as hyper hands it over: a slice of a shared buffer (support/request.rs).
        let incoming = request::Incoming::new(fixture::REQUEST_ID);
        b.bench_local(|| {
            rt.block_on(async {
                let req = incoming.request(with_id);
                let res = match app.clone().oneshot(req).await {
                    Ok(res) => res,
                    Err(e) => match e {},
                };
                let status = res.status();
                let body = to_bytes(res.into_body(), usize::MAX)
                    .await
                    .unwrap_or_default();
                black_box((status, body.len()))
            })
        });
    }

    #[divan::bench]
    fn derived_error(b: divan::Bencher) {
        let app = Router::new().route(
            request::PATH,
            get(|| async { Err::<(), _>(fixture::PaymentError::InvalidApiKey) }),
        );
        run(b, app);
    }

    /// A handler's hand-built error: `(StatusCode, Json(json!{..}))`.
    fn hand_built() -> Router {
        Router::new().route(
            request::PATH,
            get(|| async {
                Err::<(), _>((
                    StatusCode::UNAUTHORIZED,
                    Json(serde_json::json!({
                        "message": "Invalid API key provided",
                        "type": "authentication_error",
                        "code": "invalid_api_key",
                        "param": null,
                        "request_id": null,
                    })),
                ))
            }),
        )
    }

    /// tower-http's request-id and panic layers: the baseline stack.
    fn tower_http_stack(app: Router) -> Router {
        use tower_http::catch_panic::CatchPanicLayer;
        use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
        app.layer(CatchPanicLayer::new())
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
    }

    /// The same three layers as one `Router::layer` of a `ServiceBuilder` (as axum's docs
    /// suggest for several layers): axum wraps the routes once instead of three times.
    fn tower_http_service_builder(app: Router) -> Router {
        use tower_http::catch_panic::CatchPanicLayer;
        use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
        app.layer(
            tower::ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(CatchPanicLayer::new()),
        )
    }

    fn ok() -> Router {
        Router::new().route(request::PATH, get(|| async { "ok" }))
    }

    #[divan::bench]
    fn hand_built_json(b: divan::Bencher) {
        run(b, hand_built());
    }

    #[divan::bench]
    fn hand_built_json_tower_http(b: divan::Bencher) {
        run(b, tower_http_stack(hand_built()));
    }

    #[divan::bench]
    fn ok_tower_http(b: divan::Bencher) {
        run(b, tower_http_stack(ok()));
    }

    #[divan::bench]
    fn ok_tower_http_service_builder(b: divan::Bencher) {
        run(b, tower_http_service_builder(ok()));
    }

    #[divan::bench]
    fn ok_tower_http_service_builder_generated(b: divan::Bencher) {
        run_with(b, tower_http_service_builder(ok()), false);
    }

    #[divan::bench]
    fn ok_tower_http_generated(b: divan::Bencher) {
        run_with(b, tower_http_stack(ok()), false);
    }

    #[divan::bench]
    fn ok_no_layer_generated(b: divan::Bencher) {
        run_with(b, ok(), false);
    }

    #[divan::bench]
    fn ok_with_layer_generated(b: divan::Bencher) {
        run_with(b, ok().layer(ApiErrorLayer::new()), false);
    }

    #[divan::bench]
    fn ok_no_layer(b: divan::Bencher) {
        run(b, ok());
    }

    /// A reference point, not a product (`benches/support/floor.rs`): about the least a
    /// request-id + catch-panic layer does.
    #[divan::bench]
    fn ok_floor_layer(b: divan::Bencher) {
        run(b, ok().layer(floor::FloorLayer));
    }

    /// What any layer costs through `Router::layer` (axum boxes each layered route's service
    /// and future): the part of every layer's overhead that is axum's.
    #[divan::bench]
    fn ok_noop_layer(b: divan::Bencher) {
        run(
            b,
            ok().layer(tower::util::MapRequestLayer::new(|r: Request<Body>| r)),
        );
    }

    #[divan::bench]
    fn ok_with_layer(b: divan::Bencher) {
        run(b, ok().layer(ApiErrorLayer::new()));
    }

    #[divan::bench]
    fn derived_error_with_layer(b: divan::Bencher) {
        let app = Router::new()
            .route(
                request::PATH,
                get(|| async { Err::<(), _>(fixture::PaymentError::InvalidApiKey) }),
            )
            .layer(ApiErrorLayer::new());
        run(b, app);
    }
}
