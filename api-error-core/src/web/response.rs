//! An error as the parts of an HTTP response, and the header rules of both integrations.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;

use super::context::{self, RequestContext};
use super::rejection;
use crate::format::{write_fields, Fields};
use crate::{ApiError, RequestId};

/// Status, headers and body of one error response (the request-id header is the caller's).
pub(crate) struct Rendered {
    pub status: StatusCode,
    pub content_type: &'static str,
    /// The error's own static headers (`WWW-Authenticate`, ...).
    pub extra: &'static [(&'static str, &'static str)],
    pub retryable: bool,
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
    /// The id of the request in whose context it was rendered (with its format), if any.
    pub request_id: Option<RequestId>,
    /// For a 5xx rendered outside any request, with `tracing`: what the log said of it,
    /// said again with the request's id when a request sends it ([`render_again`]).
    pub cause: Option<Arc<Cause>>,
    /// A framework's or app's response replaced by the standard body: the `x-should-retry`
    /// it already says (`true` or `false`) is the app's decision and stays; the status's
    /// table only speaks where it says nothing.
    pub replacing: bool,
}

/// What only the log may see of an error rendered outside any request (its `Display` and
/// `source()` chain, bounded), logged once: by the request that sends it, else when it goes
/// (see `log::cause`).
#[derive(Debug)]
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub(crate) struct Cause {
    pub status: StatusCode,
    pub code: String,
    pub error: String,
    pub sources: String,
    pub logged: std::sync::atomic::AtomicBool,
}

/// A header value the integrations send.
#[derive(Clone, Copy, Debug)]
pub(crate) enum HeaderVal {
    Static(&'static str),
    Int(u64),
}

pub(crate) const X_SHOULD_RETRY: &str = "x-should-retry";
pub(crate) const RETRY_AFTER: &str = "retry-after";
pub(crate) const RETRY_AFTER_MS: &str = "retry-after-ms";

/// The headers that describe a body: when a body is replaced, every one of them goes, so a
/// new body is never sent as `gzip`, with the old length, range, validator or date.
pub(crate) const BODY_HEADERS: [&str; 7] = [
    "content-encoding",
    "content-length",
    "transfer-encoding",
    "content-range",
    "etag",
    "last-modified",
    // The trailer fields the old body's chunked encoding announced.
    "trailer",
];

/// Digests of the old body's bytes (RFC 9530, and the older `Digest`, `Content-MD5`): they
/// go whenever the bytes change.
pub(crate) const DIGEST_HEADERS: [&str; 4] =
    ["content-digest", "repr-digest", "digest", "content-md5"];

/// The old body's file name, language and location: dropped with a body that is replaced
/// (an error's own static headers may set them for the new one: `Content-Language: en`), kept
/// by a body this crate renders again, which means the same.
pub(crate) const MEANING_HEADERS: [&str; 3] = [
    "content-disposition",
    "content-language",
    "content-location",
];

/// Marks a response whose body this crate rendered (in the response's extensions): the
/// layer and the middleware pass it on untouched, wherever it was compressed or wrapped;
/// unless it was rendered outside any request (an error turned into a response in a spawned
/// task), whose body says `"request_id":null`: that one is read back and rendered again in
/// the request that sends it ([`render_again`]), so the body's id is the header's.
///
/// It also keeps the status the body was rendered for and its length: a response whose
/// status was changed afterwards (a derived 404 sent as a 500), or whose body was replaced
/// on the same head (actix-web's `ErrorHandlers` with `set_body`, a `map_response` that
/// swaps the body), no longer matches the mark, and is treated as one this crate did not
/// render. (A body compressed inside, or of a length not known up front, cannot be measured:
/// the mark is trusted then; but the mark keeps a copy of the body, which a 5xx is sent
/// from instead, so no text a layer inside set on it goes out, and which a body that has to
/// be rendered again is rendered from when a layer inside compressed it.)
#[derive(Clone, Debug)]
pub(crate) struct RenderedHere {
    /// The id in the body: that of the request it was rendered in, if any.
    request_id: Option<RequestId>,
    status: u16,
    len: u64,
    cause: Option<Arc<Cause>>,
    /// The body and content type as rendered: a 5xx is sent again from here when its body
    /// was changed inside; a body rendered outside this request (its id is not this one's),
    /// or a 4xx whose status a layer inside changed, is rendered again from here when a
    /// layer inside compressed it. (One copy of a few hundred bytes, on error responses
    /// only.)
    kept: (Arc<[u8]>, &'static str),
    /// The error's own headers ([`ApiError::headers`]): its name, language and location go
    /// back on when a 5xx is sent from `kept` in place of another body.
    extra: &'static [(&'static str, &'static str)],
    /// The retry advice rendered with it (`x-should-retry`, the delay): taken back when a
    /// layer or middleware inside changed its status, where the headers still say it.
    retryable: bool,
    retry_after: Option<Duration>,
    /// The body's first and last [`ENDS`] bytes (zero-filled when shorter): with its length,
    /// enough to tell it from another body a layer inside set, when it is read back.
    ends: [[u8; ENDS]; 2],
}

/// How many bytes of each end of a rendered body its mark keeps.
const ENDS: usize = 16;

impl RenderedHere {
    /// The mark of a response with this rendered body (taken before the body is moved out).
    pub fn of(rendered: &Rendered) -> RenderedHere {
        let body = rendered.body.as_slice();
        let mut ends = [[0; ENDS]; 2];
        let n = body.len().min(ENDS);
        ends[0][..n].copy_from_slice(&body[..n]);
        ends[1][..n].copy_from_slice(&body[body.len() - n..]);
        RenderedHere {
            request_id: rendered.request_id.clone(),
            status: rendered.status.as_u16(),
            len: body.len() as u64,
            cause: rendered.cause.clone(),
            kept: (Arc::from(body), rendered.content_type),
            extra: rendered.extra,
            retryable: rendered.retryable,
            retry_after: rendered.retry_after,
            ends,
        }
    }

