//! A small, allocation-free parser for HTTP dates (RFC 9110 §5.6.7), enough for `Retry-After`.
//!
//! All three forms a recipient must accept are parsed:
//!
//! - IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`
//! - obsolete RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT` (two-digit years `00..=69` are
//!   `2000..=2069`, `70..=99` are `1970..=1999`)
//! - obsolete asctime: `Sun Nov  6 08:49:37 1994`
//!
//! Names are matched case-insensitively; `UTC` is accepted in place of `GMT`. The weekday is
//! checked to be a weekday name but not checked against the date.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Parses an HTTP date; `None` for anything else. Never panics.
pub(crate) fn parse_http_date(s: &str) -> Option<SystemTime> {
    let mut tokens = s.split([' ', ',', '-', '\t']).filter(|t| !t.is_empty());

    if !is_weekday(tokens.next()?) {
        return None;
    }
    let first = tokens.next()?;
    let (day, month, year, time) = if let Some(month) = month(first) {
        // asctime: `Nov  6 08:49:37 1994`
        let day = number(tokens.next()?, 2)?;
        let time = tokens.next()?;
        let year = year(tokens.next()?)?;
        (day, month, year, time)
    } else {
        // IMF-fixdate or RFC 850: `06 Nov 1994 08:49:37 GMT`
        let day = number(first, 2)?;
        let month = month(tokens.next()?)?;
        let year = year(tokens.next()?)?;
        let time = tokens.next()?;
        let zone = tokens.next()?;
        if !(zone.eq_ignore_ascii_case("GMT") || zone.eq_ignore_ascii_case("UTC")) {
            return None;
        }
        (day, month, year, time)
    };
    if tokens.next().is_some() {
        return None;
    }
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let (hour, minute, second) = clock(time)?;

    let days = days_from_civil(i64::from(year), month, day);
    let secs = days * 86_400 + i64::from(hour) * 3_600 + i64::from(minute) * 60 + i64::from(second);
    match u64::try_from(secs) {
        Ok(secs) => UNIX_EPOCH.checked_add(Duration::from_secs(secs)),
        // Before 1970: certainly in the past.
        Err(_) => Some(UNIX_EPOCH),
    }
}

fn is_weekday(t: &str) -> bool {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    DAYS.iter().any(|d| {
        t.eq_ignore_ascii_case(d)
            || d.get(..3)
                .is_some_and(|short| t.eq_ignore_ascii_case(short))
    })
}

/// Month number 1..=12 of a three-letter English month name.
fn month(t: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let index = MONTHS.iter().position(|m| t.eq_ignore_ascii_case(m))?;
    u32::try_from(index).ok().map(|i| i + 1)
}

/// 1 to `max_digits` ASCII digits.
fn number(t: &str, max_digits: usize) -> Option<u32> {
    if t.is_empty() || t.len() > max_digits || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// A four-digit year, or a two-digit RFC 850 year.
fn year(t: &str) -> Option<u32> {
    match t.len() {
        2 => number(t, 2).map(|y| if y < 70 { 2000 + y } else { 1900 + y }),
        4 => number(t, 4),
        _ => None,
    }
}

/// `HH:MM:SS`; a leap second (`60`) is accepted.
fn clock(t: &str) -> Option<(u32, u32, u32)> {
    let mut parts = t.split(':');
    let hour = number(parts.next()?, 2)?;
    let minute = number(parts.next()?, 2)?;
    let second = number(parts.next()?, 2)?;
    if parts.next().is_some() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some((hour, minute, second))
}

fn is_leap(year: u32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
/// Inputs are bounded (year <= 9999) so nothing here can overflow.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let month = i64::from(month);
    let day = i64::from(day);
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: &str) -> Option<u64> {
        parse_http_date(s).and_then(|t| t.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs()))
    }

    #[test]
    fn the_three_forms_of_rfc_9110() {
        assert_eq!(secs("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(secs("Sunday, 06-Nov-94 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(secs("Sun Nov  6 08:49:37 1994"), Some(784_111_777));
        assert_eq!(secs("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(secs("Tue, 29 Feb 2000 12:00:00 GMT"), Some(951_825_600));
        assert_eq!(secs("Fri, 31 Dec 9999 23:59:59 GMT"), Some(253_402_300_799));
        assert_eq!(secs("Mon, 01 Jan 1900 00:00:00 GMT"), Some(0));
    }

    #[test]
    fn garbage_is_rejected() {
        for s in [
            "",
            "120",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, 006 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 19945 08:49:37 GMT",
            "Sun, +6 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(s), None, "{s:?}");
        }
    }
}
