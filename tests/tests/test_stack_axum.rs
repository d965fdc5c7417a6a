//! The axum layer inside real middleware stacks, over real HTTP on 127.0.0.1: tower-http's
//! compression, timeouts, body limits, CORS, tracing and request-id layers, each inside and
//! outside `ApiErrorLayer`. Every error reaches the client as a valid standard body whose
//! `request_id` is the `x-request-id` header; success responses pass untouched.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod web_support;

use std::time::Duration;

use api_error_core::axum::{ApiErrorLayer, RequestId};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use tower_http::compression::CompressionLayer;
use tower_http::cors::CorsLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use web_support::*;

async fn customer(
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<String, ShopError> {
    if id == "cus_ok" {
        Ok(long_ok_body())
    } else {
        Err(ShopError::CustomerNotFound { id })
    }
}

async fn charge(Json(c): Json<Charge>) -> Result<String, ShopError> {
    Ok(format!("charged {}", c.amount))
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(5)).await;
    "too late"
}

async fn user_500_text() -> (StatusCode, &'static str) {
    (StatusCode::INTERNAL_SERVER_ERROR, SECRET_CAUSE)
}

async fn user_500_json() -> (StatusCode, Json<serde_json::Value>) {
    (
        StatusCode::BAD_GATEWAY,
        Json(serde_json::json!({ "error": SECRET_CAUSE })),
    )
}

/// The handler's view of the request id: the extractor and the header.
async fn whoami(id: RequestId, headers: HeaderMap) -> String {
    let header = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    format!("{id} {header}")
}

fn routes() -> Router {
    Router::new()
        .route("/v1/customers/{id}", get(customer))
        .route("/v1/charges", post(charge))
        .route("/v1/panic", get(panics))
        .route(
            "/v1/text-json",
            get(|| async {
                (
                    StatusCode::BAD_REQUEST,
                    [(http::header::CONTENT_TYPE, "application/json")],
                    TEXT_UNDER_JSON,
                )
            }),
        )
        .route("/v1/slow", get(slow))
        .route("/v1/user-500", get(user_500_text))
        .route("/v1/user-502-json", get(user_500_json))
        .route("/v1/whoami", get(whoami))
        .route("/v1/bare-404", get(|| async { StatusCode::NOT_FOUND }))
        .route(
            "/v1/quota-spent",
            get(|| async {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [("x-should-retry", "false")],
                    QUOTA_SPENT,
                )
            }),
        )
        .route(
            "/v1/many-fields",
            get(|| async { Err::<String, _>(many_field_errors()) }),
        )
        .route(
            "/v1/database",
            get(|| async {
                Err::<String, _>(ShopError::Database(std::io::Error::other(SECRET_CAUSE)))
            }),
        )
        .route(
            "/v1/spawned",
            get(|| async {
                // Rendered in another task: outside the request's context.
                tokio::spawn(async {
                    axum::response::IntoResponse::into_response(ShopError::CustomerNotFound {
                        id: "cus_spawned".into(),
                    })
                })
                .await
                .unwrap()
            }),
        )
}

/// The errors every stack must answer in the standard format (with the request `headers`);
/// `compresses_inside`: a compression layer sits inside `ApiErrorLayer`.
fn check_every_error(
    addr: std::net::SocketAddr,
    headers: &[(&str, &[u8])],
    compresses_inside: bool,
) {
    let resp = fetch_with(addr, "/v1/customers/cus_x", headers);
    let body = check_stacked(&resp, 404, "not_found_error", "resource_missing");
    // Its format follows `Accept`, beside whatever else (compression's `accept-encoding`).
    assert!(varies_on_accept(&resp), "{:?}", resp.headers);
    assert_eq!(body["message"], "No such customer: cus_x");

    let mut with_json = headers.to_vec();
    with_json.push(("content-type", b"application/json"));
    let resp = request(addr, "POST", "/v1/charges", &with_json, Some(b"{not json"));
    // axum's text names the mistake, unless an inner compression layer compressed it.
    let compressed = compresses_inside && headers.contains(&GZIP);
    let code = if compressed {
        "invalid_request"
    } else {
        "invalid_json"
    };
    check_stacked(&resp, 400, "invalid_request_error", code);

    let resp = fetch_with(addr, "/v1/nope", headers);
    assert!(varies_on_accept(&resp), "{:?}", resp.headers);
    check_stacked(&resp, 404, "not_found_error", "route_not_found");

    let resp = request(addr, "DELETE", "/v1/charges", headers, None);
    check_stacked(&resp, 405, "invalid_request_error", "method_not_allowed");

    let resp = fetch_with(addr, "/v1/panic", headers);
    let body = check_stacked(&resp, 500, "api_error", "internal_error");
    assert!(!decoded(&resp).text().contains(PANIC_TEXT));
    assert_eq!(body["message"], "An internal error occurred.");

    for (path, status, code) in [
        ("/v1/user-500", 500, "internal_error"),
        ("/v1/user-502-json", 502, "bad_gateway"),
    ] {
        let resp = fetch_with(addr, path, headers);
        check_stacked(&resp, status, "api_error", code);
        assert!(!decoded(&resp).text().contains("sk_live"), "{resp:?}");
    }

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
    let addr = serve_axum(routes().layer(ApiErrorLayer::new()));
    check_every_error(addr, &[], false);
    check_every_error(addr, &[GZIP], false);
}

#[test]
fn compression_inside_the_layer() {
    let addr = serve_axum(
        routes()
            .layer(CompressionLayer::new())
            .layer(ApiErrorLayer::new()),
    );
    check_every_error(addr, &[GZIP], true);
    check_every_error(addr, &[], true);

    // A derived error is compressed by the inner layer and passed on untouched: still gzip,
    // and the id inside is the header's.
    let resp = fetch_with(addr, "/v1/customers/cus_x", &[GZIP]);
    assert!(is_gzip(&resp), "{resp:?}");
    check_stacked(&resp, 404, "not_found_error", "resource_missing");

    // axum's plain-text rejection was compressed: it is replaced, never read as a message,
    // and the new body is not labelled gzip.
    let resp = request(
        addr,
        "POST",
        "/v1/charges",
        &[GZIP, ("content-type", b"application/json")],
        Some(b"{not json"),
    );
    let body = check_stacked(&resp, 400, "invalid_request_error", "invalid_request");
    assert!(!is_gzip(&resp), "{resp:?}");
    assert_eq!(body["message"], "The request was invalid.");

    check_spawned_error_rendered_again_behind_compression(addr);
    check_app_retry_advice_kept_behind_compression(addr);
}

/// A fallback's 404 with text of its own is "not found", not "no route", whether or not a
/// layer inside compressed it (then its text is not read): the code does not depend on the
/// client's `Accept-Encoding`.
#[test]
fn a_fallbacks_own_404_is_not_found_compressed_or_not() {
    let app = Router::new()
        .route("/v1/customers/{id}", get(customer))
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "This customer was archived and cannot be shown to you.",
            )
        });
    let addr = serve_axum(
        app.layer(CompressionLayer::new())
            .layer(ApiErrorLayer::new()),
    );
    for headers in [&[GZIP][..], &[]] {
        let resp = fetch_with(addr, "/v1/archived/cus_1", headers);
        let body = check_stacked(&resp, 404, "not_found_error", "not_found");
        if headers.is_empty() {
            assert_eq!(
                body["message"],
                "This customer was archived and cannot be shown to you."
            );
        }
    }
}

