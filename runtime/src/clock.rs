//! The client's view of Binance's clock: local time plus an offset learned from the product's
//! server-time endpoint (`{"serverTime": <ms>}`), used for `timestamp` on signed requests.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Local wall-clock time in milliseconds since the Unix epoch (0 if the clock is before 1970).
pub(crate) fn local_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)).unwrap_or(0)
}

/// The `serverTime`s accepted, in Unix milliseconds: 2017-01-01 (Binance did not exist before)
/// to 2200-01-01. Anything else is a broken or hostile server, not a clock to follow: learning
/// from it would stamp every request with nonsense (or overflow the arithmetic).
const PLAUSIBLE_SERVER_MS: std::ops::RangeInclusive<i64> = 1_483_228_800_000..=7_258_118_400_000;

/// One reading of the server's clock, taken between two local readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sample {
    /// `serverTime` as answered.
    pub(crate) server_ms: i64,
    /// Local time when the request was sent.
    pub(crate) sent_ms: i64,
    /// Local time when the whole answer was read.
    pub(crate) received_ms: i64,
}

impl Sample {
    /// Local round trip in milliseconds (0 if the local clock stepped back meanwhile).
    fn round_trip(&self) -> i64 {
        self.received_ms.saturating_sub(self.sent_ms).max(0)
    }

    /// Server minus local time, assuming the server answered halfway through the round trip.
    fn offset(&self) -> Result<i64, String> {
        if !PLAUSIBLE_SERVER_MS.contains(&self.server_ms) {
            return Err(format!(
                "the server answered serverTime {}, which is not a plausible time in Unix milliseconds \
                 (expected between 2017 and 2200); the clock offset was not changed",
                self.server_ms
            ));
        }
        // i128: no overflow whatever the local readings are.
        let midpoint = i128::from(self.sent_ms) + i128::from(self.round_trip()) / 2;
        i64::try_from(i128::from(self.server_ms) - midpoint)
            .map_err(|_| "the server-time offset does not fit in 64 bits".to_string())
    }
}

/// The offset from the sample with the smallest round trip: its midpoint guess is the most
/// precise (the error is at most half the round trip). Every sample must be plausible; one
/// absurd `serverTime` means the server cannot be trusted for time.
pub(crate) fn best_offset(samples: &[Sample]) -> Result<i64, String> {
    for sample in samples {
        sample.offset()?;
    }
    match samples.iter().min_by_key(|s| s.round_trip()) {
        Some(best) => best.offset(),
        None => Err("no server-time sample was taken".into()),
    }
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
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_700_000_000_000;

    #[test]
    fn offset_is_measured_from_the_middle_of_the_round_trip() {
        let sample = |server_ms, sent_ms, received_ms| Sample { server_ms, sent_ms, received_ms };
        assert_eq!(best_offset(&[sample(T + 10_500, T + 1_000, T + 1_200)]), Ok(9_400));
        assert_eq!(best_offset(&[sample(T + 900, T + 1_000, T + 1_000)]), Ok(-100));
    }

    #[test]
    fn the_sample_with_the_smallest_round_trip_wins() {
        let samples = [
            Sample { server_ms: T + 5_000, sent_ms: T, received_ms: T + 800 }, // slow: offset 4_600
            Sample { server_ms: T + 6_010, sent_ms: T + 1_000, received_ms: T + 1_020 }, // offset 5_000
            Sample { server_ms: T + 7_100, sent_ms: T + 2_000, received_ms: T + 2_300 }, // offset 4_950
        ];
        assert_eq!(best_offset(&samples), Ok(5_000));
        assert!(best_offset(&[]).is_err());
    }

    #[test]
    fn absurd_server_times_are_errors_not_overflows() {
        for server_ms in [i64::MAX, i64::MIN, -1, 0, 1_000] {
            let good = Sample { server_ms: T, sent_ms: T, received_ms: T + 1 };
            let bad = Sample { server_ms, sent_ms: T, received_ms: T + 1 };
            let err = best_offset(&[good, bad]).unwrap_err();
            assert!(err.contains("not a plausible time"), "{err}");
        }
        // Extreme local readings do not overflow either.
        let odd = Sample { server_ms: T, sent_ms: i64::MIN, received_ms: i64::MAX };
        assert!(best_offset(&[odd]).is_ok());
        let backwards = Sample { server_ms: T, sent_ms: T + 10, received_ms: T };
        assert_eq!(best_offset(&[backwards]), Ok(-10));
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
