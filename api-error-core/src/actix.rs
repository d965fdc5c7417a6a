//! actix-web 4 integration (feature `actix-web`).
//!
//! - Every `#[derive(ApiError)]` type implements [`ResponseError`]: handlers return
//!   `Result<T, MyError>` and errors become the standard body with `content-type:
//!   application/json`, `x-should-retry` and, for errors with a retry delay, `Retry-After`
//!   and `retry-after-ms`. Hand-written [`ApiError`] types opt in with
//!   [`impl_integrations!`](crate::impl_integrations).
//! - [`ApiErrorMiddleware`] gives every request an id ([`RequestId`], an extractor and a
//!   request extension), sends it in the `x-request-id` header and the error body, and turns
//!   actix-web's own errors (extractor errors, unmatched routes, wrong methods) and handler
//!   panics into the standard body.
//!
//! ```
//! use api_error_core::actix::{ApiErrorMiddleware, RequestId};
//! use actix_web::{web, App, HttpResponse};
//!
//! async fn whoami(id: RequestId) -> HttpResponse {
//!     HttpResponse::Ok().body(format!("your request is {id}"))
//! }
//!
//! let app = App::new()
//!     .wrap(ApiErrorMiddleware::new())
//!     .route("/whoami", web::get().to(whoami));
//! # drop(app);
//! ```

use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::rc::Rc;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{forward_ready, Payload, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::error::{
    InternalError, JsonPayloadError, PathError, QueryPayloadError, UrlencodedError,
};
use actix_web::http::header::{HeaderName, CONTENT_LENGTH};
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};

use crate::render::{self, Rejection, Rendered};
pub use crate::render::{RequestId, RequestIdMissing};
use crate::ApiError;

/// Names the generated code uses. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use actix_web::http::StatusCode;
    pub use actix_web::{HttpResponse, ResponseError};
}

/// Implements `ResponseError` for a type; emitted by `__integrations!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_actix {
    ([$($g:tt)*] [$($ty:tt)*] [$($w:tt)*]) => {
        impl $($g)* $crate::actix::__private::ResponseError for $($ty)* $($w)* {
            #[inline]
            fn status_code(&self) -> $crate::actix::__private::StatusCode {
                $crate::actix::__status_code(self)
            }
            #[inline]
            fn error_response(&self) -> $crate::actix::__private::HttpResponse {
                $crate::actix::__error_response(self)
            }
        }
    };
}

/// `ResponseError::status_code` of every generated impl.
#[doc(hidden)]
pub fn __status_code(err: &dyn ApiError) -> StatusCode {
    convert_status(err.status())
}

/// `ResponseError::error_response` of every generated impl.
#[doc(hidden)]
pub fn __error_response(err: &dyn ApiError) -> HttpResponse {
    let rendered = render::render(err, None);
    build(rendered, None, true)
}

