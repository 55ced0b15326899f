//! The one request handler: count, delay, charge weight, misbehave, authorize, answer.

use crate::auth;
use crate::conn::ResetSwitch;
use crate::faults::{self, Fault, FaultPlan};
use crate::keys::KeyMaterial;
use crate::params::RequestParams;
use crate::reply;
use crate::routes::{Answer, Route, RouteTable};
use crate::stats::Stats;
use crate::weights::{Charge, WeightBook};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::time::Instant;

/// The largest request body read (Binance's requests are small forms).
const MAX_BODY_BYTES: usize = 1 << 20;

/// Everything the handler and the test controls share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) routes: RouteTable,
    pub(crate) keys: HashMap<String, KeyMaterial>,
    pub(crate) weights: WeightBook,
    pub(crate) faults: FaultPlan,
    pub(crate) stats: Mutex<Stats>,
    /// Added to the real clock for `serverTime` and timestamp checks.
    pub(crate) clock_skew_ms: AtomicI64,
    /// Example index chosen per path; the first otherwise.
    pub(crate) example_choice: Mutex<HashMap<String, usize>>,
}

impl Shared {
    /// The exchange's clock in milliseconds since the epoch.
    pub(crate) fn server_time_ms(&self) -> i64 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        now.saturating_add(self.clock_skew_ms.load(Ordering::SeqCst))
    }

    pub(crate) fn stats(&self) -> std::sync::MutexGuard<'_, Stats> {
        self.stats.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The body a successful request to `route` gets.
    fn answer(&self, path: &str, route: &Route) -> String {
        match &route.answer {
            Answer::ServerTime => serde_json::json!({ "serverTime": self.server_time_ms() }).to_string(),
            Answer::Examples(examples) => {
                let chosen = self.example_choice.lock().unwrap_or_else(PoisonError::into_inner).get(path).copied();
                let example = chosen.and_then(|i| examples.get(i)).or(examples.first());
                example.cloned().unwrap_or_else(|| "{}".to_owned())
            }
        }
    }
}

/// Handles every request (axum's fallback: the route table is the mock's own).
pub(crate) async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or_default().to_owned();
    {
        let mut stats = shared.stats();
        *stats.requests.entry(path.clone()).or_default() += 1;
        stats.last_query = Some(query.clone());
        stats.last_path = Some(path.clone());
    }

    let mut fault = shared.faults.take(&path);
    if fault.is_some() {
        shared.stats().faults += 1;
    }
    if let Some(Fault::Latency(delay)) = fault {
        tokio::time::sleep(delay).await;
        fault = None;
    }

    let Some(route) = shared.routes.get(&(parts.method.as_str().to_owned(), path.clone())) else {
        let msg = format!("The mock exchange has no route {} {path}.", parts.method);
        return reply::binance_error(StatusCode::NOT_FOUND, -1000, &msg);
    };
    let body = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => return reply::binance_error(StatusCode::BAD_REQUEST, -1000, "The request body could not be read."),
    };
    let params = RequestParams::parse(&query, &body);

    let weight = route.weight_for(|name| params.get(name).is_some());
    let charge = shared.weights.charge(&route.family, route.kind, weight, Instant::now());
    let header = shared.weights.header_name(&route.family, route.kind);
    let used = match charge {
        Charge::Accepted { used } => used,
        Charge::TooMany { used, retry_after } => {
            shared.stats().too_many_requests += 1;
            let msg = format!("Too many requests; current limit of IP(127.0.0.1) request weight is exceeded. Please use the websocket for live updates to avoid polling the API. (used weight {used})");
            let response = reply::binance_error(StatusCode::TOO_MANY_REQUESTS, -1003, &msg);
            return reply::with_header(reply::with_retry_after(response, retry_after), &header, used.into());
        }
        Charge::Banned { used, retry_after } => {
            shared.stats().bans += 1;
            let msg = format!("Way too many requests; IP(127.0.0.1) banned for {} ms. Please use the websocket for live updates to avoid bans.", retry_after.as_millis());
            let response = reply::binance_error(StatusCode::IM_A_TEAPOT, -1003, &msg);
            return reply::with_header(reply::with_retry_after(response, retry_after), &header, used.into());
        }
    };

    let response = match fault {
        Some(Fault::ConnectionReset) => {
            if let Some(ConnectInfo(switch)) = parts.extensions.get::<ConnectInfo<ResetSwitch>>() {
                switch.trip();
            }
            reply::json(StatusCode::OK, String::new())
        }
        Some(fault) => faults::broken_answer(&fault, &shared.answer(&path, route)),
        None => {
            let api_key = parts.headers.get("x-mbx-apikey").and_then(|v| v.to_str().ok());
            match auth::authorize(route, &shared.keys, api_key, &params, shared.server_time_ms()) {
                Ok(()) => reply::json(StatusCode::OK, shared.answer(&path, route)),
                Err(rejection) => rejection.into_response(),
            }
        }
    };
    reply::with_header(response, &header, used.into())
}
