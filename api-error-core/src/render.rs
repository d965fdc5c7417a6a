//! Framework-agnostic rendering shared by the axum and actix-web integrations, so both send
//! byte-identical bodies and the same headers: request ids, the response parts of an
//! [`ApiError`], and the standard body for a framework's own rejections and for panics.

use std::borrow::Cow;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::future::{poll_fn, Future};
use std::hash::{BuildHasher, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::Poll;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::StatusCode;

use crate::status;
use crate::ApiError;

/// The longest request id accepted from a client.
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// The id of one request: taken from the client's request-id header when it is safe
/// (1..=128 characters of `[A-Za-z0-9._-]`), else generated (`req_` and 22 random URL-safe
/// characters, unique per process).
///
/// `ApiErrorLayer` (axum) and `ApiErrorMiddleware` (actix-web) store it in the request's
/// extensions, where handlers read it as an extractor; it is sent back in the request-id
/// response header and in the error body's `request_id`.
///
/// ```
/// use api_error_core::RequestId;
///
/// let id = RequestId::parse("req_8fZ2kQ").unwrap();
/// assert_eq!(id.as_str(), "req_8fZ2kQ");
/// assert!(RequestId::parse("two words").is_none());
/// assert!(RequestId::parse(&"a".repeat(129)).is_none());
///
/// let a = RequestId::generate();
/// let b = RequestId::generate();
/// assert!(a.as_str().starts_with("req_"));
/// assert_ne!(a, b);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RequestId(Arc<str>);

impl RequestId {
    /// Accepts `id` if it is 1..=128 characters of `[A-Za-z0-9._-]`: safe to echo in a header
    /// and in JSON without escaping.
    pub fn parse(id: &str) -> Option<RequestId> {
        Self::from_bytes(id.as_bytes())
    }

    /// [`parse`](RequestId::parse) for a raw header value.
    pub fn from_bytes(id: &[u8]) -> Option<RequestId> {
        if is_valid_request_id(id) {
            // Only ASCII bytes passed the check, so this never fails.
            std::str::from_utf8(id)
                .ok()
                .map(|s| RequestId(Arc::from(s)))
        } else {
            None
        }
    }

    /// A new id, `req_` and 22 characters of `[A-Za-z0-9]` (about 130 random bits, mixed from
    /// a per-process random key, a counter and the clock): unique across requests.
    pub fn generate() -> RequestId {
        static KEY: OnceLock<RandomState> = OnceLock::new();
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        const ALPHABET: &[u8; 62] =
            b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

        let key = KEY.get_or_init(RandomState::new);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let word = |lane: u8| {
            let mut h = key.build_hasher();
            h.write_u8(lane);
            h.write_u64(n);
            h.write_u128(nanos);
            h.finish()
        };
        let mut out = String::with_capacity(26);
        out.push_str("req_");
        for lane in 0..2u8 {
            let mut w = word(lane);
            for _ in 0..11 {
                out.push(char::from(ALPHABET[(w % 62) as usize]));
                w /= 62;
            }
        }
        RequestId(Arc::from(out))
    }

    /// The id from a request's header value when it is safe, else a new one.
    pub(crate) fn from_header(value: Option<&[u8]>) -> RequestId {
        value
            .and_then(RequestId::from_bytes)
            .unwrap_or_else(RequestId::generate)
    }

    /// The id as text (always ASCII, never empty, at most 128 bytes).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for RequestId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Rejection of the `RequestId` extractor when `ApiErrorLayer` / `ApiErrorMiddleware` is not
/// installed: a 500 with the standard body, code `request_id_missing`, and the generic
/// public message.
///
/// ```
/// use api_error_core::{ApiError, RequestIdMissing};
///
/// assert_eq!(RequestIdMissing.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
/// assert_eq!(RequestIdMissing.code(), "request_id_missing");
/// assert_eq!(RequestIdMissing.message(), "An internal error occurred.");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestIdMissing;

impl fmt::Display for RequestIdMissing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "the RequestId extractor needs api_error_core's ApiErrorLayer (axum) or ApiErrorMiddleware (actix-web)",
        )
    }
}

