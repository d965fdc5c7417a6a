//! The client side: turn any HTTP error response into a typed value, and decide whether to
//! retry (SPEC §9).
//!
//! For Rust SDKs that consume an API speaking the standard error format (or any of the many
//! public APIs with the same `message`/`type`/`code`/`param` shape):
//!
//! - [`ErrorResponse::from_parts`] builds an error value from a status, the headers and the
//!   raw body bytes. It never panics and never fails: a JSON body in any of the three
//!   [wire formats](crate::WireFormat) — flat, wrapped as `{"error": {...}}`, or RFC 9457
//!   problem details — is parsed back into the same [`ErrorBody`]; anything else (an HTML 502 from a proxy, an
//!   empty 504 from a gateway, a truncated or non-UTF-8 body) becomes a body whose `type`
//!   comes from the status table and whose message is the raw text, bounded.
//! - [`RetryPolicy`] says how long to wait before retry number `n`, or `None` to give up.
//! - [`FromErrorResponse`] recognises a received error as one of your own error types
//!   (implemented by `#[derive(ApiError)]`), see [`ErrorResponse::to_typed`].
//! - With the `reqwest` feature, `send_with_retry` is the whole request loop below for
//!   reqwest 0.13 (retries, `Retry-After`, idempotency keys, transport failures),
//!   `ErrorResponse::from_reqwest` reads an error response with a bounded read, and
//!   `ClientError` is the error of both (SPEC §13).
//!
//! # Example: an SDK's request loop
//!
//! ```
//! use api_error_core::client::{ErrorResponse, RetryPolicy};
//! use http::{HeaderMap, StatusCode};
//!
//! // Stand-in for the SDK's transport: two 503s from a proxy, then a real 404.
//! let mut responses = vec![
//!     (StatusCode::NOT_FOUND, &br#"{"error":{"message":"No such customer: cus_1","type":"not_found_error","code":"resource_missing","param":"customer","request_id":"req_1"}}"#[..]),
//!     (StatusCode::SERVICE_UNAVAILABLE, &b"<html>503 Service Unavailable</html>"[..]),
//!     (StatusCode::SERVICE_UNAVAILABLE, &b""[..]),
//! ];
//! let policy = RetryPolicy::default().jitter(false);
//! let mut waited = Vec::new();
//! let mut attempt = 0;
//! let error = loop {
//!     let (status, body) = responses.pop().unwrap();
//!     let error = ErrorResponse::from_parts(status, &HeaderMap::new(), body);
//!     match policy.delay(attempt, &error) {
//!         Some(delay) => {
//!             waited.push(delay); // a real SDK sleeps here
//!             attempt += 1;
//!         }
//!         None => break error,
//!     }
//! };
//! assert_eq!(waited, [std::time::Duration::from_millis(500), std::time::Duration::from_secs(1)]);
//! assert_eq!(error.code(), "resource_missing");
//! assert_eq!(error.request_id(), Some("req_1"));
//! assert_eq!(error.to_string(), "404 not_found_error (resource_missing): No such customer: cus_1 [request_id: req_1]");
//! ```
//!
//! # Bounds
//!
//! Error bodies come from the network, so everything is bounded:
//!
//! | what | bound |
//! |---|---|
//! | bytes of a JSON body parsed (a longer one is read as far as that, as a truncated one) | [`MAX_JSON_BODY_LEN`] (1 MiB) |
//! | any string field parsed from JSON (`message`, `code`, ...) | [`MAX_FIELD_LEN`] (64 KiB) |
//! | field errors kept from a body's `errors` array | [`MAX_FIELD_ERRORS`] (1000) |
//! | fallback message built from a non-JSON body | [`MAX_FALLBACK_MESSAGE_LEN`] (64 KiB) |
//! | `retry_after()` (only against overflow) | [`MAX_RETRY_AFTER`] (about 136 years) |
//! | `request_id()` taken from the `x-request-id` (or `request-id`) header | 256 bytes |
//! | the body as received, kept for `raw_body()` (shared by clones, not copied) | [`MAX_JSON_BODY_LEN`] (1 MiB) |
//!
//! Larger bodies are never parsed or copied in full: JSON is read as far as its first MiB,
//! any other text as far as the fallback message's 64 KiB, and `raw_body()` keeps the first
//! MiB.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::status;
use crate::{ErrorBody, FieldError};

mod date;
mod fields;
mod retry;
#[cfg(feature = "reqwest")]
mod transport;

use fields::FieldErrorsSeed;
pub use fields::MAX_FIELD_ERRORS;
pub use retry::RetryPolicy;
#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub use transport::{send_with_retry, ClientError, IDEMPOTENCY_KEY};

/// The longest fallback message, in bytes, built from a body that is not an error object in
/// the standard format (HTML, plain text, invalid UTF-8, non-object JSON, bodies too large to
/// parse): the raw text, lossily decoded as UTF-8 and cut on a character boundary.
///
/// 64 KiB keeps a whole proxy page or stack trace as the server sent it, without letting a
/// multi-megabyte body into logs and error reports.
///
/// ```
/// use api_error_core::client::{ErrorResponse, MAX_FALLBACK_MESSAGE_LEN};
///
/// let page = "<html>".repeat(20_000);
/// let error = ErrorResponse::from_parts(http::StatusCode::BAD_GATEWAY, &http::HeaderMap::new(), page.as_bytes());
/// assert_eq!(error.message().len(), MAX_FALLBACK_MESSAGE_LEN);
/// // Below the bound, the text is the message as sent.
/// let page = "<html><body>502 Bad Gateway</body></html>\r\n";
/// let error = ErrorResponse::from_parts(http::StatusCode::BAD_GATEWAY, &http::HeaderMap::new(), page.as_bytes());
/// assert_eq!(error.message(), page);
/// ```
pub const MAX_FALLBACK_MESSAGE_LEN: usize = 64 * 1024;

/// The longest string field, in bytes, kept from a parsed JSON body (`message`, `type`,
/// `code`, `param`, `request_id`); longer values are cut on a character boundary.
///
/// ```
/// use api_error_core::client::{ErrorResponse, MAX_FIELD_LEN};
///
/// let body = format!(r#"{{"message":"{}","code":"big"}}"#, "m".repeat(100_000));
/// let error = ErrorResponse::from_parts(http::StatusCode::BAD_REQUEST, &http::HeaderMap::new(), body.as_bytes());
/// assert_eq!(error.message().len(), MAX_FIELD_LEN);
/// ```
pub const MAX_FIELD_LEN: usize = 64 * 1024;

/// The most bytes of a body that [`ErrorResponse::from_parts`] parses as JSON: a larger
/// JSON body is read as far as this, as a truncated one (the fields before the cut are
/// kept, and a message the cut runs through, as far as it goes), and never copied in full;
/// what `from_reqwest` reads of any error body.
///
/// ```
/// use api_error_core::client::{ErrorResponse, MAX_JSON_BODY_LEN};
///
/// // Read as far as the bound: the fields before the cut are kept.
/// let body = format!(r#"{{"message":"big","code":"big","padding":"{}"}}"#, "x".repeat(2 * MAX_JSON_BODY_LEN));
/// let error = ErrorResponse::from_parts(http::StatusCode::BAD_REQUEST, &http::HeaderMap::new(), body.as_bytes());
/// assert_eq!(error.code(), "big");
/// ```
pub const MAX_JSON_BODY_LEN: usize = 1024 * 1024;

/// The largest value [`ErrorResponse::retry_after`] reports (`u32::MAX` seconds, about 136
/// years): a bound only so that no arithmetic on a delay can overflow. Below it the delay is
/// reported as the server sent it; what a client actually waits is its
/// [`RetryPolicy`]'s business.
///
/// ```
/// use std::time::Duration;
/// use api_error_core::client::{ErrorResponse, MAX_RETRY_AFTER};
///
/// let mut headers = http::HeaderMap::new();
/// headers.insert("retry-after", "86400".parse().unwrap());
/// let error = ErrorResponse::from_parts(http::StatusCode::SERVICE_UNAVAILABLE, &headers, b"");
/// assert_eq!(error.retry_after(), Some(Duration::from_secs(86400)));
/// headers.insert("retry-after", "99999999999999999999".parse().unwrap());
/// let error = ErrorResponse::from_parts(http::StatusCode::SERVICE_UNAVAILABLE, &headers, b"");
/// assert_eq!(error.retry_after(), Some(MAX_RETRY_AFTER));
/// ```
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(u32::MAX as u64);

