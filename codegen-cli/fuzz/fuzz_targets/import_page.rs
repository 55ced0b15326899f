//! Any bytes as a doc page: the importer and the merge must return, never panic. The same text
//! is imported again with zero-width and no-break spaces inserted where the input's bytes say,
//! the characters the real pages carry in their headings and tables.
#![no_main]

use binance_spec::ast::SpecFile;
use binance_codegen_cli::import::{import_text, lenient_json, merge_into};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = lenient_json::parse(&text);
    if let Ok(imported) = import_text(Path::new("fuzz.md"), &text) {
        let empty = "product: { name: p, title: P, base_urls: { rest: https://x } }";
        if let Ok(mut spec) = serde_yaml::from_str::<SpecFile>(empty) {
            merge_into(&mut spec, &imported);
            assert!(merge_into(&mut spec, &imported).is_unchanged(), "merge is not idempotent");
        }
    }
    let spaced: String = text
        .chars()
        .zip(data.iter().cycle())
        .flat_map(|(c, b)| match b % 7 {
            0 => vec![c, '\u{200b}'],
            1 => vec![c, '\u{a0}'],
            _ => vec![c],
        })
        .collect();
    let _ = import_text(Path::new("fuzz-spaced.md"), &spaced);
});
