//! `message = "..."` format strings: parsed into literal text and `{field}` / `{0}`
//! arguments, checked against the variant's fields, and rewritten for `format_args!`.

use std::fmt::Write as _;

/// One `{...}` argument of a message.
pub struct Arg {
    /// `id` or `0`, as written.
    pub name: String,
    /// The format spec after `:`, without the colon (`?`, `>8`, ...).
    pub spec: String,
}

pub struct Message {
    /// The format string with each argument renamed to the binding it reads
    /// (`{id}` -> `{__api_error_id}`, `{0:?}` -> `{__api_error_0:?}`).
    pub rewritten: String,
    pub args: Vec<Arg>,
    /// The text itself when there are no arguments (`{{` and `}}` unescaped).
    pub literal: Option<String>,
}

/// The binding name a field is read through in generated code.
pub fn binding(name: &str) -> String {
    format!("__api_error_{name}")
}

/// Parses a message; `Err` says what is wrong and how to fix it.
pub fn parse(s: &str) -> Result<Message, String> {
    let mut rewritten = String::with_capacity(s.len() + 16);
    let mut literal = String::with_capacity(s.len());
    let mut args = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                rewritten.push_str("{{");
                literal.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                rewritten.push_str("}}");
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
                let (name, spec) = match inner.split_once(':') {
                    Some((n, s)) => (n.trim(), s),
                    None => (inner.trim(), ""),
                };
                if name.is_empty() {
                    return Err(
                        "positional `{}` is not supported in a message; name the field: `{id}` or `{0}`"
                            .into(),
                    );
                }
                let valid = name.chars().all(|c| c.is_alphanumeric() || c == '_');
                if !valid {
                    return Err(format!(
                        "`{{{inner}}}` is not a field reference; write `{{field}}` or `{{0}}`"
                    ));
                }
                let _ = write!(rewritten, "{{{}", binding(name));
                if !spec.is_empty() {
                    let _ = write!(rewritten, ":{spec}");
                }
                rewritten.push('}');
                args.push(Arg {
                    name: name.to_owned(),
                    spec: spec.to_owned(),
                });
            }
            c => {
                rewritten.push(c);
                literal.push(c);
            }
        }
    }
    Ok(Message {
        rewritten,
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
        assert_eq!(m.args[1].spec, "?");
        assert_eq!(
            m.rewritten,
            "No such customer: {__api_error_id} ({__api_error_0:?})"
        );
    }

    #[test]
    fn errors() {
        assert!(parse("{}").is_err());
        assert!(parse("{").is_err());
        assert!(parse("}").is_err());
        assert!(parse("{a.b}").is_err());
    }
}
