//! The generic half of `#[model]`'s `Serialize` / `Deserialize` impls.
//!
//! `#[model]` writes, per struct, one call to [`deserialize`] and one to [`serialize`] (or
//! [`serialize_tuple`]), naming the struct's fields as one tuple type ([`Slots`],
//! [`SerFields`]) and the struct as a [`ModelInfo`]. Everything else lives here once, so each
//! model costs the compiler little: the visitor and its key loop, finding a
//! key's field (borrowing the key, no allocation), the duplicate and missing field rules (the
//! same errors as serde's derive), keeping unknown fields verbatim ([`UnknownFields`], reported
//! through [`crate::drift`]), the lenient decimal codecs of [`crate::decimal`], and optional
//! fields where absent, `null` and `""` are all `None` ([`Opt`]).
//!
//! Models decoded at stream rates (`#[model(stream)]`) and tuple models (`#[model(tuple)]`, read
//! from an array in order) have their visitor written out per model instead, as serde's derive
//! does, and call the field rules here one field at a time ([`next_key`], [`fill`], [`take`],
//! [`raw_value`] and [`keep_key`]; [`element`], [`rest_of_seq`]).

use crate::decimal::{self, RawKey, RAW_TOKEN};
use crate::UnknownFields;
use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

mod decimal_row;
pub use decimal_row::decimal_row;

/// What `#[model]` tells the runtime about a struct.
#[derive(Debug)]
pub struct ModelInfo {
    /// What the decoder expected, for type errors (`struct Position`).
    pub expecting: &'static str,
    /// The struct's Rust path, for drift reports.
    pub path: &'static str,
    /// The fields' wire names, in declaration order.
    pub fields: &'static [&'static str],
}

/// A key of a model's JSON object.
pub enum Key {
    /// The index of a declared field.
    Known(usize),
    /// A key the model does not declare.
    Unknown(String),
}

/// How a model finds a key's field.
trait FieldLookup: Copy {
    /// The index of `key`'s field, if the model declares it.
    fn index(self, key: &str) -> Option<usize>;
    /// How many fields (for formats that name fields by position).
    fn count(self) -> usize;
}

/// The generic visitor's lookup: the wire names in declaration order; keys usually arrive in
/// that order, so the field after the last one found (`hint`) is tried first.
#[derive(Clone, Copy)]
struct Hinted {
    names: &'static [&'static str],
    hint: usize,
}

impl FieldLookup for Hinted {
    #[inline]
    fn index(self, key: &str) -> Option<usize> {
        let key = key.as_bytes();
        if self.names.get(self.hint).is_some_and(|name| same_key(name.as_bytes(), key)) {
            return Some(self.hint);
        }
        self.names.iter().position(|name| same_key(name.as_bytes(), key))
    }
    fn count(self) -> usize {
        self.names.len()
    }
}

/// A lookup written out per model (`#[model(stream)]`: a `match` on the wire names).
#[derive(Clone, Copy)]
struct Matched<F> {
    lookup: F,
    count: usize,
}

impl<F: Fn(&str) -> Option<usize> + Copy> FieldLookup for Matched<F> {
    #[inline]
    fn index(self, key: &str) -> Option<usize> {
        (self.lookup)(key)
    }
    fn count(self) -> usize {
        self.count
    }
}

/// Reads a key and finds its field (borrowing the key, no allocation unless the model does not
/// declare it).
#[derive(Clone, Copy)]
struct KeySeed<L>(L);

impl<L: FieldLookup> KeySeed<L> {
    #[inline]
    fn key(self, key: &str) -> Key {
        self.0.index(key).map_or_else(|| Key::Unknown(key.to_owned()), Key::Known)
    }
}

impl<'de, L: FieldLookup> DeserializeSeed<'de> for KeySeed<L> {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_identifier(self)
    }
}

