//! OpenAPI documentation with utoipa: `ErrorBody` is `ToSchema`, derived errors are
//! `IntoResponses`, and the resulting document is valid OpenAPI 3.1 structure.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// utoipa's macros expand to paths that the `unused_qualifications` lint flags.
#![allow(unused_qualifications)]

mod openapi_support;

use std::collections::BTreeSet;

use api_error_core::catalog::{CatalogEntry, ErrorCatalog};
use api_error_core::{ApiError, ErrorBody};
use openapi_support::*;
use serde_json::Value;
use utoipa::{IntoResponses, OpenApi, PartialSchema, ToSchema};

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

#[derive(Debug, thiserror::Error, ApiError)]
pub enum PaymentError {
    /// No customer has this id.
    #[error("No such customer: {id}")]
    #[api_error(status = 404, code = "resource_missing", param = "customer")]
    CustomerNotFound { id: String },

    /// No charge has this id.
    #[error("No such charge: {0}")]
    #[api_error(status = 404, code = "charge_missing")]
    ChargeNotFound(String),

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

/// A hand-written catalog, implemented through the same macro the derive uses, with generics
/// and a where clause ending in a comma.
pub struct Hand<T>(T);
impl<T> ErrorCatalog for Hand<T> {
    fn catalog() -> Vec<CatalogEntry> {
        vec![CatalogEntry {
            variant: "Teapot",
            status: 418,
            error_type: "invalid_request_error",
            code: "teapot",
            message: "I'm a teapot",
            param: None,
            retryable: false,
            doc: "",
        }]
    }
}
api_error_core::__impl_utoipa! { [<T>] [Hand<T>] [where T: Send,] }

#[derive(serde::Serialize, ToSchema)]
pub struct Customer {
    id: String,
}

#[utoipa::path(
    get,
    path = "/v1/customers/{id}",
    params(("id" = String, Path, description = "The customer id")),
    responses((status = 200, description = "The customer", body = Customer), PaymentError),
)]
#[allow(dead_code)]
async fn get_customer() {}

#[utoipa::path(
    get,
    path = "/v1/me",
    responses((status = 200, description = "Me"), AuthError),
)]
#[allow(dead_code)]
async fn me() {}

#[utoipa::path(
    delete,
    path = "/v1/session",
    responses((status = 204, description = "Logged out"), Wrapped<AuthError>),
)]
#[allow(dead_code)]
async fn logout() {}

/// The body of `POST /v1/charges`.
#[derive(serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct NewCharge {
    amount: i64,
}

#[utoipa::path(
    post,
    path = "/v1/charges",
    request_body = NewCharge,
    responses((status = 200, description = "The charge"), PaymentError),
)]
#[allow(dead_code)]
async fn create_charge() {}

/// Documents its own 415 (plain text) and a 5XX range: the layer leaves both.
#[utoipa::path(
    post,
    path = "/v1/uploads",
    request_body = NewCharge,
    responses(
        (status = 200, description = "Uploaded"),
        (status = 415, description = "Only CSV", body = String, content_type = "text/plain"),
        (status = "5XX", description = "Server trouble"),
    ),
)]
#[allow(dead_code)]
async fn upload() {}

/// Query parameters, and a body: the layer's 400 carries both codes.
#[utoipa::path(
    post,
    path = "/v1/refunds",
    params(("limit" = u32, Query, description = "At most this many")),
    request_body = NewCharge,
    responses((status = 200, description = "The refunds")),
)]
#[allow(dead_code)]
async fn refunds() {}

/// Without `components(schemas(ErrorBody))`: every `$ref` must still resolve.
#[derive(OpenApi)]
#[openapi(paths(get_customer, me, logout))]
struct ApiDoc;

/// With operations that take a body, for `add_layer_responses`.
#[derive(OpenApi)]
#[openapi(paths(get_customer, me, create_charge, upload, refunds))]
struct LayerDoc;

fn layer_doc() -> Value {
    let mut doc = LayerDoc::openapi();
    api_error_core::utoipa::add_layer_responses(&mut doc);
    serde_json::to_value(doc).unwrap()
}

/// With `ErrorBody` registered as a component.
#[derive(OpenApi)]
#[openapi(paths(get_customer), components(schemas(ErrorBody)))]
struct ApiDocWithSchema;

