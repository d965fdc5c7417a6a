//! actix-web integration over real HTTP: derived and hand-written errors as `ResponseError`,
//! `ApiErrorMiddleware` (request ids, extractor errors, 404/405, panics), with and without it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod web_support;

use std::net::SocketAddr;
use std::time::Duration;

use actix_web::http::header::HeaderName;
use actix_web::http::StatusCode as ActixStatus;
use actix_web::web::{self, Bytes};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use api_error_core::actix::{ApiErrorMiddleware, RequestId};
use api_error_core::ApiError;
use web_support::*;

async fn customer(id: web::Path<String>) -> Result<HttpResponse, ShopError> {
    let id = id.into_inner();
    if id == "cus_ok" {
        Ok(HttpResponse::Ok().json(serde_json::json!({ "id": id })))
    } else {
        Err(ShopError::CustomerNotFound { id })
    }
}

async fn charge(c: web::Json<Charge>) -> Result<HttpResponse, ShopError> {
    if c.amount <= 0 {
        return Err(ShopError::InvalidAmount {
            field: "amount".into(),
        });
    }
    Ok(HttpResponse::Ok().json(serde_json::json!({ "amount": c.amount })))
}

async fn charge_form(c: web::Form<Charge>) -> String {
    format!("charged {}", c.amount)
}

async fn search(s: web::Query<Search>) -> String {
    format!("limit={}", s.limit)
}

async fn item(n: web::Path<u32>) -> String {
    format!("item {n}")
}

async fn stream() -> HttpResponse {
    let chunks = CHUNKS.map(|c| Ok::<_, std::io::Error>(Bytes::from_static(c.as_bytes())));
    HttpResponse::Ok().streaming(futures_util::stream::iter(chunks))
}

