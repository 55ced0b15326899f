//! The WebSocket API side of the mock exchange (`ws-fapi`), started on its own.
//!
//! It serves every spec endpoint that names a WebSocket method with the `result` of its first
//! example (the examples are whole envelopes), echoes the request `id`, reports `rateLimits`,
//! checks `apiKey` and signatures (HMAC hex, Ed25519 or RSA base64, over the params except
//! `signature` sorted by name, `k=v` joined by `&`, not percent-encoded) and timestamps, and
//! supports `session.logon` for Ed25519 keys (after it, requests need only `timestamp`).
//! Weight is counted per IP in one window (handshake 5, each method its spec weight; 429 with
//! `retryAfter` over the limit) and per connection.
//!
//! Test controls: [`drop_connections`](RunningWsApi::drop_connections),
//! [`freeze`](RunningWsApi::freeze), [`ping_connections`](RunningWsApi::ping_connections),
//! [`set_delay`](RunningWsApi::set_delay),
//! [`reverse_batches`](RunningWsApi::reverse_batches) and [`push_fault`](RunningWsApi::push_fault).
//!
//! ```no_run
//! # async fn demo() -> Result<(), binance_mock::MockError> {
//! use binance_mock::ws::MockWsApi;
//! let ws = MockWsApi::builder().hmac_key("demo-key", "demo-secret").start().await?;
//! println!("{}", ws.url()); // ws://127.0.0.1:<port>/ws-fapi/v1
//! # Ok(()) }
//! ```

mod methods;
mod server;
mod state;

pub use state::{WsFault, WsStats};

use crate::error::MockError;
use crate::keys::KeyMaterial;
use crate::DEFAULT_SPEC_DIR;
use binance_codegen::ir::Product;
use state::{Controls, IpWeight, Signal, WsShared};
use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Path the mock answers on, as Binance's `wss://ws-fapi.binance.com/ws-fapi/v1` (any path is accepted).
pub const WS_PATH: &str = "/ws-fapi/v1";

/// Entry point: [`MockWsApi::builder`].
#[derive(Debug, Clone, Copy)]
pub struct MockWsApi;

impl MockWsApi {
    /// A builder with the workspace spec, no keys, a one-minute window and a 2400 weight limit.
    pub fn builder() -> MockWsApiBuilder {
        MockWsApiBuilder {
            spec_dir: PathBuf::from(DEFAULT_SPEC_DIR),
            products: None,
            keys: HashMap::new(),
            key_errors: Vec::new(),
            limit: 2400,
            window: Duration::from_secs(60),
        }
    }
}

/// Configuration of a WebSocket API mock; [`start`](Self::start) runs it.
pub struct MockWsApiBuilder {
    spec_dir: PathBuf,
    products: Option<Vec<Product>>,
    keys: HashMap<String, KeyMaterial>,
    key_errors: Vec<MockError>,
    limit: u32,
    window: Duration,
}

