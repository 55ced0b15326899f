//! Tuple models whose fields are all required decimals (a depth level, `["0.0024","10"]`),
//! read from the row's raw JSON text in one pass.
//!
//! Depth levels are most of what a busy depth stream carries. Read element by element, each
//! decimal takes serde_json's raw-value detour (the only way through serde's API to a JSON
//! number's exact text), and two of those per level cost more than the two `String`s a
//! hand-written struct allocates (`benches/benches/stream_decode.rs`). Here the whole row
//! takes that detour once, and its elements are read from the text as they are scanned: a
//! string or a number holding a short plain decimal, decoded exactly as the element-by-element
//! path decodes it. Anything else (escapes, `""`, `null`, text that is not a plain decimal,
//! more or fewer elements, not an array) is decoded by the model's own tuple visitor from the
//! same text, so values, kept extra elements and errors are the element-by-element path's
//! (only an error's position differs: it is where the row ends).

use crate::decimal::{self, RawKey, RAW_TOKEN};
use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Decodes a model made of `N` required decimals: `make` builds it from a row read in one
/// pass, `visitor` (the model's tuple visitor) decodes every other input.
#[inline]
pub fn decimal_row<'de, D, V, M, const N: usize>(d: D, visitor: V, make: fn([Decimal; N]) -> M) -> Result<M, D::Error>
where
    D: Deserializer<'de>,
    V: for<'any> Visitor<'any, Value = M>,
{
    d.deserialize_newtype_struct(RAW_TOKEN, RowVisitor { visitor, make })
}

/// serde_json hands the row's raw text over as a one-entry map; other deserializers hand the
/// value itself over (`visit_newtype_struct`), which the model's visitor reads.
struct RowVisitor<V, M, const N: usize> {
    visitor: V,
    make: fn([Decimal; N]) -> M,
}

impl<'de, V, M, const N: usize> Visitor<'de> for RowVisitor<V, M, N>
where
    V: for<'any> Visitor<'any, Value = M>,
{
    type Value = M;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.visitor.expecting(f)
    }

    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<M, A::Error> {
        match map.next_key_seed(RawKey)? {
            Some(true) => map.next_value_seed(self),
            _ => Err(de::Error::custom("expected serde_json's raw value")),
        }
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<M, D::Error> {
        d.deserialize_seq(self.visitor)
    }

    /// Deserializers that answer a newtype with the value itself (serde's own value
    /// deserializers do).
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<M, A::Error> {
        self.visitor.visit_seq(seq)
    }

    /// The raw text of the row.
    #[inline]
    fn visit_str<E: de::Error>(self, raw: &str) -> Result<M, E> {
        match plain_row::<N>(raw) {
            Some(row) => Ok((self.make)(row)),
            None => element_by_element(raw, self.visitor),
        }
    }
}

/// The raw text is the map's value.
impl<'de, V, M, const N: usize> DeserializeSeed<'de> for RowVisitor<V, M, N>
where
    V: for<'any> Visitor<'any, Value = M>,
{
    type Value = M;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<M, D::Error> {
        d.deserialize_str(self)
    }
}

/// The usual row, `[` `N` plain decimals `]`, or `None`. Each element is a string or a number
/// whose whole text [`decimal::short_prefix`] reads (then it is what `decimal::exact` makes
/// of that text, as on the element-by-element path). `raw` is valid JSON: serde_json checked
/// it while finding its end.
#[inline]
fn plain_row<const N: usize>(raw: &str) -> Option<[Decimal; N]> {
    let bytes = raw.as_bytes();
    let mut at = 0;
    let mut row = [Decimal::ZERO; N];
    for (i, slot) in row.iter_mut().enumerate() {
        at = skip_space(bytes, at);
        let opening = if i == 0 { b'[' } else { b',' };
        if bytes.get(at) != Some(&opening) {
            return None;
        }
        at = skip_space(bytes, at + 1);
        let quoted = bytes.get(at) == Some(&b'"');
        let start = at + usize::from(quoted);
        let (value, len) = decimal::short_prefix(bytes.get(start..)?)?;
        at = start + len;
        let end_ok = match bytes.get(at) {
            Some(b'"') if quoted => {
                at += 1;
                true
            }
            Some(b',' | b']' | b' ' | b'\t' | b'\n' | b'\r') => !quoted,
            _ => false,
        };
        if !end_ok {
            return None;
        }
        *slot = value;
    }
    at = skip_space(bytes, at);
    (bytes.get(at) == Some(&b']') && skip_space(bytes, at + 1) == bytes.len()).then_some(row)
}

#[inline]
fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// Any other row: the model's tuple visitor reads the same text, as it would have from the
/// outer document. Its error's position is within the row, so the message leaves it out (the
/// outer deserializer adds where the row ends).
#[cold]
fn element_by_element<V: for<'any> Visitor<'any, Value = M>, M, E: de::Error>(raw: &str, visitor: V) -> Result<M, E> {
    let mut json = serde_json::Deserializer::from_str(raw);
    let value = de::Deserializer::deserialize_seq(&mut json, visitor).and_then(|value| json.end().map(|()| value));
    value.map_err(|e| {
        let message = e.to_string();
        let position = format!(" at line {} column {}", e.line(), e.column());
        E::custom(message.strip_suffix(&position).unwrap_or(&message))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(raw: &str) -> Option<[String; 2]> {
        plain_row::<2>(raw).map(|r| r.map(|d| d.to_string()))
    }

    #[test]
    fn plain_rows_are_read_in_one_pass_with_every_digit_and_the_scale() {
        let two = |a: &str, b: &str| Some([a.to_owned(), b.to_owned()]);
        assert_eq!(row(r#"["0.0024","10"]"#), two("0.0024", "10"));
        assert_eq!(row(r#"[ "1.10" , 2.50 ]"#), two("1.10", "2.50"));
        assert_eq!(row(r#"[-0.0,"+5"]"#), two("-0.0", "5"));
        assert_eq!(
            row(r#"["123456789.123456789",-1234567890123456789]"#),
            two("123456789.123456789", "-1234567890123456789")
        );
        assert_eq!(row("\n[1,\t2]\r\n"), two("1", "2"));
    }

    #[test]
    fn every_other_row_is_left_to_the_element_by_element_path() {
        for raw in [
            r#"["1","2","3"]"#,
            r#"["1"]"#,
            "[]",
            r#"["","2"]"#,
            r#"[null,"2"]"#,
            r#"["1\u0030","2"]"#,
            r#"["1,000.5","2"]"#,
            r#"[" 1","2"]"#,
            r#"["x","2"]"#,
            r#"[["1"],"2"]"#,
            r#"{"a":"1"}"#,
            r#""1""#,
            r#"[true,"2"]"#,
            r#"["1.00000000000000000000000000001","2"]"#,
            // Longer than 19 digits, or an exponent: the element-by-element path reads these.
            r#"["103.123456789012345678","-7"]"#,
            r#"["12345678901234567890","1"]"#,
            "[1e3,2]",
            r#"["1.","2"]"#,
            r#"[".5","2"]"#,
        ] {
            assert_eq!(row(raw), None, "{raw}");
        }
    }
}
