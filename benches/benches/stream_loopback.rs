//! Events per second through the stream client on loopback (issue #16, item 6): the mock's
//! stream server publishes `BATCH` copies of the spec's `<symbol>@aggTrade` example on a
//! combined-stream connection and the timed side reads them as typed `AggregateTradeEvent`s.
//!
//! - `client`: `StreamClient` subscribed to `btcusdt@aggTrade` (the envelope parsed, the
//!   payload routed to the subscription's bounded buffer, decoded, read from the
//!   `Subscription`).
//! - `bare_reader`: a bare tokio-tungstenite reader on `/stream?streams=btcusdt@aggTrade` that
//!   parses the same envelope and decodes the same payload into the same generated type, the
//!   least any stream client can do; the difference is the client's own overhead.
//!
//! Both sides run in the same timed loop on the same runtime (2 worker threads) and server,
//! alternating which goes first, so noise on this shared machine hits both alike. Each timed
//! round publishes a batch and waits for its last event; the publisher's cost (the mock's
//! wrapping and sending) is in both. The client's buffer holds a whole batch, so nothing lags
//! (a lagged item fails the bench). The bench prints the client/bare ratio of events per second
//! over every round.
//!
//! Run: `cargo bench -p binance-benches --bench stream_loopback -- --warm-up-time 1 --measurement-time 5`

use binance_client::runtime::stream::{StreamClient, StreamConfig, Subscription};
use binance_client::usds_futures::{streams, AggregateTradeEvent};
use binance_mock::streams::MockStreams;
use binance_mock::RunningMock;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::cell::{Cell, RefCell};
use std::hint::black_box;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

/// Events per timed round.
const BATCH: usize = 1000;
const STREAM: &str = "btcusdt@aggTrade";

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The combined-stream envelope, as the bare reader parses it.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    data: &'a RawValue,
}

struct Sides {
    /// Kept so the mock serves as long as the bench runs.
    _exchange: RunningMock,
    mock: MockStreams,
    example: String,
    /// Kept so the connection lives as long as the subscription.
    _client: StreamClient,
    subscription: Subscription<AggregateTradeEvent>,
    bare: Ws,
}

/// Publishes one batch to every connection (both sides are subscribed, so each publish goes to
/// both; the side not being timed drains its copy afterwards, untimed).
fn publish(sides: &Sides) {
    for _ in 0..BATCH {
        assert_eq!(sides.mock.publish(STREAM, &sides.example), 2, "both sides are connected");
    }
}

async fn read_client(sub: &mut Subscription<AggregateTradeEvent>) {
    for _ in 0..BATCH {
        let event = sub.next().await.expect("the subscription is open").expect("no lag, no decode error");
        black_box(event);
    }
}

async fn read_bare(ws: &mut Ws) {
    let mut n = 0;
    while n < BATCH {
        match ws.next().await.expect("the bare connection is open").expect("no socket error") {
            Message::Text(text) => {
                let envelope: Envelope<'_> = serde_json::from_str(text.as_str()).expect("an envelope");
                let event: AggregateTradeEvent = serde_json::from_str(envelope.data.get()).expect("decodes");
                black_box(event);
                n += 1;
            }
            _ => continue,
        }
    }
}

/// One round per side, in `order`; returns (client, bare) times. Each side's timer runs from
/// the first publish to its last event; the other side's copy of the batch is then drained.
async fn round(sides: &mut Sides, client_first: bool) -> (Duration, Duration) {
    let start = Instant::now();
    publish(sides);
    let (client, bare);
    if client_first {
        read_client(&mut sides.subscription).await;
        client = start.elapsed();
        read_bare(&mut sides.bare).await;
        let start = Instant::now();
        publish(sides);
        read_bare(&mut sides.bare).await;
        bare = start.elapsed();
        read_client(&mut sides.subscription).await;
    } else {
        read_bare(&mut sides.bare).await;
        bare = start.elapsed();
        read_client(&mut sides.subscription).await;
        let start = Instant::now();
        publish(sides);
        read_client(&mut sides.subscription).await;
        client = start.elapsed();
        read_bare(&mut sides.bare).await;
    }
    (client, bare)
}

async fn setup() -> Sides {
    let exchange = binance_mock::MockExchange::builder()
        .spec_dir(binance_client::SPEC_DIR)
        .start()
        .await
        .expect("the mock starts");
    let mock = exchange.streams();
    let example = mock.example("usds_futures", "<symbol>@aggTrade").expect("the spec has an aggTrade example");
    let value: serde_json::Value = serde_json::from_str(example).expect("the example is JSON");
    let example = value.to_string();
    // Three batches fit: the untimed copy may still be queued when the next round starts.
    let client = StreamClient::connect(StreamConfig::new(mock.url()).buffer(3 * BATCH));
    let subscription = client.subscribe(&streams::AggregateTrade::new("BTCUSDT")).await.expect("subscribed");
    let url = format!("{}/stream?streams={STREAM}", mock.url());
    let (bare, _) = tokio_tungstenite::connect_async(url.as_str()).await.expect("the bare reader connects");
    // Both connections hold the stream before the first batch.
    while mock.publish(STREAM, &example) < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut sides = Sides { _exchange: exchange, mock, example, _client: client, subscription, bare };
    // Drain whatever the wait above published to either side.
    drain(&mut sides).await;
    sides
}

/// Reads until neither side has anything for 100 ms.
async fn drain(sides: &mut Sides) {
    loop {
        let quiet = Duration::from_millis(100);
        let a = tokio::time::timeout(quiet, sides.subscription.next()).await.is_ok();
        let b = tokio::time::timeout(quiet, sides.bare.next()).await.is_ok();
        if !a && !b {
            return;
        }
    }
}

fn bench(c: &mut Criterion) {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
    let sides = RefCell::new(runtime.block_on(setup()));
    let totals = (Cell::new(Duration::ZERO), Cell::new(Duration::ZERO), Cell::new(0u64));
    let run = |iters: u64| -> (Duration, Duration) {
        let mut sides = sides.borrow_mut();
        let (mut client, mut bare) = (Duration::ZERO, Duration::ZERO);
        for i in 0..iters {
            let (c, b) = runtime.block_on(round(&mut sides, i % 2 == 0));
            client += c;
            bare += b;
        }
        totals.0.set(totals.0.get() + client);
        totals.1.set(totals.1.get() + bare);
        totals.2.set(totals.2.get() + iters);
        (client, bare)
    };
    let mut group = c.benchmark_group("stream_loopback");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function(BenchmarkId::new("client", "aggTrade"), |b| b.iter_custom(|iters| run(iters).0));
    group.bench_function(BenchmarkId::new("bare_reader", "aggTrade"), |b| b.iter_custom(|iters| run(iters).1));
    group.finish();
    let events = (totals.2.get() * BATCH as u64) as f64;
    let (client, bare) = (events / totals.0.get().as_secs_f64(), events / totals.1.get().as_secs_f64());
    println!(
        "stream_loopback: client {client:.0} events/s, bare reader {bare:.0} events/s, client/bare {:.3} over {} rounds",
        client / bare,
        totals.2.get()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
