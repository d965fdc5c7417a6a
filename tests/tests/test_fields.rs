//! Field errors (SPEC §11): `FieldErrors` as an error of its own, the derive's
//! `#[api_error(field_errors)]`, transparent and `#[from]`, the body's sixth key rendered
//! byte-identically by `write_json` and serde, and the client reading it back.

use api_error_core::client::{ErrorResponse, MAX_FIELD_ERRORS};
use api_error_core::{ApiError, ErrorBody, ErrorCatalog, FieldError, FieldErrors};
use http::{HeaderMap, StatusCode};
use proptest::prelude::*;

/// Both render paths, checked against each other; returns the body.
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

fn three() -> FieldErrors {
    [
        FieldError::new("name", "length", "must be at least 2 characters long"),
        FieldError::new("address.city", "required", "is required"),
        FieldError::new("items[1].amount", "range", "must be at least 1"),
    ]
    .into_iter()
    .collect()
}

/// Text a body must survive: quotes, backslashes, every kind of control character, a
/// JSON-looking fragment, non-ASCII and astral characters, U+2028.
const HOSTILE: [&str; 3] = [
    "\"quoted\" \\back\\slash\\ {\"errors\":[]}",
    "ctl:\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1f}\u{7f} end",
    "名前 ünïcödé 🦀 \u{2028}\u{2029} </script>",
];

fn hostile() -> FieldErrors {
    let mut errors = FieldErrors::new();
    for (i, text) in HOSTILE.iter().enumerate() {
        errors.push(FieldError::new(
            format!("{text}[{i}]"),
            text.to_string(),
            text.to_string(),
        ));
    }
    errors
}

#[derive(Debug, thiserror::Error, ApiError)]
enum SignupError {
    #[error("This email is already registered")]
    #[api_error(status = 409, code = "email_taken", param = "email")]
    EmailTaken,

