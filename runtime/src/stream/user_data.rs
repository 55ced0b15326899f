//! A user data stream with its listen key's lifecycle, as the doc pages describe it
//! (`user-data-streams.md`): start a key (`POST …/listenKey`), read its events, keep it alive
//! (`PUT`, the key lives 60 minutes after its last keep-alive), start a new one when it expired
//! (`listenKeyExpired`, a keep-alive answered `-1125`, or the stream server refusing the key
//! when it is subscribed again after a reconnect), and close it (`DELETE`).
//!
//! The REST calls go through a [`ListenKeyApi`] (the generated client's listen-key methods, so
//! weights, signing and the governor stay the spec's), the events through a [`StreamClient`].
//! One background task owns both; the handle, [`UserDataStream`], is a `futures::Stream` of
//! `Result<Event, StreamError>` where every lifecycle step the consumer must know about is an
//! item: `Err(StreamError::KeepAliveFailed)`, `Err(StreamError::ListenKeyRenewed)` (re-sync
//! account state from REST), `Err(StreamError::ListenKey)` (a new key could not be started),
//! next to the stream client's own items (`Reconnected`, `Lagged`, `Decode`).
//!
//! Nothing retries forever: a failed keep-alive is retried with [`Backoff`] while the key may
//! still be valid (60 minutes after its last start or keep-alive), then a new key is started;
//! starting a new key is tried [`UserDataConfig::max_renew_attempts`] times in a row, then the
//! stream ends. A slow consumer never delays keep-alives: the task only stops reading events
//! (they wait, bounded, in the stream client's buffer, which reports a lag).

use super::{Backoff, DecodeError, EventSet, RawEvent, StreamClient, StreamConfig, StreamDescriptor, StreamError};
use binance_spec::protocol::{LISTEN_KEY_DOES_NOT_EXIST, LISTEN_KEY_EXPIRED_EVENT, LISTEN_KEY_VALIDITY_SECS};
use futures_util::{Stream, StreamExt};
use std::collections::VecDeque;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{sleep_until, Instant};

/// How long a key lives after its start or its last keep-alive.
const VALIDITY: Duration = Duration::from_secs(LISTEN_KEY_VALIDITY_SECS);

/// What [`ListenKeyApi`]'s methods return: a boxed, sendable REST call.
pub type ListenKeyFuture<'a, T> = Pin<Box<dyn Future<Output = crate::Result<T>> + Send + 'a>>;

/// A product's listen-key endpoints (`POST`, `PUT`, `DELETE …/listenKey`, security
/// `USER_STREAM`). `binance-client` implements it for the generated clients of every product
/// whose spec has them; a key belongs to the API key the client sends.
pub trait ListenKeyApi: Send + Sync + 'static {
    /// Starts a key, or returns the account's live one (Binance extends it then).
    fn start(&self) -> ListenKeyFuture<'_, String>;
    /// Extends the account's key by 60 minutes; Binance answers `-1125` when it has none.
    fn keep_alive(&self) -> ListenKeyFuture<'_, ()>;
    /// Closes the account's key.
    fn close(&self) -> ListenKeyFuture<'_, ()>;
}

/// Settings of a [`UserDataStream`].
#[derive(Debug, Clone)]
pub struct UserDataConfig {
    stream: StreamConfig,
    keep_alive_every: Duration,
    retry: Backoff,
    max_renew_attempts: u32,
}

impl UserDataConfig {
    /// Events from the stream server at `url` (`wss://fstream.binance.com`, Portfolio Margin
    /// `wss://fstream.binance.com/pm`, or a mock's `stream_url()`), with the defaults below.
    pub fn new(url: impl Into<String>) -> Self {
        UserDataConfig {
            stream: StreamConfig::new(url),
            keep_alive_every: Duration::from_secs(30 * 60),
            retry: Backoff::new(Duration::from_secs(1), Duration::from_secs(60)),
            max_renew_attempts: 10,
        }
    }
    /// The stream client's settings (its URL included; replaces the one given to `new`).
    pub fn stream(mut self, stream: StreamConfig) -> Self {
        self.stream = stream;
        self
    }
    /// How often the key is kept alive (default 30 minutes, half the key's 60-minute life, as
    /// the docs advise; at least 1 ms, and keep it well under 60 minutes).
    pub fn keep_alive_every(mut self, every: Duration) -> Self {
        self.keep_alive_every = every.max(Duration::from_millis(1));
        self
    }
    /// Delays between retries of a failed keep-alive or key start (default 1 s doubling to 60 s).
    pub fn retry(mut self, retry: Backoff) -> Self {
        self.retry = retry;
        self
    }
    /// Failed starts of a new key in a row after which the stream ends (default 10, at least 1).
    pub fn max_renew_attempts(mut self, attempts: u32) -> Self {
        self.max_renew_attempts = attempts.max(1);
        self
    }
}

