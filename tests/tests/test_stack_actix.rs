//! The actix-web middleware inside real middleware stacks, over real HTTP on 127.0.0.1:
//! actix-web's `Compress`, `Logger`, `NormalizePath`, `ErrorHandlers` and `Condition`, and a
//! user middleware, each inside and outside `ApiErrorMiddleware`. Every error reaches the
//! client as a valid standard body whose `request_id` is the `x-request-id` header; success
//! responses pass untouched; middleware outside sees the real request.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod web_support;

use std::net::SocketAddr;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::{
    from_fn, Compress, Condition, ErrorHandlerResponse, ErrorHandlers, Logger, Next, NormalizePath,
};
use actix_web::{web, App, HttpMessage, HttpResponse};
use api_error_core::actix::{ApiErrorMiddleware, RequestId};
use serde::de::Error as _;
use web_support::*;

async fn customer(id: web::Path<String>) -> Result<HttpResponse, ShopError> {
    let id = id.into_inner();
    if id == "cus_ok" {
        Ok(HttpResponse::Ok().body(long_ok_body()))
    } else {
        Err(ShopError::CustomerNotFound { id })
    }
}

async fn charge(c: web::Json<Charge>) -> Result<String, ShopError> {
    Ok(format!("charged {}", c.amount))
}

/// A handler's own 500 whose cause is a serde error (what `serde_json` or a config loader
/// returns): must stay a 500, its text never sent.
async fn user_500() -> Result<String, actix_web::Error> {
    Err(actix_web::error::ErrorInternalServerError(
        serde::de::value::Error::custom(SECRET_CAUSE),
    ))
}

/// The same serde error as the handler's own 400: stays the handler's 400, not a path error.
async fn user_400() -> Result<String, actix_web::Error> {
    Err(actix_web::error::ErrorBadRequest(
        serde::de::value::Error::custom("amount must be a number"),
    ))
}

async fn user_503_json() -> HttpResponse {
    HttpResponse::ServiceUnavailable().json(serde_json::json!({ "error": SECRET_CAUSE }))
}

/// An error whose response says less than its `Display`, which is meant for logs.
#[derive(Debug)]
struct AuthzDenied;

impl std::fmt::Display for AuthzDenied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("user 42 lacks role billing_admin (policy secret_policy_v3)")
    }
}

impl actix_web::ResponseError for AuthzDenied {
    fn status_code(&self) -> StatusCode {
        StatusCode::FORBIDDEN
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::Forbidden()
            .content_type("text/plain")
            .body("Access denied")
    }
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/v1/customers/{id}", web::get().to(customer))
        .route(
            "/v1/authz",
            web::get().to(|| async { Err::<HttpResponse, _>(AuthzDenied) }),
        )
        .route(
            "/v1/conflict-ie",
            web::get().to(|| async {
                Err::<HttpResponse, actix_web::Error>(
                    actix_web::error::InternalError::from_response(
                        "secret_ie",
                        HttpResponse::Conflict().body("version conflict"),
                    )
                    .into(),
                )
            }),
        )
        .service(web::resource("/v1/charges").route(web::post().to(charge)))
        .route("/v1/panic", web::get().to(panics))
        .route(
            "/v1/text-json",
            web::get().to(|| async {
                HttpResponse::BadRequest()
                    .content_type("application/json")
                    .body(TEXT_UNDER_JSON)
            }),
        )
        .route(
            "/v1/json-string",
            web::get().to(|| async { HttpResponse::BadRequest().json("amount must be positive") }),
        )
        .route(
            "/v1/own-json-409",
            web::get().to(|| async {
                HttpResponse::Conflict().json(serde_json::json!({"detail": "version 3 is newer"}))
            }),
        )
        .service(
            // No resource: its default service answers, a 404 with text of its own.
            web::scope("/v1/archived").default_service(web::to(|| async {
                HttpResponse::NotFound()
                    .body("This customer was archived and cannot be shown to you.")
            })),
        )
        .route("/v1/user-500", web::get().to(user_500))
        .route(
            "/v1/quota-spent",
            web::get().to(|| async {
                HttpResponse::TooManyRequests()
                    .insert_header(("x-should-retry", "false"))
                    .body(QUOTA_SPENT)
            }),
        )
        .route("/v1/user-400", web::get().to(user_400))
        .route("/v1/user-503-json", web::get().to(user_503_json))
        .route(
            "/v1/database",
            web::get().to(|| async {
                Err::<String, _>(ShopError::Database(std::io::Error::other(SECRET_CAUSE)))
            }),
        )
        .route(
            "/v1/many-fields",
            web::get().to(|| async { Err::<String, _>(many_field_errors()) }),
        )
        .route(
            "/v1/display-panics",
            web::get().to(|| async { Err::<String, _>(PanickyDisplay) }),
        )
        // Any method, HEAD included (actix-web routes no HEAD to a `web::get()` route).
        .route("/v1/any/spawned", web::route().to(spawned))
        .route(
            "/v1/any/empty-json",
            web::route().to(|| async {
                HttpResponse::NotFound()
                    .content_type("application/json")
                    .finish()
            }),
        )
        .route(
            "/v1/spawned-response",
            web::get().to(|| async {
                // The same, its response returned as it is (it carries no error).
                actix_web::rt::spawn(async {
                    actix_web::ResponseError::error_response(&ShopError::CustomerNotFound {
                        id: "cus_spawned".into(),
                    })
                })
                .await
                .unwrap()
            }),
        )
        .route(
            "/v1/spawned",
            web::get().to(|| async {
                // Rendered in another task: outside the request's context.
                actix_web::rt::spawn(async {
                    HttpResponse::from_error(ShopError::CustomerNotFound {
                        id: "cus_spawned".into(),
                    })
                })
                .await
                .unwrap()
            }),
        );
}

/// An error whose `Display` panics (its response does not use it): the middleware, which
/// describes the error, must not turn it into a dropped connection.
#[derive(Debug)]
struct PanickyDisplay;

impl std::fmt::Display for PanickyDisplay {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        panic!("{PANIC_TEXT}")
    }
}

impl actix_web::ResponseError for PanickyDisplay {
    fn status_code(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::InternalServerError().finish()
    }
}

