//! Generates the synthetic spec's module (`synthetic/synthetic.yaml`) into `OUT_DIR`, so the
//! request-building tests run against exactly what the generator emits.

fn main() {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("synthetic/synthetic.yaml");
    if let Err(errors) = binance_codegen::Config::new().spec_file(spec).emit_rerun_if_changed(true).write() {
        eprintln!("{errors}");
        std::process::exit(1);
    }
}
