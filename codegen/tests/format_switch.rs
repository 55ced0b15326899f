//! `Config::format(false)` skips pretty-printing but emits the same code.

use binance_codegen::Config;
use std::path::Path;

fn without_blank_lines(s: &str) -> String {
    s.lines().filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join("\n")
}

#[test]
fn unformatted_output_is_the_same_code() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/spec");
    let pretty = Config::new().spec_dir(&spec).generate().unwrap();
    let plain = Config::new().spec_dir(&spec).format(false).generate().unwrap();
    assert_eq!(pretty.len(), plain.len());
    for (p, u) in pretty.iter().zip(&plain) {
        assert_ne!(p.source, u.source, "{}: the plain output should not be formatted", p.module);
        let reformatted = prettyplease::unparse(&syn::parse_file(&u.source).unwrap());
        assert_eq!(without_blank_lines(&reformatted), without_blank_lines(&p.source), "{}", p.module);
    }
}
