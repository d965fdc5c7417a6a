//! Text bounded in characters: what the crate echoes of texts it does not control (a
//! framework's rejection, an error's `Display`, a path the client chose) never grows with
//! them.

use std::fmt;

/// `text` cut to at most `max` characters, at a character boundary.
pub(crate) fn bounded(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// `text` with its control characters escaped (`\n`, `\u{1b}`): for a line that shows text
/// another party chose (a server's message in a client's error), which then can neither
/// start a forged line nor send terminal escapes.
pub(crate) struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(char::is_control) {
            f.write_str(&rest[..at])?;
            let mut chars = rest[at..].chars();
            if let Some(c) = chars.next() {
                write!(f, "{}", c.escape_debug())?;
            }
            rest = chars.as_str();
        }
        f.write_str(rest)
    }
}

/// What `value` displays, cut to at most `max` characters: formatting stops there, so a
/// huge `Display` costs no more than `max`, and one that reports an error ends the text
/// where it failed (`to_string` would panic).
#[cfg_attr(
    not(any(feature = "actix-web", feature = "validator", feature = "garde")),
    allow(dead_code)
)]
pub(crate) fn display_bounded(value: &dyn fmt::Display, max: usize) -> String {
    struct Bounded {
        out: String,
        left: usize,
    }
    impl fmt::Write for Bounded {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let kept = bounded(s, self.left);
            self.out.push_str(kept);
            self.left -= kept.chars().count();
            if kept.len() < s.len() {
                return Err(fmt::Error);
            }
            Ok(())
        }
    }
    let mut w = Bounded {
        out: String::new(),
        left: max,
    };
    let _ = fmt::write(&mut w, format_args!("{value}"));
    w.out
}
