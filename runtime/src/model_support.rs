//! The generic half of `#[model]`'s `Serialize` / `Deserialize` impls.
//!
//! `#[model]` writes, per struct, one map visitor with one `Option` slot and one match arm per
//! field, plus one `serialize_field` per field. Everything else lives here once, so each model
//! costs the compiler little: finding a key's field (borrowing the key, no allocation), the
//! duplicate and missing field rules (the same errors as serde's derive), skipping unknown
//! fields, and the lenient decimal codecs of [`crate::decimal`].

use crate::decimal;
use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// Reads a struct's keys and maps each to the index of its field in `names` (`names.len()`
/// for a key the model does not know).
///
/// Keys usually arrive in declaration order, so the field after the last one found is tried
/// first; any order works.
pub struct Keys {
    names: &'static [&'static str],
    next: usize,
}

impl Keys {
    /// Keys of a struct whose fields have these wire names, in declaration order.
    pub const fn new(names: &'static [&'static str]) -> Self {
        Keys { names, next: 0 }
    }

    /// The next key's field index, or `None` after the last key.
    pub fn next_key<'de, A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<Option<usize>, A::Error> {
        let found = map.next_key_seed(KeySeed { names: self.names, hint: self.next })?;
        if let Some(index) = found {
            self.next = index + 1;
        }
        Ok(found)
    }
}

#[derive(Clone, Copy)]
struct KeySeed {
    names: &'static [&'static str],
    hint: usize,
}

impl KeySeed {
    fn index(self, key: &str) -> usize {
        if self.names.get(self.hint) == Some(&key) {
            return self.hint;
        }
        self.names.iter().position(|name| *name == key).unwrap_or(self.names.len())
    }
}

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("field identifier")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        Ok(self.index(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<usize, E> {
        Ok(std::str::from_utf8(v).map_or(self.names.len(), |v| self.index(v)))
    }
    // Formats that name fields by position (as serde's derive accepts).
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<usize, E> {
        Ok(usize::try_from(v).map_or(self.names.len(), |i| i.min(self.names.len())))
    }
}

/// Skips the value of a key the model does not know: unknown fields never fail decoding.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// How one field decodes, and what it is when its key is absent.
pub trait Codec<'de>: DeserializeSeed<'de> {
    /// The value of an absent field: an error for required fields, `None` for optional ones.
    fn missing<E: de::Error>(self, name: &'static str) -> Result<Self::Value, E>;
}

/// Decodes a value into its slot; a second value for the same field is serde's
/// "duplicate field" error.
pub fn fill<'de, A: MapAccess<'de>, C: Codec<'de>>(
    slot: &mut Option<C::Value>,
    map: &mut A,
    codec: C,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value_seed(codec)?);
    Ok(())
}

/// The field's value after the last key: the decoded one, or what an absent field is.
pub fn finish<'de, C: Codec<'de>, E: de::Error>(
    slot: Option<C::Value>,
    codec: C,
    name: &'static str,
) -> Result<C::Value, E> {
    match slot {
        Some(value) => Ok(value),
        None => codec.missing(name),
    }
}

/// A field decoded by its type's own `Deserialize`.
pub struct Plain<T>(PhantomData<T>);

impl<T> Plain<T> {
    /// The codec (the type comes from the field's slot).
    pub const fn new() -> Self {
        Plain(PhantomData)
    }
}

impl<T> Default for Plain<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Plain<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::deserialize(d)
    }
}

impl<'de, T: Deserialize<'de>> Codec<'de> for Plain<T> {
    /// As serde's derive: `Option<T>` (anything that asks for an option) is `None`, anything
    /// else is "missing field `name`".
    fn missing<E: de::Error>(self, name: &'static str) -> Result<T, E> {
        T::deserialize(Missing(name, PhantomData))
    }
}

/// The deserializer of an absent field: an option reads as `None`, everything else fails
/// with "missing field".
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;
    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// Generates the four decimal codecs: a unit seed over a [`crate::decimal`] function, and what
