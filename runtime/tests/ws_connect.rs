//! The WebSocket API client against a local tungstenite server: connecting is single-flight,
//! cannot deadlock on a small budget, fails fast during backoff, and does not count a local
//! governor refusal as a connect failure. `tokio::time::timeout` is only a guard against hangs.

mod support;

use binance_runtime::governor::Governor;
use binance_runtime::ws_api::WsApiBuilder;
use binance_runtime::{
    Endpoint, Error, Interval, LimitKind, ParamWriter, RateLimit, RateLimitType, RatePolicy, Security, Weight,
    WsEndpoint,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::ws::{ws_server, PRODUCT};

/// `ping`, weight 1, no parameters.
struct Ping;

impl Endpoint for Ping {
    type Response = serde_json::Value;
    const NAME: &'static str = "ping";
    const SECURITY: Security = Security::None;
    fn weight(&self) -> Weight {
        Weight::ip(1)
    }
    fn write_params<W: ParamWriter + ?Sized>(&self, _out: &mut W) {}
}

impl WsEndpoint for Ping {
    const METHOD: &'static str = "ping";
}

/// A server answering every request frame with an empty result; counts the connections.
async fn server() -> (String, Arc<AtomicUsize>) {
    server_with(|_, id| serde_json::json!({ "id": id, "status": 200, "result": {} })).await
}

/// A server answering the `n`th request frame (from 0, over all connections) with
/// `answer(n, id)`; counts the connections.
async fn server_with(
    answer: impl Fn(usize, &serde_json::Value) -> serde_json::Value + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>) {
    ws_server(Duration::ZERO, answer).await
}

fn weight_limit(limit: u32) -> RateLimit {
    RateLimit {
        limit_type: RateLimitType::RequestWeight,
        kind: LimitKind::Ip,
        interval: Interval::Minute,
        interval_num: 1,
        limit,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_first_calls_on_a_small_budget_share_one_connection_and_finish() {
    let (url, connections) = server().await;
    // Room for the handshake (5) and five requests per (shortened) window: the 20 callers must
    // not hold weight while they wait for the connection, or the handshake never fits.
    let governor = Governor::new("local", &[weight_limit(10)], Some(Duration::from_millis(200)));
    let client = WsApiBuilder::new(&PRODUCT).url(url).governor(governor).build().unwrap();
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.call(&Ping).await.map(|_| ()) })
        })
        .collect();
    let all = async {
        for call in calls {
            call.await.unwrap().unwrap();
        }
    };
    tokio::time::timeout(Duration::from_secs(30), all).await.expect("the calls deadlocked on their own budget");
    assert_eq!(connections.load(Ordering::SeqCst), 1, "concurrent first calls share one connect attempt");
}

#[tokio::test]
async fn during_the_backoff_calls_fail_fast_with_the_last_connect_error() {
    // A port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("ws://{}/ws", listener.local_addr().unwrap());
    drop(listener);
    let client = WsApiBuilder::new(&PRODUCT)
        .url(url)
        .reconnect_backoff(Duration::from_secs(600), Duration::from_secs(600))
        .build()
        .unwrap();
    let first = client.call(&Ping).await;
    let Err(Error::Transport { reason: first_reason, .. }) = first else { panic!("expected Transport, got {first:?}") };
    let second =
        tokio::time::timeout(Duration::from_secs(5), client.call(&Ping)).await.expect("slept through the backoff");
    match second {
        Err(Error::Transport { reason, .. }) => {
            assert!(reason.starts_with(&first_reason), "{reason}");
            assert!(reason.contains("1 failed attempts"), "{reason}");
        }
        other => panic!("expected Transport, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_governor_refusal_is_not_a_connect_failure() {
    let (url, connections) = server().await;
    let governor = Governor::new("local", &[weight_limit(10)], Some(Duration::from_millis(100)));
    let client = WsApiBuilder::new(&PRODUCT)
        .url(url)
        .governor(governor.clone())
        .rate_policy(RatePolicy::FailFast)
        .reconnect_backoff(Duration::from_secs(600), Duration::from_secs(600))
        .build()
        .unwrap();
    // Someone else holds most of the budget: the handshake (5) does not fit.
    let held = governor.reserve_at("/fapi/v1/order", "other", Weight::ip(8), RatePolicy::FailFast).await.unwrap();
    assert!(matches!(client.call(&Ping).await, Err(Error::RateLimited { .. })));
    assert_eq!(connections.load(Ordering::SeqCst), 0);
    drop(held);
    tokio::time::sleep(Duration::from_millis(150)).await; // one (shortened) window
                                                          // No backoff was started: the next call connects at once.
    let next = tokio::time::timeout(Duration::from_secs(5), client.call(&Ping)).await.expect("waited for a backoff");
    next.unwrap();
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_under_wait_is_sent_again_after_the_pause() {
    // The server's clock is far from the local one; the pause is 200 ms of server time.
    let (url, _) = server_with(|n, id| {
        if n == 0 {
            serde_json::json!({ "id": id, "status": 429, "error": { "code": -1003, "msg": "Too many requests",
                "data": { "serverTime": 1_000_000_000_000u64, "retryAfter": 1_000_000_000_200u64 } } })
        } else {
            serde_json::json!({ "id": id, "status": 200, "result": { "n": n } })
        }
    })
    .await;
    let client = WsApiBuilder::new(&PRODUCT).url(url).build().unwrap();
    let reply = tokio::time::timeout(Duration::from_secs(10), client.call(&Ping)).await.expect("hung").unwrap();
    assert_eq!(reply.result["n"], 1, "answered by the second frame");
}