/// A derived error rendered in another task: outside the request's context.
async fn spawned() -> HttpResponse {
    actix_web::rt::spawn(async {
        HttpResponse::from_error(ShopError::CustomerNotFound {
            id: "cus_spawned".into(),
        })
    })
    .await
    .unwrap()
}

/// Serves `App::new()` with `wrap` applied (the last `.wrap` is the outermost).
macro_rules! serve {
    (|$app:ident| $wrap:expr) => {
        serve_actix_app!({
            let $app = App::new().configure(routes);
            $wrap
        })
    };
}

/// The errors every stack must answer in the standard format (with the request `headers`).
fn check_every_error(addr: SocketAddr, headers: &[(&str, &[u8])]) {
    let resp = fetch_with(addr, "/v1/customers/cus_x", headers);
    let body = check_stacked(&resp, 404, "not_found_error", "resource_missing");
    // Its format follows `Accept`, beside whatever else (compression's `accept-encoding`).
    assert!(varies_on_accept(&resp), "{:?}", resp.headers);
    assert_eq!(body["message"], "No such customer: cus_x");

    // A 404 with text of its own is "not found", not "no route", whether or not a
    // middleware inside compressed it (then its text is not read): the code does not
    // depend on the client's `Accept-Encoding`.
    let resp = fetch_with(addr, "/v1/archived/cus_1", headers);
    check_stacked(&resp, 404, "not_found_error", "not_found");

    let mut with_json = headers.to_vec();
    with_json.push(("content-type", b"application/json"));
    let resp = request(addr, "POST", "/v1/charges", &with_json, Some(b"{not json"));
    check_stacked(&resp, 400, "invalid_request_error", "invalid_json");

    let resp = fetch_with(addr, "/v1/nope", headers);
    assert!(varies_on_accept(&resp), "{:?}", resp.headers);
    check_stacked(&resp, 404, "not_found_error", "route_not_found");

    let resp = request(addr, "DELETE", "/v1/charges", headers, None);
    check_stacked(&resp, 405, "invalid_request_error", "method_not_allowed");

    let resp = fetch_with(addr, "/v1/panic", headers);
    let body = check_stacked(&resp, 500, "api_error", "internal_error");
    assert!(!decoded(&resp).text().contains(PANIC_TEXT));
    assert_eq!(body["message"], "An internal error occurred.");

    let resp = fetch_with(addr, "/v1/user-500", headers);
    let body = check_stacked(&resp, 500, "api_error", "internal_error");
    assert_eq!(body["message"], "An internal error occurred.");
    let resp = fetch_with(addr, "/v1/user-503-json", headers);
    check_stacked(&resp, 503, "api_error", "service_unavailable");
    for path in ["/v1/user-500", "/v1/user-503-json"] {
        let resp = fetch_with(addr, path, headers);
        assert!(!decoded(&resp).text().contains("sk_live"), "{resp:?}");
    }

    let resp = fetch_with(addr, "/v1/user-400", headers);
    let body = check_stacked(&resp, 400, "invalid_request_error", "invalid_request");
    assert_eq!(body["message"], "amount must be a number.");

    let resp = fetch_with(addr, "/v1/customers/cus_ok", headers);
    assert_eq!(resp.status, 200);
    assert_eq!(decoded(&resp).text(), long_ok_body());
    assert!(
        resp.header(RID).is_some_and(|id| !id.is_empty()),
        "{resp:?}"
    );
}

#[test]
fn bare_stack() {
    let addr = serve!(|app| app.wrap(ApiErrorMiddleware::new()));
    check_every_error(addr, &[]);
    check_every_error(addr, &[GZIP]);
}

#[test]
fn compress_inside_the_middleware() {
    let addr = serve!(|app| app
        .wrap(Compress::default())
        .wrap(ApiErrorMiddleware::new()));
    check_every_error(addr, &[GZIP]);
    check_every_error(addr, &[]);
    // The derived error was compressed inside and passed on untouched.
    let resp = fetch_with(addr, "/v1/customers/cus_x", &[GZIP]);
    assert!(is_gzip(&resp), "{resp:?}");
    check_spawned_error_rendered_again_behind_compression(addr);
    check_app_retry_advice_kept_behind_compression(addr);
}

#[test]
fn compress_outside_the_middleware() {
    let addr = serve!(|app| app
        .wrap(ApiErrorMiddleware::new())
        .wrap(Compress::default()));
    check_every_error(addr, &[GZIP]);
    check_every_error(addr, &[]);
    check_text_labelled_json_replaced_then_compressed(addr);
    let resp = request(
        addr,
        "POST",
        "/v1/charges",
        &[GZIP, ("content-type", b"application/json")],
        Some(b"{not json"),
    );
    assert!(is_gzip(&resp), "{resp:?}");
    // Rendered outside the request, rendered again with its id, then compressed.
    let resp = fetch_with(addr, "/v1/spawned", &[GZIP, (RID, b"req_spawned_gz")]);
    assert!(is_gzip(&resp), "{resp:?}");
    let body = check_stacked(&resp, 404, "not_found_error", "resource_missing");
    assert_eq!(body["request_id"], "req_spawned_gz");
}

/// Keeps the lines actix-web's `Logger` writes (through `log`).
struct Captured(std::sync::Mutex<Vec<String>>);

impl log::Log for Captured {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        let line = record.args().to_string();
        if line.starts_with("access ") {
            self.0.lock().unwrap().push(line);
        }
    }
    fn flush(&self) {}
}

static CAPTURED: Captured = Captured(std::sync::Mutex::new(Vec::new()));

