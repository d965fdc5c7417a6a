//! One standard JSON error body for HTTP APIs, derived from your own error enums.
//!
//! `#[derive(ApiError)]` turns each variant of an error enum into a complete HTTP error —
//! status, `type`, `code`, `message`, `param`, `request_id` — rendered as one JSON body whose
//! static parts are serialized at compile time. Framework integrations (axum, actix-web),
//! OpenAPI (utoipa), an error-code catalog and a client side for SDKs build on the same
//! [`ApiError`] trait.
//!
//! ```
//! use api_error_core::ApiError;
//!
//! #[derive(Debug, thiserror::Error, ApiError)]
//! pub enum PaymentError {
//!     /// The API key is missing, revoked or malformed.
//!     #[error("Invalid API key provided")]
//!     #[api_error(
//!         status = 401,
//!         code = "invalid_api_key",
//!         header("WWW-Authenticate", "Bearer realm=\"api\"")
//!     )]
//!     InvalidApiKey,
//!
//!     #[error("No such customer: {id}")]
//!     #[api_error(status = 404, code = "resource_missing", param = "customer")]
//!     CustomerNotFound { id: String },
//!
//!     #[error("{field} must be positive")]
//!     #[api_error(status = 422, code = "invalid_amount")]
//!     InvalidAmount { #[api_error(param)] field: String },
//!
//!     #[error("Too many requests")]
//!     #[api_error(status = 429, code = "rate_limited")]
//!     RateLimited { #[api_error(retry_after)] wait: std::time::Duration },
//!
//!     #[error("database unavailable: {0}")]
//!     #[api_error(status = 503, code = "database_unavailable")]
//!     Database(#[source] std::io::Error),
//! }
//!
//! let err = PaymentError::CustomerNotFound { id: "cus_123".into() };
//! let mut body = Vec::new();
//! err.write_json(Some("req_8fZ2kQ"), &mut body);
//! assert_eq!(
//!     String::from_utf8(body).unwrap(),
//!     r#"{"message":"No such customer: cus_123","type":"not_found_error","code":"resource_missing","param":"customer","request_id":"req_8fZ2kQ"}"#
//! );
//!
//! // 5xx bodies never carry the error's Display (it may hold internal detail).
//! let db = PaymentError::Database(std::io::Error::other("password=hunter2"));
//! assert_eq!(db.message(), "The service is temporarily unavailable.");
//! assert!(db.is_retryable());
//! ```
//!
//! # Attributes
//!
//! All under `#[api_error(...)]`. *Container* = on the enum (defaults for every variant) or
//! on a struct (which is its own single variant).
//!
//! | key | where | value | default |
//! |---|---|---|---|
//! | `status` | container, variant | `404` or a `StatusCode` constant name (`NOT_FOUND`, `StatusCode::NOT_FOUND`), 400..=599 | required (variant or enum) |
//! | `type` | container, variant | `"snake_case"` | from the status table ([`status::default_type`]) |
//! | `code` | struct, variant | `"snake_case"` | the variant (or struct) name in snake_case |
//! | `message` | container, variant | format string over the fields: `"No such customer: {id}"`, `"{0}"`, `"{0:?}"` | 4xx: the `Display`; 5xx: a fixed generic message ([`status::generic_message`]) |
//! | `param` | struct, variant | `"customer"` | none (`null`) |
//! | `retryable` | container, variant | `true` / `false` (bare `retryable` = `true`) | the status table ([`status::is_retryable`]) |
//! | `transparent` | struct, variant | flag; exactly one field, itself an `ApiError` | — |
//! | `expose` | struct, variant | flag; a 5xx sends its `Display` as the message | — |
//! | `param` | field | flag; the field's value is the param: borrowed via `AsRef<str>`, else `Display`; `Option<T>` for maybe-null | — |
//! | `retry_after` | field | flag; `Duration`, integer seconds, or `Option` of either | — |
//! | `header` | container, variant | `header("WWW-Authenticate", "Bearer")`: a static header on every response (repeatable) | none |
//! | `no_integrations` | container | flag; no generated integration impls (framework and OpenAPI), for a type that writes its own (opt back in with [`impl_integrations!`] and [`impl_openapi!`]) | — |
//! | `field_errors` | field | flag; a [`FieldErrors`] or `Vec<FieldError>`: the body's `errors`, and the variant's `param` (the first one's) unless it sets one | — |
//!
//! A path field (`PathBuf`, `&Path`, `Box<Path>`, ...) shown with `{0}` in a message is shown
//! through `Path::display()`, as thiserror does; `{0:?}` stays `Debug`.
//!
//! A thiserror `#[error("literal")]` with no arguments is used as-is (it is exactly what
//! `Display` prints), so such variants render without formatting at run time. Doc comments
//! on variants become the catalog's descriptions ([`ErrorCatalog`]).
//!
//! Mistakes are compile errors pointing at the offending token, all reported at once:
//! a status outside 400..=599 or not a literal/constant, a missing status, a code or type
//! that is not `[a-z][a-z0-9_]*`, unknown keys (with the nearest valid key suggested),
//! duplicate keys, a message naming a missing field, `param` given twice, `transparent`
//! with other keys or not exactly one field, two variants with one code but a different
//! status or type, `retry_after` or `field_errors` twice or on an unsupported type, and the
//! derive on a union.
//!
//! # Field errors
//!
//! One request often has several invalid inputs; [`FieldErrors`] answers them all at once
//! (422 `validation_error` / `validation_failed`), listing each [`FieldError`] in the body's
//! sixth key, `errors`, absent from every other body. With the `validator` and `garde`
//! features their reports convert into it, and the axum and actix-web extractors `Valid<E>`
//! and `Garde<E>` (`Valid<Json<T>>`, `Garde<Query<T>>`, ...) reject invalid input with it.
//!
//! # Wire formats
//!
//! The integrations send every error flat (the default), enveloped as `{"error":{...}}`, or
//! as RFC 9457 `application/problem+json`: see [`WireFormat`] and [`ErrorFormat`], which also
//! render any error exactly as the integrations do.
//!
//! # Status semantics
//!
//! | status | default `type` | retryable |
//! |---|---|---|
//! | 400 | `invalid_request_error` | no |
//! | 401 | `authentication_error` | no |
//! | 403 | `permission_error` | no |
//! | 404 | `not_found_error` | no |
//! | 408 | `invalid_request_error` | yes |
//! | 409 | `conflict_error` | no |
//! | 422 | `validation_error` | no |
//! | 429 | `rate_limit_error` | yes, honour `Retry-After` |
//! | any other 4xx | `invalid_request_error` | no |
//! | 5xx | `api_error` | yes |
//!
//! # Features
//!
//! | feature | what it adds |
//! |---|---|
//! | `derive` (default) | `#[derive(ApiError)]` |
//! | `axum` | `IntoResponse` for derived errors; `axum::ApiErrorLayer` for request ids, rejections, 404/405, panics |
//! | `actix-web` | `ResponseError` for derived errors; `actix::ApiErrorMiddleware` |
//! | `utoipa` | `ToSchema` for [`ErrorBody`], `IntoResponses` for derived errors; `utoipa::add_layer_responses` |
//! | `aide` | `JsonSchema` for [`ErrorBody`], aide's `OperationOutput` for derived errors; `aide::add_layer_responses` |
//! | `tracing` | every error the axum or actix-web integration renders is logged: 5xx at `error` with the source chain, 4xx at `debug`; with `reqwest`, each retry at `debug` (rendering by hand logs nothing) |
//! | `reqwest` | for SDKs on reqwest 0.13: `client::send_with_retry` (retries, idempotency keys), `ErrorResponse::from_reqwest` (bounded read), `client::ClientError` |
//! | `validator` | `From<validator::ValidationErrors>` for [`FieldErrors`]; with `axum` / `actix-web`, the `Valid<E>` extractor (validator 0.21) |
//! | `garde` | `From<garde::Report>` for [`FieldErrors`]; with `axum` / `actix-web`, the `Garde<E>` extractor (garde 0.23) |
//! | `preserve-order` | OpenAPI examples with their keys in the order the server sends them, not sorted (serde_json's `preserve_order`, for the whole build) |
//!
//! The derive cannot see which features are on: it emits one macro call that each
//! integration expands (or not), so a disabled integration costs nothing. Hand-written
//! [`ApiError`] types opt in with [`impl_integrations!`].
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod body;
pub mod catalog;
pub mod client;
mod error;
mod fields;
mod format;
mod json;
pub mod status;
mod text;

