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

use std::fmt;
use std::future::{ready, Future, Ready};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use actix_web::body::{BodySize, BoxBody, EitherBody, MessageBody};
use actix_web::dev::{forward_ready, Payload, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::error::{
    InternalError, JsonPayloadError, PathError, QueryPayloadError, UrlencodedError,
};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};

pub use crate::request_id::{RequestId, RequestIdMissing};
#[cfg(feature = "garde")]
pub use crate::valid::Garde;
#[cfg(feature = "validator")]
pub use crate::valid::Valid;
#[cfg(any(feature = "validator", feature = "garde"))]
pub use crate::valid::{actix::ValidFuture, Extracted};
use crate::web::accept;
use crate::web::context::{self, RequestContext};
use crate::web::guard::{Guarded, Panic, Unwinding};
use crate::web::params;
use crate::web::rejection::{self, Rejection, Unread};
use crate::web::response::{self, Marked, Rendered, RenderedHere};
use crate::{ApiError, ErrorFormat, WireFormat};

/// Implements `ResponseError` for a type; emitted by `__integrations!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_actix {
    ([$($g:tt)*] [$($ty:tt)*] [$($w:tt)*]) => {
        #[automatically_derived]
        impl $($g)* $crate::__private::actix::ResponseError for $($ty)* $($w)* {
            #[inline]
            fn status_code(&self) -> $crate::__private::actix::StatusCode {
                $crate::__private::actix::status_code(self)
            }
            #[inline]
            fn error_response(&self) -> $crate::__private::actix::HttpResponse {
                $crate::__private::actix::error_response(self)
            }
        }
    };
}

/// The response of an [`ApiError`]: rendered in one pass with the current request's id
/// (set by [`ApiErrorMiddleware`] while the request runs; none outside a request).
pub(crate) fn error_response(err: &dyn ApiError) -> HttpResponse {
    build(response::render(err))
}

/// actix-web 4 is on `http` 0.2; the core crate on `http` 1.
pub(crate) fn convert_status(status: http::StatusCode) -> StatusCode {
    StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn back_status(status: StatusCode) -> http::StatusCode {
    http::StatusCode::from_u16(status.as_u16()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR)
}

response::header_glue!(actix_web::http::header);

/// A response from rendered parts, marked as this crate's (a middleware outside passes it
/// on untouched).
fn build(rendered: Rendered) -> HttpResponse {
    let status = convert_status(rendered.status);
    with_rendered(
        HttpResponse::with_body(status, ()),
        rendered,
        set_error_headers,
    )
}

/// An actix-web middleware that makes every response of an app follow the standard error
/// format, with request ids. Apply it with `App::wrap`.
///
/// For each request it:
/// - takes the request id from the `x-request-id` header (its first line; others are
///   dropped) when safe (1..=128 characters of `[A-Za-z0-9._-]`), else generates one (`req_...`) and puts it in the request's header;
///   stores it in the request's extensions, where handlers read it with the [`RequestId`]
///   extractor (or `req.extensions().get::<RequestId>()`); with the `tracing` feature the
///   request runs in a `request` span with a `request_id` field, entered on every poll;
/// - makes the id available to rendering while the request runs, so an error a handler
///   returns is rendered once, with the id in its body's `request_id`; the id is also set on
///   every response's `x-request-id` header;
/// - replaces every other error response that is not JSON (a JSON object or array, when its
///   body is in memory; text labelled JSON, or a bare JSON string, is text) (extractor
///   errors for JSON, query strings, paths and forms, unmatched routes, wrong methods, errors of other types) and
///   every 5xx it did not render itself (or rendered for another status) by the standard
///   body, with the framework's text as the message for 4xx (for an error type it does not
///   know, what that error's response says, read only when in memory or of a known length)
///   and a generic message for 5xx (their cause is only logged, with `tracing`); the headers
///   that described the old body go with it, and a compressed text is never read as a
///   message; every error response it renders says `Vary: accept`;
/// - catches handler panics and answers 500 with a generic message (the panic message is
///   only logged, with the `tracing` feature).
///
/// Success responses, and error bodies it rendered itself, are passed through untouched,
/// apart from the request-id header (a derived 5xx whose body a middleware inside
/// compressed, streamed or replaced is sent again as it was rendered); middleware outside sees the real request in every
/// response.
///
/// After a handler panic, or an `Err` out of an inner middleware, there is no response and
/// the request is gone with the code that held it (actix-web's router needs the request
/// unshared, so no copy can be kept): the middleware then returns an `Err` carrying the
/// rendered standard response, which is what actix-web sends; middleware outside sees that
/// `Err`, as with any error that escapes a service, and never a stand-in request. Its
/// `error_response()` builds the response again on every call, so a middleware outside may
/// look at it first (only a streamed body from another middleware is carried by an
/// [`InternalError::from_response`], which gives its response out once).
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
    config: Arc<Config>,
}

/// What the middleware was configured with, shared by every request.
#[derive(Clone, Debug)]
struct Config {
    header: HeaderName,
    format: ErrorFormat,
}

