//! Spec drift seen in production: fields a model does not know and enum values an enum does
//! not know. Binance adds both without notice; decoding keeps them (see [`UnknownFields`] and
//! the enums' `Other(String)`), and this module reports each (type, key) once per process as a
//! `tracing` warning and counts every occurrence, so that what was seen can be fed back into
//! the spec.
//!
//! ```
//! for drift in binance_runtime::drift::snapshot() {
//!     println!("{:?} {}: `{}` seen {} times", drift.kind, drift.type_name, drift.key, drift.count);
//! }
//! ```
//!
//! [`UnknownFields`]: crate::UnknownFields

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, OnceLock};

/// What kind of drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DriftKind {
    /// A field (object key, or array position of a tuple model) the model does not declare.
    Field,
    /// An enum value the enum does not declare.
    EnumValue,
}

/// One (type, key) seen, with how often.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Drift {
    /// Field or enum value.
    pub kind: DriftKind,
    /// The model or enum, as a Rust path (`binance_client::usds_futures::Position`).
    pub type_name: &'static str,
    /// The unknown key or value (cut to [`MAX_KEY_CHARS`] characters).
    pub key: String,
    /// Occurrences since the process started (or since [`reset`]).
    pub count: u64,
}

/// At most this many distinct (type, key) pairs are kept: a hostile server sending endless
/// new keys cannot grow memory without bound. Later ones are counted in [`overflow`] only.
pub const MAX_ENTRIES: usize = 4096;

/// Keys and values longer than this are cut before they are stored or logged.
pub const MAX_KEY_CHARS: usize = 128;

/// Per (kind, type): each key with its count. Nested so that counting a key already seen (the
/// common case: the same new field in every element of a list) borrows it, allocating nothing.
struct Registry {
    seen: HashMap<(DriftKind, &'static str), HashMap<String, u64>>,
    entries: usize,
    overflow: u64,
}

fn registry() -> MutexGuard<'static, Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    let lock = REGISTRY.get_or_init(|| Mutex::new(Registry { seen: HashMap::new(), entries: 0, overflow: 0 }));
    // A panic while holding the lock leaves plain counters behind: still usable.
    lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `key` cut to [`MAX_KEY_CHARS`] characters.
fn cut(key: &str) -> &str {
    key.char_indices().nth(MAX_KEY_CHARS).map_or(key, |(end, _)| &key[..end])
}

fn record(kind: DriftKind, type_name: &'static str, key: &str) {
    let key = cut(key);
    let mut guard = registry();
    let registry = &mut *guard;
    let keys = registry.seen.entry((kind, type_name)).or_default();
    if let Some(count) = keys.get_mut(key) {
        *count += 1;
        return;
    }
    if registry.entries >= MAX_ENTRIES {
        registry.overflow += 1;
        if registry.overflow == 1 {
            tracing::warn!(
                max = MAX_ENTRIES,
                "binance spec drift: too many distinct unknown fields and enum values; counting no more of them"
            );
        }
        return;
    }
    match kind {
        DriftKind::Field => tracing::warn!(
            model = type_name,
            field = %key,
            "binance spec drift: unknown field kept in the model's `unknown_fields`; add it to the spec"
        ),
        DriftKind::EnumValue => tracing::warn!(
            r#enum = type_name,
            value = %key,
            "binance spec drift: unknown enum value kept as `Other`; add it to the spec"
        ),
    }
    keys.insert(key.to_owned(), 1);
    registry.entries += 1;
}

/// Records an unknown field of a model (an object key, or `[i]` for a tuple model's position).
pub(crate) fn unknown_field(model: &'static str, key: &str) {
    record(DriftKind::Field, model, key);
}

/// Records an unknown value of an enum.
pub(crate) fn unknown_enum_value(enum_name: &'static str, value: &str) {
    record(DriftKind::EnumValue, enum_name, value);
}

/// Everything seen so far, sorted by kind, type and key.
pub fn snapshot() -> Vec<Drift> {
    let registry = registry();
    let mut out: Vec<Drift> = registry
        .seen
        .iter()
        .flat_map(|((kind, type_name), keys)| {
            keys.iter().map(|(key, count)| Drift { kind: *kind, type_name, key: key.clone(), count: *count })
        })
        .collect();
    drop(registry);
    out.sort_by(|a, b| (a.kind, a.type_name, &a.key).cmp(&(b.kind, b.type_name, &b.key)));
    out
}

/// Occurrences not recorded because [`MAX_ENTRIES`] distinct pairs were already kept.
pub fn overflow() -> u64 {
    registry().overflow
}

/// Forgets everything seen: later drift is reported (and warned about) again.
pub fn reset() {
    let mut registry = registry();
    registry.seen.clear();
    registry.entries = 0;
    registry.overflow = 0;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_key_and_cuts_long_ones() {
        let long = "k".repeat(MAX_KEY_CHARS + 10);
        for _ in 0..2 {
            unknown_field("drift::tests::Model", "newField");
            unknown_field("drift::tests::Model", &long);
            unknown_enum_value("drift::tests::Enum", "NEW");
        }
        let seen: Vec<Drift> = snapshot().into_iter().filter(|d| d.type_name.starts_with("drift::tests::")).collect();
        let keys: Vec<(DriftKind, &str, usize, u64)> =
            seen.iter().map(|d| (d.kind, d.type_name, d.key.len(), d.count)).collect();
        assert_eq!(
            keys,
            [
                (DriftKind::Field, "drift::tests::Model", MAX_KEY_CHARS, 2),
                (DriftKind::Field, "drift::tests::Model", 8, 2),
                (DriftKind::EnumValue, "drift::tests::Enum", 3, 2),
            ]
        );
        assert_eq!(cut("ä€x"), "ä€x");
    }
}
