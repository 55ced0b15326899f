//! Compares two versions of a spec and classifies every change for review and semver.
//!
//! | severity | changes |
//! |---|---|
//! | breaking | product, endpoint, model, field, enum, enum value or error code removed; method or path changed; security changed; parameter removed, retyped (type, enum or list-ness), became required, became optional, or added as required; response model, field type, list-ness or optionality changed; model turned tuple or object; required field added to a model sent as a parameter |
//! | additive | product, endpoint, model, enum, enum value or error code added; field added to a response model; optional parameter added; optional field added to a model sent as a parameter |
//! | weight | request weight (value, kind, rules, limit tables or order counts) changed |
//! | docs | titles, descriptions, notes, docs URLs, docs of fields/models/enums/parameters, error messages, examples |
//!
//! The verdicts follow Cargo's SemVer rules for the code the generator emits. Request types,
//! models and enums are `#[non_exhaustive]`, so a new field or variant breaks no code; requests
//! are built with `new(required…)` and setters, so a parameter that turns optional removes an
//! argument of `new` (and its field becomes an `Option`): breaking. Models sent as parameters
//! (an order of `batchOrders`) are built the same way, so a required field added to one changes
//! its `new`.
//!
//! The suggested bump is `major` for breaking, `minor` for additive, `patch` for weight or docs
//! changes. For a `0.x` crate Cargo's rules shift it one place: breaking → minor, anything
//! else → patch ([`Bump::for_version`]).

use crate::ast::{Endpoint, Enum, Model, SpecFile, Weight};
use serde::Serialize;
use std::fmt;

/// How a change affects users of the generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Existing code may stop compiling or decoding.
    Breaking,
    /// New things; existing code keeps working.
    Additive,
    /// Request weight changed: the rate-limit budget changes, the API does not.
    Weight,
    /// Documentation and examples only.
    Docs,
}

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)] // the names say it
pub enum ChangeKind {
    ProductAdded,
    ProductRemoved,
    EndpointAdded,
    EndpointRemoved,
    MethodChanged,
    PathChanged,
    SecurityChanged,
    ResponseChanged,
    ParamAdded,
    ParamRemoved,
    ParamTypeChanged,
    ParamBecameRequired,
    ParamBecameOptional,
    ModelAdded,
    ModelRemoved,
    FieldAdded,
    FieldRemoved,
    FieldTypeChanged,
    FieldOptionalityChanged,
    EnumAdded,
    EnumRemoved,
    EnumValueAdded,
    EnumValueRemoved,
    ModelShapeChanged,
    ErrorCodeAdded,
    ErrorCodeRemoved,
    ErrorCodeChanged,
    WeightChanged,
    DocsChanged,
    ExamplesChanged,
}

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// How it affects users.
    pub severity: Severity,
    /// What changed.
    pub kind: ChangeKind,
    /// Where: `product.endpoints.name.params.symbol`.
    pub path: String,
    /// In words, with old and new values.
    pub message: String,
}

/// Semver bump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Weight or docs changes.
    Patch,
    /// Additive changes.
    Minor,
    /// Breaking changes.
    Major,
}

impl Bump {
    /// The bump for a crate at `major.minor.patch`: in `0.x`, breaking → minor, else patch.
    pub fn for_version(self, major: u64) -> Bump {
        match (major, self) {
            (0, Bump::Major) => Bump::Minor,
            (0, Bump::Minor) => Bump::Patch,
            (_, b) => b,
        }
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

/// Every change between two spec versions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SpecDiff {
    /// In spec order, breaking first within nothing: the order the specs are walked.
    pub changes: Vec<Change>,
}

impl SpecDiff {
    /// True when any change is breaking.
    pub fn has_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.severity == Severity::Breaking)
    }

    /// The semver bump for a `1.x` crate (see [`Bump::for_version`] for `0.x`).
    pub fn bump(&self) -> Bump {
        self.changes
            .iter()
            .map(|c| match c.severity {
                Severity::Breaking => Bump::Major,
                Severity::Additive => Bump::Minor,
                Severity::Weight | Severity::Docs => Bump::Patch,
            })
            .max()
            .unwrap_or(Bump::None)
    }

    /// How many changes have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.changes.iter().filter(|c| c.severity == severity).count()
    }

    fn push(&mut self, kind: ChangeKind, severity: Severity, path: String, message: String) {
        self.changes.push(Change { severity, kind, path, message });
    }
}