/// The access-log line of the request with this id (`Logger` writes it once the response
/// body is sent, so it is waited for).
fn access_line(id: &str) -> String {
    for _ in 0..200 {
        let lines = CAPTURED.0.lock().unwrap();
        if let Some(line) = lines.iter().find(|l| l.contains(id)) {
            return line.clone();
        }
        drop(lines);
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!(
        "no access-log line for {id}: {:#?}",
        CAPTURED.0.lock().unwrap()
    );
}

/// `Logger` either side logs every request with the status the client got and its id: the
/// client's own id as sent, or the one the middleware generated (put in the request's
/// header, so a `Logger` inside sees it too); outside, also the response's header.
#[test]
fn logger_either_side() {
    if log::set_logger(&CAPTURED).is_ok() {
        log::set_max_level(log::LevelFilter::Info);
    }
    const FORMAT: &str = "access %s in=%{x-request-id}i out=%{x-request-id}o %U";
    let inside = serve!(|app| app
        .wrap(Logger::new(FORMAT))
        .wrap(ApiErrorMiddleware::new()));
    check_every_error(inside, &[]);
    let outside = serve!(|app| app
        .wrap(ApiErrorMiddleware::new())
        .wrap(Logger::new(FORMAT)));
    check_every_error(outside, &[]);

    // Not the panic (checked below): `Logger` logs no line for it on either side.
    let paths = [
        ("GET", "/v1/customers/cus_x", 404),
        ("GET", "/v1/customers/cus_ok", 200),
        ("GET", "/v1/nope", 404),
        ("DELETE", "/v1/charges", 405),
        ("GET", "/v1/user-500", 500),
        ("GET", "/v1/user-400", 400),
    ];
    for (side, addr) in [("inside", inside), ("outside", outside)] {
        for (n, (method, path, status)) in paths.iter().enumerate() {
            let id = format!("req_log_{side}_{n}");
            let resp = request(addr, method, path, &[(RID, id.as_bytes())], None);
            assert_eq!(resp.status, *status, "{resp:?}");
            let line = access_line(&id);
            assert!(
                line.starts_with(&format!("access {status} in={id} ")),
                "{line}"
            );
            assert!(line.ends_with(&format!(" {path}")), "{line}");
            if side == "outside" {
                assert!(line.contains(&format!(" out={id} ")), "{line}");
            }
        }
        // Text labelled JSON and a bare JSON string are text, in `Logger`'s body type as in
        // actix-web's own: the standard body with it as message; an app's JSON object goes
        // out as built.
        for (path, message) in [
            ("/v1/text-json", format!("{TEXT_UNDER_JSON}.")),
            ("/v1/json-string", "amount must be positive.".to_owned()),
        ] {
            let resp = fetch_with(addr, path, &[(RID, b"req_log_text")]);
            let body = check_stacked(&resp, 400, "invalid_request_error", "invalid_request");
            assert_eq!(body["message"], message, "{side} {path}");
            assert_eq!(body["request_id"], "req_log_text", "{side} {path}");
        }
        let resp = fetch_with(addr, "/v1/own-json-409", &[]);
        assert_eq!(resp.status, 409, "{resp:?}");
        assert_eq!(resp.body, br#"{"detail":"version 3 is newer"}"#, "{side}");
        // A panic: the client gets the standard 500, but `Logger` writes nothing for it on
        // either side. Inside, the panic unwinds through its future before any response
        // exists; outside, it gets the middleware's `Err` (there is no request left to
        // answer with). The README says so.
        let id = format!("req_log_{side}_panic");
        let resp = request(addr, "GET", "/v1/panic", &[(RID, id.as_bytes())], None);
        assert_eq!(resp.status, 500, "{resp:?}");
        let after = format!("req_log_{side}_after_panic");
        request(addr, "GET", "/v1/nope", &[(RID, after.as_bytes())], None);
        access_line(&after);
        assert!(
            !CAPTURED.0.lock().unwrap().iter().any(|l| l.contains(&id)),
            "{side}"
        );
        // No id sent: the generated one is what is logged; inside, as the request's header
        // (the middleware put it there), outside as the response's.
        let resp = fetch_with(addr, "/v1/customers/cus_x", &[]);
        let id = resp.header(RID).unwrap().to_owned();
        assert!(id.starts_with("req_"), "{id}");
        let line = match side {
            "inside" => access_line(&format!("in={id} ")),
            _ => access_line(&format!("in=- out={id} ")),
        };
        assert!(line.starts_with("access 404 "), "{line}");
    }
}

#[test]
fn normalize_path_either_side() {
    let inside = serve!(|app| app
        .wrap(NormalizePath::trim())
        .wrap(ApiErrorMiddleware::new()));
    let outside = serve!(|app| app
        .wrap(ApiErrorMiddleware::new())
        .wrap(NormalizePath::trim()));
    for addr in [inside, outside] {
        check_every_error(addr, &[]);
        let resp = fetch(addr, "/v1/customers/cus_x/");
        check_stacked(&resp, 404, "not_found_error", "resource_missing");
    }
}

/// An `ErrorHandlers` hook that tags 4xx/5xx responses and leaves their bodies alone.
fn tag<B: MessageBody>(mut res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    res.headers_mut().insert(
        HeaderName::from_static("x-error-seen"),
        HeaderValue::from_static("1"),
    );
    Ok(ErrorHandlerResponse::Response(res.map_into_left_body()))
}

/// An `ErrorHandlers` hook that replaces the body with plain text, as many apps do.
fn plain_text<B: MessageBody>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let (req, res) = res.into_parts();
    let res = HttpResponse::build(res.status())
        .content_type("text/plain")
        .body("something went wrong here");
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, res)
            .map_into_boxed_body()
            .map_into_right_body(),
    ))
}

/// The hook of actix-web's own `ErrorHandlers` docs ("modifying response body"): a new body
/// on the same head, whose extensions still carry the derived error's mark.
fn same_head_text<B: MessageBody>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let (req, res) = res.into_parts();
    let text = if res.status().is_server_error() {
        SECRET_CAUSE.to_owned()
    } else {
        long_replacement_text()
    };
    let res = res.set_body(text);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, res)
            .map_into_boxed_body()
            .map_into_right_body(),
    ))
}

/// A hook that sets text of the body's own length on the error's head (its mark kept): the
/// length cannot tell the two apart.
fn same_length_text<B: MessageBody>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let (req, res) = res.into_parts();
    let n = match res.body().size() {
        actix_web::body::BodySize::Sized(n) => n as usize,
        _ => 0,
    };
    let res = res.set_body("s".repeat(n));
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, res)
            .map_into_boxed_body()
            .map_into_right_body(),
    ))
}

