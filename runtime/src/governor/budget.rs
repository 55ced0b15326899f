//! One budget's count: weight (or orders) reserved locally in a sliding window, and the count
//! the server last reported for its own fixed window.

use crate::{Interval, LimitKind, RateLimitType};
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

/// One declared limit of one path family. Booking, release and expiry are O(1) amortised: a
/// running total of in-flight amounts, and the settled amounts in a queue ordered by expiry.
pub(super) struct Budget {
    pub(super) limit_type: RateLimitType,
    pub(super) kind: LimitKind,
    pub(super) interval: Interval,
    pub(super) interval_num: u32,
    pub(super) window: Duration,
    pub(super) limit: u32,
    /// Amount of requests not answered yet: it cannot expire before one window after the answer.
    in_flight: u64,
    /// Settled amounts (answered requests) in expiry order: every entry expires `window` after
    /// it was pushed, and time only moves forward.
    expiring: VecDeque<(Instant, u32)>,
    /// Sum of the amounts in `expiring`.
    expiring_total: u64,
    /// What the server counts in its current window, as far as this client can tell, and when
    /// that window ends on the server's clock: the last reported count (at most `limit`), plus
    /// what was in flight when it arrived (the server may not have counted it yet) and what was
    /// booked since (it had not). The local count never goes below it until then.
    reported: Option<(u64, Instant)>,
}

impl Budget {
    pub(super) fn new(
        limit_type: RateLimitType,
        kind: LimitKind,
        interval: Interval,
        interval_num: u32,
        window: Duration,
        limit: u32,
    ) -> Self {
        Budget {
            limit_type,
            kind,
            interval,
            interval_num,
            window,
            limit,
            in_flight: 0,
            expiring: VecDeque::new(),
            expiring_total: 0,
            reported: None,
        }
    }

    /// Forgets what has expired by `now`.
    pub(super) fn prune(&mut self, now: Instant) {
        while let Some(&(at, amount)) = self.expiring.front() {
            if at > now {
                break;
            }
            self.expiring.pop_front();
            self.expiring_total -= u64::from(amount);
        }
        if self.reported.is_some_and(|(_, until)| until <= now) {
            self.reported = None;
        }
    }

    fn local(&self) -> u64 {
        self.in_flight + self.expiring_total
    }

    /// The count this client must assume: its own, or the server's when that is higher.
    /// Call after `prune`.
    pub(super) fn used(&self) -> u64 {
        self.local().max(self.reported.map_or(0, |(count, _)| count))
    }

    pub(super) fn book(&mut self, amount: u32) {
        self.in_flight += u64::from(amount);
        // Sent after the server's count was taken: on top of it.
        if let Some((count, _)) = self.reported.as_mut() {
            *count += u64::from(amount);
        }
    }

    /// Takes back a booking whose request was never sent.
    pub(super) fn unbook(&mut self, amount: u32) {
        self.in_flight = self.in_flight.saturating_sub(u64::from(amount));
        if let Some((count, _)) = self.reported.as_mut() {
            *count = count.saturating_sub(u64::from(amount));
        }
    }

    /// This budget as a shared store sees it.
    pub(super) fn spec(&self) -> super::BudgetSpec {
        super::BudgetSpec {
            limit_type: self.limit_type,
            kind: self.kind,
            interval: self.interval,
            interval_num: self.interval_num,
            window_ms: u64::try_from(self.window.as_millis()).unwrap_or(u64::MAX).max(1),
            limit: self.limit,
        }
    }

    /// The request answered (or was abandoned): its amount counts one more window from `now`.
    pub(super) fn settle(&mut self, now: Instant, amount: u32) {
        self.in_flight = self.in_flight.saturating_sub(u64::from(amount));
        // Never before the last entry, so the queue stays ordered even if a clock misbehaves.
        let at = self.expiring.back().map_or(now + self.window, |&(last, _)| last.max(now + self.window));
        self.expiring.push_back((at, amount));
        self.expiring_total += u64::from(amount);
    }

