//! The `tracing` feature: every rendered error is logged with what only the log may see.
//!
//! 5xx are logged at `error` with the error's full `Display` and `source()` chain, 4xx at
//! `debug`. The request id comes from the `request` span that `ApiErrorLayer` /
//! `ApiErrorMiddleware` wrap around each request (`request_id` field).

use std::any::Any;
use std::error::Error;
use std::fmt;

use http::StatusCode;

use crate::web::response::Cause;
use crate::ApiError;

/// The `source()` chain of an error, `": "`-separated, bounded to 16 links.
struct Sources<'a>(&'a dyn Error);

impl fmt::Display for Sources<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut next = self.0.source();
        let mut first = true;
        let mut n = 0;
        while let Some(e) = next {
            if n == 16 {
                return f.write_str(": ...");
            }
            if !first {
                f.write_str(": ")?;
            }
            write!(f, "{e}")?;
            first = false;
            n += 1;
            next = e.source();
        }
        Ok(())
    }
}

/// The span the integrations run each request in; `error_span` so the request id is there
/// whenever an `error` event is enabled.
pub(crate) fn request_span(request_id: &str) -> tracing::Span {
    tracing::error_span!("request", request_id = %request_id)
}

/// Logs an error that is being rendered.
pub(crate) fn rendered(err: &dyn ApiError, status: StatusCode) {
    let error: &dyn Error = &err;
    if status.is_server_error() {
        tracing::error!(
            status = status.as_u16(),
            code = err.code(),
            error = %error,
            sources = %Sources(error),
            "api error response"
        );
    } else {
        tracing::debug!(
            status = status.as_u16(),
            code = err.code(),
            error = %error,
            sources = %Sources(error),
            "api error response"
        );
    }
}

/// What the log says of `err` (its `Display` and `source()` chain), kept for a response
/// rendered outside any request.
pub(crate) fn cause(err: &dyn ApiError) -> Cause {
    let error: &dyn Error = &err;
    Cause {
        error: crate::__private::format(format_args!("{error}")),
        sources: crate::__private::format(format_args!("{}", Sources(error))),
    }
}

/// Logs an error response that was rendered outside any request (its own log line then had
/// no request id) as a request sends it, in that request's span: a 5xx at `error` with the
/// cause kept from the first rendering, a 4xx at `debug`.
pub(crate) fn rendered_again(status: StatusCode, code: &str, cause: Option<&Cause>) {
    let (error, sources) = cause.map_or(("", ""), |c| (c.error.as_str(), c.sources.as_str()));
    if status.is_server_error() {
        tracing::error!(
            status = status.as_u16(),
            code,
            error,
            sources,
            "api error response (rendered outside the request)"
        );
    } else {
        tracing::debug!(
            status = status.as_u16(),
            code,
            "api error response (rendered outside the request)"
        );
    }
}

/// Logs a framework rejection that was replaced by the standard body, with the framework's
/// text as `text` (not `message`: that is the event's own field, which formatters print
/// without a name and map-based ones would overwrite).
pub(crate) fn rejection(status: StatusCode, code: &str, text: &str) {
    if status.is_server_error() {
        tracing::error!(
            status = status.as_u16(),
            code,
            text,
            "framework error response"
        );
    } else {
        tracing::debug!(
            status = status.as_u16(),
            code,
            text,
            "framework error response"
        );
    }
}

/// Logs the message of a panic caught while handling a request.
pub(crate) fn panicked(payload: &(dyn Any + Send)) {
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(non-string panic payload)");
    tracing::error!(panic = message, "handler panicked");
}
