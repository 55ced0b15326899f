//! The WebSocket API client: typed calls for spec endpoints that name a WebSocket method
//! (`account.status`), over one long-lived connection.
//!
//! * Many requests share one connection; each gets a unique `id`, and responses are matched
//!   to their callers by that id, whatever order they arrive in.
//! * Signed requests carry `apiKey`, `timestamp`, optional `recvWindow` (≤ 60000) and a
//!   signature over the params sorted by name (HMAC hex, Ed25519 or RSA base64). With an Ed25519
//!   key the connection is authenticated once by `session.logon` (again after every reconnect),
//!   and requests then carry only `timestamp`.
//! * Error envelopes become the runtime's one [`Error`]: `Api` with code and message, 429 →
//!   `RateLimited` and 418 → `Banned` (until `retryAfter`), shared with REST through the governor.
//!   A `TRADE` method answered with a 5xx, -1006 or -1007 (other than the 503s Binance calls
//!   failures, and -1008) may have been executed: `OutcomeUnknown`, by REST's rule.
//!   A `-1021` (to a call or to `session.logon`) resyncs the clock of a REST client shared with
//!   [`WsApiBuilder::share_with`] (the call itself is not resent).
//! * Each request reserves its endpoint's weight (once its connection exists, so callers
//!   waiting for a connection hold no budget), and each connection handshake 5 (plus 2 for
//!   `session.logon`), in a [`Governor`], in the path family of the product's REST API
//!   (`fapi` for USDⓈ-M futures); [`WsApiBuilder::share_with`] uses a REST client's governor,
//!   because Binance counts REST and WebSocket API weight together per IP. A 429 under
//!   [`RatePolicy::Wait`] is sent again after the pause (at most twice); `retryAfter` is read on
//!   the server clock of the same frame (`serverTime`).
//! * The connection is pinged when idle and declared dead when the server stays silent; when it
//!   ends every pending request fails at once with [`Error::Transport`] (or
//!   [`Error::OutcomeUnknown`] for `TRADE` methods, which may have been executed). The next call
//!   reconnects. Connecting is single-flight: concurrent callers share one attempt, and no lock
//!   is held while it runs. After a failed attempt, calls fail at once with its error until a
//!   bounded exponential backoff has passed; a refusal by the local governor (budget, pause,
//!   ban) is not a failed attempt. A handshake the server refuses with 429 or 418 pauses the
//!   family or bans the host in the governor, as the same answer to a REST request does. A
//!   connection older than the maximum age (default 23 h 50 min; Binance closes them at 24 h)
//!   is replaced before use.
//!
//! # Logging and secrets
//! `tungstenite`, underneath this client, logs every frame it writes and reads through the
//! `log` crate at TRACE level (`writing frame …`, payload in hex). Request frames carry
//! `apiKey`, and signed ones their `signature`, so **do not enable TRACE for the `tungstenite`
//! target** in production (with `env_logger` or a `tracing` subscriber bridging `log`, e.g.
//! `RUST_LOG=trace,tungstenite=info`). This client cannot switch that logging off without
//! capping `log` for the whole program. Where the API allows it, it keeps secrets out of frames:
//! with an Ed25519 key, the connection is authenticated once by `session.logon` and later frames
//! carry neither `apiKey` nor `signature` (Binance accepts `session.logon` only for Ed25519
//! keys, so HMAC and RSA keys sign every request). This client's own `tracing` events never
//! contain frames.
//!
//! ```no_run
//! # async fn demo(product: &'static binance_runtime::Product, request: &impl binance_runtime::WsEndpoint) -> binance_runtime::Result<()> {
//! use binance_runtime::ws_api::WsApiBuilder;
//! use binance_runtime::{ClientBuilder, Credentials};
//! let credentials = Credentials::hmac("api-key", "secret")?;
//! let rest = ClientBuilder::new(product).credentials(credentials.clone()).build()?;
//! let ws = WsApiBuilder::new(product).credentials(credentials).share_with(&rest).build()?;
//! let reply = ws.call(request).await?;
//! println!("{} rate limit entries", reply.rate_limits.len());
//! # Ok(()) }
//! ```

mod connection;
mod reply;
mod signing;

pub use reply::WsReply;

