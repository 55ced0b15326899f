//! The client's view of Binance's clock: local time plus an offset learned from the product's
//! server-time endpoint (`{"serverTime": <ms>}`), used for `timestamp` on signed requests.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Local wall-clock time in milliseconds since the Unix epoch (0 if the clock is before 1970).
pub(crate) fn local_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)).unwrap_or(0)
}

/// Server-time offset in milliseconds, shared by the clones of a client.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// Estimated server time in milliseconds, never negative.
    pub(crate) fn now_ms(&self) -> u64 {
        u64::try_from(local_ms().saturating_add(self.offset_ms())).unwrap_or(0)
    }

    pub(crate) fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    pub(crate) fn set_offset_ms(&self, offset: i64) {
        self.offset_ms.store(offset, Ordering::Relaxed);
    }

    /// Learns the offset from a server time read between two local readings: the server
    /// answered, on average, halfway through the round trip.
    pub(crate) fn learn(&self, server_ms: i64, sent_ms: i64, received_ms: i64) -> i64 {
        let midpoint = sent_ms + (received_ms - sent_ms) / 2;
        let offset = server_ms - midpoint;
        self.set_offset_ms(offset);
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_is_measured_from_the_middle_of_the_round_trip() {
        let clock = Clock::default();
        assert_eq!(clock.learn(10_500, 1_000, 1_200), 9_400);
        assert_eq!(clock.offset_ms(), 9_400);
        assert_eq!(clock.learn(900, 1_000, 1_000), -100);
    }

    #[test]
    fn now_follows_the_offset() {
        let clock = Clock::default();
        clock.set_offset_ms(-local_ms() - 5_000);
        assert_eq!(clock.now_ms(), 0, "a negative estimate is clamped");
        clock.set_offset_ms(3_600_000);
        assert!(clock.now_ms() >= 3_600_000);
    }
}
