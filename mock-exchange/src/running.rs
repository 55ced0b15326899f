//! A started mock exchange: its addresses, its counters and the controls tests drive it with.

use crate::endpoints::{Answer, EndpointInfo};
use crate::error::MockError;
use crate::faults::FaultRule;
use crate::log::RequestRecord;
use crate::shared::{lock, Shared};
use crate::stats::Stats;
use crate::streams::MockStreams;
use crate::weights::WeightKind;
use crate::ws::RunningWsApi;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long [`RunningMock::shutdown`] waits for open requests before it aborts the server.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Where a running mock listens.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Addrs {
    pub(crate) rest: SocketAddr,
    pub(crate) ws: SocketAddr,
    pub(crate) streams: SocketAddr,
}

/// A mock exchange serving REST, the WebSocket API and market/user-data streams on 127.0.0.1,
/// one exchange with shared state. Dropping it stops all three.
#[derive(Debug)]
pub struct RunningMock {
    addr: SocketAddr,
    ws_addr: SocketAddr,
    stream_addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
    /// The WebSocket API's and the stream server's accept loops.
    accept_tasks: [JoinHandle<()>; 2],
}

impl RunningMock {
    pub(crate) fn new(
        addrs: Addrs,
        shared: Arc<Shared>,
        stop: oneshot::Sender<()>,
        task: JoinHandle<io::Result<()>>,
        accept_tasks: [JoinHandle<()>; 2],
    ) -> RunningMock {
        RunningMock {
            addr: addrs.rest,
            ws_addr: addrs.ws,
            stream_addr: addrs.streams,
            shared,
            stop: Some(stop),
            task: Some(task),
            accept_tasks,
        }
    }

    /// `ws://127.0.0.1:<port>`: the market and user-data stream base URL (as
    /// `wss://fstream.binance.com`): `/ws/<name>`, `/stream?streams=…`, `/ws/<listenKey>`.
    pub fn stream_url(&self) -> String {
        self.streams().url()
    }

    /// The stream server's controls: publish, disconnect, listen keys, depth scripts (a handle
    /// that does not own the mock).
    pub fn streams(&self) -> MockStreams {
        MockStreams { addr: self.stream_addr, shared: Arc::clone(&self.shared) }
    }

    /// `ws://127.0.0.1:<port>/ws-fapi/v1`: the WebSocket API URL.
    pub fn ws_url(&self) -> String {
        self.ws().url()
    }

    /// The WebSocket API's counters and controls (a handle that does not own the mock).
    pub fn ws(&self) -> RunningWsApi {
        RunningWsApi { addr: self.ws_addr, shared: Arc::clone(&self.shared), owner: None }
    }

    /// Every endpoint served, REST (with each product's server-time route and the routes a
    /// test added) then WebSocket API, sorted: what a test iterates to call each one.
    pub fn endpoints(&self) -> Vec<EndpointInfo> {
        self.shared.table.infos()
    }

    /// Every request answered so far (the last 100 000), REST and WebSocket API, in order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.shared.log).iter().cloned().collect()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// `http://127.0.0.1:<port>`: the REST base URL of every product.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The served REST routes as `(method, path)`, sorted.
    pub fn routes(&self) -> Vec<(String, String)> {
        let mut routes: Vec<_> = self.shared.table.rest.keys().cloned().collect();
        routes.sort();
        routes
    }

    /// A snapshot of the counters, with every budget's usage.
    pub fn stats(&self) -> Stats {
        let mut stats = self.shared.stats().clone();
        stats.budgets = self.shared.weights.usage(self.shared.server_time_ms());
        stats
    }

    /// Zeroes the REST counters (budgets are reset by [`reset_weights`](Self::reset_weights)).
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
        let route = self.shared.table.rest.iter().find(|((_, p), _)| p == path).map(|(_, route)| route);
        let count = match route.map(|r| &r.answer) {
            Some(Answer::Examples(examples)) => examples.len(),
            Some(Answer::ServerTime | Answer::WsResult(_)) | None => 0,
        };
        if index >= count {
            let reason = format!("has {count} example(s); index {index} does not exist (examples count from 0)");
            return Err(MockError::InvalidRoute { method: "*".into(), path: path.into(), reason });
        }
        self.shared.example_choice.lock().unwrap_or_else(PoisonError::into_inner).insert(path.to_owned(), index);
        Ok(())
    }

    /// Weight used in the current window of a host family (`"fapi"`, `"papi"`, `"sapi"`, ...) and
    /// kind (UID: summed over accounts), REST and WebSocket API together.
    pub fn used_weight(&self, family: &str, kind: WeightKind) -> u32 {
        self.shared.weights.used(family, kind, self.shared.server_time_ms())
    }

    /// Forgets all weight usage and lifts bans.
    pub fn reset_weights(&self) {
        self.shared.weights.reset();
    }

    /// Stops accepting, lets open requests finish (at most 5 s, then aborts them) and waits
    /// for the server to end.
    pub async fn shutdown(mut self) -> Result<(), MockError> {
        self.stop_ws();
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

impl RunningMock {
    fn stop_ws(&self) {
        for task in &self.accept_tasks {
            task.abort();
        }
        self.ws().drop_connections();
        self.streams().disconnect_all();
    }
}

impl Drop for RunningMock {
    fn drop(&mut self) {
        self.stop_ws();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
