//! The one entry point: which spec files to read and where the generated code goes.

use crate::emit;
use binance_spec::{ir, Diagnostic, Diagnostics, Specs};
use std::path::{Path, PathBuf};

/// Generator configuration, in the manner of `prost_build::Config`.
#[derive(Debug, Clone)]
pub struct Config {
    specs: Specs,
    out_dir: Option<PathBuf>,
    rerun_if_changed: bool,
    format: bool,
    emit: emit::Options,
    /// Product modules to generate; `None` generates every product.
    products: Option<Vec<String>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            specs: Specs::new(),
            out_dir: None,
            rerun_if_changed: false,
            format: true,
            emit: emit::Options::default(),
            products: None,
        }
    }
}

/// One generated product module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The spec file it was generated from.
    pub spec: PathBuf,
    /// Module name (the product's `name`).
    pub module: String,
    /// Doc line for the module (the product's title).
    pub title: String,
    /// The formatted module body.
    pub source: String,
}

impl Config {
    /// An empty configuration; add spec files or directories.
    pub fn new() -> Self {
        Config::default()
    }

    /// Adds one spec file.
    pub fn spec_file(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.specs.file(path);
        self
    }

    /// Adds every `*.yaml` file directly in `dir`.
    pub fn spec_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.specs.dir(dir);
        self
    }

    /// Where [`write`](Self::write) puts files; defaults to `$OUT_DIR` in build scripts.
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Print `cargo:rerun-if-changed` for every spec file and directory (for build scripts)
    /// whenever the specs are read: by [`validate`](Self::validate), [`generate`](Self::generate)
    /// and [`write`](Self::write).
    pub fn emit_rerun_if_changed(&mut self, yes: bool) -> &mut Self {
        self.rerun_if_changed = yes;
        self
    }

    /// Pretty-print the generated code (default `true`). Formatting is about half of generation
    /// time; a build script over a very large spec may turn it off, at the price of compiler
    /// errors in generated code pointing into long lines (`binance-codegen generate` still
    /// prints the formatted source).
    pub fn format(&mut self, yes: bool) -> &mut Self {
        self.format = yes;
        self
    }

    /// Emit `WsClient` for WebSocket API endpoints (default `true`). It needs the runtime's `ws`
    /// feature; a build script whose crate does not enable it turns this off, e.g.
    /// `.ws_client(std::env::var_os("CARGO_FEATURE_WS").is_some())`.
    pub fn ws_client(&mut self, yes: bool) -> &mut Self {
        self.emit.ws_client = yes;
        self
    }

    /// Generate only the products whose module name (`product.name` in the spec, e.g.
    /// `usds_futures`) is listed; by default every product is generated. Every spec file is
    /// still validated, so a broken spec of a product left out is still reported. A build script
    /// maps its crate's features to this list, so a user of one product compiles only that
    /// product's code:
    ///
    /// ```no_run
    /// let enabled = ["usds_futures", "portfolio_margin", "portfolio_margin_pro"]
    ///     .into_iter()
    ///     .filter(|module| std::env::var_os(format!("CARGO_FEATURE_{}", module.to_uppercase())).is_some());
    /// binance_codegen::Config::new().spec_dir("spec").products(enabled);
    /// ```
    pub fn products<I, S>(&mut self, modules: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.products = Some(modules.into_iter().map(Into::into).collect());
        self
    }

    /// Adds `attribute` (Rust source such as `#[derive(serde::Serialize)]`) to the generated
    /// types `path` names: `.` for every request type, model and enum, `Name` for that type in
    /// every product, `product.Name` for one product's. Like `prost_build::Config::type_attribute`.
    pub fn type_attribute(&mut self, path: impl Into<String>, attribute: impl Into<String>) -> &mut Self {
        self.emit.hooks.type_attributes.push((path.into(), attribute.into()));
        self
    }

    /// Adds `attribute` to the fields `path` names: `Name.field` or `product.Name.field`, the
    /// field by its Binance or Rust name (request parameters are fields of the request type).
    pub fn field_attribute(&mut self, path: impl Into<String>, attribute: impl Into<String>) -> &mut Self {
        self.emit.hooks.field_attributes.push((path.into(), attribute.into()));
        self
    }

    /// Adds `#[derive(derive)]` to the types `path` names (as in [`type_attribute`](Self::type_attribute)),
    /// e.g. `.with_derive("Order", "serde::Serialize")`. Like typify's `with_derive`.
    pub fn with_derive(&mut self, path: impl Into<String>, derive: &str) -> &mut Self {
        self.type_attribute(path, format!("#[derive({derive})]"))
    }

    /// Every attribute given to the hooks is one or more `#[...]` attributes.
    fn check_hooks(&self) -> Result<(), Diagnostics> {
        let hooks = &self.emit.hooks;
        let mut all = Diagnostics::default();
        for (kind, (path, attr)) in hooks
            .type_attributes
            .iter()
            .map(|h| ("type_attribute", h))
            .chain(hooks.field_attributes.iter().map(|h| ("field_attribute", h)))
        {
            let parsed = attr
                .parse::<proc_macro2::TokenStream>()
                .ok()
                .and_then(|tokens| syn::parse::Parser::parse2(syn::Attribute::parse_outer, tokens).ok());
            if parsed.is_none_or(|a| a.is_empty()) {
                all.push(
                    Diagnostic::new(
                        Path::new("Config"),
                        kind,
                        format!("`{attr}` (for `{path}`) is not a Rust attribute"),
                    )
                    .with_help("write it as Rust source, e.g. `#[derive(Hash)]` or `#[serde(default)]`"),
                );
            }
        }
        if all.is_empty() {
            Ok(())
        } else {
            Err(all)
        }
    }

    /// Every spec file this configuration names, sorted within each directory.
    pub fn files(&self) -> Result<Vec<PathBuf>, Diagnostics> {
        self.specs.files()
    }

    /// Loads and validates every spec file, collecting the problems of all of them.
    pub fn validate(&self) -> Result<Vec<ir::Product>, Diagnostics> {
        self.print_rerun_if_changed()?;
        self.specs.validate()
    }

    /// The `cargo:rerun-if-changed` lines, when asked for: printed before the specs are loaded,
    /// so that fixing a file that fails to load re-runs the build script too.
    fn print_rerun_if_changed(&self) -> Result<(), Diagnostics> {
        if self.rerun_if_changed {
            for dir in self.specs.dirs() {
                println!("cargo:rerun-if-changed={}", dir.display());
            }
            for file in self.files()? {
                println!("cargo:rerun-if-changed={}", file.display());
            }
        }
        Ok(())
    }

    /// Generates one formatted module per spec file.
    pub fn generate(&self) -> Result<Vec<GeneratedFile>, Diagnostics> {
        self.check_hooks()?;
        self.validate()?
            .iter()
            .filter(|p| self.products.as_ref().is_none_or(|only| only.contains(&p.module)))
            .map(|p| {
                let source = if self.format {
                    emit::product_module(p, &self.emit).map_err(|e| {
                        Diagnostic::new(&p.source, "", format!("generated code does not parse: {e}"))
                            .with_help("this is a bug in binance-codegen; please report it with the spec file")
                    })?
                } else {
                    emit::product_module_unformatted(p, &self.emit)
                };
                Ok(GeneratedFile { spec: p.source.clone(), module: p.module.clone(), title: p.title.clone(), source })
            })
            .collect()
    }

    /// Generates and writes `<module>.rs` per product plus `mod.rs` that includes them all into
    /// the out dir (`$OUT_DIR` when none was set). Files are only rewritten when their content
    /// changed, so cargo does not rebuild what did not change.
    pub fn write(&self) -> Result<Vec<PathBuf>, Diagnostics> {
        let out_dir = match self.out_dir.clone().or_else(|| std::env::var_os("OUT_DIR").map(PathBuf::from)) {
            Some(d) => d,
            None => {
                return Err(Diagnostic::new(Path::new("OUT_DIR"), "", "no output directory")
                    .with_help("call `out_dir(...)` or run inside a build script, where cargo sets OUT_DIR")
                    .into())
            }
        };
        let generated = self.generate()?;
        let mut written = Vec::new();
        for g in &generated {
            let path = out_dir.join(format!("{}.rs", g.module));
            write_if_changed(&path, &g.source)?;
            written.push(path);
        }
        let index = out_dir.join("mod.rs");
        write_if_changed(&index, &include_index(&generated))?;
        written.push(index);
        Ok(written)
    }
}

