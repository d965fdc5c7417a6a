//! Extractors that validate what they extract (SPEC §11): [`Valid`] with `validator`,
//! [`Garde`] with `garde`, each wrapping a framework's own extractor (`Json`, `Query`,
//! `Form`, `Path`). A value that fails validation is rejected with the standard 422 body
//! of [`FieldErrors`], listing every invalid input; a request the inner extractor rejects
//! (malformed JSON, a wrong content type, a missing query parameter) is answered exactly as
//! without the wrapper. The framework glue is in `axum.rs` and `actix.rs`; the types are
//! re-exported from `api_error_core::axum` and `api_error_core::actix`.

use crate::FieldErrors;

#[cfg(feature = "actix-web")]
pub(crate) mod actix;
#[cfg(feature = "axum")]
pub(crate) mod axum;

/// An extractor that validates its value with [`validator`](https://docs.rs/validator)
/// (feature `validator`): `Valid<Json<T>>`, `Valid<Query<T>>`, `Valid<Form<T>>`,
/// `Valid<Path<T>>` where `T: validator::Validate`, with axum and actix-web alike.
///
/// When `T` is invalid, the request is rejected with a 422 [`FieldErrors`] body listing every
/// invalid input (`{"message":"Invalid value for name: ...","type":"validation_error",
/// "code":"validation_failed","param":"name","request_id":"req_...","errors":[...]}`).
/// When the inner extractor fails, its own rejection goes out unchanged (the layer or
/// middleware turns it into the standard body, as for the bare extractor).
///
/// ```
/// use api_error_core::axum::{ApiErrorLayer, Valid};
/// use axum::{routing::post, Json, Router};
/// use validator::Validate;
///
/// #[derive(serde::Deserialize, Validate)]
/// struct Signup {
///     #[validate(length(min = 2))]
///     name: String,
///     #[validate(email)]
///     email: String,
/// }
///
/// async fn signup(Valid(Json(form)): Valid<Json<Signup>>) -> String {
///     format!("welcome, {}", form.name)
/// }
///
/// let app: Router = Router::new()
///     .route("/v1/signup", post(signup))
///     .layer(ApiErrorLayer::new());
/// ```
#[cfg(feature = "validator")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Valid<E>(pub E);

/// An extractor that validates its value with [`garde`](https://docs.rs/garde) (feature
/// `garde`): `Garde<Json<T>>`, `Garde<Query<T>>`, `Garde<Form<T>>`, `Garde<Path<T>>` where
/// `T: garde::Validate` and its `Context: Default` (validated with the default context),
/// with axum and actix-web alike. Rejections are those of `Valid`.
///
/// ```
/// use api_error_core::axum::{ApiErrorLayer, Garde};
/// use axum::{extract::Query, routing::get, Router};
///
/// #[derive(serde::Deserialize, garde::Validate)]
/// struct Search {
///     #[garde(length(min = 1))]
///     q: String,
///     #[garde(range(min = 1, max = 100))]
///     limit: u32,
/// }
///
/// async fn search(Garde(Query(s)): Garde<Query<Search>>) -> String {
///     format!("{} (first {})", s.q, s.limit)
/// }
///
/// let app: Router = Router::new()
///     .route("/v1/search", get(search))
///     .layer(ApiErrorLayer::new());
/// ```
#[cfg(feature = "garde")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Garde<E>(pub E);

macro_rules! wrapper_impls {
    ($name:ident) => {
        impl<E> $name<E> {
            /// The inner extractor, e.g. the `Json<T>`.
            ///
            #[doc = concat!(
                        "```\n",
                        "use api_error_core::axum::", stringify!($name), ";\n",
                        "use axum::Json;\n\n",
                        "let extracted = ", stringify!($name), "(Json(vec![\"a@example.com\"]));\n",
                        "let Json(emails) = extracted.into_inner();\n",
                        "assert_eq!(emails, [\"a@example.com\"]);\n",
                        "```",
                    )]
            pub fn into_inner(self) -> E {
                self.0
            }
        }

        impl<E> std::ops::Deref for $name<E> {
            type Target = E;

            fn deref(&self) -> &E {
                &self.0
            }
        }

        impl<E> std::ops::DerefMut for $name<E> {
            fn deref_mut(&mut self) -> &mut E {
                &mut self.0
            }
        }
    };
}
#[cfg(feature = "validator")]
wrapper_impls!(Valid);
#[cfg(feature = "garde")]
wrapper_impls!(Garde);

/// An extractor whose extracted value `Valid` and `Garde` can validate: implemented for
/// the `Json`, `Query`, `Form` and `Path` of axum and of actix-web. Implement it for an
/// extractor of your own to validate it the same way.
///
/// ```
/// use api_error_core::axum::{ApiErrorLayer, Extracted, Valid};
/// use axum::extract::{FromRequestParts, Query};
/// use axum::http::request::Parts;
/// use axum::{routing::get, Router};
/// use validator::Validate;
///
/// /// The query of a list endpoint, under another name.
/// struct Listing<T>(T);
///
/// impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Listing<T> {
///     type Rejection = <Query<T> as FromRequestParts<S>>::Rejection;
///
///     async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
///         Query::<T>::from_request_parts(parts, state).await.map(|Query(q)| Listing(q))
///     }
/// }
///
/// impl<T> Extracted for Listing<T> {
///     type Value = T;
///     fn value(&self) -> &T {
///         &self.0
///     }
/// }
///
/// #[derive(serde::Deserialize, Validate)]
/// struct Page {
///     #[validate(range(min = 1, max = 100))]
///     limit: u32,
/// }
///
/// // `?limit=0` is a 422 listing `limit`, as with `Valid<Query<Page>>`.
/// async fn list(Valid(Listing(page)): Valid<Listing<Page>>) -> String {
///     format!("first {}", page.limit)
/// }
///
/// let app: Router = Router::new().route("/v1/items", get(list)).layer(ApiErrorLayer::new());
/// ```
pub trait Extracted {
    /// The extracted value (the `T` of `Json<T>`).
    type Value;

    /// A reference to the extracted value.
    fn value(&self) -> &Self::Value;
}

/// `Extracted` for extractors that dereference to their value.
macro_rules! extracted {
    ($($ty:ident)::+) => {
        impl<T> $crate::valid::Extracted for $($ty)::+<T> {
            type Value = T;

            #[inline]
            fn value(&self) -> &T {
                self
            }
        }
    };
}
use extracted;

/// Validates with validator, every error kept.
#[cfg(feature = "validator")]
pub(crate) fn check_validator<T: validator::Validate>(value: &T) -> Result<(), FieldErrors> {
    value.validate().map_err(FieldErrors::from)
}

/// Validates with garde and the default context, every error kept.
#[cfg(feature = "garde")]
pub(crate) fn check_garde<T>(value: &T) -> Result<(), FieldErrors>
where
    T: garde::Validate,
    T::Context: Default,
{
    value.validate().map_err(FieldErrors::from)
}
