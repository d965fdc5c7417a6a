//! `From<validator::ValidationErrors> for FieldErrors`: every rule the README lists, with
//! its code and default message, custom messages and codes, nested structs, lists and
//! struct-level rules as paths, and no default message repeating the submitted value.

use std::borrow::Cow;
use std::sync::LazyLock;

use api_error_core::{ApiError, FieldError, FieldErrors};
use validator::{Validate, ValidationError};

static USERNAME: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new("^[a-z0-9_]+$").unwrap());

const PASSWORD: &str = "hunter2-secret";

fn no_spaces(value: &str) -> Result<(), ValidationError> {
    if value.contains(' ') {
        return Err(ValidationError::new("no_spaces"));
    }
    Ok(())
}

fn not_reserved(value: &str) -> Result<(), ValidationError> {
    if value == "root" {
        return Err(
            ValidationError::new("reserved").with_message(Cow::Borrowed("This name is reserved"))
        );
    }
    Ok(())
}

#[derive(Debug, Validate)]
struct Rules {
    #[validate(length(min = 2))]
    length_min: String,
    #[validate(length(max = 3))]
    length_max: String,
    #[validate(length(min = 2, max = 4))]
    length_between: String,
    #[validate(length(equal = 2))]
    length_equal: String,
    #[validate(length(min = 2))]
    list_min: Vec<u8>,
    #[validate(range(min = 18))]
    range_min: u32,
    #[validate(range(max = 10))]
    range_max: u32,
    #[validate(range(min = 1, max = 10))]
    range_between: i64,
    #[validate(range(exclusive_min = 0.0, max = 100.0))]
    range_exclusive: f64,
    #[validate(email)]
    email: String,
    #[validate(url)]
    url: String,
    #[validate(regex(path = *USERNAME))]
    regex: String,
    #[validate(contains(pattern = "@"))]
    contains: String,
    #[validate(does_not_contain(pattern = "admin"))]
    does_not_contain: String,
    #[validate(length(min = 20))]
    password: String,
    #[validate(must_match(other = "password"))]
    must_match: String,
    #[validate(credit_card)]
    credit_card: String,
    #[validate(non_control_character)]
    non_control_character: String,
    #[validate(required)]
    required: Option<String>,
    #[validate(ip)]
    ip: String,
    #[validate(custom(function = "no_spaces"))]
    custom: String,
    #[validate(custom(function = "not_reserved"))]
    custom_message: String,
    #[validate(length(min = 5, message = "Pick a longer nickname", code = "too_short"))]
    with_message: String,
}

fn invalid_rules() -> Rules {
    Rules {
        length_min: "J".into(),
        length_max: "abcdef".into(),
        length_between: "a".into(),
        length_equal: "abc".into(),
        list_min: vec![1],
        range_min: 7,
        range_max: 11,
        range_between: 0,
        range_exclusive: 0.0,
        email: "not-an-email".into(),
        url: "not a url".into(),
        regex: "Not Valid!".into(),
        contains: "nobody".into(),
        does_not_contain: "superadmin".into(),
        password: PASSWORD.into(),
        must_match: "something-else".into(),
        credit_card: "4242".into(),
        non_control_character: "a\u{7}b".into(),
        required: None,
        ip: "999.1.1.1".into(),
        custom: "has space".into(),
        custom_message: "root".into(),
        with_message: "ab".into(),
    }
}

fn triples(errors: &FieldErrors) -> Vec<(&str, &str, &str)> {
    errors
        .iter()
        .map(|e| (&*e.param, &*e.code, &*e.message))
        .collect()
}

#[test]
fn every_rule_with_its_code_and_message() {
    let report = invalid_rules().validate().unwrap_err();
    let errors = FieldErrors::from(report);
    // Alphabetical by field: validator keeps fields in a hash map.
    assert_eq!(
        triples(&errors),
        [
            ("contains", "contains", "must contain \"@\""),
            (
                "credit_card",
                "credit_card",
                "must be a valid credit card number"
            ),
            ("custom", "no_spaces", "is invalid"),
            ("custom_message", "reserved", "This name is reserved"),
            (
                "does_not_contain",
                "does_not_contain",
                "must not contain \"admin\""
            ),
            ("email", "email", "must be a valid email address"),
            ("ip", "ip", "must be a valid IP address"),
            (
                "length_between",
                "length",
                "must be between 2 and 4 characters long"
            ),
            (
                "length_equal",
                "length",
                "must be exactly 2 characters long"
            ),
            ("length_max", "length", "must be at most 3 characters long"),
            ("length_min", "length", "must be at least 2 characters long"),
            ("list_min", "length", "must have at least 2 items"),
            ("must_match", "must_match", "must match the other field"),
            (
                "non_control_character",
                "non_control_character",
                "must not contain control characters"
            ),
            ("password", "length", "must be at least 20 characters long"),
            ("range_between", "range", "must be between 1 and 10"),
            (
                "range_exclusive",
                "range",
                "must be greater than 0.0 and at most 100.0"
            ),
            ("range_max", "range", "must be at most 10"),
            ("range_min", "range", "must be at least 18"),
            ("regex", "regex", "is not in the expected format"),
            ("required", "required", "is required"),
            ("url", "url", "must be a valid URL"),
            ("with_message", "too_short", "Pick a longer nickname"),
        ]
    );
    assert_eq!(errors.param().as_deref(), Some("contains"));
    assert_eq!(
        errors.message(),
        "Invalid value for contains: must contain \"@\" (and 22 more errors)"
    );
}