    /// Whether `bytes`, read back, are the body this mark was taken of (its length and its
    /// ends: a body of the same length set by a layer inside is not).
    pub fn is_body(&self, bytes: &[u8]) -> bool {
        let n = bytes.len().min(ENDS);
        bytes.len() as u64 == self.len
            && bytes.get(..n) == self.ends[0].get(..n)
            && bytes.get(bytes.len() - n..) == self.ends[1].get(..n)
    }

    /// The body as it was rendered, to be sent or rendered again (with the headers of a
    /// body rendered again: its bytes', and `Vary`).
    pub fn kept(&self) -> Option<Rendered> {
        let (body, content_type) = &self.kept;
        Some(Rendered {
            status: StatusCode::from_u16(self.status).ok()?,
            content_type,
            extra: self.extra,
            retryable: self.retryable,
            retry_after: self.retry_after,
            body: body.to_vec(),
            request_id: self.request_id.clone(),
            cause: self.cause.clone(),
            replacing: false,
        })
    }

    /// The retry headers rendered with the body, as sent: `x-should-retry`, then
    /// `retry-after` and `retry-after-ms` if it had a delay.
    pub fn retry_sent(&self) -> (&'static str, Option<u64>, Option<u64>) {
        let advice = if self.retryable { "true" } else { "false" };
        let (secs, ms) = delay_values(self.retry_after);
        (advice, secs, ms)
    }

    /// The body to send from the mark's copy `kept`: as it was rendered if it says this
    /// request's id (or there is no request), else rendered again in this request, with
    /// the error's own headers.
    pub fn resend(&self, kept: Rendered, ctx: Option<&RequestContext>) -> Rendered {
        match ctx {
            Some(ctx) if !self.is_of(Some(ctx)) => {
                ctx.scope(|| self.render_again(kept.status, &kept.body))
            }
            _ => kept,
        }
    }

    /// `bytes` (this mark's body, or the body read back from its head) rendered again in the
    /// current request for `status` (see [`render_again`]), with what the mark keeps of the
    /// error: its own headers, and the retry advice sent with it (which the head still
    /// says), so that the new body's mark says it too.
    pub fn render_again(&self, status: StatusCode, bytes: &[u8]) -> Rendered {
        let cause = self.cause();
        let mut again = render_again(status, bytes, cause.as_deref());
        again.extra = self.extra;
        again.retryable = self.retryable;
        again.retry_after = self.retry_after;
        again
    }

    /// `bytes` (as [`render_again`](Self::render_again)) rendered again for another status
    /// than the one it was rendered for (a layer or middleware inside changed a 4xx's
    /// status, `ErrorHandlers` making a 404 a 410): with the retry advice of that status's
    /// table, as the advice sent with it was for the other one (`restate_retry_headers`
    /// puts it in its place on the head), and no delay.
    pub fn restate(&self, status: StatusCode, bytes: &[u8]) -> Rendered {
        let mut rendered = self.render_again(status, bytes);
        rendered.retryable = crate::status::is_retryable(status);
        rendered.retry_after = None;
        rendered
    }