impl ApiErrorMiddleware {
    /// The middleware with the `x-request-id` header.
    ///
    /// ```
    /// use actix_web::{web, App, HttpResponse};
    /// use api_error_core::actix::ApiErrorMiddleware;
    ///
    /// let app = App::new()
    ///     .wrap(ApiErrorMiddleware::new())
    ///     .route("/", web::get().to(|| async { HttpResponse::Ok().body("ok") }));
    /// ```
    #[must_use]
    pub fn new() -> Self {
        ApiErrorMiddleware {
            config: Arc::new(Config {
                header: HeaderName::from_static("x-request-id"),
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
    /// use api_error_core::{actix::ApiErrorMiddleware, WireFormat};
    ///
    /// let middleware = ApiErrorMiddleware::new().wire_format(WireFormat::Enveloped);
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
    /// use api_error_core::{actix::ApiErrorMiddleware, WireFormat};
    ///
    /// let middleware = ApiErrorMiddleware::new()
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
    /// use api_error_core::actix::ApiErrorMiddleware;
    ///
    /// let format = ErrorFormat::new(WireFormat::Problem)
    ///     .problem_type_base("https://docs.example.com/errors/");
    /// let middleware = ApiErrorMiddleware::new().error_format(format.clone());
    /// assert_eq!(format.content_type(), "application/problem+json");
    /// assert!(format!("{middleware:?}").contains("Problem"));
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
    /// use actix_web::http::header::HeaderName;
    /// use api_error_core::actix::ApiErrorMiddleware;
    ///
    /// // Stripe's name for it.
    /// let middleware = ApiErrorMiddleware::new().request_id_header(HeaderName::from_static("request-id"));
    /// ```
    #[must_use]
    pub fn request_id_header(mut self, name: HeaderName) -> Self {
        Arc::make_mut(&mut self.config).header = name;
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
            config: Arc::clone(&self.config),
        }))
    }
}

/// The service made by [`ApiErrorMiddleware`] around the service `S` (its
/// [`Transform`]), as `App::wrap` builds it.
///
/// ```
/// use actix_web::dev::{fn_service, Service, ServiceFactory, ServiceRequest, Transform};
/// use actix_web::{test, HttpResponse};
/// use api_error_core::actix::{ApiErrorMiddleware, ApiErrorService};
///
/// actix_web::rt::System::new().block_on(async {
///     let inner = fn_service(|req: ServiceRequest| async {
///         Ok::<_, actix_web::Error>(req.into_response(HttpResponse::Ok().finish()))
///     })
///     .new_service(())
///     .await
///     .unwrap();
///     let service: ApiErrorService<_> = ApiErrorMiddleware::new().new_transform(inner).await.unwrap();
///     let response = service.call(test::TestRequest::get().to_srv_request()).await.unwrap();
///     assert!(response.headers().contains_key("x-request-id"));
/// });
/// ```
pub struct ApiErrorService<S> {
    inner: Rc<S>,
    config: Arc<Config>,
}

impl<S> fmt::Debug for ApiErrorService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiErrorService")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
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

    fn call(&self, mut req: ServiceRequest) -> Self::Future {
        let header = &self.config.header;
        let existing = req.extensions().get::<RequestId>().cloned();
        let id = match existing {
            Some(id) => id,
            None => {
                let mut incoming = req.headers().get_all(header);
                let taken = incoming
                    .next()
                    .and_then(|v| RequestId::from_bytes(v.as_bytes()));
                let several = incoming.next().is_some();
                let id = taken.clone().unwrap_or_else(RequestId::generate);
                if taken.is_none() || several {
                    // One id per request: middleware and handlers inside that read the
                    // header see this one (and no other).
                    if let Ok(value) = HeaderValue::from_str(id.as_str()) {
                        req.headers_mut().insert(header.clone(), value);
                    }
                }
                req.extensions_mut().insert(id.clone());
                id
            }
        };
        let info = RequestInfo {
            id: id.clone(),
            config: Arc::clone(&self.config),
        };
        let inner = Rc::clone(&self.inner);
        let format = accept::negotiate_lines(
            &self.config.format,
            req.headers()
                .get_all(actix_web::http::header::ACCEPT)
                .map(|v| v.as_bytes()),
        );
        let ctx = RequestContext::new(id, format);
        // The request is moved into the inner service, never copied: actix's router needs
        // it unshared.
        let guarded = Guarded::call_in_context(ctx.clone(), move || inner.call(req));
        Box::pin(async move {
            // The middleware's own work calls user code too (an error's `Display`, its
            // `error_response()`): a panic there is answered as a handler's is.
            const OWN_WORK: &str = "panicked while answering (an error's Display or response)";
            let answered = match guarded.await {
                Ok(Ok(res)) => Unwinding::new(finish(res, &info, &ctx))
                    .await
                    .map(Ok)
                    .map_err(|panic| (panic, OWN_WORK)),
                Ok(Err(err)) => {
                    catch_unwind(AssertUnwindSafe(|| ctx.scope(|| escaped_error(err, &info))))
                        .map(Err)
                        .map_err(|panic| (panic, OWN_WORK))
                }
                Err(panic) => Err((panic, "handler panicked")),
            };
            answered.unwrap_or_else(|(panic, what)| Err(ctx.scope(|| panicked(panic, what, &info))))
        })
    }
}

/// What the middleware remembers of a request.
struct RequestInfo {
    id: RequestId,
    config: Arc<Config>,
}