/// A hook that sets a streamed text on the error's head (its extensions, and so the derived
/// error's mark, kept).
fn streamed_text<B: MessageBody>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let (req, mut res) = res.into_parts();
    // With headers about its own bytes, which must not describe the error sent instead.
    for (name, value) in STALE_HEADERS {
        res.headers_mut().insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    let chunks = [Ok::<_, actix_web::Error>(web::Bytes::from_static(
        b"Oops: internal tenant 42 lookup failed",
    ))];
    let res = res.set_body(actix_web::body::BodyStream::new(
        futures_util::stream::iter(chunks),
    ));
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, res)
            .map_into_boxed_body()
            .map_into_right_body(),
    ))
}

/// A derived 4xx whose body a hook inside replaced with a stream (which cannot be checked
/// without waiting): the error goes out as it was rendered, never the hook's text under its
/// JSON label.
#[test]
fn a_derived_4xx_streamed_over_inside_goes_out_as_rendered() {
    let addr = serve!(|app| app
        .wrap(ErrorHandlers::new().handler(StatusCode::NOT_FOUND, streamed_text))
        .wrap(ApiErrorMiddleware::new()));
    let resp = fetch_with(addr, "/v1/customers/cus_x", &[(RID, b"req_streamed_over")]);
    let body = check_stacked(&resp, 404, "not_found_error", "resource_missing");
    assert_eq!(body["message"], "No such customer: cus_x");
    assert_eq!(body["request_id"], "req_streamed_over");
    assert!(!resp.text().contains("tenant 42"), "{resp:?}");
    for (name, _) in STALE_HEADERS {
        assert_eq!(resp.header(name), None, "{name} describes the hook's body");
    }
}

/// Makes a 404 a 410, changing nothing else.
fn gone<B: MessageBody>(mut res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    *res.response_mut().status_mut() = StatusCode::GONE;
    Ok(ErrorHandlerResponse::Response(res.map_into_left_body()))
}

/// Makes a 404 a 410 with a JSON body of its own, as long as the one it replaces.
fn gone_with_own_body<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let (req, mut res) = res.into_parts();
    *res.status_mut() = StatusCode::GONE;
    let len = res.body().size();
    let actix_web::body::BodySize::Sized(len) = len else {
        unreachable!("a derived error's body is in memory")
    };
    let head = r#"{"gone":true,"pad":""#;
    let pad = "x".repeat(len as usize - head.len() - 2);
    let own = format!(r#"{head}{pad}"}}"#);
    let res = res.set_body(own).map_into_boxed_body();
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, res).map_into_right_body(),
    ))
}

/// Makes a 404 a 410 with text of its own, as long as the body it replaces.
fn gone_with_own_text<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let (req, mut res) = res.into_parts();
    *res.status_mut() = StatusCode::GONE;
    let actix_web::body::BodySize::Sized(len) = res.body().size() else {
        unreachable!("a derived error's body is in memory")
    };
    res.headers_mut().insert(
        actix_web::http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain"),
    );
    let res = res.set_body("G".repeat(len as usize)).map_into_boxed_body();
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, res).map_into_right_body(),
    ))
}