/// The `code` of a received error whose body did not carry one (a non-JSON body, or a JSON
/// body without a usable `code`).
///
/// ```
/// use api_error_core::client::{ErrorResponse, UNKNOWN_CODE};
///
/// let error = ErrorResponse::from_parts(http::StatusCode::BAD_GATEWAY, &http::HeaderMap::new(), b"<html>Bad gateway</html>");
/// assert_eq!(error.code(), UNKNOWN_CODE);
/// ```
pub const UNKNOWN_CODE: &str = "unknown";

/// The longest `x-request-id` header value taken as the request id.
const MAX_HEADER_REQUEST_ID_LEN: usize = 256;

/// An error response received from an API: status, parsed body and the retry-related headers.
///
/// Built with [`from_parts`](ErrorResponse::from_parts) or
/// [`from_response`](ErrorResponse::from_response), which never fail. It is
/// `std::error::Error + Send + Sync + 'static`, so an SDK can return it as its error type or
/// box it.
///
/// ```
/// use api_error_core::client::ErrorResponse;
/// use http::{HeaderMap, HeaderValue, StatusCode};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("retry-after", HeaderValue::from_static("2"));
/// headers.insert("x-request-id", HeaderValue::from_static("req_8fZ2kQ"));
/// let body = br#"{"message":"Too many requests","type":"rate_limit_error","code":"rate_limited","param":null,"request_id":null}"#;
///
/// let error = ErrorResponse::from_parts(StatusCode::TOO_MANY_REQUESTS, &headers, body);
/// assert_eq!(error.status(), StatusCode::TOO_MANY_REQUESTS);
/// assert_eq!(error.code(), "rate_limited");
/// assert_eq!(error.error_type(), "rate_limit_error");
/// assert_eq!(error.message(), "Too many requests");
/// assert_eq!(error.request_id(), Some("req_8fZ2kQ")); // from the header: the body had none
/// assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(2)));
/// assert!(error.is_retryable());
///
/// // A proxy's HTML page: the status table gives the type, the text becomes the message.
/// let error = ErrorResponse::from_parts(
///     StatusCode::BAD_GATEWAY,
///     &HeaderMap::new(),
///     b"<html><body><h1>502 Bad Gateway</h1></body></html>",
/// );
/// assert_eq!(error.error_type(), "api_error");
/// assert_eq!(error.code(), "unknown");
/// assert_eq!(error.message(), "<html><body><h1>502 Bad Gateway</h1></body></html>");
/// assert!(error.is_retryable());
/// ```
#[derive(Clone, Debug)]
pub struct ErrorResponse {
    status: StatusCode,
    body: ErrorBody<'static>,
    header_request_id: Option<String>,
    retry_after: Option<Duration>,
    should_retry: Option<bool>,
    // Shared: read only when asked for, an `ErrorResponse` stays small to move around (in
    // `ClientError::Api`, in a `Result`), and a clone copies none of it.
    raw: std::sync::Arc<Raw>,
}

/// Two errors are equal when what was read of them is: status, body fields, request id,
/// retry delay and advice. The response as received (its `date` header, say) is not
/// compared.
impl PartialEq for ErrorResponse {
    fn eq(&self, other: &Self) -> bool {
        let ErrorResponse {
            status,
            body,
            header_request_id,
            retry_after,
            should_retry,
            raw: _,
        } = self;
        *status == other.status
            && *body == other.body
            && *header_request_id == other.header_request_id
            && *retry_after == other.retry_after
            && *should_retry == other.should_retry
    }
}

impl Eq for ErrorResponse {}

/// The response as received: its headers and the first [`MAX_JSON_BODY_LEN`] bytes of its
/// body, for what the standard fields do not carry.
struct Raw {
    headers: HeaderMap,
    body: Box<[u8]>,
}

/// Names the headers and the body's length, not their values: an error is logged with
/// `{:?}`, and a response's headers may carry a cookie or a token.
impl fmt::Debug for Raw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Raw")
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &format_args!("{} bytes", self.body.len()))
            .finish()
    }
}