/// A user data stream that manages its own listen key: typed events of the product's
/// `streams::UserDataEvent`, a `futures::Stream` of `Result<E, StreamError>`.
///
/// Start it with the product client's `user_data_stream()` (`binance-client`, feature `ws`) or
/// [`UserDataStream::start`]. The key is kept alive on schedule, renewed after it expired (the
/// consumer gets `Err(StreamError::ListenKeyRenewed)`), and closed by [`close`](Self::close).
/// **Dropping** the stream closes the key too, best effort: the background task sends the
/// `DELETE` if the Tokio runtime is still running (a runtime shutting down drops it; Binance
/// then lets the key expire after 60 minutes).
pub struct UserDataStream<E> {
    items: mpsc::Receiver<Result<E, StreamError>>,
    close: mpsc::Sender<oneshot::Sender<crate::Result<()>>>,
}

impl<E> std::fmt::Debug for UserDataStream<E> {
    // The listen key is never printed: it grants reading the account's events.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserDataStream").finish_non_exhaustive()
    }
}

impl<E: EventSet> UserDataStream<E> {
    /// Starts a key through `api`, subscribes to its events on a new [`StreamClient`] and keeps
    /// both going in a background task (needs a Tokio runtime). Fails, as
    /// `StreamError::ListenKey`, when the key cannot be started, or with the stream client's
    /// error when its events cannot be subscribed (the key is closed again then).
    pub async fn start<A: ListenKeyApi>(api: A, config: UserDataConfig) -> Result<Self, StreamError> {
        let client = StreamClient::connect(config.stream.clone());
        Self::start_with(Arc::new(api), Box::new(client), config).await
    }

    async fn start_with(
        api: Arc<dyn ListenKeyApi>,
        source: Box<dyn Source<E>>,
        config: UserDataConfig,
    ) -> Result<Self, StreamError> {
        let key = api.start().await.map_err(|e| StreamError::ListenKey(e.to_string()))?;
        let events = match source.open(key).await {
            Ok(events) => events,
            Err(e) => {
                let _ = api.close().await;
                return Err(e);
            }
        };
        let (items_tx, items) = mpsc::channel(16);
        let (close, close_rx) = mpsc::channel(1);
        let now = Instant::now();
        let task = Lifecycle {
            api,
            source,
            events,
            items: items_tx,
            close: close_rx,
            pending: VecDeque::new(),
            keep_alive_at: now + config.keep_alive_every,
            valid_until: now + VALIDITY,
            renew_at: None,
            renew_failures: 0,
            ended: false,
            config,
        };
        tokio::spawn(task.run());
        Ok(UserDataStream { items, close })
    }

    /// Closes the key (`DELETE`) and ends the stream; the REST call's outcome. `Ok` when the
    /// stream had already ended (its key is gone then).
    pub async fn close(self) -> crate::Result<()> {
        let (reply, outcome) = oneshot::channel();
        if self.close.send(reply).await.is_err() {
            return Ok(());
        }
        outcome.await.unwrap_or(Ok(()))
    }
}

impl<E> Stream for UserDataStream<E> {
    type Item = Result<E, StreamError>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.items.poll_recv(cx)
    }
}

/// One message of a key's stream: the product's event, and whether it says the key expired.
struct KeyEvent<E> {
    expired: bool,
    event: Result<E, DecodeError>,
}

/// What the lifecycle subscribes to: the key's events, with the expiry read from `"e"` before
/// the event is decoded (a `listenKeyExpired` that does not decode still renews the key).
struct KeyEvents<E> {
    key: String,
    events: PhantomData<fn() -> E>,
}

