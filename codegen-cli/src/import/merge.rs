//! Applies an imported endpoint onto a spec file, keeping the maintainers' refinements.
//!
//! **Which endpoint**: the one with the same REST method and path or WebSocket method; else
//! the one with the imported name; else the endpoint is new.
//!
//! **Page facts are updated**: docs URL, `http` / `ws`, security, weight, parameters (name,
//! type, required), `response_list`, examples, the fields of the response models (new fields
//! are added, list-ness follows the page, wire types follow the page when the spec's type cannot
//! decode what the page shows), and new enum values.
//!
//! **Hand refinements are kept**: endpoint, model and enum names (imported models are matched
//! to spec models through the endpoint's `response` and the fields' types, so maintainers can
//! rename freely); models shared between endpoints (a new nested model whose field names
//! contain, or are contained in, an existing model's is merged into it); title, description and
//! notes; field, model, enum and parameter docs; a type the maintainers chose that decodes what
//! the page shows (an enum for a string, `LONG` for an `INT`, …); `optional: true`.
//!
//! **Nothing is deleted silently**: a field or enum value the page no longer shows is kept and
//! listed in the report (a required field also becomes optional, since the page's examples no
//! longer send it); only parameters, which the page's table lists completely, are removed.

use super::ImportedEndpoint;
use crate::ast::{Endpoint, Enum, Field, Model, Param, SpecFile};
use std::collections::BTreeSet;
use std::fmt;

/// What a merge did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// The spec's name of the endpoint.
    pub endpoint: String,
    /// The endpoint was not in the spec before.
    pub created: bool,
    /// Every change made to the spec; empty when the page matched the spec already.
    pub changes: Vec<String>,
    /// Where the spec's hand-written content was kept although the page differs or lacks it.
    pub kept: Vec<String>,
}

impl MergeReport {
    /// True when the merge changed nothing.
    pub fn is_unchanged(&self) -> bool {
        self.changes.is_empty()
    }
}

impl fmt::Display for MergeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.created {
            "added"
        } else if self.changes.is_empty() {
            "unchanged"
        } else {
            "updated"
        };
        writeln!(f, "endpoint {}: {what}", self.endpoint)?;
        for c in &self.changes {
            writeln!(f, "  changed: {c}")?;
        }
        for k in &self.kept {
            writeln!(f, "  kept:    {k}")?;
        }
        Ok(())
    }
}

/// Merges `imported` into `spec` (see the module docs for the rules).
pub fn merge_into(spec: &mut SpecFile, imported: &ImportedEndpoint) -> MergeReport {
    let index = spec
        .endpoints
        .iter()
        .position(|(_, e)| same_target(e, &imported.endpoint))
        .or_else(|| spec.endpoints.iter().position(|(n, _)| *n == imported.name));
    let shared = reachable_models(spec, index);
    let mut m = Merger { spec, imp: imported, report: MergeReport::default(), models: Vec::new(), shared };
    match index {
        Some(i) => m.update_endpoint(i),
        None => m.add_endpoint(),
    }
    m.report
}

fn same_target(a: &Endpoint, b: &Endpoint) -> bool {
    match (&a.http, &b.http, &a.ws, &b.ws) {
        (Some(x), Some(y), _, _) => x.method == y.method && x.path == y.path,
        (_, _, Some(x), Some(y)) => x.method == y.method,
        _ => false,
    }
}

/// Models reachable from every endpoint except `skip`: changes to them affect other endpoints.
fn reachable_models(spec: &SpecFile, skip: Option<usize>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = spec
        .endpoints
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != skip)
        .map(|(_, (_, e))| e.response.clone())
        .collect();
    while let Some(name) = todo.pop() {
        if let Some((_, model)) = spec.models.iter().find(|(n, _)| *n == name) {
            if seen.insert(name) {
                todo.extend(model.fields.iter().map(|f| f.ty.clone()));
            }
        }
    }
    seen
}

struct Merger<'a> {
    spec: &'a mut SpecFile,
    imp: &'a ImportedEndpoint,
    report: MergeReport,
    /// imported model name → spec model name, filled as models are matched.
    models: Vec<(String, String)>,
    shared: BTreeSet<String>,
}

const SCALARS: &[&str] = &["DECIMAL", "STRING", "INT", "LONG", "BOOLEAN", "TIMESTAMP"];

/// Whether the spec's type `kept` still decodes what the page shows as `page`.
fn decodes(kept: &str, page: &str, kept_is_enum: bool) -> bool {
    let integer = |t: &str| matches!(t, "INT" | "LONG" | "TIMESTAMP");
    kept == page
        || (page == "STRING" && kept_is_enum)
        || (page == "DECIMAL" && (kept == "STRING" || kept_is_enum))
        || (integer(kept) && integer(page))
        || (kept == "DECIMAL" && integer(page))
}

