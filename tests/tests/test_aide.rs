//! OpenAPI documentation with aide: `ErrorBody` is `JsonSchema`, derived errors are
//! `OperationOutput`, `add_layer_responses` documents what `ApiErrorLayer` sends on its own,
//! and the resulting document is valid OpenAPI 3.1 (it round-trips through aide's own types).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod openapi_support;
mod web_support;

use aide::axum::routing::{delete, get, post, post_with};
use aide::axum::ApiRouter;
use aide::openapi::{Info, OpenApi, Operation};
use aide::OperationOutput;
use api_error_core::catalog::{CatalogEntry, ErrorCatalog};
use api_error_core::{ApiError, ErrorBody};
use axum::extract::Path;
use axum::Json;
use openapi_support::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Authentication errors, inlined into `PaymentError` by a transparent variant.
#[derive(Debug, thiserror::Error, ApiError)]
pub enum AuthError {
    /// The API key is missing, revoked or malformed.
    #[error("Invalid API key provided")]
    #[api_error(status = 401, code = "invalid_api_key")]
    InvalidApiKey,

    /// The API key lacks the permission this request needs.
    #[error("This API key cannot {action}")]
    #[api_error(status = 403, code = "permission_denied")]
    PermissionDenied { action: String },

    /// The session expired; log in again.
    #[error("Session expired")]
    #[api_error(status = 401, code = "session_expired")]
    SessionExpired,
}

/// The Display of `Database` holds this: it must never reach the document.
const SECRET: &str = "db password hunter2";

#[derive(Debug, thiserror::Error, ApiError)]
pub enum PaymentError {
    /// No customer has this id.
    #[error("No such customer: {id}")]
    #[api_error(status = 404, code = "resource_missing", param = "customer")]
    CustomerNotFound { id: String },

    /// An amount must be positive.
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
        wait: std::time::Duration,
    },

    /// A redacted 5xx: its `Display` must never reach the document.
    #[error("db password hunter2")]
    #[api_error(status = 500, code = "database_error")]
    Database,

    #[error(transparent)]
    #[api_error(transparent)]
    Auth(AuthError),
}

/// A struct error.
#[derive(Debug, thiserror::Error, ApiError)]
#[error("Idempotency key {key} was reused with different parameters")]
#[api_error(status = 409, code = "idempotency_key_reused")]
/// The idempotency key was already used with other parameters.
pub struct IdempotencyConflict {
    key: String,
}

/// A generic error type: the impl keeps its generics and where clause.
#[derive(Debug, thiserror::Error, ApiError)]
pub enum Wrapped<E>
where
    E: ApiError + ErrorCatalog + 'static,
{
    #[error("Service is shutting down")]
    #[api_error(status = 503, code = "shutting_down")]
    ShuttingDown,

    #[error(transparent)]
    #[api_error(transparent)]
    Inner(E),
}

/// A customer.
#[derive(Serialize, JsonSchema)]
pub struct Customer {
    id: String,
}

/// A charge.
#[derive(Serialize, JsonSchema)]
pub struct Charge {
    id: String,
    amount: i64,
}

/// The body of `POST /v1/charges` (the same shape as `web_support::Charge`).
#[derive(Deserialize, JsonSchema)]
pub struct NewCharge {
    amount: i64,
    currency: String,
}

#[derive(Deserialize, JsonSchema)]
pub struct CustomerPath {
    id: String,
}

async fn get_customer(Path(p): Path<CustomerPath>) -> Result<Json<Customer>, PaymentError> {
    if p.id == "cus_ok" {
        Ok(Json(Customer { id: p.id }))
    } else {
        Err(PaymentError::CustomerNotFound { id: p.id })
    }
}

async fn create_charge(Json(c): Json<NewCharge>) -> Result<Json<Charge>, PaymentError> {
    if c.amount <= 0 {
        return Err(PaymentError::InvalidAmount {
            field: "amount".into(),
        });
    }
    let _ = c.currency;
    Err(PaymentError::Database)
}

async fn replay(Json(_c): Json<NewCharge>) -> Result<Json<Charge>, IdempotencyConflict> {
    Err(IdempotencyConflict {
        key: "idem_1".into(),
    })
}

async fn me() -> Result<Json<Customer>, AuthError> {
    Err(AuthError::SessionExpired)
}

async fn logout() -> Result<(), Wrapped<AuthError>> {
    Err(Wrapped::ShuttingDown)
}

/// A handler that documents its own 415 as plain text: `add_layer_responses` leaves it.
async fn upload(Json(_c): Json<NewCharge>) -> Result<Json<Charge>, AuthError> {
    Err(AuthError::InvalidApiKey)
}

/// The documented routes (and, undocumented, the panicking one of the live check).
fn router() -> ApiRouter {
    ApiRouter::new()
        .api_route("/v1/customers/{id}", get(get_customer))
        .api_route("/v1/charges", post(create_charge))
        .api_route("/v1/replays", post(replay))
        .api_route("/v1/me", get(me))
        .api_route("/v1/session", delete(logout))
        .api_route(
            "/v1/uploads",
            post_with(upload, |op| op.response::<415, String>()),
        )
        .route("/v1/panic", axum::routing::get(web_support::panics))
}

