//! The market/user-data stream client: many streams on one combined-stream connection.
//!
//! One background task owns the connection (`<url>/stream`, every message wrapped as
//! `{"stream": name, "data": payload}`). [`StreamClient::subscribe`] sends a `SUBSCRIBE` with
//! an id and returns once the server confirmed it; dropping the [`Subscription`] unsubscribes
//! when it was the stream's last subscriber. A refused SUBSCRIBE of several streams (one reply
//! answers the whole request) is sent again in halves, so that only the refused stream is
//! rejected, not those batched with it. Control messages carry at most 200 names, are paced
//! to the configured messages per second (default 5; Binance's limit is 10, pongs included),
//! and a connection holds at most the configured number of streams (Binance: 1024).
//!
//! **Backpressure.** Each subscription has a bounded buffer. The connection task never waits
//! for a slow consumer (that would stall every other stream and the server's pings): when a
//! subscription's buffer is full its messages are dropped and counted, and the next item it
//! receives once there is room is `Err(StreamError::Lagged { missed })`. A decode failure is an
//! `Err(StreamError::Decode(_))` item; the stream goes on.
//!
//! **Reconnects.** When the connection fails, closes or goes silent (no frame at all, not even
//! the server's ping, for [`StreamConfig::read_timeout`]), the task reconnects after a
//! [`Backoff`] delay, subscribes every stream again, and gives each subscription an
//! `Err(StreamError::Reconnected)` item: events may have been missed in between (an order book
//! must resynchronise). The delays grow while connections keep failing and start again from the
//! first one after a connection that lasted (see [`Backoff::connection_ended`]). The connection
//! is also renewed before Binance's 24-hour limit ([`StreamConfig::renew_after`]): closed and
//! opened again at once, with the same `Reconnected` item. Server pings are answered (a pong
//! with the same payload) by tungstenite as the task always polls the connection.
//!
//! **Testing time.** The connection task is generic over how it opens connections
//! ([`Connector`]): the client dials TCP, the unit tests hand it in-memory connections so that
//! renewal, backoff, pacing and timeouts run under Tokio's paused clock without waiting (real
//! sockets and paused time mix badly: the clock auto-advances while socket I/O is pending).

use super::{Backoff, StreamDescriptor};
use futures_util::{SinkExt, Stream, StreamExt};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, oneshot};
use tokio::time::{sleep, sleep_until, timeout, Instant};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// How long one connection attempt (TCP, TLS and the WebSocket handshake) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Bytes tungstenite reads from the socket at a time. Its default, 128 KiB, is zeroed before
/// every read attempt, including each one that finds nothing to read: a stream of small events
/// spent about 14% of its CPU in that `memset` (perf, `stream_loopback` bench). 16 KiB holds
/// about a hundred `aggTrade` messages; a larger message still arrives whole (the buffer grows
/// to the frame, up to tungstenite's `max_message_size`).
const READ_BUFFER: usize = 16 * 1024;

/// The most stream names one SUBSCRIBE or UNSUBSCRIBE carries, for new subscriptions and for
/// re-subscribing after a reconnect alike. The docs name no such limit (only 1024 streams per
/// connection); this keeps each frame small, and a refused one cheaper to split.
const NAMES_PER_MESSAGE: usize = 200;

/// Control messages sent per second by default. Binance allows 10 incoming messages per second
/// per connection and counts pongs too: at its full rate, a pong answering a ping amid a run of
/// SUBSCRIBEs made 11 within a second. With up to 200 names per message, 5 per second costs
/// nothing in practice.
const DEFAULT_MESSAGES_PER_SECOND: u32 = 5;

