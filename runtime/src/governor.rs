//! The rate-limit governor: keeps a client under the host's declared `REQUEST_WEIGHT` limits
//! before the server has to say no.
//!
//! # How it counts
//! One budget per declared `REQUEST_WEIGHT` limit of the product (per IP or per UID, per window).
//! Each request reserves its endpoint's weight in every budget of its kind *before* it is sent;
//! the reservation is taken under one lock, so concurrent callers can never overbook a budget.
//!
//! Budgets are **sliding windows**: a reservation counts from the moment it is taken until one
//! window after its response arrived (or after the request was abandoned). The server receives
//! the request somewhere between those two moments, so whatever fixed windows the server uses,
//! no server window can see more than the budget from this client.
//!
//! Response headers (`X-MBX-USED-WEIGHT-<n><S|M|H|D>`, `X-SAPI-USED-IP-WEIGHT-1M`,
//! `X-SAPI-USED-UID-WEIGHT-1M`) report what the server counted, which includes traffic from other
//! processes on the same IP; when it is more than the local count, the difference is booked.
//! A 429 pauses the host until `Retry-After` (or one window); a 418 bans it: every request is
//! refused with [`Error::Banned`] until the ban ends.
//!
//! Time comes from `tokio::time`, so tests run it with a paused clock.

use crate::endpoint::{Weight, WeightKind};
use crate::{Error, Interval, LimitKind, RateLimit, RateLimitType, Result};
use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};
use tokio::time::Instant;

/// Ban length assumed after a 418 without `Retry-After`: Binance's shortest ban.
pub const DEFAULT_BAN: Duration = Duration::from_secs(120);
/// Pause after a 429 without `Retry-After` when the host has no declared budget.
pub const DEFAULT_PAUSE: Duration = Duration::from_secs(60);
/// Upper bound of any pause, ban or window, so absurd values (a `Retry-After` of 2^64 seconds)
/// cannot overflow the clock. Binance's longest ban is 3 days.
pub const MAX_WAIT: Duration = Duration::from_secs(30 * 86_400);

/// What a client does when a request does not fit the budget (or the host is paused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RatePolicy {
    /// Wait until the budget frees up, then send (the default).
    #[default]
    Wait,
    /// Return [`Error::RateLimited`] at once, with how long to wait.
    FailFast,
}

/// Usage of one budget, as the governor sees it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageSnapshot {
    /// The host the budget belongs to.
    pub host: String,
    /// Per IP or per UID.
    pub kind: LimitKind,
    /// Declared window unit (as in the spec and the `X-MBX-USED-WEIGHT-*` header name).
    pub interval: Interval,
    /// Declared window length in units.
    pub interval_num: u32,
    /// The window actually enforced (the declared one unless overridden).
    pub window: Duration,
    /// Weight counted in the current sliding window (reserved, in flight, or reported by the server).
    pub used: u32,
    /// The budget per window.
    pub limit: u32,
}

/// Rate-limit state of one host, shared by every clone of the clients that use it.
///
/// Cheap to clone; clones share state. Pass one governor to several clients
/// ([`ClientBuilder::governor`](crate::ClientBuilder::governor)) when they share an IP budget.
#[derive(Clone)]
pub struct Governor {
    shared: Arc<Shared>,
}

struct Shared {
    host: Box<str>,
    state: Mutex<State>,
}

struct State {
    budgets: Vec<Budget>,
    paused_until: Option<Instant>,
    banned_until: Option<Instant>,
}

/// One budget's count, kept so that booking, release and expiry are O(1) amortised: a running
/// total of in-flight weight, and the settled weights in a queue ordered by expiry.
struct Budget {
    kind: LimitKind,
    interval: Interval,
    interval_num: u32,
    window: Duration,
    limit: u32,
    /// Weight of requests not answered yet: it cannot expire before one window after the answer.
    in_flight: u64,
    /// Settled weight (answered requests, and weight the server reported beyond the local
    /// count), in expiry order: every entry expires `window` after it was pushed, and time
    /// only moves forward.
    expiring: VecDeque<(Instant, u32)>,
    /// Sum of the weights in `expiring`.
    expiring_total: u64,
}

