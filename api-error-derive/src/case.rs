//! Identifier case conversion and the snake_case rule for codes and types.

/// `CustomerNotFound` -> `customer_not_found`, `HTTPTimeout` -> `http_timeout`,
/// `OAuth2Failed` -> `o_auth2_failed`.
pub fn to_snake_case(ident: &str) -> String {
    let ident = ident.strip_prefix("r#").unwrap_or(ident);
    let chars: Vec<char> = ident.chars().collect();
    let mut out = String::with_capacity(ident.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev = if i > 0 {
                chars.get(i - 1).copied()
            } else {
                None
            };
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                None | Some('_') => false,
                Some(p) if p.is_lowercase() || p.is_ascii_digit() => true,
                // end of an acronym: the `T` of `HTTPTimeout`
                Some(p) if p.is_uppercase() => next.is_some_and(char::is_lowercase),
                Some(_) => false,
            };
            if boundary {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `[a-z][a-z0-9_]*`: what a `code` or `type` must look like on the wire.
pub fn is_snake_case(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'))
}

/// Levenshtein distance, for "did you mean" suggestions.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            let del = prev[j + 1] + 1;
            let ins = cur[j] + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest of `candidates` to `key`, if it is close enough to be a typo.
pub fn nearest<'a>(key: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (distance(key, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake() {
        assert_eq!(to_snake_case("CustomerNotFound"), "customer_not_found");
        assert_eq!(to_snake_case("HTTPTimeout"), "http_timeout");
        assert_eq!(to_snake_case("OAuth2Failed"), "o_auth2_failed");
        assert_eq!(to_snake_case("Database"), "database");
        assert_eq!(to_snake_case("Error404Page"), "error404_page");
        assert_eq!(to_snake_case("A"), "a");
    }

    #[test]
    fn snake_rule() {
        assert!(is_snake_case("resource_missing"));
        assert!(is_snake_case("e2e"));
        assert!(!is_snake_case("Resource"));
        assert!(!is_snake_case("1abc"));
        assert!(!is_snake_case("bad-code"));
        assert!(!is_snake_case(""));
    }

    #[test]
    fn suggestions() {
        assert_eq!(nearest("stauts", &["status", "code"]), Some("status"));
        assert_eq!(nearest("retry", &["retryable", "status"]), None);
        assert_eq!(nearest("xyz", &["status", "code"]), None);
    }
}
