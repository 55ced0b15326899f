//! The REST client and its governor against a local server: bans, hostile headers, budgets
//! per path family, order counts, and 429s on orders. Waits are avoided (fail-fast policies,
//! `tokio::time::timeout` only as a guard against hangs); no timing is asserted.

mod support;

use binance_runtime::{
    ClientBuilder, Endpoint, Error, HttpMethod, Interval, LimitKind, OrderCount, ParamWriter, Product, RateLimit,
    RateLimitType, RatePolicy, RestClient, RestEndpoint, Security, Weight, WeightKind,
};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use support::api::{ok, Ping};
use support::{Reply, Server};

static LIMITS: [RateLimit; 3] = [
    RateLimit {
        limit_type: RateLimitType::RequestWeight,
        kind: LimitKind::Ip,
        interval: Interval::Minute,
        interval_num: 1,
        limit: 2400,
    },
    RateLimit {
        limit_type: RateLimitType::Orders,
        kind: LimitKind::Account,
        interval: Interval::Second,
        interval_num: 10,
        limit: 3,
    },
    RateLimit {
        limit_type: RateLimitType::Orders,
        kind: LimitKind::Account,
        interval: Interval::Minute,
        interval_num: 1,
        limit: 100,
    },
];

static PRODUCT: Product = Product {
    name: "test_spot",
    title: "Test spot",
    rest_url: None,
    rest_testnet_url: None,
    ws_api_url: None,
    ws_api_testnet_url: None,
    time_path: Some("/api/v3/time"),
    rate_limits: &LIMITS,
    error_codes: &[],
};

/// A public GET on `/api` (`SAPI == false`) or `/sapi`, weight 1.
struct Depth<const SAPI: bool>;
impl<const SAPI: bool> Endpoint for Depth<SAPI> {
    type Response = serde_json::Value;
    const NAME: &'static str = "Depth";
    const SECURITY: Security = Security::None;
    fn weight(&self) -> Weight {
        Weight::ip(1)
    }
    fn write_params<W: ParamWriter + ?Sized>(&self, _out: &mut W) {}
}
impl<const SAPI: bool> RestEndpoint for Depth<SAPI> {
    const METHOD: HttpMethod = HttpMethod::Get;
    const PATH: &'static str = if SAPI { "/sapi/v1/depth" } else { "/api/v3/depth" };
}

/// An order: weight 0, one order in each ORDERS window.
struct Order;
const ORDER_COUNTS: &[OrderCount] = &[
    OrderCount { interval: Interval::Second, interval_num: 10, value: 1 },
    OrderCount { interval: Interval::Minute, interval_num: 1, value: 1 },
];
impl Endpoint for Order {
    type Response = serde_json::Value;
    const NAME: &'static str = "Order";
    const SECURITY: Security = Security::None;
    fn weight(&self) -> Weight {
        Weight { kind: WeightKind::Ip, value: 0, orders: ORDER_COUNTS }
    }
    fn write_params<W: ParamWriter + ?Sized>(&self, out: &mut W) {
        out.str("symbol", "BTCUSDT");
    }
}
impl RestEndpoint for Order {
    const METHOD: HttpMethod = HttpMethod::Post;
    const PATH: &'static str = "/api/v3/order";
}

fn client(server: &Server, policy: RatePolicy) -> RestClient {
    ClientBuilder::new(&PRODUCT).base_url(&server.url).rate_policy(policy).build().unwrap()
}

fn now_ms() -> u64 {
    u64::try_from(SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis()).unwrap()
}

async fn guarded<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), f).await.expect("the call hung")
}

