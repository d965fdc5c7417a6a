//! `Accept` negotiation: a client that prefers `application/problem+json` gets problem
//! details whatever format the layer or middleware was configured with.

use crate::{ErrorFormat, WireFormat};

/// Bytes of an `Accept` field read at most (its ranges past them are ignored).
const MAX_ACCEPT: usize = 2048;

/// The format a request's errors are rendered in: the configured one, or problem details
/// for a request whose `Accept` header (its raw bytes, when it is one line) prefers them.
#[inline]
pub(crate) fn negotiate(configured: &ErrorFormat, accept: Option<&[u8]>) -> ErrorFormat {
    match accept {
        Some(accept) if prefers_problem(accept) => configured.with_wire(WireFormat::Problem),
        _ => configured.clone(),
    }
}

/// [`negotiate`] for the lines of an `Accept` field: one line as it is, several as one
/// comma-separated list, in order (RFC 9110 §5.3), bounded as one line is.
pub(crate) fn negotiate_lines<'a>(
    configured: &ErrorFormat,
    mut lines: impl Iterator<Item = &'a [u8]>,
) -> ErrorFormat {
    let Some(first) = lines.next() else {
        return configured.clone();
    };
    match lines.next() {
        None => negotiate(configured, Some(first)),
        Some(second) => negotiate_joined(configured, [first, second].into_iter().chain(lines)),
    }
}

#[inline(never)]
fn negotiate_joined<'a>(
    configured: &ErrorFormat,
    lines: impl Iterator<Item = &'a [u8]>,
) -> ErrorFormat {
    // One byte past the bound when the list is longer: `prefers_problem` then knows it was
    // cut, and drops the range the cut went through.
    let mut joined = Vec::new();
    for line in lines {
        if !joined.is_empty() {
            joined.extend_from_slice(b", ");
        }
        let room = (MAX_ACCEPT + 1).saturating_sub(joined.len());
        joined.extend_from_slice(line.get(..room).unwrap_or(line));
        if joined.len() > MAX_ACCEPT {
            break;
        }
    }
    negotiate(configured, Some(&joined))
}

/// Whether an `Accept` header prefers `application/problem+json` over `application/json`
/// (RFC 9110 §12.5.1: the most specific matching range gives each type its `q`; a type no
/// range matches has `q=0`). Bounded: at most the first 2 KiB and 32 ranges are read; a
/// range the 2 KiB bound cuts through is ignored, not read as if it were whole.
///
/// `*/*` and `application/*` match both equally, so alone they never prefer either; but
/// `application/json;q=0, */*` prefers problem details (`*/*` gives them `q=1`). At equal
/// `q` (RFC 9110 leaves the choice to the server) the type named more specifically wins,
/// then the one listed first, as Spring and ASP.NET Core choose:
/// `application/problem+json, application/json` and `application/problem+json, */*` prefer
/// problem details, `application/json, application/problem+json` does not.
#[inline]
fn prefers_problem(accept: &[u8]) -> bool {
    // The fast path, as this runs on every request: what API clients send,
    // `application/json` or `*/*`, prefers JSON or neither. Inline, and one 16-byte
    // comparison rather than one per byte (or a `memcmp` call).
    let json = u128::from_ne_bytes(*b"application/json");
    if <[u8; 16]>::try_from(accept).is_ok_and(|a| u128::from_ne_bytes(a) == json)
        || accept == b"*/*"
    {
        return false;
    }
    prefers_problem_in_list(accept)
}

/// [`prefers_problem`] for any other field: out of line.
#[inline(never)]
fn prefers_problem_in_list(accept: &[u8]) -> bool {
    let accept = within_bound(accept);
    // A list with no `+` names no `application/problem+json`, and one with no `;` gives no
    // range a `q`; with neither, it cannot prefer problem details (every range it matches
    // them through, `application/*` or `*/*`, matches `application/json` too, at the same
    // `q`): one branch-free pass, not a case-insensitive search for the name at every offset.
    let marked = accept
        .iter()
        .fold(false, |found, &b| found | (b == b'+') | (b == b';'));
    if !marked {
        return false;
    }
    // (specificity, q, position of that range) of the best match for each type; specificity
    // 3 for the type itself, 2 for `application/*`, 1 for `*/*`.
    let mut problem = (0u8, 0u16, 0usize);
    let mut json = (0u8, 0u16, 0usize);
    // Empty elements (`a, , b`: RFC 9110 §5.6.1 lets a list have them) are not ranges and do
    // not count toward the bound.
    let ranges = split_unquoted(accept, b',').filter(|range| !range.trim_ascii().is_empty());
    for (position, range) in ranges.take(32).enumerate() {
        let mut parts = split_unquoted(range, b';');
        let media = parts.next().unwrap_or_default().trim_ascii();
        let mut q = 1000u16;
        for param in parts {
            let param = param.trim_ascii();
            if let Some(v) = param
                .strip_prefix(b"q=")
                .or_else(|| param.strip_prefix(b"Q="))
            {
                q = parse_q(v.trim_ascii());
            }
        }
        let specificity = |target: &[u8]| -> u8 {
            if media.eq_ignore_ascii_case(target) {
                3
            } else if media.eq_ignore_ascii_case(b"application/*") {
                2
            } else if media == b"*/*" {
                1
            } else {
                0
            }
        };
        for (target, best) in [
            (&b"application/problem+json"[..], &mut problem),
            (&b"application/json"[..], &mut json),
        ] {
            let s = specificity(target);
            if s > best.0 {
                *best = (s, q, position);
            }
        }
    }
    // By `q`; at equal `q`, by specificity, then by position (a range that matches both,
    // `*/*` or `application/*`, ties on both and prefers neither).
    let tie_break = (problem.0, std::cmp::Reverse(problem.2)) > (json.0, std::cmp::Reverse(json.2));
    problem.1 > json.1 || (problem.1 == json.1 && problem.1 > 0 && tie_break)
}

