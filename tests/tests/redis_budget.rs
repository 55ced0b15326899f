//! `RedisBudget` against a real `redis-server`: budgets, header counts, pauses and bans shared
//! by governors that only have Redis in common (as separate processes do), and every fault:
//! Redis down at start, restarted mid-run, too slow, and cut off by a network partition.

use binance_runtime::governor::Governor;
use binance_runtime::{
    Error, Interval, LimitKind, OnRedisFailure, RateLimit, RateLimitType, RatePolicy, RedisBudget, Weight,
};
use binance_tests::redis_server::{free_port, RedisServer};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PATH: &str = "/fapi/v1/time";
/// Long enough that no test straddles a window; short enough to keep keys small.
const LIMITS: [RateLimit; 1] = [RateLimit {
    limit_type: RateLimitType::RequestWeight,
    kind: LimitKind::Ip,
    interval: Interval::Hour,
    interval_num: 1,
    limit: 10,
}];

fn budget(url: &str, prefix: &str) -> binance_runtime::RedisBudgetBuilder {
    RedisBudget::builder(url)
        .prefix(prefix)
        .timeout(Duration::from_millis(200))
        .retry_interval(Duration::from_millis(100))
}

async fn governor(store: RedisBudget) -> Governor {
    Governor::new("fapi.test", &LIMITS, None).with_shared_budget(Arc::new(store)).unwrap()
}

async fn take(g: &Governor, weight: u32) -> binance_runtime::Result<()> {
    g.reserve_at(PATH, "e", Weight::ip(weight), RatePolicy::FailFast).await.map(drop)
}

/// Polls until `check` holds (writes of pauses and bans to Redis are fire-and-forget).
async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("never happened: {what}");
}

#[tokio::test]
async fn two_governors_share_one_budget_and_its_keys_are_namespaced_and_hash_tagged() {
    let redis = RedisServer::start();
    let a = governor(budget(&redis.url(), "t1").ip("203.0.113.7").connect().await.unwrap()).await;
    let b = governor(budget(&redis.url(), "t1").ip("203.0.113.7").connect().await.unwrap()).await;
    take(&a, 6).await.unwrap();
    take(&b, 4).await.unwrap();
    let refused = take(&b, 1).await;
    assert!(matches!(refused, Err(Error::RateLimited { .. })), "the budget is full across both: {refused:?}");
    let refused = take(&a, 1).await;
    assert!(matches!(refused, Err(Error::RateLimited { .. })), "{refused:?}");
    // Another IP (another prefix group) has its own budget.
    let other = governor(budget(&redis.url(), "t1").ip("198.51.100.1").connect().await.unwrap()).await;
    take(&other, 10).await.unwrap();
    let keys = redis.keys("*");
    assert_eq!(keys.len(), 2, "{keys:?}");
    for key in &keys {
        // Hash tag, host, scope, family, what, interval, window start (aligned to the hour).
        let fields: Vec<&str> = key.split(':').collect();
        assert_eq!(fields[..3], ["{t1}", "fapi.test", "ip"], "{key}");
        assert_eq!(fields[4..7], ["fapi", "weight", "1h"], "{key}");
        let start: u64 = fields[7].parse().unwrap();
        assert_eq!(start % 3_600_000, 0, "windows start on the hour: {key}");
    }
    assert_eq!(redis.command(&["GET", keys.iter().find(|k| k.contains("203.0.113.7")).unwrap()]).unwrap(), "10");
}

