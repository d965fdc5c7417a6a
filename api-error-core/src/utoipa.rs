//! OpenAPI documentation with `utoipa` 6 (feature `utoipa`).
//!
//! - [`ErrorBody`] implements [`ToSchema`]: an object with the five keys, all required,
//!   `param` and `request_id` nullable (OpenAPI 3.1 `type: [string, "null"]`), each described,
//!   and the optional `errors` array of [`FieldError`]s (inlined). Its schema name is
//!   `ErrorBody`; [`FieldError`] is `ToSchema` too (`FieldError`).
//! - `#[derive(ApiError)]` implements [`IntoResponses`] for every derived type, so the type
//!   goes straight into `#[utoipa::path(responses(...))]`: one response per status (ascending),
//!   described by the status reason and the codes it carries, with the headers `x-request-id`,
//!   `x-should-retry` and `vary`, and an `application/json` body whose schema is the `ErrorBody`
//!   schema **inlined** (titled `ErrorBody`), so the document is complete without any
//!   `components(...)` registration, and one named example per code (name = code) whose value
//!   is the body with the public message template — never a redacted 5xx's internal text.
//!   Transparent variants contribute their inner type's codes; the example of
//!   `validation_failed` ([`FieldErrors`](crate::FieldErrors)) shows a body with `errors`.
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
//! For a hand-written [`ApiError`](crate::ApiError) type, implement [`ErrorCatalog`] (with
//! [`response_hints`](ErrorCatalog::response_hints) for the retry delays and static headers
//! its responses carry) and add [`impl_openapi!`](crate::impl_openapi), or implement
//! [`IntoResponses`] with [`responses`]; or use [`responses`] with a [`Catalog`] to document
//! several types as one.

use std::borrow::Cow;
use std::collections::BTreeMap;

use ::utoipa::openapi::example::ExampleBuilder;
use ::utoipa::openapi::header::HeaderBuilder;
use ::utoipa::openapi::response::{Response, ResponseBuilder};
use ::utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
use ::utoipa::openapi::{ContentBuilder, OpenApi, RefOr};
use ::utoipa::{PartialSchema, ToSchema};

use crate::catalog::openapi::{self, ExampleDoc, ResponseDoc, ResponseHints};
#[cfg(doc)]
use crate::catalog::ErrorCatalog;
use crate::catalog::{Catalog, CatalogEntry};
use crate::{ErrorBody, FieldError};
#[cfg(doc)]
use ::utoipa::IntoResponses;

/// The map [`IntoResponses::responses`] returns: the status (`"404"`) to its response.
///
/// ```
/// use api_error_core::{utoipa::Responses, ApiError};
/// use utoipa::IntoResponses;
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// enum PaymentError {
///     #[error("No such customer")]
///     #[api_error(status = 404, code = "resource_missing")]
///     CustomerNotFound,
/// }
///
/// let responses: Responses = PaymentError::responses();
/// assert!(responses.contains_key("404"));
/// ```
pub type Responses = BTreeMap<String, RefOr<Response>>;

impl PartialSchema for ErrorBody<'_> {
    /// The schema of the standard error body.
    ///
    /// ```
    /// use utoipa::PartialSchema;
    /// let schema = serde_json::to_value(api_error_core::ErrorBody::schema()).unwrap();
    /// assert_eq!(schema["required"].as_array().unwrap().len(), 5);
    /// assert_eq!(schema["properties"]["param"]["type"], serde_json::json!(["string", "null"]));
    /// assert_eq!(schema["properties"]["errors"]["items"]["title"], "FieldError");
    /// ```
    fn schema() -> RefOr<Schema> {
        let mut schema = ObjectBuilder::new()
            .schema_type(Type::Object)
            .title(Some(openapi::BODY_TITLE))
            .description(Some(openapi::BODY_DESCRIPTION));
        for (name, nullable, description) in openapi::BODY_KEYS {
            let ty: SchemaType = if nullable {
                [Type::String, Type::Null].into_iter().collect()
            } else {
                Type::String.into()
            };
            let property = ObjectBuilder::new()
                .schema_type(ty)
                .description(Some(description));
            schema = schema.property(name, property).required(name);
        }
        let (errors, description) = openapi::ERRORS_KEY;
        let errors_property = ArrayBuilder::new()
            .items(field_error_schema())
            .description(Some(description));
        schema.property(errors, errors_property).into()
    }
}

