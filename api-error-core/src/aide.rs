//! OpenAPI documentation with `aide` 0.15 and `schemars` 0.9 (feature `aide`).
//!
//! - [`ErrorBody`] implements [`JsonSchema`]: an object with the five keys, all required,
//!   `param` and `request_id` of type `["string", "null"]`, each described, and the optional
//!   `errors` array of [`FieldError`]s — the same schema as with the `utoipa` feature.
//!   [`FieldError`] is `JsonSchema` too. Its schema name is `ErrorBody`, so aide lists it under
//!   `components.schemas` and responses refer to it.
//! - `#[derive(ApiError)]` implements [`OperationOutput`] for every derived type, so a
//!   handler of an aide `ApiRouter` returns `Result<Json<T>, MyError>` and its operation
//!   documents the errors: one response per status (ascending), described by the status
//!   reason and the codes it carries, with the headers `x-request-id`, `x-should-retry` and
//!   `vary`,
//!   an `application/json` `ErrorBody`, and one named example per code (name = code) whose
//!   value is the body with the public message template — never a redacted 5xx's internal
//!   text. Transparent variants contribute their inner type's codes; the example of
//!   `validation_failed` ([`FieldErrors`](crate::FieldErrors)) shows a body with `errors`.
//!   [`operation_response`](OperationOutput::operation_response) (what aide's
//!   `.response::<N, MyError>()` and `.default_response::<MyError>()` use) is one response
//!   with every code; [`Inner`](OperationOutput::Inner) is `ErrorBody<'static>`, for custom
//!   examples.
//! - [`add_layer_responses`] adds the errors the axum layer sends on its own (malformed
//!   JSON, wrong content type, wrong shape, panics) to every operation of a document.
//!
//! With aide's `axum` feature, an `ApiRouter` handler documents its errors by its return
//! type alone (see the README). The same, by hand:
//!
//! ```
//! use aide::openapi::Operation;
//! use aide::OperationOutput;
//! use api_error_core::ApiError;
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
//! let responses = aide::generate::in_context(|ctx| {
//!     PaymentError::inferred_responses(ctx, &mut Operation::default())
//! });
//! let statuses: Vec<Option<u16>> = responses.iter().map(|(s, _)| *s).collect();
//! assert_eq!(statuses, [Some(404), Some(500)]);
//!
//! let json = serde_json::to_value(&responses[0].1).unwrap();
//! let example = &json["content"]["application/json"]["examples"]["resource_missing"];
//! assert_eq!(example["value"]["message"], "No such customer: {id}");
//! assert!(!serde_json::to_string(&responses[1].1).unwrap().contains("hunter2"));
//! ```
//!
//! For a hand-written [`ApiError`](crate::ApiError) type, implement [`ErrorCatalog`] (with
//! [`response_hints`](ErrorCatalog::response_hints) for the retry delays and static headers
//! its responses carry) and add [`impl_openapi!`](crate::impl_openapi), or implement
//! [`OperationOutput`] with [`responses`] and [`response`]; or use them with a [`Catalog`]
//! to document several types as one.

use std::borrow::Cow;

use ::aide::generate::GenContext;
use ::aide::openapi::{
    Example, Header, HeaderStyle, MediaType, OpenApi, Operation, ParameterSchemaOrContent,
    PathItem, ReferenceOr, Response, Responses, SchemaObject, StatusCode,
};
use ::schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::catalog::openapi::{self, ExampleDoc, ResponseDoc, ResponseHints};
#[cfg(doc)]
use crate::catalog::ErrorCatalog;
use crate::catalog::{Catalog, CatalogEntry};
use crate::{ErrorBody, FieldError};
#[cfg(doc)]
use ::aide::OperationOutput;

impl JsonSchema for ErrorBody<'_> {
    /// `ErrorBody`.
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed(openapi::BODY_TITLE)
    }

    /// `api_error_core::ErrorBody`, so another type named `ErrorBody` does not collide.
    fn schema_id() -> Cow<'static, str> {
        Cow::Borrowed("api_error_core::ErrorBody")
    }

    /// The schema of the standard error body.
    ///
    /// ```
    /// let schema = schemars::schema_for!(api_error_core::ErrorBody<'static>);
    /// let schema = serde_json::to_value(&schema).unwrap();
    /// assert_eq!(schema["required"].as_array().unwrap().len(), 5);
    /// assert_eq!(schema["properties"]["param"]["type"], serde_json::json!(["string", "null"]));
    /// ```
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        Schema::from(openapi::body_schema())
    }
}