#[test]
fn compression_outside_the_layer() {
    let addr = serve_axum(
        routes()
            .layer(ApiErrorLayer::new())
            .layer(CompressionLayer::new()),
    );
    check_every_error(addr, &[GZIP], false);
    check_every_error(addr, &[], false);
    check_text_labelled_json_replaced_then_compressed(addr);
    let resp = request(
        addr,
        "POST",
        "/v1/charges",
        &[GZIP, ("content-type", b"application/json")],
        Some(b"{not json"),
    );
    assert!(is_gzip(&resp), "{resp:?}");
    let body = check_stacked(&resp, 400, "invalid_request_error", "invalid_json");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("Failed to parse the request body as JSON"));
    // Rendered outside the request, rendered again with its id, then compressed.
    let resp = fetch_with(addr, "/v1/spawned", &[GZIP, (RID, b"req_spawned_gz")]);
    assert!(is_gzip(&resp), "{resp:?}");
    let body = check_stacked(&resp, 404, "not_found_error", "resource_missing");
    assert_eq!(body["request_id"], "req_spawned_gz");
}

#[test]
fn timeout_inside_the_layer_is_a_retryable_408() {
    let addr = serve_axum(
        routes()
            .layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                Duration::from_millis(100),
            ))
            .layer(ApiErrorLayer::new()),
    );
    let resp = fetch(addr, "/v1/slow");
    let body = check_stacked(&resp, 408, "invalid_request_error", "request_timeout");
    assert_eq!(resp.header("x-should-retry"), Some("true"));
    assert_eq!(body["message"], "The request timed out.");
    check_every_error(addr, &[GZIP], false);
}

/// A `TimeoutLayer` or `RequestBodyLimitLayer` outside the layer answers on its own (a bare
/// 408, a text 413) where the layer cannot see it; a second `ApiErrorLayer` outside them
/// makes those standard too, with the one request id (the inner layer takes the outer's).
#[test]
fn timeout_and_body_limit_outside_take_a_second_layer_around_them() {
    let addr = serve_axum(
        routes()
            .layer(ApiErrorLayer::new())
            .layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                Duration::from_millis(100),
            ))
            .layer(RequestBodyLimitLayer::new(1024))
            .layer(ApiErrorLayer::new()),
    );
    let resp = fetch_with(addr, "/v1/slow", &[(RID, b"req_outer_timeout")]);
    let body = check_stacked(&resp, 408, "invalid_request_error", "request_timeout");
    assert_eq!(body["request_id"], "req_outer_timeout");
    assert_eq!(resp.header("x-should-retry"), Some("true"));
    check_over_the_body_limit(addr);
    check_every_error(addr, &[GZIP], false);
}

/// A 4 KiB JSON body (with its `content-length`) past a 1 KiB `RequestBodyLimitLayer`: the
/// standard 413.
fn check_over_the_body_limit(addr: std::net::SocketAddr) {
    let big = format!("{{\"amount\":1,\"pad\":\"{}\"}}", "x".repeat(4096));
    let resp = request(
        addr,
        "POST",
        "/v1/charges",
        &[("content-type", b"application/json")],
        Some(big.as_bytes()),
    );
    check_stacked(&resp, 413, "invalid_request_error", "payload_too_large");
}

#[test]
fn body_limit_inside_the_layer_is_a_413() {
    let addr = serve_axum(
        routes()
            .layer(RequestBodyLimitLayer::new(1024))
            .layer(ApiErrorLayer::new()),
    );
    check_over_the_body_limit(addr);
    check_every_error(addr, &[], false);
}

#[test]
fn cors_preflight_is_untouched_and_errors_keep_cors_headers() {
    for inside in [true, false] {
        let app = if inside {
            routes()
                .layer(CorsLayer::permissive())
                .layer(ApiErrorLayer::new())
        } else {
            routes()
                .layer(ApiErrorLayer::new())
                .layer(CorsLayer::permissive())
        };
        let addr = serve_axum(app);
        let resp = request(
            addr,
            "OPTIONS",
            "/v1/customers/cus_x",
            &[
                ("origin", b"https://shop.example"),
                ("access-control-request-method", b"GET"),
            ],
            None,
        );
        assert_eq!(resp.status, 200, "{resp:?}");
        assert!(resp.body.is_empty(), "{resp:?}");
        assert!(resp.header("access-control-allow-origin").is_some());

        let resp = fetch_with(
            addr,
            "/v1/customers/cus_x",
            &[("origin", b"https://shop.example")],
        );
        check_stacked(&resp, 404, "not_found_error", "resource_missing");
        assert_eq!(resp.header("access-control-allow-origin"), Some("*"));
        check_every_error(addr, &[], false);
    }
}

#[test]
fn trace_layer_either_side() {
    let inside = serve_axum(
        routes()
            .layer(TraceLayer::new_for_http())
            .layer(ApiErrorLayer::new()),
    );
    check_every_error(inside, &[], false);
    let outside = serve_axum(
        routes()
            .layer(ApiErrorLayer::new())
            .layer(TraceLayer::new_for_http()),
    );
    check_every_error(outside, &[], false);
}

#[test]
fn tower_http_request_id_outside_is_the_bodys_id() {
    let addr = serve_axum(
        routes()
            .layer(ApiErrorLayer::new())
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid)),
    );
    let resp = fetch(addr, "/v1/customers/cus_x");
    let body = check_stacked(&resp, 404, "not_found_error", "resource_missing");
    let id = body["request_id"].as_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID from SetRequestIdLayer: {id}");
    assert!(!is_generated(id));
    let seen = fetch(addr, "/v1/whoami").text();
    let (extracted, header) = seen.split_once(' ').unwrap();
    assert_eq!(extracted, header);
    assert_eq!(extracted.len(), 36);
}

#[test]
fn tower_http_request_id_inside_sees_the_layers_id() {
    let addr = serve_axum(
        routes()
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(ApiErrorLayer::new()),
    );
    let resp = fetch(addr, "/v1/whoami");
    let (extracted, header) = resp
        .text()
        .split_once(' ')
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .unwrap();
    assert!(is_generated(&extracted), "{extracted}");
    assert_eq!(extracted, header, "one id for the whole stack");
    assert_eq!(resp.header(RID), Some(extracted.as_str()));
    check_every_error(addr, &[], false);
}

#[test]
fn a_full_production_stack() {
    let addr = serve_axum(
        routes()
            .layer(CompressionLayer::new())
            .layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                Duration::from_secs(2),
            ))
            .layer(ApiErrorLayer::new())
            .layer(TraceLayer::new_for_http())
            .layer(CorsLayer::permissive())
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid)),
    );
    check_every_error(addr, &[GZIP], true);
    let resp = fetch_with(addr, "/v1/customers/cus_x", &[GZIP, (RID, b"client-id-1")]);
    let body = check_stacked(&resp, 404, "not_found_error", "resource_missing");
    assert_eq!(body["request_id"], "client-id-1");
}

/// An inner middleware that answers without reaching the handler (tower-http's header
/// validation) renders a derived error with the request's id and the negotiated format.
#[test]
#[allow(clippy::result_large_err)] // tower-http's validator returns a whole response
fn an_inner_middlewares_derived_error_has_the_requests_id() {
    use axum::response::IntoResponse;
    use tower_http::validate_request::ValidateRequestHeaderLayer;
    let addr = serve_axum(
        routes()
            .layer(ValidateRequestHeaderLayer::custom(
                |req: &mut axum::extract::Request| {
                    if req.headers().contains_key("x-api-key") {
                        Ok(())
                    } else {
                        Err(ShopError::RateLimited {
                            wait: Duration::from_secs(1),
                        }
                        .into_response())
                    }
                },
            ))
            .layer(ApiErrorLayer::new()),
    );
    check_inner_call_error(addr);
}

