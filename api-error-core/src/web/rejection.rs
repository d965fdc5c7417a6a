//! The standard body for what a framework (or a handler returning a bare status or plain
//! text) answered instead of an [`ApiError`](crate::ApiError): its rejections, unmatched
//! routes, wrong methods, and panics. The wording is shared, so axum and actix-web answer the
//! same mistakes with the same words.

use std::borrow::Cow;

use http::StatusCode;

use super::context;
use super::guard::{self, Panic};
use super::response::Rendered;
use crate::format::{write_fields, Fields, Param, Text};
use crate::status;

/// How much of a framework's error text is read (bytes of body) and sent (characters).
pub(crate) const MAX_REJECTION_BODY: usize = 8 * 1024;
const MAX_MESSAGE_CHARS: usize = 500;
const MAX_PATH_CHARS: usize = 200;

/// What a framework reported about a failed request, before it becomes the standard body.
pub(crate) struct Rejection<'a> {
    pub status: StatusCode,
    pub code: &'static str,
    /// The framework's text, bounded before use: the message of a 4xx; for a 5xx only
    /// logged (with `tracing`), never sent.
    pub text: Option<&'a str>,
    pub param: Option<Cow<'a, str>>,
    /// Why the framework's text was not read, when it was not (only the log says it).
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub unread: Option<Unread>,
    /// Not logged: what it answers was logged already (a panic).
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub quiet: bool,
}

/// Why the text of a replaced response was not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unread {
    /// A layer or middleware inside compressed it (there was a text: tower-http's default
    /// predicate and actix-web's `Compress` never compress an empty body).
    Compressed,
    /// Not all there without waiting (a stream, or a chunk not in yet): a body is never
    /// waited on.
    Streamed,
}

impl Unread {
    /// What the log says of it.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub fn reason(self) -> &'static str {
        match self {
            Unread::Compressed => {
                "compressed inside the layer or middleware (put compression outside it to log this text)"
            }
            Unread::Streamed => "not all there without waiting (a stream), never waited on",
        }
    }
}

/// The standard body for a rejection, with the current request's id; 5xx always get the
/// generic message.
pub(crate) fn render_rejection(rejection: &Rejection<'_>) -> Rendered {
    let status = rejection.status;
    let text = rejection.text.map(str::trim).filter(|t| !t.is_empty());
    let message: Cow<'_, str> = if status.is_server_error() {
        Cow::Borrowed(status::generic_message(status))
    } else {
        match text {
            Some(text) => Cow::Owned(sentence(bounded(text, MAX_MESSAGE_CHARS))),
            None => Cow::Borrowed(default_message(status)),
        }
    };
    #[cfg(feature = "tracing")]
    if !rejection.quiet {
        let unread = rejection.unread.map(Unread::reason);
        crate::log::rejection(status, rejection.code, text, unread);
    }
    let (id, format) = context::current();
    let param = match rejection.param.as_deref() {
        Some(p) => Param::Text(Text::Raw(p)),
        None => Param::Json("null"),
    };
    let fields = Fields {
        status,
        message: Text::Raw(&message),
        error_type: Text::Escaped(status::default_type(status)),
        code: Text::Escaped(rejection.code),
        param,
        request_id: id.as_ref().map(|id| id.as_str()),
        errors: &[],
    };
    let mut body = Vec::with_capacity(192);
    write_fields(&format, &fields, &mut body);
    Rendered {
        status,
        content_type: format.content_type(),
        extra: &[],
        retryable: status::is_retryable(status),
        retry_after: None,
        body,
        request_id: id,
        cause: None,
        replacing: true,
    }
}

/// The 500 sent for a panic: the panic's message is logged (with `tracing`), never sent.
/// The payload is dropped here, where a destructor that panics too cannot unwind through
/// the response (see [`guard::drop_payload`]).
pub(crate) fn render_panic(payload: Panic) -> Rendered {
    #[cfg(feature = "tracing")]
    crate::log::panicked(&*payload);
    guard::drop_payload(payload);
    render_rejection(&Rejection {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        code: "internal_error",
        text: None,
        param: None,
        unread: None,
        // The panic's own line says it: one failure, one `error` event.
        quiet: true,
    })
}