fn doc() -> Value {
    let json = ApiDoc::openapi().to_pretty_json().unwrap();
    serde_json::from_str(&json).unwrap()
}

/// A path template with a parameter the operation does not document still has one: the
/// layer's 400 `invalid_path` is added.
#[test]
fn an_undocumented_path_parameter_gets_invalid_path() {
    #[utoipa::path(get, path = "/v1/things/{id}", responses((status = 200, description = "A thing")))]
    #[allow(dead_code)]
    async fn thing() {}
    #[derive(OpenApi)]
    #[openapi(paths(thing))]
    struct Doc;
    let mut doc = Doc::openapi();
    api_error_core::utoipa::add_layer_responses(&mut doc);
    let doc = serde_json::to_value(doc).unwrap();
    let responses = &doc["paths"]["/v1/things/{id}"]["get"]["responses"];
    assert_eq!(
        responses.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["200", "400", "500"]
    );
    assert_eq!(
        responses["400"]["content"]["application/json"]["examples"]["invalid_path"]["value"]
            ["code"],
        "invalid_path"
    );
}

/// With the layer's request-id header renamed (Stripe's `request-id`), every error response
/// this crate wrote documents that header; one the app wrote itself, with its own
/// `x-request-id`, is left as it is.
#[test]
fn a_renamed_request_id_header_is_documented_as_sent() {
    use utoipa::openapi::{header::HeaderBuilder, RefOr, ResponseBuilder};
    let mut openapi = LayerDoc::openapi();
    api_error_core::utoipa::add_layer_responses(&mut openapi);
    let theirs = ResponseBuilder::new()
        .description("The app's own")
        .header(
            "x-request-id",
            HeaderBuilder::new().description(Some("Theirs")).build(),
        )
        .build();
    let components = openapi.components.get_or_insert_with(Default::default);
    components
        .responses
        .insert("Theirs".to_owned(), RefOr::T(theirs));
    // A response of ours on which the app documents a `request-id` of its own.
    let operation = openapi
        .paths
        .paths
        .get_mut("/v1/customers/{id}")
        .and_then(|item| item.get.as_mut())
        .unwrap();
    let Some(RefOr::T(not_found)) = operation.responses.responses.get_mut("404") else {
        panic!("no 404");
    };
    let own = HeaderBuilder::new().description(Some("Theirs too")).build();
    not_found
        .headers
        .insert("request-id".to_owned(), RefOr::T(own));
    // The name an actix-web middleware was given (`http` 0.2's `HeaderName`); an axum
    // layer's `http::HeaderName` or a `&str` does as well.
    let name = actix_web::http::header::HeaderName::from_static("request-id");
    api_error_core::utoipa::document_request_id_header(&mut openapi, &name);
    // Not a header name: nothing changes.
    let before = serde_json::to_value(&openapi).unwrap();
    api_error_core::utoipa::document_request_id_header(&mut openapi, "request id");
    assert_eq!(serde_json::to_value(&openapi).unwrap(), before);
    let doc = serde_json::to_value(&openapi).unwrap();
    assert!(request_id_headers_named(&doc, "request-id") >= 10);
    let theirs = &doc["components"]["responses"]["Theirs"]["headers"];
    assert_eq!(theirs["x-request-id"]["description"], "Theirs");
    assert!(theirs["request-id"].is_null());
    let not_found = &doc["paths"]["/v1/customers/{id}"]["get"]["responses"]["404"]["headers"];
    assert_eq!(not_found["request-id"]["description"], "Theirs too");
    check_openapi_31_structure(&doc);
}

fn responses_of<T: IntoResponses>() -> Value {
    serde_json::to_value(T::responses()).unwrap()
}

