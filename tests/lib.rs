//! Integration tests for the workspace live in this crate's `tests/` folder.

/// The workspace README's Rust code blocks, compiled (and those not marked `no_run` run) by
/// `cargo test --doc -p binance-tests`, so the front door cannot drift from the code.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub mod redis_server;
