//! The generic half of `#[model]`'s `Serialize` / `Deserialize` impls.
//!
//! `#[model]` writes, per struct, one call to [`deserialize`] and one to [`serialize`], naming
//! the struct's fields as one tuple type ([`Slots`], [`SerFields`]). Everything else lives here
//! once, so each model costs the compiler little: the visitor and its key loop, finding a key's
//! field (borrowing the key, no allocation), the duplicate and missing field rules (the same
//! errors as serde's derive), skipping unknown fields, and the lenient decimal codecs of
//! [`crate::decimal`].

use crate::decimal;
use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeStruct;
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

/// A model's fields as one type: a codec ([`Plain`], [`Dec`], ...) for one field, or a tuple
/// of these (nested for models with many fields) for several. `#[model]` names this type, and
/// [`deserialize`] does the rest: the key loop, the duplicate and missing field rules, and
/// skipping unknown keys live here once instead of in every model's expansion.
pub trait Slots<'de> {
    /// The decoded fields (a value, or a tuple shaped like `Self`).
    type Out;
    /// The fields decoded so far (`Option`s shaped like `Self`).
    type State: Default;
    /// How many fields.
    const LEN: usize;
    /// Decodes the value of field `index` (< `LEN`) into `state`; `name` is its wire name.
    fn fill<A: MapAccess<'de>>(
        state: &mut Self::State,
        index: usize,
        map: &mut A,
        name: &'static str,
    ) -> Result<(), A::Error>;
    /// The fields after the last key: decoded values, or what absent fields are.
    fn finish<E: de::Error>(state: Self::State, names: &'static [&'static str]) -> Result<Self::Out, E>;
}

/// One field: a second value for it is serde's "duplicate field" error.
impl<'de, C: Codec<'de> + Default> Slots<'de> for C {
    type Out = C::Value;
    type State = Option<C::Value>;
    const LEN: usize = 1;
    fn fill<A: MapAccess<'de>>(
        state: &mut Self::State,
        _index: usize,
        map: &mut A,
        name: &'static str,
    ) -> Result<(), A::Error> {
        if state.is_some() {
            return Err(de::Error::duplicate_field(name));
        }
        *state = Some(map.next_value_seed(C::default())?);
        Ok(())
    }
    fn finish<E: de::Error>(state: Self::State, names: &'static [&'static str]) -> Result<C::Value, E> {
        match state {
            Some(value) => Ok(value),
            None => C::default().missing(first(names)),
        }
    }
}

fn first(names: &'static [&'static str]) -> &'static str {
    names.first().copied().unwrap_or("")
}

/// Invokes `$m` once per tuple arity the model impls use, 0 to [`MAX_TUPLE`], as
/// `$m!(T0 0, T1 1, ...)`.
macro_rules! for_each_tuple_arity {
    ($m:ident) => {
        $m!();
        $m!(T0 0);
        $m!(T0 0, T1 1);
        $m!(T0 0, T1 1, T2 2);
        $m!(T0 0, T1 1, T2 2, T3 3);
        $m!(T0 0, T1 1, T2 2, T3 3, T4 4);
        $m!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5);
        $m!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6);
        $m!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7);
    };
}

/// Tuples of slots, each element a codec or a nested tuple.
macro_rules! tuple_slots {
    ($($T:ident $i:tt),*) => {
        impl<'de, $($T: Slots<'de>),*> Slots<'de> for ($($T,)*) {
            type Out = ($($T::Out,)*);
            type State = ($($T::State,)*);
            const LEN: usize = 0 $(+ $T::LEN)*;
            #[allow(unused_assignments, unused_variables, unused_mut)]
            fn fill<A: MapAccess<'de>>(
                state: &mut Self::State,
                index: usize,
                map: &mut A,
                name: &'static str,
            ) -> Result<(), A::Error> {
                let mut start = 0;
                $(
                    if index < start + $T::LEN {
                        return $T::fill(&mut state.$i, index - start, map, name);
                    }
                    start += $T::LEN;
                )*
                Ok(())
            }
            #[allow(unused_assignments, unused_variables, unused_mut, clippy::unused_unit)]
            fn finish<E: de::Error>(state: Self::State, names: &'static [&'static str]) -> Result<Self::Out, E> {
                let mut start = 0;
                Ok(($({
                    let value = $T::finish(state.$i, names.get(start..).unwrap_or_default())?;
                    start += $T::LEN;
                    value
                },)*))
            }
        }
    };
}

for_each_tuple_arity!(tuple_slots);

/// How many elements a tuple of [`Slots`] or [`SerFields`] has at most; `#[model]` nests
/// tuples for models with more fields.
pub const MAX_TUPLE: usize = 8;

/// Decodes a struct whose fields are `S`, named `fields` on the wire (in `S`'s order):
/// serde's `deserialize_struct` with one visitor for every model.
pub fn deserialize<'de, D: Deserializer<'de>, S: Slots<'de>>(
    d: D,
    name: &'static str,
    expecting: &'static str,
    fields: &'static [&'static str],
) -> Result<S::Out, D::Error> {
    d.deserialize_struct(name, fields, StructVisitor::<S> { expecting, fields, slots: PhantomData })
}

struct StructVisitor<S> {
    expecting: &'static str,
    fields: &'static [&'static str],
    slots: PhantomData<S>,
}

impl<'de, S: Slots<'de>> Visitor<'de> for StructVisitor<S> {
    type Value = S::Out;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<S::Out, A::Error> {
        let mut state = S::State::default();
        let mut keys = Keys::new(self.fields);
        while let Some(index) = keys.next_key(&mut map)? {
            if index < S::LEN {
                let name = self.fields.get(index).copied().unwrap_or_default();
                S::fill(&mut state, index, &mut map, name)?;
            } else {
                skip(&mut map)?;
            }
        }
        S::finish(state, self.fields)
    }
}

