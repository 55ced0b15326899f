//! What the WebSocket API mock's connections and its test controls share.

use crate::shared::lock;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::watch;

/// Weight of a WebSocket handshake.
pub(crate) const HANDSHAKE_WEIGHT: u32 = 5;

/// An error envelope the mock answers instead of the method's result.
#[derive(Debug, Clone, PartialEq)]
pub struct WsFault {
    /// The envelope's `status` (HTTP-like: 400, 429, 418, 503, ...).
    pub status: u16,
    /// Binance's error code.
    pub code: i64,
    /// Binance's message.
    pub msg: String,
    /// `error.data.retryAfter`: this long from the moment of answering, as epoch milliseconds.
    pub retry_after: Option<Duration>,
}

impl WsFault {
    /// A plain Binance rejection, e.g. `WsFault::api(400, -1021, "Timestamp for this request is outside of the recvWindow.")`.
    pub fn api(status: u16, code: i64, msg: impl Into<String>) -> WsFault {
        WsFault { status, code, msg: msg.into(), retry_after: None }
    }

    /// Status 429, code -1003, with `retryAfter` `after` from now.
    pub fn rate_limited(after: Duration) -> WsFault {
        let msg = "Too many requests; current limit of IP is 2400 requests per minute.";
        WsFault { status: 429, code: -1003, msg: msg.into(), retry_after: Some(after) }
    }

    /// Status 418 (IP banned), code -1003, with `retryAfter` `after` from now.
    pub fn banned(after: Duration) -> WsFault {
        let msg = "Way too many requests; IP banned until the time in retryAfter.";
        WsFault { status: 418, code: -1003, msg: msg.into(), retry_after: Some(after) }
    }
}

/// A snapshot of what the WebSocket API mock has seen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WsStats {
    /// Connections accepted (handshakes completed).
    pub connections: u64,
    /// Requests received per method (every request, including rejected and faulted ones).
    pub requests: BTreeMap<String, u64>,
    /// Successful `session.logon`s.
    pub logons: u64,
    /// Error envelopes answered (rejections and injected faults).
    pub errors: u64,
    /// The `params` of the last request, as received.
    pub last_params: Option<serde_json::Value>,
    /// Weight charged to each connection, in accept order (handshake included).
    pub connection_weights: Vec<u32>,
    /// Pongs received (answers to [`ping_connections`](super::RunningWsApi::ping_connections)).
    pub pongs: u64,
}

impl WsStats {
    /// Requests received for `method`.
    pub fn requests_to(&self, method: &str) -> u64 {
        self.requests.get(method).copied().unwrap_or(0)
    }
}

/// Test controls, read by every connection.
#[derive(Debug, Default)]
pub(crate) struct Controls {
    /// Answer each request this much later.
    pub(crate) delay: Option<Duration>,
    /// Collect this many answers per connection, then send them in reverse order (0 or 1: off).
    pub(crate) reverse_batch: usize,
    /// Faults answered to the next requests, one each, in order.
    pub(crate) faults: VecDeque<WsFault>,
}

/// Signals pushed to every open connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Signal {
    /// Bumped to drop every open connection at once (no close frame).
    pub(crate) drop_generation: u64,
    /// Connections stop reading and answering (pings included): a dead peer.
    pub(crate) frozen: bool,
    /// Bumped to have every open connection send a ping.
    pub(crate) ping_generation: u64,
}

/// The WebSocket API's own state inside the mock's shared state.
#[derive(Debug)]
pub(crate) struct WsState {
    pub(crate) controls: Mutex<Controls>,
    pub(crate) stats: Mutex<WsStats>,
    pub(crate) signal: watch::Sender<Signal>,
}

impl Default for WsState {
    fn default() -> WsState {
        let (signal, _) = watch::channel(Signal::default());
        WsState { controls: Mutex::default(), stats: Mutex::default(), signal }
    }
}

impl WsState {
    pub(crate) fn controls(&self) -> MutexGuard<'_, Controls> {
        lock(&self.controls)
    }
    pub(crate) fn stats(&self) -> MutexGuard<'_, WsStats> {
        lock(&self.stats)
    }
}
