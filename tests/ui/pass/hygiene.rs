//! Generated code names everything by absolute path: it compiles without the prelude and
//! next to local items named like the prelude's, and its own bindings are named so that no
//! constant in scope is taken for one (a binding named like a constant is a pattern).
#![no_implicit_prelude]
#![allow(dead_code, non_camel_case_types, non_upper_case_globals)]

const i: usize = 0;
const this: usize = 0;
const response: usize = 0;
const format: usize = 0;
const request_id: usize = 0;
const out: usize = 0;
const ctx: usize = 0;
const __out: usize = 0;
const __entries: usize = 0;
const __inner: usize = 0;

struct Option;
struct Some;
struct None;
struct Result;
struct Ok;
struct Err;
struct String;
struct Vec;
struct Box;
struct Cow;
struct StatusCode;
struct Duration;
struct core;
struct http;
struct serde;

#[derive(::core::fmt::Debug, ::api_error_core::ApiError)]
enum E<T: ::core::fmt::Display + ::core::fmt::Debug> {
    #[api_error(status = 404, code = "missing", param = "id")]
    Missing,
    #[api_error(status = 422, message = "{1} is invalid ({0:?})")]
    Invalid(u8, #[api_error(param)] ::std::string::String),
    #[api_error(status = 429)]
    Slow {
        #[api_error(retry_after)]
        secs: u64,
        name: T,
    },
    #[api_error(status = 503)]
    Down,
    #[api_error(transparent)]
    Inner(Inner),
    #[api_error(status = 422)]
    Form {
        #[api_error(field_errors)]
        errors: ::api_error_core::FieldErrors,
        #[api_error(param)]
        name: ::std::string::String,
    },
    #[api_error(status = 400, message = "{1} bad")]
    Query(#[api_error(field_errors)] ::std::vec::Vec<::api_error_core::FieldError>, u8),
}

#[derive(::core::fmt::Debug, ::api_error_core::ApiError)]
#[api_error(status = 401)]
struct Inner {
    #[api_error(param)]
    field: ::core::option::Option<::std::string::String>,
}

impl<T: ::core::fmt::Display + ::core::fmt::Debug> ::core::fmt::Display for E<T> {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str("e")
    }
}
impl<T: ::core::fmt::Display + ::core::fmt::Debug> ::std::error::Error for E<T> {}
impl ::core::fmt::Display for Inner {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str("inner")
    }
}
impl ::std::error::Error for Inner {}

fn main() {
    use ::api_error_core::{ApiError as _, ErrorCatalog as _};
    let e: E<u8> = E::Slow { secs: 3, name: 1 };
    let mut body = ::std::vec::Vec::new();
    e.write_json(::core::option::Option::None, &mut body);
    let _ = E::<u8>::catalog();
}
