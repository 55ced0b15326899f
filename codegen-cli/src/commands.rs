//! The `sync`, `import`, `diff`, `check` and `coverage` subcommands.

use binance_codegen::{render_inline, Config};
use binance_codegen_cli::diff::{diff_spec_sets, Bump};
use binance_codegen_cli::import::sync::Options;
use binance_codegen_cli::import::{import_page, ImportError};
use binance_spec::ast::SpecFile;
use binance_spec::ir::{Product, Transport};
use binance_spec::load;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Exit status for usage and input errors (1 is "breaking changes" / "check failed").
fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn read_spec(path: &Path) -> Result<SpecFile, String> {
    load::load_file(path).map(|l| l.ast).map_err(|d| d.to_string())
}

/// Writes to standard output; a closed pipe (`sync | head`) ends the output quietly instead of
/// panicking like `print!`.
pub fn out(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

pub fn sync(docs_dir: &Path, spec_dir: &Path, check: bool, allow_failed_pages: bool) -> ExitCode {
    let options = Options { check, allow_failed_pages };
    let report = match binance_codegen_cli::import::sync::sync(docs_dir, spec_dir, options) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    out(&report.to_string());
    if report.ok() {
        if !check && report.products.iter().any(|p| p.file_changed) {
            out("review with `git diff` and `binance-codegen diff --git HEAD`\n");
        }
        return ExitCode::SUCCESS;
    }
    if check && report.failures.is_empty() && report.products.iter().all(|p| p.invalid.is_none()) {
        eprintln!("error: the spec is not current; run `binance-codegen sync` and commit the result");
    }
    ExitCode::FAILURE
}

/// Prints each page's import as YAML; exits 1 when any page failed (the others still print).
pub fn import(pages: &[PathBuf]) -> ExitCode {
    let mut failed = false;
    for page in pages {
        match import_page(page) {
            Ok(i) => {
                for w in &i.warnings {
                    eprintln!("warning: {}: {w}", page.display());
                }
                out(&format!("# {}\n{}", page.display(), i.to_yaml()));
            }
            Err(ImportError::NotAnEndpointPage { reason, .. }) => {
                eprintln!("skipped: {}: not an endpoint page ({reason})", page.display());
            }
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    eprintln!(
        "note: `import` only prints; to change the spec, put the page under docs/binance/<product>/ and run \
         `binance-codegen sync`"
    );
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Spec files of a file or directory, parsed.
fn load_side(path: &Path) -> Result<Vec<SpecFile>, String> {
    let files = if path.is_dir() { load::spec_files_in(path).map_err(|d| d.to_string())? } else { vec![path.into()] };
    files.iter().map(|f| read_spec(f)).collect()
}

fn git(args: &[&str]) -> Result<String, String> {
    let out = Command::new("git").args(args).output().map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!("git {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("git {}: output is not UTF-8", args.join(" ")))
}

/// The spec files under `path` as they were at git revision `rev`.
fn load_git(rev: &str, path: &Path) -> Result<Vec<SpecFile>, String> {
    let shown = path.to_string_lossy();
    let listing = git(&["ls-tree", "--name-only", rev, "--", &format!("./{shown}"), &format!("./{shown}/")])?;
    let mut names: Vec<&str> = listing.lines().filter(|l| l.ends_with(".yaml") || l.ends_with(".yml")).collect();
    names.sort();
    names.dedup();
    names
        .iter()
        .map(|name| {
            let text = git(&["show", &format!("{rev}:./{name}")])?;
            let at = PathBuf::from(format!("{rev}:{name}"));
            load::parse(&at, &text).map(|l| l.ast).map_err(|d| d.to_string())
        })
        .collect()
}

pub fn diff(old: Option<PathBuf>, new: Option<PathBuf>, rev: Option<&str>, json: bool, deny: bool) -> ExitCode {
    let sides = match (rev, old, new) {
        (Some(rev), path, None) => {
            let path = path.unwrap_or_else(|| PathBuf::from(crate::DEFAULT_SPEC_DIR));
            load_git(rev, &path).and_then(|o| load_side(&path).map(|n| (o, n)))
        }
        (None, Some(old), Some(new)) => load_side(&old).and_then(|o| load_side(&new).map(|n| (o, n))),
        _ => return fail("give OLD and NEW, or --git REV [PATH]"),
    };
    let (old, new) = match sides {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let d = diff_spec_sets(&old, &new);
    if json {
        let body = serde_json::json!({
            "changes": d.changes,
            "breaking": d.has_breaking(),
            "bump": d.bump(),
            "bump_0x": d.bump().for_version(0),
        });
        match serde_json::to_string_pretty(&body) {
            Ok(text) => out(&format!("{text}\n")),
            Err(e) => return fail(e),
        }
    } else if d.changes.is_empty() {
        out(&format!("no changes; suggested bump: {}\n", Bump::None));
    } else {
        out(&d.to_string());
    }
    if deny && d.has_breaking() {
        eprintln!("error: breaking changes found (--deny-breaking)");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

pub fn check(config: &Config, generated: Option<&Path>) -> ExitCode {
    let files = match config.generate() {
        Ok(f) => f,
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!("error: the spec is invalid");
            return ExitCode::FAILURE;
        }
    };
    out(&format!("ok: spec is valid ({} files)\n", files.len()));
    if let Some(path) = generated {
        let fresh = render_inline(&files);
        match std::fs::read_to_string(path) {
            Ok(committed) if committed == fresh => out(&format!("ok: {} is up to date\n", path.display())),
            Ok(_) => {
                eprintln!(
                    "error: {} is stale; run `binance-codegen generate -o {}` and commit it",
                    path.display(),
                    path.display()
                );
                return ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!(
                    "error: cannot read {}: {e}; run `binance-codegen generate -o {}` and commit it",
                    path.display(),
                    path.display()
                );
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

/// Prints the endpoints of the (valid) spec as a Markdown table: the README's "Coverage" section.
pub fn coverage(config: &Config) -> ExitCode {
    match config.validate() {
        Ok(products) => {
            out(&coverage_table(&products));
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!("error: the spec is invalid; `binance-codegen validate` lists the problems");
            ExitCode::FAILURE
        }
    }
}

/// Security types in Binance's order (least to most privileged); a type the spec uses beyond
/// these gets its own column after them, so the table never hides an endpoint.
const SECURITY_ORDER: [&str; 5] = ["NONE", "MARKET_DATA", "USER_STREAM", "USER_DATA", "TRADE"];
const METHOD_ORDER: [&str; 4] = ["GET", "POST", "PUT", "DELETE"];

/// Column names: the known ones always (zeros show what a product lacks), then the rest sorted.
fn columns<'a>(known: &[&'a str], seen: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut extra: Vec<&str> = seen.filter(|s| !known.contains(s)).collect();
    extra.sort_unstable();
    extra.dedup();
    known.iter().copied().chain(extra).collect()
}

/// One row's counts: REST, WebSocket API, total, then per security column and per method column.
fn counts(products: &[&Product], security: &[&str], methods: &[&str]) -> Vec<usize> {
    let endpoints = || products.iter().flat_map(|p| p.endpoints.iter());
    let rest = endpoints().filter(|e| matches!(e.transport, Transport::Http { .. })).count();
    let ws = endpoints().filter(|e| matches!(e.transport, Transport::Ws { .. })).count();
    let mut row = vec![rest, ws, rest + ws];
    row.extend(security.iter().map(|s| endpoints().filter(|e| e.security.as_str() == *s).count()));
    row.extend(methods.iter().map(|m| {
        endpoints().filter(|e| matches!(&e.transport, Transport::Http { method, .. } if method == m)).count()
    }));
    row
}

/// The Markdown table of `coverage`: a row per product (spec order), then the totals.
pub fn coverage_table(products: &[Product]) -> String {
    let all = || products.iter().flat_map(|p| p.endpoints.iter());
    let security = columns(&SECURITY_ORDER, all().map(|e| e.security.as_str()));
    let methods = columns(
        &METHOD_ORDER,
        all().filter_map(|e| match &e.transport {
            Transport::Http { method, .. } => Some(method.as_str()),
            Transport::Ws { .. } => None,
        }),
    );
    let mut header = vec!["product".to_string(), "REST".into(), "WebSocket API".into(), "total".into()];
    header.extend(security.iter().map(|s| format!("`{s}`")));
    header.extend(methods.iter().map(|m| format!("REST `{m}`")));
    let mut text = format!("| {} |\n|{}\n", header.join(" | "), "---|".repeat(header.len()));
    let mut row = |name: String, counts: Vec<usize>| {
        let cells: Vec<String> = counts.iter().map(usize::to_string).collect();
        text.push_str(&format!("| {name} | {} |\n", cells.join(" | ")));
    };
    for p in products {
        row(format!("{} (`{}`)", p.title, p.module), counts(&[p], &security, &methods));
    }
    let everything: Vec<&Product> = products.iter().collect();
    row("**total**".to_string(), counts(&everything, &security, &methods));
    text
}
