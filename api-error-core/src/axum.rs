//! axum 0.8 integration (feature `axum`).
//!
//! - Every `#[derive(ApiError)]` type implements [`IntoResponse`]: handlers return
//!   `Result<T, MyError>` and errors become the standard body with `content-type:
//!   application/json`, `x-should-retry` and, for errors with a retry delay, `Retry-After`
//!   and `retry-after-ms`. Hand-written [`ApiError`] types opt in with
//!   [`impl_integrations!`](crate::impl_integrations).
//! - [`ApiErrorLayer`] gives every request an id ([`RequestId`], also an extractor), sends it
//!   in the `x-request-id` header and the error body, and turns axum's own rejections,
//!   unmatched routes (404), wrong methods (405) and handler panics (500) into the standard
//!   body.
//!
//! ```
//! use api_error_core::axum::{ApiErrorLayer, RequestId};
//! use api_error_core::ApiError;
//! use axum::{routing::get, Router};
//! # use std::borrow::Cow;
//! # #[derive(Debug)] struct NotFound;
//! # impl std::fmt::Display for NotFound { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("No such customer") } }
//! # impl std::error::Error for NotFound {}
//! # impl ApiError for NotFound {
//! #     fn status(&self) -> http::StatusCode { http::StatusCode::NOT_FOUND }
//! #     fn error_type(&self) -> &'static str { "not_found_error" }
//! #     fn code(&self) -> &'static str { "resource_missing" }
//! #     fn message(&self) -> Cow<'_, str> { self.to_string().into() }
//! #     fn param(&self) -> Option<Cow<'_, str>> { Some("customer".into()) }
//! # }
//! # api_error_core::impl_integrations!(NotFound);
//!
//! async fn customer(id: RequestId) -> Result<String, NotFound> {
//!     println!("looking up a customer for request {id}");
//!     Err(NotFound)
//! }
//!
//! let app: Router = Router::new()
//!     .route("/v1/customers/{id}", get(customer))
//!     .layer(ApiErrorLayer::new());
//! ```

use std::collections::VecDeque;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{
    FromRequestParts, MatchedPath, NestedPath, OptionalFromRequestParts, OriginalUri,
};
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::uri::PathAndQuery;
use http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use pin_project_lite::pin_project;

pub use crate::request_id::{RequestId, RequestIdMissing};
#[cfg(feature = "garde")]
pub use crate::valid::Garde;
#[cfg(feature = "validator")]
pub use crate::valid::Valid;
#[cfg(any(feature = "validator", feature = "garde"))]
pub use crate::valid::{axum::ValidationRejection, Extracted};
use crate::web::accept;
use crate::web::context::{self, RequestContext};
use crate::web::guard::{self, Guarded, Panic, Unwinding};
use crate::web::params;
use crate::web::rejection::{self, Rejection, Unread};
use crate::web::response::{self, Marked, Rendered, RenderedHere};
use crate::{ApiError, ErrorFormat, WireFormat};

/// Implements `IntoResponse` for a type; emitted by `__integrations!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_axum {
    ([$($g:tt)*] [$($ty:tt)*] [$($w:tt)*]) => {
        #[automatically_derived]
        impl $($g)* $crate::__private::axum::IntoResponse for $($ty)* $($w)* {
            #[inline]
            fn into_response(self) -> $crate::__private::axum::Response {
                $crate::__private::axum::into_response(&self)
            }
        }
    };
}

/// The response of an [`ApiError`]: rendered in one pass with the current request's id
/// (set by [`ApiErrorLayer`] while the request runs; none outside a request).
pub(crate) fn error_response(err: &dyn ApiError) -> Response {
    build(response::render(err), None)
}

response::header_glue!(http::header);

/// A response from rendered parts, on `base` (the replaced response's head) if given;
/// marked as this crate's, so a layer outside passes it on untouched.
fn build(mut rendered: Rendered, base: Option<http::response::Parts>) -> Response {
    // Retry advice on a response this crate rendered (for another status, or under another
    // body) was its own, not the app's: the table speaks again.
    if base
        .as_ref()
        .is_some_and(|p| p.extensions.get::<RenderedHere>().is_some())
    {
        rendered.replacing = false;
    }
    let here = RenderedHere::of(&rendered);
    let body = Body::from(std::mem::take(&mut rendered.body));
    let mut res = match base {
        Some(parts) => Response::from_parts(parts, body),
        None => Response::new(body),
    };
    *res.status_mut() = rendered.status;
    set_error_headers(res.headers_mut(), &rendered);
    res.extensions_mut().insert(here);
    res
}

/// A tower [`Layer`](tower_layer::Layer) that makes every response of an axum app follow the
/// standard error format, with request ids.
///
/// For each request it:
/// - takes the request id from the `x-request-id` header (its first line; others are
///   dropped) when safe (1..=128 characters of `[A-Za-z0-9._-]`), else generates one (`req_...`) and puts it in the request's header,
///   so layers and handlers inside see the one id; handlers read it with the [`RequestId`]
///   extractor, and with the `tracing` feature the request runs in a `request` span with a
///   `request_id` field;
/// - makes the id available to rendering while the request runs, so an error a handler
///   returns is rendered once, with the id in its body's `request_id`; the id is also set
///   on every response's `x-request-id` header;
/// - replaces every other error response that is not JSON (a JSON object or array; text
///   labelled JSON, or a bare JSON string, is text) (axum's rejections for bad JSON,
///   query strings, paths and content types, unmatched routes, wrong methods, handlers that
///   return a bare status, tower-http's timeouts and body limits) and every 5xx it did not
///   render itself (or rendered for another status) by the standard body, with the
///   framework's text as the message for 4xx and a generic message for 5xx (their text is
///   only logged, with `tracing`; a text is read only when its length is known and it is
///   all there, without waiting, its first 8 KiB); the headers that described the old body (`content-encoding`, `content-length`,
///   `etag`, `content-digest`, `content-language`, ...) go with it, and a compressed text is
///   never read as a message; every error response it renders says `Vary: accept`;
/// - catches handler panics and answers 500 with a generic message (the panic message is
///   only logged, with the `tracing` feature).
///
/// Success responses, and error bodies it rendered itself (even compressed by an inner
/// layer), are passed through untouched (bodies are never buffered), apart from the
/// request-id header; a derived 5xx whose body a layer inside compressed, wrapped or
/// replaced is sent again as it was rendered, so no other text goes out with its status. The service's future is a named type: no allocation for it per
/// request.
///
/// ```
/// use api_error_core::axum::ApiErrorLayer;
/// use axum::{http::HeaderName, routing::get, Router};
///
/// let app: Router = Router::new()
///     .route("/", get(|| async { "hello" }))
///     // Stripe-style header name; the default is `x-request-id`.
///     .layer(ApiErrorLayer::new().request_id_header(HeaderName::from_static("request-id")));
/// ```
#[derive(Clone, Debug)]
pub struct ApiErrorLayer {
    config: Arc<Config>,
}

