//! `sync`: the vendored pages and the overrides → the spec, by one call.
//!
//! The first test is CI's check that the committed spec is what the committed pages give. The
//! others work in scratch copies of one product (Portfolio Margin Pro, 25 pages) so each runs
//! in well under a second: a second run changes nothing, an override survives re-syncs, a page
//! edit changes only that page's endpoint, a broken page is named while the others import,
//! products are isolated, and error codes come from the error-code page.

use binance_codegen_cli::import::sync::{sync, Options, SyncReport};
use binance_spec::ast::SpecFile;
use std::path::{Path, PathBuf};

mod support;
use support::{copy_dir, repo};

/// A scratch project: `docs/<folder>` and `spec/overrides/<product>.yaml` (+ the committed
/// `spec/<product>.yaml`) for each `(folder, product)`.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(test: &str, products: &[(&str, &str)]) -> Scratch {
        let dir = std::env::temp_dir().join(format!("binance-codegen-sync-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("spec/overrides")).unwrap();
        for (folder, product) in products {
            copy_dir(&repo().join("docs/binance").join(folder), &dir.join("docs").join(folder));
            let file = format!("{product}.yaml");
            std::fs::copy(
                repo().join("generated-client/spec/overrides").join(&file),
                dir.join("spec/overrides").join(&file),
            )
            .unwrap();
        }
        Scratch { dir }
    }

    fn docs(&self) -> PathBuf {
        self.dir.join("docs")
    }

    fn spec(&self) -> PathBuf {
        self.dir.join("spec")
    }

    fn sync(&self) -> SyncReport {
        sync(&self.docs(), &self.spec(), Options::default()).unwrap()
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.join(rel)).unwrap()
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.dir.join(rel), text).unwrap();
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no {from:?}");
        self.write(rel, &text.replace(from, to));
    }

    fn parsed(&self, rel: &str) -> SpecFile {
        serde_yaml::from_str(&self.read(rel)).unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const PRO: (&str, &str) = ("portfolio-margin-pro", "portfolio_margin_pro");
const PRO_SPEC: &str = "spec/portfolio_margin_pro.yaml";

#[test]
fn committed_spec_is_what_the_committed_pages_give() {
    let report = sync(
        &repo().join("docs/binance"),
        &repo().join("generated-client/spec"),
        Options { check: true, ..Options::default() },
    )
    .unwrap();
    let stale: Vec<_> = report.products.iter().filter(|p| p.file_changed).map(|p| p.spec_path.display()).collect();
    assert!(
        report.ok(),
        "run `cargo run -p binance-codegen-cli -- sync` and commit the spec; stale: {stale:?}\n{report}"
    );
    assert_eq!(report.products.len(), 3, "{report}");
}

#[test]
fn a_second_sync_changes_nothing() {
    let s = Scratch::new("twice", &[PRO]);
    let first = s.sync();
    assert!(first.ok(), "{first}");
    assert!(first.products[0].file_changed, "the first run writes the file");
    let written = s.read(PRO_SPEC);
    let second = s.sync();
    assert!(second.ok(), "{second}");
    let p = &second.products[0];
    assert!(!p.file_changed, "{second}");
    assert!(p.added.is_empty() && p.changed.is_empty() && p.removed.is_empty(), "{second}");
    assert_eq!(p.unchanged, p.counts.0);
    assert_eq!(s.read(PRO_SPEC), written, "byte-identical");
    assert!(!s.spec().join(".portfolio_margin_pro.yaml.sync-tmp").exists(), "no temporary file left behind");
}

#[test]
fn overrides_are_applied_and_survive_a_resync() {
    let s = Scratch::new("overrides", &[PRO]);
    let overrides = "spec/overrides/portfolio_margin_pro.yaml";
    // The committed product header, with this test's hand edits instead of the committed ones.
    let committed = s.read(overrides);
    let header = &committed[..committed.find("\nendpoints:").unwrap()];
    let edits = "\nendpoints:\n  POST /sapi/v1/portfolio/bnb-transfer:\n    rename: transfer_bnb\n    notes: [\"Hand note: two calls per 10 minutes.\"]\n    params:\n      transferSide: { type: ENUM, enum: AccountType, doc: hand doc }\n  GET /sapi/v9/nothing:\n    rename: gone\n\
models:\n  TransferBnb:\n    rename: BnbTransferResult\n    fields:\n      tranId: { optional: true, doc: hand field doc }\n      noSuchField: { optional: true }\n\
enums:\n  AccountType:\n    values: [PM_9]\n  NoSuchEnum:\n    doc: x\n";
    s.write(overrides, &format!("{header}{edits}"));
    let report = s.sync();
    let spec = s.parsed(PRO_SPEC);
    let (name, e) = spec.endpoints.iter().find(|(_, e)| e.docs.ends_with("/BNB-transfer")).unwrap();
    assert_eq!(name, "transfer_bnb");
    assert_eq!(e.notes.last().map(String::as_str), Some("Hand note: two calls per 10 minutes."));
    let side = e.params.iter().find(|p| p.name == "transferSide").unwrap();
    assert_eq!(
        (side.ty.as_str(), side.enum_name.as_deref(), side.doc.as_deref()),
        ("ENUM", Some("AccountType"), Some("hand doc"))
    );
    assert_eq!(
        e.response, "BnbTransferResult",
        "the response model follows the endpoint rename, then the model rename"
    );
    let model = &spec.models.iter().find(|(n, _)| n == "BnbTransferResult").unwrap().1;
    assert!(model.fields[0].optional);
    let account_type = &spec.enums.iter().find(|(n, _)| n == "AccountType").unwrap().1;
    assert_eq!(account_type.values.last().map(|v| v.value()), Some("PM_9"));
    let unused: Vec<&str> =
        report.warnings.iter().filter(|w| w.kind == "unused-override").map(|w| w.message.as_str()).collect();
    assert_eq!(unused.len(), 3, "{unused:?}");
    assert!(unused.iter().any(|w| w.contains("GET /sapi/v9/nothing")), "{unused:?}");
    assert!(unused.iter().any(|w| w.contains("TransferBnb.fields.noSuchField")), "{unused:?}");
    assert!(unused.iter().any(|w| w.contains("enums.NoSuchEnum")), "{unused:?}");

    let written = s.read(PRO_SPEC);
    let again = s.sync();
    assert!(!again.products[0].file_changed, "{again}");
    assert_eq!(s.read(PRO_SPEC), written);
}

#[test]
fn a_page_change_changes_only_that_endpoint() {
    let s = Scratch::new("page-change", &[PRO]);
    s.sync();
    let before = s.parsed(PRO_SPEC);
    let before_text = s.read(PRO_SPEC);
    s.edit("docs/portfolio-margin-pro/account/BNB-transfer.md", "**1500**", "**3000**");
    let report = s.sync();
    assert_eq!(report.products[0].changed, vec!["bnb_transfer".to_string()], "{report}");
    let after = s.parsed(PRO_SPEC);
    assert_eq!(after.models, before.models);
    assert_eq!(after.enums, before.enums);
    for ((n1, e1), (n2, e2)) in before.endpoints.iter().zip(&after.endpoints) {
        assert_eq!(n1, n2);
        if n1 == "bnb_transfer" {
            assert_eq!(e2.weight.as_ref().map(|w| w.value), Some(3000));
            assert_eq!(e1.weight.as_ref().map(|w| w.value), Some(1500));
        } else {
            assert_eq!(e1, e2, "{n1} changed");
        }
    }
    // The text diff is the one weight line.
    let after_text = s.read(PRO_SPEC);
    let changed: Vec<(&str, &str)> = before_text.lines().zip(after_text.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(changed, vec![("      value: 1500", "      value: 3000")]);
}

#[test]
fn a_broken_page_is_named_while_the_others_import() {
    let s = Scratch::new("broken", &[PRO]);
    s.sync();
    let before = s.read(PRO_SPEC);
    s.edit(
        "docs/portfolio-margin-pro/account/BNB-transfer.md",
        "POST `/sapi/v1/portfolio/bnb-transfer`",
        "POST somewhere",
    );
    let report = s.sync();
    assert!(!report.ok());
    assert_eq!(report.failures.len(), 1, "{report}");
    let f = &report.failures[0];
    assert_eq!(f.page, "portfolio-margin-pro/account/BNB-transfer.md:14", "page and line of the section");
    assert!(f.error.contains("HTTP Request"), "the section is named: {}", f.error);
    let p = &report.products[0];
    assert_eq!(p.counts.0, 20, "the 20 other endpoint pages imported");
    assert_eq!(s.read(PRO_SPEC), before, "a product with a failed page is not written, so nothing is lost");
    assert!(report.to_string().contains("failed endpoint pages: 1"));

    let report = sync(&s.docs(), &s.spec(), Options { allow_failed_pages: true, ..Options::default() }).unwrap();
    assert!(!report.ok(), "still a failure");
    assert_eq!(report.products[0].removed, vec!["bnb_transfer".to_string()]);
    assert!(!s.read(PRO_SPEC).contains("bnb_transfer:"));
}

#[test]
fn products_are_isolated_and_unknown_folders_reported() {
    let s = Scratch::new("isolated", &[PRO]);
    // A second product made of the same pages under another folder and name.
    copy_dir(&s.docs().join("portfolio-margin-pro"), &s.docs().join("copy"));
    let ov = s.read("spec/overrides/portfolio_margin_pro.yaml");
    let ov = ov
        .replace("docs_folder: portfolio-margin-pro", "docs_folder: copy")
        .replace("name: portfolio_margin_pro", "name: copy");
    s.write("spec/overrides/copy.yaml", &ov);
    std::fs::create_dir_all(s.docs().join("spot")).unwrap();
    s.write("docs/spot/Page.md", "# A page of a product nobody maps\n");
    let first = s.sync();
    assert!(first.ok(), "{first}");
    let pro = s.read(PRO_SPEC);
    assert!(first.warnings.iter().any(|w| w.kind == "unknown-folder" && w.message.contains("spot")), "{first}");
    assert!(!s.spec().join("spot.yaml").exists());

    s.edit("docs/copy/account/BNB-transfer.md", "**1500**", "**3000**");
    s.edit("docs/copy/account/BNB-transfer.md", "POST `/sapi/v1/portfolio/bnb-transfer`", "POST somewhere");
    let second = s.sync();
    assert_eq!(s.read(PRO_SPEC), pro, "the other product's pages never reach this spec");
    let pro_report = second.products.iter().find(|p| p.name == "portfolio_margin_pro").unwrap();
    assert!(!pro_report.file_changed && pro_report.failed_pages == 0, "{second}");
    let copy = second.products.iter().find(|p| p.name == "copy").unwrap();
    assert_eq!(copy.failed_pages, 1, "{second}");
    assert_eq!(second.failures[0].page, "copy/account/BNB-transfer.md:14");
}

#[test]
fn error_codes_come_from_the_error_code_page() {
    let s = Scratch::new("errors", &[PRO]);
    let report = s.sync();
    let skipped = report.skipped.iter().find(|k| k.page == "portfolio-margin-pro/error-code.md").unwrap();
    assert_eq!(
        skipped.reason, "error-code page holds no error codes (its content is the page `# General Info`)",
        "the crawled page is a copy of general info, and sync says so"
    );
    assert!(s.parsed(PRO_SPEC).errors.is_empty());

    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sync/error-code.md");
    std::fs::copy(fixture, s.docs().join("portfolio-margin-pro/error-code.md")).unwrap();
    let report = s.sync();
    assert!(report.ok(), "{report}");
    let errors = s.parsed(PRO_SPEC).errors;
    let codes: Vec<(i64, &str)> = errors.iter().map(|e| (e.code, e.name.as_str())).collect();
    assert_eq!(
        codes,
        vec![
            (-1000, "UNKNOWN"),
            (-1001, "DISCONNECTED"),
            (-1002, "UNAUTHORIZED"),
            (-1121, "BAD_SYMBOL"),
            (-1102, "MANDATORY_PARAM_EMPTY_OR_MALFORMED")
        ]
    );
    assert_eq!(errors[0].msg.as_deref(), Some("An unknown error occured while processing the request."));
    assert!(report.to_string().contains("5 error codes"), "{report}");
}

#[test]
fn a_spec_that_does_not_validate_is_not_written() {
    let s = Scratch::new("invalid", &[PRO]);
    s.sync();
    let before = s.read(PRO_SPEC);
    let overrides = "spec/overrides/portfolio_margin_pro.yaml";
    let text = s.read(overrides).replace(
        "    rename: portfolio_margin_pro_account_information\n",
        "    rename: portfolio_margin_pro_account_information\n    params:\n      recvWindow: { type: NOPE }\n",
    );
    s.write(overrides, &text);
    let report = s.sync();
    assert!(!report.ok());
    let diagnostics = report.products[0].invalid.as_ref().expect("the validator's diagnostics").to_string();
    assert!(diagnostics.contains("portfolio_margin_pro.yaml:"), "located: {diagnostics}");
    assert!(diagnostics.contains("NOPE"), "{diagnostics}");
    assert_eq!(s.read(PRO_SPEC), before, "nothing written for that product");
    assert!(report.to_string().contains("INVALID, not written"), "{report}");
}

#[test]
fn empty_and_binary_pages_are_named_not_fatal() {
    let s = Scratch::new("garbage", &[PRO]);
    s.write("docs/portfolio-margin-pro/account/Empty.md", "");
    std::fs::write(s.docs().join("portfolio-margin-pro/account/Binary.md"), [0u8, 159, 146, 150, 255, 0, 1, 2])
        .unwrap();
    let report = s.sync();
    for page in ["portfolio-margin-pro/account/Empty.md", "portfolio-margin-pro/account/Binary.md"] {
        let named =
            report.skipped.iter().any(|k| k.page == page) || report.failures.iter().any(|f| f.page.starts_with(page));
        assert!(named, "{page} is accounted for:\n{report}");
    }
    assert_eq!(report.products[0].counts.0, 21, "the real pages still import: {report}");
}
