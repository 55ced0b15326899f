//! Reads spec files into the [`ast`](crate::ast), turning YAML and shape errors into located
//! [`Diagnostic`]s.

use crate::ast::SpecFile;
use crate::diagnostic::{Diagnostic, Diagnostics};
use std::path::{Path, PathBuf};

/// A spec file as read from disk: its path, its text (for locating lines) and its AST.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its YAML text.
    pub source: String,
    /// Its parsed, unvalidated content.
    pub ast: SpecFile,
}

/// Parses spec YAML `source`, reporting problems against `path`.
pub fn parse(path: &Path, source: &str) -> Result<LoadedSpec, Diagnostics> {
    match serde_yaml::from_str::<SpecFile>(source) {
        Ok(ast) => Ok(LoadedSpec { path: path.to_path_buf(), source: source.to_string(), ast }),
        Err(err) => Err(yaml_error(path, &err).into()),
    }
}

/// Reads and parses one spec file.
pub fn load_file(path: &Path) -> Result<LoadedSpec, Diagnostics> {
    let source = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::new(path, "", format!("cannot read the spec file: {e}"))
            .with_help("check that the path exists and is a readable UTF-8 file")
    })?;
    parse(path, &source)
}

/// The `*.yaml` / `*.yml` files directly in `dir`, sorted by name so output is deterministic.
pub fn spec_files_in(dir: &Path) -> Result<Vec<PathBuf>, Diagnostics> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Diagnostic::new(dir, "", format!("cannot list the spec directory: {e}"))
            .with_help("pass the folder that holds the spec's *.yaml files")
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Diagnostic::new(dir, "", "no *.yaml spec files in this directory")
            .with_help("add one YAML file per product, see generated-client/spec/README.md")
            .into());
    }
    Ok(files)
}

/// Converts a serde_yaml error into a diagnostic; serde_yaml puts the YAML path first
/// (`endpoints.x: unknown field ...`) and the position last (`at line 3 column 5`).
fn yaml_error(path: &Path, err: &serde_yaml::Error) -> Diagnostic {
    let mut text = err.to_string();
    let line = err.location().map(|l| l.line());
    if let Some(at) = text.rfind(" at line ") {
        text.truncate(at);
    }
    let (yaml_path, message) = match text.split_once(": ") {
        Some((p, m)) if !p.contains(' ') && !p.is_empty() => (p.to_string(), m.to_string()),
        _ => (String::new(), text.clone()),
    };
    let help = if message.contains("defined twice") {
        "rename or remove one of the two definitions"
    } else if message.contains("unknown field") {
        "remove the key or fix its spelling; generated-client/spec/README.md lists every key"
    } else if message.contains("missing field") {
        "add the missing key; generated-client/spec/README.md lists what each item needs"
    } else if message.contains("invalid type") {
        "check the value's form against generated-client/spec/README.md"
    } else {
        "fix the YAML syntax at this position"
    };
    Diagnostic { file: path.to_path_buf(), line, path: yaml_path, message, help: Some(help.to_string()) }
}
