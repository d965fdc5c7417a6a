//! Which request parameter a framework's error text is about: serde's messages name the
//! field (`missing field `amount``), a route pattern names its path parameter.

/// The parameter a serde message is about: the `serde_path_to_error` prefix
/// (`customer.email: invalid type ...`), a `missing field `x`` or a
/// ``Cannot parse `id` with value ...`` or axum's ``Invalid UTF-8 in `id` ``.
pub(crate) fn param_from_serde_message(text: &str) -> Option<String> {
    let (path, rest) = match text.split_once(": ") {
        Some((p, rest))
            if !p.is_empty()
                && p.len() <= 128
                && p.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'[' | b']' | b'-')
                }) =>
        {
            (Some(p), rest)
        }
        _ => (None, text),
    };
    let quoted = |rest: &str, prefix: &str| -> Option<String> {
        let after = rest.strip_prefix(prefix)?;
        let (name, _) = after.split_once('`')?;
        (!name.is_empty() && name.len() <= 128).then(|| name.to_owned())
    };
    if let Some(field) = quoted(rest, "missing field `") {
        return Some(match path {
            Some(p) => format!("{p}.{field}"),
            None => field,
        });
    }
    if let Some(key) = quoted(rest, "Cannot parse `") {
        if rest.contains("` with value `") {
            return Some(key);
        }
    }
    // axum's path parameter that is not UTF-8 once percent-decoded (`/items/%FF`).
    if let Some(key) = quoted(rest, "Invalid UTF-8 in `") {
        return Some(key);
    }
    path.map(str::to_owned)
}

/// The names of a route pattern's parameters, in order: axum's `{id}` and `{*rest}` (where
/// `{{` is a literal brace), actix-web's `{id}`, `{id:\d+}` (a regex, which may hold braces
/// of its own: `{id:\d{3}}`) and several in one segment (`{name}.{ext}`). A pattern that
/// ends inside a parameter ends the list. Scanned by bytes: the braces and the colon are
/// ASCII, which no byte of another UTF-8 character is, so names may be any text.
fn path_params(pattern: &str) -> impl Iterator<Item = &str> {
    let bytes = pattern.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || loop {
        let open = at + bytes.get(at..)?.iter().position(|&b| b == b'{')?;
        if bytes.get(open + 1) == Some(&b'{') {
            // A literal brace.
            at = open + 2;
            continue;
        }
        let start = open + 1;
        let name_len = bytes
            .get(start..)?
            .iter()
            .position(|&b| b == b':' || b == b'}')?;
        let name = pattern
            .get(start..start + name_len)?
            .trim_start_matches('*');
        // The closing brace of this parameter: past the regex's own braces.
        let mut depth = 0usize;
        let mut close = start + name_len;
        loop {
            match bytes.get(close)? {
                b'{' => depth += 1,
                b'}' if depth == 0 => break,
                b'}' => depth -= 1,
                _ => {}
            }
            close += 1;
        }
        at = close + 1;
        return Some(name);
    })
}

/// Whether a route pattern has parameters.
#[cfg_attr(not(feature = "actix-web"), allow(dead_code))]
pub(crate) fn has_path_params(pattern: &str) -> bool {
    path_params(pattern).next().is_some()
}

/// The name of the only `{param}` of a route pattern, if it has exactly one.
pub(crate) fn single_path_param(pattern: &str) -> Option<String> {
    let mut names = path_params(pattern);
    match (names.next(), names.next()) {
        (Some(name), None) if !name.is_empty() => Some(name.to_owned()),
        _ => None,
    }
}

/// The `{param}` a tuple extractor's message is about (``Cannot parse value at index 1
/// with value `abc` to a `u32` ``): the pattern's parameter at that index.
#[cfg_attr(not(feature = "axum"), allow(dead_code))]
pub(crate) fn indexed_path_param(text: &str, pattern: &str) -> Option<String> {
    let (_, after) = text.split_once("Cannot parse value at index ")?;
    let digits = after.split(|c: char| !c.is_ascii_digit()).next()?;
    let index: usize = digits.parse().ok()?;
    let name = path_params(pattern).nth(index)?;
    (!name.is_empty()).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params() {
        let p = param_from_serde_message;
        assert_eq!(p("amount: invalid type: string").as_deref(), Some("amount"));
        assert_eq!(
            p("missing field `amount` at line 1").as_deref(),
            Some("amount")
        );
        assert_eq!(
            p("customer: missing field `id`").as_deref(),
            Some("customer.id")
        );
        assert_eq!(
            p("Cannot parse `id` with value `x` to a `u64`").as_deref(),
            Some("id")
        );
        assert_eq!(p("Invalid UTF-8 in `n`").as_deref(), Some("n"));
        assert_eq!(p("invalid type: string \"x\", expected u64"), None);
        let text = "Cannot parse value at index 1 with value `abc` to a `u32`";
        assert_eq!(
            indexed_path_param(text, "/p/{org}/{n}").as_deref(),
            Some("n")
        );
        assert_eq!(indexed_path_param(text, "/p/{org}"), None);
        assert_eq!(
            indexed_path_param(text, r"/p/{org:[a-z]{2,8}}/{n:\d+}").as_deref(),
            Some("n")
        );
        let single = single_path_param;
        assert_eq!(single("/items/{n}").as_deref(), Some("n"));
        assert_eq!(single("/files/{*path}").as_deref(), Some("path"));
        assert_eq!(single(r"/items/{n:\d+}").as_deref(), Some("n"));
        assert_eq!(single(r"/items/{n:\d{3}}/x").as_deref(), Some("n"));
        assert_eq!(single("/v/{version}.json").as_deref(), Some("version"));
        assert_eq!(single("/files/{name}.{ext}"), None);
        assert_eq!(single("/items"), None);
        assert_eq!(single("/items/{n"), None);
        assert!(has_path_params(r"/v/{version:\d+}.json"));
        // Names that are not ASCII (actix-web takes any regex group name).
        assert_eq!(path_params("/c/{é}/{n}").collect::<Vec<_>>(), ["é", "n"]);
        assert_eq!(single("/items/{名}").as_deref(), Some("名"));
        assert_eq!(single(r"/items/{名:\d{2}}").as_deref(), Some("名"));
        let text = "Cannot parse value at index 1 with value `x`";
        assert_eq!(indexed_path_param(text, "/{é}/{n}").as_deref(), Some("n"));
        // axum's literal braces.
        assert_eq!(single("/v{{1}}/{id}").as_deref(), Some("id"));
        assert_eq!(single("/v{{1}}"), None);
        assert!(!has_path_params("/v1/plans"));
        assert_eq!(
            indexed_path_param("Cannot parse value at index x", "/{a}"),
            None
        );
        assert_eq!(p("expected value at line 1 column 1"), None);
    }
}