#[tokio::test]
async fn a_418_with_retry_after_zero_refuses_the_next_call_without_sending_it() {
    let server = Server::start(|_, seen| {
        if seen.is_empty() {
            Reply::json(418, r#"{"code":-1003,"msg":"banned"}"#).with_header("Retry-After", 0)
        } else {
            ok()
        }
    })
    .await;
    let c = client(&server, RatePolicy::Wait);
    assert!(matches!(guarded(c.execute(&Depth::<false>)).await, Err(Error::Banned { .. })));
    match guarded(c.execute(&Depth::<false>)).await {
        Err(Error::Banned { until, .. }) => assert!(until > SystemTime::now()),
        other => panic!("expected Banned, got {other:?}"),
    }
    assert_eq!(server.seen().len(), 1, "nothing is sent while the error says the host refuses");
}

#[tokio::test]
async fn a_418_without_retry_after_bans_until_the_time_in_its_message() {
    let end = now_ms() + 600_000;
    let server = Server::start(move |_, _| {
        Reply::json(
            418,
            &format!(r#"{{"code":-1003,"msg":"Way too much request weight used; IP banned until {end}."}}"#),
        )
    })
    .await;
    let c = client(&server, RatePolicy::FailFast);
    match guarded(c.execute(&Depth::<false>)).await {
        // The default (120 s) would end long before.
        Err(Error::Banned { until, .. }) => assert!(until > SystemTime::now() + Duration::from_secs(500), "{until:?}"),
        other => panic!("expected Banned, got {other:?}"),
    }
}

#[tokio::test]
async fn a_hostile_retry_after_does_not_stall_a_waiting_client() {
    let server = Server::start(|_, _| {
        Reply::json(429, r#"{"code":-1003,"msg":"Too many requests"}"#).with_header("Retry-After", 1_000_000_000_000u64)
    })
    .await;
    let c = client(&server, RatePolicy::Wait);
    c.governor().set_max_wait(Duration::from_secs(1));
    assert!(matches!(guarded(c.execute(&Depth::<false>)).await, Err(Error::RateLimited { .. })));
    match guarded(c.execute(&Depth::<false>)).await {
        Err(Error::RateLimited { retry_after, .. }) => assert!(retry_after > Duration::from_secs(3600)),
        other => panic!("expected RateLimited at once, got {other:?}"),
    }
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn out_of_range_usage_headers_count_as_the_limit_and_no_more() {
    for value in ["4294967295", "99999999999999999999"] {
        let server = Server::start(move |_, _| ok().with_header("X-MBX-USED-WEIGHT-1M", value)).await;
        let c = client(&server, RatePolicy::FailFast);
        guarded(c.execute(&Depth::<false>)).await.unwrap();
        let usage = c.usage();
        let weight = usage.iter().find(|u| u.limit_type == RateLimitType::RequestWeight).unwrap();
        assert_eq!((weight.used, weight.limit), (2400, 2400), "{value}");
        assert!(matches!(guarded(c.execute(&Depth::<false>)).await, Err(Error::RateLimited { .. })), "{value}");
    }
}

#[tokio::test]
async fn api_and_sapi_are_separate_budgets_on_one_host() {
    let server = Server::start(|seen, _| {
        if seen.path.starts_with("/api/") {
            ok().with_header("X-MBX-USED-WEIGHT-1M", 2400)
        } else {
            ok().with_header("X-SAPI-USED-IP-WEIGHT-1M", 1)
        }
    })
    .await;
    let c = client(&server, RatePolicy::FailFast);
    guarded(c.execute(&Depth::<false>)).await.unwrap();
    assert!(matches!(guarded(c.execute(&Depth::<false>)).await, Err(Error::RateLimited { .. })), "/api is used up");
    guarded(c.execute(&Depth::<true>)).await.unwrap();
    guarded(c.execute(&Depth::<true>)).await.unwrap();
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn order_counts_are_enforced_even_at_weight_zero() {
    let server = Server::start(|_, _| ok()).await;
    let c = client(&server, RatePolicy::FailFast);
    for _ in 0..3 {
        guarded(c.execute(&Order)).await.unwrap();
    }
    assert!(matches!(guarded(c.execute(&Order)).await, Err(Error::RateLimited { .. })));
    guarded(c.execute(&Ping)).await.unwrap_or_else(|e| panic!("market data is not held up by orders: {e}"));
    assert_eq!(server.seen().len(), 4, "three orders and the ping");
}

#[tokio::test]
async fn a_429_on_an_order_pauses_order_placement_but_not_market_data() {
    let server = Server::start(|seen, _| {
        if seen.path == "/api/v3/order" {
            Reply::json(
                429,
                r#"{"code":-1015,"msg":"Too many new orders; current limit is 3 orders per TEN_SECONDS."}"#,
            )
            .with_header("Retry-After", 30)
        } else {
            ok()
        }
    })
    .await;
    let c = client(&server, RatePolicy::FailFast);
    assert!(matches!(guarded(c.execute(&Order)).await, Err(Error::RateLimited { .. })));
    assert!(matches!(guarded(c.execute(&Order)).await, Err(Error::RateLimited { .. })), "orders are paused");
    guarded(c.execute(&Depth::<false>)).await.unwrap();
    assert_eq!(server.seen().len(), 2, "the paused order was not sent; market data was");
}

#[tokio::test]
async fn a_429_under_wait_waits_out_the_pause_and_sends_again() {
    let server = Server::start(|_, seen| {
        if seen.is_empty() {
            Reply::json(429, r#"{"code":-1003,"msg":"Too many requests"}"#).with_header("Retry-After", 1)
        } else {
            ok()
        }
    })
    .await;
    let c = ClientBuilder::new(&PRODUCT)
        .base_url(&server.url)
        .retry_policy(support::api::fast_retries())
        .rate_policy(RatePolicy::Wait)
        .build()
        .unwrap();
    guarded(c.execute(&Order)).await.unwrap();
    assert_eq!(server.seen().len(), 2, "rejected once, sent again after the pause");
}

#[tokio::test]
async fn a_ban_time_in_a_418_message_is_read_on_the_synced_server_clock() {
    // The local clock is 5 minutes fast; the server bans for 2 minutes of its own time.
    let server_now = now_ms() - 300_000;
    let end = server_now + 120_000;
    let server =
        Server::start(move |_, _| Reply::json(418, &format!(r#"{{"code":-1003,"msg":"IP banned until {end}."}}"#)))
            .await;
    let c = client(&server, RatePolicy::FailFast);
    c.set_time_offset_ms(-300_000);
    match guarded(c.execute(&Depth::<false>)).await {
        // Read on the local clock, the ban would already be over (the minimum ban of 5 s).
        Err(Error::Banned { until, .. }) => assert!(until > SystemTime::now() + Duration::from_secs(100), "{until:?}"),
        other => panic!("expected Banned, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_burst_of_three_times_the_ten_second_limit_gets_no_429() {
    // Windows scaled so that a minute lasts 600 ms (10 s: 100 ms). The server counts orders in
    // fixed 100 ms windows from its start and answers 429 beyond 3 per window.
    const TEN_SECONDS: Duration = Duration::from_millis(100);
    let start = std::time::Instant::now();
    let server = Server::start(move |request, seen| {
        let window = |at: std::time::Instant| at.duration_since(start).as_millis() / TEN_SECONDS.as_millis();
        let this = window(request.at);
        let earlier = seen.iter().filter(|s| s.path == "/api/v3/order" && window(s.at) == this).count();
        if earlier >= 3 {
            Reply::json(429, r#"{"code":-1015,"msg":"Too many new orders."}"#)
        } else {
            ok()
        }
    })
    .await;
    let c = ClientBuilder::new(&PRODUCT)
        .base_url(&server.url)
        .rate_policy(RatePolicy::Wait)
        .rate_limit_window_override(Duration::from_millis(600))
        .build()
        .unwrap();
    let orders: Vec<_> = (0..9)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.execute(&Order).await.map(drop) })
        })
        .collect();
    for order in orders {
        guarded(order).await.unwrap().unwrap();
    }
    assert_eq!(server.seen().len(), 9, "every order sent once: no 429, no resend");
}
