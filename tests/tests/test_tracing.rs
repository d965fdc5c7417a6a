//! The `tracing` feature: a 5xx's `Display` and source chain go to the log with the request
//! id and never to the body; 4xx are logged at debug; panic messages are logged, not sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod web_support;

use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use api_error_core::ApiError;
use web_support::*;

#[derive(Debug, thiserror::Error)]
#[error("pool exhausted after 30s (dsn=postgres://admin:s3cr3t-pw@db-primary.internal)")]
struct PoolError;

#[derive(Debug, thiserror::Error, ApiError)]
enum AppError {
    #[error("database unavailable: primary db-primary.internal refused")]
    #[api_error(status = 503, code = "database_unavailable")]
    Database(#[source] PoolError),

    #[error("No such customer: {0}")]
    #[api_error(status = 404, code = "resource_missing")]
    NotFound(String),

    #[error("queue unavailable: {0}")]
    #[api_error(status = 503, code = "queue_unavailable")]
    Queue(String),
}

/// Everything the subscriber writes.
fn log() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = Arc::clone(&buf);
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(move || Capture(Arc::clone(&writer)))
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        buf
    })
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The `error` lines that mention `needle`.
fn error_lines(needle: &str) -> Vec<String> {
    let mut lines = lines_with(needle);
    lines.retain(|l| l.contains("ERROR"));
    lines
}

/// The log lines that mention `needle`.
fn lines_with(needle: &str) -> Vec<String> {
    let log = log().lock().unwrap();
    String::from_utf8_lossy(&log)
        .lines()
        .filter(|l| l.contains(needle))
        .map(str::to_owned)
        .collect()
}

fn axum_app() -> SocketAddr {
    use axum::routing::get;
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        log();
        let app = axum::Router::new()
            .route(
                "/db",
                get(|| async { Err::<(), _>(AppError::Database(PoolError)) }),
            )
            .route(
                "/missing",
                get(|| async { Err::<(), _>(AppError::NotFound("cus_9".into())) }),
            )
            .route(
                "/db-spawned",
                get(|| async {
                    use axum::response::IntoResponse;
                    // Rendered in another task: outside the request's context.
                    tokio::spawn(async { AppError::Database(PoolError).into_response() })
                        .await
                        .unwrap()
                }),
            )
            .route(
                "/user-500",
                get(|| async {
                    (
                        http::StatusCode::INTERNAL_SERVER_ERROR,
                        "upstream token sk_live_axum rejected",
                    )
                }),
            )
            .route(
                "/user-500-big",
                get(|| async {
                    (
                        http::StatusCode::INTERNAL_SERVER_ERROR,
                        big_cause("sk_big_axum"),
                    )
                }),
            )
            .route(
                "/panic",
                get(|| async {
                    panic!("panic with secret token tok_live_123");
                    #[allow(unreachable_code)]
                    ()
                }),
            )
            .route(
                "/queue-spawned",
                get(|| async {
                    use axum::response::IntoResponse;
                    tokio::spawn(async { AppError::Queue("marker_q_axum".into()).into_response() })
                        .await
                        .unwrap()
                }),
            )
            .route(
                "/customers/{id}",
                get(
                    |axum::extract::Path(id): axum::extract::Path<String>| async move {
                        Err::<(), _>(AppError::NotFound(id))
                    },
                ),
            )
            .layer(api_error_core::axum::ApiErrorLayer::new());
        serve_axum(app)
    })
}

/// The slow request of `actix_spans_are_not_held_across_awaits` is in its handler.
static SLOW_PARKED: AtomicBool = AtomicBool::new(false);
/// ... and may finish: the fast ones have been answered.
static FAST_DONE: AtomicBool = AtomicBool::new(false);

