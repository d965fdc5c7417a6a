//! The derive's output allows no lint a crate may forbid (an `#[allow]` of a forbidden lint is
//! itself an error): naming and lifetime lints forbidden here.
#![forbid(non_upper_case_globals, non_camel_case_types, non_snake_case, single_use_lifetimes)]

use api_error_core::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
pub enum Lookup<'a, T: std::fmt::Debug> {
    #[error("no such {kind}: {key:?}")]
    #[api_error(status = 404, message = "no such {kind}: {key:?}")]
    Missing { kind: &'a str, key: T },
    #[error("bad key")]
    #[api_error(status = 400)]
    BadKey(#[api_error(param)] std::borrow::Cow<'a, str>),
    #[error("slow")]
    #[api_error(status = 429)]
    Slow(#[api_error(retry_after)] u64),
    #[error(transparent)]
    #[api_error(transparent)]
    Inner(Box<Gone>),
}

#[derive(Debug, thiserror::Error, ApiError)]
#[error("gone")]
#[api_error(status = 410)]
pub struct Gone;

fn main() {
    let e: Lookup<'_, u8> = Lookup::Inner(Box::new(Gone));
    assert_eq!(e.code(), "gone");
}