/// What the layer was configured with, shared by every request.
#[derive(Clone, Debug)]
struct Config {
    header: IdHeader,
    format: ErrorFormat,
}

/// The request-id header's name. The default is a constant rather than a stored
/// `HeaderName`: copying it into each request's future (and the service, which axum clones
/// for every request) is then a tag, not a call through `Bytes`' vtable.
#[derive(Clone)]
enum IdHeader {
    XRequestId,
    Named(HeaderName),
}

impl std::fmt::Debug for IdHeader {
    /// The name, whichever way it is kept: `"x-request-id"`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.name(), f)
    }
}

/// `x-request-id`, the default request-id header.
const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// The same, to lend: a `const` of a type with a destructor is made anew at each use.
static X_REQUEST_ID_REF: HeaderName = X_REQUEST_ID;

impl IdHeader {
    fn new(name: HeaderName) -> IdHeader {
        if name == X_REQUEST_ID {
            IdHeader::XRequestId
        } else {
            IdHeader::Named(name)
        }
    }

    #[inline]
    fn name(&self) -> &HeaderName {
        match self {
            IdHeader::XRequestId => &X_REQUEST_ID_REF,
            IdHeader::Named(name) => name,
        }
    }

    #[inline]
    fn into_name(self) -> HeaderName {
        match self {
            IdHeader::XRequestId => X_REQUEST_ID,
            IdHeader::Named(name) => name,
        }
    }
}

impl ApiErrorLayer {
    /// The layer with the `x-request-id` header.
    ///
    /// ```
    /// use api_error_core::axum::ApiErrorLayer;
    /// use axum::{routing::get, Router};
    ///
    /// let app: Router = Router::new()
    ///     .route("/", get(|| async { "ok" }))
    ///     .layer(ApiErrorLayer::new());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        ApiErrorLayer {
            config: Arc::new(Config {
                header: IdHeader::XRequestId,
                format: ErrorFormat::FLAT,
            }),
        }
    }

    /// Renders every error in `format` instead of the flat body: derived errors, the
    /// framework's rejections, 404/405 and panics alike (see [`WireFormat`]). A request whose
    /// `Accept` header prefers `application/problem+json` over `application/json` gets
    /// [`WireFormat::Problem`] whatever is configured here.
    ///
    /// ```
    /// use api_error_core::{axum::ApiErrorLayer, WireFormat};
    ///
    /// let layer = ApiErrorLayer::new().wire_format(WireFormat::Enveloped);
    /// ```
    #[must_use]
    pub fn wire_format(mut self, format: WireFormat) -> Self {
        let config = Arc::make_mut(&mut self.config);
        config.format = config.format.with_wire(format);
        self
    }

    /// Problem `type`s become `base` joined with the error's code
    /// (`https://docs.example.com/errors/resource_missing`) instead of `about:blank`; see
    /// [`ErrorFormat::problem_type_base`].
    ///
    /// ```
    /// use api_error_core::{axum::ApiErrorLayer, WireFormat};
    ///
    /// let layer = ApiErrorLayer::new()
    ///     .wire_format(WireFormat::Problem)
    ///     .problem_type_base("https://docs.example.com/errors/");
    /// ```
    #[must_use]
    pub fn problem_type_base(mut self, base: impl AsRef<str>) -> Self {
        let config = Arc::make_mut(&mut self.config);
        config.format = config.format.clone().problem_type_base(base);
        self
    }

    /// Renders every error in `format`, its wire format and its problem type base in one
    /// value: the one an OpenAPI document is written for with `document_format` (utoipa's or
    /// aide's), so the server and its documentation cannot drift apart.
    ///
    /// ```
    /// use api_error_core::{ErrorFormat, WireFormat};
    /// use api_error_core::axum::ApiErrorLayer;
    ///
    /// let format = ErrorFormat::new(WireFormat::Problem)
    ///     .problem_type_base("https://docs.example.com/errors/");
    /// let layer = ApiErrorLayer::new().error_format(format.clone());
    /// assert_eq!(format.content_type(), "application/problem+json");
    /// assert!(format!("{layer:?}").contains("Problem"));
    /// // and: api_error_core::utoipa::document_format(&mut openapi, &format);
    /// ```
    #[must_use]
    pub fn error_format(mut self, format: ErrorFormat) -> Self {
        Arc::make_mut(&mut self.config).format = format;
        self
    }

    /// Reads and writes the request id in `name` instead of `x-request-id`.
    ///
    /// ```
    /// use api_error_core::axum::ApiErrorLayer;
    /// use axum::http::HeaderName;
    ///
    /// // Stripe's name for it.
    /// let layer = ApiErrorLayer::new().request_id_header(HeaderName::from_static("request-id"));
    /// ```
    #[must_use]
    pub fn request_id_header(mut self, name: HeaderName) -> Self {
        Arc::make_mut(&mut self.config).header = IdHeader::new(name);
        self
    }
}

impl Default for ApiErrorLayer {
    fn default() -> Self {
        Self::new()
    }
}

impl<S> tower_layer::Layer<S> for ApiErrorLayer {
    type Service = ApiErrorService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ApiErrorService {
            inner,
            // A plain copy, not the `Arc`: the service is cloned for every request (axum
            // clones each route's service), and cloning this costs no atomic operation.
            config: Config::clone(&self.config),
        }
    }
}

/// The service made by [`ApiErrorLayer`], around the service `S`: what to name when the
/// layer wraps a whole router (as `axum::serve` can run it) rather than going on one with
/// `Router::layer`.
///
/// ```
/// use api_error_core::axum::{ApiErrorLayer, ApiErrorService};
/// use axum::{routing::get, Router};
/// use tower_layer::Layer;
///
/// let router: Router = Router::new().route("/", get(|| async { "ok" }));
/// let app: ApiErrorService<Router> = ApiErrorLayer::new().layer(router);
/// // axum::serve(listener, tower::make::Shared::new(app)) serves it.
/// ```
#[derive(Clone, Debug)]
pub struct ApiErrorService<S> {
    inner: S,
    config: Config,
}

/// What the layer keeps of a request to describe a rejection of it (only read when it
/// replaces an error response).
#[derive(Clone, Default)]
struct Described {
    method: Method,
    /// The request's path and query as the client sent it (before a `nest` or
    /// `nest_service` took its prefix off), if it has a path (`Uri::path`).
    path: Option<PathAndQuery>,
    /// The route's pattern (`/v1/items/{n}`), when a route with parameters matched.
    matched: Option<MatchedPath>,
    /// Whether no route matched, as a `Router` found that routed the request before the
    /// layer saw it (the layer was put on the router with `Router::layer`), and not to a
    /// service mounted with `nest_service` (which may be a whole router, layer and all):
    /// only then does "no route matched" mean anything.
    routed: bool,
}

