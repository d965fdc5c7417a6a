//! Wire formats: the same error as the flat body of SPEC §3, wrapped as OpenAI's
//! `{"error":{...}}`, or as RFC 9457 `application/problem+json`.
//!
//! Every format is written straight into a byte buffer, without serde_json: static parts
//! (pre-rendered by the derive) are copied as they are, dynamic ones escaped in place.

use std::fmt;
use std::sync::Arc;

use http::StatusCode;

use crate::json;
use crate::{ApiError, FieldError};

/// The shape of an error body on the wire.
///
/// | format | `content-type` | body |
/// |---|---|---|
/// | [`Flat`](WireFormat::Flat) (default) | `application/json` | `{"message":…,"type":…,"code":…,"param":…,"request_id":…}` |
/// | [`Enveloped`](WireFormat::Enveloped) | `application/json` | `{"error":{…the flat object…}}`, as the OpenAI API sends it |
/// | [`Problem`](WireFormat::Problem) | `application/problem+json` | RFC 9457: `type`, `title`, `status`, `detail`, then `code`, `param`, `request_id`, `errors` (when there are [field errors](crate::FieldErrors)) and `error_type` |
///
/// A problem's `type` is a URI: the configured base joined with the code
/// (`https://docs.example.com/errors/resource_missing`, see
/// [`ErrorFormat::problem_type_base`]), or `about:blank` when no base is set. Its `title`
/// is the status's reason phrase, `detail` the public message, and the extension member
/// `error_type` carries the flat body's `type` (the category), so a client rebuilds the flat
/// body exactly. 5xx are redacted the same way in every format. There is no `instance`: the
/// `request_id` member identifies the occurrence without echoing a URL that may carry
/// identifiers.
///
/// ```
/// use api_error_core::{ApiError, WireFormat};
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// #[error("No such customer: {id}")]
/// #[api_error(status = 404, code = "resource_missing", param = "customer")]
/// struct CustomerNotFound { id: String }
///
/// let err = CustomerNotFound { id: "cus_1".into() };
/// let mut out = Vec::new();
/// WireFormat::Enveloped.write(&err, Some("req_1"), &mut out);
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     r#"{"error":{"message":"No such customer: cus_1","type":"not_found_error","code":"resource_missing","param":"customer","request_id":"req_1"}}"#
/// );
///
/// let mut out = Vec::new();
/// WireFormat::Problem.write(&err, Some("req_1"), &mut out);
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     r#"{"type":"about:blank","title":"Not Found","status":404,"detail":"No such customer: cus_1","code":"resource_missing","param":"customer","request_id":"req_1","error_type":"not_found_error"}"#
/// );
/// assert_eq!(WireFormat::Problem.content_type(), "application/problem+json");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum WireFormat {
    /// The standard body of SPEC §3.
    #[default]
    Flat,
    /// `{"error":{…the flat object…}}`.
    Enveloped,
    /// RFC 9457 problem details.
    Problem,
}

/// `application/json`.
pub(crate) const JSON: &str = "application/json";
/// `application/problem+json`.
pub(crate) const PROBLEM_JSON: &str = "application/problem+json";
/// The problem member that carries the flat body's `type`.
///
/// ```
/// use api_error_core::{WireFormat, PROBLEM_ERROR_TYPE_MEMBER};
/// # #[derive(Debug)] struct Gone;
/// # impl std::fmt::Display for Gone { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("gone") } }
/// # impl std::error::Error for Gone {}
/// # impl api_error_core::ApiError for Gone {
/// #     fn status(&self) -> http::StatusCode { http::StatusCode::GONE }
/// #     fn error_type(&self) -> &'static str { "invalid_request_error" }
/// #     fn code(&self) -> &'static str { "gone" }
/// #     fn message(&self) -> std::borrow::Cow<'_, str> { "It is gone.".into() }
/// #     fn param(&self) -> Option<std::borrow::Cow<'_, str>> { None }
/// # }
/// let mut out = Vec::new();
/// WireFormat::Problem.write(&Gone, None, &mut out);
/// let body: serde_json::Value = serde_json::from_slice(&out).unwrap();
/// assert_eq!(body[PROBLEM_ERROR_TYPE_MEMBER], "invalid_request_error");
/// ```
pub const PROBLEM_ERROR_TYPE_MEMBER: &str = "error_type";