/// A hook inside that changes a derived 4xx's status: rendered again for it; one that also
/// sets a body of its own (of the very same length) keeps it if it is JSON, and has its
/// text as the message if it is text.
#[test]
fn a_derived_4xx_whose_status_a_hook_changed_is_rendered_for_it() {
    let addr = serve!(|app| app
        .wrap(ErrorHandlers::new().handler(StatusCode::NOT_FOUND, gone))
        .wrap(ApiErrorMiddleware::new()));
    check_a_derived_4xx_restated_inside(addr);
    let addr = serve!(|app| app
        .wrap(ErrorHandlers::new().handler(StatusCode::NOT_FOUND, gone))
        .wrap(Compress::default())
        .wrap(ApiErrorMiddleware::new()));
    check_a_derived_4xx_restated_behind_compression(addr);

    let addr = serve!(|app| app
        .wrap(ErrorHandlers::new().handler(StatusCode::NOT_FOUND, gone_with_own_body))
        .wrap(ApiErrorMiddleware::new()));
    let resp = fetch_with(addr, "/v1/customers/cus_x", &[(RID, b"req_own")]);
    assert_eq!(resp.status, 410, "{resp:?}");
    assert!(
        resp.text().starts_with(r#"{"gone":true,"pad":"xx"#),
        "{resp:?}"
    );

    let addr = serve!(|app| app
        .wrap(ErrorHandlers::new().handler(StatusCode::NOT_FOUND, gone_with_own_text))
        .wrap(ApiErrorMiddleware::new()));
    check_a_same_length_text_restated_inside(addr);
}

#[test]
fn error_handlers_either_side() {
    let outside = serve!(|app| app
        .wrap(ApiErrorMiddleware::new())
        .wrap(ErrorHandlers::new().default_handler(tag)));
    check_every_error(outside, &[]);
    let resp = fetch(outside, "/v1/customers/cus_x");
    assert_eq!(resp.header("x-error-seen"), Some("1"));

    let inside = serve!(|app| app
        .wrap(ErrorHandlers::new().default_handler(tag))
        .wrap(ApiErrorMiddleware::new()));
    check_every_error(inside, &[]);

    // A hook inside that rewrote a derived error's body as text: the middleware sends the
    // standard body again, with the hook's text as the 4xx message.
    let rewriting = serve!(|app| app
        .wrap(ErrorHandlers::new().handler(StatusCode::NOT_FOUND, plain_text))
        .wrap(ApiErrorMiddleware::new()));
    let resp = fetch(rewriting, "/v1/customers/cus_x");
    let body = check_stacked(&resp, 404, "not_found_error", "not_found");
    assert_eq!(body["message"], "something went wrong here.");

    // The same with the body set on the derived error's own head (its mark kept): the new
    // text is not taken for the derived body, and a 5xx's text never goes out.
    let same_head = serve!(|app| app
        .wrap(
            ErrorHandlers::new()
                .handler(StatusCode::NOT_FOUND, same_head_text)
                .handler(StatusCode::SERVICE_UNAVAILABLE, same_head_text)
        )
        .wrap(ApiErrorMiddleware::new()));
    check_body_replaced_on_the_errors_head(same_head);
    // The same with compression between the two: the 503's compressed text cannot be
    // measured, and is still never sent.
    let compressed = serve!(|app| app
        .wrap(ErrorHandlers::new().handler(StatusCode::SERVICE_UNAVAILABLE, same_head_text))
        .wrap(Compress::default())
        .wrap(ApiErrorMiddleware::new()));
    check_derived_503_as_rendered(compressed, &[GZIP]);
    // Text of the same length on a 5xx's head: sent from the copy of the body as rendered.
    let same_length = serve!(|app| app
        .wrap(ErrorHandlers::new().handler(StatusCode::SERVICE_UNAVAILABLE, same_length_text))
        .wrap(ApiErrorMiddleware::new()));
    check_derived_503_as_rendered(same_length, &[]);
    assert!(!fetch(same_length, "/v1/database").text().contains("sss"));
}

#[test]
fn condition_on_and_off() {
    let on = serve!(|app| app.wrap(Condition::new(true, ApiErrorMiddleware::new())));
    check_every_error(on, &[]);
    let off = serve!(|app| app.wrap(Condition::new(false, ApiErrorMiddleware::new())));
    // Off: derived errors still render (without a request id).
    let resp = fetch(off, "/v1/customers/cus_x");
    check_error(&resp, 404, "not_found_error", "resource_missing", None);
}

/// Set by the outer middleware before the call.
#[derive(Clone)]
struct Marker(&'static str);

/// A user middleware outside `ApiErrorMiddleware`, like a session or metrics middleware:
/// it reads the request (extensions, query, match pattern, app data) from every response.
async fn observer(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> actix_web::Result<ServiceResponse<impl MessageBody>> {
    req.extensions_mut().insert(Marker("outer"));
    let mut res = next.call(req).await?;
    let seen = {
        let r = res.request();
        format!(
            "marker={} query={} pattern={} id={} data={}",
            r.extensions().get::<Marker>().map_or("-", |m| m.0),
            r.query_string(),
            r.match_pattern().unwrap_or_default(),
            r.extensions().get::<RequestId>().is_some(),
            r.app_data::<web::Data<u32>>().map_or(0, |d| *d.get_ref()),
        )
    };
    res.headers_mut().insert(
        HeaderName::from_static("x-seen"),
        HeaderValue::from_str(&seen).unwrap(),
    );
    Ok(res)
}

#[test]
fn outer_middleware_sees_the_real_request() {
    let addr = serve!(|app| app
        .app_data(web::Data::new(7u32))
        .wrap(ApiErrorMiddleware::new())
        .wrap(from_fn(observer)));
    check_every_error(addr, &[]);
    let resp = fetch(addr, "/v1/customers/cus_x?expand=card");
    check_stacked(&resp, 404, "not_found_error", "resource_missing");
    assert_eq!(
        resp.header("x-seen"),
        Some("marker=outer query=expand=card pattern=/v1/customers/{id} id=true data=7")
    );
    let resp = request(
        addr,
        "POST",
        "/v1/charges?dry_run=1",
        &[("content-type", b"application/json")],
        Some(b"{not json"),
    );
    check_stacked(&resp, 400, "invalid_request_error", "invalid_json");
    assert_eq!(
        resp.header("x-seen"),
        Some("marker=outer query=dry_run=1 pattern=/v1/charges id=true data=7")
    );
    let resp = fetch(addr, "/v1/nope?x=1");
    check_stacked(&resp, 404, "not_found_error", "route_not_found");
    assert!(resp
        .header("x-seen")
        .unwrap()
        .starts_with("marker=outer query=x=1"));

    // After a panic the request died with the handler: the outer middleware gets an `Err`
    // whose response is the standard 500 (never a stand-in request), and the client gets it.
    let resp = fetch(addr, "/v1/panic?x=1");
    check_stacked(&resp, 500, "api_error", "internal_error");
    assert_eq!(resp.header("x-seen"), None);
}

/// An inner middleware that answers from its `call` (the usual actix pattern: a ready
/// future with `req.error_response(..)`) renders a derived error there, before any future
/// is polled: the request context is set for the call too, so the body's id is the header's
/// and the negotiated format holds.
#[test]
fn an_error_rendered_in_an_inner_call_has_the_requests_id() {
    use futures_util::future::{ready, Either};
    let addr = serve!(|app| app
        .wrap_fn(|req: ServiceRequest, srv| {
            use actix_web::dev::Service as _;
            if req.headers().contains_key("x-api-key") {
                Either::Left(srv.call(req))
            } else {
                let err = ShopError::RateLimited {
                    wait: std::time::Duration::from_secs(1),
                };
                Either::Right(ready(Ok(req.error_response(err))))
            }
        })
        .wrap(ApiErrorMiddleware::new()));
    check_inner_call_error(addr);
}

/// An inner middleware that fails with `Err` (no response): its error is answered in the
/// standard format with the request's id, a 4xx with its text, a 5xx without it.
#[test]
fn an_inner_middlewares_err_is_a_standard_error() {
    let addr = serve!(|app| app
        .wrap_fn(|req: ServiceRequest, srv| {
            use actix_web::dev::Service as _;
            use futures_util::future::{ready, Either};
            match req.path() {
                "/v1/customers/deny" => Either::Right(ready(Err(
                    actix_web::error::ErrorForbidden("token lacks the customers scope"),
                ))),
                "/v1/customers/broken" => Either::Right(ready(Err(
                    actix_web::error::ErrorInternalServerError(SECRET_CAUSE),
                ))),
                _ => Either::Left(srv.call(req)),
            }
        })
        .wrap(ApiErrorMiddleware::new()));
    let resp = fetch_with(addr, "/v1/customers/deny", &[(RID, b"client-id-8")]);
    let body = check_stacked(&resp, 403, "permission_error", "forbidden");
    assert_eq!(body["message"], "token lacks the customers scope.");
    assert_eq!(body["request_id"], "client-id-8");

    let resp = fetch(addr, "/v1/customers/broken");
    let body = check_stacked(&resp, 500, "api_error", "internal_error");
    assert_eq!(body["message"], "An internal error occurred.");
    assert!(!resp.text().contains("sk_live"), "{resp:?}");
}

/// A 4xx of an error type actix-web does not know says what its response says, not its
/// `Display` (meant for logs); an `InternalError`'s cause stays in the log too. With
/// compression inside the middleware as well (the error's response is asked for again).
#[test]
fn an_unknown_4xx_says_what_its_response_says() {
    for (addr, compressed) in [
        (serve!(|app| app.wrap(ApiErrorMiddleware::new())), false),
        (
            serve!(|app| app
                .wrap(Compress::default())
                .wrap(ApiErrorMiddleware::new())),
            true,
        ),
    ] {
        let gzip: &[(&str, &[u8])] = &[("accept-encoding", b"gzip")];
        let resp = fetch_with(addr, "/v1/authz", gzip);
        let body = check_stacked(&resp, 403, "permission_error", "forbidden");
        assert_eq!(body["message"], "Access denied.");
        assert!(!decoded(&resp).text().contains("secret_policy"));
        // `InternalError::from_response` gives its response out once: compressed inside,
        // its text cannot be read, and the status's own message stands in.
        let resp = fetch_with(addr, "/v1/conflict-ie", gzip);
        let body = check_stacked(&resp, 409, "conflict_error", "conflict");
        let expected = if compressed {
            "The request conflicts with the current state of the resource."
        } else {
            "version conflict."
        };
        assert_eq!(body["message"], expected);
        assert!(!decoded(&resp).text().contains("secret_ie"));
    }
}

/// Records the status of the `Err` it gets (by asking for its response), then passes it on.
async fn inspect_err(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    match next.call(req).await {
        Ok(res) => Ok(res),
        Err(e) => {
            assert!(e.error_response().status().as_u16() >= 400);
            Err(e)
        }
    }
}

/// Answers every 400 with 422 (a convention for bad JSON), changing only the status.
async fn bad_request_as_422(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    if res.status() == StatusCode::BAD_REQUEST {
        *res.response_mut().status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// An inner middleware that gives an extractor's error response another status: the status
/// it chose stands (the error is still described: its code and message), it is not put
/// back to the one the middleware gives that error.
#[test]
fn a_status_an_inner_middleware_chose_stands() {
    let addr = serve!(|app| app
        .wrap(from_fn(bad_request_as_422))
        .wrap(ApiErrorMiddleware::new()));
    let json = [("content-type", &b"application/json"[..])];
    let resp = request(addr, "POST", "/v1/charges", &json, Some(b"{not json"));
    let body = check_stacked(&resp, 422, "validation_error", "invalid_json");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Failed to parse the request body as JSON"),
        "{body}"
    );
    // Any 400: a missing content type, which actix-web answers with 400 (this middleware
    // says 415 when the status is actix-web's own), is now a 422 too.
    let resp = request(addr, "POST", "/v1/charges", &[], Some(b"{}"));
    check_stacked(&resp, 422, "validation_error", "unsupported_media_type");
}

/// After a panic or an inner middleware's `Err`, a middleware outside that looks at the
/// error's response (`e.error_response()`) does not use it up: the client still gets the
/// standard body with its id.
#[test]
fn an_outer_middleware_may_look_at_the_err() {
    let addr = serve!(|app| app
        .wrap_fn(|req: ServiceRequest, srv| {
            use actix_web::dev::Service as _;
            use futures_util::future::{ready, Either};
            if req.path() == "/v1/customers/deny" {
                Either::Right(ready(Err(actix_web::error::ErrorForbidden("no scope"))))
            } else {
                Either::Left(srv.call(req))
            }
        })
        .wrap(ApiErrorMiddleware::new())
        .wrap(from_fn(inspect_err)));
    let resp = fetch_with(addr, "/v1/panic", &[(RID, b"req_inspected")]);
    let body = check_stacked(&resp, 500, "api_error", "internal_error");
    assert_eq!(body["request_id"], "req_inspected");
    let resp = fetch(addr, "/v1/customers/deny");
    let body = check_stacked(&resp, 403, "permission_error", "forbidden");
    assert_eq!(body["message"], "no scope.");
}

/// HEAD gets the headers GET gets (RFC 9110 §9.3.2): actix-web leaves a HEAD's body out
/// after every middleware, so the middleware answers it as it answers GET.
#[test]
fn head_gets_the_get_headers() {
    let addr = serve!(|app| app.wrap(ApiErrorMiddleware::new()));
    for path in ["/v1/any/spawned", "/v1/any/empty-json"] {
        check_head_gets_the_get_headers(addr, path);
    }
}

/// A panic in the middleware's own work on a response (an error's `Display`, read to log
/// its cause) is answered as a handler's panic is: the standard 500, its text not sent,
/// and the connection still serves the next request.
#[test]
fn a_panic_while_describing_an_error_is_a_standard_500() {
    let addr = serve!(|app| app.wrap(ApiErrorMiddleware::new()));
    let resp = fetch_with(addr, "/v1/display-panics", &[(RID, b"req_display")]);
    let body = check_stacked(&resp, 500, "api_error", "internal_error");
    assert_eq!(body["request_id"], "req_display");
    assert!(!resp.text().contains(PANIC_TEXT));
    let resp = fetch(addr, "/v1/customers/cus_ok");
    assert_eq!(resp.status, 200);
}

/// An inner middleware that adds a field to every JSON error (a documentation link): the
/// new body is set on the derived error's head, still JSON, and goes on as the app's own
/// 4xx; a 5xx changed that way is the generic one (never as built).
async fn add_doc_url(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> actix_web::Result<ServiceResponse<impl MessageBody>> {
    let res = next.call(req).await?;
    if res.status().is_success() {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let bytes = actix_web::body::to_bytes(body).await.unwrap_or_default();
    let mut value: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    value["doc_url"] = DOC_URL.into();
    let res = head.set_body(value.to_string()).map_into_boxed_body();
    Ok(ServiceResponse::new(req, res))
}

#[test]
fn a_json_error_enriched_inside_stays_the_apps() {
    let addr = serve!(|app| app
        .wrap(from_fn(add_doc_url))
        .wrap(ApiErrorMiddleware::new()));
    check_json_error_enriched_inside(addr);
}

/// An `ErrorHandlers` hook that empties the body on the error's head.
fn emptied<B: MessageBody>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let (req, res) = res.into_parts();
    let res = res.set_body("");
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, res)
            .map_into_boxed_body()
            .map_into_right_body(),
    ))
}

/// A derived error whose body a middleware inside emptied is rendered again (its own
/// response, with the request's id), not sent empty and not quoted as a message.
#[test]
fn a_derived_error_emptied_inside_is_rendered_again() {
    let addr = serve!(|app| app
        .wrap(ErrorHandlers::new().handler(StatusCode::NOT_FOUND, emptied))
        .wrap(ApiErrorMiddleware::new()));
    let resp = fetch_with(addr, "/v1/customers/cus_x", &[(RID, b"req_emptied")]);
    let body = check_stacked(&resp, 404, "not_found_error", "resource_missing");
    assert_eq!(body["message"], "No such customer: cus_x");
    assert_eq!(body["request_id"], "req_emptied");
}

/// A batcher's leader answers for its followers: a derived error rendered while another
/// request is handled, then sent as this one's response, is rendered again with this
/// request's id and format, not the leader's.
#[test]
fn an_error_rendered_in_another_requests_context_gets_this_ones_id() {
    use std::cell::RefCell;
    thread_local! {
        // One worker per server: its leader and follower run on that thread.
        static SLOT: RefCell<Option<HttpResponse>> = const { RefCell::new(None) };
    }
    fn leader_and_follower(cfg: &mut web::ServiceConfig) {
        cfg.route(
            "/lead",
            web::get().to(|| async {
                let res = actix_web::ResponseError::error_response(&ShopError::CustomerNotFound {
                    id: "cus_1".into(),
                });
                SLOT.with(|slot| *slot.borrow_mut() = Some(res));
                "led"
            }),
        )
        .route(
            "/follow",
            web::get().to(|| async {
                loop {
                    if let Some(res) = SLOT.with(|slot| slot.borrow_mut().take()) {
                        return res;
                    }
                    actix_web::rt::time::sleep(std::time::Duration::from_millis(10)).await;
                }
            }),
        );
    }
    let plain = serve_actix_app!(App::new()
        .configure(leader_and_follower)
        .wrap(ApiErrorMiddleware::new()));
    // Also with `Compress` inside: rendered again from the mark's copy.
    let compressed = serve_actix_app!(App::new()
        .configure(leader_and_follower)
        .wrap(Compress::default())
        .wrap(ApiErrorMiddleware::new()));
    for addr in [plain, compressed] {
        check_an_error_answered_for_another_request(addr);
    }
}

/// A body is compressed if any `content-encoding` line names a coding: `identity` then
/// `gzip`, on two lines or in one list, is gzip, and its bytes are never the message.
#[test]
fn every_content_encoding_line_counts() {
    fn gzipped_400(lines: &'static [&'static str]) -> HttpResponse {
        let mut res = HttpResponse::BadRequest();
        for line in lines {
            res.append_header(("content-encoding", *line));
        }
        res.content_type("text/plain").body(gzipped_text())
    }
    let addr = serve_actix_app!(App::new()
        .route(
            "/two-lines",
            web::get().to(|| async { gzipped_400(&["identity", "gzip"]) })
        )
        .route(
            "/one-list",
            web::get().to(|| async { gzipped_400(&["identity, gzip"]) })
        )
        .wrap(ApiErrorMiddleware::new()));
    check_every_content_encoding_line_counts(addr);
}

/// Makes a 404 a 429 and a 503 a 409, changing only the status.
async fn restatus(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    let to = match res.status() {
        StatusCode::NOT_FOUND => StatusCode::TOO_MANY_REQUESTS,
        StatusCode::SERVICE_UNAVAILABLE => StatusCode::CONFLICT,
        other => other,
    };
    *res.response_mut().status_mut() = to;
    Ok(res)
}

/// A middleware inside that changes a derived error's status: its retry advice is the new
/// status's.
#[test]
fn retry_advice_follows_a_status_a_middleware_inside_changed() {
    let addr = serve!(|app| app.wrap(from_fn(restatus)).wrap(ApiErrorMiddleware::new()));
    check_retry_advice_follows_a_changed_status(addr, &[]);
    // The same with compression between the two (the error rendered again from its copy).
    let addr = serve!(|app| app
        .wrap(from_fn(restatus))
        .wrap(Compress::default())
        .wrap(ApiErrorMiddleware::new()));
    check_retry_advice_follows_a_changed_status(addr, &[GZIP]);
}

/// Sets text of its own on a derived 503's head, with headers that describe it.
fn dump<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let (req, mut res) = res.into_parts();
    for (name, value) in HOOK_MEANING_HEADERS {
        res.headers_mut().insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    let res = res.set_body(SECRET_CAUSE.to_owned()).map_into_boxed_body();
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, res).map_into_right_body(),
    ))
}

