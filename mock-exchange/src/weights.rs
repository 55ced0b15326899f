//! Request-weight accounting per (host family, IP/UID kind) in fixed windows, with Binance's
//! 429 and 418 answers.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;
use tokio::time::Instant;

/// What a weight is counted per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WeightKind {
    /// Per IP address ("Request Weight(IP)").
    Ip,
    /// Per account ("Request Weight(UID)", SAPI).
    Uid,
}

impl WeightKind {
    /// From the spec's word (`IP` / `UID`); anything else counts per IP, Binance's default.
    pub(crate) fn from_spec(word: &str) -> WeightKind {
        if word.eq_ignore_ascii_case("UID") {
            WeightKind::Uid
        } else {
            WeightKind::Ip
        }
    }
}

/// The budget of one (family, kind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Budget {
    /// Weight allowed per window; `None` when the spec declares no limit.
    pub(crate) limit: Option<u32>,
    /// The window's length as Binance names it in headers: `1M`, `10S`, ...
    pub(crate) interval_label: String,
    /// The window the spec declares (60 s for `1M`); scaled by the mock's minute.
    pub(crate) spec_window: Duration,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget { limit: None, interval_label: "1M".to_owned(), spec_window: Duration::from_secs(60) }
    }
}

/// The verdict on one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Charge {
    /// Counted; `used` is the window's total after it.
    Accepted {
        /// Weight used in the window.
        used: u32,
    },
    /// Over the limit: answer 429.
    TooMany {
        /// Weight used in the window (the rejected request is not counted).
        used: u32,
        /// Until the window ends.
        retry_after: Duration,
    },
    /// Sent again while limited, or during a ban: answer 418.
    Banned {
        /// Weight used in the window.
        used: u32,
        /// Until the ban ends.
        retry_after: Duration,
    },
}

#[derive(Debug)]
struct Bucket {
    window_start: Instant,
    used: u32,
    /// A 429 was sent in this window: the next request is a client not backing off.
    limited: bool,
    banned_until: Option<Instant>,
}

/// Every bucket of the mock.
#[derive(Debug)]
pub(crate) struct WeightBook {
    /// The length of a "minute".
    minute: Duration,
    /// How long a 418 ban lasts.
    ban: Duration,
    epoch: Instant,
    budgets: HashMap<(String, WeightKind), Budget>,
    buckets: Mutex<HashMap<(String, WeightKind), Bucket>>,
}

impl WeightBook {
    /// Budgets per (family, kind); `minute` scales every window; bans last `ban`.
    pub(crate) fn new(budgets: HashMap<(String, WeightKind), Budget>, minute: Duration, ban: Duration) -> WeightBook {
        WeightBook { minute, ban, epoch: Instant::now(), budgets, buckets: Mutex::new(HashMap::new()) }
    }

    /// The budget that applies to (family, kind).
    pub(crate) fn budget(&self, family: &str, kind: WeightKind) -> Budget {
        self.budgets.get(&(family.to_owned(), kind)).cloned().unwrap_or_default()
    }

    /// The real window length of a budget: its length in minutes times the mock's minute.
    fn window(&self, budget: &Budget) -> Duration {
        let ratio = budget.spec_window.as_secs_f64() / 60.0;
        self.minute.mul_f64(ratio).max(Duration::from_millis(1))
    }

