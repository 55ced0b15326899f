//! The cost of a shared budget (`RedisBudget`, feature `redis`, issue #15): one reservation
//! through a governor whose budget lives in a real `redis-server` on loopback, alone (latency)
//! and with many concurrent callers in one process (throughput; the connection multiplexes
//! them, so their round trips overlap). Also prints the median and p99 of 20,000 single
//! reservations, since the target is a median.
//!
//! Needs `redis-server` on PATH (Debian: `apt-get install -y redis-server`). Run:
//! `cargo bench -p binance-runtime --features redis --bench redis_budget -- --warm-up-time 1 --measurement-time 5`

use binance_runtime::governor::Governor;
use binance_runtime::{Interval, LimitKind, RateLimit, RateLimitType, RatePolicy, RedisBudget, Weight};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A budget no benchmark fills: the cost measured is the round trip, never a wait.
const LIMITS: [RateLimit; 1] = [RateLimit {
    limit_type: RateLimitType::RequestWeight,
    kind: LimitKind::Ip,
    interval: Interval::Minute,
    interval_num: 1,
    limit: u32::MAX,
}];
const CONCURRENT: usize = 64;

/// `redis-server` on a free loopback port, killed on drop.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_redis() -> (Server, u16) {
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    let child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start redis-server ({e}): install it with `apt-get install -y redis-server`")
        });
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "redis-server did not listen within 10 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    (server, port)
}

fn redis(c: &mut Criterion) {
    let (_server, port) = start_redis();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    let governor = rt.block_on(async {
        let store = RedisBudget::connect(format!("redis://127.0.0.1:{port}")).await.expect("Redis answers");
        Governor::new("fapi.binance.com", &LIMITS, None).with_shared_budget(Arc::new(store)).expect("a fresh governor")
    });
    let one = || async { drop(governor.reserve_at("/fapi/v1/time", "bench", Weight::ip(1), RatePolicy::Wait).await) };

    // The median the target is about, from single reservations timed one by one.
    let mut samples: Vec<Duration> = (0..20_000)
        .map(|_| {
            let start = Instant::now();
            rt.block_on(one());
            start.elapsed()
        })
        .collect();
    samples.sort();
    eprintln!(
        "redis reservation latency over {} samples: median {:?}, p99 {:?}",
        samples.len(),
        samples[samples.len() / 2],
        samples[samples.len() * 99 / 100]
    );

    let mut group = c.benchmark_group("redis");
    group.bench_function("reserve_one", |b| b.iter(|| rt.block_on(one())));
    group.throughput(Throughput::Elements(CONCURRENT as u64));
    group.bench_function(format!("reserve_{CONCURRENT}_concurrent"), |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut set = tokio::task::JoinSet::new();
                for _ in 0..CONCURRENT {
                    let governor = governor.clone();
                    set.spawn(async move {
                        drop(governor.reserve_at("/fapi/v1/time", "bench", Weight::ip(1), RatePolicy::Wait).await)
                    });
                }
                while set.join_next().await.is_some() {}
            })
        })
    });
    group.finish();
}

criterion_group!(benches, redis);
criterion_main!(benches);
