//! The error catalog: every error a type can produce, as data, for reference docs and
//! OpenAPI (SPEC §8).
//!
//! ```
//! use api_error_core::{catalog::Catalog, ApiError};
//!
//! #[derive(Debug, thiserror::Error, ApiError)]
//! #[error("Invalid API key")]
//! #[api_error(status = 401, code = "invalid_api_key")]
//! struct InvalidApiKey;
//!
//! let json: serde_json::Value = serde_json::from_str(&Catalog::of::<InvalidApiKey>().to_json()).unwrap();
//! assert_eq!(json[0]["code"], "invalid_api_key");
//! assert_eq!(json[0]["type"], "authentication_error");
//! ```

use serde::Serialize;

#[cfg(any(feature = "utoipa", feature = "aide"))]
pub(crate) mod openapi;
mod render;
pub use render::{assert_catalog_matches, Catalog, DEFAULT_TITLE, UPDATE_ENV};

/// A type that can list every error it produces. Implemented by `#[derive(ApiError)]`.
///
/// ```
/// use api_error_core::{ApiError, ErrorCatalog};
///
/// #[derive(Debug, ApiError)]
/// #[api_error(status = 404)]
/// /// The customer does not exist.
/// struct CustomerNotFound;
/// # impl std::fmt::Display for CustomerNotFound {
/// #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("No such customer") }
/// # }
/// # impl std::error::Error for CustomerNotFound {}
///
/// let entries = CustomerNotFound::catalog();
/// assert_eq!(entries[0].code, "customer_not_found");
/// assert_eq!(entries[0].status, 404);
/// assert_eq!(entries[0].doc, "The customer does not exist.");
/// ```
pub trait ErrorCatalog {
    /// Every error, in declaration order; transparent variants contribute the entries of
    /// their inner type in place (none when that type does not implement `ErrorCatalog`: a
    /// `Box<dyn ApiError>`, or a hand-written `ApiError` without its own impl of this trait).
    ///
    /// ```
    /// use api_error_core::{ApiError, ErrorCatalog};
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// enum PaymentError {
    ///     /// No customer has this id.
    ///     #[error("No such customer: {id}")]
    ///     #[api_error(status = 404, code = "resource_missing", message = "No such customer: {id}")]
    ///     CustomerNotFound { id: String },
    ///     #[error("db: {0}")]
    ///     #[api_error(status = 503)]
    ///     Database(String),
    /// }
    ///
    /// let entries = PaymentError::catalog();
    /// assert_eq!(entries[0].code, "resource_missing");
    /// assert_eq!(entries[0].message, "No such customer: {id}");
    /// assert_eq!(entries[0].doc, "No customer has this id.");
    /// // A redacted 5xx lists its generic message, never its Display.
    /// assert_eq!(entries[1].message, "The service is temporarily unavailable.");
    /// ```
    fn catalog() -> Vec<CatalogEntry>;

