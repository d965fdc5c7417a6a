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

/// The most of an error's `Display` (and of its `source()` chain) a log line holds, in
/// characters: an error that echoes a client's input (a 2 MiB body) stays a line.
const MAX_LOGGED_CHARS: usize = 4096;

/// What `value` displays, bounded, recorded as a quoted string with its control characters
/// escaped: a newline a client put in an error's text cannot start a forged log line.
/// Formatted only when a subscriber records the event.
struct Shown<T>(T);

impl<T: fmt::Display> fmt::Debug for Shown<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&logged_text(&self.0), f)
    }
}

/// What `value` displays, cut to [`MAX_LOGGED_CHARS`]; a text that was cut ends in `…`, so
/// the log says that more followed.
fn logged_text(value: &dyn fmt::Display) -> String {
    let mut text = crate::text::display_bounded(value, MAX_LOGGED_CHARS + 1);
    if let Some((last, _)) = text.char_indices().nth(MAX_LOGGED_CHARS) {
        text.truncate(last);
        text.push('…');
    }
    text
}

/// The span the integrations run each request in; `error_span` so the request id is there
/// whenever an `error` event is enabled.
pub(crate) fn request_span(request_id: &str) -> tracing::Span {
    tracing::error_span!("request", request_id = %request_id)
}

/// Logs an error that is being rendered in a request (outside any, see [`cause`]).
pub(crate) fn rendered(err: &dyn ApiError, status: StatusCode) {
    let error: &dyn Error = &err;
    if status.is_server_error() {
        tracing::error!(
            status = status.as_u16(),
            code = err.code(),
            error = ?Shown(error),
            sources = ?Shown(Sources(error)),
            "api error response"
        );
    } else {
        tracing::debug!(
            status = status.as_u16(),
            code = err.code(),
            error = ?Shown(error),
            sources = ?Shown(Sources(error)),
            "api error response"
        );
    }
}

/// What the log says of `err`, rendered outside any request: logged once, by the request
/// that sends the response (with its id, [`Cause::log_sent`]), or, if none does, when the
/// last copy of the response goes.
pub(crate) fn cause(err: &dyn ApiError, status: StatusCode) -> Cause {
    let error: &dyn Error = &err;
    Cause {
        status,
        code: err.code().to_owned(),
        error: logged_text(&error),
        sources: logged_text(&Sources(error)),
        logged: std::sync::atomic::AtomicBool::new(false),
    }
}

impl Cause {
    /// Logs it, once, in the current span: a request sends the response (5xx at `error`, 4xx
    /// at `debug`).
    pub(crate) fn log_sent(&self) {
        if !self.logged.swap(true, std::sync::atomic::Ordering::Relaxed) {
            self.log(false);
        }
    }

    fn log(&self, alone: bool) {
        let (status, code) = (self.status.as_u16(), self.code.as_str());
        let (error, sources) = (Shown(&self.error), Shown(&self.sources));
        // Alone (no request sent it): without a parent span, not in whichever request's
        // span happens to drop the response.
        let (parent, what) = if alone {
            (None, "api error response")
        } else {
            let current = tracing::Span::current().id();
            (current, "api error response (rendered outside the request)")
        };
        if self.status.is_server_error() {
            tracing::error!(parent: parent, status, code, error = ?error, sources = ?sources, "{what}");
        } else {
            tracing::debug!(parent: parent, status, code, error = ?error, sources = ?sources, "{what}");
        }
    }
}

impl Drop for Cause {
    fn drop(&mut self) {
        if !self.logged.swap(true, std::sync::atomic::Ordering::Relaxed) {
            self.log(true);
        }
    }
}

/// Logs a framework rejection that was replaced by the standard body, with the framework's
/// text as `text` (not `message`: that is the event's own field, which formatters print
/// without a name and map-based ones would overwrite), or, when its text was not read,
/// why not as `unread`.
pub(crate) fn rejection(status: StatusCode, code: &str, text: Option<&str>, unread: Option<&str>) {
    let text = Shown(text.unwrap_or(""));
    if status.is_server_error() {
        tracing::error!(
            status = status.as_u16(),
            code,
            text = ?text,
            unread,
            "framework error response"
        );
    } else {
        tracing::debug!(
            status = status.as_u16(),
            code,
            text = ?text,
            unread,
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
    tracing::error!(panic = ?Shown(message), "handler panicked");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text past the bound is cut there and says so; one at the bound is whole.
    #[test]
    fn logged_texts_say_when_they_were_cut() {
        let at = "é".repeat(MAX_LOGGED_CHARS);
        assert_eq!(logged_text(&at), at);
        let over = format!("{at}x");
        let logged = logged_text(&over);
        assert_eq!(logged.chars().count(), MAX_LOGGED_CHARS + 1);
        assert!(logged.ends_with("é…"), "{}", &logged[logged.len() - 8..]);
    }
}
