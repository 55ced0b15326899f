//! Market and user-data streams on loopback (`ws://`), part of the one mock exchange.
//!
//! [`MockExchange::builder`](crate::MockExchange::builder) starts the stream server with REST
//! and the WebSocket API, on the same spec and state: [`RunningMock::stream_url`] is its URL
//! (as `wss://fstream.binance.com`) and [`RunningMock::streams`] its controls, a
//! [`MockStreams`]. It serves Binance's three ways in: a raw stream `/ws/<name>` (payloads sent
//! as they are), combined streams `/stream?streams=a/b` (each payload wrapped as
//! `{"stream": name, "data": payload}`), and live `SUBSCRIBE` / `UNSUBSCRIBE` /
//! `LIST_SUBSCRIPTIONS` with ids on either. A test publishes payloads to a stream name (the
//! spec's examples via [`MockStreams::example`], or its own), drops every connection to test
//! reconnects, and scripts a diff-depth sequence with a gap through [`DepthScript`] (one made by
//! [`MockStreams::depth_script`] is also what REST `GET /fapi/v1/depth` answers for its symbol).
//!
//! **Listen keys are real.** `POST …/listenKey` (USDⓈ-M `/fapi/v1`, Portfolio Margin
//! `/papi/v1`) makes a key (or returns the account's live one, extended), `PUT` extends it by
//! 60 minutes (or answers `-1125 This listenKey does not exist.`), `DELETE` closes it. The
//! WebSocket API's `userDataStream.start`, `.ping` and `.stop` do the same on the same keys
//! (family: the one of the WebSocket API's product, `fapi` for `ws-fapi`), answering the key in
//! `result` and `-1125` in an error envelope; as the doc pages say, `.ping` and `.stop` take no
//! `listenKey` and act on the account's key (named by `apiKey` or `session.logon`). A stream
//! name without `@` that does not start with `!` is a listen key: it is served only while the
//! key is live. The doc pages do not say what Binance does with an unknown key; the mock refuses
//! it at once, so a client's mistake shows: `/ws/<key>` fails the handshake (HTTP 400 with the
//! `-1125` body) and a `SUBSCRIBE` to it is answered with an error. [`MockStreams::expire_listen_key`]
//! sends `listenKeyExpired` on the key's stream, as Binance does, and stops delivering to it;
//! [`MockStreams::listen_keys`] lists every key made with its keep-alive count.
//!
//! [`RunningMock::stream_url`]: crate::RunningMock::stream_url
//! [`RunningMock::streams`]: crate::RunningMock::streams

mod depth;
mod listen_keys;
pub(crate) mod server;

pub use depth::DepthScript;
pub use listen_keys::ListenKeyInfo;
pub(crate) use listen_keys::ListenKeyOp;

use crate::checks::Rejection;
use crate::shared::{lock, Shared};
use binance_spec::ir::Product;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::mpsc;

/// The REST path whose answers a [`DepthScript`] made by [`MockStreams::depth_script`] replaces.
const DEPTH_PATH: &str = "/fapi/v1/depth";

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
    listen_keys: listen_keys::ListenKeys,
    /// The REST depth snapshot of each scripted symbol, as its [`DepthScript`] last left it.
    depth: HashMap<String, String>,
}

/// The stream server's state inside the mock's shared state.
#[derive(Debug, Default)]
pub(crate) struct Hub {
    state: Mutex<State>,
    /// The spec's examples by `product/pattern` and `product/event type`.
    examples: BTreeMap<String, Vec<String>>,
}

