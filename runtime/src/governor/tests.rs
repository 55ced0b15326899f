use super::*;
use crate::endpoint::OrderCount;

const MINUTE: Duration = Duration::from_secs(60);
const SECOND: Duration = Duration::from_secs(1);

fn weight_limit(kind: LimitKind, limit: u32) -> RateLimit {
    RateLimit { limit_type: RateLimitType::RequestWeight, kind, interval: Interval::Minute, interval_num: 1, limit }
}

fn order_limit(interval: Interval, interval_num: u32, limit: u32) -> RateLimit {
    RateLimit { limit_type: RateLimitType::Orders, kind: LimitKind::Account, interval, interval_num, limit }
}

/// An IP weight budget plus the USDⓈ-M futures order limits (300 per 10 s, 1200 per minute).
fn limits(ip: u32) -> Vec<RateLimit> {
    vec![
        weight_limit(LimitKind::Ip, ip),
        order_limit(Interval::Second, 10, 300),
        order_limit(Interval::Minute, 1, 1200),
    ]
}

fn ip(value: u32) -> Weight {
    Weight::ip(value)
}

/// One order in each of the futures order windows, plus `value` IP weight.
fn order(value: u32) -> Weight {
    const ORDERS: &[OrderCount] = &[
        OrderCount { interval: Interval::Second, interval_num: 10, value: 1 },
        OrderCount { interval: Interval::Minute, interval_num: 1, value: 1 },
    ];
    Weight { kind: WeightKind::Ip, value, orders: ORDERS }
}

fn used(g: &Governor, limit_type: RateLimitType) -> u32 {
    g.usage().iter().filter(|u| u.limit_type == limit_type && u.interval_num == 1).map(|u| u.used).sum()
}

fn weight_used(g: &Governor) -> u32 {
    used(g, RateLimitType::RequestWeight)
}

fn is_rate_limited<T: fmt::Debug>(r: &Result<T>) -> bool {
    matches!(r, Err(Error::RateLimited { .. }))
}

#[tokio::test(start_paused = true)]
async fn raw_request_limits_are_not_budgets_and_uid_weight_without_a_uid_budget_books_nothing() {
    let mut l = limits(10);
    l.push(RateLimit { limit_type: RateLimitType::RawRequests, ..weight_limit(LimitKind::Ip, 1) });
    let g = Governor::new("h", &l, None);
    drop(g.reserve("e", Weight { kind: WeightKind::Uid, value: 50, orders: &[] }, RatePolicy::FailFast).await.unwrap());
    let usage = g.usage();
    assert_eq!(usage.len(), 3, "{usage:?}");
    assert!(usage.iter().all(|u| u.used == 0));
}