impl Described {
    fn path(&self) -> &str {
        self.path.as_ref().map_or("", PathAndQuery::path)
    }

    /// The method as a 404/405 message names it: `GET` for `HEAD`, which axum routes to
    /// `GET` handlers, so its response announces the `content-length` a `GET` gets (RFC 9110
    /// §8.6) though its body is never sent.
    fn method(&self) -> &str {
        match self.method {
            Method::HEAD => "GET",
            ref other => other.as_str(),
        }
    }
}

impl<S, B, ResBody> tower_service::Service<Request<B>> for ApiErrorService<S>
where
    S: tower_service::Service<Request<B>, Response = http::Response<ResBody>>,
    ResBody: HttpBody<Data = Bytes> + Send + 'static,
    ResBody::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        let header = self.config.header.name();
        let (incoming, several, accept) = id_and_accept(req.headers(), &self.config.header);
        let format = match accept {
            Accept::One(line) => {
                accept::negotiate(&self.config.format, line.map(HeaderValue::as_bytes))
            }
            Accept::Lines => negotiate_lines(&self.config.format, req.headers()),
        };
        // An outer `ApiErrorLayer` put its id in the header, so nested layers agree. (Made
        // an id below, after the request's description: see `RequestId::valid_header`.)
        let incoming = incoming.and_then(RequestId::valid_header);
        // The path as the client sent it: a `nest`, a rewrite around the router (which keeps
        // the client's URI in the `OriginalUri` it puts in first) or a middleware between the
        // router and the layer may have changed the request's.
        let original = req.extensions().get::<OriginalUri>();
        let uri = original.map_or(req.uri(), |o| &o.0);
        let matched = req.extensions().get::<MatchedPath>();
        let described = Described {
            method: req.method().clone(),
            path: uri.path_and_query().cloned(),
            // Only read without a matched route (where it decides the 404's wording).
            routed: matched.is_none() && original.is_some() && !is_nested(&req),
            // Kept only when it has parameters, the only case where a rejection's parameter
            // is named from it: a clone is an `Arc`'s two atomic operations per request.
            matched: matched
                .filter(|m| m.as_str().bytes().any(|b| b == b'{'))
                .cloned(),
        };
        let id = match incoming {
            Some(value) if !several => RequestId::from_valid_header(value),
            // One id per request: the others go, so layers and handlers inside see this one.
            Some(value) => keep_one_id(req.headers_mut(), header, value),
            None => generate_id(req.headers_mut(), header),
        };
        let inner = &mut self.inner;
        ResponseFuture {
            inner: Guarded::call(RequestContext::new(id, format), || inner.call(req)),
            header: Some(self.config.header.clone()),
            described,
            reading: None,
        }
    }
}

/// Whether the request went to a service mounted with `nest_service` (only asked when no
/// route matched: out of the hot path).
#[cold]
#[inline(never)]
fn is_nested<B>(req: &Request<B>) -> bool {
    req.extensions().get::<NestedPath>().is_some()
}

/// The error format for an `Accept` field sent on several lines (rare: out of the hot path).
#[cold]
#[inline(never)]
fn negotiate_lines(configured: &ErrorFormat, headers: &http::HeaderMap) -> ErrorFormat {
    let lines = headers.get_all(http::header::ACCEPT).iter();
    accept::negotiate_lines(configured, lines.map(HeaderValue::as_bytes))
}

/// Leaves only `id` in the request-id header, which had several lines.
#[cold]
#[inline(never)]
fn keep_one_id(
    headers: &mut http::HeaderMap,
    header: &HeaderName,
    value: HeaderValue,
) -> RequestId {
    headers.insert(header.clone(), value.clone());
    RequestId::from_valid_header(value)
}

/// The request's `Accept` field, as [`id_and_accept`] found it.
enum Accept<'a> {
    /// None, or one line.
    One(Option<&'a HeaderValue>),
    /// Several lines: one list, negotiated from all of them.
    Lines,
}

/// The first value of the request-id header, whether it has several, and the `Accept`
/// field, in one pass over the headers: for the dozen or so a request carries, cheaper than
/// two hashed lookups.
#[inline(always)]
fn id_and_accept<'a>(
    headers: &'a http::HeaderMap,
    id: &IdHeader,
) -> (Option<&'a HeaderValue>, bool, Accept<'a>) {
    match id {
        // The default name's bytes are known here: compared inline (a scan with a name only
        // known at run time calls `bcmp` for every custom header).
        IdHeader::XRequestId => {
            scan_id_and_accept(headers, &X_REQUEST_ID_REF, |n| *n == X_REQUEST_ID)
        }
        IdHeader::Named(name) => scan_named_id_and_accept(headers, name),
    }
}

/// [`id_and_accept`] for a request-id header with another name: out of line, so the default
/// name's scan is one run of code.
#[inline(never)]
fn scan_named_id_and_accept<'a>(
    headers: &'a http::HeaderMap,
    id: &HeaderName,
) -> (Option<&'a HeaderValue>, bool, Accept<'a>) {
    scan_id_and_accept(headers, id, |n| n == id)
}

#[inline(always)]
fn scan_id_and_accept<'a>(
    headers: &'a http::HeaderMap,
    id: &HeaderName,
    is_id: impl Fn(&HeaderName) -> bool,
) -> (Option<&'a HeaderValue>, bool, Accept<'a>) {
    // Past this many values, hashed lookups win (and a scan is bounded either way).
    const SCAN: usize = 24;
    if headers.len() > SCAN {
        return look_up_id_and_accept(headers, id);
    }
    let (mut found_id, mut several, mut accept) = (None, false, Accept::One(None));
    for (name, value) in headers {
        if name == http::header::ACCEPT {
            accept = match accept {
                Accept::One(None) => Accept::One(Some(value)),
                _ => Accept::Lines,
            };
        } else if is_id(name) {
            several = found_id.is_some();
            found_id = found_id.or(Some(value));
        }
    }
    (found_id, several, accept)
}

/// [`scan_id_and_accept`] for a request with many headers, by hashed lookups (rare: out of
/// the hot path, whose code stays contiguous).
#[cold]
#[inline(never)]
fn look_up_id_and_accept<'a>(
    headers: &'a http::HeaderMap,
    id: &HeaderName,
) -> (Option<&'a HeaderValue>, bool, Accept<'a>) {
    let mut lines = headers.get_all(http::header::ACCEPT).iter();
    let accept = match (lines.next(), lines.next()) {
        (first, None) => Accept::One(first),
        _ => Accept::Lines,
    };
    let mut ids = headers.get_all(id).iter();
    (ids.next(), ids.next().is_some(), accept)
}