impl<E: EventSet> StreamDescriptor for KeyEvents<E> {
    type Event = KeyEvent<E>;
    const PATTERN: &'static str = "<listenKey>";
    fn name(&self) -> String {
        self.key.clone()
    }
    fn decode(json: &str) -> Result<KeyEvent<E>, DecodeError> {
        let raw = RawEvent::parse(json)?;
        let expired = raw.event_type() == LISTEN_KEY_EXPIRED_EVENT;
        Ok(KeyEvent { expired, event: E::decode_event(raw) })
    }
}

type Events<E> = Pin<Box<dyn Stream<Item = Result<KeyEvent<E>, StreamError>> + Send>>;
type Opening<E> = Pin<Box<dyn Future<Output = Result<Events<E>, StreamError>> + Send>>;

/// Where a key's events come from: the stream client, or a channel in the unit tests (paused
/// time cannot drive real sockets: tokio would advance the clock while a socket is waiting).
trait Source<E>: Send + 'static {
    fn open(&self, key: String) -> Opening<E>;
}

impl<E: EventSet> Source<E> for StreamClient {
    fn open(&self, key: String) -> Opening<E> {
        let client = self.clone();
        Box::pin(async move {
            let subscription = client.subscribe(&KeyEvents::<E> { key, events: PhantomData }).await?;
            Ok(Box::pin(subscription) as Events<E>)
        })
    }
}

/// What woke the background task.
enum Step<E> {
    Close(Option<oneshot::Sender<crate::Result<()>>>),
    Delivered,
    Event(Option<Result<KeyEvent<E>, StreamError>>),
    Timer,
}

/// The background task: the key, its events, its timers.
struct Lifecycle<E> {
    api: Arc<dyn ListenKeyApi>,
    source: Box<dyn Source<E>>,
    events: Events<E>,
    items: mpsc::Sender<Result<E, StreamError>>,
    close: mpsc::Receiver<oneshot::Sender<crate::Result<()>>>,
    /// Items not yet taken by the consumer. Events are read only when it is empty, so it holds
    /// one event at most plus lifecycle notices, which are bounded: keep-alive retries end when
    /// the key's validity does, renewals after `max_renew_attempts`.
    pending: VecDeque<Result<E, StreamError>>,
    config: UserDataConfig,
    keep_alive_at: Instant,
    /// The current key is surely valid until then (its last start or keep-alive + 60 minutes).
    valid_until: Instant,
    /// When a new key is due: set once the key expired.
    renew_at: Option<Instant>,
    renew_failures: u32,
    /// Gave up or the events ended: deliver what is pending, then stop.
    ended: bool,
}

impl<E: EventSet> Lifecycle<E> {
    async fn run(mut self) {
        loop {
            if self.ended && self.pending.is_empty() {
                return;
            }
            let has_pending = !self.pending.is_empty();
            let timer = self.renew_at.unwrap_or(self.keep_alive_at);
            let step = tokio::select! {
                // `None`: the handle was dropped. Either way the key is closed.
                request = self.close.recv() => Step::Close(request),
                permit = self.items.reserve(), if has_pending => match permit {
                    Ok(permit) => {
                        if let Some(item) = self.pending.pop_front() {
                            permit.send(item);
                        }
                        Step::Delivered
                    }
                    // The consumer dropped the stream: close the key.
                    Err(_) => Step::Close(None),
                },
                event = self.events.next(), if !has_pending && !self.ended => Step::Event(event),
                _ = sleep_until(timer), if !self.ended => Step::Timer,
            };
            match step {
                Step::Close(request) => {
                    let outcome = self.api.close().await;
                    if let Some(reply) = request {
                        let _ = reply.send(outcome);
                    }
                    return;
                }
                Step::Delivered => {}
                Step::Event(event) => self.on_event(event).await,
                Step::Timer if self.renew_at.is_some() => self.renew().await,
                Step::Timer => self.keep_alive().await,
            }
        }
    }