#[cfg(feature = "actix-web")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix-web")))]
pub mod actix;
#[cfg(feature = "aide")]
#[cfg_attr(docsrs, doc(cfg(feature = "aide")))]
pub mod aide;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
// Logging happens where errors are rendered for the wire: in the web integrations.
#[cfg(all(feature = "tracing", any(feature = "axum", feature = "actix-web")))]
mod log;
mod request_id;
#[cfg(feature = "utoipa")]
#[cfg_attr(docsrs, doc(cfg(feature = "utoipa")))]
pub mod utoipa;
#[cfg(all(
    any(feature = "validator", feature = "garde"),
    any(feature = "axum", feature = "actix-web")
))]
mod valid;
#[cfg(any(feature = "axum", feature = "actix-web"))]
mod web;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use body::ErrorBody;
pub use catalog::{CatalogEntry, ErrorCatalog, ResponseHint};
pub use error::ApiError;
pub use fields::{FieldError, FieldErrors};
pub use format::{ErrorFormat, WireFormat, PROBLEM_ERROR_TYPE_MEMBER};
pub use request_id::{RequestId, RequestIdMissing, MAX_REQUEST_ID_LEN};

/// Derives [`ApiError`] and [`ErrorCatalog`] (and, with their features, the framework
/// integrations) for an enum or a struct. See the [crate docs](crate) for the attributes.
#[cfg(feature = "derive")]
pub use api_error_derive::ApiError;

