//! Request ids: the one id a request is known by, in the `x-request-id` headers, the error
//! body's `request_id` and the logs.

use std::borrow::Cow;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use http::StatusCode;

use crate::status;
use crate::ApiError;

/// The longest request id accepted from a client.
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// The id of one request: taken from the client's request-id header when it is safe
/// (1..=128 characters of `[A-Za-z0-9._-]`), else generated (`req_` and 22 URL-safe
/// characters).
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

    /// A new id: `req_` and 22 characters of `[A-Za-z0-9]`.
    ///
    /// The characters are the output of SipHash-1-3 (std's `RandomState`), keyed once per
    /// process with 128 random bits from the operating system, over a per-process counter.
    /// So ids never repeat within a process, and ids of different processes differ unless
    /// their random keys collide. They are unguessable in practice but are not a
    /// cryptographic token: never use one as a secret.
    pub fn generate() -> RequestId {
        static KEY: OnceLock<RandomState> = OnceLock::new();
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        const ALPHABET: &[u8; 62] =
            b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

        let key = KEY.get_or_init(RandomState::new);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut out = *b"req_0000000000000000000000";
        for (lane, chunk) in out[4..].chunks_mut(11).enumerate() {
            let mut h = key.build_hasher();
            h.write_u64(n);
            h.write_u8(lane as u8);
            let mut w = h.finish();
            for c in chunk {
                *c = ALPHABET[(w % 62) as usize];
                w /= 62;
            }
        }
        // Only ASCII went in, so this never fails.
        RequestId(Arc::from(std::str::from_utf8(&out).unwrap_or("req_")))
    }

    /// The id from a request's header value when it is safe, else a new one; `true` when
    /// the header's value was taken.
    #[cfg_attr(not(any(feature = "axum", feature = "actix-web")), allow(dead_code))]
    pub(crate) fn from_header(value: Option<&[u8]>) -> (RequestId, bool) {
        match value.and_then(RequestId::from_bytes) {
            Some(id) => (id, true),
            None => (RequestId::generate(), false),
        }
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

/// 1..=128 bytes of `[A-Za-z0-9._-]`.
pub(crate) fn is_valid_request_id(id: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID_LEN).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
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
}
