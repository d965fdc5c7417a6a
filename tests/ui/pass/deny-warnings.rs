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

/// Variants the typed client tries in turn (one code, a required param and a message frame).
#[derive(Debug, thiserror::Error, ApiError)]
pub enum Shared {
    /// With a param and a framed message.
    #[error("Bad value: {message}")]
    #[api_error(status = 400, code = "bad")]
    Bad {
        /// The message.
        message: String,
        /// The field.
        #[api_error(param)]
        field: String,
    },
    /// Without.
    #[error("Bad")]
    #[api_error(status = 400, code = "bad")]
    Plain,
}

fn main() {
    let _ = Shared::Plain.code();
    let _ = Shared::Bad {
        message: String::new(),
        field: String::new(),
    }
    .code();
    let e = E::Missing { id: "x".to_owned() };
    assert_eq!(e.code(), "missing");
    let _ = E::Db(std::io::Error::other("x")).message();
}
