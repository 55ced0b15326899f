//! The `import`, `diff` and `check` subcommands.

use binance_codegen::ast::SpecFile;
use binance_codegen::diff::{diff_spec_sets, Bump};
use binance_codegen::import::{find_target, import_page, merge_into, render_spec};
use binance_codegen::{load, render_inline, Config};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Exit status for usage and input errors (1 is "breaking changes" / "check failed").
fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

struct SpecOnDisk {
    path: PathBuf,
    text: String,
    spec: SpecFile,
    changed: bool,
}

fn read_spec(path: &Path) -> Result<SpecOnDisk, String> {
    let loaded = load::load_file(path).map_err(|d| d.to_string())?;
    Ok(SpecOnDisk { path: path.to_path_buf(), text: loaded.source, spec: loaded.ast, changed: false })
}

pub fn import(pages: &[PathBuf], spec_dir: &Path, spec: Option<&Path>, print: bool, dry_run: bool) -> ExitCode {
    let mut imported = Vec::new();
    for page in pages {
        match import_page(page) {
            Ok(i) => imported.push(i),
            Err(e) => return fail(e),
        }
    }
    if print {
        for i in &imported {
            println!("# {}\n{}", i.page.display(), i.to_yaml());
        }
        return ExitCode::SUCCESS;
    }
    let files = match spec {
        Some(f) => vec![f.to_path_buf()],
        None => match load::spec_files_in(spec_dir) {
            Ok(f) => f,
            Err(d) => return fail(d),
        },
    };
    let mut specs = Vec::new();
    for f in &files {
        match read_spec(f) {
            Ok(s) => specs.push(s),
            Err(e) => return fail(e),
        }
    }
    for i in &imported {
        for w in &i.warnings {
            eprintln!("warning: {}: {w}", i.page.display());
        }
        let all: Vec<&SpecFile> = specs.iter().map(|s| &s.spec).collect();
        let target = if spec.is_some() { Some(0) } else { find_target(&all, i) };
        let Some(target) = target.and_then(|t| specs.get_mut(t)) else {
            return fail(format!(
                "{}: no spec file in {} matches this page (docs {}); pass --spec FILE to choose one",
                i.page.display(),
                spec_dir.display(),
                i.endpoint.docs
            ));
        };
        let report = merge_into(&mut target.spec, i);
        target.changed |= !report.is_unchanged();
        print!("{} → {}: {report}", i.page.display(), target.path.display());
    }
    for s in specs.iter().filter(|s| s.changed) {
        if dry_run {
            println!("would rewrite {} (dry run)", s.path.display());
            continue;
        }
        let text = match render_spec(&s.text, &s.spec) {
            Ok(t) => t,
            Err(e) => return fail(format!("{}: cannot render the spec: {e}", s.path.display())),
        };
        if let Err(e) = std::fs::write(&s.path, text) {
            return fail(format!("cannot write {}: {e}", s.path.display()));
        }
        println!("rewrote {}; review with `git diff` and `binance-codegen diff --git HEAD`", s.path.display());
        if let Err(errors) = Config::new().spec_file(&s.path).validate() {
            eprintln!("warning: {} does not validate yet; fix it by hand:\n{errors}", s.path.display());
        }
    }
    ExitCode::SUCCESS
}

/// Spec files of a file or directory, parsed.
fn load_side(path: &Path) -> Result<Vec<SpecFile>, String> {
    let files = if path.is_dir() { load::spec_files_in(path).map_err(|d| d.to_string())? } else { vec![path.into()] };
    files.iter().map(|f| read_spec(f).map(|s| s.spec)).collect()
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
            let path = path.unwrap_or_else(|| PathBuf::from("spec"));
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
            Ok(text) => println!("{text}"),
            Err(e) => return fail(e),
        }
    } else if d.changes.is_empty() {
        println!("no changes; suggested bump: {}", Bump::None);
    } else {
        print!("{d}");
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
    println!("ok: spec is valid ({} files)", files.len());
    if let Some(path) = generated {
        let fresh = render_inline(&files);
        match std::fs::read_to_string(path) {
            Ok(committed) if committed == fresh => println!("ok: {} is up to date", path.display()),
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
