//! `binance-mock`: a local Binance exchange driven by the same YAML spec as the client.
//!
//! One mock serves every endpoint of every product in the spec, REST and WebSocket API, from
//! one endpoint table, one key registry and one weight book, and behaves like Binance where a
//! client can tell the difference:
//!
//! - every endpoint answers its first documented example (`{}` / `[]` when it has none), for
//!   every HTTP method; parameters are read where Binance reads them (the query string for GET
//!   and DELETE, the query and the form body for POST and PUT, signed as query + body);
//! - unknown paths are 404 and known paths asked with another method 405, with Binance error
//!   bodies; requests hyper refuses before any handler (garbage request line, a URI over
//!   65 534 bytes, a head over ~400 KiB) get the same status with a Binance error body too;
//! - security as the docs define it: `NONE` needs nothing, `MARKET_DATA` and `USER_STREAM`
//!   the API key only (`-2015`), `USER_DATA` and `TRADE` the key, a valid signature over the
//!   exact bytes sent (HMAC-SHA256, Ed25519 or RSA; `-1022`) and a `timestamp` within
//!   `recvWindow` (`-1021`, for any value, `i64::MIN` included); a parameter sent twice is
//!   `-1101`, a missing mandatory one `-1102`, a list or object parameter that is not JSON
//!   `-1130`; unknown parameters are tolerated;
//! - weight is counted per (host family, IP) and per (host family, UID, account), the
//!   family being the path's first segment (`fapi`, `papi`, `sapi`; the WebSocket API counts
//!   in its product's REST family, handshake 5, as Binance shares them), with
//!   parameter-dependent weights (`if_present` rules and `limit` tables); ORDERS are counted
//!   per account in each declared window (10 s, 1 min); windows are aligned to the server
//!   clock (a minute starts at :00) and can be shortened for tests; usage is reported in
//!   Binance's headers (`X-MBX-USED-WEIGHT-1M`, `X-SAPI-USED-IP-WEIGHT-1M`,
//!   `X-SAPI-USED-UID-WEIGHT-1M`, `X-MBX-ORDER-COUNT-10S`, ...) and WebSocket `rateLimits`;
//!   over a limit it answers 429 (`-1003`, or `-1015` for orders) with `Retry-After` /
//!   `retryAfter`, and a client that keeps sending earns a 418 ban (SAPI answers 429 only);
//! - a request refused for a rate limit is not booked (the count never exceeds the limit);
//!   every other request is, refused or not, on both transports alike;
//! - faults can be injected while it runs: latency, 5xx, Binance error bodies, malformed JSON,
//!   truncated bodies and connection resets (REST), error envelopes, delays, reordering,
//!   dropped and frozen connections (WebSocket API).
//!
//! - market and user-data streams on a third port ([`RunningMock::stream_url`],
//!   [`RunningMock::streams`]; see [`streams`]) with real listen keys: the listen-key routes
//!   and the WebSocket API's `userDataStream.start` / `.ping` / `.stop` create, keep alive and
//!   close the same keys, which the stream server then serves.
//!
//! A test can list what is served ([`RunningMock::endpoints`]: route, security, weight,
//! rules, order counts) and what was asked ([`RunningMock::requests`]: route, parameters,
//! authentication, key, weight and orders booked, answer), and read each budget's usage and
//! refusals in [`Stats::budgets`].
//!
//! A REST request goes through these steps, in order: it is counted in [`Stats`]; an injected
//! [`Fault::Latency`] delays it; its route is looked up (404/405); its weight is charged (429 /
//! 418 end it here); another injected fault replaces the answer; duplicates, key, signature,
//! timestamp, mandatory and JSON parameters are checked; its ORDERS are charged (429 -1015);
//! the example (or `{"serverTime":…}`) is served. WebSocket requests take the same steps.
//!
//! ```no_run
//! # async fn demo() -> Result<(), binance_mock::MockError> {
//! use binance_mock::{Fault, MockExchange};
//! // The spec binance-client was generated from: `binance_client::SPEC_DIR`.
//! let mock = MockExchange::builder().spec_dir("generated-client/spec").hmac_key("demo-key", "demo-secret").start().await?;
//! println!("{} {}", mock.base_url(), mock.ws_url()); // http://127.0.0.1:<port> ws://127.0.0.1:<port>/ws-fapi/v1
//! mock.set_fault(Fault::service_unavailable().times(1));
//! // ... point a client at mock.base_url() and mock.ws_url() ...
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
pub mod streams;
mod weights;
pub mod ws;

pub use builder::{MockExchange, MockExchangeBuilder};
pub use endpoints::{EndpointInfo, EndpointRoute, OrderCountInfo, Security, WeightRuleInfo};
pub use error::MockError;
pub use faults::{Fault, FaultRule};
pub use log::{Auth, RequestRecord};
pub use running::RunningMock;
pub use stats::Stats;
pub use weights::{BudgetUsage, WeightKind};
