//! The derive's output is warning-free in a crate that denies every warning.
#![deny(warnings, missing_docs, unused, unused_qualifications, rust_2018_idioms)]

//! Deny-warnings crate.

use api_error_core::ApiError;

/// Errors.
#[derive(Debug, thiserror::Error, ApiError)]
pub enum E {
    /// Missing.
    #[error("No such thing: {id}")]
    #[api_error(status = 404, code = "missing", message = "No such thing: {id}")]
    Missing {
        /// The id.
        id: String,
    },
    /// Internal.
    #[error("db: {0}")]
    #[api_error(status = 500)]
    Db(#[source] std::io::Error),
}

fn main() {
    let e = E::Missing { id: "x".to_owned() };
    assert_eq!(e.code(), "missing");
    let _ = E::Db(std::io::Error::other("x")).message();
}
