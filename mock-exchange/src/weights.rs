//! The one weight model of the mock, for REST and the WebSocket API alike: request weight per
//! (host family, IP) or (host family, UID, account), and ORDERS counts per (family, account,
//! window), in fixed windows aligned to the server clock like Binance's (a minute window starts
//! at :00), with Binance's 429 and 418 answers.
//!
//! A request refused for a rate limit is not booked: the window's count is what the server
//! accepted, so it never exceeds the limit, and a client that waits for the next window gets
//! its full budget back. Requests refused for any other reason (bad signature, missing
//! parameter, ...) are booked, as Binance's failed-response examples show (`count` includes
//! them). Both transports go through this one book, so REST and WebSocket count identically.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, PoisonError};

pub use binance_spec::protocol::WeightKind;

/// One declared limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Budget {
    /// Allowed per window; `None` when the spec declares no limit.
    pub(crate) limit: Option<u32>,
    /// The window as Binance's headers name it: `1M`, `10S`, ...
    pub(crate) label: String,
    /// The declared window in seconds (60 for `1M`); scaled by the mock's minute.
    pub(crate) secs: u64,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget { limit: None, label: "1M".to_owned(), secs: 60 }
    }
}

/// The verdict on one request's weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Charge {
    /// Counted; `used` is the window's total after it.
    Accepted {
        /// Weight used in the window.
        used: u32,
    },
    /// Over the limit: answer 429 (the request is not booked).
    TooMany {
        /// Weight used in the window.
        used: u32,
        /// The limit that was hit.
        limit: u32,
        /// Milliseconds until the window ends.
        retry_after_ms: i64,
    },
    /// Sent again while limited, or during a ban: answer 418.
    Banned {
        /// Weight used in the window.
        used: u32,
        /// Milliseconds until the ban ends.
        retry_after_ms: i64,
    },
}

/// An ORDERS window that a request does not fit in: answer 429 with -1015.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OrdersRefused {
    pub(crate) label: String,
    pub(crate) limit: u32,
    pub(crate) retry_after_ms: i64,
}

/// Usage of one budget, as [`Stats::budgets`](crate::Stats::budgets) reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BudgetUsage {
    /// The enforced limit per window, if any.
    pub limit: Option<u32>,
    /// Booked in the current window.
    pub used: u32,
    /// The most booked in any one window since start (or the last reset).
    pub peak: u32,
    /// Requests refused with 429 (or 418) on this budget.
    pub rejected: u64,
}

#[derive(Debug, Default)]
struct Bucket {
    window_start_ms: i64,
    used: u32,
    /// A 429 was sent in this window: the next request is a client not backing off.
    limited: bool,
    banned_until_ms: Option<i64>,
    peak: u32,
    rejected: u64,
    limit: Option<u32>,
    window_ms: i64,
}

impl Bucket {
    /// Moves to the window holding `now_ms` (windows aligned to the epoch, as Binance's to the clock).
    fn roll(&mut self, now_ms: i64) {
        let start = now_ms.saturating_sub(now_ms.rem_euclid(self.window_ms));
        if start != self.window_start_ms {
            self.window_start_ms = start;
            self.used = 0;
            self.limited = false;
        }
    }

    fn retry_after_ms(&self, now_ms: i64) -> i64 {
        self.window_start_ms.saturating_add(self.window_ms).saturating_sub(now_ms).max(1)
    }

    fn book(&mut self, value: u32) {
        self.used = self.used.saturating_add(value);
        self.peak = self.peak.max(self.used);
    }
}

