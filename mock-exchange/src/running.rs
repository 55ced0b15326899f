//! A started mock exchange: its address, its counters and the controls tests drive it with.

use crate::error::MockError;
use crate::faults::FaultRule;
use crate::handler::Shared;
use crate::routes::Answer;
use crate::stats::Stats;
use crate::weights::WeightKind;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// How long [`RunningMock::shutdown`] waits for open requests before it aborts the server.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A mock exchange serving on 127.0.0.1. Dropping it stops the server too.
#[derive(Debug)]
pub struct RunningMock {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl RunningMock {
    pub(crate) fn new(
        addr: SocketAddr,
        shared: Arc<Shared>,
        stop: oneshot::Sender<()>,
        task: JoinHandle<io::Result<()>>,
    ) -> RunningMock {
        RunningMock { addr, shared, stop: Some(stop), task: Some(task) }
    }

    /// `http://127.0.0.1:<port>`: the REST base URL of every product.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The served routes as `(method, path)`, sorted.
    pub fn routes(&self) -> Vec<(String, String)> {
        let mut routes: Vec<_> = self.shared.routes.keys().cloned().collect();
        routes.sort();
        routes
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.shared.stats().clone()
    }

    /// Zeroes the counters.
    pub fn reset_stats(&self) {
        *self.shared.stats() = Stats::default();
    }

    /// Replaces every injected fault with `rule` (a [`Fault`](crate::Fault) applies to every request until cleared).
    pub fn set_fault(&self, rule: impl Into<FaultRule>) {
        self.shared.faults.set(rule.into());
    }

    /// Adds `rule` after the injected ones; the first matching rule applies to a request.
    pub fn add_fault(&self, rule: impl Into<FaultRule>) {
        self.shared.faults.add(rule.into());
    }

    /// Removes every injected fault.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// Sets the server clock this many milliseconds ahead (negative: behind) of the real one.
    pub fn set_clock_skew_ms(&self, skew_ms: i64) {
        self.shared.clock_skew_ms.store(skew_ms, Ordering::SeqCst);
    }

    /// The server clock in milliseconds since the epoch, as `serverTime` reports it.
    pub fn server_time_ms(&self) -> i64 {
        self.shared.server_time_ms()
    }

    /// Serves example `index` (0-based, in spec order) for `path` from now on.
    pub fn select_example(&self, path: &str, index: usize) -> Result<(), MockError> {
        let route = self.shared.routes.iter().find(|((_, p), _)| p == path).map(|(_, route)| route);
        let count = match route.map(|r| &r.answer) {
            Some(Answer::Examples(examples)) => examples.len(),
            Some(Answer::ServerTime) | None => 0,
        };
        if index >= count {
            let reason = format!("has {count} example(s); index {index} does not exist (examples count from 0)");
            return Err(MockError::InvalidRoute { method: "*".into(), path: path.into(), reason });
        }
        self.shared.example_choice.lock().unwrap_or_else(PoisonError::into_inner).insert(path.to_owned(), index);
        Ok(())
    }

    /// Weight used in the current window of a host family (`"fapi"`, `"papi"`, `"sapi"`, ...) and kind.
    pub fn used_weight(&self, family: &str, kind: WeightKind) -> u32 {
        self.shared.weights.used(family, kind, Instant::now())
    }

    /// Forgets all weight usage and lifts bans.
    pub fn reset_weights(&self) {
        self.shared.weights.reset();
    }

    /// Stops accepting, lets open requests finish (at most 5 s, then aborts them) and waits
    /// for the server to end.
    pub async fn shutdown(mut self) -> Result<(), MockError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(mut task) = self.task.take() else { return Ok(()) };
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(e))) => Err(MockError::Server(e.to_string())),
            Ok(Err(join)) => Err(MockError::Server(join.to_string())),
            Err(_) => {
                task.abort();
                Ok(())
            }
        }
    }
}

impl Drop for RunningMock {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