/// an absent field is.
macro_rules! decimal_codecs {
    ($($(#[$doc:meta])* $name:ident: $ty:ty = $decode:path, missing: $missing:path;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name;

        impl<'de> DeserializeSeed<'de> for $name {
            type Value = $ty;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<$ty, D::Error> {
                $decode(d)
            }
        }

        impl<'de> Codec<'de> for $name {
            fn missing<E: de::Error>(self, name: &'static str) -> Result<$ty, E> {
                $missing(name)
            }
        }
    )*};
}

fn required<T, E: de::Error>(name: &'static str) -> Result<T, E> {
    Err(E::missing_field(name))
}

fn absent<T, E>(_name: &'static str) -> Result<Option<T>, E> {
    Ok(None)
}

decimal_codecs! {
    /// `Decimal`: a string or a number; required.
    Dec: Decimal = decimal::deserialize, missing: required;
    /// `Option<Decimal>`: absent, `null` and `""` are `None`.
    OptDec: Option<Decimal> = decimal::option::deserialize, missing: absent;
    /// `Vec<Decimal>`: an array of strings or numbers; required.
    VecDec: Vec<Decimal> = decimal::vec::deserialize, missing: required;
    /// `Option<Vec<Decimal>>`: absent and `null` are `None`.
    OptVecDec: Option<Vec<Decimal>> = decimal::option_vec::deserialize, missing: absent;
}

/// Encodes a decimal field as Binance writes it: decimals as strings, `None` as `null`.
pub struct DecimalText<'a, T: ?Sized>(pub &'a T);

impl Serialize for DecimalText<'_, Decimal> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        decimal::serialize(self.0, s)
    }
}

impl Serialize for DecimalText<'_, Option<Decimal>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        decimal::option::serialize(self.0, s)
    }
}

impl Serialize for DecimalText<'_, Vec<Decimal>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        decimal::vec::serialize(self.0, s)
    }
}

impl Serialize for DecimalText<'_, Option<Vec<Decimal>>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        decimal::option_vec::serialize(self.0, s)
    }
}

#[cfg(test)]
mod tests {
    //! `Lean` is what `#[model]` expands to (written out, since `::binance_runtime` paths do not
    //! resolve inside this crate); `Derived` is serde's derive with the codec attributes the
    //! serde route of `#[model]` adds. Both must accept, reject and encode the same.
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Derived {
        asset: String,
        #[serde(rename = "uniMMR", with = "crate::decimal")]
        uni_mmr: Decimal,
        #[serde(default, with = "crate::decimal::option")]
        locked: Option<Decimal>,
        #[serde(with = "crate::decimal::vec")]
        fills: Vec<Decimal>,
        #[serde(default, with = "crate::decimal::option_vec")]
        bands: Option<Vec<Decimal>>,
        can_trade: Option<bool>,
    }

    #[derive(Debug, PartialEq)]
    struct Lean {
        asset: String,
        uni_mmr: Decimal,
        locked: Option<Decimal>,
        fills: Vec<Decimal>,
        bands: Option<Vec<Decimal>>,
        can_trade: Option<bool>,
    }

    const FIELDS: &[&str] = &["asset", "uniMMR", "locked", "fills", "bands", "canTrade"];