impl RequestInfo {
    fn set_request_id(&self, headers: &mut actix_web::http::header::HeaderMap) {
        if let Ok(v) = HeaderValue::from_str(self.id.as_str()) {
            headers.insert(self.config.header.clone(), v);
        }
    }
}

/// The error the middleware returns after a handler panic or an inner `Err`: the standard
/// response, built again on every `error_response()` call. Middleware outside may look at
/// it (`err.error_response().status()`) before actix-web sends it; an `InternalError` made
/// with `from_response` hands its response out once, and a bare empty 500 after that. Its
/// `Display` is the cause, which only logs show.
struct Answered {
    status: StatusCode,
    headers: actix_web::http::header::HeaderMap,
    body: actix_web::web::Bytes,
    mark: Option<RenderedHere>,
    cause: String,
}

impl Answered {
    /// `res` with `cause` as an `actix_web::Error`: an `Answered`, or, when its body is not
    /// in memory (a stream from another middleware), the `InternalError` that can carry it.
    fn into_error(res: HttpResponse, cause: String) -> actix_web::Error {
        let status = res.status();
        let headers = res.headers().clone();
        let mark = res.extensions().get::<RenderedHere>().cloned();
        let (head, body) = res.into_parts();
        match body.try_into_bytes() {
            Ok(body) => Answered {
                status,
                headers,
                body,
                mark,
                cause,
            }
            .into(),
            Err(body) => InternalError::from_response(Cause(cause), head.set_body(body)).into(),
        }
    }
}

impl fmt::Debug for Answered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.cause)
    }
}

impl fmt::Display for Answered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.cause)
    }
}

impl ResponseError for Answered {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::with_body(self.status, BoxBody::new(self.body.clone()));
        *res.headers_mut() = self.headers.clone();
        if let Some(mark) = &self.mark {
            res.extensions_mut().insert(mark.clone());
        }
        res
    }
}

/// The cause of an `InternalError` that carries a streamed response: only logs show it.
struct Cause(String);

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The error returned for a panic (`what` panicked, for the log): the standard 500.
fn panicked(panic: Panic, what: &str, info: &RequestInfo) -> actix_web::Error {
    let mut res = build(rejection::render_panic(panic));
    info.set_request_id(res.headers_mut());
    Answered::into_error(res, what.to_owned())
}

/// The error returned for an `Err` out of the inner service (another middleware): its
/// response rendered in the standard format. A 4xx of an error type actix-web does not know
/// says what its response said (not its `Display`, which may be meant for logs only).
fn escaped_error(err: actix_web::Error, info: &RequestInfo) -> actix_web::Error {
    let res = err.error_response();
    let status = res.status();
    let encoded = is_encoded(res.headers());
    let marked = judge(res.extensions().get(), status, encoded, res.body().size());
    // Rendered outside any request (in a spawned task): logged now with this request's id
    // (this runs in its context). Rendered there or in another request's context: rendered
    // again with this one's id, when it is in memory.
    if let Marked::Ours(here) = &marked {
        if !here.in_request() {
            here.log_sent();
        }
        if !encoded && !here.says(context::current_request_id().as_ref()) {
            let (head, body) = res.into_parts();
            let res = match body.try_into_bytes() {
                Ok(bytes) => {
                    let rendered = here.render_again(back_status(status), &bytes);
                    with_rendered(head.drop_body(), rendered, set_body_headers)
                }
                Err(body) => head.set_body(body),
            };
            let mut res = res;
            info.set_request_id(res.headers_mut());
            return Answered::into_error(res, rejection::display_bounded(&err, 1000));
        }
    }
    // An app's JSON 4xx is its own once it is seen to be a JSON object or array (when its
    // body is in memory); text labelled JSON, or a bare JSON string, is text, as in `finish`.
    let json_4xx = status.is_client_error()
        && !marked.is_replaced()
        && is_json(res.headers())
        && res.body().size() != BodySize::Sized(0);
    let (res, app_json) = if json_4xx && !encoded {
        let (head, body) = res.into_parts();
        match body.try_into_bytes() {
            Ok(bytes) => {
                let json = response::is_app_json(&bytes);
                (head.set_body(BoxBody::new(bytes)), json)
            }
            Err(body) => (head.set_body(body), true),
        }
    } else {
        (res, json_4xx)
    };
    let ours = matches!(marked, Marked::Ours(_)) || app_json;
    let mut res = if ours {
        res
    } else {
        let described = describe(&err, None, status);
        let streamed = res.body().size() == BodySize::Stream;
        let (head, old) = res.into_parts();
        let (status, code, text, param) = match described {
            Some(described) => described,
            None => {
                // In memory (an error's `error_response()` almost always is), else unread.
                let text = if encoded {
                    String::new()
                } else {
                    in_memory_text(old, json_4xx)
                };
                (
                    status,
                    rejection::default_code(back_status(status)),
                    rejection::bounded(text.trim(), 1000).to_owned(),
                    None,
                )
            }
        };
        let rejection = Rejection {
            status: back_status(status),
            code,
            text: Some(text.as_str()),
            param: param.map(Into::into),
            unread: match (encoded, text.is_empty(), streamed) {
                (true, true, _) => Some(Unread::Compressed),
                (false, true, true) => Some(Unread::Streamed),
                _ => None,
            },
            quiet: false,
        };
        with_rendered(
            head.drop_body(),
            rejection::render_rejection(&rejection),
            set_error_headers,
        )
    };
    info.set_request_id(res.headers_mut());
    Answered::into_error(res, rejection::display_bounded(&err, 1000))
}