use crate::clock::Clock;
use crate::endpoint::{Security, Weight, WeightKind};
use crate::governor::{BudgetStore, Governor, RatePolicy};
use crate::params::JsonParams;
use crate::product::ApiErrorCode;
use crate::{Credentials, Error, KeyType, Product, RestClient, Result, WsEndpoint};
use binance_spec::protocol::{check_recv_window, LOGON_WEIGHT};
use connection::{Connection, OpenError};
use signing::{Auth, Params};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Weight of opening a connection (the WebSocket handshake), per Binance's WebSocket API docs.
pub const HANDSHAKE_WEIGHT: u32 = 5;
/// How often a call is resent after the server answered 429 under [`RatePolicy::Wait`] (each
/// time after the governor's pause).
const MAX_RATE_LIMITED_RESENDS: u32 = 2;
/// Default maximum connection age: Binance closes connections at 24 hours.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(24 * 3600 - 600);

/// Builds a [`WsApiClient`] for one product.
#[derive(Debug, Clone)]
pub struct WsApiBuilder {
    product: &'static Product,
    url: Option<String>,
    /// `testnet()` was called after any `url()`: the product's testnet URL, or an error.
    testnet: bool,
    credentials: Option<Credentials>,
    recv_window: Option<u64>,
    request_timeout: Duration,
    connect_timeout: Duration,
    keepalive: Duration,
    max_age: Duration,
    backoff: (Duration, Duration),
    session_logon: bool,
    governor: Option<Governor>,
    shared_budget: Option<Arc<dyn BudgetStore>>,
    rate_policy: RatePolicy,
    rest: Option<RestClient>,
}

impl WsApiBuilder {
    /// Starts from the product's production WebSocket API URL and declared rate limits.
    pub fn new(product: &'static Product) -> Self {
        WsApiBuilder {
            product,
            url: None,
            testnet: false,
            credentials: None,
            recv_window: None,
            request_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(10),
            keepalive: Duration::from_secs(30),
            max_age: DEFAULT_MAX_AGE,
            backoff: (Duration::from_millis(100), Duration::from_secs(30)),
            session_logon: true,
            governor: None,
            shared_budget: None,
            rate_policy: RatePolicy::default(),
            rest: None,
        }
    }

