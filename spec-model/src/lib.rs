//! `binance-spec`: the Binance endpoint spec as data, and the protocol rules every crate shares.
//!
//! The pipeline is **load** ([`load`]: YAML → [`ast`], every syntax problem located) →
//! **validate** ([`validate`]: [`ast`] → [`ir`], every semantic problem collected). The generator
//! (`binance-codegen`) emits Rust from the [`ir`]; the mock exchange (`binance-mock`) serves it.
//! Neither parses Rust, so this crate has no `syn`.
//!
//! [`protocol`] holds the rules written once for everyone: security and weight words,
//! `recvWindow` bounds, the WebSocket signing payload, the field-naming rule. It has no
//! dependencies; the derives and the runtime use it with `default-features = false`.
//!
//! ```no_run
//! let products = binance_spec::Specs::new().dir("spec").validate();
//! match products {
//!     Ok(products) => println!("{} products", products.len()),
//!     Err(problems) => eprintln!("{problems}"),
//! }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod protocol;

#[cfg(feature = "load")]
pub mod ast;
#[cfg(feature = "load")]
pub mod diagnostic;
#[cfg(feature = "load")]
pub mod ir;
#[cfg(feature = "load")]
pub mod load;
#[cfg(feature = "load")]
mod locate;
#[cfg(feature = "load")]
pub mod names;
#[cfg(feature = "load")]
mod specs;
#[cfg(feature = "load")]
pub mod validate;

#[cfg(feature = "load")]
pub use diagnostic::{Diagnostic, Diagnostics};
#[cfg(feature = "load")]
pub use specs::Specs;