    /// The server counted `count` in its current window, which ends at `window_end`. The count
    /// is clamped to the limit: a header can say "used up", never more, so a hostile or broken
    /// value blocks this budget until the server's window ends and no longer. Requests still in
    /// flight may reach the server after it took that count, so they count on top of it (the
    /// caller settles the request whose answer carries the count first).
    pub(super) fn report(&mut self, count: u64, window_end: Instant) {
        let count = count.min(u64::from(self.limit)) + self.in_flight;
        self.reported = match self.reported {
            // The same server window: an older (smaller) count arriving late lowers nothing.
            Some((old, until)) if self.same_window(until, window_end) => Some((old.max(count), until.max(window_end))),
            _ => Some((count, window_end)),
        };
    }

    /// Whether two computed ends are one server window's. They are seldom equal: each is read
    /// off a clock finer than the server's milliseconds (and a resync moves them a little), but
    /// the ends of different windows are a whole window apart.
    fn same_window(&self, a: Instant, b: Instant) -> bool {
        a.max(b) - a.min(b) < self.window / 2
    }

    /// What the server counts in its current window as far as this client can tell (see
    /// `reported`), if it has reported on that window.
    pub(super) fn reported_count(&self) -> Option<u64> {
        self.reported.map(|(count, _)| count)
    }

    /// When `amount` more fits, or `None` if it fits now. Call after `prune`.
    pub(super) fn fits_at(&self, now: Instant, amount: u32) -> Option<Instant> {
        let limit = u64::from(self.limit);
        let amount = u64::from(amount);
        let mut at: Option<Instant> = None;
        if let Some(excess) = (self.local() + amount).checked_sub(limit).filter(|e| *e > 0) {
            let mut freed = 0u64;
            let mut local_at = None;
            for &(expiry, settled) in &self.expiring {
                freed += u64::from(settled);
                if freed >= excess {
                    local_at = Some(expiry);
                    break;
                }
            }
            // Otherwise in-flight reservations block: they expire one window after their
            // response at the earliest. Check again then; a response that arrives sooner wakes
            // the waiters, which then compute the exact time.
            at = Some(local_at.unwrap_or(now + self.window));
        }
        if let Some((count, until)) = self.reported {
            if count + amount > limit {
                at = Some(at.map_or(until, |a| a.max(until)));
            }
        }
        at
    }
}

/// When the server's current window of `window` ends, given the server clock reads
/// `server_now_ms` at `now`. Binance's windows are fixed and aligned to the epoch (a minute
/// window starts at :00 of the server clock, a day window at 00:00 UTC).
pub(super) fn window_end(now: Instant, server_now_ms: u64, window: Duration) -> Instant {
    let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1);
    let left_ms = window_ms - server_now_ms % window_ms;
    now + Duration::from_millis(left_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minute(limit: u32) -> Budget {
        Budget::new(RateLimitType::RequestWeight, LimitKind::Ip, Interval::Minute, 1, Duration::from_secs(60), limit)
    }

    #[tokio::test(start_paused = true)]
    async fn windows_end_on_the_server_clocks_boundaries() {
        let now = Instant::now();
        let minute = Duration::from_secs(60);
        // 12:00:45.000 on the server: its minute window ends in 15 s.
        assert_eq!(window_end(now, 1_700_000_025_000, minute) - now, Duration::from_secs(15));
        assert_eq!(window_end(now, 1_699_999_980_000, minute) - now, minute, "exactly on :00");
        assert_eq!(window_end(now, 1_700_000_025_000, Duration::from_secs(10)) - now, Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn a_reported_count_is_clamped_and_expires_at_its_window_end() {
        let now = Instant::now();
        let mut b = minute(100);
        b.report(u64::MAX, now + Duration::from_secs(15));
        assert_eq!(b.used(), 100);
        assert_eq!(b.fits_at(now, 1), Some(now + Duration::from_secs(15)));
        assert_eq!(b.fits_at(now, 0), None, "weight 0 always fits");
        b.prune(now + Duration::from_secs(15));
        assert_eq!(b.used(), 0);
    }
}