/// Sets the request id on a response and replaces error responses that are not in the
/// standard format.
async fn finish<B: MessageBody + 'static>(
    mut res: ServiceResponse<B>,
    info: &RequestInfo,
    ctx: &RequestContext,
) -> ServiceResponse<EitherBody<B>> {
    info.set_request_id(res.headers_mut());
    let status = res.status();
    let error = status.is_client_error() || status.is_server_error();
    if !error {
        return res.map_into_left_body();
    }
    // An error rendered outside any request: logged now, with this request's id.
    if let Some(here) = res.response().extensions().get::<RenderedHere>() {
        if !here.in_request() {
            ctx.scope(|| here.log_sent());
        }
    }
    // (A response to HEAD still has its body here: actix-web leaves it out when it writes
    // the response, after every middleware.)
    let encoded = is_encoded(res.headers());
    let marked = judge(
        res.response().extensions().get(),
        status,
        encoded,
        res.response().body().size(),
    );
    // A 5xx of ours: always sent from the mark's copy, so no text a middleware inside put
    // there goes out, whether its body cannot be told to be the one rendered (compressed or
    // a stream inside) or can only be told by its length (another text of the same length);
    // rendered again with the request's id if it was rendered outside any request.
    if status.is_server_error() {
        if let Some((here, kept)) = marked.here().and_then(|h| Some((h, h.kept()?))) {
            // Another body was on its head, or one that cannot be measured: the headers
            // that described it go (its name, language and location too).
            let other = marked.is_replaced()
                || encoded
                || matches!(res.response().body().size(), BodySize::Stream);
            let headers = if other {
                set_kept_headers
            } else {
                set_body_headers
            };
            let rendered = here.resend(kept, Some(ctx));
            let (req, response) = res.into_parts();
            let (response, _) = response.into_parts();
            return ServiceResponse::new(req, put_rendered(response, rendered, headers));
        }
    }
    // A derived 4xx whose body became a stream inside (a hook set a streamed body on its
    // head): its bytes cannot be checked without waiting, so the error is rendered again
    // from itself, as it was (not logged again), and no text a middleware set goes out.
    if status.is_client_error()
        && !encoded
        && matches!(marked, Marked::Ours(_))
        && res.response().body().size() == BodySize::Stream
    {
        let again = res
            .response()
            .error()
            .map(|e| ctx.scope(|| context::quietly(|| e.error_response())))
            .filter(|again| again.status() == status)
            .filter(|again| again.extensions().get::<RenderedHere>().is_some());
        if let Some(again) = again {
            // With the error's own headers (its name, language and location, not those of
            // the hook's body) and retry advice, as its mark keeps them.
            let mark = again.extensions().get::<RenderedHere>().cloned();
            if let (Some(mark), Ok(bytes)) = (mark, again.into_body().try_into_bytes()) {
                let rendered = ctx.scope(|| mark.render_again(back_status(status), &bytes));
                let (req, response) = res.into_parts();
                let (response, _) = response.into_parts();
                let response = put_rendered(response, rendered, set_kept_headers);
                return ServiceResponse::new(req, response);
            }
        }
    }
    // A 4xx of ours whose status a middleware inside changed (`ErrorHandlers` making a 404
    // a 410, its body the one rendered): rendered again for the status it goes out with
    // (and that status's retry advice), from the mark's copy if compressed or not there
    // without waiting.
    let len = match res.response().body().size() {
        BodySize::None => Some(0),
        BodySize::Sized(n) => Some(n),
        BodySize::Stream => None,
    };
    let restated = Marked::restated(
        res.response().extensions().get(),
        back_status(status),
        len,
        encoded,
    );
    if let Some(here) = restated {
        let (req, response) = res.into_parts();
        let (response, body) = response.into_parts();
        let bytes = match encoded.then(|| here.kept()).flatten() {
            Some(kept) => kept.body,
            None => read_back(body, &here).await,
        };
        // Another body of the same length, set with the status (or one that fails): not
        // ours, so judged as any other (the app's JSON goes on, text is the message).
        if !here.is_body(&bytes) {
            return judged_as_foreign(req, response, bytes, info, ctx).await;
        }
        let rendered = ctx.scope(|| here.restate(back_status(status), &bytes));
        let mut response = response;
        restate_retry_headers(response.headers_mut(), &here, rendered.retryable);
        return ServiceResponse::new(req, put_rendered(response, rendered, set_body_headers));
    }
    if let Marked::Ours(here) = marked {
        // Rendered outside any request (a spawned task), or in another request's context,
        // and sent in this one: rendered again with its id; from the mark's copy if an
        // inner middleware compressed it.
        if here.is_of(Some(ctx)) {
            return res.map_into_left_body();
        }
        if encoded {
            let Some(kept) = here.kept() else {
                return res.map_into_left_body();
            };
            let rendered = ctx.scope(|| here.render_again(back_status(status), &kept.body));
            let (req, response) = res.into_parts();
            let (response, _) = response.into_parts();
            return ServiceResponse::new(req, put_rendered(response, rendered, set_body_headers));
        }
        let (req, response) = res.into_parts();
        let (response, body) = response.into_parts();
        let bytes = read_back(body, &here).await;
        // Another body on this crate's head (set by a middleware inside, or one that
        // fails): not ours, so judged as any other; unless a JSON object (a middleware
        // inside added a field to the error), rendered again with this request's id.
        let enriched = is_json(response.headers()) && response::is_json_object(&bytes);
        if !here.is_body(&bytes) && !enriched {
            return judged_as_foreign(req, response, bytes, info, ctx).await;
        }
        let rendered = ctx.scope(|| here.render_again(back_status(response.status()), &bytes));
        let response = put_rendered(response, rendered, set_body_headers);
        return ServiceResponse::new(req, response);
    }
    // A JSON 4xx the app built itself is its own business, once it is seen to be a JSON
    // object or array, when its body is in memory (else it goes on as built). Text labelled
    // JSON (`DefaultHeaders` adding a JSON `content-type` to every response), or a bare
    // JSON string, is text: its message. Empty is no JSON at all; a 5xx never goes out as
    // built. A body set on this crate's JSON head is checked too: JSON (an inner middleware
    // added a field) goes on, text is the message.
    let size = res.response().body().size();
    let json_4xx = status.is_client_error() && is_json(res.headers());
    let empty = matches!(size, BodySize::Sized(0) | BodySize::None);
    if json_4xx && !marked.is_replaced() && !empty {
        if encoded {
            return res.map_into_left_body();
        }
        let (req, response) = res.into_parts();
        let (response, body) = response.into_parts();
        let bytes = match body.try_into_bytes() {
            Ok(bytes) => bytes,
            // In a middleware's own body type (`Logger`'s, a metrics wrapper's): read when its
            // length is known up front and within the bound, as it is then already there.
            // If it is not all there yet, it goes on as built: what was read, then the rest.
            Err(body) => match body.size() {
                BodySize::Sized(n) if n <= response::MAX_RENDERED_BODY as u64 => {
                    match read_whole(body, n).await {
                        Ok(bytes) => bytes,
                        Err(resumed) => {
                            let response =
                                response.set_body(EitherBody::right(BoxBody::new(resumed)));
                            return ServiceResponse::new(req, response);
                        }
                    }
                }
                _ => {
                    return ServiceResponse::new(req, response.set_body(body)).map_into_left_body()
                }
            },
        };
        if !response::is_app_json(&bytes) {
            let text = shown_text(&bytes, true);
            let described = describe_plain(&req, response.headers(), status, text, false);
            return replaced(req, response, described, None, ctx);
        }
        let response = response.set_body(EitherBody::right(BoxBody::new(bytes)));
        return ServiceResponse::new(req, response);
    }
    let check_json = json_4xx && marked.is_replaced();
    // Read whole to be checked (up to the bound of a body rendered here; past it, no text on
    // a JSON head is that long: the app's).
    if check_json && matches!(size, BodySize::Sized(n) if n > response::MAX_RENDERED_BODY as u64) {
        return res.map_into_left_body();
    }
    let limit = if check_json {
        response::MAX_RENDERED_BODY
    } else {
        rejection::MAX_REJECTION_BODY
    };

    // An actix error (extractor, routing) or a plain error response: describe it and send the
    // standard body instead.
    let (req, response) = res.into_parts();
    let described = response
        .error()
        .and_then(|e| describe(e, req.match_pattern().as_deref(), status));
    // The body's text is read (its first bytes) only when it is whole and plain: a length
    // known up front and no waiting for it, not compressed, and wanted (a 4xx's message; a
    // 5xx's cause for the log). A body could stall, and the answer with it.
    let readable = !is_encoded(response.headers())
        && matches!(response.body().size(), BodySize::Sized(n) if n > 0)
        && (status.is_client_error() || cfg!(feature = "tracing"));
    let (response, body) = response.into_parts();
    let mut unread = None;
    let described = match described {
        Some(d) => {
            drop(body);
            d
        }
        None => {
            // Whether any of the body was read (a JSON `null` read says nothing, but was read).
            let mut read = false;
            let text = if readable {
                let bytes = body_prefix(body, limit).await;
                read = !bytes.is_empty();
                if check_json
                    && size == BodySize::Sized(bytes.len() as u64)
                    && response::is_json_object(&bytes)
                {
                    // Still JSON: the app's own 4xx, as sent; or, if the error was rendered
                    // outside any request (its `request_id` null), rendered again from it.
                    if let Marked::Replaced(here) = &marked {
                        if !here.is_of(Some(ctx)) {
                            let rendered =
                                ctx.scope(|| here.render_again(back_status(status), &bytes));
                            let response = put_rendered(response, rendered, set_body_headers);
                            return ServiceResponse::new(req, response);
                        }
                    }
                    let mut response = response;
                    response.extensions_mut().remove::<RenderedHere>();
                    let response = response
                        .set_body(BoxBody::new(bytes))
                        .map_body(|_, body| EitherBody::right(body));
                    return ServiceResponse::new(req, response);
                }
                if check_json {
                    response::labelled_json_text(&bytes).into_owned()
                } else {
                    String::from_utf8_lossy(&bytes).into_owned()
                }
            } else {
                drop(body);
                // An actix error's own response once more (a middleware inside may have
                // compressed the first): what it says, if it is the same and in memory.
                let wanted = status.is_client_error() || cfg!(feature = "tracing");
                // Made again only to be read: its first rendering was logged.
                match response
                    .error()
                    .filter(|_| wanted)
                    .map(|e| context::quietly(|| e.error_response()))
                {
                    Some(again) if again.status() == status && !is_encoded(again.headers()) => {
                        let ours = again.extensions().get::<RenderedHere>().cloned();
                        // Under a JSON label, a bare JSON string is its value; this crate's
                        // own body is read as JSON, below.
                        let labelled =
                            ours.is_none() && status.is_client_error() && is_json(again.headers());
                        let text = in_memory_text(again.into_body(), labelled);
                        if let Some(here) = ours {
                            // This crate's own body (its first was emptied or cut inside):
                            // the error rendered again from it, not its JSON as a message.
                            let rendered = ctx
                                .scope(|| here.render_again(back_status(status), text.as_bytes()));
                            let response = put_rendered(response, rendered, set_body_headers);
                            return ServiceResponse::new(req, response);
                        }
                        text
                    }
                    _ => String::new(),
                }
            };
            if text.is_empty() && !read {
                unread = if encoded {
                    Some(Unread::Compressed)
                } else if matches!(size, BodySize::Stream | BodySize::Sized(1..)) {
                    // A stream, or a length whose bytes were not there without waiting.
                    Some(Unread::Streamed)
                } else {
                    None
                };
            }
            describe_plain(&req, response.headers(), status, text, encoded)
        }
    };
    replaced(req, response, described, unread, ctx)
}

