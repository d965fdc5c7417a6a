//! [`Valid`] and [`Garde`] as actix-web extractors, with a named future (no box per
//! request). The inner extractor's error is returned as it is, so the middleware describes
//! it as it describes the bare extractor's; an invalid value is the 422 of [`FieldErrors`].

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use pin_project_lite::pin_project;

#[cfg(feature = "garde")]
use super::{check_garde, Garde};
#[cfg(feature = "validator")]
use super::{check_validator, Valid};
use super::{extracted, Extracted};

extracted!(actix_web::web::Json);
extracted!(actix_web::web::Query);
extracted!(actix_web::web::Form);
extracted!(actix_web::web::Path);

pin_project! {
    /// The future of [`Valid`] and [`Garde`] as actix-web extractors: the inner extractor's
    /// future `F`, then validation into `W`. Named only by code that calls
    /// `FromRequest::from_request` itself:
    ///
    /// ```
    /// use actix_web::{test, web::Json, FromRequest};
    /// use api_error_core::actix::Valid;
    /// use validator::Validate;
    ///
    /// #[derive(serde::Deserialize, Validate)]
    /// struct Signup {
    ///     #[validate(email)]
    ///     email: String,
    /// }
    ///
    /// actix_web::rt::System::new().block_on(async {
    ///     let (req, mut payload) = test::TestRequest::post()
    ///         .set_json(serde_json::json!({"email": "not an address"}))
    ///         .to_http_parts();
    ///     let rejected = Valid::<Json<Signup>>::from_request(&req, &mut payload).await;
    ///     let error = rejected.err().unwrap();
    ///     assert_eq!(error.as_response_error().status_code(), 422);
    /// });
    /// ```
    pub struct ValidFuture<F, W> {
        #[pin]
        inner: F,
        wrapper: PhantomData<fn() -> W>,
    }
}

impl<F, W> std::fmt::Debug for ValidFuture<F, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValidFuture").finish_non_exhaustive()
    }
}

/// The impls of one wrapper: extract with the inner extractor, then `$check` its value.
macro_rules! actix_impls {
    ($wrapper:ident, $check:ident, [$($bounds:tt)*]) => {
        impl<E> FromRequest for $wrapper<E>
        where
            E: FromRequest + Extracted,
            E::Value: $($bounds)*,
        {
            type Error = actix_web::Error;
            type Future = ValidFuture<E::Future, Self>;

            fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
                ValidFuture {
                    inner: E::from_request(req, payload),
                    wrapper: PhantomData,
                }
            }
        }

        impl<F, E, X> Future for ValidFuture<F, $wrapper<E>>
        where
            F: Future<Output = Result<E, X>>,
            X: Into<actix_web::Error>,
            E: Extracted,
            E::Value: $($bounds)*,
        {
            type Output = Result<$wrapper<E>, actix_web::Error>;

            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
                let inner = ready!(self.project().inner.poll(cx)).map_err(Into::into)?;
                Poll::Ready(match $check(inner.value()) {
                    Ok(()) => Ok($wrapper(inner)),
                    Err(errors) => Err(errors.into()),
                })
            }
        }
    };
}

#[cfg(feature = "validator")]
actix_impls!(Valid, check_validator, [validator::Validate]);
#[cfg(feature = "garde")]
actix_impls!(Garde, check_garde, [garde::Validate<Context: Default>]);