/// The [`RequestId`](crate::RequestId) extractor in an `ApiRouter` handler
/// (`async fn whoami(id: RequestId) -> String`): it reads what the layer set (the incoming
/// `x-request-id`, or the id it made), so it documents no parameter of its own.
///
/// ```
/// fn an_input<T: aide::OperationInput>() {}
/// an_input::<api_error_core::RequestId>();
/// an_input::<Option<api_error_core::RequestId>>();
/// ```
impl ::aide::OperationInput for crate::RequestId {}

impl JsonSchema for FieldError {
    /// `FieldError`.
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed(openapi::FIELD_ERROR_TITLE)
    }

    /// `api_error_core::FieldError`.
    fn schema_id() -> Cow<'static, str> {
        Cow::Borrowed("api_error_core::FieldError")
    }

    /// The schema of one item of the body's `errors`: `param`, `code`, `message`, all
    /// required strings.
    ///
    /// ```
    /// let schema = schemars::schema_for!(api_error_core::FieldError);
    /// let schema = serde_json::to_value(&schema).unwrap();
    /// assert_eq!(schema["required"], serde_json::json!(["param", "code", "message"]));
    /// ```
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        Schema::from(openapi::field_error_schema())
    }
}

/// The responses of a set of errors, as [`OperationOutput::inferred_responses`] returns
/// them: one per status, ascending, each with an `application/json` [`ErrorBody`] (a
/// reference to the schema `ctx` collects, unless it inlines schemas) and the same as
/// `application/problem+json` (its schema inline), and one example per code (a code listed
/// twice keeps its first entry).
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
/// let responses =
///     aide::generate::in_context(|ctx| api_error_core::aide::responses(ctx, &catalog));
/// assert_eq!(responses[0].0, Some(429));
/// let json = serde_json::to_value(&responses[0].1).unwrap();
/// let example = &json["content"]["application/json"]["examples"]["rate_limited"];
/// assert_eq!(example["value"]["message"], "Too many requests");
/// assert_eq!(example["value"]["request_id"], serde_json::Value::Null);
/// ```
pub fn responses(ctx: &mut GenContext, catalog: &Catalog) -> Vec<(Option<u16>, Response)> {
    responses_of(
        ctx,
        &catalog.documented_entries(),
        &catalog.response_hints(),
    )
}

/// One response per status of `entries` (see [`openapi::by_status_of`]).
fn responses_of(
    ctx: &mut GenContext,
    entries: &[CatalogEntry],
    hints: &ResponseHints,
) -> Vec<(Option<u16>, Response)> {
    let schema = ctx.schema.subschema_for::<ErrorBody<'static>>();
    openapi::by_status_of(entries, hints)
        .iter()
        .map(|(status, doc)| (Some(*status), response_of(doc, &schema)))
        .collect()
}

/// Every error of a set in one response, as [`OperationOutput::operation_response`] returns
/// it: described by its codes and their statuses, one example per code.
///
/// ```
/// use api_error_core::catalog::{Catalog, CatalogEntry};
///
/// let entry = |status, code| CatalogEntry {
///     variant: "V",
///     status,
///     error_type: "invalid_request_error",
///     code,
///     message: "Nope",
///     param: None,
///     retryable: false,
///     doc: "",
/// };
/// let catalog = Catalog::new().with_entries([entry(400, "bad"), entry(404, "missing")]);
/// let response =
///     aide::generate::in_context(|ctx| api_error_core::aide::response(ctx, &catalog));
/// assert_eq!(response.description, "Error. Codes: `bad` (400), `missing` (404).");
/// ```
pub fn response(ctx: &mut GenContext, catalog: &Catalog) -> Response {
    let schema = ctx.schema.subschema_for::<ErrorBody<'static>>();
    response_of(&openapi::all_in_one(catalog), &schema)
}