impl ErrorResponse {
    /// Builds the error value of a response from its parts. Never panics, never fails.
    ///
    /// The body, after an optional UTF-8 byte order mark and leading whitespace:
    ///
    /// - **A JSON object** (its first [`MAX_JSON_BODY_LEN`] bytes) in the standard format, flat
    ///   (`{"message": ..., "type": ..., ...}`) or enveloped (`{"error": {...}}`; keys of the
    ///   inner object win, keys outside it fill the gaps), is parsed leniently:
    ///   - unknown keys are ignored; a key whose value is not a string (or is blank) counts as
    ///     missing, but for `param`, which is kept trimmed, `""` included (what a param
    ///     field holding `""` sends); string values are cut to [`MAX_FIELD_LEN`] bytes;
    ///   - RFC 9457 problem details (`{"type": "<URI>", "title", "status", "detail", ...}`,
    ///     whatever the `content-type`; any object when it is `application/problem+json`,
    ///     as every member of a problem is optional): `detail` is the message, the
    ///     `error_type` member the `type`, and a body without a `code` member takes the
    ///     last segment of a type URI such as
    ///     `https://docs.example.com/errors/resource_missing` (or a relative one,
    ///     `out-of-credit`) when it is a token of lowercase letters, digits, `_` and `-`;
    ///     a `type` that is a URI, or the `type` of an object with a `title` and no `message`
    ///     (a problem), is never taken as the category;
    ///   - a missing `type` comes from [`status::default_type`];
    ///   - a missing `message` is taken from `detail`, `error_description` or `title` (RFC 9457
    ///     problem details, OAuth 2; a `title` only when it says more than the status:
    ///     not `Not Found` under a 404, nor `Client Error` under a 499), then from a
    ///     top-level `"error"` string that is not a code (`"Validation failed: ..."`), else
    ///     the status's canonical reason (`"Not Found"`, `"HTTP status 499"` without one);
    ///     `Message` (AWS) and `msg` count as `message`, in that order;
    ///   - a missing `code` is the OAuth-style top-level `"error": "<string>"` when it is one
    ///     word of at most 128 ASCII letters, digits, `_`, `-` and `.` (`invalid_grant`) and
    ///     not the status's reason phrase (Spring's `"Unauthorized"`), else the envelope's
    ///     `status` string when it is a canonical code in capitals (Google's
    ///     `"NOT_FOUND"`), else an integer `code` that is not the HTTP status itself
    ///     (Twilio's `20404`, as `"20404"`; only from an object read to its end, as a cut
    ///     body may have cut its digits), else [`UNKNOWN_CODE`];
    ///   - `errors`, the field errors, is read as [`field_errors`](ErrorResponse::field_errors)
    ///     says;
    ///   - bytes that are not UTF-8 inside it (a Latin-1 server) and lone UTF-16 surrogate
    ///     escapes (`"\ud83d"`, a string cut inside an emoji by JavaScript or Python) are
    ///     read as U+FFFD;
    ///   - a truncated or otherwise malformed JSON object keeps the fields read before the
    ///     point where it breaks (field errors included), and so does one over
    ///     [`MAX_JSON_BODY_LEN`], cut there.
    /// - **Anything else** — HTML, plain text, empty, invalid UTF-8, a JSON array or string,
    ///   an object with none of the keys above holding a string (or a field error, or an
    ///   integer `code` other than the status) — becomes a body with the status table's `type`, code
    ///   [`UNKNOWN_CODE`], and as message the raw text as sent (lossy UTF-8, at most [`MAX_FALLBACK_MESSAGE_LEN`] bytes), or the
    ///   status's canonical reason when that text is empty or only whitespace.
    ///
    /// Headers read (all optional, malformed values are ignored): `x-request-id` (or
    /// `request-id`),
    /// `retry-after-ms`, `Retry-After`, `x-should-retry`; see the accessors. An HTTP-date in
    /// `Retry-After` is compared with the system clock now, when the response is received.
    ///
    /// ```
    /// use api_error_core::client::ErrorResponse;
    /// use http::{HeaderMap, HeaderValue, StatusCode};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-request-id", HeaderValue::from_static("req_7f3a"));
    /// headers.insert("retry-after", HeaderValue::from_static("2"));
    /// let body = br#"{"error":{"message":"Too many requests","type":"rate_limit_error","code":"rate_limited","param":null,"request_id":"req_7f3a"}}"#;
    ///
    /// let error = ErrorResponse::from_parts(StatusCode::TOO_MANY_REQUESTS, &headers, body);
    /// assert_eq!(error.code(), "rate_limited");
    /// assert_eq!(error.request_id(), Some("req_7f3a"));
    /// assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(2)));
    /// assert!(error.is_retryable());
    /// ```
    #[must_use]
    pub fn from_parts(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ErrorResponse {
        ErrorResponse::from_read(status, headers, body, false)
    }

    /// [`from_parts`](ErrorResponse::from_parts) on a body whose reading stopped at the
    /// parse bound (`cut`): more may have followed, so a message running up to the bound is
    /// taken as cut there, as a longer body's is.
    pub(crate) fn from_read(
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        cut: bool,
    ) -> ErrorResponse {
        ErrorResponse {
            status,
            body: parse_body(status, body, cut, is_problem_media(headers)),
            header_request_id: header_request_id(headers),
            retry_after: parse_retry_after(headers, SystemTime::now()),
            should_retry: parse_should_retry(headers),
            raw: std::sync::Arc::new(Raw {
                headers: headers.clone(),
                body: body.get(..MAX_JSON_BODY_LEN).unwrap_or(body).into(),
            }),
        }
    }

    /// [`from_parts`](ErrorResponse::from_parts) on an `http::Response` whose body is bytes
    /// (`Vec<u8>`, `String`, `&[u8]`, `bytes::Bytes`, ...). Also available as `From`.
    ///
    /// ```
    /// use api_error_core::client::ErrorResponse;
    ///
    /// let response = http::Response::builder()
    ///     .status(409)
    ///     .header("x-should-retry", "false")
    ///     .body(r#"{"error":{"message":"Key reused","type":"conflict_error","code":"idempotency_key_reused"}}"#)
    ///     .unwrap();
    /// let error = ErrorResponse::from_response(&response);
    /// assert_eq!(error.code(), "idempotency_key_reused");
    /// assert!(!error.is_retryable());
    /// assert_eq!(ErrorResponse::from(&response), error);
    /// ```
    pub fn from_response<B: AsRef<[u8]>>(response: &http::Response<B>) -> ErrorResponse {
        ErrorResponse::from_parts(
            response.status(),
            response.headers(),
            response.body().as_ref(),
        )
    }

    /// The response's headers, as received: for what the accessors do not read (Stripe's
    /// `Stripe-Should-Retry`, a vendor's own request-id header).
    ///
    /// ```
    /// use api_error_core::client::ErrorResponse;
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-amzn-requestid", "b5f1c3".parse().unwrap());
    /// let error = ErrorResponse::from_parts(StatusCode::BAD_REQUEST, &headers, b"");
    /// assert_eq!(error.headers()["x-amzn-requestid"], "b5f1c3");
    /// ```
    pub fn headers(&self) -> &HeaderMap {
        &self.raw.headers
    }

    /// The response's body, as received (its first [`MAX_JSON_BODY_LEN`] bytes): for the
    /// members an API sends beyond the standard ones (Stripe's `decline_code`, a problem's
    /// extension members), read with `serde_json`.
    ///
    /// ```
    /// use api_error_core::client::ErrorResponse;
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let error = ErrorResponse::from_parts(
    ///     StatusCode::PAYMENT_REQUIRED,
    ///     &HeaderMap::new(),
    ///     br#"{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds."}}"#,
    /// );
    /// assert_eq!(error.code(), "card_declined");
    /// let raw: serde_json::Value = serde_json::from_slice(error.raw_body()).unwrap();
    /// assert_eq!(raw["error"]["decline_code"], "insufficient_funds");
    /// ```
    pub fn raw_body(&self) -> &[u8] {
        &self.raw.body
    }

    /// The response's HTTP status.
    ///
    /// ```
    /// use api_error_core::client::ErrorResponse;
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-request-id", "req_7".parse().unwrap());
    /// headers.insert("retry-after", "3".parse().unwrap());
    /// let error = ErrorResponse::from_parts(
    ///     StatusCode::TOO_MANY_REQUESTS,
    ///     &headers,
    ///     br#"{"message":"Slow down","type":"rate_limit_error","code":"rate_limited","param":"amount"}"#,
    /// );
    /// assert_eq!(error.status(), StatusCode::TOO_MANY_REQUESTS);
    /// ```
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The parsed body, as the server sent it (with defaults filled in, see
    /// [`from_parts`](ErrorResponse::from_parts)). Its `request_id` is the body's own; the
    /// `x-request-id` header fallback is only in [`request_id`](ErrorResponse::request_id).
    ///
    /// ```
    /// use api_error_core::client::ErrorResponse;
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-request-id", "req_7".parse().unwrap());
    /// headers.insert("retry-after", "3".parse().unwrap());
    /// let error = ErrorResponse::from_parts(
    ///     StatusCode::TOO_MANY_REQUESTS,
    ///     &headers,
    ///     br#"{"message":"Slow down","type":"rate_limit_error","code":"rate_limited","param":"amount"}"#,
    /// );
    /// assert_eq!(error.body().code, "rate_limited");
    /// // The body's own request id, without the header's.
    /// assert_eq!(error.body().request_id, None);
    /// ```
    pub fn body(&self) -> &ErrorBody<'static> {
        &self.body
    }

    /// Consumes the error and returns its body.
    ///
    /// ```
    /// use api_error_core::client::ErrorResponse;
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-request-id", "req_7".parse().unwrap());
    /// headers.insert("retry-after", "3".parse().unwrap());
    /// let error = ErrorResponse::from_parts(
    ///     StatusCode::TOO_MANY_REQUESTS,
    ///     &headers,
    ///     br#"{"message":"Slow down","type":"rate_limit_error","code":"rate_limited","param":"amount"}"#,
    /// );
    /// let body = error.into_body();
    /// assert_eq!(body.message, "Slow down");
    /// ```
    pub fn into_body(self) -> ErrorBody<'static> {
        self.body
    }

    /// The body's `message`: human readable, safe to show.
    ///
    /// ```
    /// use api_error_core::client::ErrorResponse;
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-request-id", "req_7".parse().unwrap());
    /// headers.insert("retry-after", "3".parse().unwrap());
    /// let error = ErrorResponse::from_parts(
    ///     StatusCode::TOO_MANY_REQUESTS,
    ///     &headers,
    ///     br#"{"message":"Slow down","type":"rate_limit_error","code":"rate_limited","param":"amount"}"#,
    /// );
    /// assert_eq!(error.message(), "Slow down");
    /// ```
    pub fn message(&self) -> &str {
        &self.body.message
    }

    /// The body's `type`: the error category, never empty.
    ///
    /// ```
    /// use api_error_core::client::ErrorResponse;
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-request-id", "req_7".parse().unwrap());
    /// headers.insert("retry-after", "3".parse().unwrap());
    /// let error = ErrorResponse::from_parts(
    ///     StatusCode::TOO_MANY_REQUESTS,
    ///     &headers,
    ///     br#"{"message":"Slow down","type":"rate_limit_error","code":"rate_limited","param":"amount"}"#,
    /// );
    /// assert_eq!(error.error_type(), "rate_limit_error");
    /// ```
    pub fn error_type(&self) -> &str {
        &self.body.r#type
    }

    /// The body's `code`: machine readable, never empty ([`UNKNOWN_CODE`] when the server sent
    /// none).
    ///
    /// ```
    /// use api_error_core::client::ErrorResponse;
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-request-id", "req_7".parse().unwrap());
    /// headers.insert("retry-after", "3".parse().unwrap());
    /// let error = ErrorResponse::from_parts(
    ///     StatusCode::TOO_MANY_REQUESTS,
    ///     &headers,
    ///     br#"{"message":"Slow down","type":"rate_limit_error","code":"rate_limited","param":"amount"}"#,
    /// );
    /// assert_eq!(error.code(), "rate_limited");
    /// ```
    pub fn code(&self) -> &str {
        &self.body.code
    }

    /// The body's `param`: the request parameter the error is about, if any.
    ///
    /// ```
    /// use api_error_core::client::ErrorResponse;
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-request-id", "req_7".parse().unwrap());
    /// headers.insert("retry-after", "3".parse().unwrap());
    /// let error = ErrorResponse::from_parts(
    ///     StatusCode::TOO_MANY_REQUESTS,
    ///     &headers,
    ///     br#"{"message":"Slow down","type":"rate_limit_error","code":"rate_limited","param":"amount"}"#,
    /// );
    /// assert_eq!(error.param(), Some("amount"));
    /// ```
    pub fn param(&self) -> Option<&str> {
        self.body.param.as_deref()
    }

    /// The body's field errors (its `errors` array): every invalid input the server reported,
    /// empty when there are none. Read from flat and enveloped bodies alike, leniently (see
    /// [`MAX_FIELD_ERRORS`]).
    ///
    /// ```
    /// use api_error_core::client::ErrorResponse;
    ///
    /// let error = ErrorResponse::from_parts(
    ///     http::StatusCode::UNPROCESSABLE_ENTITY,
    ///     &http::HeaderMap::new(),
    ///     br#"{"error":{"message":"Invalid value for name: must be at least 2 characters long (and 1 more error)","type":"validation_error","code":"validation_failed","param":"name","request_id":"req_1","errors":[{"param":"name","code":"length","message":"must be at least 2 characters long"},{"param":"address.city","code":"required","message":"is required"}]}}"#,
    /// );
    /// let params: Vec<&str> = error.field_errors().iter().map(|e| &*e.param).collect();
    /// assert_eq!(params, ["name", "address.city"]);
    /// assert_eq!(error.field_errors()[1].code, "required");
    /// ```
    pub fn field_errors(&self) -> &[FieldError] {
        &self.body.errors
    }

    /// The request id to quote to the API's support: the body's `request_id`, else the
    /// `x-request-id` header (or, without one, Stripe's `request-id`) when it is 1 to 256
    /// visible ASCII characters (surrounding whitespace trimmed).
    ///
    /// ```
    /// use api_error_core::client::ErrorResponse;
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-request-id", "req_7".parse().unwrap());
    /// headers.insert("retry-after", "3".parse().unwrap());
    /// let error = ErrorResponse::from_parts(
    ///     StatusCode::TOO_MANY_REQUESTS,
    ///     &headers,
    ///     br#"{"message":"Slow down","type":"rate_limit_error","code":"rate_limited","param":"amount"}"#,
    /// );
    /// assert_eq!(error.request_id(), Some("req_7"));
    /// ```
    pub fn request_id(&self) -> Option<&str> {
        self.body
            .request_id
            .as_deref()
            .or(self.header_request_id.as_deref())
    }

    /// How long the server asked the client to wait before retrying, as it sent it (at most
    /// [`MAX_RETRY_AFTER`], against overflow):
    ///
    /// - `retry-after-ms`: milliseconds, integer or decimal (the OpenAI/Stainless header);
    /// - else `Retry-After`: delta-seconds (a decimal number of seconds is tolerated), or an
    ///   HTTP-date (IMF-fixdate, RFC 850 or asctime; names case-insensitive, `UTC` accepted
    ///   for `GMT`, an RFC 850 two-digit year read with RFC 9110's 50-year rule), measured
    ///   from when the response was parsed; a date in the past gives `Duration::ZERO`.
    ///
    /// Negative, non-finite and unparseable values are ignored.
    ///
    /// ```
    /// use api_error_core::client::ErrorResponse;
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-request-id", "req_7".parse().unwrap());
    /// headers.insert("retry-after", "3".parse().unwrap());
    /// let error = ErrorResponse::from_parts(
    ///     StatusCode::TOO_MANY_REQUESTS,
    ///     &headers,
    ///     br#"{"message":"Slow down","type":"rate_limit_error","code":"rate_limited","param":"amount"}"#,
    /// );
    /// assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(3)));
    /// ```
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Whether the request may be retried: the `x-should-retry: true|false` header when the
    /// server sent it (case-insensitive), else the status table
    /// ([`status::is_retryable`]: 408, 429 and every 5xx).
    ///
    /// ```
    /// use api_error_core::client::ErrorResponse;
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-request-id", "req_7".parse().unwrap());
    /// headers.insert("retry-after", "3".parse().unwrap());
    /// let error = ErrorResponse::from_parts(
    ///     StatusCode::TOO_MANY_REQUESTS,
    ///     &headers,
    ///     br#"{"message":"Slow down","type":"rate_limit_error","code":"rate_limited","param":"amount"}"#,
    /// );
    /// assert!(error.is_retryable());
    /// ```
    pub fn is_retryable(&self) -> bool {
        self.should_retry
            .unwrap_or_else(|| status::is_retryable(self.status))
    }

    /// Recognises this error as one of your own error types, see [`FromErrorResponse`].
    ///
    /// ```
    /// # use api_error_core::client::{ErrorResponse, FromErrorResponse};
    /// # #[derive(Debug, PartialEq)] enum MyError { NotFound }
    /// # impl FromErrorResponse for MyError {
    /// #     fn from_error_response(r: &ErrorResponse) -> Option<Self> {
    /// #         (r.code() == "resource_missing").then_some(MyError::NotFound)
    /// #     }
    /// # }
    /// let error = ErrorResponse::from_parts(
    ///     http::StatusCode::NOT_FOUND,
    ///     &http::HeaderMap::new(),
    ///     br#"{"message":"No such customer","type":"not_found_error","code":"resource_missing"}"#,
    /// );
    /// assert_eq!(error.to_typed::<MyError>(), Some(MyError::NotFound));
    /// ```
    pub fn to_typed<E: FromErrorResponse>(&self) -> Option<E> {
        E::from_error_response(self)
    }
}

impl<B: AsRef<[u8]>> From<&http::Response<B>> for ErrorResponse {
    fn from(response: &http::Response<B>) -> Self {
        ErrorResponse::from_response(response)
    }
}

/// `404 not_found_error (resource_missing): No such customer [request_id: req_1]` — the
/// request id part only when one is known.
/// One line: the server's texts with their control characters, line and paragraph
/// separators and bidirectional controls escaped, so an SDK that logs the error logs one
/// line, which reads as it displays, whatever the server sent.
impl fmt::Display for ErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::text::Escaped;
        write!(
            f,
            "{} {} ({}): {}",
            self.status.as_u16(),
            Escaped(&self.body.r#type),
            Escaped(&self.body.code),
            Escaped(&self.body.message)
        )?;
        if let Some(request_id) = self.request_id() {
            write!(f, " [request_id: {}]", Escaped(request_id))?;
        }
        Ok(())
    }
}