#[tokio::test]
async fn a_server_count_raises_the_shared_count_and_never_lowers_it() {
    let redis = RedisServer::start();
    let a = governor(budget(&redis.url(), "t2").connect().await.unwrap()).await;
    let b = governor(budget(&redis.url(), "t2").connect().await.unwrap()).await;
    take(&b, 1).await.unwrap();
    a.observe_headers_at(PATH, [("X-MBX-USED-WEIGHT-1H", "8")]);
    let key = format!("{{t2}}:fapi.test:ip:default:fapi:weight:1h:{}", {
        let now = a.server_now_ms();
        now - now % 3_600_000
    });
    eventually("the count reaches Redis", async || redis.command(&["GET", &key]).unwrap() == "8").await;
    a.observe_headers_at(PATH, [("X-MBX-USED-WEIGHT-1H", "3")]);
    // B, which never saw a header, now has 2 left.
    take(&b, 2).await.unwrap();
    assert!(matches!(take(&b, 1).await, Err(Error::RateLimited { .. })));
    assert_eq!(redis.command(&["GET", &key]).unwrap(), "10", "3 did not lower it");
}

#[tokio::test]
async fn a_429_seen_by_one_pauses_every_sharer_and_a_418_bans_them() {
    let redis = RedisServer::start();
    let a = governor(budget(&redis.url(), "t3").connect().await.unwrap()).await;
    let b = governor(budget(&redis.url(), "t3").connect().await.unwrap()).await;
    let _ = a.rate_limited(PATH, Weight::ip(1), Some(Duration::from_secs(30)), "{}");
    eventually("B is paused", async || {
        matches!(take(&b, 1).await, Err(Error::RateLimited { retry_after, .. }) if retry_after > Duration::from_secs(20))
    })
    .await;
    let _ = a.banned(Some(Duration::from_secs(120)), "{}");
    eventually("B is banned", async || matches!(take(&b, 1).await, Err(Error::Banned { .. }))).await;
    assert!(b.banned_until().is_some(), "B keeps the ban locally");
}

#[tokio::test]
async fn redis_down_at_start_fails_closed_with_a_clear_error_or_starts_on_the_local_share() {
    let url = format!("redis://127.0.0.1:{}", free_port());
    let err = budget(&url, "t4").connect().await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::SharedBudget { .. }), "{err:?}");
    assert!(text.contains("127.0.0.1") && text.contains("LocalShare"), "{text}");

    let local = budget(&url, "t4").on_failure(OnRedisFailure::LocalShare(0.5)).connect().await.unwrap();
    let g = governor(local).await;
    take(&g, 5).await.unwrap();
    assert!(matches!(take(&g, 1).await, Err(Error::RateLimited { .. })), "half of 10 on the local share");
}

#[tokio::test]
async fn a_redis_restart_fails_closed_meanwhile_then_recovers() {
    let mut redis = RedisServer::start();
    let g = governor(budget(&redis.url(), "t5").connect().await.unwrap()).await;
    take(&g, 1).await.unwrap();
    redis.stop();
    let err = take(&g, 1).await.unwrap_err();
    assert!(matches!(err, Error::SharedBudget { .. }), "{err:?}");
    assert!(!err.to_string().contains("redis://"), "no URL (it may hold a password) in errors: {err}");
    redis.restart();
    eventually("Redis is used again", async || take(&g, 1).await.is_ok()).await;
}

#[tokio::test]
async fn a_ban_learned_while_redis_is_down_is_kept_and_written_back() {
    let mut redis = RedisServer::start();
    let share = OnRedisFailure::LocalShare(1.0);
    let a = governor(budget(&redis.url(), "t6").on_failure(share).connect().await.unwrap()).await;
    take(&a, 1).await.unwrap();
    redis.stop();
    // Down: the local share goes on.
    eventually("A runs on its local share", async || take(&a, 1).await.is_ok()).await;
    let _ = a.banned(Some(Duration::from_secs(300)), "{}");
    assert!(matches!(take(&a, 1).await, Err(Error::Banned { .. })), "kept locally");
    redis.restart();
    // A sends nothing more (it is banned), yet the ban reaches Redis for the others.
    let b = governor(budget(&redis.url(), "t6").connect().await.unwrap()).await;
    eventually("the ban reached Redis", async || matches!(take(&b, 1).await, Err(Error::Banned { .. }))).await;
}