/// The standard body of a rejection, in place of `response`'s (`unread`: why its text was
/// not read, for the log).
fn replaced<B>(
    req: HttpRequest,
    response: HttpResponse<()>,
    (status, code, text, param): Described,
    unread: Option<Unread>,
    ctx: &RequestContext,
) -> ServiceResponse<EitherBody<B>> {
    let rejection = Rejection {
        status: back_status(status),
        code,
        text: Some(text.as_str()),
        param: param.map(Into::into),
        unread,
        quiet: false,
    };
    let rendered = ctx.scope(|| rejection::render_rejection(&rejection));
    ServiceResponse::new(req, put_rendered(response, rendered, set_error_headers))
}

/// The text of a body held in memory (an actix error's own response almost always is),
/// bounded; empty for a stream, which is not read here.
fn in_memory_text(body: BoxBody, labelled_json: bool) -> String {
    match body.try_into_bytes() {
        Ok(bytes) => shown_text(&bytes, labelled_json),
        Err(_) => String::new(),
    }
}

/// The text of a body in memory, as far as a rejection reads it: under a JSON label, a
/// bare JSON string is its value (see [`response::labelled_json_text`]).
fn shown_text(bytes: &[u8], labelled_json: bool) -> String {
    let text = if labelled_json {
        response::labelled_json_text(bytes)
    } else {
        let shown = bytes.get(..rejection::MAX_REJECTION_BODY).unwrap_or(bytes);
        String::from_utf8_lossy(shown)
    };
    rejection::bounded(&text, rejection::MAX_REJECTION_BODY).to_owned()
}