    async fn on_event(&mut self, event: Option<Result<KeyEvent<E>, StreamError>>) {
        match event {
            Some(Ok(KeyEvent { expired, event })) => {
                self.pending.push_back(event.map_err(StreamError::Decode));
                if expired && self.renew_at.is_none() {
                    self.renew_at = Some(Instant::now());
                }
            }
            // The server refused the key when the stream client subscribed it again after a
            // reconnect: the key is gone (closed or expired meanwhile), as a keep-alive's -1125
            // would say, and the stream client dropped it. A new key is due; its old events
            // ending next is not the stream client shutting down.
            Some(Err(StreamError::Rejected(why))) => {
                self.pending.push_back(Err(StreamError::Rejected(why)));
                self.events = Box::pin(futures_util::stream::pending());
                self.key_gone(Instant::now());
            }
            Some(Err(notice)) => self.pending.push_back(Err(notice)),
            // The stream client shut down: no more events will come.
            None => {
                let _ = self.api.close().await;
                self.pending.push_back(Err(StreamError::Closed));
                self.ended = true;
            }
        }
    }

    async fn keep_alive(&mut self) {
        let outcome = self.api.keep_alive().await;
        let now = Instant::now();
        match outcome {
            Ok(()) => {
                self.valid_until = now + VALIDITY;
                self.keep_alive_at = now + self.config.keep_alive_every;
                self.config.retry.reset();
            }
            Err(e) => {
                let gone = matches!(e, crate::Error::Api { code, .. } if code == LISTEN_KEY_DOES_NOT_EXIST);
                self.pending.push_back(Err(StreamError::KeepAliveFailed(e.to_string())));
                if gone || now >= self.valid_until {
                    self.key_gone(now);
                } else {
                    self.keep_alive_at = (now + self.config.retry.next_delay()).min(self.valid_until);
                }
            }
        }
    }

    /// The key no longer exists (refused, `-1125`, or past its validity): a new one is due now,
    /// its attempts starting from the first delay.
    fn key_gone(&mut self, now: Instant) {
        if self.renew_at.is_none() {
            self.config.retry.reset();
            self.renew_at = Some(now);
        }
    }

