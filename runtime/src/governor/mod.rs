//! The rate-limit governor: keeps a client under the host's declared limits before the server
//! has to say no.
//!
//! # How it counts
//! Binance keeps one set of budgets per **path family** on a host (`/api`, `/sapi`, `/fapi`,
//! `/papi`, …: the first path segment), so the governor does too. Each family gets one budget
//! per declared `REQUEST_WEIGHT` limit (per IP or per UID) and per declared `ORDERS` limit of the
//! account. A request reserves its weight (as computed by `Endpoint::weight()`, which already
//! depends on its parameters) in every weight budget of its kind, and its order counts in the
//! matching `ORDERS` budgets, *before* it is sent; the reservation is taken under one lock, so
//! concurrent callers can never overbook a budget.
//!
//! Local reservations count in **sliding windows**: from the moment they are taken until one
//! window after their response arrived (or after the request was abandoned). The server receives
//! the request somewhere between those two moments, so whatever fixed windows the server uses,
//! no server window can see more than the budget from this client.
//!
//! Response headers (`X-MBX-USED-WEIGHT-<n><S|M|H|D>`, `X-SAPI-USED-IP-WEIGHT-1M`,
//! `X-SAPI-USED-UID-WEIGHT-1M`, `X-MBX-ORDER-COUNT-10S`/`-1M`) and WebSocket `rateLimits` report
//! what the server counted in its own **fixed** window, which includes traffic from other
//! processes on the same IP or account. The governor never counts less than that, plus the
//! weight it had in flight when the count arrived (the server may not have counted it yet) and
//! the weight it booked since (it had not), until the server's window ends (windows aligned
//! like Binance's: a minute starts at :00 of the server clock, see
//! [`Governor::set_clock_offset_ms`]). A reported count is clamped to the limit, so a
//! broken or hostile header can block a budget for the rest of one window, never longer.
//!
//! # Waiting, pauses and bans
//! * Waiters are served first come, first served per family (order-placing requests queue
//!   separately, so that a pause of order placement does not hold up market data). A waiter is
//!   woken when a response settles weight, when a waiter ahead of it is served or gives up, and
//!   when the window it waits for rolls.
//! * No wait is longer than [`Governor::max_wait`] (default [`DEFAULT_MAX_WAIT`]): a request that
//!   would wait longer gets [`Error::RateLimited`] with the time it would have to wait.
//! * A 429 pauses the family (or, for an order rejected with `-1015`, or without a code but with
//!   an order count at its limit, only order placement in the family) until `Retry-After`, or
//!   one window.
//! * A 418 bans the host: every request is refused with [`Error::Banned`] until the ban ends:
//!   `Retry-After` when the server sent a non-zero one, else the time in the message ("banned
//!   until 1700000000000", server epoch milliseconds), else [`DEFAULT_BAN`]; at least [`MIN_BAN`].
//!
//! # Sharing budgets with other processes
//! Binance counts per IP and per account, not per process. A governor given a [`BudgetStore`]
//! ([`Governor::set_shared_budget`], or `shared_budget` on the client builders) books every
//! reservation that passes its own budgets in the store too, and writes what it learns from
//! the server (usage headers, 429 pauses, 418 bans) there, so that every process sharing the
//! store stays under one budget. See the [`store`] module, and `RedisBudget` (feature `redis`).
//!
//! Time comes from `tokio::time`, so tests run it with a paused clock.

mod budget;
mod headers;
#[cfg(feature = "redis")]
pub mod redis_budget;
pub mod store;
#[cfg(test)]
mod store_tests;
#[cfg(test)]
mod tests;

use crate::endpoint::{Weight, WeightKind};
use crate::{Error, Interval, LimitKind, RateLimit, RateLimitType, Result};
use budget::{window_end, Budget};
use headers::{ban_end_in_msg, error_code, family_of, parse_count, parse_usage_header, Counted};
#[cfg(feature = "redis")]
pub use redis_budget::{OnRedisFailure, RedisBudget, RedisBudgetBuilder};
use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
pub use store::{Booking, BudgetSpec, BudgetStore, SharedReservation, Verdict};
use tokio::sync::Notify;
use tokio::time::Instant;