/// The `n` bytes of a body whose length is known, if they are all there without waiting;
/// else the body as built, from what was read ([`Resumed`]): a body still coming, or one
/// that failed while it was read (its error is sent on).
async fn read_whole<B: MessageBody>(body: B, n: u64) -> Result<actix_web::web::Bytes, Resumed<B>> {
    let mut body = Box::pin(body);
    let mut failed = None;
    let (read, whole) = response::ready_bytes(response::MAX_RENDERED_BODY, |cx| {
        body.as_mut().poll_next(cx).map(|chunk| match chunk {
            Some(Ok(data)) => Some(Some(data)),
            Some(Err(error)) => {
                failed = Some(error);
                None
            }
            None => None,
        })
    })
    .await;
    if whole && failed.is_none() && read.len() as u64 == n {
        return Ok(read.into());
    }
    Err(Resumed {
        read: Some(read.into()),
        failed,
        rest: body,
        size: BodySize::Sized(n),
    })
}

/// Whether a response's `Allow` lists `method`.
fn allows(headers: &actix_web::http::header::HeaderMap, method: &actix_web::http::Method) -> bool {
    headers
        .get_all(actix_web::http::header::ALLOW)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|m| m.trim() == method.as_str())
}

/// A body on this crate's head, read back to render it again (see [`response::read_back`]:
/// never waiting on it).
async fn read_back<B: MessageBody>(body: B, here: &RenderedHere) -> Vec<u8> {
    let mut body = std::pin::pin!(body);
    response::read_back(here, |cx| {
        body.as_mut()
            .poll_next(cx)
            .map(|chunk| chunk.map(|data| data.map(Some).map_err(drop)))
    })
    .await
}