    /// Overrides the WebSocket API URL (`wss://…`, or `ws://127.0.0.1:…` for a local mock).
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self.testnet = false;
        self
    }

    /// Uses the product's testnet WebSocket API URL. For a product without one, `build()`
    /// fails with [`Error::Config`]: it never falls back to production. Whichever of `url` and
    /// `testnet` is called last wins.
    pub fn testnet(mut self) -> Self {
        self.url = None;
        self.testnet = true;
        self
    }

    /// Credentials for signed methods. With an Ed25519 key the connection logs on once
    /// (`session.logon`) unless [`session_logon(false)`](Self::session_logon).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Default `recvWindow` in milliseconds for signed requests (1..=60000); a request's own wins.
    pub fn recv_window(mut self, ms: u64) -> Self {
        self.recv_window = Some(ms);
        self
    }

    /// How long a call waits for its response once sent. Default 10 s.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// How long opening a connection (TCP, TLS, WebSocket handshake) may take. Default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// After this long without any frame from the server the client pings; after as long again
    /// the connection is declared dead and its pending requests fail. Default 30 s.
    pub fn keepalive(mut self, interval: Duration) -> Self {
        self.keepalive = interval;
        self
    }

    /// A connection this old is replaced before the next request (requests in flight on it
    /// finish first). Default [`DEFAULT_MAX_AGE`], under Binance's 24-hour limit.
    pub fn max_connection_age(mut self, age: Duration) -> Self {
        self.max_age = age;
        self
    }

    /// Wait before reconnecting after a failed attempt: `first`, doubling per consecutive
    /// failure, at most `max`. Defaults 100 ms and 30 s.
    pub fn reconnect_backoff(mut self, first: Duration, max: Duration) -> Self {
        self.backoff = (first, max);
        self
    }

    /// Whether an Ed25519 key logs the connection on with `session.logon` (default true).
    /// HMAC and RSA keys always sign every request.
    pub fn session_logon(mut self, enabled: bool) -> Self {
        self.session_logon = enabled;
        self
    }

    /// Counts weight in this governor (shared with other clients of the same IP).
    pub fn governor(mut self, governor: Governor) -> Self {
        self.governor = Some(governor);
        self
    }

    /// Shares the rate-limit budgets with every other process that uses `store` (see
    /// [`ClientBuilder::shared_budget`](crate::ClientBuilder::shared_budget)). A client made
    /// with [`share_with`](Self::share_with) already uses its REST client's store.
    pub fn shared_budget(mut self, store: impl BudgetStore + 'static) -> Self {
        self.shared_budget = Some(Arc::new(store));
        self
    }

    /// Wait for rate budget (default) or fail fast.
    pub fn rate_policy(mut self, policy: RatePolicy) -> Self {
        self.rate_policy = policy;
        self
    }

    /// Shares a REST client's governor (Binance counts REST and WebSocket API weight together
    /// per IP), its rate policy and its server-time offset for `timestamp`s.
    pub fn share_with(mut self, rest: &RestClient) -> Self {
        self.governor = Some(rest.governor().clone());
        self.rate_policy = rest.rate_policy();
        self.rest = Some(rest.clone());
        self
    }

    /// Builds the client; nothing is connected until the first call.
    pub fn build(self) -> Result<WsApiClient> {
        let url = if self.testnet {
            match self.product.ws_api_testnet_url {
                Some(url) => Some(url.to_string()),
                None => {
                    return Err(Error::Config(format!(
                        "product `{}` has no testnet WebSocket API URL; refusing to fall back to \
                         production: set one with `WsApiBuilder::url`",
                        self.product.name
                    )))
                }
            }
        } else {
            self.url.or_else(|| self.product.ws_api_url.map(str::to_string))
        };
        let Some(url) = url else {
            return Err(Error::Config(format!(
                "product `{}` has no WebSocket API URL; set one with `WsApiBuilder::url`",
                self.product.name
            )));
        };
        let Some(rest) = url.strip_prefix("wss://").or_else(|| url.strip_prefix("ws://")) else {
            return Err(Error::Config(format!("WebSocket API URL `{url}` must start with wss:// or ws://")));
        };
        let host = rest.split('/').next().unwrap_or_default().to_string();
        if host.is_empty() {
            return Err(Error::Config(format!("WebSocket API URL `{url}` has no host")));
        }
        if let Some(rw) = self.recv_window {
            check_recv_window(rw).map_err(|reason| Error::Config(format!("client default {reason}")))?;
        }
        for (name, value) in [
            ("request_timeout", self.request_timeout),
            ("connect_timeout", self.connect_timeout),
            ("keepalive", self.keepalive),
        ] {
            if value.is_zero() {
                return Err(Error::Config(format!("the WebSocket API {name} must be longer than zero")));
            }
        }
        let governor = self.governor.unwrap_or_else(|| Governor::new(host, self.product.rate_limits, None));
        if let Some(store) = self.shared_budget {
            governor.set_shared_budget(store)?;
        }
        let logon = self.session_logon && self.credentials.as_ref().is_some_and(|c| c.key_kind() == KeyType::Ed25519);
        Ok(WsApiClient {
            inner: Arc::new(Inner {
                url,
                credentials: self.credentials,
                logon,
                recv_window: self.recv_window,
                request_timeout: self.request_timeout,
                connect_timeout: self.connect_timeout,
                keepalive: self.keepalive,
                max_age: self.max_age,
                backoff: self.backoff,
                governor,
                rate_policy: self.rate_policy,
                time: match self.rest {
                    Some(rest) => TimeSource::Rest(rest),
                    None => TimeSource::Own(Clock::default()),
                },
                next_id: AtomicU64::new(1),
                slot: std::sync::Mutex::new(Slot::default()),
                family_path: self.product.time_path.unwrap_or("/"),
                error_codes: self.product.error_codes,
            }),
        })
    }
}

/// Wait after `failures` consecutive failed connects: `first` doubled per failure, at most `max`.
fn backoff_delay((first, max): (Duration, Duration), failures: u32) -> Duration {
    let exponent = failures.saturating_sub(1).min(20);
    first.saturating_mul(1u32 << exponent).min(max)
}

/// A WebSocket API client for one product; cheap to clone, clones share the connection.
#[derive(Clone)]
pub struct WsApiClient {
    inner: Arc<Inner>,
}