/// Why a stream item is not an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StreamError {
    /// The payload did not decode into the stream's type.
    #[error(transparent)]
    Decode(#[from] super::DecodeError),
    /// The consumer was too slow: `missed` messages were dropped because its buffer was full.
    #[error("{missed} stream messages were dropped because the subscription's buffer was full; read faster or raise StreamConfig::buffer")]
    Lagged {
        /// How many messages were dropped.
        missed: u64,
    },
    /// The connection was lost and re-established; events in between may be missing.
    #[error("the stream connection was re-established; events may have been missed")]
    Reconnected,
    /// The server refused the subscription: as `subscribe`'s error, or as a subscription's
    /// last item when its stream is refused on re-subscription after a reconnect.
    #[error("the server refused the subscription: {0}")]
    Rejected(String),
    /// The connection already holds the configured maximum of streams.
    #[error("the connection already holds {0} streams, the most Binance allows; use another StreamClient")]
    TooManyStreams(usize),
    /// The server did not confirm the subscription in time.
    #[error("the subscription was not confirmed within {0:?}; is the stream URL right and reachable?")]
    Timeout(Duration),
    /// The client's connection task has ended.
    #[error("the stream client has shut down")]
    Closed,
    /// A user data stream's listen key expired (`listenKeyExpired`, or a keep-alive answered
    /// `-1125`) and a new key was started and subscribed: events in between may be missing,
    /// re-read orders, positions and balances from REST.
    #[error("the listen key expired and a new one was started; events may have been missed: re-sync account state from REST")]
    ListenKeyRenewed,
    /// Keeping a user data stream's listen key alive failed; it is retried with backoff while
    /// the key may still be valid, then a new key is started.
    #[error("keeping the listen key alive failed (retried with backoff): {0}")]
    KeepAliveFailed(String),
    /// Starting a user data stream's listen key (or its events) failed.
    #[error("starting the listen key's user data stream failed: {0}")]
    ListenKey(String),
}

/// Settings of a [`StreamClient`].
#[derive(Debug, Clone)]
pub struct StreamConfig {
    url: String,
    buffer: usize,
    max_streams: usize,
    messages_per_second: u32,
    backoff: Backoff,
    renew_after: Duration,
    confirm_timeout: Duration,
    read_timeout: Duration,
}

impl StreamConfig {
    /// Streams from `url`, the market-stream base (`wss://fstream.binance.com`, or a mock's
    /// `ws://127.0.0.1:<port>`); the client connects to `<url>/stream`.
    pub fn new(url: impl Into<String>) -> Self {
        StreamConfig {
            url: url.into().trim_end_matches('/').to_string(),
            buffer: 1024,
            max_streams: 1024,
            messages_per_second: DEFAULT_MESSAGES_PER_SECOND,
            backoff: Backoff::default(),
            renew_after: Duration::from_secs(23 * 3600 + 30 * 60),
            confirm_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(5 * 60),
        }
    }
    /// Messages each subscription buffers before it lags (default 1024, at least 1).
    pub fn buffer(mut self, messages: usize) -> Self {
        self.buffer = messages.max(1);
        self
    }
    /// Streams one connection may hold (default 1024, Binance's limit).
    pub fn max_streams(mut self, streams: usize) -> Self {
        self.max_streams = streams;
        self
    }
    /// Control messages per second (default 5: half of Binance's limit of 10 incoming messages
    /// per second, which counts the pongs to its pings too; at least 1).
    pub fn messages_per_second(mut self, n: u32) -> Self {
        self.messages_per_second = n.max(1);
        self
    }
    /// Reconnect delays (default 250 ms doubling to 30 s).
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }
    /// How long a connection is used before it is renewed (default 23 h 30 min, under
    /// Binance's 24 h).
    pub fn renew_after(mut self, after: Duration) -> Self {
        self.renew_after = after;
        self
    }
    /// How long `subscribe` waits for the server's confirmation (default 10 s).
    pub fn confirm_timeout(mut self, timeout: Duration) -> Self {
        self.confirm_timeout = timeout;
        self
    }
    /// How long a connection may stay silent (no frame at all) before it is taken for dead and
    /// replaced (default 5 min: Binance pings every 3 minutes, so a quiet stream still hears
    /// from the server; 5 minutes of silence means a ping is 2 minutes overdue, as on a
    /// half-open TCP connection whose peer is gone).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }
}

/// A handle to one stream connection; clones share it. The connection task ends when every
/// handle and every subscription is dropped.
#[derive(Debug, Clone)]
pub struct StreamClient {
    commands: mpsc::Sender<Command>,
    confirm_timeout: Duration,
    buffer: usize,
}

/// Typed events of one stream: a `futures::Stream` of `Result<Event, StreamError>`.
pub struct Subscription<T> {
    name: String,
    id: u64,
    items: mpsc::Receiver<Result<T, StreamError>>,
    commands: mpsc::Sender<Command>,
}

impl<T> std::fmt::Debug for Subscription<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription").field("id", &self.id).finish_non_exhaustive()
    }
}

impl<T> Subscription<T> {
    /// The stream name subscribed to (listen keys are not shown in `Debug`).
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl<T> Stream for Subscription<T> {
    type Item = Result<T, StreamError>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.items.poll_recv(cx)
    }
}

