//! HTTP dates (RFC 9110 §5.6.7) for `Retry-After`, parsed by the `httpdate` crate.
//!
//! All three forms a recipient must accept are parsed:
//!
//! - IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`
//! - obsolete RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`
//! - obsolete asctime: `Sun Nov  6 08:49:37 1994`
//!
//! `httpdate` does the parsing, the validation (day of month, weekday matching the date,
//! years 1970 to 9999) and the calendar arithmetic. Two things are done here first:
//!
//! - names are matched case-insensitively (`sun, 06 nov 1994 08:49:37 gmt`), and `UTC` is
//!   accepted in place of `GMT`, as servers in the wild send both;
//! - an RFC 850 two-digit year is read as RFC 9110 requires: never more than 50 years in
//!   the future (such a year is the most recent past year with the same two last digits),
//!   and otherwise the nearest year with those digits. (`httpdate` alone uses a fixed pivot: `00..=69`
//!   are `2000..=2069`, `70..=99` are `1970..=1999`, which is wrong for `70..=76` today.)

use std::time::{SystemTime, UNIX_EPOCH};

/// The last second of 9999-12-31, past which `httpdate` cannot format a time.
const MAX_FORMATTABLE_SECS: u64 = 253_402_300_799;

/// The three-letter weekday names, and their long forms used by RFC 850.
const WEEKDAYS: [(&str, &str); 7] = [
    ("Mon", "Monday"),
    ("Tue", "Tuesday"),
    ("Wed", "Wednesday"),
    ("Thu", "Thursday"),
    ("Fri", "Friday"),
    ("Sat", "Saturday"),
    ("Sun", "Sunday"),
];

/// Parses an HTTP date, reading an RFC 850 two-digit year relative to `now`; `None` for
/// anything else. Never panics.
pub(crate) fn parse_http_date(s: &str, now: SystemTime) -> Option<SystemTime> {
    let s = s.trim();
    if !s.is_ascii() {
        return None;
    }
    let canonical = canonical_case(s);
    let imf;
    let input = match rfc850_to_imf_fixdate(&canonical, now) {
        Some(converted) => {
            imf = converted;
            imf.as_str()
        }
        None => canonical.as_str(),
    };
    httpdate::parse_http_date(input).ok()
}

