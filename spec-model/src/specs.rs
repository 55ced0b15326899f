//! Which spec files to read, read and validated together: the one way every crate (generator,
//! mock, tests) turns spec files into [`ir::Product`]s.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::{ir, load, validate};
use std::path::PathBuf;

/// A set of spec files and directories.
#[derive(Debug, Clone, Default)]
pub struct Specs {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
}

impl Specs {
    /// No spec files yet; add files or directories.
    pub fn new() -> Self {
        Specs::default()
    }

    /// Adds one spec file.
    pub fn file(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.files.push(path.into());
        self
    }

    /// Adds every `*.yaml` file directly in `dir`.
    pub fn dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.dirs.push(dir.into());
        self
    }

    /// The directories added with [`dir`](Self::dir).
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// Every spec file named, the files first, then each directory's sorted by name.
    pub fn files(&self) -> Result<Vec<PathBuf>, Diagnostics> {
        let mut files = self.files.clone();
        for dir in &self.dirs {
            files.extend(load::spec_files_in(dir)?);
        }
        Ok(files)
    }

    /// Loads and validates every spec file, collecting the problems of all of them; two files
    /// may not define the same product.
    pub fn validate(&self) -> Result<Vec<ir::Product>, Diagnostics> {
        let mut all = Diagnostics::default();
        let mut products: Vec<ir::Product> = Vec::new();
        for file in self.files()? {
            match load::load_file(&file).and_then(|spec| validate::validate(&spec)) {
                Ok(p) => {
                    if let Some(other) = products.iter().find(|o| o.module == p.module) {
                        all.push(
                            Diagnostic::new(
                                &file,
                                "product.name",
                                format!("product `{}` is also defined in {}", p.module, other.source.display()),
                            )
                            .with_help("each spec file describes its own product; give it another name"),
                        );
                    }
                    products.push(p);
                }
                Err(d) => all.0.extend(d.0),
            }
        }
        if all.is_empty() {
            Ok(products)
        } else {
            Err(all)
        }
    }
}