/// The ranges of `accept` that lie whole within [`MAX_ACCEPT`] bytes (a comma in a quoted
/// parameter value ends none). One byte past the bound is read, to tell a range that ends
/// there from one the bound cuts through.
fn within_bound(accept: &[u8]) -> &[u8] {
    if accept.len() <= MAX_ACCEPT {
        return accept;
    }
    let read = accept.get(..=MAX_ACCEPT).unwrap_or(accept);
    let (mut end, mut start) = (0, 0);
    for range in split_unquoted(read, b',') {
        let range_end = start + range.len();
        if range_end > MAX_ACCEPT {
            break;
        }
        end = range_end;
        start = range_end + 1;
    }
    accept.get(..end).unwrap_or_default()
}

/// `bytes` split at each `sep` outside a quoted string (RFC 9110 §5.6.4: a parameter value
/// may be `"a,b;c"`, with `\` escaping the next byte inside). One pass over the bytes.
fn split_unquoted(bytes: &[u8], sep: u8) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let s = rest?;
        let (mut quoted, mut escaped) = (false, false);
        for (i, &b) in s.iter().enumerate() {
            if escaped {
                escaped = false;
            } else if quoted && b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                quoted = !quoted;
            } else if b == sep && !quoted {
                rest = s.get(i + 1..);
                return s.get(..i);
            }
        }
        rest = None;
        Some(s)
    })
}

