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
    ///
    /// ```
    /// use api_error_core::ApiError;
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     #[error("No such customer: {id}")]
    ///     #[api_error(status = 404, code = "resource_missing", param = "customer")]
    ///     CustomerNotFound { id: String },
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited { #[api_error(retry_after)] wait: std::time::Duration },
    ///     #[error("database down: {0}")]
    ///     #[api_error(status = 503)]
    ///     Database(String),
    /// }
    ///
    /// let missing = PaymentError::CustomerNotFound { id: "cus_1".into() };
    /// let limited = PaymentError::RateLimited { wait: std::time::Duration::from_millis(1500) };
    /// let database = PaymentError::Database("password hunter2 rejected".into());
    /// assert_eq!(missing.status(), http::StatusCode::NOT_FOUND);
    /// ```
    fn status(&self) -> StatusCode;

    /// The body's `type`: an error category in snake_case
    /// (default per status: [`status::default_type`](crate::status::default_type)).
    ///
    /// ```
    /// use api_error_core::ApiError;
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     #[error("No such customer: {id}")]
    ///     #[api_error(status = 404, code = "resource_missing", param = "customer")]
    ///     CustomerNotFound { id: String },
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited { #[api_error(retry_after)] wait: std::time::Duration },
    ///     #[error("database down: {0}")]
    ///     #[api_error(status = 503)]
    ///     Database(String),
    /// }
    ///
    /// let missing = PaymentError::CustomerNotFound { id: "cus_1".into() };
    /// let limited = PaymentError::RateLimited { wait: std::time::Duration::from_millis(1500) };
    /// let database = PaymentError::Database("password hunter2 rejected".into());
    /// assert_eq!(missing.error_type(), "not_found_error");
    /// assert_eq!(database.error_type(), "api_error");
    /// ```
    fn error_type(&self) -> &'static str;

    /// The body's `code`: machine readable, snake_case, stable across releases.
    ///
    /// ```
    /// use api_error_core::ApiError;
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     #[error("No such customer: {id}")]
    ///     #[api_error(status = 404, code = "resource_missing", param = "customer")]
    ///     CustomerNotFound { id: String },
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited { #[api_error(retry_after)] wait: std::time::Duration },
    ///     #[error("database down: {0}")]
    ///     #[api_error(status = 503)]
    ///     Database(String),
    /// }
    ///
    /// let missing = PaymentError::CustomerNotFound { id: "cus_1".into() };
    /// let limited = PaymentError::RateLimited { wait: std::time::Duration::from_millis(1500) };
    /// let database = PaymentError::Database("password hunter2 rejected".into());
    /// assert_eq!(missing.code(), "resource_missing");
    /// assert_eq!(database.code(), "database");
    /// ```
    fn code(&self) -> &'static str;

    /// The public message: safe to show to the API's user. For a 5xx this must not contain
    /// internal detail; the derive uses a fixed generic message unless told otherwise.
    ///
    /// ```
    /// use api_error_core::ApiError;
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     #[error("No such customer: {id}")]
    ///     #[api_error(status = 404, code = "resource_missing", param = "customer")]
    ///     CustomerNotFound { id: String },
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited { #[api_error(retry_after)] wait: std::time::Duration },
    ///     #[error("database down: {0}")]
    ///     #[api_error(status = 503)]
    ///     Database(String),
    /// }
    ///
    /// let missing = PaymentError::CustomerNotFound { id: "cus_1".into() };
    /// let limited = PaymentError::RateLimited { wait: std::time::Duration::from_millis(1500) };
    /// let database = PaymentError::Database("password hunter2 rejected".into());
    /// assert_eq!(missing.message(), "No such customer: cus_1");
    /// // A 5xx's Display stays in the logs.
    /// assert_eq!(database.message(), "The service is temporarily unavailable.");
    /// ```
    fn message(&self) -> Cow<'_, str>;

    /// The request parameter the error is about, if any.
    ///
    /// ```
    /// use api_error_core::ApiError;
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     #[error("No such customer: {id}")]
    ///     #[api_error(status = 404, code = "resource_missing", param = "customer")]
    ///     CustomerNotFound { id: String },
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited { #[api_error(retry_after)] wait: std::time::Duration },
    ///     #[error("database down: {0}")]
    ///     #[api_error(status = 503)]
    ///     Database(String),
    /// }
    ///
    /// let missing = PaymentError::CustomerNotFound { id: "cus_1".into() };
    /// let limited = PaymentError::RateLimited { wait: std::time::Duration::from_millis(1500) };
    /// let database = PaymentError::Database("password hunter2 rejected".into());
    /// assert_eq!(missing.param().as_deref(), Some("customer"));
    /// assert_eq!(database.param(), None);
    /// ```
    fn param(&self) -> Option<Cow<'_, str>>;

    /// How long the client should wait before retrying, if the error says so
    /// (sent as `Retry-After` and `retry-after-ms`).
    ///
    /// ```
    /// use api_error_core::ApiError;
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     #[error("No such customer: {id}")]
    ///     #[api_error(status = 404, code = "resource_missing", param = "customer")]
    ///     CustomerNotFound { id: String },
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited { #[api_error(retry_after)] wait: std::time::Duration },
    ///     #[error("database down: {0}")]
    ///     #[api_error(status = 503)]
    ///     Database(String),
    /// }
    ///
    /// let missing = PaymentError::CustomerNotFound { id: "cus_1".into() };
    /// let limited = PaymentError::RateLimited { wait: std::time::Duration::from_millis(1500) };
    /// let database = PaymentError::Database("password hunter2 rejected".into());
    /// assert_eq!(limited.retry_after(), Some(std::time::Duration::from_millis(1500)));
    /// assert_eq!(missing.retry_after(), None);
    /// ```
    fn retry_after(&self) -> Option<Duration> {
        None
    }

    /// Every invalid input of the request, sent as the body's `errors` (absent when empty,
    /// the default). See [`FieldErrors`](crate::FieldErrors); the derive takes them from a
    /// field marked `#[api_error(field_errors)]`.
    ///
    /// ```
    /// use api_error_core::ApiError;
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     #[error("No such customer: {id}")]
    ///     #[api_error(status = 404, code = "resource_missing", param = "customer")]
    ///     CustomerNotFound { id: String },
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited { #[api_error(retry_after)] wait: std::time::Duration },
    ///     #[error("database down: {0}")]
    ///     #[api_error(status = 503)]
    ///     Database(String),
    /// }
    ///
    /// let missing = PaymentError::CustomerNotFound { id: "cus_1".into() };
    /// let limited = PaymentError::RateLimited { wait: std::time::Duration::from_millis(1500) };
    /// let database = PaymentError::Database("password hunter2 rejected".into());
    /// assert!(missing.field_errors().is_empty());
    /// let errors = api_error_core::FieldErrors::from(api_error_core::FieldError::new("name", "required", "is required"));
    /// assert_eq!(errors.field_errors().len(), 1);
    /// ```
    fn field_errors(&self) -> &[FieldError] {
        &[]
    }

    /// Whether a client may retry the request (sent as `x-should-retry`).
    /// Default: the status table, [`status::is_retryable`](crate::status::is_retryable).
    ///
    /// ```
    /// use api_error_core::ApiError;
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     #[error("No such customer: {id}")]
    ///     #[api_error(status = 404, code = "resource_missing", param = "customer")]
    ///     CustomerNotFound { id: String },
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited { #[api_error(retry_after)] wait: std::time::Duration },
    ///     #[error("database down: {0}")]
    ///     #[api_error(status = 503)]
    ///     Database(String),
    /// }
    ///
    /// let missing = PaymentError::CustomerNotFound { id: "cus_1".into() };
    /// let limited = PaymentError::RateLimited { wait: std::time::Duration::from_millis(1500) };
    /// let database = PaymentError::Database("password hunter2 rejected".into());
    /// assert!(limited.is_retryable());
    /// assert!(database.is_retryable());
    /// assert!(!missing.is_retryable());
    /// ```
    fn is_retryable(&self) -> bool {
        crate::status::is_retryable(self.status())
    }

    /// The body without a request id, borrowing from `self` where it can. A 5xx's has no
    /// field errors, whatever [`field_errors`](ApiError::field_errors) says: its details
    /// never reach the wire (the derive refuses them on a 5xx at compile time).
    ///
    /// ```
    /// use api_error_core::ApiError;
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     #[error("No such customer: {id}")]
    ///     #[api_error(status = 404, code = "resource_missing", param = "customer")]
    ///     CustomerNotFound { id: String },
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited { #[api_error(retry_after)] wait: std::time::Duration },
    ///     #[error("database down: {0}")]
    ///     #[api_error(status = 503)]
    ///     Database(String),
    /// }
    ///
    /// let missing = PaymentError::CustomerNotFound { id: "cus_1".into() };
    /// let limited = PaymentError::RateLimited { wait: std::time::Duration::from_millis(1500) };
    /// let database = PaymentError::Database("password hunter2 rejected".into());
    /// let body = missing.to_body();
    /// assert_eq!(body.code, "resource_missing");
    /// assert_eq!(body.request_id, None);
    /// // The body, as serde writes it, is what `write_json` writes.
    /// let mut fast = Vec::new();
    /// missing.write_json(None, &mut fast);
    /// assert_eq!(serde_json::to_vec(&body).unwrap(), fast);
    /// ```
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
    ///
    /// ```
    /// use api_error_core::ApiError;
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     #[error("No such customer: {id}")]
    ///     #[api_error(status = 404, code = "resource_missing", param = "customer")]
    ///     CustomerNotFound { id: String },
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited { #[api_error(retry_after)] wait: std::time::Duration },
    ///     #[error("database down: {0}")]
    ///     #[api_error(status = 503)]
    ///     Database(String),
    /// }
    ///
    /// let missing = PaymentError::CustomerNotFound { id: "cus_1".into() };
    /// let limited = PaymentError::RateLimited { wait: std::time::Duration::from_millis(1500) };
    /// let database = PaymentError::Database("password hunter2 rejected".into());
    /// assert!(missing.headers().is_empty());
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("Sign in first")]
    /// #[api_error(status = 401, header("WWW-Authenticate", "Bearer realm=\"api\""))]
    /// struct Unauthenticated;
    /// assert_eq!(Unauthenticated.headers(), [("www-authenticate", "Bearer realm=\"api\"")]);
    /// ```
    fn headers(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }

    /// Appends the body, with `request_id`, to `out` as compact JSON in the flat format.
    ///
    /// The output is byte-identical to `serde_json::to_writer(out, &body)` of
    /// [`to_body`](ApiError::to_body) with the request id set. Provided: it is
    /// [`write_body`](ApiError::write_body) in [`ErrorFormat::FLAT`]. The integrations send
    /// what it writes as the flat object, alone or in the `{"error": …}` envelope, so a
    /// hand-written override is what goes on the wire; a problem is
    /// [`write_body`](ApiError::write_body)'s.
    ///
    /// ```
    /// use api_error_core::ApiError;
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     #[error("No such customer: {id}")]
    ///     #[api_error(status = 404, code = "resource_missing", param = "customer")]
    ///     CustomerNotFound { id: String },
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited { #[api_error(retry_after)] wait: std::time::Duration },
    ///     #[error("database down: {0}")]
    ///     #[api_error(status = 503)]
    ///     Database(String),
    /// }
    ///
    /// let missing = PaymentError::CustomerNotFound { id: "cus_1".into() };
    /// let limited = PaymentError::RateLimited { wait: std::time::Duration::from_millis(1500) };
    /// let database = PaymentError::Database("password hunter2 rejected".into());
    /// let mut out = Vec::new();
    /// missing.write_json(Some("req_1"), &mut out);
    /// assert_eq!(
    ///     String::from_utf8(out).unwrap(),
    ///     r#"{"message":"No such customer: cus_1","type":"not_found_error","code":"resource_missing","param":"customer","request_id":"req_1"}"#
    /// );
    /// ```
    fn write_json(&self, request_id: Option<&str>, out: &mut Vec<u8>) {
        self.write_body(&ErrorFormat::FLAT, request_id, out);
    }

    /// Appends the body, with `request_id`, to `out` in `format` (flat, enveloped or RFC
    /// 9457 problem; see [`WireFormat`](crate::WireFormat)).
    ///
    /// The provided implementation renders [`to_body`](ApiError::to_body). The derive
    /// overrides it with serialization generated at compile time: static parts are copied
    /// pre-rendered, dynamic parts escaped straight into `out`, nothing else allocated.
    ///
    /// ```
    /// use api_error_core::ApiError;
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     #[error("No such customer: {id}")]
    ///     #[api_error(status = 404, code = "resource_missing", param = "customer")]
    ///     CustomerNotFound { id: String },
    ///     #[error("Too many requests")]
    ///     #[api_error(status = 429, code = "rate_limited")]
    ///     RateLimited { #[api_error(retry_after)] wait: std::time::Duration },
    ///     #[error("database down: {0}")]
    ///     #[api_error(status = 503)]
    ///     Database(String),
    /// }
    ///
    /// let missing = PaymentError::CustomerNotFound { id: "cus_1".into() };
    /// let limited = PaymentError::RateLimited { wait: std::time::Duration::from_millis(1500) };
    /// let database = PaymentError::Database("password hunter2 rejected".into());
    /// use api_error_core::{ErrorFormat, WireFormat};
    ///
    /// let mut out = Vec::new();
    /// missing.write_body(&ErrorFormat::new(WireFormat::Problem), None, &mut out);
    /// assert!(out.starts_with(br#"{"type":"about:blank","title":"Not Found","status":404,"#));
    /// ```
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