impl std::error::Error for RequestIdMissing {}

impl ApiError for RequestIdMissing {
    fn status(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }
    fn error_type(&self) -> &'static str {
        status::API_ERROR
    }
    fn code(&self) -> &'static str {
        "request_id_missing"
    }
    fn message(&self) -> Cow<'_, str> {
        Cow::Borrowed(status::generic_message(StatusCode::INTERNAL_SERVER_ERROR))
    }
    fn param(&self) -> Option<Cow<'_, str>> {
        None
    }
}

crate::impl_integrations!(RequestIdMissing);

/// 1..=128 bytes of `[A-Za-z0-9._-]`.
pub(crate) fn is_valid_request_id(id: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID_LEN).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A header value the integrations send.
#[derive(Clone, Copy, Debug)]
pub(crate) enum HeaderVal {
    Static(&'static str),
    Int(u64),
}

pub(crate) const CONTENT_TYPE_JSON: &str = "application/json";
pub(crate) const X_SHOULD_RETRY: &str = "x-should-retry";
pub(crate) const RETRY_AFTER: &str = "retry-after";
pub(crate) const RETRY_AFTER_MS: &str = "retry-after-ms";

/// The header helpers of one `http` crate's `HeaderMap` (axum is on `http` 1, actix-web 4 on
/// `http` 0.2, with the same API): expands to `set_error_headers`, `set_request_id` and
/// `is_json` in the calling module, so both integrations send the same headers in the same
/// order.
#[cfg(any(feature = "axum", feature = "actix-web"))]
macro_rules! header_glue {
    ($($header:ident)::+) => {
        fn header_value(v: $crate::render::HeaderVal) -> $($header)::+::HeaderValue {
            match v {
                $crate::render::HeaderVal::Static(s) => $($header)::+::HeaderValue::from_static(s),
                $crate::render::HeaderVal::Int(n) => $($header)::+::HeaderValue::from(n),
            }
        }

        /// Drops the old framing headers and sets `content-type` and the rendered headers.
        fn set_error_headers(
            headers: &mut $($header)::+::HeaderMap,
            rendered_headers: impl Iterator<Item = (&'static str, $crate::render::HeaderVal)>,
        ) {
            headers.remove($($header)::+::CONTENT_LENGTH);
            headers.remove($($header)::+::TRANSFER_ENCODING);
            headers.insert(
                $($header)::+::CONTENT_TYPE,
                $($header)::+::HeaderValue::from_static($crate::render::CONTENT_TYPE_JSON),
            );
            for (name, value) in rendered_headers {
                headers.insert($($header)::+::HeaderName::from_static(name), header_value(value));
            }
        }

        fn set_request_id(
            headers: &mut $($header)::+::HeaderMap,
            name: &$($header)::+::HeaderName,
            id: &$crate::render::RequestId,
        ) {
            if let Ok(v) = $($header)::+::HeaderValue::from_str(id.as_str()) {
                headers.insert(name.clone(), v);
            }
        }

        /// Whether the response already says it is JSON.
        fn is_json(headers: &$($header)::+::HeaderMap) -> bool {
            headers
                .get($($header)::+::CONTENT_TYPE)
                .is_some_and(|v| $crate::render::is_json_content_type(v.as_bytes()))
        }
    };
}
#[cfg(any(feature = "axum", feature = "actix-web"))]
pub(crate) use header_glue;

/// The span a request runs in (`tracing` feature); a stand-in without it.
#[cfg(feature = "tracing")]
pub(crate) type RequestSpan = tracing::Span;
/// The span a request runs in (`tracing` feature); a stand-in without it.
#[cfg(not(feature = "tracing"))]
pub(crate) struct RequestSpan;

/// The span for the request with id `request_id`.
#[cfg(feature = "tracing")]
pub(crate) fn request_span(request_id: &str) -> RequestSpan {
    crate::log::request_span(request_id)
}
/// The span for the request with id `request_id`.
#[cfg(not(feature = "tracing"))]
pub(crate) fn request_span(_request_id: &str) -> RequestSpan {
    RequestSpan
}

/// A panic caught while a handler ran.
pub(crate) type Panic = Box<dyn std::any::Any + Send>;

/// Calls a service (`call`) and drives its future to the end, in `span` and catching panics
/// of both the call and every poll: `Err` holds the panic's payload.
pub(crate) async fn catch_panics<Fut: Future>(
    call: impl FnOnce() -> Fut,
    span: &RequestSpan,
) -> Result<Fut::Output, Panic> {
    #[cfg(not(feature = "tracing"))]
    let _ = span;
    let called = {
        #[cfg(feature = "tracing")]
        let _entered = span.enter();
        catch_unwind(AssertUnwindSafe(call))
    };
    let mut fut = pin!(called?);
    poll_fn(|cx| {
        #[cfg(feature = "tracing")]
        let _entered = span.enter();
        match catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(cx))) {
            Ok(Poll::Ready(out)) => Poll::Ready(Ok(out)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(panic) => Poll::Ready(Err(panic)),
        }
    })
    .await
}

/// Status, headers and body of one error response (the request-id header is the caller's).
pub(crate) struct Rendered {
    pub status: StatusCode,
    pub retryable: bool,
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
}

impl Rendered {
    /// `content-type` is sent by the caller; these are the others, in order.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, HeaderVal)> {
        let retry = HeaderVal::Static(if self.retryable { "true" } else { "false" });
        let (secs, ms) = match self.retry_after {
            Some(d) => (Some(ceil_secs(d)), Some(ceil_millis(d))),
            None => (None, None),
        };
        [
            Some((X_SHOULD_RETRY, retry)),
            secs.map(|s| (RETRY_AFTER, HeaderVal::Int(s))),
            ms.map(|m| (RETRY_AFTER_MS, HeaderVal::Int(m))),
        ]
        .into_iter()
        .flatten()
    }
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs().saturating_add(u64::from(d.subsec_nanos() > 0))
}