impl Budget {
    fn prune(&mut self, now: Instant) {
        while let Some(&(at, weight)) = self.expiring.front() {
            if at > now {
                break;
            }
            self.expiring.pop_front();
            self.expiring_total -= u64::from(weight);
        }
    }

    fn used(&self) -> u64 {
        self.in_flight + self.expiring_total
    }

    /// Books settled weight for one window from `now`.
    fn push_expiring(&mut self, now: Instant, weight: u32) {
        // Never before the last entry, so the queue stays ordered even if a clock misbehaves.
        let at = self.expiring.back().map_or(now + self.window, |&(last, _)| last.max(now + self.window));
        self.expiring.push_back((at, weight));
        self.expiring_total += u64::from(weight);
    }

    /// When `weight` more fits, or `None` if it fits now. Call after `prune`.
    fn fits_at(&self, now: Instant, weight: u32) -> Option<Instant> {
        let excess = (self.used() + u64::from(weight)).checked_sub(u64::from(self.limit)).filter(|e| *e > 0)?;
        let mut freed = 0u64;
        for &(at, w) in &self.expiring {
            freed += u64::from(w);
            if freed >= excess {
                return Some(at);
            }
        }
        // In-flight reservations block: they expire one window after their response at the
        // earliest. Check again then (or earlier, if a response frees something sooner).
        Some(now + self.window)
    }
}

fn matches(kind: WeightKind, limit: LimitKind) -> bool {
    matches!((kind, limit), (WeightKind::Ip, LimitKind::Ip) | (WeightKind::Uid, LimitKind::Uid))
}

/// Converts a tokio instant to wall-clock time, for errors a user reads.
fn wall_clock(at: Instant) -> SystemTime {
    SystemTime::now() + at.saturating_duration_since(Instant::now())
}

impl Governor {
    /// A governor for `host` with one budget per `REQUEST_WEIGHT` limit (IP or UID) in `limits`;
    /// other limit types are not enforced here. `window_override` replaces every budget's window
    /// (tests use a shortened minute).
    pub fn new(host: impl Into<String>, limits: &[RateLimit], window_override: Option<Duration>) -> Self {
        let budgets = limits
            .iter()
            .filter(|l| {
                l.limit_type == RateLimitType::RequestWeight && matches!(l.kind, LimitKind::Ip | LimitKind::Uid)
            })
            .map(|l| Budget {
                kind: l.kind,
                interval: l.interval,
                interval_num: l.interval_num,
                window: window_override.unwrap_or_else(|| l.window()).clamp(Duration::from_millis(1), MAX_WAIT),
                limit: l.limit,
                in_flight: 0,
                expiring: VecDeque::new(),
                expiring_total: 0,
            })
            .collect();
        let state = Mutex::new(State { budgets, paused_until: None, banned_until: None });
        Governor { shared: Arc::new(Shared { host: host.into().into_boxed_str(), state }) }
    }