/// The document `finish_api` produces, and the app.
fn finish() -> (OpenApi, axum::Router) {
    let mut api = OpenApi {
        info: Info {
            title: "Payments API".into(),
            version: "1.0.0".into(),
            ..Info::default()
        },
        ..OpenApi::default()
    };
    let app = router().finish_api(&mut api);
    (api, app)
}

fn doc() -> Value {
    serde_json::to_value(finish().0).unwrap()
}

fn doc_with_layer() -> Value {
    let (mut api, _) = finish();
    api_error_core::aide::add_layer_responses(&mut api);
    serde_json::to_value(api).unwrap()
}

/// The body a catalog entry documents: a param that a field gives shows as `"{field}"`, as
/// the message shows its template.
fn expected_body(entry: &CatalogEntry) -> Value {
    let param = match entry.code {
        "invalid_amount" => json!("{field}"),
        _ => json!(entry.param),
    };
    json!({
        "message": entry.message,
        "type": entry.error_type,
        "code": entry.code,
        "param": param,
        "request_id": null,
    })
}

/// Checks that `operation` documents every entry of `T`'s catalog: one response per status
/// (after the 2xx), each with the ErrorBody schema and one example per code.
fn check_documents<T: ErrorCatalog>(doc: &Value, operation: &Value, success: &str) {
    let catalog = T::catalog();
    let mut want: Vec<String> = catalog.iter().map(|e| e.status.to_string()).collect();
    want.sort();
    want.dedup();
    want.insert(0, success.to_owned());
    assert_eq!(statuses(operation), want);
    for entry in &catalog {
        let response = &operation["responses"][entry.status.to_string()];
        let description = response["description"].as_str().unwrap();
        assert!(description.contains(entry.code), "{description}");
        let schema = &response["content"]["application/json"]["schema"];
        assert_eq!(schema["$ref"], "#/components/schemas/ErrorBody", "{schema}");
        check_error_body_schema(&doc["components"]["schemas"]["ErrorBody"]);
        assert_eq!(
            examples(response)[entry.code],
            expected_body(entry),
            "{}",
            entry.code
        );
        assert!(response["headers"]["x-request-id"].is_object());
        assert!(response["headers"]["vary"].is_object());
        let retry = &response["headers"]["x-should-retry"]["schema"]["enum"];
        let want = if entry.retryable { "true" } else { "false" };
        assert!(retry.as_array().unwrap().contains(&json!(want)), "{retry}");
    }
}