impl std::error::Error for ErrorResponse {}

/// A type that can recognise a received [`ErrorResponse`] as one of its own values.
///
/// `#[derive(ApiError)]` implements it, so one error enum can be shared by a server crate and
/// its Rust SDK: the received error is matched by `code` to the variant that produces it, for
/// the variants whose fields can be rebuilt from the body. Return `None` when the response is
/// not one of yours (an unknown code, a proxy's HTML page); the SDK then keeps the
/// `ErrorResponse` itself.
///
/// Use it through [`ErrorResponse::to_typed`]. A hand-written implementation:
///
/// ```
/// use api_error_core::client::{ErrorResponse, FromErrorResponse};
/// use http::{HeaderMap, StatusCode};
///
/// #[derive(Debug, PartialEq)]
/// enum PaymentError {
///     InvalidApiKey,
///     InvalidAmount { field: String },
/// }
///
/// impl FromErrorResponse for PaymentError {
///     fn from_error_response(response: &ErrorResponse) -> Option<Self> {
///         match response.code() {
///             "invalid_api_key" => Some(PaymentError::InvalidApiKey),
///             "invalid_amount" => Some(PaymentError::InvalidAmount {
///                 field: response.param()?.to_owned(),
///             }),
///             _ => None,
///         }
///     }
/// }
///
/// let error = ErrorResponse::from_parts(
///     StatusCode::UNPROCESSABLE_ENTITY,
///     &HeaderMap::new(),
///     br#"{"message":"amount must be positive","type":"validation_error","code":"invalid_amount","param":"amount"}"#,
/// );
/// assert_eq!(
///     error.to_typed::<PaymentError>(),
///     Some(PaymentError::InvalidAmount { field: "amount".into() })
/// );
///
/// let proxy = ErrorResponse::from_parts(StatusCode::BAD_GATEWAY, &HeaderMap::new(), b"<html>");
/// assert_eq!(proxy.to_typed::<PaymentError>(), None);
/// ```
pub trait FromErrorResponse: Sized {
    /// The value `response` stands for, or `None` if it is not one of this type's errors.
    ///
    /// ```
    /// use api_error_core::client::{ErrorResponse, FromErrorResponse};
    /// use api_error_core::ApiError;
    ///
    /// #[derive(Debug, PartialEq, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     #[error("No such customer")]
    ///     #[api_error(status = 404, code = "resource_missing")]
    ///     CustomerNotFound,
    /// }
    /// let response = ErrorResponse::from_parts(
    ///     http::StatusCode::NOT_FOUND,
    ///     &http::HeaderMap::new(),
    ///     br#"{"message":"No such customer","type":"not_found_error","code":"resource_missing"}"#,
    /// );
    /// assert_eq!(PaymentError::from_error_response(&response), Some(PaymentError::CustomerNotFound));
    /// ```
    fn from_error_response(response: &ErrorResponse) -> Option<Self>;
}

