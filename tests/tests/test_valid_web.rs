//! The validating extractors over real HTTP, axum and actix-web alike: `Valid<Json<T>>`
//! (validator) and `Garde<Json<T>>` (garde), for JSON bodies, query strings and forms. A
//! request with several invalid inputs gets one 422 listing every one of them; a request
//! the inner extractor rejects is answered exactly as without the wrapper; the client
//! reads the field errors back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod web_support;

use std::net::SocketAddr;
use std::sync::OnceLock;

use api_error_core::client::ErrorResponse;
use serde::Deserialize;
// validator's derive calls `.validate()` on nested fields by name.
use validator::Validate as _;
use web_support::*;

#[derive(Debug, Deserialize, validator::Validate)]
struct Signup {
    #[validate(length(min = 2))]
    name: String,
    #[validate(email)]
    email: String,
    #[validate(range(min = 18))]
    age: u32,
    #[validate(nested)]
    address: Address,
    #[validate(nested)]
    items: Vec<Item>,
}

#[derive(Debug, Deserialize, validator::Validate)]
struct Address {
    #[validate(length(min = 2))]
    city: String,
}

#[derive(Debug, Deserialize, validator::Validate)]
struct Item {
    #[validate(range(min = 1))]
    amount: u32,
}

#[derive(Debug, Deserialize, validator::Validate, garde::Validate)]
struct Search {
    #[validate(length(min = 1))]
    #[garde(length(min = 1))]
    q: String,
    #[validate(range(min = 1, max = 100))]
    #[garde(range(min = 1, max = 100))]
    limit: u32,
}

#[derive(Debug, Deserialize, garde::Validate)]
struct GardeSignup {
    #[garde(length(min = 2))]
    name: String,
    #[garde(email)]
    email: String,
    #[garde(dive)]
    items: Vec<GardeItem>,
}

#[derive(Debug, Deserialize, garde::Validate)]
struct GardeItem {
    #[garde(range(min = 1))]
    amount: u32,
}

const VALID_SIGNUP: &str = r#"{"name":"Jo","email":"jo@example.com","age":30,"address":{"city":"Paris"},"items":[{"amount":1}]}"#;
const INVALID_SIGNUP: &str = r#"{"name":"J","email":"nope","age":7,"address":{"city":"X"},"items":[{"amount":1},{"amount":0}]}"#;
const INVALID_GARDE: &str = r#"{"name":"J","email":"nope","items":[{"amount":1},{"amount":0}]}"#;

/// The field errors, as `(param, code)`, of a 422 `validation_failed` answer: checks the
/// status, headers, key order (the five keys, then `errors`), the id and `param`.
fn check_field_errors(resp: &Resp, with_id: bool) -> Vec<(String, String)> {
    assert_eq!(resp.status, 422, "{}", resp.text());
    assert_eq!(resp.header("content-type"), Some("application/json"));
    assert_eq!(resp.header("x-should-retry"), Some("false"));
    let text = resp.text();
    let order = [
        "\"message\":",
        "\"type\":",
        "\"code\":",
        "\"param\":",
        "\"request_id\":",
        "\"errors\":[",
    ];
    let positions: Vec<usize> = order.iter().map(|k| text.find(k).unwrap()).collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "key order in {text}"
    );
    let body = resp.json();
    assert_eq!(body.as_object().unwrap().len(), 6, "{text}");
    assert_eq!(body["type"], "validation_error");
    assert_eq!(body["code"], "validation_failed");
    if with_id {
        assert_eq!(body["request_id"], resp.header(RID).unwrap(), "{text}");
    } else {
        assert!(body["request_id"].is_null());
    }
    let errors = body["errors"].as_array().unwrap();
    assert_eq!(body["param"], errors[0]["param"]);
    // The client reads the same list back.
    let read = read_back(resp);
    assert_eq!(read.len(), errors.len());
    read
}

