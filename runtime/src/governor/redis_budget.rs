//! [`RedisBudget`]: the [`BudgetStore`] that many processes (on one machine or many) share
//! through one Redis server (cargo feature `redis`).
//!
//! # How it counts
//! * A reservation is **one round trip**: a Lua script (sent by SHA with `EVALSHA`, loaded
//!   again with `EVAL` when the server has forgotten it) checks the ban, the family's pauses
//!   and every budget the request counts in, and books all of them or none.
//! * Budgets count in **fixed windows aligned like Binance's**: the window of a minute budget
//!   starts at :00 of the server clock (the caller's server-synced clock, not Redis's). A request
//!   booked within [`boundary_margin`](RedisBudgetBuilder::boundary_margin) of a window's end
//!   counts in the next window too, since it may reach the server after the boundary; one
//!   booked within it of a window's start counts in the window before too, since the caller's
//!   clock may run ahead of the server's.
//! * What a process learns from response headers **raises** the shared count of the server's
//!   current window, never lowers it; a 429 pause and a 418 ban are stored (as server epoch
//!   milliseconds) and stop every sharer until then.
//!
//! # Keys
//! `{<prefix>}:<host>:ip:<ip>:<family>:weight:1m:<window start ms>` for IP weight,
//! `…:uid:<account>:…` for UID weight, `…:acct:<account>:<family>:orders:10s:<start>` for
//! order counts, `…:ip:<ip>:ban`, `…:ip:<ip>:<family>:pause`, `…:acct:<account>:<family>:orders-pause`.
//! The prefix is a Redis Cluster hash tag, so every key of one shared budget lives in one
//! slot and one script can touch them all; give each IP (or group of processes that shares
//! budgets) its own prefix to spread them over a cluster. Counter keys expire shortly after
//! their window ends.
//!
//! # When Redis fails
//! Every call is bounded by [`timeout`](RedisBudgetBuilder::timeout). After a failure (down at
//! start, restarting, too slow, unreachable) the store stops asking Redis for
//! [`retry_interval`](RedisBudgetBuilder::retry_interval) and does what
//! [`OnRedisFailure`] says: refuse requests with [`Error::SharedBudget`], or count locally
//! against a share of each limit. Bans and pauses learned meanwhile are kept locally (the
//! governor never forgets them) and written to Redis once it answers again.

use super::store::{BudgetSpec, BudgetStore, SharedReservation, StoreFuture, Verdict};
use crate::{Error, Interval, LimitKind, RateLimitType, Result};
use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{Client, Script};
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::time::Instant;

/// Books every counter or none. KEYS: ban, pause, orders pause, then the counters; ARGV: the
/// server time now, then per counter its limit, amount, ms until its window ends, and TTL.
/// Returns {0, 0} when booked, {1, ms to wait} when full or paused, {2, ban end} when banned.
const RESERVE: &str = r"
local now = tonumber(ARGV[1])
local ban = tonumber(redis.call('GET', KEYS[1]) or '0')
if ban > now then return {2, ban} end
local wait = 0
for i = 2, 3 do
  local left = tonumber(redis.call('GET', KEYS[i]) or '0') - now
  if left > wait then wait = left end
end
for i = 4, #KEYS do
  local j = 2 + (i - 4) * 4
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  local left = tonumber(ARGV[j + 2])
  if used > 0 and used + tonumber(ARGV[j + 1]) > tonumber(ARGV[j]) and left > wait then wait = left end
end
if wait > 0 then return {1, wait} end
for i = 4, #KEYS do
  local j = 2 + (i - 4) * 4
  redis.call('INCRBY', KEYS[i], ARGV[j + 1])
  redis.call('PEXPIRE', KEYS[i], ARGV[j + 3])
end
return {0, 0}
";

/// Raises KEYS[1] to at least ARGV[1] (never lowers it), expiring in ARGV[2] ms when raised.
const RAISE: &str = r"
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local new = tonumber(ARGV[1])
if new > cur then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 0
";

/// What a [`RedisBudget`] does while Redis does not answer (down, restarting, slower than the
/// timeout, unreachable).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum OnRedisFailure {
    /// Refuse every request with [`Error::SharedBudget`] until Redis answers again (the
    /// default): never risks a ban, stops trading while Redis is away.
    #[default]
    FailClosed,
    /// Go on with a local budget of this share (0 < share ≤ 1) of every limit, in this process
    /// alone, until Redis answers again. With N processes sharing the budget, `1.0 / N` keeps
    /// them all under the limit together.
    LocalShare(f64),
}

