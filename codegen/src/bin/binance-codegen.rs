//! `binance-codegen`: generate, validate, import and diff Binance endpoint specs.

use binance_codegen::{render_inline, Config};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "binance-codegen", version, about = "Typed Rust clients from a YAML spec of Binance endpoints")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print (or write) the generated client for review.
    Generate {
        /// Spec files or directories of spec files.
        #[arg(default_value = "spec")]
        specs: Vec<PathBuf>,
        /// Write the generated source to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Check spec files; prints every problem and exits non-zero if there is one.
    Validate {
        /// Spec files or directories of spec files.
        #[arg(default_value = "spec")]
        specs: Vec<PathBuf>,
    },
}

fn config_for(specs: &[PathBuf]) -> Config {
    let mut config = Config::new();
    for s in specs {
        if s.is_dir() {
            config.spec_dir(s);
        } else {
            config.spec_file(s);
        }
    }
    config
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Generate { specs, output } => match config_for(&specs).generate() {
            Ok(files) => {
                let text = render_inline(&files);
                match output {
                    Some(path) => {
                        if let Err(e) = std::fs::write(&path, text) {
                            eprintln!("error: cannot write {}: {e}", path.display());
                            return ExitCode::FAILURE;
                        }
                        eprintln!("wrote {}", path.display());
                    }
                    None => print!("{text}"),
                }
                ExitCode::SUCCESS
            }
            Err(errors) => {
                eprintln!("{errors}");
                ExitCode::FAILURE
            }
        },
        Command::Validate { specs } => match config_for(&specs).validate() {
            Ok(products) => {
                let endpoints: usize = products.iter().map(|p| p.endpoints.len()).sum();
                println!("ok: {} spec files, {endpoints} endpoints", products.len());
                ExitCode::SUCCESS
            }
            Err(errors) => {
                eprintln!("{errors}");
                ExitCode::FAILURE
            }
        },
    }
}