/// A `q` value in thousandths (`0.5` is 500); malformed means 0.
fn parse_q(v: &[u8]) -> u16 {
    let mut parts = v.splitn(2, |&b| b == b'.');
    let int = parts.next().unwrap_or_default();
    let frac = parts.next().unwrap_or_default();
    if frac.len() > 3 || !frac.iter().all(u8::is_ascii_digit) {
        return 0;
    }
    let whole = match int {
        // `1`, `1.`, `1.0`, `1.000` (RFC 9110 §12.4.2); `1.5` is malformed.
        b"1" if frac.iter().all(|&d| d == b'0') => return 1000,
        b"0" | b"" => 0,
        _ => return 0,
    };
    let mut thousandths = 0u16;
    for i in 0..3 {
        thousandths = thousandths * 10 + frac.get(i).map_or(0, |d| u16::from(d - b'0'));
    }
    whole + thousandths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation() {
        let p = |s: &str| prefers_problem(s.as_bytes());
        assert!(p("application/problem+json"));
        assert!(p("application/problem+json, application/json;q=0.9"));
        assert!(p("application/json;q=0.5, application/problem+json"));
        assert!(p("APPLICATION/PROBLEM+JSON"));
        assert!(p("application/problem+json;q=0.8, */*;q=0.1"));
        assert!(!p("application/json, application/problem+json;q=0.9"));
        assert!(!p("application/json, application/problem+json"));
        // Equal `q`: the more specific range, then the one listed first.
        assert!(p("application/problem+json, application/json"));
        assert!(p("application/problem+json, */*"));
        assert!(p("application/problem+json, application/*"));
        assert!(p("application/*, application/problem+json"));
        assert!(!p("application/json, */*"));
        assert!(!p("*/*, application/json"));
        assert!(p("application/problem+json;q=0.5, application/json;q=0.5"));
        assert!(!p("application/json;q=0.5, application/problem+json;q=0.5"));
        assert!(!p("application/problem+json;q=0, application/json;q=0"));
        assert!(!p("*/*"));
        // The fast path's field, and one of its length it leaves to the parser.
        assert!(!p("application/json"));
        assert!(!p("APPLICATION/JSON"));
        assert!(!p("application/*"));
        assert!(!p("application/problem+json;q=0, application/json"));
        assert!(!p("application/problem+json;q=0.5, application/*"));
        assert!(!p(""));
        assert!(!p("text/html"));
        // Ranges that match problem details through a wildcard, where JSON has a lower `q`.
        assert!(p("application/json;q=0, */*"));
        assert!(p("application/json;q=0, application/*"));
        assert!(p("application/*, application/json;q=0.5"));
        assert!(!p("application/json;q=0.5, */*;q=0.4"));
        assert!(!p(
            "text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8"
        ));
        // Bounded: only the first 32 ranges count.
        let long = format!(
            "{}application/json",
            "application/problem+json;q=0.1, ".repeat(40)
        );
        assert!(p(&long));
    }

    /// A cut inside a quoted value drops the whole range, as any cut range.
    #[test]
    fn a_cut_inside_quotes_drops_the_range() {
        let head = "application/json;q=0.5, application/problem+json;profile=\"";
        let pad = "a, ".repeat(MAX_ACCEPT);
        let cut = format!("{head}{pad}\";q=0");
        assert!(!prefers_problem(cut.as_bytes()));
    }

    /// Commas and semicolons inside a quoted parameter value split nothing.
    #[test]
    fn quoted_parameter_values() {
        let p = |s: &str| prefers_problem(s.as_bytes());
        assert!(!p(
            r#"application/json;q=0.9, application/problem+json;profile="a,b";q=0.5"#
        ));
        assert!(p(
            r#"application/problem+json;profile="a;q=0", application/json;q=0.5"#
        ));
        assert!(p(
            r#"application/problem+json;profile="a\",q=0", application/json;q=0.5"#
        ));
        let parts: Vec<&[u8]> = split_unquoted(br#"a;b="x;y";c"#, b';').collect();
        assert_eq!(parts, [&b"a"[..], br#"b="x;y""#, b"c"]);
        // An unclosed quote runs to the end.
        assert_eq!(split_unquoted(br#"a,"b,c"#, b',').count(), 2);
    }

    /// A range the 2 KiB bound cuts through is ignored: its `q` may be past the cut.
    #[test]
    fn a_range_cut_by_the_bound_is_ignored() {
        let p = |s: &str| prefers_problem(s.as_bytes());
        let head = "application/json;q=0.5, text/plain;x=";
        let pad = "a".repeat(MAX_ACCEPT - head.len() - ", application/problem+json".len());
        let cut = format!("{head}{pad}, application/problem+json;q=0.1");
        assert_eq!(cut.len(), MAX_ACCEPT + ";q=0.1".len());
        assert!(!p(&cut), "the cut range's q=0.1 must not read as q=1");
        // A range that ends exactly at the bound is whole.
        let whole = format!("{head}{pad}, application/problem+json");
        assert_eq!(whole.len(), MAX_ACCEPT);
        assert!(p(&whole));
        assert!(p(&format!("{whole}, text/html")));
        // One range longer than the bound: nothing is read.
        assert!(!p(&format!(
            "application/problem+json;x={}",
            "a".repeat(3000)
        )));
        // The same across lines.
        let configured = ErrorFormat::FLAT;
        let lines = [
            format!("{head}{pad}"),
            "application/problem+json;q=0.1".to_owned(),
        ];
        let format = negotiate_lines(&configured, lines.iter().map(|l| l.as_bytes()));
        assert_eq!(format.wire_format(), WireFormat::Flat);
    }

    #[test]
    fn lines_are_one_list() {
        let configured = ErrorFormat::FLAT;
        let lines = |l: &[&str]| negotiate_lines(&configured, l.iter().map(|s| s.as_bytes()));
        assert_eq!(
            lines(&["text/html", "application/problem+json"]).wire_format(),
            WireFormat::Problem
        );
        assert_eq!(
            lines(&["application/json", "application/problem+json;q=0.5"]).wire_format(),
            WireFormat::Flat
        );
        // The lines are one list: its first 32 ranges count, wherever the lines break.
        let many = vec!["text/html"; 40];
        let mut with_problem = many.clone();
        with_problem.push("application/problem+json");
        assert_eq!(lines(&with_problem).wire_format(), WireFormat::Flat);
        with_problem.truncate(31);
        with_problem.push("application/problem+json");
        assert_eq!(lines(&with_problem).wire_format(), WireFormat::Problem);
    }

    #[test]
    fn q_values() {
        assert_eq!(parse_q(b"1"), 1000);
        assert_eq!(parse_q(b"1.000"), 1000);
        assert_eq!(parse_q(b"0.5"), 500);
        assert_eq!(parse_q(b"0.123"), 123);
        assert_eq!(parse_q(b"0"), 0);
        assert_eq!(parse_q(b"0.1234"), 0);
        assert_eq!(parse_q(b"x"), 0);
        // Empty list elements are no ranges: the one after forty of them still counts.
        let sparse = format!("{}application/problem+json", ",".repeat(40));
        assert!(prefers_problem(sparse.as_bytes()));
        // Above 1, or malformed after a 1: malformed, so 0 (not 1).
        assert_eq!(parse_q(b"1."), 1000);
        assert_eq!(parse_q(b"1.5"), 0);
        assert_eq!(parse_q(b"1.x"), 0);
        assert_eq!(parse_q(b"1.0000"), 0);
        assert_eq!(parse_q(b"1.001"), 0);
    }
}
