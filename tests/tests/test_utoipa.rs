//! OpenAPI documentation with utoipa: `ErrorBody` is `ToSchema`, derived errors are
//! `IntoResponses`, and the resulting document is valid OpenAPI 3.1 structure.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// utoipa's macros expand to paths that the `unused_qualifications` lint flags.
#![allow(unused_qualifications)]

use std::collections::BTreeSet;

use api_error_core::catalog::{CatalogEntry, ErrorCatalog};
use api_error_core::{ApiError, ErrorBody};
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

/// Without `components(schemas(ErrorBody))`: every `$ref` must still resolve.
#[derive(OpenApi)]
#[openapi(paths(get_customer, me, logout))]
struct ApiDoc;

/// With `ErrorBody` registered as a component.
#[derive(OpenApi)]
#[openapi(paths(get_customer), components(schemas(ErrorBody)))]
struct ApiDocWithSchema;

fn doc() -> Value {
    let json = ApiDoc::openapi().to_pretty_json().unwrap();
    serde_json::from_str(&json).unwrap()
}

fn responses_of<T: IntoResponses>() -> Value {
    serde_json::to_value(T::responses()).unwrap()
}

fn check_error_body_schema(schema: &Value) {
    assert_eq!(schema["type"], "object");
    let required: BTreeSet<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        required,
        BTreeSet::from(["message", "type", "code", "param", "request_id"])
    );
    let props = schema["properties"].as_object().unwrap();
    assert_eq!(props.len(), 5);
    for key in ["message", "type", "code"] {
        assert_eq!(props[key]["type"], "string", "{key}");
    }
    for key in ["param", "request_id"] {
        assert_eq!(
            props[key]["type"],
            serde_json::json!(["string", "null"]),
            "{key}"
        );
    }
    for (key, prop) in props {
        assert!(
            prop["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{key} has no description"
        );
    }
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
    // A body the server writes has exactly the schema's properties, none missing.
    let err = PaymentError::CustomerNotFound { id: "cus_1".into() };
    let body = serde_json::to_value(err.to_body()).unwrap();
    let schema = serde_json::to_value(ErrorBody::schema()).unwrap();
    let keys: BTreeSet<&String> = body.as_object().unwrap().keys().collect();
    let props: BTreeSet<&String> = schema["properties"].as_object().unwrap().keys().collect();
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
        assert_eq!(
            example["value"],
            serde_json::json!({
                "message": entry.message,
                "type": entry.error_type,
                "code": entry.code,
                "param": entry.param,
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

/// Collects every `$ref` value in the document.
fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "$ref" {
                    if let Some(s) = v.as_str() {
                        out.push(s);
                    }
                }
                refs(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

fn check_openapi_31_structure(doc: &Value) {
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert!(doc["info"]["title"].is_string());
    assert!(doc["info"]["version"].is_string());
    let paths = doc["paths"].as_object().unwrap();
    assert!(!paths.is_empty());
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(!responses.is_empty(), "{method} {path}");
            for (status, response) in responses {
                assert!(
                    status.len() == 3 && status.bytes().all(|b| b.is_ascii_digit()),
                    "{status}"
                );
                assert!(
                    response["description"].is_string(),
                    "{method} {path} {status}"
                );
                if let Some(content) = response.get("content") {
                    for media in content.as_object().unwrap().values() {
                        // `example` and `examples` are mutually exclusive.
                        assert!(media.get("example").is_none() || media.get("examples").is_none());
                        if let Some(examples) = media.get("examples") {
                            for example in examples.as_object().unwrap().values() {
                                assert!(example.get("value").is_some());
                            }
                        }
                    }
                }
            }
        }
    }
    let mut all = Vec::new();
    refs(doc, &mut all);
    for r in all {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("external $ref {r}"));
        assert!(doc.pointer(pointer).is_some(), "unresolved $ref {r}");
    }
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
}