/// actix-web 4 is on `http` 0.2; the core crate on `http` 1.
fn convert_status(status: http::StatusCode) -> StatusCode {
    StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn back_status(status: StatusCode) -> http::StatusCode {
    http::StatusCode::from_u16(status.as_u16()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR)
}

/// Marks a response rendered from an [`ApiError`] whose body still says
/// `"request_id":null`; [`ApiErrorMiddleware`] fills the id in.
struct PendingRequestId(Bytes);

render::header_glue!(actix_web::http::header);

/// A response from rendered parts; with `pending`, marked for the middleware.
fn build(
    rendered: Rendered,
    request_id: Option<(&HeaderName, &RequestId)>,
    pending: bool,
) -> HttpResponse {
    let extra = rendered.headers();
    let body = Bytes::from(rendered.body);
    let mut res = HttpResponse::with_body(convert_status(rendered.status), body.clone());
    set_error_headers(res.headers_mut(), extra);
    if let Some((name, id)) = request_id {
        set_request_id(res.headers_mut(), name, id);
    }
    if pending {
        res.extensions_mut().insert(PendingRequestId(body));
    }
    res.map_into_boxed_body()
}

/// An actix-web middleware that makes every response of an app follow the standard error
/// format, with request ids. Apply it with `App::wrap`.
///
/// For each request it:
/// - takes the request id from the `x-request-id` header when safe (1..=128 characters of
///   `[A-Za-z0-9._-]`), else generates one (`req_...`), and stores it in the request's
///   extensions, where handlers read it with the [`RequestId`] extractor (or
///   `req.extensions().get::<RequestId>()`); with the `tracing` feature the request runs in
///   a `request` span with a `request_id` field;
/// - sets the id on the response's `x-request-id` header and, for errors rendered from an
///   [`ApiError`], in the body's `request_id`;
/// - replaces every other error response that is not JSON (extractor errors for JSON, query
///   strings, paths and forms, unmatched routes, wrong methods, errors of other types) by
///   the standard body, with the framework's text as the message for 4xx and a generic
///   message for 5xx;
/// - catches handler panics and answers 500 with a generic message (the panic message is
///   only logged, with the `tracing` feature).
///
/// Success responses are passed through untouched, apart from the request-id header.
///
/// ```
/// use api_error_core::actix::ApiErrorMiddleware;
/// use actix_web::{http::header::HeaderName, web, App, HttpResponse};
///
/// let app = App::new()
///     // Stripe-style header name; the default is `x-request-id`.
///     .wrap(ApiErrorMiddleware::new().request_id_header(HeaderName::from_static("request-id")))
///     .route("/", web::get().to(HttpResponse::Ok));
/// # drop(app);
/// ```
#[derive(Clone, Debug)]
pub struct ApiErrorMiddleware {
    header: HeaderName,
}

impl ApiErrorMiddleware {
    /// The middleware with the `x-request-id` header.
    pub fn new() -> Self {
        ApiErrorMiddleware {
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

impl Default for ApiErrorMiddleware {
    fn default() -> Self {
        Self::new()
    }
}

impl<S, B> Transform<S, ServiceRequest> for ApiErrorMiddleware
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = ApiErrorService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(ApiErrorService {
            inner: Rc::new(service),
            header: Rc::new(self.header.clone()),
        }))
    }
}

/// The service made by [`ApiErrorMiddleware`].
pub struct ApiErrorService<S> {
    inner: Rc<S>,
    header: Rc<HeaderName>,
}

impl<S, B> Service<ServiceRequest> for ApiErrorService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>>>>;

    forward_ready!(inner);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let existing = req.extensions().get::<RequestId>().cloned();
        let id = match existing {
            Some(id) => id,
            None => {
                let id =
                    RequestId::from_header(req.headers().get(&*self.header).map(|v| v.as_bytes()));
                req.extensions_mut().insert(id.clone());
                id
            }
        };
        // Never keep a clone of the request across the call: actix's router needs it unshared.
        let method = req.method().clone();
        let path = render::bounded(req.path(), 200).to_owned();
        let inner = Rc::clone(&self.inner);
        let header = Rc::clone(&self.header);
        let span = render::request_span(id.as_str());

        Box::pin(async move {
            let outcome = render::catch_panics(|| inner.call(req), &span).await;
            #[cfg(feature = "tracing")]
            let _entered = span.enter();
            let res = match outcome {
                Ok(Ok(res)) => res,
                // An error out of the service chain (e.g. another middleware): render it as
                // actix would, then normalize it like any other response.
                Ok(Err(err)) => {
                    let http_req = stand_in_request(method, &path);
                    let res = finish(ServiceResponse::from_err(err, http_req), &header, &id).await;
                    return Ok(res.map_body(|_, body| EitherBody::right(body.boxed())));
                }
                Err(panic) => {
                    let rendered = render::render_panic(&*panic, Some(id.as_str()));
                    let res = build(rendered, Some((&header, &id)), false);
                    let http_req = stand_in_request(method, &path);
                    return Ok(ServiceResponse::new(http_req, res).map_into_right_body());
                }
            };
            Ok(finish(res, &header, &id).await)
        })
    }
}

/// A request with the original method and path, for a response whose request was lost with
/// a panic or an error out of the service chain (`ServiceResponse` needs one).
fn stand_in_request(method: actix_web::http::Method, path: &str) -> HttpRequest {
    // `TestRequest::uri` unwraps its parse: hand it only a path that is known to parse.
    let path = if path.parse::<actix_web::http::Uri>().is_ok() {
        path
    } else {
        "/"
    };
    actix_web::test::TestRequest::default()
        .method(method)
        .uri(path)
        .to_http_request()
}

