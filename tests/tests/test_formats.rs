//! Wire formats (SPEC §12): the same errors flat, enveloped and as RFC 9457 problem details;
//! byte-exact, equal to serde's rendering of each shape, read back by the client into the
//! same body; live axum and actix-web servers in each format (derived errors, rejections,
//! 404, 405, panics), `Accept` negotiation, and static headers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod web_support;

use std::net::SocketAddr;

use api_error_core::client::ErrorResponse;
use api_error_core::{ApiError, ErrorBody, ErrorFormat, WireFormat};
use serde::Serialize;
use web_support::*;

#[derive(Debug, thiserror::Error, ApiError)]
enum Shop {
    #[error("No such customer: {id}")]
    #[api_error(status = 404, code = "resource_missing", param = "customer")]
    CustomerNotFound { id: String },

    #[error("Invalid API key provided")]
    #[api_error(
        status = 401,
        code = "invalid_api_key",
        header("WWW-Authenticate", "Bearer realm=\"api\"")
    )]
    InvalidApiKey,

    #[error("{field} must be positive")]
    #[api_error(status = 422, code = "invalid_amount")]
    InvalidAmount {
        #[api_error(param)]
        field: String,
    },

    #[error("database password {0} rejected")]
    #[api_error(status = 503, code = "database_unavailable")]
    Database(String),

    #[error(transparent)]
    #[api_error(transparent)]
    Inner(Inner),

    #[error("The signup form has errors")]
    #[api_error(status = 422, code = "invalid_signup")]
    Signup {
        #[api_error(field_errors)]
        errors: api_error_core::FieldErrors,
    },
}

fn signup() -> Shop {
    use api_error_core::FieldError;
    Shop::Signup {
        errors: [
            FieldError::new("name", "length", "must be at least 2 characters long"),
            FieldError::new("address.city", "required", "is \"required\"\n"),
        ]
        .into_iter()
        .collect(),
    }
}

#[derive(Debug, thiserror::Error, ApiError)]
#[error("quote \" backslash \\ newline \n tab \t bell \u{7} é ✓")]
#[api_error(status = 400, code = "hostile", param = "address.city")]
struct Inner;

/// The RFC 9457 shape, written with serde: the floor our bytes must equal.
#[derive(Serialize)]
struct Problem<'a> {
    r#type: String,
    title: &'a str,
    status: u16,
    detail: &'a str,
    code: &'a str,
    param: Option<&'a str>,
    request_id: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [api_error_core::FieldError],
    error_type: &'a str,
}

#[derive(Serialize)]
struct Envelope<'a> {
    error: &'a ErrorBody<'a>,
}

fn with_id<'a>(mut body: ErrorBody<'a>, id: Option<&'a str>) -> ErrorBody<'a> {
    body.set_request_id(id);
    body
}

fn render(format: &ErrorFormat, e: &dyn ApiError, id: Option<&str>) -> String {
    let mut out = Vec::new();
    format.write(e, id, &mut out);
    String::from_utf8(out).unwrap()
}

fn serde_problem(e: &dyn ApiError, id: Option<&str>, base: Option<&str>) -> String {
    let body = e.to_body();
    let status = e.status();
    serde_json::to_string(&Problem {
        r#type: base.map_or("about:blank".to_owned(), |b| format!("{b}{}", e.code())),
        title: status.canonical_reason().unwrap(),
        status: status.as_u16(),
        detail: &body.message,
        code: &body.code,
        param: body.param.as_deref(),
        request_id: id,
        errors: &body.errors,
        error_type: &body.r#type,
    })
    .unwrap()
}

fn cases() -> Vec<Shop> {
    vec![
        Shop::CustomerNotFound {
            id: "cus_\"1\"".into(),
        },
        Shop::InvalidApiKey,
        Shop::InvalidAmount {
            field: "amount\u{1}".into(),
        },
        Shop::Database("hunter2".into()),
        Shop::Inner(Inner),
        signup(),
        Shop::Inner(Inner),
    ]
}