/// Every weight and order budget of the mock.
#[derive(Debug)]
pub(crate) struct WeightBook {
    /// The length of a "minute" in ms: every window is scaled by it.
    minute_ms: i64,
    /// How long a 418 ban lasts, in ms.
    ban_ms: i64,
    weights: HashMap<(String, WeightKind), Budget>,
    /// ORDERS limits per family, by window label.
    orders: HashMap<String, Vec<Budget>>,
    /// Buckets by name: `fapi IP 1M`, `sapi UID 1M <key>`, `fapi ORDERS 10S <key>`.
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl WeightBook {
    pub(crate) fn new(
        weights: HashMap<(String, WeightKind), Budget>,
        orders: HashMap<String, Vec<Budget>>,
        minute_ms: i64,
        ban_ms: i64,
    ) -> WeightBook {
        WeightBook { minute_ms: minute_ms.max(1), ban_ms, weights, orders, buckets: Mutex::default() }
    }

    fn weight_budget(&self, family: &str, kind: WeightKind) -> Budget {
        self.weights.get(&(family.to_owned(), kind)).cloned().unwrap_or_default()
    }

    /// The real window of a budget: its seconds scaled from 60 to the mock's minute.
    fn window_ms(&self, secs: u64) -> i64 {
        let scaled = i128::from(secs) * i128::from(self.minute_ms) / 60;
        i64::try_from(scaled).unwrap_or(i64::MAX).max(1)
    }

    fn bucket_name(family: &str, kind: WeightKind, account: Option<&str>, label: &str) -> String {
        match kind {
            WeightKind::Ip => format!("{family} IP {label}"),
            WeightKind::Uid => format!("{family} UID {label} {}", account.unwrap_or("-")),
        }
    }

    fn with_bucket<T>(&self, name: String, budget: &Budget, f: impl FnOnce(&mut Bucket) -> T) -> T {
        let window_ms = self.window_ms(budget.secs);
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let bucket = buckets.entry(name).or_insert_with(|| Bucket { window_start_ms: i64::MIN, ..Bucket::default() });
        bucket.limit = budget.limit;
        bucket.window_ms = window_ms;
        f(bucket)
    }

    /// Books `weight` against (family, kind[, account]) unless it breaks the limit.
    pub(crate) fn charge(
        &self,
        family: &str,
        kind: WeightKind,
        account: Option<&str>,
        weight: u32,
        now_ms: i64,
    ) -> Charge {
        let budget = self.weight_budget(family, kind);
        // SAPI answers 429 and never bans with 418.
        let bans = family != "sapi";
        let ban_ms = self.ban_ms;
        self.with_bucket(Self::bucket_name(family, kind, account, &budget.label), &budget, |bucket| {
            bucket.roll(now_ms);
            if let Some(until) = bucket.banned_until_ms {
                if now_ms < until {
                    bucket.rejected += 1;
                    return Charge::Banned { used: bucket.used, retry_after_ms: until.saturating_sub(now_ms) };
                }
                bucket.banned_until_ms = None;
            }
            if bucket.limited && bans {
                bucket.banned_until_ms = Some(now_ms.saturating_add(ban_ms));
                bucket.rejected += 1;
                return Charge::Banned { used: bucket.used, retry_after_ms: ban_ms };
            }
            match budget.limit {
                Some(limit) if bucket.limited || bucket.used.saturating_add(weight) > limit => {
                    bucket.limited = true;
                    bucket.rejected += 1;
                    Charge::TooMany { used: bucket.used, limit, retry_after_ms: bucket.retry_after_ms(now_ms) }
                }
                _ => {
                    bucket.book(weight);
                    Charge::Accepted { used: bucket.used }
                }
            }
        })
    }

    /// Books `counts` (window label, value) against `account`'s ORDERS windows of `family`, all
    /// or none. `Ok` holds each window's count after booking, for the headers.
    pub(crate) fn charge_orders(
        &self,
        family: &str,
        account: &str,
        counts: &[(String, u64, u32)],
        now_ms: i64,
    ) -> Result<Vec<(String, u32)>, OrdersRefused> {
        let declared = self.orders.get(family);
        let budget_of = |label: &str, secs: u64| {
            declared.and_then(|budgets| budgets.iter().find(|b| b.label == label)).cloned().unwrap_or(Budget {
                limit: None,
                label: label.to_owned(),
                secs,
            })
        };
        let name = |label: &str| format!("{family} ORDERS {label} {account}");
        // Check every window first, so that a refused request books nothing.
        for (label, secs, value) in counts {
            let budget = budget_of(label, *secs);
            let refused = self.with_bucket(name(label), &budget, |bucket| {
                bucket.roll(now_ms);
                match budget.limit {
                    Some(limit) if bucket.used.saturating_add(*value) > limit => {
                        bucket.rejected += 1;
                        Some(OrdersRefused {
                            label: label.clone(),
                            limit,
                            retry_after_ms: bucket.retry_after_ms(now_ms),
                        })
                    }
                    _ => None,
                }
            });
            if let Some(refused) = refused {
                return Err(refused);
            }
        }
        Ok(counts
            .iter()
            .map(|(label, secs, value)| {
                let used = self.with_bucket(name(label), &budget_of(label, *secs), |bucket| {
                    bucket.book(*value);
                    bucket.used
                });
                (label.clone(), used)
            })
            .collect())
    }

    /// The weight booked in the current window of (family, kind), summed over accounts for UID.
    pub(crate) fn used(&self, family: &str, kind: WeightKind, now_ms: i64) -> u32 {
        let prefix = format!("{family} {} ", kind.as_str());
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        buckets
            .iter_mut()
            .filter(|(name, _)| name.starts_with(&prefix))
            .map(|(_, bucket)| {
                bucket.roll(now_ms);
                bucket.used
            })
            .fold(0u32, u32::saturating_add)
    }

    /// Every budget that has seen a request, by name.
    pub(crate) fn usage(&self, now_ms: i64) -> BTreeMap<String, BudgetUsage> {
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        buckets
            .iter_mut()
            .map(|(name, bucket)| {
                bucket.roll(now_ms);
                let usage = BudgetUsage {
                    limit: bucket.limit,
                    used: bucket.used,
                    peak: bucket.peak,
                    rejected: bucket.rejected,
                };
                (name.clone(), usage)
            })
            .collect()
    }

    /// The declared REQUEST_WEIGHT budget of (family, kind): limit and header label.
    pub(crate) fn weight_limit(&self, family: &str, kind: WeightKind) -> Budget {
        self.weight_budget(family, kind)
    }

    /// The declared ORDERS budgets of a family.
    pub(crate) fn order_limits(&self, family: &str) -> &[Budget] {
        self.orders.get(family).map_or(&[], Vec::as_slice)
    }

    /// Forgets all usage and bans.
    pub(crate) fn reset(&self) {
        self.buckets.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// The header reporting (family, kind)'s usage, as Binance names it.
    pub(crate) fn header_name(&self, family: &str, kind: WeightKind) -> String {
        let label = self.weight_budget(family, kind).label;
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

    const MINUTE: i64 = 60_000;
    /// 2026-01-01T00:00:00Z: a minute boundary.
    const T0: i64 = 1_767_225_600_000;

    fn book(family: &str, limit: u32) -> WeightBook {
        let budget = Budget { limit: Some(limit), ..Budget::default() };
        let weights = HashMap::from([((family.to_owned(), WeightKind::Ip), budget)]);
        let orders = HashMap::from([(
            family.to_owned(),
            vec![
                Budget { limit: Some(3), label: "10S".into(), secs: 10 },
                Budget { limit: Some(5), label: "1M".into(), secs: 60 },
            ],
        )]);
        WeightBook::new(weights, orders, MINUTE, 2 * MINUTE)
    }

    #[test]
    fn counts_then_429_then_418_then_a_new_window_after_the_ban() {
        let book = book("fapi", 10);
        assert_eq!(book.charge("fapi", WeightKind::Ip, None, 6, T0), Charge::Accepted { used: 6 });
        let at = T0 + 15_000;
        assert_eq!(
            book.charge("fapi", WeightKind::Ip, None, 6, at),
            Charge::TooMany { used: 6, limit: 10, retry_after_ms: 45_000 }
        );
        assert_eq!(
            book.charge("fapi", WeightKind::Ip, None, 1, at),
            Charge::Banned { used: 6, retry_after_ms: 120_000 }
        );
        let after_ban = at + 121_000;
        assert_eq!(book.charge("fapi", WeightKind::Ip, None, 1, after_ban), Charge::Accepted { used: 1 });
        let usage = book.usage(after_ban);
        let fapi = &usage["fapi IP 1M"];
        assert_eq!((fapi.limit, fapi.used, fapi.peak, fapi.rejected), (Some(10), 1, 6, 2));
    }

    #[test]
    fn windows_are_aligned_to_the_clock_not_to_the_first_request() {
        let book = book("fapi", 10);
        // First request at :59.5; the window ends at the next :00, not 60 s later.
        let late = T0 + 59_500;
        assert_eq!(book.charge("fapi", WeightKind::Ip, None, 10, late), Charge::Accepted { used: 10 });
        assert!(matches!(
            book.charge("fapi", WeightKind::Ip, None, 1, late),
            Charge::TooMany { retry_after_ms: 500, .. }
        ));
        book.reset();
        assert_eq!(book.charge("fapi", WeightKind::Ip, None, 10, late), Charge::Accepted { used: 10 });
        assert_eq!(book.charge("fapi", WeightKind::Ip, None, 10, T0 + MINUTE), Charge::Accepted { used: 10 });
    }

    #[test]
    fn absurd_clocks_do_not_overflow() {
        let book = book("fapi", 10);
        for now in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX] {
            assert!(matches!(book.charge("fapi", WeightKind::Ip, None, 1, now), Charge::Accepted { .. }));
            let counts = [("10S".to_owned(), 10, 1)];
            assert!(book.charge_orders("fapi", "k", &counts, now).is_ok());
            book.reset();
        }
    }

    #[test]
    fn sapi_answers_429_again_instead_of_banning() {
        let book = book("sapi", 10);
        assert!(matches!(book.charge("sapi", WeightKind::Ip, None, 11, T0), Charge::TooMany { .. }));
        assert!(matches!(book.charge("sapi", WeightKind::Ip, None, 1, T0), Charge::TooMany { .. }));
        assert_eq!(book.charge("sapi", WeightKind::Ip, None, 1, T0 + MINUTE), Charge::Accepted { used: 1 });
    }

    #[test]
    fn uid_weight_is_counted_per_account() {
        let book = book("sapi", 10);
        assert_eq!(book.charge("sapi", WeightKind::Uid, Some("a"), 7, T0), Charge::Accepted { used: 7 });
        assert_eq!(book.charge("sapi", WeightKind::Uid, Some("b"), 7, T0), Charge::Accepted { used: 7 });
        assert_eq!(book.used("sapi", WeightKind::Uid, T0), 14);
        assert!(book.usage(T0).contains_key("sapi UID 1M a"));
    }

    #[test]
    fn orders_are_counted_per_account_and_window_all_or_nothing() {
        let book = book("fapi", 100);
        let both = [("10S".to_owned(), 10, 1), ("1M".to_owned(), 60, 1)];
        for n in 1..=3 {
            let booked = book.charge_orders("fapi", "a", &both, T0).unwrap();
            assert_eq!(booked, vec![("10S".to_owned(), n), ("1M".to_owned(), n)]);
        }
        // The 10-second window is full: refused, and the minute window is not booked either.
        let refused = book.charge_orders("fapi", "a", &both, T0 + 9_999).unwrap_err();
        assert_eq!(refused, OrdersRefused { label: "10S".into(), limit: 3, retry_after_ms: 1 });
        // Another account has its own windows.
        assert!(book.charge_orders("fapi", "b", &both, T0).is_ok());
        // The next 10 s window: two more fit the minute's 5, the third does not.
        assert!(book.charge_orders("fapi", "a", &both, T0 + 10_000).is_ok());
        assert!(book.charge_orders("fapi", "a", &both, T0 + 10_000).is_ok());
        let refused = book.charge_orders("fapi", "a", &both, T0 + 10_000).unwrap_err();
        assert_eq!((refused.label.as_str(), refused.retry_after_ms), ("1M", 50_000));
        assert_eq!(book.usage(T0 + 10_000)["fapi ORDERS 1M a"].peak, 5);
    }

    #[test]
    fn undeclared_budgets_count_without_limit_and_name_their_headers() {
        let book = book("fapi", 10);
        assert_eq!(book.charge("api", WeightKind::Ip, None, 1000, T0), Charge::Accepted { used: 1000 });
        assert_eq!(book.header_name("fapi", WeightKind::Ip), "X-MBX-USED-WEIGHT-1M");
        assert_eq!(book.header_name("sapi", WeightKind::Uid), "X-SAPI-USED-UID-WEIGHT-1M");
    }
}