pin_project! {
    /// The future of [`ApiErrorService`]: the inner service's future `F`, run in the
    /// request's context with panics caught. A named type, so nothing is allocated for it.
    ///
    /// ```
    /// use api_error_core::axum::{ApiErrorLayer, ResponseFuture};
    /// use axum::{body::Body, http::Request, routing::get, Router};
    /// use tower_layer::Layer;
    /// use tower_service::Service;
    ///
    /// use std::future::Future;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let mut app = ApiErrorLayer::new().layer(Router::new().route("/", get(|| async { "ok" })));
    /// let future: ResponseFuture<_> = app.call(Request::new(Body::empty()));
    /// // This router answers on the first poll (an executor would `.await` it).
    /// let mut future = std::pin::pin!(future);
    /// let Poll::Ready(Ok(response)) = future.as_mut().poll(&mut Context::from_waker(Waker::noop()))
    /// else {
    ///     unreachable!()
    /// };
    /// assert!(response.headers().contains_key("x-request-id"));
    /// ```
    pub struct ResponseFuture<F> {
        // The inner future, run in the request's context (which holds its id).
        #[pin]
        inner: Guarded<F>,
        // The request-id header sent back (taken when the response is).
        header: Option<IdHeader>,
        described: Described,
        // Only while the text of a framework's error response is read (bounded).
        reading: Option<Pin<Box<dyn Future<Output = Response> + Send>>>,
    }
}

impl<F> std::fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<F, E, ResBody> Future for ResponseFuture<F>
where
    F: Future<Output = Result<http::Response<ResBody>, E>>,
    ResBody: HttpBody<Data = Bytes> + Send + 'static,
    ResBody::Error: Into<axum::BoxError>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let Some(reading) = this.reading.as_mut() {
            return reading.as_mut().poll(cx).map(Ok);
        }
        let mut out = None;
        let panic = ready!(this.inner.as_mut().poll_into(cx, &mut out));
        // The hot path, kept small (it runs on every request, and each copy of a response
        // costs as much as the rest): a success gets its request-id header where it lies
        // and is moved once. An inner tower-http layer's body (compression's, a body
        // limit's) becomes axum's: the layer also goes around a whole stack. (axum's own
        // body stays as it is.)
        if panic.is_none() {
            if let Some(Ok(res)) = &mut out {
                if !crate::status::is_error(res.status()) {
                    send_id(
                        res.headers_mut(),
                        this.header,
                        this.inner.as_mut().context(),
                    );
                    if let Some(Ok(res)) = out {
                        return Poll::Ready(Ok(res.map(Body::new)));
                    }
                }
            }
        }
        not_a_success(
            &mut out,
            panic,
            this.inner.as_mut().context(),
            this.header,
            this.described,
            this.reading,
            cx,
        )
    }
}

/// Sends the request's id back in its header, and drops the rest of its context (both
/// taken from the future, where they stay `None`).
#[inline(always)]
fn send_id(
    headers: &mut http::HeaderMap,
    header: &mut Option<IdHeader>,
    ctx: &mut Option<RequestContext>,
) {
    // Each taken where it lies, not as a pair: a pair is one more copy of both.
    if ctx.is_some() {
        if let Some(header) = header.take() {
            if let Some(ctx) = ctx.take() {
                headers.insert(header.into_name(), ctx.id.into_header_value());
            }
        }
    }
}

/// Sends the request's id back in its header (`None` only if the future was polled after
/// completion).
fn set_request_id(headers: &mut http::HeaderMap, header: Option<HeaderName>, id: RequestId) {
    if let Some(header) = header {
        headers.insert(header, id.into_header_value());
    }
}

/// Everything but a success with its context: the inner service's error, a panic, or an
/// error response.
#[cold]
#[inline(never)]
fn not_a_success<E, ResBody>(
    out: &mut Option<Result<http::Response<ResBody>, E>>,
    panic: Option<Panic>,
    ctx: &mut Option<RequestContext>,
    header: &mut Option<IdHeader>,
    described: &mut Described,
    reading: &mut Option<Pin<Box<dyn Future<Output = Response> + Send>>>,
    cx: &mut Context<'_>,
) -> Poll<Result<Response, E>>
where
    ResBody: HttpBody<Data = Bytes> + Send + 'static,
    ResBody::Error: Into<axum::BoxError>,
{
    // Taken here, out of the hot path's code: the context, the header's name and the
    // outcome (a response moved and its body made axum's).
    let ctx = ctx.take();
    let header = header.take().map(IdHeader::into_name);
    let outcome = match (out.take(), panic) {
        (_, Some(panic)) => Err(panic),
        (Some(called), None) => Ok(called.map(|res| res.map(Body::new))),
        (None, None) => Err(Box::new(guard::COMPLETED) as Panic),
    };
    let res = match outcome {
        Ok(Ok(res)) => res,
        Ok(Err(e)) => return Poll::Ready(Err(e)),
        Err(panic) => return Poll::Ready(Ok(panicked(panic, ctx, header))),
    };
    // A success without a context (the thread-local was gone) goes without an id.
    if !crate::status::is_error(res.status()) {
        return Poll::Ready(Ok(res));
    }
    // Judging and reading the response runs its body's code (`size_hint`, `poll_frame`),
    // which may panic: answered as a handler's panic is, with the request's id.
    let (ctx_kept, header_kept) = (ctx.clone(), header.clone());
    let finished = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        finish_error(res, header, described, ctx)
    }));
    match finished {
        Ok(Finish::Done(res)) => Poll::Ready(Ok(res)),
        Ok(Finish::Read(future)) => {
            let mut future: Pin<Box<dyn Future<Output = Response> + Send>> = Box::pin(async move {
                match Unwinding::new(future).await {
                    Ok(res) => res,
                    Err(panic) => panicked(panic, ctx_kept, header_kept),
                }
            });
            let polled = future.as_mut().poll(cx);
            *reading = Some(future);
            polled.map(Ok)
        }
        Err(panic) => Poll::Ready(Ok(panicked(panic, ctx_kept, header_kept))),
    }
}

/// The standard 500 for a panic (or for a poll after completion), in the request's context.
#[cold]
#[inline(never)]
fn panicked(payload: Panic, ctx: Option<RequestContext>, header: Option<HeaderName>) -> Response {
    let mut res = in_context(ctx.as_ref(), || panic_response(payload));
    if let Some(ctx) = ctx {
        set_request_id(res.headers_mut(), header, ctx.id);
    }
    res
}

fn panic_response(payload: Panic) -> Response {
    build(rejection::render_panic(payload), None)
}

enum Finish {
    Done(Response),
    Read(Pin<Box<dyn Future<Output = Response> + Send>>),
}

