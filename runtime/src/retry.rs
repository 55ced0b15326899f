//! When and how long to wait before retrying a GET. Whether a failure may be resent at all is
//! decided by the outcome classification (`client::outcome`), once; this module only bounds
//! how often and how late. Non-GET requests are never retried.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Retry bounds for GET requests (the only ones ever retried).
///
/// The defaults are coherent with the client's default timeout of 10 s per attempt: a GET that
/// timed out is retried, since the retry budget (`max_total`, 30 s) outlasts one full attempt
/// plus the longest delay. Keep `max_total` above your [`timeout`](crate::ClientBuilder::timeout)
/// if timed-out GETs should be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// Delay before the first retry; doubles each retry (with jitter).
    pub base_delay: Duration,
    /// Upper bound of one delay.
    pub max_delay: Duration,
    /// No retry starts later than this after the first attempt began.
    pub max_total: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, 200 ms doubling to at most 2 s, no retry starting later than 30 s after
    /// the first attempt (so two timed-out attempts of 10 s still leave room for the third).
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(2),
            max_total: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// After `attempts` failed attempts of a resendable request, begun `elapsed` ago: the delay
    /// before the next one, or `None` when the attempts or the time budget are spent.
    pub(crate) fn next_delay(&self, attempts: u32, elapsed: Duration, jitter: &Jitter) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let delay = self.delay(attempts, jitter);
        (elapsed.saturating_add(delay) <= self.max_total).then_some(delay)
    }

    /// The delay before retry number `retry` (1 = first retry): exponential, capped, then
    /// "equal jitter" (uniform in the upper half) so clients that failed together spread out.
    fn delay(&self, retry: u32, jitter: &Jitter) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32 << retry.saturating_sub(1).min(20));
        let capped = exp.min(self.max_delay);
        let half = capped / 2;
        let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        half.saturating_add(Duration::from_nanos(jitter.next() % nanos.saturating_add(1)))
    }
}

/// A tiny xorshift generator for jitter; statistical quality is irrelevant here.
#[derive(Debug)]
pub(crate) struct Jitter(AtomicU64);

impl Jitter {
    /// Seeded from the clock, so clients started together still diverge.
    pub(crate) fn from_clock() -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        Jitter(AtomicU64::new(seed | 1))
    }

    pub(crate) fn next(&self) -> u64 {
        let step = |mut x: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        // fetch_update with a closure that never returns None cannot fail.
        let previous = self.0.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |x| Some(step(x)));
        step(previous.unwrap_or_else(|x| x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_are_capped_and_stay_in_the_upper_half() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_total: Duration::from_secs(60),
        };
        let jitter = Jitter::from_clock();
        for (retry, full) in [(1, 100), (2, 200), (3, 400), (4, 800), (5, 1000), (30, 1000)] {
            for _ in 0..50 {
                let d = p.delay(retry, &jitter);
                let full = Duration::from_millis(full);
                assert!(d >= full / 2 && d <= full, "retry {retry}: {d:?}");
            }
        }
    }

    #[test]
    fn attempts_and_the_time_budget_bound_retries() {
        let p = RetryPolicy { max_attempts: 3, ..RetryPolicy::default() };
        let jitter = Jitter::from_clock();
        assert!(p.next_delay(1, Duration::ZERO, &jitter).is_some());
        assert!(p.next_delay(2, Duration::ZERO, &jitter).is_some());
        assert_eq!(p.next_delay(3, Duration::ZERO, &jitter), None, "max_attempts reached");
        assert_eq!(p.next_delay(1, p.max_total, &jitter), None, "time budget spent");
        assert_eq!(RetryPolicy::none().next_delay(1, Duration::ZERO, &jitter), None);
    }

    #[test]
    fn jitter_varies() {
        let jitter = Jitter::from_clock();
        let values: std::collections::HashSet<u64> = (0..20).map(|_| jitter.next()).collect();
        assert!(values.len() > 15);
    }
}