struct Inner {
    url: String,
    credentials: Option<Credentials>,
    /// Log each new connection on with `session.logon` (Ed25519 key, enabled).
    logon: bool,
    recv_window: Option<u64>,
    request_timeout: Duration,
    connect_timeout: Duration,
    keepalive: Duration,
    max_age: Duration,
    backoff: (Duration, Duration),
    governor: Governor,
    rate_policy: RatePolicy,
    time: TimeSource,
    next_id: AtomicU64,
    slot: std::sync::Mutex<Slot>,
    /// A REST path of the product: WebSocket API weight counts in its path family.
    family_path: &'static str,
    error_codes: &'static [ApiErrorCode],
}

/// Where `timestamp`s come from.
enum TimeSource {
    /// This client's own offset (local time until set).
    Own(Clock),
    /// A REST client's synced server-time offset.
    Rest(RestClient),
}

/// The current connection, the attempt under way, and the reconnect backoff state.
#[derive(Default)]
struct Slot {
    current: Option<Connection>,
    /// The connect attempt under way; its waiters subscribe here.
    attempt: Option<tokio::sync::watch::Sender<Attempt>>,
    failures: u32,
    retry_at: Option<Instant>,
    /// Why the last attempt failed, returned to callers during the backoff.
    last_error: Option<String>,
}

impl fmt::Debug for WsApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsApiClient")
            .field("url", &self.inner.url)
            .field("credentials", &self.inner.credentials)
            .field("session_logon", &self.inner.logon)
            .field("governor", &self.inner.governor.host())
            .finish_non_exhaustive()
    }
}

impl WsApiClient {
    /// The WebSocket API URL in use.
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// The governor this client counts weight in.
    pub fn governor(&self) -> &Governor {
        &self.inner.governor
    }

    /// Sets the server-time offset (server minus local, ms) used for `timestamp`s, when the
    /// client does not share a REST client's clock.
    pub fn set_time_offset_ms(&self, offset_ms: i64) {
        match &self.inner.time {
            TimeSource::Own(clock) => clock.set_offset_ms(offset_ms),
            TimeSource::Rest(rest) => rest.set_time_offset_ms(offset_ms),
        }
    }

    /// After a `-1021` (timestamp outside recvWindow) on a request signed in resync round
    /// `epoch`: resyncs the shared REST clock so the next request is right. Single-flight, as on
    /// REST: a burst of rejected requests costs one resync (each costs the time endpoint's
    /// weight four times), not one per request.
    async fn resync_after(&self, error: &Error, epoch: u64) {
        if let (Some(-1021), TimeSource::Rest(rest)) = (error.code(), &self.inner.time) {
            rest.resync_after_rejection(epoch).await;
        }
    }

    /// The shared REST client's resync round (0 without one).
    fn resync_epoch(&self) -> u64 {
        match &self.inner.time {
            TimeSource::Own(_) => 0,
            TimeSource::Rest(rest) => rest.resync_epoch(),
        }
    }

    fn now_ms(&self) -> u64 {
        match &self.inner.time {
            TimeSource::Own(clock) => clock.now_ms(),
            TimeSource::Rest(rest) => rest.server_time_ms(),
        }
    }

    /// Sends one request and waits for its answer: weight reserved, params signed, response
    /// matched by id, `result` decoded, errors mapped (see the module docs).
    pub async fn call<E: WsEndpoint>(&self, request: &E) -> Result<WsReply<E::Response>> {
        let mut params = JsonParams::default();
        request.write_params(&mut params);
        let params = params.map;
        let credentials = match (&self.inner.credentials, E::SECURITY.needs_api_key()) {
            (Some(c), true) => Some(c),
            (None, true) => {
                return Err(Error::Config(format!(
                    "{} needs an API key ({:?} security); set credentials on the WebSocket API builder",
                    E::NAME,
                    E::SECURITY
                )))
            }
            (_, false) => None,
        };
        let signed = E::SECURITY.is_signed();
        let recv_window = if signed { request.recv_window().or(self.inner.recv_window) } else { None };
        if let Some(rw) = recv_window {
            check_recv_window(rw).map_err(|reason| Error::InvalidRequest { endpoint: E::NAME, reason })?;
        }
        let weight = request.weight();
        let mut rate_limited = 0;
        loop {
            // The connection first: a request holds no weight while it waits for one, so callers
            // waiting for a connection cannot starve the handshake of budget.
            let connection = self.connection(E::NAME).await?;
            let reservation =
                self.inner.governor.reserve_at(self.inner.family_path, E::NAME, weight, self.inner.rate_policy).await?;
            let mut params = params.clone();
            // The resync round of the clock this request's `timestamp` comes from: a resync
            // done since (by another rejected call) already corrected it.
            let epoch = self.resync_epoch();
            match credentials {
                Some(c) if signed => {
                    let auth = if connection.logged_on { Auth::Session } else { Auth::Sign(c) };
                    signing::sign(&mut params, auth, self.now_ms(), recv_window);
                }
                Some(c) => {
                    params.insert("apiKey".into(), c.api_key().into());
                }
                None => {}
            }
            let text = self.exchange(E::NAME, E::SECURITY, connection, E::METHOD, params).await?;
            // Answered: settled before its `rateLimits` are read, which count this request
            // already (weight still in flight is added on top of them).
            drop(reservation);
            let answer = reply::classify::<E::Response>(&self.context(), E::NAME, E::SECURITY, weight, &text);
            match &answer {
                // Rejected, not executed: under `Wait` the governor now holds the next attempt
                // until the pause ends (or refuses it if that is longer than its maximum wait).
                Err(Error::RateLimited { .. })
                    if self.inner.rate_policy == RatePolicy::Wait && rate_limited < MAX_RATE_LIMITED_RESENDS =>
                {
                    rate_limited += 1;
                    continue;
                }
                Err(e) => self.resync_after(e, epoch).await,
                Ok(_) => {}
            }
            return answer;
        }
    }

