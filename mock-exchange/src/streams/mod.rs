//! Market and user-data streams on loopback (`ws://`), for tests of stream clients.
//!
//! [`MockStreams`] serves Binance's three ways in: a raw stream `/ws/<name>` (payloads sent as
//! they are), combined streams `/stream?streams=a/b` (each payload wrapped as
//! `{"stream": name, "data": payload}`), and live `SUBSCRIBE` / `UNSUBSCRIBE` /
//! `LIST_SUBSCRIPTIONS` with ids on either. A test publishes payloads to a stream name (the
//! spec's examples via [`MockStreams::example`], or its own), drops every connection to test
//! reconnects, and scripts a diff-depth sequence with a gap through [`DepthScript`]. An
//! expired listen key is a `listenKeyExpired` event published on the key's stream.

mod depth;
mod server;

pub use depth::DepthScript;

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::mpsc;

/// What the server sends a connection.
#[derive(Debug)]
enum Out {
    /// A text frame.
    Text(String),
    /// Close the connection (a scripted disconnect).
    Drop,
    /// A ping frame with this payload, as Binance's server sends every 3 minutes.
    Ping(Vec<u8>),
}

/// One open connection as the publisher sees it.
#[derive(Debug)]
struct Conn {
    combined: bool,
    streams: BTreeSet<String>,
    out: mpsc::UnboundedSender<Out>,
}

#[derive(Debug, Default)]
struct State {
    conns: BTreeMap<u64, Conn>,
    next_conn: u64,
    /// Every control message received, as sent.
    control: Vec<String>,
    connections: u64,
    /// The payload of every pong received, in order.
    pongs: Vec<Vec<u8>>,
}

/// A running stream server; it stops when dropped.
#[derive(Debug)]
pub struct MockStreams {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    examples: BTreeMap<String, Vec<String>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for MockStreams {
    fn drop(&mut self) {
        self.accept.abort();
        self.disconnect_all();
    }
}

impl MockStreams {
    /// Starts a server on `127.0.0.1` with the examples of every stream and event of the spec
    /// files in `spec_dir` (by product and name pattern or event type; see [`Self::example`]).
    pub async fn start(spec_dir: impl AsRef<Path>) -> Result<MockStreams, crate::MockError> {
        let products = binance_spec::Specs::new()
            .dir(spec_dir.as_ref())
            .validate()
            .map_err(|diagnostics| crate::MockError::Spec { dir: spec_dir.as_ref().to_path_buf(), diagnostics })?;
        let mut examples: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for p in &products {
            for s in &p.streams.market {
                for pattern in &s.patterns {
                    examples
                        .entry(format!("{}/{}", p.module, pattern.pattern))
                        .or_default()
                        .extend(s.examples.iter().cloned());
                }
            }
            for e in &p.streams.events {
                examples
                    .entry(format!("{}/{}", p.module, e.event_type))
                    .or_default()
                    .extend(e.examples.iter().cloned());
            }
        }
        let bind = |source| crate::MockError::Bind { port: 0, source };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(bind)?;
        let addr = listener.local_addr().map_err(bind)?;
        let state = Arc::new(Mutex::new(State::default()));
        let accept = tokio::spawn(server::accept_loop(listener, state.clone()));
        Ok(MockStreams { addr, state, examples, accept })
    }

    /// The base URL, e.g. `ws://127.0.0.1:40123` (as `wss://fstream.binance.com`).
    pub fn url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// The first example of a product's stream pattern (`<symbol>@aggTrade`) or event type
    /// (`ORDER_TRADE_UPDATE`) in the spec, as JSON text; `product` is the spec's module name
    /// (`usds_futures`): products send different payloads under one event type.
    pub fn example(&self, product: &str, pattern_or_event: &str) -> Option<&str> {
        self.examples.get(&format!("{product}/{pattern_or_event}")).and_then(|e| e.first()).map(String::as_str)
    }

    /// Sends `payload` (JSON text) to every connection subscribed to `stream`; returns how
    /// many connections it went to.
    pub fn publish(&self, stream: &str, payload: &str) -> usize {
        let state = self.lock();
        let mut sent = 0;
        for conn in state.conns.values().filter(|c| c.streams.contains(stream)) {
            let text = if conn.combined {
                format!(r#"{{"stream":{},"data":{payload}}}"#, serde_json::Value::from(stream))
            } else {
                payload.to_string()
            };
            if conn.out.send(Out::Text(text)).is_ok() {
                sent += 1;
            }
        }
        sent
    }

    /// Drops every open connection (a scripted disconnect); clients must reconnect.
    pub fn disconnect_all(&self) {
        let mut state = self.lock();
        for conn in std::mem::take(&mut state.conns).into_values() {
            let _ = conn.out.send(Out::Drop);
        }
    }

    /// Sends a ping frame carrying `payload` on every open connection, as Binance's server
    /// does every 3 minutes; returns how many connections it went to. The pongs that come back
    /// are in [`Self::pongs`].
    pub fn ping_all(&self, payload: &[u8]) -> usize {
        let state = self.lock();
        state.conns.values().filter(|c| c.out.send(Out::Ping(payload.to_vec())).is_ok()).count()
    }

    /// The payload of every pong received so far, in order of arrival.
    pub fn pongs(&self) -> Vec<Vec<u8>> {
        self.lock().pongs.clone()
    }

    /// The streams subscribed on any open connection, sorted.
    pub fn subscriptions(&self) -> Vec<String> {
        let state = self.lock();
        let all: BTreeSet<&String> = state.conns.values().flat_map(|c| c.streams.iter()).collect();
        all.into_iter().cloned().collect()
    }

    /// Every control message (`SUBSCRIBE`, …) received so far, as sent.
    pub fn control_messages(&self) -> Vec<String> {
        self.lock().control.clone()
    }

    /// How many connections were accepted so far.
    pub fn connections(&self) -> u64 {
        self.lock().connections
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent data (every update is one insert
        // or remove): keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}