fn actix_app() -> SocketAddr {
    use actix_web::{web, HttpResponse};
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        log();
        let routes = |cfg: &mut web::ServiceConfig| {
            cfg.route(
                "/db-spawned",
                web::get().to(|| async {
                    // Rendered in another task: outside the request's context.
                    actix_web::rt::spawn(async {
                        actix_web::ResponseError::error_response(&AppError::Database(PoolError))
                    })
                    .await
                    .unwrap()
                }),
            )
            .route(
                "/db",
                web::get().to(|| async { Err::<HttpResponse, _>(AppError::Database(PoolError)) }),
            )
            .route(
                "/user-500",
                web::get().to(|| async {
                    use serde::de::Error as _;
                    Err::<HttpResponse, _>(actix_web::error::ErrorInternalServerError(
                        serde::de::value::Error::custom("upstream token sk_live_actix rejected"),
                    ))
                }),
            )
            .route(
                "/user-500-big",
                web::get().to(|| async {
                    HttpResponse::InternalServerError().body(big_cause("sk_big_actix"))
                }),
            )
            // Waits while other requests run on the same worker thread: their logs must not
            // land in this request's span, nor this one's in theirs.
            .route(
                "/slow",
                web::get().to(|| async {
                    SLOW_PARKED.store(true, Ordering::SeqCst);
                    // Parked (yielding the worker) until the test has run the fast ones.
                    for _ in 0..1000 {
                        if FAST_DONE.load(Ordering::SeqCst) {
                            break;
                        }
                        actix_web::rt::time::sleep(std::time::Duration::from_millis(5)).await;
                    }
                    Err::<HttpResponse, _>(AppError::NotFound("slow".into()))
                }),
            )
            .route(
                "/missing",
                web::get()
                    .to(|| async { Err::<HttpResponse, _>(AppError::NotFound("cus_9".into())) }),
            )
            .route(
                "/queue-spawned",
                web::get().to(|| async {
                    actix_web::rt::spawn(async {
                        actix_web::ResponseError::error_response(&AppError::Queue(
                            "marker_q_actix".into(),
                        ))
                    })
                    .await
                    .unwrap()
                }),
            )
            .route(
                "/panic",
                web::get().to(|| async {
                    panic!("panic with secret token tok_live_actix");
                    #[allow(unreachable_code)]
                    HttpResponse::Ok().finish()
                }),
            );
        };
        serve_actix(
            routes,
            Some(api_error_core::actix::ApiErrorMiddleware::new()),
        )
    })
}

fn check_5xx_logged(addr: SocketAddr, id: &str) {
    check_5xx_logged_at(addr, "/db", id);
}

fn check_5xx_logged_at(addr: SocketAddr, path: &str, id: &str) {
    let resp = fetch_with(addr, path, &[(RID, id.as_bytes())]);
    let body = check_error(&resp, 503, "api_error", "database_unavailable", Some(RID));
    assert_eq!(body["request_id"], id);
    let text = resp.text();
    for secret in ["s3cr3t-pw", "db-primary", "pool exhausted", "refused"] {
        assert!(!text.contains(secret), "{secret} leaked into {text}");
    }
    let lines = lines_with(id);
    let line = lines
        .iter()
        .find(|l| l.contains("ERROR") && l.contains("database_unavailable"))
        .unwrap_or_else(|| panic!("no error line for {id} in {lines:#?}"));
    assert!(line.contains("status=503"), "{line}");
    assert!(
        line.contains("database unavailable: primary db-primary.internal refused"),
        "{line}"
    );
    assert!(
        line.contains(
            "pool exhausted after 30s (dsn=postgres://admin:s3cr3t-pw@db-primary.internal)"
        ),
        "{line}"
    );
}

#[test]
fn axum_5xx_details_go_to_the_log_only() {
    check_5xx_logged(axum_app(), "req_trace_axum_5xx");
}

#[test]
fn actix_5xx_details_go_to_the_log_only() {
    check_5xx_logged(actix_app(), "req_trace_actix_5xx");
}

/// A 5xx turned into a response in a spawned task is logged there without the request's
/// id; when the request sends it, it is logged again, cause and all, with the id.
#[test]
fn axum_5xx_rendered_outside_the_request_is_logged_with_its_id() {
    check_5xx_logged_at(axum_app(), "/db-spawned", "req_trace_axum_spawned");
}