    fn context(&self) -> reply::Context<'_> {
        reply::Context {
            governor: &self.inner.governor,
            family_path: self.inner.family_path,
            error_codes: self.inner.error_codes,
        }
    }

    /// Sends one frame on `connection` and waits for the frame answering it.
    async fn exchange(
        &self,
        endpoint: &'static str,
        security: Security,
        connection: Connection,
        method: &str,
        params: Params,
    ) -> Result<String> {
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let frame = serde_json::json!({ "id": id, "method": method, "params": params }).to_string();
        let answer = connection.send(id, frame).map_err(|reason| Error::Transport { endpoint, reason })?;
        // The handle must not outlive the send: a retired connection closes once unused.
        drop(connection);
        // A TRADE request that was sent may have been executed even though its answer is lost.
        let lost = |reason: String| match security {
            Security::Trade => Error::outcome_unknown(endpoint, reason),
            _ => Error::Transport { endpoint, reason },
        };
        match tokio::time::timeout(self.inner.request_timeout, answer).await {
            Ok(Ok(Ok(text))) => Ok(text),
            Ok(Ok(Err(reason))) => Err(lost(reason)),
            // Dropped from the queue unwritten: certainly not executed, whatever the method.
            Ok(Err(_)) => Err(Error::Transport {
                endpoint,
                reason: "the WebSocket connection closed before the request was written".into(),
            }),
            Err(_) if security == Security::Trade => {
                Err(lost(format!("no response within {:?}", self.inner.request_timeout)))
            }
            Err(_) => Err(Error::Timeout { endpoint, after: self.inner.request_timeout }),
        }
    }

    /// The current connection, or a new one. Single-flight: one caller opens it while the
    /// others wait for that attempt and share its outcome. After a failed attempt, callers fail
    /// at once with its error until the backoff has passed. No lock is held while connecting.
    async fn connection(&self, endpoint: &'static str) -> Result<Connection> {
        loop {
            let leader = {
                let mut slot = self.lock_slot();
                if let Some(current) = slot.current.as_ref().filter(|c| c.is_usable(self.inner.max_age)) {
                    return Ok(current.clone());
                }
                // Dropping a retired connection's handle lets it finish its requests in flight,
                // then close.
                slot.current = None;
                if let Some(attempt) = &slot.attempt {
                    Err(attempt.subscribe())
                } else {
                    if let (Some(at), Some(last)) = (slot.retry_at, &slot.last_error) {
                        let wait = at.saturating_duration_since(Instant::now());
                        if !wait.is_zero() {
                            let reason = format!("{last} ({} failed attempts; the next in {wait:?})", slot.failures);
                            return Err(Error::Transport { endpoint, reason });
                        }
                    }
                    let (tx, _) = tokio::sync::watch::channel(Attempt::Running);
                    slot.attempt = Some(tx.clone());
                    Ok(tx)
                }
            };
            let mut waiting = match leader {
                Ok(tx) => return self.connect_as_leader(endpoint, tx).await,
                Err(waiting) => waiting,
            };
            // Another caller is connecting: share its outcome. If it gave up (its future was
            // dropped, or the governor refused it locally), look again.
            let outcome = waiting.wait_for(|a| !matches!(a, Attempt::Running)).await.map(|a| a.clone());
            match outcome {
                Ok(Attempt::Connected(connection)) => return Ok(connection),
                Ok(Attempt::Failed(reason)) => return Err(Error::Transport { endpoint, reason }),
                Ok(Attempt::Running | Attempt::GaveUp) | Err(_) => continue,
            }
        }
    }

    fn lock_slot(&self) -> std::sync::MutexGuard<'_, Slot> {
        // The slot holds no invariant a panic elsewhere could break.
        self.inner.slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs one connect attempt and publishes its outcome to the callers waiting for it.
    async fn connect_as_leader(
        &self,
        endpoint: &'static str,
        tx: tokio::sync::watch::Sender<Attempt>,
    ) -> Result<Connection> {
        // Published on every exit, including this future being dropped mid-attempt.
        struct Publish<'a> {
            client: &'a WsApiClient,
            tx: tokio::sync::watch::Sender<Attempt>,
            outcome: Attempt,
        }
        impl Drop for Publish<'_> {
            fn drop(&mut self) {
                let mut slot = self.client.lock_slot();
                slot.attempt = None;
                match &self.outcome {
                    Attempt::Connected(c) => {
                        slot.failures = 0;
                        slot.retry_at = None;
                        slot.last_error = None;
                        slot.current = Some(c.clone());
                    }
                    Attempt::Failed(reason) => {
                        slot.failures = slot.failures.saturating_add(1);
                        let wait = backoff_delay(self.client.inner.backoff, slot.failures);
                        slot.retry_at = Some(Instant::now() + wait);
                        slot.last_error = Some(reason.clone());
                        tracing::warn!(url = %self.client.inner.url, failures = slot.failures, ?wait, error = %reason, "WebSocket API connect failed");
                    }
                    Attempt::Running | Attempt::GaveUp => {}
                }
                drop(slot);
                let outcome = std::mem::replace(&mut self.outcome, Attempt::GaveUp);
                self.tx.send_replace(match outcome {
                    Attempt::Running => Attempt::GaveUp,
                    other => other,
                });
            }
        }
        let mut publish = Publish { client: self, tx, outcome: Attempt::Running };
        match self.open(endpoint).await {
            Ok(connection) => {
                publish.outcome = Attempt::Connected(connection.clone());
                Ok(connection)
            }
            Err(Failure::Local(e)) => {
                // The governor refused (budget, pause, ban): not the server's fault, so no
                // backoff; waiting callers look again and meet the governor themselves.
                publish.outcome = Attempt::GaveUp;
                Err(e)
            }
            Err(Failure::Remote(e)) => {
                let reason = match &e {
                    Error::Transport { reason, .. } => reason.clone(),
                    other => other.to_string(),
                };
                publish.outcome = Attempt::Failed(reason);
                Err(e)
            }
        }
    }

    /// Connects (booking the handshake's weight) and, with an Ed25519 key, logs on.
    async fn open(&self, endpoint: &'static str) -> std::result::Result<Connection, Failure> {
        let governor = &self.inner.governor;
        let (family, policy) = (self.inner.family_path, self.inner.rate_policy);
        let handshake = Weight { kind: WeightKind::Ip, value: HANDSHAKE_WEIGHT, orders: &[] };
        let _reservation =
            governor.reserve_at(family, "ws_api_handshake", handshake, policy).await.map_err(Failure::Local)?;
        let opened = Connection::open(&self.inner.url, self.inner.connect_timeout, self.inner.keepalive).await;
        let mut connection = opened.map_err(|e| match e {
            // A handshake refused for rate: the governor pauses the family (or bans the host),
            // so no handshake is sent into the pause, here or by a REST client sharing it.
            OpenError::Limited { status: 418, retry_after, body } => {
                Failure::Local(governor.banned(retry_after, &body))
            }
            OpenError::Limited { retry_after, body, .. } => {
                Failure::Local(governor.rate_limited(family, handshake, retry_after, &body))
            }
            OpenError::Failed(reason) => Failure::Remote(Error::Transport { endpoint, reason }),
        })?;
        if let (true, Some(credentials)) = (self.inner.logon, &self.inner.credentials) {
            let weight = Weight { kind: WeightKind::Ip, value: LOGON_WEIGHT, orders: &[] };
            let logon = governor.reserve_at(family, "session.logon", weight, policy).await.map_err(Failure::Local)?;
            let mut params = Params::new();
            let epoch = self.resync_epoch();
            signing::sign(&mut params, Auth::Sign(credentials), self.now_ms(), self.inner.recv_window);
            let text = self
                .exchange("session.logon", Security::UserData, connection.clone(), "session.logon", params)
                .await
                .map_err(Failure::Remote)?;
            drop(logon); // answered: settled before its `rateLimits` are read
            let logon = reply::classify::<serde_json::Value>(
                &self.context(),
                "session.logon",
                Security::UserData,
                weight,
                &text,
            );
            if let Err(e) = &logon {
                // A logon signed on a wrong clock: without a resync every later one fails too.
                self.resync_after(e, epoch).await;
            }
            logon.map_err(|e| match e {
                Error::RateLimited { .. } | Error::Banned { .. } => Failure::Local(e),
                other => Failure::Remote(other),
            })?;
            connection.logged_on = true;
            tracing::debug!(url = %self.inner.url, "WebSocket API session logged on");
        }
        Ok(connection)
    }
}