#[test]
fn every_status_and_code_is_in_the_document() {
    let doc = doc();
    let paths = &doc["paths"];
    check_documents::<PaymentError>(&doc, &paths["/v1/customers/{id}"]["get"], "200");
    check_documents::<PaymentError>(&doc, &paths["/v1/charges"]["post"], "200");
    check_documents::<IdempotencyConflict>(&doc, &paths["/v1/replays"]["post"], "200");
    check_documents::<AuthError>(&doc, &paths["/v1/me"]["get"], "200");
    check_documents::<Wrapped<AuthError>>(&doc, &paths["/v1/session"]["delete"], "200");

    let customer = &paths["/v1/customers/{id}"]["get"];
    assert_eq!(
        statuses(customer),
        ["200", "401", "403", "404", "422", "429", "500"]
    );
    // Several codes under one status keep an example each, transparent ones included.
    let codes = |status: &str| -> Vec<String> {
        examples(&customer["responses"][status])
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(codes("401"), ["invalid_api_key", "session_expired"]);
    assert_eq!(codes("403"), ["permission_denied"]);
    let not_found = &customer["responses"]["404"];
    assert_eq!(
        not_found["description"],
        "Not Found. Codes: `resource_missing`."
    );
    let example = &not_found["content"]["application/json"]["examples"]["resource_missing"];
    assert_eq!(example["summary"], "No customer has this id.");
    assert_eq!(example["value"]["message"], "No such customer: {id}");
    assert_eq!(example["value"]["param"], "customer");

    let replay = &paths["/v1/replays"]["post"]["responses"]["409"];
    assert_eq!(
        examples(replay)["idempotency_key_reused"]["message"],
        "Idempotency key {key} was reused with different parameters"
    );
}

#[test]
fn examples_hold_no_internals() {
    for doc in [doc(), doc_with_layer()] {
        let text = serde_json::to_string(&doc).unwrap();
        assert!(!text.contains(SECRET), "internal detail leaked");
        assert!(!text.contains("hunter2"), "internal detail leaked");
        assert!(!text.contains(web_support::PANIC_TEXT));
    }
    let doc = doc();
    let example =
        &examples(&doc["paths"]["/v1/charges"]["post"]["responses"]["500"])["database_error"];
    assert_eq!(
        example["message"],
        api_error_core::status::generic_message(http::StatusCode::INTERNAL_SERVER_ERROR)
    );
    assert_eq!(example["type"], "api_error");
}

#[test]
fn error_body_schema_has_the_five_keys_and_matches_utoipa() {
    let schema = serde_json::to_value(schemars::schema_for!(ErrorBody<'static>)).unwrap();
    check_error_body_schema(&schema);
    assert_eq!(
        <ErrorBody<'static> as JsonSchema>::schema_name(),
        "ErrorBody"
    );

    // The component aide collected is the same schema as utoipa's.
    let doc = doc();
    let component = &doc["components"]["schemas"]["ErrorBody"];
    check_error_body_schema(component);
    let utoipa =
        serde_json::to_value(<ErrorBody<'static> as utoipa::PartialSchema>::schema()).unwrap();
    assert_eq!(component, &utoipa);

    // A body the server writes has exactly the schema's properties.
    let body = serde_json::to_value(PaymentError::Database.to_body()).unwrap();
    let errors = "errors".to_owned();
    let mut keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    keys.push(&errors); // only with field errors
    let mut props: Vec<&String> = component["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    let mut sorted_keys = keys.clone();
    sorted_keys.sort();
    props.sort();
    assert_eq!(sorted_keys, props);
}

#[test]
fn operation_response_holds_every_code() {
    let response = aide::generate::in_context(|ctx| {
        PaymentError::operation_response(ctx, &mut Operation::default())
    })
    .unwrap();
    let response = serde_json::to_value(response).unwrap();
    // (Sorted: with serde_json's `preserve_order`, the document keeps the catalog's order.)
    let mut names: Vec<String> = examples(&response).keys().cloned().collect();
    names.sort_unstable();
    let mut codes: Vec<&str> = PaymentError::catalog().iter().map(|e| e.code).collect();
    codes.sort_unstable();
    assert_eq!(names, codes);
    let description = response["description"].as_str().unwrap();
    assert!(
        description.contains("`resource_missing` (404)"),
        "{description}"
    );
    aide::generate::reset_context();
}

#[test]
fn layer_responses_go_on_every_operation() {
    let doc = doc_with_layer();
    let paths = &doc["paths"];

    // With a request body: 400, 413, 415, 422 and 500; 422 and 500 were documented by the
    // handler, so the layer's examples join the handler's.
    let charges = &paths["/v1/charges"]["post"];
    assert_eq!(
        statuses(charges),
        ["200", "400", "401", "403", "404", "413", "415", "422", "429", "500"]
    );
    let responses = &charges["responses"];
    assert_eq!(
        examples(&responses["400"]).keys().collect::<Vec<_>>(),
        ["invalid_json"]
    );
    assert_eq!(
        examples(&responses["415"]).keys().collect::<Vec<_>>(),
        ["unsupported_media_type"]
    );
    assert_eq!(
        examples(&responses["422"]).keys().collect::<Vec<_>>(),
        ["invalid_amount", "invalid_body"]
    );
    assert_eq!(
        responses["422"]["description"],
        "Unprocessable Entity. Codes: `invalid_amount`, `invalid_body`."
    );
    assert_eq!(
        examples(&responses["500"]).keys().collect::<Vec<_>>(),
        ["database_error", "internal_error"]
    );
    assert_eq!(
        examples(&responses["422"])["invalid_body"]["param"],
        "amount"
    );

    // A path parameter: what the layer sends when it does not deserialize.
    let customer = &paths["/v1/customers/{id}"]["get"];
    assert_eq!(
        statuses(customer),
        ["200", "400", "401", "403", "404", "422", "429", "500"]
    );
    assert_eq!(
        examples(&customer["responses"]["400"])
            .keys()
            .collect::<Vec<_>>(),
        ["invalid_path"]
    );

    // Without a body: only the 500.
    let me = &paths["/v1/me"]["get"];
    assert_eq!(statuses(me), ["200", "401", "403", "500"]);
    assert_eq!(
        examples(&me["responses"]["500"]),
        serde_json::Map::from_iter([(
            "internal_error".to_owned(),
            json!({
                "message": "An internal error occurred.",
                "type": "api_error",
                "code": "internal_error",
                "param": null,
                "request_id": null,
            })
        )])
    );
    assert_eq!(
        statuses(&paths["/v1/session"]["delete"]),
        ["200", "401", "403", "500", "503"]
    );

    // A status the handler documents with another body is left as it is.
    let uploads = &paths["/v1/uploads"]["post"]["responses"];
    assert_eq!(
        uploads["415"],
        json!({"description": "plain text", "content": {"text/plain; charset=utf-8": {}}})
    );
    assert_eq!(
        examples(&uploads["400"]).keys().collect::<Vec<_>>(),
        ["invalid_json"]
    );

    // Every layer response has the schema and headers of a derived one.
    for (status, code) in [
        ("400", "invalid_json"),
        ("415", "unsupported_media_type"),
        ("422", "invalid_body"),
        ("500", "internal_error"),
    ] {
        let response = &paths["/v1/replays"]["post"]["responses"][status];
        assert_eq!(
            response["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody"
        );
        assert!(response["headers"]["x-request-id"].is_object());
        assert_eq!(examples(response)[code]["code"], code);
    }

    // Ascending in the document itself (aide keeps insertion order), and idempotent.
    let (mut api, _) = finish();
    api_error_core::aide::add_layer_responses(&mut api);
    let paths = &api.paths.as_ref().unwrap().paths;
    let charges = paths["/v1/charges"]
        .as_item()
        .unwrap()
        .post
        .as_ref()
        .unwrap();
    let order: Vec<String> = charges
        .responses
        .as_ref()
        .unwrap()
        .responses
        .keys()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        order,
        ["200", "400", "401", "403", "404", "413", "415", "422", "429", "500"]
    );
    api_error_core::aide::add_layer_responses(&mut api);
    assert_eq!(serde_json::to_value(api).unwrap(), doc);
}

#[test]
fn layer_responses_without_a_collected_schema() {
    // A document whose handlers return no derived error: the call adds the `ErrorBody`
    // component itself, so every `$ref` resolves.
    async fn hello() -> &'static str {
        "hello"
    }
    let mut api = document_of("Hello", ApiRouter::new().api_route("/hello", get(hello)));
    api_error_core::aide::add_layer_responses(&mut api);
    let doc = serde_json::to_value(&api).unwrap();
    assert_eq!(statuses(&doc["paths"]["/hello"]["get"]), ["200", "500"]);
    check_error_body_schema(&doc["components"]["schemas"]["ErrorBody"]);
    check_openapi_31_structure(&doc);
}

/// What the layer really sends for each documented layer error matches the documented
/// example: status, type, code, param and message.
#[test]
fn the_layer_sends_what_is_documented() {
    let doc = doc_with_layer();
    let responses = &doc["paths"]["/v1/charges"]["post"]["responses"];
    let app = finish().1.layer(api_error_core::axum::ApiErrorLayer::new());
    let addr = web_support::serve_axum(app);

    let check = |resp: web_support::Resp, status: &str, code: &str| {
        assert_eq!(resp.status.to_string(), status, "{}", resp.text());
        let mut body = resp.json();
        body["request_id"] = Value::Null;
        assert_eq!(body, examples(&responses[status])[code], "{code}");
    };
    check(
        web_support::post_json(addr, "/v1/charges", r#"{"amount": 5,"#),
        "400",
        "invalid_json",
    );
    check(
        web_support::request(
            addr,
            "POST",
            "/v1/charges",
            &[],
            Some(br#"{"amount":5,"currency":"usd"}"#),
        ),
        "415",
        "unsupported_media_type",
    );
    check(
        web_support::post_json(addr, "/v1/charges", r#"{"currency":"usd"}"#),
        "422",
        "invalid_body",
    );
    // Just past axum's default body limit (2 MiB).
    let padding = "x".repeat(2 * 1024 * 1024);
    check(
        web_support::post_json(
            addr,
            "/v1/charges",
            &format!(r#"{{"currency":"{padding}"}}"#),
        ),
        "413",
        "payload_too_large",
    );
    check(
        web_support::fetch(addr, "/v1/panic"),
        "500",
        "internal_error",
    );

    // A client that prefers problem details gets the documented problem example.
    let problem = [
        ("content-type", &b"application/json"[..]),
        ("accept", b"application/problem+json"),
    ];
    let resp = web_support::request(
        addr,
        "POST",
        "/v1/charges",
        &problem,
        Some(b"{\"amount\": 5,"),
    );
    assert_eq!(
        resp.header("content-type"),
        Some("application/problem+json")
    );
    let mut body = resp.json();
    body["request_id"] = Value::Null;
    assert_eq!(body, problem_examples(&responses["400"])["invalid_json"]);
    let resp = web_support::fetch_with(addr, "/v1/panic", &[problem[1]]);
    let mut body = resp.json();
    body["request_id"] = Value::Null;
    assert_eq!(body, problem_examples(&responses["500"])["internal_error"]);
}

#[test]
fn problem_details_are_documented_next_to_json() {
    check_problem_examples(&doc());
    check_problem_examples(&doc_with_layer());
}

#[test]
fn documents_are_valid_openapi() {
    for doc in [doc(), doc_with_layer()] {
        check_openapi_31_structure(&doc);
        // Round trip through aide's own types: nothing lost, nothing unknown.
        let text = serde_json::to_string(&doc).unwrap();
        let parsed: OpenApi = serde_json::from_str(&text).unwrap();
        assert_eq!(serde_json::to_value(&parsed).unwrap(), doc);
        assert!(parsed.paths.is_some());
    }
}

#[test]
fn field_errors_responses_show_an_errors_array() {
    let responses = aide::generate::in_context(|ctx| {
        api_error_core::FieldErrors::inferred_responses(ctx, &mut Operation::default())
    });
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0].0, Some(422));
    let response = serde_json::to_value(&responses[0].1).unwrap();
    let example = &examples(&response)["validation_failed"];
    assert_eq!(example["param"], example["errors"][0]["param"]);
    assert_eq!(example["errors"].as_array().unwrap().len(), 2);

    // `FieldError` is `JsonSchema`, the same schema as the body's `errors` items.
    let item = serde_json::to_value(schemars::schema_for!(api_error_core::FieldError)).unwrap();
    let body = serde_json::to_value(schemars::schema_for!(ErrorBody<'static>)).unwrap();
    let inline = &body["properties"]["errors"]["items"];
    for key in ["type", "title", "properties", "required"] {
        assert_eq!(item[key], inline[key], "{key}");
    }
}

/// The document of `router`'s routes, titled `title`.
fn document_of(title: &str, router: ApiRouter) -> OpenApi {
    let mut api = OpenApi {
        info: Info {
            title: title.into(),
            version: "1".into(),
            ..Info::default()
        },
        ..OpenApi::default()
    };
    let _app: axum::Router = router.finish_api(&mut api);
    api
}

/// A 500 that clients must not retry.
#[derive(Debug, thiserror::Error, ApiError)]
enum LedgerError {
    #[error("ledger broken")]
    #[api_error(status = 500, code = "ledger_broken", retryable = false)]
    Broken,
}

/// The layer's panic 500 merged into a response whose own 500 is not retryable: its
/// `x-should-retry` allows both values, as both are sent.
#[test]
fn merged_examples_widen_x_should_retry() {
    async fn post_ledger(Json(_): Json<Value>) -> Result<&'static str, LedgerError> {
        Err(LedgerError::Broken)
    }
    let mut api = document_of(
        "Ledger",
        ApiRouter::new().api_route("/v1/ledger", post(post_ledger)),
    );
    let retry = |doc: &Value| {
        doc["paths"]["/v1/ledger"]["post"]["responses"]["500"]["headers"]["x-should-retry"]
            ["schema"]["enum"]
            .clone()
    };
    assert_eq!(
        retry(&serde_json::to_value(&api).unwrap()),
        json!(["false"])
    );
    api_error_core::aide::add_layer_responses(&mut api);
    let doc = serde_json::to_value(&api).unwrap();
    assert_eq!(retry(&doc), json!(["true", "false"]));
    assert_eq!(
        example_names(&doc["paths"]["/v1/ledger"]["post"]["responses"]["500"]),
        ["internal_error", "ledger_broken"]
    );
}

/// The body of `POST /v1/signups`, validated both ways.
#[derive(Deserialize, JsonSchema, validator::Validate, garde::Validate)]
#[allow(dead_code)]
struct Signup {
    #[validate(length(min = 2))]
    #[garde(length(min = 2))]
    name: String,
}

/// `Valid<Json<T>>` and `Garde<Json<T>>` in an aide `ApiRouter`: the operation documents the
/// wrapped JSON body and the 422 `validation_failed` answer (with `errors`), and
/// `add_layer_responses` then sees a body and adds its 400/415/422 examples.
#[test]
fn validating_extractors_document_their_body_and_422() {
    use api_error_core::axum::{Garde, Valid};
    async fn with_validator(Valid(Json(s)): Valid<Json<Signup>>) -> String {
        s.name
    }
    async fn with_garde(Garde(Json(s)): Garde<Json<Signup>>) -> String {
        s.name
    }
    let mut api = document_of(
        "Signups",
        ApiRouter::new()
            .api_route("/v1/signups", post(with_validator))
            .api_route("/v1/garde-signups", post(with_garde)),
    );
    api_error_core::aide::add_layer_responses(&mut api);
    let doc = serde_json::to_value(&api).unwrap();
    for path in ["/v1/signups", "/v1/garde-signups"] {
        let op = &doc["paths"][path]["post"];
        assert!(
            op["requestBody"]["content"]["application/json"]["schema"].is_object(),
            "{path}"
        );
        assert_eq!(
            statuses(op),
            ["200", "400", "413", "415", "422", "500"],
            "{path}"
        );
        let ex = examples(&op["responses"]["422"]);
        assert_eq!(
            example_names(&op["responses"]["422"]),
            ["invalid_body", "validation_failed"],
            "{path}"
        );
        assert!(ex["validation_failed"]["errors"].is_array(), "{path}");
    }
    check_openapi_31_structure(&doc);
}

/// Path parameters aide does not document (a `Path<u32>`, a tuple) are still path
/// parameters: the template's `{n}` gets the layer's 400 `invalid_path`, which the server
/// sends; and a handler can take the `RequestId` extractor.
#[test]
fn undocumented_path_parameters_and_the_request_id_extractor() {
    use api_error_core::RequestId;
    async fn item(Path(n): Path<u32>) -> String {
        n.to_string()
    }
    async fn pair(Path((a, b)): Path<(u32, u32)>) -> String {
        (a + b).to_string()
    }
    async fn whoami(id: RequestId) -> String {
        id.to_string()
    }
    let mut api = OpenApi::default();
    let app = ApiRouter::new()
        .api_route("/v1/items/{n}", get(item))
        .api_route("/v1/pairs/{a}/{b}", get(pair))
        .api_route("/v1/whoami", get(whoami))
        .finish_api(&mut api)
        .layer(api_error_core::axum::ApiErrorLayer::new());
    api_error_core::aide::add_layer_responses(&mut api);
    let doc = serde_json::to_value(&api).unwrap();
    for path in ["/v1/items/{n}", "/v1/pairs/{a}/{b}"] {
        let op = &doc["paths"][path]["get"];
        assert_eq!(statuses(op), ["200", "400", "500"], "{path}");
        assert_eq!(
            examples(&op["responses"]["400"]).keys().collect::<Vec<_>>(),
            ["invalid_path"],
            "{path}"
        );
    }
    assert_eq!(statuses(&doc["paths"]["/v1/whoami"]["get"]), ["200", "500"]);

    let addr = web_support::serve_axum(app);
    for path in ["/v1/items/abc", "/v1/pairs/1/x"] {
        let resp = web_support::request(addr, "GET", path, &[], None);
        assert_eq!(resp.status, 400, "{path}: {}", resp.text());
        assert_eq!(resp.json()["code"], "invalid_path", "{path}");
    }
    let resp = web_support::request(
        addr,
        "GET",
        "/v1/whoami",
        &[("x-request-id", &b"req_walk"[..])],
        None,
    );
    assert_eq!(resp.status, 200);
    assert_eq!(resp.text(), "req_walk");
}

/// A document with one operation, `POST path`, whose request body is of `media_type`.
fn posting(path: &str, media_type: &str) -> OpenApi {
    with_body(path, media_type, false)
}

/// [`posting`], as a `GET` (`get`) or a `POST`.
fn with_body(path: &str, media_type: &str, get: bool) -> OpenApi {
    use aide::openapi::{MediaType, PathItem, Paths, ReferenceOr, RequestBody};
    let body = RequestBody {
        content: [(media_type.to_owned(), MediaType::default())]
            .into_iter()
            .collect(),
        ..RequestBody::default()
    };
    let operation = Operation {
        request_body: Some(ReferenceOr::Item(body)),
        ..Operation::default()
    };
    let item = if get {
        PathItem {
            get: Some(operation),
            ..PathItem::default()
        }
    } else {
        PathItem {
            post: Some(operation),
            ..PathItem::default()
        }
    };
    OpenApi {
        paths: Some(Paths {
            paths: [(path.to_owned(), ReferenceOr::Item(item))]
                .into_iter()
                .collect(),
            ..Paths::default()
        }),
        ..OpenApi::default()
    }
}

/// An operation whose body is a form: the layer's responses are a form's (no `invalid_json`,
/// the form's content type in the 415), and they are what the server sends.
#[test]
fn layer_responses_of_a_form_body_are_what_is_sent() {
    let mut api = posting("/v1/charges", "application/x-www-form-urlencoded");
    api_error_core::aide::add_layer_responses(&mut api);
    let doc = serde_json::to_value(&api).unwrap();
    let responses = &doc["paths"]["/v1/charges"]["post"]["responses"];
    assert_eq!(
        statuses(&doc["paths"]["/v1/charges"]["post"]),
        ["413", "415", "422", "500"]
    );

    async fn charge(axum::Form(c): axum::Form<NewCharge>) -> String {
        format!("{} {}", c.amount, c.currency)
    }
    let app = axum::Router::new()
        .route("/v1/charges", axum::routing::post(charge))
        .layer(api_error_core::axum::ApiErrorLayer::new());
    let addr = web_support::serve_axum(app);
    let form = ("content-type", &b"application/x-www-form-urlencoded"[..]);
    let check = |resp: web_support::Resp, status: &str, code: &str| {
        assert_eq!(resp.status.to_string(), status, "{}", resp.text());
        let mut body = resp.json();
        body["request_id"] = Value::Null;
        assert_eq!(body, examples(&responses[status])[code], "{code}");
    };
    let resp = web_support::request(addr, "POST", "/v1/charges", &[form], Some(b"currency=usd"));
    check(resp, "422", "invalid_body");
    let resp = web_support::request(
        addr,
        "POST",
        "/v1/charges",
        &[],
        Some(b"amount=5&currency=usd"),
    );
    check(resp, "415", "unsupported_media_type");
}

/// An operation whose body is plain text: the server checks its size and that it is UTF-8,
/// so the layer's responses are the 413 and a 400 (and the panic's 500), and they are what
/// the server sends.
#[test]
fn layer_responses_of_a_text_body_are_its_size_and_encoding() {
    let mut api = posting("/v1/notes", "text/plain; charset=utf-8");
    api_error_core::aide::add_layer_responses(&mut api);
    let doc = serde_json::to_value(&api).unwrap();
    assert_eq!(
        statuses(&doc["paths"]["/v1/notes"]["post"]),
        ["400", "413", "500"]
    );
    let documented =
        &examples(&doc["paths"]["/v1/notes"]["post"]["responses"]["413"])["payload_too_large"];

    async fn note(text: String) -> String {
        text.len().to_string()
    }
    let app = axum::Router::new()
        .route("/v1/notes", axum::routing::post(note))
        .layer(api_error_core::axum::ApiErrorLayer::new());
    let addr = web_support::serve_axum(app);
    let text = ("content-type", &b"text/plain"[..]);
    // Not JSON, and no JSON error for it.
    let resp = web_support::request(addr, "POST", "/v1/notes", &[text], Some(b"{not json"));
    assert_eq!(resp.status, 200, "{}", resp.text());
    let big = vec![b'a'; 2 * 1024 * 1024 + 1];
    let resp = web_support::request(addr, "POST", "/v1/notes", &[text], Some(&big));
    assert_eq!(resp.status, 413, "{}", resp.text());
    let mut body = resp.json();
    body["request_id"] = Value::Null;
    assert_eq!(&body, documented);
    // Text that is not UTF-8: the 400 documented.
    let resp = web_support::request(addr, "POST", "/v1/notes", &[text], Some(b"caf\xe9"));
    assert_eq!(resp.status, 400, "{}", resp.text());
    let mut body = resp.json();
    body["request_id"] = Value::Null;
    assert_eq!(
        body,
        examples(&doc["paths"]["/v1/notes"]["post"]["responses"]["400"])["invalid_body"]
    );
}

/// With the layer's request-id header renamed (Stripe's `request-id`), the document names
/// the header the server sends, on every error response it wrote.
#[test]
fn a_renamed_request_id_header_is_documented_as_sent() {
    use aide::openapi::{Header, ParameterSchemaOrContent, ReferenceOr, SchemaObject, StatusCode};
    use api_error_core::axum::ApiErrorLayer;
    let (mut api, app) = finish();
    api_error_core::aide::add_layer_responses(&mut api);
    // A response of ours on which the app documents a `request-id` of its own.
    let paths = api.paths.as_mut().unwrap();
    let Some(ReferenceOr::Item(item)) = paths.paths.get_mut("/v1/customers/{id}") else {
        panic!("no path");
    };
    let responses = item
        .get
        .as_mut()
        .and_then(|o| o.responses.as_mut())
        .unwrap();
    let Some(ReferenceOr::Item(not_found)) = responses.responses.get_mut(&StatusCode::Code(404))
    else {
        panic!("no 404");
    };
    let own = Header {
        description: Some("Theirs".to_owned()),
        style: Default::default(),
        required: false,
        deprecated: None,
        format: ParameterSchemaOrContent::Schema(SchemaObject {
            json_schema: schemars::json_schema!({"type": "string"}),
            external_docs: None,
            example: None,
        }),
        example: None,
        examples: Default::default(),
        extensions: Default::default(),
    };
    // Named in another case: the same header.
    not_found
        .headers
        .insert("Request-Id".to_owned(), ReferenceOr::Item(own));
    let name = http::HeaderName::from_static("request-id");
    api_error_core::aide::document_request_id_header(&mut api, &name);
    let doc = serde_json::to_value(&api).unwrap();
    let not_found = &doc["paths"]["/v1/customers/{id}"]["get"]["responses"]["404"]["headers"];
    assert_eq!(not_found["Request-Id"]["description"], "Theirs");
    assert!(not_found["request-id"].is_null() && not_found["x-request-id"].is_null());
    let addr = web_support::serve_axum(app.layer(ApiErrorLayer::new().request_id_header(name)));
    let resp = web_support::fetch(addr, "/v1/panic");
    assert_eq!(resp.status, 500);
    assert!(resp.header("request-id").is_some(), "{:?}", resp.headers);
    assert!(resp.header("x-request-id").is_none());
    // What a documented operation's panic gets.
    let documented = &doc["paths"]["/v1/charges"]["post"]["responses"]["500"]["headers"];
    assert!(documented["request-id"].is_object(), "{documented}");
    // Every error response of the document: none says `x-request-id` any more.
    assert!(request_id_headers_named(&doc, "request-id") >= 10);
    check_openapi_31_structure(&doc);
}

/// A handler whose own error type has a 422 (`invalid_amount`) behind a validating
/// extractor: the 422 documents both codes, the extractor's `validation_failed` (with its
/// `errors` sample) merged into the handler's, not dropped as a conflict.
#[test]
fn validating_extractor_beside_the_handlers_own_422() {
    use api_error_core::axum::{Garde, Valid};
    async fn with_validator(Valid(Json(s)): Valid<Json<Signup>>) -> Result<String, PaymentError> {
        Ok(s.name)
    }
    async fn with_garde(Garde(Json(s)): Garde<Json<Signup>>) -> Result<String, PaymentError> {
        Ok(s.name)
    }
    let api = document_of(
        "Signups",
        ApiRouter::new()
            .api_route("/v1/signups", post(with_validator))
            .api_route("/v1/garde-signups", post(with_garde)),
    );
    let doc = serde_json::to_value(&api).unwrap();
    for path in ["/v1/signups", "/v1/garde-signups"] {
        let response = &doc["paths"][path]["post"]["responses"]["422"];
        let ex = examples(response);
        assert_eq!(
            ex.keys().collect::<Vec<_>>(),
            ["invalid_amount", "validation_failed"],
            "{path}"
        );
        assert!(ex["validation_failed"]["errors"].is_array(), "{path}");
        let description = response["description"].as_str().unwrap();
        assert!(
            description.contains("`invalid_amount`") && description.contains("`validation_failed`"),
            "{path}: {description}"
        );
    }
    check_openapi_31_structure(&doc);
}

/// What a variant's delay and static headers add to its response is documented.
#[test]
fn retry_and_static_headers_are_documented() {
    async fn gate() -> Result<&'static str, GateError> {
        Err(GateError::Unauthenticated)
    }
    let api = document_of("Gate", ApiRouter::new().api_route("/gate", get(gate)));
    let doc = serde_json::to_value(&api).unwrap();
    let responses = &doc["paths"]["/gate"]["get"]["responses"];
    let limited = &responses["429"]["headers"];
    assert_eq!(limited["retry-after"]["schema"]["type"], "integer");
    assert_eq!(limited["retry-after-ms"]["schema"]["type"], "integer");
    let unauthenticated = &responses["401"]["headers"];
    assert_eq!(
        unauthenticated["www-authenticate"]["schema"]["enum"],
        json!(["Bearer realm=\"api\"", "Bearer error=\"invalid_token\""])
    );
    assert!(unauthenticated.get("retry-after").is_none());
    check_openapi_31_structure(&doc);
}

/// The document follows the format the layer is configured with.
#[test]
fn documents_follow_the_configured_format() {
    let before = doc_with_layer();
    check_document_format(&before, |format| {
        let (mut api, _) = finish();
        api_error_core::aide::add_layer_responses(&mut api);
        api_error_core::aide::document_format(&mut api, format);
        serde_json::to_value(api).unwrap()
    });
}

/// A multipart upload: its size is checked, and that its content type has a boundary (a
/// 400 `invalid_request`, axum's `Multipart` text as the message).
#[test]
fn layer_responses_of_a_multipart_body_are_its_size_and_boundary() {
    let mut api = posting("/v1/uploads", "multipart/form-data");
    api_error_core::aide::add_layer_responses(&mut api);
    let doc = serde_json::to_value(&api).unwrap();
    let op = &doc["paths"]["/v1/uploads"]["post"];
    assert_eq!(statuses(op), ["400", "413", "500"]);
    let example = &examples(&op["responses"]["400"])["invalid_request"];
    assert_eq!(
        example["message"],
        "Invalid `boundary` for `multipart/form-data` request."
    );
}

/// `GET /v1/search` taking a `Form` with a number `n`, under the layer (axum routes `HEAD`
/// to it too).
fn serve_form_search() -> std::net::SocketAddr {
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Search {
        n: u32,
    }
    async fn search(axum::extract::Form(_): axum::extract::Form<Search>) -> &'static str {
        "ok"
    }
    let app = axum::Router::new()
        .route("/v1/search", axum::routing::get(search))
        .layer(api_error_core::axum::ApiErrorLayer::new());
    web_support::serve_axum(app)
}

/// axum's `Form` on a `GET` reads the query string, and aide documents it as a body: the
/// operation gets the query's 400 `invalid_query`, which the server sends, and none of a
/// body's errors (413, 415, 422).
#[test]
fn a_form_on_a_get_is_documented_and_answered_as_a_query() {
    let mut api = with_body("/v1/search", "application/x-www-form-urlencoded", true);
    api_error_core::aide::add_layer_responses(&mut api);
    let doc = serde_json::to_value(&api).unwrap();
    let op = &doc["paths"]["/v1/search"]["get"];
    assert_eq!(statuses(op), ["400", "500"]);
    let documented = &examples(&op["responses"]["400"])["invalid_query"];

    let addr = serve_form_search();
    assert_eq!(web_support::fetch(addr, "/v1/search?n=7").text(), "ok");
    let resp = web_support::fetch(addr, "/v1/search?n=x");
    let body = web_support::check_error(
        &resp,
        400,
        "invalid_request_error",
        "invalid_query",
        Some(web_support::RID),
    );
    assert_eq!(body["param"], "n");
    assert_eq!(body["type"], documented["type"]);
    assert_eq!(body["code"], documented["code"]);
}

/// axum's `Form` on a `HEAD` reads the body, and answers one of the wrong shape with a 400:
/// the operation gets a form body's 413 and 415 and that 400 `invalid_body`, not the 422.
#[test]
fn a_form_on_a_head_is_documented_as_a_body_with_a_400() {
    let mut api = with_body("/v1/search", "application/x-www-form-urlencoded", true);
    // The same operation, as a HEAD.
    if let Some(aide::openapi::ReferenceOr::Item(item)) = api
        .paths
        .as_mut()
        .and_then(|paths| paths.paths.get_mut("/v1/search"))
    {
        item.head = item.get.take();
    }
    api_error_core::aide::add_layer_responses(&mut api);
    let doc = serde_json::to_value(&api).unwrap();
    let op = &doc["paths"]["/v1/search"]["head"];
    assert_eq!(statuses(op), ["400", "413", "415", "500"]);
    assert_eq!(example_names(&op["responses"]["400"]), ["invalid_body"]);

    let addr = serve_form_search();
    let form = ("content-type", &b"application/x-www-form-urlencoded"[..]);
    let resp = web_support::request(addr, "HEAD", "/v1/search", &[form], Some(b"n=x"));
    assert_eq!(resp.status, 400, "{resp:?}");
    let resp = web_support::request(addr, "HEAD", "/v1/search", &[], None);
    assert_eq!(resp.status, 415, "{resp:?}");
}
