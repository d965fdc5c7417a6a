//! Request ids: the one id a request is known by, in the `x-request-id` headers, the error
//! body's `request_id` and the logs.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use http::StatusCode;

use crate::status;
use crate::ApiError;

/// The longest request id accepted from a client.
///
/// ```
/// use api_error_core::{RequestId, MAX_REQUEST_ID_LEN};
///
/// assert!(RequestId::parse(&"a".repeat(MAX_REQUEST_ID_LEN)).is_some());
/// assert!(RequestId::parse(&"a".repeat(MAX_REQUEST_ID_LEN + 1)).is_none());
/// ```
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// `req_` and 22 characters.
const GENERATED_LEN: usize = 26;

/// The id of one request: taken from the client's request-id header when it is safe
/// (1..=128 characters of `[A-Za-z0-9._-]`), else generated (`req_` and 22 URL-safe
/// characters).
///
/// `ApiErrorLayer` (axum) and `ApiErrorMiddleware` (actix-web) make it available while the
/// request runs: handlers read it with the `RequestId` extractor (actix-web also keeps it in
/// the request's extensions). It is sent back in the request-id response header and in the
/// error body's `request_id`.
///
/// With axum, the id is there while the layer polls the request: a middleware inside the
/// layer that runs the rest of the request in a spawned task (so that a client going away
/// cannot cancel it) takes the id first and puts it in the request's extensions, where the
/// extractor finds it (the layer does not do it for every request: an extension costs
/// about a third of the layer's own time):
///
/// ```
/// use api_error_core::axum::{ApiErrorLayer, RequestId};
/// use axum::extract::Request;
/// use axum::middleware::{from_fn, Next};
/// use axum::response::{IntoResponse, Response};
/// use axum::{http::StatusCode, routing::get, Router};
///
/// async fn detach(id: RequestId, mut req: Request, next: Next) -> Response {
///     req.extensions_mut().insert(id);
///     match tokio::spawn(next.run(req)).await {
///         Ok(res) => res,
///         Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
///     }
/// }
///
/// let app: Router = Router::new()
///     .route("/whoami", get(|id: RequestId| async move { id.to_string() }))
///     .layer(from_fn(detach))
///     .layer(ApiErrorLayer::new());
/// ```
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
#[derive(Clone)]
pub struct RequestId(Repr);

/// Ids up to [`INLINE`] bytes (generated ids, UUIDs, most others) live inline: making,
/// cloning and dropping one allocates nothing and touches no atomic. Longer ones are shared.
/// The axum layer keeps the header value the id came in (or goes out) with: the same bytes,
/// sent back without a copy.
#[derive(Clone)]
enum Repr {
    Inline(Inline),
    Shared(Arc<str>),
    #[cfg_attr(not(feature = "axum"), allow(dead_code))]
    Header(http::HeaderValue),
}

/// An inline id's bytes, padded with zeros (an id has none: its length is where they start).
/// Aligned as the other variants' words are, so that every variant's data starts at the
/// same offset after the tag: a move of a `RequestId` then copies its words where they lie.
/// (With a length byte in front, the data started one byte after the tag, and each move of
/// a just-built header value read it across its stores, stalling the loads.)
#[derive(Clone, Copy)]
#[repr(align(8))]
struct Inline([u8; INLINE]);

impl Inline {
    /// `id` (at most [`INLINE`] bytes, none of them zero), padded.
    fn new(id: &[u8]) -> Inline {
        let mut buf = [0; INLINE];
        let len = id.len().min(INLINE);
        buf[..len].copy_from_slice(&id[..len]);
        Inline(buf)
    }

    fn as_bytes(&self) -> &[u8] {
        let len = self.0.iter().position(|&b| b == 0).unwrap_or(INLINE);
        self.0.get(..len).unwrap_or_default()
    }
}

/// The longest id kept inline: a UUID with a prefix (`req_` and 36 characters) fits.
const INLINE: usize = 40;

impl PartialEq for RequestId {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for RequestId {}

impl std::hash::Hash for RequestId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl RequestId {
    /// Accepts `id` if it is 1..=128 characters of `[A-Za-z0-9._-]`: safe to echo in a header
    /// and in JSON without escaping.
    ///
    /// ```
    /// use api_error_core::RequestId;
    ///
    /// assert_eq!(RequestId::parse("req_8fZ2kQ").map(|id| id.to_string()), Some("req_8fZ2kQ".into()));
    /// assert!(RequestId::parse("a/b").is_none());
    /// ```
    #[must_use]
    pub fn parse(id: &str) -> Option<RequestId> {
        Self::from_bytes(id.as_bytes())
    }