/// An `ErrorHandlers` hook inside that sets text of its own, with headers describing it, on
/// a derived 503's head: the hook's `content-disposition`, `content-language` and
/// `content-location` go.
#[test]
fn a_replaced_5xx_loses_the_hooks_headers() {
    let addr = serve!(|app| app
        .wrap(ErrorHandlers::new().handler(StatusCode::SERVICE_UNAVAILABLE, dump))
        .wrap(ApiErrorMiddleware::new()));
    check_a_replaced_5xx_loses_the_hooks_headers(addr);
}

/// A body that passes on another's chunks, then never ends (an upstream that stalls).
struct Stalling<B> {
    inner: std::pin::Pin<Box<B>>,
    done: bool,
}

impl<B: MessageBody> MessageBody for Stalling<B> {
    type Error = B::Error;
    fn size(&self) -> actix_web::body::BodySize {
        actix_web::body::BodySize::Stream
    }
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<web::Bytes, Self::Error>>> {
        if self.done {
            return std::task::Poll::Pending;
        }
        match self.inner.as_mut().poll_next(cx) {
            std::task::Poll::Ready(None) => {
                self.done = true;
                std::task::Poll::Pending
            }
            other => other,
        }
    }
}

/// Puts the body of `GET /v1/spawned-response` in a stream that never ends.
async fn stall_spawned(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let stall = req.path() == "/v1/spawned-response";
    let res = next.call(req).await?;
    Ok(res.map_body(|_, body| {
        let body = Stalling {
            inner: Box::pin(body),
            done: false,
        };
        if stall {
            actix_web::body::EitherBody::left(body)
        } else {
            actix_web::body::EitherBody::right(body.inner)
        }
    }))
}