#[cfg_attr(not(feature = "actix-web"), allow(unused_imports))]
pub(crate) use crate::text::{bounded, display_bounded};

/// A request path as it may appear in a message.
pub(crate) fn bounded_path(path: &str) -> &str {
    bounded(path, MAX_PATH_CHARS)
}

/// Framework texts (`"Failed to parse the request body as JSON: ..."`) as one sentence.
fn sentence(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 1);
    s.push_str(text);
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}

/// The public message for a status when the framework gave no (readable) text.
pub(crate) fn default_message(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "The request was invalid.",
        401 => "Authentication is required.",
        403 => "You do not have permission to perform this request.",
        404 => "The requested resource was not found.",
        405 => "The request method is not allowed for this URL.",
        406 => "The requested representation is not available.",
        408 => "The request timed out.",
        409 => "The request conflicts with the current state of the resource.",
        411 => "The request must declare its Content-Length.",
        413 => "The request body is too large.",
        414 => "The request URL is too long.",
        415 => "The request's Content-Type is not supported.",
        422 => "The request body could not be processed.",
        429 => "Too many requests.",
        431 => "The request headers are too large.",
        500..=599 => status::generic_message(status),
        _ => "The request could not be completed.",
    }
}

/// A code for a status when nothing more specific is known.
pub(crate) fn default_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "invalid_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        408 => "request_timeout",
        409 => "conflict",
        411 => "length_required",
        413 => "payload_too_large",
        414 => "uri_too_long",
        415 => "unsupported_media_type",
        422 => "invalid_body",
        429 => "rate_limited",
        431 => "headers_too_large",
        501 => "not_implemented",
        502 => "bad_gateway",
        503 => "service_unavailable",
        504 => "gateway_timeout",
        500..=599 => "internal_error",
        _ => "invalid_request",
    }
}

/// `Unrecognized request URL (GET: /v1/nope).` with the path bounded.
pub(crate) fn unmatched_route_message(method: &str, path: &str) -> String {
    format!(
        "Unrecognized request URL ({}: {}).",
        message_method(method),
        bounded_path(path)
    )
}

/// `Method DELETE is not allowed for /v1/charges.` with the path bounded.
pub(crate) fn method_not_allowed_message(method: &str, path: &str) -> String {
    format!(
        "Method {} is not allowed for {}.",
        message_method(method),
        bounded_path(path)
    )
}

/// The message of a 405 for a method the resource has a route for, whose guards refused
/// the request (actix-web's route guards).
#[cfg(feature = "actix-web")]
pub(crate) fn refused_by_guard_message(method: &str, path: &str) -> String {
    format!(
        "The route for {} {} did not accept this request.",
        message_method(method),
        bounded_path(path)
    )
}

/// The method as a message names it (bounded).
fn message_method(method: &str) -> &str {
    bounded(method, 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert_eq!(bounded("héllo", 2), "hé");
        assert_eq!(bounded("hi", 5), "hi");
        assert_eq!(display_bounded(&"héllo", 2), "hé");
        assert_eq!(display_bounded(&"hi", 5), "hi");
        assert_eq!(
            display_bounded(&format_args!("{}{}", "ab", "cdé"), 4),
            "abcd"
        );
        struct Fails;
        impl std::fmt::Display for Fails {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("half")?;
                Err(std::fmt::Error)
            }
        }
        assert_eq!(display_bounded(&Fails, 100), "half");
    }

    #[test]
    fn server_errors_never_send_their_text() {
        let rendered = render_rejection(&Rejection {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal_error",
            text: Some("upstream token sk_live_123 rejected"),
            param: None,
            unread: None,
            quiet: false,
        });
        let body = String::from_utf8(rendered.body).unwrap_or_default();
        assert!(!body.contains("sk_live"), "{body}");
        assert!(body.contains("An internal error occurred."), "{body}");
        assert!(body.ends_with(r#""request_id":null}"#), "{body}");
    }
}