    /// Every invalid input, as `FieldErrors` renders it.
    #[error(transparent)]
    #[api_error(transparent)]
    Invalid(#[from] FieldErrors),

    /// A variant of its own carrying field errors: the param is the first one's.
    #[error("The signup form has errors")]
    #[api_error(status = 422, code = "invalid_signup")]
    Form {
        #[api_error(field_errors)]
        errors: FieldErrors,
    },

    /// A static param wins over the first field error's.
    #[error("The address is invalid")]
    #[api_error(status = 400, code = "invalid_address", param = "address")]
    Address {
        #[api_error(field_errors)]
        errors: Vec<FieldError>,
    },

    /// So does a param field; the message is formatted.
    #[error("{field} is invalid: {reason}")]
    #[api_error(status = 422, code = "invalid_item")]
    Item {
        #[api_error(param)]
        field: String,
        reason: String,
        #[api_error(field_errors)]
        errors: FieldErrors,
    },

    /// A tuple variant.
    #[error("Invalid query")]
    #[api_error(status = 400, code = "invalid_query")]
    Query(#[api_error(field_errors)] FieldErrors),
}

#[derive(Debug, thiserror::Error, ApiError)]
#[error("The {what} is invalid")]
#[api_error(status = 422, code = "invalid_struct")]
struct StructWithErrors {
    what: &'static str,
    #[api_error(field_errors)]
    errors: Vec<FieldError>,
}

#[derive(Debug, thiserror::Error, ApiError)]
#[error("generic")]
#[api_error(status = 422)]
struct Generic<T: std::fmt::Debug> {
    #[api_error(field_errors)]
    errors: T,
}

#[test]
fn one_field_error_byte_exact() {
    let e = FieldErrors::from(FieldError::new(
        "email",
        "email",
        "must be a valid email address",
    ));
    assert_eq!(
        render(&e, Some("req_1")),
        concat!(
            r#"{"message":"Invalid value for email: must be a valid email address","#,
            r#""type":"validation_error","code":"validation_failed","param":"email","request_id":"req_1","#,
            r#""errors":[{"param":"email","code":"email","message":"must be a valid email address"}]}"#
        )
    );
    assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!e.is_retryable());
}

#[test]
fn several_field_errors_byte_exact() {
    assert_eq!(
        render(&three(), None),
        concat!(
            r#"{"message":"Invalid value for name: must be at least 2 characters long (and 2 more errors)","#,
            r#""type":"validation_error","code":"validation_failed","param":"name","request_id":null,"errors":["#,
            r#"{"param":"name","code":"length","message":"must be at least 2 characters long"},"#,
            r#"{"param":"address.city","code":"required","message":"is required"},"#,
            r#"{"param":"items[1].amount","code":"range","message":"must be at least 1"}]}"#
        )
    );
}

#[test]
fn a_first_error_about_the_whole_request_has_no_param() {
    let e: FieldErrors = vec![FieldError::new(
        "",
        "passwords_differ",
        "the passwords differ",
    )]
    .into();
    assert_eq!(e.param(), None);
    assert_eq!(e.message(), "The request is invalid: the passwords differ");
    assert!(render(&e, None).contains(r#""param":null,"request_id":null,"errors":[{"param":"","#));
}

/// A first error about the whole request with only the default message (a `schema` rule
/// that gave none) does not read `The request is invalid: is invalid`.
#[test]
fn a_whole_request_error_with_the_default_message_reads_as_one_sentence() {
    let whole = || FieldError::new("", "totals_mismatch", "");
    let e: FieldErrors = vec![whole()].into();
    assert_eq!(e.message(), "The request is invalid.");
    let e: FieldErrors = vec![whole(), FieldError::new("a", "length", "is too short")].into();
    assert_eq!(e.message(), "The request is invalid (and 1 more error).");
    let e: FieldErrors = vec![whole(), whole(), whole()].into();
    assert_eq!(e.message(), "The request is invalid (and 2 more errors).");
    let body = render(&e, None);
    assert!(
        body.starts_with(r#"{"message":"The request is invalid (and 2 more errors).","#),
        "{body}"
    );
}

#[test]
fn without_field_errors_the_body_keeps_five_keys() {
    let empty = FieldErrors::new();
    assert_eq!(
        render(&empty, None),
        r#"{"message":"The request is invalid.","type":"validation_error","code":"validation_failed","param":null,"request_id":null}"#
    );
    assert!(!render(&SignupError::EmailTaken, None).contains("errors"));
    let form = SignupError::Form {
        errors: FieldErrors::new(),
    };
    assert_eq!(
        render(&form, Some("r")),
        r#"{"message":"The signup form has errors","type":"validation_error","code":"invalid_signup","param":null,"request_id":"r"}"#
    );
}

#[test]
fn hostile_text_in_every_field_renders_identically() {
    let errors = hostile();
    let cases: Vec<Box<dyn ApiError>> = vec![
        Box::new(errors.clone()),
        Box::new(SignupError::Invalid(errors.clone())),
        Box::new(SignupError::Form {
            errors: errors.clone(),
        }),
        Box::new(SignupError::Address {
            errors: errors.clone().into_vec(),
        }),
        Box::new(SignupError::Item {
            field: HOSTILE[0].into(),
            reason: HOSTILE[1].into(),
            errors: errors.clone(),
        }),
        Box::new(SignupError::Query(errors.clone())),
        Box::new(StructWithErrors {
            what: "form",
            errors: errors.clone().into_vec(),
        }),
        Box::new(Generic {
            errors: errors.clone(),
        }),
    ];
    for e in &cases {
        for id in [None, Some("req_\"1\"")] {
            let json = render(e.as_ref(), id);
            let back: ErrorBody<'static> = serde_json::from_str(&json).unwrap();
            assert_eq!(back.errors.as_ref(), errors.as_slice(), "{json}");
            let value: serde_json::Value = serde_json::from_str(&json).unwrap();
            let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
            assert_eq!(keys.len(), 6, "{json}");
            // (Sorted: serde_json's map sorts its keys, unless `preserve_order` is on.)
            let mut item_keys: Vec<&String> =
                value["errors"][0].as_object().unwrap().keys().collect();
            item_keys.sort_unstable();
            assert_eq!(item_keys, ["code", "message", "param"]);
            // The order sent: param, code, message.
            assert!(json.contains(r#""errors":[{"param":"#), "{json}");
        }
    }
}

proptest! {
    #[test]
    fn any_text_renders_identically(
        items in proptest::collection::vec((any::<String>(), any::<String>(), any::<String>()), 0..4),
        id in proptest::option::of(any::<String>()),
    ) {
        let errors: FieldErrors = items
            .into_iter()
            .map(|(p, c, m)| FieldError::new(p, c, m))
            .collect();
        let form = SignupError::Form { errors: errors.clone() };
        for e in [&errors as &dyn ApiError, &form] {
            let json = render(e, id.as_deref());
            let value: serde_json::Value = serde_json::from_str(&json).unwrap();
            let back: Vec<(String, String, String)> = value
                .get("errors")
                .and_then(|v| v.as_array())
                .map(|items| {
                    items
                        .iter()
                        .map(|i| {
                            let s = |k: &str| i[k].as_str().unwrap().to_owned();
                            (s("param"), s("code"), s("message"))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let sent: Vec<(String, String, String)> = errors
                .iter()
                .map(|e| (e.param.to_string(), e.code.to_string(), e.message.to_string()))
                .collect();
            prop_assert_eq!(back, sent);
        }
    }
}

#[test]
fn derive_takes_param_from_the_first_field_error_unless_the_variant_sets_one() {
    let form = SignupError::Form { errors: three() };
    assert_eq!(form.param().as_deref(), Some("name"));
    assert_eq!(form.field_errors(), three().as_slice());
    assert_eq!(form.status(), 422);
    assert!(render(&form, None).contains(r#""param":"name","request_id":null,"errors":["#));

    let address = SignupError::Address {
        errors: three().into_vec(),
    };
    assert_eq!(address.param().as_deref(), Some("address"));
    assert_eq!(address.field_errors().len(), 3);

    let item = SignupError::Item {
        field: "items[0]".into(),
        reason: "sold out".into(),
        errors: three(),
    };
    assert_eq!(item.param().as_deref(), Some("items[0]"));
    assert_eq!(item.message(), "items[0] is invalid: sold out");
    assert!(render(&item, None).starts_with(
        r#"{"message":"items[0] is invalid: sold out","type":"validation_error","code":"invalid_item","param":"items[0]","request_id":null,"errors":[{"param":"name""#
    ));

    let query = SignupError::Query(three());
    assert_eq!(query.param().as_deref(), Some("name"));
    assert_eq!(query.field_errors().len(), 3);

    let s = StructWithErrors {
        what: "form",
        errors: three().into_vec(),
    };
    assert_eq!(s.param().as_deref(), Some("name"));
    assert_eq!(s.message(), "The form is invalid");

    // A variant without field errors has none, and `&T` forwards them.
    assert!(SignupError::EmailTaken.field_errors().is_empty());
    let by_ref: &dyn ApiError = &&form;
    assert_eq!(by_ref.field_errors().len(), 3);
}

fn signup(name: &str) -> Result<(), SignupError> {
    let mut errors = FieldErrors::new();
    if name.len() < 2 {
        errors.push(FieldError::new(
            "name",
            "length",
            "must be at least 2 characters long",
        ));
    }
    errors.push(FieldError::new("age", "required", "is required"));
    errors.into_result()?; // `#[from]`
    Ok(())
}

#[test]
fn transparent_with_from_delegates_everything() {
    let e = signup("J").unwrap_err();
    assert!(matches!(e, SignupError::Invalid(_)));
    assert_eq!(e.status(), 422);
    assert_eq!(e.error_type(), "validation_error");
    assert_eq!(e.code(), "validation_failed");
    assert_eq!(e.param().as_deref(), Some("name"));
    assert_eq!(e.field_errors().len(), 2);
    assert_eq!(
        e.message(),
        "Invalid value for name: must be at least 2 characters long (and 1 more error)"
    );
    assert_eq!(
        render(&e, Some("req_1")),
        render(&FieldErrors::from(e.field_errors().to_vec()), Some("req_1"))
    );
    assert_eq!(e.to_string(), e.message());
}

#[test]
fn catalog_lists_validation_failed() {
    let entries = FieldErrors::catalog();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0].status, entries[0].error_type, entries[0].code),
        (422, "validation_error", "validation_failed")
    );
    let codes: Vec<&str> = SignupError::catalog().iter().map(|e| e.code).collect();
    assert_eq!(
        codes,
        [
            "email_taken",
            "validation_failed",
            "invalid_signup",
            "invalid_address",
            "invalid_item",
            "invalid_query"
        ]
    );
}

#[test]
fn error_body_serde_round_trip_and_tolerance() {
    let errors = three();
    let body = ErrorBody::new("m", "validation_error", "validation_failed")
        .with_param("name")
        .with_errors(&errors)
        .with_request_id("req_1");
    let json = serde_json::to_string(&body).unwrap();
    let back: ErrorBody<'static> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, body);
    assert_eq!(back.clone().into_owned(), body);

    // No key, `null`, unknown keys in items, missing item keys.
    let plain: ErrorBody<'static> =
        serde_json::from_str(r#"{"message":"m","type":"t","code":"c"}"#).unwrap();
    assert!(plain.errors.is_empty());
    let null: ErrorBody<'static> =
        serde_json::from_str(r#"{"message":"m","type":"t","code":"c","errors":null}"#).unwrap();
    assert!(null.errors.is_empty());
    let loose: ErrorBody<'static> = serde_json::from_str(
        r#"{"message":"m","type":"t","code":"c","errors":[{"param":"a","extra":1},{"message":"whole","code":"x"}]}"#,
    )
    .unwrap();
    assert_eq!(
        loose.errors.as_ref(),
        [
            FieldError::new("a", "invalid", "is invalid"),
            FieldError::new("", "x", "whole")
        ]
    );
}

#[test]
fn client_reads_field_errors_from_flat_and_enveloped_bodies() {
    let mut flat = Vec::new();
    hostile().write_json(Some("req_1"), &mut flat);
    let enveloped = [&b"{\"error\":"[..], &flat, b"}"].concat();
    for bytes in [&flat, &enveloped] {
        let r =
            ErrorResponse::from_parts(StatusCode::UNPROCESSABLE_ENTITY, &HeaderMap::new(), bytes);
        assert_eq!(r.code(), "validation_failed");
        assert_eq!(r.field_errors(), hostile().as_slice());
        assert_eq!(r.body().errors.as_ref(), hostile().as_slice());
        // Typed: the transparent `FieldErrors` variant comes back with every field error.
        match r.to_typed::<SignupError>() {
            Some(SignupError::Invalid(errors)) => assert_eq!(errors, hostile()),
            other => panic!("{other:?}"),
        }
    }

    let form = SignupError::Form { errors: three() };
    let mut body = Vec::new();
    form.write_json(None, &mut body);
    let r = ErrorResponse::from_parts(StatusCode::UNPROCESSABLE_ENTITY, &HeaderMap::new(), &body);
    match r.to_typed::<SignupError>() {
        Some(SignupError::Form { errors }) => assert_eq!(errors, three()),
        other => panic!("{other:?}"),
    }

    // No `errors`: none. Garbage `errors`: none, the rest still parsed.
    let r = ErrorResponse::from_parts(
        StatusCode::BAD_REQUEST,
        &HeaderMap::new(),
        br#"{"message":"m","type":"invalid_request_error","code":"c","errors":"oops"}"#,
    );
    assert!(r.field_errors().is_empty());
    assert_eq!(r.code(), "c");
}

#[test]
fn client_bounds_the_number_of_field_errors() {
    let many: FieldErrors = (0..MAX_FIELD_ERRORS + 50)
        .map(|i| FieldError::new(format!("f{i}"), "required", "is required"))
        .collect();
    let mut body = Vec::new();
    many.write_json(None, &mut body);
    let r = ErrorResponse::from_parts(StatusCode::UNPROCESSABLE_ENTITY, &HeaderMap::new(), &body);
    assert_eq!(r.field_errors().len(), MAX_FIELD_ERRORS);
    assert_eq!(r.param(), Some("f0"));
}

/// A blank message or code given to `FieldError::new` becomes a readable default: the
/// message is never empty on the wire, and the crate's own client reads it back as sent.
#[test]
fn blank_message_and_code_get_defaults() {
    let e = FieldError::new("quantity", "", "  ");
    assert_eq!(e.code, "invalid");
    assert_eq!(e.message, "is invalid");
    let errors = FieldErrors::from(e);
    let mut body = Vec::new();
    errors.write_json(None, &mut body);
    let received =
        ErrorResponse::from_parts(StatusCode::UNPROCESSABLE_ENTITY, &HeaderMap::new(), &body);
    assert_eq!(received.field_errors(), errors.as_slice());
}

/// `push` gives a struct literal's blank code and message the defaults `FieldError::new`
/// gives: a client always has a code to match and a message to show.
#[test]
fn push_fills_a_struct_literals_blank_code_and_message() {
    let mut errors = FieldErrors::new();
    errors.push(FieldError {
        param: "x".into(),
        code: "".into(),
        message: " ".into(),
    });
    errors.push(FieldError {
        param: "y".into(),
        code: "length".into(),
        message: "is too short".into(),
    });
    let e = &errors.as_slice()[0];
    assert_eq!(
        (&*e.param, &*e.code, &*e.message),
        ("x", "invalid", "is invalid")
    );
    let e = &errors.as_slice()[1];
    assert_eq!(
        (&*e.param, &*e.code, &*e.message),
        ("y", "length", "is too short")
    );
    assert_eq!(
        errors.message(),
        "Invalid value for x: is invalid (and 1 more error)"
    );
    let blank = || FieldError {
        param: "z".into(),
        code: "\t".into(),
        message: "".into(),
    };
    let filled = |errors: &FieldErrors| {
        errors
            .iter()
            .all(|e| (&*e.code, &*e.message) == ("invalid", "is invalid"))
    };
    assert!(filled(&FieldErrors::from(vec![blank()])));
    let one: FieldErrors = blank().into();
    assert!(filled(&one));
    assert_eq!(one.message(), "Invalid value for z: is invalid");
    assert!(filled(&std::iter::once(blank()).collect::<FieldErrors>()));
    let mut extended = FieldErrors::new();
    extended.extend([blank(), blank()]);
    assert!(filled(&extended) && extended.len() == 2);
}

/// A hand-written 5xx whose `field_errors` says something: a 5xx sends no details, so its
/// body has none, by `write_json`, by serde and in every format (the derive refuses field
/// errors on a 5xx at compile time; a hand-written impl is held to the same on the wire).
#[derive(Debug)]
struct Locked(FieldErrors);

impl std::fmt::Display for Locked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("row 42 locked by pid 1234")
    }
}

impl std::error::Error for Locked {}

impl ApiError for Locked {
    fn status(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }
    fn error_type(&self) -> &'static str {
        "api_error"
    }
    fn code(&self) -> &'static str {
        "locked"
    }
    fn message(&self) -> std::borrow::Cow<'_, str> {
        "An internal error occurred.".into()
    }
    fn param(&self) -> Option<std::borrow::Cow<'_, str>> {
        None
    }
    fn field_errors(&self) -> &[FieldError] {
        self.0.as_slice()
    }
}

#[test]
fn a_5xx_sends_no_field_errors() {
    use api_error_core::{ErrorFormat, WireFormat};
    let e = Locked(FieldErrors::from(FieldError::new(
        "secret_table",
        "locked",
        "row 42 locked",
    )));
    let body = render(&e, Some("req_1"));
    assert_eq!(
        body,
        r#"{"message":"An internal error occurred.","type":"api_error","code":"locked","param":null,"request_id":"req_1"}"#
    );
    for wire in [WireFormat::Enveloped, WireFormat::Problem] {
        let mut out = Vec::new();
        ErrorFormat::new(wire).write(&e, None, &mut out);
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("secret_table"), "{text}");
    }
}

/// A derived variant's `Vec<FieldError>` of struct literals with blank codes or messages is
/// sent with the defaults, by `write_json` and by serde alike.
#[test]
fn blank_struct_literals_in_a_vec_field_are_sent_with_defaults() {
    #[derive(Debug, thiserror::Error, ApiError)]
    enum Form {
        #[error("invalid form")]
        #[api_error(status = 422, code = "form_invalid")]
        Invalid(#[api_error(field_errors)] Vec<FieldError>),
    }
    let e = Form::Invalid(vec![FieldError {
        param: "name".into(),
        code: " ".into(),
        message: "".into(),
    }]);
    let body = render(&e, Some("req_1"));
    assert!(
        body.ends_with(r#""errors":[{"param":"name","code":"invalid","message":"is invalid"}]}"#),
        "{body}"
    );
    // (`render` compares with serde_json's output of `to_body()`.)
}
