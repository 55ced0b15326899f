//! Decoding market-stream payloads into the generated event models (lossless `Decimal`s, ids as
//! integers, depth levels as typed pairs) against hand-written serde structs of the same shape
//! whose decimals are plain `String`s (issue #16, item 6; target: generated ≤ 1.0× the
//! baseline). The payloads are the spec's examples of `<symbol>@aggTrade` and `<symbol>@depth`
//! (a `depthUpdate`), compacted, keys in their documented order as the server sends them, plus
//! a `depthUpdate` with 20 levels a side (a busy 100 ms update) made from the example's level.
//! Each timed iteration decodes with both, alternating which goes first; the bench prints the
//! ratio of their totals over every pair.
//!
//! Run: `cargo bench -p binance-benches --bench stream_decode -- --warm-up-time 1 --measurement-time 3`

mod support;

use binance_client::usds_futures::{AggregateTradeEvent, DiffBookDepthEvent};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::cell::Cell;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

/// The baseline: the same JSON shapes, every decimal kept as the string on the wire.
mod baseline {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)] // Decoded, never read.
    pub struct AggTrade {
        #[serde(rename = "e")]
        pub event_type: String,
        #[serde(rename = "E")]
        pub event_time: i64,
        #[serde(rename = "s")]
        pub symbol: String,
        #[serde(rename = "a")]
        pub aggregate_trade_id: i64,
        #[serde(rename = "p")]
        pub price: String,
        #[serde(rename = "q")]
        pub quantity: String,
        #[serde(rename = "nq")]
        pub normal_quantity: String,
        #[serde(rename = "f")]
        pub first_trade_id: i64,
        #[serde(rename = "l")]
        pub last_trade_id: i64,
        #[serde(rename = "T")]
        pub trade_time: i64,
        #[serde(rename = "m")]
        pub is_buyer_market_maker: bool,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    pub struct DepthUpdate {
        #[serde(rename = "e")]
        pub event_type: String,
        #[serde(rename = "E")]
        pub event_time: i64,
        #[serde(rename = "T")]
        pub transaction_time: i64,
        #[serde(rename = "s")]
        pub symbol: String,
        #[serde(rename = "U")]
        pub first_update_id: i64,
        #[serde(rename = "u")]
        pub final_update_id: i64,
        #[serde(rename = "pu")]
        pub previous_final_update_id: i64,
        #[serde(rename = "b")]
        pub bids: Vec<[String; 2]>,
        #[serde(rename = "a")]
        pub asks: Vec<[String; 2]>,
    }
}

/// The first example of a market stream `pattern` of `spec/usds_futures.yaml`, compacted (keys
/// sorted: see `support::in_wire_order`).
fn example(pattern: &str) -> String {
    let products = binance_spec::Specs::new()
        .dir(Path::new(binance_client::SPEC_DIR))
        .validate()
        .unwrap_or_else(|d| panic!("the workspace spec validates: {d:?}"));
    let json = products
        .iter()
        .filter(|p| p.module == "usds_futures")
        .flat_map(|p| &p.streams.market)
        .find(|s| s.patterns.iter().any(|p| p.pattern == pattern))
        .and_then(|s| s.examples.first())
        .unwrap_or_else(|| panic!("the spec has an example of {pattern}"));
    let value: Value = serde_json::from_str(json).expect("the example is JSON");
    serde_json::to_string(&value).expect("the example re-encodes")
}

/// The depth example with `levels` bids and asks, each a step away from the example's level.
fn busy_depth(example: &str, levels: usize) -> String {
    let mut value: Value = serde_json::from_str(example).expect("the example is JSON");
    for (side, step) in [("b", -1), ("a", 1)] {
        let rows: Vec<Value> = (0..levels as i64)
            .map(|i| {
                let price = format!("{}.{:02}", 10_000 + step * i, (i * 37) % 100);
                let quantity = format!("{}.{:03}", i % 7, (i * 113) % 1000);
                Value::from(vec![price, quantity])
            })
            .collect();
        value[side] = Value::Array(rows);
    }
    serde_json::to_string(&value).expect("the depth update re-encodes")
}

