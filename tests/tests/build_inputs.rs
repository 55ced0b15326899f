//! The test crate's build script generates a call, a golden case and a stream case per endpoint
//! of `generated-client/spec` (see `tests/build.rs`); cargo must re-run it when that spec
//! changes, or the tests check the spec as it was when they were first built.

use std::path::Path;

/// cargo keeps what a build script printed in `output`, beside its `OUT_DIR`.
#[test]
fn the_build_script_reruns_when_the_real_spec_changes() {
    let out_dir = Path::new(env!("OUT_DIR"));
    let output = out_dir.parent().map(|dir| dir.join("output")).expect("OUT_DIR has a parent");
    let printed = std::fs::read_to_string(&output).unwrap_or_else(|e| panic!("{}: {e}", output.display()));
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/spec");
    let watched = |path: &Path| printed.lines().any(|l| l == format!("cargo:rerun-if-changed={}", path.display()));
    assert!(watched(&spec), "the spec directory is not watched ({}):\n{printed}", output.display());
    let file = spec.join("usds_futures.yaml");
    assert!(watched(&file), "{} is not watched:\n{printed}", file.display());
}