/// What the derived `OperationOutput::inferred_responses` calls. Not public API.
pub(crate) fn catalog_responses(
    ctx: &mut GenContext,
    entries: &[CatalogEntry],
    hints: &ResponseHints,
) -> Vec<(Option<u16>, Response)> {
    responses_of(ctx, entries, hints)
}

/// What the derived `OperationOutput::operation_response` calls. Not public API.
pub(crate) fn catalog_response(
    ctx: &mut GenContext,
    entries: &[CatalogEntry],
    hints: &ResponseHints,
) -> Option<Response> {
    let schema = ctx.schema.subschema_for::<ErrorBody<'static>>();
    Some(response_of(
        &openapi::all_in_one_of(entries, hints),
        &schema,
    ))
}

/// A `{"type": "string"}` schema, with `enum` when given.
fn string_schema<S: AsRef<str>>(values: Option<&[S]>) -> SchemaObject {
    let mut schema = serde_json::Map::new();
    schema.insert("type".into(), "string".into());
    if let Some(values) = values {
        schema.insert(
            "enum".into(),
            values
                .iter()
                .map(|v| serde_json::Value::from(v.as_ref()))
                .collect(),
        );
    }
    SchemaObject {
        json_schema: Schema::from(schema),
        external_docs: None,
        example: None,
    }
}

fn integer_schema() -> SchemaObject {
    SchemaObject {
        json_schema: Schema::from(serde_json::Map::from_iter([(
            "type".to_owned(),
            serde_json::Value::from("integer"),
        )])),
        external_docs: None,
        example: None,
    }
}

fn header(description: &str, schema: SchemaObject) -> ReferenceOr<Header> {
    ReferenceOr::Item(Header {
        description: Some(description.to_owned()),
        style: HeaderStyle::Simple,
        required: false,
        deprecated: None,
        format: ParameterSchemaOrContent::Schema(schema),
        example: None,
        examples: Default::default(),
        extensions: Default::default(),
    })
}

/// A response as aide's type, its body described by `schema`.
fn response_of(doc: &ResponseDoc, schema: &Schema) -> Response {
    let (request_id, request_id_description) = openapi::REQUEST_ID_HEADER;
    let (should_retry, should_retry_description) = openapi::SHOULD_RETRY_HEADER;
    let media = |schema: Schema, value: fn(&ExampleDoc) -> &serde_json::Value| MediaType {
        schema: Some(SchemaObject {
            json_schema: schema,
            external_docs: None,
            example: None,
        }),
        examples: doc
            .examples
            .iter()
            .map(|e| {
                let example = Example {
                    summary: Some(e.summary.clone()),
                    description: e.description.map(str::to_owned),
                    value: Some(value(e).clone()),
                    ..Example::default()
                };
                (e.code.to_owned(), ReferenceOr::Item(example))
            })
            .collect(),
        ..MediaType::default()
    };
    let json = media(schema.clone(), |e| &e.value);
    // What the layer and the middleware send a client whose `Accept` prefers it.
    let problem = media(Schema::from(openapi::problem_schema()), |e| &e.problem);
    Response {
        description: doc.description.clone(),
        headers: [
            (
                request_id.to_owned(),
                header(request_id_description, string_schema::<&str>(None)),
            ),
            (
                should_retry.to_owned(),
                header(
                    should_retry_description,
                    string_schema(Some(&doc.should_retry)),
                ),
            ),
            (
                openapi::VARY_HEADER.0.to_owned(),
                header(openapi::VARY_HEADER.1, string_schema::<&str>(None)),
            ),
        ]
        .into_iter()
        .chain(doc.headers.iter().map(|h| {
            let schema = if h.integer {
                integer_schema()
            } else {
                string_schema(Some(&h.values))
            };
            (h.name.to_owned(), header(&h.description, schema))
        }))
        .collect(),
        content: [
            (openapi::JSON.to_owned(), json),
            (openapi::PROBLEM_JSON.to_owned(), problem),
        ]
        .into_iter()
        .collect(),
        ..Response::default()
    }
}

