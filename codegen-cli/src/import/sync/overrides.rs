//! `spec/overrides/<product>.yaml`: which docs folder a product is read from, its header, and
//! the hand edits that doc pages cannot express.
//!
//! The synced spec is a pure function of the pages and this file, so a hand edit lives here and
//! survives every re-sync. Endpoints are named by route (`GET /fapi/v3/account`,
//! `WS account.status`), which stays put when a page is retitled; models and enums by the name
//! sync gives them (the spec shows it). An override that no longer matches anything is reported
//! by name, never silently ignored.

use crate::ast::{EnumValue, ErrorCode, Product, Weight};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One product's override file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductOverrides {
    /// The product's folder under the docs directory, e.g. `usds-margined-futures`.
    pub docs_folder: String,
    /// Comment lines put at the top of the spec file (without the leading `# `).
    #[serde(default)]
    pub header: Vec<String>,
    /// The product header, copied into the spec as is.
    pub product: Product,
    /// Endpoint edits by route: `GET /path` or `WS method`.
    #[serde(default)]
    pub endpoints: BTreeMap<String, EndpointOverride>,
    /// Model edits by the model's synced name.
    #[serde(default)]
    pub models: BTreeMap<String, ModelOverride>,
    /// Enum edits by the enum's synced name.
    #[serde(default)]
    pub enums: BTreeMap<String, EnumOverride>,
    /// Error codes to add to (or, by code, replace in) those of the error-code page.
    #[serde(default)]
    pub errors: Vec<ErrorCode>,
}

/// Hand edits of one endpoint.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointOverride {
    /// The endpoint's name in the spec; its response model follows (`account_status` →
    /// `AccountStatusResult`, nested models keep their suffixes).
    pub rename: Option<String>,
    /// Replaces the page's title.
    pub title: Option<String>,
    /// Replaces the page's description.
    pub description: Option<String>,
    /// Appended to the page's notes.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Replaces the page's security.
    pub security: Option<String>,
    /// Replaces the page's weight.
    pub weight: Option<Weight>,
    /// Parameter edits by Binance name.
    #[serde(default)]
    pub params: BTreeMap<String, ParamOverride>,
}

/// Hand edits of one parameter.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamOverride {
    /// Replaces the type.
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// Replaces the enum name (with `type: ENUM`).
    #[serde(rename = "enum")]
    pub enum_name: Option<String>,
    /// Replaces `required`.
    pub required: Option<bool>,
    /// Replaces `list`.
    pub list: Option<bool>,
    /// Replaces the doc.
    pub doc: Option<String>,
}

/// Hand edits of one model.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelOverride {
    /// The model's name in the spec; every reference follows.
    pub rename: Option<String>,
    /// Find the model by its field names (in order) instead of by its synced name, and give it
    /// the override's key as its name. Stable for a model several pages share: its synced name
    /// is the first page's, which changes when that page's model changes.
    pub fields_are: Option<Vec<String>>,
    /// Replaces the doc.
    pub doc: Option<String>,
    /// Field edits by Binance name.
    #[serde(default)]
    pub fields: BTreeMap<String, FieldOverride>,
}

/// Hand edits of one field.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldOverride {
    /// Replaces the type (a scalar, or a model or enum name after renames).
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// Replaces `list`.
    pub list: Option<bool>,
    /// Replaces `optional`.
    pub optional: Option<bool>,
    /// Replaces the doc.
    pub doc: Option<String>,
    /// Sets the Rust field name (a stream payload key whose comment names nothing usable).
    pub rust_name: Option<String>,
}

/// Hand edits of one enum.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumOverride {
    /// The enum's name in the spec; every reference follows.
    pub rename: Option<String>,
    /// Replaces the doc.
    pub doc: Option<String>,
    /// Values the pages do not list, appended after theirs.
    #[serde(default)]
    pub values: Vec<EnumValue>,
}

/// An override file on disk.
#[derive(Debug, Clone)]
pub struct OverrideFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// The spec file it describes: `<spec dir>/<file name>`.
    pub spec_path: PathBuf,
    /// Its content.
    pub overrides: ProductOverrides,
}

/// Reads every `*.yaml` in `<spec_dir>/overrides`, sorted by name.
pub fn read_all(spec_dir: &Path) -> Result<Vec<OverrideFile>, String> {
    let dir = spec_dir.join("overrides");
    let entries = std::fs::read_dir(&dir).map_err(|e| {
        format!(
            "{}: cannot list the override files: {e}; each product needs spec/overrides/<product>.yaml \
             with `docs_folder` and `product`",
            dir.display()
        )
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(format!("{}: no *.yaml override files; add one per product", dir.display()));
    }
    let mut out: Vec<OverrideFile> = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let overrides: ProductOverrides =
            serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some(other) = out.iter().find(|o| o.overrides.docs_folder == overrides.docs_folder) {
            return Err(format!(
                "{}: docs_folder `{}` is also claimed by {}; each folder belongs to one product",
                path.display(),
                overrides.docs_folder,
                other.path.display()
            ));
        }
        let file_name = path.file_name().map(PathBuf::from).unwrap_or_default();
        out.push(OverrideFile { spec_path: spec_dir.join(file_name), path, overrides });
    }
    Ok(out)
}