#[test]
fn actix_5xx_rendered_outside_the_request_is_logged_with_its_id() {
    check_5xx_logged_at(actix_app(), "/db-spawned", "req_trace_actix_spawned");
}

#[test]
fn axum_4xx_logged_at_debug() {
    let resp = fetch_with(axum_app(), "/missing", &[(RID, b"req_trace_4xx")]);
    check_error(&resp, 404, "not_found_error", "resource_missing", Some(RID));
    let lines = lines_with("req_trace_4xx");
    assert!(
        lines.iter().any(|l| l.contains("DEBUG")
            && l.contains("resource_missing")
            && l.contains("status=404")),
        "{lines:#?}"
    );
    assert!(!lines.iter().any(|l| l.contains("ERROR")), "{lines:#?}");
}

/// A panic is one failure: one `error` line (the panic's), not a second for its 500.
fn check_panic_logged_once(addr: SocketAddr, id: &str, secret: &str) {
    let resp = fetch_with(addr, "/panic", &[(RID, id.as_bytes())]);
    check_error(&resp, 500, "api_error", "internal_error", Some(RID));
    assert!(!resp.text().contains(secret));
    let errors = error_lines(id);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains(secret), "{errors:#?}");
}

#[test]
fn axum_panic_message_logged_once_not_sent() {
    check_panic_logged_once(axum_app(), "req_trace_panic", "tok_live_123");
}

#[test]
fn actix_panic_message_logged_once_not_sent() {
    check_panic_logged_once(actix_app(), "req_trace_actix_panic", "tok_live_actix");
}

/// An error rendered in a spawned task is logged once, when the request sends it: with the
/// request's id, not first without it.
fn check_spawned_logged_once(addr: SocketAddr, id: &str, marker: &str) {
    let resp = fetch_with(addr, "/queue-spawned", &[(RID, id.as_bytes())]);
    let body = check_error(&resp, 503, "api_error", "queue_unavailable", Some(RID));
    assert_eq!(body["request_id"], id);
    let lines = lines_with(marker);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].contains("ERROR") && lines[0].contains(id),
        "{lines:#?}"
    );
}

#[test]
fn axum_error_rendered_in_a_task_is_logged_once_with_the_id() {
    check_spawned_logged_once(axum_app(), "req_trace_axum_q", "marker_q_axum");
}

#[test]
fn actix_error_rendered_in_a_task_is_logged_once_with_the_id() {
    check_spawned_logged_once(actix_app(), "req_trace_actix_q", "marker_q_actix");
}

/// An error rendered with no request at all (a test, a background job) is logged when the
/// response goes, outside any request's span.
#[test]
fn an_error_rendered_outside_any_request_is_logged_when_it_goes() {
    use axum::response::IntoResponse;
    log();
    let response = AppError::Queue("marker_q_alone".into()).into_response();
    assert!(lines_with("marker_q_alone").is_empty());
    drop(response);
    let lines = lines_with("marker_q_alone");
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].contains("ERROR") && !lines[0].contains("request{"),
        "{lines:#?}"
    );
}

/// A client's text in an error's `Display` is logged quoted, its newlines escaped: it cannot
/// start a forged log line.
#[test]
fn a_newline_in_an_errors_text_cannot_forge_a_log_line() {
    let resp = fetch_with(
        axum_app(),
        "/customers/cus_1%0AERROR%20forged_line",
        &[(RID, b"req_trace_nl")],
    );
    check_error(&resp, 404, "not_found_error", "resource_missing", Some(RID));
    let lines = lines_with("forged_line");
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].contains(r#"error="No such customer: cus_1\nERROR forged_line""#),
        "{lines:#?}"
    );
}