#[test]
fn error_body_is_to_schema() {
    assert_eq!(<ErrorBody<'static> as ToSchema>::name(), "ErrorBody");
    let schema = serde_json::to_value(ErrorBody::schema()).unwrap();
    check_error_body_schema(&schema);

    let registered = serde_json::to_value(ApiDocWithSchema::openapi()).unwrap();
    check_error_body_schema(&registered["components"]["schemas"]["ErrorBody"]);
}

#[test]
fn the_schema_validates_a_real_body() {
    // A body the server writes has exactly the schema's properties, none missing (`errors`
    // only with field errors).
    let err = PaymentError::CustomerNotFound { id: "cus_1".into() };
    let body = serde_json::to_value(err.to_body()).unwrap();
    let schema = serde_json::to_value(ErrorBody::schema()).unwrap();
    let mut keys: BTreeSet<&String> = body.as_object().unwrap().keys().collect();
    let props: BTreeSet<&String> = schema["properties"].as_object().unwrap().keys().collect();
    let errors = "errors".to_owned();
    keys.insert(&errors);
    assert_eq!(keys, props);
    let with_errors = api_error_core::FieldErrors::from(api_error_core::FieldError::new(
        "name",
        "length",
        "must be at least 2 characters long",
    ));
    let body = serde_json::to_value(with_errors.to_body()).unwrap();
    let keys: BTreeSet<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, props);
}