/// An error response: passed on if it is in the standard format, else replaced; either way
/// with the request-id header.
#[inline(never)]
fn finish_error(
    mut res: Response,
    header: Option<HeaderName>,
    described: &mut Described,
    ctx: Option<RequestContext>,
) -> Finish {
    if let Some(ctx) = &ctx {
        set_request_id(res.headers_mut(), header, ctx.id.clone());
        // An error rendered outside any request: logged now, with this request's id.
        if let Some(here) = res.extensions().get::<RenderedHere>() {
            if !here.in_request() {
                ctx.scope(|| here.log_sent());
            }
        }
    }
    let status = res.status();
    // A response to HEAD may have lost its body inside the layer already (axum empties it
    // for a router mounted as a service): nothing to read, and empty is not "no JSON".
    let head = described.method == Method::HEAD;
    let encoded = is_encoded(res.headers());
    let size = res.body().size_hint().exact();
    // A HEAD's body may be gone already (axum empties it in a router mounted inside, after
    // announcing the length it had); an empty body that announces 0 is really empty.
    let announced = announced_length(&res);
    // It announces none for a body whose length was not known (a stream, or a body a layer
    // inside wrapped, as tower-http's response-body timeout does): emptied too if it is
    // this crate's, whose bodies are never empty.
    let marked_here = res.extensions().get::<RenderedHere>().is_some();
    let emptied = head
        && size == Some(0)
        && match announced {
            Some(n) => n > 0,
            None => marked_here,
        };
    // The body's length: a HEAD's emptied one by the length announced for it, if any.
    let measured = if emptied { announced } else { size };
    // A HEAD's emptied body whose length a GET does not announce either: sent on with no
    // length (hyper would announce 0 for the empty body, which a GET's is not).
    let unknown = emptied && announced.is_none();
    let as_built = |res: Response| {
        if unknown {
            res.map(|body| Body::new(Unannounced(body)))
        } else {
            res
        }
    };
    // Ours if the mark still describes it: same status, same length (a body replaced on
    // the same head is not ours); a compressed body cannot be measured.
    let marked = Marked::judge(
        res.extensions().get::<RenderedHere>(),
        status.as_u16(),
        measured.filter(|_| !encoded),
    );
    // A 5xx of ours: always sent from the mark's copy, so no text a layer inside put there
    // goes out, whether its body cannot be told to be the one rendered (compressed or
    // wrapped inside) or can only be told by its length (another text of the same length);
    // rendered again with the request's id if it was rendered outside any request.
    if status.is_server_error() {
        if let Some((here, kept)) = marked.here().and_then(|h| Some((h, h.kept()?))) {
            // Another body was on its head, or one that cannot be measured: the headers
            // that described it go (its name, language and location too).
            let other = marked.is_replaced() || encoded || measured.is_none();
            let headers = if other {
                set_kept_headers
            } else {
                set_body_headers
            };
            let (parts, _) = res.into_parts();
            return Finish::Done(put_on(parts, here.resend(kept, ctx.as_ref()), headers));
        }
    }
    // A 4xx of ours whose status a layer inside changed (its body the one rendered):
    // rendered again for the status it goes out with (and that status's retry advice),
    // from the mark's copy if compressed, or if a HEAD's body was left out inside (then
    // with the length a GET gets).
    let restated = Marked::restated(res.extensions().get(), status, measured, encoded);
    if let Some(here) = restated {
        let (parts, body) = res.into_parts();
        if let Some(kept) = (encoded || emptied).then(|| here.kept()).flatten() {
            return Finish::Done(in_context(ctx.as_ref(), || {
                restate(parts, &kept.body, &here)
            }));
        }
        return read_back(parts, body, here, ctx, described, Again::Restated);
    }
    if let Marked::Ours(here) = marked {
        // Rendered outside any request (a spawned task), or in another request's context,
        // and sent in this one: rendered again with its id; from the mark's copy if an inner
        // layer compressed it, or left a HEAD's body out (then with the length a GET gets).
        if here.is_of(ctx.as_ref()) || ctx.is_none() {
            return Finish::Done(as_built(res));
        }
        if encoded || emptied {
            if let Some(kept) = here.kept() {
                let (parts, _) = res.into_parts();
                return Finish::Done(in_context(ctx.as_ref(), || {
                    render_again(parts, &here, &kept.body)
                }));
            }
            if encoded {
                return Finish::Done(res);
            }
        }
        if emptied {
            // A HEAD's, left out inside, without a copy to render again from (the mark keeps
            // one for every body rendered outside a request, so this is a fallback): the
            // length a GET gets is not known here, so none is announced rather than the old
            // body's (and the mark goes, so a layer outside does not render the empty body
            // again).
            let (mut parts, body) = res.into_parts();
            parts.headers.remove(http::header::CONTENT_LENGTH);
            parts.extensions.remove::<RenderedHere>();
            // As the GET's, rendered again in this request, says: its format followed the
            // request's `Accept`.
            let vary = parts.headers.get_all(http::header::VARY);
            if !vary
                .iter()
                .any(|v| response::vary_lists_accept(v.as_bytes()))
            {
                let accept = HeaderValue::from_static("accept");
                parts.headers.append(http::header::VARY, accept);
            }
            return Finish::Done(Response::from_parts(parts, Body::new(Unannounced(body))));
        }
        let (parts, body) = res.into_parts();
        return read_back(parts, body, here, ctx, described, Again::Sent);
    }
    // A JSON 4xx the app built itself is its own business, once it is seen to be a JSON
    // object or array, read whole when its length is known, it is plain and all there (else
    // it goes on as built, nothing lost). Text labelled JSON (a default `content-type` put
    // on every response), or a bare JSON string (`Json("amount must be positive")`), is
    // text: its message. Empty is no JSON at all; a 5xx never goes out
    // as built. A body set on this crate's JSON head is checked the same way (JSON: an inner
    // layer added a field).
    let json_4xx = status.is_client_error() && is_json(res.headers());
    let app_json = json_4xx && !marked.is_replaced();
    // (A HEAD's body is read as a GET's is, unless it is gone already: then the app's.)
    if app_json && (emptied || encoded || size.is_none()) {
        return Finish::Done(as_built(res));
    }
    let check_json = json_4xx;
    // Read whole to be checked (up to the bound of a body rendered here; past it, no text on
    // a JSON head is that long: the app's).
    if check_json && size.is_some_and(|n| n > response::MAX_RENDERED_BODY as u64) {
        return Finish::Done(res);
    }
    let limit = if check_json {
        response::MAX_RENDERED_BODY
    } else {
        rejection::MAX_REJECTION_BODY
    };
    let info = std::mem::take(described);
    // Read the framework's text (its first bytes) only when it is whole and plain: a length
    // known up front and no waiting for it (a body could stall, and the answer with it),
    // not compressed, not empty, and wanted (a 4xx's message; a 5xx's cause, which only the
    // log shows).
    let readable = !encoded
        && size.is_some_and(|n| n > 0)
        && (status.is_client_error() || cfg!(feature = "tracing"));
    // A HEAD's 4xx text emptied inside (by a router mounted with `nest_service`): the
    // message a GET gets, and so its length, is not known here.
    let text_lost = emptied && status.is_client_error() && !encoded && announces_content(&res);
    let (parts, body) = res.into_parts();
    if !readable {
        drop(body);
        let unread = if encoded {
            Some(Unread::Compressed)
        } else if size.is_none() {
            Some(Unread::Streamed)
        } else {
            None
        };
        let mut res = in_context(ctx.as_ref(), || replace(parts, "", unread, &info));
        if text_lost {
            // No length rather than a wrong one (RFC 9110 §8.6 lets a HEAD leave it out).
            res = res.map(|body| Body::new(Unannounced(body)));
        }
        return Finish::Done(res);
    }
    Finish::Read(Box::pin(async move {
        let bytes = if check_json {
            match ready_whole(body, limit).await {
                Ok(bytes) => bytes,
                // Not all there yet: the app's JSON goes on as it came, every byte of it.
                Err(body) if app_json => return Response::from_parts(parts, body),
                Err(_) => Vec::new(),
            }
        } else {
            body_prefix(body, limit).await
        };
        // The app's own: a JSON object or array; on this crate's head, an object (an inner
        // layer added a field to the error).
        let json = if app_json {
            response::is_app_json(&bytes)
        } else {
            response::is_json_object(&bytes)
        };
        if check_json && size == Some(bytes.len() as u64) && json {
            // Still JSON: the app's own 4xx, as sent; or, if the error was rendered outside
            // any request (its `request_id` null) or in another one's context, rendered
            // again from it in this one.
            match marked {
                Marked::Replaced(here) if !here.is_of(ctx.as_ref()) => {
                    return in_context(ctx.as_ref(), || render_again(parts, &here, &bytes));
                }
                _ => {
                    let mut parts = parts;
                    parts.extensions.remove::<RenderedHere>();
                    return Response::from_parts(parts, Body::from(bytes));
                }
            }
        }
        // Nothing read of a body that has some: not there without waiting.
        let unread = (bytes.is_empty() && size.is_some_and(|n| n > 0)).then_some(Unread::Streamed);
        // Under a JSON label, a bare JSON string is its value, not its quotes and escapes.
        let text = if check_json {
            response::labelled_json_text(&bytes)
        } else {
            String::from_utf8_lossy(&bytes)
        };
        in_context(ctx.as_ref(), || replace(parts, &text, unread, &info))
    }))
}