/// [`KeySeed`] inlined into the key loop of a `#[model(stream)]` visitor: 5-8 % of decoding
/// an `aggTrade` or `depthUpdate` event (benches/stream_decode.rs). The generic visitor keeps
/// the call: inlined there, the REST decoding bench got slower.
#[derive(Clone, Copy)]
struct InlineKeySeed<L>(KeySeed<L>);

impl<'de, L: FieldLookup> DeserializeSeed<'de> for InlineKeySeed<L> {
    type Value = Key;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_identifier(self.0)
    }
}

impl<'de, L: FieldLookup> Visitor<'de> for KeySeed<L> {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("field identifier")
    }
    #[inline]
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(self.key(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Key, E> {
        Ok(self.key(&String::from_utf8_lossy(v)))
    }
    // Formats that name fields by position (as serde's derive accepts).
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
        match usize::try_from(v) {
            Ok(i) if i < self.0.count() => Ok(Key::Known(i)),
            _ => Ok(Key::Unknown(v.to_string())),
        }
    }
}

/// Whether two keys are equal, compared inline. Keys are short (Binance's stream events use one
/// or two letters), and `==` on them calls `memcmp` (the length is not known at compile time),
/// whose call cost more than the comparison: 8 % of decoding an `aggTrade` event, in a profile
/// of `benches/benches/stream_decode.rs`. Eight bytes at a time, then byte by byte.
#[inline(always)]
fn same_key(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a8, mut b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let word = |chunk: &[u8]| <[u8; 8]>::try_from(chunk).map(u64::from_ne_bytes).ok();
    if !(&mut a8).zip(&mut b8).all(|(x, y)| word(x) == word(y)) {
        return false;
    }
    let (a, b) = (a8.remainder(), b8.remainder());
    (0..a.len()).all(|i| a.get(i) == b.get(i))
}