// Keys print as `api key: kind`, never their material.
impl fmt::Debug for MockWsApiBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockWsApiBuilder")
            .field("spec_dir", &self.spec_dir)
            .field("keys", &self.keys)
            .field("limit", &self.limit)
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl MockWsApiBuilder {
    /// Reads the spec from `dir` instead of the workspace's `spec/`.
    pub fn spec_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.spec_dir = dir.into();
        self
    }

    /// Serves these already validated products instead of reading a spec directory.
    pub fn products(mut self, products: Vec<Product>) -> Self {
        self.products = Some(products);
        self
    }

    /// Accepts `api_key` with HMAC-SHA256 (hex) signatures made with `secret`.
    pub fn hmac_key(mut self, api_key: impl Into<String>, secret: impl AsRef<[u8]>) -> Self {
        self.keys.insert(api_key.into(), KeyMaterial::hmac(secret.as_ref()));
        self
    }

    /// Accepts `api_key` with Ed25519 (base64) signatures verified by `public_key`: a
    /// `BEGIN PUBLIC KEY` PEM text, its DER bytes, or the raw 32 bytes. This key may `session.logon`.
    pub fn ed25519_key(mut self, api_key: impl Into<String>, public_key: impl AsRef<[u8]>) -> Self {
        let api_key = api_key.into();
        match KeyMaterial::ed25519(public_key.as_ref()) {
            Ok(key) => {
                self.keys.insert(api_key, key);
            }
            Err(reason) => self.key_errors.push(MockError::InvalidKey { api_key, reason }),
        }
        self
    }

    /// The IP weight limit per window (default 2400, fapi's).
    pub fn weight_limit(mut self, limit: u32) -> Self {
        self.limit = limit;
        self
    }

    /// The window weight is counted in (default one minute).
    pub fn window(mut self, window: Duration) -> Self {
        self.window = window.max(Duration::from_millis(1));
        self
    }

    /// Loads the spec, binds 127.0.0.1 on a free port and serves in a task of the current runtime.
    pub async fn start(self) -> Result<RunningWsApi, MockError> {
        if let Some(error) = self.key_errors.into_iter().next() {
            return Err(error);
        }
        let products = match self.products {
            Some(products) => products,
            None => binance_codegen::Config::new()
                .spec_dir(&self.spec_dir)
                .validate()
                .map_err(|diagnostics| MockError::Spec { dir: self.spec_dir.clone(), diagnostics })?,
        };
        let (signal, _) = watch::channel(Signal::default());
        let shared = Arc::new(WsShared {
            methods: methods::from_products(&products),
            keys: self.keys,
            controls: Mutex::new(Controls::default()),
            stats: Mutex::default(),
            weight: Mutex::new(IpWeight::new(self.limit, self.window)),
            signal,
        });
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .map_err(|source| MockError::Bind { port: 0, source })?;
        let addr = listener.local_addr().map_err(|source| MockError::Bind { port: 0, source })?;
        let task = tokio::spawn(server::accept_loop(listener, Arc::clone(&shared)));
        Ok(RunningWsApi { addr, shared, task })
    }
}

/// A running WebSocket API mock. Dropping it stops accepting and drops every connection.
#[derive(Debug)]
pub struct RunningWsApi {
    addr: SocketAddr,
    shared: Arc<WsShared>,
    task: JoinHandle<()>,
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

    /// The methods served, sorted.
    pub fn methods(&self) -> Vec<String> {
        let mut methods: Vec<String> = self.shared.methods.keys().cloned().collect();
        methods.sort();
        methods
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> WsStats {
        self.shared.stats().clone()
    }

    /// IP weight used in the current window (handshakes and requests of every connection).
    pub fn used_weight(&self) -> u32 {
        self.shared.weight().used()
    }

    /// Drops every open connection now, without a close frame (like a network failure).
    pub fn drop_connections(&self) {
        self.shared.signal.send_modify(|s| s.drop_generation = s.drop_generation.wrapping_add(1));
    }

    /// While frozen, open connections read and answer nothing, not even pings: a dead peer.
    pub fn freeze(&self, frozen: bool) {
        self.shared.signal.send_modify(|s| s.frozen = frozen);
    }

    /// Sends a ping on every open connection, as Binance does every 3 minutes; the pongs are
    /// counted in [`WsStats::pongs`].
    pub fn ping_connections(&self) {
        self.shared.signal.send_modify(|s| s.ping_generation = s.ping_generation.wrapping_add(1));
    }

    /// Answers every request `delay` later (`None`: at once).
    pub fn set_delay(&self, delay: Option<Duration>) {
        self.shared.controls().delay = delay;
    }

    /// Holds answers until `n` have accumulated on a connection, then sends them in reverse
    /// order (`0` or `1`: in order, at once).
    pub fn reverse_batches(&self, n: usize) {
        self.shared.controls().reverse_batch = n;
    }

    /// Answers the next request (on any connection) with `fault` instead of its result;
    /// faults pushed in a row answer consecutive requests.
    pub fn push_fault(&self, fault: WsFault) {
        self.shared.controls().faults.push_back(fault);
    }
}

impl Drop for RunningWsApi {
    fn drop(&mut self) {
        self.task.abort();
        self.drop_connections();
    }
}