impl WireFormat {
    /// The `content-type` a body in this format is sent with.
    ///
    /// ```
    /// use api_error_core::WireFormat;
    ///
    /// assert_eq!(WireFormat::Flat.content_type(), "application/json");
    /// assert_eq!(WireFormat::Enveloped.content_type(), "application/json");
    /// assert_eq!(WireFormat::Problem.content_type(), "application/problem+json");
    /// ```
    pub const fn content_type(self) -> &'static str {
        match self {
            WireFormat::Flat | WireFormat::Enveloped => JSON,
            WireFormat::Problem => PROBLEM_JSON,
        }
    }

    /// Appends `err`'s body in this format (a problem's `type` is `about:blank`; use an
    /// [`ErrorFormat`] for a type base). Byte-identical to what the integrations send.
    ///
    /// ```
    /// use api_error_core::WireFormat;
    /// # #[derive(Debug)] struct Gone;
    /// # impl std::fmt::Display for Gone { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("gone") } }
    /// # impl std::error::Error for Gone {}
    /// # impl api_error_core::ApiError for Gone {
    /// #     fn status(&self) -> http::StatusCode { http::StatusCode::GONE }
    /// #     fn error_type(&self) -> &'static str { "invalid_request_error" }
    /// #     fn code(&self) -> &'static str { "gone" }
    /// #     fn message(&self) -> std::borrow::Cow<'_, str> { "It is gone.".into() }
    /// #     fn param(&self) -> Option<std::borrow::Cow<'_, str>> { None }
    /// # }
    /// let mut out = Vec::new();
    /// WireFormat::Enveloped.write(&Gone, Some("req_1"), &mut out);
    /// assert_eq!(
    ///     String::from_utf8(out).unwrap(),
    ///     r#"{"error":{"message":"It is gone.","type":"invalid_request_error","code":"gone","param":null,"request_id":"req_1"}}"#
    /// );
    /// ```
    pub fn write(self, err: &dyn ApiError, request_id: Option<&str>, out: &mut Vec<u8>) {
        ErrorFormat::new(self).write(err, request_id, out);
    }
}

/// A [`WireFormat`] with its settings: what the integrations render every error with, and a
/// way to render any [`ApiError`] exactly as they do (tests, other frameworks).
///
/// ```
/// use api_error_core::{ApiError, ErrorFormat, WireFormat};
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// #[error("database down")]
/// #[api_error(status = 503, code = "database_unavailable")]
/// struct Down;
///
/// let format = ErrorFormat::new(WireFormat::Problem)
///     .problem_type_base("https://docs.example.com/errors/");
/// let mut out = Vec::new();
/// format.write(&Down, None, &mut out);
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     r#"{"type":"https://docs.example.com/errors/database_unavailable","title":"Service Unavailable","status":503,"detail":"The service is temporarily unavailable.","code":"database_unavailable","param":null,"request_id":null,"error_type":"api_error"}"#
/// );
/// assert_eq!(format.content_type(), "application/problem+json");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ErrorFormat {
    wire: WireFormat,
    /// The problem type base, JSON-escaped once when set. Behind a thin pointer (`Arc` of a
    /// `Box`), so that a format is two words: the layers move one into each request's
    /// context, and into the thread-local and back on every poll.
    type_base: Option<Arc<Box<str>>>,
}

impl ErrorFormat {
    /// The flat format of SPEC §3.
    ///
    /// ```
    /// use api_error_core::{ErrorFormat, WireFormat};
    ///
    /// assert_eq!(ErrorFormat::FLAT, ErrorFormat::new(WireFormat::Flat));
    /// assert_eq!(ErrorFormat::default(), ErrorFormat::FLAT);
    /// ```
    pub const FLAT: ErrorFormat = ErrorFormat {
        wire: WireFormat::Flat,
        type_base: None,
    };

