//! [`Valid`] and [`Garde`] as axum extractors: `FromRequest` when the inner extractor reads
//! the body (`Json`, `Form`), `FromRequestParts` when it reads the head (`Query`, `Path`),
//! so a validated query goes before a body extractor like any other.

use std::fmt;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::{IntoResponse, Response};
use http::request::Parts;

#[cfg(feature = "garde")]
use super::{check_garde, Garde};
#[cfg(feature = "validator")]
use super::{check_validator, Valid};
use super::{extracted, Extracted};
use crate::FieldErrors;

extracted!(axum::Json);
extracted!(axum::extract::Query);
extracted!(axum::extract::Form);
extracted!(axum::extract::Path);

/// The rejection of `Valid` and `Garde`: the inner extractor's own rejection, or the
/// field errors of a value that failed validation (a 422 with every invalid input).
///
/// A handler that takes `Result<Valid<..>, ValidationRejection<..>>` sees the rejection
/// itself, to answer it its own way or pass it on:
///
/// ```
/// use api_error_core::axum::{ApiErrorLayer, Valid, ValidationRejection};
/// use axum::extract::rejection::JsonRejection;
/// use axum::response::{IntoResponse, Response};
/// use axum::{routing::post, Json, Router};
/// use validator::Validate;
///
/// #[derive(serde::Deserialize, Validate)]
/// struct Signup {
///     #[validate(email)]
///     email: String,
/// }
///
/// async fn signup(
///     form: Result<Valid<Json<Signup>>, ValidationRejection<JsonRejection>>,
/// ) -> Response {
///     match form {
///         Ok(Valid(Json(form))) => format!("welcome, {}", form.email).into_response(),
///         Err(ValidationRejection::Invalid(errors)) => {
///             println!("{} invalid inputs", errors.len());
///             errors.into_response() // the standard 422
///         }
///         Err(rejection @ ValidationRejection::Extract(_)) => rejection.into_response(),
///     }
/// }
///
/// let app: Router = Router::new().route("/v1/signup", post(signup)).layer(ApiErrorLayer::new());
/// ```
#[derive(Debug)]
pub enum ValidationRejection<R> {
    /// The inner extractor failed (malformed JSON, a wrong content type, ...); answered as
    /// the extractor itself answers it.
    Extract(R),
    /// The value was extracted but is invalid.
    Invalid(FieldErrors),
}

impl<R: IntoResponse> IntoResponse for ValidationRejection<R> {
    fn into_response(self) -> Response {
        match self {
            ValidationRejection::Extract(rejection) => rejection.into_response(),
            ValidationRejection::Invalid(errors) => errors.into_response(),
        }
    }
}

impl<R: fmt::Display> fmt::Display for ValidationRejection<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValidationRejection::Extract(rejection) => rejection.fmt(f),
            ValidationRejection::Invalid(errors) => errors.fmt(f),
        }
    }
}

impl<R: std::error::Error + 'static> std::error::Error for ValidationRejection<R> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ValidationRejection::Extract(rejection) => Some(rejection),
            ValidationRejection::Invalid(errors) => Some(errors),
        }
    }
}

/// The impls of one wrapper: extract with the inner extractor, then `$check` its value.
macro_rules! axum_impls {
    ($wrapper:ident, $check:ident, [$($bounds:tt)*]) => {
        impl<S, E> FromRequest<S> for $wrapper<E>
        where
            S: Send + Sync,
            E: FromRequest<S> + Extracted,
            E::Value: $($bounds)*,
        {
            type Rejection = ValidationRejection<E::Rejection>;

            async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
                let inner = E::from_request(req, state)
                    .await
                    .map_err(ValidationRejection::Extract)?;
                $check(inner.value()).map_err(ValidationRejection::Invalid)?;
                Ok($wrapper(inner))
            }
        }

        impl<S, E> FromRequestParts<S> for $wrapper<E>
        where
            S: Send + Sync,
            E: FromRequestParts<S> + Extracted,
            E::Value: $($bounds)*,
        {
            type Rejection = ValidationRejection<E::Rejection>;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
                let inner = E::from_request_parts(parts, state)
                    .await
                    .map_err(ValidationRejection::Extract)?;
                $check(inner.value()).map_err(ValidationRejection::Invalid)?;
                Ok($wrapper(inner))
            }
        }
    };
}

#[cfg(feature = "validator")]
axum_impls!(Valid, check_validator, [validator::Validate]);
#[cfg(feature = "garde")]
axum_impls!(Garde, check_garde, [garde::Validate<Context: Default>]);