/// Documents every error response of `api` in the format a server configured with
/// `format` sends, as the layer's `wire_format` and `problem_type_base` set it (derived
/// responses describe the flat body, and problem details without a type base, until then).
///
/// - [`WireFormat::Enveloped`](crate::WireFormat::Enveloped): `application/json` becomes
///   the envelope (`{"error": {...}}`, inlined), its examples too;
/// - [`WireFormat::Problem`](crate::WireFormat::Problem): `application/json` goes: such a
///   server sends problem details to every client;
/// - `application/problem+json` (what a client whose `Accept` prefers it gets, whatever
///   the format) stays, its examples' `type` the base joined with the code when one is set.
///
/// Examples are rendered by the servers' own renderer. Call it last, after
/// `ApiRouter::finish_api` and [`add_layer_responses`]; responses this crate did not write
/// are left as they are.
///
/// ```
/// use aide::openapi::{OpenApi, Operation, PathItem, Paths, ReferenceOr, RequestBody};
/// use api_error_core::{ErrorFormat, WireFormat};
///
/// let mut api = OpenApi::default();
/// let operation = Operation {
///     request_body: Some(ReferenceOr::Item(RequestBody::default())),
///     ..Operation::default()
/// };
/// let item = PathItem { post: Some(operation), ..PathItem::default() };
/// api.paths = Some(Paths {
///     paths: [("/v1/customers".to_owned(), ReferenceOr::Item(item))].into_iter().collect(),
///     ..Paths::default()
/// });
/// api_error_core::aide::add_layer_responses(&mut api);
///
/// // The format the layer is configured with: `ApiErrorLayer::new().wire_format(WireFormat::Enveloped)`.
/// api_error_core::aide::document_format(&mut api, &ErrorFormat::new(WireFormat::Enveloped));
///
/// let json = serde_json::to_value(&api).unwrap();
/// let media = &json["paths"]["/v1/customers"]["post"]["responses"]["400"]["content"]["application/json"];
/// assert_eq!(media["examples"]["invalid_json"]["value"]["error"]["code"], "invalid_json");
/// ```
pub fn document_format(api: &mut OpenApi, format: &crate::ErrorFormat) {
    for response in responses_mut(api) {
        openapi::content_in_format(&mut response.content, format);
    }
}

/// Documents the request id under the header name the layer is configured with
/// (`ApiErrorLayer::new().request_id_header(..)`, Stripe's `request-id` say) instead of
/// `x-request-id`, in every response of `api` that this crate wrote (derived and
/// [`add_layer_responses`]' ones), where it was, unless the response documents a header of
/// that name already. `name` is the name the layer was given: an `http::HeaderName`, or a
/// `&str` (a string that is not a valid header name changes nothing). Call it after
/// `ApiRouter::finish_api` and [`add_layer_responses`]; responses this crate did not write
/// are left as they are.
///
/// ```
/// use aide::openapi::{OpenApi, Operation, PathItem, Paths, ReferenceOr, RequestBody};
///
/// let mut api = OpenApi::default();
/// let item = PathItem { get: Some(Operation::default()), ..PathItem::default() };
/// api.paths = Some(Paths {
///     paths: [("/v1/customers".to_owned(), ReferenceOr::Item(item))].into_iter().collect(),
///     ..Paths::default()
/// });
/// api_error_core::aide::add_layer_responses(&mut api);
///
/// // The layer: `ApiErrorLayer::new().request_id_header(HeaderName::from_static("request-id"))`.
/// let name = http::HeaderName::from_static("request-id");
/// api_error_core::aide::document_request_id_header(&mut api, &name);
///
/// let json = serde_json::to_value(&api).unwrap();
/// let headers = &json["paths"]["/v1/customers"]["get"]["responses"]["500"]["headers"];
/// assert!(headers["request-id"].is_object());
/// assert!(headers["x-request-id"].is_null());
/// ```
pub fn document_request_id_header(api: &mut OpenApi, name: impl AsRef<str>) {
    let Some(name) = openapi::request_id_header_name(name.as_ref()) else {
        return;
    };
    let (ours, description) = openapi::REQUEST_ID_HEADER;
    for response in responses_mut(api) {
        let written_here = matches!(
            response.headers.get(ours),
            Some(ReferenceOr::Item(h)) if h.description.as_deref() == Some(description)
        );
        if !written_here {
            continue;
        }
        if response
            .headers
            .keys()
            .any(|k| k.eq_ignore_ascii_case(&name))
        {
            // The app's own header of that name stays.
            response.headers.shift_remove(ours);
            continue;
        }
        // In its place: the headers keep their order.
        response.headers = std::mem::take(&mut response.headers)
            .into_iter()
            .map(|(key, header)| {
                let key = if key == ours { name.clone() } else { key };
                (key, header)
            })
            .collect();
    }
}