    impl<'de> Deserialize<'de> for Lean {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Lean;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("struct Lean")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Lean, A::Error> {
                    let (mut f0, mut f1, mut f2, mut f3, mut f4, mut f5) = (None, None, None, None, None, None);
                    let mut keys = Keys::new(FIELDS);
                    while let Some(i) = keys.next_key(&mut map)? {
                        match i {
                            0 => fill(&mut f0, &mut map, Plain::new(), "asset")?,
                            1 => fill(&mut f1, &mut map, Dec, "uniMMR")?,
                            2 => fill(&mut f2, &mut map, OptDec, "locked")?,
                            3 => fill(&mut f3, &mut map, VecDec, "fills")?,
                            4 => fill(&mut f4, &mut map, OptVecDec, "bands")?,
                            5 => fill(&mut f5, &mut map, Plain::new(), "canTrade")?,
                            _ => skip(&mut map)?,
                        }
                    }
                    Ok(Lean {
                        asset: finish(f0, Plain::new(), "asset")?,
                        uni_mmr: finish(f1, Dec, "uniMMR")?,
                        locked: finish(f2, OptDec, "locked")?,
                        fills: finish(f3, VecDec, "fills")?,
                        bands: finish(f4, OptVecDec, "bands")?,
                        can_trade: finish(f5, Plain::new(), "canTrade")?,
                    })
                }
            }
            d.deserialize_struct("Lean", FIELDS, V)
        }
    }

    impl Serialize for Lean {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeStruct;
            let mut st = s.serialize_struct("Lean", FIELDS.len())?;
            st.serialize_field("asset", &self.asset)?;
            st.serialize_field("uniMMR", &DecimalText(&self.uni_mmr))?;
            st.serialize_field("locked", &DecimalText(&self.locked))?;
            st.serialize_field("fills", &DecimalText(&self.fills))?;
            st.serialize_field("bands", &DecimalText(&self.bands))?;
            st.serialize_field("canTrade", &self.can_trade)?;
            st.end()
        }
    }

    /// Decodes with both; the results (or the error messages) and the re-encoded JSON match.
    fn same(json: &str) -> Result<String, String> {
        let lean = serde_json::from_str::<Lean>(json).map_err(|e| e.to_string());
        let derived = serde_json::from_str::<Derived>(json).map_err(|e| e.to_string());
        match (lean, derived) {
            (Ok(l), Ok(d)) => {
                let (l, d) = (serde_json::to_string(&l).unwrap(), serde_json::to_string(&d).unwrap());
                assert_eq!(l, d, "{json}");
                Ok(l)
            }
            (Err(l), Err(d)) => {
                // serde_json adds the position; the lean visitor may stop at another offset.
                let message = |e: &str| e.split(" at line").next().unwrap_or_default().to_owned();
                assert_eq!(message(&l), message(&d), "{json}");
                Err(message(&l))
            }
            (l, d) => panic!("{json}: lean {l:?}, derived {d:?}"),
        }
    }

    #[test]
    fn decodes_like_serde_in_any_key_order_and_skips_unknown_fields() {
        let json = r#"{"asset":"USDT","uniMMR":"1,234.50","locked":"","fills":["1.0",2],"bands":null,"canTrade":true}"#;
        assert_eq!(
            same(json).unwrap(),
            r#"{"asset":"USDT","uniMMR":"1234.50","locked":null,"fills":["1.0","2"],"bands":null,"canTrade":true}"#
        );
        let shuffled = r#"{"new":{"x":[1]},"fills":[],"canTrade":null,"uniMMR":0.5,"asset":"BTC","locked":"0.1"}"#;
        assert_eq!(
            same(shuffled).unwrap(),
            r#"{"asset":"BTC","uniMMR":"0.5","locked":"0.1","fills":[],"bands":null,"canTrade":null}"#
        );
        let escaped_key = r#"{"\u0061sset":"ETH","uniMMR":"1","fills":[],"bands":["3"]}"#;
        assert!(same(escaped_key).unwrap().starts_with(r#"{"asset":"ETH""#));
    }

    #[test]
    fn missing_duplicate_and_wrong_fields_fail_with_serdes_messages() {
        assert_eq!(same(r#"{"asset":"USDT","fills":[]}"#).unwrap_err(), "missing field `uniMMR`");
        assert_eq!(same(r#"{"asset":"USDT","uniMMR":"1"}"#).unwrap_err(), "missing field `fills`");
        assert_eq!(same(r#"{"uniMMR":"1","fills":[]}"#).unwrap_err(), "missing field `asset`");
        assert_eq!(
            same(r#"{"asset":"A","uniMMR":"1","uniMMR":"2","fills":[]}"#).unwrap_err(),
            "duplicate field `uniMMR`"
        );
        assert!(same(r#"{"asset":"A","uniMMR":"","fills":[]}"#).unwrap_err().contains("mark the field"));
        assert_eq!(
            same(r#"{"asset":1,"uniMMR":"1","fills":[]}"#).unwrap_err(),
            "invalid type: integer `1`, expected a string"
        );
        let err = serde_json::from_str::<Lean>(r#""text""#).unwrap_err().to_string();
        assert!(err.starts_with(r#"invalid type: string "text", expected struct Lean"#), "{err}");
    }

    #[test]
    fn keys_map_to_their_field_or_past_the_end() {
        let seed = |hint| KeySeed { names: FIELDS, hint };
        assert_eq!(seed(0).index("asset"), 0);
        assert_eq!(seed(0).index("canTrade"), 5);
        assert_eq!(seed(5).index("canTrade"), 5);
        assert_eq!(seed(6).index("locked"), 2);
        assert_eq!(seed(3).index("nope"), FIELDS.len());
    }
}