/// How one field decodes, and what it is when its key is absent.
pub trait Codec<'de>: DeserializeSeed<'de> {
    /// The value of an absent field: an error for required fields, `None` for optional ones.
    fn missing<E: de::Error>(self, name: &'static str) -> Result<Self::Value, E>;
}

/// A model's fields as one type: a codec ([`Plain`], [`Opt`], [`Dec`], ...) for one field,
/// or a tuple of these (nested for models with many fields) for several. `#[model]` names this
/// type, and [`deserialize`] does the rest: the key loop, the duplicate and missing field
/// rules, and keeping unknown keys live here once instead of in every model's expansion.
pub trait Slots<'de> {
    /// The decoded fields (a value, or a tuple shaped like `Self`).
    type Out;
    /// The fields decoded so far (`Option`s shaped like `Self`).
    type State: Default;
    /// How many fields.
    const LEN: usize;
    /// Decodes the next value of `map` as field `index` (< `LEN`) into `state`; `name` is its
    /// wire name.
    fn fill<A: MapAccess<'de>>(
        state: &mut Self::State,
        index: usize,
        map: &mut A,
        name: &'static str,
    ) -> Result<(), A::Error>;
    /// The fields after the last key: decoded values, or what absent fields are. `names` are
    /// the model's field names, this group's first at `at`.
    fn finish<E: de::Error>(state: Self::State, names: &'static [&'static str], at: usize) -> Result<Self::Out, E>;
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
        fill_shared::<A, C>(state, map, name)
    }
    fn finish<E: de::Error>(state: Self::State, names: &'static [&'static str], at: usize) -> Result<C::Value, E> {
        match state {
            Some(value) => Ok(value),
            None => C::default().missing(names.get(at).copied().unwrap_or_default()),
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
            // An explicit `match` rather than `?`: this is compiled once per model, and `?`
            // instantiates the `Try` machinery for every field type (a sixth of the client
            // crate's unoptimised IR was this function).
            fn finish<E: de::Error>(state: Self::State, names: &'static [&'static str], at: usize) -> Result<Self::Out, E> {
                let mut at = at;
                Ok(($({
                    let value = match $T::finish(state.$i, names, at) {
                        Ok(value) => value,
                        Err(e) => return Err(e),
                    };
                    at += $T::LEN;
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

/// Decodes a JSON object into the fields `S` of the model `info` (in `S`'s order) and the
/// keys it does not declare, with one visitor for every model. It asks for a map rather than a
/// struct: the same for JSON (a struct is a JSON object), and `serde_json`'s
/// `deserialize_struct`, compiled once per model, also carries a branch for structs written as
/// arrays, which a model never accepts.
pub fn deserialize<'de, D: Deserializer<'de>, S: Slots<'de>>(
    d: D,
    info: &'static ModelInfo,
) -> Result<(S::Out, UnknownFields), D::Error> {
    d.deserialize_map(StructVisitor::<S> { info, slots: PhantomData })
}

struct StructVisitor<S> {
    info: &'static ModelInfo,
    slots: PhantomData<S>,
}

impl<'de, S: Slots<'de>> Visitor<'de> for StructVisitor<S> {
    type Value = (S::Out, UnknownFields);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.info.expecting)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let fields = self.info.fields;
        let mut state = S::State::default();
        let mut unknown = UnknownFields::new();
        let mut seed = KeySeed(Hinted { names: fields, hint: 0 });
        while let Some(key) = map.next_key_seed(seed)? {
            match key {
                Key::Known(index) if index < S::LEN => {
                    seed.0.hint = index + 1;
                    let name = fields.get(index).copied().unwrap_or_default();
                    S::fill(&mut state, index, &mut map, name)?;
                }
                // Written out with the arms apart rather than through `raw_value` and `keep_key`:
                // the shorter form decoded the REST account bodies 5-8 % slower, and still 3-4 %
                // with the codecs called (benches/decode.rs), a matter of how the optimiser lays
                // out this loop.
                Key::Known(index) => {
                    // Only with a `ModelInfo` naming more fields than the slots (never from
                    // `#[model]`): keep the value rather than lose it.
                    let key = fields.get(index).copied().unwrap_or_default().to_owned();
                    keep(&mut unknown, self.info, key, map.next_value_seed(RawSeed)?);
                }
                Key::Unknown(key) => {
                    let raw = map.next_value_seed(RawSeed)?;
                    keep(&mut unknown, self.info, key, raw);
                }
            }
        }
        Ok((S::finish(state, fields, 0)?, unknown))
    }
}

fn keep(unknown: &mut UnknownFields, info: &'static ModelInfo, key: String, raw: Box<RawValue>) {
    crate::drift::unknown_field(info.path, &key);
    unknown.push_raw(key, raw);
}

/// The next key of a model's object, its field found by `lookup`: the `match` on the wire
/// names that `#[model(stream)]` writes, as serde's derive does. `count` is the number of
/// fields.
#[inline(always)]
pub fn next_key<'de, A, L>(map: &mut A, lookup: L, count: usize) -> Result<Option<Key>, A::Error>
where
    A: MapAccess<'de>,
    L: Fn(&str) -> Option<usize> + Copy,
{
    map.next_key_seed(InlineKeySeed(KeySeed(Matched { lookup, count })))
}

/// Decodes the value of the field `name` into `slot` with the codec `C`; a key seen twice is
/// serde's "duplicate field" error.
#[inline(always)]
pub fn fill<'de, A: MapAccess<'de>, C: Codec<'de> + Default>(
    slot: &mut Option<C::Value>,
    map: &mut A,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value_seed(C::default())?);
    Ok(())
}

/// [`fill`] for the generic visitor, not inlined: one copy per codec and map type, shared by
/// every model. Inlined, each model's key loop carried a copy of every codec it uses; shared,
/// the client crate has 35 % less machine code in these loops and compiles about 10 % faster,
/// and the REST decoding bench runs 5 % faster (BENCHMARKS.md, 28 November, fourth session).
#[inline(never)]
fn fill_shared<'de, A: MapAccess<'de>, C: Codec<'de> + Default>(
    slot: &mut Option<C::Value>,
    map: &mut A,
    name: &'static str,
) -> Result<(), A::Error> {
    fill::<A, C>(slot, map, name)
}

