//! The whole corpus of real Binance doc pages through the importer.
//!
//! Every page is imported: endpoint pages (a `HTTP Request` or `Method` heading, found here by a
//! rule independent of the importer) must import into an endpoint that validates inside a spec
//! file with a minimal product header; every other page must come back as
//! `ImportError::NotAnEndpointPage`. No page may panic. On failure the test prints a tally of
//! the problems by kind and every failing page.
//!
//! The corpus is `$BINANCE_DOCS_DIR`, else `docs/binance` at the workspace root, else
//! `../shared/binance-docs` next to the workspace.

use binance_codegen_cli::import::{import_page, ImportError, ImportedEndpoint};
use binance_spec::ast::{BaseUrls, Product, RateLimit, SpecFile};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("BINANCE_DOCS_DIR") {
        return PathBuf::from(dir);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for candidate in [root.join("docs/binance"), root.join("../shared/binance-docs")] {
        if candidate.is_dir() {
            return candidate;
        }
    }
    panic!(
        "no doc corpus found: set BINANCE_DOCS_DIR, or vendor the pages into docs/binance at the workspace root \
         (or keep ../shared/binance-docs next to it)"
    );
}

fn pages(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            pages(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "txt")) {
            out.push(p);
        }
    }
}

/// The corpus' own answer to "is this an endpoint page", independent of the importer: a
/// `## HTTP Request` or `## Method` heading (zero-width spaces and anchor links ignored).
fn is_endpoint_page(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.replace(['\u{200b}', '\u{a0}'], "");
        let Some(h) = l.trim().strip_prefix("## ") else { return false };
        let h = h.split("[](").next().unwrap_or("").trim().to_ascii_lowercase();
        h == "http request" || h == "method" || h == "http请求" || h == "方式"
    })
}

/// A spec file around one imported endpoint, with a minimal product header.
fn spec_around(imported: &ImportedEndpoint) -> SpecFile {
    let limit = |limit_type: &str, kind: &str, interval: &str, interval_num: u32| RateLimit {
        limit_type: limit_type.into(),
        kind: kind.into(),
        interval: interval.into(),
        interval_num,
        limit: 1000,
    };
    SpecFile {
        product: Product {
            name: "corpus".into(),
            title: "Corpus".into(),
            docs: None,
            base_urls: BaseUrls {
                rest: Some("https://example.invalid".into()),
                rest_testnet: None,
                ws_api: Some("wss://example.invalid/ws".into()),
                ws_api_testnet: None,
            },
            time_path: None,
            rate_limits: vec![
                limit("REQUEST_WEIGHT", "IP", "MINUTE", 1),
                limit("REQUEST_WEIGHT", "UID", "MINUTE", 1),
                limit("ORDERS", "ACCOUNT", "SECOND", 10),
                limit("ORDERS", "ACCOUNT", "MINUTE", 1),
            ],
        },
        endpoints: vec![(imported.name.clone(), imported.endpoint.clone())],
        models: imported.models.clone(),
        enums: imported.enums.clone(),
        errors: Vec::new(),
        streams: Default::default(),
    }
}

/// The diagnostics of the validator for `spec`, as text (empty when it validates).
fn validate(spec: &SpecFile, page: &Path) -> Vec<String> {
    let yaml = match serde_yaml::to_string(spec) {
        Ok(y) => y,
        Err(e) => return vec![format!("cannot serialize: {e}")],
    };
    let loaded = match binance_spec::load::parse(page, &yaml) {
        Ok(l) => l,
        Err(d) => return d.0.iter().map(|d| format!("{}: {}", d.path, d.message)).collect(),
    };
    match binance_spec::validate::validate(&loaded) {
        Ok(_) => Vec::new(),
        Err(d) => d.0.iter().map(|d| format!("{}: {}", d.path, d.message)).collect(),
    }
}

/// A problem's kind for the tally: the message with names, numbers and quoted text removed.
fn kind_of(message: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in message.chars() {
        match c {
            '`' | '"' => {
                quoted = !quoted;
                if quoted {
                    out.push('…');
                }
            }
            _ if quoted => {}
            c if c.is_ascii_digit() => {}
            c => out.push(c),
        }
    }
    // The YAML path's first segments name the endpoint or model: keep only the last key.
    match out.split_once(": ") {
        Some((path, rest)) => format!("{}: {rest}", path.rsplit('.').next().unwrap_or(path)),
        None => out,
    }
}

#[test]
fn every_page_of_the_corpus_imports_or_is_named_not_an_endpoint() {
    let dir = corpus_dir();
    let mut files = Vec::new();
    pages(&dir, &mut files);
    assert!(!files.is_empty(), "{}: no *.md pages", dir.display());

    let mut failures: Vec<String> = Vec::new();
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    let (mut endpoints, mut skipped, mut warnings) = (0, 0, 0);
    let mut warning_kinds: BTreeMap<String, usize> = BTreeMap::new();
    for file in &files {
        let text = String::from_utf8_lossy(&std::fs::read(file).unwrap_or_default()).into_owned();
        let expected = is_endpoint_page(&text);
        let rel = file.strip_prefix(&dir).unwrap_or(file).display().to_string();
        let result = std::panic::catch_unwind(|| import_page(file));
        let mut fail = |kind: String, detail: String| {
            *tally.entry(kind).or_default() += 1;
            failures.push(format!("{rel}: {detail}"));
        };
        match result {
            Err(_) => fail("panic".into(), "the importer panicked".into()),
            Ok(Ok(imported)) if expected => {
                endpoints += 1;
                warnings += imported.warnings.len();
                for w in &imported.warnings {
                    // "parameter side: ENUM without …" → "parameter: ENUM without …".
                    let kind = match w.split_once(": ") {
                        Some((head, rest)) if !head.contains(' ') || head.starts_with("parameter ") => {
                            format!("{}: {}", head.split(' ').next().unwrap_or(head), kind_of(rest))
                        }
                        _ => kind_of(w),
                    };
                    *warning_kinds.entry(kind).or_default() += 1;
                }
                let problems = validate(&spec_around(&imported), file);
                for p in &problems {
                    fail(format!("invalid: {}", kind_of(p)), p.clone());
                }
            }
            Ok(Ok(imported)) => fail(
                "not an endpoint page, imported as one".into(),
                format!("imported as `{}` but the page has no HTTP Request or Method heading", imported.name),
            ),
            Ok(Err(ImportError::NotAnEndpointPage { .. })) if !expected => skipped += 1,
            Ok(Err(e)) => {
                let message = e.to_string();
                let message = message.split_once(": ").map_or(message.as_str(), |(_, m)| m).to_string();
                fail(format!("error: {}", kind_of(&message)), message);
            }
        }
    }
    assert!(endpoints + failures.len() > 0, "{}: no endpoint page found; is this the doc corpus?", dir.display());
    eprintln!(
        "{}: {} pages, {endpoints} endpoints imported, {skipped} named non-endpoint pages, {warnings} warnings",
        dir.display(),
        files.len()
    );
    for (kind, n) in &warning_kinds {
        eprintln!("  warning {n:4}  {kind}");
    }
    if !failures.is_empty() {
        let mut tally: Vec<(usize, String)> = tally.into_iter().map(|(k, n)| (n, k)).collect();
        tally.sort_by(|a, b| b.cmp(a));
        let tally: Vec<String> = tally.iter().map(|(n, k)| format!("{n:4}  {k}")).collect();
        panic!("{} problems\n\nby kind:\n{}\n\nby page:\n{}", failures.len(), tally.join("\n"), failures.join("\n"));
    }
}
