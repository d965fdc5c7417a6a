//! `From<garde::Report> for FieldErrors`: every rule the README lists, with garde's rule
//! name as the code (`invalid` for a custom rule) and garde's message, nested structs and
//! lists as paths, in the report's order, and no message repeating the submitted value.

use api_error_core::{ApiError, FieldErrors};
use garde::Validate;

const PASSWORD: &str = "hunter2-secret";

fn no_spaces(value: &str, _: &()) -> garde::Result {
    if value.contains(' ') {
        return Err(garde::Error::new("must not contain spaces"));
    }
    Ok(())
}

#[derive(Debug, Validate)]
struct Rules {
    #[garde(length(min = 2))]
    length_min: String,
    #[garde(length(max = 3))]
    length_max: String,
    #[garde(length(min = 2))]
    list_min: Vec<u8>,
    #[garde(range(min = 18))]
    range_min: u32,
    #[garde(range(max = 10))]
    range_max: u32,
    #[garde(email)]
    email: String,
    #[garde(url)]
    url: String,
    #[garde(pattern(r"^[a-z0-9_]+$"))]
    pattern: String,
    #[garde(contains("@"))]
    contains: String,
    #[garde(prefix("sk_"))]
    prefix: String,
    #[garde(suffix(".com"))]
    suffix: String,
    #[garde(ascii)]
    ascii: String,
    #[garde(alphanumeric)]
    alphanumeric: String,
    #[garde(ip)]
    ip: String,
    #[garde(credit_card)]
    credit_card: String,
    #[garde(required)]
    required: Option<String>,
    #[garde(length(min = 20))]
    password: String,
    #[garde(matches(password))]
    matches: String,
    #[garde(custom(no_spaces))]
    custom: String,
}