/// Options of a [`RedisBudget`]; [`connect`](Self::connect) makes it.
#[derive(Clone)]
pub struct RedisBudgetBuilder {
    url: String,
    prefix: String,
    ip: String,
    account: String,
    timeout: Duration,
    retry_interval: Duration,
    boundary_margin: Duration,
    on_failure: OnRedisFailure,
}

impl fmt::Debug for RedisBudgetBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a password: left out.
        f.debug_struct("RedisBudgetBuilder")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .field("on_failure", &self.on_failure)
            .finish_non_exhaustive()
    }
}

impl RedisBudgetBuilder {
    /// The key prefix, also the Redis Cluster hash tag (default `binance`). Processes share a
    /// budget when they use the same Redis, prefix, IP and account names.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// A name for the public IP the processes send from (default `default`): IP weight, pauses
    /// and bans are shared under it.
    pub fn ip(mut self, ip: impl Into<String>) -> Self {
        self.ip = ip.into();
        self
    }

    /// A name for the account (default `default`): UID weight, order counts and order pauses
    /// are shared under it. Never put the API key here: any label will do.
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = account.into();
        self
    }

    /// The longest one Redis call may take (default 250 ms); a slower answer counts as a failure.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// After a failure, how long the store stops asking Redis before trying again (default 1 s).
    pub fn retry_interval(mut self, interval: Duration) -> Self {
        self.retry_interval = interval;
        self
    }

    /// A request booked this close to a window's end counts in the next window too, and one
    /// booked this close to a window's start in the window before too (default 1 s): it should
    /// cover the time to reach the server plus the clock's error, which goes either way.
    pub fn boundary_margin(mut self, margin: Duration) -> Self {
        self.boundary_margin = margin;
        self
    }

    /// What to do while Redis does not answer (default [`OnRedisFailure::FailClosed`]).
    pub fn on_failure(mut self, policy: OnRedisFailure) -> Self {
        self.on_failure = policy;
        self
    }

    /// Connects (one `PING`, within the timeout). When Redis does not answer, fails with
    /// [`Error::SharedBudget`] under [`OnRedisFailure::FailClosed`]; under
    /// [`OnRedisFailure::LocalShare`] starts on the local share and keeps trying.
    pub async fn connect(self) -> Result<RedisBudget> {
        for (what, value) in [("prefix", &self.prefix), ("ip", &self.ip), ("account", &self.account)] {
            if value.is_empty() || value.contains(['{', '}']) {
                return Err(Error::Config(format!(
                    "RedisBudget {what} `{value}` must be non-empty and without braces (the prefix is the key's hash tag)"
                )));
            }
        }
        if let OnRedisFailure::LocalShare(share) = self.on_failure {
            if !(share > 0.0 && share <= 1.0) {
                return Err(Error::Config(format!("OnRedisFailure::LocalShare({share}) must be in (0, 1]")));
            }
        }
        let client = Client::open(self.url.as_str()).map_err(|_| {
            Error::Config("invalid Redis URL: expected redis://[[user]:password@]host[:port][/db]".into())
        })?;
        let label = format!("redis {}", client.get_connection_info().addr());
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(1)
            .set_max_delay(self.retry_interval.max(Duration::from_millis(10)));
        let conn = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| Error::Config(format!("cannot set up the Redis connection to {label}: {e}")))?;
        let budget = RedisBudget {
            inner: Arc::new(Inner {
                conn,
                label,
                prefix: self.prefix,
                ip: self.ip,
                account: self.account,
                timeout: self.timeout,
                retry_interval: self.retry_interval,
                margin_ms: millis(self.boundary_margin),
                on_failure: self.on_failure,
                reserve: Script::new(RESERVE),
                raise: Script::new(RAISE),
                health: Mutex::new(Health { down_until: None, down: false }),
                local: Mutex::new(HashMap::new()),
                pending: Mutex::new(HashMap::new()),
                flusher: AtomicBool::new(false),
            }),
        };
        let mut conn = budget.inner.conn.clone();
        let ping = ::redis::cmd("PING");
        match tokio::time::timeout(budget.inner.timeout, ping.query_async::<String>(&mut conn)).await {
            Ok(Ok(_)) => Ok(budget),
            failed => {
                let reason = describe(failed.map(|r| r.map(drop)), budget.inner.timeout);
                match budget.inner.on_failure {
                    OnRedisFailure::FailClosed => Err(Error::SharedBudget {
                        store: budget.inner.label.clone(),
                        reason: format!("{reason} at start; start Redis, or choose OnRedisFailure::LocalShare to run on a local share of the limits meanwhile"),
                    }),
                    OnRedisFailure::LocalShare(_) => {
                        budget.inner.failed(&reason);
                        Ok(budget)
                    }
                }
            }
        }
    }
}