    /// The host this governor guards.
    pub fn host(&self) -> &str {
        &self.shared.host
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the counts inconsistent in a way that
        // matters more than refusing all traffic would, so keep going with the data.
        self.shared.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Reserves `weight` for request `endpoint`, waiting (policy [`RatePolicy::Wait`]) or failing
    /// with [`Error::RateLimited`] (policy [`RatePolicy::FailFast`]) while it does not fit or the
    /// host is paused. A banned host gives [`Error::Banned`] at once, whatever the policy.
    /// A weight larger than a whole budget gives [`Error::InvalidRequest`].
    ///
    /// Keep the returned [`Reservation`] until the response has arrived, then drop it.
    pub async fn reserve(&self, endpoint: &'static str, weight: Weight, policy: RatePolicy) -> Result<Reservation> {
        loop {
            let ready_at = {
                let mut state = self.lock();
                let now = Instant::now();
                match self.try_book(&mut state, now, endpoint, weight)? {
                    Ok(reservation) => return Ok(reservation),
                    Err(at) => at,
                }
            };
            match policy {
                RatePolicy::FailFast => {
                    let retry_after = ready_at.saturating_duration_since(Instant::now());
                    tracing::debug!(host = %self.host(), endpoint, ?retry_after, "rate budget exhausted; failing fast");
                    return Err(Error::RateLimited { host: self.host().to_string(), retry_after });
                }
                RatePolicy::Wait => {
                    tracing::debug!(host = %self.host(), endpoint, wait = ?ready_at.saturating_duration_since(Instant::now()), "waiting for rate budget");
                    tokio::time::sleep_until(ready_at).await;
                }
            }
        }
    }

    /// Books `weight` if it fits now; otherwise says when to try again. Runs under the lock.
    fn try_book(
        &self,
        state: &mut State,
        now: Instant,
        endpoint: &'static str,
        weight: Weight,
    ) -> Result<std::result::Result<Reservation, Instant>> {
        if let Some(until) = state.banned_until {
            if until > now {
                return Err(Error::Banned { host: self.host().to_string(), until: wall_clock(until) });
            }
            state.banned_until = None;
        }
        if let Some(until) = state.paused_until {
            if until > now {
                return Ok(Err(until));
            }
            state.paused_until = None;
        }
        let mut ready_at: Option<Instant> = None;
        for budget in state.budgets.iter_mut().filter(|b| matches(weight.kind, b.kind)) {
            if weight.value > budget.limit {
                return Err(Error::InvalidRequest {
                    endpoint,
                    reason: format!(
                        "its weight {} exceeds the whole {:?} budget of {} per {:?} on {}",
                        weight.value,
                        budget.kind,
                        budget.limit,
                        budget.window,
                        self.host()
                    ),
                });
            }
            budget.prune(now);
            if let Some(at) = budget.fits_at(now, weight.value) {
                ready_at = Some(ready_at.map_or(at, |r| r.max(at)));
            }
        }
        if let Some(at) = ready_at {
            return Ok(Err(at));
        }
        for budget in state.budgets.iter_mut().filter(|b| matches(weight.kind, b.kind)) {
            budget.in_flight += u64::from(weight.value);
        }
        Ok(Ok(Reservation { governor: self.clone(), weight }))
    }

    /// Reconciles with the server's count for one window (from a response header): when the
    /// server counted more than this governor (other processes on the same IP), the difference
    /// is booked for one window.
    pub fn observe_used(&self, kind: LimitKind, interval: Interval, interval_num: u32, used: u32) {
        let mut state = self.lock();
        let now = Instant::now();
        for budget in state
            .budgets
            .iter_mut()
            .filter(|b| b.kind == kind && b.interval == interval && b.interval_num == interval_num)
        {
            budget.prune(now);
            let local = budget.used();
            if let Some(more) = u64::from(used).checked_sub(local).filter(|m| *m > 0) {
                tracing::debug!(host = %self.host(), ?kind, server = used, local, "server counts more weight than this client; booking the difference");
                // `more` is at most `used`, a u32.
                budget.push_expiring(now, u32::try_from(more).unwrap_or(used));
            }
        }
    }

    /// Reconciles with every usage header of a response. Header names are matched without
    /// regard to case; unknown or malformed headers are ignored.
    pub fn observe_headers<'a>(&self, headers: impl IntoIterator<Item = (&'a str, &'a str)>) {
        for (name, value) in headers {
            if let Some((kind, interval, num)) = parse_usage_header(name) {
                if let Ok(used) = value.trim().parse::<u32>() {
                    self.observe_used(kind, interval, num, used);
                }
            }
        }
    }