#[test]
fn one_response_per_status_with_one_example_per_code() {
    let responses = responses_of::<PaymentError>();
    let statuses: Vec<&String> = responses.as_object().unwrap().keys().collect();
    assert_eq!(statuses, ["401", "403", "404", "429", "500"]);

    for entry in PaymentError::catalog() {
        let response = &responses[entry.status.to_string()];
        let description = response["description"].as_str().unwrap();
        assert!(description.contains(entry.code), "{description}");
        let content = &response["content"]["application/json"];
        check_error_body_schema(&content["schema"]);
        let example = &content["examples"][entry.code];
        // A param that a field gives shows as `"{field}"`, as the message shows its template.
        let param = match entry.code {
            "invalid_amount" => serde_json::json!("{field}"),
            _ => serde_json::json!(entry.param),
        };
        assert_eq!(
            example["value"],
            serde_json::json!({
                "message": entry.message,
                "type": entry.error_type,
                "code": entry.code,
                "param": param,
                "request_id": null,
            }),
            "{}",
            entry.code
        );
    }

    // Several codes under one status keep an example each, including transparent ones.
    let codes = |status: &str| -> BTreeSet<String> {
        responses[status]["content"]["application/json"]["examples"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(
        codes("404"),
        BTreeSet::from(["resource_missing".into(), "charge_missing".into()])
    );
    assert_eq!(
        codes("401"),
        BTreeSet::from(["invalid_api_key".into(), "session_expired".into()])
    );
    assert_eq!(codes("403"), BTreeSet::from(["permission_denied".into()]));

    let described = responses["404"]["description"].as_str().unwrap();
    assert!(described.starts_with("Not Found"), "{described}");
    let example = &responses["404"]["content"]["application/json"]["examples"]["resource_missing"];
    assert_eq!(example["value"]["message"], "No such customer: {id}");
    assert_eq!(example["value"]["param"], "customer");
    assert_eq!(example["summary"], "No customer has this id.");
}

#[test]
fn redacted_5xx_shows_only_the_generic_message() {
    let text = serde_json::to_string(&doc()).unwrap();
    assert!(!text.contains("hunter2"), "internal detail leaked");
    let responses = responses_of::<PaymentError>();
    let example = &responses["500"]["content"]["application/json"]["examples"]["database_error"];
    assert_eq!(
        example["value"]["message"],
        api_error_core::status::generic_message(http::StatusCode::INTERNAL_SERVER_ERROR)
    );
    assert_eq!(example["value"]["type"], "api_error");
}

#[test]
fn retry_header_follows_the_catalog() {
    let responses = responses_of::<PaymentError>();
    let retry =
        |status: &str| responses[status]["headers"]["x-should-retry"]["schema"]["enum"].clone();
    assert_eq!(retry("404"), serde_json::json!(["false"]));
    assert_eq!(retry("429"), serde_json::json!(["true"]));
    assert_eq!(retry("500"), serde_json::json!(["true"]));
    assert!(responses["404"]["headers"]["x-request-id"].is_object());
}

#[test]
fn generics_and_hand_written_catalogs() {
    let wrapped = responses_of::<Wrapped<AuthError>>();
    let statuses: Vec<&String> = wrapped.as_object().unwrap().keys().collect();
    assert_eq!(statuses, ["401", "403", "503"]);
    assert!(
        wrapped["401"]["content"]["application/json"]["examples"]["session_expired"].is_object()
    );

    let hand = responses_of::<Hand<u8>>();
    assert_eq!(
        hand["418"]["content"]["application/json"]["examples"]["teapot"]["value"]["message"],
        "I'm a teapot"
    );
}

#[test]
fn paths_carry_the_error_responses() {
    let doc = doc();
    let customer = &doc["paths"]["/v1/customers/{id}"]["get"]["responses"];
    let statuses: Vec<&String> = customer.as_object().unwrap().keys().collect();
    assert_eq!(statuses, ["200", "401", "403", "404", "429", "500"]);
    let me = &doc["paths"]["/v1/me"]["get"]["responses"];
    assert_eq!(
        me.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["200", "401", "403"]
    );
    let logout = &doc["paths"]["/v1/session"]["delete"]["responses"];
    assert_eq!(
        logout.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["204", "401", "403", "503"]
    );
}

#[test]
fn document_is_openapi_31_and_every_ref_resolves() {
    let doc = doc();
    check_openapi_31_structure(&doc);
    // The 200 body is a $ref to a component; it resolves.
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.contains(&"#/components/schemas/Customer"), "{all:?}");

    check_openapi_31_structure(&serde_json::to_value(ApiDocWithSchema::openapi()).unwrap());
    check_openapi_31_structure(&layer_doc());
}

#[test]
fn layer_responses_go_on_every_operation() {
    let doc = layer_doc();
    let paths = &doc["paths"];

    // With a request body: 400, 415, 422 and 500; the handler documents no 422 here but
    // a 500, so the layer's example joins its own.
    let charges = &paths["/v1/charges"]["post"];
    assert_eq!(
        statuses(charges),
        ["200", "400", "401", "403", "404", "413", "415", "422", "429", "500"]
    );
    let responses = &charges["responses"];
    for (status, code) in [
        ("400", "invalid_json"),
        ("415", "unsupported_media_type"),
        ("422", "invalid_body"),
    ] {
        let response = &responses[status];
        assert_eq!(
            examples(response).keys().collect::<Vec<_>>(),
            [code],
            "{status}"
        );
        check_error_body_schema(&response["content"]["application/json"]["schema"]);
        assert!(response["headers"]["x-request-id"].is_object());
        assert_eq!(
            response["headers"]["x-should-retry"]["schema"]["enum"],
            serde_json::json!(["false"])
        );
    }
    assert_eq!(
        examples(&responses["422"])["invalid_body"],
        serde_json::json!({
            "message": "Failed to deserialize the JSON body into the target type: missing field `amount` at line 1 column 18.",
            "type": "validation_error",
            "code": "invalid_body",
            "param": "amount",
            "request_id": null,
        })
    );
    assert_eq!(
        examples(&responses["500"]).keys().collect::<Vec<_>>(),
        ["database_error", "internal_error"]
    );
    assert_eq!(
        responses["500"]["description"],
        "Internal Server Error. Codes: `database_error`, `internal_error`."
    );

    // Query parameters and a body: one 400 with both codes.
    let refunds = &paths["/v1/refunds"]["post"];
    assert_eq!(
        statuses(refunds),
        ["200", "400", "413", "415", "422", "500"]
    );
    let bad = examples(&refunds["responses"]["400"]);
    assert_eq!(
        bad.keys().collect::<Vec<_>>(),
        ["invalid_json", "invalid_query"]
    );
    assert_eq!(bad["invalid_query"]["param"], "limit");
    assert_eq!(
        refunds["responses"]["400"]["description"],
        "Bad Request. Codes: `invalid_json`, `invalid_query`."
    );

    // Without a body: only the 500.
    assert_eq!(
        statuses(&paths["/v1/me"]["get"]),
        ["200", "401", "403", "500"]
    );
    let me_500 = &paths["/v1/me"]["get"]["responses"]["500"];
    assert_eq!(examples(me_500)["internal_error"]["type"], "api_error");
    assert_eq!(
        examples(me_500)["internal_error"]["message"],
        "An internal error occurred."
    );
    // A path parameter: what the layer sends when it does not deserialize.
    let customer = &paths["/v1/customers/{id}"]["get"];
    assert_eq!(
        statuses(customer),
        ["200", "400", "401", "403", "404", "429", "500"]
    );
    assert_eq!(
        examples(&customer["responses"]["400"]),
        serde_json::Map::from_iter([(
            "invalid_path".to_owned(),
            serde_json::json!({
                "message": "Invalid URL: Cannot parse `abc` to a `u32`.",
                "type": "invalid_request_error",
                "code": "invalid_path",
                "param": "id",
                "request_id": null,
            })
        )])
    );

    // What the handler documents with another body, or as a range, is left as it is.
    let uploads = &paths["/v1/uploads"]["post"];
    assert_eq!(
        statuses(uploads),
        ["200", "400", "413", "415", "422", "5XX"]
    );
    let original = serde_json::to_value(LayerDoc::openapi()).unwrap();
    let before = &original["paths"]["/v1/uploads"]["post"]["responses"];
    assert_eq!(uploads["responses"]["415"], before["415"]);
    assert_eq!(uploads["responses"]["5XX"], before["5XX"]);

    // Idempotent.
    let mut again = LayerDoc::openapi();
    api_error_core::utoipa::add_layer_responses(&mut again);
    api_error_core::utoipa::add_layer_responses(&mut again);
    assert_eq!(serde_json::to_value(again).unwrap(), doc);

    let text = serde_json::to_string(&doc).unwrap();
    assert!(!text.contains("hunter2"));
}

#[test]
fn documents_round_trip_through_utoipa_types() {
    for doc in [doc(), layer_doc()] {
        let text = serde_json::to_string(&doc).unwrap();
        let parsed: utoipa::openapi::OpenApi = serde_json::from_str(&text).unwrap();
        assert_eq!(serde_json::to_value(&parsed).unwrap(), doc);
    }
}

#[derive(Debug, thiserror::Error, ApiError)]
enum SignupError {
    #[error("This email is already registered")]
    #[api_error(status = 409, code = "email_taken", param = "email")]
    EmailTaken,
    #[error(transparent)]
    #[api_error(transparent)]
    Invalid(#[from] api_error_core::FieldErrors),
}

#[test]
fn field_errors_responses_show_an_errors_array() {
    for responses in [
        responses_of::<api_error_core::FieldErrors>(),
        responses_of::<SignupError>(),
    ] {
        let response = &responses["422"];
        check_error_body_schema(&response["content"]["application/json"]["schema"]);
        let example = &examples(response)["validation_failed"];
        assert_eq!(example["code"], "validation_failed");
        assert_eq!(example["param"], example["errors"][0]["param"]);
        assert_eq!(example["errors"].as_array().unwrap().len(), 2);
        // The example is what the server sends.
        let errors: api_error_core::FieldErrors =
            serde_json::from_value(example["errors"].clone()).unwrap();
        assert_eq!(*example, serde_json::to_value(errors.to_body()).unwrap());
    }
    assert_eq!(
        <api_error_core::FieldError as ToSchema>::name(),
        "FieldError"
    );
    let item = serde_json::to_value(api_error_core::FieldError::schema()).unwrap();
    assert_eq!(
        item,
        serde_json::to_value(ErrorBody::schema()).unwrap()["properties"]["errors"]["items"]
    );
}

#[test]
fn problem_details_are_documented_next_to_json() {
    check_problem_examples(&layer_doc());
}

#[derive(Debug, thiserror::Error, ApiError)]
enum ParamFields {
    #[error("bad {0}")]
    #[api_error(status = 400, code = "bad_tuple")]
    Tuple(#[api_error(param)] String),
    #[error(transparent)]
    #[api_error(transparent)]
    Payment(api_error_tests::payments::PaymentError),
    #[error("invalid form")]
    #[api_error(status = 422, code = "invalid_form")]
    Form(#[api_error(field_errors)] api_error_core::FieldErrors),
}

/// A param that a field gives shows in the example as the field's name in braces, as the
/// message shows its template (also through a transparent variant); a field-errors field as
/// a sample list.
#[test]
fn examples_name_the_field_that_gives_the_param() {
    let responses = responses_of::<ParamFields>();
    let example = |status: &str, code: &str| {
        responses[status]["content"]["application/json"]["examples"][code]["value"].clone()
    };
    assert_eq!(example("400", "bad_tuple")["param"], "{0}");
    assert_eq!(example("422", "invalid_amount")["param"], "{field}");
    assert_eq!(example("404", "resource_missing")["param"], "customer");
    assert_eq!(example("401", "invalid_api_key")["param"], Value::Null);
    // A field-errors field: a sample list, and its first param as the body's.
    let form = example("422", "invalid_form");
    assert_eq!(form["errors"][0]["param"], "name");
    assert_eq!(form["param"], "name");
    assert_eq!(form["message"], "invalid form");
    // The problem+json example carries them too.
    let problem = &responses["422"]["content"]["application/problem+json"]["examples"]
        ["invalid_form"]["value"];
    assert_eq!(problem["errors"][1]["param"], "items[1].amount");
}

/// A 500 that clients must not retry.
#[derive(Debug, thiserror::Error, ApiError)]
enum LedgerError {
    #[error("ledger broken")]
    #[api_error(status = 500, code = "ledger_broken", retryable = false)]
    Broken,
}

#[utoipa::path(
    post,
    path = "/v1/ledger",
    request_body = NewCharge,
    responses((status = 200, description = "Posted"), LedgerError),
)]
#[allow(dead_code)]
async fn post_ledger() {}

#[derive(OpenApi)]
#[openapi(paths(post_ledger))]
struct LedgerDoc;

/// The layer's panic 500 merged into a response whose own 500 is not retryable: its
/// `x-should-retry` allows both values, as both are sent.
#[test]
fn merged_examples_widen_x_should_retry() {
    let retry = |doc: &Value| {
        doc["paths"]["/v1/ledger"]["post"]["responses"]["500"]["headers"]["x-should-retry"]
            ["schema"]["enum"]
            .clone()
    };
    let before = serde_json::to_value(LedgerDoc::openapi()).unwrap();
    assert_eq!(retry(&before), serde_json::json!(["false"]));
    let mut doc = LedgerDoc::openapi();
    api_error_core::utoipa::add_layer_responses(&mut doc);
    let doc = serde_json::to_value(doc).unwrap();
    assert_eq!(retry(&doc), serde_json::json!(["true", "false"]));
    let responses = &doc["paths"]["/v1/ledger"]["post"]["responses"];
    assert_eq!(
        examples(&responses["500"]).keys().collect::<Vec<_>>(),
        ["internal_error", "ledger_broken"]
    );
}

/// What a variant's delay and static headers add to its response is documented:
/// `Retry-After` and `retry-after-ms` on the 429, `WWW-Authenticate` with both values on the
/// 401; the other responses carry only the three standard headers (`Vary`: the format
/// follows `Accept`).
#[test]
fn retry_and_static_headers_are_documented() {
    let responses = responses_of::<GateError>();
    let names = |status: &str| {
        responses[status]["headers"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        names("429"),
        [
            "retry-after",
            "retry-after-ms",
            "vary",
            "x-request-id",
            "x-should-retry"
        ]
        .map(String::from)
        .into()
    );
    assert_eq!(
        responses["429"]["headers"]["retry-after"]["schema"]["type"],
        "integer"
    );
    assert_eq!(
        names("401"),
        ["vary", "www-authenticate", "x-request-id", "x-should-retry"]
            .map(String::from)
            .into()
    );
    let www = &responses["401"]["headers"]["www-authenticate"];
    assert_eq!(
        www["schema"]["enum"],
        serde_json::json!(["Bearer realm=\"api\"", "Bearer error=\"invalid_token\""])
    );
    assert_eq!(
        www["description"],
        "Sent with `unauthenticated`, `token_expired`."
    );
    assert!(responses["401"]["headers"]["vary"]["description"]
        .as_str()
        .is_some_and(|d| d.contains("`accept`")));
}

/// The document follows the format the layer is configured with.
#[test]
fn documents_follow_the_configured_format() {
    let before = layer_doc();
    check_document_format(&before, |format| {
        let mut doc = LayerDoc::openapi();
        api_error_core::utoipa::add_layer_responses(&mut doc);
        api_error_core::utoipa::document_format(&mut doc, format);
        serde_json::to_value(doc).unwrap()
    });
}

/// A body with a field utoipa documents as `{}` (any JSON): utoipa cannot read such a
/// document back from JSON, which `document_format` must not need.
#[derive(serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct Annotated {
    metadata: serde_json::Value,
}

#[utoipa::path(
    post,
    path = "/v1/annotations",
    request_body = Annotated,
    responses((status = 200, description = "Saved"), PaymentError),
)]
#[allow(dead_code)]
async fn annotate() {}