/// A boxed error is recognised as its target is (`#[api_error(transparent)]` over
/// `Box<Inner>`).
impl<T: FromErrorResponse> FromErrorResponse for Box<T> {
    fn from_error_response(response: &ErrorResponse) -> Option<Self> {
        T::from_error_response(response).map(Box::new)
    }
}

// ---------------------------------------------------------------------------------------------
// Body parsing
// ---------------------------------------------------------------------------------------------

/// The `visit_*` methods of a lenient visitor for the JSON scalars it reads past (a value
/// of the wrong type counts as missing): each gives the visitor's default value.
macro_rules! skip_scalars {
    () => {
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Default::default())
        }

        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Default::default())
        }

        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Default::default())
        }

        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Default::default())
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Default::default())
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
    };
}
use skip_scalars;

/// `problem_media`: the response says `application/problem+json`, so the object is problem
/// details whatever members it has.
fn parse_body(
    status: StatusCode,
    bytes: &[u8],
    cut: bool,
    problem_media: bool,
) -> ErrorBody<'static> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    parse_json(bytes, cut)
        .and_then(|parsed| parsed.into_body(status, problem_media))
        .unwrap_or_else(|| fallback_body(status, bytes))
}

/// Whether the response's `content-type` is `application/problem+json` (RFC 9457), any
/// parameters after it ignored.
fn is_problem_media(headers: &HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.as_bytes().split(|&b| b == b';').next())
        .is_some_and(|media| {
            media
                .trim_ascii()
                .eq_ignore_ascii_case(crate::format::PROBLEM_JSON.as_bytes())
        })
}

/// Parses a JSON object, keeping whatever was read before an error. `cut`: its reading
/// stopped at the bound (more may have followed).
fn parse_json(bytes: &[u8], cut: bool) -> Option<Parsed> {
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        return None;
    }
    // A larger object is read as far as the bound, as a truncated one: a 422 with tens of
    // thousands of field errors still gives its code, message and first field errors.
    let cut = cut || bytes.len() > MAX_JSON_BODY_LEN;
    let bytes = bytes.get(..MAX_JSON_BODY_LEN).unwrap_or(bytes);
    let mut parsed = Parsed::default();
    // Errors (truncation, trailing garbage, excessive nesting) are fine: `parsed` holds every
    // field completed before them.
    // Whether the last read went to the end of its object.
    let mut whole = read_json(bytes, &mut parsed).is_ok();
    if !whole {
        // What other encoders send and serde_json refuses: a lone UTF-16 surrogate escape
        // (a string that JavaScript or Python cut inside an emoji), bytes that are not
        // UTF-8 (a Latin-1 server), a raw line break or other control character inside a
        // string (a template that pasted text in). Read again with those repaired, rather
        // than keep only the fields before them.
        let repaired = repaired(bytes);
        if let Some(repaired) = &repaired {
            parsed = Parsed::default();
            whole = read_json(repaired, &mut parsed).is_ok();
        }
        // Cut inside a message (a message echoing a 2 MiB input, the first value of the
        // body or after others, as problem details put `detail` after `type` and `title`):
        // read again with that message as far as the bound, and every field before it
        // (repaired first, if it needs it: a repair can only lengthen the text, which is
        // then cut at the bound again).
        if cut {
            if let Some(done) = completed(repaired.as_deref().unwrap_or(bytes)) {
                parsed = Parsed::default();
                whole = read_json(&done, &mut parsed).is_ok();
            }
        }
    }
    // A number at the end of a broken body may be cut too (`2040` of `20404`): a numeric
    // code counts only from an object read to its end. (A cut string never completes, so a
    // code string read is whole.)
    if !whole {
        parsed.outer.number = None;
        parsed.inner.number = None;
    }
    Some(parsed)
}

/// `bytes`, cut by the parse bound inside the text of a message (`message`, `detail`,
/// `error_description`, `title`) of the body's object or of its `error` envelope,
/// completed: the string closed where it was cut (before a cut escape, surrogate pair or
/// character) and the open objects closed. `None` when the cut is anywhere else: inside a
/// key, between tokens, deeper in the body, or in any other value (a cut code, type, id or
/// param would be another one, which the server never sent).
fn completed(bytes: &[u8]) -> Option<Vec<u8>> {
    const TEXTS: [&[u8]; 6] = [
        b"message",
        b"Message",
        b"msg",
        b"detail",
        b"error_description",
        b"title",
    ];
    // Open objects (at most the body's and its envelope), whether a string is open and is
    // a message's value (after `:` and one of those keys), where it opened, the last string
    // closed (a value's key), and the last byte outside strings.
    let (mut depth, mut in_string, mut is_value, mut opened) = (0usize, false, false, 0);
    let (mut last, mut key) = (0u8, 0..0);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => {
                    in_string = false;
                    last = b;
                    key = opened + 1..i;
                }
                _ => {}
            }
        } else {
            match b {
                b'"' => {
                    in_string = true;
                    is_value =
                        last == b':' && bytes.get(key.clone()).is_some_and(|k| TEXTS.contains(&k));
                    opened = i;
                }
                b'{' if depth < 2 => depth += 1,
                b'}' => depth = depth.checked_sub(1)?,
                b'{' | b'[' | b']' => return None,
                _ => {}
            }
            if !b.is_ascii_whitespace() && b != b'"' {
                last = b;
            }
        }
        i += 1;
    }
    if !in_string || !is_value || depth == 0 {
        return None;
    }
    // The string's text as far as a whole character and a whole escape. (Bytes that are not
    // UTF-8 before the cut, a Latin-1 server's, stay: `repaired` replaces them.)
    let text = bytes.get(opened + 1..)?;
    let mut text = text.get(..text.len() - split_char(text))?;
    if let Some(escape) = text.iter().rposition(|&b| b == b'\\') {
        // Only the last escape can be cut; count the backslashes before it, as `\\` is one.
        let run = text[..=escape]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        let rest = text.get(escape + 1..).unwrap_or_default();
        let cut = run % 2 == 1
            && match rest.first() {
                None => true,
                Some(b'u') => rest.len() < 5,
                Some(_) => false,
            };
        if cut {
            text = text.get(..escape)?;
        }
    }
    // A high surrogate's escape at the end is half of a pair the cut went through.
    if let Some(at) = text.len().checked_sub(6) {
        let tail = text.get(at..).unwrap_or_default();
        let run = text[..at].iter().rev().take_while(|&&b| b == b'\\').count();
        let high = tail.starts_with(br"\u")
            && std::str::from_utf8(&tail[2..])
                .ok()
                .and_then(|hex| u16::from_str_radix(hex, 16).ok())
                .is_some_and(|u| (0xD800..0xDC00).contains(&u));
        if high && run % 2 == 0 {
            text = text.get(..at)?;
        }
    }
    let mut out = Vec::with_capacity(opened + text.len() + 4);
    out.extend_from_slice(bytes.get(..=opened)?);
    out.extend_from_slice(text);
    out.push(b'"');
    out.extend(std::iter::repeat_n(b'}', depth));
    Some(out)
}

/// How many bytes at the end of `text` (0 to 3) begin a UTF-8 character that the cut went
/// through: a lead byte followed by fewer continuation bytes than it announces.
fn split_char(text: &[u8]) -> usize {
    let tail = text.len().min(3);
    for have in 1..=tail {
        let Some(&lead) = text.get(text.len() - have) else {
            return 0;
        };
        if lead & 0xC0 == 0x80 {
            continue;
        }
        let needs = match lead {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => 1,
        };
        return if have < needs { have } else { 0 };
    }
    0
}

fn read_json(bytes: &[u8], parsed: &mut Parsed) -> Result<(), serde_json::Error> {
    OuterSeed(parsed).deserialize(&mut serde_json::Deserializer::from_slice(bytes))
}

