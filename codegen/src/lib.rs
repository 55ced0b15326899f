//! `binance-codegen` turns a YAML spec of Binance endpoints into a typed Rust client.
//!
//! The pipeline is the one serde_derive and thiserror use, applied to YAML instead of Rust
//! items: **load** ([`load`]: YAML → [`ast`], every syntax problem located) → **validate**
//! ([`validate`]: [`ast`] → [`ir`], every semantic problem collected) → **emit** ([`emit`]:
//! [`ir`] → tokens → `prettyplease`). [`Config`] is the one entry point used by `build.rs`,
//! the `binance-codegen` CLI and the tests, in the manner of `prost_build::Config`.
//!
//! ```no_run
//! // build.rs of a crate that depends on `binance-runtime`
//! if let Err(errors) = binance_codegen::Config::new().spec_dir("spec").emit_rerun_if_changed(true).write() {
//!     eprintln!("{errors}");
//!     std::process::exit(1);
//! }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod ast;
mod config;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod import;
pub mod ir;
pub mod load;
mod locate;
mod names;
pub mod validate;

pub use config::{render_inline, Config, GeneratedFile};
pub use diagnostic::{Diagnostic, Diagnostics};
