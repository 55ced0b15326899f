//! The library behind the `binance-codegen` command: the doc-page importer ([`import`]) that
//! keeps the spec in step with Binance's docs, and the spec differ ([`diff`]). Build scripts
//! never compile this crate; they use `binance-codegen`'s `Config`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod diff;
pub mod import;

// The spec's modules under the paths the importer and differ were written with.
use binance_spec::{ast, diagnostic, load, validate};