/// `bytes` with invalid UTF-8 and lone surrogate escapes (`\ud83d` not followed by a low
/// surrogate's escape, or a low one alone) replaced by U+FFFD, and control characters inside
/// strings escaped (`\n`, `\u0001`); `None` if it has none of them.
fn repaired(bytes: &[u8]) -> Option<Vec<u8>> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        // Only a character cut by the parse bound at the end: nothing to repair there (the
        // parse stopped at the cut either way), and no second parse for it.
        Err(cut) if cut.error_len().is_none() => {
            let whole = bytes.get(..cut.valid_up_to()).unwrap_or_default();
            Cow::Borrowed(std::str::from_utf8(whole).unwrap_or_default())
        }
        // Other bytes that are not UTF-8 become U+FFFD; a character cut at the end still
        // goes (it is not one the server sent wrong).
        Err(_) => String::from_utf8_lossy(bytes.get(..bytes.len() - split_char(bytes))?),
    };
    let b = text.as_bytes();
    let hex = |at: usize| -> Option<u16> {
        let digits = std::str::from_utf8(b.get(at..at + 4)?).ok()?;
        u16::from_str_radix(digits, 16).ok()
    };
    let is_high = |u: u16| (0xD800..0xDC00).contains(&u);
    let is_low = |u: u16| (0xDC00..0xE000).contains(&u);
    let mut out: Option<Vec<u8>> = None;
    let (mut i, mut copied) = (0, 0);
    // Inside a string (escaped quotes are skipped with their escape, below).
    let mut in_string = false;
    while i < b.len() {
        let byte = b[i];
        if byte == b'"' {
            in_string = !in_string;
            i += 1;
            continue;
        }
        if byte < 0x20 && in_string {
            let out = out.get_or_insert_with(|| Vec::with_capacity(b.len() + 16));
            out.extend_from_slice(&b[copied..i]);
            match byte {
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\t' => out.extend_from_slice(b"\\t"),
                _ => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.extend_from_slice(b"\\u00");
                    out.push(HEX[usize::from(byte >> 4)]);
                    out.push(HEX[usize::from(byte & 0xf)]);
                }
            }
            i += 1;
            copied = i;
            continue;
        }
        if byte != b'\\' {
            i += 1;
            continue;
        }
        // An escape: `\uXXXX` (a surrogate pair is two of them), or any other two bytes.
        let unit = (b.get(i + 1) == Some(&b'u')).then(|| hex(i + 2)).flatten();
        let Some(unit) = unit.filter(|&u| is_high(u) || is_low(u)) else {
            i += 2;
            continue;
        };
        let paired =
            is_high(unit) && b.get(i + 6..i + 8) == Some(b"\\u") && hex(i + 8).is_some_and(is_low);
        if paired {
            i += 12;
            continue;
        }
        let out = out.get_or_insert_with(|| Vec::with_capacity(b.len()));
        out.extend_from_slice(&b[copied..i]);
        out.extend_from_slice(b"\\ufffd");
        i += 6;
        copied = i;
    }
    let mut out = match out {
        Some(mut out) => {
            out.extend_from_slice(b.get(copied..).unwrap_or_default());
            out
        }
        None => match text {
            Cow::Owned(text) => text.into_bytes(),
            Cow::Borrowed(_) => return None,
        },
    };
    // A U+FFFD is three bytes where a Latin-1 byte was one: the parse bound holds.
    out.truncate(MAX_JSON_BODY_LEN);
    Some(out)
}

/// The string fields of one JSON object (the top level, or the `error` envelope).
#[derive(Default)]
struct Fields {
    message: Option<String>,
    aws_message: Option<String>,
    msg: Option<String>,
    r#type: Option<String>,
    code: Option<String>,
    param: Option<String>,
    request_id: Option<String>,
    detail: Option<String>,
    error_description: Option<String>,
    title: Option<String>,
    /// RFC 9457 problem details from this crate carry the category here (`type` is a URI).
    error_type: Option<String>,
    errors: Option<Vec<FieldError>>,
    /// A `code` that is an integer.
    number: Option<i64>,
    /// The envelope's `status` string.
    status: Option<String>,
}

impl Fields {
    /// Whether nothing here makes an error body (a numeric code that is the status itself
    /// says nothing).
    fn is_empty(&self, status: StatusCode) -> bool {
        self.message.is_none()
            && self.aws_message.is_none()
            && self.msg.is_none()
            && self.r#type.is_none()
            && self.code.is_none()
            && self.param.is_none()
            && self.request_id.is_none()
            && self.detail.is_none()
            && self.error_description.is_none()
            && self.title.is_none()
            && self.error_type.is_none()
            && self.number.is_none_or(|n| n == i64::from(status.as_u16()))
            && self.status.is_none()
            // An `errors` key without one field error in it (`null`, `[]`, `"x"`) is not
            // what makes an object an error body.
            && self.errors.as_ref().is_none_or(Vec::is_empty)
    }

    /// Fills every missing field of `self` from `other`.
    fn or(self, other: Fields) -> Fields {
        Fields {
            message: self.message.or(other.message),
            aws_message: self.aws_message.or(other.aws_message),
            msg: self.msg.or(other.msg),
            r#type: self.r#type.or(other.r#type),
            code: self.code.or(other.code),
            param: self.param.or(other.param),
            request_id: self.request_id.or(other.request_id),
            detail: self.detail.or(other.detail),
            error_description: self.error_description.or(other.error_description),
            title: self.title.or(other.title),
            error_type: self.error_type.or(other.error_type),
            errors: self.errors.or(other.errors),
            number: self.number.or(other.number),
            status: self.status.or(other.status),
        }
    }
}

/// What was read from a JSON object body.
#[derive(Default)]
struct Parsed {
    outer: Fields,
    /// The `error` envelope, when `error` was an object.
    inner: Fields,
    /// OAuth 2 style `"error": "invalid_grant"`.
    error_code: Option<String>,
}

impl Parsed {
    /// Whether nothing we recognise was read.
    fn is_empty(&self, status: StatusCode) -> bool {
        self.outer.is_empty(status) && self.inner.is_empty(status) && self.error_code.is_none()
    }

    /// The body, or `None` if the object had nothing we recognise (a problem, labelled
    /// so, always makes one: every member of a problem is optional, `{}` included).
    fn into_body(self, status: StatusCode, problem_media: bool) -> Option<ErrorBody<'static>> {
        if self.is_empty(status) && !problem_media {
            return None;
        }
        let f = self.inner.or(self.outer);
        // A top-level `"error": "<string>"` is a code when it reads as one (OAuth 2's
        // `invalid_grant`); a sentence or a reason phrase (`"Not Found"`, what NestJS and
        // Spring send beside their message) is a message, the last one looked at.
        let (error_code, error_text) = match non_blank(self.error_code) {
            Some(e) if is_code_token(&e) && !is_reason_phrase(&e, status) => (Some(e), None),
            other => (None, other),
        };
        // A problem (labelled `application/problem+json`, or a `title` and no `message`) has
        // a URI reference as its `type`, relative ones included (`insufficient-funds`); a
        // `detail` alone does not make one (Paddle's envelope puts one beside a category
        // `type`).
        let problem = (problem_media || f.title.is_some())
            && f.message.is_none()
            && f.aws_message.is_none()
            && f.msg.is_none();
        let message = [
            f.message,
            f.aws_message,
            f.msg,
            f.detail,
            f.error_description,
            // A title that only names the status (ours, for a status without a reason
            // phrase: `Client Error`) says what a body without a message gets below: the
            // same body in any format reads back the same.
            f.title.filter(|t| t != crate::format::title(status)),
            error_text,
        ]
        .into_iter()
        .flatten()
        .find(|m| !m.trim().is_empty())
        .unwrap_or_else(|| reason_message(status));
        // A problem's `type` is a URI (`about:blank`, `https://docs.example.com/errors/code`):
        // the category is then in `error_type`, and the URI's last segment may be the code.
        let type_member = non_blank(f.r#type);
        let (category, type_uri) = match type_member {
            Some(t) if problem || t.contains([':', '/']) => (None, Some(t)),
            other => (other, None),
        };
        let r#type = non_blank(f.error_type)
            .or(category)
            .map(Cow::Owned)
            .unwrap_or(Cow::Borrowed(status::default_type(status)));
        // Google's envelope: `{"code": 404, "status": "NOT_FOUND"}`, the status the code. A
        // numeric code is one only when it says more than the HTTP status (Twilio's `20404`).
        let status_code = non_blank(f.status).filter(|s| is_canonical_code(s));
        let number = f
            .number
            .filter(|&n| n != i64::from(status.as_u16()))
            .map(|n| n.to_string());
        // Only a body without a `code` member gets one from its type URI: a blank one (a
        // problem's URI is then the base alone, `.../errors/`) is no code, not `errors`.
        let has_code = f.code.is_some();
        let code = non_blank(f.code)
            .or(error_code)
            .or(status_code)
            .or(number)
            .or_else(|| {
                let uri = type_uri.as_deref().filter(|_| !has_code);
                uri.and_then(code_from_type_uri)
            })
            .map(Cow::Owned)
            .unwrap_or(Cow::Borrowed(UNKNOWN_CODE));
        Some(ErrorBody {
            message: Cow::Owned(message),
            r#type,
            code,
            // Trimmed but kept when empty: a param field holding `""` sends `"param":""`.
            param: f.param.map(trimmed).map(Cow::Owned),
            request_id: non_blank(f.request_id).map(Cow::Owned),
            errors: Cow::Owned(f.errors.unwrap_or_default()),
        })
    }
}