    /// `wire` without a problem type base.
    ///
    /// ```
    /// use api_error_core::{ErrorFormat, WireFormat};
    ///
    /// let format = ErrorFormat::new(WireFormat::Problem);
    /// assert_eq!(format.wire_format(), WireFormat::Problem);
    /// ```
    #[must_use]
    pub const fn new(wire: WireFormat) -> ErrorFormat {
        ErrorFormat {
            wire,
            type_base: None,
        }
    }

    /// Problem `type`s become `base` joined with the error's code
    /// (`https://docs.example.com/errors/resource_missing`) instead of `about:blank`.
    ///
    /// A base that ends in a separator of your choice, any ASCII punctuation (`/`, `#`, `:`,
    /// `=`, `-`, ...: `https://docs.example.com/errors#`, `urn:example:error:`), is followed
    /// by the code directly; any other (`https://docs.example.com/errors`, `.../エラー`) ends
    /// a path segment and gets a `/` before the code. An empty base (surrounding whitespace
    /// aside) is no base: `about:blank`.
    ///
    /// ```
    /// use api_error_core::{ErrorFormat, WireFormat};
    /// # #[derive(Debug)] struct Gone;
    /// # impl std::fmt::Display for Gone { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("gone") } }
    /// # impl std::error::Error for Gone {}
    /// # impl api_error_core::ApiError for Gone {
    /// #     fn status(&self) -> http::StatusCode { http::StatusCode::GONE }
    /// #     fn error_type(&self) -> &'static str { "invalid_request_error" }
    /// #     fn code(&self) -> &'static str { "gone" }
    /// #     fn message(&self) -> std::borrow::Cow<'_, str> { "It is gone.".into() }
    /// #     fn param(&self) -> Option<std::borrow::Cow<'_, str>> { None }
    /// # }
    /// let format = ErrorFormat::new(WireFormat::Problem).problem_type_base("https://docs.example.com/errors/");
    /// let mut out = Vec::new();
    /// format.write(&Gone, None, &mut out);
    /// assert!(out.starts_with(br#"{"type":"https://docs.example.com/errors/gone","#));
    ///
    /// // The same without the trailing slash; a fragment base as it is.
    /// let joined = format.clone().problem_type_base("https://docs.example.com/errors");
    /// out.clear();
    /// joined.write(&Gone, None, &mut out);
    /// assert!(out.starts_with(br#"{"type":"https://docs.example.com/errors/gone","#));
    /// let fragment = format.clone().problem_type_base("https://docs.example.com/errors#");
    /// out.clear();
    /// fragment.write(&Gone, None, &mut out);
    /// assert!(out.starts_with(br#"{"type":"https://docs.example.com/errors#gone","#));
    ///
    /// // No base: about:blank.
    /// out.clear();
    /// format.problem_type_base("").write(&Gone, None, &mut out);
    /// assert!(out.starts_with(br#"{"type":"about:blank","#));
    /// ```
    #[must_use]
    pub fn problem_type_base(mut self, base: impl AsRef<str>) -> ErrorFormat {
        let base = base.as_ref().trim();
        if base.is_empty() {
            self.type_base = None;
            return self;
        }
        let mut escaped = Vec::with_capacity(base.len() + 1);
        json::escape_into(&mut escaped, base);
        // A base that ends a path segment (no separator of its own) is joined by a `/`.
        if !base.ends_with(|c: char| c.is_ascii_punctuation()) {
            escaped.push(b'/');
        }
        self.type_base = Some(Arc::new(
            String::from_utf8_lossy(&escaped)
                .into_owned()
                .into_boxed_str(),
        ));
        self
    }

