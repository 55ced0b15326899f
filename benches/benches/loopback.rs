//! A whole `GET /fapi/v3/account` over loopback against the mock exchange (`binance-mock`):
//! the generated client (governor, query, HMAC signature, send, usage headers, decode into the
//! models) against bare reqwest fetching the same body from the same server and route with the
//! same bytes on the wire (issue #7; target: client throughput ≥ 0.95× bare reqwest). Requests
//! are sequential, each side on its own kept-alive connection; the time per request is the
//! inverse of the throughput.
//!
//! Three sides, all on a `reqwest::Client` built the same way (the runtime's: only a 10 s total
//! timeout, the `ClientBuilder` default: HTTP/1.1, one kept-alive connection per client):
//! - `bare_reqwest_decode`: what a user of bare reqwest writes to get the same typed account:
//!   GET, read the body, `serde_json::from_slice` into the **same type** the client returns. The
//!   target is measured against this side: the client's own cost per call (governor, signing,
//!   executor, header reconciliation, bounded body) is what it adds to it.
//! - `bare_reqwest_bytes`: GET and read the body, decoding nothing: the least any client can
//!   do. Until 28 November 2026 this was the only bare side, which charged the client for the
//!   decoding that any typed use of the answer needs (about 4 µs of the 11–16 µs gap measured
//!   on 23 November); kept for information.
//! - `client_sign_decode`: the generated client.
//!
//! All three run **in the same timed loop**, rotating which goes first, so machine noise (other
//! builds on this shared 2-core machine) hits each equally. Criterion reports each side (each
//! runs the interleaved loop and returns its own side's time); at the end of each body the bench
//! prints the client's throughput ratio against both bare sides over every round it timed
//! (warm-up included), from the mean and from the median time per request.
//!
//! Same bytes on the wire: the bare sides send the client's signed URL (`timestamp` and
//! `signature`, from `RestClient::prepare`) and `X-MBX-APIKEY` header, both prepared once
//! before the loop, so it does none of the client's work per request. Sending only the path
//! would charge the client for work that is not its own: the server parses the longer request
//! line, the query (the mock splits every request's parameters) and one more header, and
//! reqwest parses the longer URL again inside `send` (its redirect policy and its response
//! re-parse it, whatever the caller passes). Measured with a third, path-only bare side in the
//! same loop: the same bytes cost the bare side 3.0-3.7 µs more per request than the path alone
//! (about 51 vs 48 µs), which is the request's cost, not the client's.
//!
//! The mock serves the account route unauthenticated (`route_json`), so the server does the
//! same work for both sides; the client still signs every request as for the real exchange.
//! Rate limits are lifted on both ends so the run measures work, not waiting. The client's
//! governor still books every request; its window is shortened to 100 ms so that, at the rates
//! reached here, it holds a few hundred live reservations: about what a client at fapi's real
//! budget (2400/min, weight 5: at most 480) holds.
//!
//! Run: `cargo bench -p binance-benches --bench loopback -- --warm-up-time 1 --measurement-time 3`

mod support;

use binance_client::runtime::{Credentials, Interval, LimitKind, RateLimit, RateLimitType};
use binance_client::usds_futures::{AccountInformationV3, AccountInformationV3Request, Client};
use binance_mock::{MockExchange, RunningMock, WeightKind};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use reqwest::header::{HeaderName, HeaderValue};
use std::cell::RefCell;
use std::hint::black_box;
use std::time::{Duration, Instant};

const PATH: &str = "/fapi/v3/account";
const API_KEY: HeaderName = HeaderName::from_static("x-mbx-apikey");
const WINDOW: Duration = Duration::from_millis(100);
/// The runtime's default; both sides get it.
const TIMEOUT: Duration = Duration::from_secs(10);

struct Setup {
    mock: RunningMock,
    client: Client,
    bare: reqwest::Client,
    /// The signed URL the client sends (timestamp frozen) and its API-key header, built once.
    url: String,
    api_key: HeaderValue,
}

async fn setup(body: &str) -> Setup {
    let mock = MockExchange::builder()
        .spec_dir(binance_client::SPEC_DIR)
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
        .timeout(TIMEOUT)
        .build()
        .expect("client builds");
    // Built like the runtime's HTTP client (`ClientBuilder::build`): a total timeout, nothing else.
    let bare = reqwest::Client::builder().timeout(TIMEOUT).build().expect("bare client builds");
    let prepared = rest.prepare(&AccountInformationV3Request::default()).expect("request prepares");
    let api_key =
        HeaderValue::from_str(prepared.api_key.as_deref().expect("signed request has an API key")).expect("key");
    Setup { client: Client::new(rest), bare, url: prepared.full_url(), api_key, mock }
}

/// Every interleaved round timed for one body: one time per side.
#[derive(Default)]
struct Totals {
    rounds: RefCell<Vec<Round>>,
}

/// The times of one request of each side.
#[derive(Clone, Copy, Default)]
struct Round {
    bare: Duration,
    bare_decode: Duration,
    client: Duration,
}

