//! `validator` 0.21 reports as [`FieldErrors`] (feature `validator`).
//!
//! Every error is kept: nested structs as `address.city`, lists as `items[1].amount`, a
//! struct-level (`schema`) error under its struct's path (empty at the top). Codes are
//! validator's own. Messages are the rule's `message` when it has one, else an English
//! sentence built from the rule's parameters — never from the submitted value, which
//! validator keeps in the `value` parameter (and prints in its own `Display`).

use std::borrow::Cow;

use serde_json::Value;
use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

use super::{FieldError, FieldErrors, INVALID, INVALID_MESSAGE};

/// The key validator gives errors of a whole struct (`#[validate(schema(...))]`).
const STRUCT_KEY: &str = "__all__";
/// The key validator gives the errors of a list validated on its own (`Vec<T>: Validate`).
const LIST_KEY: &str = "_tmp_validator";

/// Every error of the report, fields in alphabetical order at each level (validator keeps
/// them in a hash map, so there is no declaration order to keep), list entries by index.
///
/// ```
/// use api_error_core::FieldErrors;
/// use validator::{ValidationError, ValidationErrors};
///
/// let mut report = ValidationErrors::new();
/// let mut short = ValidationError::new("length");
/// short.add_param("min".into(), &2);
/// short.add_param("value".into(), &"J"); // what the client sent: never in the message
/// report.add("name", short);
///
/// let errors = FieldErrors::from(report);
/// let e = &errors.as_slice()[0];
/// assert_eq!((&*e.param, &*e.code), ("name", "length"));
/// assert_eq!(e.message, "must be at least 2 characters long");
/// ```
impl From<ValidationErrors> for FieldErrors {
    fn from(report: ValidationErrors) -> Self {
        FieldErrors::from(&report)
    }
}

/// See [`From<ValidationErrors>`](#impl-From%3CValidationErrors%3E-for-FieldErrors).
impl From<&ValidationErrors> for FieldErrors {
    fn from(report: &ValidationErrors) -> Self {
        let mut out = FieldErrors::new();
        let mut path = String::new();
        walk_struct(report, &mut path, &mut out);
        out
    }
}

fn walk_struct(report: &ValidationErrors, path: &mut String, out: &mut FieldErrors) {
    // The level's own (struct-level) errors first, then its fields by name; a raw
    // identifier's field (`r#type`) is the input `type`, and sorts as such.
    let mut entries: Vec<(&str, &ValidationErrorsKind)> = report
        .errors()
        .iter()
        .map(|(name, kind)| (name.strip_prefix("r#").unwrap_or(name), kind))
        .collect();
    entries.sort_unstable_by_key(|(name, _)| (*name != STRUCT_KEY, *name));
    for (name, kind) in entries {
        let len = path.len();
        if name != STRUCT_KEY && name != LIST_KEY {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(name);
        }
        walk_kind(kind, path, out);
        path.truncate(len);
    }
}

fn walk_kind(kind: &ValidationErrorsKind, path: &mut String, out: &mut FieldErrors) {
    match kind {
        ValidationErrorsKind::Field(errors) => {
            for e in errors {
                out.push(FieldError {
                    param: super::bounded_param(path),
                    code: snake_case_code(e.code.clone()),
                    message: message(e),
                });
            }
        }
        ValidationErrorsKind::Struct(report) => walk_struct(report, path, out),
        ValidationErrorsKind::List(items) => {
            for (i, report) in items {
                let len = path.len();
                path.push('[');
                path.push_str(&i.to_string());
                path.push(']');
                walk_struct(report, path, out);
                path.truncate(len);
            }
        }
    }
}

/// A code as SPEC §11 wants it, snake_case: validator's own codes already are, a custom
/// validator's (`ValidationError::new("NotAllowed-Here")`) is converted
/// (`not_allowed_here`), and one with no letter to start with (`""`, `"42"`) is `invalid`.
fn snake_case_code(code: Cow<'static, str>) -> Cow<'static, str> {
    // A letter outside ASCII has no snake_case spelling: dropping it would make another,
    // plausible code (`café_fermé` as `caf_ferm`).
    if !code.is_ascii() {
        return Cow::Borrowed(INVALID);
    }
    let is_snake = code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if is_snake {
        return code;
    }
    let mut out = String::with_capacity(code.len() + 4);
    let mut previous: Option<char> = None;
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_alphanumeric() {
            // A word starts at an upper-case letter after a lower-case one or a digit, and
            // at the last capital of an acronym followed by lower case (`HTTPError`).
            let next_is_lower = chars.peek().is_some_and(char::is_ascii_lowercase);
            let boundary = c.is_ascii_uppercase()
                && previous.is_some_and(|p| {
                    p.is_ascii_lowercase()
                        || p.is_ascii_digit()
                        || (p.is_ascii_uppercase() && next_is_lower)
                });
            if boundary && !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
        previous = Some(c);
    }
    let out = out.trim_end_matches('_');
    if out.starts_with(|c: char| c.is_ascii_lowercase()) {
        Cow::Owned(out.to_owned())
    } else {
        Cow::Borrowed(INVALID)
    }
}

/// The rule's message, else the default for its code.
fn message(e: &ValidationError) -> Cow<'static, str> {
    match &e.message {
        Some(m) if !super::is_blank(m) => m.clone(),
        _ => default_message(&e.code, |name| e.params.get(name)),
    }
}