/// Implements the enabled framework integrations (axum `IntoResponse`, actix-web
/// `ResponseError`) for a hand-written [`ApiError`] type, in one line.
///
/// ```
/// # use std::borrow::Cow;
/// # use api_error_core::ApiError;
/// # #[derive(Debug)] struct Teapot;
/// # impl std::fmt::Display for Teapot { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("teapot") } }
/// # impl std::error::Error for Teapot {}
/// # impl ApiError for Teapot {
/// #     fn status(&self) -> http::StatusCode { http::StatusCode::IM_A_TEAPOT }
/// #     fn error_type(&self) -> &'static str { "invalid_request_error" }
/// #     fn code(&self) -> &'static str { "teapot" }
/// #     fn message(&self) -> Cow<'_, str> { "teapot".into() }
/// #     fn param(&self) -> Option<Cow<'_, str>> { None }
/// # }
/// api_error_core::impl_integrations!(Teapot);
/// ```
///
/// A generic type names its parameters after `impl` and puts their bounds in a `where`
/// clause: `impl_integrations!(impl<T> Wrapped<T> where T: std::fmt::Debug)`.
#[macro_export]
macro_rules! impl_integrations {
    (impl<$($g:tt),+> $ty:ty $(where $($w:tt)+)?) => {
        $crate::__impl_axum! { [<$($g),+>] [$ty] [$(where $($w)+)?] }
        $crate::__impl_actix! { [<$($g),+>] [$ty] [$(where $($w)+)?] }
    };
    (impl $($rest:tt)*) => {
        ::core::compile_error!(
            "impl_integrations!: name each generic parameter after `impl` by itself and put its bounds in a `where` clause, e.g. `impl_integrations!(impl<'a, T> MyError<'a, T> where T: Debug)`; a const parameter takes one call per value"
        );
    };
    ($ty:ty) => {
        $crate::__impl_axum! { [] [$ty] [] }
        $crate::__impl_actix! { [] [$ty] [] }
    };
}

/// Implements the enabled OpenAPI integrations (utoipa `IntoResponses`, aide
/// `OperationOutput`, both built from the type's [`ErrorCatalog`]) for a type that has a
/// catalog but not those impls: a derived type marked `#[api_error(no_integrations)]` that
/// writes its own `IntoResponse` but keeps the generated documentation.
///
/// ```
/// use api_error_core::ApiError;
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// #[error("gone")]
/// #[api_error(status = 410, no_integrations)]
/// struct Gone;
///
/// // Its own framework impls here; the OpenAPI ones from its catalog:
/// api_error_core::impl_openapi!(Gone);
///
/// // A generic type: its parameters after `impl`, their bounds in a `where` clause.
/// #[derive(Debug, thiserror::Error, ApiError)]
/// #[api_error(no_integrations)]
/// enum Wrapped<E: std::fmt::Debug> {
///     #[error("busy")]
///     #[api_error(status = 503)]
///     Busy(E),
/// }
/// api_error_core::impl_openapi!(impl<E> Wrapped<E> where E: std::fmt::Debug);
/// ```
#[macro_export]
macro_rules! impl_openapi {
    (impl<$($g:tt),+> $ty:ty $(where $($w:tt)+)?) => {
        $crate::__openapi_integrations! { [<$($g),+>] [$ty] [$(where $($w)+)?] }
    };
    (impl $($rest:tt)*) => {
        ::core::compile_error!(
            "impl_openapi!: name each generic parameter after `impl` by itself and put its bounds in a `where` clause, e.g. `impl_openapi!(impl<'a, T> MyError<'a, T> where T: Debug)`; a const parameter takes one call per value"
        );
    };
    ($ty:ty) => {
        $crate::__openapi_integrations! { [] [$ty] [] }
    };
}