/// Ban length assumed after a 418 that says nothing usable about its end: Binance's shortest ban.
pub const DEFAULT_BAN: Duration = Duration::from_secs(120);
/// The shortest ban a 418 causes, whatever `Retry-After` says (`Retry-After: 0` included):
/// requests sent into a ban make Binance extend it.
pub const MIN_BAN: Duration = Duration::from_secs(5);
/// Pause after a 429 without `Retry-After` when the family has no declared budget.
pub const DEFAULT_PAUSE: Duration = Duration::from_secs(60);
/// Upper bound of any pause, ban or window, so absurd values (a `Retry-After` of 2^64 seconds)
/// cannot overflow the clock. Binance's longest ban is 3 days.
pub const MAX_WAIT: Duration = Duration::from_secs(30 * 86_400);
/// The longest a request waits for budget (or for a pause to end) by default; see
/// [`Governor::set_max_wait`]. A full one-minute budget frees one minute after the responses of
/// the requests that hold it, so the default leaves room for a whole window plus their latency.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(90);
/// Order-placing requests are rejected with this code when an `ORDERS` limit is hit.
const TOO_MANY_ORDERS: i64 = -1015;

/// What a client does when a request does not fit the budget (or the family is paused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RatePolicy {
    /// Wait until the budget frees up (at most [`Governor::max_wait`]), then send (the default).
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
    /// The path family on that host (`fapi`, `sapi`, …).
    pub family: String,
    /// Request weight or orders.
    pub limit_type: RateLimitType,
    /// Per IP, per UID, or per account (orders).
    pub kind: LimitKind,
    /// Declared window unit (as in the spec and the `X-MBX-USED-WEIGHT-*` header name).
    pub interval: Interval,
    /// Declared window length in units.
    pub interval_num: u32,
    /// The window actually enforced (the declared one unless scaled for tests).
    pub window: Duration,
    /// Amount counted now (reserved, in flight, or reported by the server).
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
    /// The limits every family's budgets are made from.
    limits: Vec<RateLimit>,
    /// Every window is multiplied by this (tests shorten the minute).
    scale: Option<f64>,
    state: Mutex<State>,
    /// Wakes waiters when something may have freed up.
    changed: Notify,
    max_wait_ms: AtomicU64,
    /// Server clock: epoch ms at `anchor`, plus `offset_ms` (server minus local).
    anchor: (Instant, u64),
    offset_ms: AtomicI64,
    /// Budgets shared with other processes, when set; read on every reservation, set once.
    store: OnceLock<Arc<dyn BudgetStore>>,
}

struct State {
    families: Vec<Family>,
    banned_until: Option<Instant>,
    next_ticket: u64,
    /// Tickets in all queues: nobody needs waking while it is zero (the request path's case).
    queued: usize,
}

/// Which queue a request waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Plain = 0,
    Orders = 1,
}

impl Class {
    fn of(weight: &Weight) -> Class {
        if weight.orders.is_empty() {
            Class::Plain
        } else {
            Class::Orders
        }
    }
}

struct Family {
    name: Box<str>,
    budgets: Vec<Budget>,
    paused_until: Option<Instant>,
    orders_paused_until: Option<Instant>,
    /// Tickets of waiting requests, per [`Class`], first come first served.
    queues: [VecDeque<u64>; 2],
}

fn matches(kind: WeightKind, limit: LimitKind) -> bool {
    matches!((kind, limit), (WeightKind::Ip, LimitKind::Ip) | (WeightKind::Uid, LimitKind::Uid))
}

/// The amount `weight` books in `budget`, if any.
fn amount_in(budget: &Budget, weight: &Weight) -> Option<u32> {
    match budget.limit_type {
        RateLimitType::RequestWeight => matches(weight.kind, budget.kind).then_some(weight.value),
        RateLimitType::Orders => weight
            .orders
            .iter()
            .find(|o| o.interval == budget.interval && o.interval_num == budget.interval_num)
            .map(|o| o.value),
        RateLimitType::RawRequests => None,
    }
}

/// Converts a tokio instant to wall-clock time, for errors a user reads.
fn wall_clock(at: Instant) -> SystemTime {
    SystemTime::now() + at.saturating_duration_since(Instant::now())
}

fn local_epoch_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn later(a: Option<Instant>, b: Instant) -> Instant {
    a.map_or(b, |a| a.max(b))
}

/// How `reserve` goes on after one look at the state.
enum Step {
    /// Booked; `others_waiting`: some request is queued and may fit now too.
    Booked { reservation: Reservation, others_waiting: bool },
    /// Wait until `timer` (or until woken); the request itself fits at `estimate` at the
    /// earliest, which is what counts against the maximum wait.
    Wait { timer: Instant, estimate: Instant },
}