#[test]
fn every_format_equals_serdes_rendering_of_its_shape() {
    const BASE: &str = "https://docs.example.com/errors/";
    for e in cases() {
        for id in [None, Some("req_1")] {
            let flat = serde_json::to_string(&with_id(e.to_body(), id)).unwrap();
            assert_eq!(render(&WireFormat::Flat.into(), &e, id), flat, "{e:?}");
            let body = with_id(e.to_body(), id);
            let enveloped = serde_json::to_string(&Envelope { error: &body }).unwrap();
            assert_eq!(render(&WireFormat::Enveloped.into(), &e, id), enveloped);
            assert_eq!(
                render(&WireFormat::Problem.into(), &e, id),
                serde_problem(&e, id, None)
            );
            let based = ErrorFormat::new(WireFormat::Problem).problem_type_base(BASE);
            assert_eq!(render(&based, &e, id), serde_problem(&e, id, Some(BASE)));
            // Nothing but the public message, in every format.
            for format in [WireFormat::Flat, WireFormat::Enveloped, WireFormat::Problem] {
                assert!(!render(&format.into(), &e, id).contains("hunter2"));
            }
        }
    }
}

#[test]
fn field_errors_itself_in_every_format() {
    let Shop::Signup { errors } = signup() else {
        unreachable!()
    };
    for id in [None, Some("req_1")] {
        let flat = serde_json::to_string(&with_id(errors.to_body(), id)).unwrap();
        assert_eq!(render(&WireFormat::Flat.into(), &errors, id), flat);
        assert_eq!(
            render(&WireFormat::Problem.into(), &errors, id),
            serde_problem(&errors, id, None)
        );
        let body = with_id(errors.to_body(), id);
        let enveloped = serde_json::to_string(&Envelope { error: &body }).unwrap();
        assert_eq!(
            render(&WireFormat::Enveloped.into(), &errors, id),
            enveloped
        );
    }
}

#[test]
fn byte_exact_bodies() {
    let problem = ErrorFormat::new(WireFormat::Problem);
    let enveloped = ErrorFormat::new(WireFormat::Enveloped);
    // A literal message.
    assert_eq!(
        render(&problem, &Shop::InvalidApiKey, Some("req_1")),
        r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Invalid API key provided","code":"invalid_api_key","param":null,"request_id":"req_1","error_type":"authentication_error"}"#
    );
    // A formatted message and a static param.
    assert_eq!(
        render(
            &enveloped,
            &Shop::CustomerNotFound { id: "cus_1".into() },
            None
        ),
        r#"{"error":{"message":"No such customer: cus_1","type":"not_found_error","code":"resource_missing","param":"customer","request_id":null}}"#
    );
    // A param field.
    assert_eq!(
        render(
            &problem,
            &Shop::InvalidAmount {
                field: "amount".into()
            },
            None
        ),
        r#"{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"amount must be positive","code":"invalid_amount","param":"amount","request_id":null,"error_type":"validation_error"}"#
    );
    // A redacted 5xx, with a type base.
    let based = problem
        .clone()
        .problem_type_base("https://docs.example.com/errors/");
    assert_eq!(
        render(&based, &Shop::Database("hunter2".into()), Some("req_2")),
        r#"{"type":"https://docs.example.com/errors/database_unavailable","title":"Service Unavailable","status":503,"detail":"The service is temporarily unavailable.","code":"database_unavailable","param":null,"request_id":"req_2","error_type":"api_error"}"#
    );
    // Field errors: after `request_id`, before the category.
    assert_eq!(
        render(&problem, &signup(), None),
        r#"{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"The signup form has errors","code":"invalid_signup","param":"name","request_id":null,"errors":[{"param":"name","code":"length","message":"must be at least 2 characters long"},{"param":"address.city","code":"required","message":"is \"required\"\n"}],"error_type":"validation_error"}"#
    );
    assert_eq!(
        render(&enveloped, &signup(), Some("req_3")),
        r#"{"error":{"message":"The signup form has errors","type":"validation_error","code":"invalid_signup","param":"name","request_id":"req_3","errors":[{"param":"name","code":"length","message":"must be at least 2 characters long"},{"param":"address.city","code":"required","message":"is \"required\"\n"}]}}"#
    );
    // Hostile static text, pre-rendered by the derive, sliced not re-escaped.
    assert_eq!(
        render(&problem, &Inner, None),
        r#"{"type":"about:blank","title":"Bad Request","status":400,"detail":"quote \" backslash \\ newline \n tab \t bell \u0007 é ✓","code":"hostile","param":"address.city","request_id":null,"error_type":"invalid_request_error"}"#
    );
}

