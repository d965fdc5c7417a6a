//! Runtime behaviour of `#[derive(ApiError)]`: every attribute and default, byte-exact JSON,
//! redaction, transparent delegation, `dyn ApiError`, hostile text and the body round trip.

use std::time::Duration;

use api_error_core::status::{self, ErrorType};
use api_error_core::{ApiError, ErrorBody, ErrorCatalog};
use api_error_tests::payments::{AuthError, PaymentError};
use http::StatusCode;

/// Both render paths, checked against each other: the derive's compile-time `write_json`
/// and serde_json over `to_body()`.
fn render(e: &dyn ApiError, request_id: Option<&str>) -> String {
    let mut fast = Vec::new();
    e.write_json(request_id, &mut fast);
    let mut body = e.to_body();
    body.request_id = request_id.map(Into::into);
    let serde = serde_json::to_vec(&body).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&fast),
        String::from_utf8_lossy(&serde),
        "write_json and serde_json disagree"
    );
    String::from_utf8(fast).unwrap()
}

#[test]
fn byte_exact_bodies_per_status_class() {
    assert_eq!(
        render(&PaymentError::InvalidApiKey, Some("req_1")),
        r#"{"message":"Invalid API key provided","type":"authentication_error","code":"invalid_api_key","param":null,"request_id":"req_1"}"#
    );
    assert_eq!(
        render(
            &PaymentError::CustomerNotFound {
                id: "cus_123".into()
            },
            Some("req_8fZ2kQ")
        ),
        r#"{"message":"No such customer: cus_123","type":"not_found_error","code":"resource_missing","param":"customer","request_id":"req_8fZ2kQ"}"#
    );
    assert_eq!(
        render(
            &PaymentError::InvalidAmount {
                field: "amount".into()
            },
            None
        ),
        r#"{"message":"amount must be positive","type":"validation_error","code":"invalid_amount","param":"amount","request_id":null}"#
    );
    let limited = PaymentError::RateLimited {
        wait: Duration::from_millis(1500),
    };
    assert_eq!(
        render(&limited, None),
        r#"{"message":"Too many requests","type":"rate_limit_error","code":"rate_limited","param":null,"request_id":null}"#
    );
    assert_eq!(limited.retry_after(), Some(Duration::from_millis(1500)));
    assert!(limited.is_retryable());
    let db = PaymentError::Database(std::io::Error::other("password=hunter2"));
    assert_eq!(
        render(&db, Some("req_2")),
        r#"{"message":"The service is temporarily unavailable.","type":"api_error","code":"database_unavailable","param":null,"request_id":"req_2"}"#
    );
    assert_eq!(db.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(db.is_retryable());
}

#[test]
fn five_hundreds_are_redacted() {
    let secret = "postgres://admin:hunter2@db-primary.internal:5432";
    let e = PaymentError::Database(std::io::Error::other(secret));
    assert!(
        e.to_string().contains(secret),
        "Display keeps the detail for logs"
    );
    let body = render(&e, None);
    assert!(
        !body.contains("hunter2") && !body.contains("db-primary"),
        "{body}"
    );
    assert_eq!(
        e.message(),
        status::generic_message(StatusCode::SERVICE_UNAVAILABLE)
    );
    for entry in PaymentError::catalog() {
        assert!(!entry.message.contains("database unavailable"), "{entry:?}");
    }
}

#[test]
fn transparent_delegates_everything() {
    let e = PaymentError::Auth(AuthError::KeyExpired {
        expired_on: "2026-01-31".into(),
    });
    assert_eq!(e.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(e.code(), "api_key_expired");
    assert_eq!(e.error_type(), "authentication_error");
    assert_eq!(e.message(), "Your API key expired on 2026-01-31");
    assert_eq!(
        render(&e, None),
        r#"{"message":"Your API key expired on 2026-01-31","type":"authentication_error","code":"api_key_expired","param":null,"request_id":null}"#
    );
    let forbidden = PaymentError::Auth(AuthError::Forbidden {
        action: "refund".into(),
    });
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    assert_eq!(forbidden.error_type(), ErrorType::Permission.as_str());
}

#[test]
fn dyn_api_error_and_references() {
    let errors: Vec<Box<dyn ApiError>> = vec![
        Box::new(PaymentError::InvalidApiKey),
        Box::new(AuthError::Forbidden { action: "x".into() }),
    ];
    let codes: Vec<&str> = errors.iter().map(|e| e.code()).collect();
    assert_eq!(codes, ["invalid_api_key", "insufficient_permissions"]);
    let by_ref: &dyn ApiError = &&PaymentError::InvalidApiKey;
    assert_eq!(by_ref.status(), StatusCode::UNAUTHORIZED);
}

#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
#[api_error(status = 400, type = "request_error", retryable = true)]
enum Defaults {
    /// Takes every default from the enum.
    #[error("plain {0}")]
    Plain(u32),
    #[error("own")]
    #[api_error(
        status = 404,
        type = "lookup_error",
        code = "gone_fishing",
        retryable = false
    )]
    Own,
    #[error("conflict")]
    #[api_error(status = CONFLICT)]
    ByName,
    #[error("teapot")]
    #[api_error(status = http::StatusCode::IM_A_TEAPOT)]
    ByPath,
    #[error("positional {0} and named")]
    #[api_error(message = "got {0:?} / {1} / {0}")]
    Positional(String, u8),
    #[error("{{braces}}")]
    #[api_error(message = "literal {{braces}}")]
    Braces,
    #[error("optional")]
    Optional {
        #[api_error(param)]
        name: Option<String>,
    },
    #[error("numeric param")]
    NumericParam(#[api_error(param)] u64),
}

#[test]
fn container_defaults_and_overrides() {
    let plain = Defaults::Plain(7);
    assert_eq!(plain.status(), StatusCode::BAD_REQUEST);
    assert_eq!(plain.error_type(), "request_error");
    assert_eq!(plain.code(), "plain");
    assert!(plain.is_retryable(), "enum-level retryable = true");
    assert_eq!(plain.message(), "plain 7", "4xx default message is Display");

    let own = Defaults::Own;
    assert_eq!(own.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        (own.error_type(), own.code()),
        ("lookup_error", "gone_fishing")
    );
    assert!(!own.is_retryable());

    assert_eq!(Defaults::ByName.status(), StatusCode::CONFLICT);
    assert_eq!(Defaults::ByName.code(), "by_name");
    assert_eq!(Defaults::ByPath.status(), StatusCode::IM_A_TEAPOT);

    let pos = Defaults::Positional("a\"b".into(), 3);
    assert_eq!(pos.message(), r#"got "a\"b" / 3 / a"b"#);
    assert_eq!(
        render(&pos, None),
        r#"{"message":"got \"a\\\"b\" / 3 / a\"b","type":"request_error","code":"positional","param":null,"request_id":null}"#
    );
    assert_eq!(Defaults::Braces.message(), "literal {braces}");
    render(&Defaults::Braces, Some("r"));

    let some = Defaults::Optional {
        name: Some("email".into()),
    };
    assert_eq!(some.param().as_deref(), Some("email"));
    assert!(render(&some, None).contains(r#""param":"email""#));
    let none = Defaults::Optional { name: None };
    assert_eq!(none.param(), None);
    assert!(render(&none, None).contains(r#""param":null"#));
    assert_eq!(Defaults::NumericParam(42).param().as_deref(), Some("42"));
    render(&Defaults::NumericParam(42), Some("x"));
}

#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
enum Retries {
    #[error("duration")]
    #[api_error(status = 429)]
    Duration(#[api_error(retry_after)] Duration),
    #[error("seconds")]
    #[api_error(status = 503, retryable = false)]
    Seconds {
        #[api_error(retry_after)]
        secs: u32,
    },
    #[error("maybe")]
    #[api_error(status = 503)]
    Maybe(#[api_error(retry_after)] Option<u64>),
    #[error("negative")]
    #[api_error(status = 503)]
    Negative(#[api_error(retry_after)] i64),
    // A user's type whose name a standard type also has: the derive does not judge it by
    // name (an alias of `u64`, accepted as one).
    #[error("aliased")]
    #[api_error(status = 503)]
    Aliased(#[api_error(retry_after)] clock::Instant),
    #[error("timeout")]
    #[api_error(status = 408)]
    Timeout,
    #[error("upstream: {0}")]
    #[api_error(status = 502, expose)]
    Upstream(String),
    #[error("internal")]
    #[api_error(status = 500, message = "Please try again ({0})")]
    Custom(u8),
}

mod clock {
    pub type Instant = u64;
}

#[test]
fn retry_after_retryable_and_expose() {
    assert_eq!(
        Retries::Aliased(3).retry_after(),
        Some(Duration::from_secs(3))
    );
    assert_eq!(
        Retries::Duration(Duration::from_secs(2)).retry_after(),
        Some(Duration::from_secs(2))
    );
    let secs = Retries::Seconds { secs: 30 };
    assert_eq!(secs.retry_after(), Some(Duration::from_secs(30)));
    assert!(
        !secs.is_retryable(),
        "retryable = false overrides the 5xx default"
    );
    assert_eq!(Retries::Maybe(None).retry_after(), None);
    assert_eq!(
        Retries::Maybe(Some(5)).retry_after(),
        Some(Duration::from_secs(5))
    );
    assert_eq!(Retries::Negative(-1).retry_after(), None);
    assert!(
        Retries::Timeout.is_retryable(),
        "408 is retryable by the table"
    );
    assert_eq!(Retries::Timeout.error_type(), "invalid_request_error");
    let up = Retries::Upstream("eu-west timeout".into());
    assert_eq!(
        up.message(),
        "upstream: eu-west timeout",
        "expose sends Display"
    );
    assert_eq!(up.error_type(), "api_error");
    assert_eq!(Retries::Custom(9).message(), "Please try again (9)");
    for e in [
        Retries::Timeout,
        up,
        Retries::Custom(1),
        Retries::Seconds { secs: 1 },
    ] {
        render(&e, Some("req_x"));
    }
}

/// A struct is its own single variant.
#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
#[error("card declined: {reason}")]
#[api_error(status = 402, param = "card")]
struct CardDeclined {
    reason: String,
}

#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
#[error("gone")]
#[api_error(status = 410, code = "resource_gone", type = "gone_error")]
struct Gone;

#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
#[error(transparent)]
#[api_error(transparent)]
struct Wrapper(PaymentError);

#[test]
fn structs() {
    let e = CardDeclined {
        reason: "insufficient_funds".into(),
    };
    assert_eq!(e.code(), "card_declined");
    assert_eq!(e.status(), StatusCode::PAYMENT_REQUIRED);
    assert_eq!(
        render(&e, None),
        r#"{"message":"card declined: insufficient_funds","type":"invalid_request_error","code":"card_declined","param":"card","request_id":null}"#
    );
    assert_eq!(
        (Gone.code(), Gone.error_type()),
        ("resource_gone", "gone_error")
    );
    let w = Wrapper(PaymentError::CustomerNotFound { id: "c".into() });
    assert_eq!(w.code(), "resource_missing");
    assert_eq!(w.param().as_deref(), Some("customer"));
    assert_eq!(Wrapper::catalog(), PaymentError::catalog());
}

#[test]
fn hostile_text_stays_valid_json() {
    let hostile = "\"quoted\" \\ back\nslash\t\u{0}\u{1f}\u{7f} é 😀 </script> \u{2028}";
    for e in [
        PaymentError::CustomerNotFound { id: hostile.into() },
        PaymentError::InvalidAmount {
            field: hostile.into(),
        },
    ] {
        let json = render(&e, Some("req_ok"));
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(parsed["message"].as_str().unwrap().contains(hostile));
        let back: ErrorBody<'static> = serde_json::from_str(&json).unwrap();
        assert_eq!(back.message, e.message());
    }
    let e = PaymentError::InvalidAmount {
        field: hostile.into(),
    };
    let json = render(&e, None);
    let back: ErrorBody<'static> = serde_json::from_str(&json).unwrap();
    assert_eq!(back.param.as_deref(), Some(hostile));
}

#[test]
fn body_round_trip_and_unknown_keys() {
    let e = PaymentError::CustomerNotFound { id: "cus_1".into() };
    let body = e.to_body().with_request_id("req_9");
    let json = serde_json::to_string(&body).unwrap();
    let back: ErrorBody<'static> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, body);
    let extra: ErrorBody<'static> = serde_json::from_str(
        r#"{"doc_url":"https://x","message":"m","type":"t","code":"c","extra":{"a":[1]}}"#,
    )
    .unwrap();
    assert_eq!(extra, ErrorBody::new("m", "t", "c"));
    let mut b = ErrorBody::new("m", "t", "c");
    b.set_request_id(Some("r"));
    assert_eq!(b.request_id.as_deref(), Some("r"));
    b.set_request_id(None::<&str>);
    assert_eq!(b.request_id, None);
}

#[test]
fn catalog_lists_every_error_with_inner_entries() {
    let codes: Vec<&str> = PaymentError::catalog().iter().map(|e| e.code).collect();
    assert_eq!(
        codes,
        [
            "invalid_api_key",
            "resource_missing",
            "idempotency_key_reused",
            "invalid_amount",
            "rate_limited",
            "database_unavailable",
            "api_key_expired",
            "insufficient_permissions"
        ]
    );
    let catalog = PaymentError::catalog();
    let missing = &catalog[1];
    assert_eq!(missing.variant, "CustomerNotFound");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.error_type, "not_found_error");
    assert_eq!(
        missing.message, "No such customer: {id}",
        "thiserror text as template"
    );
    assert_eq!(missing.param, Some("customer"));
    assert!(!missing.retryable);
    assert_eq!(missing.doc, "The customer does not exist.");
    let limited = &catalog[4];
    assert!(limited.retryable);
    assert_eq!(
        catalog[5].message,
        "The service is temporarily unavailable."
    );
    assert_eq!(catalog[7].message, "This API key cannot {action}");
}

#[test]
fn derive_tables_agree_with_the_status_module() {
    #[derive(Debug, thiserror::Error, api_error_core::ApiError)]
    enum All {
        #[error("x")]
        #[api_error(status = 500)]
        A,
        #[error("x")]
        #[api_error(status = 502)]
        B,
        #[error("x")]
        #[api_error(status = 503)]
        C,
        #[error("x")]
        #[api_error(status = 504)]
        D,
        #[error("x")]
        #[api_error(status = 599)]
        E,
    }
    for (entry, e) in All::catalog()
        .iter()
        .zip([All::A, All::B, All::C, All::D, All::E])
    {
        assert_eq!(entry.message, status::generic_message(e.status()));
        assert_eq!(e.message(), status::generic_message(e.status()));
    }
    for code in 400..=599u16 {
        let s = StatusCode::from_u16(code).unwrap();
        assert!(!status::default_type(s).is_empty());
        assert_eq!(status::default_type(s), ErrorType::for_status(s).as_str());
    }
    for (code, ty, retry) in [
        (400, "invalid_request_error", false),
        (401, "authentication_error", false),
        (403, "permission_error", false),
        (404, "not_found_error", false),
        (408, "invalid_request_error", true),
        (409, "conflict_error", false),
        (418, "invalid_request_error", false),
        (422, "validation_error", false),
        (429, "rate_limit_error", true),
        (500, "api_error", true),
        (502, "api_error", true),
        (503, "api_error", true),
        (504, "api_error", true),
        (599, "api_error", true),
    ] {
        let s = StatusCode::from_u16(code).unwrap();
        assert_eq!(status::default_type(s), ty, "{code}");
        assert_eq!(status::is_retryable(s), retry, "{code}");
    }
}

/// A hand-written `ApiError` (no catalog, no typed client parsing) as a transparent inner.
#[derive(Debug)]
struct HandWritten;

impl std::fmt::Display for HandWritten {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("hand written")
    }
}

impl std::error::Error for HandWritten {}

impl ApiError for HandWritten {
    fn status(&self) -> StatusCode {
        StatusCode::IM_A_TEAPOT
    }
    fn error_type(&self) -> &'static str {
        "invalid_request_error"
    }
    fn code(&self) -> &'static str {
        "teapot"
    }
    fn message(&self) -> std::borrow::Cow<'_, str> {
        "I am a teapot".into()
    }
    fn param(&self) -> Option<std::borrow::Cow<'_, str>> {
        None
    }
}

#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
enum WrapsHandWritten {
    #[error(transparent)]
    #[api_error(transparent)]
    Inner(HandWritten),
    #[error("own")]
    #[api_error(status = 400)]
    Own,
}

#[test]
fn transparent_over_a_hand_written_api_error() {
    let e = WrapsHandWritten::Inner(HandWritten);
    assert_eq!(e.code(), "teapot");
    assert_eq!(
        render(&e, None),
        r#"{"message":"I am a teapot","type":"invalid_request_error","code":"teapot","param":null,"request_id":null}"#
    );
    // No ErrorCatalog on the inner type: it contributes no entries, the rest is listed.
    let codes: Vec<&str> = WrapsHandWritten::catalog().iter().map(|c| c.code).collect();
    assert_eq!(codes, ["own"]);
}

/// A transparent variant over a boxed `dyn ApiError` (itself no `ApiError`: `std`'s `Error`
/// for `Box<T>` needs a sized `T`), as the README promises ("or a `Box` of one").
#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
enum WrapsAnyError {
    #[error("{0}")]
    #[api_error(transparent)]
    Any(Box<dyn ApiError + Send + Sync>),
    #[error("{0}")]
    #[api_error(transparent)]
    Local(Box<dyn ApiError>),
    #[error("own")]
    #[api_error(status = 400)]
    Own,
}

#[test]
fn transparent_over_a_boxed_dyn_api_error() {
    let e = WrapsAnyError::Any(Box::new(HandWritten));
    assert_eq!(e.status(), StatusCode::IM_A_TEAPOT);
    assert_eq!(e.code(), "teapot");
    assert_eq!(
        render(&e, Some("req_1")),
        r#"{"message":"I am a teapot","type":"invalid_request_error","code":"teapot","param":null,"request_id":"req_1"}"#
    );
    assert_eq!(
        WrapsAnyError::Local(Box::new(WrapsHandWritten::Own)).code(),
        "own"
    );
    // A boxed error has no catalog: it contributes no entries.
    let codes: Vec<&str> = WrapsAnyError::catalog().iter().map(|c| c.code).collect();
    assert_eq!(codes, ["own"]);
}

/// A param type with `AsRef<str>` but no `Display`.
#[derive(Debug)]
struct FieldName(&'static str);

impl AsRef<str> for FieldName {
    fn as_ref(&self) -> &str {
        self.0
    }
}

#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
enum Params {
    #[error("bad field")]
    #[api_error(status = 422)]
    AsRefOnly(#[api_error(param)] FieldName),
    #[error("bad string")]
    #[api_error(status = 422)]
    Owned {
        #[api_error(param)]
        name: String,
    },
    #[error("maybe")]
    #[api_error(status = 422)]
    Maybe(#[api_error(param)] Option<FieldName>),
}

#[test]
fn param_fields_via_as_ref_str_or_display() {
    let e = Params::AsRefOnly(FieldName("amount\"x"));
    assert_eq!(e.param().as_deref(), Some("amount\"x"));
    assert!(render(&e, Some("r")).contains(r#""param":"amount\"x""#));
    let e = Params::Owned {
        name: "email".into(),
    };
    assert!(
        matches!(e.param(), Some(std::borrow::Cow::Borrowed("email"))),
        "an AsRef<str> field is borrowed, not formatted"
    );
    render(&e, None);
    assert_eq!(
        Params::Maybe(Some(FieldName("q"))).param().as_deref(),
        Some("q")
    );
    assert!(render(&Params::Maybe(None), None).contains(r#""param":null"#));
}

/// A `Display` that writes part of its text and then reports an error.
#[derive(Debug)]
struct Flaky;

impl std::fmt::Display for Flaky {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("half")?;
        Err(std::fmt::Error)
    }
}

#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
enum Broken {
    /// The default 4xx message is the error's own `Display`.
    #[error("whole: {0}")]
    #[api_error(status = 400)]
    OwnDisplay(Flaky),
    #[error("formatted")]
    #[api_error(status = 400, message = "got {0} here")]
    Formatted(Flaky),
    #[error("param")]
    #[api_error(status = 422, message = "bad input")]
    Param(#[api_error(param)] Flaky),
}

/// A `Display` that fails (where `to_string` and `format!` panic) cuts the text where it
/// failed, in both render paths alike: rendering an error never panics.
#[test]
fn a_failing_display_cuts_the_text_instead_of_panicking() {
    let e = Broken::OwnDisplay(Flaky);
    assert_eq!(e.message(), "whole: half");
    assert!(render(&e, None).contains(r#""message":"whole: half""#));
    let e = Broken::Formatted(Flaky);
    assert_eq!(e.message(), "got half");
    assert!(render(&e, None).contains(r#""message":"got half""#));
    let e = Broken::Param(Flaky);
    assert_eq!(e.param().as_deref(), Some("half"));
    assert!(render(&e, Some("r")).contains(r#""param":"half""#));
}

#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
#[api_error(message = "Something failed")]
enum ContainerMessage {
    #[error("upstream said {0}")]
    #[api_error(status = 502, expose)]
    Exposed(String),
    #[error("secret detail {0}")]
    #[api_error(status = 400)]
    Default(String),
}

/// A variant's `expose` overrides the container's default `message`, as its own `message`
/// would; the other variants keep the default.
#[test]
fn expose_overrides_a_container_message() {
    let e = ContainerMessage::Exposed("timeout".into());
    assert_eq!(e.message(), "upstream said timeout");
    assert!(render(&e, None).contains(r#""message":"upstream said timeout""#));
    let e = ContainerMessage::Default("x".into());
    assert_eq!(e.message(), "Something failed");
    let catalog = ContainerMessage::catalog();
    assert_eq!(catalog[0].message, "upstream said {0}");
    assert_eq!(catalog[1].message, "Something failed");
}

#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
#[error("connect to postgres://admin:hunter2@10.0.0.5 failed")]
#[api_error(status = 503)]
struct DbDown;

#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
#[api_error(status = 400, message = "Bad request: {0}")]
enum FormattedContainerMessage {
    #[error("bad {0}")]
    Bad(String),
    #[error(transparent)]
    #[api_error(transparent)]
    Db(DbDown),
    #[error(transparent)]
    #[api_error(transparent)]
    Payment(PaymentError),
}

/// A container `message` that formats fields is the message of the variants that take it,
/// never of a transparent one: that one's message is its inner error's, redacted if a 5xx.
#[test]
fn a_container_message_never_applies_to_a_transparent_variant() {
    let e = FormattedContainerMessage::Bad("input".into());
    assert_eq!(e.message(), "Bad request: input");
    assert!(render(&e, None).starts_with(r#"{"message":"Bad request: input","#));

    let e = FormattedContainerMessage::Db(DbDown);
    assert_eq!(e.message(), "The service is temporarily unavailable.");
    assert_eq!(
        render(&e, Some("req_1")),
        r#"{"message":"The service is temporarily unavailable.","type":"api_error","code":"db_down","param":null,"request_id":"req_1"}"#
    );
    assert!(!e.to_body().message.contains("hunter2"));

    let e = FormattedContainerMessage::Payment(PaymentError::Auth(AuthError::KeyExpired {
        expired_on: "2026-01-31".into(),
    }));
    assert_eq!(e.message(), "Your API key expired on 2026-01-31");
    render(&e, None);
}

#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
enum Boxed {
    /// Boxed to keep `Result<T, Boxed>` small (clippy's `result_large_err`).
    #[error(transparent)]
    #[api_error(transparent)]
    Payment(Box<PaymentError>),
}

/// `transparent` over `Box<Inner>` delegates everything to `Inner`, as over `Inner`.
#[test]
fn transparent_over_a_box() {
    let inner = PaymentError::CustomerNotFound { id: "cus_1".into() };
    let e = Boxed::Payment(Box::new(PaymentError::CustomerNotFound {
        id: "cus_1".into(),
    }));
    assert_eq!(render(&e, Some("r")), render(&inner, Some("r")));
    assert_eq!(e.status(), inner.status());
    assert_eq!(Boxed::catalog(), PaymentError::catalog());
    // The client side recognises it through the box too.
    let e = Boxed::Payment(Box::new(PaymentError::InvalidAmount {
        field: "amount".into(),
    }));
    let mut body = Vec::new();
    e.write_json(None, &mut body);
    let received = api_error_core::client::ErrorResponse::from_parts(
        e.status(),
        &http::HeaderMap::new(),
        &body,
    );
    assert!(matches!(
        received.to_typed::<Boxed>(),
        Some(Boxed::Payment(p)) if matches!(&*p, PaymentError::InvalidAmount { field } if field == "amount")
    ));
}

#[derive(Debug, thiserror::Error, ApiError)]
enum RawNames {
    /// A field with a raw identifier is named without `r#` in a message, as in `format!`.
    #[error("unknown type {type}")]
    #[api_error(status = 400, message = "Unknown type: {type}", code = "unknown_type")]
    UnknownType {
        #[api_error(param)]
        r#type: String,
    },
}

/// A raw-identifier field works in the message and as the param, in both render paths.
#[test]
fn raw_identifier_fields() {
    let e = RawNames::UnknownType {
        r#type: "pix".into(),
    };
    assert_eq!(
        render(&e, None),
        r#"{"message":"Unknown type: pix","type":"invalid_request_error","code":"unknown_type","param":"pix","request_id":null}"#
    );
}

/// A raw identifier is its name without `r#`: in the default code and in the catalog.
#[test]
fn raw_identifier_variants_are_named_without_r_hash() {
    use api_error_core::ErrorCatalog;
    #[allow(non_camel_case_types)]
    #[derive(Debug, thiserror::Error, ApiError)]
    enum Keyword {
        #[error("loop")]
        #[api_error(status = 508)]
        r#Loop,
        #[error("match")]
        #[api_error(status = 409)]
        r#match,
    }
    assert_eq!(Keyword::r#Loop.code(), "loop");
    assert_eq!(Keyword::r#match.code(), "match");
    let names: Vec<&str> = Keyword::catalog().iter().map(|e| e.variant).collect();
    assert_eq!(names, ["Loop", "match"]);
}

/// Paths have no `Display`: a message shows a path field with `{path}` through its
/// `display()`, as thiserror's `#[error]` does, whatever holds it; `{path:?}` stays `Debug`,
/// and a type named `Path` with a `Display` of its own keeps it.
#[test]
fn path_fields_are_shown_with_display() {
    use std::borrow::Cow;
    use std::path::Path;
    use std::sync::Arc;

    mod own {
        /// Not `std::path::Path`: its own `Display`.
        #[derive(Debug)]
        pub struct Path(pub &'static str);
        impl std::fmt::Display for Path {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "<{}>", self.0)
            }
        }
    }

    #[derive(Debug, thiserror::Error, ApiError)]
    #[api_error(status = 404)]
    enum Files<'a> {
        #[error("no file {0}")]
        #[api_error(message = "No file at {0} ({0:?})")]
        Missing(std::path::PathBuf),
        #[error("no dir {dir}")]
        #[api_error(message = "No directory {dir}")]
        NoDir { dir: &'a Path },
        #[error("{0}")]
        #[api_error(message = "Boxed {0}, shared {1}, borrowed {2}")]
        Held(Box<Path>, Arc<Path>, Cow<'a, Path>),
        #[error("{0}")]
        #[api_error(message = "Qualified {0}")]
        Qualified(std::path::PathBuf),
        #[error("{0}")]
        #[api_error(message = "Own {0}")]
        Own(own::Path),
    }

    let missing = Files::Missing(std::path::PathBuf::from("/srv/a \"b\".txt"));
    assert_eq!(
        missing.message(),
        r#"No file at /srv/a "b".txt ("/srv/a \"b\".txt")"#
    );
    assert_eq!(
        render(&missing, None),
        r#"{"message":"No file at /srv/a \"b\".txt (\"/srv/a \\\"b\\\".txt\")","type":"not_found_error","code":"missing","param":null,"request_id":null}"#
    );
    let dir = Path::new("/etc");
    assert_eq!(Files::NoDir { dir }.message(), "No directory /etc");
    let held = Files::Held(
        Path::new("/a").into(),
        Arc::from(Path::new("/b")),
        Cow::Borrowed(Path::new("/c")),
    );
    assert_eq!(held.message(), "Boxed /a, shared /b, borrowed /c");
    render(&held, Some("req_1"));
    assert_eq!(
        Files::Qualified(std::path::PathBuf::from("x")).message(),
        "Qualified x"
    );
    assert_eq!(Files::Own(own::Path("y")).message(), "Own <y>");
    let template: Vec<&str> = Files::catalog().iter().map(|e| e.message).collect();
    assert_eq!(template[0], "No file at {0} ({0:?})");
}

/// A type parameter that happens to be called `Path` is whatever the caller picks: shown
/// through its `Display`, which the impls require.
#[test]
fn a_type_parameter_named_path_is_shown_with_its_display() {
    #[derive(Debug, thiserror::Error, ApiError)]
    enum Generic<Path, PathBuf> {
        #[error("bad {0}")]
        #[api_error(status = 400, message = "bad {0}")]
        A(Path),
        #[error("boxed {0}")]
        #[api_error(status = 400, message = "boxed {0}")]
        B(Box<PathBuf>),
    }
    assert_eq!(Generic::<&str, u8>::A("x").message(), "bad x");
    assert_eq!(Generic::<&str, u8>::B(Box::new(7)).message(), "boxed 7");
    render(&Generic::<&str, u8>::A("x"), None);
}

/// A path that is not UTF-8 is shown as `Path::display` shows it (replacement characters),
/// still valid JSON in both render paths.
#[cfg(unix)]
#[test]
fn a_non_utf8_path_is_shown_lossily() {
    use std::os::unix::ffi::OsStrExt;
    use std::path::PathBuf;

    #[derive(Debug, thiserror::Error, ApiError)]
    #[error("{0:?}")]
    #[api_error(status = 400, message = "Bad path {0}")]
    struct BadPath(PathBuf);

    let e = BadPath(PathBuf::from(std::ffi::OsStr::from_bytes(b"/tmp/\xff.txt")));
    assert_eq!(e.message(), "Bad path /tmp/\u{fffd}.txt");
    let body = render(&e, None);
    let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(parsed["message"], "Bad path /tmp/\u{fffd}.txt");
}

/// A message reads its arguments as `format!` does: whitespace before the closing brace,
/// `{00}` for `{0}`.
#[test]
fn message_arguments_as_format_reads_them() {
    #[derive(Debug, thiserror::Error, ApiError)]
    #[api_error(status = 400)]
    enum Spaced {
        #[error("{0}")]
        #[api_error(message = "[{00}] [{0:>4 }] [{1 }]")]
        Tuple(u8, u8),
        #[error("{name}")]
        #[api_error(message = "[{name }] [{name:? }] [{name :?}]")]
        Named { name: String },
    }
    let tuple = Spaced::Tuple(7, 8);
    assert_eq!(tuple.message(), "[7] [   7] [8]");
    render(&tuple, None);
    let named = Spaced::Named { name: "a".into() };
    assert_eq!(named.message(), r#"[a] ["a"] ["a"]"#);
    render(&named, None);
}

/// `r#type`, as a Rust field named `type` is written, is the `type` key.
#[test]
fn a_raw_type_key_is_the_type_key() {
    #[derive(Debug, thiserror::Error, ApiError)]
    #[error("x")]
    #[api_error(status = 400, r#type = "card_error")]
    struct Declined;
    assert_eq!(Declined.error_type(), "card_error");
}