    /// [`parse`](RequestId::parse) for a raw header value.
    ///
    /// ```
    /// use api_error_core::RequestId;
    ///
    /// assert!(RequestId::from_bytes(b"0b9c7a3e-8f5d-4a1b").is_some());
    /// assert!(RequestId::from_bytes(b"\xff").is_none());
    /// ```
    #[inline]
    #[must_use]
    pub fn from_bytes(id: &[u8]) -> Option<RequestId> {
        if !is_valid_request_id(id) {
            return None;
        }
        if id.len() <= INLINE {
            return Some(RequestId(Repr::Inline(Inline::new(id))));
        }
        // Only ASCII bytes passed the check, so this never fails.
        std::str::from_utf8(id)
            .ok()
            .map(|s| RequestId(Repr::Shared(Arc::from(s))))
    }

    /// The id of the request being handled on this thread: `ApiErrorLayer` (axum) and
    /// `ApiErrorMiddleware` (actix-web) set it while the request's handler and the layers
    /// inside them run, so code there that does not take the extractor can name it (a
    /// `no_integrations` type's own `IntoResponse`, a log line). `None` outside any request:
    /// in a test, a background task, or a task the handler spawned.
    ///
    /// ```
    /// use api_error_core::{ApiError, RequestId};
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("Gone")]
    /// #[api_error(status = 410, no_integrations)]
    /// struct Gone;
    ///
    /// // What a hand-written `IntoResponse` of `Gone` would send as its body.
    /// let mut body = Vec::new();
    /// Gone.write_json(RequestId::current().as_ref().map(RequestId::as_str), &mut body);
    /// // Outside any request: no id.
    /// assert!(String::from_utf8(body).unwrap().ends_with(r#""request_id":null}"#));
    /// ```
    #[must_use]
    pub fn current() -> Option<RequestId> {
        #[cfg(any(feature = "axum", feature = "actix-web"))]
        return crate::web::context::current_request_id();
        // Without either framework, nothing handles a request.
        #[cfg(not(any(feature = "axum", feature = "actix-web")))]
        None
    }

    /// A new id: `req_` and 22 characters of `[A-Za-z0-9]`.
    ///
    /// The characters encode about 128 bits: three words from each of two per-thread wyrand
    /// generators (64 bits of state each, stepping by different constants), seeded for each
    /// thread from std's `RandomState` (keys the operating system randomizes) and a
    /// process-wide counter. A thread never repeats an id, and two threads' ids only meet by
    /// chance on all 128 bits: a repeat among 2^40 ids has a chance under 2^-47. Ids are
    /// unpredictable to clients, but they are not a cryptographic token: never use one as a
    /// secret.
    ///
    /// ```
    /// use api_error_core::RequestId;
    ///
    /// let id = RequestId::generate();
    /// assert_eq!(id.as_str().len(), 26);
    /// assert!(id.as_str().starts_with("req_"));
    /// ```
    #[must_use]
    pub fn generate() -> RequestId {
        RequestId::inline(&generated())
    }

    /// An id of at most [`INLINE`] ASCII bytes, none zero, kept inline.
    fn inline(id: &[u8]) -> RequestId {
        RequestId(Repr::Inline(Inline::new(id)))
    }

    /// The id as text (always ASCII, never empty, at most 128 bytes).
    ///
    /// ```
    /// use api_error_core::RequestId;
    ///
    /// let id = RequestId::parse("req_1").unwrap();
    /// assert_eq!(id.as_str(), "req_1");
    /// ```
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Shared(s) => s,
            // Only ASCII is ever stored, so this never fails.
            _ => std::str::from_utf8(self.as_bytes()).unwrap_or_default(),
        }
    }

    /// The id's bytes (ASCII).
    fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline(inline) => inline.as_bytes(),
            Repr::Shared(s) => s.as_bytes(),
            Repr::Header(v) => v.as_bytes(),
        }
    }
}

/// The axum layer's ids: kept as the header value they travel in.
#[cfg(feature = "axum")]
impl RequestId {
    /// A clone of `value` if it is a valid id (a reference count, not a copy). Kept apart from
    /// [`from_valid_header`](Self::from_valid_header): a header value without a tag in
    /// front is built where it is returned, so the layer can wrap it later, once the
    /// clone's stores are done (read back at once, 16 bytes across two 8-byte stores, they
    /// stall the load).
    #[inline]
    pub(crate) fn valid_header(value: &http::HeaderValue) -> Option<http::HeaderValue> {
        is_valid_request_id(value.as_bytes()).then(|| value.clone())
    }