/// tower-http's `TraceLayer` inside the layer in one `ServiceBuilder` opens its span in
/// `call`: that span is the request span's child, so its events have the request id.
#[test]
fn a_span_an_inner_layer_opens_in_call_has_the_request_id() {
    use axum::routing::get;
    log();
    let stack = tower::ServiceBuilder::new()
        .layer(api_error_core::axum::ApiErrorLayer::new())
        .map_response(|r: axum::response::Response<_>| r.map(axum::body::Body::new))
        .layer(tower_http::trace::TraceLayer::new_for_http());
    let app = axum::Router::new()
        .route(
            "/hello",
            get(|| async {
                tracing::info!("handler says marker_inner_span");
                "hi"
            }),
        )
        .layer(stack);
    let addr = serve_axum(app);
    let resp = fetch_with(addr, "/hello", &[(RID, b"req_trace_inner_span")]);
    assert_eq!(resp.status, 200);
    let lines = lines_with("marker_inner_span");
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].contains("request_id=req_trace_inner_span"),
        "{lines:#?}"
    );
}

/// With a layer compressing inside, a framework 5xx's text cannot be read: the log says so
/// rather than giving the public message as its text; without gzip the text is logged.
#[test]
fn a_compressed_5xx_text_is_said_unread_in_the_log() {
    use axum::routing::get;
    log();
    let app = axum::Router::new()
        .route(
            "/user-500",
            get(|| async {
                (
                    http::StatusCode::INTERNAL_SERVER_ERROR,
                    "upstream token sk_live_gz rejected; padding padding padding padding",
                )
            }),
        )
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(api_error_core::axum::ApiErrorLayer::new());
    let addr = serve_axum(app);
    let resp = fetch_with(addr, "/user-500", &[(RID, b"req_trace_gz"), GZIP]);
    assert_eq!(resp.status, 500);
    let errors = error_lines("req_trace_gz");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("unread=") && errors[0].contains("compressed"),
        "{errors:#?}"
    );
    assert!(
        !errors[0].contains("An internal error occurred"),
        "{errors:#?}"
    );
    let resp = fetch_with(addr, "/user-500", &[(RID, b"req_trace_plain")]);
    assert_eq!(resp.status, 500);
    let errors = lines_with("req_trace_plain");
    assert!(
        errors.iter().any(|l| l.contains("sk_live_gz")),
        "{errors:#?}"
    );
}

/// A cause text longer than what is read of it (8 KiB): `secret` first.
fn big_cause(secret: &str) -> String {
    format!("upstream token {secret} rejected: {}", "x".repeat(9000))
}

/// A framework 5xx whose text is longer than what is read of it still has its cause logged
/// (its first 8 KiB), never sent.
fn check_big_framework_5xx_cause_logged(addr: SocketAddr, id: &str, secret: &str) {
    let resp = fetch_with(addr, "/user-500-big", &[(RID, id.as_bytes())]);
    let body = check_error(&resp, 500, "api_error", "internal_error", Some(RID));
    assert_eq!(body["message"], "An internal error occurred.");
    assert!(!resp.text().contains(secret), "{}", resp.text());
    let lines = lines_with(id);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("ERROR") && l.contains(&format!("text=\"upstream token {secret}"))),
        "{lines:#?}"
    );
}

#[test]
fn axum_big_framework_5xx_cause_logged() {
    check_big_framework_5xx_cause_logged(axum_app(), "req_trace_axum_big500", "sk_big_axum");
}

#[test]
fn actix_big_framework_5xx_cause_logged() {
    check_big_framework_5xx_cause_logged(actix_app(), "req_trace_actix_big500", "sk_big_actix");
}

/// A framework 5xx (a handler's bare 500 text, actix's `InternalError`) is a generic 500 on
/// the wire, and its cause is logged at `error` with the request id, in the field `text`.
fn check_framework_5xx_cause_logged(addr: SocketAddr, id: &str, secret: &str) {
    let resp = fetch_with(addr, "/user-500", &[(RID, id.as_bytes())]);
    let body = check_error(&resp, 500, "api_error", "internal_error", Some(RID));
    assert_eq!(body["message"], "An internal error occurred.");
    assert!(!resp.text().contains(secret), "{}", resp.text());
    let lines = lines_with(id);
    assert!(
        lines.iter().any(|l| l.contains("ERROR")
            && l.contains(secret)
            && l.contains("status=500")
            && l.contains("text=")),
        "{lines:#?}"
    );
}