#[derive(OpenApi)]
#[openapi(paths(annotate))]
struct AnyJsonDoc;

#[test]
fn document_format_needs_no_round_trip_of_the_document() {
    use api_error_core::{ErrorFormat, WireFormat};
    use utoipa::openapi::{header::HeaderBuilder, ObjectBuilder, RefOr};
    let mut doc = AnyJsonDoc::openapi();
    api_error_core::utoipa::add_layer_responses(&mut doc);
    // An app's header of any JSON on a derived response: utoipa writes its schema as `{}`
    // and cannot read that back, so the response as a whole does not round-trip.
    let any = ObjectBuilder::new().schema_type(utoipa::openapi::schema::SchemaType::AnyValue);
    let header = HeaderBuilder::new().schema(Some(any)).build();
    let header_json = serde_json::to_value(&header).unwrap();
    assert!(serde_json::from_value::<utoipa::openapi::header::Header>(header_json).is_err());
    if let Some(operation) = doc
        .paths
        .paths
        .get_mut("/v1/annotations")
        .and_then(|i| i.post.as_mut())
    {
        if let Some(RefOr::T(response)) = operation.responses.responses.get_mut("404") {
            response.headers.insert("x-debug".into(), RefOr::T(header));
        }
    }
    api_error_core::utoipa::document_format(&mut doc, &ErrorFormat::new(WireFormat::Problem));
    let json = serde_json::to_value(&doc).unwrap();
    let responses = &json["paths"]["/v1/annotations"]["post"]["responses"];
    for status in ["400", "404", "415", "422", "500"] {
        let content = &responses[status]["content"];
        assert!(content["application/json"].is_null(), "{status}: {content}");
        assert!(content["application/problem+json"].is_object(), "{status}");
    }
    assert!(responses["404"]["headers"]["x-debug"].is_object());
    // The rest of the document is untouched.
    let original = serde_json::to_value(AnyJsonDoc::openapi()).unwrap();
    assert_eq!(json["components"], original["components"]);
    assert_eq!(
        json["paths"]["/v1/annotations"]["post"]["requestBody"],
        original["paths"]["/v1/annotations"]["post"]["requestBody"]
    );
}

