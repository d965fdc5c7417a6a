//! Status semantics: which statuses are errors, their default `type`, and which ones a
//! client may retry (SPEC §4). Everything here is `const`, so the derive can evaluate it at
//! compile time and integrations can call it on any status a server sends.
//!
//! ```
//! use api_error_core::status;
//! use http::StatusCode;
//!
//! let s = StatusCode::TOO_MANY_REQUESTS;
//! assert!(status::is_error(s));
//! assert_eq!(status::default_type(s), "rate_limit_error");
//! assert!(status::is_retryable(s));
//! ```

use http::StatusCode;

/// The well-known values of the body's `type` field.
///
/// ```
/// use api_error_core::status::ErrorType;
///
/// assert_eq!(ErrorType::NotFound.as_str(), "not_found_error");
/// assert_eq!(ErrorType::for_status(http::StatusCode::CONFLICT), ErrorType::Conflict);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorType {
    /// `invalid_request_error`: 400, 408 and every 4xx without a more specific type.
    InvalidRequest,
    /// `authentication_error`: 401.
    Authentication,
    /// `permission_error`: 403.
    Permission,
    /// `not_found_error`: 404.
    NotFound,
    /// `conflict_error`: 409.
    Conflict,
    /// `validation_error`: 422.
    Validation,
    /// `rate_limit_error`: 429.
    RateLimit,
    /// `api_error`: every 5xx.
    Api,
}

impl ErrorType {
    /// Every well-known type, in the order of the status table.
    ///
    /// ```
    /// use api_error_core::status::ErrorType;
    ///
    /// let names: Vec<&str> = ErrorType::ALL.iter().map(|t| t.as_str()).collect();
    /// assert_eq!(names[0], "invalid_request_error");
    /// assert_eq!(names.last(), Some(&"api_error"));
    /// ```
    pub const ALL: [ErrorType; 8] = [
        ErrorType::InvalidRequest,
        ErrorType::Authentication,
        ErrorType::Permission,
        ErrorType::NotFound,
        ErrorType::Conflict,
        ErrorType::Validation,
        ErrorType::RateLimit,
        ErrorType::Api,
    ];

    /// The snake_case string sent on the wire.
    ///
    /// ```
    /// use api_error_core::status::ErrorType;
    ///
    /// assert_eq!(ErrorType::RateLimit.as_str(), "rate_limit_error");
    /// assert_eq!(ErrorType::RateLimit.to_string(), "rate_limit_error");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorType::InvalidRequest => INVALID_REQUEST_ERROR,
            ErrorType::Authentication => AUTHENTICATION_ERROR,
            ErrorType::Permission => PERMISSION_ERROR,
            ErrorType::NotFound => NOT_FOUND_ERROR,
            ErrorType::Conflict => CONFLICT_ERROR,
            ErrorType::Validation => VALIDATION_ERROR,
            ErrorType::RateLimit => RATE_LIMIT_ERROR,
            ErrorType::Api => API_ERROR,
        }
    }

    /// The default type of an error status (see [`default_type`]); `Api` for a status that
    /// is no error.
    ///
    /// ```
    /// use api_error_core::status::ErrorType;
    /// use http::StatusCode;
    ///
    /// assert_eq!(ErrorType::for_status(StatusCode::NOT_FOUND), ErrorType::NotFound);
    /// assert_eq!(ErrorType::for_status(StatusCode::IM_A_TEAPOT), ErrorType::InvalidRequest);
    /// assert_eq!(ErrorType::for_status(StatusCode::BAD_GATEWAY), ErrorType::Api);
    /// assert_eq!(ErrorType::for_status(StatusCode::OK).as_str(), "api_error");
    /// ```
    #[must_use]
    pub const fn for_status(status: StatusCode) -> ErrorType {
        match status.as_u16() {
            401 => ErrorType::Authentication,
            403 => ErrorType::Permission,
            404 => ErrorType::NotFound,
            409 => ErrorType::Conflict,
            422 => ErrorType::Validation,
            429 => ErrorType::RateLimit,
            400..=499 => ErrorType::InvalidRequest,
            // A 5xx, or a status that is no error at all: what `default_type` says too.
            _ => ErrorType::Api,
        }
    }
}