impl Governor {
    /// A governor for `host` with, per path family, one budget per `REQUEST_WEIGHT` limit (IP or
    /// UID) and per `ORDERS` limit in `limits`; raw-request limits are not enforced here.
    /// `window_override` is the length of a "minute" (tests use a shortened one): every window
    /// is scaled by it.
    pub fn new(host: impl Into<String>, limits: &[RateLimit], window_override: Option<Duration>) -> Self {
        let limits = limits
            .iter()
            .filter(|l| match l.limit_type {
                RateLimitType::RequestWeight => matches!(l.kind, LimitKind::Ip | LimitKind::Uid),
                RateLimitType::Orders => true,
                RateLimitType::RawRequests => false,
            })
            .copied()
            .collect();
        let state = Mutex::new(State { families: Vec::new(), banned_until: None, next_ticket: 0, queued: 0 });
        Governor {
            shared: Arc::new(Shared {
                host: host.into().into_boxed_str(),
                limits,
                scale: window_override.map(|w| w.as_secs_f64() / 60.0),
                state,
                changed: Notify::new(),
                max_wait_ms: AtomicU64::new(millis(DEFAULT_MAX_WAIT)),
                anchor: (Instant::now(), local_epoch_ms()),
                offset_ms: AtomicI64::new(0),
                store: OnceLock::new(),
            }),
        }
    }

    /// Shares this governor's budgets with other processes through `store`: every reservation
    /// is booked there too (after the local budgets), and pauses, bans and server counts are
    /// written there. Set once, before traffic; a second call fails with [`Error::Config`].
    /// Setting the store it already has again is allowed (clients built on one governor).
    pub fn set_shared_budget(&self, store: Arc<dyn BudgetStore>) -> Result<()> {
        let wanted = Arc::as_ptr(&store).cast::<()>();
        match self.shared.store.set(store) {
            Ok(()) => Ok(()),
            Err(_) if self.shared.store.get().is_some_and(|s| Arc::as_ptr(s).cast::<()>() == wanted) => Ok(()),
            Err(_) => {
                Err(Error::Config(format!("the governor of {} already has another shared budget store", self.host())))
            }
        }
    }

    /// Builder form of [`set_shared_budget`](Self::set_shared_budget).
    pub fn with_shared_budget(self, store: Arc<dyn BudgetStore>) -> Result<Self> {
        self.set_shared_budget(store)?;
        Ok(self)
    }

    /// The shared budget store, if one is set.
    pub fn shared_budget(&self) -> Option<&Arc<dyn BudgetStore>> {
        self.shared.store.get()
    }

    /// The host this governor guards.
    pub fn host(&self) -> &str {
        &self.shared.host
    }

    /// The longest a request waits for budget under [`RatePolicy::Wait`] before it gets
    /// [`Error::RateLimited`] instead (default [`DEFAULT_MAX_WAIT`]).
    pub fn set_max_wait(&self, max: Duration) {
        self.shared.max_wait_ms.store(millis(max.min(MAX_WAIT)), Ordering::Relaxed);
    }

    /// Builder form of [`set_max_wait`](Self::set_max_wait).
    pub fn with_max_wait(self, max: Duration) -> Self {
        self.set_max_wait(max);
        self
    }

    /// The longest a request waits for budget.
    pub fn max_wait(&self) -> Duration {
        Duration::from_millis(self.shared.max_wait_ms.load(Ordering::Relaxed))
    }

    /// Sets the server clock's offset (server minus local, ms), which places the server's fixed
    /// windows and converts ban times given in server epoch milliseconds.
    pub fn set_clock_offset_ms(&self, offset_ms: i64) {
        self.shared.offset_ms.store(offset_ms, Ordering::Relaxed);
    }

    /// Sets the offset so that the server clock reads `server_ms` now.
    pub fn set_server_time_ms(&self, server_ms: u64) {
        let local = i128::from(self.local_now_ms());
        let offset = (i128::from(server_ms) - local).clamp(i128::from(i64::MIN), i128::from(i64::MAX));
        self.set_clock_offset_ms(i64::try_from(offset).unwrap_or_default());
    }

    fn local_now_ms(&self) -> u64 {
        let (at, epoch_ms) = self.shared.anchor;
        epoch_ms.saturating_add(millis(Instant::now().saturating_duration_since(at)))
    }

