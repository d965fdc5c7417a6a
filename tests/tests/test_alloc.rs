//! Rendering allocates nothing beyond the output buffer: counted with a global allocator.
//! (The one place in the workspace with `unsafe`: a `GlobalAlloc` impl must be.)
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use api_error_core::ApiError;
use api_error_tests::payments::PaymentError;

struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call forwards unchanged to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.with(|c| c.set(c.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations(f: impl FnOnce()) -> usize {
    let before = ALLOCS.with(Cell::get);
    f();
    ALLOCS.with(Cell::get) - before
}

/// `InvalidApiKey`'s message is thiserror's `#[error("Invalid API key provided")]`, a
/// literal: the derive renders it at compile time, so `message()` borrows it.
#[test]
fn serde_path_of_a_literal_message_allocates_nothing() {
    let e = PaymentError::InvalidApiKey;
    let mut buf = Vec::with_capacity(512);
    let n = allocations(|| serde_json::to_writer(&mut buf, &e.to_body()).unwrap());
    assert_eq!(n, 0, "to_body() + serde_json allocated");
    assert!(!buf.is_empty());
}

#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
enum WithParam {
    #[error("Invalid email address")]
    #[api_error(status = 422)]
    InvalidEmail {
        #[api_error(param)]
        field: String,
    },
}

/// A `String` param field is borrowed through `AsRef<str>`, not formatted.
#[test]
fn serde_path_with_a_param_field_allocates_nothing() {
    let e = WithParam::InvalidEmail {
        field: "email".into(),
    };
    let mut buf = Vec::with_capacity(512);
    let n = allocations(|| serde_json::to_writer(&mut buf, &e.to_body()).unwrap());
    assert_eq!(n, 0, "to_body() + serde_json allocated");
    let n = allocations(|| e.write_json(None, &mut buf));
    assert_eq!(n, 0, "write_json allocated");
}

#[test]
fn write_json_allocates_nothing_for_literal_and_formatted_messages() {
    let errors = [
        PaymentError::InvalidApiKey,
        PaymentError::CustomerNotFound {
            id: "cus_123".into(),
        },
        PaymentError::InvalidAmount {
            field: "amount".into(),
        },
        PaymentError::Database(std::io::Error::other("secret")),
        PaymentError::IdempotencyConflict {
            key: "k\"ey\n".into(),
        },
    ];
    for e in &errors {
        let mut buf = Vec::with_capacity(512);
        let n = allocations(|| e.write_json(Some("req_1"), &mut buf));
        assert_eq!(n, 0, "write_json allocated for {e:?}");
        assert!(buf.ends_with(br#""request_id":"req_1"}"#));
    }
}

/// Every wire format renders without allocating beyond the buffer, literal and formatted
/// messages alike (a type base is escaped once, when it is configured).
#[test]
fn every_wire_format_allocates_nothing() {
    use api_error_core::{ErrorFormat, WireFormat};
    let formats = [
        ErrorFormat::new(WireFormat::Flat),
        ErrorFormat::new(WireFormat::Enveloped),
        ErrorFormat::new(WireFormat::Problem),
        ErrorFormat::new(WireFormat::Problem).problem_type_base("https://docs.example.com/errors/"),
    ];
    let errors = [
        PaymentError::InvalidApiKey,
        PaymentError::CustomerNotFound {
            id: "cus_123".into(),
        },
        PaymentError::InvalidAmount {
            field: "amount".into(),
        },
        PaymentError::Database(std::io::Error::other("secret")),
    ];
    for format in &formats {
        for e in &errors {
            let mut buf = Vec::with_capacity(512);
            let n = allocations(|| format.write(e, Some("req_1"), &mut buf));
            assert_eq!(n, 0, "{format:?} allocated for {e:?}");
            assert!(buf.ends_with(b"}"));
        }
    }
}

#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
enum WithFieldErrors {
    #[error("The signup form has errors")]
    #[api_error(status = 422, code = "invalid_signup")]
    Form {
        #[api_error(field_errors)]
        errors: api_error_core::FieldErrors,
    },
    #[error(transparent)]
    #[api_error(transparent)]
    Invalid(api_error_core::FieldErrors),
}

fn three_field_errors() -> api_error_core::FieldErrors {
    use api_error_core::FieldError;
    [
        FieldError::new("name", "length", "must be at least 2 characters long"),
        FieldError::new("address.city", "required", "is \"required\"\n"),
        FieldError::new("items[1].amount", "range", "must be at least 1"),
    ]
    .into_iter()
    .collect()
}

/// A three-error body: `FieldErrors` itself (its message is formatted straight into the
/// buffer), a derived variant with a `field_errors` field, and a transparent one.
#[test]
fn write_json_of_a_three_error_body_allocates_nothing() {
    let errors = three_field_errors();
    let form = WithFieldErrors::Form {
        errors: errors.clone(),
    };
    let wrapped = WithFieldErrors::Invalid(errors.clone());
    for e in [&errors as &dyn ApiError, &form, &wrapped] {
        let mut buf = Vec::with_capacity(1024);
        let n = allocations(|| e.write_json(Some("req_1"), &mut buf));
        assert_eq!(n, 0, "write_json allocated for {e:?}");
        assert!(buf.ends_with(br#""message":"must be at least 1"}]}"#));
        assert_eq!(buf.iter().filter(|&&b| b == b'{').count(), 4);
    }
    // The serde path borrows the errors too (a literal message).
    let mut buf = Vec::with_capacity(1024);
    let n = allocations(|| serde_json::to_writer(&mut buf, &form.to_body()).unwrap());
    assert_eq!(n, 0, "to_body() + serde_json allocated");
}