/// An error's own `Vary` is documented with the `accept` the integrations add to it: the
/// two lines sent, read as one list (`origin, accept`); `accept` alone for a code of the
/// same response without one.
#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
pub enum Varies {
    #[error("not here")]
    #[api_error(status = 421, code = "misdirected", header("Vary", "origin"))]
    Misdirected,
    #[error("elsewhere")]
    #[api_error(status = 403, code = "origin_denied", header("Vary", "Origin"))]
    OriginDenied,
    #[error("no")]
    #[api_error(status = 403, code = "forbidden")]
    Forbidden,
}

#[test]
fn an_errors_own_vary_is_documented_with_accept() {
    let responses = responses_of::<Varies>();
    let vary = &responses["421"]["headers"]["vary"];
    assert_eq!(
        vary["schema"]["enum"],
        serde_json::json!(["origin, accept"])
    );
    assert_eq!(
        responses["403"]["headers"]["vary"]["schema"]["enum"],
        serde_json::json!(["Origin, accept", "accept"])
    );
    assert!(vary["description"]
        .as_str()
        .is_some_and(|d| d.contains("`misdirected`") && d.contains("add `accept`")));
}

/// A hand-written error documents what its responses carry through
/// `ErrorCatalog::response_hints`: with `impl_openapi!`, its 503 documents the retry delay
/// and its static header, as a derived error's does.
mod hand_written {
    use api_error_core::{ApiError, CatalogEntry, ErrorCatalog, ResponseHint};
    use std::borrow::Cow;
    use std::time::Duration;
    use utoipa::IntoResponses;