/// The code at the end of a problem type URI (`https://docs.example.com/errors/card_declined`
/// gives `card_declined`, as do `.../card_declined/`, `.../card_declined?lang=en` and the
/// relative `card_declined`), when it looks like one: lowercase letters, digits, `_` and `-`
/// (RFC 9457's `out-of-credit`), kept as it is; a fragment (`...#card_declined`) is the
/// code too.
fn code_from_type_uri(uri: &str) -> Option<String> {
    if uri.eq_ignore_ascii_case("about:blank") {
        return None;
    }
    let (uri, fragment) = match uri.split_once('#') {
        Some((uri, fragment)) => (uri, Some(fragment)),
        None => (uri, None),
    };
    let path = uri.split_once('?').map_or(uri, |(path, _)| path);
    let last = match fragment.filter(|f| !f.is_empty()) {
        Some(fragment) => fragment,
        None => path.trim_end_matches('/').rsplit('/').next()?,
    };
    let token = last.starts_with(|c: char| c.is_ascii_lowercase())
        && last
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    token.then(|| last.to_owned())
}

/// Whether `value` is the status's reason phrase (`"Unauthorized"` under a 401, as Spring and
/// NestJS send beside their message): a message, never a code.
fn is_reason_phrase(value: &str, status: StatusCode) -> bool {
    status
        .canonical_reason()
        .is_some_and(|reason| reason.eq_ignore_ascii_case(value))
}

/// Whether an envelope's `status` string is a canonical code as Google sends one
/// (`NOT_FOUND`, `INVALID_ARGUMENT`): capitals, digits and `_`, from a capital; not a
/// number (`"404"`), a reason phrase (`"Unauthorized"`) or a word like `"error"`.
fn is_canonical_code(value: &str) -> bool {
    value.len() <= 128
        && value.starts_with(|c: char| c.is_ascii_uppercase())
        && value
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Whether a top-level `"error"` string reads as a code: one word of at most 128 ASCII
/// letters, digits, `_`, `-` and `.` (`invalid_grant`, `NOT_FOUND`), not a phrase.
fn is_code_token(value: &str) -> bool {
    value.len() <= 128
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// The value trimmed, or `None` if it is blank.
fn non_blank(value: Option<String>) -> Option<String> {
    value.map(trimmed).filter(|v| !v.is_empty())
}

/// The value trimmed (without a copy when there is nothing to trim).
fn trimmed(value: String) -> String {
    let trimmed = value.trim();
    if trimmed.len() == value.len() {
        value
    } else {
        trimmed.to_owned()
    }
}

/// The keys we read; everything else is skipped without being materialised.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Key {
    Message,
    /// AWS's JSON protocols spell `message` so; `message` wins when both are there.
    #[serde(rename = "Message")]
    AwsMessage,
    /// What many APIs call the message (`{"code": 40001, "msg": "invalid token"}`).
    Msg,
    Type,
    Code,
    Param,
    RequestId,
    Detail,
    ErrorDescription,
    Title,
    ErrorType,
    Errors,
    Error,
    /// Google's canonical code in its envelope (`"NOT_FOUND"`); only read there.
    Status,
    #[serde(other)]
    Other,
}

/// Reads the value of a plain field `key` into `fields`; `false` if `key` is not one.
fn read_field<'de, A: MapAccess<'de>>(
    map: &mut A,
    key: &Key,
    fields: &mut Fields,
) -> Result<bool, A::Error> {
    let slot = match key {
        Key::Message => &mut fields.message,
        Key::AwsMessage => &mut fields.aws_message,
        Key::Msg => &mut fields.msg,
        Key::Type => &mut fields.r#type,
        Key::Code => &mut fields.code,
        Key::Param => &mut fields.param,
        Key::RequestId => &mut fields.request_id,
        Key::Detail => &mut fields.detail,
        Key::ErrorDescription => &mut fields.error_description,
        Key::Title => &mut fields.title,
        Key::ErrorType => &mut fields.error_type,
        Key::Errors => {
            // When the array breaks off (a truncated body), what was read of it is kept, if
            // anything was: an empty start does not replace field errors read before.
            let mut errors = Vec::new();
            let read = map.next_value_seed(FieldErrorsSeed(&mut errors));
            if read.is_ok() || !errors.is_empty() {
                fields.errors = Some(errors);
            }
            read?;
            return Ok(true);
        }
        Key::Status => &mut fields.status,
        Key::Error | Key::Other => return Ok(false),
    };
    match map.next_value()? {
        Lenient(Some(value), _) => *slot = Some(value),
        // A numeric code (Twilio's `20404`, Google's `404`): kept apart, a string code wins.
        Lenient(None, Some(number)) if matches!(key, Key::Code) => fields.number = Some(number),
        Lenient(None, _) => {}
    }
    Ok(true)
}

/// The top-level object.
struct OuterSeed<'p>(&'p mut Parsed);

impl<'de> DeserializeSeed<'de> for OuterSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for OuterSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an error object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key>()? {
            // A top-level `status` is RFC 9457's number or JSend's `"fail"`: not a code.
            if !matches!(key, Key::Status) && read_field(&mut map, &key, &mut self.0.outer)? {
                continue;
            }
            if let Key::Error = key {
                map.next_value_seed(EnvelopeSeed(self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// The value of the top-level `error` key: an object (the envelope), a string (an OAuth 2
/// error code) or anything else (ignored).
struct EnvelopeSeed<'p>(&'p mut Parsed);

impl<'de> DeserializeSeed<'de> for EnvelopeSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EnvelopeSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an error object or code")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key>()? {
            if !read_field(&mut map, &key, &mut self.0.inner)? {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.error_code = Some(bounded(v).to_owned());
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        IgnoredAny.visit_seq(seq).map(drop)
    }

    skip_scalars!();
}

/// A string value, bounded to [`MAX_FIELD_LEN`]; any other JSON value is consumed and gives
/// `None`, so a key of the wrong type counts as missing. An integer is kept on the side (the
/// second field), for the one key that may be one (a numeric `code`).
struct Lenient(Option<String>, Option<i64>);

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor)
    }
}

struct LenientVisitor;

impl<'de> Visitor<'de> for LenientVisitor {
    type Value = Lenient;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Lenient, E> {
        Ok(Lenient(Some(bounded(v).to_owned()), None))
    }

