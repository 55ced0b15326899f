//! Benchmarks only: see `benches/` (`cargo bench -p binance-benches`).