/// Rate-limit budgets shared by every process that uses the same Redis (and prefix, IP and
/// account names). Cheap to clone. See the [module docs](self).
///
/// ```no_run
/// # async fn demo() -> binance_runtime::Result<()> {
/// use binance_runtime::{OnRedisFailure, RedisBudget};
/// let shared = RedisBudget::builder("redis://127.0.0.1:6379")
///     .prefix("binance:prod")
///     .on_failure(OnRedisFailure::LocalShare(0.25))
///     .connect()
///     .await?;
/// # drop(shared);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RedisBudget {
    inner: Arc<Inner>,
}

struct Inner {
    conn: ConnectionManager,
    /// `redis host:port`, never the URL (it may hold a password).
    label: String,
    prefix: String,
    ip: String,
    account: String,
    timeout: Duration,
    retry_interval: Duration,
    margin_ms: u64,
    on_failure: OnRedisFailure,
    reserve: Script,
    raise: Script,
    health: Mutex<Health>,
    /// The local fallback's counters (and nothing while Redis answers): key → (count, expiry).
    local: Mutex<HashMap<String, (u64, Instant)>>,
    /// Raises (bans, pauses, server counts) Redis has not taken yet: key → (value, TTL ms).
    pending: Mutex<HashMap<String, (u64, u64)>>,
    /// A task writing `pending` back is running.
    flusher: AtomicBool,
}

struct Health {
    /// Redis is not asked again before this.
    down_until: Option<Instant>,
    /// The last call failed (for logging the transitions once).
    down: bool,
}

/// One counter a reservation books in.
struct Counter {
    key: String,
    limit: u32,
    amount: u32,
    /// Until the counter's window ends.
    left_ms: u64,
    ttl_ms: u64,
}

/// The keys and amounts of one reservation.
struct Plan {
    ban: String,
    pauses: [String; 2],
    counters: Vec<Counter>,
}

impl RedisBudget {
    /// Options, starting from the Redis URL (`redis://[[user]:password@]host[:port][/db]`).
    pub fn builder(url: impl Into<String>) -> RedisBudgetBuilder {
        RedisBudgetBuilder {
            url: url.into(),
            prefix: "binance".into(),
            ip: "default".into(),
            account: "default".into(),
            timeout: Duration::from_millis(250),
            retry_interval: Duration::from_secs(1),
            boundary_margin: Duration::from_secs(1),
            on_failure: OnRedisFailure::default(),
        }
    }

    /// Connects with the default options ([`RedisBudgetBuilder`]).
    pub async fn connect(url: impl Into<String>) -> Result<Self> {
        Self::builder(url).connect().await
    }
}

impl fmt::Debug for RedisBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisBudget")
            .field("store", &self.inner.label)
            .field("prefix", &self.inner.prefix)
            .field("on_failure", &self.inner.on_failure)
            .finish_non_exhaustive()
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Plain maps of counts: a panic elsewhere cannot leave them in a state worth refusing over.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A failed call, in words.
fn describe(
    outcome: std::result::Result<::redis::RedisResult<()>, tokio::time::error::Elapsed>,
    timeout: Duration,
) -> String {
    match outcome {
        Err(_) => format!("Redis did not answer within {timeout:?}"),
        Ok(Err(e)) => format!("Redis failed: {e}"),
        Ok(Ok(())) => "no failure".into(),
    }
}

