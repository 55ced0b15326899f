//! Configuring and starting a mock exchange.

use crate::conn::{ResetSwitch, ResettableListener};
use crate::endpoints::{self, Answer, Security, Served, Table};
use crate::error::MockError;
use crate::faults::FaultPlan;
use crate::handler;
use crate::keys::KeyMaterial;
use crate::running::{self, RunningMock};
use crate::shared::Shared;
use crate::weights::{Budget, WeightBook, WeightKind};
use crate::ws;
use binance_spec::ir::{Product, Transport};
use binance_spec::protocol::{LimitKind, RateLimitType};
use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::AtomicI64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Entry point: [`MockExchange::builder`].
#[derive(Debug, Clone, Copy)]
pub struct MockExchange;

impl MockExchange {
    /// A builder with no spec yet (give one with [`spec_dir`](MockExchangeBuilder::spec_dir),
    /// e.g. `binance_client::SPEC_DIR`, or [`products`](MockExchangeBuilder::products)), no
    /// keys, one-minute windows and the spec's limits.
    pub fn builder() -> MockExchangeBuilder {
        MockExchangeBuilder {
            spec_dir: None,
            products: None,
            port: 0,
            ws_port: 0,
            stream_port: 0,
            ws_limit: None,
            keys: HashMap::new(),
            key_errors: Vec::new(),
            window: Duration::from_secs(60),
            ban: None,
            limits: Vec::new(),
            extra_routes: Vec::new(),
            clock_skew_ms: 0,
            at_window_start: false,
        }
    }
}

/// Configuration of a mock exchange; [`start`](Self::start) runs it.
pub struct MockExchangeBuilder {
    spec_dir: Option<PathBuf>,
    products: Option<Vec<Product>>,
    port: u16,
    ws_port: u16,
    stream_port: u16,
    ws_limit: Option<u32>,
    keys: HashMap<String, KeyMaterial>,
    key_errors: Vec<MockError>,
    window: Duration,
    ban: Option<Duration>,
    limits: Vec<(String, WeightKind, u32)>,
    extra_routes: Vec<(String, String, Served)>,
    clock_skew_ms: i64,
    at_window_start: bool,
}

// Keys print as `api key: kind`, never their material.
impl fmt::Debug for MockExchangeBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockExchangeBuilder")
            .field("spec_dir", &self.spec_dir)
            .field("products", &self.products.as_ref().map(|p| p.iter().map(|p| p.module.clone()).collect::<Vec<_>>()))
            .field("port", &self.port)
            .field("ws_port", &self.ws_port)
            .field("stream_port", &self.stream_port)
            .field("ws_limit", &self.ws_limit)
            .field("keys", &self.keys)
            .field("window", &self.window)
            .field("ban", &self.ban)
            .field("limits", &self.limits)
            .field("extra_routes", &self.extra_routes.iter().map(|(m, p, _)| format!("{m} {p}")).collect::<Vec<_>>())
            .field("clock_skew_ms", &self.clock_skew_ms)
            .field("at_window_start", &self.at_window_start)
            .finish()
    }
}