/// Every response `api` writes out (not a reference to one): its operations' (their
/// `default` too) and its components'.
fn responses_mut(api: &mut OpenApi) -> impl Iterator<Item = &mut Response> {
    let items = api.paths.iter_mut().flat_map(|p| p.paths.values_mut());
    let operations = items
        .filter_map(|item| match item {
            ReferenceOr::Item(item) => Some(item),
            _ => None,
        })
        .flat_map(operations_mut);
    let responses = operations
        .filter_map(|(_, operation)| operation.responses.as_mut())
        .flat_map(|responses| {
            responses
                .responses
                .values_mut()
                .chain(responses.default.as_mut())
        });
    let components = api.components.iter_mut();
    responses
        .chain(components.flat_map(|c| c.responses.values_mut()))
        .filter_map(|response| match response {
            ReferenceOr::Item(response) => Some(response),
            _ => None,
        })
}

/// Adds to every operation of `api` the error responses that
/// [`ApiErrorLayer`](crate#features) sends on its own, so handlers document only their own
/// errors:
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
/// Operations are those of every path of `paths` (webhooks are not served by the layer).
/// Each response is like a
/// derived one: the `ErrorBody` schema (a reference to `components.schemas.ErrorBody`,
/// added when missing), the `x-request-id`, `x-should-retry` and `vary` headers, one example named
/// after its code.
///
/// Nothing an operation documents is overwritten: when it already has the status (or its
/// range, `4XX`), that response is kept; if it is an `ErrorBody` response (a derived
/// error's), the layer's example is added beside its own, under the layer's code, unless an
/// example of that name is there. Call it after `ApiRouter::finish_api` (every path is then
/// in the document); calling it again changes nothing.
///
/// ```
/// use aide::openapi::{OpenApi, Operation, PathItem, Paths, ReferenceOr, RequestBody};
///
/// // What `ApiRouter::finish_api` produces for `POST /v1/customers` with a JSON body.
/// let mut api = OpenApi::default();
/// let operation = Operation {
///     request_body: Some(ReferenceOr::Item(RequestBody::default())),
///     ..Operation::default()
/// };
/// let item = PathItem { post: Some(operation), ..PathItem::default() };
/// api.paths = Some(Paths {
///     paths: [("/v1/customers".to_owned(), ReferenceOr::Item(item))].into_iter().collect(),
///     ..Paths::default()
/// });
///
/// api_error_core::aide::add_layer_responses(&mut api);
///
/// let json = serde_json::to_value(&api).unwrap();
/// let responses = &json["paths"]["/v1/customers"]["post"]["responses"];
/// for status in ["400", "415", "422", "500"] {
///     assert!(responses[status].is_object(), "{status}");
/// }
/// let example = &responses["415"]["content"]["application/json"]["examples"]["unsupported_media_type"];
/// assert_eq!(example["value"]["type"], "invalid_request_error");
/// assert!(json["components"]["schemas"]["ErrorBody"].is_object());
/// ```
pub fn add_layer_responses(api: &mut OpenApi) {
    // The body schema: a reference to the component (added when missing), or inline when a
    // different schema has its name.
    let ours = Schema::from(openapi::body_schema());
    let components = api.components.get_or_insert_with(Default::default);
    let schema = match components.schemas.get(openapi::BODY_TITLE) {
        Some(existing) if existing.json_schema != ours => ours,
        existing => {
            if existing.is_none() {
                components.schemas.insert(
                    openapi::BODY_TITLE.to_owned(),
                    SchemaObject {
                        json_schema: ours,
                        external_docs: None,
                        example: None,
                    },
                );
            }
            Schema::new_ref(format!("#/components/schemas/{}", openapi::BODY_TITLE))
        }
    };

    // One set of responses per kind of operation, built once.
    let mut built: Vec<(openapi::Inputs, Vec<(u16, Response)>)> = Vec::new();
    let Some(paths) = api.paths.as_mut() else {
        return;
    };
    for (path, item) in paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let mut item_inputs = inputs_of(&item.parameters);
        // A template with parameters has path parameters, documented or not (aide leaves
        // out those of a `Path<u32>` or a tuple).
        item_inputs.path |= openapi::has_path_params(path);
        for (verb, operation) in operations_mut(item) {
            let own = inputs_of(&operation.parameters);
            let body = operation.request_body.as_ref().map(|body| match body {
                ReferenceOr::Item(body) => {
                    openapi::BodyKind::of(body.content.keys().map(String::as_str))
                }
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
                        .map(|(status, doc)| (*status, response_of(doc, &schema)))
                        .collect();
                    built.push((inputs, responses));
                    built.len() - 1
                }
            };
            let Some((_, layer)) = built.get(index) else {
                continue;
            };
            let responses = operation.responses.get_or_insert_with(Default::default);
            let before = responses.responses.len();
            for (status, response) in layer {
                add_layer_response(responses, *status, response);
            }
            if responses.responses.len() != before {
                // Ascending, as aide infers them.
                responses.responses.sort_keys();
            }
        }
    }
}

