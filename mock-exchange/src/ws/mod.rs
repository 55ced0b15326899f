//! The WebSocket API side of the mock exchange (`ws-fapi`).
//!
//! [`MockExchange::builder`](crate::MockExchange::builder) starts it together with the REST
//! server: one endpoint table, one key registry and one weight book for both, so a WebSocket
//! request is checked and counted exactly as the REST request would be (weights are shared
//! with REST, as Binance's are). [`RunningMock::ws_url`](crate::RunningMock::ws_url) is its
//! URL and [`RunningMock::ws`](crate::RunningMock::ws) its controls. [`MockWsApi::builder`]
//! is the same builder for tests that only want the WebSocket side.
//!
//! It serves every spec endpoint that names a WebSocket method with the `result` of its first
//! example (the examples are whole envelopes), except `userDataStream.start` / `.ping` /
//! `.stop`, which make, extend and close real listen keys shared with REST (see
//! [`streams`](crate::streams)); it echoes the request `id`, reports `rateLimits`,
//! checks `apiKey` and signatures (HMAC hex, Ed25519 or RSA base64, over the params except
//! `signature` sorted by name, `k=v` joined by `&`, not percent-encoded) and timestamps, and
//! supports `session.logon` for Ed25519 keys (after it, requests need only `timestamp`).
//! The handshake costs 5 weight; one that does not fit is refused with 429/418 and a Binance
//! error body. A parameter sent twice in `params` is answered -1101, as on REST.
//!
//! Test controls: [`drop_connections`](RunningWsApi::drop_connections),
//! [`freeze`](RunningWsApi::freeze), [`ping_connections`](RunningWsApi::ping_connections),
//! [`set_delay`](RunningWsApi::set_delay),
//! [`reverse_batches`](RunningWsApi::reverse_batches) and [`push_fault`](RunningWsApi::push_fault).
//!
//! ```no_run
//! # async fn demo() -> Result<(), binance_mock::MockError> {
//! use binance_mock::MockExchange;
//! // The spec binance-client was generated from: `binance_client::SPEC_DIR`.
//! let mock = MockExchange::builder().spec_dir("generated-client/spec").hmac_key("demo-key", "demo-secret").start().await?;
//! println!("{} {}", mock.base_url(), mock.ws_url()); // ws://127.0.0.1:<port>/ws-fapi/v1
//! # Ok(()) }
//! ```

mod methods;
pub(crate) mod server;
pub(crate) mod state;

pub use state::{WsFault, WsStats};

use crate::builder::MockExchangeBuilder;
use crate::error::MockError;
use crate::running::RunningMock;
use crate::shared::Shared;
use crate::weights::WeightKind;
use crate::MockExchange;
use binance_spec::ir::Product;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Path the mock answers on, as Binance's `wss://ws-fapi.binance.com/ws-fapi/v1` (any path is accepted).
pub const WS_PATH: &str = "/ws-fapi/v1";

/// Entry point: [`MockWsApi::builder`].
#[derive(Debug, Clone, Copy)]
pub struct MockWsApi;

impl MockWsApi {
    /// [`MockExchange::builder`] for a test that only uses the WebSocket side: the same
    /// defaults (no spec until one is given, no keys, the spec's limits, one-minute windows).
    pub fn builder() -> MockWsApiBuilder {
        MockWsApiBuilder { inner: MockExchange::builder() }
    }
}

/// [`MockExchangeBuilder`] returning the WebSocket handle; every setting is the same.
#[derive(Debug)]
pub struct MockWsApiBuilder {
    inner: MockExchangeBuilder,
}