    /// Starts a new key and subscribes to it; the old key's subscription is dropped (which
    /// unsubscribes it).
    async fn renew(&mut self) {
        let outcome = match self.api.start().await {
            Ok(key) => self.source.open(key).await,
            Err(e) => Err(StreamError::ListenKey(e.to_string())),
        };
        let now = Instant::now();
        match outcome {
            Ok(events) => {
                self.events = events;
                self.renew_at = None;
                self.renew_failures = 0;
                self.config.retry.reset();
                self.valid_until = now + VALIDITY;
                self.keep_alive_at = now + self.config.keep_alive_every;
                self.pending.push_back(Err(StreamError::ListenKeyRenewed));
            }
            Err(e) => {
                self.renew_failures += 1;
                self.pending.push_back(Err(e));
                if self.renew_failures >= self.config.max_renew_attempts {
                    self.ended = true;
                } else {
                    self.renew_at = Some(now + self.config.retry.next_delay());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The lifecycle under paused time, with a scripted REST API and channels for the key
    //! streams: a 30-minute schedule runs in no real time.

    use super::*;
    use std::sync::Mutex;

    type Sent<E> = mpsc::UnboundedSender<Result<KeyEvent<E>, StreamError>>;

    /// A REST API that logs each call and answers from a script (`Ok` when it runs out).
    #[derive(Default)]
    struct FakeApi {
        calls: Mutex<Vec<&'static str>>,
        keep_alive_errors: Mutex<VecDeque<i64>>,
        start_errors: Mutex<u32>,
        keys: Mutex<u32>,
    }

    fn api_error(code: i64) -> crate::Error {
        crate::Error::Api {
            endpoint: "KeepaliveUserDataStreamRequest",
            status: 400,
            code,
            name: None,
            msg: "scripted".into(),
            body: crate::ErrorBody::default(),
        }
    }

    impl FakeApi {
        fn count(&self, call: &str) -> usize {
            self.calls.lock().unwrap().iter().filter(|c| **c == call).count()
        }
    }

    impl ListenKeyApi for Arc<FakeApi> {
        fn start(&self) -> ListenKeyFuture<'_, String> {
            Box::pin(async move {
                self.calls.lock().unwrap().push("start");
                let mut failing = self.start_errors.lock().unwrap();
                if *failing > 0 {
                    *failing -= 1;
                    return Err(api_error(-1000));
                }
                let mut keys = self.keys.lock().unwrap();
                *keys += 1;
                Ok(format!("key{keys}"))
            })
        }
        fn keep_alive(&self) -> ListenKeyFuture<'_, ()> {
            Box::pin(async move {
                self.calls.lock().unwrap().push("keep_alive");
                match self.keep_alive_errors.lock().unwrap().pop_front() {
                    Some(code) => Err(api_error(code)),
                    None => Ok(()),
                }
            })
        }
        fn close(&self) -> ListenKeyFuture<'_, ()> {
            Box::pin(async move {
                self.calls.lock().unwrap().push("close");
                Ok(())
            })
        }
    }

    /// Key streams as channels: the test sends on the key's sender.
    #[derive(Clone, Default)]
    struct FakeSource(Arc<Mutex<Vec<KeyStream>>>);

    /// A key and the sender of its stream.
    type KeyStream = (String, Sent<Ev>);

    impl FakeSource {
        fn send(&self, key: &str, json: &str) {
            let streams = self.0.lock().unwrap();
            let (_, tx) = streams.iter().rev().find(|(k, _)| k == key).expect("no such key stream");
            tx.send(KeyEvents::<Ev>::decode(json).map_err(StreamError::Decode)).unwrap();
        }
        /// Ends the key's stream as the stream client does when the server refuses the key on
        /// a re-subscription: a `Rejected` item, then the end.
        fn refuse(&self, key: &str) {
            let mut streams = self.0.lock().unwrap();
            let at = streams.iter().rposition(|(k, _)| k == key).expect("no such key stream");
            let (_, tx) = streams.remove(at);
            tx.send(Err(StreamError::Rejected("invalid stream".into()))).unwrap();
            streams.insert(at, (key.to_string(), mpsc::unbounded_channel().0));
        }
        fn keys(&self) -> Vec<String> {
            self.0.lock().unwrap().iter().map(|(k, _)| k.clone()).collect()
        }
    }

    impl Source<Ev> for FakeSource {
        fn open(&self, key: String) -> Opening<Ev> {
            let (tx, mut rx) = mpsc::unbounded_channel();
            self.0.lock().unwrap().push((key, tx));
            let events = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
            Box::pin(async move { Ok(Box::pin(events) as Events<Ev>) })
        }
    }

    /// The event type of each event: enough to tell them apart.
    #[derive(Debug, PartialEq)]
    struct Ev(String);

    impl EventSet for Ev {
        fn decode_event(raw: RawEvent) -> Result<Self, DecodeError> {
            Ok(Ev(raw.event_type().to_string()))
        }
    }

    async fn start(api: &Arc<FakeApi>, source: &FakeSource, config: UserDataConfig) -> UserDataStream<Ev> {
        UserDataStream::start_with(Arc::new(Arc::clone(api)), Box::new(source.clone()), config).await.unwrap()
    }

    async fn next(stream: &mut UserDataStream<Ev>) -> Option<Result<Ev, StreamError>> {
        tokio::time::timeout(Duration::from_secs(24 * 3600), stream.next()).await.expect("no item within a day")
    }

    /// Lets the background task run until it waits again.
    async fn settle() {
        for _ in 0..20 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_key_is_kept_alive_every_thirty_minutes_by_default() {
        let (api, source) = (Arc::new(FakeApi::default()), FakeSource::default());
        let _stream = start(&api, &source, UserDataConfig::new("ws://unused")).await;
        tokio::time::sleep(Duration::from_secs(29 * 60)).await;
        settle().await;
        assert_eq!(api.count("keep_alive"), 0);
        tokio::time::sleep(Duration::from_secs(2 * 60)).await;
        settle().await;
        assert_eq!(api.count("keep_alive"), 1);
        tokio::time::sleep(Duration::from_secs(60 * 60)).await;
        settle().await;
        assert_eq!(api.count("keep_alive"), 3, "at 30, 60 and 90 minutes");
        assert_eq!(api.count("start"), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn an_expired_key_is_replaced_and_the_consumer_told() {
        let (api, source) = (Arc::new(FakeApi::default()), FakeSource::default());
        let mut stream = start(&api, &source, UserDataConfig::new("ws://unused")).await;
        source.send("key1", r#"{"e":"ORDER_TRADE_UPDATE"}"#);
        assert_eq!(next(&mut stream).await, Some(Ok(Ev("ORDER_TRADE_UPDATE".into()))));
        source.send("key1", r#"{"e":"listenKeyExpired","listenKey":"key1"}"#);
        assert_eq!(next(&mut stream).await, Some(Ok(Ev("listenKeyExpired".into()))));
        assert_eq!(next(&mut stream).await, Some(Err(StreamError::ListenKeyRenewed)));
        assert_eq!(source.keys(), ["key1", "key2"]);
        source.send("key2", r#"{"e":"ACCOUNT_UPDATE"}"#);
        assert_eq!(next(&mut stream).await, Some(Ok(Ev("ACCOUNT_UPDATE".into()))));
        // The new key's keep-alive schedule starts from its creation.
        tokio::time::sleep(Duration::from_secs(31 * 60)).await;
        settle().await;
        assert_eq!(api.count("keep_alive"), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_keep_alive_is_an_item_and_is_retried_with_backoff() {
        let (api, source) = (Arc::new(FakeApi::default()), FakeSource::default());
        api.keep_alive_errors.lock().unwrap().extend([-1001, -1001]);
        let mut stream = start(&api, &source, UserDataConfig::new("ws://unused")).await;
        assert!(matches!(next(&mut stream).await, Some(Err(StreamError::KeepAliveFailed(m))) if m.contains("-1001")));
        assert!(matches!(next(&mut stream).await, Some(Err(StreamError::KeepAliveFailed(_)))));
        // Retried after 1 s and 2 s: the third attempt succeeds, and the same key goes on.
        tokio::time::sleep(Duration::from_secs(5)).await;
        settle().await;
        assert_eq!(api.count("keep_alive"), 3);
        assert_eq!(api.count("start"), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_keep_alive_answered_1125_starts_a_new_key() {
        let (api, source) = (Arc::new(FakeApi::default()), FakeSource::default());
        api.keep_alive_errors.lock().unwrap().push_back(LISTEN_KEY_DOES_NOT_EXIST);
        let mut stream = start(&api, &source, UserDataConfig::new("ws://unused")).await;
        assert!(matches!(next(&mut stream).await, Some(Err(StreamError::KeepAliveFailed(_)))));
        assert_eq!(next(&mut stream).await, Some(Err(StreamError::ListenKeyRenewed)));
        assert_eq!(source.keys(), ["key1", "key2"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_key_refused_on_resubscription_is_replaced_not_the_stream_ended() {
        let (api, source) = (Arc::new(FakeApi::default()), FakeSource::default());
        let mut stream = start(&api, &source, UserDataConfig::new("ws://unused")).await;
        // After a reconnect the server refused the key (closed or expired meanwhile): the
        // stream client did not shut down, the key is gone, as when a keep-alive says -1125.
        source.refuse("key1");
        assert!(matches!(next(&mut stream).await, Some(Err(StreamError::Rejected(_)))));
        assert_eq!(next(&mut stream).await, Some(Err(StreamError::ListenKeyRenewed)));
        assert_eq!(source.keys(), ["key1", "key2"]);
        assert_eq!(api.count("close"), 0, "the stream goes on");
        source.send("key2", r#"{"e":"ACCOUNT_UPDATE"}"#);
        assert_eq!(next(&mut stream).await, Some(Ok(Ev("ACCOUNT_UPDATE".into()))));
    }

    #[tokio::test(start_paused = true)]
    async fn renewing_gives_up_after_the_configured_attempts() {
        let (api, source) = (Arc::new(FakeApi::default()), FakeSource::default());
        let config = UserDataConfig::new("ws://unused").max_renew_attempts(3);
        let mut stream = start(&api, &source, config).await;
        *api.start_errors.lock().unwrap() = 100;
        source.send("key1", r#"{"e":"listenKeyExpired"}"#);
        assert!(next(&mut stream).await.is_some_and(|e| e.is_ok()));
        for _ in 0..3 {
            assert!(matches!(next(&mut stream).await, Some(Err(StreamError::ListenKey(_)))));
        }
        assert_eq!(next(&mut stream).await, None, "the stream ends instead of retrying forever");
        assert_eq!(api.count("start"), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_or_closing_the_stream_closes_the_key() {
        let (api, source) = (Arc::new(FakeApi::default()), FakeSource::default());
        drop(start(&api, &source, UserDataConfig::new("ws://unused")).await);
        settle().await;
        assert_eq!(api.count("close"), 1);
        let stream = start(&api, &source, UserDataConfig::new("ws://unused")).await;
        stream.close().await.unwrap();
        assert_eq!(api.count("close"), 2);
    }
}