/// Time spent by each side over every measured iteration, for the ratio printed at the end.
#[derive(Default)]
struct Totals {
    generated: Cell<Duration>,
    baseline: Cell<Duration>,
}

/// Times `iters` rounds of one decode per side, alternating which side goes first, and returns
/// each side's total. Both sides run in the same loop, so the machine's noise (a shared 2-core
/// VM whose speed drifts between runs seconds apart) hits them alike.
fn rounds<G: DeserializeOwned, B: DeserializeOwned>(body: &str, iters: u64, totals: &Totals) -> (Duration, Duration) {
    let (mut generated, mut baseline) = (Duration::ZERO, Duration::ZERO);
    let time = |decode: &dyn Fn()| {
        let start = Instant::now();
        decode();
        start.elapsed()
    };
    let decode_generated = || {
        black_box(serde_json::from_str::<G>(black_box(body)).expect("decodes"));
    };
    let decode_baseline = || {
        black_box(serde_json::from_str::<B>(black_box(body)).expect("decodes"));
    };
    for i in 0..iters {
        if i % 2 == 0 {
            generated += time(&decode_generated);
            baseline += time(&decode_baseline);
        } else {
            baseline += time(&decode_baseline);
            generated += time(&decode_generated);
        }
    }
    totals.generated.set(totals.generated.get() + generated);
    totals.baseline.set(totals.baseline.get() + baseline);
    (generated, baseline)
}

/// Benches one payload with both decoders and prints generated / baseline over every round.
fn compare<G: DeserializeOwned, B: DeserializeOwned>(c: &mut Criterion, name: &str, body: &str) {
    // Both decode the body (outside the timing), so neither side measures a failure path.
    serde_json::from_str::<G>(body).expect("the generated event decodes");
    serde_json::from_str::<B>(body).expect("the baseline decodes");
    let mut group = c.benchmark_group("stream_decode");
    group.throughput(Throughput::Bytes(body.len() as u64));
    let totals = Totals::default();
    group.bench_function(BenchmarkId::new("generated_event", name), |b| {
        b.iter_custom(|iters| rounds::<G, B>(body, iters, &totals).0)
    });
    group.bench_function(BenchmarkId::new("baseline_string_fields", name), |b| {
        b.iter_custom(|iters| rounds::<G, B>(body, iters, &totals).1)
    });
    group.finish();
    let (generated, baseline) = (totals.generated.get(), totals.baseline.get());
    println!(
        "{name} ({} bytes): over every interleaved round, generated / baseline = {:.3}x ({generated:?} / {baseline:?})",
        body.len(),
        generated.as_secs_f64() / baseline.as_secs_f64(),
    );
}

fn benches(c: &mut Criterion) {
    // Keys in the order the server sends them (the example's), not sorted as `Value` leaves them.
    let agg_trade = support::in_wire_order::<AggregateTradeEvent>(&example("<symbol>@aggTrade"));
    let depth = support::in_wire_order::<DiffBookDepthEvent>(&example("<symbol>@depth"));
    let busy = support::in_wire_order::<DiffBookDepthEvent>(&busy_depth(&depth, 20));
    // The generated models decode the same values the baseline keeps as text.
    let trade: AggregateTradeEvent = serde_json::from_str(&agg_trade).expect("aggTrade decodes");
    assert_eq!(trade.aggregate_trade_id, 5933014);
    let update: DiffBookDepthEvent = serde_json::from_str(&busy).expect("depthUpdate decodes");
    assert_eq!((update.bids.len(), update.asks.len()), (20, 20));

    compare::<AggregateTradeEvent, baseline::AggTrade>(c, "aggTrade_example", &agg_trade);
    compare::<DiffBookDepthEvent, baseline::DepthUpdate>(c, "depthUpdate_example_1_level", &depth);
    compare::<DiffBookDepthEvent, baseline::DepthUpdate>(c, "depthUpdate_20_levels", &busy);
}

criterion_group!(stream_decode, benches);
criterion_main!(stream_decode);
