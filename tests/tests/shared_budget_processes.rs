//! The bar of the shared budget: separate OS processes (the `shared-budget-worker` binary),
//! each with its own client and in-process governor, share one Redis budget and together send
//! three times a limit as fast as they can, against one mock exchange: not a single 429, and
//! the mock's own count never above the limit. The same processes without the shared budget
//! get the 429s it prevents.
//!
//! To keep the test short, the mock and the clients use a reduced limit and a shortened
//! "minute" (`MockExchange::window`, `ClientBuilder::rate_limit_window_override`): 3 s, so a
//! 10-second order window lasts 500 ms. Windows, counts and the Redis scripts are the real ones.

use binance_mock::{MockExchange, RunningMock, WeightKind};
use binance_spec::protocol::{Interval, RateLimitType};
use binance_tests::redis_server::RedisServer;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const API_KEY: &str = "shared-budget-key";
const SECRET: &str = "shared-budget-secret";
/// The mock's and the clients' "minute", in ms (divisible by 6: a 10-second window is whole ms).
const MINUTE_MS: u64 = 3_000;
/// IP weight per minute on `fapi`, on both sides.
const WEIGHT_LIMIT: u32 = 40;
/// Orders per 10 seconds, on both sides.
const ORDERS_LIMIT: u32 = 10;

async fn mock() -> RunningMock {
    let mut products = binance_spec::Specs::new().dir(binance_client::SPEC_DIR).validate().expect("the spec validates");
    for limit in products.iter_mut().flat_map(|p| p.rate_limits.iter_mut()) {
        if limit.limit_type == RateLimitType::Orders {
            limit.limit = if limit.interval == Interval::Second { ORDERS_LIMIT } else { 100_000 };
        }
    }
    MockExchange::builder()
        .hmac_key(API_KEY, SECRET)
        .window(Duration::from_millis(MINUTE_MS))
        .limit_override("fapi", WeightKind::Ip, WEIGHT_LIMIT)
        .products(products)
        .start()
        .await
        .expect("the mock starts")
}

/// Starts `processes` workers at once, each sending `count` requests, and waits for them all.
async fn run_workers(
    mock: &RunningMock,
    redis: Option<&RedisServer>,
    mode: &str,
    processes: usize,
    count: u32,
) -> Vec<Output> {
    let redis_url = redis.map_or_else(|| "none".to_string(), RedisServer::url);
    let children: Vec<_> = (0..processes)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_shared-budget-worker"))
                .args(["--mock", &mock.base_url(), "--redis", &redis_url, "--mode", mode])
                .args(["--count", &count.to_string(), "--minute-ms", &MINUTE_MS.to_string()])
                .args(["--weight-limit", &WEIGHT_LIMIT.to_string(), "--orders-limit", &ORDERS_LIMIT.to_string()])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the worker binary starts")
        })
        .collect();
    // The mock serves from this runtime: wait for the processes on blocking threads.
    let waits = children.into_iter().map(|child| tokio::task::spawn_blocking(move || child.wait_with_output()));
    let mut outputs = Vec::new();
    for wait in waits {
        let output =
            tokio::time::timeout(Duration::from_secs(120), wait).await.expect("a worker hung").unwrap().unwrap();
        outputs.push(output);
    }
    outputs
}

fn report(outputs: &[Output]) -> String {
    outputs
        .iter()
        .map(|o| format!("{} {}", String::from_utf8_lossy(&o.stdout).trim(), String::from_utf8_lossy(&o.stderr).trim()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn all_ok(outputs: &[Output], count: u32) -> bool {
    outputs
        .iter()
        .all(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == format!("ok={count} failed=0"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_sharing_redis_send_three_times_the_weight_limit_without_a_429() {
    let redis = RedisServer::start();
    let mock = mock().await;
    // 4 × 30 = 120 weight: three times the limit of 40 per window.
    let outputs = run_workers(&mock, Some(&redis), "weight", 4, 30).await;
    let stats = mock.stats();
    assert!(all_ok(&outputs, 30), "{}", report(&outputs));
    assert_eq!(stats.requests_to("/fapi/v1/time"), 120);
    assert_eq!(stats.too_many_requests, 0, "{stats:?}");
    assert_eq!(stats.bans, 0);
    let budget = stats.budgets.iter().find(|(name, _)| name.starts_with("fapi IP")).expect("the fapi IP budget").1;
    assert!(budget.peak <= WEIGHT_LIMIT, "the mock counted {} in one window: {stats:?}", budget.peak);
    assert!(budget.peak > WEIGHT_LIMIT / 2, "sent as fast as allowed: {stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_sharing_redis_place_three_times_the_order_limit_without_a_429() {
    let redis = RedisServer::start();
    let mock = mock().await;
    // 2 × 15 = 30 orders: three times the limit of 10 per (shortened) 10 seconds.
    let outputs = run_workers(&mock, Some(&redis), "orders", 2, 15).await;
    let stats = mock.stats();
    assert!(all_ok(&outputs, 15), "{}", report(&outputs));
    assert_eq!(stats.requests_to("/fapi/v1/order"), 30);
    assert_eq!((stats.too_many_requests, stats.too_many_orders, stats.bans), (0, 0, 0), "{stats:?}");
    let windows: Vec<_> = stats.budgets.iter().filter(|(name, _)| name.contains("ORDERS 10S")).collect();
    assert_eq!(windows.len(), 1, "one account's 10-second order budget: {stats:?}");
    for (name, budget) in windows {
        assert!(budget.peak <= ORDERS_LIMIT, "{name}: {} orders in one window", budget.peak);
        assert!(budget.peak > ORDERS_LIMIT / 2, "{name}: sent as fast as allowed ({})", budget.peak);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_processes_without_the_shared_budget_get_429s() {
    let mock = mock().await;
    let outputs = run_workers(&mock, None, "weight", 4, 30).await;
    let stats = mock.stats();
    assert!(
        stats.too_many_requests > 0,
        "each process alone keeps under the limit, together they do not: {stats:?}\n{}",
        report(&outputs)
    );
}