fn ceil_millis(d: Duration) -> u64 {
    u64::try_from(d.as_nanos().div_ceil(1_000_000)).unwrap_or(u64::MAX)
}

/// Renders `err` (and logs it when the `tracing` feature is on).
pub(crate) fn render(err: &dyn ApiError, request_id: Option<&str>) -> Rendered {
    let status = err.status();
    #[cfg(feature = "tracing")]
    crate::log::rendered(err, status);
    let mut body = Vec::with_capacity(160);
    err.write_json(request_id, &mut body);
    Rendered {
        status,
        retryable: err.is_retryable(),
        retry_after: err.retry_after(),
        body,
    }
}

const NULL_TAIL: &[u8] = b",\"request_id\":null}";

/// The body with its trailing `"request_id":null}` replaced by the (validated, so
/// escape-free) `id`; `None` if the body does not end that way.
pub(crate) fn fill_request_id(body: &[u8], id: &str) -> Option<Vec<u8>> {
    let head = body.strip_suffix(NULL_TAIL)?;
    let mut out = Vec::with_capacity(head.len() + NULL_TAIL.len() + id.len() + 2);
    out.extend_from_slice(head);
    out.extend_from_slice(b",\"request_id\":\"");
    out.extend_from_slice(id.as_bytes());
    out.extend_from_slice(b"\"}");
    Some(out)
}

/// Whether a response's `content-type` says JSON (`application/json`, `application/*+json`).
pub(crate) fn is_json_content_type(value: &[u8]) -> bool {
    let essence = value.split(|&b| b == b';').next().unwrap_or_default();
    let essence = essence.trim_ascii();
    essence.eq_ignore_ascii_case(b"application/json")
        || (essence.len() >= 17
            && essence[..12].eq_ignore_ascii_case(b"application/")
            && essence[essence.len() - 5..].eq_ignore_ascii_case(b"+json"))
}

/// How much of a framework's error text is read (bytes of body) and sent (characters).
pub(crate) const MAX_REJECTION_BODY: usize = 8 * 1024;
const MAX_MESSAGE_CHARS: usize = 500;
const MAX_PATH_CHARS: usize = 200;