    /// The same settings in another wire format (the integrations' `Accept` negotiation).
    #[must_use]
    #[cfg_attr(
        not(any(
            feature = "axum",
            feature = "actix-web",
            feature = "utoipa",
            feature = "aide"
        )),
        allow(dead_code)
    )]
    pub(crate) fn with_wire(&self, wire: WireFormat) -> ErrorFormat {
        ErrorFormat {
            wire,
            type_base: self.type_base.clone(),
        }
    }

    /// The wire format.
    ///
    /// ```
    /// use api_error_core::{ErrorFormat, WireFormat};
    ///
    /// assert_eq!(ErrorFormat::FLAT.wire_format(), WireFormat::Flat);
    /// ```
    pub fn wire_format(&self) -> WireFormat {
        self.wire
    }

    /// The `content-type` a body in this format is sent with.
    ///
    /// ```
    /// use api_error_core::{ErrorFormat, WireFormat};
    ///
    /// assert_eq!(ErrorFormat::new(WireFormat::Problem).content_type(), "application/problem+json");
    /// ```
    pub fn content_type(&self) -> &'static str {
        self.wire.content_type()
    }

    /// Appends `err`'s body in this format: byte-identical to what `ApiErrorLayer` and
    /// `ApiErrorMiddleware` send. The flat object, alone or in its envelope, is the error's
    /// [`write_json`](ApiError::write_json) (so a hand-written override of it is what goes
    /// on the wire); a problem is its [`write_body`](ApiError::write_body).
    ///
    /// ```
    /// use api_error_core::ErrorFormat;
    /// # #[derive(Debug)] struct Gone;
    /// # impl std::fmt::Display for Gone { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("gone") } }
    /// # impl std::error::Error for Gone {}
    /// # impl api_error_core::ApiError for Gone {
    /// #     fn status(&self) -> http::StatusCode { http::StatusCode::GONE }
    /// #     fn error_type(&self) -> &'static str { "invalid_request_error" }
    /// #     fn code(&self) -> &'static str { "gone" }
    /// #     fn message(&self) -> std::borrow::Cow<'_, str> { "It is gone.".into() }
    /// #     fn param(&self) -> Option<std::borrow::Cow<'_, str>> { None }
    /// # }
    /// let mut out = Vec::new();
    /// ErrorFormat::FLAT.write(&Gone, None, &mut out);
    /// assert_eq!(
    ///     String::from_utf8(out).unwrap(),
    ///     r#"{"message":"It is gone.","type":"invalid_request_error","code":"gone","param":null,"request_id":null}"#
    /// );
    /// ```
    pub fn write(&self, err: &dyn ApiError, request_id: Option<&str>, out: &mut Vec<u8>) {
        match self.wire {
            WireFormat::Flat => err.write_json(request_id, out),
            WireFormat::Enveloped => {
                out.extend_from_slice(b"{\"error\":");
                err.write_json(request_id, out);
                out.push(b'}');
            }
            WireFormat::Problem => err.write_body(self, request_id, out),
        }
    }
}

impl From<WireFormat> for ErrorFormat {
    fn from(wire: WireFormat) -> ErrorFormat {
        ErrorFormat::new(wire)
    }
}

/// A string of a body: already JSON-escaped (static parts the derive rendered, snake_case
/// codes), or text to escape on the way out.
#[derive(Clone, Copy)]
pub(crate) enum Text<'a> {
    Escaped(&'a str),
    Raw(&'a str),
    Display(&'a dyn fmt::Display),
}

impl Text<'_> {
    fn write(self, out: &mut Vec<u8>) {
        match self {
            Text::Escaped(s) => out.extend_from_slice(s.as_bytes()),
            Text::Raw(s) => json::escape_into(out, s),
            Text::Display(d) => json::escape_fmt(out, format_args!("{d}")),
        }
    }
}

/// A body's `param`.
#[derive(Clone, Copy)]
pub(crate) enum Param<'a> {
    /// The JSON value as it goes out (`null` or `"customer"`, quotes included).
    Json(&'a str),
    /// A string to quote.
    Text(Text<'a>),
}

impl Param<'_> {
    fn write(self, out: &mut Vec<u8>) {
        match self {
            Param::Json(s) => out.extend_from_slice(s.as_bytes()),
            Param::Text(t) => {
                out.push(b'"');
                t.write(out);
                out.push(b'"');
            }
        }
    }
}

/// Everything a body says, in whichever format.
pub(crate) struct Fields<'a> {
    pub status: StatusCode,
    pub message: Text<'a>,
    pub error_type: Text<'a>,
    pub code: Text<'a>,
    pub param: Param<'a>,
    pub request_id: Option<&'a str>,
    /// The field errors: the `errors` member, after `request_id`, when there are any.
    pub errors: &'a [FieldError],
}

