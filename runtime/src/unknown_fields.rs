//! [`UnknownFields`]: what a response carried that its model does not declare, kept verbatim.

use serde_json::value::RawValue;
use std::fmt;
use std::hash::{Hash, Hasher};

/// The fields of a response that its model does not know, each as its key and raw JSON text,
/// in the order received. Every model has one (`unknown_fields`), filled while decoding and
/// written back when the model is encoded, so nothing Binance sends is lost. For a tuple model
/// (a JSON array) the keys are the positions past the declared fields (`"6"`, `"7"`, …).
///
/// Each unknown field is also reported once per process through [`crate::drift`].
#[derive(Clone, Default)]
pub struct UnknownFields {
    /// Boxed so that the store is one pointer in every decoded model: it is almost always
    /// empty, and a three-word `Vec` inline made each model (a depth level above all) bigger to
    /// move and to grow a `Vec` of, which showed in the stream decoding bench (BENCHMARKS.md).
    #[allow(clippy::box_collection)] // The box is the point: one word instead of three.
    entries: Option<Box<Vec<Entry>>>,
}

/// One unknown key and its value's JSON text, as received.
type Entry = (String, Box<RawValue>);

impl UnknownFields {
    /// No unknown fields.
    pub const fn new() -> Self {
        UnknownFields { entries: None }
    }

    /// True when the response had no unknown field.
    pub fn is_empty(&self) -> bool {
        self.raw_entries().is_empty()
    }

    /// How many unknown fields.
    pub fn len(&self) -> usize {
        self.raw_entries().len()
    }

    /// Each unknown field as (key, raw JSON text), in the order received.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.raw_entries().iter().map(|(k, v)| (k.as_str(), v.get()))
    }

    /// The raw JSON text of the first unknown field named `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.raw_entries().iter().find(|(k, _)| k == key).map(|(_, v)| v.get())
    }

    /// Decodes the unknown field `key` into `T`: `None` when absent.
    pub fn decode<'a, T: serde::Deserialize<'a>>(&'a self, key: &str) -> Option<serde_json::Result<T>> {
        self.get(key).map(serde_json::from_str)
    }

    /// Adds a field; `raw_json` must be one JSON value.
    pub fn insert(&mut self, key: impl Into<String>, raw_json: impl Into<String>) -> serde_json::Result<()> {
        let raw = RawValue::from_string(raw_json.into())?;
        self.push_raw(key.into(), raw);
        Ok(())
    }

    pub(crate) fn push_raw(&mut self, key: String, raw: Box<RawValue>) {
        self.entries.get_or_insert_with(Box::default).push((key, raw));
    }

    pub(crate) fn raw_entries(&self) -> &[Entry] {
        self.entries.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl fmt::Debug for UnknownFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialEq for UnknownFields {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for UnknownFields {}

impl Hash for UnknownFields {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.len().hash(state);
        for (k, v) in self.iter() {
            k.hash(state);
            v.hash(state);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_hashes_and_prints_by_key_and_text() {
        let mut a = UnknownFields::new();
        a.insert("adl", "3").unwrap();
        a.insert("nested", r#"{"x":[1]}"#).unwrap();
        let b = a.clone();
        assert_eq!(a, b);
        let hash = |u: &UnknownFields| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            u.hash(&mut h);
            h.finish()
        };
        assert_eq!(hash(&a), hash(&b));
        assert_ne!(a, UnknownFields::default());
        assert_eq!(format!("{a:?}"), r#"{"adl": "3", "nested": "{\"x\":[1]}"}"#);
        assert_eq!(a.decode::<u8>("adl").unwrap().unwrap(), 3);
        assert!(a.insert("bad", "{").is_err());
        assert_eq!(a.len(), 2);
    }

    /// The store is one pointer in every model (see the field's comment), and an empty one
    /// allocates nothing.
    #[test]
    fn is_one_word_and_empty_without_allocating() {
        assert_eq!(std::mem::size_of::<UnknownFields>(), std::mem::size_of::<usize>());
        let empty = UnknownFields::new();
        assert!(empty.entries.is_none() && empty.is_empty() && empty.raw_entries().is_empty());
        assert_eq!(empty.iter().count(), 0);
        assert_eq!(empty.get("x"), None);
    }
}