    /// The server clock in epoch milliseconds, as this governor knows it.
    pub fn server_now_ms(&self) -> u64 {
        let offset = self.shared.offset_ms.load(Ordering::Relaxed);
        let ms = i128::from(self.local_now_ms()) + i128::from(offset);
        u64::try_from(ms.max(0)).unwrap_or(u64::MAX)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the counts inconsistent in a way that
        // matters more than refusing all traffic would, so keep going with the data.
        self.shared.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn family_index(&self, state: &mut State, path: &str) -> usize {
        let name = family_of(path);
        if let Some(i) = state.families.iter().position(|f| &*f.name == name) {
            return i;
        }
        let budgets = self
            .shared
            .limits
            .iter()
            .map(|l| {
                let window = match self.shared.scale {
                    Some(scale) => Duration::try_from_secs_f64(l.window().as_secs_f64() * scale).unwrap_or(MAX_WAIT),
                    None => l.window(),
                };
                let window = window.clamp(Duration::from_millis(1), MAX_WAIT);
                Budget::new(l.limit_type, l.kind, l.interval, l.interval_num, window, l.limit)
            })
            .collect();
        state.families.push(Family {
            name: name.into(),
            budgets,
            paused_until: None,
            orders_paused_until: None,
            queues: [VecDeque::new(), VecDeque::new()],
        });
        state.families.len() - 1
    }

    /// Reserves `weight` for request `endpoint` in the family of `path` (`/fapi/v1/order` counts
    /// in `fapi`). Waits (policy [`RatePolicy::Wait`], in arrival order, at most
    /// [`max_wait`](Self::max_wait)) or fails with [`Error::RateLimited`] (policy
    /// [`RatePolicy::FailFast`], or a longer wait) while it does not fit or the family is paused.
    /// A banned host gives [`Error::Banned`] at once, whatever the policy. A weight or order
    /// count larger than a whole budget gives [`Error::InvalidRequest`].
    ///
    /// Keep the returned [`Reservation`] until the response has arrived, then drop it.
    pub async fn reserve_at(
        &self,
        path: &str,
        endpoint: &'static str,
        weight: Weight,
        policy: RatePolicy,
    ) -> Result<Reservation> {
        let class = Class::of(&weight);
        let started = Instant::now();
        let mut ticket: Option<Ticket> = None;
        loop {
            // A queued waiter registers before it reads the state, so no wake-up between the
            // two is lost. A caller without a ticket never sleeps: it queues and looks again.
            let woken = ticket.is_some().then(|| self.shared.changed.notified());
            tokio::pin!(woken);
            if let Some(woken) = woken.as_mut().as_pin_mut() {
                woken.enable();
            }
            let step = {
                let mut state = self.lock();
                let family = self.family_index(&mut state, path);
                self.step(&mut state, family, class, endpoint, weight, ticket.as_mut())
            };
            let step = match step {
                Ok(step) => step,
                Err(e) => {
                    drop(ticket); // leaves the queue and wakes the next in line
                    return Err(e);
                }
            };
            let (timer, estimate) = match step {
                Step::Booked { reservation, others_waiting } => {
                    if others_waiting {
                        // Whoever is next in line may fit too.
                        self.shared.changed.notify_waiters();
                    }
                    let Some(store) = self.shared.store.get() else { return Ok(reservation) };
                    let retry_in = match self.reserve_shared(store.as_ref(), &reservation).await {
                        Ok(Verdict::Granted) => return Ok(reservation),
                        Ok(Verdict::RetryIn(wait)) => wait,
                        Ok(Verdict::BannedUntil(until_ms)) => {
                            reservation.withdraw();
                            let ban = Duration::from_millis(until_ms.saturating_sub(self.server_now_ms()));
                            let until = self.ban_locally(ban);
                            return Err(Error::Banned { host: self.host().to_string(), until });
                        }
                        Err(e) => {
                            reservation.withdraw();
                            return Err(e);
                        }
                    };
                    // Other processes hold the budget (or paused the family): give the local
                    // booking back, wait, and queue again like any newcomer.
                    reservation.withdraw();
                    let waited = Instant::now().saturating_duration_since(started);
                    let retry_in = retry_in.clamp(Duration::from_millis(1), MAX_WAIT);
                    if policy == RatePolicy::FailFast || waited.saturating_add(retry_in) > self.max_wait() {
                        tracing::debug!(host = %self.host(), path, endpoint, ?retry_in, "shared rate budget exhausted; not waiting");
                        return Err(Error::RateLimited { host: self.host().to_string(), retry_after: retry_in });
                    }
                    tracing::debug!(host = %self.host(), path, endpoint, wait = ?retry_in, "waiting for shared rate budget");
                    // Served from the local queue already: come back as a newcomer.
                    ticket = None;
                    tokio::time::sleep(retry_in).await;
                    continue;
                }
                Step::Wait { timer, estimate } => (timer, estimate),
            };
            let waited = Instant::now().saturating_duration_since(started);
            let retry_after = estimate.saturating_duration_since(Instant::now());
            if policy == RatePolicy::FailFast || waited.saturating_add(retry_after) > self.max_wait() {
                tracing::debug!(host = %self.host(), path, endpoint, ?retry_after, ?policy, "rate budget exhausted; not waiting");
                drop(ticket);
                return Err(Error::RateLimited { host: self.host().to_string(), retry_after });
            }
            if ticket.is_none() {
                ticket = Some(self.enqueue(path, class));
                continue; // look again as a queued waiter
            }
            tracing::debug!(host = %self.host(), path, endpoint, wait = ?retry_after, "waiting for rate budget");
            // Woken when weight settles, a waiter ahead is served or leaves, or a ban starts;
            // the timer fires when the window this waiter needs rolls.
            if let Some(woken) = woken.as_pin_mut() {
                let _ = tokio::time::timeout_at(timer, woken).await;
            }
        }
    }

    /// [`reserve_at`](Self::reserve_at) in the family of the empty path, for callers that do
    /// not know the request's path (every such call shares one family).
    pub async fn reserve(&self, endpoint: &'static str, weight: Weight, policy: RatePolicy) -> Result<Reservation> {
        self.reserve_at("", endpoint, weight, policy).await
    }

    /// Books a locally booked reservation in the shared store too.
    async fn reserve_shared(&self, store: &dyn BudgetStore, reservation: &Reservation) -> Result<Verdict> {
        let (family, bookings) = {
            let state = self.lock();
            let Some(fam) = state.families.get(reservation.family) else { return Ok(Verdict::Granted) };
            let bookings: Vec<Booking> = fam
                .budgets
                .iter()
                .filter_map(|b| amount_in(b, &reservation.weight).map(|amount| Booking { budget: b.spec(), amount }))
                .filter(|b| b.amount > 0)
                .collect();
            (fam.name.clone(), bookings)
        };
        if bookings.is_empty() {
            return Ok(Verdict::Granted);
        }
        let request = SharedReservation {
            host: self.host(),
            family: &family,
            places_orders: !reservation.weight.orders.is_empty(),
            bookings: &bookings,
            server_now_ms: self.server_now_ms(),
        };
        store.reserve(request).await
    }

    fn enqueue(&self, path: &str, class: Class) -> Ticket {
        let mut state = self.lock();
        let family = self.family_index(&mut state, path);
        let id = state.next_ticket;
        state.next_ticket += 1;
        state.families[family].queues[class as usize].push_back(id);
        state.queued += 1;
        Ticket { governor: self.clone(), family, class, id, queued: true }
    }

    /// One look at the state, under the lock: book, or say how long to wait.
    fn step(
        &self,
        state: &mut State,
        family: usize,
        class: Class,
        endpoint: &'static str,
        weight: Weight,
        ticket: Option<&mut Ticket>,
    ) -> Result<Step> {
        let now = Instant::now();
        if let Some(until) = state.banned_until {
            if until > now {
                return Err(Error::Banned { host: self.host().to_string(), until: wall_clock(until) });
            }
            state.banned_until = None;
        }
        let host = self.host();
        let fam = &mut state.families[family];
        let mut ready_at: Option<Instant> = None;
        for until in [Some(fam.paused_until), (class == Class::Orders).then_some(fam.orders_paused_until)]
            .into_iter()
            .flatten()
            .flatten()
        {
            if until > now {
                ready_at = Some(later(ready_at, until));
            }
        }
        for budget in fam.budgets.iter_mut() {
            let Some(amount) = amount_in(budget, &weight) else { continue };
            if amount > budget.limit {
                return Err(Error::InvalidRequest {
                    endpoint,
                    reason: format!(
                        "it counts {amount} against the whole {:?} {:?} budget of {} per {:?} on {host}/{}",
                        budget.kind, budget.limit_type, budget.limit, budget.window, fam.name
                    ),
                });
            }
            budget.prune(now);
            if let Some(at) = budget.fits_at(now, amount) {
                ready_at = Some(later(ready_at, at));
            }
        }
        let queue = &mut fam.queues[class as usize];
        let first = match &ticket {
            Some(t) => queue.front() == Some(&t.id),
            None => queue.is_empty(),
        };
        match (ready_at, first) {
            (None, true) => {
                if let Some(t) = ticket {
                    queue.pop_front();
                    t.queued = false;
                    state.queued -= 1;
                }
                for budget in fam.budgets.iter_mut() {
                    if let Some(amount) = amount_in(budget, &weight) {
                        budget.book(amount);
                    }
                }
                let reservation = Reservation { governor: self.clone(), family, weight, withdrawn: false };
                Ok(Step::Booked { reservation, others_waiting: state.queued > 0 })
            }
            (Some(at), true) => Ok(Step::Wait { timer: at, estimate: at }),
            // Behind other waiters, which wake this one when they are served or leave; the
            // timer is a backstop.
            (at, false) => {
                let backstop = now + fam.budgets.iter().map(|b| b.window).max().unwrap_or(DEFAULT_PAUSE);
                Ok(Step::Wait { timer: at.unwrap_or(backstop), estimate: at.unwrap_or(now) })
            }
        }
    }

    /// Reconciles with the server's count for one window of `path`'s family: until the
    /// server's window ends, the governor counts at least `count` (clamped to the limit).
    pub fn observe_count(
        &self,
        path: &str,
        limit_type: RateLimitType,
        kind: LimitKind,
        interval: Interval,
        interval_num: u32,
        count: u64,
    ) {
        let server_now = self.server_now_ms();
        let mut state = self.lock();
        let family = self.family_index(&mut state, path);
        let now = Instant::now();
        let fam = &mut state.families[family];
        for budget in fam.budgets.iter_mut().filter(|b| {
            b.limit_type == limit_type && b.kind == kind && b.interval == interval && b.interval_num == interval_num
        }) {
            budget.prune(now);
            if count > budget.used() {
                tracing::debug!(host = %self.host(), path, ?kind, server = count, local = budget.used(), "server counts more than this client");
            }
            budget.report(count, window_end(now, server_now, budget.window));
            if let Some(store) = self.shared.store.get() {
                // The count plus this process's weight in flight, which the server may not have
                // counted yet: the other processes must not book it a second time.
                let shared = budget.reported_count().unwrap_or(count);
                store.observe(self.host(), &fam.name, budget.spec(), shared, server_now);
            }
        }
    }

    /// Reconciles with every usage and order-count header of a response to a request on `path`.
    /// Header names are matched without regard to case; malformed values are ignored, and
    /// out-of-range ones count as the limit.
    pub fn observe_headers_at<'a>(&self, path: &str, headers: impl IntoIterator<Item = (&'a str, &'a str)>) {
        for (name, value) in headers {
            let Some((counted, interval, num)) = parse_usage_header(name) else { continue };
            let Some(count) = parse_count(value) else { continue };
            let (limit_type, kind) = match counted {
                Counted::Weight(kind) => (RateLimitType::RequestWeight, kind),
                Counted::Orders => (RateLimitType::Orders, LimitKind::Account),
            };
            self.observe_count(path, limit_type, kind, interval, num, count);
        }
    }

