//! Integration tests for the workspace live in this crate's `tests/` folder.