/// What a framework reported about a failed request, before it becomes the standard body.
pub(crate) struct Rejection<'a> {
    pub status: StatusCode,
    pub code: &'static str,
    /// The framework's text (4xx only), bounded before use.
    pub text: Option<&'a str>,
    pub param: Option<Cow<'a, str>>,
}

/// The standard body for a rejection; 5xx always get the generic message.
pub(crate) fn render_rejection(rejection: &Rejection<'_>, request_id: Option<&str>) -> Rendered {
    let status = rejection.status;
    let message: Cow<'_, str> = if status.is_server_error() {
        Cow::Borrowed(status::generic_message(status))
    } else {
        match rejection.text.map(str::trim).filter(|t| !t.is_empty()) {
            Some(text) => Cow::Owned(sentence(bounded(text, MAX_MESSAGE_CHARS))),
            None => Cow::Borrowed(default_message(status)),
        }
    };
    #[cfg(feature = "tracing")]
    crate::log::rejection(status, rejection.code, &message);
    let mut body = Vec::with_capacity(160);
    crate::json::write_body(
        &mut body,
        &message,
        status::default_type(status),
        rejection.code,
        rejection.param.as_deref(),
        request_id,
    );
    Rendered {
        status,
        retryable: status::is_retryable(status),
        retry_after: None,
        body,
    }
}

/// The 500 sent for a panic: the panic's message is logged (with `tracing`), never sent.
pub(crate) fn render_panic(
    payload: &(dyn std::any::Any + Send),
    request_id: Option<&str>,
) -> Rendered {
    #[cfg(feature = "tracing")]
    crate::log::panicked(payload);
    #[cfg(not(feature = "tracing"))]
    let _ = payload;
    render_rejection(
        &Rejection {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal_error",
            text: None,
            param: None,
        },
        request_id,
    )
}

/// `text` cut to at most `max` characters, at a character boundary.
pub(crate) fn bounded(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// Framework texts (`"Failed to parse the request body as JSON: ..."`) as one sentence.
fn sentence(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 1);
    s.push_str(text);
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}

/// The public message for a status when the framework gave no text.
pub(crate) fn default_message(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "The request was invalid.",
        401 => "Authentication is required.",
        403 => "You do not have permission to perform this request.",
        404 => "The requested resource was not found.",
        405 => "The request method is not allowed for this URL.",
        406 => "The requested representation is not available.",
        408 => "The request timed out.",
        409 => "The request conflicts with the current state of the resource.",
        411 => "The request must declare its Content-Length.",
        413 => "The request body is too large.",
        414 => "The request URL is too long.",
        415 => "The request's Content-Type is not supported.",
        422 => "The request body could not be processed.",
        429 => "Too many requests.",
        431 => "The request headers are too large.",
        500..=599 => status::generic_message(status),
        _ => "The request could not be completed.",
    }
}

/// A code for a status when nothing more specific is known.
pub(crate) fn default_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "invalid_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        408 => "request_timeout",
        409 => "conflict",
        411 => "length_required",
        413 => "payload_too_large",
        414 => "uri_too_long",
        415 => "unsupported_media_type",
        422 => "invalid_body",
        429 => "rate_limited",
        431 => "headers_too_large",
        501 => "not_implemented",
        502 => "bad_gateway",
        503 => "service_unavailable",
        504 => "gateway_timeout",
        500..=599 => "internal_error",
        _ => "invalid_request",
    }
}

/// `Unrecognized request URL (GET: /v1/nope).` with the path bounded.
pub(crate) fn unmatched_route_message(method: &str, path: &str) -> String {
    format!(
        "Unrecognized request URL ({}: {}).",
        bounded(method, 16),
        bounded(path, MAX_PATH_CHARS)
    )
}

/// `Method DELETE is not allowed for /v1/charges.` with the path bounded.
pub(crate) fn method_not_allowed_message(method: &str, path: &str) -> String {
    format!(
        "Method {} is not allowed for {}.",
        bounded(method, 16),
        bounded(path, MAX_PATH_CHARS)
    )
}

