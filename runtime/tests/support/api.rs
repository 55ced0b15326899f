//! The product, endpoints and client settings the executor tests share.

use super::{Reply, Server};
use binance_runtime::{
    ClientBuilder, Credentials, Endpoint, HttpMethod, Interval, LimitKind, ParamWriter, Product, RateLimit,
    RateLimitType, RestClient, RestEndpoint, RetryPolicy, Security, Weight, WeightKind,
};
use std::time::Duration;

pub static LIMITS: [RateLimit; 1] = [RateLimit {
    limit_type: RateLimitType::RequestWeight,
    kind: LimitKind::Ip,
    interval: Interval::Minute,
    interval_num: 1,
    limit: 2400,
}];

pub static PRODUCT: Product = Product {
    name: "test_futures",
    title: "Test futures",
    rest_url: None,
    rest_testnet_url: None,
    ws_api_url: None,
    ws_api_testnet_url: None,
    time_path: Some("/fapi/v1/time"),
    rate_limits: &LIMITS,
    error_codes: &[],
};

pub const KEY: &str = "test-api-key";
pub const SECRET: &str = "test-secret";
pub const ACCOUNT: &str = "/fapi/v3/account";
pub const ORDER: &str = "/fapi/v1/order";

/// A signed GET with an optional `recvWindow` override.
#[derive(Debug, Default)]
pub struct Account {
    pub recv_window: Option<u64>,
}
impl Endpoint for Account {
    type Response = serde_json::Value;
    const NAME: &'static str = "Account";
    const SECURITY: Security = Security::UserData;
    fn weight(&self) -> Weight {
        Weight { kind: WeightKind::Ip, value: 5, orders: &[] }
    }
    fn recv_window(&self) -> Option<u64> {
        self.recv_window
    }
    fn write_params<W: ParamWriter + ?Sized>(&self, _out: &mut W) {}
}
impl RestEndpoint for Account {
    const METHOD: HttpMethod = HttpMethod::Get;
    const PATH: &'static str = ACCOUNT;
}

/// A public GET of weight 1.
#[derive(Debug, Default)]
pub struct Ping;
impl Endpoint for Ping {
    type Response = serde_json::Value;
    const NAME: &'static str = "Ping";
    const SECURITY: Security = Security::None;
    fn weight(&self) -> Weight {
        Weight { kind: WeightKind::Ip, value: 1, orders: &[] }
    }
    fn write_params<W: ParamWriter + ?Sized>(&self, _out: &mut W) {}
}
impl RestEndpoint for Ping {
    const METHOD: HttpMethod = HttpMethod::Get;
    const PATH: &'static str = "/fapi/v1/ping";
}

/// A signed POST: an order, whose outcome matters.
#[derive(Debug, Default)]
pub struct NewOrder;
impl Endpoint for NewOrder {
    type Response = serde_json::Value;
    const NAME: &'static str = "NewOrder";
    const SECURITY: Security = Security::Trade;
    fn weight(&self) -> Weight {
        Weight { kind: WeightKind::Ip, value: 1, orders: &[] }
    }
    fn write_params<W: ParamWriter + ?Sized>(&self, out: &mut W) {
        out.str("symbol", "BTCUSDT");
    }
}
impl RestEndpoint for NewOrder {
    const METHOD: HttpMethod = HttpMethod::Post;
    const PATH: &'static str = ORDER;
}

pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_total: Duration::from_secs(5),
    }
}

pub fn builder(server: &Server) -> ClientBuilder {
    ClientBuilder::new(&PRODUCT)
        .base_url(&server.url)
        .credentials(Credentials::hmac(KEY, SECRET).unwrap())
        .retry_policy(fast_retries())
}

pub fn client(server: &Server) -> RestClient {
    builder(server).build().unwrap()
}

pub fn ok() -> Reply {
    Reply::json(200, r#"{"ok":true}"#)
}

pub fn paths(server: &Server) -> Vec<String> {
    server.seen().iter().map(|s| format!("{} {}", s.method, s.path)).collect()
}

pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8().unwrap().to_string()
}

/// Requests one `sync_time` sends: a warm-up and three samples.
pub const TIME_REQUESTS_PER_SYNC: usize = 4;

/// Local wall-clock time in Unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

/// The test credentials.
pub fn credentials() -> Credentials {
    Credentials::hmac(KEY, SECRET).unwrap()
}
