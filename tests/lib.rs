//! Integration tests for the workspace live in this crate's `tests/` folder.

pub mod redis_server;
