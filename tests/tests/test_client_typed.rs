//! The typed round trip: a body rendered by the server side of a derived enum is recognised
//! by the same enum on the client side.

use api_error_core::client::{ErrorResponse, FromErrorResponse};
use api_error_core::ApiError;
use api_error_tests::payments::{AuthError, PaymentError};
use http::{HeaderMap, StatusCode};

#[derive(Debug, PartialEq, thiserror::Error, ApiError)]
enum Sdk {
    #[error("unit")]
    #[api_error(status = 401, code = "invalid_api_key")]
    InvalidApiKey,
    #[error("{field} must be positive")]
    #[api_error(status = 422)]
    InvalidAmount {
        #[api_error(param)]
        field: String,
    },
    #[error("{message}")]
    #[api_error(status = 400)]
    Rejected {
        message: String,
        #[api_error(param)]
        param: Option<String>,
    },
    #[error("twice")]
    #[api_error(status = 400, code = "rejected")]
    SameCode,
    #[error("Payment failed: {message} (try {{again}})")]
    #[api_error(status = 402)]
    PaymentFailed { message: String },
    #[error("upstream failed")]
    #[api_error(status = 502, message = "Upstream said: {message}")]
    Upstream { message: String },
    #[error("has a source")]
    #[api_error(status = 503)]
    NotRebuildable(std::time::Duration),
}

fn received(e: &dyn ApiError) -> ErrorResponse {
    let mut body = Vec::new();
    e.write_json(Some("req_1"), &mut body);
    ErrorResponse::from_parts(e.status(), &HeaderMap::new(), &body)
}

#[test]
fn qualifying_variants_round_trip() {
    for e in [
        Sdk::InvalidApiKey,
        Sdk::InvalidAmount {
            field: "amount".into(),
        },
        // A param field holding "" is sent as `"param":""` and read back as such.
        Sdk::InvalidAmount {
            field: String::new(),
        },
        Sdk::Rejected {
            message: "empty param".into(),
            param: Some(String::new()),
        },
        Sdk::Rejected {
            message: "bad \"input\"".into(),
            param: Some("q".into()),
        },
        Sdk::Rejected {
            message: "no param".into(),
            param: None,
        },
        // A `message` field inside a template comes back as the field's value alone.
        Sdk::PaymentFailed {
            message: "card expired".into(),
        },
        Sdk::Upstream {
            message: "timeout".into(),
        },
    ] {
        assert_eq!(received(&e).to_typed::<Sdk>(), Some(e));
    }
}

#[test]
fn others_are_not_recognised() {
    assert_eq!(
        received(&Sdk::NotRebuildable(std::time::Duration::ZERO)).to_typed::<Sdk>(),
        None
    );
    let missing_param = ErrorResponse::from_parts(
        StatusCode::UNPROCESSABLE_ENTITY,
        &HeaderMap::new(),
        br#"{"message":"m","type":"validation_error","code":"invalid_amount"}"#,
    );
    assert_eq!(Sdk::from_error_response(&missing_param), None);
    let html = ErrorResponse::from_parts(StatusCode::BAD_GATEWAY, &HeaderMap::new(), b"<html>");
    assert_eq!(html.to_typed::<Sdk>(), None);
    // Two variants share `rejected` (same status and type): the first one is rebuilt.
    assert_eq!(Sdk::SameCode.code(), "rejected");
    assert!(matches!(
        received(&Sdk::SameCode).to_typed::<Sdk>(),
        Some(Sdk::Rejected { .. })
    ));
}

#[test]
fn transparent_variants_ask_the_inner_type() {
    let server = PaymentError::Auth(AuthError::Forbidden {
        action: "refund".into(),
    });
    let r = received(&server);
    // `Forbidden`'s field is not param/message, so it cannot be rebuilt...
    assert!(r.to_typed::<PaymentError>().is_none());
    // ...while unit and param variants can, through the outer enum too.
    let r = received(&PaymentError::InvalidAmount {
        field: "amount".into(),
    });
    assert!(matches!(
        r.to_typed::<PaymentError>(),
        Some(PaymentError::InvalidAmount { field }) if field == "amount"
    ));
    assert!(matches!(
        received(&PaymentError::InvalidApiKey).to_typed::<PaymentError>(),
        Some(PaymentError::InvalidApiKey)
    ));
}