    fn visit_string<E: de::Error>(self, mut v: String) -> Result<Lenient, E> {
        let len = bounded(&v).len();
        v.truncate(len);
        Ok(Lenient(Some(v), None))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Lenient, A::Error> {
        IgnoredAny.visit_map(map).map(|_| Lenient(None, None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Lenient, A::Error> {
        IgnoredAny.visit_seq(seq).map(|_| Lenient(None, None))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Lenient, E> {
        Ok(Lenient(None, None))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Lenient, E> {
        Ok(Lenient(None, Some(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Lenient, E> {
        Ok(Lenient(None, i64::try_from(v).ok()))
    }

    fn visit_i128<E: de::Error>(self, _: i128) -> Result<Lenient, E> {
        Ok(Lenient(None, None))
    }

    fn visit_u128<E: de::Error>(self, _: u128) -> Result<Lenient, E> {
        Ok(Lenient(None, None))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Lenient, E> {
        Ok(Lenient(None, None))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Lenient, E> {
        Ok(Lenient(None, None))
    }

    fn visit_none<E: de::Error>(self) -> Result<Lenient, E> {
        Ok(Lenient(None, None))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Lenient, D::Error> {
        Lenient::deserialize(deserializer)
    }
}

/// `s` cut to at most [`MAX_FIELD_LEN`] bytes.
fn bounded(s: &str) -> &str {
    truncate_on_char_boundary(s, MAX_FIELD_LEN)
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn truncate_on_char_boundary(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    s.get(..end).unwrap_or_default()
}

/// The body of a response that is not an error object in the standard format.
fn fallback_body(status: StatusCode, bytes: &[u8]) -> ErrorBody<'static> {
    let text = fallback_text(bytes);
    let message = if text.trim().is_empty() {
        reason_message(status)
    } else {
        text
    };
    ErrorBody::new(message, status::default_type(status), UNKNOWN_CODE)
}

/// The raw text: lossy UTF-8, at most [`MAX_FALLBACK_MESSAGE_LEN`] bytes. Only a prefix
/// slightly longer than the bound is ever decoded.
fn fallback_text(bytes: &[u8]) -> String {
    // Lossy decoding never shrinks its input, so this window always yields enough text; the
    // slack lets a character cut by the window be dropped rather than shown as U+FFFD.
    let window = MAX_FALLBACK_MESSAGE_LEN + 16;
    let cut = bytes.len() > window;
    let prefix = bytes.get(..window).unwrap_or(bytes);

    let mut text = String::with_capacity(prefix.len());
    let mut chunks = prefix.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        text.push_str(chunk.valid());
        let cut_here = cut && chunks.peek().is_none();
        if !chunk.invalid().is_empty() && !cut_here {
            text.push(char::REPLACEMENT_CHARACTER);
        }
    }
    truncate_on_char_boundary(&text, MAX_FALLBACK_MESSAGE_LEN).to_owned()
}

/// The message of a body that has none: the status's canonical reason.
fn reason_message(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => reason.to_owned(),
        None => format!("HTTP status {}", status.as_u16()),
    }
}

// ---------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------

/// A header's value as trimmed visible ASCII, if present and valid.
fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

/// The request id a response's headers carry: `x-request-id`, else Stripe's `request-id`
/// (the name a server configures with `request_id_header`, as the README shows).
fn header_request_id(headers: &HeaderMap) -> Option<String> {
    ["x-request-id", "request-id"].into_iter().find_map(|name| {
        let id = header_str(headers, name)?;
        let valid = !id.is_empty()
            && id.len() <= MAX_HEADER_REQUEST_ID_LEN
            && id.bytes().all(|b| b.is_ascii_graphic());
        valid.then(|| id.to_owned())
    })
}

fn parse_should_retry(headers: &HeaderMap) -> Option<bool> {
    let value = header_str(headers, "x-should-retry")?;
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let from_ms = header_str(headers, "retry-after-ms")
        .and_then(non_negative_number)
        .map(|ms| bounded_secs(ms / 1000.0));
    if from_ms.is_some() {
        return from_ms;
    }
    let value = header_str(headers, "retry-after")?;
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // delta-seconds; more digits than fit a u64 are certainly more than the bound.
        let secs = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER));
    }
    if let Some(secs) = non_negative_number(value) {
        return Some(bounded_secs(secs));
    }
    let at = date::parse_http_date(value, now)?;
    Some(
        at.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_RETRY_AFTER),
    )
}

/// A non-negative decimal number (`"1500"`, `"1.5"`); one too large for an `f64` (some 309
/// digits) is `f64::MAX`, as far past any bound as it is.
fn non_negative_number(s: &str) -> Option<f64> {
    // Only digits and one dot: rejects `inf`, `NaN`, exponents and signs, which `f64::from_str`
    // would otherwise accept.
    let plain = !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && s.bytes().filter(|&b| b == b'.').count() <= 1
        && s.bytes().any(|b| b.is_ascii_digit());
    if !plain {
        return None;
    }
    s.parse::<f64>()
        .ok()
        .map(|v| if v.is_infinite() { f64::MAX } else { v })
        .filter(|v| *v >= 0.0)
}

/// `secs` as a duration, at most [`MAX_RETRY_AFTER`].
fn bounded_secs(secs: f64) -> Duration {
    if secs >= MAX_RETRY_AFTER.as_secs_f64() {
        MAX_RETRY_AFTER
    } else if secs > 0.0 {
        Duration::try_from_secs_f64(secs).unwrap_or(MAX_RETRY_AFTER)
    } else {
        Duration::ZERO
    }
}

#[cfg(test)]
mod tests {
    use super::{completed, repaired};

    /// Any bytes: no panic, and a completion only ever adds a closing quote and braces to a
    /// prefix of its input.
    #[test]
    fn completion_and_repair_take_any_bytes() {
        const ALPHABET: &[u8] = b"{}[]\":,\\u0a9F \n\xc3\xa9\xff";
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = usize::try_from(next() % 40).unwrap_or(0);
            let bytes: Vec<u8> = (0..len)
                .map(|_| ALPHABET[usize::try_from(next()).unwrap_or(0) % ALPHABET.len()])
                .collect();
            let _ = repaired(&bytes);
            if let Some(done) = completed(&bytes) {
                let closers = done.iter().rev().take_while(|&&b| b == b'}').count();
                let body = &done[..done.len() - closers];
                let kept = &body[..body.len() - 1];
                assert_eq!(body.last(), Some(&b'"'));
                assert!(bytes.starts_with(kept), "{bytes:?} -> {done:?}");
            }
        }
        assert_eq!(
            completed(br#"{"error":{"message":"ab\u00"#).as_deref(),
            Some(&br#"{"error":{"message":"ab"}}"#[..])
        );
        assert_eq!(completed(br#"{"message":"ab","co"#), None);
        // Only a message's text: a cut code, type, id or param would be another one.
        assert_eq!(completed(br#"{"input":"x","code":"rate_lim"#), None);
        assert_eq!(completed(br#"{"request_id":"req_12"#), None);
        // A cut surrogate pair leaves out its high half; an escaped backslash before a `u`
        // is text.
        assert_eq!(
            completed(br#"{"detail":"hi \ud83d"#).as_deref(),
            Some(&br#"{"detail":"hi "}"#[..])
        );
        assert_eq!(
            completed(br#"{"title":"a\\ud83d"#).as_deref(),
            Some(&br#"{"title":"a\\ud83d"}"#[..])
        );
        assert_eq!(completed(br#"{"m":["ab"#), None);
        // Only a character the cut went through goes: bytes that are not UTF-8 before it
        // stay (for `repaired`), as does a whole character at the end.
        assert_eq!(
            completed(b"{\"message\":\"Param\xe8tre \xc3").as_deref(),
            Some(&b"{\"message\":\"Param\xe8tre \"}"[..])
        );
        assert_eq!(
            completed("{\"message\":\"d\u{e9}j\u{e0} \u{20ac}".as_bytes()).as_deref(),
            Some("{\"message\":\"d\u{e9}j\u{e0} \u{20ac}\"}".as_bytes())
        );
        let emoji = "{\"message\":\"a\u{1f600}".as_bytes();
        for cut in 1..4 {
            assert_eq!(
                completed(&emoji[..emoji.len() - cut]).as_deref(),
                Some(&b"{\"message\":\"a\"}"[..])
            );
        }
    }

    #[test]
    fn repaired_only_when_there_is_something_to_repair() {
        // Valid, or only cut inside a character at the end (the parse bound): nothing.
        assert_eq!(repaired(br#"{"message":"caf"#), None);
        assert_eq!(repaired(b"{\"message\":\"caf\xc3"), None);
        // Bytes that are not UTF-8 inside, a lone surrogate escape: U+FFFD.
        assert_eq!(
            repaired(b"{\"m\":\"caf\xe9\"}").as_deref(),
            Some("{\"m\":\"caf\u{fffd}\"}".as_bytes())
        );
        assert_eq!(
            repaired(b"{\"m\":\"\\ud83d x\"}\xc3").as_deref(),
            Some(&b"{\"m\":\"\\ufffd x\"}"[..])
        );
        assert_eq!(
            repaired(b"{\"m\":\"caf\xe9 \xe2\x82").as_deref(),
            Some("{\"m\":\"caf\u{fffd} ".as_bytes())
        );
        // A pair, and an escaped backslash before a `u`, stay.
        assert_eq!(repaired(br#"{"m":"\ud83d\ude00 \\ud800"}"#), None);
        // Control characters inside strings are escaped; between tokens, whitespace stays.
        assert_eq!(
            repaired(b"{\n\t\"m\":\"a\nb\tc\x01\\\"\r\"}").as_deref(),
            Some(&b"{\n\t\"m\":\"a\\nb\\tc\\u0001\\\"\\r\"}"[..])
        );
        assert_eq!(repaired(b"{\n  \"m\": \"ok\"\n}"), None);
    }
}