/// The schema of one item of the body's `errors`, inline.
fn field_error_schema() -> ObjectBuilder {
    let mut schema = ObjectBuilder::new()
        .schema_type(Type::Object)
        .title(Some(openapi::FIELD_ERROR_TITLE))
        .description(Some(openapi::FIELD_ERROR_DESCRIPTION));
    for (name, description) in openapi::FIELD_ERROR_KEYS {
        let property = ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(description));
        schema = schema.property(name, property).required(name);
    }
    schema
}

impl PartialSchema for FieldError {
    /// The schema of one item of the body's `errors`: `param`, `code`, `message`, all
    /// required strings.
    ///
    /// ```
    /// use utoipa::PartialSchema;
    /// let schema = serde_json::to_value(api_error_core::FieldError::schema()).unwrap();
    /// assert_eq!(schema["required"], serde_json::json!(["param", "code", "message"]));
    /// ```
    fn schema() -> RefOr<Schema> {
        field_error_schema().into()
    }
}

impl ToSchema for FieldError {
    /// `FieldError`.
    fn name() -> Cow<'static, str> {
        Cow::Borrowed(openapi::FIELD_ERROR_TITLE)
    }
}

impl ToSchema for ErrorBody<'_> {
    /// `ErrorBody`.
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ErrorBody")
    }
}

/// The schema of the body in [`WireFormat::Problem`](crate::WireFormat::Problem)
/// (`application/problem+json`, RFC 9457), named `ProblemDetails`: for an app serving
/// problem details to document what it sends.
///
/// ```
/// use utoipa::{PartialSchema, ToSchema};
/// use api_error_core::utoipa::ProblemDetails;
///
/// assert_eq!(ProblemDetails::name(), "ProblemDetails");
/// let schema = serde_json::to_value(ProblemDetails::schema()).unwrap();
/// assert_eq!(schema["properties"]["status"]["type"], "integer");
/// assert_eq!(schema["required"].as_array().unwrap().len(), 8);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct ProblemDetails;

impl PartialSchema for ProblemDetails {
    fn schema() -> RefOr<Schema> {
        from_json(openapi::problem_schema())
    }
}

impl ToSchema for ProblemDetails {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed(openapi::PROBLEM_TITLE)
    }
}

/// The schema of the body in [`WireFormat::Enveloped`](crate::WireFormat::Enveloped)
/// (`{"error": {...}}`), named `ErrorEnvelope`.
///
/// ```
/// use utoipa::{PartialSchema, ToSchema};
/// use api_error_core::utoipa::ErrorEnvelope;
///
/// assert_eq!(ErrorEnvelope::name(), "ErrorEnvelope");
/// let schema = serde_json::to_value(ErrorEnvelope::schema()).unwrap();
/// assert_eq!(schema["properties"]["error"]["required"].as_array().unwrap().len(), 5);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct ErrorEnvelope;

impl PartialSchema for ErrorEnvelope {
    fn schema() -> RefOr<Schema> {
        from_json(openapi::envelope_schema())
    }
}

impl ToSchema for ErrorEnvelope {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed(openapi::ENVELOPE_TITLE)
    }
}

/// A generator-independent JSON schema as utoipa's type (an empty object schema if utoipa
/// ever refused it, which a test rules out).
fn from_json(schema: serde_json::Map<String, serde_json::Value>) -> RefOr<Schema> {
    serde_json::from_value(serde_json::Value::Object(schema))
        .unwrap_or_else(|_| RefOr::T(Schema::Object(ObjectBuilder::new().build())))
}