/// A router mounted as a service (`nest_service`): axum empties a HEAD response's body
/// inside the layer there. An app's own JSON 4xx is still left alone on HEAD, so HEAD
/// announces the length GET sends (RFC 9110 §8.6).
#[test]
fn head_of_an_apps_json_4xx_under_nest_service_is_left_alone() {
    let inner = Router::new().route(
        "/own",
        get(|| async {
            (
                StatusCode::BAD_REQUEST,
                Json(serde_json::json!({ "custom": 1 })),
            )
        }),
    );
    let addr = serve_axum(
        Router::new()
            .nest_service("/api", inner)
            .layer(ApiErrorLayer::new()),
    );
    let get = fetch(addr, "/api/own");
    assert_eq!(get.text(), r#"{"custom":1}"#);
    let head = request(addr, "HEAD", "/api/own", &[], None);
    assert_eq!(head.status, 400);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-length"), Some("12"), "{head:?}");
    assert!(head.header(RID).is_some());
}

/// HEAD gets the headers GET gets for an error rendered outside the request: rendered
/// again with the request's id and format, whatever the method (RFC 9110 §9.3.2).
#[test]
fn head_of_an_error_rendered_outside_the_request_gets_the_get_headers() {
    let addr = serve_axum(routes().layer(ApiErrorLayer::new()));
    check_head_gets_the_get_headers(addr, "/v1/spawned");
}

/// The same with the layer around the whole router, where axum empties a HEAD's body
/// before the layer sees it: the HEAD still says `Vary: accept`, as the GET does (its
/// length is left out rather than wrong).
#[test]
fn head_of_an_error_rendered_outside_the_request_varies_on_accept_around_the_router() {
    use tower::Layer as _;
    let addr = serve_axum_service(ApiErrorLayer::new().layer(routes().with_state(())));
    let get = request(addr, "GET", "/v1/spawned", &[(RID, b"req_head_vary")], None);
    let head = request(
        addr,
        "HEAD",
        "/v1/spawned",
        &[(RID, b"req_head_vary")],
        None,
    );
    assert_eq!((get.status, head.status), (404, 404));
    assert!(varies_on_accept(&get), "{get:?}");
    assert!(varies_on_accept(&head), "{head:?}");
    assert_eq!(head.header(RID), Some("req_head_vary"));
}

/// A layer inside that sets another body on an error's head (its extensions, and so the
/// derived error's mark, kept): the new body is not taken for the derived one, and a 5xx's
/// text never goes out.
#[test]
fn a_body_replaced_on_the_errors_head_inside_is_not_taken_for_it() {
    use axum::body::Body;
    use axum::response::Response;
    async fn same_head_text(res: Response) -> Response {
        let status = res.status();
        if !status.is_client_error() && !status.is_server_error() {
            return res;
        }
        let (parts, _) = res.into_parts();
        let text = if status.is_server_error() {
            SECRET_CAUSE.to_owned()
        } else {
            long_replacement_text()
        };
        Response::from_parts(parts, Body::from(text))
    }
    let addr = serve_axum(
        routes()
            .layer(axum::middleware::map_response(same_head_text))
            .layer(ApiErrorLayer::new()),
    );
    check_body_replaced_on_the_errors_head(addr);
    // The same with compression between the two: the 503's compressed text cannot be
    // measured, and is still never sent.
    let addr = serve_axum(
        routes()
            .layer(axum::middleware::map_response(same_head_text))
            .layer(CompressionLayer::new())
            .layer(ApiErrorLayer::new()),
    );
    check_derived_503_as_rendered(addr, &[GZIP]);
    // Untouched, the derived error goes out as rendered.
    let addr = serve_axum(routes().layer(ApiErrorLayer::new()));
    let resp = fetch(addr, "/v1/customers/cus_x");
    check_stacked(&resp, 404, "not_found_error", "resource_missing");
}

/// Where no router ran before the layer (the layer around a whole `Router`) it cannot tell
/// the router's fallback from a handler's bare 404: both are a plain `not_found`, never an
/// "unrecognized URL" for a route that exists. Put on the router (`Router::layer`), it tells
/// them apart.
#[test]
fn a_layer_around_a_whole_router_never_calls_a_handlers_404_an_unmatched_route() {
    let around = serve_axum_service(tower::Layer::layer(&ApiErrorLayer::new(), routes()));
    let on = serve_axum(routes().layer(ApiErrorLayer::new()));
    for (addr, unmatched) in [(around, "not_found"), (on, "route_not_found")] {
        let resp = fetch(addr, "/v1/bare-404");
        let body = check_stacked(&resp, 404, "not_found_error", "not_found");
        assert_eq!(body["message"], "The requested resource was not found.");
        let resp = fetch(addr, "/v1/nope");
        check_stacked(&resp, 404, "not_found_error", unmatched);
        // Everything else is the same.
        check_stacked(
            &fetch(addr, "/v1/customers/cus_x"),
            404,
            "not_found_error",
            "resource_missing",
        );
        let resp = request(addr, "DELETE", "/v1/charges", &[], None);
        check_stacked(&resp, 405, "invalid_request_error", "method_not_allowed");
    }
}

/// Under `nest`, an unmatched path is named as the client sent it, prefix included. Under
/// `nest_service`, whether the mounted router has the layer on it or around it (the layer
/// cannot tell which), an unmatched path and a handler's bare 404 are both a plain
/// `not_found`: never "unrecognized URL" for a route that exists.
#[test]
fn nested_routers_never_call_a_handlers_404_an_unmatched_route() {
    let nested = serve_axum(
        Router::new()
            .nest("/api", routes().layer(ApiErrorLayer::new()))
            .layer(ApiErrorLayer::new()),
    );
    let resp = fetch(nested, "/api/v1/nope");
    let body = check_stacked(&resp, 404, "not_found_error", "route_not_found");
    assert_eq!(
        body["message"],
        "Unrecognized request URL (GET: /api/v1/nope)."
    );
    let on = serve_axum(
        Router::new()
            .nest_service("/api", routes().layer(ApiErrorLayer::new()))
            .layer(ApiErrorLayer::new()),
    );
    let around = serve_axum(
        Router::new()
            .nest_service("/api", tower::Layer::layer(&ApiErrorLayer::new(), routes()))
            .layer(ApiErrorLayer::new()),
    );
    for addr in [on, around] {
        let resp = fetch(addr, "/api/v1/nope");
        check_stacked(&resp, 404, "not_found_error", "not_found");
    }
    for addr in [nested, on, around] {
        let resp = fetch(addr, "/api/v1/bare-404");
        check_stacked(&resp, 404, "not_found_error", "not_found");
        let resp = fetch(addr, "/api/v1/customers/cus_x");
        check_stacked(&resp, 404, "not_found_error", "resource_missing");
    }
}

/// A 405 names the path as the client sent it, prefix included, wherever the layer sits: on
/// a router that `nest` or `nest_service` mounts (inside the prefix's removal), on the outer
/// router, around it, and with a middleware outside that puts its own extension in the
/// request (the layer reads the client's path from the `OriginalUri` axum's router puts in).
#[test]
fn a_405_names_the_clients_path_wherever_the_layer_sits() {
    async fn tag(
        mut req: axum::extract::Request,
        next: axum::middleware::Next,
    ) -> axum::response::Response {
        req.extensions_mut().insert(Duration::from_secs(1));
        next.run(req).await
    }
    let apps = [
        (
            "plain",
            Router::new().merge(routes()).layer(ApiErrorLayer::new()),
        ),
        (
            "nest, layer inside",
            Router::new().nest("/api", routes().layer(ApiErrorLayer::new())),
        ),
        (
            "nest, layer outside",
            Router::new()
                .nest("/api", routes())
                .layer(ApiErrorLayer::new()),
        ),
        (
            "nest_service, layer inside",
            Router::new().nest_service("/api", routes().layer(ApiErrorLayer::new())),
        ),
        (
            "nest, layer inside, an extension from outside",
            Router::new()
                .nest("/api", routes().layer(ApiErrorLayer::new()))
                .layer(axum::middleware::from_fn(tag)),
        ),
        (
            "plain, an extension from outside",
            routes()
                .layer(ApiErrorLayer::new())
                .layer(axum::middleware::from_fn(tag)),
        ),
    ];
    for (name, app) in apps {
        let prefix = if name.starts_with("plain") {
            ""
        } else {
            "/api"
        };
        let addr = serve_axum(app);
        // A route without parameters and one with.
        for route in ["/v1/charges", "/v1/customers/cus_1"] {
            let path = format!("{prefix}{route}");
            let resp = request(addr, "DELETE", &path, &[], None);
            let body = check_stacked(&resp, 405, "invalid_request_error", "method_not_allowed");
            assert_eq!(
                body["message"],
                format!("Method DELETE is not allowed for {path}."),
                "{name}"
            );
        }
    }
    // Around a whole router, nothing was routed before the layer: the request's own path.
    let around = serve_axum_service(tower::Layer::layer(
        &ApiErrorLayer::new(),
        Router::new().nest("/api", routes()),
    ));
    let resp = request(around, "DELETE", "/api/v1/charges", &[], None);
    let body = check_stacked(&resp, 405, "invalid_request_error", "method_not_allowed");
    assert_eq!(
        body["message"],
        "Method DELETE is not allowed for /api/v1/charges."
    );
}

/// A 404 and a 405 name the whole path, short or long, and a path longer than a message
/// names (200 characters) only up to that bound.
#[test]
fn a_404_and_a_405_name_short_and_long_paths_whole() {
    let addr = serve_axum(routes().layer(ApiErrorLayer::new()));
    for len in [15, 61, 62, 63, 64, 150, 200] {
        // A route that only answers GET: `/v1/customers/` and an id.
        let path = format!("/v1/customers/{}", "c".repeat(len - "/v1/customers/".len()));
        let resp = request(addr, "DELETE", &path, &[], None);
        let body = check_stacked(&resp, 405, "invalid_request_error", "method_not_allowed");
        assert_eq!(
            body["message"],
            format!("Method DELETE is not allowed for {path}.")
        );
    }
    for len in [1, 2, 61, 62, 63, 64, 150, 200] {
        // No route: `/`, `/x` and more of them.
        let path = format!("/{}", "x".repeat(len - 1));
        let resp = request(addr, "GET", &path, &[], None);
        let body = check_stacked(&resp, 404, "not_found_error", "route_not_found");
        assert_eq!(
            body["message"],
            format!("Unrecognized request URL (GET: {path}).")
        );
    }
    let long = format!("/{}", "x".repeat(240));
    let resp = request(addr, "GET", &long, &[], None);
    let body = check_stacked(&resp, 404, "not_found_error", "route_not_found");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(&format!("Unrecognized request URL (GET: {}", &long[..200])),
        "{message}"
    );
    assert!(!message.contains(&long[..201]), "{message}");
}