#[test]
fn axum_framework_5xx_cause_logged_not_sent() {
    check_framework_5xx_cause_logged(axum_app(), "req_trace_axum_user500", "sk_live_axum");
}

#[test]
fn actix_framework_5xx_cause_logged_not_sent() {
    check_framework_5xx_cause_logged(actix_app(), "req_trace_actix_user500", "sk_live_actix");
}

#[test]
fn actix_spans_are_not_held_across_awaits() {
    let addr = actix_app();
    // One worker thread: the slow request is parked in its sleep while the fast ones run.
    let slow = std::thread::spawn(move || fetch_with(addr, "/slow", &[(RID, b"req_span_slow")]));
    // The slow request is inside its handler, parked, before the fast ones start.
    let mut waited = 0;
    while !SLOW_PARKED.load(Ordering::SeqCst) {
        assert!(waited < 500, "the slow request never reached its handler");
        std::thread::sleep(std::time::Duration::from_millis(10));
        waited += 1;
    }
    for i in 0..3 {
        let id = format!("req_span_fast_{i}");
        let resp = fetch_with(addr, "/missing", &[(RID, id.as_bytes())]);
        check_error(&resp, 404, "not_found_error", "resource_missing", Some(RID));
    }
    FAST_DONE.store(true, Ordering::SeqCst);
    let resp = slow.join().unwrap();
    check_error(&resp, 404, "not_found_error", "resource_missing", Some(RID));
    for i in 0..3 {
        let id = format!("req_span_fast_{i}");
        let lines = lines_with(&id);
        assert!(!lines.is_empty());
        assert!(
            lines.iter().all(|l| !l.contains("req_span_slow")),
            "{lines:#?}"
        );
    }
    let slow_lines = lines_with("req_span_slow");
    assert!(
        slow_lines
            .iter()
            .any(|l| l.contains("No such customer: slow")),
        "{slow_lines:#?}"
    );
    assert!(
        slow_lines.iter().all(|l| !l.contains("req_span_fast")),
        "{slow_lines:#?}"
    );
}

/// Nested layers (an app's own inside a shared one): the inner layer's replacement is marked
/// as this crate's, so the outer one passes it on instead of reading and logging it again.
#[test]
fn nested_layers_log_a_framework_5xx_once() {
    use axum::routing::get;
    log();
    let app = axum::Router::new()
        .route(
            "/user-500",
            get(|| async {
                (
                    http::StatusCode::INTERNAL_SERVER_ERROR,
                    "upstream token sk_live_nested rejected",
                )
            }),
        )
        .layer(api_error_core::axum::ApiErrorLayer::new())
        .layer(api_error_core::axum::ApiErrorLayer::new());
    let addr = serve_axum(app);
    let id = "req_trace_nested";
    let resp = fetch_with(addr, "/user-500", &[(RID, id.as_bytes())]);
    let body = check_error(&resp, 500, "api_error", "internal_error", Some(RID));
    assert_eq!(body["request_id"], id);
    let errors = error_lines(id);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains("sk_live_nested"), "{errors:#?}");
    // One `request` span: the inner layer runs in the outer one's.
    assert_eq!(errors[0].matches("request{").count(), 1, "{errors:#?}");
}

/// One line mentions `marker`, at `level`, in the request's span.
fn check_one_line(marker: &str, level: &str, id: &str) {
    let lines = lines_with(marker);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].contains(level), "{lines:#?}");
    assert!(
        lines[0].contains(&format!("request{{request_id={id}}}")),
        "{lines:#?}"
    );
}