#[tokio::test]
async fn a_slow_redis_times_out_instead_of_hanging() {
    let redis = RedisServer::start();
    let g = governor(budget(&redis.url(), "t7").connect().await.unwrap()).await;
    take(&g, 1).await.unwrap();
    // Blocks the whole server for 2 s: every call in the meantime exceeds the 200 ms timeout.
    let _sleeping = redis.send(&["DEBUG", "SLEEP", "2"]).unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let r = tokio::time::timeout(Duration::from_secs(1), take(&g, 1)).await;
    assert!(matches!(r, Ok(Err(Error::SharedBudget { .. }))), "an error, not a hang: {r:?}");
    eventually("Redis answers again", async || take(&g, 1).await.is_ok()).await;
}

/// A TCP proxy that can be cut (a partition: nothing passes, nothing is closed) and mended.
struct Partition {
    port: u16,
    cut: Arc<AtomicBool>,
}

impl Partition {
    async fn start(upstream: u16) -> Partition {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cut);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let flag = Arc::clone(&flag);
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)).await else { return };
                    let (cr, cw) = client.into_split();
                    let (sr, sw) = server.into_split();
                    tokio::spawn(pipe(cr, sw, Arc::clone(&flag)));
                    pipe(sr, cw, flag).await;
                });
            }
        });
        Partition { port, cut }
    }
}

/// Copies bytes while the link is up; while cut, holds them (and the connection) silently.
async fn pipe(mut from: tokio::net::tcp::OwnedReadHalf, mut to: tokio::net::tcp::OwnedWriteHalf, cut: Arc<AtomicBool>) {
    let mut buf = [0u8; 4096];
    loop {
        let Ok(n) = from.read(&mut buf).await else { return };
        if n == 0 {
            return;
        }
        while cut.load(Ordering::Relaxed) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

#[tokio::test]
async fn a_partition_falls_back_to_the_local_share_and_heals() {
    let redis = RedisServer::start();
    let link = Partition::start(redis.port()).await;
    let url = format!("redis://127.0.0.1:{}", link.port);
    let g = governor(budget(&url, "t8").on_failure(OnRedisFailure::LocalShare(0.3)).connect().await.unwrap()).await;
    take(&g, 2).await.unwrap();
    link.cut.store(true, Ordering::Relaxed);
    let r = tokio::time::timeout(Duration::from_secs(2), take(&g, 3)).await;
    assert!(matches!(r, Ok(Ok(()))), "the local share (3 of 10) serves it: {r:?}");
    assert!(matches!(take(&g, 1).await, Err(Error::RateLimited { .. })), "and no more");
    link.cut.store(false, Ordering::Relaxed);
    // Mended: Redis counts again (2 booked before the cut, 8 left there).
    eventually("Redis is used again", async || take(&g, 1).await.is_ok()).await;
}

#[tokio::test]
async fn a_booking_just_after_a_boundary_counts_in_the_window_before_too() {
    // An hour boundary of the server clock.
    const HOUR_START: u64 = 1_700_002_800_000;
    let redis = RedisServer::start();
    let a = governor(budget(&redis.url(), "t9").connect().await.unwrap()).await;
    let b = governor(budget(&redis.url(), "t9").connect().await.unwrap()).await;
    // B fills the last hour shortly before the boundary.
    b.set_server_time_ms(HOUR_START - 5_000);
    take(&b, 10).await.unwrap();
    // A's clock reads 200 ms past the boundary, but a clock synced over the network can run
    // ahead of the server's by part of a round trip (the boundary margin covers that error):
    // its request may reach the server while the full hour is still running.
    a.set_server_time_ms(HOUR_START + 200);
    let refused = take(&a, 1).await;
    assert!(matches!(refused, Err(Error::RateLimited { .. })), "{refused:?}");
    // Once the margin has passed, the new hour is A's alone.
    a.set_server_time_ms(HOUR_START + 1_000);
    take(&a, 10).await.unwrap();
}
