//! The maintainer's loop through the CLI, in a scratch git repository: `sync` writes the spec
//! from the vendored pages, `sync --check` fails once a page changed, `sync` rewrites only that
//! endpoint, and `diff --git HEAD` classifies exactly the edit. Also: `sync | head` does not
//! panic, and `import` only prints (it exits 1 when a page fails).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(program).current_dir(dir).args(args).output().unwrap()
}

mod support;
use support::{copy_dir, repo};

/// A scratch project laid out like the workspace, with Portfolio Margin Pro's pages and
/// override file (no spec yet).
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("binance-codegen-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&repo().join("docs/binance/portfolio-margin-pro"), &dir.join("docs/binance/portfolio-margin-pro"));
    std::fs::create_dir_all(dir.join("generated-client/spec/overrides")).unwrap();
    std::fs::copy(
        repo().join("generated-client/spec/overrides/portfolio_margin_pro.yaml"),
        dir.join("generated-client/spec/overrides/portfolio_margin_pro.yaml"),
    )
    .unwrap();
    dir
}

#[test]
fn sync_check_and_diff_against_git() {
    let bin = env!("CARGO_BIN_EXE_binance-codegen");
    let dir = scratch("loop");
    let git = |args: &[&str]| {
        let out = run(&dir, "git", &[&["-c", "user.name=t", "-c", "user.email=t@example.invalid"], args].concat());
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let out = run(&dir, bin, &["sync"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout
            .contains("portfolio_margin_pro (generated-client/spec/portfolio_margin_pro.yaml): written; 21 endpoints"),
        "{stdout}"
    );
    git(&["init", "-q"]);
    git(&["add", "generated-client", "docs"]);
    git(&["commit", "-q", "-m", "spec"]);

    let out = run(&dir, bin, &["sync", "--check"]);
    assert!(out.status.success(), "a fresh spec is current: {}", String::from_utf8_lossy(&out.stdout));

    let page = dir.join("docs/binance/portfolio-margin-pro/account/BNB-transfer.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, text.replace("**1500**", "**3000**")).unwrap();
    let out = run(&dir, bin, &["sync", "--check"]);
    assert_eq!(out.status.code(), Some(1), "a stale spec fails the check");
    assert!(String::from_utf8_lossy(&out.stderr).contains("run `binance-codegen sync`"));

    let out = run(&dir, bin, &["sync"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("(0 added, 1 changed, 20 unchanged, 0 removed)"), "{stdout}");
    assert!(stdout.contains("  changed: bnb_transfer\n"), "{stdout}");

    let out = run(&dir, bin, &["diff", "--git", "HEAD", "--deny-breaking"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        stdout,
        "weight   portfolio_margin_pro.endpoints.bnb_transfer.weight: weight IP 1500 → IP 3000\n\
         0 breaking, 0 additive, 1 weight, 0 docs; suggested bump: patch (for a 0.x crate: patch)\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn output_into_a_closed_pipe_does_not_panic() {
    let bin = env!("CARGO_BIN_EXE_binance-codegen");
    let dir = scratch("pipe");
    let mut child =
        Command::new(bin).current_dir(&dir).arg("sync").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // The read end is closed before sync has read its pages, so every line it prints goes
    // into a closed pipe (what `sync | head -1` does to all but the first line).
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{stderr}");
    // `generate | head` and `validate | head` too (the spec now exists).
    for args in [&["generate", "generated-client/spec"][..], &["validate", "generated-client/spec"][..]] {
        let mut child = Command::new(bin)
            .current_dir(&dir)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn import_only_prints_and_fails_on_a_broken_page() {
    let bin = env!("CARGO_BIN_EXE_binance-codegen");
    let dir = scratch("import");
    let good = dir.join("docs/binance/portfolio-margin-pro/account/BNB-transfer.md");
    let broken = dir.join("broken.md");
    let text = std::fs::read_to_string(&good).unwrap();
    std::fs::write(&broken, text.replace("POST `/sapi/v1/portfolio/bnb-transfer`", "POST somewhere")).unwrap();
    let out = run(&dir, bin, &["import", broken.to_str().unwrap(), good.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stdout.contains("name: bnb_transfer"), "the good page still prints: {stdout}");
    assert!(stderr.contains("broken.md") && stderr.contains("HTTP Request"), "{stderr}");
    assert!(stderr.contains("binance-codegen sync"), "{stderr}");
    assert!(!dir.join("generated-client/spec/portfolio_margin_pro.yaml").exists(), "import writes nothing");
    std::fs::remove_dir_all(&dir).unwrap();
}