/// Bytes read back from this crate's head that are not the body rendered there: judged as
/// any other response (the app's JSON goes on, text is the message), without the mark.
async fn judged_as_foreign<B>(
    req: HttpRequest,
    response: HttpResponse<()>,
    bytes: Vec<u8>,
    info: &RequestInfo,
    ctx: &RequestContext,
) -> ServiceResponse<EitherBody<B>> {
    let mut response = response.set_body(BoxBody::new(bytes));
    response.extensions_mut().remove::<RenderedHere>();
    let judged = Box::pin(finish(ServiceResponse::new(req, response), info, ctx));
    judged
        .await
        .map_body(|_, body| EitherBody::right(BoxBody::new(body)))
}

/// A body whose first bytes were read already (what was there without waiting), sent as
/// it was built: those bytes, then the error that stopped the read, if one did, else the
/// rest.
struct Resumed<B: MessageBody> {
    read: Option<actix_web::web::Bytes>,
    failed: Option<B::Error>,
    rest: Pin<Box<B>>,
    size: BodySize,
}

// Nothing of it is pinned in place: the body is boxed, the error only moved out.
impl<B: MessageBody> Unpin for Resumed<B> {}

impl<B: MessageBody> MessageBody for Resumed<B> {
    type Error = B::Error;

    fn size(&self) -> BodySize {
        self.size
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<actix_web::web::Bytes, Self::Error>>> {
        let this = self.get_mut();
        if let Some(read) = this.read.take().filter(|read| !read.is_empty()) {
            return std::task::Poll::Ready(Some(Ok(read)));
        }
        if let Some(failed) = this.failed.take() {
            return std::task::Poll::Ready(Some(Err(failed)));
        }
        this.rest.as_mut().poll_next(cx)
    }
}

/// The first `limit` bytes of a body, if they are there without waiting (see
/// [`response::ready_prefix`]).
async fn body_prefix<B: MessageBody>(body: B, limit: usize) -> Vec<u8> {
    let mut body = std::pin::pin!(body);
    response::ready_prefix(limit, |cx| {
        body.as_mut()
            .poll_next(cx)
            .map(|chunk| chunk.and_then(Result::ok).map(Some))
    })
    .await
}

/// What a response's mark says of it: the same status and, unless an inner middleware
/// compressed it, the same body length (a body set on the same head, as `ErrorHandlers` and
/// `map_body` do, is not ours).
fn judge(mark: Option<&RenderedHere>, status: StatusCode, encoded: bool, size: BodySize) -> Marked {
    let len = match size {
        BodySize::None => Some(0),
        BodySize::Sized(n) => Some(n),
        BodySize::Stream => None,
    };
    Marked::judge(mark, status.as_u16(), len.filter(|_| !encoded))
}

/// `response` (its body taken out) with the rendered body and status, marked as this
/// crate's; `headers` sets the headers that go with the new body.
fn with_rendered(
    response: HttpResponse<()>,
    mut rendered: Rendered,
    headers: fn(&mut actix_web::http::header::HeaderMap, &Rendered),
) -> HttpResponse {
    // Retry advice on a response this crate rendered (for another status, or under another
    // body) was its own, not the app's: the table speaks again.
    if response.extensions().get::<RenderedHere>().is_some() {
        rendered.replacing = false;
    }
    let here = RenderedHere::of(&rendered);
    let mut response = response.set_body(BoxBody::new(std::mem::take(&mut rendered.body)));
    *response.status_mut() = convert_status(rendered.status);
    headers(response.headers_mut(), &rendered);
    response.extensions_mut().insert(here);
    response
}

/// [`with_rendered`], as the middleware's response type.
fn put_rendered<B>(
    response: HttpResponse<()>,
    rendered: Rendered,
    headers: fn(&mut actix_web::http::header::HeaderMap, &Rendered),
) -> HttpResponse<EitherBody<B>> {
    with_rendered(response, rendered, headers).map_body(|_, body| EitherBody::right(body))
}

type Described = (StatusCode, &'static str, String, Option<String>);

/// The status, code, text and param of an actix error, recognized by its type. Texts are
/// worded like axum's, so both integrations answer the same mistakes the same way. A 5xx's
/// text is its cause, only ever logged. `None` for a 4xx of a type it does not know: its
/// `Display` may say what only a log should, so the message is the response's own text,
/// what actix-web would have sent.
///
/// The status is the one axum gives the same mistake (422 for JSON of the wrong shape,
/// where actix-web says 400), unless the response no longer has the error's own status:
/// then a middleware inside (`ErrorHandlers`, a `from_fn` that answers bad JSON with 422)
/// chose it, and it stands.
fn describe(
    err: &actix_web::Error,
    pattern: Option<&str>,
    status: StatusCode,
) -> Option<Described> {
    let described = describe_by_type(err, pattern, status)?;
    if status != err.as_response_error().status_code() {
        let (_, code, text, param) = described;
        return Some((status, code, text, param));
    }
    Some(described)
}

/// [`describe`], with the status axum would give.
fn describe_by_type(
    err: &actix_web::Error,
    pattern: Option<&str>,
    status: StatusCode,
) -> Option<Described> {
    let text = || rejection::display_bounded(err, 1000);
    // A 5xx stays the 5xx it is, whatever its cause's type: its text is only logged.
    if status.is_server_error() {
        return Some((
            status,
            rejection::default_code(back_status(status)),
            text(),
            None,
        ));
    }
    let with = |prefix: &str, detail: &dyn fmt::Display| {
        format!("{prefix}: {}", rejection::display_bounded(detail, 1000))
    };
    if let Some(e) = err.as_error::<JsonPayloadError>() {
        return Some(match e {
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
                params::param_from_serde_message(&de.to_string()),
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
                rejection::default_code(back_status(status)),
                text(),
                None,
            ),
        });
    }
    if let Some(QueryPayloadError::Deserialize(de)) = err.as_error::<QueryPayloadError>() {
        return Some((
            StatusCode::BAD_REQUEST,
            "invalid_query",
            with("Failed to deserialize query string", de),
            params::param_from_serde_message(&de.to_string()),
        ));
    }
    // `web::Path` fails with `PathError` when the app has an error handler for it, else
    // with the bare serde error as a 404; both are a malformed path: 400, like axum.
    let typed = match err.as_error::<PathError>() {
        Some(PathError::Deserialize(de)) => Some(de),
        _ => None,
    };
    // The bare serde error is recognised by the 404 actix-web gives it on a route with path
    // parameters (or where the route is not known: a middleware's `Err`), never by type
    // alone: a handler's own `ErrorBadRequest(serde_error)`, or its
    // `ErrorNotFound(serde_error)` on a route without any, is the handler's.
    let bare = status == StatusCode::NOT_FOUND
        && pattern.is_none_or(params::has_path_params)
        && err
            .as_error::<InternalError<serde::de::value::Error>>()
            .is_some();
    if typed.is_some() || bare {
        let param = pattern.and_then(params::single_path_param);
        let detail: &dyn fmt::Display = match typed {
            Some(de) => de,
            None => err,
        };
        return Some((
            StatusCode::BAD_REQUEST,
            "invalid_path",
            with("Invalid URL", detail),
            param,
        ));
    }
    // `String`'s extractor on a body that is not in its encoding (UTF-8): a 400
    // `invalid_body`, as axum's `String` answers it.
    if status == StatusCode::BAD_REQUEST
        && err
            .as_error::<InternalError<&'static str>>()
            .is_some_and(|e| e.to_string() == "Can not decode body")
    {
        return Some((status, "invalid_body", text(), None));
    }
    if let Some(e) = err.as_error::<UrlencodedError>() {
        return Some(match e {
            UrlencodedError::ContentType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Form requests must have `Content-Type: application/x-www-form-urlencoded`"
                    .to_owned(),
                None,
            ),
            // A well-formed body of the wrong shape: 422, as axum answers it.
            UrlencodedError::Parse(de) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                with("Failed to deserialize form body", de),
                params::param_from_serde_message(&de.to_string()),
            ),
            _ => (
                status,
                rejection::default_code(back_status(status)),
                text(),
                None,
            ),
        });
    }
    None
}

