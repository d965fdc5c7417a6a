//! OpenAPI documentation with `utoipa` 6 (feature `utoipa`).
//!
//! - [`ErrorBody`] implements [`ToSchema`]: an object with the five keys, all required,
//!   `param` and `request_id` nullable (OpenAPI 3.1 `type: [string, "null"]`), each described.
//!   Its schema name is `ErrorBody`.
//! - `#[derive(ApiError)]` implements [`IntoResponses`] for every derived type, so the type
//!   goes straight into `#[utoipa::path(responses(...))]`: one response per status (ascending),
//!   described by the status reason and the codes it carries, with the headers `x-request-id`
//!   and `x-should-retry`, and an `application/json` body whose schema is the `ErrorBody`
//!   schema **inlined** (titled `ErrorBody`), so the document is complete without any
//!   `components(...)` registration, and one named example per code (name = code) whose value
//!   is the body with the public message template — never a redacted 5xx's internal text.
//!   Transparent variants contribute their inner type's codes.
//!
//! ```
//! use api_error_core::{ApiError, ErrorBody};
//! use utoipa::OpenApi;
//!
//! #[derive(Debug, ApiError)] // usually with thiserror::Error
//! pub enum PaymentError {
//!     /// The customer does not exist.
//!     #[api_error(status = 404, code = "resource_missing", param = "customer")]
//!     #[api_error(message = "No such customer: {id}")]
//!     CustomerNotFound { id: String },
//!     #[api_error(status = 500)]
//!     Database,
//! }
//! # impl std::fmt::Display for PaymentError {
//! #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
//! #         match self {
//! #             PaymentError::CustomerNotFound { id } => write!(f, "No such customer: {id}"),
//! #             PaymentError::Database => f.write_str("database password hunter2 rejected"),
//! #         }
//! #     }
//! # }
//! # impl std::error::Error for PaymentError {}
//!
//! /// Retrieve a customer.
//! #[utoipa::path(
//!     get,
//!     path = "/v1/customers/{id}",
//!     params(("id" = String, Path, description = "The customer id")),
//!     responses((status = 200, description = "The customer"), PaymentError),
//! )]
//! async fn get_customer() {}
//!
//! // Registering `ErrorBody` is optional: responses inline its schema.
//! #[derive(OpenApi)]
//! #[openapi(paths(get_customer), components(schemas(ErrorBody)))]
//! struct ApiDoc;
//!
//! let json = ApiDoc::openapi().to_pretty_json().unwrap();
//! assert!(json.contains(r#""404""#) && json.contains(r#""resource_missing""#));
//! assert!(!json.contains("hunter2"));
//! ```
//!
//! For a hand-written [`ApiError`](crate::ApiError) type, implement
//! [`ErrorCatalog`] and [`IntoResponses`] with [`responses`]; or use [`responses`] with a
//! [`Catalog`] to document several types as one.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use ::utoipa::openapi::example::ExampleBuilder;
use ::utoipa::openapi::header::HeaderBuilder;
use ::utoipa::openapi::response::{Response, ResponseBuilder};
use ::utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use ::utoipa::openapi::{ContentBuilder, RefOr};
use ::utoipa::{PartialSchema, ToSchema};

#[cfg(doc)]
use crate::catalog::ErrorCatalog;
use crate::catalog::{Catalog, CatalogEntry};
use crate::ErrorBody;
#[cfg(doc)]
use ::utoipa::IntoResponses;

/// The `utoipa` crate, for generated code. Not public API.
#[doc(hidden)]
pub use ::utoipa as __utoipa;

/// The map [`IntoResponses::responses`] returns.
pub type Responses = BTreeMap<String, RefOr<Response>>;

impl PartialSchema for ErrorBody<'_> {
    /// The schema of the standard error body.
    ///
    /// ```
    /// use utoipa::PartialSchema;
    /// let schema = serde_json::to_value(api_error_core::ErrorBody::schema()).unwrap();
    /// assert_eq!(schema["required"].as_array().unwrap().len(), 5);
    /// assert_eq!(schema["properties"]["param"]["type"], serde_json::json!(["string", "null"]));
    /// ```
    fn schema() -> RefOr<Schema> {
        let string = |description: &str| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some(description))
        };
        let nullable = |description: &str| {
            ObjectBuilder::new()
                .schema_type(
                    [Type::String, Type::Null]
                        .into_iter()
                        .collect::<SchemaType>(),
                )
                .description(Some(description))
        };
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .title(Some("ErrorBody"))
            .description(Some(
                "The standard error body: every error response of this API carries it.",
            ))
            .property(
                "message",
                string("Human-readable description of the error, safe to show to the API's user."),
            )
            .required("message")
            .property(
                "type",
                string(
                    "The error category, snake_case: invalid_request_error, \
                     authentication_error, permission_error, not_found_error, conflict_error, \
                     validation_error, rate_limit_error or api_error.",
                ),
            )
            .required("type")
            .property(
                "code",
                string("Machine-readable error code, snake_case, stable across releases."),
            )
            .required("code")
            .property(
                "param",
                nullable("The request parameter the error is about; null when none."),
            )
            .required("param")
            .property(
                "request_id",
                nullable(
                    "Identifies the request for support (same as the x-request-id header); \
                     null when unknown.",
                ),
            )
            .required("request_id")
            .into()
    }
}