#[test]
fn the_client_reads_every_format_back_to_the_same_body() {
    let headers = http::HeaderMap::new();
    for e in cases() {
        let want = with_id(e.to_body(), Some("req_9")).into_owned();
        for format in [
            ErrorFormat::new(WireFormat::Flat),
            ErrorFormat::new(WireFormat::Enveloped),
            ErrorFormat::new(WireFormat::Problem),
            ErrorFormat::new(WireFormat::Problem).problem_type_base("https://x.test/e/"),
        ] {
            let body = render(&format, &e, Some("req_9"));
            let got = ErrorResponse::from_parts(e.status(), &headers, body.as_bytes());
            assert_eq!(got.body(), &want, "{format:?}: {body}");
        }
    }
}

/// Blank messages, on statuses with a reason phrase and without (whose problem `title` is
/// only `Client Error`): every format still reads back to one body.
#[derive(Debug, thiserror::Error, ApiError)]
enum Blank {
    #[error("  ")]
    #[api_error(status = 499, code = "blank_odd")]
    Odd,
    #[error("")]
    #[api_error(status = 400, code = "blank_bad")]
    Bad,
    #[error("")]
    #[api_error(status = 599, code = "blank_server")]
    Server,
}

#[test]
fn blank_messages_read_back_the_same_in_every_format() {
    let headers = http::HeaderMap::new();
    for e in [Blank::Odd, Blank::Bad, Blank::Server] {
        let flat = render(&ErrorFormat::new(WireFormat::Flat), &e, Some("req_9"));
        let want = ErrorResponse::from_parts(e.status(), &headers, flat.as_bytes());
        for format in [
            ErrorFormat::new(WireFormat::Enveloped),
            ErrorFormat::new(WireFormat::Problem),
            ErrorFormat::new(WireFormat::Problem).problem_type_base("https://x.test/e/"),
        ] {
            let body = render(&format, &e, Some("req_9"));
            let got = ErrorResponse::from_parts(e.status(), &headers, body.as_bytes());
            assert_eq!(got.body(), want.body(), "{format:?}: {body}");
        }
    }
}

/// A hand-written error with a blank code (against SPEC §3, but possible): a problem's type
/// URI is then the base alone, whose last segment is no code.
#[derive(Debug, thiserror::Error)]
#[error("Nope")]
struct BlankCode;

impl ApiError for BlankCode {
    fn status(&self) -> http::StatusCode {
        http::StatusCode::NOT_FOUND
    }
    fn error_type(&self) -> &'static str {
        "not_found_error"
    }
    fn code(&self) -> &'static str {
        ""
    }
    fn message(&self) -> std::borrow::Cow<'_, str> {
        "Nope".into()
    }
    fn param(&self) -> Option<std::borrow::Cow<'_, str>> {
        None
    }
}