    /// [`observe_headers_at`](Self::observe_headers_at) in the family of the empty path.
    pub fn observe_headers<'a>(&self, headers: impl IntoIterator<Item = (&'a str, &'a str)>) {
        self.observe_headers_at("", headers);
    }

    /// Reconciles with the `rateLimits` array of a WebSocket API response for `path`'s family
    /// (weights are shared with REST per IP): `REQUEST_WEIGHT` and `ORDERS` entries count like
    /// headers.
    pub fn observe_ws_usage_at(&self, path: &str, usage: &[crate::ws::RateLimitUsage]) {
        for entry in usage {
            let (limit_type, kind) = match entry.rate_limit_type.as_str() {
                "REQUEST_WEIGHT" => (RateLimitType::RequestWeight, LimitKind::Ip),
                "ORDERS" => (RateLimitType::Orders, LimitKind::Account),
                _ => continue,
            };
            if let Some(interval) = Interval::from_wire(&entry.interval) {
                self.observe_count(path, limit_type, kind, interval, entry.interval_num, entry.count);
            }
        }
    }

    /// [`observe_ws_usage_at`](Self::observe_ws_usage_at) in the family of the empty path.
    pub fn observe_ws_usage(&self, usage: &[crate::ws::RateLimitUsage]) {
        self.observe_ws_usage_at("", usage);
    }

    /// The server answered 429 to `weight` on `path`; `body` is its answer. Pauses order
    /// placement in the family when the request placed orders and an order limit is what was
    /// hit (code -1015, or, when the answer has no code, an order count at its limit), else the
    /// whole family, until
    /// `retry_after` or one window of the longest budget. Returns the error for the caller.
    pub fn rate_limited(&self, path: &str, weight: Weight, retry_after: Option<Duration>, body: &str) -> Error {
        let now = Instant::now();
        let mut state = self.lock();
        let family = self.family_index(&mut state, path);
        let fam = &mut state.families[family];
        let orders_full = fam.budgets.iter_mut().any(|b| {
            b.prune(now);
            b.limit_type == RateLimitType::Orders && b.used() >= u64::from(b.limit)
        });
        // The code says which limit was broken (-1015 orders, -1003 weight); without one, an
        // order count at its limit is the best guess.
        let orders_only = !weight.orders.is_empty()
            && match error_code(body) {
                Some(code) => code == TOO_MANY_ORDERS,
                None => orders_full,
            };
        let pause = retry_after
            .or_else(|| {
                fam.budgets
                    .iter()
                    .filter(|b| !orders_only || b.limit_type == RateLimitType::Orders)
                    .map(|b| b.window)
                    .max()
            })
            .unwrap_or(DEFAULT_PAUSE)
            .min(MAX_WAIT);
        let until = now + pause;
        if let Some(store) = self.shared.store.get() {
            store.pause(self.host(), &fam.name, orders_only, self.server_now_ms().saturating_add(millis(pause)));
        }
        if orders_only {
            fam.orders_paused_until = Some(later(fam.orders_paused_until, until));
            tracing::warn!(host = %self.host(), family = %fam.name, ?pause, "HTTP 429 on an order: pausing order placement (other requests go on)");
        } else {
            fam.paused_until = Some(later(fam.paused_until, until));
            tracing::warn!(host = %self.host(), family = %fam.name, ?pause, "HTTP 429: pausing all requests to this family");
        }
        drop(state);
        Error::RateLimited { host: self.host().to_string(), retry_after: pause }
    }

    /// The server answered 429 to a request whose path is not known: pauses every family of the
    /// host until `retry_after`, or one window of the longest budget. Returns the pause applied.
    pub fn pause(&self, retry_after: Option<Duration>) -> Duration {
        let mut state = self.lock();
        self.family_index(&mut state, "");
        let longest = self.shared.limits.iter().map(RateLimit::window).max();
        let pause = retry_after.or(longest).unwrap_or(DEFAULT_PAUSE).min(MAX_WAIT);
        let until = Instant::now() + pause;
        let store = self.shared.store.get();
        let server_until = self.server_now_ms().saturating_add(millis(pause));
        for fam in state.families.iter_mut() {
            fam.paused_until = Some(later(fam.paused_until, until));
            if let Some(store) = store {
                store.pause(self.host(), &fam.name, false, server_until);
            }
        }
        tracing::warn!(host = %self.host(), ?pause, "HTTP 429: pausing all requests to this host");
        pause
    }

    /// The server answered 418: every request to this host is refused until the ban ends.
    /// `retry_after` (seconds, when non-zero) wins; else the ban time in `body`'s message
    /// (`banned until <server epoch ms>`); else [`DEFAULT_BAN`]. At least [`MIN_BAN`], at most
    /// [`MAX_WAIT`]. Returns the error for the caller.
    pub fn banned(&self, retry_after: Option<Duration>, body: &str) -> Error {
        let ban = match retry_after.filter(|d| !d.is_zero()) {
            Some(d) => d,
            None => match ban_end_in_msg(body) {
                Some(end_ms) => Duration::from_millis(end_ms.saturating_sub(self.server_now_ms())),
                None => DEFAULT_BAN,
            },
        };
        let until = self.ban_for(ban);
        Error::Banned { host: self.host().to_string(), until }
    }

    /// Bans the host until `retry_after` has passed ([`DEFAULT_BAN`] when absent or zero; at
    /// least [`MIN_BAN`]). Returns when the ban ends.
    pub fn ban(&self, retry_after: Option<Duration>) -> SystemTime {
        self.ban_for(retry_after.filter(|d| !d.is_zero()).unwrap_or(DEFAULT_BAN))
    }

    fn ban_for(&self, ban: Duration) -> SystemTime {
        let until = self.ban_locally(ban);
        if let Some(store) = self.shared.store.get() {
            let left = until.duration_since(SystemTime::now()).unwrap_or_default();
            store.ban(self.host(), self.server_now_ms().saturating_add(millis(left)));
        }
        until
    }

    /// Bans the host in this process only (at least [`MIN_BAN`], at most [`MAX_WAIT`]).
    fn ban_locally(&self, ban: Duration) -> SystemTime {
        let ban = ban.clamp(MIN_BAN, MAX_WAIT);
        let mut state = self.lock();
        let until = later(state.banned_until, Instant::now() + ban);
        state.banned_until = Some(until);
        drop(state);
        // Waiters fail at once rather than sleeping into the ban.
        self.shared.changed.notify_waiters();
        tracing::warn!(host = %self.host(), ban = ?until.saturating_duration_since(Instant::now()), "HTTP 418: IP banned; refusing all requests to this host");
        wall_clock(until)
    }

    /// When the current ban ends, if the host is banned.
    pub fn banned_until(&self) -> Option<SystemTime> {
        let state = self.lock();
        state.banned_until.filter(|u| *u > Instant::now()).map(wall_clock)
    }

    /// How long some family of the host stays paused after a 429, if one is (the longest).
    pub fn paused_for(&self) -> Option<Duration> {
        let state = self.lock();
        let now = Instant::now();
        state
            .families
            .iter()
            .flat_map(|f| [f.paused_until, f.orders_paused_until])
            .flatten()
            .filter(|u| *u > now)
            .max()
            .map(|u| u - now)
    }

    /// Current usage of every budget of every family seen so far.
    pub fn usage(&self) -> Vec<UsageSnapshot> {
        let mut state = self.lock();
        let now = Instant::now();
        let host = self.host();
        let mut out = Vec::new();
        for fam in state.families.iter_mut() {
            for b in fam.budgets.iter_mut() {
                b.prune(now);
                out.push(UsageSnapshot {
                    host: host.to_string(),
                    family: fam.name.to_string(),
                    limit_type: b.limit_type,
                    kind: b.kind,
                    interval: b.interval,
                    interval_num: b.interval_num,
                    window: b.window,
                    used: u32::try_from(b.used()).unwrap_or(u32::MAX),
                    limit: b.limit,
                });
            }
        }
        out
    }

    /// Takes back a reservation that was never used, and wakes the waiters.
    fn unbook(&self, family: usize, weight: Weight) {
        let mut state = self.lock();
        if let Some(fam) = state.families.get_mut(family) {
            for budget in fam.budgets.iter_mut() {
                if let Some(amount) = amount_in(budget, &weight) {
                    budget.unbook(amount);
                }
            }
        }
        let waiters = state.queued > 0;
        drop(state);
        if waiters {
            self.shared.changed.notify_waiters();
        }
    }

    /// Starts the expiry clock of a finished request's reservation, and wakes the waiters.
    fn settle(&self, family: usize, weight: Weight) {
        let mut state = self.lock();
        let now = Instant::now();
        if let Some(fam) = state.families.get_mut(family) {
            for budget in fam.budgets.iter_mut() {
                if let Some(amount) = amount_in(budget, &weight).filter(|a| *a > 0) {
                    budget.settle(now, amount);
                }
            }
        }
        let waiters = state.queued > 0;
        drop(state);
        if waiters {
            self.shared.changed.notify_waiters();
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl fmt::Debug for Governor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Governor").field("host", &self.host()).field("usage", &self.usage()).finish()
    }
}