    #[derive(Debug)]
    pub struct Maintenance;

    impl std::fmt::Display for Maintenance {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("Down for maintenance.")
        }
    }

    impl std::error::Error for Maintenance {}

    impl ApiError for Maintenance {
        fn status(&self) -> http::StatusCode {
            http::StatusCode::SERVICE_UNAVAILABLE
        }
        fn error_type(&self) -> &'static str {
            "api_error"
        }
        fn code(&self) -> &'static str {
            "maintenance"
        }
        fn message(&self) -> Cow<'_, str> {
            Cow::Borrowed("Down for maintenance.")
        }
        fn param(&self) -> Option<Cow<'_, str>> {
            None
        }
        fn retry_after(&self) -> Option<Duration> {
            Some(Duration::from_secs(60))
        }
        fn headers(&self) -> &'static [(&'static str, &'static str)] {
            &[("x-maintenance-window", "02:00-03:00 UTC")]
        }
    }

    impl ErrorCatalog for Maintenance {
        fn catalog() -> Vec<CatalogEntry> {
            vec![CatalogEntry {
                variant: "Maintenance",
                status: 503,
                error_type: "api_error",
                code: "maintenance",
                message: "Down for maintenance.",
                param: None,
                retryable: true,
                doc: "The service is down for maintenance.",
            }]
        }
        fn response_hints(out: &mut Vec<(&'static str, ResponseHint)>) {
            out.push(("maintenance", ResponseHint::RetryAfter));
            out.push((
                "maintenance",
                ResponseHint::Header("x-maintenance-window", "02:00-03:00 UTC"),
            ));
        }
    }

    api_error_core::impl_openapi!(Maintenance);

    #[test]
    fn its_response_documents_its_delay_and_header() {
        let responses = serde_json::to_value(Maintenance::responses()).unwrap();
        let headers = responses["503"]["headers"].as_object().unwrap();
        for name in ["retry-after", "retry-after-ms", "x-maintenance-window"] {
            assert!(headers.contains_key(name), "{name}: {headers:?}");
        }
    }

    #[derive(Debug, thiserror::Error, ApiError)]
    #[allow(dead_code)]
    enum Limited {
        #[error("Too many requests")]
        #[api_error(status = 429, code = "rate_limited")]
        RateLimited {
            #[api_error(retry_after)]
            wait: Duration,
        },
    }

    /// Documented through a `Catalog` of several types, each keeps what its responses carry.
    #[test]
    fn a_catalog_of_several_types_keeps_their_hints() {
        use api_error_core::catalog::Catalog;
        let catalog = Catalog::of::<Maintenance>().with::<Limited>();
        let responses = serde_json::to_value(api_error_core::utoipa::responses(&catalog)).unwrap();
        for (status, name) in [
            ("503", "x-maintenance-window"),
            ("503", "retry-after"),
            ("429", "retry-after-ms"),
        ] {
            assert!(
                responses[status]["headers"].get(name).is_some(),
                "{status} {name}: {}",
                responses[status]["headers"]
            );
        }
    }
}