impl fmt::Display for SpecDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for severity in [Severity::Breaking, Severity::Additive, Severity::Weight, Severity::Docs] {
            for c in self.changes.iter().filter(|c| c.severity == severity) {
                let label = match severity {
                    Severity::Breaking => "BREAKING",
                    Severity::Additive => "additive",
                    Severity::Weight => "weight  ",
                    Severity::Docs => "docs    ",
                };
                writeln!(f, "{label} {}: {}", c.path, c.message)?;
            }
        }
        let bump = self.bump();
        writeln!(
            f,
            "{} breaking, {} additive, {} weight, {} docs; suggested bump: {bump} (for a 0.x crate: {})",
            self.count(Severity::Breaking),
            self.count(Severity::Additive),
            self.count(Severity::Weight),
            self.count(Severity::Docs),
            bump.for_version(0)
        )
    }
}

/// Compares two sets of spec files, matched by product name.
pub fn diff_spec_sets(old: &[SpecFile], new: &[SpecFile]) -> SpecDiff {
    let mut d = SpecDiff::default();
    for o in old {
        match new.iter().find(|n| n.product.name == o.product.name) {
            Some(n) => diff_into(&mut d, o, n),
            None => {
                d.push(ChangeKind::ProductRemoved, Severity::Breaking, o.product.name.clone(), "product removed".into())
            }
        }
    }
    for n in new.iter().filter(|n| old.iter().all(|o| o.product.name != n.product.name)) {
        d.push(ChangeKind::ProductAdded, Severity::Additive, n.product.name.clone(), "product added".into());
    }
    d
}

/// Compares two versions of one spec file.
pub fn diff_specs(old: &SpecFile, new: &SpecFile) -> SpecDiff {
    let mut d = SpecDiff::default();
    diff_into(&mut d, old, new);
    d
}

fn diff_into(d: &mut SpecDiff, old: &SpecFile, new: &SpecFile) {
    let p = &new.product.name;
    for (name, o) in &old.endpoints {
        let path = format!("{p}.endpoints.{name}");
        match new.endpoints.iter().find(|(n, _)| n == name) {
            Some((_, n)) => endpoint(d, &path, o, n),
            None => d.push(ChangeKind::EndpointRemoved, Severity::Breaking, path, "endpoint removed".into()),
        }
    }
    for (name, _) in new.endpoints.iter().filter(|(n, _)| old.endpoints.iter().all(|(o, _)| o != n)) {
        d.push(ChangeKind::EndpointAdded, Severity::Additive, format!("{p}.endpoints.{name}"), "endpoint added".into());
    }
    // Models the new spec sends as parameters: users build them, so their `new` matters.
    let param_models: std::collections::HashSet<&str> =
        new.endpoints.iter().flat_map(|(_, e)| &e.params).map(|p| p.ty.as_str()).collect();
    for (name, o) in &old.models {
        let path = format!("{p}.models.{name}");
        match new.models.iter().find(|(n, _)| n == name) {
            Some((_, n)) => model(d, &path, o, n, param_models.contains(name.as_str())),
            None => d.push(ChangeKind::ModelRemoved, Severity::Breaking, path, "model removed".into()),
        }
    }
    for (name, _) in new.models.iter().filter(|(n, _)| old.models.iter().all(|(o, _)| o != n)) {
        d.push(ChangeKind::ModelAdded, Severity::Additive, format!("{p}.models.{name}"), "model added".into());
    }
    for (name, o) in &old.enums {
        let path = format!("{p}.enums.{name}");
        match new.enums.iter().find(|(n, _)| n == name) {
            Some((_, n)) => enumeration(d, &path, o, n),
            None => d.push(ChangeKind::EnumRemoved, Severity::Breaking, path, "enum removed".into()),
        }
    }
    for (name, _) in new.enums.iter().filter(|(n, _)| old.enums.iter().all(|(o, _)| o != n)) {
        d.push(ChangeKind::EnumAdded, Severity::Additive, format!("{p}.enums.{name}"), "enum added".into());
    }
    errors(d, p, &old.errors, &new.errors);
}

