//! Generates the typed client from `spec/*.yaml` (packaged with this crate) into `OUT_DIR`: one module per product
//! whose cargo feature is enabled.

/// Product modules and their features (`usds_futures` ↔ `usds-futures`, which cargo exposes
/// as `CARGO_FEATURE_USDS_FUTURES`).
const PRODUCTS: &[&str] = &["usds_futures", "portfolio_margin", "portfolio_margin_pro"];

fn main() {
    let spec_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec");
    let enabled =
        PRODUCTS.iter().filter(|module| std::env::var_os(format!("CARGO_FEATURE_{}", module.to_uppercase())).is_some());
    if let Err(errors) = binance_codegen::Config::new()
        .spec_dir(spec_dir)
        .products(enabled.copied())
        .emit_rerun_if_changed(true)
        // `WsClient` needs the runtime's WebSocket client, which this crate's `ws` feature enables.
        .ws_client(std::env::var_os("CARGO_FEATURE_WS").is_some())
        .write()
    {
        // Cargo shows build-script stderr when the script fails: one line per problem.
        eprintln!("{errors}");
        std::process::exit(1);
    }
}
