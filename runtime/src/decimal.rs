//! Lenient, lossless decimal decoding for `#[serde(with = "binance_runtime::decimal")]`.
//!
//! Binance documents decimals as strings, but the wire also sends JSON numbers, `""` (for
//! example on unactivated accounts) and thousands separators (`"122,559.90199491"`). All of
//! these decode exactly: a JSON number is read from its text (serde_json's raw value, never
//! through `f64`), so `1.10` keeps its scale and `103.123456789012345678` every digit. Text
//! that `Decimal` cannot hold exactly (more than 28 fraction digits, more than 96 bits of
//! mantissa) is an error, never a rounded value. Fields always encode as strings, Binance's
//! documented form.

use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use std::fmt;

/// serde_json's name for "give me this value's raw JSON text" (its `raw_value` feature, which
/// this crate enables). Deserializers that do not know it hand the value over as usual.
pub(crate) const RAW_TOKEN: &str = "$serde_json::private::RawValue";

/// The most fraction digits a `Decimal` holds.
const MAX_SCALE: usize = 28;

/// Parses decimal text leniently: surrounding spaces and well-formed `,` thousands groups
/// before the point (`"122,559.90199491"`) are accepted; anything else that is not plain
/// decimal text (`"1.234,56"`, `"1_000"`, `"1,23"`) is an error, as is a value `Decimal`
/// cannot hold exactly.
pub fn parse(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    if !t.contains(',') {
        return exact(t).map_err(|e| e.message(text));
    }
    let (int, frac) = t.split_once('.').map_or((t, None), |(i, f)| (i, Some(f)));
    let unsigned = int.strip_prefix(['-', '+']).unwrap_or(int);
    let mut groups = unsigned.split(',');
    let grouped = groups.next().is_some_and(|g| (1..=3).contains(&g.len()))
        && groups.all(|g| g.len() == 3)
        && !frac.is_some_and(|f| f.contains(','));
    if !grouped {
        return Err(NotDecimal::Malformed.message(text));
    }
    exact(&t.replace(',', "")).map_err(|e| e.message(text))
}

/// Why text is not a decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NotDecimal {
    Malformed,
    OutOfRange,
}

impl NotDecimal {
    fn message(self, text: &str) -> String {
        let shown: String = text.chars().take(64).collect();
        let cut = if shown.len() < text.len() { "…" } else { "" };
        match self {
            NotDecimal::Malformed => format!("`{shown}{cut}` is not a decimal number"),
            NotDecimal::OutOfRange => format!(
                "`{shown}{cut}` is out of range for Decimal (at most 28 fraction digits and a 96-bit \
                 mantissa); it is not rounded"
            ),
        }
    }
}

/// Plain decimal text (`-12.340`, or a JSON number with an exponent), decoded exactly:
/// every digit and the scale are kept, or it is an error. This is the decoding hot spot (most
/// fields of a response are decimals): the usual short text takes [`short`], the rest
/// [`exact_wide`].
#[inline]
fn exact(t: &str) -> Result<Decimal, NotDecimal> {
    match short(t.as_bytes()) {
        Some(d) => Ok(d),
        None => exact_wide(t),
    }
}

/// Most decimals on the wire: an optional sign, then at most 19 bytes of digits with at most
/// one point between digits (`0.00100000`, `-12.5`). `None` for anything else, which
/// [`exact_wide`] reads (and rejects, if it must) the same way.
#[inline]
fn short(bytes: &[u8]) -> Option<Decimal> {
    short_prefix(bytes).and_then(|(d, len)| (len == bytes.len()).then_some(d))
}