/// A 405 names the client's path when something other than `nest` changed the request's:
/// a rewrite around the router that keeps the client's URI in `OriginalUri` (axum's router
/// keeps one it finds), a service mounted with `route_service` that takes a prefix off
/// itself, and a middleware between the router and the layer. (Found by a review: counting
/// the request's extensions instead of reading its `OriginalUri` named the rewritten path.)
#[test]
fn a_405_names_the_clients_path_after_a_rewrite() {
    fn rewrite(mut req: axum::extract::Request) -> axum::extract::Request {
        let original = req.uri().clone();
        req.extensions_mut()
            .insert(axum::extract::OriginalUri(original.clone()));
        if let Some(rest) = original.path().strip_prefix("/legacy") {
            if let Ok(uri) = rest.parse() {
                *req.uri_mut() = uri;
            }
        }
        req
    }
    fn strip(mut req: axum::extract::Request) -> axum::extract::Request {
        if let Some(Ok(uri)) = req.uri().path().strip_prefix("/v2").map(str::parse) {
            *req.uri_mut() = uri;
        }
        req
    }
    let around = serve_axum_service(tower::Layer::layer(
        &tower::util::MapRequestLayer::new(rewrite),
        routes().layer(ApiErrorLayer::new()),
    ));
    let inner = tower::util::MapRequest::new(routes().layer(ApiErrorLayer::new()), strip);
    let route_service = serve_axum(Router::new().route_service("/v2/{*rest}", inner));
    let between = serve_axum(routes().layer(ApiErrorLayer::new()).layer(
        axum::middleware::map_request(|mut req: axum::extract::Request| async move {
            *req.uri_mut() = http::Uri::from_static("/redacted");
            req
        }),
    ));
    for (addr, path) in [
        (around, "/legacy/v1/charges"),
        (route_service, "/v2/v1/charges"),
        (between, "/v1/charges"),
    ] {
        let resp = request(addr, "DELETE", path, &[], None);
        let body = check_stacked(&resp, 405, "invalid_request_error", "method_not_allowed");
        assert_eq!(
            body["message"],
            format!("Method DELETE is not allowed for {path}.")
        );
    }
}

/// A HEAD whose 4xx text a router mounted with `nest_service` emptied inside the layer: the
/// length GET gets is not known, so none is announced, never a wrong one (RFC 9110 §8.6).
#[test]
fn a_head_whose_text_was_emptied_inside_announces_no_wrong_length() {
    let inner = Router::new()
        .route(
            "/items/{n}",
            get(|axum::extract::Path(n): axum::extract::Path<u32>| async move { n.to_string() }),
        )
        .route(
            "/plain",
            get(|| async { (StatusCode::BAD_REQUEST, "plain text problem") }),
        );
    let addr = serve_axum(
        Router::new()
            .nest_service("/api", inner)
            .layer(ApiErrorLayer::new()),
    );
    for path in ["/api/items/abc", "/api/plain"] {
        let get = request(addr, "GET", path, &[(RID, b"req_head")], None);
        let head = request(addr, "HEAD", path, &[(RID, b"req_head")], None);
        assert_eq!(get.status, 400, "{path}");
        assert_eq!(head.status, 400, "{path}");
        assert!(head.body.is_empty());
        assert_ne!(
            head.header("transfer-encoding"),
            Some("chunked"),
            "{head:?}"
        );
        if let Some(len) = head.header("content-length") {
            assert_eq!(len, get.body.len().to_string(), "{path}: {head:?}");
        }
        for name in ["content-type", "x-should-retry", "vary", RID] {
            assert_eq!(head.header(name), get.header(name), "{path} {name}");
        }
    }
}

