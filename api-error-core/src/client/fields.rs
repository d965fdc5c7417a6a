//! The `errors` array of a received body (SPEC §11), read leniently and bounded. One seed
//! reads the value of an `errors` key wherever a body format puts it (flat, enveloped, or
//! any other object that carries the same array).

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::{skip_scalars, Lenient};
use crate::fields::complete;
use crate::FieldError;

/// The most field errors kept from one received body; later entries are read past and
/// dropped. A form has far fewer inputs; the bound keeps a hostile body from making an
/// SDK hold millions of them.
///
/// ```
/// use api_error_core::client::{ErrorResponse, MAX_FIELD_ERRORS};
///
/// let item = r#"{"param":"a","code":"required","message":"is required"}"#;
/// let body = format!(r#"{{"code":"validation_failed","errors":[{}]}}"#, vec![item; 5000].join(","));
/// let error = ErrorResponse::from_parts(http::StatusCode::UNPROCESSABLE_ENTITY, &http::HeaderMap::new(), body.as_bytes());
/// assert_eq!(error.field_errors().len(), MAX_FIELD_ERRORS);
/// ```
pub const MAX_FIELD_ERRORS: usize = 1000;

/// Reads the value of an `errors` key into the vector it holds: an array of
/// `{"param", "code", "message"}` objects. Entries that are not objects, or that have none of
/// the three keys as a string, are skipped; a missing `param` is empty, a missing `code`
/// `invalid`, a missing `message` the code; strings are cut to
/// [`MAX_FIELD_LEN`](super::MAX_FIELD_LEN). Any other value (`null`, a string, an object)
/// gives no field errors. At most [`MAX_FIELD_ERRORS`] are kept.
///
/// The entries go into the vector as they are read, so an array cut short (a truncated
/// body, or one read as far as the client's bound) keeps those before the cut even though
/// the parse then fails.
///
/// Use with `map.next_value_seed(FieldErrorsSeed(&mut errors))` in a streaming reader, or
/// `FieldErrorsSeed(&mut errors).deserialize(&value)` on a `serde_json::Value`.
pub(crate) struct FieldErrorsSeed<'v>(pub &'v mut Vec<FieldError>);

impl<'de> DeserializeSeed<'de> for FieldErrorsSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FieldErrorsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of field errors")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while self.0.len() < MAX_FIELD_ERRORS {
            match seq.next_element_seed(ItemSeed)? {
                Some(Some(e)) => self.0.push(e),
                Some(None) => {}
                None => return Ok(()),
            }
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        IgnoredAny.visit_map(map).map(|_| ())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }

    skip_scalars!();
}

/// One entry of the array: `Some` for an object with something usable in it.
struct ItemSeed;

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum ItemKey {
    Param,
    Code,
    Message,
    #[serde(other)]
    Other,
}

impl<'de> DeserializeSeed<'de> for ItemSeed {
    type Value = Option<FieldError>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemSeed {
    type Value = Option<FieldError>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field error object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut param, mut code, mut message) = (None, None, None);
        while let Some(key) = map.next_key::<ItemKey>()? {
            let slot = match key {
                ItemKey::Param => &mut param,
                ItemKey::Code => &mut code,
                ItemKey::Message => &mut message,
                ItemKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            if let Lenient(Some(value), _) = map.next_value()? {
                *slot = Some(value);
            }
        }
        let usable = param.is_some() || code.is_some() || message.is_some();
        Ok(usable.then(|| complete(param, code, message)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        IgnoredAny.visit_seq(seq).map(|_| None)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    skip_scalars!();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Vec<FieldError> {
        let value: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
        let mut errors = Vec::new();
        let _ = FieldErrorsSeed(&mut errors).deserialize(&value);
        errors
    }

    #[test]
    fn lenient_entries() {
        let errors = read(
            r#"[{"param":"a","code":"length","message":"too short","x":1},
                 7, "s", null, [], {}, {"param": 3},
                 {"message":"whole request"}, {"param":"b"}]"#,
        );
        assert_eq!(
            errors,
            [
                FieldError::new("a", "length", "too short"),
                FieldError::new("", "invalid", "whole request"),
                FieldError::new("b", "invalid", "is invalid"),
            ]
        );
        assert!(read("null").is_empty());
        assert!(read(r#"{"param":"a"}"#).is_empty());
        assert!(read(r#""errors""#).is_empty());
    }

    #[test]
    fn bounded_count() {
        let one = r#"{"param":"p","code":"c","message":"m"}"#;
        let json = format!("[{}]", vec![one; MAX_FIELD_ERRORS + 5].join(","));
        assert_eq!(read(&json).len(), MAX_FIELD_ERRORS);
    }
}