async fn whoami(id: RequestId, req: HttpRequest) -> String {
    // The same id is in the request's extensions.
    let ext = req.extensions().get::<RequestId>().cloned();
    assert_eq!(ext.as_ref(), Some(&id));
    id.to_string()
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/v1/customers/{id}", web::get().to(customer))
        .service(web::resource("/v1/charges").route(web::post().to(charge)))
        .route("/v1/charges-form", web::post().to(charge_form))
        .route("/v1/search", web::get().to(search))
        .route("/v1/items/{n}", web::get().to(item))
        .route(
            "/v1/conflict",
            web::get().to(|| async {
                Err::<HttpResponse, _>(ShopError::IdempotencyConflict { key: "k1".into() })
            }),
        )
        .route(
            "/v1/rate",
            web::get().to(|| async {
                Err::<HttpResponse, _>(ShopError::RateLimited {
                    wait: Duration::from_millis(1500),
                })
            }),
        )
        .route(
            "/v1/stalled-404",
            // An error body that sends a first chunk, then nothing, ever.
            web::get().to(|| async {
                use futures_util::StreamExt;
                let first = futures_util::stream::iter([Ok::<_, std::io::Error>(
                    Bytes::from_static(b"partial"),
                )]);
                HttpResponse::NotFound().streaming(first.chain(futures_util::stream::pending()))
            }),
        )
        .route(
            "/v1/stalled-sized-404",
            // The same with a length known up front, as a proxied upstream error's body.
            web::get().to(|| async {
                use futures_util::StreamExt;
                let first = futures_util::stream::iter([Ok::<_, std::io::Error>(
                    Bytes::from_static(b"partial"),
                )]);
                HttpResponse::NotFound()
                    .no_chunking(100)
                    .streaming(first.chain(futures_util::stream::pending()))
            }),
        )
        .route(
            "/v1/restatused",
            // A derived 404 the handler sends as a 500: the body no longer matches.
            web::get().to(|| async {
                let mut res = HttpResponse::from_error(ShopError::CustomerNotFound {
                    id: "cus_secret".into(),
                });
                *res.status_mut() = actix_web::http::StatusCode::INTERNAL_SERVER_ERROR;
                res
            }),
        )
        .route(
            "/v1/db",
            web::get().to(|| async {
                Err::<HttpResponse, _>(ShopError::Database(std::io::Error::other(SECRET)))
            }),
        )
        .route(
            "/v1/ledger",
            web::get().to(|| async { Err::<HttpResponse, _>(ShopError::Ledger) }),
        )
        .route(
            "/v1/teapot",
            web::get().to(|| async { Err::<HttpResponse, _>(Teapot) }),
        )
        .route(
            "/v1/boxed",
            web::get().to(|| async {
                let e: Box<dyn ApiError + Send + Sync> = Box::new(Teapot);
                Err::<HttpResponse, _>(e)
            }),
        )
        .route("/v1/panic", web::get().to(panics))
        .route(
            "/v1/panic-payload",
            web::get().to(panics_with_a_payload_that_panics),
        )
        .route("/v1/stream", web::get().to(stream))
        .route("/v1/whoami", web::get().to(whoami))
        .route(
            "/v1/id-lines",
            web::get().to(|req: HttpRequest| async move {
                let lines: Vec<&str> = req
                    .headers()
                    .get_all("x-request-id")
                    .filter_map(|v| v.to_str().ok())
                    .collect();
                lines.join(",")
            }),
        )
        .route(
            "/v1/maybe-id",
            web::get().to(|id: Option<RequestId>| async move { format!("{}", id.is_some()) }),
        )
        .route(
            "/v1/bare",
            web::get().to(|| async { HttpResponse::new(ActixStatus::FORBIDDEN) }),
        )
        .route(
            "/v1/quota-spent",
            web::get().to(|| async {
                HttpResponse::TooManyRequests()
                    .insert_header(("x-should-retry", "false"))
                    .finish()
            }),
        )
        .route(
            "/v1/retry-conflict",
            web::get().to(|| async {
                HttpResponse::Conflict()
                    .insert_header(("x-should-retry", "true"))
                    .body("try again")
            }),
        )
        .route(
            "/v1/plain",
            web::get().to(|| async {
                // With headers about its own bytes, which must not describe the new body.
                let mut response = HttpResponse::BadRequest();
                for header in STALE_HEADERS {
                    response.insert_header(header);
                }
                response.body("plain text problem")
            }),
        )
        .route(
            "/v1/own-json",
            web::get().to(|| async {
                HttpResponse::BadRequest().json(serde_json::json!({ "custom": 1 }))
            }),
        )
        .route(
            "/v1/gone",
            web::get().to(|| async { Err::<HttpResponse, _>(Gone) }),
        )
        .route(
            "/v1/gone-spawned",
            web::get().to(|| async {
                actix_web::rt::spawn(async { HttpResponse::from_error(Gone) })
                    .await
                    .unwrap_or_else(|_| HttpResponse::InternalServerError().finish())
            }),
        )
        .route(
            "/v1/spawned",
            web::get().to(|| async {
                // Rendered in another task: outside the request's context.
                actix_web::rt::spawn(async {
                    HttpResponse::from_error(ShopError::InvalidAmount {
                        field: "amount".into(),
                    })
                })
                .await
                .unwrap_or_else(|_| HttpResponse::InternalServerError().finish())
            }),
        )
        .route(
            "/v1/spawned-fields",
            web::get().to(|| async {
                actix_web::rt::spawn(async { HttpResponse::from_error(many_field_errors()) })
                    .await
                    .unwrap_or_else(|_| HttpResponse::InternalServerError().finish())
            }),
        )
        .route(
            "/v1/text-json",
            // Text labelled JSON, as `DefaultHeaders` with a JSON `content-type` does it.
            web::get().to(|| async {
                HttpResponse::BadRequest()
                    .content_type("application/json")
                    .body("amount must be positive")
            }),
        )
        .route(
            "/v1/array-json",
            web::get().to(|| async { HttpResponse::BadRequest().json(vec!["amount", "currency"]) }),
        )
        .route(
            "/v1/string-json",
            web::get()
                .to(|| async { HttpResponse::BadRequest().json("amount \"must\" be positive") }),
        )
        .route(
            "/v1/null-json",
            web::get().to(|| async { HttpResponse::NotFound().json(()) }),
        )
        .route(
            "/v1/late-json",
            // The app's JSON with its length known, whose second half is not there yet.
            web::get().to(|| async {
                use futures_util::StreamExt;
                let first = futures_util::stream::iter([Ok::<_, std::io::Error>(
                    Bytes::from_static(b"{\"cus"),
                )]);
                let second = futures_util::stream::once(async {
                    actix_web::rt::time::sleep(Duration::from_millis(20)).await;
                    Ok(Bytes::from_static(b"tom\":2}"))
                });
                HttpResponse::BadRequest()
                    .content_type("application/json")
                    .no_chunking(12)
                    .streaming(first.chain(second))
            }),
        )
        .route(
            "/v1/empty-json",
            web::get().to(|| async {
                HttpResponse::NotFound()
                    .content_type("application/json")
                    .finish()
            }),
        );
}

fn serve(mode: Mode) -> SocketAddr {
    let middleware = match mode {
        Mode::Layer => ApiErrorMiddleware::new(),
        Mode::Bare => return serve_actix(routes, None),
        Mode::CustomHeader => {
            ApiErrorMiddleware::new().request_id_header(HeaderName::from_static("request-id"))
        }
    };
    serve_actix(routes, Some(middleware))
}

