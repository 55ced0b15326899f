//! `binance-codegen sync`: every page of the vendored docs → the whole spec, by one command.
//!
//! Each `spec/overrides/<product>.yaml` names a docs folder and holds the product header and the
//! hand edits (see [`overrides`]). For each product, sync reads every page of its folder (sorted
//! by path; pages of one product never reach another product's spec), imports the endpoint
//! pages, reads the error-code page, assembles the spec ([`assemble`]), applies the overrides,
//! validates the result in memory and only then writes it, through a temporary file and a
//! rename. The written spec is a function of the pages and the overrides alone, so a second run
//! writes nothing and a page edit changes only what that page defines.
//!
//! ```no_run
//! use binance_codegen_cli::import::sync::{sync, Options};
//! let report = sync("docs/binance".as_ref(), "spec".as_ref(), Options::default())?;
//! print!("{report}");
//! std::process::exit(if report.ok() { 0 } else { 1 });
//! # Ok::<(), String>(())
//! ```

pub mod assemble;
pub mod overrides;

use super::error_codes::parse_error_codes;
use super::{import_text, ImportError, ImportedEndpoint};
use crate::ast::{Endpoint, SpecFile};
use crate::diagnostic::Diagnostics;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// How sync runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Write nothing; report which files would change (for CI).
    pub check: bool,
    /// Write a product's spec even when some of its endpoint pages failed (their endpoints are
    /// then missing from it). By default such a product's file is left as it is, so a broken
    /// page never deletes an endpoint.
    pub allow_failed_pages: bool,
}

/// Something sync noticed that does not stop it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// `page` (from the importer), `name`, `duplicate-route`, `unused-override`,
    /// `unknown-folder`.
    pub kind: &'static str,
    /// What, naming the page or override.
    pub message: String,
}

/// A page that is not turned into an endpoint, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The page, relative to the docs directory.
    pub page: String,
    /// Why; pages are tallied by this.
    pub reason: String,
}

/// An endpoint page that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The page (with `:LINE` of the section when known).
    pub page: String,
    /// The importer's error.
    pub error: String,
}

/// What sync did for one product.
#[derive(Debug, Clone, Default)]
pub struct ProductReport {
    /// The product's name.
    pub name: String,
    /// Its spec file.
    pub spec_path: PathBuf,
    /// Endpoint names new in this run.
    pub added: Vec<String>,
    /// Endpoint names whose definition changed.
    pub changed: Vec<String>,
    /// How many endpoints are unchanged.
    pub unchanged: usize,
    /// Endpoint names no longer defined.
    pub removed: Vec<String>,
    /// Models, enums, error codes or the product header changed although no endpoint did.
    pub other_changes: bool,
    /// The file's bytes differ from what sync produces (written unless [`Options::check`]).
    pub file_changed: bool,
    /// The assembled spec does not validate: nothing was written for this product.
    pub invalid: Option<Diagnostics>,
    /// Endpoint pages of this product that failed; unless allowed, its file was not written.
    pub failed_pages: usize,
    /// Endpoints, models, enums and error codes in the synced spec.
    pub counts: (usize, usize, usize, usize),
}

/// The outcome of one sync.
#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    /// Whether files were written.
    pub check_only: bool,
    /// Whether products with failed pages were written.
    pub allow_failed_pages: bool,
    /// Pages read, over all product folders.
    pub pages_read: usize,
    /// Per product, in override-file order.
    pub products: Vec<ProductReport>,
    /// Pages that are not endpoints.
    pub skipped: Vec<Skipped>,
    /// Endpoint pages that failed.
    pub failures: Vec<Failure>,
    /// Everything else worth a look.
    pub warnings: Vec<Warning>,
    /// Files that could not be written.
    pub write_errors: Vec<String>,
}

impl SyncReport {
    /// True when every endpoint page imported, every spec validated and was written (or, in
    /// check mode, is current).
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
            && self.write_errors.is_empty()
            && self.products.iter().all(|p| p.invalid.is_none() && !(self.check_only && p.file_changed))
    }
}