    /// Reconciles with the `rateLimits` array of a WebSocket API response (weights are shared
    /// with REST per IP): every `REQUEST_WEIGHT` entry is treated like a usage header.
    pub fn observe_ws_usage(&self, usage: &[crate::ws::RateLimitUsage]) {
        for entry in usage.iter().filter(|u| u.rate_limit_type == "REQUEST_WEIGHT") {
            if let Some(interval) = Interval::from_wire(&entry.interval) {
                let count = u32::try_from(entry.count).unwrap_or(u32::MAX);
                self.observe_used(LimitKind::Ip, interval, entry.interval_num, count);
            }
        }
    }

    /// The server answered 429: nothing goes to this host for `retry_after`, or one window of
    /// the longest budget when the server did not say. Returns the pause applied.
    pub fn pause(&self, retry_after: Option<Duration>) -> Duration {
        let mut state = self.lock();
        let pause =
            retry_after.or_else(|| state.budgets.iter().map(|b| b.window).max()).unwrap_or(DEFAULT_PAUSE).min(MAX_WAIT);
        let until = Instant::now() + pause;
        state.paused_until = Some(state.paused_until.map_or(until, |p| p.max(until)));
        tracing::warn!(host = %self.host(), ?pause, "HTTP 429: pausing all requests to this host");
        pause
    }

    /// The server answered 418: every request to this host is refused until `retry_after`
    /// (or [`DEFAULT_BAN`]) has passed. Returns when the ban ends.
    pub fn ban(&self, retry_after: Option<Duration>) -> SystemTime {
        let mut state = self.lock();
        let until = Instant::now() + retry_after.unwrap_or(DEFAULT_BAN).min(MAX_WAIT);
        let until = state.banned_until.map_or(until, |b| b.max(until));
        state.banned_until = Some(until);
        tracing::warn!(host = %self.host(), ban = ?until.saturating_duration_since(Instant::now()), "HTTP 418: IP banned; refusing all requests to this host");
        wall_clock(until)
    }

    /// When the current ban ends, if the host is banned.
    pub fn banned_until(&self) -> Option<SystemTime> {
        let state = self.lock();
        state.banned_until.filter(|u| *u > Instant::now()).map(wall_clock)
    }

    /// How long the host stays paused after a 429, if it is.
    pub fn paused_for(&self) -> Option<Duration> {
        let state = self.lock();
        let now = Instant::now();
        state.paused_until.filter(|u| *u > now).map(|u| u - now)
    }

    /// Current usage of every budget.
    pub fn usage(&self) -> Vec<UsageSnapshot> {
        let mut state = self.lock();
        let now = Instant::now();
        state
            .budgets
            .iter_mut()
            .map(|b| {
                b.prune(now);
                UsageSnapshot {
                    host: self.host().to_string(),
                    kind: b.kind,
                    interval: b.interval,
                    interval_num: b.interval_num,
                    window: b.window,
                    used: u32::try_from(b.used()).unwrap_or(u32::MAX),
                    limit: b.limit,
                }
            })
            .collect()
    }

    /// Starts the expiry clock of a finished request's reservation.
    fn settle(&self, weight: Weight) {
        if weight.value == 0 {
            return;
        }
        let mut state = self.lock();
        let now = Instant::now();
        for budget in state.budgets.iter_mut().filter(|b| matches(weight.kind, b.kind)) {
            budget.in_flight -= u64::from(weight.value);
            budget.push_expiring(now, weight.value);
        }
    }
}

impl fmt::Debug for Governor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Governor").field("host", &self.host()).field("usage", &self.usage()).finish()
    }
}

/// Weight booked for one request. Dropping it (when the response has arrived, or the request
/// was abandoned) starts the one-window countdown after which the weight is free again.
#[must_use = "dropping the reservation at once ends its in-flight protection"]
pub struct Reservation {
    governor: Governor,
    /// What was booked in every budget of its kind.
    weight: Weight,
}

impl fmt::Debug for Reservation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reservation").field("host", &self.governor.host()).finish_non_exhaustive()
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.governor.settle(self.weight);
    }
}