/// The field errors, as `(param, code)`, the client reads from a `validation_failed` answer
/// (whatever its wire format).
fn read_back(resp: &Resp) -> Vec<(String, String)> {
    let mut headers = http::HeaderMap::new();
    for name in [RID, "content-type"] {
        if let Some(value) = resp.header(name) {
            headers.insert(name, value.parse().unwrap());
        }
    }
    let client =
        ErrorResponse::from_parts(http::StatusCode::UNPROCESSABLE_ENTITY, &headers, &resp.body);
    assert_eq!(client.code(), "validation_failed");
    client
        .field_errors()
        .iter()
        .map(|e| (e.param.to_string(), e.code.to_string()))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(p, c)| (p.to_string(), c.to_string()))
        .collect()
}

fn post_form(addr: SocketAddr, path: &str, body: &str) -> Resp {
    request(
        addr,
        "POST",
        path,
        &[("content-type", b"application/x-www-form-urlencoded")],
        Some(body.as_bytes()),
    )
}

/// What every app answers, with the layer / middleware (`with_id`) or without.
fn check_app(addr: SocketAddr, with_id: bool) {
    // Valid input passes through.
    let resp = post_json(addr, "/v1/signup", VALID_SIGNUP);
    assert_eq!((resp.status, resp.text().as_str()), (200, "welcome Jo"));

    // Several invalid inputs: one answer listing all of them.
    let resp = post_json(addr, "/v1/signup", INVALID_SIGNUP);
    assert_eq!(
        check_field_errors(&resp, with_id),
        pairs(&[
            ("address.city", "length"),
            ("age", "range"),
            ("email", "email"),
            ("items[1].amount", "range"),
            ("name", "length"),
        ])
    );
    assert_eq!(
        resp.json()["message"],
        "Invalid value for address.city: must be at least 2 characters long (and 4 more errors)"
    );

    // Query strings and forms.
    let resp = fetch(addr, "/v1/search?q=&limit=500");
    assert_eq!(
        check_field_errors(&resp, with_id),
        pairs(&[("limit", "range"), ("q", "length")])
    );
    let resp = post_form(addr, "/v1/form", "q=&limit=0");
    assert_eq!(
        check_field_errors(&resp, with_id),
        pairs(&[("limit", "range"), ("q", "length")])
    );
    let resp = fetch(addr, "/v1/search?q=rust&limit=5");
    assert_eq!((resp.status, resp.text().as_str()), (200, "rust 5"));

    // garde.
    let resp = post_json(addr, "/v1/garde/signup", INVALID_GARDE);
    assert_eq!(
        check_field_errors(&resp, with_id),
        pairs(&[
            ("email", "email"),
            ("items[1].amount", "range"),
            ("name", "length")
        ])
    );
    let resp = fetch(addr, "/v1/garde/search?q=&limit=0");
    assert_eq!(
        check_field_errors(&resp, with_id),
        pairs(&[("limit", "range"), ("q", "length")])
    );
    let resp = post_form(addr, "/v1/garde/form", "q=x&limit=101");
    assert_eq!(
        check_field_errors(&resp, with_id),
        pairs(&[("limit", "range")])
    );
    let resp = post_json(
        addr,
        "/v1/garde/signup",
        r#"{"name":"Jo","email":"jo@example.com","items":[]}"#,
    );
    assert_eq!((resp.status, resp.text().as_str()), (200, "welcome Jo"));
}

