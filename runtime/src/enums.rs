//! Enums that never break decoding: `#[derive(WireEnum)]` maps documented wire values to
//! variants and keeps anything else in the catch-all `Other(String)` variant, reporting it
//! once per process as spec drift ([`crate::drift`]).

use serde::de::{self, Deserializer, Visitor};
use serde::Serializer;
use std::fmt;
use std::marker::PhantomData;

/// An enum with documented wire values and a catch-all. Implemented by `#[derive(WireEnum)]`.
pub trait WireEnum: Sized {
    /// The variant for a wire value; unknown values become the catch-all.
    fn from_wire(value: &str) -> Self;
    /// The wire value.
    fn as_wire(&self) -> &str;
    /// True when the value was not among the documented ones (spec drift).
    fn is_unknown(&self) -> bool;
}

/// Serializes a wire enum as its string.
pub fn serialize_wire<T: WireEnum, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(value.as_wire())
}

/// Deserializes a wire enum from a string without allocating for documented values; an
/// undocumented value becomes the catch-all and is recorded as drift.
pub fn deserialize_wire<'de, T: WireEnum, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    struct V<T>(PhantomData<T>);
    impl<T: WireEnum> Visitor<'_> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            let value = T::from_wire(v);
            if value.is_unknown() {
                crate::drift::unknown_enum_value(std::any::type_name::<T>(), v);
            }
            Ok(value)
        }
    }
    d.deserialize_str(V(PhantomData))
}