/// Variants whose `message` field the received message does not give back, next to ones
/// that share their code.
#[derive(Debug, PartialEq, thiserror::Error, ApiError)]
enum Lossy {
    #[error("slow down")]
    #[api_error(status = 429, code = "shared")]
    SharedWithDelay {
        #[api_error(retry_after)]
        after: std::time::Duration,
    },
    #[error("slow down")]
    #[api_error(status = 429, code = "shared")]
    SharedUnit,
    #[error("{message} (field {field})")]
    #[api_error(status = 400)]
    BesideAField {
        message: String,
        #[api_error(param)]
        field: String,
    },
    #[error("quoted {message:?}")]
    #[api_error(status = 400)]
    WithASpec { message: String },
    #[error("db said: {message}")]
    #[api_error(status = 500)]
    Redacted { message: String },
    #[error("always the same")]
    #[api_error(status = 409)]
    Fixed { message: String },
    #[error("{message}")]
    #[api_error(status = 400)]
    Plain { message: String },
}

/// Of variants that share a code, the first that can be rebuilt is; a `message` field is only
/// rebuilt when the message shows it plainly, once, beside literal text only: never from a
/// fixed or redacted message, a format spec or a template with another field.
#[test]
fn message_fields_are_only_rebuilt_when_the_message_gives_them_back() {
    let shared = received(&Lossy::SharedWithDelay {
        after: std::time::Duration::from_secs(1),
    });
    assert_eq!(shared.to_typed::<Lossy>(), Some(Lossy::SharedUnit));
    assert_eq!(
        received(&Lossy::SharedUnit).to_typed::<Lossy>(),
        Some(Lossy::SharedUnit)
    );
    for e in [
        Lossy::BesideAField {
            message: "too long".into(),
            field: "name".into(),
        },
        Lossy::WithASpec {
            message: "hi".into(),
        },
        Lossy::Redacted {
            message: "connection refused at 10.0.0.3".into(),
        },
        Lossy::Fixed {
            message: "not on the wire".into(),
        },
    ] {
        assert_eq!(received(&e).to_typed::<Lossy>(), None, "{e:?}");
    }
    let plain = Lossy::Plain {
        message: "as is: {x}".into(),
    };
    assert_eq!(received(&plain).to_typed::<Lossy>(), Some(plain));
}

/// A received message without the variant's frame (another server version's text) does not
/// give the `message` field back: the variant is not rebuilt.
#[test]
fn a_message_without_the_frame_is_not_taken_as_the_field() {
    let framed = ErrorResponse::from_parts(
        StatusCode::PAYMENT_REQUIRED,
        &HeaderMap::new(),
        br#"{"message":"Payment failed: card expired (try {again})","type":"payment_error","code":"payment_failed"}"#,
    );
    assert_eq!(
        framed.to_typed::<Sdk>(),
        Some(Sdk::PaymentFailed {
            message: "card expired".into()
        })
    );
    let other = ErrorResponse::from_parts(
        StatusCode::PAYMENT_REQUIRED,
        &HeaderMap::new(),
        br#"{"message":"The card was declined","type":"payment_error","code":"payment_failed"}"#,
    );
    assert_eq!(other.to_typed::<Sdk>(), None);
}

/// Two variants with one code: the first shows the message in a frame, the second is fixed.
#[derive(Debug, PartialEq, thiserror::Error, ApiError)]
enum Payment {
    #[error("Payment failed: {message}")]
    #[api_error(status = 402, code = "payment_failed", type = "payment_error")]
    Detailed { message: String },
    #[error("Payment failed")]
    #[api_error(status = 402, code = "payment_failed", type = "payment_error")]
    Generic,
    #[error("bad {field}")]
    #[api_error(status = 422, code = "bad_field")]
    BadField {
        #[api_error(param)]
        field: String,
    },
    #[error("bad input")]
    #[api_error(status = 422, code = "bad_field")]
    BadInput,
}

/// A variant the body does not rebuild (no frame in its message, no param it needs) moves
/// on to the next variant with the same code, instead of giving up.
#[test]
fn a_variant_that_does_not_fit_moves_on_to_the_next_with_its_code() {
    let detailed = Payment::Detailed {
        message: "card expired".into(),
    };
    assert_eq!(received(&detailed).to_typed::<Payment>(), Some(detailed));
    assert_eq!(
        received(&Payment::Generic).to_typed::<Payment>(),
        Some(Payment::Generic)
    );
    let field = Payment::BadField {
        field: "amount".into(),
    };
    assert_eq!(received(&field).to_typed::<Payment>(), Some(field));
    assert_eq!(
        received(&Payment::BadInput).to_typed::<Payment>(),
        Some(Payment::BadInput)
    );
}

/// A field type written `String` that is not std's: the impl compiles, and the text is not
/// taken for it (the variant is not recognised; an `Option` of it stays empty).
mod own_string_type {
    use super::*;