/// `s` with every alphabetic word in the capitalisation `httpdate` expects: `Sun`, `Nov`,
/// `Sunday`, and `GMT` (`UTC` becomes `GMT`). ASCII only.
fn canonical_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find(|c: char| c.is_ascii_alphabetic()) {
        let (before, word_and_after) = rest.split_at(start);
        out.push_str(before);
        let end = word_and_after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(word_and_after.len());
        let (word, after) = word_and_after.split_at(end);
        if word.eq_ignore_ascii_case("GMT") || word.eq_ignore_ascii_case("UTC") {
            out.push_str("GMT");
        } else {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.extend(chars.map(|c| c.to_ascii_lowercase()));
            }
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// An RFC 850 date (`Sunday, 06-Nov-94 08:49:37 GMT`, names already in canonical case) as
/// the IMF-fixdate it stands for (`Sun, 06 Nov 1994 08:49:37 GMT`), with the century chosen
/// by RFC 9110's 50-year rule; `None` if `s` does not have the RFC 850 shape.
fn rfc850_to_imf_fixdate(s: &str, now: SystemTime) -> Option<String> {
    let (weekday, rest) = s.split_once(", ")?;
    let short = WEEKDAYS
        .iter()
        .find_map(|(short, long)| (*long == weekday).then_some(*short))?;
    // `06-Nov-94 08:49:37 GMT`
    let (date, time_and_zone) = rest.split_once(' ')?;
    let mut parts = date.split('-');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 2 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let two_digits: u32 = year.parse().ok()?;
    let year = full_year(two_digits, current_year(now));
    Some(format!("{short}, {day} {month} {year} {time_and_zone}"))
}

/// RFC 9110 §5.6.7: the year with these two last digits that is at most 50 years in the
/// future and less than 50 years in the past (in 2026: `76` is 2076, `77` is 1977).
fn full_year(two_digits: u32, current_year: u32) -> u32 {
    let century = current_year - current_year % 100;
    let candidate = century + two_digits;
    if candidate > current_year + 50 {
        candidate.saturating_sub(100)
    } else if candidate + 50 <= current_year {
        candidate + 100
    } else {
        candidate
    }
}

/// The year of `now` (UTC), read off `httpdate`'s own formatting. A clock outside what
/// `httpdate` can format (before 1970, after 9999) counts as 1970 or 9999.
fn current_year(now: SystemTime) -> u32 {
    let secs = match now.duration_since(UNIX_EPOCH) {
        Ok(since) => since.as_secs(),
        Err(_) => return 1970,
    };
    if secs > MAX_FORMATTABLE_SECS {
        return 9999;
    }
    // `Sun, 06 Nov 1994 08:49:37 GMT`: the year is the fourth word.
    httpdate::fmt_http_date(now)
        .split(' ')
        .nth(3)
        .and_then(|year| year.parse().ok())
        .unwrap_or(1970)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// 2026-06-01T00:00:00Z.
    fn june_2026() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_780_272_000)
    }

    fn secs(s: &str) -> Option<u64> {
        parse_http_date(s, june_2026())
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs()))
    }

    #[test]
    fn the_three_forms_of_rfc_9110() {
        assert_eq!(secs("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(secs("Sunday, 06-Nov-94 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(secs("Sun Nov  6 08:49:37 1994"), Some(784_111_777));
        assert_eq!(secs("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(secs("Tue, 29 Feb 2000 12:00:00 GMT"), Some(951_825_600));
        assert_eq!(secs("Fri, 31 Dec 9999 23:59:59 GMT"), Some(253_402_300_799));
    }

    #[test]
    fn names_are_case_insensitive_and_utc_is_gmt() {
        for s in [
            "sun, 06 nov 1994 08:49:37 gmt",
            "SUN, 06 NOV 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "SUNDAY, 06-NOV-94 08:49:37 utc",
            "sun nov  6 08:49:37 1994",
            "  Sun, 06 Nov 1994 08:49:37 GMT  ",
        ] {
            assert_eq!(secs(s), Some(784_111_777), "{s:?}");
        }
    }

    #[test]
    fn rfc_850_years_follow_the_50_year_rule() {
        // In 2026: `75` is 2075 (49 years ahead), `77` is 1977 (2077 would be 51 ahead).
        assert_eq!(full_year(75, 2026), 2075);
        assert_eq!(full_year(76, 2026), 2076);
        assert_eq!(full_year(77, 2026), 1977);
        assert_eq!(full_year(94, 2026), 1994);
        assert_eq!(full_year(0, 2026), 2000);
        assert_eq!(full_year(26, 2026), 2026);
        assert_eq!(full_year(69, 2026), 2069);
        assert_eq!(full_year(49, 1999), 2049);
        assert_eq!(full_year(50, 1999), 1950);
        assert_eq!(full_year(99, 2000), 1999);

        // 2075-01-01 was a Tuesday; `httpdate`'s fixed pivot would make this 1975 (a
        // Wednesday) and reject it.
        assert_eq!(secs("Tuesday, 01-Jan-75 00:00:00 GMT"), Some(3_313_526_400));
        assert_eq!(secs("Thursday, 01-Jan-70 00:00:00 GMT"), None); // 2070 is a Wednesday
        assert_eq!(
            secs("Wednesday, 01-Jan-70 00:00:00 GMT"),
            Some(3_155_760_000)
        );
        assert_eq!(secs("Saturday, 01-Jan-77 00:00:00 GMT"), Some(220_924_800));
    }

    #[test]
    fn the_current_year() {
        assert_eq!(current_year(june_2026()), 2026);
        assert_eq!(current_year(UNIX_EPOCH), 1970);
        assert_eq!(current_year(UNIX_EPOCH - Duration::from_secs(1)), 1970);
        assert_eq!(
            current_year(UNIX_EPOCH + Duration::from_secs(MAX_FORMATTABLE_SECS)),
            9999
        );
        assert_eq!(
            current_year(UNIX_EPOCH + Duration::from_secs(MAX_FORMATTABLE_SECS + 1)),
            9999
        );
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
            "Mon, 06 Nov 1994 08:49:37 GMT", // wrong weekday
            "Mon, 01 Jan 1900 00:00:00 GMT", // before 1970
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sunday, 06-Nov-9x 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 G\u{e9}T",
        ] {
            assert_eq!(parse_http_date(s, june_2026()), None, "{s:?}");
        }
    }
}