/// Error codes become `ErrorCode` variants (`#[non_exhaustive]`): a new one is additive, a
/// removed or renamed one removes a variant.
fn errors(d: &mut SpecDiff, p: &str, old: &[crate::ast::ErrorCode], new: &[crate::ast::ErrorCode]) {
    for o in old {
        let at = format!("{p}.errors.{}", o.code);
        match new.iter().find(|n| n.code == o.code) {
            None => {
                d.push(ChangeKind::ErrorCodeRemoved, Severity::Breaking, at, format!("error code {} removed", o.name))
            }
            Some(n) if n.name != o.name => {
                let msg = format!("error name {} → {}", o.name, n.name);
                d.push(ChangeKind::ErrorCodeChanged, Severity::Breaking, at, msg)
            }
            Some(n) if n.msg != o.msg => {
                d.push(ChangeKind::DocsChanged, Severity::Docs, at, "error message changed".into())
            }
            Some(_) => {}
        }
    }
    for n in new.iter().filter(|n| old.iter().all(|o| o.code != n.code)) {
        let at = format!("{p}.errors.{}", n.code);
        d.push(ChangeKind::ErrorCodeAdded, Severity::Additive, at, format!("error code {} added", n.name));
    }
}

fn target(e: &Endpoint) -> (String, String) {
    match (&e.http, &e.ws) {
        (Some(h), _) => (h.method.clone(), h.path.clone()),
        (None, Some(w)) => ("WebSocket".into(), w.method.clone()),
        (None, None) => (String::new(), String::new()),
    }
}

fn weight_text(w: &Option<Weight>) -> String {
    match w {
        None => "none".into(),
        Some(w) => {
            let mut rules: Vec<String> = w
                .rules
                .iter()
                .map(|r| match r.at_most {
                    Some(bound) => format!("{} if {} <= {bound}", r.value, r.if_present),
                    None => format!("{} if {} is sent", r.value, r.if_present),
                })
                .collect();
            rules
                .extend(w.orders.iter().map(|o| format!("{} order(s) per {} {}", o.value, o.interval_num, o.interval)));
            if rules.is_empty() {
                format!("{} {}", w.kind, w.value)
            } else {
                format!("{} {} ({})", w.kind, w.value, rules.join(", "))
            }
        }
    }
}

fn endpoint(d: &mut SpecDiff, path: &str, o: &Endpoint, n: &Endpoint) {
    let (om, op) = target(o);
    let (nm, np) = target(n);
    if om != nm {
        d.push(ChangeKind::MethodChanged, Severity::Breaking, path.into(), format!("method {om} → {nm}"));
    }
    if op != np {
        d.push(ChangeKind::PathChanged, Severity::Breaking, path.into(), format!("path {op} → {np}"));
    }
    if o.security != n.security {
        let msg = format!("security {} → {}", o.security, n.security);
        d.push(ChangeKind::SecurityChanged, Severity::Breaking, format!("{path}.security"), msg);
    }
    if o.weight != n.weight {
        let msg = format!("weight {} → {}", weight_text(&o.weight), weight_text(&n.weight));
        d.push(ChangeKind::WeightChanged, Severity::Weight, format!("{path}.weight"), msg);
    }
    if o.response != n.response || o.response_list != n.response_list || o.response_object_too != n.response_object_too
    {
        let shown = |e: &Endpoint| if e.response_list { format!("[{}]", e.response) } else { e.response.clone() };
        let msg = format!("response {} → {}", shown(o), shown(n));
        d.push(ChangeKind::ResponseChanged, Severity::Breaking, format!("{path}.response"), msg);
    }
    for op in &o.params {
        let at = format!("{path}.params.{}", op.name);
        let Some(np) = n.params.iter().find(|p| p.name == op.name) else {
            d.push(ChangeKind::ParamRemoved, Severity::Breaking, at, "parameter removed".into());
            continue;
        };
        if op.ty != np.ty || op.enum_name != np.enum_name || op.list != np.list {
            let show = |p: &crate::ast::Param| {
                let ty = p.enum_name.clone().unwrap_or_else(|| p.ty.clone());
                if p.list {
                    format!("[{ty}]")
                } else {
                    ty
                }
            };
            d.push(
                ChangeKind::ParamTypeChanged,
                Severity::Breaking,
                at.clone(),
                format!("type {} → {}", show(op), show(np)),
            );
        }
        if !op.required && np.required {
            d.push(ChangeKind::ParamBecameRequired, Severity::Breaking, at.clone(), "parameter became required".into());
        }
        if op.required && !np.required {
            // `new` loses the argument and the field becomes an `Option`.
            let msg = "parameter became optional: `new` loses an argument".into();
            d.push(ChangeKind::ParamBecameOptional, Severity::Breaking, at.clone(), msg);
        }
        if op.doc != np.doc {
            d.push(ChangeKind::DocsChanged, Severity::Docs, at, "parameter doc changed".into());
        }
    }
    for np in n.params.iter().filter(|p| o.params.iter().all(|q| q.name != p.name)) {
        let at = format!("{path}.params.{}", np.name);
        if np.required {
            d.push(ChangeKind::ParamAdded, Severity::Breaking, at, "required parameter added".into());
        } else {
            d.push(ChangeKind::ParamAdded, Severity::Additive, at, "optional parameter added".into());
        }
    }
    for (what, changed) in [
        ("title", o.title != n.title),
        ("description", o.description != n.description),
        ("docs URL", o.docs != n.docs),
        ("notes", o.notes != n.notes),
    ] {
        if changed {
            d.push(ChangeKind::DocsChanged, Severity::Docs, path.into(), format!("{what} changed"));
        }
    }
    if o.examples != n.examples {
        let msg = format!("examples changed ({} → {})", o.examples.len(), n.examples.len());
        d.push(ChangeKind::ExamplesChanged, Severity::Docs, format!("{path}.examples"), msg);
    }
}

