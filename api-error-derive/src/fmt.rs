//! `message = "..."` format strings: parsed into literal text and `{field}` / `{0}`
//! arguments, checked against the variant's fields, and rewritten for `format_args!`.

use std::fmt::Write as _;

/// One `{...}` argument of a message.
pub struct Arg {
    /// `id` or `0`, as written.
    pub name: String,
    /// The formatting trait the spec uses (`Display` for `{x}`, `LowerHex` for `{x:#x}`).
    pub format_trait: &'static str,
}

/// The formatting trait of a spec (`[[fill]align][sign][#][0][width][.precision][type]`),
/// or what to write instead: widths and precisions taken from other arguments (`1$`, `*`)
/// are not supported, since a message's arguments are the variant's fields.
fn format_trait(spec: &str) -> Result<&'static str, String> {
    let mut rest = spec;
    // [[fill]align]: a fill is any one character before an alignment.
    let mut chars = rest.chars();
    let first = chars.next();
    let second = chars.next();
    if matches!(second, Some('<' | '^' | '>')) {
        let skip = first.map_or(0, char::len_utf8) + 1;
        rest = &rest[skip..];
    } else if matches!(first, Some('<' | '^' | '>')) {
        rest = &rest[1..];
    }
    rest = rest.strip_prefix(['+', '-']).unwrap_or(rest);
    rest = rest.strip_prefix('#').unwrap_or(rest);
    rest = rest.strip_prefix('0').unwrap_or(rest);
    fn digits(s: &str) -> (&str, &str) {
        s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()))
    }
    let (width, after) = digits(rest);
    rest = after;
    let mut precision = "";
    if let Some(after_dot) = rest.strip_prefix('.') {
        (precision, rest) = digits(after_dot);
    }
    // A width and a precision are at most `u16::MAX`, as `format!` takes them.
    let too_large = |n: &&str| !n.is_empty() && n.parse::<u16>().is_err();
    if let Some(n) = [width, precision].into_iter().find(too_large) {
        return Err(format!(
            "`{{..:{spec}}}`: `{n}` is larger than a width or precision can be ({}); write a smaller number",
            u16::MAX
        ));
    }
    if rest.starts_with(['$', '*']) || rest.contains('$') {
        return Err(format!(
            "`{{..:{spec}}}`: a width or precision taken from another argument (`1$`, `name$`, `*`) is not supported in a message; write a fixed number, like `{{0:>8}}` or `{{0:.2}}`"
        ));
    }
    match rest {
        "" => Ok("Display"),
        "?" | "x?" | "X?" => Ok("Debug"),
        "x" => Ok("LowerHex"),
        "X" => Ok("UpperHex"),
        "o" => Ok("Octal"),
        "b" => Ok("Binary"),
        "e" => Ok("LowerExp"),
        "E" => Ok("UpperExp"),
        other => Err(format!(
            "`{{..:{spec}}}`: unknown format `{other}` in a message; use one of `?`, `x`, `X`, `o`, `b`, `e`, `E`, or none for Display"
        )),
    }
}

pub struct Message {
    /// The format string in pieces: literal text as written (braces still doubled), and
    /// each argument's index in `args` with its spec.
    parts: Vec<Part>,
    /// Every `{...}` argument, in order (a field used twice is here twice).
    pub args: Vec<Arg>,
    /// The text itself when there are no arguments (`{{` and `}}` unescaped).
    pub literal: Option<String>,
}

enum Part {
    Text(String),
    Arg { index: usize, spec: String },
}

impl Message {
    /// The format string with each argument renamed to the binding `name` gives it
    /// (`{id}` -> `{__api_error_id}`, `{0:?}` -> `{__api_error_0:?}`).
    pub fn rewritten(&self, name: impl Fn(&Arg) -> String) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Arg { index, spec } => {
                    let name = self.args.get(*index).map(&name).unwrap_or_default();
                    let _ = if spec.is_empty() {
                        write!(out, "{{{name}}}")
                    } else {
                        write!(out, "{{{name}:{spec}}}")
                    };
                }
            }
        }
        out
    }
}

/// The binding name a field is read through in generated code.
pub fn binding(name: &str) -> String {
    format!("__api_error_{name}")
}

/// The binding name of a path field shown with `{path}` (its `Path::display()`), a prefix
/// no [`binding`] has.
pub fn display_binding(name: &str) -> String {
    format!("__api_display_{name}")
}

