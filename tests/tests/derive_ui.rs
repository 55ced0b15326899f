//! Compile tests of the derive macros: every misuse fails with an error that points at the
//! offending token (`tests/ui/fail/*.stderr`), and correct uses compile and run
//! (`tests/ui/pass`). Regenerate the expected output with `TRYBUILD=overwrite` and review it.

#[test]
fn derive_ui() {
    // trybuild builds the cases as a project of their own, which does not inherit the
    // workspace's `[profile.dev]`; the variable the profile would set does reach it, so the
    // pass cases link with line tables only, as the workspace's own tests do (full debug info
    // made each of them a 66 MB link). Set before any thread starts: this is the binary's only
    // test.
    if std::env::var_os("CARGO_PROFILE_DEV_DEBUG").is_none() {
        std::env::set_var("CARGO_PROFILE_DEV_DEBUG", "line-tables-only");
    }
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/fail/*.rs");
    cases.pass("ui/pass/*.rs");
}