/// A layer inside that changes a derived 4xx's status: rendered again for it.
#[test]
fn a_derived_4xx_whose_status_a_layer_changed_is_rendered_for_it() {
    async fn gone(mut res: axum::response::Response) -> axum::response::Response {
        if res.status() == StatusCode::NOT_FOUND {
            *res.status_mut() = StatusCode::GONE;
        }
        res
    }
    let addr = serve_axum(
        routes()
            .layer(axum::middleware::map_response(gone))
            .layer(ApiErrorLayer::new()),
    );
    check_a_derived_4xx_restated_inside(addr);
    let addr = serve_axum(
        routes()
            .layer(axum::middleware::map_response(gone))
            .layer(CompressionLayer::new())
            .layer(ApiErrorLayer::new()),
    );
    check_a_derived_4xx_restated_behind_compression(addr);

    // The same with text of its own, exactly as long as the rendered body.
    async fn gone_with_text(res: axum::response::Response) -> axum::response::Response {
        if res.status() != StatusCode::NOT_FOUND {
            return res;
        }
        let (mut parts, body) = res.into_parts();
        let len = axum::body::to_bytes(body, 1 << 20).await.unwrap().len();
        parts.status = StatusCode::GONE;
        parts.headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/plain"),
        );
        axum::response::Response::from_parts(parts, axum::body::Body::from("G".repeat(len)))
    }
    let addr = serve_axum(
        routes()
            .layer(axum::middleware::map_response(gone_with_text))
            .layer(ApiErrorLayer::new()),
    );
    check_a_same_length_text_restated_inside(addr);

    // The same with a body of the rendered length that fails on its first frame: not the
    // body rendered (which never fails), so answered as a bare 410 is, whole (not an empty
    // response), with the request's id.
    struct Failing(u64);
    impl http_body::Body for Failing {
        type Data = axum::body::Bytes;
        type Error = std::io::Error;
        fn poll_frame(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
            std::task::Poll::Ready(Some(Err(std::io::Error::other("upstream reset"))))
        }
        fn size_hint(&self) -> http_body::SizeHint {
            http_body::SizeHint::with_exact(self.0)
        }
    }
    async fn gone_failing(res: axum::response::Response) -> axum::response::Response {
        if res.status() != StatusCode::NOT_FOUND {
            return res;
        }
        let (mut parts, body) = res.into_parts();
        let len = axum::body::to_bytes(body, 1 << 20).await.unwrap().len();
        parts.status = StatusCode::GONE;
        axum::response::Response::from_parts(parts, axum::body::Body::new(Failing(len as u64)))
    }
    let addr = serve_axum(
        routes()
            .layer(axum::middleware::map_response(gone_failing))
            .layer(ApiErrorLayer::new()),
    );
    let resp = fetch_with(addr, "/v1/customers/cus_x", &[(RID, b"req_failing")]);
    assert_eq!(resp.status, 410, "{resp:?}");
    assert_eq!(
        resp.header("content-length").and_then(|n| n.parse().ok()),
        Some(resp.body.len())
    );
    let body = resp.json();
    assert_eq!(body["request_id"], "req_failing", "{resp:?}");
    assert_eq!(
        body["message"], "The request could not be completed.",
        "{resp:?}"
    );
    assert_eq!(body["code"], "invalid_request", "{resp:?}");
}

/// An inner layer that adds a field to every JSON error (a documentation link): the new
/// body is set on the derived error's head, still JSON, and goes on as the app's own 4xx;
/// a 5xx changed that way is the generic one (never as built).
#[test]
fn a_json_error_enriched_inside_stays_the_apps() {
    use axum::body::Body;
    use axum::response::Response;
    async fn add_doc_url(res: Response) -> Response {
        if res.status().is_success() {
            return res;
        }
        let (parts, body) = res.into_parts();
        let bytes = axum::body::to_bytes(body, 1 << 20)
            .await
            .unwrap_or_default();
        let mut value: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        value["doc_url"] = DOC_URL.into();
        Response::from_parts(parts, Body::from(value.to_string()))
    }
    let addr = serve_axum(
        routes()
            .layer(axum::middleware::map_response(add_doc_url))
            .layer(ApiErrorLayer::new()),
    );
    check_json_error_enriched_inside(addr);
}

/// A HEAD of an error rendered outside the request, whose body a router mounted with
/// `nest_service` already left out: rendered again from the copy its mark keeps, with the
/// length and headers a GET gets.
#[test]
fn a_head_of_an_error_rendered_outside_the_request_under_nest_service() {
    let addr = serve_axum(
        Router::new()
            .nest_service("/api", routes())
            .layer(ApiErrorLayer::new()),
    );
    let get = request(addr, "GET", "/api/v1/spawned", &[(RID, b"req_h")], None);
    let head = request(addr, "HEAD", "/api/v1/spawned", &[(RID, b"req_h")], None);
    assert_eq!(get.status, 404);
    assert_eq!(head.status, 404);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string().as_str()),
        "{head:?}"
    );
    assert_eq!(head.header("vary"), get.header("vary"));
    assert_eq!(head.header("x-request-id"), Some("req_h"));
}

/// A middleware inside the layer that spawns the rest of the chain (so a client that goes
/// away cannot cancel it) puts the id in the request's extensions first, as the
/// `RequestId` docs say: the handler, run outside the layer's poll, finds it there. Without
/// it, the extractor rejects (no client-chosen header is taken instead).
#[test]
fn the_request_id_extractor_in_a_spawned_handler() {
    use axum::response::IntoResponse;
    async fn detach(
        id: Option<RequestId>,
        mut req: axum::extract::Request,
        next: axum::middleware::Next,
    ) -> axum::response::Response {
        let carry = req.uri().path() == "/carried";
        if let (true, Some(id)) = (carry, id) {
            req.extensions_mut().insert(id);
        }
        tokio::spawn(next.run(req))
            .await
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
    }
    let who = || get(|id: RequestId| async move { id.to_string() });
    let app = Router::new()
        .route("/carried", who())
        .route("/lost", who())
        .layer(axum::middleware::from_fn(detach))
        .layer(ApiErrorLayer::new());
    let addr = serve_axum(app);
    let resp = fetch_with(addr, "/carried", &[(RID, b"req_spawned_who")]);
    assert_eq!(
        (resp.status, resp.text()),
        (200, "req_spawned_who".to_owned())
    );
    let resp = fetch(addr, "/carried");
    assert_eq!(resp.status, 200, "{resp:?}");
    assert_eq!(Some(resp.text().as_str()), resp.header(RID));
    let resp = fetch_with(addr, "/lost", &[(RID, b"req_lost")]);
    check_error(&resp, 500, "api_error", "request_id_missing", Some(RID));
}