/// How [`read_back`] renders a body of this crate's again.
#[derive(Clone, Copy)]
enum Again {
    /// Rendered outside this request (or in another's): with this request's id.
    Sent,
    /// Rendered for another status: for the one it goes out with ([`restate`]).
    Restated,
}

/// Reads back a body on this crate's head to render it again in this request (see
/// [`response::read_back`]: never waiting on it). Bytes that are not the body rendered
/// (another body set on the head by a layer inside, or one that fails) are not ours,
/// unless a JSON object on an error rendered outside this request (a field added to it):
/// judged as any other response (the app's JSON goes on, text is the message, nothing is
/// the status's standard error).
fn read_back(
    parts: http::response::Parts,
    body: Body,
    here: RenderedHere,
    ctx: Option<RequestContext>,
    described: &Described,
    again: Again,
) -> Finish {
    let mut described = described.clone();
    let mut body = body;
    Finish::Read(Box::pin(async move {
        let bytes = response::read_back(&here, |cx| {
            Pin::new(&mut body)
                .poll_frame(cx)
                .map(|frame| frame.map(|frame| frame.map(|f| f.into_data().ok()).map_err(drop)))
        })
        .await;
        // A JSON object, labelled JSON, on the head of an error rendered outside this
        // request: an inner layer added a field to it (rendered again with this request's
        // id, as a replaced body of known length is).
        let enriched = matches!(again, Again::Sent)
            && is_json(&parts.headers)
            && response::is_json_object(&bytes);
        if here.is_body(&bytes) || enriched {
            return in_context(ctx.as_ref(), || match again {
                Again::Sent => render_again(parts, &here, &bytes),
                Again::Restated => restate(parts, &bytes, &here),
            });
        }
        let mut parts = parts;
        parts.extensions.remove::<RenderedHere>();
        let res = Response::from_parts(parts, Body::from(bytes));
        match finish_error(res, None, &mut described, ctx) {
            Finish::Done(res) => res,
            Finish::Read(reading) => reading.await,
        }
    }))
}

/// The length a response's `content-length` announces, if any.
fn announced_length(res: &Response) -> Option<u64> {
    res.headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
}

/// Whether a response says it has content: a `content-length` above zero.
fn announces_content(res: &Response) -> bool {
    announced_length(res).is_some_and(|n| n > 0)
}

/// A body whose length is not known up front, so none is announced for it.
struct Unannounced(Body);

impl HttpBody for Unannounced {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.0).poll_frame(cx)
    }
}

/// A body's bytes, if all of them are there without waiting, at most `limit` of them, and
/// it has nothing but data; else the body back as it was, with what was read of it in front:
/// nothing is lost (not its trailers, not a read error).
async fn ready_whole(body: Body, limit: usize) -> Result<Vec<u8>, Body> {
    let mut body = Some(body);
    let mut read: VecDeque<Result<http_body::Frame<Bytes>, axum::Error>> = VecDeque::new();
    let mut len = 0;
    std::future::poll_fn(|cx| {
        let Some(reading) = body.as_mut() else {
            return Poll::Ready(Ok(Vec::new()));
        };
        let mut ended = false;
        loop {
            match Pin::new(&mut *reading).poll_frame(cx) {
                Poll::Ready(None) => {
                    ended = true;
                    break;
                }
                Poll::Pending => break,
                Poll::Ready(Some(frame)) => {
                    let data = frame.as_ref().ok().and_then(http_body::Frame::data_ref);
                    len += data.map_or(0, Bytes::len);
                    let more = data.is_some() && len <= limit;
                    read.push_back(frame);
                    if !more {
                        break;
                    }
                }
            }
        }
        // All there, data only, within `limit`: the bytes. Else (a chunk not there yet, a
        // trailer, a read error, too long) the body as it came.
        let data_only = read
            .iter()
            .all(|f| f.as_ref().is_ok_and(http_body::Frame::is_data));
        if ended && data_only {
            let chunks = read.iter().flatten().filter_map(http_body::Frame::data_ref);
            return Poll::Ready(Ok(chunks.flat_map(|d| d.iter().copied()).collect()));
        }
        let rest = body.take().unwrap_or_default();
        let read = std::mem::take(&mut read);
        Poll::Ready(Err(Body::new(Prefixed { read, rest })))
    })
    .await
}

/// A body of which the frames `read` were read already, and `rest` is what follows.
struct Prefixed {
    read: VecDeque<Result<http_body::Frame<Bytes>, axum::Error>>,
    rest: Body,
}