/// The decoded value of the field `name`, or what its codec makes of an absent key (`None`
/// for optional fields, "missing field" for the others).
#[inline(always)]
pub fn take<'de, C: Codec<'de> + Default, E: de::Error>(
    slot: Option<C::Value>,
    name: &'static str,
) -> Result<C::Value, E> {
    match slot {
        Some(value) => Ok(value),
        None => C::default().missing(name),
    }
}

/// The raw JSON text of the next value, for a key the model does not declare.
#[inline(always)]
pub fn raw_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Box<RawValue>, A::Error> {
    map.next_value_seed(RawSeed)
}

/// Keeps `raw`, the value of a key the model `info` does not declare, verbatim (and reports it
/// as drift). A `Key::Known` index past the model's fields keeps its declared name. Separate
/// from [`raw_value`] so that the key loop passes the `MapAccess` to no call that is not
/// inlined.
pub fn keep_key(unknown: &mut UnknownFields, info: &'static ModelInfo, key: Key, raw: Box<RawValue>) {
    let key = match key {
        Key::Known(index) => info.fields.get(index).copied().unwrap_or_default().to_owned(),
        Key::Unknown(key) => key,
    };
    keep(unknown, info, key, raw);
}

/// The next element of a tuple model's array, decoded with the codec `C` as the field `name`.
/// Once the array has `ended`, every later field is absent (`None` when optional, "missing
/// field" otherwise).
#[inline(always)]
pub fn element<'de, A: SeqAccess<'de>, C: Codec<'de> + Default>(
    seq: &mut A,
    ended: &mut bool,
    name: &'static str,
) -> Result<C::Value, A::Error> {
    if !*ended {
        match seq.next_element_seed(C::default())? {
            Some(value) => return Ok(value),
            None => *ended = true,
        }
    }
    C::default().missing(name)
}

/// The elements of a tuple model's array past its declared fields (the first at `position`),
/// kept verbatim under their position (`"6"`, …) and reported as drift. Inlined down to the
/// usual answer, an array that ends there.
#[inline(always)]
pub fn rest_of_seq<'de, A: SeqAccess<'de>>(
    seq: &mut A,
    info: &'static ModelInfo,
    position: usize,
) -> Result<UnknownFields, A::Error> {
    match seq.next_element_seed(RawSeed)? {
        None => Ok(UnknownFields::new()),
        Some(first) => extra_elements(seq, info, position, first),
    }
}

#[cold]
fn extra_elements<'de, A: SeqAccess<'de>>(
    seq: &mut A,
    info: &'static ModelInfo,
    mut position: usize,
    first: Box<RawValue>,
) -> Result<UnknownFields, A::Error> {
    let mut unknown = UnknownFields::new();
    keep(&mut unknown, info, position.to_string(), first);
    while let Some(raw) = seq.next_element_seed(RawSeed)? {
        position += 1;
        keep(&mut unknown, info, position.to_string(), raw);
    }
    Ok(unknown)
}

/// Any JSON value, kept as its raw text.
struct RawSeed;

impl<'de> DeserializeSeed<'de> for RawSeed {
    type Value = Box<RawValue>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Box<RawValue>, D::Error> {
        d.deserialize_newtype_struct(RAW_TOKEN, RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Box<RawValue>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    /// serde_json: one entry holding the value's text.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        match map.next_key_seed(RawKey)? {
            Some(true) => map.next_value_seed(RawText),
            _ => Err(de::Error::custom("expected serde_json's raw value")),
        }
    }
    /// Other deserializers: the value itself, written back as JSON.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        serde_json::value::to_raw_value(&value).map_err(de::Error::custom)
    }
}

struct RawText;

impl<'de> DeserializeSeed<'de> for RawText {
    type Value = Box<RawValue>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Box<RawValue>, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for RawText {
    type Value = Box<RawValue>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("raw JSON text")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        RawValue::from_string(v.to_owned()).map_err(E::custom)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        RawValue::from_string(v).map_err(E::custom)
    }
}