impl<'a> Fields<'a> {
    /// The fields of a body, every string escaped on the way out.
    pub(crate) fn from_body(
        status: StatusCode,
        body: &'a crate::ErrorBody<'_>,
        request_id: Option<&'a str>,
    ) -> Fields<'a> {
        Fields {
            status,
            message: Text::Raw(&body.message),
            error_type: Text::Raw(&body.r#type),
            code: Text::Raw(&body.code),
            param: match &body.param {
                Some(p) => Param::Text(Text::Raw(p)),
                None => Param::Json("null"),
            },
            request_id,
            // A 5xx sends no details: field errors included (see `ApiError::to_body`).
            errors: if status.is_server_error() {
                &[]
            } else {
                &body.errors
            },
        }
    }
}

/// Writes `fields` in `format`.
pub(crate) fn write_fields(format: &ErrorFormat, fields: &Fields<'_>, out: &mut Vec<u8>) {
    match format.wire {
        WireFormat::Flat => write_flat(fields, out),
        WireFormat::Enveloped => {
            out.extend_from_slice(b"{\"error\":");
            write_flat(fields, out);
            out.push(b'}');
        }
        WireFormat::Problem => write_problem(format, fields, out),
    }
}

/// The flat body of SPEC §3 (`status` is not part of it).
pub(crate) fn write_flat(f: &Fields<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"message\":\"");
    f.message.write(out);
    out.extend_from_slice(b"\",\"type\":\"");
    f.error_type.write(out);
    out.extend_from_slice(b"\",\"code\":\"");
    f.code.write(out);
    out.extend_from_slice(b"\",\"param\":");
    f.param.write(out);
    out.extend_from_slice(b",\"request_id\":");
    json::write_opt_string(out, f.request_id);
    json::write_field_errors(out, f.errors);
    out.push(b'}');
}

fn write_problem(format: &ErrorFormat, f: &Fields<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"type\":\"");
    match &format.type_base {
        Some(base) => {
            out.extend_from_slice(base.as_bytes());
            f.code.write(out);
        }
        None => out.extend_from_slice(b"about:blank"),
    }
    out.extend_from_slice(b"\",\"title\":\"");
    out.extend_from_slice(title(f.status).as_bytes());
    out.extend_from_slice(b"\",\"status\":");
    write_status(out, f.status);
    out.extend_from_slice(b",\"detail\":\"");
    f.message.write(out);
    out.extend_from_slice(b"\",\"code\":\"");
    f.code.write(out);
    out.extend_from_slice(b"\",\"param\":");
    f.param.write(out);
    out.extend_from_slice(b",\"request_id\":");
    json::write_opt_string(out, f.request_id);
    json::write_field_errors(out, f.errors);
    out.extend_from_slice(b",\"error_type\":\"");
    f.error_type.write(out);
    out.extend_from_slice(b"\"}");
}

/// A body this crate rendered, in any of the three formats, read back exactly (the inverse of
/// [`write_fields`] but for the status and a problem's `type` and `title`, which say nothing
/// the status does not): `None` for bytes that are no such body.
#[cfg(any(feature = "axum", feature = "actix-web"))]
pub(crate) fn read_rendered(bytes: &[u8]) -> Option<crate::ErrorBody<'static>> {
    use serde::Deserialize;
    use std::borrow::Cow;

    #[derive(Deserialize)]
    struct Envelope {
        error: crate::ErrorBody<'static>,
    }
    /// The members of a problem that the flat body has (`error_type` is
    /// [`PROBLEM_ERROR_TYPE_MEMBER`]).
    #[derive(Deserialize)]
    struct Problem {
        detail: String,
        code: String,
        #[serde(default)]
        param: Option<String>,
        #[serde(default)]
        request_id: Option<String>,
        #[serde(default)]
        errors: Option<Vec<FieldError>>,
        error_type: String,
    }
    if let Ok(body) = serde_json::from_slice::<crate::ErrorBody<'static>>(bytes) {
        return Some(body);
    }
    if let Ok(Envelope { error }) = serde_json::from_slice(bytes) {
        return Some(error);
    }
    let p: Problem = serde_json::from_slice(bytes).ok()?;
    Some(crate::ErrorBody {
        message: Cow::Owned(p.detail),
        r#type: Cow::Owned(p.error_type),
        code: Cow::Owned(p.code),
        param: p.param.map(Cow::Owned),
        request_id: p.request_id.map(Cow::Owned),
        errors: Cow::Owned(p.errors.unwrap_or_default()),
    })
}

