//! Compile tests of the derive macros: every misuse fails with an error that points at the
//! offending token (`tests/ui/fail/*.stderr`), and correct uses compile and run
//! (`tests/ui/pass`). Regenerate the expected output with `TRYBUILD=overwrite` and review it.

#[test]
fn derive_ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/fail/*.rs");
    cases.pass("ui/pass/*.rs");
}