/// [`short`] of the longest start of `bytes` that can be a decimal, and its length: the rest is
/// left to the caller (a depth row's reader checks that a quote or a delimiter follows).
/// At most 19 digits fit a `u64` (10^19 - 1 < 2^64), so the mantissa builds without overflow
/// checks or 128-bit arithmetic; the scale is at most 18, within `Decimal`'s 28.
#[inline]
pub(crate) fn short_prefix(bytes: &[u8]) -> Option<(Decimal, usize)> {
    let (negative, sign) = match bytes.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let unsigned = bytes.get(sign..)?;
    // One byte past the longest text taken: if it is a digit or a point too, the text is long.
    let window = unsigned.get(..20).unwrap_or(unsigned);
    let mut mantissa: u64 = 0;
    let mut point = None;
    let mut len = window.len();
    for (i, &b) in window.iter().enumerate() {
        match b {
            b'0'..=b'9' => mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(b - b'0')),
            b'.' if point.is_none() && i > 0 => point = Some(i),
            _ => {
                len = i;
                break;
            }
        }
    }
    let scale = match point {
        _ if len == 0 || len > 19 => return None,
        Some(p) if p + 1 == len => return None, // `1.`: no fraction digit
        Some(p) => len - p - 1,
        None => 0,
    };
    // Both parts of the mantissa fit (it is below 2^64); `scale` ≤ 18 (checked above), so
    // `from_parts` cannot refuse it.
    let mut d = Decimal::from_parts(mantissa as u32, (mantissa >> 32) as u32, 0, negative, scale as u32);
    if negative {
        d.set_sign_negative(true); // keeps `-0.0` as sent
    }
    Some((d, sign + len))
}

/// [`exact`] for any text: a `u128` mantissa, exponents, and the errors.
fn exact_wide(t: &str) -> Result<Decimal, NotDecimal> {
    let bytes = t.as_bytes();
    let (negative, unsigned) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    let mut mantissa: u128 = 0;
    let mut int_len = 0;
    let mut frac_len = 0;
    let mut point = false;
    for (i, &b) in unsigned.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                // At most 39 digits fit a u128; past that the value is out of range anyway.
                if int_len + frac_len >= 38 {
                    return digits_only(&unsigned[i..]).and(Err(NotDecimal::OutOfRange));
                }
                mantissa = mantissa * 10 + u128::from(b - b'0');
                if point {
                    frac_len += 1;
                } else {
                    int_len += 1;
                }
            }
            b'.' if !point => point = true,
            b'e' | b'E' if int_len > 0 && (!point || frac_len > 0) => return exponent(t, &unsigned[i..]),
            _ => return Err(NotDecimal::Malformed),
        }
    }
    if int_len == 0 || (point && frac_len == 0) {
        return Err(NotDecimal::Malformed);
    }
    // 2^96 - 1: the largest mantissa a `Decimal` holds; 28: its largest scale.
    if frac_len > MAX_SCALE || mantissa > (1u128 << 96) - 1 {
        return Err(NotDecimal::OutOfRange);
    }
    let signed = if negative { -(mantissa as i128) } else { mantissa as i128 };
    let mut d = Decimal::try_from_i128_with_scale(signed, frac_len as u32).map_err(|_| NotDecimal::OutOfRange)?;
    if negative {
        d.set_sign_negative(true); // keeps `-0.0` as sent
    }
    Ok(d)
}

/// `Ok` when the rest of over-long text is still digits (then the error is the range).
fn digits_only(rest: &[u8]) -> Result<(), NotDecimal> {
    let (int, frac) = match rest.iter().position(|b| *b == b'.') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    if int.iter().chain(frac).all(u8::is_ascii_digit) {
        Ok(())
    } else {
        Err(NotDecimal::Malformed)
    }
}