impl<T> Drop for Subscription<T> {
    fn drop(&mut self) {
        // Best effort: when the command queue is full the task notices the closed channel on
        // the stream's next message and unsubscribes then.
        let _ = self.commands.try_send(Command::Unsubscribe { name: std::mem::take(&mut self.name), id: self.id });
    }
}

enum Command {
    Subscribe { name: String, id: u64, sink: Box<dyn Sink>, confirmed: oneshot::Sender<Result<(), StreamError>> },
    Unsubscribe { name: String, id: u64 },
}

/// Where one subscription's messages go: decoded and offered to its bounded buffer.
trait Sink: Send {
    /// Offers one payload; `false` once the subscription is gone.
    fn deliver(&mut self, data: &str) -> bool;
    /// Offers a notice (reconnected, rejected); `false` once the subscription is gone.
    fn notify(&mut self, notice: StreamError) -> bool;
}

struct TypedSink<D: StreamDescriptor> {
    items: mpsc::Sender<Result<D::Event, StreamError>>,
    missed: u64,
}

impl<D: StreamDescriptor> TypedSink<D> {
    fn offer(&mut self, make: impl FnOnce() -> Result<D::Event, StreamError>) -> bool {
        if self.items.is_closed() {
            return false;
        }
        if self.missed > 0 {
            match self.items.try_send(Err(StreamError::Lagged { missed: self.missed })) {
                Ok(()) => self.missed = 0,
                Err(_) => {
                    self.missed += 1;
                    return true;
                }
            }
        }
        // Decoded only when there is room: a lagging consumer costs no decoding.
        if self.items.capacity() == 0 {
            self.missed += 1;
            return true;
        }
        if self.items.try_send(make()).is_err() {
            self.missed += 1;
        }
        true
    }
}

impl<D: StreamDescriptor> Sink for TypedSink<D> {
    fn deliver(&mut self, data: &str) -> bool {
        self.offer(|| D::decode(data).map_err(StreamError::Decode))
    }
    fn notify(&mut self, notice: StreamError) -> bool {
        self.offer(|| Err(notice))
    }
}

impl StreamClient {
    /// Starts the connection task (it connects at once and keeps reconnecting); needs a Tokio
    /// runtime.
    pub fn connect(config: StreamConfig) -> StreamClient {
        let (commands, rx) = mpsc::channel(256);
        let (confirm_timeout, buffer) = (config.confirm_timeout, config.buffer);
        let dial = Dial { url: format!("{}/stream", config.url) };
        tokio::spawn(Task::new(config, rx, dial).run());
        StreamClient { commands, confirm_timeout, buffer }
    }

    /// A client whose connections come from `connector` (the unit tests' in-memory server).
    #[cfg(test)]
    fn with_connector(config: StreamConfig, connector: impl Connector) -> StreamClient {
        let (commands, rx) = mpsc::channel(256);
        let (confirm_timeout, buffer) = (config.confirm_timeout, config.buffer);
        tokio::spawn(Task::new(config, rx, connector).run());
        StreamClient { commands, confirm_timeout, buffer }
    }

    /// Subscribes to `stream` and returns its typed events once the server confirmed it.
    pub async fn subscribe<D: StreamDescriptor + 'static>(
        &self,
        stream: &D,
    ) -> Result<Subscription<D::Event>, StreamError> {
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (tx, items) = mpsc::channel(self.buffer);
        let (confirmed, answer) = oneshot::channel();
        let name = stream.name();
        let sink: Box<dyn Sink> = Box::new(TypedSink::<D> { items: tx, missed: 0 });
        self.commands
            .send(Command::Subscribe { name: name.clone(), id, sink, confirmed })
            .await
            .map_err(|_| StreamError::Closed)?;
        let subscription = Subscription { name, id, items, commands: self.commands.clone() };
        match timeout(self.confirm_timeout, answer).await {
            Ok(Ok(Ok(()))) => Ok(subscription),
            Ok(Ok(Err(e))) => Err(e),
            Ok(Err(_)) => Err(StreamError::Closed),
            Err(_) => Err(StreamError::Timeout(self.confirm_timeout)),
        }
    }
}

/// Every message the server sends on a combined connection: a stream message or a reply.
#[derive(Deserialize)]
struct Incoming<'a> {
    #[serde(borrow, default)]
    stream: Option<&'a str>,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
    #[serde(default)]
    id: Option<u64>,
    #[serde(borrow, default)]
    error: Option<&'a RawValue>,
    #[serde(borrow, default)]
    code: Option<&'a RawValue>,
}