/// The same field errors in the other wire formats: problem details for a client whose
/// `Accept` prefers them (from the default flat app), and the envelope from an app configured
/// with it (`enveloped`); the client reads both back to the same list.
fn check_other_formats(flat_app: SocketAddr, enveloped: SocketAddr) {
    let expected = pairs(&[
        ("address.city", "length"),
        ("age", "range"),
        ("email", "email"),
        ("items[1].amount", "range"),
        ("name", "length"),
    ]);
    let json = ("content-type", &b"application/json"[..]);

    let problem = [json, ("accept", b"application/problem+json")];
    let resp = request(
        flat_app,
        "POST",
        "/v1/signup",
        &problem,
        Some(INVALID_SIGNUP.as_bytes()),
    );
    assert_eq!(resp.status, 422, "{}", resp.text());
    assert_eq!(
        resp.header("content-type"),
        Some("application/problem+json")
    );
    let body = resp.json();
    assert_eq!(body["status"], 422);
    assert_eq!(body["code"], "validation_failed");
    assert_eq!(body["error_type"], "validation_error");
    assert_eq!(body["request_id"].as_str(), resp.header(RID));
    assert_eq!(body["errors"].as_array().unwrap().len(), 5, "{body}");
    assert_eq!(read_back(&resp), expected);

    let resp = request(
        enveloped,
        "POST",
        "/v1/signup",
        &[json],
        Some(INVALID_SIGNUP.as_bytes()),
    );
    assert_eq!(resp.status, 422, "{}", resp.text());
    let body = resp.json();
    assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
    assert_eq!(body["error"]["code"], "validation_failed");
    assert_eq!(body["error"]["request_id"].as_str(), resp.header(RID));
    assert_eq!(
        body["error"]["errors"].as_array().unwrap().len(),
        5,
        "{body}"
    );
    assert_eq!(read_back(&resp), expected);
}

