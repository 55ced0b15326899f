//! Typed Binance client generated at build time from the YAML spec in `spec/` (see [`SPEC_DIR`]).
//!
//! One module per product (spec file). Each module has `PRODUCT` (base URLs and rate limits),
//! a `Client` with one method per REST endpoint, a `…Request` type per endpoint, and the
//! response models and enums. The runtime is re-exported as [`runtime`].
//!
//! Cargo features:
//! * `usds-futures`, `portfolio-margin`, `portfolio-margin-pro` (all on by default): one module
//!   per product; turn off the default features and enable only the products you use to
//!   compile only their code;
//!
//! Off by default, to keep the dependency tree small:
//! * `ws`: a `WsClient` per product with one method per WebSocket API endpoint (the request
//!   types and models of those endpoints exist either way), and `Client::user_data_stream()`
//!   for each product with listen-key endpoints (USDⓈ-M, Portfolio Margin): a user data stream
//!   that manages its listen key;
//! * `rsa`: RSA signing keys (`Credentials::rsa_pem`); HMAC and Ed25519 need no feature.
//!
//! ```no_run
//! # async fn demo() -> binance_client::runtime::Result<()> {
//! use binance_client::runtime::Credentials;
//! use binance_client::usds_futures::{AccountInformationV3Request, Client};
//!
//! let client = Client::new(
//!     Client::builder().credentials(Credentials::hmac("api-key", "secret")?).build()?,
//! );
//! let account = client.account_information_v3(&AccountInformationV3Request::new()).await?;
//! println!("wallet balance: {}", account.total_wallet_balance);
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use binance_runtime as runtime;

/// The directory of the spec files this client was generated from. They are packaged with this
/// crate, so the path exists wherever the crate was built (in a workspace or cargo's registry
/// cache); a mock exchange serving the same endpoints reads them from here.
pub const SPEC_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/spec");

include!(concat!(env!("OUT_DIR"), "/mod.rs"));

#[cfg(feature = "ws")]
mod user_data;
