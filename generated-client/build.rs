//! Generates the typed client from `../spec/*.yaml` into `OUT_DIR`.

fn main() {
    let spec_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    if let Err(errors) = binance_codegen::Config::new()
        .spec_dir(spec_dir)
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
