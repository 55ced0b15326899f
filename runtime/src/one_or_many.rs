//! A response that is a JSON array of items, or a single object when one item was asked for.
//!
//! Some Binance endpoints answer `[{…}, {…}]` without a `symbol` and a bare `{…}` with one
//! (leverage brackets, ADL quantile, …); their doc pages show both. Decoding keeps the shape
//! that arrived, so nothing is lost and re-encoding gives the same JSON back.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// One item (the server sent an object) or many (it sent an array).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OneOrMany<T> {
    /// The server sent a single object.
    One(T),
    /// The server sent an array.
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The items, one or many, as a vector.
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(item) => vec![item],
            OneOrMany::Many(items) => items,
        }
    }

    /// The server sent a single object rather than an array.
    pub fn is_one(&self) -> bool {
        matches!(self, OneOrMany::One(_))
    }
}

impl<T> std::ops::Deref for OneOrMany<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match self {
            OneOrMany::One(item) => std::slice::from_ref(item),
            OneOrMany::Many(items) => items,
        }
    }
}

impl<T> IntoIterator for OneOrMany<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

impl<'a, T> IntoIterator for &'a OneOrMany<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(item) => item.serialize(serializer),
            OneOrMany::Many(items) => items.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ShapeVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ShapeVisitor<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object or an array of objects")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(OneOrMany::Many)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                // The item's values are still read by the original deserializer, so decimals
                // keep their exact text.
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(OneOrMany::One)
            }
        }
        deserializer.deserialize_any(ShapeVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
    struct Item {
        symbol: String,
    }

    #[test]
    fn reads_both_shapes_and_writes_back_the_one_it_read() {
        let one: OneOrMany<Item> = serde_json::from_str(r#"{"symbol":"BTCUSDT"}"#).unwrap();
        assert!(one.is_one());
        assert_eq!(one[0].symbol, "BTCUSDT");
        assert_eq!(serde_json::to_string(&one).unwrap(), r#"{"symbol":"BTCUSDT"}"#);

        let many: OneOrMany<Item> = serde_json::from_str(r#"[{"symbol":"A"},{"symbol":"B"}]"#).unwrap();
        assert_eq!(many.len(), 2);
        assert_eq!(serde_json::to_string(&many).unwrap(), r#"[{"symbol":"A"},{"symbol":"B"}]"#);
        assert_eq!(many.into_vec().len(), 2);
    }

    #[test]
    fn other_shapes_are_errors() {
        assert!(serde_json::from_str::<OneOrMany<Item>>("7").is_err());
        assert!(serde_json::from_str::<OneOrMany<Item>>(r#""x""#).is_err());
    }
}