/// The layer around a whole tower-http stack (`ServiceBuilder` style), whose responses have
/// tower-http's body types, not axum's: it compiles and answers as on the router.
#[test]
fn the_layer_goes_around_a_tower_http_stack() {
    use tower::Layer as _;
    let stack = RequestBodyLimitLayer::new(64).layer(CompressionLayer::new().layer(routes()));
    let addr = serve_axum_service(ApiErrorLayer::new().layer(stack));
    let resp = fetch_with(addr, "/v1/customers/cus_x", &[GZIP, (RID, b"req_around")]);
    let body = check_stacked(&resp, 404, "not_found_error", "resource_missing");
    assert_eq!(body["request_id"], "req_around");
    let big = format!(r#"{{"amount":1,"currency":"{}"}}"#, "x".repeat(100));
    let resp = post_json(addr, "/v1/charges", &big);
    check_stacked(&resp, 413, "invalid_request_error", "payload_too_large");
    let resp = fetch_with(addr, "/v1/customers/cus_ok", &[GZIP]);
    assert_eq!(resp.status, 200);
    assert!(is_gzip(&resp), "{resp:?}");
}

/// A batcher's leader answers for its followers: a derived error rendered while another
/// request is handled, then sent as this one's response, is rendered again with this
/// request's id and format, not the leader's.
#[test]
fn an_error_rendered_in_another_requests_context_gets_this_ones_id() {
    use axum::response::{IntoResponse, Response};
    use std::sync::Mutex;
    static SLOT: Mutex<Option<Response>> = Mutex::new(None);
    let routes = || {
        Router::new()
            .route(
                "/lead",
                get(|| async {
                    let res = ShopError::CustomerNotFound { id: "cus_1".into() }.into_response();
                    *SLOT.lock().unwrap() = Some(res);
                    "led"
                }),
            )
            .route(
                "/follow",
                get(|| async {
                    loop {
                        if let Some(res) = SLOT.lock().unwrap().take() {
                            return res;
                        }
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                }),
            )
    };
    // Also with compression inside: rendered again from the mark's copy.
    let plain = serve_axum(routes().layer(ApiErrorLayer::new()));
    let compressed = serve_axum(
        routes()
            .layer(CompressionLayer::new())
            .layer(ApiErrorLayer::new()),
    );
    for addr in [plain, compressed] {
        check_an_error_answered_for_another_request(addr);
    }
}

/// Two layers with different request-id headers: the body carries the id of the outer one's
/// header, the one the client sees in `x-request-id`.
#[test]
fn nested_layers_with_different_headers_agree_with_the_outer_header() {
    let addr = serve_axum(
        routes()
            .layer(
                ApiErrorLayer::new().request_id_header(http::HeaderName::from_static("request-id")),
            )
            .layer(ApiErrorLayer::new()),
    );
    let resp = fetch_with(addr, "/v1/customers/cus_x", &[(RID, b"req_outer")]);
    let body = check_stacked(&resp, 404, "not_found_error", "resource_missing");
    assert_eq!(body["request_id"], "req_outer");
}

/// A body is compressed if any `content-encoding` line names a coding: `identity` then
/// `gzip`, on two lines or in one list, is gzip, and its bytes are never the message.
#[test]
fn every_content_encoding_line_counts() {
    use axum::body::Body;
    use axum::response::Response;
    fn gzipped_400(lines: &'static [&'static str]) -> Response {
        let mut res = Response::new(Body::from(gzipped_text()));
        *res.status_mut() = StatusCode::BAD_REQUEST;
        for line in lines {
            res.headers_mut()
                .append("content-encoding", line.parse().unwrap());
        }
        res.headers_mut()
            .insert("content-type", "text/plain".parse().unwrap());
        res
    }
    let app = Router::new()
        .route(
            "/two-lines",
            get(|| async { gzipped_400(&["identity", "gzip"]) }),
        )
        .route(
            "/one-list",
            get(|| async { gzipped_400(&["identity, gzip"]) }),
        )
        .layer(ApiErrorLayer::new());
    check_every_content_encoding_line_counts(serve_axum(app));
}

/// An error response's body that panics when read (a size it announces, then a panic): the
/// layer reads such bodies (a 4xx's text, a JSON 4xx to check it, a 5xx's text for the log)
/// before any head is sent, and answers the panic as a handler's, with the request's id.
#[test]
fn an_error_body_that_panics_when_read_is_a_500() {
    use axum::body::{Body, Bytes};
    use axum::response::Response;
    use http_body::{Frame, SizeHint};
    use std::pin::Pin;
    use std::task::{Context, Poll};

    struct PanicBody;
    impl http_body::Body for PanicBody {
        type Data = Bytes;
        type Error = std::convert::Infallible;
        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            panic!("secret in a body")
        }
        fn size_hint(&self) -> SizeHint {
            SizeHint::with_exact(20)
        }
    }
    fn panicking(status: u16, json: bool) -> Response {
        let mut res = Response::new(Body::new(PanicBody));
        *res.status_mut() = StatusCode::from_u16(status).unwrap();
        if json {
            let json = http::HeaderValue::from_static("application/json");
            res.headers_mut().insert(http::header::CONTENT_TYPE, json);
        }
        res
    }
    let routes = || {
        Router::new()
            .route("/text-400", get(|| async { panicking(400, false) }))
            .route("/json-409", get(|| async { panicking(409, true) }))
            .route("/text-502", get(|| async { panicking(502, false) }))
            .layer(ApiErrorLayer::new())
    };
    // Also with compression outside, which compresses the 500 the layer answers with.
    let plain = serve_axum(routes());
    let compressed = serve_axum(routes().layer(CompressionLayer::new()));
    for addr in [plain, compressed] {
        for path in ["/text-400", "/json-409", "/text-502"] {
            let resp = decoded(&fetch_with(addr, path, &[(RID, b"req_body_panic"), GZIP]));
            let body = check_error(&resp, 500, "api_error", "internal_error", Some(RID));
            assert_eq!(body["request_id"], "req_body_panic", "{path}");
            assert!(!resp.text().contains("secret"), "{path}");
        }
    }
}