/// A readable English default for a validator code from the rule's parameters (`min`,
/// `max`, `equal`, `exclusive_min`, `exclusive_max`, `needle`); `value` (what was submitted)
/// is only looked at for its JSON type, to say "characters" or "items".
fn default_message<'p>(code: &str, param: impl Fn(&str) -> Option<&'p Value>) -> Cow<'static, str> {
    let show = |name: &str| param(name).map(show);
    Cow::Borrowed(match code {
        "length" => {
            let unit = match param("value") {
                Some(Value::String(_)) => Unit::Characters,
                Some(Value::Array(_) | Value::Object(_)) => Unit::Items,
                _ => Unit::Length,
            };
            return Cow::Owned(length(unit, show("equal"), show("min"), show("max")));
        }
        "range" => {
            return Cow::Owned(range(
                show("min"),
                show("exclusive_min"),
                show("max"),
                show("exclusive_max"),
            ))
        }
        "contains" => {
            return Cow::Owned(match show("needle") {
                Some(n) => format!("must contain \"{n}\""),
                None => "is missing a required part".to_owned(),
            })
        }
        "does_not_contain" => {
            return Cow::Owned(match show("needle") {
                Some(n) => format!("must not contain \"{n}\""),
                None => "contains a forbidden part".to_owned(),
            })
        }
        "email" => "must be a valid email address",
        "url" => "must be a valid URL",
        "regex" => "is not in the expected format",
        // validator's `other` parameter is the other field's *value* (a password, typically).
        "must_match" => "must match the other field",
        "credit_card" => "must be a valid credit card number",
        "non_control_character" => "must not contain control characters",
        "required" | "required_nested" => "is required",
        "ip" => "must be a valid IP address",
        // A rule given a code of its own (`length(min = 2, code = "too_short")`, a
        // translation key): its parameters still say which rule it was.
        _ => {
            let bounded = |names: &[&str]| names.iter().any(|n| param(n).is_some());
            return match param("value") {
                Some(Value::Number(_))
                    if bounded(&["min", "max", "exclusive_min", "exclusive_max"]) =>
                {
                    default_message("range", param)
                }
                Some(Value::String(_) | Value::Array(_) | Value::Object(_))
                    if bounded(&["min", "max", "equal"]) =>
                {
                    default_message("length", param)
                }
                _ => Cow::Borrowed(INVALID_MESSAGE),
            };
        }
    })
}

/// A parameter as text: strings without their quotes, numbers as JSON writes them.
fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[derive(Clone, Copy)]
enum Unit {
    Characters,
    Items,
    Length,
}

/// `must be at least 2 characters long`, `must have at most 5 items`, ...
fn length(unit: Unit, equal: Option<String>, min: Option<String>, max: Option<String>) -> String {
    let noun = |n: &str| match (unit, n == "1") {
        (Unit::Characters, true) => "character",
        (Unit::Characters, false) => "characters",
        (_, true) => "item",
        (_, false) => "items",
    };
    match (unit, equal, min, max) {
        (Unit::Characters, Some(n), _, _) => format!("must be exactly {n} {} long", noun(&n)),
        (Unit::Characters, None, Some(a), Some(b)) => {
            format!("must be between {a} and {b} characters long")
        }
        (Unit::Characters, None, Some(a), None) => {
            format!("must be at least {a} {} long", noun(&a))
        }
        (Unit::Characters, None, None, Some(b)) => {
            format!("must be at most {b} {} long", noun(&b))
        }
        (Unit::Items, Some(n), _, _) => format!("must have exactly {n} {}", noun(&n)),
        (Unit::Items, None, Some(a), Some(b)) => format!("must have between {a} and {b} items"),
        (Unit::Items, None, Some(a), None) => format!("must have at least {a} {}", noun(&a)),
        (Unit::Items, None, None, Some(b)) => format!("must have at most {b} {}", noun(&b)),
        (Unit::Length, Some(n), _, _) => format!("must have a length of exactly {n}"),
        (Unit::Length, None, Some(a), Some(b)) => {
            format!("must have a length between {a} and {b}")
        }
        (Unit::Length, None, Some(a), None) => format!("must have a length of at least {a}"),
        (Unit::Length, None, None, Some(b)) => format!("must have a length of at most {b}"),
        (_, None, None, None) => "has an invalid length".to_owned(),
    }
}

