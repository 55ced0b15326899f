//! One of the separate OS processes of `tests/tests/shared_budget_processes.rs`: sends requests
//! to a mock exchange as fast as it can, through a client whose rate-limit budgets are shared
//! through Redis (or, with `--redis none`, kept in this process alone), and prints what happened.
//!
//! ```text
//! shared-budget-worker --mock URL --redis URL|none --mode weight|orders --count N
//!                      --minute-ms MS --weight-limit N --orders-limit N
//! ```
//! The limits and the shortened "minute" are the test's reduced ones (the same knobs as
//! `ClientBuilder::rate_limits` and `rate_limit_window_override`); the mechanism is the real one.

use binance_runtime::{
    model, ClientBuilder, Credentials, Endpoint, Error, Interval, LimitKind, OnRedisFailure, RateLimit, RateLimitType,
    RedisBudget,
};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// The test's demo key (also given to the mock).
pub const API_KEY: &str = "shared-budget-key";
/// The test's demo secret.
pub const SECRET: &str = "shared-budget-secret";

/// `GET /fapi/v1/time`: weight 1.
#[derive(Debug, Clone, Default, Endpoint)]
#[endpoint(http = "GET /fapi/v1/time", security = "NONE", weight(ip = 1), response = Answer)]
struct Time {}

/// `POST /fapi/v1/order`: one order in each order window, no IP weight.
#[derive(Debug, Clone, Endpoint)]
#[endpoint(http = "POST /fapi/v1/order", security = "TRADE", weight(ip = 0, orders(second10 = 1, minute1 = 1)), response = Answer)]
struct Order {
    symbol: String,
    side: String,
    type_: String,
    quantity: String,
}

/// Whatever the mock answers (kept, not read).
#[model]
#[derive(Debug, Clone)]
struct Answer {}

struct Args {
    mock: String,
    redis: Option<String>,
    orders: bool,
    count: u32,
    minute: Duration,
    weight_limit: u32,
    orders_limit: u32,
}

fn parse() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut get = |name: &str| -> Result<String, String> {
        match (args.next(), args.next()) {
            (Some(flag), Some(value)) if flag == name => Ok(value),
            _ => Err(format!("expected {name} VALUE")),
        }
    };
    let number = |s: String| s.parse::<u32>().map_err(|e| format!("{s}: {e}"));
    Ok(Args {
        mock: get("--mock")?,
        redis: Some(get("--redis")?).filter(|r| r != "none"),
        orders: get("--mode")? == "orders",
        count: number(get("--count")?)?,
        minute: Duration::from_millis(u64::from(number(get("--minute-ms")?)?)),
        weight_limit: number(get("--weight-limit")?)?,
        orders_limit: number(get("--orders-limit")?)?,
    })
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("shared-budget-worker: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("shared-budget-worker: no tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("shared-budget-worker: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Error> {
    let limit =
        |limit_type, kind, interval, interval_num, limit| RateLimit { limit_type, kind, interval, interval_num, limit };
    let limits = vec![
        limit(RateLimitType::RequestWeight, LimitKind::Ip, Interval::Minute, 1, args.weight_limit),
        limit(RateLimitType::Orders, LimitKind::Account, Interval::Second, 10, args.orders_limit),
        limit(RateLimitType::Orders, LimitKind::Account, Interval::Minute, 1, 100_000),
    ];
    let mut builder = ClientBuilder::new(&binance_client::usds_futures::PRODUCT)
        .base_url(args.mock)
        .credentials(Credentials::hmac(API_KEY, SECRET)?)
        .rate_limits(limits)
        .rate_limit_window_override(args.minute);
    if let Some(url) = args.redis {
        let shared = RedisBudget::builder(url)
            .prefix("e2e")
            // Loopback: a request reaches the mock within milliseconds of its reservation.
            .boundary_margin(Duration::from_millis(50))
            .on_failure(OnRedisFailure::FailClosed)
            .connect()
            .await?;
        builder = builder.shared_budget(shared);
    }
    let client = builder.build()?;
    let next = AtomicU32::new(0);
    let (ok, failed) = (AtomicU32::new(0), AtomicU32::new(0));
    // As fast as it can: several requests in flight at all times.
    let lane = || async {
        while next.fetch_add(1, Ordering::Relaxed) < args.count {
            let result = if args.orders {
                let order = Order {
                    symbol: "BTCUSDT".into(),
                    side: "BUY".into(),
                    type_: "MARKET".into(),
                    quantity: "1".into(),
                };
                client.execute(&order).await.map(drop)
            } else {
                client.execute(&Time {}).await.map(drop)
            };
            match result {
                Ok(()) => ok.fetch_add(1, Ordering::Relaxed),
                Err(e) => {
                    eprintln!("request failed: {e}");
                    failed.fetch_add(1, Ordering::Relaxed)
                }
            };
        }
    };
    tokio::join!(lane(), lane(), lane(), lane(), lane(), lane(), lane(), lane());
    println!("ok={} failed={}", ok.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    Ok(())
}