/// Syncs every product whose override file is in `<spec_dir>/overrides` from `docs_dir`.
///
/// Errors only when the override files cannot be read; everything about pages and specs is in
/// the report.
pub fn sync(docs_dir: &Path, spec_dir: &Path, options: Options) -> Result<SyncReport, String> {
    let products = overrides::read_all(spec_dir)?;
    let mut report = SyncReport {
        check_only: options.check,
        allow_failed_pages: options.allow_failed_pages,
        ..SyncReport::default()
    };
    let folders =
        list_dir(docs_dir).map_err(|e| format!("{}: cannot list the docs directory: {e}", docs_dir.display()))?;
    for path in &folders {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if path.is_dir() {
            if products.iter().all(|p| p.overrides.docs_folder != name) {
                report.warnings.push(Warning {
                    kind: "unknown-folder",
                    message: format!(
                        "{}: no spec/overrides/*.yaml has `docs_folder: {name}`; its pages were not read",
                        path.display()
                    ),
                });
            }
        } else if is_page(path) {
            report.skipped.push(Skipped { page: name, reason: "not in a product folder".into() });
        }
    }
    for product in &products {
        let folder = docs_dir.join(&product.overrides.docs_folder);
        let mut pages = Vec::new();
        collect_pages(&folder, &mut pages);
        if pages.is_empty() {
            report.warnings.push(Warning {
                kind: "unknown-folder",
                message: format!("{}: docs folder {} has no pages", product.path.display(), folder.display()),
            });
        }
        let p = sync_product(docs_dir, product, &pages, options, &mut report);
        report.products.push(p);
    }
    Ok(report)
}

fn list_dir(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    out.sort();
    Ok(out)
}

fn is_page(p: &Path) -> bool {
    p.is_file() && matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "txt"))
}

/// Every page under `dir`, sorted by path.
fn collect_pages(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = list_dir(dir) else { return };
    for p in entries {
        if p.is_dir() {
            collect_pages(&p, out);
        } else if is_page(&p) {
            out.push(p);
        }
    }
}

/// The page's `# Title`, for skip reasons.
fn h1(text: &str) -> String {
    text.lines().find_map(|l| l.strip_prefix("# ")).map(|t| t.trim().to_string()).unwrap_or_default()
}