impl Incoming<'_> {
    /// The refusal a reply carries, if any: an error object nested in `"error"`, or the reply
    /// itself when it has a `"code"` (the Live-Subscribing page's error table shows refusals
    /// as `{"code": 2, "msg": "Invalid request: …"}`). Only a reply with neither confirms.
    fn refusal(&self, text: &str) -> Option<String> {
        match (self.error, self.code) {
            (Some(error), _) => Some(error.get().to_string()),
            (None, Some(_)) => Some(text.to_string()),
            (None, None) => None,
        }
    }
}

/// One stream's subscribers, by subscription id.
type Subscribers = Vec<(u64, Box<dyn Sink>)>;

/// Opens the task's connections: [`Dial`] in the client, an in-memory server in the tests.
trait Connector: Send + 'static {
    /// The byte stream under the WebSocket.
    type Io: AsyncRead + AsyncWrite + Unpin + Send + 'static;
    /// One attempt; `None` when it failed (the task backs off and tries again).
    fn connect(&mut self) -> impl Future<Output = Option<WebSocketStream<Self::Io>>> + Send;
}

/// Dials the combined-stream URL over TCP (TLS for `wss://`).
struct Dial {
    url: String,
}

impl Connector for Dial {
    type Io = tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>;
    async fn connect(&mut self) -> Option<WebSocketStream<Self::Io>> {
        let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER);
        let connect = tokio_tungstenite::connect_async_with_config(self.url.as_str(), Some(config), false);
        match timeout(CONNECT_TIMEOUT, connect).await {
            Ok(Ok((ws, _))) => Some(ws),
            _ => None,
        }
    }
}

/// Why [`Task::serve`] stopped using a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ended {
    /// It failed or the server closed it: reconnect after a backoff delay.
    Lost,
    /// No frame for `read_timeout`: taken for dead, closed, reconnect after a backoff delay.
    Silent,
    /// Due for renewal before Binance's 24 h limit: closed, reconnect at once.
    Renewed,
    /// Every handle is gone: the task ends.
    Finished,
}

struct Task<C> {
    connector: C,
    config: StreamConfig,
    commands: mpsc::Receiver<Command>,
    /// Subscribers by stream name.
    sinks: HashMap<String, Subscribers>,
    /// Confirmations owed, by stream name.
    waiting: HashMap<String, Vec<oneshot::Sender<Result<(), StreamError>>>>,
    /// SUBSCRIBE/UNSUBSCRIBE messages not sent yet.
    control: VecDeque<(&'static str, Vec<String>)>,
    /// Sent requests by id: the stream names of a SUBSCRIBE (empty for UNSUBSCRIBE).
    in_flight: HashMap<u64, Vec<String>>,
    next_request: u64,
    next_send: Instant,
    handles_gone: bool,
}

impl<C: Connector> Task<C> {
    fn new(config: StreamConfig, commands: mpsc::Receiver<Command>, connector: C) -> Self {
        Task {
            connector,
            config,
            commands,
            sinks: HashMap::new(),
            waiting: HashMap::new(),
            control: VecDeque::new(),
            in_flight: HashMap::new(),
            next_request: 1,
            next_send: Instant::now(),
            handles_gone: false,
        }
    }

    async fn run(mut self) {
        let mut connected_before = false;
        loop {
            if self.finished() {
                return;
            }
            let Some(ws) = self.connector.connect().await else {
                let delay = self.config.backoff.next_delay();
                self.idle(delay).await;
                continue;
            };
            let opened = Instant::now();
            // Every stream again, batched as new subscriptions are.
            self.in_flight.clear();
            self.control.clear();
            let names: Vec<String> = self.sinks.keys().cloned().collect();
            for name in names {
                self.queue("SUBSCRIBE", name);
            }
            if connected_before {
                self.notify_all(StreamError::Reconnected);
            }
            connected_before = true;
            let ended = self.serve(ws).await;
            self.config.backoff.connection_ended(opened.elapsed());
            match ended {
                Ended::Finished => return,
                Ended::Renewed => continue,
                Ended::Lost | Ended::Silent => {
                    let delay = self.config.backoff.next_delay();
                    self.idle(delay).await;
                }
            }
        }
    }

    /// Every `StreamClient` and `Subscription` holds the command channel: once it is closed
    /// nobody can read a stream any more.
    fn finished(&self) -> bool {
        self.handles_gone
    }

    /// Waits `delay` while still taking commands (subscriptions made while disconnected are
    /// sent on the next connection).
    async fn idle(&mut self, delay: Duration) {
        let until = Instant::now() + delay;
        loop {
            tokio::select! {
                _ = sleep_until(until) => return,
                cmd = self.commands.recv(), if !self.handles_gone => self.command(cmd),
            }
            if self.finished() {
                return;
            }
        }
    }