    /// Whether the body was rendered in a request's context (else: outside any request).
    pub fn in_request(&self) -> bool {
        self.request_id.is_some()
    }

    /// Whether the body says the id a body rendered in `ctx` would (`None`: outside any
    /// request): else it was rendered outside any request, or in another request's context
    /// (a handler that answers for several requests, as a batcher's leader does), and is
    /// rendered again in this one.
    pub fn is_of(&self, ctx: Option<&RequestContext>) -> bool {
        self.says(ctx.map(|ctx| &ctx.id))
    }

    /// Whether the body's `request_id` is `id` (`None`: null).
    pub fn says(&self, id: Option<&RequestId>) -> bool {
        self.request_id.as_ref() == id
    }

    /// What the log is to say of an error rendered outside any request (with `tracing`).
    pub fn cause(&self) -> Option<Arc<Cause>> {
        self.cause.clone()
    }

    /// Logs, once, in the current span (the request's that sends it), what an error rendered
    /// outside any request is: whatever the layer or middleware then does with it (passes it
    /// on compressed, renders it again, replaces its body), it is logged with the id.
    pub fn log_sent(&self) {
        #[cfg(feature = "tracing")]
        if let Some(cause) = &self.cause {
            cause.log_sent();
        }
    }
}

/// What a response's mark says of it (see [`RenderedHere`]).
pub(crate) enum Marked {
    /// This crate's body, as rendered.
    Ours(RenderedHere),
    /// This crate's head (with its mark) and another body: its `content-type` may not be
    /// the new body's (text set on a JSON head), so a JSON label is checked against the body.
    Replaced(RenderedHere),
    /// Not this crate's (or sent with another status than it was rendered for).
    Foreign,
}

impl Marked {
    /// Judges a response with this `status` and `mark`, whose body is `len` bytes long:
    /// `None` when that cannot be told (compressed inside, emptied for a HEAD, or a stream:
    /// a layer inside wrapped it, as tower-http's response-body timeout does), and the mark
    /// is trusted.
    pub fn judge(mark: Option<&RenderedHere>, status: u16, len: Option<u64>) -> Marked {
        match mark {
            Some(here) if here.status == status => match len {
                Some(len) if len != here.len => Marked::Replaced(here.clone()),
                _ => Marked::Ours(here.clone()),
            },
            _ => Marked::Foreign,
        }
    }

    /// The mark of a 4xx this crate rendered whose status a layer or middleware inside then
    /// changed, its body still the one rendered (`ErrorHandlers` making a 404 a 410): to be
    /// rendered again for the status it goes out with, as a problem's `status` member must
    /// be the response's. Only when the body is seen to be that one: its length `len`
    /// measured and the same, or compressed (`encoded`: the mark's copy is rendered from).
    pub fn restated(
        mark: Option<&RenderedHere>,
        status: StatusCode,
        len: Option<u64>,
        encoded: bool,
    ) -> Option<RenderedHere> {
        let here = mark?;
        let same_body = match len {
            Some(len) => !encoded && len == here.len,
            None => encoded,
        };
        (here.status != status.as_u16() && status.is_client_error() && same_body)
            .then(|| here.clone())
    }

    /// Whether the body was replaced on this crate's head.
    pub fn is_replaced(&self) -> bool {
        matches!(self, Marked::Replaced(_))
    }