/// `1.5e-7` (JSON allows exponents): rewritten as plain text with the scale the digits give
/// (`1.5e3` is `1500`, `25E-1` is `2.5`), then decoded exactly like any other text.
fn exponent(t: &str, tail: &[u8]) -> Result<Decimal, NotDecimal> {
    let digits = match tail {
        [b'e' | b'E', b'-' | b'+', d @ ..] | [b'e' | b'E', d @ ..] => d,
        _ => return Err(NotDecimal::Malformed),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(NotDecimal::Malformed);
    }
    let mantissa = &t[..t.len() - tail.len()];
    // Beyond ±60 no exact `Decimal` exists (28 fraction digits, 29 integer digits at most).
    let exp: i64 = std::str::from_utf8(&tail[1..]).ok().and_then(|e| e.parse().ok()).ok_or(NotDecimal::OutOfRange)?;
    if exp.abs() > 60 {
        return Err(NotDecimal::OutOfRange);
    }
    let (sign, unsigned) = match mantissa.as_bytes().first() {
        Some(b'-') => ("-", &mantissa[1..]),
        Some(b'+') => ("", &mantissa[1..]),
        _ => ("", mantissa),
    };
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let mut all = format!("{int}{frac}");
    let mut scale = frac.len() as i64 - exp;
    if scale < 0 {
        all.extend(std::iter::repeat_n('0', scale.unsigned_abs() as usize));
        scale = 0;
    }
    let scale = scale as usize;
    if scale > MAX_SCALE {
        return Err(NotDecimal::OutOfRange);
    }
    if all.len() <= scale {
        all.insert_str(0, &"0".repeat(scale + 1 - all.len()));
    }
    let point = all.len() - scale;
    let plain = if scale == 0 { format!("{sign}{all}") } else { format!("{sign}{}.{}", &all[..point], &all[point..]) };
    exact(&plain)
}

/// Decodes one decimal value: `None` for `null`, `""` and blank text.
pub(crate) struct DecimalVisitor;

impl DecimalVisitor {
    /// Asks for the value's raw text (serde_json), falling back to the value itself.
    pub(crate) fn run<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        d.deserialize_newtype_struct(RAW_TOKEN, DecimalVisitor)
    }

    /// Decimal text as a string value holds it (`"1,000.5"`, `""`).
    fn text<E: de::Error>(v: &str) -> Result<Option<Decimal>, E> {
        if v.trim().is_empty() {
            return Ok(None);
        }
        parse(v).map(Some).map_err(E::custom)
    }
}

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Option<Decimal>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a decimal as a string or a number")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        match exact(v) {
            Ok(d) => Ok(Some(d)),
            Err(_) => Self::text(v),
        }
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Decimal::try_from_i128_with_scale(v, 0)
            .map(Some)
            .map_err(|_| E::custom(NotDecimal::OutOfRange.message(&v.to_string())))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        i128::try_from(v)
            .ok()
            .and_then(|v| Decimal::try_from_i128_with_scale(v, 0).ok())
            .map(Some)
            .ok_or_else(|| E::custom(NotDecimal::OutOfRange.message(&v.to_string())))
    }
    /// Only reached from deserializers without raw text (not serde_json): the number's
    /// shortest round-trip text, exact for up to 15 significant digits.
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if !v.is_finite() {
            return Err(E::custom(format!("`{v}` is not a finite decimal")));
        }
        let text = v.to_string();
        exact(&text)
            .or_else(|_| Decimal::from_scientific(&format!("{v:e}")).map_err(|_| NotDecimal::OutOfRange))
            .map(Some)
            .map_err(|e| E::custom(e.message(&text)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }
    /// serde_json's raw value: one entry, the value's JSON text.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // The key is serde_json's raw-value token (not compared: this is the hot path, and a
        // map from any other deserializer fails below, where its value is not raw text).
        match map.next_key::<de::IgnoredAny>()? {
            Some(_) => map.next_value_seed(RawDecimal),
            None => Err(de::Error::invalid_type(Unexpected::Map, &self)),
        }
    }
}

/// The key of serde_json's raw-value map: `true` when it is the raw-value token.
pub(crate) struct RawKey;

impl<'de> DeserializeSeed<'de> for RawKey {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for RawKey {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a raw JSON value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        Ok(v == RAW_TOKEN)
    }
}

/// A decimal from the raw JSON text of its value.
struct RawDecimal;