/// The OpenAPI responses of a set of errors: one per status, ascending, keyed by the status
/// code, each with an `application/json` [`ErrorBody`] and the same as
/// `application/problem+json` ([`ProblemDetails`]), and one example per code (a code listed
/// twice keeps its first entry).
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
    responses_of(&catalog.documented_entries(), &catalog.response_hints())
}

/// What the derived `IntoResponses` calls. Not public API.
pub(crate) fn catalog_responses(entries: &[CatalogEntry], hints: &ResponseHints) -> Responses {
    responses_of(entries, hints)
}

/// One response per status of `entries` (see [`openapi::by_status_of`]).
fn responses_of(entries: &[CatalogEntry], hints: &ResponseHints) -> Responses {
    openapi::by_status_of(entries, hints)
        .iter()
        .map(|(status, doc)| (status.to_string(), RefOr::T(response(doc))))
        .collect()
}

/// The `x-should-retry` header, taking `values`.
fn should_retry_header(values: &[&str]) -> ::utoipa::openapi::Header {
    HeaderBuilder::new()
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(values.iter().copied())),
        ))
        .description(Some(openapi::SHOULD_RETRY_HEADER.1))
        .build()
}

/// A response as utoipa's type.
fn response(doc: &ResponseDoc) -> Response {
    let (request_id, request_id_description) = openapi::REQUEST_ID_HEADER;
    let (should_retry, _) = openapi::SHOULD_RETRY_HEADER;
    let builder = ResponseBuilder::new()
        .description(doc.description.as_str())
        .header(
            request_id,
            HeaderBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .description(Some(request_id_description))
                .build(),
        )
        .header(should_retry, should_retry_header(&doc.should_retry))
        .header(
            openapi::VARY_HEADER.0,
            HeaderBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .description(Some(openapi::VARY_HEADER.1))
                .build(),
        )
        .content(
            openapi::JSON,
            ContentBuilder::new()
                .schema(Some(ErrorBody::schema()))
                .examples_from_iter(examples(doc, |e| &e.value))
                .build(),
        )
        // What the layer and the middleware send a client whose `Accept` prefers it.
        .content(
            openapi::PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(ProblemDetails::schema()))
                .examples_from_iter(examples(doc, |e| &e.problem))
                .build(),
        );
    doc.headers
        .iter()
        .fold(builder, |builder, h| builder.header(h.name, header_of(h)))
        .build()
}

/// A header that some codes of a response add: an integer delay, or a static string with
/// its values.
fn header_of(h: &openapi::HeaderDoc) -> ::utoipa::openapi::Header {
    let schema = if h.integer {
        ObjectBuilder::new().schema_type(Type::Integer)
    } else {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(h.values.iter().map(AsRef::<str>::as_ref)))
    };
    HeaderBuilder::new()
        .schema(Some(schema))
        .description(Some(h.description.as_str()))
        .build()
}

