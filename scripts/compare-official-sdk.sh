#!/usr/bin/env bash
# A user's build times with this client vs Binance's official `binance-sdk` crate (issue #12,
# item 8): two throwaway binary crates outside the repo, each with two release binaries:
#   main   — calls GET /fapi/v3/account once and prints the result;
#   twenty — calls 20 USDⓈ-M Futures REST endpoints (the same 20 on both sides).
# Crates (under --work, default /tmp/binance-compare):
#   ours      — binance-client by path, one product (`--no-default-features --features usds-futures`);
#   ours-all  — binance-client by path with its default features (all three products); cold only;
#   official  — binance-sdk 77.2.0, features derivatives_trading_usds_futures + rustls-tls
#               (its default TLS is OpenSSL; rustls-tls avoids it).
# Measures:
#   cold   — `cargo build --release --bins` in an empty target dir: wall, user CPU, system CPU,
#            and the crate count (normal + build edges of the dependency tree, as BENCHMARKS.md);
#   incr   — after touching one binary's source, `cargo build --release --bin <it>`: wall and
#            CPU. Repeated --reps times, ours and official back to back, for main and twenty.
# Dependencies are fetched before any timing; each side builds into its own target dir.
# The load average (1 min) is printed with each figure: the machine may be shared.
#
# --ours-only skips the official SDK (and ours-all): to re-measure our side alone against
# official figures already recorded in BENCHMARKS.md.
#
# Usage: scripts/compare-official-sdk.sh [--reps N] [--skip-cold] [--ours-only] [--work DIR] [--keep]
set -euo pipefail