impl HttpBody for Prefixed {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        match self.read.pop_front() {
            Some(frame) => Poll::Ready(Some(frame)),
            None => Pin::new(&mut self.rest).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.read.is_empty() && self.rest.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        let read: u64 = self
            .read
            .iter()
            .flatten()
            .filter_map(|f| f.data_ref())
            .map(|d| d.len() as u64)
            .sum();
        let rest = self.rest.size_hint();
        let mut hint = http_body::SizeHint::new();
        hint.set_lower(rest.lower().saturating_add(read));
        if let Some(upper) = rest.upper() {
            hint.set_upper(upper.saturating_add(read));
        }
        hint
    }
}

/// The first `limit` bytes of a body, if they are there without waiting (see
/// [`response::ready_prefix`]).
async fn body_prefix(mut body: Body, limit: usize) -> Vec<u8> {
    response::ready_prefix(limit, |cx| {
        Pin::new(&mut body).poll_frame(cx).map(|frame| match frame {
            Some(Ok(frame)) => Some(frame.into_data().ok()),
            _ => None,
        })
    })
    .await
}

/// A body this crate rendered (its mark `here`) outside any request, rendered again in
/// this one (see [`RenderedHere::render_again`]), on the same head.
fn render_again(parts: http::response::Parts, here: &RenderedHere, bytes: &[u8]) -> Response {
    let rendered = here.render_again(parts.status, bytes);
    put_on(parts, rendered, set_body_headers)
}

/// A body this crate rendered (its mark `here`) for another status, rendered again for the
/// status of `parts` (see [`RenderedHere::restate`]), on the same head.
fn restate(mut parts: http::response::Parts, bytes: &[u8], here: &RenderedHere) -> Response {
    let rendered = here.restate(parts.status, bytes);
    restate_retry_headers(&mut parts.headers, here, rendered.retryable);
    put_on(parts, rendered, set_body_headers)
}

/// A body this crate rendered, on the head of the response it replaces (whose headers
/// about the old bytes go: `headers` sets those that go with the new one), marked as this
/// crate's.
fn put_on(
    parts: http::response::Parts,
    mut rendered: Rendered,
    headers: fn(&mut http::HeaderMap, &Rendered),
) -> Response {
    let here = RenderedHere::of(&rendered);
    let mut res = Response::from_parts(parts, Body::from(std::mem::take(&mut rendered.body)));
    headers(res.headers_mut(), &rendered);
    res.extensions_mut().insert(here);
    res
}

/// Runs `f` in the request's context; without one (only if the thread-local was gone, at
/// thread teardown), as outside any request: no id, the flat format.
fn in_context<R>(ctx: Option<&RequestContext>, f: impl FnOnce() -> R) -> R {
    match ctx {
        Some(ctx) => ctx.scope(f),
        None => f(),
    }
}

/// A new id for a request without a usable one, also put in the request's header: layers
/// inside (tower-http's request-id layers, `TraceLayer`) and handlers reading the header see
/// the one id.
#[cold]
#[inline(never)]
fn generate_id(headers: &mut http::HeaderMap, header: &HeaderName) -> RequestId {
    let id = RequestId::generate_header();
    headers.insert(header.clone(), id.clone().into_header_value());
    id
}

/// The standard body for a framework's (or a handler's bare) error response.
/// `text` is what was read of the old body (`unread`: why nothing was).
fn replace(
    parts: http::response::Parts,
    text: &str,
    unread: Option<Unread>,
    info: &Described,
) -> Response {
    let owned_message;
    // A compressed body had text (tower-http's default predicate leaves bodies under 32
    // bytes alone): not a framework answer without any, so the code does not depend on the
    // client's `Accept-Encoding`. (A predicate that compresses empty bodies makes axum's
    // bare 404 a `not_found` for clients that take gzip.)
    let no_text = text.is_empty() && unread != Some(Unread::Compressed);
    let (status, code, text, param) = classify(parts.status, text, no_text, info);
    let text = match text {
        Text::Framework(t) => Some(t),
        Text::Owned(m) => {
            owned_message = m;
            Some(owned_message.as_str())
        }
    };
    let rejection = Rejection {
        status,
        code,
        text,
        param: param.map(Into::into),
        unread,
        quiet: false,
    };
    build(rejection::render_rejection(&rejection), Some(parts))
}

enum Text<'a> {
    Framework(&'a str),
    Owned(String),
}