/// A TTL for a key holding a server time: until then by this machine's clock, plus a minute
/// for clock differences (the value itself, not the TTL, is what stops requests).
fn ttl_until(until_ms: u64) -> u64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, millis);
    until_ms.saturating_sub(now).saturating_add(60_000)
}

fn interval_unit(interval: Interval) -> char {
    match interval {
        Interval::Second => 's',
        Interval::Minute => 'm',
        Interval::Hour => 'h',
        Interval::Day => 'd',
    }
}

impl Inner {
    fn ip_scope(&self, host: &str) -> String {
        format!("{{{}}}:{host}:ip:{}", self.prefix, self.ip)
    }

    fn account_scope(&self, host: &str) -> String {
        format!("{{{}}}:{host}:acct:{}", self.prefix, self.account)
    }

    /// The key of `budget`'s counter for the window starting at `start_ms`.
    fn counter_key(&self, host: &str, family: &str, budget: &BudgetSpec, start_ms: u64) -> String {
        let (scope, what) = match (budget.limit_type, budget.kind) {
            (RateLimitType::Orders, _) => (self.account_scope(host), "orders"),
            (_, LimitKind::Uid) => (format!("{{{}}}:{host}:uid:{}", self.prefix, self.account), "weight"),
            _ => (self.ip_scope(host), "weight"),
        };
        let unit = interval_unit(budget.interval);
        format!("{scope}:{family}:{what}:{}{unit}:{start_ms}", budget.interval_num)
    }

    fn ban_key(&self, host: &str) -> String {
        format!("{}:ban", self.ip_scope(host))
    }

    fn pause_key(&self, host: &str, family: &str, orders_only: bool) -> String {
        if orders_only {
            format!("{}:{family}:orders-pause", self.account_scope(host))
        } else {
            format!("{}:{family}:pause", self.ip_scope(host))
        }
    }

    fn plan(&self, request: &SharedReservation<'_>) -> Plan {
        let now = request.server_now_ms;
        let (host, family) = (request.host, request.family);
        let mut counters = Vec::with_capacity(request.bookings.len() * 2);
        for booking in request.bookings {
            let window = booking.budget.window_ms.max(1);
            let start = now - now % window;
            let margin = self.margin_ms.min(window - 1);
            let mut starts = vec![start];
            // Sent this close to the boundary, it may reach the server in the next window.
            if now.saturating_add(margin) >= start.saturating_add(window) {
                starts.push(start.saturating_add(window));
            }
            // Booked this soon after a boundary on a clock that may run ahead of the server's
            // (a synced clock errs either way), it may reach the server in the window before.
            if now < start.saturating_add(margin) && start >= window {
                starts.insert(0, start - window);
            }
            for s in starts {
                // A full counter holds the request until its window ends; the window before
                // only until this booking no longer needs it.
                let until = if s < start { start.saturating_add(margin) } else { s.saturating_add(window) };
                let left_ms = until.saturating_sub(now).max(1);
                counters.push(Counter {
                    key: self.counter_key(host, family, &booking.budget, s),
                    limit: booking.budget.limit,
                    amount: booking.amount,
                    left_ms,
                    ttl_ms: left_ms.saturating_add(self.margin_ms).saturating_add(1_000),
                });
            }
        }
        let orders_pause = if request.places_orders {
            self.pause_key(host, family, true)
        } else {
            // Not an order: the plain pause twice keeps the script's key layout fixed.
            self.pause_key(host, family, false)
        };
        Plan { ban: self.ban_key(host), pauses: [self.pause_key(host, family, false), orders_pause], counters }
    }

    /// Redis may be asked now (it answered last time, or the retry interval has passed).
    fn usable(&self) -> bool {
        lock(&self.health).down_until.is_none_or(|until| Instant::now() >= until)
    }

    fn failed(&self, reason: &str) {
        let mut health = lock(&self.health);
        health.down_until = Some(Instant::now() + self.retry_interval);
        if !health.down {
            health.down = true;
            tracing::warn!(store = %self.label, reason, policy = ?self.on_failure, "shared rate-limit budget unavailable");
        }
    }

    fn recovered(&self) -> bool {
        let mut health = lock(&self.health);
        health.down_until = None;
        std::mem::replace(&mut health.down, false)
    }