/// Parses a message; `Err` says what is wrong and how to fix it.
pub fn parse(s: &str) -> Result<Message, String> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut literal = String::with_capacity(s.len());
    let mut args = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push_str("{{");
                literal.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push_str("}}");
                literal.push('}');
            }
            '}' => return Err("unmatched `}` in message; write `}}` for a literal brace".into()),
            '{' => {
                let mut inner = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == '}' {
                        closed = true;
                        break;
                    }
                    inner.push(c);
                }
                if !closed {
                    return Err("unclosed `{` in message; write `{{` for a literal brace".into());
                }
                // As in `format!`: whitespace may end the argument (`{x }`, `{0:>8 }`),
                // not start it.
                if inner.starts_with(char::is_whitespace) {
                    return Err(format!(
                        "`{{{inner}}}`: no space after `{{` in a message; write `{{{}}}`",
                        inner.trim()
                    ));
                }
                let inner = inner.trim_end();
                // `{id :?}` too, as `format!` reads it.
                let (name, spec) = match inner.split_once(':') {
                    Some((n, s)) => (n.trim_end(), s),
                    None => (inner, ""),
                };
                // `{00}` is `{0}`, as in `format!`.
                let index;
                let name = match name.parse::<usize>() {
                    Ok(i) if name.bytes().all(|b| b.is_ascii_digit()) => {
                        index = i.to_string();
                        index.as_str()
                    }
                    _ => name,
                };
                if name.is_empty() {
                    return Err(
                        "positional `{}` is not supported in a message; name the field: `{id}` or `{0}`"
                            .into(),
                    );
                }
                if let Some(bare) = name.strip_prefix("r#") {
                    return Err(format!(
                        "raw identifiers are not supported in a message; write `{{{bare}}}` for the field `{name}`"
                    ));
                }
                let valid = name.chars().all(|c| c.is_alphanumeric() || c == '_');
                if !valid {
                    return Err(format!(
                        "`{{{inner}}}` is not a field reference; write `{{field}}` or `{{0}}`"
                    ));
                }
                parts.push(Part::Text(std::mem::take(&mut text)));
                parts.push(Part::Arg {
                    index: args.len(),
                    spec: spec.to_owned(),
                });
                args.push(Arg {
                    name: name.to_owned(),
                    format_trait: format_trait(spec)?,
                });
            }
            c => {
                text.push(c);
                literal.push(c);
            }
        }
    }
    parts.push(Part::Text(text));
    Ok(Message {
        parts,
        literal: args.is_empty().then_some(literal),
        args,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal() {
        let m = parse("a {{b}} c").unwrap();
        assert_eq!(m.literal.as_deref(), Some("a {b} c"));
        assert!(m.args.is_empty());
    }

    #[test]
    fn args() {
        let m = parse("No such customer: {id} ({0:?})").unwrap();
        assert_eq!(m.literal, None);
        assert_eq!(m.args.len(), 2);
        assert_eq!(m.args[1].format_trait, "Debug");
        assert_eq!(
            m.rewritten(|a| binding(&a.name)),
            "No such customer: {__api_error_id} ({__api_error_0:?})"
        );
        assert_eq!(
            m.rewritten(|a| match a.format_trait {
                "Display" => display_binding(&a.name),
                _ => binding(&a.name),
            }),
            "No such customer: {__api_display_id} ({__api_error_0:?})"
        );
    }

    #[test]
    fn specs() {
        let t = |s: &str| format_trait(s);
        assert_eq!(t(""), Ok("Display"));
        assert_eq!(t(">8"), Ok("Display"));
        assert_eq!(t("*^+#010.3"), Ok("Display"));
        assert_eq!(t("#?"), Ok("Debug"));
        assert_eq!(t("x?"), Ok("Debug"));
        assert_eq!(t("#010x"), Ok("LowerHex"));
        assert_eq!(t("X"), Ok("UpperHex"));
        assert_eq!(t("-^8b"), Ok("Binary"));
        assert_eq!(t(".2e"), Ok("LowerExp"));
        assert!(t(">1$").is_err());
        assert!(t(".*").is_err());
        assert!(t("width$").is_err());
        assert!(t("z").is_err());
        // Widths and precisions up to `u16::MAX`, as `format!` takes them.
        assert_eq!(t(">65535.65535"), Ok("Display"));
        assert!(t("65536").is_err());
        assert!(t("099999x").is_err());
        assert!(t(".70000").is_err());
    }

    #[test]
    fn errors() {
        assert!(parse("{}").is_err());
        assert!(parse("{").is_err());
        assert!(parse("}").is_err());
        assert!(parse("{a.b}").is_err());
        assert!(parse("{ a}").is_err());
    }

    /// What `format!` accepts: whitespace before the closing brace, and `{00}` for `{0}`.
    #[test]
    fn as_format_reads_it() {
        let m = parse("{x } {0 :? } {00} {1:>4 }").unwrap();
        let names: Vec<(&str, &str)> = m
            .args
            .iter()
            .map(|a| (a.name.as_str(), a.format_trait))
            .collect();
        assert_eq!(
            names,
            [
                ("x", "Display"),
                ("0", "Debug"),
                ("0", "Display"),
                ("1", "Display")
            ]
        );
        assert_eq!(
            m.rewritten(|a| binding(&a.name)),
            "{__api_error_x} {__api_error_0:?} {__api_error_0} {__api_error_1:>4}"
        );
    }
}
