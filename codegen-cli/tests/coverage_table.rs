//! The README's "Coverage" table is exactly what `binance-codegen coverage` prints for `generated-client/spec/`,
//! so the README cannot drift from the spec; and its total row agrees with the validated spec.

use binance_codegen::Config;
use binance_spec::ir::Transport;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `binance-codegen coverage spec`, run from the repository root as the README says.
fn coverage_output() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_binance-codegen"))
        .current_dir(repo())
        .args(["coverage", "generated-client/spec"])
        .output()
        .unwrap();
    assert!(out.status.success(), "coverage failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The README's table: the first Markdown table after the `## Coverage` heading.
fn readme_table() -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = readme.split_once("\n## Coverage\n").expect("README.md has a `## Coverage` section").1;
    let lines: Vec<&str> =
        section.lines().skip_while(|l| !l.starts_with('|')).take_while(|l| l.starts_with('|')).collect();
    assert!(!lines.is_empty(), "README.md's Coverage section has no table");
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn readme_coverage_table_is_the_commands_output_for_spec() {
    let fresh = coverage_output();
    let committed = readme_table();
    assert_eq!(
        committed, fresh,
        "README.md's Coverage table is stale: run `cargo run -q -p binance-codegen-cli -- coverage` and paste its \
         output into the README's Coverage section"
    );
}

/// The total row counts every endpoint of the validated spec, split into REST and WebSocket API.
#[test]
fn total_row_matches_the_spec() {
    let products = Config::new().spec_dir(repo().join("generated-client/spec")).validate().unwrap();
    let endpoints: Vec<_> = products.iter().flat_map(|p| &p.endpoints).collect();
    let ws = endpoints.iter().filter(|e| matches!(e.transport, Transport::Ws { .. })).count();
    let expected = format!("| **total** | {} | {ws} | {} |", endpoints.len() - ws, endpoints.len());
    let output = coverage_output();
    let total = output.lines().last().unwrap_or_default();
    assert!(total.starts_with(&expected), "total row {total:?} does not start with {expected:?}");
    assert_eq!(output.lines().count(), 2 + products.len() + 1, "header, rule, a row per product, total");
}