    /// Counts `weight` against (family, kind) unless it breaks the limit.
    pub(crate) fn charge(&self, family: &str, kind: WeightKind, weight: u32, now: Instant) -> Charge {
        let budget = self.budget(family, kind);
        let window = self.window(&budget);
        // SAPI answers 429 and never bans (BINANCE.md).
        let bans = family != "sapi";
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let bucket = buckets.entry((family.to_owned(), kind)).or_insert(Bucket {
            window_start: self.epoch,
            used: 0,
            limited: false,
            banned_until: None,
        });
        // Windows are aligned to the mock's start, like Binance's are aligned to the clock.
        let since_epoch = now.saturating_duration_since(self.epoch);
        let index = since_epoch.as_nanos() / window.as_nanos().max(1);
        let start = self.epoch + window.mul_f64(index as f64);
        if start > bucket.window_start {
            bucket.window_start = start;
            bucket.used = 0;
            bucket.limited = false;
        }
        if let Some(until) = bucket.banned_until {
            if now < until {
                return Charge::Banned { used: bucket.used, retry_after: until - now };
            }
            bucket.banned_until = None;
        }
        let window_end = bucket.window_start + window;
        if bucket.limited && bans {
            let until = now + self.ban;
            bucket.banned_until = Some(until);
            return Charge::Banned { used: bucket.used, retry_after: self.ban };
        }
        let over = budget.limit.is_some_and(|limit| bucket.used.saturating_add(weight) > limit);
        if over || bucket.limited {
            bucket.limited = true;
            return Charge::TooMany { used: bucket.used, retry_after: window_end.saturating_duration_since(now) };
        }
        bucket.used = bucket.used.saturating_add(weight);
        Charge::Accepted { used: bucket.used }
    }

    /// The weight used in the current window of (family, kind).
    pub(crate) fn used(&self, family: &str, kind: WeightKind, now: Instant) -> u32 {
        let window = self.window(&self.budget(family, kind));
        let buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        match buckets.get(&(family.to_owned(), kind)) {
            Some(bucket) if now < bucket.window_start + window => bucket.used,
            _ => 0,
        }
    }

    /// Forgets all usage and bans.
    pub(crate) fn reset(&self) {
        self.buckets.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// The header reporting (family, kind)'s usage, as Binance names it.
    pub(crate) fn header_name(&self, family: &str, kind: WeightKind) -> String {
        let label = self.budget(family, kind).interval_label;
        match (family, kind) {
            ("sapi", WeightKind::Ip) => format!("X-SAPI-USED-IP-WEIGHT-{label}"),
            ("sapi", WeightKind::Uid) => format!("X-SAPI-USED-UID-WEIGHT-{label}"),
            _ => format!("X-MBX-USED-WEIGHT-{label}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(family: &str, limit: u32) -> WeightBook {
        let budget = Budget { limit: Some(limit), ..Budget::default() };
        let budgets = HashMap::from([((family.to_owned(), WeightKind::Ip), budget)]);
        WeightBook::new(budgets, Duration::from_secs(60), Duration::from_secs(120))
    }

    #[test]
    fn counts_then_429_then_418_then_a_new_window_after_the_ban() {
        let book = book("fapi", 10);
        let t0 = book.epoch;
        assert_eq!(book.charge("fapi", WeightKind::Ip, 6, t0), Charge::Accepted { used: 6 });
        let at = t0 + Duration::from_secs(15);
        assert_eq!(
            book.charge("fapi", WeightKind::Ip, 6, at),
            Charge::TooMany { used: 6, retry_after: Duration::from_secs(45) }
        );
        assert_eq!(
            book.charge("fapi", WeightKind::Ip, 1, at),
            Charge::Banned { used: 6, retry_after: Duration::from_secs(120) }
        );
        let after_ban = at + Duration::from_secs(121);
        assert_eq!(book.charge("fapi", WeightKind::Ip, 1, after_ban), Charge::Accepted { used: 1 });
    }

    #[test]
    fn sapi_answers_429_again_instead_of_banning() {
        let book = book("sapi", 10);
        let t0 = book.epoch;
        assert!(matches!(book.charge("sapi", WeightKind::Ip, 11, t0), Charge::TooMany { .. }));
        assert!(matches!(book.charge("sapi", WeightKind::Ip, 1, t0), Charge::TooMany { .. }));
        assert_eq!(book.charge("sapi", WeightKind::Ip, 1, t0 + Duration::from_secs(60)), Charge::Accepted { used: 1 });
    }

    #[test]
    fn undeclared_budgets_count_without_limit_and_name_their_headers() {
        let book = book("fapi", 10);
        assert_eq!(book.charge("api", WeightKind::Ip, 1000, book.epoch), Charge::Accepted { used: 1000 });
        assert_eq!(book.header_name("fapi", WeightKind::Ip), "X-MBX-USED-WEIGHT-1M");
        assert_eq!(book.header_name("sapi", WeightKind::Uid), "X-SAPI-USED-UID-WEIGHT-1M");
    }
}