impl Merger<'_> {
    fn change(&mut self, text: String) {
        self.report.changes.push(text);
    }

    fn imp_model(&self, name: &str) -> Option<&Model> {
        self.imp.models.iter().find(|(n, _)| n == name).map(|(_, m)| m)
    }

    fn imp_enum(&self, name: &str) -> Option<&Enum> {
        self.imp.enums.iter().find(|(n, _)| n == name).map(|(_, e)| e)
    }

    fn spec_model_index(&self, name: &str) -> Option<usize> {
        self.spec.models.iter().position(|(n, _)| n == name)
    }

    fn spec_enum_index(&self, name: &str) -> Option<usize> {
        self.spec.enums.iter().position(|(n, _)| n == name)
    }

    fn unique_type_name(&self, name: &str) -> String {
        let taken = |n: &str| self.spec_model_index(n).is_some() || self.spec_enum_index(n).is_some();
        if !taken(name) {
            return name.to_string();
        }
        (2..).map(|i| format!("{name}{i}")).find(|n| !taken(n)).unwrap_or_else(|| name.to_string())
    }

    fn add_endpoint(&mut self) {
        let mut name = self.imp.name.clone();
        if self.spec.endpoints.iter().any(|(n, _)| *n == name) {
            name = (2..)
                .map(|i| format!("{name}_{i}"))
                .find(|n| self.spec.endpoints.iter().all(|(e, _)| e != n))
                .unwrap_or(name);
        }
        let mut endpoint = self.imp.endpoint.clone();
        endpoint.response = self.add_model(&self.imp.endpoint.response.clone());
        self.report.endpoint = name.clone();
        self.report.created = true;
        self.change(format!("endpoint {name} added"));
        self.spec.endpoints.push((name, endpoint));
    }

    fn update_endpoint(&mut self, i: usize) {
        let (name, old) = self.spec.endpoints[i].clone();
        self.report.endpoint = name.clone();
        let page = self.imp.endpoint.clone();
        let mut new = old.clone();
        new.docs = page.docs.clone();
        new.http = page.http.clone();
        new.ws = page.ws.clone();
        new.security = page.security.clone();
        new.weight = page.weight.clone();
        new.response_list = page.response_list;
        new.examples = page.examples.clone();
        new.params = self.merge_params(&old.params, &page.params);
        if new.description.is_none() {
            new.description = page.description.clone();
        }
        if new.notes.is_empty() {
            new.notes = page.notes.clone();
        }
        if old.title != page.title
            || (old.description.is_some() && old.description != page.description)
            || (!old.notes.is_empty() && old.notes != page.notes)
        {
            self.report.kept.push(format!("hand-written title, description and notes of {name}"));
        }
        new.response = match self.spec_model_index(&old.response) {
            Some(_) => {
                self.merge_model(&page.response, &old.response);
                old.response.clone()
            }
            None => self.add_model(&page.response),
        };
        for (what, changed) in [
            ("docs URL", old.docs != new.docs),
            ("method/path", old.http != new.http || old.ws != new.ws),
            ("security", old.security != new.security),
            ("weight", old.weight != new.weight),
            ("response_list", old.response_list != new.response_list),
            ("examples", old.examples != new.examples),
            ("response model", old.response != new.response),
        ] {
            if changed {
                self.change(format!("{name}: {what} updated from the page"));
            }
        }
        self.spec.endpoints[i].1 = new;
    }

    fn merge_params(&mut self, old: &[Param], page: &[Param]) -> Vec<Param> {
        let endpoint = self.report.endpoint.clone();
        let mut out = Vec::new();
        for p in page {
            let mut new = p.clone();
            match old.iter().find(|o| o.name == p.name) {
                Some(o) => {
                    if o.ty == "ENUM" && p.ty == "STRING" {
                        new.ty = o.ty.clone();
                        new.enum_name = o.enum_name.clone();
                    }
                    if o.doc.is_some() {
                        new.doc = o.doc.clone();
                    }
                    if o.ty != new.ty || o.required != new.required {
                        self.change(format!(
                            "{endpoint}: parameter {} is now {} required={}",
                            p.name, new.ty, new.required
                        ));
                    }
                }
                None => self.change(format!("{endpoint}: parameter {} added", p.name)),
            }
            out.push(new);
        }
        for o in old.iter().filter(|o| page.iter().all(|p| p.name != o.name)) {
            self.change(format!("{endpoint}: parameter {} removed (no longer in the page's table)", o.name));
        }
        out
    }

    /// Adds imported model `imp_name` (and what it references) under a free name.
    fn add_model(&mut self, imp_name: &str) -> String {
        if let Some((_, s)) = self.models.iter().find(|(i, _)| i == imp_name) {
            return s.clone();
        }
        let Some(model) = self.imp_model(imp_name).cloned() else { return imp_name.to_string() };
        let name = self.unique_type_name(imp_name);
        self.models.push((imp_name.to_string(), name.clone()));
        let slot = self.spec.models.len();
        self.spec.models.push((name.clone(), Model { doc: model.doc.clone(), tuple: false, fields: Vec::new() }));
        let fields: Vec<Field> = model.fields.iter().map(|f| Field { ty: self.new_type(&f.ty), ..f.clone() }).collect();
        self.spec.models[slot].1.fields = fields;
        self.change(format!("model {name} added"));
        name
    }

    /// The spec type for an imported type used by a new field.
    fn new_type(&mut self, imp_ty: &str) -> String {
        if SCALARS.contains(&imp_ty) {
            imp_ty.to_string()
        } else if self.imp_enum(imp_ty).is_some() {
            self.add_enum(imp_ty)
        } else {
            self.shared_or_new_model(imp_ty)
        }
    }

    /// A nested model: merged into a spec model with a containing or contained field-name set
    /// (a shared model), else added.
    fn shared_or_new_model(&mut self, imp_name: &str) -> String {
        if let Some((_, s)) = self.models.iter().find(|(i, _)| i == imp_name) {
            return s.clone();
        }
        let Some(model) = self.imp_model(imp_name) else { return imp_name.to_string() };
        let names: BTreeSet<&str> = model.fields.iter().map(|f| f.name.as_str()).collect();
        let responses: BTreeSet<&str> = self.spec.endpoints.iter().map(|(_, e)| e.response.as_str()).collect();
        let found = self.spec.models.iter().filter(|(n, _)| !responses.contains(n.as_str())).find(|(_, m)| {
            let theirs: BTreeSet<&str> = m.fields.iter().map(|f| f.name.as_str()).collect();
            let common = names.intersection(&theirs).count();
            common >= 2
                && (names.is_subset(&theirs) || theirs.is_subset(&names))
                && m.fields.iter().all(|sf| {
                    model.fields.iter().find(|f| f.name == sf.name).is_none_or(|f| {
                        let both_scalar = SCALARS.contains(&f.ty.as_str()) && SCALARS.contains(&sf.ty.as_str());
                        !both_scalar || decodes(&sf.ty, &f.ty, false) || decodes(&f.ty, &sf.ty, false)
                    })
                })
        });
        match found.map(|(n, _)| n.clone()) {
            Some(existing) => {
                self.merge_model(imp_name, &existing);
                existing
            }
            None => self.add_model(imp_name),
        }
    }

    fn merge_model(&mut self, imp_name: &str, spec_name: &str) {
        if self.models.iter().any(|(i, _)| i == imp_name) {
            return;
        }
        self.models.push((imp_name.to_string(), spec_name.to_string()));
        let (Some(imp), Some(idx)) = (self.imp_model(imp_name).cloned(), self.spec_model_index(spec_name)) else {
            return;
        };
        let shared = self.shared.contains(spec_name);
        let mut fields = self.spec.models[idx].1.fields.clone();
        let mut prev: Option<usize> = None;
        for f in &imp.fields {
            let at = match fields.iter().position(|e| e.name == f.name) {
                Some(pos) => {
                    let old = fields[pos].clone();
                    let mut new = old.clone();
                    new.ty = self.merged_type(spec_name, &old, f);
                    new.list = f.list;
                    new.optional = old.optional || f.optional;
                    if new.doc.is_none() {
                        new.doc = f.doc.clone();
                    }
                    if new.list != old.list || new.optional != old.optional {
                        self.change(format!(
                            "{spec_name}.{}: list={} optional={} (from the page's examples)",
                            f.name, new.list, new.optional
                        ));
                    }
                    fields[pos] = new;
                    pos
                }
                None => {
                    let ty = self.new_type(&f.ty);
                    // Other endpoints' examples do not send it, so it must be optional there.
                    let field = Field { ty, optional: f.optional || shared, ..f.clone() };
                    let pos = prev.map_or(0, |p| p + 1);
                    fields.insert(pos, field);
                    self.change(format!("{spec_name}.{}: field added", f.name));
                    pos
                }
            };
            prev = Some(at);
        }
        if !imp.fields.is_empty() {
            for field in fields.iter_mut().filter(|e| imp.fields.iter().all(|f| f.name != e.name)) {
                if !field.optional {
                    field.optional = true;
                    self.report.changes.push(format!(
                        "{spec_name}.{}: not in the page's examples any more; now optional (delete it by hand if Binance removed it)",
                        field.name
                    ));
                } else if !shared {
                    self.report.kept.push(format!("{spec_name}.{}: not in the page's examples; kept", field.name));
                }
            }
        }
        let model = &mut self.spec.models[idx].1;
        model.fields = fields;
        if model.doc.is_none() {
            model.doc = imp.doc.clone();
        }
    }

    /// The type of a field present in both: the spec's when it still decodes the page's values.
    fn merged_type(&mut self, model: &str, old: &Field, page: &Field) -> String {
        let old_is_model = self.spec_model_index(&old.ty).is_some();
        let old_is_enum = self.spec_enum_index(&old.ty).is_some();
        let keep = if self.imp_model(&page.ty).is_some() {
            if old_is_model {
                self.merge_model(&page.ty, &old.ty);
            }
            old_is_model
        } else if self.imp_enum(&page.ty).is_some() {
            if old_is_enum {
                self.merge_enum(&page.ty, &old.ty);
            } else if old.ty == "STRING" {
                self.report.kept.push(format!("{model}.{}: type STRING (the page lists enum values)", old.name));
            }
            old_is_enum || old.ty == "STRING"
        } else {
            decodes(&old.ty, &page.ty, old_is_enum)
        };
        if keep {
            return old.ty.clone();
        }
        let ty = self.new_type(&page.ty);
        self.change(format!("{model}.{}: type {} → {ty} (the page's examples)", old.name, old.ty));
        ty
    }

    fn add_enum(&mut self, imp_name: &str) -> String {
        let Some(e) = self.imp_enum(imp_name).cloned() else { return imp_name.to_string() };
        if let Some(i) = self.spec_enum_index(imp_name) {
            let overlaps = self.spec.enums[i].1.values.iter().any(|v| e.values.iter().any(|w| w.value() == v.value()));
            if overlaps {
                self.merge_enum(imp_name, imp_name);
                return imp_name.to_string();
            }
        }
        let name = self.unique_type_name(imp_name);
        self.change(format!("enum {name} added"));
        self.spec.enums.push((name.clone(), e));
        name
    }

    fn merge_enum(&mut self, imp_name: &str, spec_name: &str) {
        let (Some(e), Some(i)) = (self.imp_enum(imp_name).cloned(), self.spec_enum_index(spec_name)) else { return };
        for v in &e.values {
            if self.spec.enums[i].1.values.iter().all(|o| o.value() != v.value()) {
                self.spec.enums[i].1.values.push(v.clone());
                self.report.changes.push(format!("{spec_name}: value {} added", v.value()));
            }
        }
        for o in &self.spec.enums[i].1.values {
            if e.values.iter().all(|v| v.value() != o.value()) {
                self.report.kept.push(format!("{spec_name}: value {} is not listed on the page; kept", o.value()));
            }
        }
        if self.spec.enums[i].1.doc.is_none() {
            self.spec.enums[i].1.doc = e.doc.clone();
        }
    }
}

/// Which of `specs` an imported endpoint belongs in: the file that already has the endpoint
/// (same method and path, or same WebSocket method); else the file whose product docs URL
/// folder the page's URL is under; else the file with an endpoint under the same first path
/// segment (`/fapi`, `/papi`, `/sapi`).
pub fn find_target(specs: &[&SpecFile], imported: &ImportedEndpoint) -> Option<usize> {
    let page = &imported.endpoint;
    if let Some(i) = specs.iter().position(|s| s.endpoints.iter().any(|(_, e)| same_target(e, page))) {
        return Some(i);
    }
    let folder = |url: &str| url.rsplit_once('/').map(|(dir, _)| format!("{dir}/"));
    if let Some(i) = specs
        .iter()
        .position(|s| s.product.docs.as_deref().and_then(folder).is_some_and(|dir| page.docs.starts_with(&dir)))
    {
        return Some(i);
    }
    let segment = |path: &str| path.split('/').nth(1).map(str::to_string);
    let wanted = page.http.as_ref().and_then(|h| segment(&h.path))?;
    specs.iter().position(|s| {
        s.endpoints.iter().any(|(_, e)| e.http.as_ref().and_then(|h| segment(&h.path)).as_deref() == Some(&wanted))
    })
}
