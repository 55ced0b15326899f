//! One product's spec from its imported pages and its override file, deterministically.
//!
//! Endpoints come in page order (pages sorted by path). Models and enums come in order of first
//! use. A model whose fields equal an earlier model's is that model (one `Asset` for every page
//! that shows the same object); a different model wanting a taken name gets a numeric suffix.
//! Enums of the same name are one enum with the union of the pages' values, in first-seen
//! order. Nothing here depends on hash order.

use super::overrides::{EndpointOverride, ProductOverrides};
use super::Warning;
use crate::ast::{Endpoint, Enum, ErrorCode, Model, SpecFile};
use crate::import::ImportedEndpoint;
use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::{BTreeMap, BTreeSet, HashMap};

mod streams;

/// `GET /fapi/v3/account` or `WS account.status`: how overrides and reports name an endpoint.
pub fn route_of(e: &Endpoint) -> String {
    match (&e.http, &e.ws) {
        (Some(h), _) => format!("{} {}", h.method, h.path),
        (None, Some(w)) => format!("WS {}", w.method),
        (None, None) => "(no route)".to_string(),
    }
}

/// A valid endpoint name: snake_case, starting with a letter (`24hr_ticker` → `get_24hr_ticker`).
fn endpoint_name(raw: &str, e: &Endpoint) -> String {
    let snake: String = raw.to_snake_case().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let snake = if snake.is_empty() { "endpoint".to_string() } else { snake };
    if snake.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return snake;
    }
    let verb = e.http.as_ref().map_or_else(|| "ws".to_string(), |h| h.method.to_ascii_lowercase());
    format!("{verb}_{snake}")
}

/// The product's spec and what assembling it noticed.
pub struct Assembled {
    /// The spec, overrides applied.
    pub spec: SpecFile,
    /// Name clashes, duplicate routes, overrides that match nothing.
    pub warnings: Vec<Warning>,
}

struct Builder<'a> {
    spec: SpecFile,
    warnings: Vec<Warning>,
    overrides: &'a ProductOverrides,
    used_endpoint_overrides: BTreeSet<String>,
}

/// Builds the spec of one product from its pages (sorted by path) and error codes.
pub fn assemble(
    overrides: &ProductOverrides,
    pages: &[(String, ImportedEndpoint)],
    stream_pages: &[(String, crate::import::streams::ImportedStream)],
    errors: Vec<ErrorCode>,
) -> Assembled {
    let spec = SpecFile {
        product: overrides.product.clone(),
        endpoints: Vec::new(),
        models: Vec::new(),
        enums: Vec::new(),
        errors: Vec::new(),
        streams: Default::default(),
    };
    let mut b = Builder { spec, warnings: Vec::new(), overrides, used_endpoint_overrides: BTreeSet::new() };
    let mut routes: BTreeMap<String, String> = BTreeMap::new();
    for (page, imported) in pages {
        let route = route_of(&imported.endpoint);
        if let Some(first) = routes.get(&route) {
            b.warn("duplicate-route", format!("{page}: {route} is already defined by {first}; this page is not used"));
            continue;
        }
        routes.insert(route.clone(), page.clone());
        b.add(page, &route, imported);
    }
    b.add_streams(stream_pages);
    b.apply_model_and_enum_overrides();
    b.spec.errors = merge_errors(errors, &overrides.errors);
    let unused: Vec<&String> = overrides.endpoints.keys().filter(|r| !b.used_endpoint_overrides.contains(*r)).collect();
    for route in unused {
        b.warn("unused-override", format!("endpoints.\"{route}\": no page defines this route"));
    }
    Assembled { spec: b.spec, warnings: b.warnings }
}

fn merge_errors(mut page: Vec<ErrorCode>, extra: &[ErrorCode]) -> Vec<ErrorCode> {
    for e in extra {
        match page.iter_mut().find(|p| p.code == e.code) {
            Some(p) => *p = e.clone(),
            None => page.push(e.clone()),
        }
    }
    page
}

/// Imported model/enum names of one page → their names in the spec.
#[derive(Default)]
struct Names {
    models: HashMap<String, String>,
    enums: HashMap<String, String>,
}