impl Hub {
    pub(crate) fn new(products: &[Product]) -> Hub {
        let mut examples: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for p in products {
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
        Hub { state: Mutex::default(), examples }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update is one insert or remove: data a panic left behind is consistent.
        lock(&self.state)
    }

    /// The answer of a REST route whose state lives here (listen keys, scripted depth), once the
    /// request passed Binance's checks; `None` for every other route (its example is served).
    pub(crate) fn rest_answer(
        &self,
        method: &str,
        path: &str,
        security: crate::Security,
        params: &crate::params::RequestParams,
        api_key: Option<&str>,
        now_ms: i64,
    ) -> Option<Result<String, Rejection>> {
        if security == crate::Security::UserStream {
            if let Some(op) = ListenKeyOp::of_rest(method, path) {
                let family = crate::endpoints::family_of(path);
                let answer = self.listen_key(op, &family, api_key, params.get("listenKey"), now_ms);
                return Some(answer.map(|result| result.to_string()));
            }
        }
        if method == "GET" && path == DEPTH_PATH {
            let symbol = params.get("symbol")?;
            return self.lock().depth.get(symbol).cloned().map(Ok);
        }
        None
    }

    /// The `result` of a WebSocket API method whose state lives here (`userDataStream.start`,
    /// `.ping`, `.stop`: the listen keys REST keeps too), once the request passed Binance's
    /// checks; `None` for every other method (its example is served). `family` is the one of
    /// the WebSocket API's product (`fapi` for `ws-fapi`) and `api_key` the account, named by
    /// `apiKey` or by `session.logon`.
    pub(crate) fn ws_answer(
        &self,
        method: &str,
        security: crate::Security,
        family: &str,
        api_key: Option<&str>,
        now_ms: i64,
    ) -> Option<Result<serde_json::Value, Rejection>> {
        let op = ListenKeyOp::of_ws(method).filter(|_| security == crate::Security::UserStream)?;
        // The doc pages list no parameter for `userDataStream.ping` and `.stop` (only `apiKey`
        // in the request example): they act on the account's key, never on a named one.
        Some(self.listen_key(op, family, api_key, None, now_ms))
    }

    /// The `result` of a listen-key request, from REST or the WebSocket API alike:
    /// `{"listenKey": <key>}` for start and keep-alive, `{}` for close (whether or not a key was
    /// live: Binance's `DELETE` answers `{}`), `-1125` for a keep-alive without a live key.
    /// `family` and `api_key` name the account's key; a keep-alive's `named` key, when sent,
    /// must be that key.
    pub(crate) fn listen_key(
        &self,
        op: ListenKeyOp,
        family: &str,
        api_key: Option<&str>,
        named: Option<&str>,
        now_ms: i64,
    ) -> Result<serde_json::Value, Rejection> {
        let api_key = api_key.unwrap_or("-");
        let mut state = self.lock();
        let keys = &mut state.listen_keys;
        let key = match op {
            ListenKeyOp::Start => keys.start(family, api_key, now_ms),
            ListenKeyOp::KeepAlive => keys.keep_alive(family, api_key, named, now_ms)?,
            ListenKeyOp::Close => {
                if let Some(key) = keys.close(family, api_key, now_ms) {
                    state.unsubscribe_everywhere(&key);
                }
                return Ok(serde_json::json!({}));
            }
        };
        Ok(serde_json::json!({ "listenKey": key }))
    }

    fn is_live_key(&self, key: &str, now_ms: i64) -> bool {
        self.lock().listen_keys.is_live(key, now_ms)
    }
}

impl State {
    /// Stops delivering `stream` (a closed or expired listen key); a raw connection to it alone is dropped.
    fn unsubscribe_everywhere(&mut self, stream: &str) {
        self.conns.retain(|_, conn| {
            if conn.streams.remove(stream) && !conn.combined && conn.streams.is_empty() {
                let _ = conn.out.send(Out::Drop);
                return false;
            }
            true
        });
    }
}

/// The controls of the mock's stream server (a handle that does not own the mock; get it from
/// [`RunningMock::streams`](crate::RunningMock::streams)).
#[derive(Debug, Clone)]
pub struct MockStreams {
    pub(crate) addr: SocketAddr,
    pub(crate) shared: Arc<Shared>,
}

impl MockStreams {
    fn hub(&self) -> &Hub {
        &self.shared.streams
    }

