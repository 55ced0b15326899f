//! The generated source: one insta snapshot per spec file, determinism, and a compile check
//! of everything the generator emits under `#![deny(warnings)]`.

use binance_codegen::{render_inline, Config};
use std::path::{Path, PathBuf};

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/spec")
}

fn spec_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(spec_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn snapshot_of_each_spec_file() {
    let files = spec_files();
    assert_eq!(files.len(), 3, "one spec file per product is expected: {files:?}");
    for file in files {
        let generated = Config::new().spec_file(&file).generate().unwrap_or_else(|e| panic!("{e}"));
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(name, render_inline(&generated));
    }
}

/// The synthetic specs exercise every construct of the schema; see `synthetic/*.yaml`.
fn synthetic(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("synthetic").join(file)
}

#[test]
fn snapshot_of_the_synthetic_specs() {
    for file in ["synthetic.yaml", "synthetic_tuple.yaml"] {
        let generated = Config::new().spec_file(synthetic(file)).generate().unwrap_or_else(|e| panic!("{e}"));
        let name = file.trim_end_matches(".yaml").to_string();
        insta::assert_snapshot!(name, render_inline(&generated));
    }
}

#[test]
fn output_is_deterministic() {
    let first = render_inline(&Config::new().spec_dir(spec_dir()).generate().unwrap());
    let second = render_inline(&Config::new().spec_dir(spec_dir()).generate().unwrap());
    assert_eq!(first, second);
}

#[test]
fn generated_code_compiles_under_deny_warnings() {
    let generated =
        render_inline(&Config::new().spec_dir(spec_dir()).spec_file(synthetic("synthetic.yaml")).generate().unwrap());
    compiles_under_deny_warnings("all_products", &generated);
}

/// Tuple models (order-book levels, klines) as list fields and as a list response.
#[test]
fn generated_tuple_models_compile_under_deny_warnings() {
    let generated = render_inline(&Config::new().spec_file(synthetic("synthetic_tuple.yaml")).generate().unwrap());
    compiles_under_deny_warnings("tuple_models", &generated);
}

fn compiles_under_deny_warnings(name: &str, generated: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("generated-deny-warnings");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.rs"));
    let source = format!(
        "#![deny(warnings, missing_docs, unused, rust_2018_idioms)]\n//! Generated client compiled as a crate.\n\n{generated}\nfn main() {{}}\n"
    );
    std::fs::write(&file, source).unwrap();
    trybuild::TestCases::new().pass(&file);
}

/// `type_attribute` / `field_attribute` / `with_derive`: each attribute lands on the item the
/// path names (shown with the line after it), and nowhere else.
#[test]
fn hooks_add_attributes_to_the_named_types_and_fields() {
    let generated = Config::new()
        .spec_file(synthetic("synthetic.yaml"))
        .with_derive("OrderSide", "PartialOrd, Ord")
        .type_attribute("synthetic.Order", "#[doc(alias = \"order_model\")]")
        .type_attribute("other_product.Position", "#[doc(alias = \"never\")]")
        .field_attribute("NewOrderRequest.timeInForce", "#[doc(alias = \"tif\")]")
        .field_attribute("synthetic.Order.orig_qty", "#[doc(alias = \"qty\")]")
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    let source = render_inline(&generated);
    let lines: Vec<&str> = source.lines().collect();
    let hooked: Vec<String> = lines
        .windows(2)
        .filter(|w| w[0].contains("alias") || w[0].contains("PartialOrd"))
        .map(|w| format!("{}\n{}", w[0].trim(), w[1].trim()))
        .collect();
    insta::assert_snapshot!(hooked.join("\n\n"));
}

#[test]
fn a_hook_that_is_not_an_attribute_is_reported() {
    let err = Config::new()
        .spec_file(synthetic("synthetic.yaml"))
        .type_attribute(".", "derive(Hash)")
        .generate()
        .expect_err("not an attribute");
    assert!(err.to_string().contains("`derive(Hash)` (for `.`) is not a Rust attribute"), "{err}");
}
