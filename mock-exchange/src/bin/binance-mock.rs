//! `binance-mock`: runs the mock exchange until interrupted (Ctrl-C).

use binance_mock::MockExchange;
use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

/// The demo HMAC key the binary accepts.
const DEMO_API_KEY: &str = "mock-api-key";
/// Its secret. A demo value for loopback use only.
const DEMO_SECRET: &str = "mock-secret-key";

/// A local Binance exchange served from the endpoint spec, on 127.0.0.1.
#[derive(Debug, Parser)]
#[command(name = "binance-mock", version)]
struct Args {
    /// Port to listen on (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Directory of spec `*.yaml` files (default: the workspace's spec/).
    #[arg(long)]
    spec_dir: Option<PathBuf>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut builder = MockExchange::builder().port(args.port).hmac_key(DEMO_API_KEY, DEMO_SECRET);
    if let Some(dir) = args.spec_dir {
        builder = builder.spec_dir(dir);
    }
    let mock = match builder.start().await {
        Ok(mock) => mock,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("binance-mock listening on {}", mock.base_url());
    println!("HMAC demo key: X-MBX-APIKEY={DEMO_API_KEY}  secret={DEMO_SECRET}");
    println!("routes:");
    for (method, path) in mock.routes() {
        println!("  {method} {path}");
    }
    println!("Ctrl-C to stop.");
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}
