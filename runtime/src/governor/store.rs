//! Budgets shared with other processes: the [`BudgetStore`] a [`Governor`](super::Governor)
//! consults after its own (in-process) budgets.
//!
//! Without a store (the default) the governor counts alone, in memory, exactly as before: one
//! process, one budget. With a store, every reservation that passes the local budgets is also
//! booked in the store, where every process that shares it counts too; what one process learns
//! from the server (usage headers, a 429 pause, a 418 ban) is written there for the others.
//! The store counts in **fixed windows aligned like Binance's** (a minute starts at :00 of the
//! server clock), the way the server itself counts.

use crate::{Interval, LimitKind, RateLimitType, Result};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A boxed future, so that [`BudgetStore`] can be used as a trait object.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One declared limit of one path family, as the store sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetSpec {
    /// Request weight or orders.
    pub limit_type: RateLimitType,
    /// Per IP, per UID, or per account (orders): which sharer scope the count belongs to.
    pub kind: LimitKind,
    /// Declared window unit (part of the key: `1m`, `10s`).
    pub interval: Interval,
    /// Declared window length in units.
    pub interval_num: u32,
    /// The window enforced, in milliseconds (the declared one unless scaled for tests).
    pub window_ms: u64,
    /// The budget per window.
    pub limit: u32,
}

/// An amount one request books in one budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Booking {
    /// The budget.
    pub budget: BudgetSpec,
    /// Weight or order count.
    pub amount: u32,
}

/// One request's reservation in the shared store: all of it is booked, or none.
#[derive(Debug, Clone, Copy)]
pub struct SharedReservation<'a> {
    /// The host the governor guards.
    pub host: &'a str,
    /// The path family (`fapi`, …).
    pub family: &'a str,
    /// The request places orders (so an order-placement pause applies to it).
    pub places_orders: bool,
    /// What it books, one entry per budget.
    pub bookings: &'a [Booking],
    /// The server clock now, in epoch milliseconds (windows and pauses are on this clock).
    pub server_now_ms: u64,
}

/// What the store says to a reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Booked in every budget.
    Granted,
    /// Nothing booked: a budget is full or the family is paused; look again after this long.
    RetryIn(Duration),
    /// Nothing booked: the IP is banned until this server time (epoch milliseconds).
    BannedUntil(u64),
}

/// A place where several processes keep one set of budgets: the in-process governor of each
/// consults it after its own budgets. Implemented by `RedisBudget` (cargo feature `redis`).
///
/// Reports ([`observe`](Self::observe), [`pause`](Self::pause), [`ban`](Self::ban)) are
/// fire-and-forget: they are called from synchronous code on the response path and must return
/// at once; the governor has already applied them locally.
pub trait BudgetStore: Send + Sync + fmt::Debug {
    /// Books `request` in every budget atomically, or says when to look again. Must return
    /// within the store's own timeout; a store that cannot answer either returns
    /// [`Error::SharedBudget`](crate::Error::SharedBudget) or decides by itself (a local
    /// fallback budget), as its failure policy says.
    fn reserve<'a>(&'a self, request: SharedReservation<'a>) -> StoreFuture<'a, Result<Verdict>>;

    /// The server counted `count` in its current window of `budget` (from a response header):
    /// the shared count becomes at least that (clamped to the limit), never less.
    fn observe(&self, host: &str, family: &str, budget: BudgetSpec, count: u64, server_now_ms: u64);

    /// A 429: every sharer pauses `family` (only order placement when `orders_only`) until
    /// `until_ms` (server epoch milliseconds).
    fn pause(&self, host: &str, family: &str, orders_only: bool, until_ms: u64);

    /// A 418: every sharer of the IP stops sending to `host` until `until_ms` (server epoch ms).
    fn ban(&self, host: &str, until_ms: u64);
}