/// Whether `parameters` has query or path ones (a referenced parameter is not looked up).
fn inputs_of(parameters: &[ReferenceOr<::aide::openapi::Parameter>]) -> openapi::Inputs {
    use ::aide::openapi::Parameter;
    let mut inputs = openapi::Inputs::default();
    for parameter in parameters {
        match parameter {
            ReferenceOr::Item(Parameter::Query { .. }) => inputs.query = true,
            ReferenceOr::Item(Parameter::Path { .. }) => inputs.path = true,
            _ => {}
        }
    }
    inputs
}

/// Every operation of a path item.
/// Every operation of `item`, each with its [`openapi::Verb`].
fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = (openapi::Verb, &mut Operation)> {
    [
        (openapi::Verb::Get, &mut item.get),
        (openapi::Verb::Other, &mut item.put),
        (openapi::Verb::Other, &mut item.post),
        (openapi::Verb::Other, &mut item.delete),
        (openapi::Verb::Other, &mut item.options),
        (openapi::Verb::Head, &mut item.head),
        (openapi::Verb::Other, &mut item.patch),
        (openapi::Verb::Other, &mut item.trace),
    ]
    .into_iter()
    .filter_map(|(verb, op)| Some((verb, op.as_mut()?)))
}

/// Adds one layer response to an operation's responses; see [`add_layer_responses`].
fn add_layer_response(responses: &mut Responses, status: u16, response: &Response) {
    let class = status / 100;
    let keys = [StatusCode::Code(status), StatusCode::Range(class)];
    let Some(key) = keys
        .into_iter()
        .find(|key| responses.responses.contains_key(key))
    else {
        responses.responses.insert(
            StatusCode::Code(status),
            ReferenceOr::Item(response.clone()),
        );
        return;
    };
    // Merge the examples only into an inline `ErrorBody` response.
    let Some(ReferenceOr::Item(existing)) = responses.responses.get_mut(&key) else {
        return;
    };
    let Some(content) = existing.content.get_mut(openapi::JSON) else {
        return;
    };
    let is_body = content
        .schema
        .as_ref()
        .is_some_and(|s| openapi::is_body_schema(s.json_schema.as_value()));
    let Some(ours) = response.content.get(openapi::JSON) else {
        return;
    };
    if !is_body {
        return;
    }
    let mut added = Vec::new();
    for (code, example) in &ours.examples {
        if !content.examples.contains_key(code) {
            content.examples.insert(code.clone(), example.clone());
            added.push(code.clone());
        }
    }
    // The problem-details examples of the same codes, when the response documents them.
    if let (Some(problem), Some(our_problem)) = (
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
    let (name, description) = openapi::SHOULD_RETRY_HEADER;
    let schema = |h: Option<&ReferenceOr<Header>>| match h {
        Some(ReferenceOr::Item(Header {
            format: ParameterSchemaOrContent::Schema(s),
            ..
        })) => Some(s.json_schema.as_value().clone()),
        _ => None,
    };
    if let (Some(theirs), Some(ours)) = (
        schema(existing.headers.get(name)),
        schema(response.headers.get(name)),
    ) {
        let values = openapi::merged_should_retry([Some(&theirs), Some(&ours)]);
        existing.headers.insert(
            name.to_owned(),
            header(description, string_schema(Some(&values))),
        );
    }
}

/// The validating extractors document what they wrap (`Valid<Json<T>>` is `Json<T>`'s
/// request body) and the 422 `validation_failed` they answer with, so an aide `ApiRouter`
/// handler takes them like any extractor.
macro_rules! operation_input_of_validating_extractor {
    ($feature:literal, $name:ident) => {
        #[cfg(all(feature = $feature, any(feature = "axum", feature = "actix-web")))]
        impl<E: ::aide::OperationInput> ::aide::OperationInput for crate::valid::$name<E> {
            fn operation_input(ctx: &mut GenContext, operation: &mut Operation) {
                E::operation_input(ctx, operation);
            }

            fn inferred_early_responses(
                ctx: &mut GenContext,
                operation: &mut Operation,
            ) -> Vec<(Option<u16>, Response)> {
                let mut responses = E::inferred_early_responses(ctx, operation);
                responses.extend(validation_responses(ctx, operation));
                responses
            }
        }
    };
}
operation_input_of_validating_extractor!("validator", Valid);
operation_input_of_validating_extractor!("garde", Garde);

/// The 422 `validation_failed` a validating extractor answers with, for aide to add; or,
/// when the handler's own error already documents a 422 (aide infers the output's responses
/// first, and drops an input's response at a status they have), merged into that one, as
/// [`add_layer_responses`] merges its own: one 422 with both codes.
#[cfg(all(
    any(feature = "validator", feature = "garde"),
    any(feature = "axum", feature = "actix-web")
))]
fn validation_responses(
    ctx: &mut GenContext,
    operation: &mut Operation,
) -> Vec<(Option<u16>, Response)> {
    let mut responses =
        <crate::FieldErrors as ::aide::OperationOutput>::inferred_responses(ctx, operation);
    if let Some(documented) = operation.responses.as_mut() {
        responses.retain(|(status, response)| match status {
            Some(status)
                if documented
                    .responses
                    .contains_key(&StatusCode::Code(*status)) =>
            {
                add_layer_response(documented, *status, response);
                false
            }
            _ => true,
        });
    }
    responses
}

