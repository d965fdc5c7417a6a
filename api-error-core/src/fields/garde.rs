//! `garde` 0.23 reports as [`FieldErrors`] (feature `garde`).
//!
//! Every error is kept, in the report's order, its path as garde writes it (`address.city`,
//! `items[1].amount`; empty for an error about the whole value). garde's errors carry only
//! a message, which is kept as the field error's message (garde's built-in messages name
//! the rule's parameters, never the submitted value). The code is the rule's name when the
//! message is one of garde's built-in English messages (`length`, `range`, `email`,
//! `pattern`, ...), else `invalid`.

use std::borrow::Cow;

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
                    param: Cow::Owned(path.to_string()),
                    code: Cow::Borrowed(code(message)),
                    message: if message.is_empty() {
                        Cow::Borrowed(INVALID_MESSAGE)
                    } else {
                        Cow::Owned(message.to_owned())
                    },
                }
            })
            .collect()
    }
}

/// The rule behind one of garde's built-in English messages (`garde::i18n::DefaultI18n`),
/// named as garde names the rule; `invalid` for any other message (a custom rule, a
/// translated message).
fn code(message: &str) -> &'static str {
    let starts = |prefix: &str| message.starts_with(prefix);
    if starts("length is lower than ") || starts("length is greater than ") {
        "length"
    } else if starts("lower than ") || starts("greater than ") {
        "range"
    } else if starts("not a valid credit card number") {
        "credit_card"
    } else if starts("does not match pattern /") {
        "pattern"
    } else if starts("does not contain \"") {
        "contains"
    } else if starts("not a valid url") {
        "url"
    } else if starts("value does not begin with \"") {
        "prefix"
    } else if starts("does not end with \"") {
        "suffix"
    } else if starts("not a valid phone number") {
        "phone_number"
    } else if matches!(
        message,
        "not a valid IP address" | "not a valid IPv4 address" | "not a valid IPv6 address"
    ) {
        "ip"
    } else if starts("does not match ") && message.ends_with(" field") {
        "matches"
    } else if starts("not a valid email") {
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

    #[test]
    fn every_builtin_message_has_its_rule_code() {
        let i = DefaultI18n;
        let cases = [
            (i.length_lower_than(2), "length"),
            (i.length_greater_than(9), "length"),
            (i.range_lower_than(&1), "range"),
            (i.range_greater_than(&1.5), "range"),
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
}