fn model(d: &mut SpecDiff, path: &str, o: &Model, n: &Model, sent_as_param: bool) {
    if o.tuple != n.tuple {
        let msg = if n.tuple { "model became a tuple (JSON array)" } else { "model became an object" };
        d.push(ChangeKind::ModelShapeChanged, Severity::Breaking, path.into(), msg.into());
    }
    for of in &o.fields {
        let at = format!("{path}.{}", of.name);
        let Some(nf) = n.fields.iter().find(|f| f.name == of.name) else {
            d.push(ChangeKind::FieldRemoved, Severity::Breaking, at, "field removed".into());
            continue;
        };
        let shown = |f: &crate::ast::Field| if f.list { format!("[{}]", f.ty) } else { f.ty.clone() };
        if of.ty != nf.ty || of.list != nf.list {
            d.push(
                ChangeKind::FieldTypeChanged,
                Severity::Breaking,
                at.clone(),
                format!("type {} → {}", shown(of), shown(nf)),
            );
        }
        if of.optional != nf.optional {
            let msg = if nf.optional { "field became optional" } else { "field became required" };
            d.push(ChangeKind::FieldOptionalityChanged, Severity::Breaking, at.clone(), msg.into());
        }
        if of.doc != nf.doc {
            d.push(ChangeKind::DocsChanged, Severity::Docs, at, "field doc changed".into());
        }
    }
    for nf in n.fields.iter().filter(|f| o.fields.iter().all(|g| g.name != f.name)) {
        let msg = format!("field added ({}{})", nf.ty, if nf.optional { ", optional" } else { "" });
        // Models are `#[non_exhaustive]`: a new field breaks no code, except a required one in a
        // model users build with `new` (a tuple model's positions are all read, so any new
        // position changes it too).
        let severity = if (sent_as_param && !nf.optional) || n.tuple { Severity::Breaking } else { Severity::Additive };
        d.push(ChangeKind::FieldAdded, severity, format!("{path}.{}", nf.name), msg);
    }
    if o.doc != n.doc {
        d.push(ChangeKind::DocsChanged, Severity::Docs, path.into(), "model doc changed".into());
    }
}

fn enumeration(d: &mut SpecDiff, path: &str, o: &Enum, n: &Enum) {
    for ov in &o.values {
        let at = format!("{path}.{}", ov.value());
        match n.values.iter().find(|v| v.value() == ov.value()) {
            None => d.push(ChangeKind::EnumValueRemoved, Severity::Breaking, at, "enum value removed".into()),
            Some(nv) if nv.doc() != ov.doc() => {
                d.push(ChangeKind::DocsChanged, Severity::Docs, at, "enum value doc changed".into())
            }
            Some(_) => {}
        }
    }
    for nv in n.values.iter().filter(|v| o.values.iter().all(|w| w.value() != v.value())) {
        let at = format!("{path}.{}", nv.value());
        d.push(ChangeKind::EnumValueAdded, Severity::Additive, at, "enum value added".into());
    }
    if o.doc != n.doc {
        d.push(ChangeKind::DocsChanged, Severity::Docs, path.into(), "enum doc changed".into());
    }
}
