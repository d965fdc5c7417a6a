//! `garde` 0.23 reports as [`FieldErrors`] (feature `garde`).
//!
//! Every error is kept, in the report's order, its path as garde writes it (`address.city`,
//! `items[1].amount`; empty for an error about the whole value). The report's order is a
//! struct's fields in alphabetical order (garde's derive checks them so; a tuple struct's
//! by position), a list's items by index, and a `HashMap`'s iteration order for its
//! entries: that one changes from run to run (garde cannot tell a map's key from a field's
//! name in a path, so it is not sorted here). garde's errors carry only a message, which is
//! kept as the field error's message (garde's built-in messages name the rule's parameters,
//! never the submitted value). The code is the rule's name when the
//! message is one of garde's built-in English messages (`length`, `range`, `email`,
//! `pattern`, ...), else `invalid`.

use std::borrow::Cow;
use std::fmt;

use super::{FieldError, FieldErrors, INVALID, INVALID_MESSAGE};

/// Every error of the report, in its order.
///
/// ```
/// use api_error_core::FieldErrors;
/// use garde::{Error, Path, Report};
///
/// let mut report = Report::new();
/// report.append(Path::new("items").join(1usize).join("amount"), Error::new("lower than 1"));
/// report.append(Path::new("coupon"), Error::new("this coupon has expired"));
///
/// let errors = FieldErrors::from(report);
/// let e = &errors.as_slice()[0];
/// assert_eq!((&*e.param, &*e.code, &*e.message), ("items[1].amount", "range", "lower than 1"));
/// let e = &errors.as_slice()[1];
/// assert_eq!((&*e.param, &*e.code, &*e.message), ("coupon", "invalid", "this coupon has expired"));
/// ```
impl From<garde::Report> for FieldErrors {
    fn from(report: garde::Report) -> Self {
        FieldErrors::from(&report)
    }
}

/// See [`From<garde::Report>`](#impl-From%3CReport%3E-for-FieldErrors).
impl From<&garde::Report> for FieldErrors {
    fn from(report: &garde::Report) -> Self {
        report
            .iter()
            .map(|(path, error)| {
                let message = error.message().trim();
                FieldError {
                    param: super::bounded_param(&Unraw(path)),
                    code: Cow::Borrowed(code(message)),
                    message: if super::is_blank(message) {
                        Cow::Borrowed(INVALID_MESSAGE)
                    } else {
                        Cow::Owned(message.to_owned())
                    },
                }
            })
            .collect()
    }
}

/// A garde path without the `r#` of raw identifiers (`r#type.id` is the input `type.id`):
/// garde writes a field's name as Rust spells it. Written through, so the bound of
/// [`bounded_param`](super::bounded_param) still stops the formatting.
struct Unraw<'p>(&'p garde::Path);

impl fmt::Display for Unraw<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = UnrawWriter {
            out: f,
            segment_start: true,
        };
        fmt::write(&mut out, format_args!("{}", self.0))
    }
}

/// Drops `r#` at the start of a path segment. garde's `Display` writes each component of
/// the path in one `write_str`, and each separator (`.`, `[`, `]`) in another, so a segment
/// starts with the first write or the one after a `.`: a `.` or an `r#` inside a map key
/// (`eu.r#1`) is the key's own.
struct UnrawWriter<'a, 'f> {
    out: &'a mut fmt::Formatter<'f>,
    segment_start: bool,
}

impl fmt::Write for UnrawWriter<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let s = match std::mem::take(&mut self.segment_start) {
            true => s.strip_prefix("r#").unwrap_or(s),
            false => s,
        };
        self.segment_start = s == ".";
        self.out.write_str(s)
    }
}