impl MockWsApiBuilder {
    /// See [`MockExchangeBuilder::spec_dir`].
    pub fn spec_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.inner = self.inner.spec_dir(dir);
        self
    }

    /// See [`MockExchangeBuilder::products`].
    pub fn products(mut self, products: Vec<Product>) -> Self {
        self.inner = self.inner.products(products);
        self
    }

    /// See [`MockExchangeBuilder::hmac_key`].
    pub fn hmac_key(mut self, api_key: impl Into<String>, secret: impl AsRef<[u8]>) -> Self {
        self.inner = self.inner.hmac_key(api_key, secret);
        self
    }

    /// See [`MockExchangeBuilder::ed25519_key`]. Only Ed25519 keys may `session.logon`.
    pub fn ed25519_key(mut self, api_key: impl Into<String>, public_key: impl AsRef<[u8]>) -> Self {
        self.inner = self.inner.ed25519_key(api_key, public_key);
        self
    }

    /// The IP weight limit per window of the family the WebSocket API counts in (`fapi`):
    /// shared with REST, as on Binance.
    pub fn weight_limit(mut self, limit: u32) -> Self {
        self.inner = self.inner.ws_weight_limit(limit);
        self
    }

    /// See [`MockExchangeBuilder::window`].
    pub fn window(mut self, window: Duration) -> Self {
        self.inner = self.inner.window(window);
        self
    }

    /// Starts the whole mock (REST too) and returns the WebSocket handle, which owns it.
    pub async fn start(self) -> Result<RunningWsApi, MockError> {
        let mock = self.inner.start().await?;
        let mut ws = mock.ws();
        ws.owner = Some(Box::new(mock));
        Ok(ws)
    }
}

/// The WebSocket API of a running mock: its URL, counters and controls. The handle
/// [`MockWsApiBuilder::start`] returns owns the mock (dropping it stops both servers); one from
/// [`RunningMock::ws`] does not.
#[derive(Debug)]
pub struct RunningWsApi {
    pub(crate) addr: SocketAddr,
    pub(crate) shared: Arc<Shared>,
    pub(crate) owner: Option<Box<RunningMock>>,
}

impl RunningWsApi {
    /// `ws://127.0.0.1:<port>/ws-fapi/v1`: pass it to the client's `url`.
    pub fn url(&self) -> String {
        format!("ws://{}{WS_PATH}", self.addr)
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The mock this handle owns, when it owns one ([`MockWsApi::builder`]).
    pub fn mock(&self) -> Option<&RunningMock> {
        self.owner.as_deref()
    }

    /// The methods served, sorted.
    pub fn methods(&self) -> Vec<String> {
        let mut methods: Vec<String> = self.shared.table.ws.keys().cloned().collect();
        methods.sort();
        methods
    }

    /// A snapshot of the WebSocket counters.
    pub fn stats(&self) -> WsStats {
        self.shared.ws.stats().clone()
    }

    /// IP weight used in the current window of the WebSocket API's family (REST included:
    /// the budget is shared).
    pub fn used_weight(&self) -> u32 {
        self.shared.weights.used(&self.shared.table.ws_family, WeightKind::Ip, self.shared.server_time_ms())
    }

    /// Drops every open connection now, without a close frame (like a network failure).
    pub fn drop_connections(&self) {
        self.shared.ws.signal.send_modify(|s| s.drop_generation = s.drop_generation.wrapping_add(1));
    }

    /// While frozen, open connections read and answer nothing, not even pings: a dead peer.
    pub fn freeze(&self, frozen: bool) {
        self.shared.ws.signal.send_modify(|s| s.frozen = frozen);
    }

    /// Sends a ping on every open connection, as Binance does every 3 minutes; the pongs are
    /// counted in [`WsStats::pongs`].
    pub fn ping_connections(&self) {
        self.shared.ws.signal.send_modify(|s| s.ping_generation = s.ping_generation.wrapping_add(1));
    }

    /// Answers every request `delay` later (`None`: at once).
    pub fn set_delay(&self, delay: Option<Duration>) {
        self.shared.ws.controls().delay = delay;
    }

    /// Holds answers until `n` have accumulated on a connection, then sends them in reverse
    /// order (`0` or `1`: in order, at once).
    pub fn reverse_batches(&self, n: usize) {
        self.shared.ws.controls().reverse_batch = n;
    }

    /// Answers the next request (on any connection) with `fault` instead of its result;
    /// faults pushed in a row answer consecutive requests.
    pub fn push_fault(&self, fault: WsFault) {
        self.shared.ws.controls().faults.push_back(fault);
    }
}
