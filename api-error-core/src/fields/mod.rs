//! Field errors (SPEC §11): every invalid input of a request in one response.
//!
//! [`FieldError`] is one invalid input; [`FieldErrors`] is the list, itself an
//! [`ApiError`] (422 `validation_error` / `validation_failed`). Any error carries its field
//! errors through [`ApiError::field_errors`], and the body lists them in a sixth key,
//! `errors`, only when there are some. With the `validator` and `garde` features, their
//! reports convert into [`FieldErrors`] keeping every error.

use std::borrow::Cow;
use std::fmt;

use http::StatusCode;
use serde::{Deserialize, Deserializer, Serialize};

use crate::catalog::{CatalogEntry, ErrorCatalog};
use crate::client::{ErrorResponse, FromErrorResponse};
use crate::format::{write_fields, Fields, Param, Text};
use crate::{ApiError, ErrorFormat};

#[cfg(feature = "garde")]
mod garde;
pub(crate) mod private;
#[cfg(feature = "validator")]
mod validator;

/// One invalid input of a request: which one (`param`), what rule it broke (`code`) and a
/// message safe to show.
///
/// Serialized with the keys in this order, as each item of the body's `errors` array:
///
/// ```
/// use api_error_core::FieldError;
///
/// let e = FieldError::new("address.city", "length", "must be at least 2 characters long");
/// assert_eq!(
///     serde_json::to_string(&e).unwrap(),
///     r#"{"param":"address.city","code":"length","message":"must be at least 2 characters long"}"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldError {
    /// The input's path: `amount`, `address.city`, `items[0].amount`; empty when the error
    /// is about the request as a whole (a rule across several fields).
    pub param: Cow<'static, str>,
    /// The rule it broke, snake_case: `required`, `range`, `email`, `length`, ...
    pub code: Cow<'static, str>,
    /// What is wrong, safe to show to the API's user; never empty ([`FieldError::new`] sees to
    /// it, a struct literal's blank one becomes `is invalid` in [`FieldErrors`], and is sent so).
    pub message: Cow<'static, str>,
}

/// A blank code or message (a struct literal's, in a `Vec<FieldError>` field) is sent as
/// [`FieldError::new`] would have it, `invalid` / `is invalid`: on the wire a field error
/// always has a code to match and a message to show.
impl Serialize for FieldError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("FieldError", 3)?;
        s.serialize_field("param", &*self.param)?;
        s.serialize_field("code", self.sent_code())?;
        s.serialize_field("message", self.sent_message())?;
        s.end()
    }
}

impl FieldError {
    /// The code as sent: `invalid` for a blank one.
    pub(crate) fn sent_code(&self) -> &str {
        if is_blank(&self.code) {
            INVALID
        } else {
            &self.code
        }
    }

    /// The message as sent: `is invalid` for a blank one.
    pub(crate) fn sent_message(&self) -> &str {
        if is_blank(&self.message) {
            INVALID_MESSAGE
        } else {
            &self.message
        }
    }

    /// The error with the defaults of [`FieldError::new`] for a blank code or message (a
    /// struct literal's), as it goes into [`FieldErrors`].
    fn filled(self) -> FieldError {
        let FieldError {
            param,
            code,
            message,
        } = self;
        FieldError::new(param, code, message)
    }

    /// A field error from anything string-like (`&'static str` and `String` alike). A blank
    /// message becomes `is invalid` and a blank code `invalid`: a client always has
    /// something to show and to match.
    ///
    /// ```
    /// # use api_error_core::FieldError;
    /// let max = 10;
    /// let e = FieldError::new("quantity", "range", format!("must be at most {max}"));
    /// assert_eq!(e.message, "must be at most 10");
    /// assert_eq!(FieldError::new("quantity", "range", " ").message, "is invalid");
    /// // Characters that print nothing are blank too.
    /// assert_eq!(FieldError::new("quantity", "range", "\u{200b}\u{feff}").message, "is invalid");
    /// ```
    pub fn new(
        param: impl Into<Cow<'static, str>>,
        code: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        let or = |value: Cow<'static, str>, default: &'static str| {
            if is_blank(&value) {
                Cow::Borrowed(default)
            } else {
                value
            }
        };
        FieldError {
            param: param.into(),
            code: or(code.into(), "invalid"),
            message: or(message.into(), "is invalid"),
        }
    }
}