impl<'de> DeserializeSeed<'de> for RawDecimal {
    type Value = Option<Decimal>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for RawDecimal {
    type Value = Option<Decimal>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a decimal as a string or a number")
    }
    fn visit_str<E: de::Error>(self, raw: &str) -> Result<Self::Value, E> {
        match raw.as_bytes().first() {
            Some(b'"') => {
                let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default();
                // The usual case, plain digits: no trimming, separator or escape scan first.
                if let Ok(d) = exact(inner) {
                    return Ok(Some(d));
                }
                if inner.contains('\\') {
                    // Escapes in decimal text are odd but valid JSON: unescape, then read.
                    let unescaped: String = serde_json::from_str(raw).map_err(E::custom)?;
                    return DecimalVisitor::text(&unescaped);
                }
                DecimalVisitor::text(inner)
            }
            Some(b'-' | b'0'..=b'9') => exact(raw).map(Some).map_err(|e| E::custom(e.message(raw))),
            Some(b'n') => Ok(None),
            Some(b't' | b'f') => Err(E::invalid_type(Unexpected::Bool(raw == "true"), &self)),
            Some(b'[') => Err(E::invalid_type(Unexpected::Seq, &self)),
            _ => Err(E::invalid_type(Unexpected::Map, &self)),
        }
    }
}

/// Encodes as a string.
pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

/// Decodes a string or number; `""` and `null` are errors here (use [`option`]).
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    DecimalVisitor::run(d)?.ok_or_else(|| {
        de::Error::custom(
            "expected a decimal, found an empty value; mark the field `optional` in the spec if Binance sends it empty",
        )
    })
}

/// `Option<Decimal>`: absent, `null` and `""` are `None`.
pub mod option {
    use super::*;

    /// Encodes `Some` as a string and `None` as `null`.
    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    /// Decodes leniently.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        DecimalVisitor::run(d)
    }
}

struct SeqVisitor;

impl<'de> Visitor<'de> for SeqVisitor {
    type Value = Vec<Decimal>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of decimals")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(v) = seq.next_element_seed(Element)? {
            out.push(v);
        }
        Ok(out)
    }
}

struct Element;

impl<'de> de::DeserializeSeed<'de> for Element {
    type Value = Decimal;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Decimal, D::Error> {
        super::decimal::deserialize(d)
    }
}

/// `Vec<Decimal>`.
pub mod vec {
    use super::*;

    /// Encodes as an array of strings.
    pub fn serialize<S: Serializer>(values: &[Decimal], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(values.len()))?;
        for v in values {
            seq.serialize_element(&v.to_string())?;
        }
        seq.end()
    }

    /// Decodes an array of strings or numbers.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Decimal>, D::Error> {
        d.deserialize_seq(SeqVisitor)
    }
}

/// `Option<Vec<Decimal>>`: absent, `null` or `""` is `None`.
pub mod option_vec {
    use super::*;

    /// Encodes `None` as `null`.
    pub fn serialize<S: Serializer>(values: &Option<Vec<Decimal>>, s: S) -> Result<S::Ok, S::Error> {
        match values {
            Some(v) => super::vec::serialize(v, s),
            None => s.serialize_none(),
        }
    }

