//! The wire format: [`ErrorBody`], the one JSON object every error response carries.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize};

use crate::FieldError;

/// The standard error body: exactly five keys, always in this order (and a sixth, `errors`,
/// for an error with field errors).
///
/// ```json
/// {"message":"No such customer: cus_123","type":"not_found_error","code":"resource_missing","param":"customer","request_id":"req_8fZ2kQ"}
/// ```
///
/// `param` and `request_id` are always present and `null` when unknown. An error with field
/// errors adds a sixth key, `errors` (see [`FieldErrors`](crate::FieldErrors)), absent
/// otherwise. Fields borrow from the
/// error that produced them (see [`ApiError::to_body`](crate::ApiError::to_body)); call
/// [`into_owned`](ErrorBody::into_owned) to keep a body beyond it. Deserializing always
/// produces an owned `ErrorBody<'static>` and ignores unknown keys.
///
/// ```
/// use api_error_core::ErrorBody;
///
/// let body = ErrorBody::new("No such customer: cus_123", "not_found_error", "resource_missing")
///     .with_param("customer")
///     .with_request_id("req_8fZ2kQ");
/// let json = serde_json::to_string(&body).unwrap();
/// assert_eq!(
///     json,
///     r#"{"message":"No such customer: cus_123","type":"not_found_error","code":"resource_missing","param":"customer","request_id":"req_8fZ2kQ"}"#
/// );
/// let back: ErrorBody<'static> = serde_json::from_str(&json).unwrap();
/// assert_eq!(back, body);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ErrorBody<'a> {
    /// Human-readable, safe to show to the API's user.
    pub message: Cow<'a, str>,
    /// The error category, snake_case (see [`status::ErrorType`](crate::status::ErrorType)).
    pub r#type: Cow<'a, str>,
    /// Machine-readable code, snake_case, stable across releases.
    pub code: Cow<'a, str>,
    /// The request parameter the error is about, if any.
    pub param: Option<Cow<'a, str>>,
    /// Identifies the request for support, if known.
    pub request_id: Option<Cow<'a, str>>,
    /// Every invalid input of the request, serialized as `errors` after `request_id` only
    /// when there are some; empty otherwise (and when a received body has none).
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    pub errors: Cow<'a, [FieldError]>,
}

impl<'a> ErrorBody<'a> {
    /// A body with the three required fields; `param` and `request_id` unset.
    ///
    /// ```
    /// use api_error_core::ErrorBody;
    ///
    /// let body = ErrorBody::new("No such customer", "not_found_error", "resource_missing");
    /// assert_eq!(
    ///     serde_json::to_string(&body).unwrap(),
    ///     r#"{"message":"No such customer","type":"not_found_error","code":"resource_missing","param":null,"request_id":null}"#
    /// );
    /// ```
    #[must_use]
    pub fn new(
        message: impl Into<Cow<'a, str>>,
        r#type: impl Into<Cow<'a, str>>,
        code: impl Into<Cow<'a, str>>,
    ) -> Self {
        ErrorBody {
            message: message.into(),
            r#type: r#type.into(),
            code: code.into(),
            param: None,
            request_id: None,
            errors: Cow::Borrowed(&[]),
        }
    }

    /// Sets `param`.
    ///
    /// ```
    /// use api_error_core::ErrorBody;
    ///
    /// let body = ErrorBody::new("No such customer", "not_found_error", "resource_missing").with_param("customer");
    /// assert_eq!(body.param.as_deref(), Some("customer"));
    /// ```
    #[must_use]
    pub fn with_param(mut self, param: impl Into<Cow<'a, str>>) -> Self {
        self.param = Some(param.into());
        self
    }