/// Deserialized leniently: unknown keys are ignored; a missing or `null` `param` is empty, a
/// missing `code` is `invalid`, a missing `message` is the code.
impl<'de> Deserialize<'de> for FieldError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(default)]
            param: Option<String>,
            #[serde(default)]
            code: Option<String>,
            #[serde(default)]
            message: Option<String>,
        }
        let raw = Raw::deserialize(deserializer)?;
        Ok(complete(raw.param, raw.code, raw.message))
    }
}

/// Whether a code or message shows nothing: only whitespace, or characters that print
/// nothing (zero-width spaces and joiners, the word joiner, a byte-order mark, a soft
/// hyphen), which would look empty to whoever reads it.
pub(crate) fn is_blank(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}'
            )
    })
}

/// A field error from what a body gave, with the defaults of a lenient reader.
pub(crate) fn complete(
    param: Option<String>,
    code: Option<String>,
    message: Option<String>,
) -> FieldError {
    // A blank code is none: it would be the message, and a message is never blank.
    let code = code.filter(|c| !is_blank(c));
    let message = match message.filter(|m| !is_blank(m)) {
        Some(m) => Cow::Owned(m),
        None => match &code {
            Some(code) => Cow::Owned(code.clone()),
            None => Cow::Borrowed(INVALID_MESSAGE),
        },
    };
    FieldError {
        param: Cow::Owned(param.unwrap_or_default()),
        code: code.map_or(Cow::Borrowed(INVALID), Cow::Owned),
        message,
    }
}

/// The code of a field error that names no rule of its own.
pub(crate) const INVALID: &str = "invalid";

/// The message of a field error that gives none.
pub(crate) const INVALID_MESSAGE: &str = "is invalid";

/// Every invalid input of a request: an [`ApiError`] answered with status 422, type
/// `validation_error`, code `validation_failed`, `param` the first field error's, a message
/// naming the first invalid field, and the whole list in the body's `errors` key.
///
/// Build one by hand, or convert a validation report (`validator::ValidationErrors` with the
/// `validator` feature, `garde::Report` with `garde`). In an error enum, wrap it in a
/// transparent variant; thiserror's `#[from]` makes `?` work:
///
/// ```
/// use api_error_core::{ApiError, FieldError, FieldErrors};
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// enum SignupError {
///     #[error("This email is already registered")]
///     #[api_error(status = 409, code = "email_taken", param = "email")]
///     EmailTaken,
///     #[error(transparent)]
///     #[api_error(transparent)]
///     Invalid(#[from] FieldErrors),
/// }
///
/// fn check(name: &str, age: u8) -> Result<(), SignupError> {
///     let mut errors = FieldErrors::new();
///     if name.chars().count() < 2 {
///         errors.push(FieldError::new("name", "length", "must be at least 2 characters long"));
///     }
///     if age < 18 {
///         errors.push(FieldError::new("age", "range", "must be at least 18"));
///     }
///     errors.into_result()?;
///     Ok(())
/// }
///
/// let err = check("J", 7).unwrap_err();
/// assert_eq!(err.status(), 422);
/// assert_eq!(err.code(), "validation_failed");
/// assert_eq!(err.param().as_deref(), Some("name"));
/// let mut body = Vec::new();
/// err.write_json(Some("req_1"), &mut body);
/// assert_eq!(
///     String::from_utf8(body).unwrap(),
///     concat!(
///         r#"{"message":"Invalid value for name: must be at least 2 characters long (and 1 more error)","#,
///         r#""type":"validation_error","code":"validation_failed","param":"name","request_id":"req_1","#,
///         r#""errors":[{"param":"name","code":"length","message":"must be at least 2 characters long"},"#,
///         r#"{"param":"age","code":"range","message":"must be at least 18"}]}"#,
///     )
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FieldErrors {
    errors: Vec<FieldError>,
}

