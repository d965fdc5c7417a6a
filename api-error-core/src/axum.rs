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

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, MatchedPath, OptionalFromRequestParts};
use axum::response::{IntoResponse, Response};
use http::header::CONTENT_LENGTH;
use http::request::Parts;
use http::{HeaderName, Method, Request, StatusCode};

pub use crate::render::RequestId;
use crate::render::{self, Rejection, Rendered};
use crate::ApiError;

/// Names the generated code uses. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use axum::response::{IntoResponse, Response};
}

/// Implements `IntoResponse` for a type; emitted by `__integrations!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_axum {
    ([$($g:tt)*] [$($ty:tt)*] [$($w:tt)*]) => {
        impl $($g)* $crate::axum::__private::IntoResponse for $($ty)* $($w)* {
            #[inline]
            fn into_response(self) -> $crate::axum::__private::Response {
                $crate::axum::__into_response(&self)
            }
        }
    };
}

/// The one function every generated `IntoResponse` calls.
#[doc(hidden)]
pub fn __into_response(err: &dyn ApiError) -> Response {
    let rendered = render::render(err, None);
    build(rendered, None, true, None)
}

/// Marks a response rendered from an [`ApiError`] whose body still says
/// `"request_id":null`; [`ApiErrorLayer`] fills the id in.
#[derive(Clone)]
struct PendingRequestId(Bytes);

render::header_glue!(http::header);

/// A response from rendered parts; with `pending`, marked for the layer.
fn build(
    rendered: Rendered,
    request_id: Option<(&HeaderName, &RequestId)>,
    pending: bool,
    base: Option<http::response::Parts>,
) -> Response {
    let extra = rendered.headers();
    let body = Bytes::from(rendered.body);
    let mut res = match base {
        Some(parts) => Response::from_parts(parts, Body::from(body.clone())),
        None => Response::new(Body::from(body.clone())),
    };
    *res.status_mut() = rendered.status;
    let headers = res.headers_mut();
    set_error_headers(headers, extra);
    if let Some((name, id)) = request_id {
        set_request_id(headers, name, id);
    }
    if pending {
        res.extensions_mut().insert(PendingRequestId(body));
    }
    res
}

/// A tower [`Layer`](tower_layer::Layer) that makes every response of an axum app follow the
/// standard error format, with request ids.
///
/// For each request it:
/// - takes the request id from the `x-request-id` header when safe (1..=128 characters of
///   `[A-Za-z0-9._-]`), else generates one (`req_...`); handlers read it with the
///   [`RequestId`] extractor, and with the `tracing` feature the request runs in a
///   `request` span with a `request_id` field;
/// - sets the id on the response's `x-request-id` header and, for errors rendered from an
///   [`ApiError`], in the body's `request_id`;
/// - replaces every other error response that is not JSON (axum's rejections for bad JSON,
///   query strings, paths and content types, unmatched routes, wrong methods, handlers that
///   return a bare status) by the standard body, with the framework's text as the message
///   for 4xx and a generic message for 5xx;
/// - catches handler panics and answers 500 with a generic message (the panic message is
///   only logged, with the `tracing` feature).
///
/// Success responses are passed through untouched (bodies are never buffered), apart from
/// the request-id header.
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
    header: HeaderName,
}

impl ApiErrorLayer {
    /// The layer with the `x-request-id` header.
    pub fn new() -> Self {
        ApiErrorLayer {
            header: HeaderName::from_static("x-request-id"),
        }
    }

    /// Reads and writes the request id in `name` instead of `x-request-id`.
    #[must_use]
    pub fn request_id_header(mut self, name: HeaderName) -> Self {
        self.header = name;
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
            header: self.header.clone(),
        }
    }
}

/// The service made by [`ApiErrorLayer`].
#[derive(Clone, Debug)]
pub struct ApiErrorService<S> {
    inner: S,
    header: HeaderName,
}

/// What the layer remembers of a request to describe a rejection of it.
struct RequestInfo {
    method: Method,
    path: String,
    /// The route's pattern (`/v1/items/{n}`), when a route matched.
    matched: Option<MatchedPath>,
}

impl<S, B> tower_service::Service<Request<B>> for ApiErrorService<S>
where
    S: tower_service::Service<Request<B>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send + 'static>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        let id = match req.extensions().get::<RequestId>() {
            Some(id) => id.clone(),
            None => {
                let id =
                    RequestId::from_header(req.headers().get(&self.header).map(|v| v.as_bytes()));
                req.extensions_mut().insert(id.clone());
                id
            }
        };
        let info = RequestInfo {
            method: req.method().clone(),
            path: render::bounded(req.uri().path(), 200).to_owned(),
            matched: req.extensions().get::<MatchedPath>().cloned(),
        };
        let header = self.header.clone();
        // The usual tower dance: call the service that was polled ready, keep a fresh clone.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let span = render::request_span(id.as_str());

        Box::pin(async move {
            let outcome = render::catch_panics(|| inner.call(req), &span).await;
            match outcome {
                Ok(Ok(res)) => {
                    let fut = finish(res, &header, &id, &info);
                    #[cfg(feature = "tracing")]
                    let fut = tracing::Instrument::instrument(fut, span);
                    Ok(fut.await)
                }
                Ok(Err(e)) => Err(e),
                Err(panic) => {
                    #[cfg(feature = "tracing")]
                    let _entered = span.enter();
                    let rendered = render::render_panic(&*panic, Some(id.as_str()));
                    Ok(build(rendered, Some((&header, &id)), false, None))
                }
            }
        })
    }
}