impl MockExchangeBuilder {
    /// Reads the spec from `dir` (every `*.yaml` in it), e.g. `binance_client::SPEC_DIR`, the
    /// spec the client was generated from.
    pub fn spec_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.spec_dir = Some(dir.into());
        self
    }

    /// Serves these already validated products instead of reading a spec directory.
    pub fn products(mut self, products: Vec<Product>) -> Self {
        self.products = Some(products);
        self
    }

    /// Listens on this port of 127.0.0.1; 0 (the default) picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The WebSocket API listens on this port of 127.0.0.1; 0 (the default) picks a free one.
    pub fn ws_port(mut self, port: u16) -> Self {
        self.ws_port = port;
        self
    }

    /// The stream server (market and user-data streams) listens on this port of 127.0.0.1; 0
    /// (the default) picks a free one.
    pub fn stream_port(mut self, port: u16) -> Self {
        self.stream_port = port;
        self
    }

    /// Replaces the IP weight limit of the family the WebSocket API counts in (`fapi`; the
    /// budget is shared with REST, as on Binance).
    pub fn ws_weight_limit(mut self, limit: u32) -> Self {
        self.ws_limit = Some(limit);
        self
    }

    /// Accepts `api_key` with HMAC-SHA256 signatures made with `secret`.
    pub fn hmac_key(mut self, api_key: impl Into<String>, secret: impl AsRef<[u8]>) -> Self {
        self.keys.insert(api_key.into(), KeyMaterial::hmac(secret.as_ref()));
        self
    }

    /// Accepts `api_key` with Ed25519 signatures verified by `public_key`: a `BEGIN PUBLIC KEY`
    /// PEM text, its DER bytes, or the raw 32 bytes. A malformed key fails [`start`](Self::start).
    pub fn ed25519_key(self, api_key: impl Into<String>, public_key: impl AsRef<[u8]>) -> Self {
        let api_key = api_key.into();
        let key = KeyMaterial::ed25519(public_key.as_ref());
        self.with_key(api_key, key)
    }

    /// Accepts `api_key` with RSA (PKCS#1 v1.5, SHA-256) signatures verified by `public_key_pem`
    /// (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`). A malformed key fails [`start`](Self::start).
    pub fn rsa_key(self, api_key: impl Into<String>, public_key_pem: impl AsRef<str>) -> Self {
        let api_key = api_key.into();
        let key = KeyMaterial::rsa(public_key_pem.as_ref());
        self.with_key(api_key, key)
    }

    fn with_key(mut self, api_key: String, key: Result<KeyMaterial, String>) -> Self {
        match key {
            Ok(key) => {
                self.keys.insert(api_key, key);
            }
            Err(reason) => self.key_errors.push(MockError::InvalidKey { api_key, reason }),
        }
        self
    }

    /// The length of the mock's "minute": every rate-limit window is scaled by it (a 10-second
    /// limit lasts `window / 6`). Shorten it in tests; the default is 60 s.
    pub fn window(mut self, minute: Duration) -> Self {
        self.window = minute.max(Duration::from_millis(1));
        self
    }

    /// How long a 418 ban lasts (default: two windows, like Binance's first 2-minute ban).
    pub fn ban_duration(mut self, ban: Duration) -> Self {
        self.ban = Some(ban);
        self
    }

    /// Replaces the spec's weight limit of a host family (`"fapi"`, `"papi"`, `"sapi"`, ...:
    /// the first path segment) and kind; also limits a family the spec declares nothing for.
    pub fn limit_override(mut self, family: impl Into<String>, kind: WeightKind, limit: u32) -> Self {
        self.limits.push((family.into(), kind, limit));
        self
    }

    /// Serves `json` for `method path` with IP weight `weight` and no authentication, for
    /// endpoints that are not in the spec. A route of the spec with the same method and path is replaced.
    pub fn route_json(self, method: &str, path: &str, weight: u32, json: impl Into<String>) -> Self {
        self.extra_route(method, path, weight, Security::None, json.into())
    }

    /// Like [`route_json`](Self::route_json), but the route is signed (`USER_DATA`): API key,
    /// signature, timestamp and recvWindow are checked.
    pub fn signed_route_json(self, method: &str, path: &str, weight: u32, json: impl Into<String>) -> Self {
        self.extra_route(method, path, weight, Security::UserData, json.into())
    }

    fn extra_route(mut self, method: &str, path: &str, weight: u32, security: Security, json: String) -> Self {
        let method = method.to_ascii_uppercase();
        let served = Served {
            info: endpoints::simple_info("", "", &method, path, weight, security),
            family: endpoints::family_of(path),
            json_params: Vec::new(),
            answer: Answer::Examples(vec![json]),
        };
        self.extra_routes.push((method, path.to_owned(), served));
        self
    }

    /// Starts with the server clock this many milliseconds ahead (negative: behind) of the real one.
    pub fn clock_skew_ms(mut self, skew_ms: i64) -> Self {
        self.clock_skew_ms = skew_ms;
        self
    }

    /// Moves the server clock forward (on top of [`clock_skew_ms`](Self::clock_skew_ms)) so that
    /// it starts at the beginning of a minute window (of the mock's [`window`](Self::window)).
    /// Windows are aligned to the clock, as Binance's are; a test that counts weight or orders
    /// and must not straddle a window boundary starts the mock this way.
    pub fn clock_at_window_start(mut self) -> Self {
        self.at_window_start = true;
        self
    }

    /// Loads the spec, binds 127.0.0.1 (REST, WebSocket API and streams, one port each) and
    /// serves in background tasks of the current tokio runtime.
    pub async fn start(self) -> Result<RunningMock, MockError> {
        if let Some(error) = self.key_errors.into_iter().next() {
            return Err(error);
        }
        let products = match self.products {
            Some(products) => products,
            None => {
                let Some(dir) = self.spec_dir else { return Err(MockError::NoSpec) };
                binance_spec::Specs::new()
                    .dir(&dir)
                    .validate()
                    .map_err(|diagnostics| MockError::Spec { dir: dir.clone(), diagnostics })?
            }
        };
        let mut table = Table::from_products(&products)?;
        for (method, path, served) in self.extra_routes {
            if let Answer::Examples(examples) = &served.answer {
                if let Some(Err(e)) = examples.first().map(|json| serde_json::from_str::<serde_json::Value>(json)) {
                    let reason = format!("the body is not valid JSON ({e}); pass a JSON text");
                    return Err(MockError::InvalidRoute { method, path, reason });
                }
            }
            table.rest.insert((method, path), served);
        }
        let (mut weights, orders) = budgets(&products);
        for (family, kind, limit) in self.limits {
            weights.entry((family, kind)).or_default().limit = Some(limit);
        }
        if let Some(limit) = self.ws_limit {
            weights.entry((table.ws_family.clone(), WeightKind::Ip)).or_default().limit = Some(limit);
        }
        let minute_ms = i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX).max(1);
        let mut clock_skew_ms = self.clock_skew_ms;
        if self.at_window_start {
            let now = crate::shared::wall_ms().saturating_add(clock_skew_ms);
            clock_skew_ms = clock_skew_ms.saturating_add(minute_ms - now.rem_euclid(minute_ms));
        }
        let ban = self.ban.unwrap_or(self.window.saturating_mul(2));
        let ban_ms = i64::try_from(ban.as_millis()).unwrap_or(i64::MAX);
        let shared = Arc::new(Shared {
            table,
            keys: self.keys,
            weights: WeightBook::new(weights, orders, minute_ms, ban_ms),
            faults: FaultPlan::default(),
            stats: Mutex::default(),
            ws: ws::state::WsState::default(),
            streams: crate::streams::Hub::new(&products),
            clock_skew_ms: AtomicI64::new(clock_skew_ms),
            example_choice: Mutex::default(),
            log: Mutex::default(),
        });

        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, self.port)))
            .await
            .map_err(|source| MockError::Bind { port: self.port, source })?;
        let addr = listener.local_addr().map_err(|source| MockError::Bind { port: self.port, source })?;
        let app = axum::Router::new().fallback(handler::handle).with_state(Arc::clone(&shared));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server =
            axum::serve(ResettableListener(listener), app.into_make_service_with_connect_info::<ResetSwitch>())
                .with_graceful_shutdown(async move {
                    // A dropped sender stops the server too.
                    let _ = stopped.await;
                });
        let ws_listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, self.ws_port)))
            .await
            .map_err(|source| MockError::Bind { port: self.ws_port, source })?;
        let ws_addr = ws_listener.local_addr().map_err(|source| MockError::Bind { port: self.ws_port, source })?;
        let stream_listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, self.stream_port)))
            .await
            .map_err(|source| MockError::Bind { port: self.stream_port, source })?;
        let stream_addr =
            stream_listener.local_addr().map_err(|source| MockError::Bind { port: self.stream_port, source })?;
        let task = tokio::spawn(async move { server.await });
        let ws_task = tokio::spawn(ws::server::accept_loop(ws_listener, Arc::clone(&shared)));
        let stream_task = tokio::spawn(crate::streams::server::accept_loop(stream_listener, Arc::clone(&shared)));
        let addrs = running::Addrs { rest: addr, ws: ws_addr, streams: stream_addr };
        Ok(RunningMock::new(addrs, shared, stop, task, [ws_task, stream_task]))
    }
}