    /// What the responses of the error with each code carry beyond its catalog entry, for
    /// OpenAPI documents (utoipa's `IntoResponses`, aide's `OperationOutput`,
    /// [`impl_openapi!`](crate::impl_openapi)): pairs of a code and a [`ResponseHint`].
    /// None by default. The derive lists what the attributes say (`retry_after`,
    /// `header(..)`, a `param` or `field_errors` field); a hand-written type lists what its
    /// [`ApiError`](crate::ApiError) impl sends.
    ///
    /// ```
    /// use api_error_core::{CatalogEntry, ErrorCatalog, ResponseHint};
    ///
    /// /// A hand-written error: every 503 it sends carries a retry delay and a header.
    /// struct Maintenance;
    ///
    /// impl ErrorCatalog for Maintenance {
    ///     fn catalog() -> Vec<CatalogEntry> {
    ///         vec![CatalogEntry {
    ///             variant: "Maintenance",
    ///             status: 503,
    ///             error_type: "api_error",
    ///             code: "maintenance",
    ///             message: "Down for maintenance.",
    ///             param: None,
    ///             retryable: true,
    ///             doc: "The service is down for maintenance.",
    ///         }]
    ///     }
    ///
    ///     fn response_hints(out: &mut Vec<(&'static str, ResponseHint)>) {
    ///         out.push(("maintenance", ResponseHint::RetryAfter));
    ///         out.push(("maintenance", ResponseHint::Header("x-maintenance-window", "02:00-03:00 UTC")));
    ///     }
    /// }
    ///
    /// let mut hints = Vec::new();
    /// Maintenance::response_hints(&mut hints);
    /// assert_eq!(hints[0], ("maintenance", ResponseHint::RetryAfter));
    /// ```
    fn response_hints(out: &mut Vec<(&'static str, ResponseHint)>) {
        let _ = out;
    }
}

/// What the responses of one error code carry beyond its [`CatalogEntry`], for OpenAPI
/// documents (see [`ErrorCatalog::response_hints`]). A hint names a code, so it applies to
/// every entry of that code; a type with one code under two statuses cannot hint at one
/// of them alone.
///
/// ```
/// use api_error_core::{ApiError, ErrorCatalog, ResponseHint};
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// enum ChargeError {
///     #[error("Too many requests")]
///     #[api_error(status = 429, code = "rate_limited")]
///     RateLimited { #[api_error(retry_after)] wait: std::time::Duration },
/// }
///
/// let mut hints = Vec::new();
/// ChargeError::response_hints(&mut hints);
/// assert_eq!(hints, [("rate_limited", ResponseHint::RetryAfter)]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseHint {
    /// The `param` is a value known at run time, named here (a derived error's field, or
    /// whatever a hand-written one takes it from): examples show `"{name}"`, as messages
    /// show their templates.
    Param(&'static str),
    /// The body carries field errors (`errors`, and the `param` unless something else gives
    /// it): examples show a sample list.
    FieldErrors,
    /// The response carries a retry delay: it documents `Retry-After` and
    /// `retry-after-ms`.
    RetryAfter,
    /// The response carries this static header (name, value): it documents it, with its
    /// value.
    Header(&'static str, &'static str),
}

/// Boxed and borrowed errors list their target's errors (`#[api_error(transparent)]` over
/// `Box<Inner>` or `&'a Inner`).
macro_rules! catalog_of_target {
    ($($ty:ty),*) => {$(
        impl<T: ErrorCatalog> ErrorCatalog for $ty {
            fn catalog() -> Vec<CatalogEntry> {
                T::catalog()
            }

            fn response_hints(out: &mut Vec<(&'static str, ResponseHint)>) {
                <T as crate::ErrorCatalog>::response_hints(out);
            }
        }
    )*};
}
catalog_of_target!(Box<T>, &T);

/// One error a type can produce.
///
/// ```
/// use api_error_core::{ApiError, CatalogEntry, ErrorCatalog};
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// #[error("Too many requests")]
/// #[api_error(status = 429, code = "rate_limited")]
/// struct RateLimited;
///
/// assert_eq!(
///     RateLimited::catalog(),
///     [CatalogEntry {
///         variant: "RateLimited",
///         status: 429,
///         error_type: "rate_limit_error",
///         code: "rate_limited",
///         message: "Too many requests",
///         param: None,
///         retryable: true,
///         doc: "",
///     }]
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct CatalogEntry {
    /// The variant (or struct) name in Rust.
    pub variant: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The body's `type`.
    pub error_type: &'static str,
    /// The body's `code`.
    pub code: &'static str,
    /// The public message template: the `message` attribute, else the `#[error("...")]`
    /// text for a 4xx, else the fixed generic message of a redacted 5xx. Empty when the
    /// message comes from a hand-written `Display` the derive cannot see.
    pub message: &'static str,
    /// The static `param`, if any (a field param is only known at run time).
    pub param: Option<&'static str>,
    /// Whether clients may retry this error.
    pub retryable: bool,
    /// The variant's doc comment, trimmed; empty when there is none.
    pub doc: &'static str,
}