/// A waiter's place in its family's queue; leaving (served, failed or cancelled) wakes the rest.
struct Ticket {
    governor: Governor,
    family: usize,
    class: Class,
    id: u64,
    /// Still in the queue (not served yet).
    queued: bool,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if !self.queued {
            return;
        }
        let mut state = self.governor.lock();
        if let Some(fam) = state.families.get_mut(self.family) {
            let queue = &mut fam.queues[self.class as usize];
            let before = queue.len();
            queue.retain(|id| *id != self.id);
            let removed = before - queue.len();
            state.queued = state.queued.saturating_sub(removed);
        }
        drop(state);
        self.governor.shared.changed.notify_waiters();
    }
}

/// Weight booked for one request. Dropping it (when the response has arrived, or the request
/// was abandoned) starts the one-window countdown after which the weight is free again.
#[must_use = "dropping the reservation at once ends its in-flight protection"]
pub struct Reservation {
    governor: Governor,
    family: usize,
    /// What was booked in every matching budget of the family.
    weight: Weight,
    /// Given back unused ([`withdraw`](Reservation::withdraw)): nothing to settle on drop.
    withdrawn: bool,
}

impl Reservation {
    /// Gives the booking back as if it had never been taken (the request was not sent).
    fn withdraw(mut self) {
        self.withdrawn = true;
        self.governor.unbook(self.family, self.weight);
    }
}

impl fmt::Debug for Reservation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reservation").field("host", &self.governor.host()).finish_non_exhaustive()
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if !self.withdrawn {
            self.governor.settle(self.family, self.weight);
        }
    }
}
