//! Prints the synthetic spec of the generator bench: `cargo run -p binance-codegen --example
//! synthetic_spec -- N` writes N endpoints (12 response fields each) as YAML to standard output.
//! `scripts/compile-time.sh` uses it.

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

use std::process::ExitCode;

fn main() -> ExitCode {
    let arg = std::env::args().nth(1).unwrap_or_default();
    match arg.parse::<usize>() {
        Ok(n) if n > 0 => {
            print!("{}", synthetic::synthetic_spec(n));
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: synthetic_spec N   (N: number of endpoints, at least 1; got '{arg}')");
            ExitCode::from(2)
        }
    }
}