/// The parameter a serde message is about: the `serde_path_to_error` prefix
/// (`customer.email: invalid type ...`), a `missing field `x`` or a
/// ``Cannot parse `id` with value ...``.
pub(crate) fn param_from_serde_message(text: &str) -> Option<String> {
    let (path, rest) = match text.split_once(": ") {
        Some((p, rest))
            if !p.is_empty()
                && p.len() <= 128
                && p.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'[' | b']' | b'-')
                }) =>
        {
            (Some(p), rest)
        }
        _ => (None, text),
    };
    let quoted = |rest: &str, prefix: &str| -> Option<String> {
        let after = rest.strip_prefix(prefix)?;
        let (name, _) = after.split_once('`')?;
        (!name.is_empty() && name.len() <= 128).then(|| name.to_owned())
    };
    if let Some(field) = quoted(rest, "missing field `") {
        return Some(match path {
            Some(p) => format!("{p}.{field}"),
            None => field,
        });
    }
    if let Some(key) = quoted(rest, "Cannot parse `") {
        if rest.contains("` with value `") {
            return Some(key);
        }
    }
    path.map(str::to_owned)
}

/// The name of the only `{param}` of a route pattern, if it has exactly one.
pub(crate) fn single_path_param(pattern: &str) -> Option<String> {
    let mut names = pattern.split('/').filter_map(|seg| {
        seg.strip_prefix('{')
            .and_then(|s| s.strip_suffix('}'))
            .map(|s| s.trim_start_matches('*'))
    });
    match (names.next(), names.next()) {
        (Some(name), None) if !name.is_empty() => Some(name.to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids() {
        assert!(RequestId::parse("abc.DEF_123-x").is_some());
        assert!(RequestId::parse(&"a".repeat(128)).is_some());
        for bad in ["", "a b", "a;b", "\"x\"", "é", "a\u{0}"] {
            assert!(RequestId::parse(bad).is_none(), "{bad:?}");
        }
        let ids: std::collections::HashSet<_> = (0..1000).map(|_| RequestId::generate()).collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids
            .iter()
            .all(|id| id.as_str().len() == 26 && is_valid_request_id(id.as_str().as_bytes())));
    }

    #[test]
    fn fill() {
        let body = br#"{"message":"m","type":"t","code":"c","param":null,"request_id":null}"#;
        let filled = fill_request_id(body, "req_1").unwrap_or_default();
        assert_eq!(
            filled,
            br#"{"message":"m","type":"t","code":"c","param":null,"request_id":"req_1"}"#
        );
        assert!(fill_request_id(&filled, "req_2").is_none());
    }

    #[test]
    fn rounding() {
        assert_eq!(ceil_secs(Duration::from_millis(1500)), 2);
        assert_eq!(ceil_secs(Duration::from_secs(3)), 3);
        assert_eq!(ceil_millis(Duration::from_micros(1001)), 2);
    }

    #[test]
    fn content_types() {
        assert!(is_json_content_type(b"application/json"));
        assert!(is_json_content_type(b"Application/JSON; charset=utf-8"));
        assert!(is_json_content_type(b"application/problem+json"));
        assert!(!is_json_content_type(b"text/plain; charset=utf-8"));
        assert!(!is_json_content_type(b""));
    }

    #[test]
    fn params() {
        let p = param_from_serde_message;
        assert_eq!(p("amount: invalid type: string").as_deref(), Some("amount"));
        assert_eq!(
            p("missing field `amount` at line 1").as_deref(),
            Some("amount")
        );
        assert_eq!(
            p("customer: missing field `id`").as_deref(),
            Some("customer.id")
        );
        assert_eq!(
            p("Cannot parse `id` with value `x` to a `u64`").as_deref(),
            Some("id")
        );
        assert_eq!(p("invalid type: string \"x\", expected u64"), None);
        assert_eq!(p("expected value at line 1 column 1"), None);
    }

    #[test]
    fn bounds() {
        assert_eq!(bounded("héllo", 2), "hé");
        assert_eq!(bounded("hi", 5), "hi");
    }
}