/// A model's fields for encoding: [`Field`] or [`DecimalText`] for one field, or a tuple of
/// these (nested like the model's [`Slots`]).
pub trait SerFields {
    /// How many fields.
    const LEN: usize;
    /// Writes every field; `names` starts at this group's first field.
    fn write<S: SerializeStruct>(&self, out: &mut S, names: &'static [&'static str]) -> Result<(), S::Error>;
}

/// A field encoded by its type's own `Serialize`.
pub struct Field<'a, T: ?Sized>(pub &'a T);

impl<T: Serialize + ?Sized> SerFields for Field<'_, T> {
    const LEN: usize = 1;
    fn write<S: SerializeStruct>(&self, out: &mut S, names: &'static [&'static str]) -> Result<(), S::Error> {
        out.serialize_field(first(names), self.0)
    }
}

impl<T: ?Sized> SerFields for DecimalText<'_, T>
where
    Self: Serialize,
{
    const LEN: usize = 1;
    fn write<S: SerializeStruct>(&self, out: &mut S, names: &'static [&'static str]) -> Result<(), S::Error> {
        out.serialize_field(first(names), self)
    }
}

macro_rules! tuple_ser_fields {
    ($($T:ident $i:tt),*) => {
        impl<$($T: SerFields),*> SerFields for ($($T,)*) {
            const LEN: usize = 0 $(+ $T::LEN)*;
            #[allow(unused_assignments, unused_variables, unused_mut)]
            fn write<S: SerializeStruct>(&self, out: &mut S, names: &'static [&'static str]) -> Result<(), S::Error> {
                let mut start = 0;
                $(
                    self.$i.write(out, names.get(start..).unwrap_or_default())?;
                    start += $T::LEN;
                )*
                Ok(())
            }
        }
    };
}

for_each_tuple_arity!(tuple_ser_fields);

/// Encodes a struct whose fields are `values`, named `fields` on the wire.
pub fn serialize<S: Serializer, F: SerFields>(
    s: S,
    name: &'static str,
    fields: &'static [&'static str],
    values: &F,
) -> Result<S::Ok, S::Error> {
    let mut out = s.serialize_struct(name, F::LEN)?;
    values.write(&mut out, fields)?;
    out.end()
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

    /// What `#[model]` writes: one call each way, the fields as a tuple type.
    impl<'de> Deserialize<'de> for Lean {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            type Fields = (Plain<String>, Dec, OptDec, VecDec, OptVecDec, Plain<Option<bool>>);
            let (asset, uni_mmr, locked, fills, bands, can_trade) =
                deserialize::<D, Fields>(d, "Lean", "struct Lean", FIELDS)?;
            Ok(Lean { asset, uni_mmr, locked, fills, bands, can_trade })
        }
    }

    impl Serialize for Lean {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let values = (
                Field(&self.asset),
                DecimalText(&self.uni_mmr),
                DecimalText(&self.locked),
                DecimalText(&self.fills),
                DecimalText(&self.bands),
                Field(&self.can_trade),
            );
            serialize(s, "Lean", FIELDS, &values)
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

    /// Ten fields nested as `#[model]` nests them (groups of at most `MAX_TUPLE`): indices,
    /// names and order survive the nesting.
    #[derive(Debug, PartialEq)]
    struct Wide([u8; 10]);

    const WIDE: &[&str] = &["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];

    impl<'de> Deserialize<'de> for Wide {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            type P = Plain<u8>;
            type Fields = ((P, P, P, P, P, P, P, P), (P, P));
            let ((a, b, c, e, f, g, h, i), (j, k)) = deserialize::<D, Fields>(d, "Wide", "struct Wide", WIDE)?;
            Ok(Wide([a, b, c, e, f, g, h, i, j, k]))
        }
    }

    impl Serialize for Wide {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let v = &self.0;
            let values = (
                (Field(&v[0]), Field(&v[1]), Field(&v[2]), Field(&v[3])),
                (Field(&v[4]), Field(&v[5]), Field(&v[6]), Field(&v[7])),
                (Field(&v[8]), Field(&v[9])),
            );
            serialize(s, "Wide", WIDE, &values)
        }
    }

    #[test]
    fn nested_field_groups_keep_every_index_and_name() {
        let json = r#"{"j":9,"i":8,"h":7,"g":6,"f":5,"e":4,"d":3,"c":2,"b":1,"a":0,"z":1}"#;
        let wide: Wide = serde_json::from_str(json).unwrap();
        assert_eq!(wide, Wide([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
        assert_eq!(
            serde_json::to_string(&wide).unwrap(),
            r#"{"a":0,"b":1,"c":2,"d":3,"e":4,"f":5,"g":6,"h":7,"i":8,"j":9}"#
        );
        let err = |json: &str| serde_json::from_str::<Wide>(json).unwrap_err().to_string();
        assert!(err(r#"{"a":0,"b":1,"c":2,"d":3,"e":4,"f":5,"g":6,"h":7,"i":8}"#).starts_with("missing field `j`"));
        assert!(err(r#"{"a":0,"b":1,"c":2,"d":3,"e":4,"f":5,"g":6,"h":7,"i":8,"j":9,"i":8}"#)
            .starts_with("duplicate field `i`"));
        assert!(err(r#"{"a":0,"a":0}"#).starts_with("duplicate field `a`"));
    }
}
