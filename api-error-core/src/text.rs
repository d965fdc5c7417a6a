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

/// `text` with its control characters escaped (`\n`, `\u{1b}`), and the other characters
/// that change how a line reads: for a line that shows text another party chose (a server's
/// message in a client's error), which then can neither start a forged line, nor send
/// terminal escapes, nor reorder what a reader sees.
pub(crate) struct Escaped<'a>(pub &'a str);

/// Whether `c` is escaped in an [`Escaped`] text: a control character (`\n`, `\r`, ESC,
/// NEL), a line or paragraph separator (U+2028, U+2029: line breaks to many log viewers and
/// editors), or a bidirectional control (U+200E, U+200F, U+061C, U+202A–U+202E,
/// U+2066–U+2069: the "Trojan Source" characters, which make a line display in another
/// order than it reads).
fn escaped(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{061c}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(escaped) {
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