/// The code and text of an error response without an actix error: unmatched routes, wrong
/// methods, bare statuses and plain-text bodies.
fn describe_plain(
    req: &HttpRequest,
    headers: &actix_web::http::header::HeaderMap,
    status: StatusCode,
    text: String,
    encoded: bool,
) -> Described {
    let text = text.trim();
    // A compressed body had text (actix-web's `Compress` leaves an empty one alone), unread:
    // not a framework answer without any, so the code does not depend on the client's
    // `Accept-Encoding`.
    let no_text = text.is_empty() && !encoded;
    let path = req.path();
    match status.as_u16() {
        // No resource took the request (actix-web's default service answered): no pattern
        // matched its path, or one did but its method guard refused it (`App::route` puts
        // the method on the resource). The match info then still holds the unrouted path;
        // a routed request's is used up.
        404 if no_text
            && (req.match_pattern().is_none() || !req.match_info().unprocessed().is_empty()) =>
        {
            (
                status,
                "route_not_found",
                rejection::unmatched_route_message(unmatched_method(req), path),
                None,
            )
        }
        // The method is one the resource has a route for (its `Allow` lists it), but a
        // guard of that route refused the request (`guard::Header`, say).
        405 if no_text && allows(headers, req.method()) => (
            status,
            "method_not_allowed",
            rejection::refused_by_guard_message(req.method().as_str(), path),
            None,
        ),
        405 if no_text => (
            status,
            "method_not_allowed",
            rejection::method_not_allowed_message(req.method().as_str(), path),
            None,
        ),
        _ => (
            status,
            rejection::default_code(back_status(status)),
            rejection::bounded(text, 1000).to_owned(),
            None,
        ),
    }
}

/// The method an unmatched-route message names: `GET` for a `HEAD` to a path no resource
/// has, which a `GET` would not find either, so its response announces the `content-length`
/// a `GET` gets (RFC 9110 §8.6). A `HEAD` that a resource's method guard refused keeps its
/// name: actix-web routes no `HEAD` to a `GET` route, and the `GET` may well be served.
fn unmatched_method(req: &HttpRequest) -> &str {
    if req.method() == actix_web::http::Method::HEAD && req.match_pattern().is_none() {
        "GET"
    } else {
        req.method().as_str()
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
        convert_status(self.status())
    }

    fn error_response(&self) -> HttpResponse {
        error_response(&**self)
    }
}
