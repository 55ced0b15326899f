#!/usr/bin/env bash
# Compile-time budget of generated code (issue #7).
#
# 1. Writes a synthetic spec of N endpoints (12 response fields each; the shape of
#    codegen/benches/generate.rs, written by `--example synthetic_spec`) into a temp dir, and a throwaway crate that runs
#    binance-codegen in its build.rs against it and depends on this workspace's binance-runtime
#    by path: what a user of binance-codegen does.
# 2. Builds it once with a 1-endpoint spec (all dependencies built), then swaps in the
#    N-endpoint spec and times the rebuild (build script + the generated crate), in debug and in
#    release. Seconds per 100 endpoints = (t(N) - t(1)) / (N - 1) * 100, for the wall time and
#    for the CPU time (user + system of cargo and rustc; steadier on a shared machine).
# 3. Unless --skip-cold: times a cold `cargo build --release -p binance-client` in a fresh
#    target dir and counts the crates in its dependency tree (normal + build edges).
#
# Usage: scripts/compile-time.sh [--endpoints N] [--skip-cold] [--keep]
# Everything goes to a temp dir (removed at the end unless --keep); the workspace's target/ is
# not touched.
set -euo pipefail

endpoints=500
cold=1
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --endpoints) endpoints="${2:?--endpoints needs a number}"; shift 2 ;;
    --skip-cold) cold=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ "$endpoints" =~ ^[0-9]+$ ]] || (( endpoints < 2 )); then
  echo "--endpoints must be a whole number of at least 2, got '$endpoints'" >&2
  exit 2
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d -t binance-compile-time.XXXXXX)"
cleanup() { if (( keep )); then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
export CARGO_TERM_COLOR=never

# One spec file with $1 endpoints: the generator bench's synthetic spec
# (codegen/benches/support/synthetic.rs), written by its example.
write_spec() {
  cargo run -q --manifest-path "$root/Cargo.toml" -p binance-codegen --example synthetic_spec -- "$1" > "$2"
}

# The throwaway crate: the same build.rs and lib.rs shape as generated-client, the workspace's
# profile settings (which build-time crates are optimised), and its Cargo.lock for the same versions.
crate="$work/synthetic-client"
mkdir -p "$crate/src" "$crate/spec"
cat > "$crate/Cargo.toml" <<EOF
[package]
name = "synthetic-client"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
binance-runtime = { path = "$root/runtime" }

[build-dependencies]
binance-codegen = { path = "$root/codegen", default-features = false }

[workspace]
EOF
# The workspace's [profile.*] tables, copied as they are (which build-time crates are optimised).
awk '/^\[/ { keep = /^\[profile\./ } keep' "$root/Cargo.toml" >> "$crate/Cargo.toml"
cat > "$crate/build.rs" <<'EOF'
fn main() {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec");
    if let Err(errors) = binance_codegen::Config::new().spec_dir(spec).emit_rerun_if_changed(true).write() {
        eprintln!("{errors}");
        std::process::exit(1);
    }
}
EOF
cat > "$crate/src/lib.rs" <<'EOF'
#![allow(missing_docs)]
include!(concat!(env!("OUT_DIR"), "/mod.rs"));
EOF
cp "$root/Cargo.lock" "$crate/Cargo.lock"
export CARGO_TARGET_DIR="$work/target"

now() { date +%s.%N; }
# "wall cpu" seconds taken by `cargo build` with the given flags, in the throwaway crate. CPU is
# user + system time of cargo and rustc: on a shared machine it moves much less with the load
# than the wall time does.
timed_build() {
  local TIMEFORMAT='%R %U %S'
  if ! { time (cd "$crate" && cargo build -q "$@"); } 2> "$work/time.txt"; then
    cat "$work/time.txt" >&2
    exit 1
  fi
  tail -n 1 "$work/time.txt" | awk '{ printf "%s %s\n", $1, $2 + $3 }'
}

echo "== synthetic spec: $endpoints endpoints, 12 response fields each"
write_spec "$endpoints" "$work/spec-big.yaml"
write_spec 1 "$work/spec-one.yaml"
echo "   $(wc -l < "$work/spec-big.yaml") YAML lines"

declare -A per100 per100_cpu
for profile in debug release; do
  flags=()
  [[ "$profile" == release ]] && flags=(--release)
  echo "== $profile: building dependencies (not timed)"
  cp "$work/spec-one.yaml" "$crate/spec/synthetic.yaml"
  (cd "$crate" && cargo build -q "${flags[@]}")
  # Alternate 1 and N so each timed build really regenerates and recompiles.
  cp "$work/spec-big.yaml" "$crate/spec/synthetic.yaml"
  read -r big big_cpu < <(timed_build "${flags[@]}")
  cp "$work/spec-one.yaml" "$crate/spec/synthetic.yaml"
  read -r one one_cpu < <(timed_build "${flags[@]}")
  per100[$profile]="$(echo "($big - $one) / ($endpoints - 1) * 100" | bc -l)"
  per100_cpu[$profile]="$(echo "($big_cpu - $one_cpu) / ($endpoints - 1) * 100" | bc -l)"
  printf '   %s: %d endpoints %.2f s (CPU %.2f s), 1 endpoint %.2f s (CPU %.2f s) -> %.2f s per 100 endpoints (CPU %.2f s)\n' \
    "$profile" "$endpoints" "$big" "$big_cpu" "$one" "$one_cpu" "${per100[$profile]}" "${per100_cpu[$profile]}"
done
echo "   load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"

if (( cold )); then
  echo "== cold cargo build --release -p binance-client (fresh target dir)"
  start="$(now)"
  (cd "$root" && CARGO_TARGET_DIR="$work/cold-target" cargo build -q --release -p binance-client)
  cold_s="$(echo "$(now) - $start" | bc -l)"
  crates="$(cd "$root" && cargo tree -q -p binance-client -e normal,build --prefix none --format '{p}' \
    | sed -E 's/ \(\*\)$//; s/ \(proc-macro\)$//' | sort -u | wc -l)"
  printf '   cold release build %.1f s; %d crates in the tree (normal + build, binance-client included)\n' \
    "$cold_s" "$crates"
fi

echo "== summary"
printf 'per 100 endpoints (deps built): debug %.2f s, release %.2f s (CPU: debug %.2f s, release %.2f s)\n' \
  "${per100[debug]}" "${per100[release]}" "${per100_cpu[debug]}" "${per100_cpu[release]}"
if (( cold )); then
  printf 'cold release build of binance-client: %.1f s, %d crates\n' "$cold_s" "$crates"
fi
