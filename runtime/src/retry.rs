//! When and how long to wait before retrying a GET. Non-GET requests are never retried.

use crate::Error;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Retry bounds for GET requests (the only ones ever retried).
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
    /// 3 attempts, 200 ms doubling to at most 2 s, within 10 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(2),
            max_total: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// The delay before retry number `retry` (1 = first retry): exponential, capped, then
    /// "equal jitter" (uniform in the upper half) so clients that failed together spread out.
    pub(crate) fn delay(&self, retry: u32, jitter: &Jitter) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32 << retry.saturating_sub(1).min(20));
        let capped = exp.min(self.max_delay);
        let half = capped / 2;
        let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        half.saturating_add(Duration::from_nanos(jitter.next() % nanos.saturating_add(1)))
    }
}

/// Whether a failed GET may be sent again: nothing was changed server-side, and the failure may
/// be temporary (transport errors, timeouts, 5xx including 503, -1008 throttling, -1006/-1007).
pub(crate) fn is_retryable_get(error: &Error) -> bool {
    match error {
        Error::Transport { .. } | Error::Timeout { .. } => true,
        Error::Http { status, .. } => *status >= 500,
        Error::Api { status, code, .. } => *status >= 500 || matches!(code, -1008..=-1006),
        _ => false,
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
    fn jitter_varies() {
        let jitter = Jitter::from_clock();
        let values: std::collections::HashSet<u64> = (0..20).map(|_| jitter.next()).collect();
        assert!(values.len() > 15);
    }

    #[test]
    fn only_temporary_failures_are_retryable() {
        let api = |status, code| Error::Api { endpoint: "e", status, code, msg: String::new() };
        assert!(is_retryable_get(&Error::Transport { endpoint: "e", reason: String::new() }));
        assert!(is_retryable_get(&api(503, -1000)));
        assert!(is_retryable_get(&api(400, -1008)));
        assert!(is_retryable_get(&Error::Http { endpoint: "e", status: 502, body: String::new() }));
        assert!(!is_retryable_get(&api(400, -1121)));
        assert!(!is_retryable_get(&Error::Http { endpoint: "e", status: 404, body: String::new() }));
        assert!(!is_retryable_get(&Error::RateLimited { host: "h".into(), retry_after: Duration::ZERO }));
        assert!(!is_retryable_get(&Error::Decode {
            endpoint: "e",
            status: 200,
            reason: String::new(),
            body: String::new()
        }));
    }
}
