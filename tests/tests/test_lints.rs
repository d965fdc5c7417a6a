//! Generated code is clean under the strictest lints a user may set: this file is built by
//! `cargo test` (rustc lints) and by `cargo clippy --all-targets` (clippy pedantic).
#![deny(
    warnings,
    clippy::all,
    clippy::pedantic,
    clippy::nursery,
    missing_docs,
    unused_qualifications,
    single_use_lifetimes
)]

use api_error_core::ApiError;

/// Errors with every kind of variant.
#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(status = 400)]
pub enum Linted {
    /// Literal.
    #[error("bad")]
    Bad,
    /// Formatted with a param field and a delay.
    #[error("slow {who}")]
    #[api_error(status = 429, message = "slow down, {who}")]
    Slow {
        /// Who.
        #[api_error(param)]
        who: String,
        /// Delay.
        #[api_error(retry_after)]
        secs: u64,
    },
    /// Redacted.
    #[error("internal {0}")]
    #[api_error(status = 500)]
    Internal(String),
    /// Transparent.
    #[error(transparent)]
    #[api_error(transparent)]
    Inner(Inner),
    /// Field errors, and a transparent `FieldErrors`.
    #[error("form")]
    #[api_error(status = 422)]
    Form {
        /// The errors.
        #[api_error(field_errors)]
        errors: api_error_core::FieldErrors,
    },
    /// Transparent field errors.
    #[error(transparent)]
    #[api_error(transparent)]
    Invalid(#[from] api_error_core::FieldErrors),
}

/// A struct error.
#[derive(Debug, thiserror::Error, ApiError)]
#[error("inner")]
#[api_error(status = 401, code = "inner_auth")]
pub struct Inner;

/// Deprecated variants and types: using them in generated code is not the user's use.
#[derive(Debug, thiserror::Error, ApiError)]
pub enum Aging {
    /// Old.
    #[deprecated(note = "use New")]
    #[error("old")]
    #[api_error(status = 410)]
    Old,
    /// New.
    #[error("new")]
    #[api_error(status = 400)]
    New,
}

/// A deprecated struct error.
#[deprecated]
#[derive(Debug, thiserror::Error, ApiError)]
#[error("gone")]
#[api_error(status = 410)]
pub struct Gone;

/// A lifetime, and bounds that repeat what generated bounds ask.
///
/// `T` is not formatted by thiserror: its own `where T: Display` would trip
/// `trait_duplication_in_bounds` without this crate.
#[derive(Debug, thiserror::Error, ApiError)]
pub enum Borrowed<'a, T: std::fmt::Debug + std::fmt::Display> {
    /// Names the value.
    #[error("bad {0}")]
    #[api_error(status = 400, message = "bad {0}")]
    Bad(&'a str),
    /// Shows the value.
    #[error("shown")]
    #[api_error(status = 422, message = "shown {0}")]
    Shown(#[api_error(param)] T),
}

#[test]
fn lints_hold() {
    assert_eq!(Aging::New.code(), "new");
    assert_eq!(Borrowed::<u8>::Bad("x").message(), "bad x");
    assert_eq!(Borrowed::<u8>::Shown(7).param().as_deref(), Some("7"));
    let e = Linted::Slow {
        who: "you".to_owned(),
        secs: 1,
    };
    assert_eq!(e.message(), "slow down, you");
    assert_eq!(Linted::Inner(Inner).code(), "inner_auth");
    let errors = api_error_core::FieldErrors::from(api_error_core::FieldError::new("a", "b", "c"));
    assert_eq!(Linted::Invalid(errors.clone()).field_errors().len(), 1);
    assert_eq!(Linted::Form { errors }.param().as_deref(), Some("a"));
}