#[test]
fn a_blank_code_reads_back_the_same_in_every_format() {
    let headers = http::HeaderMap::new();
    let e = BlankCode;
    let flat = render(&ErrorFormat::new(WireFormat::Flat), &e, Some("req_1"));
    let want = ErrorResponse::from_parts(e.status(), &headers, flat.as_bytes());
    assert_eq!(want.body().code, "unknown");
    for format in [
        ErrorFormat::new(WireFormat::Enveloped),
        ErrorFormat::new(WireFormat::Problem),
        ErrorFormat::new(WireFormat::Problem).problem_type_base("https://docs.example.com/errors/"),
    ] {
        let body = render(&format, &e, Some("req_1"));
        let got = ErrorResponse::from_parts(e.status(), &headers, body.as_bytes());
        assert_eq!(got.body(), want.body(), "{format:?}: {body}");
    }
}

#[test]
fn static_headers_are_declared_per_variant() {
    assert_eq!(
        Shop::InvalidApiKey.headers(),
        &[("www-authenticate", "Bearer realm=\"api\"")]
    );
    assert!(Shop::Database(String::new()).headers().is_empty());
    let res = axum::response::IntoResponse::into_response(Shop::InvalidApiKey);
    assert_eq!(res.headers()["www-authenticate"], "Bearer realm=\"api\"");
    let res = actix_web::ResponseError::error_response(&Shop::InvalidApiKey);
    assert_eq!(
        res.headers().get("www-authenticate").unwrap(),
        "Bearer realm=\"api\""
    );
}

/// A hand-written `headers()` the derive would refuse: nothing panics; invalid pairs and the
/// integrations' own headers are skipped, a repeated name is sent twice, an uppercase name is
/// taken as its lowercase.
#[derive(Debug)]
struct HandWritten;

impl std::fmt::Display for HandWritten {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sign in first")
    }
}

impl std::error::Error for HandWritten {}

impl ApiError for HandWritten {
    fn status(&self) -> http::StatusCode {
        http::StatusCode::UNAUTHORIZED
    }
    fn error_type(&self) -> &'static str {
        "authentication_error"
    }
    fn code(&self) -> &'static str {
        "unauthenticated"
    }
    fn message(&self) -> std::borrow::Cow<'_, str> {
        "Sign in first".into()
    }
    fn param(&self) -> Option<std::borrow::Cow<'_, str>> {
        None
    }
    fn headers(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("WWW-Authenticate", "Bearer realm=\"api\""),
            ("www-authenticate", "Basic realm=\"api\""),
            ("bad name", "x"),
            ("x-bad-value", "line\nbreak"),
            ("Content-Encoding", "gzip"),
            ("content-type", "text/plain"),
            ("x-should-retry", "true"),
        ]
    }
}

api_error_core::impl_integrations!(HandWritten);

#[test]
fn hand_written_headers_never_panic_and_never_relabel_the_body() {
    let res = axum::response::IntoResponse::into_response(HandWritten);
    let challenges: Vec<_> = res.headers().get_all("www-authenticate").iter().collect();
    assert_eq!(challenges, ["Bearer realm=\"api\"", "Basic realm=\"api\""]);
    assert!(res.headers().get("x-bad-value").is_none());
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(res.headers()["content-type"], "application/json");
    assert_eq!(res.headers()["x-should-retry"], "false");

    let res = actix_web::ResponseError::error_response(&HandWritten);
    let challenges: Vec<_> = res.headers().get_all("www-authenticate").collect();
    assert_eq!(challenges, ["Bearer realm=\"api\"", "Basic realm=\"api\""]);
    assert!(res.headers().get("x-bad-value").is_none());
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(
        res.headers().get("content-type").unwrap(),
        "application/json"
    );
    assert_eq!(res.headers().get("x-should-retry").unwrap(), "false");
}

/// A hand-written type whose own `write_json` (SPEC §5: "Integrations use it") writes a
/// body no default rendering would: what the flat format sends, with and without a request.
#[derive(Debug)]
struct OwnJson;

impl std::fmt::Display for OwnJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("default text")
    }
}

impl std::error::Error for OwnJson {}