fn sync_product(
    docs_dir: &Path,
    product: &overrides::OverrideFile,
    pages: &[PathBuf],
    options: Options,
    report: &mut SyncReport,
) -> ProductReport {
    let ov = &product.overrides;
    let failures_before = report.failures.len();
    let mut imported: Vec<(String, ImportedEndpoint)> = Vec::new();
    let mut stream_pages = Vec::new();
    let mut errors = Vec::new();
    for page in pages {
        report.pages_read += 1;
        let rel = page.strip_prefix(docs_dir).unwrap_or(page).to_string_lossy().replace('\\', "/");
        let bytes = match std::fs::read(page) {
            Ok(b) => b,
            Err(e) => {
                report.failures.push(Failure { page: rel, error: format!("cannot read the page: {e}") });
                continue;
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        let file = page.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if file == "error-code.md" {
            let codes = parse_error_codes(&text);
            if codes.is_empty() {
                let reason =
                    format!("error-code page holds no error codes (its content is the page `# {}`)", h1(&text));
                report.skipped.push(Skipped { page: rel, reason });
            } else if errors.is_empty() {
                errors = codes;
            }
            continue;
        }
        if file == "common-definition.md" {
            let title = h1(&text);
            let reason = if title.to_ascii_lowercase().contains("common definition") {
                "common-definition page: not parsed; shared enums are merged from the endpoint pages".to_string()
            } else {
                format!(
                    "common-definition page holds no enum definitions (its content is the page `# {title}`); \
                     shared enums are merged from the endpoint pages"
                )
            };
            report.skipped.push(Skipped { page: rel, reason });
            continue;
        }
        match crate::import::streams::import(Path::new(&rel), &text) {
            Some(Ok(mut s)) => {
                for w in std::mem::take(&mut s.warnings) {
                    report.warnings.push(Warning { kind: "page", message: format!("{rel}: {w}") });
                }
                stream_pages.push((rel, s));
                continue;
            }
            Some(Err(error)) => {
                report.failures.push(Failure { page: rel, error });
                continue;
            }
            None => {}
        }
        match import_text(Path::new(&rel), &text) {
            Ok(mut i) => {
                for w in std::mem::take(&mut i.warnings) {
                    report.warnings.push(Warning { kind: "page", message: format!("{rel}: {w}") });
                }
                imported.push((rel, i));
            }
            Err(ImportError::NotAnEndpointPage { reason, .. }) => report.skipped.push(Skipped { page: rel, reason }),
            Err(e) => {
                let at = section_line(&e, &text).map_or(rel.clone(), |l| format!("{rel}:{l}"));
                // The error names the page first; the report already does.
                let text = e.to_string();
                let error = text.strip_prefix(&format!("{rel}: ")).map_or(text.clone(), str::to_string);
                report.failures.push(Failure { page: at, error });
            }
        }
    }
    let assembled = assemble::assemble(ov, &imported, &stream_pages, errors);
    report.warnings.extend(assembled.warnings);
    let failed = report.failures.len() - failures_before;
    let mut p = finish_product(&product.spec_path, &ov.header, assembled.spec, options, failed, report);
    p.failed_pages = failed;
    p
}

/// The 1-based line of the section an import error names, when the page has it.
fn section_line(e: &ImportError, text: &str) -> Option<usize> {
    let ImportError::Malformed { section, .. } = e else { return None };
    let wanted = section.replace('\u{200b}', "");
    let wanted = wanted.trim();
    if wanted.is_empty() {
        return None;
    }
    text.lines().position(|l| l.replace('\u{200b}', "").contains(wanted)).map(|i| i + 1)
}

/// The spec file's text: the header comment, then the spec.
pub fn render(header: &[String], spec: &SpecFile) -> Result<String, serde_yaml::Error> {
    let mut out = String::new();
    for line in header {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            out.push_str(&format!("# {line}\n"));
        }
    }
    if !header.is_empty() {
        out.push('\n');
    }
    out.push_str(&serde_yaml::to_string(spec)?);
    Ok(out)
}

fn finish_product(
    spec_path: &Path,
    header: &[String],
    spec: SpecFile,
    options: Options,
    failed_pages: usize,
    report: &mut SyncReport,
) -> ProductReport {
    let mut p = ProductReport {
        name: spec.product.name.clone(),
        spec_path: spec_path.to_path_buf(),
        counts: (spec.endpoints.len(), spec.models.len(), spec.enums.len(), spec.errors.len()),
        ..ProductReport::default()
    };
    let text = match render(header, &spec) {
        Ok(t) => t,
        Err(e) => {
            report.write_errors.push(format!("{}: cannot render the spec: {e}", spec_path.display()));
            return p;
        }
    };
    let old_text = std::fs::read_to_string(spec_path).ok();
    let old: Option<SpecFile> = old_text.as_deref().and_then(|t| serde_yaml::from_str(t).ok());
    compare(old.as_ref(), &spec, &mut p);
    p.file_changed = old_text.as_deref() != Some(text.as_str());
    let loaded = crate::load::parse(spec_path, &text).and_then(|l| crate::validate::validate(&l).map(|_| ()));
    if let Err(d) = loaded {
        p.invalid = Some(d);
        return p;
    }
    let blocked = failed_pages > 0 && !options.allow_failed_pages;
    if !options.check && !blocked && p.file_changed {
        if let Err(e) = write_atomically(spec_path, &text) {
            report.write_errors.push(format!("{}: cannot write: {e}", spec_path.display()));
        }
    }
    p
}

/// Endpoints added, changed, unchanged and removed between the file on disk and the new spec.
fn compare(old: Option<&SpecFile>, new: &SpecFile, p: &mut ProductReport) {
    let before: BTreeMap<&str, &Endpoint> =
        old.map(|o| o.endpoints.iter().map(|(n, e)| (n.as_str(), e)).collect()).unwrap_or_default();
    for (name, e) in &new.endpoints {
        match before.get(name.as_str()) {
            None => p.added.push(name.clone()),
            Some(o) if *o != e => p.changed.push(name.clone()),
            Some(_) => p.unchanged += 1,
        }
    }
    for name in before.keys() {
        if new.endpoints.iter().all(|(n, _)| n != name) {
            p.removed.push(name.to_string());
        }
    }
    p.other_changes = old.is_none_or(|o| {
        o.models != new.models || o.enums != new.enums || o.errors != new.errors || o.product != new.product
    });
}

/// Writes `text` to a temporary file next to `path` and renames it over `path`, so a reader
/// never sees half a spec.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "spec".into());
    let tmp = path.with_file_name(format!(".{name}.sync-tmp"));
    std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, path)).inspect_err(|_| {
        // Best effort: the error being reported is the write's, not the clean-up's.
        let _ = std::fs::remove_file(&tmp);
    })
}