/// Requests the inner extractor rejects are answered by the layer / middleware as for the
/// bare extractor: the wrapper changes nothing there.
fn check_extraction_failures(addr: SocketAddr) {
    for path in ["/v1/signup", "/v1/garde/signup"] {
        let resp = post_json(addr, path, r#"{"name": "#);
        check_error(
            &resp,
            400,
            "invalid_request_error",
            "invalid_json",
            Some(RID),
        );
        let resp = request(
            addr,
            "POST",
            path,
            &[("content-type", b"text/plain")],
            Some(b"{}"),
        );
        check_error(
            &resp,
            415,
            "invalid_request_error",
            "unsupported_media_type",
            Some(RID),
        );
        let resp = post_json(addr, path, r#"{"name":"Jo"}"#);
        let body = check_error(&resp, 422, "validation_error", "invalid_body", Some(RID));
        assert!(
            body["message"].as_str().unwrap().contains("missing field"),
            "{body}"
        );
    }
    for path in ["/v1/search?limit=5", "/v1/garde/search?limit=5"] {
        let resp = fetch(addr, path);
        check_error(
            &resp,
            400,
            "invalid_request_error",
            "invalid_query",
            Some(RID),
        );
    }
}

mod axum_app {
    use super::*;
    use api_error_core::axum::{ApiErrorLayer, Garde, Valid};
    use axum::extract::{Form, Query};
    use axum::routing::{get, post};
    use axum::{Json, Router};

    async fn signup(Valid(Json(s)): Valid<Json<Signup>>) -> String {
        format!("welcome {}", s.name)
    }

    async fn search(Valid(Query(s)): Valid<Query<Search>>) -> String {
        format!("{} {}", s.q, s.limit)
    }

    async fn form(Valid(Form(s)): Valid<Form<Search>>) -> String {
        format!("{} {}", s.q, s.limit)
    }

    async fn garde_signup(Garde(Json(s)): Garde<Json<GardeSignup>>) -> String {
        format!("welcome {}", s.name)
    }

    // A validated query before a body extractor: `FromRequestParts`.
    async fn garde_search(Garde(Query(s)): Garde<Query<Search>>, _body: String) -> String {
        format!("{} {}", s.q, s.limit)
    }

    async fn garde_form(Garde(Form(s)): Garde<Form<Search>>) -> String {
        format!("{} {}", s.q, s.limit)
    }

    fn routes() -> Router {
        Router::new()
            .route("/v1/signup", post(signup))
            .route("/v1/search", get(search))
            .route("/v1/form", post(form))
            .route("/v1/garde/signup", post(garde_signup))
            .route("/v1/garde/search", get(garde_search))
            .route("/v1/garde/form", post(garde_form))
    }

    pub fn with_layer() -> SocketAddr {
        static ADDR: OnceLock<SocketAddr> = OnceLock::new();
        *ADDR.get_or_init(|| serve_axum(routes().layer(ApiErrorLayer::new())))
    }

    pub fn bare() -> SocketAddr {
        static ADDR: OnceLock<SocketAddr> = OnceLock::new();
        *ADDR.get_or_init(|| serve_axum(routes()))
    }

    pub fn enveloped() -> SocketAddr {
        let layer = ApiErrorLayer::new().wire_format(api_error_core::WireFormat::Enveloped);
        serve_axum(routes().layer(layer))
    }
}

mod actix_app {
    use super::*;
    use actix_web::web;
    use api_error_core::actix::{ApiErrorMiddleware, Garde, Valid};

    async fn signup(Valid(s): Valid<web::Json<Signup>>) -> String {
        format!("welcome {}", s.name)
    }

    async fn search(Valid(s): Valid<web::Query<Search>>) -> String {
        format!("{} {}", s.q, s.limit)
    }

    async fn form(Valid(s): Valid<web::Form<Search>>) -> String {
        format!("{} {}", s.q, s.limit)
    }

    async fn garde_signup(Garde(s): Garde<web::Json<GardeSignup>>) -> String {
        format!("welcome {}", s.name)
    }

    async fn garde_search(Garde(s): Garde<web::Query<Search>>) -> String {
        format!("{} {}", s.q, s.limit)
    }

    async fn garde_form(Garde(s): Garde<web::Form<Search>>) -> String {
        format!("{} {}", s.q, s.limit)
    }

    fn routes(cfg: &mut web::ServiceConfig) {
        cfg.route("/v1/signup", web::post().to(signup))
            .route("/v1/search", web::get().to(search))
            .route("/v1/form", web::post().to(form))
            .route("/v1/garde/signup", web::post().to(garde_signup))
            .route("/v1/garde/search", web::get().to(garde_search))
            .route("/v1/garde/form", web::post().to(garde_form));
    }

    pub fn with_middleware() -> SocketAddr {
        static ADDR: OnceLock<SocketAddr> = OnceLock::new();
        *ADDR.get_or_init(|| serve_actix(routes, Some(ApiErrorMiddleware::new())))
    }

    pub fn bare() -> SocketAddr {
        static ADDR: OnceLock<SocketAddr> = OnceLock::new();
        *ADDR.get_or_init(|| serve_actix(routes, None))
    }

    pub fn enveloped() -> SocketAddr {
        let middleware =
            ApiErrorMiddleware::new().wire_format(api_error_core::WireFormat::Enveloped);
        serve_actix(routes, Some(middleware))
    }
}

#[test]
fn axum_lists_every_invalid_input() {
    check_app(axum_app::with_layer(), true);
}

#[test]
fn axum_without_the_layer_still_sends_the_field_errors() {
    check_app(axum_app::bare(), false);
}

#[test]
fn axum_extraction_failures_are_answered_as_before() {
    check_extraction_failures(axum_app::with_layer());
}

#[test]
fn actix_lists_every_invalid_input() {
    check_app(actix_app::with_middleware(), true);
}

#[test]
fn actix_without_the_middleware_still_sends_the_field_errors() {
    check_app(actix_app::bare(), false);
}

#[test]
fn actix_extraction_failures_are_answered_as_before() {
    check_extraction_failures(actix_app::with_middleware());
}

#[test]
fn axum_field_errors_in_every_wire_format() {
    check_other_formats(axum_app::with_layer(), axum_app::enveloped());
}

#[test]
fn actix_field_errors_in_every_wire_format() {
    check_other_formats(actix_app::with_middleware(), actix_app::enveloped());
}