const APP: TestApp = TestApp(serve);

web_support::web_tests!(APP);

/// actix-web's route patterns with a regex (`{n:\d+}`) or a parameter inside a segment
/// (`{version}.json`): a `web::Path` that fails names the parameter, not the pattern's text.
#[test]
fn rejection_path_names_the_parameter_of_any_pattern() {
    let addr = serve_actix_app!(actix_web::App::new()
        .route(
            r"/items/{n:\d+}",
            web::get().to(|n: web::Path<u32>| async move { format!("ok {n}") }),
        )
        .route(
            "/v/{version}.json",
            web::get().to(|v: web::Path<u32>| async move { format!("ok {v}") }),
        )
        .wrap(ApiErrorMiddleware::new()));
    // Digits the regex takes, too many for a `u32`.
    let resp = fetch(addr, "/items/99999999999");
    check_invalid_path(&resp, "n");
    let resp = fetch(addr, "/v/abc.json");
    check_invalid_path(&resp, "version");
}

/// A handler's own `ErrorNotFound(serde_error)` on a route without path parameters (an enum
/// read with `IntoDeserializer`) is the handler's 404, not a malformed path: only a route
/// with parameters gets actix-web's 404-wrapped serde error from `web::Path`.
#[test]
fn a_handlers_serde_404_without_path_parameters_is_its_own() {
    use serde::de::Error as _;
    let addr = serve_actix_app!(actix_web::App::new()
        .route(
            "/v1/plans",
            web::get().to(|| async {
                Err::<String, _>(actix_web::error::ErrorNotFound(
                    serde::de::value::Error::custom("no such plan"),
                ))
            }),
        )
        .wrap(ApiErrorMiddleware::new()));
    let resp = fetch(addr, "/v1/plans");
    let body = check_error(&resp, 404, "not_found_error", "not_found", Some(RID));
    assert_eq!(body["message"], "no such plan.");
}

/// A path parameter whose name is not ASCII (actix-web takes any regex group name): a
/// `web::Path` that fails is still a malformed path, and names it.
#[test]
fn rejection_path_names_a_parameter_that_is_not_ascii() {
    let addr = serve_actix_app!(actix_web::App::new()
        .route(
            "/items/{名}",
            web::get().to(|n: web::Path<u32>| async move { format!("ok {n}") }),
        )
        .wrap(ApiErrorMiddleware::new()));
    assert_eq!(fetch(addr, "/items/7").text(), "ok 7");
    let resp = fetch(addr, "/items/abc");
    check_invalid_path(&resp, "名");
}

/// A middleware inside that reads the path as a handler would (`req.extract::<web::Path<_>>()`
/// of a scope's `{org}`) and returns its error with `?`.
async fn org_guard(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let _org = req.extract::<web::Path<u32>>().await?;
    next.call(req).await
}

/// The same `web::Path` failure out of a middleware's `Err` (where no route is known) is a
/// malformed path too, as on the response path.
#[test]
fn a_path_error_out_of_a_middleware_is_a_malformed_path() {
    let addr = serve_actix_app!(actix_web::App::new()
        .service(
            web::scope("/orgs/{org}")
                .wrap(actix_web::middleware::from_fn(org_guard))
                .route("/plans", web::get().to(|| async { "plans" })),
        )
        .wrap(ApiErrorMiddleware::new()));
    assert_eq!(fetch(addr, "/orgs/7/plans").text(), "plans");
    let resp = fetch(addr, "/orgs/acme/plans");
    check_error(
        &resp,
        400,
        "invalid_request_error",
        "invalid_path",
        Some(RID),
    );
}

/// A form without a field: the message and `param` that `add_layer_responses` documents for
/// a form body (the same as axum's, which the aide tests compare with the document).
#[test]
fn rejection_form_missing_field_is_as_documented() {
    let form = [("content-type", &b"application/x-www-form-urlencoded"[..])];
    let resp = request(
        APP.with_layer(),
        "POST",
        "/v1/charges-form",
        &form,
        Some(b"currency=usd"),
    );
    let body = check_error(&resp, 422, "validation_error", "invalid_body", Some(RID));
    assert_eq!(
        body["message"],
        "Failed to deserialize form body: missing field `amount`."
    );
    assert_eq!(body["param"], "amount", "{body}");
}

#[test]
fn rejection_wrong_shape_json() {
    let body = checks::wrong_shape_json(APP);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("Failed to deserialize the JSON body into the target type: invalid type"));
}

