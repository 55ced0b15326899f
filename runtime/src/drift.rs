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

type Key = (DriftKind, &'static str, String);

struct Registry {
    seen: HashMap<Key, u64>,
    overflow: u64,
}

fn registry() -> MutexGuard<'static, Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    let lock = REGISTRY.get_or_init(|| Mutex::new(Registry { seen: HashMap::new(), overflow: 0 }));
    // A panic while holding the lock leaves plain counters behind: still usable.
    lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn cut(key: &str) -> String {
    key.chars().take(MAX_KEY_CHARS).collect()
}

fn record(kind: DriftKind, type_name: &'static str, key: &str) {
    let key = cut(key);
    let mut registry = registry();
    if let Some(count) = registry.seen.get_mut(&(kind, type_name, key.clone())) {
        *count += 1;
        return;
    }
    if registry.seen.len() >= MAX_ENTRIES {
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
    registry.seen.insert((kind, type_name, key), 1);
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
        .map(|((kind, type_name, key), count)| Drift { kind: *kind, type_name, key: key.clone(), count: *count })
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
    registry.overflow = 0;
}
