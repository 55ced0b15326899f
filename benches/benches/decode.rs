//! Decoding `GET /fapi/v3/account` into the generated models (lossless `Decimal`s, lenient
//! codec, enum with a catch-all) against a hand-written serde struct of the same shape whose
//! decimals and enums are plain `String`s (issue #7; target: generated ≤ 0.9× the baseline on
//! the large account). The bodies have their keys in the documented order, as Binance sends
//! them (`support::in_wire_order`). Each timed iteration decodes with both, alternating which
//! goes first; the bench prints the ratio of their totals over every pair.
//!
//! The floor: the same body parsed into `serde::de::IgnoredAny` (JSON syntax checked, nothing
//! kept), timed in the same loop; the bench also prints generated / floor.
//!
//! Run: `cargo bench -p binance-benches --bench decode -- --warm-up-time 1 --measurement-time 3`

mod support;

use binance_client::usds_futures::AccountInformationV3;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::cell::Cell;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The baseline: the same JSON shape, every decimal and enum kept as the string on the wire.
mod baseline {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)] // Decoded, never read.
    pub struct Account {
        pub total_initial_margin: String,
        pub total_maint_margin: String,
        pub total_wallet_balance: String,
        pub total_unrealized_profit: String,
        pub total_margin_balance: String,
        pub total_position_initial_margin: String,
        pub total_open_order_initial_margin: String,
        pub total_cross_wallet_balance: String,
        pub total_cross_un_pnl: String,
        pub available_balance: String,
        pub max_withdraw_amount: String,
        pub assets: Vec<Asset>,
        pub positions: Vec<Position>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct Asset {
        pub asset: String,
        pub wallet_balance: String,
        pub unrealized_profit: String,
        pub margin_balance: String,
        pub maint_margin: String,
        pub initial_margin: String,
        pub position_initial_margin: String,
        pub open_order_initial_margin: String,
        pub cross_wallet_balance: String,
        pub cross_un_pnl: String,
        pub available_balance: String,
        pub max_withdraw_amount: String,
        pub margin_available: Option<bool>,
        pub update_time: i64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct Position {
        pub symbol: String,
        pub position_side: String,
        pub position_amt: String,
        pub unrealized_profit: String,
        pub isolated_margin: String,
        pub notional: String,
        pub isolated_wallet: String,
        pub initial_margin: String,
        pub maint_margin: String,
        pub update_time: i64,
    }
}

/// Time spent by each side over every measured iteration, for the ratio printed at the end.
#[derive(Default)]
struct Totals {
    generated: Cell<Duration>,
    baseline: Cell<Duration>,
    floor: Cell<Duration>,
}

/// Each side's time over one batch of interleaved iterations.
struct Batch {
    generated: Duration,
    baseline: Duration,
    floor: Duration,
}

/// Times `iters` rounds of one decode per side, rotating which side goes first, and returns
/// each side's total. All sides run in the same loop, so the machine's noise (a shared 2-core VM
/// whose speed drifts by tens of percent between runs seconds apart) hits them alike.
fn rounds(body: &str, iters: u64, totals: &Totals) -> Batch {
    let mut batch = Batch { generated: Duration::ZERO, baseline: Duration::ZERO, floor: Duration::ZERO };
    let time = |decode: &dyn Fn()| {
        let start = Instant::now();
        decode();
        start.elapsed()
    };
    let generated = || {
        black_box(serde_json::from_str::<AccountInformationV3>(black_box(body)).expect("decodes"));
    };
    let baseline = || {
        black_box(serde_json::from_str::<baseline::Account>(black_box(body)).expect("decodes"));
    };
    let floor = || {
        black_box(serde_json::from_str::<serde::de::IgnoredAny>(black_box(body)).expect("parses"));
    };
    for i in 0..iters {
        match i % 3 {
            0 => {
                batch.generated += time(&generated);
                batch.baseline += time(&baseline);
                batch.floor += time(&floor);
            }
            1 => {
                batch.baseline += time(&baseline);
                batch.floor += time(&floor);
                batch.generated += time(&generated);
            }
            _ => {
                batch.floor += time(&floor);
                batch.generated += time(&generated);
                batch.baseline += time(&baseline);
            }
        }
    }
    totals.generated.set(totals.generated.get() + batch.generated);
    totals.baseline.set(totals.baseline.get() + batch.baseline);
    totals.floor.set(totals.floor.get() + batch.floor);
    batch
}

fn benches(c: &mut Criterion) {
    let bodies = [
        ("small_2_assets_1_position", support::in_wire_order::<AccountInformationV3>(&support::small_account())),
        (
            "large_20_assets_300_positions",
            support::in_wire_order::<AccountInformationV3>(&support::large_account(20, 300)),
        ),
    ];
    let mut group = c.benchmark_group("decode_account_v3");
    for (name, body) in &bodies {
        // Both decode the body (outside the timing), so neither side measures a failure path.
        let generated: AccountInformationV3 = serde_json::from_str(body).expect("generated model decodes");
        let plain: baseline::Account = serde_json::from_str(body).expect("baseline decodes");
        assert_eq!((generated.assets.len(), generated.positions.len()), (plain.assets.len(), plain.positions.len()));
        group.throughput(Throughput::Bytes(body.len() as u64));
        let totals = Totals::default();
        group.bench_function(BenchmarkId::new("generated_models", name), |b| {
            b.iter_custom(|iters| rounds(body, iters, &totals).generated)
        });
        group.bench_function(BenchmarkId::new("baseline_string_fields", name), |b| {
            b.iter_custom(|iters| rounds(body, iters, &totals).baseline)
        });
        group.bench_function(BenchmarkId::new("floor_ignored_any", name), |b| {
            b.iter_custom(|iters| rounds(body, iters, &totals).floor)
        });
        let (generated, baseline, floor) = (totals.generated.get(), totals.baseline.get(), totals.floor.get());
        println!(
            "{name}: over every interleaved round, generated / baseline = {:.3}x, generated / floor = {:.3}x, \
             baseline / floor = {:.3}x ({generated:?} / {baseline:?} / {floor:?})",
            generated.as_secs_f64() / baseline.as_secs_f64(),
            generated.as_secs_f64() / floor.as_secs_f64(),
            baseline.as_secs_f64() / floor.as_secs_f64(),
        );
    }
    group.finish();
}

criterion_group!(decode, benches);
criterion_main!(decode);
