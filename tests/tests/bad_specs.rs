//! Every bad-spec case in `bad_specs/` gives the exact messages a user sees, snapshotted.
//! Paths are relative to this crate so the messages are the same on every machine.

use binance_codegen::Config;
use std::path::Path;

/// The messages for `bad_specs/<file>`, with this crate's directory cut from the paths (not by
/// changing the working directory, which the tests running in parallel share).
fn messages(file: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    match Config::new().spec_file(dir.join("bad_specs").join(file)).generate() {
        Ok(_) => panic!("{file} was accepted"),
        Err(errors) => errors.to_string().replace(&format!("{}/", dir.display()), ""),
    }
}

#[test]
fn the_valid_base_is_accepted() {
    Config::new().spec_file(Path::new(env!("CARGO_MANIFEST_DIR")).join("bad_specs/valid.yaml")).generate().unwrap();
}

macro_rules! bad_spec {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            insta::assert_snapshot!(messages(concat!(stringify!($name), ".yaml")));
        }
    )*};
}

bad_spec!(
    yaml_syntax_error,
    unknown_field_type,
    unknown_model,
    duplicate_endpoint,
    duplicate_route,
    missing_weight,
    bad_http_method,
    path_without_slash,
    duplicate_field,
    enum_without_values,
    param_unknown_type,
    unknown_key,
    http_and_ws,
    bad_weight_rule,
    bad_weight,
    example_not_json,
    many_errors_at_once,
    reserved_method_name,
    reserved_type_name,
    rust_name_collision,
    at_most_on_non_integer,
    bad_list_and_model_params,
    ws_method_slash,
    bad_streams,
);
