//! Generic error types: lifetimes, type parameters and where-clauses.

use std::borrow::Cow;
use std::fmt::{Debug, Display};

use api_error_core::{ApiError, ErrorCatalog};

#[derive(Debug, thiserror::Error, ApiError)]
enum Lookup<'a, K: Debug, E>
where
    E: std::error::Error + ApiError + ErrorCatalog + 'static,
{
    #[error("no such {kind}: {key:?}")]
    #[api_error(status = 404, message = "no such {kind}: {key:?}")]
    Missing { kind: &'a str, key: K },
    #[error("bad key")]
    #[api_error(status = 400)]
    BadKey(#[api_error(param)] Cow<'a, str>),
    #[error(transparent)]
    #[api_error(transparent)]
    Inner(E),
}

#[derive(Debug, thiserror::Error, ApiError)]
#[error("wrapped")]
#[api_error(status = 422, message = "invalid {0}")]
struct Invalid<T: Display + Debug>(#[api_error(param)] T);

#[test]
fn generic_enum() {
    let e: Lookup<'_, u32, Invalid<&str>> = Lookup::Missing {
        kind: "customer",
        key: 7,
    };
    assert_eq!(e.message(), "no such customer: 7");
    assert_eq!(e.code(), "missing");
    let e: Lookup<'_, u32, Invalid<&str>> = Lookup::BadKey(Cow::Borrowed("key"));
    assert_eq!(e.param().as_deref(), Some("key"));
    let e: Lookup<'_, u32, Invalid<&str>> = Lookup::Inner(Invalid("amount"));
    assert_eq!(e.message(), "invalid amount");
    assert_eq!(e.param().as_deref(), Some("amount"));
    let codes: Vec<_> = Lookup::<u32, Invalid<&str>>::catalog()
        .iter()
        .map(|c| c.code)
        .collect();
    assert_eq!(codes, ["missing", "bad_key", "invalid"]);
    let mut out = Vec::new();
    e.write_json(None, &mut out);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        r#"{"message":"invalid amount","type":"validation_error","code":"invalid","param":"amount","request_id":null}"#
    );
}

/// No bounds at all on the parameters: the impls hold where the type is an error (thiserror's
/// `Error` impl asks `Self: Debug`, so `T: Debug`), as `thiserror` alone would have it.
#[derive(Debug, thiserror::Error, ApiError)]
enum Unbounded<T> {
    #[error("held")]
    #[api_error(status = 409)]
    Held(T),
}

#[derive(Debug, thiserror::Error, ApiError)]
#[error("wrapped")]
#[api_error(status = 400)]
struct Wrapped<T>(T);

#[test]
fn parameters_without_bounds() {
    let e = Unbounded::Held(vec![1u8]);
    assert_eq!(e.code(), "held");
    assert_eq!(Wrapped(()).status(), 400);
    assert_eq!(Unbounded::<u8>::catalog()[0].code, "held");
    // The framework impls follow the same bound.
    let res = axum::response::IntoResponse::into_response(Unbounded::Held(1u8));
    assert_eq!(res.status(), 409);
    let res = actix_web::ResponseError::error_response(&Wrapped("x"));
    assert_eq!(res.status(), 400);
}

/// `Self` in the type's own where clause (thiserror accepts it): the derive's impls and its
/// free helper function take it as the type.
#[derive(Debug, thiserror::Error, ApiError)]
enum SelfBound<T>
where
    Self: Send,
    T: Debug + PartialEq<T>,
{
    #[error("bad {0:?}")]
    #[api_error(status = 400, code = "bad_value")]
    Bad(T),
}

#[derive(Debug, thiserror::Error, ApiError)]
#[error("gone")]
#[api_error(status = 410)]
struct SelfSized<T: Debug>(T)
where
    Self: Sized;

#[test]
fn self_in_the_where_clause() {
    let e = SelfBound::Bad(3u8);
    assert_eq!(
        (e.status().as_u16(), e.code(), &*e.message()),
        (400, "bad_value", "bad 3")
    );
    assert_eq!(SelfBound::<u8>::catalog().len(), 1);
    assert_eq!(SelfSized(1).code(), "self_sized");
}