impl fmt::Display for SyncReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for fail in &self.failures {
            writeln!(f, "error: {}: {}", fail.page, fail.error)?;
        }
        for p in &self.products {
            if let Some(d) = &p.invalid {
                writeln!(
                    f,
                    "error: {}: the synced spec does not validate; nothing written:\n{d}",
                    p.spec_path.display()
                )?;
            }
        }
        for e in &self.write_errors {
            writeln!(f, "error: {e}")?;
        }
        for w in &self.warnings {
            writeln!(f, "warning[{}]: {}", w.kind, w.message)?;
        }
        writeln!(f, "pages read: {}", self.pages_read)?;
        for p in &self.products {
            let (e, m, n, c) = p.counts;
            let state = if p.invalid.is_some() {
                "INVALID, not written"
            } else if p.failed_pages > 0 && !self.check_only && !self.allow_failed_pages && p.file_changed {
                "not written (endpoint pages failed; --allow-failed-pages writes it without them)"
            } else if !p.file_changed {
                "unchanged"
            } else if self.check_only {
                "would change"
            } else {
                "written"
            };
            writeln!(
                f,
                "{} ({}): {state}; {e} endpoints ({} added, {} changed, {} unchanged, {} removed), {m} models, {n} enums, {c} error codes{}",
                p.name,
                p.spec_path.display(),
                p.added.len(),
                p.changed.len(),
                p.unchanged,
                p.removed.len(),
                if p.other_changes && p.file_changed { "; models, enums, error codes or product header changed" } else { "" }
            )?;
            for (what, names) in [("added", &p.added), ("changed", &p.changed), ("removed", &p.removed)] {
                if !names.is_empty() && names.len() <= 20 {
                    writeln!(f, "  {what}: {}", names.join(", "))?;
                }
            }
        }
        let mut by_reason: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for s in &self.skipped {
            by_reason.entry(reason_kind(&s.reason)).or_default().push(&s.page);
        }
        writeln!(f, "skipped pages: {}", self.skipped.len())?;
        for (reason, pages) in &by_reason {
            writeln!(f, "  {:>3}  {reason}", pages.len())?;
            if pages.len() <= 3 {
                for page in pages {
                    writeln!(f, "         {page}")?;
                }
            }
        }
        let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
        for w in &self.warnings {
            *kinds.entry(w.kind).or_default() += 1;
        }
        let tally: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        writeln!(f, "warnings: {}", if tally.is_empty() { "none".into() } else { tally.join(", ") })?;
        writeln!(f, "failed endpoint pages: {}", self.failures.len())?;
        Ok(())
    }
}

/// A skip reason without the page-specific part (after `:` or `(`), for the tally.
fn reason_kind(reason: &str) -> String {
    reason.split([':', '(']).next().unwrap_or(reason).trim().to_string()
}
