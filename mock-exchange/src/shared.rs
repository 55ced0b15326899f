//! What the REST server, the WebSocket API server, the stream server and the test controls
//! share: one endpoint table, one key registry, one weight book, one clock, one request log,
//! and the streams' connections and listen keys.

use crate::checks::Rejection;
use crate::endpoints::{Answer, Served, Table};
use crate::faults::FaultPlan;
use crate::keys::KeyMaterial;
use crate::log::{self, RequestRecord};
use crate::stats::Stats;
use crate::weights::{Charge, WeightBook, WeightKind};
use crate::ws::state::WsState;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

/// Everything both servers and the test controls share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) table: Table,
    pub(crate) keys: HashMap<String, KeyMaterial>,
    pub(crate) weights: WeightBook,
    pub(crate) faults: FaultPlan,
    pub(crate) stats: Mutex<Stats>,
    pub(crate) ws: WsState,
    pub(crate) streams: crate::streams::Hub,
    /// Added to the real clock for `serverTime`, timestamp checks and window alignment.
    pub(crate) clock_skew_ms: AtomicI64,
    /// Example index chosen per path; the first otherwise.
    pub(crate) example_choice: Mutex<HashMap<String, usize>>,
    pub(crate) log: Mutex<VecDeque<RequestRecord>>,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Wall-clock milliseconds since the epoch.
pub(crate) fn wall_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Shared {
    /// The exchange's clock in milliseconds since the epoch.
    pub(crate) fn server_time_ms(&self) -> i64 {
        wall_ms().saturating_add(self.clock_skew_ms.load(Ordering::SeqCst))
    }

    pub(crate) fn stats(&self) -> MutexGuard<'_, Stats> {
        lock(&self.stats)
    }

    pub(crate) fn record(&self, record: RequestRecord) {
        log::push(&mut lock(&self.log), record);
    }

    /// The body a successful REST request to `served` gets.
    pub(crate) fn rest_answer(&self, path: &str, served: &Served) -> String {
        match &served.answer {
            Answer::ServerTime => serde_json::json!({ "serverTime": self.server_time_ms() }).to_string(),
            Answer::Examples(examples) => {
                let chosen = lock(&self.example_choice).get(path).copied();
                let example = chosen.and_then(|i| examples.get(i)).or(examples.first());
                example.cloned().unwrap_or_else(|| "{}".to_owned())
            }
            Answer::WsResult(value) => value.to_string(),
        }
    }

    /// Books `weight` in (family, kind[, account]); the window's count after it either way,
    /// and the 429/418 rejection when the request does not fit.
    pub(crate) fn charge_weight(
        &self,
        family: &str,
        kind: WeightKind,
        account: Option<&str>,
        weight: u32,
    ) -> (u32, Result<(), Rejection>) {
        let who = match kind {
            WeightKind::Ip => "IP(127.0.0.1)".to_owned(),
            WeightKind::Uid => format!("UID({})", account.unwrap_or("-")),
        };
        match self.weights.charge(family, kind, account, weight, self.server_time_ms()) {
            Charge::Accepted { used } => (used, Ok(())),
            Charge::TooMany { used, limit, retry_after_ms } => {
                self.stats().too_many_requests += 1;
                let msg = format!(
                    "Too many requests; current limit of {who} request weight is {limit} per window. Please use the websocket for live updates to avoid polling the API."
                );
                (used, Err(Rejection { status: 429, code: -1003, msg, retry_after_ms: Some(retry_after_ms) }))
            }
            Charge::Banned { used, retry_after_ms } => {
                self.stats().bans += 1;
                let until = self.server_time_ms().saturating_add(retry_after_ms);
                let msg = format!(
                    "Way too many requests; {who} banned until {until}. Please use the websocket for live updates to avoid bans."
                );
                (used, Err(Rejection { status: 418, code: -1003, msg, retry_after_ms: Some(retry_after_ms) }))
            }
        }
    }

    /// Books `served`'s ORDERS counts for `account`: each window's count, or `-1015`.
    pub(crate) fn charge_orders(&self, served: &Served, account: &str) -> Result<Vec<(String, u32)>, Rejection> {
        if served.info.orders.is_empty() {
            return Ok(Vec::new());
        }
        let counts: Vec<(String, u64, u32)> =
            served.info.orders.iter().map(|o| (o.window.clone(), o.window_secs, o.value)).collect();
        self.weights.charge_orders(&served.family, account, &counts, self.server_time_ms()).map_err(|refused| {
            self.stats().too_many_orders += 1;
            let msg = format!("Too many new orders; current limit is {} orders per {}.", refused.limit, refused.label);
            Rejection { status: 429, code: -1015, msg, retry_after_ms: Some(refused.retry_after_ms) }
        })
    }
}