/// Why a connect attempt failed.
enum Failure {
    /// The governor refused to spend the weight (or the server rate-limited the handshake or
    /// the logon): no backoff, the budget decides when to try again.
    Local(Error),
    /// The server or the network failed: counts towards the reconnect backoff.
    Remote(Error),
}

/// The state of one connect attempt, as its waiters see it.
#[derive(Clone)]
enum Attempt {
    Running,
    Connected(Connection),
    Failed(String),
    /// The attempt ended without an outcome to share; waiters look again.
    GaveUp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnect_backoff_doubles_and_is_bounded() {
        let bounds = (Duration::from_millis(100), Duration::from_secs(2));
        let waits: Vec<u128> = (1..=7).map(|n| backoff_delay(bounds, n).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 800, 1600, 2000, 2000]);
        assert_eq!(backoff_delay(bounds, u32::MAX), Duration::from_secs(2));
    }

    #[test]
    fn builder_rejects_bad_urls_and_recv_windows() {
        static P: Product = Product {
            name: "p",
            title: "P",
            rest_url: None,
            rest_testnet_url: None,
            ws_api_url: None,
            ws_api_testnet_url: None,
            time_path: None,
            rate_limits: &[],
            error_codes: &[],
        };
        assert!(matches!(WsApiBuilder::new(&P).build(), Err(Error::Config(m)) if m.contains("no WebSocket API URL")));
        assert!(matches!(WsApiBuilder::new(&P).url("http://x").build(), Err(Error::Config(m)) if m.contains("wss://")));
        assert!(matches!(WsApiBuilder::new(&P).url("ws:///x").build(), Err(Error::Config(m)) if m.contains("no host")));
        let too_long = WsApiBuilder::new(&P).url("ws://127.0.0.1:1").recv_window(60_001).build();
        assert!(matches!(too_long, Err(Error::Config(m)) if m.contains("recvWindow")));
        assert!(WsApiBuilder::new(&P).url("wss://ws-fapi.binance.com/ws-fapi/v1").build().is_ok());
    }

    #[test]
    fn testnet_without_a_testnet_url_is_an_error_never_production() {
        static PRODUCTION_ONLY: Product = Product {
            name: "production_only",
            title: "Production only",
            rest_url: None,
            rest_testnet_url: None,
            ws_api_url: Some("wss://ws-fapi.binance.com/ws-fapi/v1"),
            ws_api_testnet_url: None,
            time_path: None,
            rate_limits: &[],
            error_codes: &[],
        };
        let built = WsApiBuilder::new(&PRODUCTION_ONLY).testnet().build();
        assert!(matches!(built, Err(Error::Config(m)) if m.contains("no testnet")));
        // The last of `url` and `testnet` wins.
        assert!(WsApiBuilder::new(&PRODUCTION_ONLY).testnet().url("ws://127.0.0.1:1").build().is_ok());
        let built = WsApiBuilder::new(&PRODUCTION_ONLY).url("ws://127.0.0.1:1").testnet().build();
        assert!(matches!(built, Err(Error::Config(_))));
    }
}