impl FieldErrors {
    /// The status of every `FieldErrors` response: 422.
    ///
    /// ```
    /// use api_error_core::{ApiError, FieldError, FieldErrors};
    ///
    /// assert_eq!(FieldErrors::STATUS, http::StatusCode::UNPROCESSABLE_ENTITY);
    /// let errors = FieldErrors::from(FieldError::new("a", "required", "is required"));
    /// assert_eq!(errors.status(), FieldErrors::STATUS);
    /// ```
    pub const STATUS: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;
    /// The body's `type`: `validation_error`.
    ///
    /// ```
    /// use api_error_core::{ApiError, FieldError, FieldErrors};
    ///
    /// assert_eq!(FieldErrors::TYPE, "validation_error");
    /// let errors = FieldErrors::from(FieldError::new("a", "required", "is required"));
    /// assert_eq!(errors.error_type(), FieldErrors::TYPE);
    /// ```
    pub const TYPE: &'static str = "validation_error";
    /// The body's `code`: `validation_failed`.
    ///
    /// ```
    /// use api_error_core::{ApiError, FieldError, FieldErrors};
    ///
    /// assert_eq!(FieldErrors::CODE, "validation_failed");
    /// let errors = FieldErrors::from(FieldError::new("a", "required", "is required"));
    /// assert_eq!(errors.code(), FieldErrors::CODE);
    /// ```
    pub const CODE: &'static str = "validation_failed";

    /// An empty list.
    ///
    /// ```
    /// use api_error_core::FieldErrors;
    ///
    /// let errors = FieldErrors::new();
    /// assert!(errors.is_empty());
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        FieldErrors { errors: Vec::new() }
    }

    /// Adds one field error at the end.
    ///
    /// ```
    /// use api_error_core::{FieldError, FieldErrors};
    ///
    /// let mut errors = FieldErrors::new();
    /// errors.push(FieldError::new("name", "required", "is required"));
    /// errors.push(FieldError::new("age", "range", "must be at least 18"));
    /// assert_eq!(errors.len(), 2);
    /// ```
    pub fn push(&mut self, error: FieldError) {
        self.errors.push(error.filled());
    }

    /// How many field errors there are.
    ///
    /// ```
    /// use api_error_core::{FieldError, FieldErrors};
    ///
    /// let errors = FieldErrors::from(FieldError::new("name", "required", "is required"));
    /// assert_eq!(errors.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// Whether there are none.
    ///
    /// ```
    /// use api_error_core::FieldErrors;
    ///
    /// assert!(FieldErrors::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The field errors, in order.
    ///
    /// ```
    /// use api_error_core::{FieldError, FieldErrors};
    ///
    /// let errors: FieldErrors = [FieldError::new("a", "required", "is required")].into_iter().collect();
    /// let params: Vec<&str> = errors.iter().map(|e| &*e.param).collect();
    /// assert_eq!(params, ["a"]);
    /// ```
    pub fn iter(&self) -> std::slice::Iter<'_, FieldError> {
        self.errors.iter()
    }

    /// The field errors as a slice.
    ///
    /// ```
    /// use api_error_core::{FieldError, FieldErrors};
    ///
    /// let errors = FieldErrors::from(FieldError::new("a", "required", "is required"));
    /// assert_eq!(errors.as_slice()[0].code, "required");
    /// ```
    pub fn as_slice(&self) -> &[FieldError] {
        &self.errors
    }

    /// The field errors as a `Vec`.
    ///
    /// ```
    /// use api_error_core::{FieldError, FieldErrors};
    ///
    /// let errors = FieldErrors::from(FieldError::new("a", "required", "is required"));
    /// let list: Vec<FieldError> = errors.into_vec();
    /// assert_eq!(list.len(), 1);
    /// ```
    pub fn into_vec(self) -> Vec<FieldError> {
        self.errors
    }

    /// `Ok(())` when there are none, else `Err(self)`: the end of a hand-written check.
    ///
    /// ```
    /// # use api_error_core::FieldErrors;
    /// assert!(FieldErrors::new().into_result().is_ok());
    /// ```
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// The body's message, written to `f` (see [`Display`](#impl-Display-for-FieldErrors)).
    fn write_message(errors: &[FieldError], f: &mut impl fmt::Write) -> fmt::Result {
        let Some(first) = errors.first() else {
            return f.write_str("The request is invalid.");
        };
        if first.param.is_empty() && first.sent_message() == INVALID_MESSAGE {
            // About the whole request, with nothing more to say than that it is invalid
            // (a `schema` rule with no message): not `The request is invalid: is invalid`.
            return match errors.len() - 1 {
                0 => f.write_str("The request is invalid."),
                1 => f.write_str("The request is invalid (and 1 more error)."),
                n => write!(f, "The request is invalid (and {n} more errors)."),
            };
        }
        if first.param.is_empty() {
            f.write_str("The request is invalid: ")?;
        } else {
            f.write_str("Invalid value for ")?;
            let param = crate::text::bounded(&first.param, MAX_PARAM_IN_MESSAGE);
            f.write_str(param)?;
            if param.len() < first.param.len() {
                f.write_str("…")?;
            }
            f.write_str(": ")?;
        }
        f.write_str(first.sent_message())?;
        match errors.len() - 1 {
            0 => Ok(()),
            1 => f.write_str(" (and 1 more error)"),
            n => write!(f, " (and {n} more errors)"),
        }
    }
}

