//! Doc-page importer: a Binance doc page → one spec endpoint with the models and enums its
//! examples imply, and a merge of that endpoint into an existing spec file.
//!
//! Two layers meet in the spec file (see [`merge`]): **page facts** (method and path, security,
//! weight, parameters, examples, fields and their wire types, enum values) are owned by the
//! page and updated on every import; **hand refinements** (endpoint, model and enum names,
//! shared models, titles, descriptions, notes, docs, enum types chosen for string fields,
//! optional flags) are owned by the maintainers and survive re-imports.
//!
//! ```no_run
//! use binance_codegen_cli::import::{import_page, merge_into};
//! let imported = import_page("page.md".as_ref())?;
//! let text = std::fs::read_to_string("spec/usds_futures.yaml")?;
//! let mut spec: binance_spec::ast::SpecFile = serde_yaml::from_str(&text)?;
//! let report = merge_into(&mut spec, &imported);
//! println!("{report}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod enums_from_text;
pub mod error_codes;
mod infer;
pub mod lenient_json;
pub mod merge;
mod naming;
mod page;
mod params;
mod sections;
pub mod streams;
pub mod sync;
mod weight;

use crate::ast::{Endpoint, Enum, Model};
use serde::Serialize;
use std::path::{Path, PathBuf};

pub use merge::{merge_into, MergeReport};

/// One endpoint read from a doc page, with the models and enums its examples imply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportedEndpoint {
    /// The page it was read from.
    #[serde(skip)]
    pub page: PathBuf,
    /// Suggested stable snake_case name (used when the endpoint is new to the spec): the
    /// WebSocket method (`v2/account.status` → `v2_account_status`) or the page URL's last
    /// segment (`…/Order-Book` → `order_book`); never starts with a digit.
    pub name: String,
    /// The endpoint as the page describes it.
    pub endpoint: Endpoint,
    /// The response model first, then nested models.
    #[serde(with = "pairs")]
    pub models: Vec<(String, Model)>,
    /// Enums of ENUM parameters (values from their descriptions) and of response fields
    /// (values from `//` comments, or the values sent for a shared concept such as `side` →
    /// `OrderSide`). Shared concepts get the same name on every page (see `naming`), so a
    /// merge across pages is a union of values.
    #[serde(with = "pairs")]
    pub enums: Vec<(String, Enum)>,
    /// The WebSocket API request example, as valid JSON (the spec has no place for it; it is
    /// checked against the method name and shown for review).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_example: Option<String>,
    /// Things the importer could only guess; review them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl ImportedEndpoint {
    /// The import result as YAML (for review and snapshots).
    pub fn to_yaml(&self) -> String {
        serde_yaml::to_string(self).unwrap_or_else(|e| format!("# cannot render the import as YAML: {e}\n"))
    }
}

/// Why a page could not be imported. Every variant names the page.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The page is not an endpoint page (an index, general-info, definitions, error-code,
    /// change-log, FAQ, stream or event page): a named outcome, not a failure of the importer.
    #[error("{}: not an endpoint page ({reason})", page.display())]
    NotAnEndpointPage {
        /// The page.
        page: PathBuf,
        /// Why, e.g. `stream page: no HTTP Request or WebSocket method`.
        reason: String,
    },
    /// The page is larger than any doc page (the largest real page is about 40 KB).
    #[error("{}: the page is {bytes} bytes, more than the {limit} bytes a doc page may have; is it a doc page?", page.display())]
    TooLarge {
        /// The page.
        page: PathBuf,
        /// Its size.
        bytes: usize,
        /// The limit, [`MAX_PAGE_BYTES`].
        limit: usize,
    },
    /// The page file could not be read.
    #[error("{}: cannot read the page: {source}", page.display())]
    Read {
        /// The page.
        page: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A section the importer needs is not on the page.
    #[error("{}: no {section} section found; {help}", page.display())]
    MissingSection {
        /// The page.
        page: PathBuf,
        /// The section, e.g. `HTTP Request / 方式`.
        section: &'static str,
        /// What the importer looked for.
        help: &'static str,
    },
    /// A section is there but could not be understood.
    #[error("{}: the {section} section is malformed: {problem}", page.display())]
    Malformed {
        /// The page.
        page: PathBuf,
        /// The section heading as written on the page.
        section: String,
        /// What is wrong.
        problem: String,
    },
}

/// Reads and imports one page file.
pub fn import_page(path: &Path) -> Result<ImportedEndpoint, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Read { page: path.to_path_buf(), source })?;
    if bytes.len() > MAX_PAGE_BYTES {
        return Err(ImportError::TooLarge { page: path.to_path_buf(), bytes: bytes.len(), limit: MAX_PAGE_BYTES });
    }
    import_text(path, &String::from_utf8_lossy(&bytes))
}

/// Pages larger than this are refused: real doc pages are under 64 KB, and the importer's
/// work grows with the page.
pub const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// Imports page `text`; `page` names it in errors.
pub fn import_text(page: &Path, text: &str) -> Result<ImportedEndpoint, ImportError> {
    if text.len() > MAX_PAGE_BYTES {
        return Err(ImportError::TooLarge { page: page.to_path_buf(), bytes: text.len(), limit: MAX_PAGE_BYTES });
    }
    sections::import(page, text)
}

/// Serializes `(name, value)` pairs as a YAML mapping in order.
mod pairs {
    use serde::ser::{Serialize, SerializeMap, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(pairs: &[(String, T)], s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(pairs.len()))?;
        for (k, v) in pairs {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

pub use merge::find_target;

/// The YAML to write for `spec` over a file whose text was `original`: the original's leading
/// comment block (the file's provenance header) followed by `spec` serialized.
///
/// Comments inside the file are not kept: the CLI only rewrites a spec file when an import
/// changed it, and the reviewer sees the whole change in `git diff`.
pub fn render_spec(original: &str, spec: &crate::ast::SpecFile) -> Result<String, serde_yaml::Error> {
    let header: String =
        original.lines().take_while(|l| l.starts_with('#') || l.trim().is_empty()).map(|l| format!("{l}\n")).collect();
    Ok(format!("{header}{}", serde_yaml::to_string(spec)?))
}