reps=3
cold=1
keep=0
sides=(ours official)
cold_sides=(ours official ours-all)
work=/tmp/binance-compare
while [[ $# -gt 0 ]]; do
  case "$1" in
    --reps) reps="${2:?--reps needs a number}"; shift 2 ;;
    --skip-cold) cold=0; shift ;;
    --work) work="${2:?--work needs a directory}"; shift 2 ;;
    --keep) keep=1; shift ;;
    --ours-only) sides=(ours); cold_sides=(ours); shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ "$reps" =~ ^[0-9]+$ ]]; then
  echo "--reps must be a whole number, got '$reps'" >&2
  exit 2
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
case "$work" in "$root"|"$root"/*) echo "--work must be outside the repository" >&2; exit 2 ;; esac
mkdir -p "$work"
cleanup() { if (( keep )); then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
export CARGO_TERM_COLOR=never

# The 20 endpoints of `twenty`, as (our method, our request constructor, official method,
# official params). Every one is a GET whose parameters are all optional, except `symbol` where
# noted; both sides send the same thing.
endpoints=(
  "account_information_v3|AccountInformationV3Request::new()|account_information_v3|AccountInformationV3Params::default()"
  "account_information_v2|AccountInformationV2Request::new()|account_information_v2|AccountInformationV2Params::default()"
  "futures_account_balance_v3|FuturesAccountBalanceV3Request::new()|futures_account_balance_v3|FuturesAccountBalanceV3Params::default()"
  "futures_account_balance_v2|FuturesAccountBalanceV2Request::new()|futures_account_balance_v2|FuturesAccountBalanceV2Params::default()"
  "futures_trading_quantitative_rules_indicators|FuturesTradingQuantitativeRulesIndicatorsRequest::new()|futures_trading_quantitative_rules_indicators|FuturesTradingQuantitativeRulesIndicatorsParams::default()"
  "get_bnb_burn_status|GetBnbBurnStatusRequest::new()|get_bnb_burn_status|GetBnbBurnStatusParams::default()"
  "get_current_multi_assets_mode|GetCurrentMultiAssetsModeRequest::new()|get_current_multi_assets_mode|GetCurrentMultiAssetsModeParams::default()"
  "get_current_position_mode|GetCurrentPositionModeRequest::new()|get_current_position_mode|GetCurrentPositionModeParams::default()"
  "get_income_history|GetIncomeHistoryRequest::new()|get_income_history|GetIncomeHistoryParams::default()"
  "notional_and_leverage_brackets|NotionalAndLeverageBracketsRequest::new()|notional_and_leverage_brackets|NotionalAndLeverageBracketsParams::default()"
  "adl_risk|AdlRiskRequest::new()|adl_risk|AdlRiskParams::default()"
  "composite_index_symbol_information|CompositeIndexSymbolInformationRequest::new()|composite_index_symbol_information|CompositeIndexSymbolInformationParams::default()"
  "get_funding_rate_history|GetFundingRateHistoryRequest::new()|get_funding_rate_history|GetFundingRateHistoryParams::default()"
  "mark_price|MarkPriceRequest::new()|mark_price|MarkPriceParams::default()"
  "symbol_order_book_ticker|SymbolOrderBookTickerRequest::new()|symbol_order_book_ticker|SymbolOrderBookTickerParams::default()"
  "symbol_price_ticker|SymbolPriceTickerRequest::new()|symbol_price_ticker|SymbolPriceTickerParams::default()"
  "symbol_price_ticker_v2|SymbolPriceTickerV2Request::new()|symbol_price_ticker_v2|SymbolPriceTickerV2Params::default()"
  "current_all_open_orders|CurrentAllOpenOrdersRequest::new()|current_all_open_orders|CurrentAllOpenOrdersParams::default()"
  "position_information_v3|PositionInformationV3Request::new()|position_information_v3|PositionInformationV3Params::default()"
  "users_force_orders|UsersForceOrdersRequest::new()|users_force_orders|UsersForceOrdersParams::default()"
)

write_ours() { # $1 dir, $2 binance-client dependency line
  mkdir -p "$1/src/bin"
  cat > "$1/Cargo.toml" <<EOF
[package]
name = "cmp-ours"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
$2
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

[workspace]
EOF
  cp "$root/Cargo.lock" "$1/Cargo.lock" # the versions the workspace is tested with
  cat > "$1/src/main.rs" <<'EOF'
use binance_client::runtime::Credentials;
use binance_client::usds_futures::{AccountInformationV3Request, Client};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("API_KEY").unwrap_or_default();
    let secret = std::env::var("API_SECRET").unwrap_or_default();
    let client = Client::new(Client::builder().credentials(Credentials::hmac(key, secret)?).build()?);
    let account = client.account_information_v3(&AccountInformationV3Request::new()).await?;
    println!("{account:?}");
    Ok(())
}
EOF
  {
    echo 'use binance_client::runtime::Credentials;'
    echo 'use binance_client::usds_futures::*;'
    echo
    echo '#[tokio::main]'
    echo 'async fn main() -> Result<(), Box<dyn std::error::Error>> {'
    echo '    let key = std::env::var("API_KEY").unwrap_or_default();'
    echo '    let secret = std::env::var("API_SECRET").unwrap_or_default();'
    echo '    let client = Client::new(Client::builder().credentials(Credentials::hmac(key, secret)?).build()?);'
    for e in "${endpoints[@]}"; do
      IFS='|' read -r method request _ _ <<<"$e"
      echo "    println!(\"{:?}\", client.$method(&$request).await?);"
    done
    echo '    Ok(())'
    echo '}'
  } > "$1/src/bin/twenty.rs"
}

write_official() { # $1 dir
  mkdir -p "$1/src/bin"
  cat > "$1/Cargo.toml" <<'EOF'
[package]
name = "cmp-official"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
binance-sdk = { version = "=77.2.0", default-features = false, features = ["derivatives_trading_usds_futures", "rustls-tls"] }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

[workspace]
EOF
  cat > "$1/src/main.rs" <<'EOF'
use binance_sdk::config::ConfigurationRestApi;
use binance_sdk::derivatives_trading_usds_futures::{rest_api::AccountInformationV3Params, DerivativesTradingUsdsFuturesRestApi};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("API_KEY").unwrap_or_default();
    let secret = std::env::var("API_SECRET").unwrap_or_default();
    let client = DerivativesTradingUsdsFuturesRestApi::production(ConfigurationRestApi::builder().api_key(key).api_secret(secret).build()?);
    let account = client.account_information_v3(AccountInformationV3Params::default()).await?.data().await?;
    println!("{account:?}");
    Ok(())
}
EOF
  {
    echo 'use binance_sdk::config::ConfigurationRestApi;'
    echo 'use binance_sdk::derivatives_trading_usds_futures::{rest_api::*, DerivativesTradingUsdsFuturesRestApi};'
    echo
    echo '#[tokio::main]'
    echo 'async fn main() -> Result<(), Box<dyn std::error::Error>> {'
    echo '    let key = std::env::var("API_KEY").unwrap_or_default();'
    echo '    let secret = std::env::var("API_SECRET").unwrap_or_default();'
    echo '    let client = DerivativesTradingUsdsFuturesRestApi::production(ConfigurationRestApi::builder().api_key(key).api_secret(secret).build()?);'
    for e in "${endpoints[@]}"; do
      IFS='|' read -r _ _ method params <<<"$e"
      echo "    println!(\"{:?}\", client.$method($params).await?.data().await?);"
    done
    echo '    Ok(())'
    echo '}'
  } > "$1/src/bin/twenty.rs"
}

load() { cut -d' ' -f1 /proc/loadavg; }

# Runs cargo with the given arguments in $1 under /usr/bin/time; prints "wall user sys".
timed() {
  local dir="$1"; shift
  local out; out="$(mktemp)"
  if ! (cd "$dir" && /usr/bin/time -f '%e %U %S' -o "$out" cargo "$@" >"$out.log" 2>&1); then
    echo "cargo $* failed in $dir:" >&2; tail -30 "$out.log" >&2; exit 1
  fi
  cat "$out"; rm -f "$out" "$out.log"
}

crates() { # normal + build edges, the crate itself included
  (cd "$1" && cargo tree -q -e normal,build --prefix none --format '{p}' | sed -E 's/ \(\*\)$//; s/ \(proc-macro\)$//' | sort -u | wc -l)
}

write_ours "$work/ours" "binance-client = { path = \"$root/generated-client\", default-features = false, features = [\"usds-futures\"] }"
write_ours "$work/ours-all" "binance-client = { path = \"$root/generated-client\" }"
write_official "$work/official"
for side in "${cold_sides[@]}"; do (cd "$work/$side" && cargo fetch -q); done

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, binance-client at $(git -C "$root" rev-parse --short HEAD)"
if (( cold )); then
  echo
  echo "| cold release build (both binaries) | wall s | user s | sys s | crates | load before |"
  echo "|---|---|---|---|---|---|"
  for side in "${cold_sides[@]}"; do
    rm -rf "$work/$side/target"
    l="$(load)"
    read -r wall user sys <<<"$(timed "$work/$side" build --release --bins)"
    echo "| $side | $wall | $user | $sys | $(crates "$work/$side") | $l |"
  done
else
  for side in "${sides[@]}"; do timed "$work/$side" build --release --bins >/dev/null; done
fi

echo
echo "| incremental release rebuild after touching the binary's source | rep | wall s | user s | sys s | load before |"
echo "|---|---|---|---|---|---|"
for ((r = 1; r <= reps; r++)); do
  for bin in main twenty; do
    for side in "${sides[@]}"; do
      if [[ $bin == main ]]; then src=src/main.rs; else src=src/bin/twenty.rs; fi
      touch "$work/$side/$src"
      l="$(load)"
      bin_name=twenty; [[ $bin == main ]] && bin_name="cmp-$side"
      read -r wall user sys <<<"$(timed "$work/$side" build --release --bin "$bin_name")"
      echo "| $side $bin | $r | $wall | $user | $sys | $l |"
    done
  done
done