impl Builder<'_> {
    fn warn(&mut self, kind: &'static str, message: String) {
        self.warnings.push(Warning { kind, message });
    }

    fn type_taken(&self, name: &str) -> bool {
        self.spec.models.iter().any(|(n, _)| n == name) || self.spec.enums.iter().any(|(n, _)| n == name)
    }

    fn free_type_name(&self, wanted: &str) -> String {
        if !self.type_taken(wanted) {
            return wanted.to_string();
        }
        (2..).map(|i| format!("{wanted}{i}")).find(|n| !self.type_taken(n)).unwrap_or_else(|| wanted.to_string())
    }

    fn add(&mut self, page: &str, route: &str, imported: &ImportedEndpoint) {
        let eo = self.overrides.endpoints.get(route).cloned();
        if eo.is_some() {
            self.used_endpoint_overrides.insert(route.to_string());
        }
        let wanted = eo.as_ref().and_then(|o| o.rename.clone()).unwrap_or_else(|| imported.name.clone());
        let base = endpoint_name(&wanted, &imported.endpoint);
        let name = if self.spec.endpoints.iter().any(|(n, _)| *n == base) {
            let free = (2..)
                .map(|i| format!("{base}_{i}"))
                .find(|n| self.spec.endpoints.iter().all(|(e, _)| e != n))
                .unwrap_or_else(|| base.clone());
            self.warn(
                "name",
                format!("{page}: endpoint name {base} is taken; named {free} (rename it in the overrides)"),
            );
            free
        } else {
            base
        };
        // Models named after the imported endpoint follow a rename.
        let old_root = imported.name.to_upper_camel_case();
        let new_root = name.to_upper_camel_case();
        let mut names = Names::default();
        let mut endpoint = imported.endpoint.clone();
        endpoint.response = self.resolve_model(imported, &endpoint.response, &old_root, &new_root, &mut names);
        for p in &mut endpoint.params {
            p.ty = self.resolve_type(imported, &p.ty, &old_root, &new_root, &mut names);
            if let Some(e) = &p.enum_name {
                p.enum_name = Some(self.resolve_type(imported, e, &old_root, &new_root, &mut names));
            }
        }
        if let Some(o) = &eo {
            self.apply_endpoint_override(route, &mut endpoint, o);
        }
        self.spec.endpoints.push((name, endpoint));
    }

    fn resolve_type(&mut self, imp: &ImportedEndpoint, ty: &str, old: &str, new: &str, names: &mut Names) -> String {
        if imp.models.iter().any(|(n, _)| n == ty) {
            self.resolve_model(imp, ty, old, new, names)
        } else if imp.enums.iter().any(|(n, _)| n == ty) {
            self.resolve_enum(imp, ty, names)
        } else {
            ty.to_string()
        }
    }

    /// The spec name of imported model `imp_name`: an equal model already in the spec, else the
    /// model added under a free name. Nested models are resolved first so equality compares
    /// spec names.
    fn resolve_model(
        &mut self,
        imp: &ImportedEndpoint,
        imp_name: &str,
        old: &str,
        new: &str,
        names: &mut Names,
    ) -> String {
        if let Some(done) = names.models.get(imp_name) {
            return done.clone();
        }
        let Some(model) = imp.models.iter().find(|(n, _)| n == imp_name).map(|(_, m)| m.clone()) else {
            return imp_name.to_string();
        };
        let mut resolved = model.clone();
        for f in &mut resolved.fields {
            f.ty = self.resolve_type(imp, &f.ty, old, new, names);
        }
        let same = self
            .spec
            .models
            .iter()
            .find(|(_, m)| m.tuple == resolved.tuple && m.fields == resolved.fields)
            .map(|(n, _)| n.clone());
        let name = match same {
            Some(existing) => existing,
            None => {
                let wanted = match imp_name.strip_prefix(old) {
                    Some(rest) if old != new => format!("{new}{rest}"),
                    _ => imp_name.to_string(),
                };
                let name = self.free_type_name(&wanted);
                self.spec.models.push((name.clone(), resolved));
                name
            }
        };
        names.models.insert(imp_name.to_string(), name.clone());
        name
    }

    /// The spec name of imported enum `imp_name`: merged into the product's enum of the same name
    /// (union of values), else added.
    fn resolve_enum(&mut self, imp: &ImportedEndpoint, imp_name: &str, names: &mut Names) -> String {
        if let Some(done) = names.enums.get(imp_name) {
            return done.clone();
        }
        let Some(found) = imp.enums.iter().find(|(n, _)| n == imp_name).map(|(_, e)| e.clone()) else {
            return imp_name.to_string();
        };
        let name = match self.spec.enums.iter_mut().find(|(n, _)| n == imp_name) {
            Some((_, existing)) => {
                union_values(existing, &found);
                imp_name.to_string()
            }
            None => {
                let name = self.free_type_name(imp_name);
                self.spec.enums.push((name.clone(), found));
                name
            }
        };
        names.enums.insert(imp_name.to_string(), name.clone());
        name
    }

    fn apply_endpoint_override(&mut self, route: &str, e: &mut Endpoint, o: &EndpointOverride) {
        if let Some(t) = &o.title {
            e.title = t.clone();
        }
        if let Some(d) = &o.description {
            e.description = Some(d.clone());
        }
        e.notes.extend(o.notes.iter().cloned());
        if let Some(s) = &o.security {
            e.security = s.clone();
        }
        if let Some(w) = &o.weight {
            e.weight = Some(w.clone());
        }
        for (name, po) in &o.params {
            let Some(p) = e.params.iter_mut().find(|p| p.name == *name) else {
                self.warn(
                    "unused-override",
                    format!("endpoints.\"{route}\".params.{name}: the page has no such parameter"),
                );
                continue;
            };
            if let Some(t) = &po.ty {
                p.ty = t.clone();
            }
            if let Some(en) = &po.enum_name {
                p.enum_name = Some(en.clone());
            }
            if let Some(r) = po.required {
                p.required = r;
            }
            if let Some(l) = po.list {
                p.list = l;
            }
            if let Some(d) = &po.doc {
                p.doc = Some(d.clone());
            }
        }
    }

    fn apply_model_and_enum_overrides(&mut self) {
        let overrides = self.overrides;
        // Models named by their fields first, so the edits below can use the given names.
        for (name, mo) in &overrides.models {
            let Some(wanted) = &mo.fields_are else { continue };
            let found: Vec<String> = self
                .spec
                .models
                .iter()
                .filter(|(_, m)| {
                    m.fields.len() == wanted.len() && m.fields.iter().zip(wanted).all(|(f, w)| f.name == *w)
                })
                .map(|(n, _)| n.clone())
                .collect();
            match found.as_slice() {
                [one] => self.rename_type(one, name, true),
                [] => {
                    self.warn("unused-override", format!("models.{name}.fields_are: no model has exactly these fields"))
                }
                many => self.warn(
                    "unused-override",
                    format!(
                        "models.{name}.fields_are: {} models have these fields ({}); name them by their synced names",
                        many.len(),
                        many.join(", ")
                    ),
                ),
            }
        }
        for (name, eo) in &overrides.enums {
            let Some(i) = self.spec.enums.iter().position(|(n, _)| n == name) else {
                self.warn("unused-override", format!("enums.{name}: the synced spec has no such enum"));
                continue;
            };
            let e = &mut self.spec.enums[i].1;
            if let Some(d) = &eo.doc {
                e.doc = Some(d.clone());
            }
            let extra = Enum { doc: None, values: eo.values.clone() };
            union_values(e, &extra);
        }
        for (name, mo) in &overrides.models {
            let Some(i) = self.spec.models.iter().position(|(n, _)| n == name) else {
                if mo.fields_are.is_some() {
                    continue; // already reported above
                }
                self.warn("unused-override", format!("models.{name}: the synced spec has no such model"));
                continue;
            };
            let mut unmatched = Vec::new();
            let m: &mut Model = &mut self.spec.models[i].1;
            if let Some(d) = &mo.doc {
                m.doc = Some(d.clone());
            }
            for (field, fo) in &mo.fields {
                let Some(f) = m.fields.iter_mut().find(|f| f.name == *field) else {
                    unmatched.push(field.clone());
                    continue;
                };
                if let Some(t) = &fo.ty {
                    f.ty = t.clone();
                }
                if let Some(l) = fo.list {
                    f.list = l;
                }
                if let Some(o) = fo.optional {
                    f.optional = o;
                }
                if let Some(d) = &fo.doc {
                    f.doc = Some(d.clone());
                }
                if let Some(r) = &fo.rust_name {
                    f.rust_name = Some(r.clone());
                }
            }
            for field in unmatched {
                self.warn("unused-override", format!("models.{name}.fields.{field}: the model has no such field"));
            }
        }
        // Renames last, so the edits above use the synced names the spec shows.
        for (name, eo) in &overrides.enums {
            if let Some(new) = &eo.rename {
                self.rename_type(name, new, false);
            }
        }
        for (name, mo) in overrides.models.iter().filter(|(_, mo)| mo.fields_are.is_none()) {
            if let Some(new) = &mo.rename {
                self.rename_type(name, new, true);
            }
        }
    }

    fn rename_type(&mut self, old: &str, new: &str, model: bool) {
        if old == new {
            return;
        }
        if self.type_taken(new) {
            let what = if model { "models" } else { "enums" };
            self.warn("name", format!("{what}.{old}.rename: {new} is already taken; not renamed"));
            return;
        }
        let slot = if model {
            self.spec.models.iter_mut().find(|(n, _)| n == old).map(|(n, _)| n)
        } else {
            self.spec.enums.iter_mut().find(|(n, _)| n == old).map(|(n, _)| n)
        };
        let Some(slot) = slot else { return };
        *slot = new.to_string();
        let swap = |s: &mut String| {
            if s == old {
                *s = new.to_string();
            }
        };
        for (_, e) in &mut self.spec.endpoints {
            swap(&mut e.response);
            for p in &mut e.params {
                swap(&mut p.ty);
                if let Some(n) = &mut p.enum_name {
                    swap(n);
                }
            }
        }
        for (_, m) in &mut self.spec.models {
            for f in &mut m.fields {
                swap(&mut f.ty);
            }
        }
        streams::rename_payloads(&mut self.spec.streams, swap);
    }
}