/// REQUEST_WEIGHT budgets by (family, kind).
type WeightBudgets = HashMap<(String, WeightKind), Budget>;
/// ORDERS budgets by family.
type OrderBudgets = HashMap<String, Vec<Budget>>;

/// Declared budgets: REQUEST_WEIGHT per (family, kind) and ORDERS per family, each product's
/// limits applying to the families of its REST paths. When several weight limits of one kind
/// are declared, the first is enforced.
fn budgets(products: &[Product]) -> (WeightBudgets, OrderBudgets) {
    let mut weights = HashMap::new();
    let mut orders: HashMap<String, Vec<Budget>> = HashMap::new();
    for product in products {
        let mut families: Vec<String> = product
            .endpoints
            .iter()
            .filter_map(|e| match &e.transport {
                Transport::Http { path, .. } => Some(endpoints::family_of(path)),
                Transport::Ws { .. } => None,
            })
            .chain(product.time_path.as_deref().map(endpoints::family_of))
            .collect();
        families.sort();
        families.dedup();
        for limit in &product.rate_limits {
            let budget =
                Budget { limit: Some(limit.limit), label: limit.window_label(), secs: limit.window().as_secs() };
            for family in &families {
                match (limit.limit_type, limit.kind) {
                    (RateLimitType::RequestWeight, LimitKind::Ip) => {
                        weights.entry((family.clone(), WeightKind::Ip)).or_insert_with(|| budget.clone());
                    }
                    (RateLimitType::RequestWeight, LimitKind::Uid) => {
                        weights.entry((family.clone(), WeightKind::Uid)).or_insert_with(|| budget.clone());
                    }
                    (RateLimitType::Orders, _) => {
                        let list = orders.entry(family.clone()).or_default();
                        if !list.iter().any(|b| b.label == budget.label) {
                            list.push(budget.clone());
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    (weights, orders)
}