/// One example per code, its value picked by `value`.
fn examples<'a>(
    doc: &'a ResponseDoc,
    value: impl Fn(&'a ExampleDoc) -> &'a serde_json::Value + 'a,
) -> impl Iterator<Item = (&'static str, ExampleBuilder)> + 'a {
    doc.examples.iter().map(move |e| {
        let mut example = ExampleBuilder::new()
            .summary(e.summary.as_str())
            .value(Some(value(e).clone()));
        if let Some(description) = e.description {
            example = example.description(description);
        }
        (e.code, example)
    })
}

/// Documents every error response of `openapi` in the format a server configured with
/// `format` sends, as the layer's `wire_format` and `problem_type_base` set it (derived
/// responses describe the flat body, and problem details without a type base, until then).
///
/// - [`WireFormat::Enveloped`](crate::WireFormat::Enveloped): `application/json` becomes
///   the [`ErrorEnvelope`], its examples `{"error": {...}}`;
/// - [`WireFormat::Problem`](crate::WireFormat::Problem): `application/json` goes: such a
///   server sends problem details to every client;
/// - `application/problem+json` (what a client whose `Accept` prefers it gets, whatever
///   the format) stays, its examples' `type` the base joined with the code when one is set.
///
/// Examples are rendered by the servers' own renderer. Call it last, after
/// [`add_layer_responses`]; responses this crate did not write are left as they are.
///
/// ```
/// use api_error_core::{ErrorFormat, WireFormat};
/// use utoipa::OpenApi;
/// # #[derive(Debug, api_error_core::ApiError)]
/// # #[api_error(status = 404, code = "resource_missing")]
/// # struct CustomerNotFound;
/// # impl std::fmt::Display for CustomerNotFound {
/// #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("No such customer") }
/// # }
/// # impl std::error::Error for CustomerNotFound {}
///
/// /// Retrieve a customer.
/// #[utoipa::path(get, path = "/v1/customers/{id}",
///     responses((status = 200, description = "The customer"), CustomerNotFound))]
/// async fn customer() {}
///
/// #[derive(OpenApi)]
/// #[openapi(paths(customer))]
/// struct ApiDoc;
///
/// // The format the layer is configured with:
/// // `ApiErrorLayer::new().wire_format(WireFormat::Problem).problem_type_base(BASE)`.
/// const BASE: &str = "https://docs.example.com/errors/";
/// let mut doc = ApiDoc::openapi();
/// api_error_core::utoipa::document_format(
///     &mut doc,
///     &ErrorFormat::new(WireFormat::Problem).problem_type_base(BASE),
/// );
///
/// let json = serde_json::to_value(&doc).unwrap();
/// let content = &json["paths"]["/v1/customers/{id}"]["get"]["responses"]["404"]["content"];
/// assert!(content["application/json"].is_null());
/// let example = &content["application/problem+json"]["examples"]["resource_missing"]["value"];
/// assert_eq!(example["type"], "https://docs.example.com/errors/resource_missing");
/// ```
pub fn document_format(openapi: &mut OpenApi, format: &crate::ErrorFormat) {
    for response in responses_mut(openapi) {
        openapi::content_in_format(&mut response.content, format);
    }
}

/// Documents the request id under the header name the layer or middleware is configured
/// with (`ApiErrorLayer::new().request_id_header(..)`, Stripe's `request-id` say) instead of
/// `x-request-id`, in every response of `openapi` that this crate wrote (derived and
/// [`add_layer_responses`]' ones), unless the response documents a header of that name
/// already. `name` is the name the layer or middleware was given: an `http::HeaderName`,
/// actix-web's, or a `&str` (a string that is not a valid header name changes nothing).
/// Call it after [`add_layer_responses`]; responses this crate did not write are left as
/// they are.
///
/// ```
/// use utoipa::OpenApi;
/// # #[derive(Debug, api_error_core::ApiError)]
/// # #[api_error(status = 404, code = "resource_missing")]
/// # struct CustomerNotFound;
/// # impl std::fmt::Display for CustomerNotFound {
/// #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("No such customer") }
/// # }
/// # impl std::error::Error for CustomerNotFound {}
///
/// #[utoipa::path(get, path = "/v1/customers/{id}",
///     responses((status = 200, description = "The customer"), CustomerNotFound))]
/// async fn customer() {}
///
/// #[derive(OpenApi)]
/// #[openapi(paths(customer))]
/// struct ApiDoc;
///
/// // The layer: `ApiErrorLayer::new().request_id_header(HeaderName::from_static("request-id"))`.
/// let mut doc = ApiDoc::openapi();
/// let name = http::HeaderName::from_static("request-id");
/// api_error_core::utoipa::document_request_id_header(&mut doc, &name);
///
/// let json = serde_json::to_value(&doc).unwrap();
/// let headers = &json["paths"]["/v1/customers/{id}"]["get"]["responses"]["404"]["headers"];
/// assert!(headers["request-id"].is_object());
/// assert!(headers["x-request-id"].is_null());
/// ```
pub fn document_request_id_header(openapi: &mut OpenApi, name: impl AsRef<str>) {
    let Some(name) = openapi::request_id_header_name(name.as_ref()) else {
        return;
    };
    let (ours, description) = openapi::REQUEST_ID_HEADER;
    for response in responses_mut(openapi) {
        let written_here = matches!(
            response.headers.get(ours),
            Some(RefOr::T(h)) if h.description.as_deref() == Some(description)
        );
        if !written_here {
            continue;
        }
        let header = response.headers.remove(ours);
        // The app's own header of that name, if it documents one, stays.
        let theirs = response
            .headers
            .keys()
            .any(|k| k.eq_ignore_ascii_case(&name));
        if let (Some(header), false) = (header, theirs) {
            response.headers.insert(name.clone(), header);
        }
    }
}

/// Every response `openapi` writes out (not a reference to one): its operations' and its
/// components'.
fn responses_mut(openapi: &mut OpenApi) -> impl Iterator<Item = &mut Response> {
    let operations = openapi.paths.paths.values_mut().flat_map(operations_mut);
    let responses =
        operations.flat_map(|(_, operation)| operation.responses.responses.values_mut());
    let components = openapi.components.iter_mut();
    responses
        .chain(components.flat_map(|c| c.responses.values_mut()))
        .filter_map(|response| match response {
            RefOr::T(response) => Some(response),
            RefOr::Ref(_) => None,
        })
}

/// Every operation of a path item, the `query` method and the additional ones included.
/// Every operation of `item`, each with its [`openapi::Verb`].
fn operations_mut(
    item: &mut ::utoipa::openapi::path::PathItem,
) -> impl Iterator<Item = (openapi::Verb, &mut ::utoipa::openapi::path::Operation)> {
    [
        (openapi::Verb::Get, &mut item.get),
        (openapi::Verb::Other, &mut item.put),
        (openapi::Verb::Other, &mut item.post),
        (openapi::Verb::Other, &mut item.delete),
        (openapi::Verb::Other, &mut item.options),
        (openapi::Verb::Head, &mut item.head),
        (openapi::Verb::Other, &mut item.patch),
        (openapi::Verb::Other, &mut item.trace),
        (openapi::Verb::Other, &mut item.query),
    ]
    .into_iter()
    .filter_map(|(verb, op)| Some((verb, op.as_mut()?)))
    .chain(
        item.additional_operations
            .values_mut()
            .map(|op| (openapi::Verb::Other, op)),
    )
}

/// Adds to every operation of `openapi` the error responses that
/// [`ApiErrorLayer`](crate#features) (axum) and `ApiErrorMiddleware` (actix-web) send on
/// their own, so handlers document only their own errors:
///
/// | status | code | when | added to |
/// |---|---|---|---|
/// | 400 | `invalid_json` | the body is not valid JSON | operations with a JSON `requestBody` (declared `application/json` or `*+json`, or referenced) |
/// | 400 | `invalid_query` | a query parameter does not deserialize | operations with query parameters, and `GET` ones with a form body (axum's `Form` reads the query string there) |
/// | 400 | `invalid_path` | a path parameter does not deserialize | operations with path parameters (documented, or in the path's template) |
/// | 400 | `invalid_body` | a text body is not UTF-8; a form on a `HEAD` has the wrong shape (axum's `Form` answers that with a 400, not a 422) | operations with a `text/*` `requestBody`, and `HEAD` ones with a form body |
/// | 400 | `invalid_request` | a multipart body's `content-type` has no boundary (axum's `Multipart`) | operations with a request body declared only as `multipart/*` |
/// | 413 | `payload_too_large` | the body is over the size limit | operations with a `requestBody` (a bytes body gets only this one) |
/// | 415 | `unsupported_media_type` | the body is not declared `application/json` (a form's: `application/x-www-form-urlencoded`) | operations with a JSON or form `requestBody` |
/// | 422 | `invalid_body` | the JSON or form body has the wrong shape (`param` names the field) | operations with a JSON or form `requestBody` |
/// | 500 | `internal_error` | the handler panicked (its message is never sent) | every operation |
///
/// Each response is like a derived one: the `ErrorBody` schema, the `x-request-id`,
/// `x-should-retry` and `vary` headers, one example named after its code (the 400 has one per code).
///
/// Nothing an operation documents is overwritten: when it already has the status (or its
/// range, `4XX`), that response is kept; if it is an `ErrorBody` response (a derived error's),
/// the layer's example is added beside its own, under the layer's code, unless an example
/// of that name is there. Call it once, after every path is in the document; calling it
/// again changes nothing.
///
/// ```
/// use utoipa::OpenApi;
/// # #[derive(Debug, api_error_core::ApiError)]
/// # #[api_error(status = 404)]
/// # struct CustomerNotFound;
/// # impl std::fmt::Display for CustomerNotFound {
/// #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("No such customer") }
/// # }
/// # impl std::error::Error for CustomerNotFound {}
///
/// /// Create a customer.
/// #[utoipa::path(post, path = "/v1/customers",
///     request_body(content = String, content_type = "application/json"),
///     responses((status = 200, description = "Created"), CustomerNotFound))]
/// async fn create_customer() {}
///
/// /// A plain-text body: its size is checked, and that it is UTF-8.
/// #[utoipa::path(post, path = "/v1/notes", request_body = String,
///     responses((status = 200, description = "Noted")))]
/// async fn create_note() {}
///
/// #[derive(OpenApi)]
/// #[openapi(paths(create_customer, create_note))]
/// struct ApiDoc;
///
/// let mut doc = ApiDoc::openapi();
/// api_error_core::utoipa::add_layer_responses(&mut doc);
///
/// let json = serde_json::to_value(&doc).unwrap();
/// let responses = &json["paths"]["/v1/customers"]["post"]["responses"];
/// for status in ["200", "400", "404", "413", "415", "422", "500"] {
///     assert!(responses[status].is_object(), "{status}");
/// }
/// let example = &responses["400"]["content"]["application/json"]["examples"]["invalid_json"];
/// assert_eq!(example["value"]["code"], "invalid_json");
///
/// let notes = json["paths"]["/v1/notes"]["post"]["responses"].as_object().unwrap();
/// assert_eq!(notes.keys().collect::<Vec<_>>(), ["200", "400", "413", "500"]);
/// ```
pub fn add_layer_responses(openapi: &mut OpenApi) {
    // One set of responses per kind of operation, built once.
    let mut built: Vec<(openapi::Inputs, Vec<(u16, Response)>)> = Vec::new();
    for (path, item) in openapi.paths.paths.iter_mut() {
        let mut item_inputs = inputs_of(item.parameters.as_deref());
        // A template with parameters has path parameters, documented or not.
        item_inputs.path |= openapi::has_path_params(path);
        for (verb, operation) in operations_mut(item) {
            let own = inputs_of(operation.parameters.as_deref());
            let body = operation.request_body.as_ref().map(|body| match body {
                RefOr::T(body) => openapi::BodyKind::of(body.content.keys().map(String::as_str)),
                // A referenced body is not looked up: JSON, the usual.
                _ => openapi::BodyKind::Json,
            });
            let inputs = openapi::Inputs::of(
                verb,
                body,
                item_inputs.query || own.query,
                item_inputs.path || own.path,
            );
            let index = match built.iter().position(|(i, _)| *i == inputs) {
                Some(index) => index,
                None => {
                    let responses = openapi::layer_responses(inputs)
                        .iter()
                        .map(|(status, doc)| (*status, response(doc)))
                        .collect();
                    built.push((inputs, responses));
                    built.len() - 1
                }
            };
            if let Some((_, responses)) = built.get(index) {
                for (status, response) in responses {
                    add_layer_response(&mut operation.responses, *status, response);
                }
            }
        }
    }
}

/// Whether `parameters` has query or path ones (a referenced parameter is not looked up).
fn inputs_of(parameters: Option<&[RefOr<::utoipa::openapi::path::Parameter>]>) -> openapi::Inputs {
    use ::utoipa::openapi::path::ParameterIn;
    let mut inputs = openapi::Inputs::default();
    for parameter in parameters.into_iter().flatten() {
        if let RefOr::T(parameter) = parameter {
            match parameter.parameter_in {
                ParameterIn::Query | ParameterIn::QueryString => inputs.query = true,
                ParameterIn::Path => inputs.path = true,
                _ => {}
            }
        }
    }
    inputs
}

/// Adds one layer response to an operation's responses; see [`add_layer_responses`].
fn add_layer_response(
    responses: &mut ::utoipa::openapi::Responses,
    status: u16,
    response: &Response,
) {
    let class = status / 100;
    // The code itself, then its range.
    let documented = [
        status.to_string(),
        format!("{class}XX"),
        format!("{class}xx"),
    ]
    .into_iter()
    .find(|key| responses.responses.contains_key(key));
    let Some(key) = documented else {
        responses
            .responses
            .insert(status.to_string(), RefOr::T(response.clone()));
        return;
    };
    // Merge the examples only into an inline `ErrorBody` response.
    let Some(RefOr::T(existing)) = responses.responses.get_mut(&key) else {
        return;
    };
    let Some(RefOr::T(content)) = existing.content.get_mut(openapi::JSON) else {
        return;
    };
    let ours = content
        .schema
        .as_ref()
        .and_then(|s| serde_json::to_value(s).ok())
        .is_some_and(|s| openapi::is_body_schema(&s));
    if !ours {
        return;
    }
    let Some(RefOr::T(ours)) = response.content.get(openapi::JSON) else {
        return;
    };
    let mut added = Vec::new();
    for (code, example) in &ours.examples {
        if !content.examples.contains_key(code) {
            content.examples.insert(code.clone(), example.clone());
            added.push(code.clone());
        }
    }
    // The problem-details examples of the same codes, when the response documents them.
    if let (Some(RefOr::T(problem)), Some(RefOr::T(our_problem))) = (
        existing.content.get_mut(openapi::PROBLEM_JSON),
        response.content.get(openapi::PROBLEM_JSON),
    ) {
        for code in &added {
            if let Some(example) = our_problem.examples.get(code) {
                problem.examples.insert(code.clone(), example.clone());
            }
        }
    }
    for code in &added {
        openapi::add_code(&mut existing.description, code);
    }
    // The layer's answers may be retried where the response's own are not (a panic's 500
    // beside a `retryable = false` one, even under a code of the same name): its
    // `x-should-retry` takes both.
    let name = openapi::SHOULD_RETRY_HEADER.0;
    if let (Some(theirs), Some(ours)) = (existing.headers.get(name), response.headers.get(name)) {
        let schema = |h: &RefOr<::utoipa::openapi::Header>| match h {
            RefOr::T(h) => serde_json::to_value(&h.schema).ok(),
            RefOr::Ref(_) => None,
        };
        let values = openapi::merged_should_retry([schema(theirs).as_ref(), schema(ours).as_ref()]);
        existing
            .headers
            .insert(name.to_owned(), RefOr::T(should_retry_header(&values)));
    }
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
        #[automatically_derived]
        impl $($impl_generics)* $crate::__private::utoipa::IntoResponses for $($ty)*
        where
            Self: $crate::ErrorCatalog,
            $($pred)*
        {
            fn responses() -> $crate::utoipa::Responses {
                $crate::__private::utoipa::responses::<Self>()
            }
        }
    };
}
