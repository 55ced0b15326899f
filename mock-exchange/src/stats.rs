//! What the mock has seen and answered, for tests to assert on.

use crate::weights::BudgetUsage;
use std::collections::BTreeMap;

/// A snapshot of the mock's counters since start (or the last [`reset_stats`](crate::RunningMock::reset_stats)).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Requests received per path (every request, including rejected and faulted ones).
    pub requests: BTreeMap<String, u64>,
    /// 429 answers sent.
    pub too_many_requests: u64,
    /// 429 answers with -1015 (an ORDERS window full).
    pub too_many_orders: u64,
    /// Every budget that has seen a request, by name: `fapi IP 1M`, `sapi UID 1M <api key>`,
    /// `fapi ORDERS 10S <api key>`. Its `peak` never exceeds its `limit`: a request that does
    /// not fit is refused, not booked.
    pub budgets: BTreeMap<String, BudgetUsage>,
    /// 418 answers sent.
    pub bans: u64,
    /// Faults applied (latency included).
    pub faults: u64,
    /// The raw query string (without `?`) of the last request, `""` when it had none.
    pub last_query: Option<String>,
    /// The path of the last request.
    pub last_path: Option<String>,
}

impl Stats {
    /// Requests received for `path`.
    pub fn requests_to(&self, path: &str) -> u64 {
        self.requests.get(path).copied().unwrap_or(0)
    }

    /// Requests received in all.
    pub fn total_requests(&self) -> u64 {
        self.requests.values().sum()
    }
}
