//! The maintainer's loop through the CLI, in a scratch git repository: import unchanged pages
//! (nothing is written), import an edited page (the spec file is rewritten, its header kept),
//! then `diff --git HEAD` classifies exactly the edit.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(program).current_dir(dir).args(args).output().unwrap()
}

fn pages() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages")
}

#[test]
fn import_then_diff_against_git() {
    let bin = env!("CARGO_BIN_EXE_binance-codegen");
    let dir = std::env::temp_dir().join(format!("binance-codegen-import-{}", std::process::id()));
    let spec = dir.join("spec");
    std::fs::create_dir_all(&spec).unwrap();
    let repo_spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    for entry in std::fs::read_dir(&repo_spec).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            std::fs::copy(&path, spec.join(path.file_name().unwrap())).unwrap();
        }
    }
    let git = |args: &[&str]| {
        let out = run(&dir, "git", &[&["-c", "user.name=t", "-c", "user.email=t@example.invalid"], args].concat());
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    git(&["init", "-q"]);
    git(&["add", "spec"]);
    git(&["commit", "-q", "-m", "spec"]);
    let before = std::fs::read_to_string(spec.join("portfolio_margin.yaml")).unwrap();

    // Unchanged pages: every endpoint reported unchanged, no file written.
    let all: Vec<String> =
        std::fs::read_dir(pages()).unwrap().map(|e| e.unwrap().path().display().to_string()).collect();
    let mut args = vec!["import"];
    args.extend(all.iter().map(String::as_str));
    let out = run(&dir, bin, &args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.matches(": unchanged").count(), 5, "{stdout}");
    assert!(!stdout.contains("rewrote"), "{stdout}");
    assert_eq!(std::fs::read_to_string(spec.join("portfolio_margin.yaml")).unwrap(), before);

    // An edited page: the weight changed.
    let text = std::fs::read_to_string(pages().join("002_b2e00a12ebd56eb6.txt")).unwrap();
    let edited = dir.join("edited.md");
    std::fs::write(&edited, text.replace("**20**", "**40**")).unwrap();
    let out = run(&dir, bin, &["import", edited.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("account_information: weight updated from the page"), "{stdout}");
    assert!(stdout.contains("rewrote spec/portfolio_margin.yaml"), "{stdout}");
    let after = std::fs::read_to_string(spec.join("portfolio_margin.yaml")).unwrap();
    assert!(after.starts_with("# Portfolio Margin (papi) endpoints."), "the provenance header is kept");

    let out = run(&dir, bin, &["diff", "--git", "HEAD", "--deny-breaking"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        stdout,
        "weight   portfolio_margin.endpoints.account_information.weight: weight IP 20 → IP 40\n\
         0 breaking, 0 additive, 1 weight, 0 docs; suggested bump: patch (for a 0.x crate: patch)\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
