//! `binance-mock`: runs the mock exchange until interrupted (Ctrl-C).

use binance_mock::{EndpointRoute, MockExchange};
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
    /// Port of the WebSocket API (0 = any free port).
    #[arg(long, default_value_t = 0)]
    ws_port: u16,
    /// Port of the market and user-data stream server (0 = any free port).
    #[arg(long, default_value_t = 0)]
    stream_port: u16,
    /// Directory of spec `*.yaml` files (default: the workspace's, when run from its root).
    #[arg(long, default_value = "generated-client/spec")]
    spec_dir: PathBuf,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut builder = MockExchange::builder()
        .port(args.port)
        .ws_port(args.ws_port)
        .stream_port(args.stream_port)
        .hmac_key(DEMO_API_KEY, DEMO_SECRET);
    builder = builder.spec_dir(args.spec_dir);
    let mock = match builder.start().await {
        Ok(mock) => mock,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("binance-mock listening on {}, {} and {} (streams)", mock.base_url(), mock.ws_url(), mock.stream_url());
    println!("HMAC demo key: X-MBX-APIKEY={DEMO_API_KEY}  secret={DEMO_SECRET}");
    println!("endpoints:");
    for endpoint in mock.endpoints() {
        let route = match &endpoint.route {
            EndpointRoute::Rest { method, path } => format!("{method} {path}"),
            EndpointRoute::Ws { method } => format!("WS {method}"),
        };
        println!("  {route}  {} weight {}", endpoint.security.as_str(), endpoint.weight);
    }
    println!("Ctrl-C to stop.");
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}