/// A middleware inside that puts a derived error's body in a stream that stalls: the answer
/// never waits on it (here the response carries no error to render again from: the
/// handler returned the spawned task's response itself).
#[test]
fn a_stalled_body_on_a_derived_errors_head_is_never_waited_on() {
    let addr = serve!(|app| app
        .wrap(from_fn(stall_spawned))
        .wrap(ApiErrorMiddleware::new()));
    check_a_stalled_body_on_a_spawned_errors_head(addr, "/v1/spawned-response");
}

/// A route whose method matched but whose guard refused the request: actix-web answers 405
/// with an `Allow` that lists that very method, so the message does not say the method is
/// not allowed.
#[test]
fn a_405_from_a_route_guard_does_not_say_the_method_is_not_allowed() {
    let addr = serve!(|app| app.wrap(ApiErrorMiddleware::new()).service(
        web::resource("/v1/guarded").route(
            web::get()
                .guard(actix_web::guard::Header("x-api", "1"))
                .to(|| async { "ok" })
        )
    ));
    let resp = fetch(addr, "/v1/guarded");
    let body = check_stacked(&resp, 405, "invalid_request_error", "method_not_allowed");
    assert_eq!(resp.header("allow"), Some("GET"), "{resp:?}");
    assert_eq!(
        body["message"],
        "The route for GET /v1/guarded did not accept this request."
    );
    let resp = request(addr, "POST", "/v1/guarded", &[], None);
    let body = check_stacked(&resp, 405, "invalid_request_error", "method_not_allowed");
    assert_eq!(
        body["message"],
        "Method POST is not allowed for /v1/guarded."
    );
    let resp = fetch_with(addr, "/v1/guarded", &[("x-api", b"1")]);
    assert_eq!((resp.status, resp.text()), (200, "ok".to_owned()));
}

