//! The client's work for one request before anything touches the network (issue #7; target:
//! query + sign + governor ≤ 1 µs with HMAC), for the generated `GET /fapi/v3/account` request.
//!
//! * `prepare_at/*`: `RestClient::prepare_at`: encode the query, check `recvWindow`, add
//!   `recvWindow` and `timestamp`, sign, build the URL and the API-key header value.
//! * `query_sign_governor/*`: the same plus what `execute` adds before sending: reserve the
//!   endpoint's weight with the governor (polled once; it completes at once while the budget
//!   has room) and release it (what happens when the answer arrives). The governor gets fapi's
//!   real 2400/min budget and is replaced every 400 requests so it never fills (on average 200
//!   live reservations). Not included: the HTTP exchange and decoding (see `loopback`).
//!
//! Run: `cargo bench -p binance-benches --bench request_path -- --warm-up-time 1 --measurement-time 3`

use binance_client::runtime::governor::{Governor, Reservation};
use binance_client::runtime::{Credentials, Endpoint, RatePolicy, RestClient};
use binance_client::usds_futures::{AccountInformationV3Request, Client, PRODUCT};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// A fixed Ed25519 test key (seed of 32 × 0x07), PKCS#8 PEM. Not a key of any account.
const ED25519_TEST_PEM: &str =
    "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH\n-----END PRIVATE KEY-----\n";
const TIMESTAMP_MS: u64 = 1_625_474_304_765;

fn client(credentials: Credentials) -> RestClient {
    Client::builder().credentials(credentials).recv_window(5_000).build().expect("client builds")
}

fn reserve_now(governor: &Governor, request: &AccountInformationV3Request) -> Reservation {
    let mut future = pin!(governor.reserve(AccountInformationV3Request::NAME, request.weight(), RatePolicy::Wait));
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Ok(reservation)) => reservation,
        Poll::Ready(Err(e)) => panic!("reserve failed: {e}"),
        Poll::Pending => panic!("the budget should have had room"),
    }
}

fn benches(c: &mut Criterion) {
    let keys = [
        ("hmac_sha256", Credentials::hmac("bench-key", "bench-secret-0123456789abcdef").expect("hmac key")),
        ("ed25519", Credentials::ed25519_pem("bench-key", ED25519_TEST_PEM).expect("ed25519 key")),
    ];
    let request = AccountInformationV3Request::default();
    let mut group = c.benchmark_group("request_path_account_v3");
    for (key_name, credentials) in keys {
        let rest = client(credentials);
        let prepared = rest.prepare_at(&request, TIMESTAMP_MS).expect("prepares");
        assert!(prepared.query.starts_with("recvWindow=5000&timestamp=") && prepared.query.contains("&signature="));
        group.bench_function(BenchmarkId::new("prepare_at", key_name), |b| {
            b.iter(|| rest.prepare_at(black_box(&request), black_box(TIMESTAMP_MS)).expect("prepares"))
        });
        group.bench_function(BenchmarkId::new("query_sign_governor", key_name), |b| {
            const PER_GOVERNOR: u64 = 400;
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                let mut left = iters;
                while left > 0 {
                    let batch = left.min(PER_GOVERNOR);
                    let governor = Governor::new("fapi.binance.com", PRODUCT.rate_limits, None);
                    let start = Instant::now();
                    for _ in 0..batch {
                        let reservation = reserve_now(&governor, black_box(&request));
                        black_box(rest.prepare_at(black_box(&request), TIMESTAMP_MS).expect("prepares"));
                        drop(reservation);
                    }
                    total += start.elapsed();
                    left -= batch;
                }
                total
            })
        });
    }
    group.finish();
}

criterion_group!(request_path, benches);
criterion_main!(request_path);