/// The rule behind one of garde's built-in English messages (`garde::i18n::DefaultI18n`),
/// named as garde names the rule; `invalid` for any other message (a custom rule, a
/// translated message). A message counts only in the exact shape garde writes, so a custom
/// message that merely starts the same way (`not a valid email domain for this tenant`,
/// `lower than the account balance`) is not taken for a built-in rule.
fn code(message: &str) -> &'static str {
    // What garde puts where a rule's parameter goes: one word (a number, a field name).
    let word = |rest: &str| !rest.is_empty() && !rest.contains(char::is_whitespace);
    let between = |prefix: &str, suffix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(suffix))
            .is_some()
    };
    let after = |prefix: &str| message.strip_prefix(prefix).filter(|rest| !rest.is_empty());
    let digits = |rest: &str| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit());
    // A range's bound as garde writes it: a number (`18`, `-3`, `1.5`) or a date
    // (`2024-01-01`), one word that starts with a digit (after a sign).
    let bound = |rest: &str| {
        word(rest)
            && rest
                .trim_start_matches(['-', '+'])
                .starts_with(|c: char| c.is_ascii_digit())
    };
    if after("length is lower than ").is_some_and(digits)
        || after("length is greater than ").is_some_and(digits)
    {
        "length"
    } else if after("lower than ").is_some_and(bound) || after("greater than ").is_some_and(bound) {
        "range"
    } else if after("not a valid credit card number: ").is_some() {
        "credit_card"
    } else if between("does not match pattern /", "/") {
        "pattern"
    } else if between("does not contain \"", "\"") {
        "contains"
    } else if after("not a valid url: ").is_some() {
        "url"
    } else if between("value does not begin with \"", "\"") {
        "prefix"
    } else if between("does not end with \"", "\"") {
        "suffix"
    } else if message == "not a valid phone number" || after("not a valid phone number: ").is_some()
    {
        "phone_number"
    } else if matches!(
        message,
        "not a valid IP address" | "not a valid IPv4 address" | "not a valid IPv6 address"
    ) {
        "ip"
    } else if message
        .strip_prefix("does not match ")
        .and_then(|rest| rest.strip_suffix(" field"))
        .is_some_and(word)
    {
        "matches"
    } else if after("not a valid email: ").is_some() {
        "email"
    } else {
        match message {
            "not ascii" => "ascii",
            "not alphanumeric" => "alphanumeric",
            "not set" => "required",
            _ => INVALID,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::code;
    use garde::i18n::{
        DefaultI18n, I18n, InvalidCreditCard, InvalidEmail, InvalidPhoneNumber, InvalidUrl, IpKind,
    };

    /// Map keys come from the client, and every error under one key repeats it: each param
    /// is bounded (formatting stops at the bound), and so is the summary message.
    #[test]
    fn long_map_keys_are_bounded() {
        use crate::{ApiError, FieldErrors};
        let key = "k".repeat(100_000);
        let mut report = garde::Report::new();
        for i in 0..2_000usize {
            let path = garde::Path::new("items")
                .join(key.as_str())
                .join(i)
                .join("name");
            report.append(path, garde::Error::new("length is lower than 1"));
        }
        let started = std::time::Instant::now();
        let errors = FieldErrors::from(&report);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(errors.len(), 2_000);
        for e in &errors {
            assert_eq!(e.param.chars().count(), crate::fields::MAX_PARAM);
            assert!(
                e.param.starts_with("items.kkk") && e.param.ends_with("k…"),
                "{}",
                e.param
            );
        }
        let message = errors.message();
        assert!(message.len() < 300, "{message}");
        assert!(
            message.starts_with("Invalid value for items.kk"),
            "{message}"
        );
        assert!(
            message.contains("k…: length is lower than 1 (and 1999 more errors)"),
            "{message}"
        );
        // Paths up to the bound are whole.
        let at_bound = "p".repeat(crate::fields::MAX_PARAM);
        for path in ["name", at_bound.as_str()] {
            let mut report = garde::Report::new();
            report.append(
                garde::Path::new(path),
                garde::Error::new("length is lower than 1"),
            );
            assert_eq!(&*FieldErrors::from(&report).as_slice()[0].param, path);
        }
    }

    #[test]
    fn every_builtin_message_has_its_rule_code() {
        let i = DefaultI18n;
        let cases = [
            (i.length_lower_than(2), "length"),
            (i.length_greater_than(9), "length"),
            (i.range_lower_than(&1), "range"),
            (i.range_greater_than(&1.5), "range"),
            (i.range_lower_than(&-3), "range"),
            (i.range_greater_than(&"2024-01-01"), "range"),
            (
                i.credit_card_invalid(InvalidCreditCard::InvalidLuhn),
                "credit_card",
            ),
            (i.pattern_no_match(&"^a$"), "pattern"),
            (i.contains_missing(&"@"), "contains"),
            (i.url_invalid(InvalidUrl::EmptyHost), "url"),
            (i.prefix_missing(&"x"), "prefix"),
            (i.suffix_missing(&"x"), "suffix"),
            (
                i.phone_number_invalid(InvalidPhoneNumber::Invalid),
                "phone_number",
            ),
            (
                i.phone_number_invalid(InvalidPhoneNumber::TooLong),
                "phone_number",
            ),
            (i.ip_invalid(IpKind::Any), "ip"),
            (i.ip_invalid(IpKind::V4), "ip"),
            (i.ip_invalid(IpKind::V6), "ip"),
            (i.matches_field_mismatch(&"password"), "matches"),
            (i.email_invalid(InvalidEmail::MissingAt), "email"),
            (i.ascii_invalid(), "ascii"),
            (i.alphanumeric_invalid(), "alphanumeric"),
            (i.required_not_set(), "required"),
        ];
        for (message, expected) in cases {
            assert_eq!(code(&message), expected, "{message}");
        }
        assert_eq!(code("this coupon has expired"), "invalid");
    }

    /// Custom messages that start like a built-in one are not taken for it.
    #[test]
    fn custom_messages_that_look_builtin_are_invalid() {
        for message in [
            "not a valid email domain for this tenant",
            "lower than the account balance",
            "greater than your plan allows",
            "lower than expected",
            "greater than allowed",
            "lower than -",
            "length is lower than expected",
            "not a valid url for webhooks",
            "does not match the other password field",
            "does not contain a digit",
            "not a valid credit card number",
        ] {
            assert_eq!(code(message), "invalid", "{message}");
        }
    }
}
