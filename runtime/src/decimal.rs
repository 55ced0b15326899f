//! Lenient, lossless decimal decoding for `#[serde(with = "binance_runtime::decimal")]`.
//!
//! Binance documents decimals as strings, but the wire also sends JSON numbers, `""` (for
//! example on unactivated accounts) and thousands separators (`"122,559.90199491"`). All of
//! these decode without going through `f64` for strings. Fields always encode as strings,
//! Binance's documented form.
//!
//! A JSON *number* reaches serde as `f64` unless `serde_json/arbitrary_precision` is on; it
//! is converted through its shortest round-trip text, which is exact for every number that
//! has at most 15 significant digits.

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use std::fmt;
use std::str::FromStr;

/// Parses decimal text leniently: surrounding spaces and `,` thousands separators are accepted.
pub fn parse(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let parsed = if t.contains(',') {
        let digits_ok = t.split('.').next().is_some_and(|int| {
            let int = int.trim_start_matches(['-', '+']);
            let mut groups = int.split(',');
            groups.next().is_some_and(|g| (1..=3).contains(&g.len()))
                && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
        });
        if !digits_ok {
            return Err(format!("`{text}` is not a decimal number"));
        }
        Decimal::from_str(&t.replace(',', ""))
    } else {
        Decimal::from_str(t).or_else(|_| Decimal::from_scientific(t))
    };
    parsed.map_err(|_| format!("`{text}` is not a decimal number"))
}

struct DecimalVisitor;

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Option<Decimal>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a decimal as a string or a number")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        // Fast path for the usual well-formed text (a decoding hot spot: issue #7's decode
        // bench). `Decimal::from_str` accepts neither spaces nor `,`, so whenever it succeeds
        // the lenient path below would trim nothing, find no separator and call it on the
        // same text: the result is the same.
        if let Ok(d) = Decimal::from_str(v) {
            return Ok(Some(d));
        }
        if v.trim().is_empty() {
            return Ok(None);
        }
        parse(v).map(Some).map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if !v.is_finite() {
            return Err(E::custom(format!("`{v}` is not a finite decimal")));
        }
        // `{}` prints the shortest text that reads back as the same f64.
        let text = v.to_string();
        Decimal::from_str(&text)
            .or_else(|_| Decimal::from_scientific(&format!("{v:e}")))
            .map(Some)
            .map_err(|_| E::custom(format!("`{v}` is out of the decimal range")))
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
}

/// Encodes as a string.
pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

/// Decodes a string or number; `""` and `null` are errors here (use [`option`]).
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    d.deserialize_any(DecimalVisitor)?.ok_or_else(|| {
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
        d.deserialize_any(DecimalVisitor)
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

/// `Option<Vec<Decimal>>`: absent or `null` is `None`.
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
                d.deserialize_seq(SeqVisitor).map(Some)
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

    #[test]
    fn keeps_scale_when_reencoding() {
        let r = row(r#"{"req":"103.12345678"}"#).unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"req":"103.12345678","opt":null,"list":null}"#);
    }

    #[test]
    fn fast_path_agrees_with_the_lenient_path() {
        // The fast path in `visit_str` relies on this: plain `from_str` rejects what `parse`
        // would change (spaces, separators) and empty text.
        for text in ["", "  ", " 1.5", "1.5 ", "1,000.5", "1 000"] {
            assert!(Decimal::from_str(text).is_err(), "{text:?}");
        }
        for text in ["0.00000000", "-1.25000000", "43210.10", "1_000", "+7", "1e3", "0"] {
            let fast = Decimal::from_str(text).ok();
            let lenient = parse(text).ok();
            if let Some(fast) = fast {
                assert_eq!(Some(fast), lenient, "{text:?}");
                assert_eq!(fast.scale(), lenient.map_or(0, |d| d.scale()), "{text:?}");
            }
        }
        let r = row(r#"{"req":" 1.50 ","opt":" "}"#).unwrap();
        assert_eq!((r.req.to_string(), r.opt), ("1.50".to_string(), None));
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
