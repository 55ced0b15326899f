//! Signing a request's query with each key type, and the rate-limit governor's bookkeeping for
//! one request (issue #7). The whole request path (query + sign + governor) is measured with a
//! generated endpoint in `benches/benches/request_path.rs`.
//!
//! Run: `cargo bench -p binance-runtime --bench signing -- --warm-up-time 1 --measurement-time 3`

use binance_runtime::governor::{Governor, Reservation};
use binance_runtime::{Credentials, Interval, LimitKind, RateLimit, RateLimitType, RatePolicy, Weight, WeightKind};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// A fixed Ed25519 test key (seed of 32 × 0x07), PKCS#8 PEM. Not a key of any account.
const ED25519_TEST_PEM: &str =
    "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH\n-----END PRIVATE KEY-----\n";
/// The 2048-bit RSA test key of the runtime's tests.
#[cfg(feature = "rsa")]
const RSA_TEST_PEM: &str = include_str!("../tests/fixtures/rsa_test_key.pem");

/// What `GET /fapi/v3/account` signs, and what a typical new-order request signs.
const PAYLOADS: [(&str, &str); 2] = [
    ("account_query_40B", "recvWindow=5000&timestamp=1625474304765"),
    (
        "order_query_150B",
        "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.002&price=43210.10\
         &newClientOrderId=my-order-000001&recvWindow=5000&timestamp=1625474304765",
    ),
];

/// fapi's declared request-weight limit: 2400 per minute per IP.
const FAPI_LIMITS: [RateLimit; 1] = [RateLimit {
    limit_type: RateLimitType::RequestWeight,
    kind: LimitKind::Ip,
    interval: Interval::Minute,
    interval_num: 1,
    limit: 2400,
}];

fn sign(c: &mut Criterion) {
    let keys = [
        ("hmac_sha256", Credentials::hmac("bench-key", "bench-secret-0123456789abcdef").expect("hmac key")),
        ("ed25519", Credentials::ed25519_pem("bench-key", ED25519_TEST_PEM).expect("ed25519 key")),
        // Only with `--features rsa`.
        #[cfg(feature = "rsa")]
        ("rsa_2048", Credentials::rsa_pem("bench-key", RSA_TEST_PEM).expect("rsa key")),
    ];
    let mut group = c.benchmark_group("sign");
    for (key_name, credentials) in &keys {
        for (payload_name, payload) in PAYLOADS {
            if *key_name == "rsa_2048" {
                group.sample_size(20); // ~1 ms per signature; informational only.
            }
            group.bench_with_input(BenchmarkId::new(*key_name, payload_name), payload, |b, payload| {
                b.iter(|| credentials.sign(black_box(payload.as_bytes())))
            });
        }
    }
    group.finish();
}

/// Polls `reserve` once: with budget left it completes without waiting, so this is its whole
/// synchronous cost (lock, prune, fit check, booking), with no executor in the way.
fn reserve_now(governor: &Governor, weight: Weight) -> Reservation {
    let mut future = pin!(governor.reserve("account_information_v3", weight, RatePolicy::Wait));
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Ok(reservation)) => reservation,
        Poll::Ready(Err(e)) => panic!("reserve failed: {e}"),
        Poll::Pending => panic!("the budget should have had room"),
    }
}

/// Reserve + release of `weight` 5 (GET /fapi/v3/account) in fapi's 2400/min budget, on a
/// fresh governor every 400 requests so the budget never fills up: on average 200 live
/// reservations, like a client using about half its budget.
fn governor(c: &mut Criterion) {
    const PER_GOVERNOR: u64 = 400;
    let weight = Weight { kind: WeightKind::Ip, value: 5, orders: &[] };
    let mut group = c.benchmark_group("governor");
    group.bench_function("reserve_and_release_weight_5", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                let batch = left.min(PER_GOVERNOR);
                let gov = Governor::new("fapi.binance.com", &FAPI_LIMITS, None);
                let start = Instant::now();
                for _ in 0..batch {
                    drop(black_box(reserve_now(&gov, weight)));
                }
                total += start.elapsed();
                left -= batch;
            }
            total
        })
    });
    // The same through a current-thread tokio runtime's `block_on`, as an async caller pays it.
    let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("tokio runtime");
    group.bench_function("reserve_and_release_weight_5_block_on", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                let batch = left.min(PER_GOVERNOR);
                let gov = Governor::new("fapi.binance.com", &FAPI_LIMITS, None);
                let start = Instant::now();
                for _ in 0..batch {
                    let reservation = rt.block_on(gov.reserve("account_information_v3", weight, RatePolicy::Wait));
                    drop(black_box(reservation.expect("budget has room")));
                }
                total += start.elapsed();
                left -= batch;
            }
            total
        })
    });
    group.finish();
}

criterion_group!(signing, sign, governor);
criterion_main!(signing);