/// An error rendered in a spawned task that a layer inside compressed is rendered again with
/// the request's id from the copy its mark keeps, and still logged once with that id.
#[test]
fn a_spawned_error_compressed_inside_is_logged_once_with_the_id() {
    use axum::routing::get;
    log();
    let app = axum::Router::new()
        .route(
            "/q404",
            get(|| async {
                use axum::response::IntoResponse;
                tokio::spawn(async { AppError::NotFound("marker_gz_axum".into()).into_response() })
                    .await
                    .unwrap()
            }),
        )
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(api_error_core::axum::ApiErrorLayer::new());
    let addr = serve_axum(app);
    let resp = fetch_with(addr, "/q404", &[(RID, b"req_gz_axum"), GZIP]);
    assert_eq!(resp.status, 404);
    assert!(!is_gzip(&resp), "{resp:?}");
    assert_eq!(resp.json()["request_id"], "req_gz_axum");
    check_one_line("marker_gz_axum", "DEBUG", "req_gz_axum");

    use actix_web::{web, App, HttpResponse};
    log();
    let addr = serve_actix_app!(App::new()
        .route(
            "/q404",
            web::get().to(|| async {
                actix_web::rt::spawn(async {
                    actix_web::ResponseError::error_response(&AppError::NotFound(
                        "marker_gz_actix".into(),
                    ))
                })
                .await
                .unwrap_or_else(|_| HttpResponse::InternalServerError().finish())
            }),
        )
        .wrap(actix_web::middleware::Compress::default())
        .wrap(api_error_core::actix::ApiErrorMiddleware::new()));
    let resp = fetch_with(addr, "/q404", &[(RID, b"req_gz_actix"), GZIP]);
    assert_eq!(resp.status, 404);
    assert_eq!(resp.json()["request_id"], "req_gz_actix");
    check_one_line("marker_gz_actix", "DEBUG", "req_gz_actix");
}

/// An inner actix-web middleware that answers with an `Err` carrying a response rendered
/// outside any request: rendered again with the request's id, logged once with it.
#[test]
fn actix_an_inner_err_rendered_outside_is_rendered_again_and_logged_once() {
    use actix_web::dev::{Service as _, ServiceRequest};
    use actix_web::App;
    log();
    let addr = serve_actix_app!(App::new()
        .wrap_fn(|req: ServiceRequest, srv| {
            let escaped = req.path() == "/escaped";
            let call = srv.call(req);
            async move {
                if !escaped {
                    return call.await;
                }
                // Rendered in a spawned task: outside the request's context.
                let res = actix_web::rt::spawn(async {
                    actix_web::ResponseError::error_response(&AppError::Queue(
                        "marker_escaped".into(),
                    ))
                })
                .await
                .unwrap();
                Err(actix_web::error::InternalError::from_response("spawned", res).into())
            }
        })
        .wrap(api_error_core::actix::ApiErrorMiddleware::new()));
    let resp = fetch_with(addr, "/escaped", &[(RID, b"req_escaped")]);
    let body = check_error(&resp, 503, "api_error", "queue_unavailable", Some(RID));
    assert_eq!(body["request_id"], "req_escaped");
    check_one_line("marker_escaped", "ERROR", "req_escaped");
}

/// A derived 4xx whose body an inner actix-web middleware emptied is rendered again to be
/// read: logged once all the same.
#[test]
fn actix_a_4xx_emptied_inside_is_logged_once() {
    use actix_web::body::{BoxBody, MessageBody as _};
    use actix_web::{web, App, HttpResponse};
    let addr =
        serve_actix_app!(App::new()
            .route(
                "/missing",
                web::get().to(|| async {
                    Err::<HttpResponse, _>(AppError::NotFound("marker_emptied".into()))
                }),
            )
            .wrap(actix_web::middleware::from_fn(
                |req: actix_web::dev::ServiceRequest,
                 next: actix_web::middleware::Next<BoxBody>| async move {
                    let res = next.call(req).await?;
                    Ok::<_, actix_web::Error>(res.map_body(|_, _| ().boxed()))
                }
            ))
            .wrap(api_error_core::actix::ApiErrorMiddleware::new()));
    let resp = fetch_with(addr, "/missing", &[(RID, b"req_emptied")]);
    check_error(&resp, 404, "not_found_error", "resource_missing", Some(RID));
    check_one_line("marker_emptied", "DEBUG", "req_emptied");
}

