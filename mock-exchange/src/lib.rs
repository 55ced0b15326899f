//! `binance-mock`: a local Binance exchange driven by the same YAML spec as the client.
//!
//! It serves every REST endpoint of every product in the spec with the endpoint's documented
//! example, plus each product's server-time endpoint, and behaves like Binance where a client
//! can tell the difference:
//!
//! - signed endpoints (`USER_DATA`, `TRADE`) require `X-MBX-APIKEY` of a configured key
//!   (`-2015`), a valid signature over the exact query bytes (HMAC-SHA256, Ed25519 or RSA;
//!   `-1022`) and a fresh `timestamp` within `recvWindow` (`-1021`); mandatory parameters are
//!   checked (`-1102`);
//! - every request's weight is counted per host family (`fapi`, `papi`, `sapi`, ...) and
//!   IP/UID kind in a window (one minute unless shortened for tests) and reported in the real
//!   headers; over the limit it answers 429 with `Retry-After`, and a client that keeps sending
//!   earns a 418 ban (SAPI answers 429 only);
//! - faults can be injected while it runs: latency, 5xx, Binance error bodies, malformed JSON,
//!   truncated bodies and connection resets.
//!
//! One server serves every product: all paths live under one base URL (`/fapi`, `/papi`,
//! `/sapi` and `/api` do not collide). A request goes through these steps, in order: it is
//! counted in [`Stats`]; an injected [`Fault::Latency`] delays it; its weight is charged (429 /
//! 418 end it here); another injected fault replaces the answer; the key, signature, timestamp
//! and mandatory parameters are checked; the example (or `{"serverTime":…}`) is served. Every
//! answer of a known route carries the used-weight header of its family.
//!
//! ```no_run
//! # async fn demo() -> Result<(), binance_mock::MockError> {
//! use binance_mock::{Fault, MockExchange};
//! let mock = MockExchange::builder().hmac_key("demo-key", "demo-secret").start().await?;
//! println!("{}", mock.base_url()); // http://127.0.0.1:<port>
//! mock.set_fault(Fault::service_unavailable().times(1));
//! // ... point a client at mock.base_url() ...
//! assert_eq!(mock.stats().too_many_requests, 0);
//! mock.shutdown().await?;
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod builder;
mod checks;
mod conn;
mod endpoints;
mod error;
mod faults;
mod handler;
mod keys;
mod log;
mod params;
mod reply;
mod running;
mod shared;
mod stats;
mod weights;
pub mod ws;

pub use builder::{MockExchange, MockExchangeBuilder, DEFAULT_SPEC_DIR};
pub use endpoints::{EndpointInfo, EndpointRoute, OrderCountInfo, Security, WeightRuleInfo};
pub use error::MockError;
pub use faults::{Fault, FaultRule};
pub use log::{Auth, RequestRecord};
pub use running::RunningMock;
pub use stats::Stats;
pub use weights::{BudgetUsage, WeightKind};