/// The body's message: `Invalid value for name: must be at least 2 characters long`, with
/// ` (and 2 more errors)` when there are more; `The request is invalid: ...` for a first
/// error about the request as a whole (empty `param`).
impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        FieldErrors::write_message(&self.errors, f)
    }
}

impl std::error::Error for FieldErrors {}

impl ApiError for FieldErrors {
    fn status(&self) -> StatusCode {
        Self::STATUS
    }

    fn error_type(&self) -> &'static str {
        Self::TYPE
    }

    fn code(&self) -> &'static str {
        Self::CODE
    }

    fn message(&self) -> Cow<'_, str> {
        Cow::Owned(crate::__private::format(format_args!("{self}")))
    }

    /// The first field error's `param` (`None` when it is about the whole request).
    fn param(&self) -> Option<Cow<'_, str>> {
        first_param(&self.errors).map(Cow::Borrowed)
    }

    fn field_errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// Allocation-free, like the derive's: the message is formatted straight into `out`.
    fn write_body(&self, format: &ErrorFormat, request_id: Option<&str>, out: &mut Vec<u8>) {
        let param = match first_param(&self.errors) {
            Some(p) => Param::Text(Text::Raw(p)),
            None => Param::Json("null"),
        };
        let fields = Fields {
            status: Self::STATUS,
            // The summary is formatted straight into the buffer: no temporary String.
            message: Text::Display(self),
            error_type: Text::Escaped(Self::TYPE),
            code: Text::Escaped(Self::CODE),
            param,
            request_id,
            errors: &self.errors,
        };
        write_fields(format, &fields, out);
    }
}

/// The most characters of the first `param` that the summary message repeats (a path can
/// carry what the client sent: map keys).
const MAX_PARAM_IN_MESSAGE: usize = 100;

/// The longest `param` the validator and garde conversions keep, in characters: a path
/// holds map keys, which the client chose, and every error under one key repeats it (a long
/// key times many items would make the answer grow with the square of the request).
#[cfg_attr(not(any(feature = "validator", feature = "garde")), allow(dead_code))]
pub(crate) const MAX_PARAM: usize = 256;

