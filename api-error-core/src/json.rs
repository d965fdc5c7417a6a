//! JSON string escaping straight into a byte buffer, byte-identical to `serde_json`'s
//! compact output. Used by the derive's compile-time `write_json` for the dynamic parts of a
//! body (formatted messages, field params, request ids) so rendering never needs a
//! temporary `String`.

use core::fmt;

use crate::FieldError;

/// How each ASCII control byte, `"` and `\` is escaped; `0` means "copy as is".
/// Same table and same choices as serde_json (`\b \t \n \f \r`, else `\u00XX` lowercase).
const ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `s` to `out`, escaped for use inside a JSON string (no surrounding quotes).
pub fn escape_into(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc = ESCAPE[b as usize];
        if esc == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        if esc == b'u' {
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 0xf) as usize],
            ]);
        } else {
            out.extend_from_slice(&[b'\\', esc]);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Appends `s` as a quoted JSON string.
pub fn write_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    escape_into(out, s);
    out.push(b'"');
}

/// Appends `Some(s)` as a quoted JSON string and `None` as `null`.
pub fn write_opt_string(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => write_string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// A [`fmt::Write`] that JSON-escapes everything written through it into a byte buffer, so
/// `Display` output and `format_args!` land in the body without a temporary `String`.
pub struct Escaper<'a>(pub &'a mut Vec<u8>);

impl fmt::Write for Escaper<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        escape_into(self.0, s);
        Ok(())
    }
}

/// Appends `args` escaped. A `Display` impl that reports an error stops the output where it
/// failed; the JSON stays well-formed because the caller closes the string either way.
pub fn escape_fmt(out: &mut Vec<u8>, args: fmt::Arguments<'_>) {
    match args.as_str() {
        Some(s) => escape_into(out, s),
        None => {
            let _ = fmt::write(&mut Escaper(out), args);
        }
    }
}

/// Appends the body's sixth key, `,"errors":[{"param":…,"code":…,"message":…},…]`, when
/// `errors` is not empty (nothing otherwise): what goes between a body's `request_id` and
/// its closing `}`, byte-identical to serde_json.
pub fn write_field_errors(out: &mut Vec<u8>, errors: &[FieldError]) {
    let Some((first, rest)) = errors.split_first() else {
        return;
    };
    out.extend_from_slice(b",\"errors\":[");
    write_field_error(out, first);
    for e in rest {
        out.push(b',');
        write_field_error(out, e);
    }
    out.push(b']');
}

fn write_field_error(out: &mut Vec<u8>, e: &FieldError) {
    out.extend_from_slice(b"{\"param\":");
    write_string(out, &e.param);
    out.extend_from_slice(b",\"code\":");
    write_string(out, e.sent_code());
    out.extend_from_slice(b",\"message\":");
    write_string(out, e.sent_message());
    out.push(b'}');
}
