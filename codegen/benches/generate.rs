//! How long the generator takes inside `build.rs`: the real spec, and synthetic specs of 10,
//! 100 and 1,000 endpoints with 12 response fields each (issue #7; target: 1,000 endpoints in
//! at most 0.3 s). `stages_1000_endpoints/*` splits the 1,000-endpoint run into YAML parsing,
//! validation and emission (tokens + `syn::parse2` + `prettyplease`), and emission into parts.
//!
//! Run: `cargo bench -p binance-codegen --bench generate -- --warm-up-time 1 --measurement-time 3`

use binance_codegen::{emit, Config};
use binance_spec::{load, validate};
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use std::hint::black_box;
use std::path::{Path, PathBuf};

#[path = "support/synthetic.rs"]
mod synthetic;
use synthetic::synthetic_spec;

/// What `Config::generate` does for one file, minus reading it from disk.
fn generate_from_text(path: &Path, yaml: &str) -> String {
    let loaded = load::parse(path, yaml).expect("synthetic spec parses");
    let product = validate::validate(&loaded).expect("synthetic spec is valid");
    emit::product_module(&product, &emit::Options::default()).expect("generated code parses")
}

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/spec")
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    let dir = spec_dir();
    group.bench_function("real_spec", |b| {
        b.iter(|| Config::new().spec_dir(black_box(&dir)).generate().expect("the workspace spec generates"))
    });
    for n in [10usize, 100, 1_000] {
        let yaml = synthetic_spec(n);
        let path = PathBuf::from(format!("synthetic_{n}.yaml"));
        // Sanity check outside the timing: every endpoint became a request type.
        let out = generate_from_text(&path, &yaml);
        assert_eq!(out.matches("::binance_runtime::Endpoint)]").count(), n);
        group.bench_with_input(BenchmarkId::new("synthetic_endpoints", n), &yaml, |b, yaml| {
            b.iter(|| generate_from_text(&path, black_box(yaml)))
        });
        // `Config::format(false)`, what a build script over a very large spec can use.
        group.bench_with_input(BenchmarkId::new("synthetic_endpoints_unformatted", n), &yaml, |b, yaml| {
            b.iter(|| {
                let loaded = load::parse(&path, black_box(yaml)).expect("synthetic spec parses");
                let product = validate::validate(&loaded).expect("synthetic spec is valid");
                emit::product_module_unformatted(&product, &emit::Options::default())
            })
        });
    }
    group.finish();

    let n = 1_000;
    let yaml = synthetic_spec(n);
    let path = PathBuf::from("synthetic_1000.yaml");
    let loaded = load::parse(&path, &yaml).expect("synthetic spec parses");
    let product = validate::validate(&loaded).expect("synthetic spec is valid");
    let mut stages = c.benchmark_group("stages_1000_endpoints");
    stages.sample_size(10);
    stages.bench_function("load_parse_yaml", |b| b.iter(|| load::parse(&path, black_box(&yaml))));
    stages.bench_function("validate", |b| b.iter(|| validate::validate(black_box(&loaded))));
    stages.bench_function("emit_tokens_syn_prettyplease", |b| {
        b.iter(|| emit::product_module(black_box(&product), &emit::Options::default()))
    });
    // What formatting costs: `syn::parse2` and `prettyplease` of the whole module on one thread.
    // `emit::product_module` does the same per top-level item on up to 4 threads, so
    // `emit_tokens_syn_prettyplease` is less than tokens + these two on a multi-core machine.
    let source = emit::product_module(&product, &emit::Options::default()).expect("generated code parses");
    let tokens: proc_macro2::TokenStream = source.parse().expect("generated code lexes");
    let file: syn::File = syn::parse2(tokens.clone()).expect("generated code parses");
    stages.bench_function("emit_part_syn_parse2", |b| {
        b.iter_batched(|| tokens.clone(), syn::parse2::<syn::File>, BatchSize::LargeInput)
    });
    stages.bench_function("emit_part_prettyplease_unparse", |b| b.iter(|| prettyplease::unparse(black_box(&file))));
    stages.finish();
}

criterion_group!(generate, benches);
criterion_main!(generate);