/// `mod.rs` for the out dir: one documented `pub mod` per product including its file.
fn include_index(files: &[GeneratedFile]) -> String {
    let mut out = String::from("// @generated by binance-codegen. Do not edit: change the spec and rebuild.\n");
    for g in files {
        let spec = g.spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        out.push_str(&format!(
            "\n#[doc = \"{}: generated from `{}`.\"]\npub mod {} {{\n    include!(concat!(env!(\"OUT_DIR\"), \"/{}.rs\"));\n}}\n",
            g.title.replace('\\', "\\\\").replace('"', "\\\""),
            spec,
            g.module,
            g.module
        ));
    }
    out
}

/// Renders all products as one readable file with inline modules (for review and the CLI).
pub fn render_inline(files: &[GeneratedFile]) -> String {
    let mut out = String::from("// @generated by binance-codegen. Do not edit: change the spec and rebuild.\n");
    for g in files {
        let spec = g.spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        out.push_str(&format!("\n/// {}: generated from `{spec}`.\npub mod {} {{\n", g.title, g.module));
        for line in g.source.lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str("    ");
                out.push_str(line);
                out.push('\n');
            }
        }
        out.push_str("}\n");
    }
    out
}

fn write_if_changed(path: &Path, contents: &str) -> Result<(), Diagnostics> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    std::fs::write(path, contents).map_err(|e| {
        Diagnostic::new(path, "", format!("cannot write generated code: {e}"))
            .with_help("check that the output directory exists and is writable")
            .into()
    })
}