    /// The mark, if it was rendered for this status.
    pub fn here(&self) -> Option<&RenderedHere> {
        match self {
            Marked::Ours(here) | Marked::Replaced(here) => Some(here),
            Marked::Foreign => None,
        }
    }
}

/// The first `limit` bytes of a body (all of it when shorter), if they are there without
/// waiting (in memory); none if a chunk is not ready (a proxied upstream's body, say, which
/// may stall: the answer never waits on it). `next` polls the body's next chunk: `None` at
/// its end (or a read error, which ends it early), `Some(None)` for a chunk without data
/// (trailers).
pub(crate) async fn ready_prefix<D: AsRef<[u8]>>(
    limit: usize,
    next: impl FnMut(&mut std::task::Context<'_>) -> std::task::Poll<Option<Option<D>>>,
) -> Vec<u8> {
    match ready_bytes(limit, next).await {
        (out, true) => out,
        (_, false) => Vec::new(),
    }
}

/// [`ready_prefix`], with what was read before a chunk that is not ready kept: the bytes,
/// and whether they are all the prefix there is (`false`: a chunk was not ready).
pub(crate) async fn ready_bytes<D: AsRef<[u8]>>(
    limit: usize,
    mut next: impl FnMut(&mut std::task::Context<'_>) -> std::task::Poll<Option<Option<D>>>,
) -> (Vec<u8>, bool) {
    use std::task::Poll;
    let mut out = Vec::new();
    let whole = std::future::poll_fn(|cx| {
        while out.len() < limit {
            match next(cx) {
                Poll::Ready(Some(Some(data))) => {
                    let data = data.as_ref();
                    let room = limit - out.len();
                    out.extend_from_slice(data.get(..room).unwrap_or(data));
                }
                Poll::Ready(Some(None)) => {}
                Poll::Ready(None) => break,
                Poll::Pending => return Poll::Ready(false),
            }
        }
        Poll::Ready(true)
    })
    .await;
    (out, whole)
}

/// The bytes of a body on this crate's head, read back to render it again in this request:
/// all of them if they are there without waiting; the mark's copy if not (a stream a layer
/// or middleware inside put on the head could stall, and the answer with it: it is never
/// waited on); none if it fails (then it is not the body rendered, which never fails).
/// `next` polls the body's next chunk: `Ok(None)` for a frame without data, `Err` for a
/// failure, `None` at its end.
pub(crate) async fn read_back<D: AsRef<[u8]>>(
    here: &RenderedHere,
    mut next: impl FnMut(&mut std::task::Context<'_>) -> std::task::Poll<Option<Result<Option<D>, ()>>>,
) -> Vec<u8> {
    let mut failed = false;
    let (read, whole) = ready_bytes(MAX_RENDERED_BODY, |cx| {
        next(cx).map(|chunk| match chunk {
            Some(Ok(data)) => Some(data),
            Some(Err(())) => {
                failed = true;
                None
            }
            None => None,
        })
    })
    .await;
    match (failed, whole) {
        (true, _) => Vec::new(),
        (false, true) => read,
        (false, false) => here.kept().map(|kept| kept.body).unwrap_or_default(),
    }
}

/// Whether a body replaced on this crate's head, still labelled JSON, is JSON (an inner
/// layer that added a field to the error) rather than text: one JSON object (the caller
/// bounds the bytes).
pub(crate) fn is_json_object(body: &[u8]) -> bool {
    body.trim_ascii_start().first() == Some(&b'{') && is_json_value(body)
}

/// Whether a body is JSON, of any kind. Linear in the bytes (which the caller holds
/// already).
fn is_json_value(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// Whether an app's 4xx labelled JSON is its own structured JSON, left as sent: an object
/// or an array (`["amount","currency"]`). Anything else under a JSON label is read as text
/// ([`labelled_json_text`]): text that is not JSON, and a bare JSON string, number,
/// `true`, `false` or `null`, which no client reads as an error body.
pub(crate) fn is_app_json(body: &[u8]) -> bool {
    matches!(body.trim_ascii_start().first(), Some(b'{' | b'[')) && is_json_value(body)
}

/// The text of a body labelled JSON that is not the app's own ([`is_app_json`]): a bare
/// JSON string is its value (`Json("amount must be positive")` says
/// `amount must be positive`), another JSON scalar says nothing (the status's message is
/// used), and anything else is its first bytes as text (as far as a rejection reads).
pub(crate) fn labelled_json_text(body: &[u8]) -> Cow<'_, str> {
    if let Ok(text) = serde_json::from_slice::<String>(body) {
        return Cow::Owned(text);
    }
    if is_json_value(body) {
        return Cow::Borrowed("");
    }
    let shown = body.get(..rejection::MAX_REJECTION_BODY).unwrap_or(body);
    String::from_utf8_lossy(shown)
}

/// The most of a body rendered outside any request that is read back to render it again
/// (far more than any error body; past it, the parser's fallback body for the status).
pub(crate) const MAX_RENDERED_BODY: usize = 1024 * 1024;

impl Rendered {
    /// `content-type` is sent by the caller; these are the others, in order.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, HeaderVal)> + use<> {
        let retry = HeaderVal::Static(if self.retryable { "true" } else { "false" });
        let (secs, ms) = delay_values(self.retry_after);
        [
            Some((X_SHOULD_RETRY, retry)),
            secs.map(|s| (RETRY_AFTER, HeaderVal::Int(s))),
            ms.map(|m| (RETRY_AFTER_MS, HeaderVal::Int(m))),
        ]
        .into_iter()
        .flatten()
    }

    /// The error's own headers ([`ApiError::headers`]), each with whether an earlier pair
    /// had the same name (then it is appended: `WWW-Authenticate` may carry several
    /// challenges). Names the integrations set themselves are left out: a hand-written
    /// `headers()` cannot relabel the body or its retry advice (the derive refuses them at
    /// compile time).
    pub fn extra_headers(
        &self,
    ) -> impl Iterator<Item = (&'static str, &'static str, bool)> + use<> {
        let extra = self.extra;
        extra
            .iter()
            .enumerate()
            .filter(|(_, (name, _))| !is_set_by_integrations(name))
            .map(move |(i, &(name, value))| {
                let again = extra
                    .iter()
                    .take(i)
                    .any(|(earlier, _)| earlier.eq_ignore_ascii_case(name));
                (name, value, again)
            })
    }
}

/// Whether an `x-should-retry` value an app set is one a client understands.
pub(crate) fn is_retry_advice(value: &[u8]) -> bool {
    matches!(value, b"true" | b"false")
}

/// Whether the integrations set this header from the error or its body themselves.
fn is_set_by_integrations(name: &str) -> bool {
    [
        CONTENT_TYPE,
        X_SHOULD_RETRY,
        RETRY_AFTER,
        RETRY_AFTER_MS,
        "x-request-id",
        "request-id",
    ]
    .iter()
    .chain(&BODY_HEADERS)
    .chain(&DIGEST_HEADERS)
    .any(|n| n.eq_ignore_ascii_case(name))
}

const CONTENT_TYPE: &str = "content-type";

/// A retry delay as `retry-after` (seconds) and `retry-after-ms` say it, both rounded up.
/// Past what `retry-after-ms` can say (584 million years), both say that much, so the two
/// headers never disagree.
fn delay_values(delay: Option<Duration>) -> (Option<u64>, Option<u64>) {
    let d = delay.map(|d| d.min(Duration::from_millis(u64::MAX)));
    (d.map(ceil_secs), d.map(ceil_millis))
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs().saturating_add(u64::from(d.subsec_nanos() > 0))
}

fn ceil_millis(d: Duration) -> u64 {
    u64::try_from(d.as_nanos().div_ceil(1_000_000)).unwrap_or(u64::MAX)
}

/// Renders `err` with the current request's id and format (none and flat outside a
/// request), and logs it when the `tracing` feature is on.
pub(crate) fn render(err: &dyn ApiError) -> Rendered {
    let status = err.status();
    let (id, format) = context::current();
    let mut body = Vec::with_capacity(192);
    format.write(err, id.as_ref().map(|id| id.as_str()), &mut body);
    // Outside any request a log line would have no request id: what it says is kept and
    // logged once, by the request that sends this response (with its id), else when the
    // response goes.
    #[cfg(feature = "tracing")]
    let cause = match id {
        _ if context::is_quiet() => None,
        Some(_) => {
            crate::log::rendered(err, status);
            None
        }
        None => Some(Arc::new(crate::log::cause(err, status))),
    };
    #[cfg(not(feature = "tracing"))]
    let cause = None;
    Rendered {
        status,
        content_type: format.content_type(),
        extra: err.headers(),
        retryable: err.is_retryable(),
        retry_after: err.retry_after(),
        body,
        request_id: id,
        cause,
        replacing: false,
    }
}

/// A body this crate rendered outside any request (`"request_id":null`), or in another
/// request's context, read back and rendered again with the current request's id and
/// format. It is read back exactly, in whichever format it was rendered (every field error,
/// every string as it was, a blank message too); only bytes that are not such a body (they
/// cannot be, unless over [`MAX_RENDERED_BODY`]) fall back to the client's lenient parser. The
/// response keeps its other headers (retry advice, the error's own), so only the body's are
/// set again ([`Rendered::headers`] are not meant for it: `retryable` and `retry_after` are
/// left as the first render set them).
pub(crate) fn render_again(status: StatusCode, bytes: &[u8], cause: Option<&Cause>) -> Rendered {
    let body = crate::format::read_rendered(bytes).unwrap_or_else(|| {
        crate::client::ErrorResponse::from_parts(status, &http::HeaderMap::new(), bytes).into_body()
    });
    // Logged once, with this request's id (the layer or middleware logged it already when
    // it took the response).
    #[cfg(feature = "tracing")]
    if let Some(cause) = cause {
        cause.log_sent();
    }
    #[cfg(not(feature = "tracing"))]
    let _ = cause;
    let (id, format) = context::current();
    let fields = Fields::from_body(status, &body, id.as_ref().map(|id| id.as_str()));
    let mut out = Vec::with_capacity(bytes.len() + 32);
    write_fields(&format, &fields, &mut out);
    Rendered {
        status,
        content_type: format.content_type(),
        extra: &[],
        retryable: false,
        retry_after: None,
        body: out,
        request_id: id,
        cause: None,
        replacing: false,
    }
}

/// The header helpers of one `http` crate's `HeaderMap` (axum is on `http` 1, actix-web 4 on
/// `http` 0.2, with the same API): expands to `set_error_headers`, `set_request_id`,
/// `is_json` and `is_encoded` in the calling module, so both integrations send the same
/// headers in the same order.
macro_rules! header_glue {
    ($($header:ident)::+) => {
        fn header_value(v: $crate::web::response::HeaderVal) -> $($header)::+::HeaderValue {
            match v {
                $crate::web::response::HeaderVal::Static(s) => $($header)::+::HeaderValue::from_static(s),
                $crate::web::response::HeaderVal::Int(n) => $($header)::+::HeaderValue::from(n),
            }
        }

        /// Drops the headers about the old body's bytes (length, encoding, range,
        /// validators, digests), and with `meaning` its name, language and location too,
        /// then sets `content-type`.
        fn replace_body_headers(
            headers: &mut $($header)::+::HeaderMap,
            rendered: &$crate::web::response::Rendered,
            meaning: bool,
        ) {
            let meaning: &[&str] = if meaning {
                &$crate::web::response::MEANING_HEADERS
            } else {
                &[]
            };
            for name in $crate::web::response::BODY_HEADERS
                .iter()
                .chain(&$crate::web::response::DIGEST_HEADERS)
                .chain(meaning)
            {
                headers.remove(*name);
            }
            headers.insert(
                $($header)::+::CONTENT_TYPE,
                $($header)::+::HeaderValue::from_static(rendered.content_type),
            );
        }

        /// The headers of a body this crate rendered and renders again: its bytes' go, its
        /// meaning (language, location, the error's own headers) stays; then `Vary`.
        fn set_body_headers(
            headers: &mut $($header)::+::HeaderMap,
            rendered: &$crate::web::response::Rendered,
        ) {
            replace_body_headers(headers, rendered, false);
            vary_on_accept(headers, rendered);
        }

        /// The headers of a body this crate rendered, sent from its mark's copy in place of
        /// whatever body is on its head (a 5xx whose body a layer or middleware inside
        /// compressed, wrapped or replaced): every header of the old body goes, its name,
        /// language and location too (a hook's `content-disposition` described the hook's
        /// text); the error's own come back.
        fn set_kept_headers(
            headers: &mut $($header)::+::HeaderMap,
            rendered: &$crate::web::response::Rendered,
        ) {
            replace_body_headers(headers, rendered, true);
            set_extra_headers(headers, rendered, |name| {
                $crate::web::response::MEANING_HEADERS
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(name))
            });
            vary_on_accept(headers, rendered);
        }

        /// The error's own headers that `wanted` names. They come from `ApiError::headers`,
        /// which a hand-written impl may get wrong: a name or value that is not valid HTTP
        /// is skipped, never a panic.
        fn set_extra_headers(
            headers: &mut $($header)::+::HeaderMap,
            rendered: &$crate::web::response::Rendered,
            wanted: fn(&str) -> bool,
        ) {
            for (name, value, again) in rendered.extra_headers() {
                if !wanted(name) {
                    continue;
                }
                let name = $($header)::+::HeaderName::from_bytes(name.as_bytes());
                let value = $($header)::+::HeaderValue::from_str(value);
                if let (Ok(name), Ok(value)) = (name, value) {
                    if again {
                        headers.append(name, value);
                    } else {
                        headers.insert(name, value);
                    }
                }
            }
        }

        /// The retry headers of a body rendered again for another status: where the
        /// headers still say what was rendered with it for the old status (`here`), the
        /// advice is the new status's (`retryable`) and the delay goes; advice a layer
        /// inside set itself stays.
        fn restate_retry_headers(
            headers: &mut $($header)::+::HeaderMap,
            here: &$crate::web::response::RenderedHere,
            retryable: bool,
        ) {
            use $crate::web::response::{RETRY_AFTER, RETRY_AFTER_MS, X_SHOULD_RETRY};
            let (advice, secs, ms) = here.retry_sent();
            // The advice goes where every line of it is the one rendered (or none is left).
            let rendered_advice = headers
                .get_all(X_SHOULD_RETRY)
                .into_iter()
                .all(|v| v.as_bytes() == advice.as_bytes());
            if rendered_advice {
                let retry = if retryable { "true" } else { "false" };
                headers.insert(
                    $($header)::+::HeaderName::from_static(X_SHOULD_RETRY),
                    $($header)::+::HeaderValue::from_static(retry),
                );
            }
            // Of each delay header, the line rendered goes; lines a layer added stay.
            for (name, value) in [(RETRY_AFTER, secs), (RETRY_AFTER_MS, ms)] {
                let Some(value) = value else { continue };
                let value = value.to_string();
                let lines: Vec<_> = headers.get_all(name).into_iter().cloned().collect();
                if lines.iter().any(|v| v.as_bytes() == value.as_bytes()) {
                    let name = $($header)::+::HeaderName::from_static(name);
                    headers.remove(&name);
                    for line in lines.into_iter().filter(|v| v.as_bytes() != value.as_bytes()) {
                        headers.append(name.clone(), line);
                    }
                }
            }
        }

        /// In a request, the format followed its `Accept` (problem details when it prefers
        /// them): caches must keep the answers apart (RFC 9110 §12.5.5). Added to what is
        /// there (a `Vary` of the error's own, `accept-encoding` from compression).
        fn vary_on_accept(
            headers: &mut $($header)::+::HeaderMap,
            rendered: &$crate::web::response::Rendered,
        ) {
            let varies = headers.get_all($($header)::+::VARY).into_iter().any(|v| {
                $crate::web::response::vary_lists_accept(v.as_bytes())
            });
            if rendered.request_id.is_some() && !varies {
                headers.append(
                    $($header)::+::VARY,
                    $($header)::+::HeaderValue::from_static("accept"),
                );
            }
        }

        /// Drops every header that described an old body (its bytes, and its name, language
        /// and location), then sets `content-type`, the rendered headers and the error's own,
        /// and `Vary`.
        fn set_error_headers(
            headers: &mut $($header)::+::HeaderMap,
            rendered: &$crate::web::response::Rendered,
        ) {
            replace_body_headers(headers, rendered, true);
            for (name, value) in rendered.headers() {
                let name = $($header)::+::HeaderName::from_static(name);
                if rendered.replacing
                    && name == $crate::web::response::X_SHOULD_RETRY
                    && headers
                        .get(&name)
                        .is_some_and(|v| $crate::web::response::is_retry_advice(v.as_bytes()))
                {
                    continue;
                }
                headers.insert(name, header_value(value));
            }
            set_extra_headers(headers, rendered, |_| true);
            vary_on_accept(headers, rendered);
        }

        /// Whether the response already says it is JSON.
        fn is_json(headers: &$($header)::+::HeaderMap) -> bool {
            headers
                .get($($header)::+::CONTENT_TYPE)
                .is_some_and(|v| $crate::web::response::is_json_content_type(v.as_bytes()))
        }

        /// Whether the body is content-encoded (compressed): its bytes are not text. Every
        /// coding of every `content-encoding` line counts (`identity, gzip`, or `identity`
        /// then `gzip` on two lines, is gzip).
        fn is_encoded(headers: &$($header)::+::HeaderMap) -> bool {
            headers
                .get_all($($header)::+::CONTENT_ENCODING)
                .into_iter()
                .any(|v| $crate::web::response::names_a_coding(v.as_bytes()))
        }
    };
}
pub(crate) use header_glue;

/// Whether a `content-encoding` value names a coding other than `identity` (a list: RFC 9110
/// §8.4).
pub(crate) fn names_a_coding(value: &[u8]) -> bool {
    value.split(|&b| b == b',').any(|coding| {
        let coding = coding.trim_ascii();
        !coding.is_empty() && !coding.eq_ignore_ascii_case(b"identity")
    })
}

/// Whether a `Vary` value already covers `Accept` (`accept` among its names, or `*`).
pub(crate) fn vary_lists_accept(value: &[u8]) -> bool {
    value.split(|&b| b == b',').any(|name| {
        let name = name.trim_ascii();
        name == b"*" || name.eq_ignore_ascii_case(b"accept")
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A body rendered in another request's context, in another format, is rendered again
    /// as it said: a blank message stays blank (the client's parser would have made it the
    /// problem's title, `Client Error`).
    #[test]
    fn rendered_again_as_it_was_rendered() {
        let problem = br#"{"type":"about:blank","title":"Client Error","status":499,"detail":"  ","code":"blank","param":null,"request_id":"req_leader","error_type":"invalid_request_error"}"#;
        let status = StatusCode::from_u16(499).unwrap_or_default();
        // Outside any request: flat, without an id.
        let again = render_again(status, problem, None);
        assert_eq!(
            String::from_utf8_lossy(&again.body),
            r#"{"message":"  ","type":"invalid_request_error","code":"blank","param":null,"request_id":null}"#
        );
    }

    /// `Retry-After` and `retry-after-ms` round up and agree, even for a delay past what
    /// the milliseconds can say.
    #[test]
    fn retry_headers_agree() {
        let headers = |d: Duration| -> Vec<(&str, String)> {
            let rendered = Rendered {
                status: StatusCode::TOO_MANY_REQUESTS,
                content_type: "application/json",
                extra: &[],
                retryable: false,
                retry_after: Some(d),
                body: Vec::new(),
                request_id: None,
                cause: None,
                replacing: false,
            };
            rendered
                .headers()
                .map(|(name, value)| {
                    let value = match value {
                        HeaderVal::Int(n) => n.to_string(),
                        HeaderVal::Static(s) => s.to_owned(),
                    };
                    (name, value)
                })
                .collect()
        };
        let pair = |secs: &str, ms: &str| {
            vec![
                (X_SHOULD_RETRY, "false".to_owned()),
                (RETRY_AFTER, secs.to_owned()),
                (RETRY_AFTER_MS, ms.to_owned()),
            ]
        };
        assert_eq!(headers(Duration::from_millis(1500)), pair("2", "1500"));
        assert_eq!(headers(Duration::from_nanos(1)), pair("1", "1"));
        assert_eq!(headers(Duration::ZERO), pair("0", "0"));
        assert_eq!(
            headers(Duration::from_secs(u64::MAX)),
            pair("18446744073709552", &u64::MAX.to_string())
        );
    }

    /// What a body under a JSON label says: the app's own object or array, or text (a bare
    /// string's value, nothing for another scalar, the first bytes of anything else).
    #[test]
    fn labelled_json() {
        assert!(is_app_json(b" {\"custom\":1}") && is_app_json(b"[1,2]"));
        for not_own in [
            &b"\"text\""[..],
            b"null",
            b"42",
            b"true",
            b"plain",
            b"{broken",
            b"",
        ] {
            assert!(!is_app_json(not_own), "{not_own:?}");
        }
        assert_eq!(
            labelled_json_text(br#""a \"quoted\" \u00e9""#),
            "a \"quoted\" \u{e9}"
        );
        assert_eq!(labelled_json_text(b"null"), "");
        assert_eq!(labelled_json_text(b" 42 "), "");
        assert_eq!(labelled_json_text(b"plain text"), "plain text");
        let long = "x".repeat(3 * rejection::MAX_REJECTION_BODY);
        assert_eq!(
            labelled_json_text(long.as_bytes()).len(),
            rejection::MAX_REJECTION_BODY
        );
    }

    #[test]
    fn rounding() {
        assert_eq!(ceil_secs(Duration::from_millis(1500)), 2);
        assert_eq!(ceil_secs(Duration::from_secs(3)), 3);
        assert_eq!(ceil_millis(Duration::from_micros(1001)), 2);
    }

    #[test]
    fn vary_names() {
        assert!(vary_lists_accept(b"accept"));
        assert!(vary_lists_accept(b"Accept-Encoding, Accept"));
        assert!(vary_lists_accept(b"*"));
        assert!(!vary_lists_accept(b"accept-encoding"));
        assert!(!vary_lists_accept(b"origin, accept-language"));
    }

    #[test]
    fn content_types() {
        assert!(is_json_content_type(b"application/json"));
        assert!(is_json_content_type(b"Application/JSON; charset=utf-8"));
        assert!(is_json_content_type(b"application/problem+json"));
        assert!(!is_json_content_type(b"text/plain; charset=utf-8"));
        assert!(!is_json_content_type(b""));
    }
}