    /// Sets `request_id`.
    ///
    /// ```
    /// # use api_error_core::ErrorBody;
    /// let body = ErrorBody::new("Oops", "api_error", "oops").with_request_id("req_1");
    /// assert_eq!(body.request_id.as_deref(), Some("req_1"));
    /// ```
    #[must_use]
    pub fn with_request_id(mut self, request_id: impl Into<Cow<'a, str>>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    /// Sets the field errors (the body's `errors`).
    ///
    /// ```
    /// # use api_error_core::{ErrorBody, FieldError};
    /// let body = ErrorBody::new("Invalid value for age: must be at least 18", "validation_error", "validation_failed")
    ///     .with_param("age")
    ///     .with_errors(vec![FieldError::new("age", "range", "must be at least 18")]);
    /// assert!(serde_json::to_string(&body).unwrap().ends_with(
    ///     r#""request_id":null,"errors":[{"param":"age","code":"range","message":"must be at least 18"}]}"#
    /// ));
    /// ```
    #[must_use]
    pub fn with_errors(mut self, errors: impl Into<Cow<'a, [FieldError]>>) -> Self {
        self.errors = errors.into();
        self
    }

    /// Sets or clears `request_id` in place.
    ///
    /// ```
    /// # use api_error_core::ErrorBody;
    /// let mut body = ErrorBody::new("Oops", "api_error", "oops");
    /// body.set_request_id(Some("req_1"));
    /// assert_eq!(body.request_id.as_deref(), Some("req_1"));
    /// body.set_request_id(None::<&str>); // or `body.request_id = None`
    /// assert_eq!(body.request_id, None);
    /// ```
    pub fn set_request_id(&mut self, request_id: Option<impl Into<Cow<'a, str>>>) {
        self.request_id = request_id.map(Into::into);
    }

    /// Copies every borrowed field so the body no longer borrows from its error.
    ///
    /// ```
    /// # use api_error_core::ErrorBody;
    /// let code = String::from("oops");
    /// let body: ErrorBody<'static> = ErrorBody::new("Oops", "api_error", code.as_str()).into_owned();
    /// drop(code);
    /// assert_eq!(body.code, "oops");
    /// ```
    #[must_use]
    pub fn into_owned(self) -> ErrorBody<'static> {
        ErrorBody {
            message: Cow::Owned(self.message.into_owned()),
            r#type: Cow::Owned(self.r#type.into_owned()),
            code: Cow::Owned(self.code.into_owned()),
            param: self.param.map(|p| Cow::Owned(p.into_owned())),
            request_id: self.request_id.map(|r| Cow::Owned(r.into_owned())),
            errors: Cow::Owned(self.errors.into_owned()),
        }
    }

    /// Writes the body as compact JSON, byte-identical to `serde_json::to_writer`, without
    /// any intermediate allocation and without a failure path.
    ///
    /// ```
    /// use api_error_core::ErrorBody;
    ///
    /// let body = ErrorBody::new("Oops", "api_error", "oops").with_request_id("req_1");
    /// let mut out = Vec::new();
    /// body.write_json(&mut out);
    /// assert_eq!(out, serde_json::to_vec(&body).unwrap());
    /// ```
    pub fn write_json(&self, out: &mut Vec<u8>) {
        // A flat body carries no status: any that is not a 5xx (whose field errors would be
        // left out) will do.
        let fields = crate::format::Fields::from_body(
            http::StatusCode::default(),
            self,
            self.request_id.as_deref(),
        );
        crate::format::write_flat(&fields, out);
    }
}

/// The owned shape used to deserialize; unknown keys are ignored, `param` and `request_id`
/// may be missing or `null`, and so may `errors`.
#[derive(Deserialize)]
struct OwnedBody {
    message: String,
    r#type: String,
    code: String,
    #[serde(default)]
    param: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    errors: Option<Vec<FieldError>>,
}

impl<'de> Deserialize<'de> for ErrorBody<'static> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let b = OwnedBody::deserialize(deserializer)?;
        Ok(ErrorBody {
            message: Cow::Owned(b.message),
            r#type: Cow::Owned(b.r#type),
            code: Cow::Owned(b.code),
            param: b.param.map(Cow::Owned),
            request_id: b.request_id.map(Cow::Owned),
            errors: Cow::Owned(b.errors.unwrap_or_default()),
        })
    }
}