/// `must be between 1 and 10`, `must be greater than 0 and at most 10`, `must be at least 18`.
fn range(
    min: Option<String>,
    exclusive_min: Option<String>,
    max: Option<String>,
    exclusive_max: Option<String>,
) -> String {
    if let (Some(a), Some(b)) = (&min, &max) {
        return format!("must be between {a} and {b}");
    }
    let lower = min
        .map(|a| format!("at least {a}"))
        .or_else(|| exclusive_min.map(|a| format!("greater than {a}")));
    let upper = max
        .map(|b| format!("at most {b}"))
        .or_else(|| exclusive_max.map(|b| format!("less than {b}")));
    match (lower, upper) {
        (Some(l), Some(u)) => format!("must be {l} and {u}"),
        (Some(bound), None) | (None, Some(bound)) => format!("must be {bound}"),
        (None, None) => "is out of range".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(code: &str, params: &[(&str, Value)]) -> String {
        default_message(code, |name| {
            params.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
        })
        .into_owned()
    }

    /// Codes come out snake_case whatever a custom validator wrote.
    #[test]
    fn codes_are_snake_case() {
        for (code, expected) in [
            ("length", "length"),
            ("must_match", "must_match"),
            ("NotAllowed-Here", "not_allowed_here"),
            ("tooManyItems", "too_many_items"),
            ("HTTPError", "http_error"),
            ("parseJSONBody", "parse_json_body"),
            ("ABC", "abc"),
            ("v2Code", "v2_code"),
            ("  spaced  out ", "spaced_out"),
            ("", "invalid"),
            ("42", "invalid"),
            ("_", "invalid"),
            ("é", "invalid"),
            ("café_fermé", "invalid"),
            ("Ünknown", "invalid"),
            ("2fa_required", "invalid"),
        ] {
            assert_eq!(snake_case_code(Cow::Borrowed(code)), expected, "{code:?}");
        }
    }

    #[test]
    fn length_messages() {
        let s = || ("value", Value::from("secret"));
        let a = || ("value", serde_json::json!(["x"]));
        assert_eq!(
            msg("length", &[s(), ("min", 2.into())]),
            "must be at least 2 characters long"
        );
        assert_eq!(
            msg("length", &[s(), ("max", 1.into())]),
            "must be at most 1 character long"
        );
        assert_eq!(
            msg("length", &[s(), ("min", 2.into()), ("max", 5.into())]),
            "must be between 2 and 5 characters long"
        );
        assert_eq!(
            msg("length", &[s(), ("equal", 4.into())]),
            "must be exactly 4 characters long"
        );
        assert_eq!(
            msg("length", &[a(), ("min", 1.into())]),
            "must have at least 1 item"
        );
        assert_eq!(
            msg("length", &[("max", 3.into())]),
            "must have a length of at most 3"
        );
        assert!(!msg("length", &[s(), ("min", 9.into())]).contains("secret"));
    }

    #[test]
    fn range_messages() {
        assert_eq!(
            msg("range", &[("min", 1.into()), ("max", 10.into())]),
            "must be between 1 and 10"
        );
        assert_eq!(
            msg("range", &[("exclusive_min", 0.into()), ("max", 10.into())]),
            "must be greater than 0 and at most 10"
        );
        assert_eq!(msg("range", &[("min", 18.into())]), "must be at least 18");
        assert_eq!(
            msg("range", &[("exclusive_max", 1.5.into())]),
            "must be less than 1.5"
        );
    }

    #[test]
    fn other_messages_never_echo_values() {
        let v = || ("value", Value::from("hunter2"));
        for code in [
            "email",
            "url",
            "regex",
            "must_match",
            "credit_card",
            "non_control_character",
            "required",
            "ip",
            "custom_code",
        ] {
            let m = msg(code, &[v(), ("other", "hunter2".into())]);
            assert!(!m.contains("hunter2"), "{code}: {m}");
            assert!(!m.is_empty());
        }
        assert_eq!(
            msg("contains", &[v(), ("needle", "@".into())]),
            "must contain \"@\""
        );
    }
}