/// The code (and param) of an axum rejection, recognized by status and text (`no_text`: the
/// response had none, as axum's 404 and 405 have none).
fn classify<'a>(
    status: StatusCode,
    text: &'a str,
    no_text: bool,
    info: &Described,
) -> (StatusCode, &'static str, Text<'a>, Option<String>) {
    const JSON_SYNTAX: &str = "Failed to parse the request body as JSON";
    const JSON_DATA: &str = "Failed to deserialize the JSON body into the target type";
    const QUERY: &str = "Failed to deserialize query string";
    const PATH: &str = "Invalid URL";
    const FORM: &str = "Failed to deserialize form";
    const FORM_BODY: &str = "Failed to deserialize form body";

    let framework = Text::Framework(text);
    let detail = |prefix: &str| {
        text.strip_prefix(prefix)
            .and_then(|r| r.strip_prefix(": "))
            .and_then(params::param_from_serde_message)
    };
    match status.as_u16() {
        400 if text.starts_with(JSON_SYNTAX) => (status, "invalid_json", framework, None),
        400 if text.starts_with(QUERY) => (status, "invalid_query", framework, detail(QUERY)),
        400 if text.starts_with(PATH) || text.starts_with("Wrong number of path arguments") => {
            let pattern = info.matched.as_ref().map(MatchedPath::as_str);
            let param = detail(PATH)
                .or_else(|| pattern.and_then(|p| params::indexed_path_param(text, p)))
                .or_else(|| pattern.and_then(params::single_path_param));
            (status, "invalid_path", framework, param)
        }
        // A `Form` on a GET reads the query string: a malformed query. (On a HEAD it reads
        // the body, and fails with this same 400.)
        400 if text.starts_with(FORM) => {
            let code = match info.method {
                Method::HEAD => "invalid_body",
                _ => "invalid_query",
            };
            (status, code, framework, detail(FORM))
        }
        400 if text.starts_with("Failed to buffer the request body")
            || text.starts_with("Request body didn't contain valid UTF-8") =>
        {
            (status, "invalid_body", framework, None)
        }
        422 if text.starts_with(JSON_DATA) => {
            (status, "invalid_body", framework, detail(JSON_DATA))
        }
        422 if text.starts_with(FORM_BODY) => {
            (status, "invalid_body", framework, detail(FORM_BODY))
        }
        422 if text.starts_with(FORM) => (status, "invalid_body", framework, detail(FORM)),
        // No route took it: said only where the router ran first (a layer around a whole
        // `Router` cannot tell its fallback's 404 from a handler's).
        404 if info.routed && no_text => (
            status,
            "route_not_found",
            Text::Owned(rejection::unmatched_route_message(
                info.method(),
                info.path(),
            )),
            None,
        ),
        405 if no_text => (
            status,
            "method_not_allowed",
            Text::Owned(rejection::method_not_allowed_message(
                info.method(),
                info.path(),
            )),
            None,
        ),
        _ => (status, rejection::default_code(status), framework, None),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = RequestIdMissing;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        current(parts).ok_or(RequestIdMissing)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for RequestId {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(current(parts))
    }
}

/// The id of the request being handled: from the context `ApiErrorLayer` sets while the
/// request runs, else from the request's extensions (where a middleware that runs the rest
/// of the request in a spawned task puts it, see [`RequestId`]).
fn current(parts: &Parts) -> Option<RequestId> {
    context::current_request_id().or_else(|| parts.extensions.get::<RequestId>().cloned())
}

/// Boxed errors render like any other [`ApiError`].
impl IntoResponse for Box<dyn ApiError + Send + Sync> {
    fn into_response(self) -> Response {
        error_response(&*self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A test body: its frames, each ready or not (`None`: pending once, then the next).
    struct Frames {
        frames: VecDeque<Option<Result<http_body::Frame<Bytes>, axum::Error>>>,
        hint: u64,
    }

    impl HttpBody for Frames {
        type Data = Bytes;
        type Error = axum::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
            match self.frames.pop_front() {
                Some(Some(frame)) => Poll::Ready(Some(frame)),
                Some(None) => {
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
                None => Poll::Ready(None),
            }
        }

        fn size_hint(&self) -> http_body::SizeHint {
            http_body::SizeHint::with_exact(self.hint)
        }
    }

    fn data(text: &'static str) -> Option<Result<http_body::Frame<Bytes>, axum::Error>> {
        Some(Ok(http_body::Frame::data(Bytes::from_static(
            text.as_bytes(),
        ))))
    }

    /// Polls a future that never waits for long (the test bodies wake at once).
    fn run<F: Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        loop {
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return out;
            }
        }
    }

    /// Every frame of a body, in order: data as text, trailers as `<trailers>`, an error as
    /// `<error>`.
    fn frames_of(body: Body) -> Vec<String> {
        let mut body = body;
        let mut out = Vec::new();
        run(std::future::poll_fn(|cx| loop {
            match Pin::new(&mut body).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => out.push(match frame.into_data() {
                    Ok(data) => String::from_utf8_lossy(&data).into_owned(),
                    Err(_) => "<trailers>".to_owned(),
                }),
                Poll::Ready(Some(Err(_))) => out.push("<error>".to_owned()),
                Poll::Ready(None) => return Poll::Ready(()),
                Poll::Pending => return Poll::Pending,
            }
        }));
        out
    }

    fn body(frames: Vec<Option<Result<http_body::Frame<Bytes>, axum::Error>>>, hint: u64) -> Body {
        Body::new(Frames {
            frames: frames.into(),
            hint,
        })
    }

    #[test]
    fn ready_whole_reads_a_plain_body_that_is_all_there() {
        let got = run(ready_whole(body(vec![data("{\"a\""), data(":1}")], 7), 100));
        assert_eq!(got.ok(), Some(b"{\"a\":1}".to_vec()));
    }

    /// Not all there, a trailer, a read error, more than the limit (a body whose length hint
    /// lied): the body goes on as it came, every frame in order, nothing read twice.
    #[test]
    fn ready_whole_gives_back_whatever_it_cannot_take_whole() {
        let mut trailers = http::HeaderMap::new();
        trailers.insert("x-checksum", HeaderValue::from_static("1"));
        let cases: Vec<(Vec<Option<_>>, Vec<&str>)> = vec![
            (
                vec![data("{\"a\""), None, data(":1}")],
                vec!["{\"a\"", ":1}"],
            ),
            (
                vec![data("{}"), Some(Ok(http_body::Frame::trailers(trailers)))],
                vec!["{}", "<trailers>"],
            ),
            (
                vec![
                    data("{\"card_"),
                    Some(Err(axum::Error::new("reset"))),
                    data("x"),
                ],
                vec!["{\"card_", "<error>", "x"],
            ),
            (
                vec![data("0123456789"), data("abcdef")],
                vec!["0123456789", "abcdef"],
            ),
        ];
        for (frames, expected) in cases {
            let given = run(ready_whole(body(frames, 4), 8));
            let Err(back) = given else {
                panic!("taken whole: {expected:?}");
            };
            assert_eq!(frames_of(back), expected);
        }
    }

    fn headers(n_other: usize, extra: &[(&str, &str)]) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for i in 0..n_other {
            let name = HeaderName::from_bytes(format!("x-other-{i}").as_bytes())
                .unwrap_or_else(|e| panic!("{e}"));
            map.insert(name, HeaderValue::from_static("v"));
        }
        for (name, value) in extra {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap_or_else(|e| panic!("{e}")),
                HeaderValue::from_str(value).unwrap_or_else(|e| panic!("{e}")),
            );
        }
        map
    }

    /// The one-pass scan and the hashed lookups (past 24 values) find the same first id and
    /// the same `Accept` lines.
    #[test]
    fn id_and_accept_finds_the_first_values_small_or_large() {
        // The default name (compared with inline code), the same name given (compared with the
        // configured one), and another name.
        let ids = [
            ("x-request-id", IdHeader::XRequestId),
            (
                "x-request-id",
                IdHeader::Named(HeaderName::from_static("x-request-id")),
            ),
            (
                "request-id",
                IdHeader::new(HeaderName::from_static("request-id")),
            ),
        ];
        assert!(matches!(IdHeader::new(X_REQUEST_ID), IdHeader::XRequestId));
        assert_eq!(format!("{:?}", IdHeader::XRequestId), "\"x-request-id\"");
        for ((name, id), n_other) in ids
            .iter()
            .flat_map(|id| [0, 3, 23, 24, 40].map(|n| (id, n)))
        {
            let map = headers(
                n_other,
                &[
                    ("accept", "application/problem+json"),
                    (name, "first"),
                    (name, "second"),
                ],
            );
            let (found, several, accept) = id_and_accept(&map, id);
            assert_eq!(
                found.map(HeaderValue::as_bytes),
                Some(&b"first"[..]),
                "{n_other}"
            );
            assert!(several, "{n_other}");
            assert!(
                matches!(accept, Accept::One(Some(v)) if v == "application/problem+json"),
                "{n_other}"
            );
            let two = headers(
                n_other,
                &[
                    ("accept", "text/html"),
                    ("accept", "application/problem+json"),
                ],
            );
            assert!(
                matches!(id_and_accept(&two, id).2, Accept::Lines),
                "{n_other}"
            );
            let one = headers(n_other, &[(name, "only")]);
            let (found, several, _) = id_and_accept(&one, id);
            assert!(found.is_some() && !several, "{n_other}");
            let none = headers(n_other, &[]);
            let (found, several, accept) = id_and_accept(&none, id);
            assert!(found.is_none() && !several && matches!(accept, Accept::One(None)));
        }
    }
}
