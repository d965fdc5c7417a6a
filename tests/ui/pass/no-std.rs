//! A `#![no_std]` crate (with `alloc`) derives `ApiError`, as it derives `thiserror::Error`:
//! generated code names nothing through `::std`, which such a crate cannot name.
#![no_std]

extern crate alloc;
// The test binary still links std (for `main` and the panic handler), under another name:
// `::std` stays unresolvable here.
extern crate std as linked_std;

use alloc::string::String;
use api_error_core::{ApiError, ErrorCatalog, FieldErrors};

#[derive(Debug, thiserror::Error, ApiError)]
#[error("expired")]
#[api_error(status = 401, code = "token_expired")]
pub struct Expired;

#[derive(Debug, thiserror::Error, ApiError)]
pub enum E {
    #[error("no such item: {id}")]
    #[api_error(status = 404, code = "item_missing")]
    Missing {
        #[api_error(param)]
        id: String,
    },
    #[error("slow down")]
    #[api_error(status = 429, message = "slow down, {wait} s")]
    Slow {
        #[api_error(retry_after)]
        wait: u64,
    },
    #[error("invalid")]
    #[api_error(status = 422)]
    Invalid(#[api_error(field_errors)] FieldErrors),
    #[error(transparent)]
    #[api_error(transparent)]
    Auth(Expired),
}

fn main() {
    let e = E::Missing { id: String::from("it_1") };
    assert_eq!(e.param().as_deref(), Some("it_1"));
    assert_eq!(E::Slow { wait: 2 }.message(), "slow down, 2 s");
    assert_eq!(E::Auth(Expired).code(), "token_expired");
    assert_eq!(E::catalog().len(), 4);
}
