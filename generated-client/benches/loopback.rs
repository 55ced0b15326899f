//! A whole `GET /fapi/v3/account` over loopback against the mock exchange (`binance-mock`):
//! the generated client (governor, query, HMAC signature, send, usage headers, decode into the
//! models) against bare reqwest fetching the same body from the same server and route
//! (issue #7; target: client throughput ≥ 0.95× bare reqwest). Requests are sequential on one
//! kept-alive connection; the time per request is the inverse of the throughput.
//!
//! The mock serves the account route unauthenticated (`route_json`), so the server does the
//! same work for both sides; the client still signs every request as for the real exchange.
//! Rate limits are lifted on both ends so the run measures work, not waiting. The client's
//! governor still books every request; its window is shortened to 100 ms so that, at the rates
//! reached here, it holds a few hundred live reservations: about what a client at fapi's real
//! budget (2400/min, weight 5: at most 480) holds.
//!
//! Run: `cargo bench -p binance-client --bench loopback -- --warm-up-time 1 --measurement-time 3`

mod support;

use binance_client::runtime::{Credentials, Interval, LimitKind, RateLimit, RateLimitType};
use binance_client::usds_futures::{AccountInformationV3Request, Client};
use binance_mock::{MockExchange, RunningMock, WeightKind};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;
use std::time::{Duration, Instant};

const PATH: &str = "/fapi/v3/account";
const WINDOW: Duration = Duration::from_millis(100);

struct Setup {
    mock: RunningMock,
    client: Client,
    bare: reqwest::Client,
    url: String,
}

async fn setup(body: &str) -> Setup {
    let mock = MockExchange::builder()
        .route_json("GET", PATH, 5, body)
        .limit_override("fapi", WeightKind::Ip, u32::MAX)
        .window(WINDOW)
        .start()
        .await
        .expect("mock starts");
    let rest = Client::builder()
        .base_url(mock.base_url())
        .credentials(Credentials::hmac("bench-key", "bench-secret-0123456789abcdef").expect("hmac key"))
        .rate_limits(vec![RateLimit {
            limit_type: RateLimitType::RequestWeight,
            kind: LimitKind::Ip,
            interval: Interval::Minute,
            interval_num: 1,
            limit: u32::MAX,
        }])
        .rate_limit_window_override(WINDOW)
        .build()
        .expect("client builds");
    let url = format!("{}{PATH}", mock.base_url());
    Setup { client: Client::new(rest), bare: reqwest::Client::new(), url, mock }
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime");
    let bodies = [
        ("small_spec_example", support::small_account()),
        ("large_20_assets_300_positions", support::large_account(20, 300)),
    ];
    let request = AccountInformationV3Request::default();
    let mut group = c.benchmark_group("loopback_get_account_v3");
    for (name, body) in &bodies {
        let s = rt.block_on(setup(body));
        // Both sides see the same answer (checked outside the timing).
        let (typed, text) = rt.block_on(async {
            let typed = s.client.account_information_v3(&request).await.expect("client call succeeds");
            let text = s.bare.get(&s.url).send().await.expect("bare GET").text().await.expect("bare body");
            (typed, text)
        });
        assert_eq!(text, *body);
        assert_eq!(typed.positions.len(), support::positions_in(body));

        group.bench_function(BenchmarkId::new("bare_reqwest_text", name), |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        let response = s.bare.get(&s.url).send().await.expect("bare GET");
                        black_box(response.text().await.expect("bare body"));
                    }
                    start.elapsed()
                })
            })
        });
        group.bench_function(BenchmarkId::new("client_sign_decode", name), |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        black_box(s.client.account_information_v3(black_box(&request)).await.expect("client call"));
                    }
                    start.elapsed()
                })
            })
        });
        assert_eq!(s.mock.stats().too_many_requests, 0, "the mock never limited the run");
        drop(s.mock);
    }
    group.finish();
}

criterion_group!(loopback, benches);
criterion_main!(loopback);