impl Totals {
    /// Throughput ratios of the client against both bare sides: from the means (total time /
    /// total time) and from the medians (which ignore the stalls a shared machine adds to any
    /// side).
    fn report(&self, name: &str) {
        let rounds = self.rounds.borrow();
        if rounds.is_empty() {
            return; // Filtered out on the command line.
        }
        let micros = |d: Duration| d.as_secs_f64() * 1e6;
        let mean =
            |side: fn(&Round) -> Duration| micros(rounds.iter().map(side).sum::<Duration>()) / rounds.len() as f64;
        let median = |side: fn(&Round) -> Duration| {
            let mut times: Vec<Duration> = rounds.iter().map(side).collect();
            times.sort_unstable();
            micros(times.get(times.len() / 2).copied().unwrap_or_default())
        };
        let ratio = |bare: f64, client: f64| bare / client.max(f64::MIN_POSITIVE);
        let (client_mean, client_median) = (mean(|r| r.client), median(|r| r.client));
        println!(
            "loopback_get_account_v3/{name}: {} interleaved rounds; client {client_mean:.2} µs mean, \
             {client_median:.2} µs median",
            rounds.len()
        );
        for (side, bare_mean, bare_median) in [
            ("bare reqwest + decode into the same type", mean(|r| r.bare_decode), median(|r| r.bare_decode)),
            ("bare reqwest, bytes only", mean(|r| r.bare), median(|r| r.bare)),
        ] {
            println!(
                "  vs {side}: {bare_mean:.2} µs mean, {bare_median:.2} µs median: client throughput \
                 {:.3}× (mean), {:.3}× (median)",
                ratio(bare_mean, client_mean),
                ratio(bare_median, client_median),
            );
        }
    }
}

impl Setup {
    /// `iters` rounds of one request per side, rotating which side goes first. Returns the
    /// time of each side and adds the rounds to `totals`.
    async fn rounds(&self, iters: u64, request: &AccountInformationV3Request, totals: &Totals) -> Round {
        let mut sum = Round::default();
        let mut rounds = Vec::with_capacity(usize::try_from(iters).unwrap_or(0));
        for i in 0..iters {
            let mut round = Round::default();
            for k in 0..3 {
                match (i + k) % 3 {
                    0 => round.bare = self.bare_once().await,
                    1 => round.bare_decode = self.bare_decode_once().await,
                    _ => round.client = self.client_once(request).await,
                }
            }
            sum.bare += round.bare;
            sum.bare_decode += round.bare_decode;
            sum.client += round.client;
            rounds.push(round);
        }
        totals.rounds.borrow_mut().extend(rounds);
        sum
    }

    async fn bare_once(&self) -> Duration {
        let start = Instant::now();
        let response = self.bare.get(&self.url).header(API_KEY, self.api_key.clone()).send().await.expect("bare GET");
        black_box(response.bytes().await.expect("bare body"));
        start.elapsed()
    }

    /// What a user of bare reqwest writes to get the typed account: GET, read the body, parse
    /// it into the same type the client returns (`Response::json` is `serde_json::from_slice`).
    async fn bare_decode_once(&self) -> Duration {
        let start = Instant::now();
        let response = self.bare.get(&self.url).header(API_KEY, self.api_key.clone()).send().await.expect("bare GET");
        let body = response.bytes().await.expect("bare body");
        black_box(serde_json::from_slice::<AccountInformationV3>(&body).expect("bare decode"));
        start.elapsed()
    }

    async fn client_once(&self, request: &AccountInformationV3Request) -> Duration {
        let start = Instant::now();
        black_box(self.client.account_information_v3(black_box(request)).await.expect("client call"));
        start.elapsed()
    }
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
        // Both sides send a query of the same length and see the same answer (checked outside
        // the timing).
        let (typed, client_query) = rt.block_on(async {
            let typed = s.client.account_information_v3(&request).await.expect("client call succeeds");
            (typed, s.mock.stats().last_query.unwrap_or_default())
        });
        let bytes = rt.block_on(async {
            let response = s.bare.get(&s.url).header(API_KEY, s.api_key.clone()).send().await.expect("bare GET");
            response.bytes().await.expect("bare body")
        });
        assert_eq!(s.mock.stats().last_query.unwrap_or_default().len(), client_query.len());
        assert_eq!(bytes, body.as_bytes());
        assert_eq!(typed.positions.len(), support::positions_in(body));
        let bare_typed: AccountInformationV3 = serde_json::from_slice(&bytes).expect("bare decode");
        assert_eq!(bare_typed, typed, "both decoding sides produce the same value");

        let totals = Totals::default();
        group.bench_function(BenchmarkId::new("bare_reqwest_bytes", name), |b| {
            b.iter_custom(|iters| rt.block_on(s.rounds(iters, &request, &totals)).bare)
        });
        group.bench_function(BenchmarkId::new("bare_reqwest_decode", name), |b| {
            b.iter_custom(|iters| rt.block_on(s.rounds(iters, &request, &totals)).bare_decode)
        });
        group.bench_function(BenchmarkId::new("client_sign_decode", name), |b| {
            b.iter_custom(|iters| rt.block_on(s.rounds(iters, &request, &totals)).client)
        });
        totals.report(name);
        assert_eq!(s.mock.stats().too_many_requests, 0, "the mock never limited the run");
        drop(s.mock);
    }
    group.finish();
}

criterion_group!(loopback, benches);
criterion_main!(loopback);