/// Implements `aide::OperationOutput` for a type deriving `ApiError`. Emitted (through
/// `__integrations!`) by the derive; input `[impl generics] [self type] [where clause]`.
/// Not public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_aide {
    ([$($impl_generics:tt)*] [$($ty:tt)*] []) => {
        $crate::__impl_aide! { @impl [$($impl_generics)*] [$($ty)*] [] }
    };
    ([$($impl_generics:tt)*] [$($ty:tt)*] [where $($pred:tt)*]) => {
        $crate::__impl_aide! { @impl [$($impl_generics)*] [$($ty)*] [$($pred)*] }
    };
    (@impl [$($impl_generics:tt)*] [$($ty:tt)*] [$($pred:tt)*]) => {
        #[automatically_derived]
        impl $($impl_generics)* $crate::__private::aide::OperationOutput for $($ty)*
        where
            Self: $crate::ErrorCatalog,
            $($pred)*
        {
            type Inner = $crate::ErrorBody<'static>;

            fn operation_response(
                __api_error_ctx: &mut $crate::__private::aide::generate::GenContext,
                _: &mut $crate::__private::aide::openapi::Operation,
            ) -> $crate::__private::core::option::Option<$crate::__private::aide::openapi::Response>
            {
                $crate::__private::aide::response::<Self>(__api_error_ctx)
            }

            fn inferred_responses(
                __api_error_ctx: &mut $crate::__private::aide::generate::GenContext,
                _: &mut $crate::__private::aide::openapi::Operation,
            ) -> $crate::__private::std::vec::Vec<(
                $crate::__private::core::option::Option<$crate::__private::core::primitive::u16>,
                $crate::__private::aide::openapi::Response,
            )> {
                $crate::__private::aide::responses::<Self>(__api_error_ctx)
            }
        }
    };
}