/// Adds `more`'s values missing from `into`, keeping `into`'s order and docs.
fn union_values(into: &mut Enum, more: &Enum) {
    for v in &more.values {
        if into.values.iter().all(|o| o.value() != v.value()) {
            into.values.push(v.clone());
        }
    }
    if into.doc.is_none() {
        into.doc = more.doc.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::{BaseUrls, EnumValue, Field, Http, Product};
    use crate::import::sync::overrides::ModelOverride;

    fn product() -> ProductOverrides {
        ProductOverrides {
            docs_folder: "p".into(),
            header: Vec::new(),
            product: Product {
                name: "p".into(),
                title: "P".into(),
                docs: None,
                base_urls: BaseUrls {
                    rest: Some("https://x.invalid".into()),
                    rest_testnet: None,
                    ws_api: None,
                    ws_api_testnet: None,
                },
                time_path: None,
                rate_limits: Vec::new(),
            },
            endpoints: BTreeMap::new(),
            models: BTreeMap::new(),
            enums: BTreeMap::new(),
            errors: Vec::new(),
        }
    }

    fn field(name: &str, ty: &str) -> Field {
        Field { name: name.into(), ty: ty.into(), list: false, optional: false, doc: None, rust_name: None }
    }

    /// A page `name` at `path` whose response model has `fields`, with nested `Item` model
    /// `{ id: LONG }` and enum `Side` of `sides`.
    fn page(name: &str, path: &str, fields: Vec<Field>, sides: &[&str]) -> ImportedEndpoint {
        let root = name.to_upper_camel_case();
        let item = format!("{root}Item");
        let mut fields = fields;
        fields.push(field("items", &item));
        fields.push(field("side", "Side"));
        ImportedEndpoint {
            page: path.into(),
            name: name.into(),
            endpoint: Endpoint {
                title: name.into(),
                description: None,
                docs: format!("https://x.invalid/{name}"),
                notes: Vec::new(),
                http: Some(Http { method: "GET".into(), path: path.into() }),
                ws: None,
                security: "NONE".into(),
                weight: None,
                params: Vec::new(),
                response: root.clone(),
                response_list: false,
                response_object_too: false,
                examples: Vec::new(),
            },
            models: vec![
                (root, Model { doc: None, tuple: false, fields }),
                (item, Model { doc: None, tuple: false, fields: vec![field("id", "LONG")] }),
            ],
            enums: vec![(
                "Side".into(),
                Enum { doc: None, values: sides.iter().map(|s| EnumValue::Bare(s.to_string())).collect() },
            )],
            request_example: None,
            warnings: Vec::new(),
        }
    }

    fn names<T>(pairs: &[(String, T)]) -> Vec<&str> {
        pairs.iter().map(|(n, _)| n.as_str()).collect()
    }

    #[test]
    fn equal_models_are_one_and_enums_are_unioned() {
        let a = page("alpha", "/a", vec![field("x", "DECIMAL")], &["BUY"]);
        let b = page("beta", "/b", vec![field("x", "DECIMAL")], &["SELL", "BUY"]);
        let spec = assemble(&product(), &[("a.md".into(), a), ("b.md".into(), b)], &[], Vec::new()).spec;
        assert_eq!(names(&spec.models), ["AlphaItem", "Alpha"], "beta's models equal alpha's: reused");
        assert_eq!(spec.endpoints[1].1.response, "Alpha");
        let side: Vec<&str> = spec.enums[0].1.values.iter().map(EnumValue::value).collect();
        assert_eq!(side, ["BUY", "SELL"], "union, first-seen order");
    }

    #[test]
    fn different_models_wanting_one_name_get_stable_suffixes_and_endpoint_names_are_valid() {
        let a = page("same", "/a", vec![field("x", "DECIMAL")], &["BUY"]);
        let b = page("same", "/b", vec![field("y", "STRING")], &["BUY"]);
        let c = page("24hr_ticker", "/c", vec![field("z", "INT")], &["BUY"]);
        let out = assemble(&product(), &[("a.md".into(), a), ("b.md".into(), b), ("c.md".into(), c)], &[], Vec::new());
        assert_eq!(names(&out.spec.endpoints), ["same", "same_2", "get_24hr_ticker"]);
        assert_eq!(out.spec.endpoints[1].1.response, "Same2");
        assert!(out.warnings.iter().any(|w| w.kind == "name" && w.message.contains("same_2")));
    }

    #[test]
    fn a_renamed_endpoint_takes_its_models_along_and_duplicate_routes_are_reported() {
        let mut ov = product();
        ov.endpoints.insert("GET /a".into(), EndpointOverride { rename: Some("gamma".into()), ..Default::default() });
        let a = page("alpha", "/a", vec![field("x", "DECIMAL")], &["BUY"]);
        let again = page("alpha_again", "/a", vec![field("x", "DECIMAL")], &["BUY"]);
        let out = assemble(&ov, &[("a.md".into(), a), ("z.md".into(), again)], &[], Vec::new());
        assert_eq!(names(&out.spec.endpoints), ["gamma"]);
        assert_eq!(names(&out.spec.models), ["GammaItem", "Gamma"]);
        assert!(out.warnings.iter().any(|w| w.kind == "duplicate-route" && w.message.starts_with("z.md")));
    }

    #[test]
    fn a_model_can_be_named_by_its_fields() {
        let mut ov = product();
        let by_fields = |f: &[&str]| ModelOverride {
            fields_are: Some(f.iter().map(|s| s.to_string()).collect()),
            ..Default::default()
        };
        ov.models.insert("Ident".into(), by_fields(&["id"]));
        ov.models.insert("Nothing".into(), by_fields(&["nope"]));
        let a = page("alpha", "/a", vec![field("x", "DECIMAL")], &["BUY"]);
        let b = page("beta", "/b", vec![field("y", "DECIMAL")], &["BUY"]);
        let out = assemble(&ov, &[("a.md".into(), a), ("b.md".into(), b)], &[], Vec::new());
        assert_eq!(
            names(&out.spec.models),
            ["Ident", "Alpha", "Beta"],
            "the shared `{{ id }}` model is found by its fields"
        );
        assert_eq!(out.spec.models[1].1.fields[1].ty, "Ident", "references follow");
        assert!(out.warnings.iter().any(|w| w.message.starts_with("models.Nothing.fields_are")));
    }
}