    /// One Lua call within the timeout.
    async fn eval<T: ::redis::FromRedisValue>(
        &self,
        script: &Script,
        keys: &[&str],
        args: &[u64],
    ) -> std::result::Result<T, String> {
        let mut invocation = script.prepare_invoke();
        for key in keys {
            invocation.key(*key);
        }
        for arg in args {
            invocation.arg(*arg);
        }
        let mut conn = self.conn.clone();
        match tokio::time::timeout(self.timeout, invocation.invoke_async::<T>(&mut conn)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(describe(Ok(Err(e)), self.timeout)),
            Err(elapsed) => Err(describe(Err(elapsed), self.timeout)),
        }
    }

    async fn reserve(self: &Arc<Self>, request: SharedReservation<'_>) -> Result<Verdict> {
        let plan = self.plan(&request);
        if self.usable() {
            match self.reserve_in_redis(&plan, request.server_now_ms).await {
                Ok(verdict) => {
                    if self.recovered() {
                        tracing::info!(store = %self.label, "shared rate-limit budget reachable again");
                        lock(&self.local).clear();
                    }
                    self.flush_pending().await;
                    return Ok(verdict);
                }
                Err(reason) => self.failed(&reason),
            }
        }
        match self.on_failure {
            OnRedisFailure::FailClosed => Err(Error::SharedBudget {
                store: self.label.clone(),
                reason: format!(
                    "Redis did not answer (retrying every {:?}); policy FailClosed refuses requests meanwhile (OnRedisFailure::LocalShare would go on with a share of the limits)",
                    self.retry_interval
                ),
            }),
            OnRedisFailure::LocalShare(share) => Ok(self.reserve_locally(&plan, request.server_now_ms, share)),
        }
    }

    async fn reserve_in_redis(&self, plan: &Plan, now_ms: u64) -> std::result::Result<Verdict, String> {
        let mut keys: Vec<&str> = vec![&plan.ban, &plan.pauses[0], &plan.pauses[1]];
        let mut args = vec![now_ms];
        for c in &plan.counters {
            keys.push(&c.key);
            args.extend([u64::from(c.limit), u64::from(c.amount), c.left_ms, c.ttl_ms]);
        }
        let (code, value): (i64, i64) = self.eval(&self.reserve, &keys, &args).await?;
        let value = u64::try_from(value).unwrap_or(0);
        Ok(match code {
            0 => Verdict::Granted,
            2 => Verdict::BannedUntil(value),
            _ => Verdict::RetryIn(Duration::from_millis(value.max(1))),
        })
    }

    /// The fallback: the same rules on this process's own counters, against `share` of each limit.
    fn reserve_locally(&self, plan: &Plan, now_ms: u64, share: f64) -> Verdict {
        {
            let pending = lock(&self.pending);
            if let Some(&(until, _)) = pending.get(&plan.ban).filter(|(until, _)| *until > now_ms) {
                return Verdict::BannedUntil(until);
            }
            let paused =
                plan.pauses.iter().filter_map(|k| pending.get(k)).map(|(until, _)| until.saturating_sub(now_ms)).max();
            if let Some(left) = paused.filter(|l| *l > 0) {
                return Verdict::RetryIn(Duration::from_millis(left));
            }
        }
        let now = Instant::now();
        let mut local = lock(&self.local);
        local.retain(|_, (_, expiry)| *expiry > now);
        let mut wait = 0;
        for c in &plan.counters {
            let used = local.get(&c.key).map_or(0, |(count, _)| *count);
            // A share rounds down, but never to nothing.
            let limit = ((f64::from(c.limit) * share).floor() as u64).max(1);
            if used > 0 && used + u64::from(c.amount) > limit {
                wait = wait.max(c.left_ms);
            }
        }
        if wait > 0 {
            return Verdict::RetryIn(Duration::from_millis(wait));
        }
        for c in &plan.counters {
            let entry = local.entry(c.key.clone()).or_insert((0, now + Duration::from_millis(c.ttl_ms)));
            entry.0 += u64::from(c.amount);
        }
        Verdict::Granted
    }

