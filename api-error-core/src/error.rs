//! The [`ApiError`] trait: what an error must say to become an HTTP error response.

use std::borrow::Cow;
use std::time::Duration;

use http::StatusCode;

use crate::format::Fields;
use crate::{ErrorBody, ErrorFormat, FieldError};

/// An error that renders as the standard HTTP error body.
///
/// Usually derived (`#[derive(ApiError)]`, see the [crate docs](crate)); implementable by hand
/// with five methods. The trait is object safe: a `&dyn ApiError` renders like the error
/// itself, a `Box<dyn ApiError + Send + Sync>` is a response of axum and actix-web, and a
/// derived variant can be `transparent` over a boxed `dyn ApiError`.
///
/// ```
/// use std::borrow::Cow;
/// use api_error_core::ApiError;
/// use http::StatusCode;
///
/// #[derive(Debug)]
/// struct Teapot;
///
/// impl std::fmt::Display for Teapot {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         f.write_str("I refuse to brew coffee")
///     }
/// }
/// impl std::error::Error for Teapot {}
///
/// impl ApiError for Teapot {
///     fn status(&self) -> StatusCode { StatusCode::IM_A_TEAPOT }
///     fn error_type(&self) -> &'static str { "invalid_request_error" }
///     fn code(&self) -> &'static str { "teapot" }
///     fn message(&self) -> Cow<'_, str> { Cow::Owned(self.to_string()) }
///     fn param(&self) -> Option<Cow<'_, str>> { None }
/// }
///
/// let err: &dyn ApiError = &Teapot;
/// let mut out = Vec::new();
/// err.write_json(Some("req_1"), &mut out);
/// assert_eq!(
///     out,
///     br#"{"message":"I refuse to brew coffee","type":"invalid_request_error","code":"teapot","param":null,"request_id":"req_1"}"#
/// );
/// assert!(!err.is_retryable());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an `ApiError`",
    label = "not an `ApiError`",
    note = "add `#[derive(ApiError)]` to `{Self}` (with `#[api_error(status = ...)]`), or implement `api_error_core::ApiError` for it by hand"
)]
pub trait ApiError: std::error::Error {
    /// The HTTP status: a 4xx or a 5xx (the derive checks it at compile time; a
    /// hand-written impl answers for it, as the integrations send what it returns).
    fn status(&self) -> StatusCode;

    /// The body's `type`: an error category in snake_case
    /// (default per status: [`status::default_type`](crate::status::default_type)).
    fn error_type(&self) -> &'static str;

    /// The body's `code`: machine readable, snake_case, stable across releases.
    fn code(&self) -> &'static str;

    /// The public message: safe to show to the API's user. For a 5xx this must not contain
    /// internal detail; the derive uses a fixed generic message unless told otherwise.
    fn message(&self) -> Cow<'_, str>;

    /// The request parameter the error is about, if any.
    fn param(&self) -> Option<Cow<'_, str>>;

    /// How long the client should wait before retrying, if the error says so
    /// (sent as `Retry-After` and `retry-after-ms`).
    fn retry_after(&self) -> Option<Duration> {
        None
    }

    /// Every invalid input of the request, sent as the body's `errors` (absent when empty,
    /// the default). See [`FieldErrors`](crate::FieldErrors); the derive takes them from a
    /// field marked `#[api_error(field_errors)]`.
    fn field_errors(&self) -> &[FieldError] {
        &[]
    }

    /// Whether a client may retry the request (sent as `x-should-retry`).
    /// Default: the status table, [`status::is_retryable`](crate::status::is_retryable).
    fn is_retryable(&self) -> bool {
        crate::status::is_retryable(self.status())
    }

