//! The `tracing` feature: every rendered error is logged with what only the log may see.
//!
//! 5xx are logged at `error` with the error's full `Display` and `source()` chain, 4xx at
//! `debug`. The request id comes from the `request` span that `ApiErrorLayer` /
//! `ApiErrorMiddleware` wrap around each request (`request_id` field).

use std::any::Any;
use std::error::Error;
use std::fmt;

use http::StatusCode;

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

/// Logs a framework rejection that was replaced by the standard body.
pub(crate) fn rejection(status: StatusCode, code: &str, message: &str) {
    if status.is_server_error() {
        tracing::error!(
            status = status.as_u16(),
            code,
            message,
            "framework error response"
        );
    } else {
        tracing::debug!(
            status = status.as_u16(),
            code,
            message,
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