    /// Keeps a raise for Redis (bans, pauses, server counts): the largest value per key wins.
    /// A background task writes it once Redis answers, even if this process sends nothing more
    /// (a banned process does not); it ends when nothing is pending or the store is dropped.
    fn keep_pending(self: &Arc<Self>, key: String, value: u64, ttl_ms: u64) {
        {
            let mut pending = lock(&self.pending);
            let entry = pending.entry(key).or_insert((0, 0));
            if value > entry.0 {
                *entry = (value, ttl_ms);
            }
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else { return };
        if self.flusher.swap(true, Ordering::AcqRel) {
            return;
        }
        let weak = Arc::downgrade(self);
        let interval = self.retry_interval.max(Duration::from_millis(10));
        handle.spawn(async move {
            loop {
                tokio::time::sleep(interval).await;
                let Some(inner) = weak.upgrade() else { return };
                if inner.usable() {
                    inner.flush_pending().await;
                }
                if lock(&inner.pending).is_empty() {
                    inner.flusher.store(false, Ordering::Release);
                    // A raise kept between the check and the flag starts no task: look again.
                    if lock(&inner.pending).is_empty() || inner.flusher.swap(true, Ordering::AcqRel) {
                        return;
                    }
                }
            }
        });
    }

    /// Writes the raises Redis missed while it was away.
    async fn flush_pending(self: &Arc<Self>) {
        let waiting: Vec<(String, (u64, u64))> = {
            let mut pending = lock(&self.pending);
            if pending.is_empty() {
                return;
            }
            pending.drain().collect()
        };
        let mut failed = Vec::new();
        for (key, (value, ttl)) in waiting {
            if failed.is_empty() {
                if let Err(reason) = self.eval::<i64>(&self.raise, &[&key], &[value, ttl.max(1)]).await {
                    self.failed(&reason);
                    failed.push((key, (value, ttl)));
                }
            } else {
                failed.push((key, (value, ttl)));
            }
        }
        for (key, (value, ttl)) in failed {
            self.keep_pending(key, value, ttl);
        }
    }

    /// Raises `key` in Redis in the background. When Redis is away, a ban or pause (`keep`) is
    /// kept for later; a server count is not, as it is stale once its window ends and keeping
    /// every window's count through a long outage would grow without bound.
    fn raise_later(self: &Arc<Self>, key: String, value: u64, ttl_ms: u64, keep: bool) {
        let handle = tokio::runtime::Handle::try_current();
        match handle {
            Ok(handle) if self.usable() => {
                let inner = Arc::clone(self);
                handle.spawn(async move {
                    if let Err(reason) = inner.eval::<i64>(&inner.raise, &[&key], &[value, ttl_ms.max(1)]).await {
                        inner.failed(&reason);
                        if keep {
                            inner.keep_pending(key, value, ttl_ms);
                        }
                    }
                });
            }
            _ if keep => self.keep_pending(key, value, ttl_ms),
            _ => {}
        }
    }
}

impl BudgetStore for RedisBudget {
    fn reserve<'a>(&'a self, request: SharedReservation<'a>) -> StoreFuture<'a, Result<Verdict>> {
        Box::pin(self.inner.reserve(request))
    }

    fn observe(&self, host: &str, family: &str, budget: BudgetSpec, count: u64, server_now_ms: u64) {
        let count = count.min(u64::from(budget.limit));
        if count == 0 {
            return;
        }
        let window = budget.window_ms.max(1);
        let start = server_now_ms - server_now_ms % window;
        let key = self.inner.counter_key(host, family, &budget, start);
        let left = start.saturating_add(window).saturating_sub(server_now_ms);
        if !self.inner.usable() {
            // The fallback counts what the server reported too.
            let expiry = Instant::now() + Duration::from_millis(left);
            let mut local = lock(&self.inner.local);
            let now = Instant::now();
            local.retain(|_, (_, expiry)| *expiry > now);
            let entry = local.entry(key.clone()).or_insert((0, expiry));
            entry.0 = entry.0.max(count);
        }
        self.inner.raise_later(key, count, left.saturating_add(self.inner.margin_ms).saturating_add(1_000), false);
    }

    fn pause(&self, host: &str, family: &str, orders_only: bool, until_ms: u64) {
        let key = self.inner.pause_key(host, family, orders_only);
        self.inner.raise_later(key, until_ms, ttl_until(until_ms), true);
    }

    fn ban(&self, host: &str, until_ms: u64) {
        let key = self.inner.ban_key(host);
        self.inner.raise_later(key, until_ms, ttl_until(until_ms), true);
    }
}