    /// The body without a request id, borrowing from `self` where it can. A 5xx's has no
    /// field errors, whatever [`field_errors`](ApiError::field_errors) says: its details
    /// never reach the wire (the derive refuses them on a 5xx at compile time).
    fn to_body(&self) -> ErrorBody<'_> {
        let errors = if self.status().is_server_error() {
            &[]
        } else {
            self.field_errors()
        };
        ErrorBody {
            message: self.message(),
            r#type: Cow::Borrowed(self.error_type()),
            code: Cow::Borrowed(self.code()),
            param: self.param(),
            request_id: None,
            errors: Cow::Borrowed(errors),
        }
    }

    /// Headers every response of this error carries, as `(lowercase name, value)`: what
    /// HTTP requires of some statuses (RFC 9110: a 401 sends `WWW-Authenticate`). The derive
    /// fills it from `#[api_error(header("name", "value"))]`; empty by default.
    ///
    /// A name given twice is sent twice. The integrations skip a pair whose name or value
    /// is not valid HTTP, and names they set themselves (`content-type`, `content-length`,
    /// `content-encoding`, `x-should-retry`, `retry-after`, ...); the derive refuses both at
    /// compile time.
    fn headers(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }

    /// Appends the body, with `request_id`, to `out` as compact JSON in the flat format.
    ///
    /// The output is byte-identical to `serde_json::to_writer(out, &body)` of
    /// [`to_body`](ApiError::to_body) with the request id set. Provided: it is
    /// [`write_body`](ApiError::write_body) in [`ErrorFormat::FLAT`].
    fn write_json(&self, request_id: Option<&str>, out: &mut Vec<u8>) {
        self.write_body(&ErrorFormat::FLAT, request_id, out);
    }

    /// Appends the body, with `request_id`, to `out` in `format` (flat, enveloped or RFC
    /// 9457 problem; see [`WireFormat`](crate::WireFormat)).
    ///
    /// The provided implementation renders [`to_body`](ApiError::to_body). The derive
    /// overrides it with serialization generated at compile time: static parts are copied
    /// pre-rendered, dynamic parts escaped straight into `out`, nothing else allocated.
    fn write_body(&self, format: &ErrorFormat, request_id: Option<&str>, out: &mut Vec<u8>) {
        let body = self.to_body();
        let fields = Fields::from_body(self.status(), &body, request_id);
        crate::format::write_fields(format, &fields, out);
    }
}

// Written out twice rather than generated by a macro: compiler diagnostics list these impls
// to users ("the following other types implement trait `ApiError`"), and a macro's would
// show its internals there.
impl<T: ApiError + ?Sized> ApiError for &T {
    fn status(&self) -> StatusCode {
        (**self).status()
    }
    fn error_type(&self) -> &'static str {
        (**self).error_type()
    }
    fn code(&self) -> &'static str {
        (**self).code()
    }
    fn message(&self) -> Cow<'_, str> {
        (**self).message()
    }
    fn param(&self) -> Option<Cow<'_, str>> {
        (**self).param()
    }
    fn retry_after(&self) -> Option<Duration> {
        (**self).retry_after()
    }
    fn is_retryable(&self) -> bool {
        (**self).is_retryable()
    }
    fn field_errors(&self) -> &[FieldError] {
        (**self).field_errors()
    }
    fn to_body(&self) -> ErrorBody<'_> {
        (**self).to_body()
    }
    fn headers(&self) -> &'static [(&'static str, &'static str)] {
        (**self).headers()
    }
    fn write_json(&self, request_id: Option<&str>, out: &mut Vec<u8>) {
        (**self).write_json(request_id, out);
    }
    fn write_body(&self, format: &ErrorFormat, request_id: Option<&str>, out: &mut Vec<u8>) {
        (**self).write_body(format, request_id, out);
    }
}

/// A boxed error is the error: `#[api_error(transparent)]` over `Box<Inner>` (what thiserror's
/// `#[error(transparent)]` accepts, and the usual answer to clippy's `result_large_err`)
/// delegates to `Inner`.
impl<T: ApiError> ApiError for Box<T> {
    fn status(&self) -> StatusCode {
        (**self).status()
    }
    fn error_type(&self) -> &'static str {
        (**self).error_type()
    }
    fn code(&self) -> &'static str {
        (**self).code()
    }
    fn message(&self) -> Cow<'_, str> {
        (**self).message()
    }
    fn param(&self) -> Option<Cow<'_, str>> {
        (**self).param()
    }
    fn retry_after(&self) -> Option<Duration> {
        (**self).retry_after()
    }
    fn is_retryable(&self) -> bool {
        (**self).is_retryable()
    }
    fn field_errors(&self) -> &[FieldError] {
        (**self).field_errors()
    }
    fn to_body(&self) -> ErrorBody<'_> {
        (**self).to_body()
    }
    fn headers(&self) -> &'static [(&'static str, &'static str)] {
        (**self).headers()
    }
    fn write_json(&self, request_id: Option<&str>, out: &mut Vec<u8>) {
        (**self).write_json(request_id, out);
    }
    fn write_body(&self, format: &ErrorFormat, request_id: Option<&str>, out: &mut Vec<u8>) {
        (**self).write_body(format, request_id, out);
    }
}