/// A `no_integrations` type with its own `ResponseError` names the request's id through
/// `RequestId::current()`, as a derived error's body does.
#[test]
fn a_hand_written_response_error_names_the_request_id() {
    use actix_web::{web, HttpResponse, ResponseError};
    use api_error_core::{ApiError, RequestId};

    #[derive(Debug, thiserror::Error, ApiError)]
    #[error("Gone")]
    #[api_error(status = 410, no_integrations)]
    struct Gone;

    impl ResponseError for Gone {
        fn status_code(&self) -> actix_web::http::StatusCode {
            actix_web::http::StatusCode::GONE
        }
        fn error_response(&self) -> HttpResponse {
            let mut body = Vec::new();
            self.write_json(
                RequestId::current().as_ref().map(RequestId::as_str),
                &mut body,
            );
            HttpResponse::build(self.status_code())
                .content_type("application/json")
                .insert_header(("x-gone", "yes"))
                .body(body)
        }
    }

    fn routes(cfg: &mut web::ServiceConfig) {
        cfg.route(
            "/v1/gone",
            web::get().to(|| async { Err::<String, _>(Gone) }),
        );
    }
    let addr = serve_actix(routes, Some(ApiErrorMiddleware::new()));
    check_own_gone_names_the_request_id(addr);
}

/// The app's 4xx labelled JSON in `Logger`'s body type (`Logger` inside the middleware, as
/// actix-web's examples order them): text and a bare JSON string are the message, JSON goes
/// on as built, and so does one whose body is not all there yet (what was read, then the
/// rest).
#[test]
fn json_labelled_4xx_in_a_middlewares_body_type() {
    let addr = serve_actix_app!(actix_web::App::new()
        .configure(routes)
        .wrap(actix_web::middleware::Logger::default())
        .wrap(ApiErrorMiddleware::new()));
    let resp = fetch(addr, "/v1/late-json");
    assert_eq!(resp.status, 400);
    assert_eq!(resp.text(), r#"{"custom":2}"#);
    let resp = fetch(addr, "/v1/own-json");
    assert_eq!(resp.status, 400);
    assert_eq!(resp.text(), r#"{"custom":1}"#);
    for (path, message) in [
        ("/v1/text-json", "amount must be positive."),
        ("/v1/string-json", "amount \"must\" be positive."),
    ] {
        let resp = fetch(addr, path);
        let body = check_error(
            &resp,
            400,
            "invalid_request_error",
            "invalid_request",
            Some(RID),
        );
        assert_eq!(body["message"], message, "{path}");
    }
    let resp = fetch(addr, "/v1/null-json");
    check_error(&resp, 404, "not_found_error", "not_found", Some(RID));
}

/// A `String` body that is not UTF-8: the 400 `invalid_body` axum's `String` gets too.
#[test]
fn a_string_body_that_is_not_utf8_is_invalid_body() {
    let addr = serve_actix_app!(actix_web::App::new()
        .route("/v1/notes", web::post().to(|s: String| async move { s }))
        .wrap(ApiErrorMiddleware::new()));
    let text = ("content-type", &b"text/plain"[..]);
    let resp = request(addr, "POST", "/v1/notes", &[text], Some(b"caf\xe9"));
    let body = check_error(
        &resp,
        400,
        "invalid_request_error",
        "invalid_body",
        Some(RID),
    );
    assert_eq!(body["message"], "Can not decode body.");
    let resp = request(addr, "POST", "/v1/notes", &[text], Some("café".as_bytes()));
    assert_eq!(resp.text(), "café");
}

/// A JSON-labelled 4xx of known length whose body fails while the middleware reads it (in
/// `Logger`'s body type): the failure reaches actix-web as it would without the middleware
/// (the connection is cut short), never a complete response made of the parts read.
#[test]
fn a_json_labelled_4xx_body_that_fails_while_read_is_cut_short() {
    use actix_web::body::SizedStream;
    use futures_util::stream;
    let addr = serve_actix_app!(actix_web::App::new()
        .route(
            "/v1/failing",
            web::get().to(|| async {
                let chunks = stream::iter([
                    Ok(Bytes::from_static(b"amount must")),
                    Err(std::io::Error::other("upstream reset")),
                    Ok(Bytes::from_static(b" be positive")),
                ]);
                HttpResponse::BadRequest()
                    .content_type("application/json")
                    .body(SizedStream::new(23, chunks))
            }),
        )
        .wrap(actix_web::middleware::Logger::default())
        .wrap(ApiErrorMiddleware::new()));
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .write_all(b"GET /v1/failing HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let raw = String::from_utf8_lossy(&raw);
    assert!(!raw.contains("amount must be positive"), "{raw}");
    assert!(!raw.contains("invalid_request"), "{raw}");
}
