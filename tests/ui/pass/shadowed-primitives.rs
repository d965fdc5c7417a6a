//! Generated code names primitive types by absolute path too (`::core::primitive::str`): it
//! compiles next to local types named like them, every integration included.
#![allow(non_camel_case_types, dead_code)]

use api_error_core::ApiError;

pub struct str;
pub struct bool;
pub struct u8;
pub struct u16;
pub struct u32;
pub struct u64;
pub struct usize;
pub struct char;

#[derive(Debug, thiserror::Error, ApiError)]
pub enum E {
    #[error("a {0}")]
    #[api_error(status = 400)]
    A(String),
    #[error("b")]
    #[api_error(status = 429, header("x-a", "b"), retryable = false)]
    B {
        #[api_error(retry_after)]
        wait: std::time::Duration,
        #[api_error(param)]
        p: String,
    },
    #[error("c")]
    #[api_error(status = 422)]
    C(#[api_error(field_errors)] api_error_core::FieldErrors),
    #[error(transparent)]
    #[api_error(transparent)]
    D(Inner),
}

#[derive(Debug, thiserror::Error, ApiError)]
#[error("inner {code}")]
#[api_error(status = 404, message = "inner {code}")]
pub struct Inner {
    code: String,
}

fn main() {
    let mut out = Vec::new();
    E::A("x".into()).write_json(Some("req_1"), &mut out);
    assert!(out.starts_with(b"{\"message\":"));
}