    /// The base URL, e.g. `ws://127.0.0.1:40123` (as `wss://fstream.binance.com`).
    pub fn url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// The first example of a product's stream pattern (`<symbol>@aggTrade`) or event type
    /// (`ORDER_TRADE_UPDATE`) in the spec, as JSON text; `product` is the spec's module name
    /// (`usds_futures`): products send different payloads under one event type.
    pub fn example(&self, product: &str, pattern_or_event: &str) -> Option<&str> {
        self.hub().examples.get(&format!("{product}/{pattern_or_event}")).and_then(|e| e.first()).map(String::as_str)
    }

    /// Sends `payload` (JSON text) to every connection subscribed to `stream`; returns how
    /// many connections it went to. Nothing goes to a listen key that is not live.
    pub fn publish(&self, stream: &str, payload: &str) -> usize {
        if listen_keys::is_listen_key(stream) && !self.hub().is_live_key(stream, self.shared.server_time_ms()) {
            return 0;
        }
        let state = self.hub().lock();
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

    /// Expires a live listen key as Binance does when it was not kept alive: sends
    /// `{"e":"listenKeyExpired","E":<now>,"listenKey":<key>}` on its stream, then stops
    /// delivering to it (a keep-alive now gets `-1125`). Returns how many connections got the
    /// event, or `None` when the key was not live.
    pub fn expire_listen_key(&self, key: &str) -> Option<usize> {
        let now = self.shared.server_time_ms();
        let event =
            serde_json::json!({ "e": binance_spec::protocol::LISTEN_KEY_EXPIRED_EVENT, "E": now, "listenKey": key });
        let event = event.to_string();
        let sent = self.publish(key, &event);
        let mut state = self.hub().lock();
        if !state.listen_keys.expire(key, now) {
            return None;
        }
        state.unsubscribe_everywhere(key);
        Some(sent)
    }

    /// Every listen key made so far, oldest first, with its keep-alive count and whether it is live.
    pub fn listen_keys(&self) -> Vec<ListenKeyInfo> {
        self.hub().lock().listen_keys.infos(self.shared.server_time_ms())
    }

    /// A [`DepthScript`] for `symbol` whose state REST `GET /fapi/v1/depth?symbol=<symbol>`
    /// answers from now on (the whole scripted book, whatever the `limit`), kept current as the
    /// script changes.
    pub fn depth_script(&self, symbol: impl Into<String>, last_update_id: i64) -> DepthScript {
        DepthScript::served(symbol, last_update_id, Arc::clone(&self.shared))
    }

    /// Drops every open connection (a scripted disconnect); clients must reconnect.
    pub fn disconnect_all(&self) {
        let mut state = self.hub().lock();
        for conn in std::mem::take(&mut state.conns).into_values() {
            let _ = conn.out.send(Out::Drop);
        }
    }

    /// Sends a ping frame carrying `payload` on every open connection, as Binance's server
    /// does every 3 minutes; returns how many connections it went to. The pongs that come back
    /// are in [`Self::pongs`].
    pub fn ping_all(&self, payload: &[u8]) -> usize {
        let state = self.hub().lock();
        state.conns.values().filter(|c| c.out.send(Out::Ping(payload.to_vec())).is_ok()).count()
    }

    /// The payload of every pong received so far, in order of arrival.
    pub fn pongs(&self) -> Vec<Vec<u8>> {
        self.hub().lock().pongs.clone()
    }

    /// The streams subscribed on any open connection, sorted.
    pub fn subscriptions(&self) -> Vec<String> {
        let state = self.hub().lock();
        let all: BTreeSet<&String> = state.conns.values().flat_map(|c| c.streams.iter()).collect();
        all.into_iter().cloned().collect()
    }

    /// Every control message (`SUBSCRIBE`, …) received so far, as sent.
    pub fn control_messages(&self) -> Vec<String> {
        self.hub().lock().control.clone()
    }

    /// How many connections were accepted so far.
    pub fn connections(&self) -> u64 {
        self.hub().lock().connections
    }
}

/// Records the REST snapshot of a served [`DepthScript`].
pub(crate) fn serve_depth(shared: &Shared, symbol: &str, snapshot: String) {
    shared.streams.lock().depth.insert(symbol.to_owned(), snapshot);
}