/// A conversion's `param`: the path if it has at most [`MAX_PARAM`] characters, else its
/// first `MAX_PARAM - 1` and `…`. Formatting stops there, so a path with a huge key costs no
/// more than that.
#[cfg_attr(not(any(feature = "validator", feature = "garde")), allow(dead_code))]
pub(crate) fn bounded_param(path: &dyn fmt::Display) -> Cow<'static, str> {
    let mut kept = crate::text::display_bounded(path, MAX_PARAM + 1);
    if kept.char_indices().nth(MAX_PARAM).is_some() {
        if let Some((i, _)) = kept.char_indices().nth(MAX_PARAM - 1) {
            kept.truncate(i);
            kept.push('…');
        }
    }
    Cow::Owned(kept)
}

/// The `param` an error takes from its field errors: the first one's, unless it is empty.
pub(crate) fn first_param(errors: &[FieldError]) -> Option<&str> {
    errors.first().map(|e| &*e.param).filter(|p| !p.is_empty())
}

impl ErrorCatalog for FieldErrors {
    fn catalog() -> Vec<CatalogEntry> {
        vec![CatalogEntry {
            variant: "FieldErrors",
            status: Self::STATUS.as_u16(),
            error_type: Self::TYPE,
            code: Self::CODE,
            message: "Invalid value for {param}: {message}",
            param: None,
            retryable: false,
            doc: "One or more inputs are invalid. `errors` lists every invalid input with its \
                  `param`, `code` and `message`; `param` is the first one's.",
        }]
    }
}

/// A received `validation_failed` error, with the field errors of its body.
impl FromErrorResponse for FieldErrors {
    fn from_error_response(response: &ErrorResponse) -> Option<Self> {
        (response.code() == Self::CODE).then(|| response.field_errors().iter().cloned().collect())
    }
}

crate::__integrations! { [] [FieldErrors] [] }

impl From<FieldError> for FieldErrors {
    fn from(error: FieldError) -> Self {
        FieldErrors {
            errors: vec![error.filled()],
        }
    }
}

impl From<Vec<FieldError>> for FieldErrors {
    fn from(errors: Vec<FieldError>) -> Self {
        errors.into_iter().collect()
    }
}

impl From<FieldErrors> for Vec<FieldError> {
    fn from(errors: FieldErrors) -> Self {
        errors.errors
    }
}

impl FromIterator<FieldError> for FieldErrors {
    fn from_iter<I: IntoIterator<Item = FieldError>>(iter: I) -> Self {
        FieldErrors {
            errors: iter.into_iter().map(FieldError::filled).collect(),
        }
    }
}

impl Extend<FieldError> for FieldErrors {
    fn extend<I: IntoIterator<Item = FieldError>>(&mut self, iter: I) {
        self.errors.extend(iter.into_iter().map(FieldError::filled));
    }
}

impl IntoIterator for FieldErrors {
    type Item = FieldError;
    type IntoIter = std::vec::IntoIter<FieldError>;

    fn into_iter(self) -> Self::IntoIter {
        self.errors.into_iter()
    }
}

impl<'a> IntoIterator for &'a FieldErrors {
    type Item = &'a FieldError;
    type IntoIter = std::slice::Iter<'a, FieldError>;

    fn into_iter(self) -> Self::IntoIter {
        self.errors.iter()
    }
}

impl<'a> From<&'a FieldErrors> for Cow<'a, [FieldError]> {
    fn from(errors: &'a FieldErrors) -> Self {
        Cow::Borrowed(&errors.errors)
    }
}

impl From<FieldErrors> for Cow<'_, [FieldError]> {
    fn from(errors: FieldErrors) -> Self {
        Cow::Owned(errors.errors)
    }
}

impl AsRef<[FieldError]> for FieldErrors {
    fn as_ref(&self) -> &[FieldError] {
        &self.errors
    }
}

impl Serialize for FieldErrors {
    /// The list as a JSON array, as in the body's `errors`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.errors.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for FieldErrors {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<FieldError>::deserialize(deserializer).map(FieldErrors::from)
    }
}