    /// Runs one connection until it fails, closes, goes silent or is due for renewal.
    ///
    /// The three timers live across loop turns and are moved, not re-created, so a message
    /// costs no timer registration; the silence timer is pushed back lazily, when it fires,
    /// from the time of the last frame.
    async fn serve(&mut self, mut ws: WebSocketStream<C::Io>) -> Ended {
        let read_timeout = self.config.read_timeout;
        let renew = sleep(self.config.renew_after);
        let silence = sleep(read_timeout);
        let pace = sleep_until(self.next_send);
        tokio::pin!(renew, silence, pace);
        let mut last_frame = Instant::now();
        let ended = loop {
            let may_send = !self.control.is_empty();
            tokio::select! {
                msg = ws.next() => {
                    last_frame = Instant::now();
                    match msg {
                        Some(Ok(Message::Text(text))) => self.incoming(text.as_str()),
                        Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return Ended::Lost,
                        Some(Ok(_)) => {} // pings are answered by tungstenite while we poll
                    }
                },
                cmd = self.commands.recv(), if !self.handles_gone => self.command(cmd),
                _ = &mut pace, if may_send => {
                    if self.send_control(&mut ws).await.is_err() {
                        return Ended::Lost;
                    }
                    pace.as_mut().reset(self.next_send);
                }
                _ = &mut renew => break Ended::Renewed,
                _ = &mut silence => {
                    let deadline = last_frame + read_timeout;
                    if deadline > Instant::now() {
                        silence.as_mut().reset(deadline);
                    } else {
                        break Ended::Silent;
                    }
                }
            }
            if self.finished() {
                break Ended::Finished;
            }
        };
        // Bounded: a dead peer must not hold the task in the closing handshake.
        let _ = timeout(CONNECT_TIMEOUT, ws.close(None)).await;
        ended
    }

    async fn send_control(&mut self, ws: &mut WebSocketStream<C::Io>) -> Result<(), ()> {
        let Some((method, names)) = self.control.pop_front() else { return Ok(()) };
        let id = self.next_request;
        self.next_request += 1;
        let text = serde_json::json!({ "method": method, "params": names, "id": id }).to_string();
        self.in_flight.insert(id, if method == "SUBSCRIBE" { names } else { Vec::new() });
        self.next_send = Instant::now() + Duration::from_secs(1) / self.config.messages_per_second;
        ws.send(Message::Text(text.into())).await.map_err(|_| ())
    }

    fn command(&mut self, cmd: Option<Command>) {
        match cmd {
            None => self.handles_gone = true,
            Some(Command::Subscribe { name, id, mut sink, confirmed }) => {
                if let Some(subs) = self.sinks.get_mut(&name) {
                    // Already streaming: confirmed unless its own SUBSCRIBE is still out.
                    subs.push((id, sink));
                    if self.waiting.contains_key(&name) {
                        self.waiting.entry(name).or_default().push(confirmed);
                    } else {
                        let _ = confirmed.send(Ok(()));
                    }
                    return;
                }
                if self.sinks.len() >= self.config.max_streams {
                    let _ = sink.notify(StreamError::TooManyStreams(self.config.max_streams));
                    let _ = confirmed.send(Err(StreamError::TooManyStreams(self.config.max_streams)));
                    return;
                }
                self.sinks.insert(name.clone(), vec![(id, sink)]);
                self.waiting.entry(name.clone()).or_default().push(confirmed);
                self.queue("SUBSCRIBE", name);
            }
            Some(Command::Unsubscribe { name, id }) => self.remove(&name, id),
        }
    }

    /// Adds `name` to the last queued message of the same method, else queues a new one.
    fn queue(&mut self, method: &'static str, name: String) {
        match self.control.back_mut() {
            Some((m, names)) if *m == method && names.len() < NAMES_PER_MESSAGE => names.push(name),
            _ => self.control.push_back((method, vec![name])),
        }
    }

    fn remove(&mut self, name: &str, id: u64) {
        let Some(subs) = self.sinks.get_mut(name) else { return };
        subs.retain(|(i, _)| *i != id);
        if subs.is_empty() {
            self.sinks.remove(name);
            self.queue("UNSUBSCRIBE", name.to_string());
        }
    }