    /// The id in a header value [`valid_header`](Self::valid_header) returned.
    #[inline]
    pub(crate) fn from_valid_header(value: http::HeaderValue) -> RequestId {
        RequestId(Repr::Header(value))
    }

    /// A new id (see [`generate`](RequestId::generate)) in a header value that every copy
    /// shares: one allocation, however many headers it goes into.
    pub(crate) fn generate_header() -> RequestId {
        let id = generated();
        // The array itself owns the bytes: one allocation, no copy of the id.
        match http::HeaderValue::from_maybe_shared(bytes::Bytes::from_owner(id)) {
            Ok(value) => RequestId(Repr::Header(value)),
            // Never: a generated id is a valid header value.
            Err(_) => RequestId::inline(&id),
        }
    }

    /// The id as a header value, taking it out of `self` when it is one.
    #[inline]
    pub(crate) fn into_header_value(self) -> http::HeaderValue {
        match self.0 {
            Repr::Header(value) => value,
            other => RequestId(other).copy_into_header_value(),
        }
    }

    /// [`into_header_value`](Self::into_header_value) for an id kept as text: out of line,
    /// as the layer's ids are header values.
    #[cold]
    #[inline(never)]
    fn copy_into_header_value(self) -> http::HeaderValue {
        http::HeaderValue::from_str(self.as_str()).unwrap_or(http::HeaderValue::from_static(""))
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AsRef<str> for RequestId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// A new id's bytes: `req_` and 22 characters of `[A-Za-z0-9]` (see [`RequestId::generate`]).
fn generated() -> [u8; GENERATED_LEN] {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut id = [0; GENERATED_LEN];
    id[..4].copy_from_slice(b"req_");
    // 16 random bits per character, scaled onto the alphabet (bias below 0.1%): a multiply
    // and a shift instead of a division.
    for (chunk, mut w) in id[4..].chunks_mut(4).zip(random_words()) {
        for c in chunk {
            *c = ALPHABET[(((w & 0xffff) * 62) >> 16) as usize];
            w >>= 16;
        }
    }
    id
}

/// Six random words for one id: three from each of this thread's two wyrand generators
/// (Wang Yi's, as in `fastrand`), interleaved, so an id depends on 128 bits of state. A few
/// instructions per id instead of a system call.
fn random_words() -> [u64; 6] {
    const STEP_A: u64 = 0xa076_1d64_78bd_642f;
    const STEP_B: u64 = 0x9e37_79b9_7f4a_7c15;
    thread_local! {
        static STATE: Cell<(u64, u64)> = Cell::new((seed(), seed()));
    }
    let (a, b) = STATE
        .try_with(|s| {
            let (a, b) = s.get();
            s.set((
                a.wrapping_add(STEP_A.wrapping_mul(3)),
                b.wrapping_add(STEP_B.wrapping_mul(3)),
            ));
            (a, b)
        })
        // Only while the thread is being torn down: fresh seeds each time.
        .unwrap_or_else(|_| (seed(), seed()));
    let mix = |x: u64, key: u64| {
        let t = u128::from(x) * u128::from(x ^ key);
        (t as u64) ^ ((t >> 64) as u64)
    };
    let mut words = [0; 6];
    let (mut a, mut b) = (a, b);
    for pair in words.chunks_mut(2) {
        a = a.wrapping_add(STEP_A);
        b = b.wrapping_add(STEP_B);
        for (w, value) in pair
            .iter_mut()
            .zip([mix(a, 0xe703_7ed1_a0b4_28db), mix(b, 0x8ebc_6af0_9c88_c6e3)])
        {
            *w = value;
        }
    }
    words
}

/// A seed from std's randomly keyed SipHash over a process-wide counter, so every thread
/// (and every process) starts its generator somewhere else.
fn seed() -> u64 {
    static KEY: OnceLock<RandomState> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = KEY.get_or_init(RandomState::new).build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.finish()
}

/// 1..=128 bytes of `[A-Za-z0-9._-]`.
#[inline]
pub(crate) fn is_valid_request_id(id: &[u8]) -> bool {
    /// Whether an id may hold this byte, without a branch or a table: the check of every
    /// byte is folded into one result, which the compiler runs 16 bytes at a time (a UUID
    /// costs a few dozen instructions instead of five per byte).
    #[inline(always)]
    fn allowed(b: u8) -> bool {
        // `| 0x20` lowers ASCII capitals and maps no other byte into `a..=z`.
        ((b | 0x20).wrapping_sub(b'a') < 26)
            | (b.wrapping_sub(b'0') < 10)
            | (b == b'-')
            | (b == b'.')
            | (b == b'_')
    }
    /// Whether all 16 bytes are allowed: a fixed-size fold, which compiles to a few vector
    /// instructions without a loop.
    #[inline(always)]
    fn all_allowed(chunk: &[u8; 16]) -> bool {
        chunk.iter().fold(true, |ok, &b| ok & allowed(b))
    }
    if !(1..=MAX_REQUEST_ID_LEN).contains(&id.len()) {
        return false;
    }
    let check = |chunk: &[u8]| match <&[u8; 16]>::try_from(chunk) {
        Ok(chunk) => all_allowed(chunk),
        Err(_) => false,
    };
    match id.len().checked_sub(16) {
        // Whole chunks, then the last 16 bytes (overlapping the last chunk): no byte is
        // checked on its own.
        Some(last) => {
            let whole = id
                .chunks_exact(16)
                .fold(true, |ok, chunk| ok & check(chunk));
            whole & id.get(last..).is_some_and(check)
        }
        // A short id: in registers (see `short_allowed`).
        None => short_allowed(id),
    }
}

/// Whether an id shorter than 16 bytes is allowed: two words of 8 bytes made in registers
/// from a few reads that overlap and together cover it (its first and last 8 or 4 bytes; or
/// its first, middle and last byte), padded with `a`s, each checked 8 bytes at a time. Not
/// copied into a padded buffer: a wide read of bytes just stored one by one waits for the
/// stores, about as long as the whole check.
#[inline(always)]
fn short_allowed(id: &[u8]) -> bool {
    const PAD: u64 = u64::from_le_bytes([b'a'; 8]);
    let n = id.len();
    let word = |at: usize| -> u64 {
        match id.get(at..).and_then(<[u8]>::first_chunk::<8>) {
            Some(bytes) => u64::from_le_bytes(*bytes),
            None => 0,
        }
    };
    let half = |at: usize| -> u64 {
        match id.get(at..).and_then(<[u8]>::first_chunk::<4>) {
            Some(bytes) => u64::from(u32::from_le_bytes(*bytes)),
            None => 0,
        }
    };
    let byte = |at: usize| u64::from(id.get(at).copied().unwrap_or(0));
    let (lo, hi) = match n {
        8.. => (word(0), word(n - 8)),
        4..=7 => (half(0) | (half(n - 4) << 32), PAD),
        _ => (
            byte(0) | (byte(n / 2) << 8) | (byte(n.saturating_sub(1)) << 16) | (PAD & !0xff_ffff),
            PAD,
        ),
    };
    allowed_bytes(lo) & allowed_bytes(hi) == HIGH
}

/// The high bit of each of a word's 8 bytes.
const HIGH: u64 = u64::from_le_bytes([0x80; 8]);

/// [`HIGH`]'s bits of the bytes of `w` an id may hold, 8 bytes at a time in one word.
#[inline(always)]
fn allowed_bytes(w: u64) -> u64 {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    // Each byte's low 7 bits (a byte with its high bit set is refused at the end). Adding
    // `0x80 - c` to every byte then sets a byte's high bit exactly where it is at least `c`,
    // and carries into no other byte (each sum is below 0x100).
    let low = w & !HIGH;
    let at_least = |x: u64, c: u8| x + u64::from(0x80 - c) * ONES;
    let between = |x: u64, first: u8, last: u8| at_least(x, first) & !at_least(x, last + 1);
    // `| 0x20` lowers ASCII capitals and maps no other byte into `a..=z`.
    let letters = between(low | (0x20 * ONES), b'a', b'z');
    let digits = between(low, b'0', b'9');
    let dash_dot = between(low, b'-', b'.');
    let underscore = between(low, b'_', b'_');
    (letters | digits | dash_dot | underscore) & !w & HIGH
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

    /// The axum layer's ids (kept as header values) are the same ids as parsed ones.
    #[cfg(feature = "axum")]
    #[test]
    fn header_ids_equal_parsed_ones() {
        let value = http::HeaderValue::from_static("req_8fZ2kQ");
        let value = RequestId::valid_header(&value).unwrap_or_else(|| panic!("valid"));
        let id = RequestId::from_valid_header(value.clone());
        assert_eq!(Some(&id), RequestId::parse("req_8fZ2kQ").as_ref());
        assert_eq!(id.as_str(), "req_8fZ2kQ");
        assert_eq!(id.clone().into_header_value(), value);
        assert!(RequestId::valid_header(&http::HeaderValue::from_static("a b")).is_none());

        let generated = RequestId::generate_header();
        assert!(matches!(generated.0, Repr::Header(_)));
        assert_eq!(generated.as_str().len(), GENERATED_LEN);
        assert_eq!(
            RequestId::parse(generated.as_str()).as_ref(),
            Some(&generated)
        );
        assert_eq!(generated.clone().into_header_value(), generated.as_str());
        // Not kept as a header value: made into one.
        let parsed = RequestId::parse("abc").unwrap_or_else(|| panic!("valid"));
        assert_eq!(parsed.into_header_value(), "abc");
    }

    #[test]
    fn long_ids_are_shared_short_ones_inline() {
        let long = "a".repeat(128);
        let id = RequestId::parse(&long).unwrap();
        assert_eq!(id.as_str(), long);
        assert!(matches!(id.0, Repr::Shared(_)));
        let uuid = RequestId::parse("67e55044-10b1-426f-9247-bb680e5fe0c8").unwrap();
        assert!(matches!(uuid.0, Repr::Inline(_)));
        assert_eq!(size_of::<RequestId>(), 48);
        // Every length up to the inline bound and past it reads back whole.
        for len in 1..=INLINE + 1 {
            let text: String = "req_0b9c7a3e-8f5d-4a1b-9c2e-6d7f8a9b0c1d.x"
                .chars()
                .take(len)
                .collect();
            let id = RequestId::parse(&text).unwrap_or_else(|| panic!("valid: {text}"));
            assert_eq!(id.as_str(), text);
            assert_eq!(matches!(id.0, Repr::Inline(_)), len <= INLINE, "{len}");
        }
        assert_eq!(uuid.to_string(), "67e55044-10b1-426f-9247-bb680e5fe0c8");
        assert_eq!(uuid, uuid.clone());
        assert_ne!(uuid, id);
    }

    #[test]
    fn generated_characters_are_spread() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..2000 {
            seen.extend(RequestId::generate().as_str()[4..].bytes());
        }
        assert_eq!(seen.len(), 62, "every alphanumeric character appears");
    }

    /// Every position is random (both generators feed the id), and threads do not repeat
    /// one another's ids.
    #[test]
    fn every_position_varies_and_threads_differ() {
        let ids: Vec<Vec<RequestId>> = std::thread::scope(|s| {
            let threads: Vec<_> = (0..4)
                .map(|_| s.spawn(|| (0..2000).map(|_| RequestId::generate()).collect()))
                .collect();
            threads
                .into_iter()
                .map(|t| t.join().unwrap_or_default())
                .collect()
        });
        let all: std::collections::HashSet<_> = ids.iter().flatten().collect();
        assert_eq!(all.len(), 8000);
        for position in 4..GENERATED_LEN {
            let values: std::collections::HashSet<u8> =
                ids[0].iter().map(|id| id.as_bytes()[position]).collect();
            assert!(values.len() > 40, "position {position}: {values:?}");
        }
    }

    /// Every byte value, alone and in every position of a UUID-sized id, against the
    /// SPEC's class `[A-Za-z0-9._-]`, and the length bounds on both sides.
    #[test]
    fn every_byte_is_judged_by_the_spec_class() {
        let spec = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-';
        for b in 0..=u8::MAX {
            assert_eq!(is_valid_request_id(&[b]), spec(b), "byte {b:#04x}");
            for at in [0, 15, 16, 35] {
                let mut id = *b"67e55044-10b1-426f-9247-bb680e5fe0c8";
                id[at] = b;
                assert_eq!(is_valid_request_id(&id), spec(b), "byte {b:#04x} at {at}");
            }
        }
        // Every length, with one bad byte at every position (whole chunks, the overlapping
        // last chunk, a short id's overlapping words), and with none.
        for len in 1..=MAX_REQUEST_ID_LEN {
            let id = vec![b'Z'; len];
            assert!(is_valid_request_id(&id), "length {len}");
            for at in 0..len {
                for bad in [b' ', b'/', 0x80] {
                    let mut id = id.clone();
                    id[at] = bad;
                    assert!(
                        !is_valid_request_id(&id),
                        "length {len}, {bad:#04x} at {at}"
                    );
                }
            }
        }
        // Ids shorter than a chunk, read as overlapping words (`short_allowed`): every byte
        // value at every position of every such length.
        for len in 1..16 {
            for at in 0..len {
                for b in 0..=u8::MAX {
                    let mut id = vec![b'7'; len];
                    id[at] = b;
                    assert_eq!(
                        is_valid_request_id(&id),
                        spec(b),
                        "{b:#04x} at {at} of {len}"
                    );
                }
            }
        }
        assert!(!is_valid_request_id(b""));
        assert!(is_valid_request_id(&[b'a'; 128]));
        assert!(!is_valid_request_id(&[b'a'; 129]));
    }

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