/// With the `preserve-order` feature (serde_json's `preserve_order`, on in this suite's
/// `--all-features` run), every example's keys are in the order the server sends them;
/// without it, serde_json sorts them.
#[test]
fn example_keys_are_in_wire_order_with_preserve_order() {
    let preserved = serde_json::json!({"b": 1, "a": 2})
        .as_object()
        .and_then(|o| o.keys().next().cloned())
        == Some("b".to_owned());
    let doc = doc();
    let mut seen = 0;
    for path in doc["paths"].as_object().unwrap().values() {
        for op in path.as_object().unwrap().values() {
            for response in op["responses"].as_object().unwrap().values() {
                for (media, wire) in [
                    (
                        "application/json",
                        &["message", "type", "code", "param", "request_id", "errors"][..],
                    ),
                    (
                        "application/problem+json",
                        &[
                            "type",
                            "title",
                            "status",
                            "detail",
                            "code",
                            "param",
                            "request_id",
                            "errors",
                            "error_type",
                        ][..],
                    ),
                ] {
                    let Some(examples) = response["content"][media]["examples"].as_object() else {
                        continue;
                    };
                    for example in examples.values() {
                        let keys: Vec<&str> = example["value"]
                            .as_object()
                            .unwrap()
                            .keys()
                            .map(String::as_str)
                            .collect();
                        let mut expected: Vec<&str> =
                            wire.iter().copied().filter(|k| keys.contains(k)).collect();
                        if !preserved {
                            expected.sort_unstable();
                        }
                        assert_eq!(keys, expected, "{media}");
                        seen += 1;
                    }
                }
            }
        }
    }
    assert!(seen > 10, "{seen}");
}