/// A problem's `title`: the status's reason phrase (plain ASCII, nothing to escape).
pub(crate) fn title(status: StatusCode) -> &'static str {
    status
        .canonical_reason()
        .unwrap_or(if status.is_server_error() {
            "Server Error"
        } else {
            "Client Error"
        })
}

/// The three digits of a status.
fn write_status(out: &mut Vec<u8>, status: StatusCode) {
    let n = status.as_u16();
    out.extend_from_slice(&[
        b'0' + (n / 100 % 10) as u8,
        b'0' + (n / 10 % 10) as u8,
        b'0' + (n % 10) as u8,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert_eq!(title(StatusCode::NOT_FOUND), "Not Found");
        assert_eq!(
            title(StatusCode::from_u16(499).unwrap_or_default()),
            "Client Error"
        );
        let mut out = Vec::new();
        write_status(&mut out, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(out, b"429");
    }

    /// Reading rendered bodies back (what the layer and middleware do).
    #[cfg(any(feature = "axum", feature = "actix-web"))]
    mod read_back {
        use super::*;

        /// An error of any status, message and param, with field errors or none.
        #[derive(Debug)]
        struct Any {
            status: StatusCode,
            message: &'static str,
            param: Option<&'static str>,
            errors: Vec<FieldError>,
        }
        impl fmt::Display for Any {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.message)
            }
        }
        impl std::error::Error for Any {}
        impl ApiError for Any {
            fn status(&self) -> StatusCode {
                self.status
            }
            fn error_type(&self) -> &'static str {
                "invalid_request_error"
            }
            fn code(&self) -> &'static str {
                "odd"
            }
            fn message(&self) -> std::borrow::Cow<'_, str> {
                self.message.into()
            }
            fn param(&self) -> Option<std::borrow::Cow<'_, str>> {
                self.param.map(Into::into)
            }
            fn field_errors(&self) -> &[FieldError] {
                &self.errors
            }
        }

        /// Every format reads back exactly as rendered, blank and padded messages too (the
        /// client's lenient parser would make a blank one the status's reason, and take a
        /// problem's title for it).
        #[test]
        fn rendered_bodies_read_back_exactly_in_every_format() {
            let status = |n| StatusCode::from_u16(n).unwrap_or_default();
            let errors = vec![FieldError::new("a.b", "length", "too \"short\"")];
            let cases = [
                (status(499), "  ", None, Vec::new()),
                (status(400), "", Some("q"), Vec::new()),
                (status(422), " padded ", Some("x\u{2028}"), errors),
                (status(599), "", None, Vec::new()),
            ];
            for (status, message, param, errors) in cases {
                let err = Any {
                    status,
                    message,
                    param,
                    errors,
                };
                for id in [None, Some("req_1")] {
                    let mut want = err.to_body().into_owned();
                    want.set_request_id(id);
                    for format in [
                        ErrorFormat::new(WireFormat::Flat),
                        ErrorFormat::new(WireFormat::Enveloped),
                        ErrorFormat::new(WireFormat::Problem),
                        ErrorFormat::new(WireFormat::Problem)
                            .problem_type_base("https://x.test/e/"),
                    ] {
                        let mut out = Vec::new();
                        format.write(&err, id, &mut out);
                        let back = read_rendered(&out);
                        assert_eq!(
                            back.as_ref(),
                            Some(&want),
                            "{}",
                            String::from_utf8_lossy(&out)
                        );
                    }
                }
            }
            assert_eq!(read_rendered(b"{\"error\":\"invalid_grant\"}"), None);
            assert_eq!(read_rendered(b"<html>"), None);
        }
    }
}
