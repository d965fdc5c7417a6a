//! One standard JSON error body for HTTP APIs, derived from your own error enums.
//!
//! (The full manual is in the README; this page is expanded in the docs pass.)
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod body;
pub mod catalog;
pub mod client;
mod error;
pub mod json;
pub mod status;

#[cfg(feature = "actix-web")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix-web")))]
pub mod actix;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
#[cfg(feature = "tracing")]
mod log;
#[cfg_attr(not(any(feature = "axum", feature = "actix-web")), allow(dead_code))]
mod render;
#[cfg(feature = "utoipa")]
#[cfg_attr(docsrs, doc(cfg(feature = "utoipa")))]
pub mod utoipa;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use body::ErrorBody;
pub use catalog::{CatalogEntry, ErrorCatalog};
pub use error::ApiError;
pub use render::{RequestId, RequestIdMissing};

/// Derives [`ApiError`] and [`ErrorCatalog`] (and, with their features, the framework
/// integrations) for an enum or a struct. See the [crate docs](crate) for the attributes.
#[cfg(feature = "derive")]
pub use api_error_derive::ApiError;

/// Implements the enabled framework integrations (axum `IntoResponse`, actix-web
/// `ResponseError`) for a hand-written [`ApiError`] type, in one line.
///
/// ```
/// # use std::borrow::Cow;
/// # use api_error_core::ApiError;
/// # #[derive(Debug)] struct Teapot;
/// # impl std::fmt::Display for Teapot { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("teapot") } }
/// # impl std::error::Error for Teapot {}
/// # impl ApiError for Teapot {
/// #     fn status(&self) -> http::StatusCode { http::StatusCode::IM_A_TEAPOT }
/// #     fn error_type(&self) -> &'static str { "invalid_request_error" }
/// #     fn code(&self) -> &'static str { "teapot" }
/// #     fn message(&self) -> Cow<'_, str> { "teapot".into() }
/// #     fn param(&self) -> Option<Cow<'_, str>> { None }
/// # }
/// api_error_core::impl_integrations!(Teapot);
/// ```
#[macro_export]
macro_rules! impl_integrations {
    ($ty:ty) => {
        $crate::__impl_axum! { [] [$ty] [] }
        $crate::__impl_actix! { [] [$ty] [] }
    };
}