#[tokio::test(start_paused = true)]
async fn concurrent_reservations_never_exceed_the_budget() {
    // 3x the budget from 30 concurrent tasks; record the peak weight counted in any window.
    let g = Governor::new("h", &limits(100), Some(SECOND));
    let sent = Arc::new(Mutex::new(Vec::<(Instant, u32)>::new()));
    let mut tasks = Vec::new();
    for i in 0..30u32 {
        let (g, sent) = (g.clone(), sent.clone());
        tasks.push(tokio::spawn(async move {
            for _ in 0..3 {
                let w = 3 + i % 4;
                let r = g.reserve("e", ip(w), RatePolicy::Wait).await.unwrap();
                sent.lock().unwrap().push((Instant::now(), w));
                assert!(weight_used(&g) <= 100);
                tokio::time::sleep(Duration::from_millis(10)).await; // the request in flight
                drop(r);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let sent = sent.lock().unwrap();
    let total: u32 = sent.iter().map(|(_, w)| w).sum();
    assert!(total > 300, "the test must offer more than three budgets, offered {total}");
    for (start, _) in sent.iter() {
        let in_window: u32 = sent.iter().filter(|(t, _)| *t >= *start && *t < *start + SECOND).map(|(_, w)| w).sum();
        assert!(in_window <= 100, "{in_window} weight sent within one window");
    }
}

#[tokio::test(start_paused = true)]
async fn fail_fast_says_when_the_budget_frees() {
    let g = Governor::new("h", &limits(10), None);
    let first = g.reserve("e", ip(8), RatePolicy::FailFast).await.unwrap();
    tokio::time::advance(Duration::from_secs(5)).await;
    drop(first); // response arrived: the weight counts one window from now
    match g.reserve("e", ip(5), RatePolicy::FailFast).await {
        Err(Error::RateLimited { retry_after, host }) => {
            assert_eq!(host, "h");
            assert_eq!(retry_after, MINUTE);
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    drop(g.reserve("e", ip(2), RatePolicy::FailFast).await.unwrap());
    assert_eq!(weight_used(&g), 10);
}

#[tokio::test(start_paused = true)]
async fn wait_sleeps_until_the_budget_frees() {
    let g = Governor::new("h", &limits(10), None);
    drop(g.reserve("e", ip(10), RatePolicy::Wait).await.unwrap());
    let start = Instant::now();
    drop(g.reserve("e", ip(1), RatePolicy::Wait).await.unwrap());
    assert_eq!(Instant::now() - start, MINUTE);
    assert_eq!(weight_used(&g), 1);
}

#[tokio::test(start_paused = true)]
async fn in_flight_weight_does_not_expire() {
    let g = Governor::new("h", &limits(10), None);
    let in_flight = g.reserve("e", ip(10), RatePolicy::Wait).await.unwrap();
    tokio::time::advance(MINUTE * 3).await;
    assert!(is_rate_limited(&g.reserve("e", ip(1), RatePolicy::FailFast).await));
    drop(in_flight);
    tokio::time::advance(MINUTE).await;
    drop(g.reserve("e", ip(1), RatePolicy::FailFast).await.unwrap());
}

#[tokio::test(start_paused = true)]
async fn each_weight_expires_one_window_after_its_own_release_whatever_the_order() {
    let g = Governor::new("h", &limits(100), None);
    let (first, second) = (
        g.reserve("e", ip(3), RatePolicy::Wait).await.unwrap(),
        g.reserve("e", ip(4), RatePolicy::Wait).await.unwrap(),
    );
    drop(second);
    tokio::time::advance(Duration::from_secs(10)).await;
    drop(first);
    drop(g.reserve("e", ip(0), RatePolicy::Wait).await.unwrap()); // weight 0 books nothing
    assert_eq!(weight_used(&g), 7);
    tokio::time::advance(MINUTE - Duration::from_secs(10)).await;
    assert_eq!(weight_used(&g), 3, "the weight released first expired first");
    tokio::time::advance(Duration::from_secs(10)).await;
    assert_eq!(weight_used(&g), 0);
}

#[tokio::test(start_paused = true)]
async fn header_counts_raise_usage_never_lower_it_and_expire_at_the_servers_window_end() {
    let g = Governor::new("h", &limits(100), None);
    // 12:00:45 on the server clock: its minute window ends in 15 s.
    g.set_server_time_ms(1_700_000_025_000);
    // Settled before its headers are read, as the clients do: the server's 42 includes it.
    drop(g.reserve("e", ip(5), RatePolicy::Wait).await.unwrap());
    g.observe_headers([("X-MBX-USED-WEIGHT-1M", "42"), ("Content-Type", "application/json")]);
    assert_eq!(weight_used(&g), 42);
    g.observe_headers([("x-mbx-used-weight-1m", "7")]);
    assert_eq!(weight_used(&g), 42);
    // A header for a window the product does not declare changes nothing.
    g.observe_headers([("x-mbx-used-weight-1h", "99")]);
    assert_eq!(weight_used(&g), 42);
    assert!(is_rate_limited(&g.reserve("e", ip(60), RatePolicy::FailFast).await));
    // The server's window rolls at :00, not one minute after the header arrived.
    tokio::time::advance(Duration::from_secs(15)).await;
    assert_eq!(weight_used(&g), 5, "only this client's own weight is left");
    drop(g.reserve("e", ip(60), RatePolicy::FailFast).await.unwrap());
}

#[tokio::test(start_paused = true)]
async fn out_of_range_usage_headers_book_the_limit_until_the_window_ends_and_no_more() {
    for value in ["4294967295", "99999999999999999999", "100000"] {
        let g = Governor::new("h", &limits(100), None);
        g.set_server_time_ms(1_700_000_010_000); // :30 on the server clock: 30 s left in its minute
        g.observe_headers_at("/fapi/v1/order", [("X-MBX-USED-WEIGHT-1M", value)]);
        assert_eq!(weight_used(&g), 100, "{value}: clamped to the limit");
        match g.reserve_at("/fapi/v1/order", "e", ip(1), RatePolicy::FailFast).await {
            Err(Error::RateLimited { retry_after, .. }) => assert_eq!(retry_after, Duration::from_secs(30), "{value}"),
            other => panic!("{value}: expected RateLimited, got {other:?}"),
        }
        let start = Instant::now();
        drop(g.reserve_at("/fapi/v1/order", "e", ip(1), RatePolicy::Wait).await.unwrap());
        assert_eq!(Instant::now() - start, Duration::from_secs(30), "{value}");
    }
}

#[tokio::test(start_paused = true)]
async fn websocket_rate_limits_count_like_headers() {
    let g = Governor::new("h", &limits(100), None);
    let entry = |kind: &str, interval: &str, interval_num, count| crate::ws::RateLimitUsage {
        rate_limit_type: kind.into(),
        interval: interval.into(),
        interval_num,
        limit: 100,
        count,
    };
    g.observe_ws_usage(&[entry("REQUEST_WEIGHT", "HOUR", 1, 80), entry("RAW_REQUESTS", "MINUTE", 1, 80)]);
    assert_eq!(weight_used(&g), 0);
    g.observe_ws_usage(&[entry("REQUEST_WEIGHT", "MINUTE", 1, 30), entry("ORDERS", "SECOND", 10, 7)]);
    assert_eq!(weight_used(&g), 30);
    let tens = g.usage().into_iter().find(|u| u.interval == Interval::Second).unwrap();
    assert_eq!(tens.used, 7);
}

#[tokio::test(start_paused = true)]
async fn order_counts_are_enforced_in_the_orders_budgets_even_at_weight_zero() {
    let g = Governor::new("h", &limits(10), None);
    for _ in 0..300 {
        drop(g.reserve_at("/fapi/v1/order", "new_order", order(0), RatePolicy::FailFast).await.unwrap());
    }
    match g.reserve_at("/fapi/v1/order", "new_order", order(0), RatePolicy::FailFast).await {
        Err(Error::RateLimited { retry_after, .. }) => assert_eq!(retry_after, Duration::from_secs(10)),
        other => panic!("the 301st order in 10 s must wait, got {other:?}"),
    }
    // Requests that place no order are not held up by the orders budget.
    drop(g.reserve_at("/fapi/v1/depth", "depth", ip(5), RatePolicy::FailFast).await.unwrap());
    // Over several 10 s windows the one-minute limit of 1200 binds too.
    let start = Instant::now();
    for _ in 0..900 {
        drop(g.reserve_at("/fapi/v1/order", "new_order", order(0), RatePolicy::Wait).await.unwrap());
    }
    assert_eq!(Instant::now() - start, Duration::from_secs(30), "three more 10 s windows of 300");
    assert!(is_rate_limited(&g.reserve_at("/fapi/v1/order", "o", order(0), RatePolicy::FailFast).await));
    let usage = g.usage();
    let minute =
        usage.iter().find(|u| u.limit_type == RateLimitType::Orders && u.interval == Interval::Minute).unwrap();
    assert_eq!(minute.used, 1200);
}

#[tokio::test(start_paused = true)]
async fn order_count_headers_are_reconciled_upwards_only() {
    let g = Governor::new("h", &limits(10), None);
    g.set_server_time_ms(1_700_000_000_000); // :20 of a minute, :00 of a 10 s window
    drop(g.reserve_at("/fapi/v1/order", "o", order(0), RatePolicy::FailFast).await.unwrap());
    g.observe_headers_at("/fapi/v1/order", [("X-MBX-ORDER-COUNT-10S", "300"), ("X-MBX-ORDER-COUNT-1M", "0")]);
    assert!(is_rate_limited(&g.reserve_at("/fapi/v1/order", "o", order(0), RatePolicy::FailFast).await));
    let minute = g.usage().into_iter().find(|u| u.limit_type == RateLimitType::Orders && u.interval_num == 1).unwrap();
    assert_eq!(minute.used, 1, "a lower server count does not lower the local one");
    tokio::time::advance(Duration::from_secs(10)).await;
    drop(g.reserve_at("/fapi/v1/order", "o", order(0), RatePolicy::FailFast).await.unwrap());
}

#[tokio::test(start_paused = true)]
async fn a_429_on_an_order_pauses_order_placement_but_not_market_data() {
    let g = Governor::new("h", &limits(100), None);
    let body = r#"{"code":-1015,"msg":"Too many new orders; current limit is 300 orders per TEN_SECONDS."}"#;
    match g.rate_limited("/fapi/v1/order", order(1), Some(Duration::from_secs(7)), body) {
        Error::RateLimited { retry_after, .. } => assert_eq!(retry_after, Duration::from_secs(7)),
        other => panic!("expected RateLimited, got {other:?}"),
    }
    drop(g.reserve_at("/fapi/v1/depth", "depth", ip(5), RatePolicy::FailFast).await.unwrap());
    assert!(is_rate_limited(&g.reserve_at("/fapi/v1/order", "o", order(1), RatePolicy::FailFast).await));
    let start = Instant::now();
    drop(g.reserve_at("/fapi/v1/order", "o", order(1), RatePolicy::Wait).await.unwrap());
    assert_eq!(Instant::now() - start, Duration::from_secs(7), "a 429 under Wait waits, then sends");
    // A 429 on weight (-1003) pauses the whole family, orders included.
    let _ = g.rate_limited("/fapi/v1/order", order(1), Some(Duration::from_secs(3)), r#"{"code":-1003,"msg":"x"}"#);
    assert!(is_rate_limited(&g.reserve_at("/fapi/v1/depth", "depth", ip(5), RatePolicy::FailFast).await));
}

#[tokio::test(start_paused = true)]
async fn a_429_on_an_order_that_says_request_weight_pauses_the_family_even_with_the_order_count_at_its_limit() {
    // -1003 is the weight limit (of the IP), -1015 the order limit: the code says which limit
    // was broken. An order count at its limit does not make a -1003 an order-limit 429.
    let g = Governor::new("h", &limits(100), None);
    g.observe_headers_at("/fapi/v1/order", [("X-MBX-ORDER-COUNT-10S", "300")]);
    let body = r#"{"code":-1003,"msg":"Too many requests; current limit of IP is 2400 requests per minute."}"#;
    let _ = g.rate_limited("/fapi/v1/order", order(1), Some(Duration::from_secs(3)), body);
    assert!(is_rate_limited(&g.reserve_at("/fapi/v1/depth", "depth", ip(5), RatePolicy::FailFast).await));
}

#[tokio::test(start_paused = true)]
async fn an_order_count_header_at_its_limit_makes_a_429_on_an_order_pause_only_orders() {
    let g = Governor::new("h", &limits(100), None);
    g.observe_headers_at("/fapi/v1/order", [("X-MBX-ORDER-COUNT-10S", "300")]);
    let _ = g.rate_limited("/fapi/v1/order", order(1), None, "");
    drop(g.reserve_at("/fapi/v1/depth", "depth", ip(5), RatePolicy::FailFast).await.unwrap());
    // Without Retry-After the pause is the longest orders window.
    match g.reserve_at("/fapi/v1/order", "o", order(1), RatePolicy::FailFast).await {
        Err(Error::RateLimited { retry_after, .. }) => assert_eq!(retry_after, MINUTE),
        other => panic!("expected RateLimited, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn families_on_one_host_have_their_own_budgets() {
    let g = Governor::new("api.binance.com", &limits(10), None);
    drop(g.reserve_at("/api/v3/account", "a", ip(10), RatePolicy::FailFast).await.unwrap());
    assert!(is_rate_limited(&g.reserve_at("/api/v3/depth", "a", ip(1), RatePolicy::FailFast).await));
    drop(g.reserve_at("/sapi/v1/capital/config", "s", ip(10), RatePolicy::FailFast).await.unwrap());
    // Headers count in the family of the request they answer.
    g.observe_headers_at("/papi/v1/account", [("X-MBX-USED-WEIGHT-1M", "10")]);
    assert!(is_rate_limited(&g.reserve_at("/papi/v1/balance", "p", ip(1), RatePolicy::FailFast).await));
    drop(g.reserve_at("/fapi/v1/balance", "f", ip(1), RatePolicy::FailFast).await.unwrap());
    let families: Vec<String> = g.usage().into_iter().filter(|u| u.used > 0).map(|u| u.family).collect();
    assert_eq!(families, ["api", "sapi", "papi", "fapi"]);
}

#[tokio::test(start_paused = true)]
async fn a_heavy_waiter_is_not_starved_by_a_stream_of_light_requests() {
    let g = Governor::new("h", &limits(40), None);
    drop(g.reserve("e", ip(39), RatePolicy::Wait).await.unwrap());
    tokio::time::advance(Duration::from_secs(30)).await;
    drop(g.reserve("e", ip(1), RatePolicy::Wait).await.unwrap()); // the budget is full
    let heavy = {
        let g = g.clone();
        tokio::spawn(async move {
            let r = g.reserve("heavy", ip(40), RatePolicy::Wait).await;
            (Instant::now(), r.map(drop))
        })
    };
    tokio::task::yield_now().await;
    // Light requests keep arriving; each would fit as soon as a little weight frees.
    let start = Instant::now();
    let mut light_served = Vec::new();
    for _ in 0..6 {
        let g = g.clone();
        light_served.push(tokio::spawn(async move {
            let r = g.reserve("light", ip(1), RatePolicy::Wait).await;
            (Instant::now(), r.map(drop))
        }));
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
    let (heavy_at, heavy_result) = heavy.await.unwrap();
    heavy_result.unwrap();
    assert_eq!(heavy_at - start, Duration::from_secs(60), "the weight-40 request goes once the whole budget is free");
    for light in light_served {
        let (at, result) = light.await.unwrap();
        assert!(result.is_err() || at >= heavy_at, "a later light request went before the heavy one");
    }
}

#[tokio::test(start_paused = true)]
async fn a_waiter_wakes_when_weight_settles_and_fails_at_once_when_a_ban_starts() {
    let g = Governor::new("h", &limits(10), None).with_max_wait(Duration::from_secs(600));
    let in_flight = g.reserve("e", ip(10), RatePolicy::Wait).await.unwrap();
    let waiter = {
        let g = g.clone();
        tokio::spawn(async move { (g.reserve("e", ip(1), RatePolicy::Wait).await.map(drop), Instant::now()) })
    };
    tokio::time::sleep(Duration::from_secs(20)).await;
    drop(in_flight); // answered after 20 s: the weight frees one window later, at 80 s
    tokio::time::sleep(Duration::from_secs(10)).await;
    let banned_at = Instant::now();
    let _ = g.banned(Some(Duration::from_secs(600)), "");
    let (result, at) = waiter.await.unwrap();
    assert!(matches!(result, Err(Error::Banned { .. })), "{result:?}");
    assert_eq!(at, banned_at, "the waiter failed when the ban started, not when its timer fired");
}

#[tokio::test(start_paused = true)]
async fn no_wait_is_longer_than_the_maximum() {
    let g = Governor::new("h", &limits(100), None).with_max_wait(Duration::from_secs(30));
    // A hostile Retry-After of 10^12 seconds: the pause is bounded, and Wait does not wait it.
    let _ = g.rate_limited("/fapi/v1/depth", ip(1), Some(Duration::from_secs(1_000_000_000_000)), "");
    match g.reserve_at("/fapi/v1/depth", "e", ip(1), RatePolicy::Wait).await {
        Err(Error::RateLimited { retry_after, .. }) => assert_eq!(retry_after, MAX_WAIT),
        other => panic!("expected RateLimited at once, got {other:?}"),
    }
    assert_eq!(g.pause(Some(Duration::from_secs(u64::MAX))), MAX_WAIT);
    assert!(g.ban(Some(Duration::MAX)) > SystemTime::now());
}

#[tokio::test(start_paused = true)]
async fn a_429_pauses_the_host_until_retry_after() {
    let g = Governor::new("h", &limits(100), None);
    assert_eq!(g.pause(Some(Duration::from_secs(7))), Duration::from_secs(7));
    match g.reserve("e", ip(1), RatePolicy::FailFast).await {
        Err(Error::RateLimited { retry_after, .. }) => assert_eq!(retry_after, Duration::from_secs(7)),
        other => panic!("expected RateLimited, got {other:?}"),
    }
    let start = Instant::now();
    drop(g.reserve("e", ip(1), RatePolicy::Wait).await.unwrap());
    assert_eq!(Instant::now() - start, Duration::from_secs(7));
    assert_eq!(g.pause(None), MINUTE);
}

#[tokio::test(start_paused = true)]
async fn a_418_bans_every_request_until_it_ends_whatever_the_policy() {
    let g = Governor::new("h", &limits(100), None);
    let until = g.ban(None);
    assert!(g.banned_until().is_some());
    for policy in [RatePolicy::Wait, RatePolicy::FailFast] {
        match g.reserve("e", ip(1), policy).await {
            Err(Error::Banned { until: u, host }) => {
                assert_eq!(host, "h");
                let diff = u.duration_since(until).unwrap_or_else(|e| e.duration());
                assert!(diff < SECOND, "ban end moved by {diff:?}");
            }
            other => panic!("expected Banned, got {other:?}"),
        }
    }
    tokio::time::advance(DEFAULT_BAN).await;
    assert!(g.banned_until().is_none());
    drop(g.reserve("e", ip(1), RatePolicy::FailFast).await.unwrap());
}

#[tokio::test(start_paused = true)]
async fn a_418_with_retry_after_zero_still_refuses_the_next_call() {
    let g = Governor::new("h", &limits(100), None);
    assert!(matches!(g.banned(Some(Duration::ZERO), ""), Error::Banned { .. }));
    assert!(matches!(g.reserve("e", ip(1), RatePolicy::Wait).await, Err(Error::Banned { .. })));
    tokio::time::advance(DEFAULT_BAN - SECOND).await;
    assert!(matches!(g.reserve("e", ip(1), RatePolicy::Wait).await, Err(Error::Banned { .. })));
}

#[tokio::test(start_paused = true)]
async fn a_418_without_retry_after_bans_until_the_server_time_in_its_message() {
    let g = Governor::new("h", &limits(100), None);
    // The local clock is 5 minutes fast: the server reads 1_700_000_000_000 now.
    g.set_server_time_ms(1_700_000_000_000);
    let body = r#"{"code":-1003,"msg":"Way too much request weight used; IP banned until 1700000600000. Please use WebSocket Streams."}"#;
    let _ = g.banned(None, body);
    tokio::time::advance(Duration::from_secs(599)).await;
    assert!(matches!(g.reserve("e", ip(1), RatePolicy::FailFast).await, Err(Error::Banned { .. })));
    tokio::time::advance(SECOND).await;
    drop(g.reserve("e", ip(1), RatePolicy::FailFast).await.unwrap());
    // A ban time already past on the server clock still bans for the minimum.
    let _ = g.banned(None, r#"{"code":-1003,"msg":"IP banned until 1."}"#);
    assert!(matches!(g.reserve("e", ip(1), RatePolicy::FailFast).await, Err(Error::Banned { .. })));
    tokio::time::advance(MIN_BAN).await;
    drop(g.reserve("e", ip(1), RatePolicy::FailFast).await.unwrap());
}

#[tokio::test(start_paused = true)]
async fn a_weight_or_order_count_above_the_whole_budget_is_an_invalid_request() {
    let g = Governor::new("h", &limits(10), None);
    assert!(matches!(g.reserve("e", ip(11), RatePolicy::Wait).await, Err(Error::InvalidRequest { .. })));
    const BATCH: &[OrderCount] = &[OrderCount { interval: Interval::Second, interval_num: 10, value: 301 }];
    let batch = Weight { kind: WeightKind::Ip, value: 1, orders: BATCH };
    assert!(matches!(g.reserve("e", batch, RatePolicy::Wait).await, Err(Error::InvalidRequest { .. })));
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_waiter_leaves_the_queue() {
    let g = Governor::new("h", &limits(10), None);
    drop(g.reserve("e", ip(10), RatePolicy::Wait).await.unwrap());
    let gone = tokio::time::timeout(SECOND, g.reserve("e", ip(5), RatePolicy::Wait)).await;
    assert!(gone.is_err(), "still waiting after 1 s");
    // Nobody is ahead any more: a request that fits later is served when it fits.
    let start = Instant::now();
    drop(g.reserve("e", ip(1), RatePolicy::Wait).await.unwrap());
    assert_eq!(Instant::now() - start, MINUTE - SECOND);
}

#[tokio::test(start_paused = true)]
async fn by_default_a_request_waits_for_a_full_window_plus_the_latency_of_those_ahead() {
    let g = Governor::new("h", &limits(10), None);
    let in_flight = g.reserve("e", ip(10), RatePolicy::Wait).await.unwrap();
    let waiter = {
        let g = g.clone();
        tokio::spawn(async move { (g.reserve("e", ip(1), RatePolicy::Wait).await.map(drop), Instant::now()) })
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    let answered = Instant::now();
    drop(in_flight); // a slow response: its weight frees one window after it
    let (result, at) = waiter.await.unwrap();
    result.unwrap();
    assert_eq!(at - answered, MINUTE);
}

#[tokio::test(start_paused = true)]
async fn weight_not_in_the_servers_count_yet_is_added_on_top_of_it() {
    let g = Governor::new("h", &limits(100), None);
    g.set_server_time_ms(1_700_000_010_000); // :30 on the server clock
    let path = "/fapi/v1/depth";
    // Two requests in flight; the first one's answer says the IP has used 90 (another process
    // used 80). The second one may reach the server after that count was taken.
    let first = g.reserve_at(path, "e", ip(10), RatePolicy::FailFast).await.unwrap();
    let second = g.reserve_at(path, "e", ip(10), RatePolicy::FailFast).await.unwrap();
    drop(first);
    g.observe_headers_at(path, [("X-MBX-USED-WEIGHT-1M", "90")]);
    assert_eq!(weight_used(&g), 100, "90 counted by the server, plus 10 still in flight");
    assert!(is_rate_limited(&g.reserve_at(path, "e", ip(10), RatePolicy::FailFast).await));
    drop(second);

    // A fresh window: a header of 90 leaves room for 10, not for 10 more than the client's own.
    tokio::time::advance(Duration::from_secs(30)).await;
    tokio::time::advance(MINUTE).await;
    g.observe_headers_at(path, [("X-MBX-USED-WEIGHT-1M", "90")]);
    let r = g.reserve_at(path, "e", ip(10), RatePolicy::FailFast).await.unwrap();
    assert_eq!(weight_used(&g), 100);
    drop(r);
    assert!(is_rate_limited(&g.reserve_at(path, "e", ip(10), RatePolicy::FailFast).await));
}

#[tokio::test(start_paused = true)]
async fn a_late_smaller_count_of_the_same_window_lowers_nothing_on_a_clock_finer_than_a_millisecond() {
    let g = Governor::new("h", &limits(100), None);
    g.set_server_time_ms(1_700_000_010_000); // :30 on the server clock
    let path = "/fapi/v1/depth";
    drop(g.reserve_at(path, "e", ip(10), RatePolicy::FailFast).await.unwrap());
    g.observe_headers_at(path, [("X-MBX-USED-WEIGHT-1M", "90")]);
    // An answer the server gave earlier in the same window arrives later; real clocks are not
    // whole milliseconds apart.
    tokio::time::advance(Duration::from_micros(500)).await;
    g.observe_headers_at(path, [("X-MBX-USED-WEIGHT-1M", "50")]);
    assert_eq!(weight_used(&g), 90);
    assert!(is_rate_limited(&g.reserve_at(path, "e", ip(20), RatePolicy::FailFast).await));
}