    fn incoming(&mut self, text: &str) {
        let Ok(msg) = serde_json::from_str::<Incoming<'_>>(text) else { return };
        if let (Some(stream), Some(data)) = (msg.stream, msg.data) {
            if let Some(subs) = self.sinks.get_mut(stream) {
                subs.retain_mut(|(_, sink)| sink.deliver(data.get()));
                if subs.is_empty() {
                    let name = stream.to_string();
                    self.sinks.remove(&name);
                    self.queue("UNSUBSCRIBE", name);
                }
            }
            return;
        }
        let Some(id) = msg.id else { return };
        let names = self.in_flight.remove(&id).unwrap_or_default();
        match msg.refusal(text) {
            Some(_) if names.len() > 1 => self.retry_in_halves(names),
            refusal => self.settle(names, refusal),
        }
    }

    /// One reply answers a whole SUBSCRIBE, so a refusal of several names does not say which
    /// one was wrong: the names still wanted are sent again in two halves, and again, until a
    /// refused name stands alone and only it is rejected. Without this one bad name (a listen
    /// key closed while the connection was down) took every stream subscribed with it along,
    /// on a reconnect every stream of the connection.
    fn retry_in_halves(&mut self, mut names: Vec<String>) {
        names.retain(|name| self.sinks.contains_key(name));
        let second = names.split_off(names.len() / 2);
        for half in [names, second] {
            if !half.is_empty() {
                self.control.push_back(("SUBSCRIBE", half));
            }
        }
    }

    /// Confirms or rejects each of `names` (a SUBSCRIBE's; none for an UNSUBSCRIBE).
    fn settle(&mut self, names: Vec<String>, refusal: Option<String>) {
        for name in names {
            let outcome = match &refusal {
                None => Ok(()),
                Some(e) => {
                    // A re-subscription after a reconnect has no caller waiting for it: its
                    // subscribers hear why their stream ends (e.g. a listen key gone meanwhile).
                    for (_, mut sink) in self.sinks.remove(&name).unwrap_or_default() {
                        sink.notify(StreamError::Rejected(e.clone()));
                    }
                    Err(StreamError::Rejected(e.clone()))
                }
            };
            for confirmed in self.waiting.remove(&name).unwrap_or_default() {
                let _ = confirmed.send(outcome.clone());
            }
        }
    }

    fn notify_all(&mut self, notice: StreamError) {
        for subs in self.sinks.values_mut() {
            subs.retain_mut(|(_, sink)| sink.notify(notice.clone()));
        }
        self.sinks.retain(|_, subs| !subs.is_empty());
    }
}

/// Renewal, backoff, pacing, timeouts and pings under paused time, against in-memory servers.
#[cfg(test)]
#[path = "client_timing_tests.rs"]
mod timing_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_messages_are_batched_per_method() {
        let (_tx, rx) = mpsc::channel(1);
        let mut task = Task::new(StreamConfig::new("ws://x"), rx, Dial { url: "ws://x/stream".into() });
        task.queue("SUBSCRIBE", "a".into());
        task.queue("SUBSCRIBE", "b".into());
        task.queue("UNSUBSCRIBE", "a".into());
        assert_eq!(
            task.control.iter().map(|(m, n)| (*m, n.len())).collect::<Vec<_>>(),
            [("SUBSCRIBE", 2), ("UNSUBSCRIBE", 1)]
        );
    }

    #[test]
    fn a_lagging_subscription_is_told_how_much_it_missed() {
        struct Plain;
        impl StreamDescriptor for Plain {
            type Event = u32;
            const PATTERN: &'static str = "x";
            fn name(&self) -> String {
                "x".into()
            }
            fn decode(json: &str) -> Result<u32, super::super::DecodeError> {
                super::super::decode_json(json)
            }
        }
        let (tx, mut rx) = mpsc::channel(1);
        let mut sink = TypedSink::<Plain> { items: tx, missed: 0 };
        assert!(sink.deliver("1"));
        assert!(sink.deliver("2")); // buffer full: dropped
        assert!(sink.deliver("3")); // dropped
        assert_eq!(rx.try_recv().ok(), Some(Ok(1)));
        assert!(sink.deliver("4")); // the notice takes the room; 4 is dropped too
        assert_eq!(rx.try_recv().ok(), Some(Err(StreamError::Lagged { missed: 2 })));
        assert!(sink.deliver("5"));
        assert_eq!(rx.try_recv().ok(), Some(Err(StreamError::Lagged { missed: 1 })));
        drop(rx);
        assert!(!sink.deliver("6"), "a dropped subscription is reported gone");
    }
}
