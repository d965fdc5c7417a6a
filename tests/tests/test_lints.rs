//! Generated code is clean under the strictest lints a user may set: this file is built by
//! `cargo test` (rustc lints) and by `cargo clippy --all-targets` (clippy pedantic).
#![deny(
    warnings,
    clippy::all,
    clippy::pedantic,
    missing_docs,
    unused_qualifications
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

#[test]
fn lints_hold() {
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