impl core::fmt::Display for ErrorType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `invalid_request_error`
///
/// ```
/// use api_error_core::status::{default_type, INVALID_REQUEST_ERROR};
///
/// assert_eq!(default_type(http::StatusCode::BAD_REQUEST), INVALID_REQUEST_ERROR);
/// ```
pub const INVALID_REQUEST_ERROR: &str = "invalid_request_error";
/// `authentication_error`
///
/// ```
/// use api_error_core::status::{default_type, AUTHENTICATION_ERROR};
///
/// assert_eq!(default_type(http::StatusCode::UNAUTHORIZED), AUTHENTICATION_ERROR);
/// ```
pub const AUTHENTICATION_ERROR: &str = "authentication_error";
/// `permission_error`
///
/// ```
/// use api_error_core::status::{default_type, PERMISSION_ERROR};
///
/// assert_eq!(default_type(http::StatusCode::FORBIDDEN), PERMISSION_ERROR);
/// ```
pub const PERMISSION_ERROR: &str = "permission_error";
/// `not_found_error`
///
/// ```
/// use api_error_core::status::{default_type, NOT_FOUND_ERROR};
///
/// assert_eq!(default_type(http::StatusCode::NOT_FOUND), NOT_FOUND_ERROR);
/// ```
pub const NOT_FOUND_ERROR: &str = "not_found_error";
/// `conflict_error`
///
/// ```
/// use api_error_core::status::{default_type, CONFLICT_ERROR};
///
/// assert_eq!(default_type(http::StatusCode::CONFLICT), CONFLICT_ERROR);
/// ```
pub const CONFLICT_ERROR: &str = "conflict_error";
/// `validation_error`
///
/// ```
/// use api_error_core::status::{default_type, VALIDATION_ERROR};
///
/// assert_eq!(default_type(http::StatusCode::UNPROCESSABLE_ENTITY), VALIDATION_ERROR);
/// ```
pub const VALIDATION_ERROR: &str = "validation_error";
/// `rate_limit_error`
///
/// ```
/// use api_error_core::status::{default_type, RATE_LIMIT_ERROR};
///
/// assert_eq!(default_type(http::StatusCode::TOO_MANY_REQUESTS), RATE_LIMIT_ERROR);
/// ```
pub const RATE_LIMIT_ERROR: &str = "rate_limit_error";
/// `api_error`
///
/// ```
/// use api_error_core::status::{default_type, API_ERROR};
///
/// assert_eq!(default_type(http::StatusCode::BAD_GATEWAY), API_ERROR);
/// ```
pub const API_ERROR: &str = "api_error";

/// Whether `status` is an error status (4xx or 5xx).
///
/// ```
/// use api_error_core::status::is_error;
/// use http::StatusCode;
///
/// assert!(is_error(StatusCode::NOT_FOUND));
/// assert!(!is_error(StatusCode::OK));
/// ```
pub const fn is_error(status: StatusCode) -> bool {
    matches!(status.as_u16(), 400..=599)
}

/// The default `type` for a status: the table of SPEC §4.
///
/// Statuses outside 4xx/5xx (which are not errors) get `api_error`, the safest answer for a
/// client that received one where it expected an error.
///
/// ```
/// use api_error_core::status::default_type;
/// use http::StatusCode;
///
/// assert_eq!(default_type(StatusCode::UNAUTHORIZED), "authentication_error");
/// assert_eq!(default_type(StatusCode::IM_A_TEAPOT), "invalid_request_error");
/// assert_eq!(default_type(StatusCode::BAD_GATEWAY), "api_error");
/// ```
#[must_use]
pub const fn default_type(status: StatusCode) -> &'static str {
    ErrorType::for_status(status).as_str()
}

/// Whether a client may retry a request that failed with `status`: 408, 429 and every 5xx.
///
/// ```
/// use api_error_core::status::is_retryable;
/// use http::StatusCode;
///
/// assert!(is_retryable(StatusCode::TOO_MANY_REQUESTS));
/// assert!(is_retryable(StatusCode::SERVICE_UNAVAILABLE));
/// assert!(!is_retryable(StatusCode::CONFLICT));
/// ```
#[must_use]
pub const fn is_retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500..=599)
}

/// The fixed public message of a redacted 5xx (one whose variant has neither `message` nor
/// `expose`): it names the status, never the error's own `Display`.
///
/// ```
/// use api_error_core::status::generic_message;
/// use http::StatusCode;
///
/// assert_eq!(generic_message(StatusCode::SERVICE_UNAVAILABLE), "The service is temporarily unavailable.");
/// ```
#[must_use]
pub const fn generic_message(status: StatusCode) -> &'static str {
    match status.as_u16() {
        502 => "The server received an invalid response from an upstream service.",
        503 => "The service is temporarily unavailable.",
        504 => "The server timed out waiting for an upstream service.",
        _ => "An internal error occurred.",
    }
}