impl ApiError for OwnJson {
    fn status(&self) -> http::StatusCode {
        http::StatusCode::CONFLICT
    }
    fn error_type(&self) -> &'static str {
        "invalid_request_error"
    }
    fn code(&self) -> &'static str {
        "own_json"
    }
    fn message(&self) -> std::borrow::Cow<'_, str> {
        "default text".into()
    }
    fn param(&self) -> Option<std::borrow::Cow<'_, str>> {
        None
    }
    fn write_json(&self, request_id: Option<&str>, out: &mut Vec<u8>) {
        let body = ErrorBody {
            message: "written by write_json".into(),
            ..self.to_body()
        };
        out.extend_from_slice(&serde_json::to_vec(&with_id(body, request_id)).unwrap());
    }
}

api_error_core::impl_integrations!(OwnJson);

/// A derived error that delegates to [`OwnJson`]: its body is the inner error's own.
#[derive(Debug, thiserror::Error, ApiError)]
enum WrapsOwnJson {
    #[error(transparent)]
    #[api_error(transparent)]
    Own(OwnJson),
}

async fn axum_own_json() -> Result<String, OwnJson> {
    Err(OwnJson)
}

async fn actix_own_json() -> Result<String, OwnJson> {
    Err(OwnJson)
}

#[test]
fn the_flat_format_is_a_hand_written_write_json() {
    let own = r#"{"message":"written by write_json","type":"invalid_request_error","code":"own_json","param":null"#;
    let outside = format!("{own},\"request_id\":null}}");
    assert_eq!(render(&ErrorFormat::FLAT, &OwnJson, None), outside);
    let body = |bytes: &[u8]| String::from_utf8(bytes.to_vec()).unwrap();
    let res = axum::response::IntoResponse::into_response(OwnJson);
    let bytes = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(axum::body::to_bytes(res.into_body(), usize::MAX))
        .unwrap();
    assert_eq!(body(&bytes), outside);
    let res = actix_web::ResponseError::error_response(&OwnJson);
    let bytes = actix_web::body::to_bytes(res.into_body());
    let bytes = actix_web::rt::System::new().block_on(bytes).unwrap();
    assert_eq!(body(&bytes), outside);
    // The envelope holds the same flat object; a problem has its own shape, the default
    // rendering of the same fields.
    let enveloped = render(&ErrorFormat::new(WireFormat::Enveloped), &OwnJson, None);
    assert_eq!(enveloped, format!("{{\"error\":{outside}}}"));
    let problem = render(&ErrorFormat::new(WireFormat::Problem), &OwnJson, None);
    assert!(problem.contains(r#""detail":"default text""#), "{problem}");
    // A transparent variant sends the inner error's own body, in every format, through
    // its derived `write_json` and through a response.
    let wrapped = WrapsOwnJson::Own(OwnJson);
    let mut derived = Vec::new();
    wrapped.write_json(None, &mut derived);
    assert_eq!(body(&derived), outside);
    for format in [WireFormat::Flat, WireFormat::Enveloped, WireFormat::Problem] {
        let format = ErrorFormat::new(format);
        assert_eq!(
            render(&format, &wrapped, None),
            render(&format, &OwnJson, None)
        );
    }
    let res = axum::response::IntoResponse::into_response(WrapsOwnJson::Own(OwnJson));
    let bytes = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(axum::body::to_bytes(res.into_body(), usize::MAX))
        .unwrap();
    assert_eq!(body(&bytes), outside);

    // On live servers, in a request: the request's id goes in through `write_json`.
    let axum_addr = serve_axum(
        axum::Router::new()
            .route("/own", axum::routing::get(axum_own_json))
            .layer(api_error_core::axum::ApiErrorLayer::new()),
    );
    let actix_addr = serve_actix_app!(actix_web::App::new()
        .wrap(api_error_core::actix::ApiErrorMiddleware::new())
        .route("/own", actix_web::web::get().to(actix_own_json)));
    for addr in [axum_addr, actix_addr] {
        let resp = fetch_with(addr, "/own", &[("x-request-id", b"req_own")]);
        assert_eq!(resp.status, 409);
        assert_eq!(resp.text(), format!("{own},\"request_id\":\"req_own\"}}"));
        assert_eq!(resp.header("x-request-id"), Some("req_own"));
    }

    // Enveloped, with compression inside the layer and the middleware.
    let enveloped =
        || api_error_core::axum::ApiErrorLayer::new().wire_format(WireFormat::Enveloped);
    let axum_addr = serve_axum(
        axum::Router::new()
            .route("/own", axum::routing::get(axum_own_json))
            .layer(tower_http::compression::CompressionLayer::new())
            .layer(enveloped()),
    );
    let actix_addr = serve_actix_app!(actix_web::App::new()
        .wrap(actix_web::middleware::Compress::default())
        .wrap(api_error_core::actix::ApiErrorMiddleware::new().wire_format(WireFormat::Enveloped))
        .route("/own", actix_web::web::get().to(actix_own_json)));
    for addr in [axum_addr, actix_addr] {
        let headers: [(&str, &[u8]); 2] =
            [("x-request-id", b"req_env"), ("accept-encoding", b"gzip")];
        let raw = fetch_with(addr, "/own", &headers);
        assert_eq!(raw.header("content-encoding"), Some("gzip"), "{raw:?}");
        let resp = decoded(&raw);
        assert_eq!(resp.status, 409);
        assert_eq!(
            resp.text(),
            format!("{{\"error\":{own},\"request_id\":\"req_env\"}}}}")
        );
        assert_eq!(resp.header("x-request-id"), Some("req_env"));
    }
}

// ---------------------------------------------------------------------------------------------
// Live servers
// ---------------------------------------------------------------------------------------------

async fn axum_customer(
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<String, Shop> {
    Err(Shop::CustomerNotFound { id })
}

async fn axum_charge(axum::Json(c): axum::Json<Charge>) -> Result<String, Shop> {
    Err(Shop::InvalidAmount {
        field: format!("amount {}", c.amount),
    })
}

fn serve_axum_in(layer: api_error_core::axum::ApiErrorLayer) -> SocketAddr {
    use axum::routing::{get, post};
    let app = axum::Router::new()
        .route("/v1/customers/{id}", get(axum_customer))
        .route("/v1/charges", post(axum_charge))
        .route("/v1/panic", get(panics))
        .route(
            "/v1/auth",
            get(|| async { Err::<(), _>(Shop::InvalidApiKey) }),
        )
        .layer(layer);
    serve_axum(app)
}

async fn actix_customer(id: actix_web::web::Path<String>) -> Result<String, Shop> {
    Err(Shop::CustomerNotFound {
        id: id.into_inner(),
    })
}

async fn actix_charge(c: actix_web::web::Json<Charge>) -> Result<String, Shop> {
    Err(Shop::InvalidAmount {
        field: format!("amount {}", c.amount),
    })
}

fn actix_routes(cfg: &mut actix_web::web::ServiceConfig) {
    use actix_web::web;
    cfg.route("/v1/customers/{id}", web::get().to(actix_customer))
        .service(web::resource("/v1/charges").route(web::post().to(actix_charge)))
        .route("/v1/panic", web::get().to(panics))
        .route(
            "/v1/auth",
            web::get().to(|| async { Err::<String, _>(Shop::InvalidApiKey) }),
        );
}

/// The requests every live check sends: (method, path, headers, body).
type Req = (&'static str, &'static str, Option<&'static [u8]>);

const REQUESTS: [(Req, u16, &str); 6] = [
    (
        ("GET", "/v1/customers/cus_1", None),
        404,
        "resource_missing",
    ),
    (
        (
            "POST",
            "/v1/charges",
            Some(b"{\"amount\": 5, \"currency\": \"usd\"}"),
        ),
        422,
        "invalid_amount",
    ),
    (
        ("POST", "/v1/charges", Some(b"{not json")),
        400,
        "invalid_json",
    ),
    (("GET", "/v1/nope", None), 404, "route_not_found"),
    (("DELETE", "/v1/charges", None), 405, "method_not_allowed"),
    (("GET", "/v1/panic", None), 500, "internal_error"),
];

fn send(addr: SocketAddr, (method, path, body): Req, accept: Option<&[u8]>) -> Resp {
    let mut headers: Vec<(&str, &[u8])> = vec![("content-type", b"application/json")];
    if let Some(accept) = accept {
        headers.push(("accept", accept));
    }
    request(addr, method, path, &headers, body)
}

/// A live response in `format`: its content type, its shape, and the client reading it back
/// to the flat body the same request gets from the flat server.
fn check_live(resp: &Resp, flat: &Resp, format: WireFormat, status: u16, code: &str) {
    assert_eq!(resp.status, status, "{resp:?}");
    assert_eq!(
        resp.header("content-type"),
        Some(format.content_type()),
        "{resp:?}"
    );
    let json = resp.json();
    let id = resp.header(RID).unwrap();
    match format {
        WireFormat::Flat => assert_eq!(json["request_id"], id),
        WireFormat::Enveloped => {
            assert_eq!(json.as_object().unwrap().len(), 1, "{json}");
            assert_eq!(json["error"]["request_id"], id);
            assert_eq!(json["error"]["code"], code);
        }
        WireFormat::Problem => {
            let text = resp.text();
            let keys = [
                "type",
                "title",
                "status",
                "detail",
                "code",
                "param",
                "request_id",
                "error_type",
            ];
            assert_eq!(json.as_object().unwrap().len(), keys.len(), "{text}");
            let positions: Vec<usize> = keys
                .iter()
                .map(|k| text.find(&format!("\"{k}\":")).unwrap())
                .collect();
            assert!(positions.is_sorted(), "member order in {text}");
            assert_eq!(json["status"], status);
            assert_eq!(json["request_id"], id);
            assert_eq!(json["code"], code);
        }
    }
    assert!(!resp.text().contains(PANIC_TEXT));
    let mut headers = http::HeaderMap::new();
    headers.insert("x-request-id", id.parse().unwrap());
    let status = http::StatusCode::from_u16(status).unwrap();
    let got = ErrorResponse::from_parts(status, &headers, &resp.body);
    let want = ErrorResponse::from_parts(status, &http::HeaderMap::new(), &flat.body);
    let want = want.body().clone().with_request_id(id.to_owned());
    assert_eq!(got.body(), &want, "{format:?}: {}", resp.text());
}

fn check_servers(serve: fn(WireFormat) -> SocketAddr) {
    let flat = serve(WireFormat::Flat);
    for format in [WireFormat::Flat, WireFormat::Enveloped, WireFormat::Problem] {
        let addr = serve(format);
        for (req, status, code) in REQUESTS {
            let resp = send(addr, req, None);
            let flat_resp = send(flat, req, None);
            check_live(&resp, &flat_resp, format, status, code);
        }
        // Static headers, in every format.
        let resp = send(addr, ("GET", "/v1/auth", None), None);
        assert_eq!(resp.status, 401);
        assert_eq!(
            resp.header("www-authenticate"),
            Some("Bearer realm=\"api\"")
        );
    }

    // Accept negotiation on a flat server.
    for (accept, want) in [
        (&b"application/problem+json"[..], WireFormat::Problem),
        (
            b"application/json;q=0.5, application/problem+json",
            WireFormat::Problem,
        ),
        (
            b"application/json, application/problem+json;q=0.9",
            WireFormat::Flat,
        ),
        (b"*/*", WireFormat::Flat),
        (b"application/json", WireFormat::Flat),
        // Equal `q`: the type listed first (or named, against a wildcard).
        (
            b"application/problem+json, application/json",
            WireFormat::Problem,
        ),
        (
            b"application/json, application/problem+json",
            WireFormat::Flat,
        ),
        (b"application/problem+json, */*", WireFormat::Problem),
    ] {
        for (req, status, code) in REQUESTS {
            let resp = send(flat, req, Some(accept));
            let flat_resp = send(flat, req, None);
            check_live(&resp, &flat_resp, want, status, code);
        }
    }
    // `Accept` sent as several lines is one list (RFC 9110 §5.3), in order.
    for (lines, want) in [
        (
            &[&b"text/html"[..], b"application/problem+json"][..],
            WireFormat::Problem,
        ),
        (
            &[&b"application/json"[..], b"application/problem+json;q=0.9"][..],
            WireFormat::Flat,
        ),
    ] {
        for (req, status, code) in REQUESTS {
            let (method, path, body) = req;
            let mut headers: Vec<(&str, &[u8])> = vec![("content-type", b"application/json")];
            headers.extend(lines.iter().map(|l| ("accept", *l)));
            let resp = request(flat, method, path, &headers, body);
            let flat_resp = send(flat, req, None);
            check_live(&resp, &flat_resp, want, status, code);
        }
    }
    // Without `Accept`, the configured format: enveloped stays enveloped.
    let enveloped = serve(WireFormat::Enveloped);
    let resp = send(enveloped, REQUESTS[0].0, Some(b"application/json"));
    assert!(resp.json()["error"].is_object());
}

fn axum_in(format: WireFormat) -> SocketAddr {
    serve_axum_in(api_error_core::axum::ApiErrorLayer::new().wire_format(format))
}

fn actix_in(format: WireFormat) -> SocketAddr {
    serve_actix(
        actix_routes,
        Some(api_error_core::actix::ApiErrorMiddleware::new().wire_format(format)),
    )
}

#[test]
fn axum_in_every_format() {
    check_servers(axum_in);
}

#[test]
fn actix_in_every_format() {
    check_servers(actix_in);
}

/// The base joined with the code on a real server, on both frameworks: as configured when
/// it ends in `/`, with a `/` put in when it ends a path segment; an empty base is none.
#[test]
fn problem_type_base_on_the_layer_and_the_middleware() {
    const JOINED: &str = "https://docs.example.com/errors/";
    for (base, prefix) in [
        (JOINED, JOINED),
        ("https://docs.example.com/errors", JOINED),
        (
            "https://docs.example.com/errors#",
            "https://docs.example.com/errors#",
        ),
        (
            "https://docs.example.com/エラー",
            "https://docs.example.com/エラー/",
        ),
        ("  ", ""),
    ] {
        let axum = serve_axum_in(
            api_error_core::axum::ApiErrorLayer::new()
                .wire_format(WireFormat::Problem)
                .problem_type_base(base),
        );
        let actix = serve_actix(
            actix_routes,
            Some(
                api_error_core::actix::ApiErrorMiddleware::new()
                    .problem_type_base(base)
                    .wire_format(WireFormat::Problem),
            ),
        );
        let type_of = |code: &str| match prefix {
            "" => "about:blank".to_owned(),
            _ => format!("{prefix}{code}"),
        };
        for addr in [axum, actix] {
            let json = send(addr, REQUESTS[0].0, None).json();
            assert_eq!(json["type"], type_of("resource_missing"), "base {base:?}");
            let json = send(addr, REQUESTS[3].0, None).json();
            assert_eq!(json["type"], type_of("route_not_found"), "base {base:?}");
            assert_eq!(json["title"], "Not Found");
            assert_eq!(json["error_type"], "not_found_error");
        }
    }
}

#[test]
fn without_a_layer_errors_are_flat() {
    let res =
        axum::response::IntoResponse::into_response(Shop::CustomerNotFound { id: "cus_1".into() });
    assert_eq!(res.headers()["content-type"], "application/json");
}