/// Where encoded fields go: an object (by name) or an array (by position).
pub trait Out {
    /// The serializer's error.
    type Error;
    /// Writes one field; `none` says it is an absent optional (`None`).
    fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T, none: bool) -> Result<(), Self::Error>;
}

struct MapOut<M>(M);

impl<M: SerializeMap> Out for MapOut<M> {
    type Error = M::Error;
    fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T, _none: bool) -> Result<(), M::Error> {
        self.0.serialize_entry(name, value)
    }
}

/// Array output: `None`s are held back, so trailing ones (absent elements) are not written.
struct SeqOut<Q> {
    seq: Q,
    nulls: usize,
}

impl<Q: SerializeSeq> SeqOut<Q> {
    fn flush(&mut self) -> Result<(), Q::Error> {
        for _ in 0..std::mem::take(&mut self.nulls) {
            self.seq.serialize_element(&())?;
        }
        Ok(())
    }
}

impl<Q: SerializeSeq> Out for SeqOut<Q> {
    type Error = Q::Error;
    fn field<T: Serialize + ?Sized>(&mut self, _name: &'static str, value: &T, none: bool) -> Result<(), Q::Error> {
        if none {
            self.nulls += 1;
            return Ok(());
        }
        self.flush()?;
        self.seq.serialize_element(value)
    }
}

/// A model's fields for encoding: [`Field`], [`OptField`] or [`DecimalText`] for one field, or
/// a tuple of these (nested like the model's [`Slots`]).
pub trait SerFields {
    /// How many fields.
    const LEN: usize;
    /// Writes every field; `names` starts at this group's first field.
    fn write<O: Out>(&self, out: &mut O, names: &'static [&'static str]) -> Result<(), O::Error>;
}

/// A field encoded by its type's own `Serialize`.
pub struct Field<'a, T: ?Sized>(pub &'a T);

impl<T: Serialize + ?Sized> SerFields for Field<'_, T> {
    const LEN: usize = 1;
    fn write<O: Out>(&self, out: &mut O, names: &'static [&'static str]) -> Result<(), O::Error> {
        out.field(first(names), self.0, false)
    }
}

/// An optional field: `None` encodes as `null` in objects and is left out at an array's end.
pub struct OptField<'a, T>(pub &'a Option<T>);

impl<T: Serialize> SerFields for OptField<'_, T> {
    const LEN: usize = 1;
    fn write<O: Out>(&self, out: &mut O, names: &'static [&'static str]) -> Result<(), O::Error> {
        out.field(first(names), self.0, self.0.is_none())
    }
}

macro_rules! decimal_ser_fields {
    ($($ty:ty => |$v:ident| $none:expr;)*) => {$(
        impl SerFields for DecimalText<'_, $ty> {
            const LEN: usize = 1;
            fn write<O: Out>(&self, out: &mut O, names: &'static [&'static str]) -> Result<(), O::Error> {
                let $v = self.0;
                out.field(first(names), self, $none)
            }
        }
    )*};
}

decimal_ser_fields! {
    Decimal => |_v| false;
    Option<Decimal> => |v| v.is_none();
    Vec<Decimal> => |_v| false;
    Option<Vec<Decimal>> => |v| v.is_none();
}

