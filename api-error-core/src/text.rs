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