/// Sets the request id on a response and normalizes error responses.
async fn finish<B: MessageBody + 'static>(
    mut res: ServiceResponse<B>,
    header: &HeaderName,
    id: &RequestId,
) -> ServiceResponse<EitherBody<B>> {
    set_request_id(res.headers_mut(), header, id);

    let pending = res
        .response_mut()
        .extensions_mut()
        .remove::<PendingRequestId>();
    if let Some(PendingRequestId(bytes)) = pending {
        return match render::fill_request_id(&bytes, id.as_str()) {
            Some(filled) => res.map_body(|head, _old| {
                head.headers.remove(CONTENT_LENGTH);
                EitherBody::right(BoxBody::new(filled))
            }),
            None => res.map_into_left_body(),
        };
    }
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(res.headers()) {
        return res.map_into_left_body();
    }

    // An actix error (extractor, routing) or a plain error response: describe it and send the
    // standard body instead.
    let (req, response) = res.into_parts();
    let described = response.error().map(|e| describe(e, &req, status));
    let (response, body) = response.into_parts();
    let (status, code, text, param) = match described {
        Some(d) => {
            drop(body);
            d
        }
        None => {
            let text = if status.is_client_error() {
                match actix_web::body::to_bytes_limited(body, render::MAX_REJECTION_BODY).await {
                    Ok(Ok(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
                    _ => String::new(),
                }
            } else {
                drop(body);
                String::new()
            };
            describe_plain(&req, status, text)
        }
    };
    let rejection = Rejection {
        status: back_status(status),
        code,
        text: Some(text.as_str()),
        param: param.map(Into::into),
    };
    let rendered = render::render_rejection(&rejection, Some(id.as_str()));
    let extra = rendered.headers();
    let new_status = convert_status(rendered.status);
    let mut response = response.set_body(EitherBody::right(BoxBody::new(rendered.body)));
    *response.status_mut() = new_status;
    set_error_headers(response.headers_mut(), extra);
    ServiceResponse::new(req, response)
}

type Described = (StatusCode, &'static str, String, Option<String>);

/// The status, code, text and param of an actix error, recognized by its type. Texts are
/// worded like axum's, so both integrations answer the same mistakes the same way.
fn describe(err: &actix_web::Error, req: &HttpRequest, status: StatusCode) -> Described {
    let text = || render::bounded(&err.to_string(), 1000).to_owned();
    let with = |prefix: &str, detail: &dyn std::fmt::Display| {
        let detail = detail.to_string();
        format!("{prefix}: {}", render::bounded(&detail, 1000))
    };
    if let Some(e) = err.as_error::<JsonPayloadError>() {
        return match e {
            JsonPayloadError::ContentType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Expected request with `Content-Type: application/json`".to_owned(),
                None,
            ),
            JsonPayloadError::Deserialize(de) if de.is_data() => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                with(
                    "Failed to deserialize the JSON body into the target type",
                    de,
                ),
                render::param_from_serde_message(&de.to_string()),
            ),
            JsonPayloadError::Deserialize(de) => (
                StatusCode::BAD_REQUEST,
                "invalid_json",
                with("Failed to parse the request body as JSON", de),
                None,
            ),
            JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
                (status, "payload_too_large", text(), None)
            }
            _ => (
                status,
                render::default_code(back_status(status)),
                text(),
                None,
            ),
        };
    }
    if let Some(QueryPayloadError::Deserialize(de)) = err.as_error::<QueryPayloadError>() {
        return (
            StatusCode::BAD_REQUEST,
            "invalid_query",
            with("Failed to deserialize query string", de),
            render::param_from_serde_message(&de.to_string()),
        );
    }
    // `web::Path` fails with `PathError` when the app has an error handler for it, else
    // with the bare serde error as a 404; both are a malformed path: 400, like axum.
    let typed = match err.as_error::<PathError>() {
        Some(PathError::Deserialize(de)) => Some(de),
        _ => None,
    };
    let bare = err
        .as_error::<InternalError<serde::de::value::Error>>()
        .is_some();
    if typed.is_some() || bare {
        let param = req
            .match_pattern()
            .and_then(|p| render::single_path_param(&p));
        let detail: &dyn std::fmt::Display = match typed {
            Some(de) => de,
            None => err,
        };
        return (
            StatusCode::BAD_REQUEST,
            "invalid_path",
            with("Invalid URL", detail),
            param,
        );
    }
    if let Some(e) = err.as_error::<UrlencodedError>() {
        return match e {
            UrlencodedError::ContentType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Form requests must have `Content-Type: application/x-www-form-urlencoded`"
                    .to_owned(),
                None,
            ),
            UrlencodedError::Parse(de) => (
                StatusCode::BAD_REQUEST,
                "invalid_form",
                with("Failed to deserialize form", de),
                None,
            ),
            _ => (
                status,
                render::default_code(back_status(status)),
                text(),
                None,
            ),
        };
    }
    (
        status,
        render::default_code(back_status(status)),
        text(),
        None,
    )
}

/// The code and text of an error response without an actix error: unmatched routes, wrong
/// methods, bare statuses and plain-text bodies.
fn describe_plain(req: &HttpRequest, status: StatusCode, text: String) -> Described {
    let text = text.trim();
    let path = req.path();
    match status.as_u16() {
        404 if text.is_empty() && req.match_pattern().is_none() => (
            status,
            "route_not_found",
            render::unmatched_route_message(req.method().as_str(), path),
            None,
        ),
        405 if text.is_empty() => (
            status,
            "method_not_allowed",
            render::method_not_allowed_message(req.method().as_str(), path),
            None,
        ),
        _ => (
            status,
            render::default_code(back_status(status)),
            render::bounded(text, 1000).to_owned(),
            None,
        ),
    }
}

impl FromRequest for RequestId {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<RequestId>()
                .cloned()
                .ok_or_else(|| RequestIdMissing.into()),
        )
    }
}

/// Boxed errors render like any other [`ApiError`].
impl ResponseError for Box<dyn ApiError + Send + Sync> {
    fn status_code(&self) -> StatusCode {
        __status_code(&**self)
    }

    fn error_response(&self) -> HttpResponse {
        __error_response(&**self)
    }
}
