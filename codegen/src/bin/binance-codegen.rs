//! `binance-codegen`: generate, validate, import and diff Binance endpoint specs.

use binance_codegen::{render_inline, Config};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[path = "binance-codegen/commands.rs"]
mod commands;

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
    /// Import Binance doc pages into the spec.
    ///
    /// New endpoints are added, existing ones updated; hand refinements are kept. Prints what
    /// changed; rewrites a spec file only if it changed.
    Import {
        /// Doc pages (scraped or front-matter Markdown).
        #[arg(required = true)]
        pages: Vec<PathBuf>,
        /// The spec directory; each page goes to the file that already holds its endpoint, else
        /// the file whose product docs URL the page is under.
        #[arg(long, default_value = "spec")]
        spec_dir: PathBuf,
        /// Put every page into this spec file instead.
        #[arg(long)]
        spec: Option<PathBuf>,
        /// Print each page's import as YAML and do not touch the spec.
        #[arg(long)]
        print: bool,
        /// Report what would change, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Compare two spec versions and classify every change (breaking, additive, weight, docs).
    Diff {
        /// Old version: a spec file or directory (with --git: the work-tree path, default `spec`).
        old: Option<PathBuf>,
        /// New version: a spec file or directory.
        new: Option<PathBuf>,
        /// Compare the work tree's spec against this git revision (e.g. HEAD, origin/main).
        #[arg(long, value_name = "REV")]
        git: Option<String>,
        /// Print the changes as JSON.
        #[arg(long)]
        json: bool,
        /// Exit with status 1 when any change is breaking.
        #[arg(long)]
        deny_breaking: bool,
    },
    /// For CI: fail when the spec is invalid or a generated file committed for review is stale.
    Check {
        /// Spec files or directories of spec files.
        #[arg(default_value = "spec")]
        specs: Vec<PathBuf>,
        /// A file written by `generate -o FILE` and committed; fails when it differs from what
        /// the spec generates now.
        #[arg(long, value_name = "FILE")]
        generated: Option<PathBuf>,
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
        Command::Import { pages, spec_dir, spec, print, dry_run } => {
            commands::import(&pages, &spec_dir, spec.as_deref(), print, dry_run)
        }
        Command::Diff { old, new, git, json, deny_breaking } => {
            commands::diff(old, new, git.as_deref(), json, deny_breaking)
        }
        Command::Check { specs, generated } => commands::check(&config_for(&specs), generated.as_deref()),
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
