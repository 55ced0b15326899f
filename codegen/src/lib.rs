//! `binance-codegen` turns a YAML spec of Binance endpoints into a typed Rust client, at build
//! time, in the manner of `prost-build`: [`Config`] is the whole API a `build.rs` needs.
//!
//! The spec is read and checked by `binance-spec` (load → validate → IR, every problem
//! collected as a [`Diagnostic`]); this crate emits the IR as tokens and formats them with
//! `prettyplease`. Hooks add derives and attributes to generated types and fields
//! ([`Config::type_attribute`], [`Config::field_attribute`], [`Config::with_derive`]). The doc
//! importer, the differ and the `binance-codegen` command live in `binance-codegen-cli`, so a
//! build script compiles none of them.
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

mod config;
#[doc(hidden)]
pub mod emit;

// The spec's modules under the paths the emitter was written with.
use binance_spec::ir;

pub use binance_spec::{Diagnostic, Diagnostics};
pub use config::{render_inline, Config, GeneratedFile};