/// Parses `X-MBX-USED-WEIGHT-1M`, `X-SAPI-USED-IP-WEIGHT-1M` or `X-SAPI-USED-UID-WEIGHT-1M`
/// (any case) into the budget it reports on. Runs for every header of every response, so it
/// compares in place rather than upper-casing a copy.
fn parse_usage_header(name: &str) -> Option<(LimitKind, Interval, u32)> {
    const PREFIXES: [(&str, LimitKind); 3] = [
        ("X-MBX-USED-WEIGHT-", LimitKind::Ip),
        ("X-SAPI-USED-IP-WEIGHT-", LimitKind::Ip),
        ("X-SAPI-USED-UID-WEIGHT-", LimitKind::Uid),
    ];
    let (kind, suffix) = PREFIXES.iter().find_map(|(prefix, kind)| {
        let head = name.get(..prefix.len())?;
        head.eq_ignore_ascii_case(prefix).then(|| Some((*kind, name.get(prefix.len()..)?))).flatten()
    })?;
    let (&unit, digits) = suffix.as_bytes().split_last()?;
    let interval = match unit.to_ascii_uppercase() {
        b'S' => Interval::Second,
        b'M' => Interval::Minute,
        b'H' => Interval::Hour,
        b'D' => Interval::Day,
        _ => return None,
    };
    // The unit is one ASCII byte, so what precedes it is whole characters.
    let num = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some((kind, interval, num))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    fn limits(ip: u32) -> Vec<RateLimit> {
        vec![
            RateLimit {
                limit_type: RateLimitType::RequestWeight,
                kind: LimitKind::Ip,
                interval: Interval::Minute,
                interval_num: 1,
                limit: ip,
            },
            RateLimit {
                limit_type: RateLimitType::Orders,
                kind: LimitKind::Account,
                interval: Interval::Minute,
                interval_num: 1,
                limit: 5,
            },
        ]
    }

    fn ip(value: u32) -> Weight {
        Weight::ip(value)
    }

    fn used(g: &Governor) -> u32 {
        g.usage().iter().map(|u| u.used).sum()
    }

    #[test]
    fn usage_headers_are_parsed() {
        assert_eq!(parse_usage_header("x-mbx-used-weight-1m"), Some((LimitKind::Ip, Interval::Minute, 1)));
        assert_eq!(parse_usage_header("X-MBX-USED-WEIGHT-10S"), Some((LimitKind::Ip, Interval::Second, 10)));
        assert_eq!(parse_usage_header("x-sapi-used-uid-weight-1m"), Some((LimitKind::Uid, Interval::Minute, 1)));
        assert_eq!(parse_usage_header("x-sapi-used-ip-weight-1m"), Some((LimitKind::Ip, Interval::Minute, 1)));
        assert_eq!(parse_usage_header("x-mbx-used-weight"), None);
        assert_eq!(parse_usage_header("x-mbx-order-count-1m"), None);
        assert_eq!(parse_usage_header("x-mbx-used-weight-1x"), None);
        assert_eq!(parse_usage_header("x-mbx-used-weight-m"), None);
        assert_eq!(parse_usage_header("x-mbx-used-weight-1é"), None);
        assert_eq!(parse_usage_header("x-mbx-used-weight-"), None);
        assert_eq!(parse_usage_header("X-Mbx-Used-Weight-30d"), Some((LimitKind::Ip, Interval::Day, 30)));
    }

    #[tokio::test(start_paused = true)]
    async fn only_request_weight_limits_become_budgets() {
        let g = Governor::new("h", &limits(10), None);
        let usage = g.usage();
        assert_eq!(usage.len(), 1);
        assert_eq!((usage[0].kind, usage[0].limit, usage[0].window), (LimitKind::Ip, 10, MINUTE));
        // A UID weight has no UID budget here: nothing is booked and nothing blocks.
        drop(
            g.reserve("e", Weight { kind: WeightKind::Uid, value: 50, orders: &[] }, RatePolicy::FailFast)
                .await
                .unwrap(),
        );
        assert_eq!(used(&g), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_reservations_never_exceed_the_budget() {
        // 3x the budget from 30 concurrent tasks; record the peak weight counted in any window.
        let g = Governor::new("h", &limits(100), Some(Duration::from_secs(1)));
        let sent = Arc::new(Mutex::new(Vec::<(Instant, u32)>::new()));
        let mut tasks = Vec::new();
        for i in 0..30u32 {
            let (g, sent) = (g.clone(), sent.clone());
            tasks.push(tokio::spawn(async move {
                for _ in 0..3 {
                    let w = 3 + i % 4;
                    let r = g.reserve("e", ip(w), RatePolicy::Wait).await.unwrap();
                    sent.lock().unwrap().push((Instant::now(), w));
                    assert!(used(&g) <= 100);
                    tokio::time::sleep(Duration::from_millis(10)).await; // the request in flight
                    drop(r);
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let sent = sent.lock().unwrap();
        let total: u32 = sent.iter().map(|(_, w)| w).sum();
        assert!(total > 300, "the test must offer more than three budgets, offered {total}");
        // Any one-second window (the server may align it anywhere) holds at most the budget.
        for (start, _) in sent.iter() {
            let in_window: u32 =
                sent.iter().filter(|(t, _)| *t >= *start && *t < *start + Duration::from_secs(1)).map(|(_, w)| w).sum();
            assert!(in_window <= 100, "{in_window} weight sent within one window");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn fail_fast_says_when_the_budget_frees() {
        let g = Governor::new("h", &limits(10), None);
        let first = g.reserve("e", ip(8), RatePolicy::FailFast).await.unwrap();
        tokio::time::advance(Duration::from_secs(5)).await;
        drop(first); // response arrived: the weight counts one window from now
        match g.reserve("e", ip(5), RatePolicy::FailFast).await {
            Err(Error::RateLimited { retry_after, host }) => {
                assert_eq!(host, "h");
                assert_eq!(retry_after, MINUTE);
            }
            other => panic!("expected RateLimited, got {other:?}"),
        }
        // What still fits goes through.
        drop(g.reserve("e", ip(2), RatePolicy::FailFast).await.unwrap());
        assert_eq!(used(&g), 10);
    }

    #[tokio::test(start_paused = true)]
    async fn wait_sleeps_until_the_budget_frees() {
        let g = Governor::new("h", &limits(10), None);
        drop(g.reserve("e", ip(10), RatePolicy::Wait).await.unwrap());
        let start = Instant::now();
        drop(g.reserve("e", ip(1), RatePolicy::Wait).await.unwrap());
        assert_eq!(Instant::now() - start, MINUTE);
        assert_eq!(used(&g), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn in_flight_weight_does_not_expire() {
        let g = Governor::new("h", &limits(10), None);
        let in_flight = g.reserve("e", ip(10), RatePolicy::Wait).await.unwrap();
        tokio::time::advance(MINUTE * 3).await;
        assert!(matches!(g.reserve("e", ip(1), RatePolicy::FailFast).await, Err(Error::RateLimited { .. })));
        drop(in_flight);
        tokio::time::advance(MINUTE).await;
        drop(g.reserve("e", ip(1), RatePolicy::FailFast).await.unwrap());
    }

    #[tokio::test(start_paused = true)]
    async fn each_weight_expires_one_window_after_its_own_release_whatever_the_order() {
        let g = Governor::new("h", &limits(100), None);
        let (first, second) = (
            g.reserve("e", ip(3), RatePolicy::Wait).await.unwrap(),
            g.reserve("e", ip(4), RatePolicy::Wait).await.unwrap(),
        );
        drop(second);
        tokio::time::advance(Duration::from_secs(10)).await;
        drop(first);
        drop(g.reserve("e", ip(0), RatePolicy::Wait).await.unwrap()); // weight 0 books nothing
        assert_eq!(used(&g), 7);
        tokio::time::advance(MINUTE - Duration::from_secs(10)).await;
        assert_eq!(used(&g), 3, "the weight released first expired first");
        tokio::time::advance(Duration::from_secs(10)).await;
        assert_eq!(used(&g), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn header_reconciliation_raises_usage_but_never_lowers_it() {
        let g = Governor::new("h", &limits(100), None);
        let r = g.reserve("e", ip(5), RatePolicy::Wait).await.unwrap();
        g.observe_headers([("X-MBX-USED-WEIGHT-1M", "42"), ("Content-Type", "application/json")]);
        assert_eq!(used(&g), 42);
        g.observe_headers([("x-mbx-used-weight-1m", "7")]);
        assert_eq!(used(&g), 42);
        // A header for a window the product does not declare changes nothing.
        g.observe_headers([("x-mbx-used-weight-1h", "99")]);
        assert_eq!(used(&g), 42);
        drop(r);
        assert!(matches!(g.reserve("e", ip(60), RatePolicy::FailFast).await, Err(Error::RateLimited { .. })));
        tokio::time::advance(MINUTE).await;
        assert_eq!(used(&g), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn websocket_rate_limits_count_like_headers() {
        let g = Governor::new("h", &limits(100), None);
        let entry = |kind: &str, interval: &str, count| crate::ws::RateLimitUsage {
            rate_limit_type: kind.into(),
            interval: interval.into(),
            interval_num: 1,
            limit: 100,
            count,
        };
        g.observe_ws_usage(&[entry("ORDERS", "MINUTE", 90), entry("REQUEST_WEIGHT", "HOUR", 80)]);
        assert_eq!(used(&g), 0);
        g.observe_ws_usage(&[entry("REQUEST_WEIGHT", "MINUTE", 30)]);
        assert_eq!(used(&g), 30);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_pauses_the_host_until_retry_after() {
        let g = Governor::new("h", &limits(100), None);
        assert_eq!(g.pause(Some(Duration::from_secs(7))), Duration::from_secs(7));
        match g.reserve("e", ip(1), RatePolicy::FailFast).await {
            Err(Error::RateLimited { retry_after, .. }) => assert_eq!(retry_after, Duration::from_secs(7)),
            other => panic!("expected RateLimited, got {other:?}"),
        }
        let start = Instant::now();
        drop(g.reserve("e", ip(1), RatePolicy::Wait).await.unwrap());
        assert_eq!(Instant::now() - start, Duration::from_secs(7));
        // Without Retry-After: one window. An absurd Retry-After is bounded, not a panic.
        assert_eq!(g.pause(None), MINUTE);
        assert_eq!(g.pause(Some(Duration::from_secs(u64::MAX))), MAX_WAIT);
        assert!(g.ban(Some(Duration::MAX)) > SystemTime::now());
    }

    #[tokio::test(start_paused = true)]
    async fn a_418_bans_every_request_until_it_ends_whatever_the_policy() {
        let g = Governor::new("h", &limits(100), None);
        let until = g.ban(None);
        assert!(g.banned_until().is_some());
        for policy in [RatePolicy::Wait, RatePolicy::FailFast] {
            match g.reserve("e", ip(1), policy).await {
                Err(Error::Banned { until: u, host }) => {
                    assert_eq!(host, "h");
                    let diff = u.duration_since(until).unwrap_or_else(|e| e.duration());
                    assert!(diff < Duration::from_secs(1), "ban end moved by {diff:?}");
                }
                other => panic!("expected Banned, got {other:?}"),
            }
        }
        tokio::time::advance(DEFAULT_BAN).await;
        assert!(g.banned_until().is_none());
        drop(g.reserve("e", ip(1), RatePolicy::FailFast).await.unwrap());
    }

    #[tokio::test(start_paused = true)]
    async fn a_weight_above_the_whole_budget_is_an_invalid_request() {
        let g = Governor::new("h", &limits(10), None);
        assert!(matches!(g.reserve("e", ip(11), RatePolicy::Wait).await, Err(Error::InvalidRequest { .. })));
    }
}