/// Sets the request id on a handler's response and normalizes error responses.
async fn finish(
    res: Response,
    header: &HeaderName,
    id: &RequestId,
    info: &RequestInfo,
) -> Response {
    let (mut parts, body) = res.into_parts();
    set_request_id(&mut parts.headers, header, id);

    if let Some(PendingRequestId(bytes)) = parts.extensions.remove::<PendingRequestId>() {
        return match render::fill_request_id(&bytes, id.as_str()) {
            Some(filled) => {
                parts.headers.remove(CONTENT_LENGTH);
                Response::from_parts(parts, Body::from(filled))
            }
            None => Response::from_parts(parts, body),
        };
    }
    let status = parts.status;
    if !crate::status::is_error(status) || is_json(&parts.headers) {
        return Response::from_parts(parts, body);
    }

    // A framework rejection, a bare status or a plain-text error: read its text (4xx only,
    // bounded) and send the standard body instead.
    let bytes = if status.is_client_error() {
        axum::body::to_bytes(body, render::MAX_REJECTION_BODY)
            .await
            .unwrap_or_default()
    } else {
        drop(body);
        Bytes::new()
    };
    let text = String::from_utf8_lossy(&bytes);
    let owned_message;
    let (status, code, text, param) = classify(status, &text, info);
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
    };
    let rendered = render::render_rejection(&rejection, Some(id.as_str()));
    build(rendered, Some((header, id)), false, Some(parts))
}

enum Text<'a> {
    Framework(&'a str),
    Owned(String),
}

/// The code (and param) of an axum rejection, recognized by status and text.
fn classify<'a>(
    status: StatusCode,
    text: &'a str,
    info: &RequestInfo,
) -> (StatusCode, &'static str, Text<'a>, Option<String>) {
    const JSON_SYNTAX: &str = "Failed to parse the request body as JSON";
    const JSON_DATA: &str = "Failed to deserialize the JSON body into the target type";
    const QUERY: &str = "Failed to deserialize query string";
    const PATH: &str = "Invalid URL";
    const FORM: &str = "Failed to deserialize form";

    let framework = Text::Framework(text);
    let detail = |prefix: &str| {
        text.strip_prefix(prefix)
            .and_then(|r| r.strip_prefix(": "))
            .and_then(render::param_from_serde_message)
    };
    match status.as_u16() {
        400 if text.starts_with(JSON_SYNTAX) => (status, "invalid_json", framework, None),
        400 if text.starts_with(QUERY) => (status, "invalid_query", framework, detail(QUERY)),
        400 if text.starts_with(PATH) || text.starts_with("Wrong number of path arguments") => {
            let param = detail(PATH).or_else(|| {
                info.matched
                    .as_ref()
                    .and_then(|m| render::single_path_param(m.as_str()))
            });
            (status, "invalid_path", framework, param)
        }
        400 if text.starts_with(FORM) => (status, "invalid_form", framework, detail(FORM)),
        400 if text.starts_with("Failed to buffer the request body")
            || text.starts_with("Request body didn't contain valid UTF-8") =>
        {
            (status, "invalid_body", framework, None)
        }
        422 if text.starts_with(JSON_DATA) => {
            (status, "invalid_body", framework, detail(JSON_DATA))
        }
        422 if text.starts_with(FORM) => (status, "invalid_body", framework, detail(FORM)),
        404 if info.matched.is_none() && text.is_empty() => (
            status,
            "route_not_found",
            Text::Owned(render::unmatched_route_message(
                info.method.as_str(),
                &info.path,
            )),
            None,
        ),
        405 if text.is_empty() => (
            status,
            "method_not_allowed",
            Text::Owned(render::method_not_allowed_message(
                info.method.as_str(),
                &info.path,
            )),
            None,
        ),
        _ => (status, render::default_code(status), framework, None),
    }
}

pub use crate::render::RequestIdMissing;

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = RequestIdMissing;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestId>()
            .cloned()
            .ok_or(RequestIdMissing)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for RequestId {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<RequestId>().cloned())
    }
}

/// Boxed errors render like any other [`ApiError`].
impl IntoResponse for Box<dyn ApiError + Send + Sync> {
    fn into_response(self) -> Response {
        __into_response(&*self)
    }
}