/// Records, when dropped, the request id current then (`Some(None)`: none).
struct IdOnDrop(&'static std::sync::Mutex<Option<Option<String>>>);

impl Drop for IdOnDrop {
    fn drop(&mut self) {
        let id = RequestId::current().map(|id| id.as_str().to_owned());
        *self.0.lock().unwrap() = Some(id);
    }
}

/// A request cancelled while its handler runs (the client went away): the handler's future
/// is dropped in the request's context, so what its destructors log or render has the id.
#[test]
fn a_cancelled_request_is_dropped_in_its_context() {
    use std::io::Write;
    use std::sync::Mutex;
    static SEEN: Mutex<Option<Option<String>>> = Mutex::new(None);
    let addr = serve_axum(
        Router::new()
            .route(
                "/slow",
                get(|| async {
                    let _guard = IdOnDrop(&SEEN);
                    tokio::time::sleep(Duration::from_secs(10)).await;
                    "too late"
                }),
            )
            .layer(ApiErrorLayer::new()),
    );
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .write_all(b"GET /slow HTTP/1.1\r\nhost: x\r\nx-request-id: req_cancel\r\n\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    drop(stream);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while SEEN.lock().unwrap().is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(*SEEN.lock().unwrap(), Some(Some("req_cancel".to_owned())));
}

/// A sub-router with a format of its own, under a layer with another: the inner layer's
/// errors are passed on untouched, in its format, with the outer layer's id.
#[test]
fn a_nested_layer_keeps_its_own_format() {
    use api_error_core::WireFormat;
    let api = Router::new()
        .route(
            "/missing",
            get(|| async { Err::<(), _>(ShopError::CustomerNotFound { id: "c1".into() }) }),
        )
        .layer(ApiErrorLayer::new().wire_format(WireFormat::Problem));
    let addr = serve_axum(Router::new().nest("/api", api).layer(ApiErrorLayer::new()));
    let resp = fetch_with(addr, "/api/missing", &[(RID, b"req_nested")]);
    let body = check_problem(&resp, 404, "resource_missing", "req_nested");
    assert_eq!(body["detail"], "No such customer: c1");
}

/// A derived 5xx whose body a layer inside replaced with text of the same length (so the
/// length cannot tell it apart): sent from the copy of the body as rendered, never the text.
#[test]
fn a_5xx_body_replaced_inside_with_the_same_length_is_not_sent() {
    use axum::body::Body;
    use axum::response::Response;
    let same_length = |res: Response| async move {
        let (parts, body) = res.into_parts();
        let n = axum::body::to_bytes(body, usize::MAX).await.unwrap().len();
        Response::from_parts(parts, Body::from("s".repeat(n)))
    };
    let addr = serve_axum(
        Router::new()
            .route("/ledger", get(|| async { Err::<(), _>(ShopError::Ledger) }))
            .layer(axum::middleware::map_response(same_length))
            .layer(ApiErrorLayer::new()),
    );
    let resp = fetch_with(addr, "/ledger", &[(RID, b"req_same")]);
    assert_eq!(resp.status, 500);
    assert_eq!(resp.header(RID), Some("req_same"));
    let body = resp.json();
    assert_eq!(body["code"], "ledger_inconsistent", "{resp:?}");
    assert_eq!(body["message"], "An internal error occurred.");
    assert_eq!(body["request_id"], "req_same");
    assert!(!resp.text().contains("sss"), "{resp:?}");
}

/// A service's future that panics while it still holds values (a hand-written future keeps
/// them through the unwind, where an `async` block drops them): they are dropped in the
/// request's context.
#[test]
fn a_panicked_future_is_dropped_in_its_context() {
    use axum::response::Response;
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Mutex;
    use std::task::{Context, Poll};
    use tower::Layer;
    static SEEN: Mutex<Option<Option<String>>> = Mutex::new(None);
    struct Holder(#[allow(dead_code)] IdOnDrop);
    impl Future for Holder {
        type Output = Result<Response, std::convert::Infallible>;
        fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Self::Output> {
            panic!("holder panicked")
        }
    }
    let service = tower::service_fn(|_: axum::extract::Request| Holder(IdOnDrop(&SEEN)));
    let addr = serve_axum_service(ApiErrorLayer::new().layer(service));
    let resp = fetch_with(addr, "/hold", &[(RID, b"req_held")]);
    assert_eq!(resp.status, 500);
    assert_eq!(*SEEN.lock().unwrap(), Some(Some("req_held".to_owned())));
}

/// A layer inside that changes a derived error's status: its retry advice is the new
/// status's.
#[test]
fn retry_advice_follows_a_status_a_layer_inside_changed() {
    async fn restatus(mut res: axum::response::Response) -> axum::response::Response {
        let to = match res.status() {
            StatusCode::NOT_FOUND => StatusCode::TOO_MANY_REQUESTS,
            StatusCode::SERVICE_UNAVAILABLE => StatusCode::CONFLICT,
            other => other,
        };
        *res.status_mut() = to;
        res
    }
    let addr = serve_axum(
        routes()
            .layer(axum::middleware::map_response(restatus))
            .layer(ApiErrorLayer::new()),
    );
    check_retry_advice_follows_a_changed_status(addr, &[]);
    // The same with compression between the two (the error rendered again from its copy).
    let addr = serve_axum(
        routes()
            .layer(axum::middleware::map_response(restatus))
            .layer(CompressionLayer::new())
            .layer(ApiErrorLayer::new()),
    );
    check_retry_advice_follows_a_changed_status(addr, &[GZIP]);
    // The same around the whole router.
    use tower::Layer as _;
    let addr = serve_axum_service(
        ApiErrorLayer::new().layer(
            routes()
                .layer(axum::middleware::map_response(restatus))
                .with_state(()),
        ),
    );
    check_retry_advice_follows_a_changed_status(addr, &[]);
}

/// A layer inside that sets text of its own, with headers describing it, on a derived 503's
/// head: the hook's `content-disposition`, `content-language` and `content-location` go.
#[test]
fn a_replaced_5xx_loses_the_hooks_headers() {
    async fn dump(res: axum::response::Response) -> axum::response::Response {
        if res.status() != StatusCode::SERVICE_UNAVAILABLE {
            return res;
        }
        let (mut parts, _) = res.into_parts();
        for (name, value) in HOOK_MEANING_HEADERS {
            parts
                .headers
                .insert(name, http::HeaderValue::from_static(value));
        }
        axum::response::Response::from_parts(parts, axum::body::Body::from(SECRET_CAUSE))
    }
    let addr = serve_axum(
        routes()
            .layer(axum::middleware::map_response(dump))
            .layer(ApiErrorLayer::new()),
    );
    check_a_replaced_5xx_loses_the_hooks_headers(addr);
}

/// The body of a response, in a [`Stalling`] body: its bytes first, then nothing ever.
async fn stalled(res: axum::response::Response, sized: bool) -> axum::response::Response {
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    let len = sized.then_some(bytes.len() as u64);
    let body = Stalling {
        first: Some(bytes),
        len,
    };
    axum::response::Response::from_parts(parts, axum::body::Body::new(body))
}

/// A layer inside that puts a derived error's body in a stream that stalls: the answer
/// never waits on it, for an error rendered outside the request (rendered again in it) or
/// one whose status the layer also changed (rendered again for it).
#[test]
fn a_stalled_body_on_a_derived_errors_head_is_never_waited_on() {
    async fn stall(uri: http::Uri, mut res: axum::response::Response) -> axum::response::Response {
        match uri.path() {
            "/v1/spawned" => stalled(res, false).await,
            "/v1/customers/cus_stall" => {
                *res.status_mut() = StatusCode::GONE;
                stalled(res, true).await
            }
            _ => res,
        }
    }
    let addr = serve_axum(
        routes()
            .layer(axum::middleware::map_response(stall))
            .layer(ApiErrorLayer::new()),
    );
    check_a_stalled_body_on_a_spawned_errors_head(addr, "/v1/spawned");
    let started = std::time::Instant::now();
    let resp = fetch_with(addr, "/v1/customers/cus_stall", &[(RID, b"req_gone")]);
    assert!(started.elapsed() < Duration::from_secs(10), "{resp:?}");
    let body = check_stacked(&resp, 410, "not_found_error", "resource_missing");
    assert_eq!(body["request_id"], "req_gone", "{resp:?}");
    assert_eq!(body["message"], "No such customer: cus_stall", "{resp:?}");
}

/// Around a whole router, where axum empties a HEAD's body before the layer sees it, a
/// derived 4xx whose status a layer inside changed: HEAD gets the headers GET gets (the
/// length and format of the body rendered again for the new status), whether the error
/// was rendered in the request or outside it (RFC 9110 §9.3.2).
#[test]
fn head_of_a_restated_error_around_the_router_gets_the_get_headers() {
    use tower::Layer as _;
    async fn conflict(mut res: axum::response::Response) -> axum::response::Response {
        if res.status() == StatusCode::NOT_FOUND {
            *res.status_mut() = StatusCode::CONFLICT;
        }
        res
    }
    let addr = serve_axum_service(
        ApiErrorLayer::new().layer(
            routes()
                .layer(axum::middleware::map_response(conflict))
                .with_state(()),
        ),
    );
    for path in ["/v1/customers/cus_x", "/v1/spawned"] {
        for accept in [&[][..], &[PROBLEM][..]] {
            let mut headers = vec![(RID, &b"req_head_restated"[..])];
            headers.extend_from_slice(accept);
            let get = request(addr, "GET", path, &headers, None);
            let head = request(addr, "HEAD", path, &headers, None);
            assert_eq!((get.status, head.status), (409, 409), "{path}");
            assert_eq!(
                head.header("content-length"),
                Some(get.body.len().to_string().as_str()),
                "{path} {head:?} {get:?}"
            );
            assert_eq!(
                head.header("content-type"),
                get.header("content-type"),
                "{path}"
            );
            assert_eq!(head.header("x-should-retry"), Some("false"), "{path}");
            assert!(head.body.is_empty());
        }
    }
}

/// A layer inside that makes a derived 429 a 404: the retry headers rendered for the 429
/// go; one that sets its own advice with the new status keeps it.
#[test]
fn a_restated_error_loses_the_retry_headers_rendered_for_its_old_status() {
    async fn not_found(
        uri: http::Uri,
        mut res: axum::response::Response,
    ) -> axum::response::Response {
        if uri.path() == "/v1/rate-limited" {
            *res.status_mut() = StatusCode::NOT_FOUND;
        } else if uri.query() == Some("own=1") {
            *res.status_mut() = StatusCode::GONE;
            res.headers_mut()
                .insert("x-should-retry", http::HeaderValue::from_static("true"));
        }
        res
    }
    let app = routes().route(
        "/v1/rate-limited",
        get(|| async {
            Err::<String, _>(ShopError::RateLimited {
                wait: Duration::from_secs(30),
            })
        }),
    );
    let addr = serve_axum(
        app.layer(axum::middleware::map_response(not_found))
            .layer(ApiErrorLayer::new()),
    );
    check_a_restated_errors_retry_headers(addr, "/v1/rate-limited");
}

/// A layer inside that adds a field to an error rendered outside the request, and sends it
/// as a stream: rendered again with the request's id.
#[test]
fn an_enriched_error_rendered_outside_the_request_gets_its_id() {
    async fn enrich(uri: http::Uri, res: axum::response::Response) -> axum::response::Response {
        if uri.path() != "/v1/spawned" {
            return res;
        }
        let (parts, body) = res.into_parts();
        let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
        let mut json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        json["doc_url"] = "https://docs.example.com/errors".into();
        let bytes = axum::body::Bytes::from(serde_json::to_vec(&json).unwrap());
        let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
        axum::response::Response::from_parts(parts, axum::body::Body::from_stream(stream))
    }
    let addr = serve_axum(
        routes()
            .layer(axum::middleware::map_response(enrich))
            .layer(ApiErrorLayer::new()),
    );
    check_an_enriched_spawned_error_gets_the_requests_id(addr, "/v1/spawned");
}

/// Around a whole router, a layer inside that makes a derived 404 a 410 with text of its
/// own: a HEAD (whose body axum emptied) announces no length rather than a wrong one.
#[test]
fn head_of_an_error_whose_status_and_body_a_layer_changed_announces_no_wrong_length() {
    use tower::Layer as _;
    async fn gone_text(res: axum::response::Response) -> axum::response::Response {
        if res.status() != StatusCode::NOT_FOUND {
            return res;
        }
        let (mut parts, _) = res.into_parts();
        parts.status = StatusCode::GONE;
        parts.headers.remove(http::header::CONTENT_LENGTH);
        parts.headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/plain"),
        );
        let text = "This customer was removed at the owner's request, for good.";
        axum::response::Response::from_parts(parts, axum::body::Body::from(text))
    }
    let addr = serve_axum_service(
        ApiErrorLayer::new().layer(
            routes()
                .layer(axum::middleware::map_response(gone_text))
                .with_state(()),
        ),
    );
    let get = request(addr, "GET", "/v1/customers/cus_x", &[], None);
    let head = request(addr, "HEAD", "/v1/customers/cus_x", &[], None);
    assert_eq!((get.status, head.status), (410, 410), "{get:?}");
    let body = get.json();
    assert_eq!(
        body["message"],
        "This customer was removed at the owner's request, for good."
    );
    if let Some(len) = head.header("content-length") {
        assert_eq!(len, get.body.len().to_string(), "{head:?} {get:?}");
    }
}

/// A layer inside that says the language of every response: a derived 5xx whose body it
/// left alone keeps it.
#[test]
fn a_derived_5xx_keeps_a_language_a_layer_inside_gave_every_response() {
    async fn english(mut res: axum::response::Response) -> axum::response::Response {
        res.headers_mut()
            .insert("content-language", http::HeaderValue::from_static("en"));
        res
    }
    let addr = serve_axum(
        routes()
            .layer(axum::middleware::map_response(english))
            .layer(ApiErrorLayer::new()),
    );
    let resp = fetch(addr, "/v1/database");
    check_stacked(&resp, 503, "api_error", "database_unavailable");
    assert_eq!(resp.header("content-language"), Some("en"), "{resp:?}");
}

/// Nested layers (one on a service mounted inside, one outside) with a layer between them
/// that changes statuses: the outer one still knows the retry advice the inner one sent,
/// so the new status's advice replaces it and the old delay goes.
#[test]
fn nested_layers_restate_the_retry_advice_of_a_changed_status() {
    async fn restatus(mut res: axum::response::Response) -> axum::response::Response {
        let to = match res.status() {
            StatusCode::SERVICE_UNAVAILABLE => StatusCode::CONFLICT,
            StatusCode::TOO_MANY_REQUESTS => StatusCode::NOT_FOUND,
            other => other,
        };
        *res.status_mut() = to;
        res
    }
    let inner = routes()
        .route(
            "/v1/rate-limited",
            get(|| async {
                Err::<String, _>(ShopError::RateLimited {
                    wait: Duration::from_secs(30),
                })
            }),
        )
        .route(
            "/v1/spawned-429",
            get(|| async {
                tokio::spawn(async {
                    axum::response::IntoResponse::into_response(ShopError::RateLimited {
                        wait: Duration::from_secs(30),
                    })
                })
                .await
                .unwrap()
            }),
        )
        .layer(ApiErrorLayer::new());
    let addr = serve_axum(
        Router::new()
            .nest_service("/api", inner)
            .layer(axum::middleware::map_response(restatus))
            .layer(ApiErrorLayer::new()),
    );
    let resp = fetch(addr, "/api/v1/database");
    check_stacked(&resp, 409, "api_error", "database_unavailable");
    for path in ["/api/v1/rate-limited", "/api/v1/spawned-429"] {
        let resp = fetch(addr, path);
        check_stacked(&resp, 404, "rate_limit_error", "rate_limited");
        assert_eq!(resp.header("retry-after"), None, "{path}: {resp:?}");
        assert_eq!(resp.header("retry-after-ms"), None, "{path}: {resp:?}");
    }
}

/// Around a whole router, with tower-http's response-body timeout inside (its body has no
/// length up front, so axum announces none before it empties a HEAD's): HEAD gets what
/// GET gets, never another error or a wrong length.
#[test]
fn head_around_the_router_with_a_body_timeout_inside_gets_the_get_headers() {
    use tower::Layer as _;
    use tower_http::timeout::ResponseBodyTimeoutLayer;
    let addr = serve_axum_service(
        ApiErrorLayer::new().layer(
            routes()
                .layer(ResponseBodyTimeoutLayer::new(Duration::from_secs(30)))
                .with_state(()),
        ),
    );
    for path in ["/v1/customers/cus_x", "/v1/spawned", "/v1/database"] {
        let headers = [(RID, &b"req_head_timeout"[..])];
        let get = request(addr, "GET", path, &headers, None);
        let head = request(addr, "HEAD", path, &headers, None);
        assert_eq!(get.status, head.status, "{path}");
        assert_eq!(
            head.header("content-type"),
            get.header("content-type"),
            "{path}"
        );
        if let Some(len) = head.header("content-length") {
            assert_eq!(len, get.body.len().to_string(), "{path}: {head:?} {get:?}");
        }
        assert_eq!(head.header(RID), Some("req_head_timeout"), "{path}");
    }
}