macro_rules! tuple_ser_fields {
    ($($T:ident $i:tt),*) => {
        impl<$($T: SerFields),*> SerFields for ($($T,)*) {
            const LEN: usize = 0 $(+ $T::LEN)*;
            #[allow(unused_assignments, unused_variables, unused_mut)]
            fn write<O: Out>(&self, out: &mut O, names: &'static [&'static str]) -> Result<(), O::Error> {
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

/// Encodes a model as a JSON object: its fields `values`, then its unknown fields as received.
pub fn serialize<S: Serializer, F: SerFields>(
    s: S,
    info: &'static ModelInfo,
    values: &F,
    unknown: &UnknownFields,
) -> Result<S::Ok, S::Error> {
    let mut out = MapOut(s.serialize_map(Some(F::LEN + unknown.len()))?);
    values.write(&mut out, info.fields)?;
    for (key, raw) in unknown.raw_entries() {
        out.0.serialize_entry(key, raw)?;
    }
    out.0.end()
}

/// Encodes a tuple model as a JSON array: its fields by position (trailing `None`s left out),
/// then the elements past them as received.
pub fn serialize_tuple<S: Serializer, F: SerFields>(
    s: S,
    info: &'static ModelInfo,
    values: &F,
    unknown: &UnknownFields,
) -> Result<S::Ok, S::Error> {
    let mut out = SeqOut { seq: s.serialize_seq(None)?, nulls: 0 };
    values.write(&mut out, info.fields)?;
    if !unknown.is_empty() {
        out.flush()?;
    }
    for (_, raw) in unknown.raw_entries() {
        out.seq.serialize_element(raw)?;
    }
    out.seq.end()
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

/// An optional field `Option<T>` of any type: absent, `null` and `""` are `None` (Binance
/// sends `""` for values it does not have, whatever their type).
pub struct Opt<T>(PhantomData<T>);

impl<T> Default for Opt<T> {
    fn default() -> Self {
        Opt(PhantomData)
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Opt<T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        optional(d)
    }
}

impl<'de, T: Deserialize<'de>> Codec<'de> for Opt<T> {
    fn missing<E: de::Error>(self, _name: &'static str) -> Result<Option<T>, E> {
        Ok(None)
    }
}

/// `Option<T>` where `null` and `""` are `None` (for `#[serde(deserialize_with)]`).
pub fn optional<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    d.deserialize_option(OptVisitor(PhantomData))
}

struct OptVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for OptVisitor<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an optional value")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let empty = Cell::new(false);
        match T::deserialize(EmptyAsNone { d, empty: &empty }) {
            Ok(value) => Ok(Some(value)),
            // The value was `""`: the visitor stopped there, and the value is consumed.
            Err(_) if empty.get() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Hands a value to `T`'s visitor, but notices `""` first (setting `empty` and failing, so
/// that [`OptVisitor`] returns `None`). Typed requests go through `deserialize_any`, because
/// serde_json refuses a string for, say, `deserialize_bool` without telling the visitor;
/// JSON is self-describing, so the visitor sees what it would have seen.
struct EmptyAsNone<'a, D> {
    d: D,
    empty: &'a Cell<bool>,
}

impl<'a, D> EmptyAsNone<'a, D> {
    fn watch<V>(&self, visitor: V) -> Watch<'a, V> {
        Watch { visitor, empty: self.empty }
    }
}

macro_rules! through_any {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            $(let _ = $arg;)*
            let watched = self.watch(visitor);
            self.d.deserialize_any(watched)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for EmptyAsNone<'_, D> {
    type Error = D::Error;
    through_any! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_unit();
        deserialize_seq();
        deserialize_map();
        deserialize_unit_struct(name: &'static str);
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
    }
    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.d.deserialize_i128(visitor)
    }
    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.d.deserialize_u128(visitor)
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.d.deserialize_option(visitor)
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        self.d.deserialize_newtype_struct(name, visitor)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.d.deserialize_enum(name, variants, visitor)
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.d.deserialize_identifier(visitor)
    }
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.d.deserialize_ignored_any(visitor)
    }
    fn is_human_readable(&self) -> bool {
        self.d.is_human_readable()
    }
}

/// `visitor`, except that `""` sets `empty` and fails.
struct Watch<'a, V> {
    visitor: V,
    empty: &'a Cell<bool>,
}

impl<V> Watch<'_, V> {
    fn empty<T, E: de::Error>(&self) -> Result<T, E> {
        self.empty.set(true);
        Err(E::custom("an empty string where a value was expected"))
    }
}