fn invalid_rules() -> Rules {
    Rules {
        length_min: "J".into(),
        length_max: "abcdef".into(),
        list_min: vec![1],
        range_min: 7,
        range_max: 11,
        email: "not-an-email".into(),
        url: "not a url".into(),
        pattern: "Not Valid!".into(),
        contains: "nobody".into(),
        prefix: "pk_live".into(),
        suffix: "example.org".into(),
        ascii: "naïve".into(),
        alphanumeric: "a-b".into(),
        ip: "999.1.1.1".into(),
        credit_card: "4242".into(),
        required: None,
        password: PASSWORD.into(),
        matches: "something-else".into(),
        custom: "has space".into(),
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
    // In the report's order (garde's derive checks fields in alphabetical order).
    assert_eq!(
        triples(&errors),
        [
            ("alphanumeric", "alphanumeric", "not alphanumeric"),
            ("ascii", "ascii", "not ascii"),
            ("contains", "contains", "does not contain \"@\""),
            (
                "credit_card",
                "credit_card",
                "not a valid credit card number: invalid length"
            ),
            ("custom", "invalid", "must not contain spaces"),
            ("email", "email", "not a valid email: value is missing `@`"),
            ("ip", "ip", "not a valid IP address"),
            ("length_max", "length", "length is greater than 3"),
            ("length_min", "length", "length is lower than 2"),
            ("list_min", "length", "length is lower than 2"),
            ("matches", "matches", "does not match password field"),
            ("password", "length", "length is lower than 20"),
            (
                "pattern",
                "pattern",
                "does not match pattern /^[a-z0-9_]+$/"
            ),
            ("prefix", "prefix", "value does not begin with \"sk_\""),
            ("range_max", "range", "greater than 10"),
            ("range_min", "range", "lower than 18"),
            ("required", "required", "not set"),
            ("suffix", "suffix", "does not end with \".com\""),
            ("url", "url", "not a valid url: relative URL without a base"),
        ]
    );
    assert_eq!(errors.param().as_deref(), Some("alphanumeric"));
    assert_eq!(
        errors.message(),
        "Invalid value for alphanumeric: not alphanumeric (and 18 more errors)"
    );
    // garde's messages name the rule's parameters, never the submitted value.
    let mut body = Vec::new();
    errors.write_json(None, &mut body);
    let body = String::from_utf8(body).unwrap();
    for secret in [
        PASSWORD,
        "something-else",
        "not-an-email",
        "pk_live",
        "999.1.1.1",
    ] {
        assert!(!body.contains(secret), "{secret} in {body}");
    }
}

#[derive(Debug, Validate)]
struct Address {
    #[garde(length(min = 2))]
    city: String,
}

#[derive(Debug, Validate)]
struct Item {
    #[garde(range(min = 1))]
    amount: u32,
}

#[derive(Debug, Validate)]
struct Order {
    #[garde(length(min = 2))]
    name: String,
    #[garde(dive)]
    address: Address,
    #[garde(dive)]
    items: Vec<Item>,
}

#[test]
fn nested_structs_and_lists_are_paths() {
    let order = Order {
        name: "J".into(),
        address: Address { city: "X".into() },
        items: vec![Item { amount: 2 }, Item { amount: 0 }, Item { amount: 0 }],
    };
    let errors = FieldErrors::from(order.validate().unwrap_err());
    assert_eq!(
        triples(&errors),
        [
            ("address.city", "length", "length is lower than 2"),
            ("items[1].amount", "range", "lower than 1"),
            ("items[2].amount", "range", "lower than 1"),
            ("name", "length", "length is lower than 2"),
        ]
    );
}

#[derive(Debug, Validate)]
#[garde(context(Limits))]
struct Quantity {
    #[garde(custom(|v: &u32, ctx: &Limits| if *v > ctx.max { Err(garde::Error::new(format!("must be at most {}", ctx.max))) } else { Ok(()) }))]
    n: u32,
}

#[derive(Debug, Default)]
struct Limits {
    max: u32,
}

#[test]
fn a_context_and_a_top_level_list() {
    let errors = FieldErrors::from(
        Quantity { n: 3 }
            .validate_with(&Limits { max: 2 })
            .unwrap_err(),
    );
    assert_eq!(triples(&errors), [("n", "invalid", "must be at most 2")]);

    let items = vec![Item { amount: 0 }];
    let errors = FieldErrors::from(items.validate().unwrap_err());
    assert_eq!(triples(&errors), [("[0].amount", "range", "lower than 1")]);
}

#[derive(Debug, Validate)]
struct Raw {
    #[garde(length(min = 2))]
    r#type: String,
    #[garde(dive)]
    r#ref: Address,
    #[garde(length(min = 2))]
    rate: String,
}

/// A raw identifier's field is the input it names: `type`, not `r#type` (an `r` that only
/// starts a name stays).
#[test]
fn raw_identifiers_are_the_inputs_they_name() {
    let raw = Raw {
        r#type: "x".into(),
        r#ref: Address { city: "X".into() },
        rate: "1".into(),
    };
    let errors = FieldErrors::from(raw.validate().unwrap_err());
    let params: Vec<&str> = errors.iter().map(|e| &*e.param).collect();
    // In the report's order.
    assert_eq!(params, ["ref.city", "type", "rate"]);
}

/// Only a segment's own start loses `r#`: a map key is one segment, whatever it holds (`.`,
/// `r#`), and a key that starts with `r#` loses it, as a field's name does.
#[test]
fn r_hash_inside_a_map_key_stays() {
    let param = |path: garde::Path| {
        let mut report = garde::Report::new();
        report.append(path, garde::Error::new("lower than 1"));
        FieldErrors::from(report)
            .iter()
            .next()
            .unwrap()
            .param
            .to_string()
    };
    let prices = garde::Path::new("prices");
    assert_eq!(
        param(prices.join("eu.r#1").join("amount")),
        "prices.eu.r#1.amount"
    );
    assert_eq!(param(prices.join("r#x").join("r#type")), "prices.x.type");
    assert_eq!(param(garde::Path::new(0usize).join("r#ref")), "[0].ref");
    assert_eq!(param(garde::Path::new("r#type")), "type");
    assert_eq!(param(garde::Path::new("rate")), "rate");
}

/// A message that prints nothing (zero-width characters) is blank: the default is sent.
#[test]
fn an_invisible_message_is_blank() {
    let mut report = garde::Report::new();
    report.append(
        garde::Path::new("name"),
        garde::Error::new("\u{200b}\u{feff}"),
    );
    let errors = FieldErrors::from(report);
    assert_eq!(errors.iter().next().unwrap().message, "is invalid");
}