#[test]
fn default_messages_never_repeat_the_submitted_value() {
    let report = invalid_rules().validate().unwrap_err();
    // validator's own Display does (a password would leak into the body).
    assert!(report.to_string().contains(PASSWORD));
    let errors = FieldErrors::from(&report);
    let mut body = Vec::new();
    errors.write_json(None, &mut body);
    let body = String::from_utf8(body).unwrap();
    for secret in [
        PASSWORD,
        "something-else",
        "not-an-email",
        "superadmin",
        "999.1.1.1",
        "4242",
    ] {
        assert!(!body.contains(secret), "{secret} in {body}");
    }
}

#[derive(Debug, Validate)]
struct Address {
    #[validate(length(min = 2))]
    city: String,
    #[validate(length(equal = 2))]
    country: String,
}

#[derive(Debug, Validate)]
struct Item {
    #[validate(range(min = 1))]
    amount: u32,
    #[validate(length(min = 1))]
    sku: String,
}

fn coupon_valid(order: &Order) -> Result<(), ValidationError> {
    if order.coupon.as_deref() == Some("EXPIRED") {
        return Err(ValidationError::new("coupon_expired")
            .with_message(Cow::Borrowed("The coupon has expired")));
    }
    Ok(())
}

#[derive(Debug, Validate)]
#[validate(schema(function = "coupon_valid", skip_on_field_errors = false))]
struct Order {
    #[validate(length(min = 2))]
    name: String,
    #[validate(nested)]
    address: Address,
    #[validate(nested)]
    items: Vec<Item>,
    coupon: Option<String>,
}

#[test]
fn nested_structs_lists_and_struct_level_rules_are_paths() {
    let order = Order {
        name: "J".into(),
        address: Address {
            city: "X".into(),
            country: "FRA".into(),
        },
        items: vec![
            Item {
                amount: 3,
                sku: "a".into(),
            },
            Item {
                amount: 0,
                sku: String::new(),
            },
            Item {
                amount: 0,
                sku: "c".into(),
            },
        ],
        coupon: Some("EXPIRED".into()),
    };
    let errors = FieldErrors::from(order.validate().unwrap_err());
    assert_eq!(
        triples(&errors),
        [
            ("", "coupon_expired", "The coupon has expired"),
            (
                "address.city",
                "length",
                "must be at least 2 characters long"
            ),
            (
                "address.country",
                "length",
                "must be exactly 2 characters long"
            ),
            ("items[1].amount", "range", "must be at least 1"),
            (
                "items[1].sku",
                "length",
                "must be at least 1 character long"
            ),
            ("items[2].amount", "range", "must be at least 1"),
            ("name", "length", "must be at least 2 characters long"),
        ]
    );
    // The first error is about the whole request: no param, and the message says so.
    assert_eq!(errors.param(), None);
    assert_eq!(
        errors.message(),
        "The request is invalid: The coupon has expired (and 6 more errors)"
    );
}

#[test]
fn a_list_validated_on_its_own() {
    let items = vec![
        Item {
            amount: 0,
            sku: "a".into(),
        },
        Item {
            amount: 1,
            sku: "b".into(),
        },
    ];
    let errors = FieldErrors::from(items.validate().unwrap_err());
    assert_eq!(
        errors.as_slice(),
        [FieldError::new("[0].amount", "range", "must be at least 1")]
    );
}

fn odd_codes(value: &str) -> Result<(), ValidationError> {
    match value {
        "empty" => Err(ValidationError::new("")),
        "camel" => Err(ValidationError::new("NotAllowed-Here")),
        _ => Ok(()),
    }
}

#[derive(Validate)]
struct OddCodes {
    #[validate(custom(function = "odd_codes"))]
    a: String,
    #[validate(custom(function = "odd_codes"))]
    b: String,
}

/// A custom validator's code comes out snake_case (SPEC §11): converted when it is not, and
/// `invalid` when it has nothing to convert.
#[test]
fn custom_codes_come_out_snake_case() {
    let rules = OddCodes {
        a: "empty".into(),
        b: "camel".into(),
    };
    let errors = FieldErrors::from(rules.validate().unwrap_err());
    assert_eq!(
        triples(&errors),
        [
            ("a", "invalid", "is invalid"),
            ("b", "not_allowed_here", "is invalid")
        ]
    );
}

#[derive(Debug, Validate)]
struct Raw {
    #[validate(length(min = 2))]
    r#type: String,
    #[validate(length(min = 2))]
    rate: String,
}

/// A raw identifier's field is the input it names: `type`, not `r#type`.
#[test]
fn raw_identifiers_are_the_inputs_they_name() {
    let raw = Raw {
        r#type: "x".into(),
        rate: "1".into(),
    };
    let errors = FieldErrors::from(raw.validate().unwrap_err());
    let params: Vec<&str> = errors.iter().map(|e| &*e.param).collect();
    assert_eq!(params, ["rate", "type"]);
}

/// A built-in rule given a code of its own (a translation key) keeps the default message
/// its parameters make: a length, a range; a rule whose parameters say nothing is invalid.
#[test]
fn a_rule_with_its_own_code_keeps_its_default_message() {
    #[derive(Validate)]
    struct Coded {
        #[validate(length(min = 2, code = "too_short"))]
        name: String,
        #[validate(range(min = 18, code = "TooYoung"))]
        age: u32,
        #[validate(length(max = 1, code = "too_many"))]
        tags: Vec<u8>,
        #[validate(email(code = "bad_email"))]
        mail: String,
    }
    let coded = Coded {
        name: "J".into(),
        age: 3,
        tags: vec![1, 2],
        mail: "x".into(),
    };
    let errors = FieldErrors::from(coded.validate().unwrap_err());
    assert_eq!(
        triples(&errors),
        [
            ("age", "too_young", "must be at least 18"),
            ("mail", "bad_email", "is invalid"),
            ("name", "too_short", "must be at least 2 characters long"),
            ("tags", "too_many", "must have at most 1 item"),
        ]
    );
}