macro_rules! forward_visits {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<E: de::Error>(self, $($arg: $ty),*) -> Result<V::Value, E> {
            self.visitor.$method($($arg),*)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Watch<'_, V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.visitor.expecting(f)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        if v.is_empty() {
            return self.empty();
        }
        self.visitor.visit_str(v)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        if v.is_empty() {
            return self.empty();
        }
        self.visitor.visit_borrowed_str(v)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        if v.is_empty() {
            return self.empty();
        }
        self.visitor.visit_string(v)
    }
    forward_visits! {
        visit_bool(v: bool);
        visit_i8(v: i8);
        visit_i16(v: i16);
        visit_i32(v: i32);
        visit_i64(v: i64);
        visit_i128(v: i128);
        visit_u8(v: u8);
        visit_u16(v: u16);
        visit_u32(v: u32);
        visit_u64(v: u64);
        visit_u128(v: u128);
        visit_f32(v: f32);
        visit_f64(v: f64);
        visit_char(v: char);
        visit_bytes(v: &[u8]);
        visit_borrowed_bytes(v: &'de [u8]);
        visit_byte_buf(v: Vec<u8>);
        visit_none();
        visit_unit();
    }
    fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<V::Value, D2::Error> {
        self.visitor.visit_some(d)
    }
    fn visit_newtype_struct<D2: Deserializer<'de>>(self, d: D2) -> Result<V::Value, D2::Error> {
        self.visitor.visit_newtype_struct(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(map)
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_enum(data)
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
    /// `Option<Vec<Decimal>>`: absent, `null` and `""` are `None`.
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
    static LEAN: ModelInfo = ModelInfo { expecting: "struct Lean", path: "tests::Lean", fields: FIELDS };

    /// What `#[model]` writes: one call each way, the fields as a tuple type.
    impl<'de> Deserialize<'de> for Lean {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            type Fields = (Plain<String>, Dec, OptDec, VecDec, OptVecDec, Opt<bool>);
            let ((asset, uni_mmr, locked, fills, bands, can_trade), _unknown) = deserialize::<D, Fields>(d, &LEAN)?;
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
                OptField(&self.can_trade),
            );
            serialize(s, &LEAN, &values, &UnknownFields::new())
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
        let seed = |hint| Hinted { names: FIELDS, hint };
        assert_eq!(seed(0).index("asset"), Some(0));
        assert_eq!(seed(0).index("canTrade"), Some(5));
        assert_eq!(seed(5).index("canTrade"), Some(5));
        assert_eq!(seed(6).index("locked"), Some(2));
        assert_eq!(seed(3).index("nope"), None);
    }

    #[test]
    fn keys_compare_equal_exactly_when_their_bytes_do() {
        let keys =
            ["", "e", "E", "nq", "abcdefg", "abcdefgh", "abcdefgi", "abcdefghi", "abcdefghj", "abcdefgh_bcdefgh"];
        for a in keys {
            for b in keys {
                assert_eq!(same_key(a.as_bytes(), b.as_bytes()), a == b, "{a:?} vs {b:?}");
            }
            // A difference in any single byte is seen, in the 8-byte words and in the tail.
            for i in 0..a.len() {
                let mut other = a.as_bytes().to_vec();
                other[i] ^= 1;
                assert!(!same_key(a.as_bytes(), &other), "{a:?} byte {i}");
            }
        }
    }

    /// Ten fields nested as `#[model]` nests them (groups of at most `MAX_TUPLE`): indices,
    /// names and order survive the nesting.
    #[derive(Debug, PartialEq)]
    struct Wide([u8; 10]);

    const WIDE: &[&str] = &["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    static WIDE_INFO: ModelInfo = ModelInfo { expecting: "struct Wide", path: "tests::Wide", fields: WIDE };

    impl<'de> Deserialize<'de> for Wide {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            type P = Plain<u8>;
            type Fields = ((P, P, P, P, P, P, P, P), (P, P));
            let (((a, b, c, e, f, g, h, i), (j, k)), _) = deserialize::<D, Fields>(d, &WIDE_INFO)?;
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
            serialize(s, &WIDE_INFO, &values, &UnknownFields::new())
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