    #[derive(Debug, PartialEq)]
    pub struct String(pub u8);

    impl std::fmt::Display for String {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "#{}", self.0)
        }
    }

    #[derive(Debug, PartialEq, thiserror::Error, ApiError)]
    pub enum Own {
        #[error("bad slot")]
        #[api_error(status = 400, code = "bad_slot")]
        BadSlot {
            #[api_error(param)]
            slot: String,
        },
        #[error("maybe")]
        #[api_error(status = 409, code = "maybe_slot")]
        Maybe {
            #[api_error(param)]
            slot: Option<String>,
        },
    }

    #[test]
    fn is_not_taken_for_std_string() {
        let bad = received(&Own::BadSlot { slot: String(3) });
        assert_eq!(bad.param(), Some("#3"));
        assert_eq!(Own::from_error_response(&bad), None);
        let maybe = received(&Own::Maybe {
            slot: Some(String(4)),
        });
        assert_eq!(
            Own::from_error_response(&maybe),
            Some(Own::Maybe { slot: None })
        );
    }
}

/// thiserror's enum-level `#[error("...")]` is the Display of every variant without one of
/// its own: the derive takes it as those variants' template too (the catalog's message, and
/// the frame the typed client takes a `message` field out of), and renders a literal one at
/// compile time; a variant with its own `#[error]` keeps it.
#[test]
fn an_enum_level_error_text_is_each_variants_template() {
    use api_error_core::ErrorCatalog;

    #[derive(Debug, PartialEq, thiserror::Error, ApiError)]
    #[error("storage failure: {message}")]
    #[api_error(status = 400)]
    enum Storage {
        Read {
            message: String,
        },
        #[error("write failed")]
        Write {
            message: String,
        },
    }

    #[derive(Debug, PartialEq, thiserror::Error, ApiError)]
    #[error("the store is read-only")]
    #[api_error(status = 409)]
    enum ReadOnly {
        Put,
        Delete,
    }

    let read = Storage::Read {
        message: "disk".into(),
    };
    assert_eq!(read.message(), "storage failure: disk");
    assert_eq!(received(&read).to_typed::<Storage>(), Some(read));
    let write = Storage::Write {
        message: "x".into(),
    };
    assert_eq!(write.message(), "write failed");
    let templates: Vec<&str> = Storage::catalog().iter().map(|e| e.message).collect();
    assert_eq!(templates, ["storage failure: {message}", "write failed"]);

    assert_eq!(ReadOnly::Delete.message(), "the store is read-only");
    let templates: Vec<&str> = ReadOnly::catalog().iter().map(|e| e.message).collect();
    assert_eq!(templates, ["the store is read-only"; 2]);
    assert_eq!(
        received(&ReadOnly::Put).to_typed::<ReadOnly>(),
        Some(ReadOnly::Put)
    );
}

/// Declares an error enum whose field types come in as `$t:ty` fragments, which reach the
/// derive wrapped in invisible groups: `Option<String>` and `String` are still seen as such.
macro_rules! declare {
    ($name:ident, $param:ty, $wait:ty, $text:ty) => {
        #[derive(Debug, PartialEq, thiserror::Error, ApiError)]
        pub(crate) enum $name {
            #[error("bad")]
            #[api_error(status = 400, message = "Bad value")]
            Bad(#[api_error(param)] $param),
            #[error("slow down")]
            #[api_error(status = 429)]
            Limited(#[api_error(retry_after)] $wait),
            #[error("{0}")]
            #[api_error(status = 409)]
            Conflict(#[api_error(param)] $text),
        }
    };
}

// `(String)` on purpose: a parenthesized type (in the derive's output too, hence the module).
#[allow(unused_parens)]
mod from_macro {
    use super::*;
    declare!(
        FromMacro,
        Option<String>,
        Option<std::time::Duration>,
        (String)
    );
}
use from_macro::FromMacro;

#[test]
fn field_types_passed_through_a_macro_are_seen_through() {
    let e = FromMacro::Bad(Some("amount".into()));
    assert_eq!(e.param().as_deref(), Some("amount"));
    assert_eq!(FromMacro::Bad(None).param(), None);
    let e = FromMacro::Limited(Some(std::time::Duration::from_secs(3)));
    assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(3)));
    // The typed client rebuilds both `Option<String>` and a parenthesized `String`.
    let e = FromMacro::Bad(Some("amount".into()));
    assert_eq!(FromMacro::from_error_response(&received(&e)), Some(e));
    let e = FromMacro::Conflict("order".into());
    assert_eq!(FromMacro::from_error_response(&received(&e)), Some(e));
}