/// Makes `GET /v1/rate-limited` a 404, and `GET /v1/customers/cus_x?own=1` a 410 with
/// retry advice of its own.
async fn restatus_with_advice(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let (path, own) = (req.path().to_owned(), req.query_string() == "own=1");
    let mut res = next.call(req).await?;
    if path == "/v1/rate-limited" {
        *res.response_mut().status_mut() = StatusCode::NOT_FOUND;
    } else if own {
        *res.response_mut().status_mut() = StatusCode::GONE;
        res.headers_mut().insert(
            HeaderName::from_static("x-should-retry"),
            HeaderValue::from_static("true"),
        );
    }
    Ok(res)
}

/// A middleware inside that makes a derived 429 a 404: the retry headers rendered for the
/// 429 go; one that sets its own advice with the new status keeps it.
#[test]
fn a_restated_error_loses_the_retry_headers_rendered_for_its_old_status() {
    let addr = serve!(|app| app
        .wrap(from_fn(restatus_with_advice))
        .wrap(ApiErrorMiddleware::new())
        .route(
            "/v1/rate-limited",
            web::get().to(|| async {
                Err::<String, _>(ShopError::RateLimited {
                    wait: std::time::Duration::from_secs(30),
                })
            }),
        ));
    check_a_restated_errors_retry_headers(addr, "/v1/rate-limited");
}

/// Adds a field to the JSON of `GET /v1/spawned-response` and sends it as a stream.
async fn enrich_spawned(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let enrich = req.path() == "/v1/spawned-response";
    let res = next.call(req).await?;
    if !enrich {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let (res, body) = res.into_parts();
    let bytes = actix_web::body::to_bytes(body).await.ok().unwrap();
    let mut json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    json["doc_url"] = "https://docs.example.com/errors".into();
    let bytes = web::Bytes::from(serde_json::to_vec(&json).unwrap());
    let stream = futures_util::stream::once(async move { Ok::<_, actix_web::Error>(bytes) });
    let res = res.set_body(actix_web::body::BodyStream::new(stream));
    Ok(ServiceResponse::new(req, res).map_into_boxed_body())
}

/// A middleware inside that adds a field to an error rendered outside the request, and
/// sends it as a stream: rendered again with the request's id.
#[test]
fn an_enriched_error_rendered_outside_the_request_gets_its_id() {
    let addr = serve!(|app| app
        .wrap(from_fn(enrich_spawned))
        .wrap(ApiErrorMiddleware::new()));
    check_an_enriched_spawned_error_gets_the_requests_id(addr, "/v1/spawned-response");
}

/// A middleware inside that says the language of every response: a derived 5xx whose body
/// it left alone keeps it.
#[test]
fn a_derived_5xx_keeps_a_language_a_middleware_inside_gave_every_response() {
    let addr = serve!(|app| app
        .wrap(actix_web::middleware::DefaultHeaders::new().add(("content-language", "en")))
        .wrap(ApiErrorMiddleware::new()));
    let resp = fetch(addr, "/v1/database");
    check_stacked(&resp, 503, "api_error", "database_unavailable");
    assert_eq!(resp.header("content-language"), Some("en"), "{resp:?}");
}

/// Nested middleware (one on a scope, one on the app) with a middleware between them that
/// changes statuses: the outer one still knows the retry advice the inner one sent, so the
/// new status's advice replaces it.
#[test]
fn nested_middleware_restate_the_retry_advice_of_a_changed_status() {
    let addr = serve_actix_app!(App::new()
        .service(
            web::scope("/api")
                .wrap(ApiErrorMiddleware::new())
                .configure(routes)
        )
        .wrap(from_fn(restatus))
        .wrap(ApiErrorMiddleware::new()));
    let resp = fetch(addr, "/api/v1/database");
    check_stacked(&resp, 409, "api_error", "database_unavailable");
    let resp = fetch(addr, "/api/v1/customers/cus_x");
    check_stacked(&resp, 429, "not_found_error", "resource_missing");
}