    /// Decodes leniently.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Decimal>>, D::Error> {
        struct Opt;
        impl<'de> Visitor<'de> for Opt {
            type Value = Option<Vec<Decimal>>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of decimals or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(Opt)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                SeqVisitor.visit_seq(seq).map(Some)
            }
            /// `""` is `None`, as for every optional field.
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                if v.trim().is_empty() {
                    return Ok(None);
                }
                Err(E::invalid_type(Unexpected::Str(v), &self))
            }
        }
        d.deserialize_option(Opt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq)]
    struct Row {
        #[serde(with = "super")]
        req: Decimal,
        #[serde(default, with = "option")]
        opt: Option<Decimal>,
        #[serde(default, with = "option_vec")]
        list: Option<Vec<Decimal>>,
    }

    fn row(json: &str) -> Result<Row, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn accepts_strings_numbers_separators_and_empty_optionals() {
        let r = row(r#"{"req":"122,559.90199491","opt":"","list":["1", 2.5]}"#).unwrap();
        assert_eq!(r.req.to_string(), "122559.90199491");
        assert_eq!(r.opt, None);
        assert_eq!(r.list.unwrap().iter().map(|d| d.to_string()).collect::<Vec<_>>(), ["1", "2.5"]);
        let r = row(r#"{"req":0.1,"opt":"0.00000000"}"#).unwrap();
        assert_eq!(r.req.to_string(), "0.1");
        assert_eq!(r.opt.unwrap().to_string(), "0.00000000");
    }

    /// The short path must give bit-for-bit what the general one gives (digits, scale, the
    /// sign of zero), and leave to it everything it does not handle.
    #[test]
    fn the_short_path_agrees_with_the_general_one() {
        let texts = [
            "0",
            "-0",
            "+0",
            "0.0",
            "-0.0",
            "1",
            "1.10",
            "0.00100000",
            "-12.5",
            "+7.25",
            "123456789012345678",
            "9999999999999999999",
            "-9999999999999999999",
            "999999999.999999999",
            "0.000000000000000001",
            "18446744073709551615",
            "99999999999999999999",
            "1.",
            ".5",
            "-",
            "+",
            "",
            "1..2",
            "1.2.3",
            "1e5",
            "1,000",
            " 1",
            "1 ",
            "--1",
            "-.5",
            "0x10",
            "12a",
            "00012.3400",
        ];
        for text in texts {
            let general = exact_wide(text).map(|d| d.serialize());
            match short(text.as_bytes()) {
                Some(d) => assert_eq!(Ok(d.serialize()), general, "{text}"),
                None => assert!(
                    text.trim_start_matches(['-', '+']).len() > 19 || general.is_err() || text.contains('e'),
                    "the short path refused `{text}`, which is short plain decimal text"
                ),
            }
            assert_eq!(exact(text).map(|d| d.serialize()), general, "{text}");
        }
        assert!(short(b"9999999999999999999").is_some(), "19 digits take the short path");
        assert!(short(b"-0.0").is_some_and(|d| d.is_sign_negative() && d.scale() == 1));
        // A prefix followed by anything else (a depth row's reader looks at what follows).
        let prefix = |text: &str| short_prefix(text.as_bytes()).map(|(d, len)| (d.to_string(), len));
        assert_eq!(prefix("0.0024\","), Some(("0.0024".into(), 6)));
        assert_eq!(prefix("-10]"), Some(("-10".into(), 3)));
        assert_eq!(prefix("9999999999999999999\""), Some(("9999999999999999999".into(), 19)));
        assert_eq!(prefix("99999999999999999999\""), None, "20 digits");
        assert_eq!(prefix("1.2.3"), Some(("1.2".into(), 3)), "the caller sees the `.` that follows");
        for refused in ["1.\"", ".5", "-", "-,", "\"1\"", "", "e5"] {
            assert_eq!(prefix(refused), None, "{refused}");
        }
    }

    #[test]
    fn keeps_scale_when_reencoding() {
        let r = row(r#"{"req":"103.12345678"}"#).unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"req":"103.12345678","opt":null,"list":null}"#);
    }

    #[test]
    fn blank_text_and_spaces_are_lenient() {
        let r = row(r#"{"req":" 1.50 ","opt":" "}"#).unwrap();
        assert_eq!((r.req.to_string(), r.opt), ("1.50".to_string(), None));
    }

    /// Issue 13 item 2: JSON numbers are read from their text, never through `f64`.
    #[test]
    fn numbers_keep_every_digit_and_their_scale() {
        for (json, text) in [
            ("103.123456789012345678", "103.123456789012345678"),
            ("0.0", "0.0"),
            ("1.10", "1.10"),
            ("-0.00000001", "-0.00000001"),
            ("123456789012345678901", "123456789012345678901"),
            ("79228162514264337593543950335", "79228162514264337593543950335"),
            ("1.5e3", "1500"),
            ("25E-1", "2.5"),
            ("-1.25e-3", "-0.00125"),
            ("12e+2", "1200"),
        ] {
            let r = row(&format!(r#"{{"req":{json},"opt":{json},"list":[{json}]}}"#)).unwrap();
            assert_eq!(r.req.to_string(), text, "{json}");
            assert_eq!(r.opt.map(|d| d.to_string()).as_deref(), Some(text), "{json}");
            assert_eq!(r.list.unwrap()[0].to_string(), text, "{json}");
        }
        // A `serde_json::Value` holds numbers as `f64` already: decode straight from the text.
        let value: serde_json::Value = serde_json::from_str(r#"{"req":1.25}"#).unwrap();
        assert_eq!(serde_json::from_value::<Row>(value).unwrap().req.to_string(), "1.25");
        // Escaped decimal text is still text.
        assert_eq!(row(r#"{"req":"\u0031.50"}"#).unwrap().req.to_string(), "1.50");
    }

    /// The one-pass decoder gives what `Decimal::from_str` gives, scale and sign included.
    #[test]
    fn one_pass_decoding_agrees_with_from_str() {
        use std::str::FromStr;
        for text in [
            "0",
            "+7",
            "0.00000000",
            "43210.10",
            "-1.25000000",
            "79228162514264337593543950335",
            "1.0000000000000000000000000001",
        ] {
            let ours = exact(text).unwrap();
            let theirs = Decimal::from_str(text).unwrap();
            assert_eq!((ours, ours.scale(), ours.to_string()), (theirs, theirs.scale(), theirs.to_string()), "{text}");
        }
        for text in ["", "-", ".", "1.", ".5", "1..2", "1-", "--1", "1 ", "0x10", "１"] {
            assert_eq!(exact(text), Err(NotDecimal::Malformed), "{text:?}");
        }
        // `from_str` drops the sign of a negative zero; it is kept, as sent.
        assert_eq!(exact("-0.0").unwrap().to_string(), "-0.0");
        assert_eq!(exact(&"9".repeat(50)), Err(NotDecimal::OutOfRange));
        assert_eq!(exact(&format!("{}x", "9".repeat(50))), Err(NotDecimal::Malformed));
    }

    /// Issue 13 item 3: only well-formed thousands groups before the point.
    #[test]
    fn separators_are_only_accepted_as_thousands_groups() {
        assert_eq!(parse("122,559.90199491").unwrap().to_string(), "122559.90199491");
        assert_eq!(parse("-1,000,000").unwrap().to_string(), "-1000000");
        for bad in ["1.234,56", "0.5,5", "1_000", "1,23", "1,2345", ",100", "100,", "1,,000", "1 000", "1e", "."] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains("is not a decimal number"), "{bad}: {err}");
            assert!(row(&format!(r#"{{"req":"{bad}"}}"#)).is_err(), "{bad}");
        }
    }

    /// Issue 13 item 4: what `Decimal` cannot hold exactly is an error, not rounded.
    #[test]
    fn too_many_digits_are_an_error_not_rounded() {
        let long_fraction = format!("0.{}", "1".repeat(29));
        let wide = "1234567890.1234567890123456789012";
        let huge = "79228162514264337593543950336";
        for text in [long_fraction.as_str(), wide, huge, "1e-29", "1e40", "1.5e99999999999999999999"] {
            let err = parse(text).unwrap_err();
            assert!(err.contains("out of range for Decimal"), "{text}: {err}");
            let err = row(&format!(r#"{{"req":{text}}}"#)).unwrap_err().to_string();
            assert!(err.contains("out of range for Decimal"), "{text}: {err}");
        }
        assert_eq!(parse(&format!("0.{}", "1".repeat(28))).unwrap().scale(), 28);
    }

    #[test]
    fn rejects_garbage_with_a_clear_message() {
        let err = row(r#"{"req":"INF"}"#).unwrap_err().to_string();
        assert!(err.contains("`INF` is not a decimal number"), "{err}");
        let err = row(r#"{"req":""}"#).unwrap_err().to_string();
        assert!(err.contains("mark the field `optional`"), "{err}");
        assert!(parse("1,23.4").is_err());
    }
}