impl ToSchema for ErrorBody<'_> {
    /// `ErrorBody`.
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ErrorBody")
    }
}

/// The OpenAPI responses of a set of errors: one per status, ascending, keyed by the status
/// code, each with an `application/json` [`ErrorBody`] and one example per code.
///
/// This is what the derived [`IntoResponses`] returns for a type's catalog; call it with a
/// merged [`Catalog`] to document several error types as one.
///
/// ```
/// use api_error_core::catalog::{Catalog, CatalogEntry};
///
/// let catalog = Catalog::new().with_entries([CatalogEntry {
///     variant: "RateLimited",
///     status: 429,
///     error_type: "rate_limit_error",
///     code: "rate_limited",
///     message: "Too many requests",
///     param: None,
///     retryable: true,
///     doc: "Slow down.",
/// }]);
/// let responses = api_error_core::utoipa::responses(&catalog);
/// let json = serde_json::to_value(&responses).unwrap();
/// let example = &json["429"]["content"]["application/json"]["examples"]["rate_limited"];
/// assert_eq!(example["value"]["message"], "Too many requests");
/// assert_eq!(example["value"]["request_id"], serde_json::Value::Null);
/// ```
pub fn responses(catalog: &Catalog) -> Responses {
    let mut out = Responses::new();
    for (status, entries) in catalog.by_status() {
        out.insert(status.to_string(), RefOr::T(response(status, &entries)));
    }
    out
}

/// What the derived `IntoResponses` calls. Not public API.
#[doc(hidden)]
pub fn __responses(entries: Vec<CatalogEntry>) -> Responses {
    responses(&Catalog::new().with_entries(entries))
}

/// One status's response.
fn response(status: u16, entries: &[&CatalogEntry]) -> Response {
    let reason = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason());
    let mut description = String::new();
    match reason {
        Some(reason) => description.push_str(reason),
        None => {
            let _ = write!(description, "Status {status}");
        }
    }
    description.push_str(". Codes: ");
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            description.push_str(", ");
        }
        description.push('`');
        description.push_str(e.code);
        description.push('`');
    }
    description.push('.');

    let examples = entries.iter().map(|e| {
        let body = serde_json::json!({
            "message": e.message,
            "type": e.error_type,
            "code": e.code,
            "param": e.param,
            "request_id": null,
        });
        // The summary is the doc comment's first paragraph on one line; the whole doc
        // comment becomes the description when it says more.
        let first_paragraph = first_paragraph(e.doc);
        let summary = if !first_paragraph.is_empty() {
            first_paragraph.as_str()
        } else if !e.message.is_empty() {
            e.message
        } else {
            e.code
        };
        let mut example = ExampleBuilder::new().summary(summary).value(Some(body));
        let doc = e.doc.trim();
        if !doc.is_empty() && doc != summary {
            example = example.description(doc);
        }
        (e.code, example)
    });

    let retry_values: Vec<&str> = {
        let any_retry = entries.iter().any(|e| e.retryable);
        let any_no_retry = entries.iter().any(|e| !e.retryable);
        let mut v = Vec::new();
        if any_retry {
            v.push("true");
        }
        if any_no_retry {
            v.push("false");
        }
        v
    };

    ResponseBuilder::new()
        .description(description)
        .header(
            "x-request-id",
            HeaderBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .description(Some(
                    "Identifies the request for support; the same value as the body's request_id.",
                ))
                .build(),
        )
        .header(
            "x-should-retry",
            HeaderBuilder::new()
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some(retry_values)),
                ))
                .description(Some("Whether the client may retry the request."))
                .build(),
        )
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(ErrorBody::schema()))
                .examples_from_iter(examples)
                .build(),
        )
        .build()
}

/// The first paragraph of a doc comment, its lines joined by spaces.
fn first_paragraph(doc: &str) -> String {
    doc.lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Implements `utoipa::IntoResponses` for a type deriving `ApiError`. Emitted (through
/// `__integrations!`) by the derive; input `[impl generics] [self type] [where clause]`.
/// Not public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_utoipa {
    ([$($impl_generics:tt)*] [$($ty:tt)*] []) => {
        $crate::__impl_utoipa! { @impl [$($impl_generics)*] [$($ty)*] [] }
    };
    ([$($impl_generics:tt)*] [$($ty:tt)*] [where $($pred:tt)*]) => {
        $crate::__impl_utoipa! { @impl [$($impl_generics)*] [$($ty)*] [$($pred)*] }
    };
    (@impl [$($impl_generics:tt)*] [$($ty:tt)*] [$($pred:tt)*]) => {
        impl $($impl_generics)* $crate::utoipa::__utoipa::IntoResponses for $($ty)*
        where
            Self: $crate::ErrorCatalog,
            $($pred)*
        {
            fn responses() -> $crate::utoipa::Responses {
                $crate::utoipa::__responses(<Self as $crate::ErrorCatalog>::catalog())
            }
        }
    };
}
