//! Reconnect delays: doubling from a first delay up to a cap, reset after a good connection.

use std::time::Duration;

/// Bounded exponential backoff: `first`, `2 × first`, … never above `max`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    first: Duration,
    max: Duration,
    next: Duration,
}

impl Backoff {
    /// Delays from `first` doubling up to `max` (`max` is raised to `first` when below it).
    pub fn new(first: Duration, max: Duration) -> Self {
        let max = max.max(first);
        Backoff { first, max, next: first }
    }

    /// The delay before the next attempt; the one after is twice as long, up to the cap.
    pub fn next_delay(&mut self) -> Duration {
        let now = self.next;
        self.next = self.next.saturating_mul(2).min(self.max);
        now
    }

    /// Back to the first delay (after a connection that worked).
    pub fn reset(&mut self) {
        self.next = self.first;
    }

    /// A connection ended after `lived`: one that lasted at least the cap worked, and the next
    /// delay is the first again; a shorter one (a server that accepts and drops at once) keeps
    /// the delays growing, so a flapping server is not hammered at the first delay.
    pub fn connection_ended(&mut self, lived: Duration) {
        if lived >= self.max {
            self.reset();
        }
    }
}

impl Default for Backoff {
    /// 250 ms doubling up to 30 s.
    fn default() -> Self {
        Backoff::new(Duration::from_millis(250), Duration::from_secs(30))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_and_reset() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_millis(500));
        let delays: Vec<u128> = (0..5).map(|_| b.next_delay().as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 500, 500]);
        b.reset();
        assert_eq!(b.next_delay(), Duration::from_millis(100));
    }

    #[test]
    fn only_a_connection_that_lasted_resets_the_delays() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_millis(500));
        b.next_delay();
        b.connection_ended(Duration::from_millis(499));
        assert_eq!(b.next_delay(), Duration::from_millis(200), "a short connection keeps growing");
        b.connection_ended(Duration::from_millis(500));
        assert_eq!(b.next_delay(), Duration::from_millis(100));
    }
}