/// Two `ApiErrorLayer`s in one `ServiceBuilder` (the inner one reached from the outer one's
/// `call`): one `request` span.
#[test]
fn two_layers_in_one_service_builder_share_one_span() {
    use axum::routing::get;
    log();
    let router = axum::Router::new().route(
        "/hello",
        get(|| async {
            tracing::info!("handler says marker_sb_nested");
            "hi"
        }),
    );
    let service = tower::ServiceBuilder::new()
        .layer(api_error_core::axum::ApiErrorLayer::new())
        .layer(api_error_core::axum::ApiErrorLayer::new())
        .service(router);
    let addr = serve_axum_service(service);
    let resp = fetch_with(addr, "/hello", &[(RID, b"req_sb_nested")]);
    assert_eq!(resp.status, 200);
    check_one_line("marker_sb_nested", "INFO", "req_sb_nested");
    let lines = lines_with("marker_sb_nested");
    assert_eq!(lines[0].matches("request{").count(), 1, "{lines:#?}");
}

/// A framework 5xx of a known length whose bytes are not there without waiting: its text
/// is not waited for, and the log says so.
#[test]
fn a_5xx_not_all_there_is_said_unread() {
    use axum::routing::get;
    log();
    let app = axum::Router::new()
        .route(
            "/stalled",
            get(|| async {
                (
                    http::StatusCode::BAD_GATEWAY,
                    axum::body::Body::new(Stalling::sized_partial()),
                )
            }),
        )
        .layer(api_error_core::axum::ApiErrorLayer::new());
    let addr = serve_axum(app);
    let resp = fetch_with(addr, "/stalled", &[(RID, b"req_stalled")]);
    assert_eq!(resp.status, 502);
    let errors = error_lines("req_stalled");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("unread=") && errors[0].contains("never waited on"),
        "{errors:#?}"
    );
}

/// An error's `Display` in the log is bounded (4,096 characters): a client's 2 MiB input in
/// it stays one line of bounded length.
#[test]
fn a_huge_error_text_is_logged_bounded() {
    use axum::response::IntoResponse;
    log();
    let huge = format!("marker_huge {}", "x".repeat(10_000));
    drop(AppError::Queue(huge).into_response());
    let lines = lines_with("marker_huge");
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].contains(&"x".repeat(4_000)), "bounded too soon");
    assert!(!lines[0].contains(&"x".repeat(4_096)), "not bounded");
}

/// A derived 4xx whose body a hook inside set to JSON `null` on the error's own head: the
/// middleware reads it, finds no text in it, and answers with the status's message; the log
/// does not say its text went unread (it was read).
#[test]
fn a_read_body_that_says_nothing_is_not_logged_as_unread() {
    use actix_web::dev::ServiceResponse;
    use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
    use actix_web::{web, App};
    fn null_body<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
        let (req, res) = res.into_parts();
        let res = res.set_body("null");
        Ok(ErrorHandlerResponse::Response(
            ServiceResponse::new(req, res)
                .map_into_boxed_body()
                .map_into_right_body(),
        ))
    }
    log();
    let addr = serve_actix_app!(App::new()
        .route(
            "/null",
            web::get().to(|| async { Err::<String, _>(AppError::NotFound("cus_null".into())) }),
        )
        .wrap(ErrorHandlers::new().default_handler_client(null_body))
        .wrap(api_error_core::actix::ApiErrorMiddleware::new()));
    let resp = fetch_with(addr, "/null", &[(RID, b"req_null_read")]);
    assert_eq!(resp.status, 404);
    assert_eq!(
        resp.json()["message"],
        "The requested resource was not found."
    );
    let lines = lines_with("req_null_read");
    assert!(!lines.is_empty());
    assert!(
        lines.iter().all(|l| !l.contains("never waited on")),
        "{lines:#?}"
    );
}
