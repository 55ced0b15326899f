//! Checks a loaded spec and resolves it into the [`crate::ir`], collecting every problem
//! instead of stopping at the first.

use crate::ast;
use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics};
use crate::ir;
use crate::load::LoadedSpec;
use crate::locate::{line_of, parse_path};
use crate::names;
use crate::protocol::{Interval, LimitKind, RateLimitType, Security, WeightKind, RUNTIME_PARAMS};
use std::collections::{BTreeSet, HashMap, HashSet};

mod streams;

const HTTP_METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE"];
const PARAM_TYPES: &[&str] = &["LONG", "INT", "STRING", "DECIMAL", "BOOLEAN", "ENUM"];
const FIELD_SCALARS: &[&str] = &["DECIMAL", "STRING", "INT", "LONG", "TIMESTAMP", "BOOLEAN"];
/// Methods `Client` and `WsClient` define themselves; an endpoint method of that name would
/// clash with them.
const RESERVED_METHODS: &[&str] = &["new", "builder", "rest", "ws"];
/// Items every generated product module defines besides the spec's types.
const RESERVED_TYPES: &[&str] = &["Client", "WsClient", "ErrorCode", "PRODUCT", "Self"];
/// Methods of every request type: a parameter's setter of that name would clash with the
/// constructor or shadow the `Endpoint` trait's method. (`recv_window` shadows the trait's
/// `recv_window()` on purpose: it is the setter users expect, and the runtime calls the trait.)
const RESERVED_SETTERS: &[&str] = &["new", "weight", "write_params"];

/// Collects diagnostics for one file, locating each by its YAML path.
struct Checker<'a> {
    spec: &'a LoadedSpec,
    diags: Diagnostics,
    names: names::Cache,
}

/// The model and enum names a spec declares: in spec order for suggestions, hashed for lookups
/// (a large spec looks one up for every field and endpoint).
struct Declared<'a> {
    models: Vec<&'a str>,
    enums: Vec<&'a str>,
    model_set: HashSet<&'a str>,
    enum_set: HashSet<&'a str>,
    /// Models read from a JSON array by position.
    tuples: HashSet<&'a str>,
}

impl<'a> Declared<'a> {
    fn new(ast: &'a crate::ast::SpecFile) -> Self {
        let models: Vec<&str> = ast.models.iter().map(|(n, _)| n.as_str()).collect();
        let enums: Vec<&str> = ast.enums.iter().map(|(n, _)| n.as_str()).collect();
        let model_set = models.iter().copied().collect();
        let enum_set = enums.iter().copied().collect();
        let tuples = ast.models.iter().filter(|(_, m)| m.tuple).map(|(n, _)| n.as_str()).collect();
        Declared { models, enums, model_set, enum_set, tuples }
    }

    fn is_model(&self, name: &str) -> bool {
        self.model_set.contains(name)
    }

    fn is_enum(&self, name: &str) -> bool {
        self.enum_set.contains(name)
    }
}

impl Checker<'_> {
    fn error(&mut self, path: &str, message: impl Into<String>, help: Option<String>) {
        let line = line_of(&self.spec.source, &parse_path(path));
        let mut d = Diagnostic::new(&self.spec.path, path, message).at_line(line);
        d.help = help;
        self.diags.push(d);
    }

    /// Reports `value` when it is not one of `allowed`, with a suggestion. The path is only
    /// built when there is something to report.
    fn one_of(&mut self, path: impl FnOnce() -> String, what: &str, value: &str, allowed: &[&str]) -> bool {
        if allowed.contains(&value) {
            return true;
        }
        let path = path();
        let help = match did_you_mean(value, allowed.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? expected one of: {}", allowed.join(", ")),
            None => format!("expected one of: {}", allowed.join(", ")),
        };
        self.error(&path, format!("unknown {what} `{value}`"), Some(help));
        false
    }
}

/// Validates one loaded file and resolves it into a product.
pub fn validate(spec: &LoadedSpec) -> Result<ir::Product, Diagnostics> {
    let mut c = Checker { spec, diags: Diagnostics::default(), names: names::Cache::default() };
    let ast = &spec.ast;
    let declared = Declared::new(ast);

    check_product(&mut c, &ast.product);
    for name in declared.models.iter().filter(|m| declared.is_enum(m)) {
        c.error(
            &format!("enums.{name}"),
            format!("`{name}` is both a model and an enum"),
            Some("give one of them another name".into()),
        );
    }

    let enums: Vec<ir::Enum> = ast.enums.iter().map(|(name, e)| check_enum(&mut c, name, e)).collect();
    let models: Vec<ir::Model> = ast.models.iter().map(|(name, m)| check_model(&mut c, name, m, &declared)).collect();

    let stream_part = streams::check_streams(&mut c, &ast.streams, &declared);
    let mut endpoints = Vec::new();
    // Route → the first endpoint that declared it.
    let mut seen_routes: HashMap<String, &str> = HashMap::new();
    // Request type and client method names → the first endpoint that took them.
    let mut seen_items: HashMap<String, &str> = HashMap::new();
    for (name, e) in &ast.endpoints {
        if let Some(ep) = check_endpoint(&mut c, name, e, &declared) {
            let route = match &ep.transport {
                ir::Transport::Http { method, path } => format!("{method} {path}"),
                ir::Transport::Ws { method } => format!("ws {method}"),
            };
            match seen_routes.get(&route) {
                Some(first) => c.error(
                    &format!("endpoints.{name}"),
                    format!("`{route}` is already defined by endpoint `{first}`"),
                    Some("each method and path may be described once; remove one of them".into()),
                ),
                None => {
                    seen_routes.insert(route, name);
                }
            }
            // Distinct snake_case names can meet in Rust: `a__b`/`a_b` both give `AB…`, `type`/`type_`
            // both give `type_`.
            for (key, what) in [(&ep.request_type, "request type"), (&ep.method_name, "client method")] {
                match seen_items.get(key.as_str()) {
                    Some(first) => c.error(
                        &format!("endpoints.{name}"),
                        format!("the {what} `{key}` of this endpoint is also the {what} of endpoint `{first}`"),
                        Some("rename one of the endpoints so their Rust names differ".into()),
                    ),
                    None => {
                        seen_items.insert(key.clone(), name);
                    }
                }
            }
            if declared.is_model(&ep.request_type) || declared.is_enum(&ep.request_type) {
                c.error(
                    &format!("endpoints.{name}"),
                    format!(
                        "the request type `{}` of this endpoint clashes with a model or enum of that name",
                        ep.request_type
                    ),
                    Some("rename the endpoint or the model".into()),
                );
            }
            endpoints.push(ep);
        }
    }
    if ast.endpoints.iter().any(|(_, e)| e.http.is_some()) && ast.product.base_urls.rest.is_none() {
        c.error(
            "product.base_urls",
            "REST endpoints are declared but `rest` is missing",
            Some("add `rest: https://…`".into()),
        );
    }
    if ast.endpoints.iter().any(|(_, e)| e.ws.is_some()) && ast.product.base_urls.ws_api.is_none() {
        c.error(
            "product.base_urls",
            "WebSocket API endpoints are declared but `ws_api` is missing",
            Some("add `ws_api: wss://…`".into()),
        );
    }

    if !c.diags.is_empty() {
        // Report in reading order; problems without a line keep their place at the end.
        c.diags.0.sort_by_key(|d| d.line.unwrap_or(usize::MAX));
        return Err(c.diags);
    }
    let p = &ast.product;
    Ok(ir::Product {
        source: spec.path.clone(),
        module: p.name.clone(),
        title: p.title.clone(),
        docs: p.docs.clone(),
        rest_url: p.base_urls.rest.clone(),
        rest_testnet_url: p.base_urls.rest_testnet.clone(),
        ws_api_url: p.base_urls.ws_api.clone(),
        ws_api_testnet_url: p.base_urls.ws_api_testnet.clone(),
        time_path: p.time_path.clone(),
        rate_limits: p.rate_limits.iter().filter_map(rate_limit).collect(),
        endpoints,
        models,
        enums,
        errors: check_errors(&mut c, &ast.errors),
        streams: stream_part,
    })
}

fn check_product(c: &mut Checker<'_>, p: &ast::Product) {
    if !names::is_snake_case(&p.name) {
        c.error(
            "product.name",
            format!("product name `{}` is not a snake_case identifier", p.name),
            Some("it becomes the module name: use lower case letters, digits and `_`".into()),
        );
    }
    let urls = [
        ("rest", &p.base_urls.rest, ["https://", "http://"]),
        ("rest_testnet", &p.base_urls.rest_testnet, ["https://", "http://"]),
        ("ws_api", &p.base_urls.ws_api, ["wss://", "ws://"]),
        ("ws_api_testnet", &p.base_urls.ws_api_testnet, ["wss://", "ws://"]),
    ];
    for (key, url, schemes) in urls {
        if let Some(url) = url {
            if !schemes.iter().any(|s| url.starts_with(s)) || url.contains(char::is_whitespace) {
                c.error(
                    &format!("product.base_urls.{key}"),
                    format!("`{url}` is not a {} URL", schemes[0].trim_end_matches("://")),
                    Some(format!("write it as `{}host`", schemes[0])),
                );
            }
        }
    }
    if let Some(tp) = &p.time_path {
        if !tp.starts_with('/') {
            c.error("product.time_path", format!("path `{tp}` must start with `/`"), None);
        }
    }
    for (i, rl) in p.rate_limits.iter().enumerate() {
        let at = format!("product.rate_limits[{i}]");
        c.one_of(
            || format!("{at}.type"),
            "rate limit type",
            &rl.limit_type,
            &["REQUEST_WEIGHT", "ORDERS", "RAW_REQUESTS"],
        );
        c.one_of(|| format!("{at}.kind"), "rate limit kind", &rl.kind, &["IP", "UID", "ACCOUNT"]);
        c.one_of(|| format!("{at}.interval"), "interval", &rl.interval, &["SECOND", "MINUTE", "HOUR", "DAY"]);
        if rl.interval_num == 0 || rl.limit == 0 {
            c.error(&at, "`interval_num` and `limit` must be positive", None);
        }
    }
}

/// Error codes: each code and each name once.
fn check_errors(c: &mut Checker<'_>, errors: &[ast::ErrorCode]) -> Vec<ir::ErrorCode> {
    let mut codes = HashSet::new();
    let mut variants = HashSet::new();
    let mut out = Vec::new();
    for (i, e) in errors.iter().enumerate() {
        let at = format!("errors[{i}]");
        let variant = names::type_name(&e.name.to_lowercase());
        if variant.is_empty() || !variant.starts_with(|ch: char| ch.is_ascii_alphabetic()) {
            c.error(
                &format!("{at}.name"),
                format!("`{}` is not a usable error name", e.name),
                Some("use Binance's upper-case name, e.g. `BAD_SYMBOL`".into()),
            );
            continue;
        }
        if !codes.insert(e.code) {
            c.error(
                &format!("{at}.code"),
                format!("error code {} is listed twice", e.code),
                Some("keep one entry per code".into()),
            );
            continue;
        }
        if !variants.insert(variant.clone()) || variant == "Other" {
            c.error(
                &format!("{at}.name"),
                format!("error name `{}` is used twice", e.name),
                Some("give each code its own name".into()),
            );
            continue;
        }
        out.push(ir::ErrorCode { code: e.code, name: e.name.clone(), variant, msg: e.msg.clone() });
    }
    out
}

fn rate_limit(rl: &ast::RateLimit) -> Option<ir::RateLimit> {
    Some(ir::RateLimit {
        limit_type: RateLimitType::from_wire(&rl.limit_type)?,
        kind: LimitKind::from_word(&rl.kind)?,
        interval: Interval::from_wire(&rl.interval)?,
        interval_num: rl.interval_num,
        limit: rl.limit,
    })
}

fn check_enum(c: &mut Checker<'_>, name: &str, e: &ast::Enum) -> ir::Enum {
    let at = format!("enums.{name}");
    if !names::is_pascal_case(name) {
        c.error(&at, format!("enum name `{name}` is not PascalCase"), Some("e.g. `PositionSide`".into()));
    }
    if RESERVED_TYPES.contains(&name) {
        reserved_type(c, &at, name);
    }
    if e.values.is_empty() {
        c.error(
            &format!("{at}.values"),
            format!("enum `{name}` has no values"),
            Some("list the documented values, e.g. `values: [BOTH, LONG, SHORT]`".into()),
        );
    }
    let mut seen = BTreeSet::new();
    for (i, v) in e.values.iter().enumerate() {
        if v.value().is_empty() || !seen.insert(v.value()) {
            c.error(&format!("{at}.values[{i}]"), format!("enum value `{}` is empty or listed twice", v.value()), None);
        }
    }
    let mut idents: Vec<String> = e
        .values
        .iter()
        .map(|v| match names::variant_name(v.value()) {
            // `Other` is the catch-all variant.
            n if n == "Other" => "OtherValue".to_string(),
            n => n,
        })
        .collect();
    names::dedupe(&mut idents);
    ir::Enum {
        name: name.to_string(),
        doc: e.doc.clone(),
        variants: e
            .values
            .iter()
            .zip(idents)
            .map(|(v, ident)| (v.value().to_string(), ident, v.doc().map(str::to_string)))
            .collect(),
    }
}

fn check_model(c: &mut Checker<'_>, name: &str, m: &ast::Model, declared: &Declared<'_>) -> ir::Model {
    let at = format!("models.{name}");
    if !names::is_pascal_case(name) {
        c.error(&at, format!("model name `{name}` is not PascalCase"), Some("e.g. `AccountAsset`".into()));
    }
    if m.fields.is_empty() && m.tuple {
        c.error(
            &format!("{at}.fields"),
            format!("tuple model `{name}` has no fields"),
            Some("name the array's positions in order under `fields`".into()),
        );
    }
    if RESERVED_TYPES.contains(&name) {
        reserved_type(c, &at, name);
    }
    let mut rust_names: Vec<String> =
        m.fields.iter().map(|f| c.names.field_name(f.rust_name.as_deref().unwrap_or(&f.name))).collect();
    names::dedupe(&mut rust_names);
    let mut fields = Vec::new();
    for (i, (f, rust_name)) in m.fields.iter().zip(rust_names).enumerate() {
        // Built only for a problem: a large spec has thousands of fields.
        let fat = |key: &str| format!("{at}.fields[{i}].{key}");
        if m.fields[..i].iter().any(|g| g.name == f.name) {
            c.error(
                &fat("name"),
                format!("field `{}` is declared twice in model `{name}`", f.name),
                Some("remove one of them".into()),
            );
        }
        if f.name.is_empty() {
            c.error(&fat("name"), "field name is empty", None);
        }
        let ty = match f.ty.as_str() {
            "DECIMAL" => Some(ir::FieldType::Decimal),
            "STRING" => Some(ir::FieldType::String),
            "INT" => Some(ir::FieldType::Int),
            "LONG" => Some(ir::FieldType::Long),
            "TIMESTAMP" => Some(ir::FieldType::Timestamp),
            "BOOLEAN" => Some(ir::FieldType::Boolean),
            t if t == name && !f.list && !f.optional => {
                c.error(
                    &fat("type"),
                    format!("model `{name}` contains itself directly, which has no finite size"),
                    Some("make the field `list: true` or `optional: true`".into()),
                );
                None
            }
            t if declared.is_model(t) => Some(ir::FieldType::Model(t.to_string())),
            t if declared.is_enum(t) => Some(ir::FieldType::Enum(t.to_string())),
            t => {
                let candidates = FIELD_SCALARS.iter().chain(&declared.models).chain(&declared.enums).copied();
                let help = match did_you_mean(t, candidates) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("use one of {} or a model or enum defined in this file", FIELD_SCALARS.join(", ")),
                };
                c.error(&fat("type"), format!("unknown type `{t}` for field `{}`", f.name), Some(help));
                None
            }
        };
        let needs_rename = c.names.needs_rename(&rust_name, &f.name);
        if let Some(ty) = ty {
            fields.push(ir::Field {
                binance_name: f.name.clone(),
                rust_name,
                needs_rename,
                ty,
                list: f.list,
                optional: f.optional,
                doc: f.doc.clone(),
            });
        }
    }
    ir::Model { name: name.to_string(), doc: m.doc.clone(), tuple: m.tuple, fields }
}

fn check_endpoint(c: &mut Checker<'_>, name: &str, e: &ast::Endpoint, declared: &Declared<'_>) -> Option<ir::Endpoint> {
    let at = format!("endpoints.{name}");
    let before = c.diags.0.len();
    if !names::is_snake_case(name) {
        c.error(&at, format!("endpoint name `{name}` is not snake_case"), Some("e.g. `account_information_v3`".into()));
    }
    if e.title.trim().is_empty() {
        c.error(&format!("{at}.title"), "title is empty", Some("copy the doc page's title".into()));
    }
    if !e.docs.starts_with("https://") {
        c.error(&format!("{at}.docs"), format!("docs link `{}` is not an https URL", e.docs), None);
    }
    let transport = match (&e.http, &e.ws) {
        (Some(h), None) => {
            c.one_of(|| format!("{at}.http.method"), "HTTP method", &h.method, HTTP_METHODS);
            if !h.path.starts_with('/') {
                c.error(
                    &format!("{at}.http.path"),
                    format!("path `{}` must start with `/`", h.path),
                    Some(format!("write `/{}`", h.path)),
                );
            }
            if h.path.contains(|ch: char| ch.is_whitespace() || ch == '?' || ch == '#') {
                c.error(
                    &format!("{at}.http.path"),
                    format!("path `{}` contains spaces or a query", h.path),
                    Some("parameters belong in `params`".into()),
                );
            }
            Some(ir::Transport::Http { method: h.method.clone(), path: h.path.clone() })
        }
        (None, Some(w)) => {
            // Slashes are part of real names (`v2/account.status`), but not at either end.
            if w.method.is_empty()
                || w.method.contains(char::is_whitespace)
                || w.method.starts_with('/')
                || w.method.ends_with('/')
            {
                c.error(
                    &format!("{at}.ws.method"),
                    format!("WebSocket method `{}` is empty, has spaces or starts or ends with `/`", w.method),
                    Some("write the method as the page names it, e.g. `account.status` or `v2/account.status`".into()),
                );
            }
            Some(ir::Transport::Ws { method: w.method.clone() })
        }
        (Some(_), Some(_)) => {
            c.error(
                &at,
                "endpoint has both `http` and `ws`",
                Some("an endpoint is either REST (`http`) or WebSocket API (`ws`); split it in two".into()),
            );
            None
        }
        (None, None) => {
            c.error(
                &at,
                "endpoint has neither `http` nor `ws`",
                Some("add `http: { method: GET, path: /… }` or `ws: { method: … }`".into()),
            );
            None
        }
    };
    c.one_of(|| format!("{at}.security"), "security", &e.security, &Security::ALL.map(Security::as_str));
    let method_name = names::method_name(name);
    if RESERVED_METHODS.contains(&method_name.as_str()) {
        c.error(
            &at,
            format!(
                "endpoint name `{name}` would give the client method `{method_name}`, which the client already has"
            ),
            Some(format!(
                "`Client` and `WsClient` have their own {}; rename the endpoint, e.g. `{name}_endpoint`",
                RESERVED_METHODS.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
            )),
        );
    }

    // Parameters.
    let mut rust_names: Vec<String> = e.params.iter().map(|p| c.names.field_name(&p.name)).collect();
    names::dedupe(&mut rust_names);
    let mut params = Vec::new();
    for (i, (p, rust_name)) in e.params.iter().zip(rust_names).enumerate() {
        // Built only for a problem, like the paths below.
        let pat = |key: &str| format!("{at}.params[{i}].{key}");
        if e.params[..i].iter().any(|q| q.name == p.name) {
            c.error(
                &pat("name"),
                format!("parameter `{}` is declared twice", p.name),
                Some("remove one of them".into()),
            );
        }
        if p.name.is_empty()
            || !p.name.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-' || ch == '.')
        {
            c.error(&pat("name"), format!("parameter name `{}` is not a valid query key", p.name), None);
        }
        if declared.is_model(&p.ty) {
            if p.enum_name.is_some() {
                c.error(&pat("enum"), format!("`enum` is given but the type is the model `{}`", p.ty), None);
                continue;
            }
            if declared.tuples.contains(p.ty.as_str()) {
                c.error(
                    &pat("type"),
                    format!("`{}` is a tuple model, which is read from responses only", p.ty),
                    Some("a parameter's model must be a JSON object (a model without `tuple: true`)".into()),
                );
                continue;
            }
            if RESERVED_SETTERS.contains(&rust_name.as_str()) {
                reserved_param(c, &pat("name"), &p.name, &rust_name);
                continue;
            }
            params.push(ir::Param {
                binance_name: p.name.clone(),
                needs_rename: c.names.needs_rename(&rust_name, &p.name),
                rust_name,
                ty: ir::ParamType::Model(p.ty.clone()),
                list: p.list,
                required: p.required,
                doc: p.doc.clone(),
            });
            continue;
        }
        if !PARAM_TYPES.contains(&p.ty.as_str()) {
            let candidates = PARAM_TYPES.iter().chain(&declared.models).copied();
            let help = match did_you_mean(&p.ty, candidates) {
                Some(s) => format!("did you mean `{s}`? expected one of: {}, or a model", PARAM_TYPES.join(", ")),
                None => format!(
                    "expected one of: {}, or the name of a model for a JSON-object parameter",
                    PARAM_TYPES.join(", ")
                ),
            };
            c.error(&pat("type"), format!("unknown parameter type `{}`", p.ty), Some(help));
            continue;
        }
        if p.list && p.name == "recvWindow" {
            c.error(&pat("list"), "`recvWindow` is one number, not a list", Some("remove `list: true`".into()));
            continue;
        }
        if RESERVED_SETTERS.contains(&rust_name.as_str()) {
            reserved_param(c, &pat("name"), &p.name, &rust_name);
            continue;
        }
        let ty = match (p.ty.as_str(), &p.enum_name) {
            ("ENUM", Some(en)) if declared.is_enum(en) => ir::ParamType::Enum(en.clone()),
            ("ENUM", Some(en)) => {
                let help = match did_you_mean(en, declared.enums.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "define it under `enums`".to_string(),
                };
                c.error(&pat("enum"), format!("unknown enum `{en}`"), Some(help));
                continue;
            }
            ("ENUM", None) => ir::ParamType::String,
            (_, Some(_)) => {
                c.error(
                    &pat("enum"),
                    format!("`enum` is given but the type is `{}`", p.ty),
                    Some("use `type: ENUM` or remove `enum`".into()),
                );
                continue;
            }
            _ if p.name == "recvWindow" => ir::ParamType::RecvWindow,
            ("LONG", None) => ir::ParamType::Long,
            ("INT", None) => ir::ParamType::Int,
            ("DECIMAL", None) => ir::ParamType::Decimal,
            ("BOOLEAN", None) => ir::ParamType::Boolean,
            _ => ir::ParamType::String,
        };
        if RUNTIME_PARAMS.contains(&p.name.as_str()) {
            continue;
        }
        params.push(ir::Param {
            binance_name: p.name.clone(),
            needs_rename: c.names.needs_rename(&rust_name, &p.name),
            rust_name,
            ty,
            list: p.list,
            required: p.required,
            doc: p.doc.clone(),
        });
    }

    // Weight.
    let mut weight = (String::new(), 0, Vec::new());
    let mut orders = Vec::new();
    match &e.weight {
        None => c.error(
            &at,
            "endpoint has no `weight`",
            Some("copy it from the page's \"Request Weight\" section, e.g. `weight: { kind: IP, value: 5 }`".into()),
        ),
        Some(w) => {
            c.one_of(
                || format!("{at}.weight.kind"),
                "weight kind",
                &w.kind,
                &[WeightKind::Ip, WeightKind::Uid].map(WeightKind::as_str),
            );
            let value = weight_value(c, || format!("{at}.weight.value"), w.value);
            let mut rules = Vec::new();
            for (i, r) in w.rules.iter().enumerate() {
                let rat = |key: &str| format!("{at}.weight.rules[{i}].{key}");
                let v = weight_value(c, || rat("value"), r.value);
                match params.iter().find(|p| p.binance_name == r.if_present) {
                    Some(p)
                        if r.at_most.is_some()
                            && (p.list || !matches!(p.ty, ir::ParamType::Long | ir::ParamType::Int)) =>
                    {
                        c.error(
                            &rat("at_most"),
                            format!("`at_most` needs an integer parameter, but `{}` is not one", p.binance_name),
                            Some("`at_most` rows describe `limit` tables: use it on a LONG or INT parameter".into()),
                        );
                    }
                    Some(p) => rules.push(ir::WeightRule {
                        binance_name: p.binance_name.clone(),
                        rust_name: p.rust_name.clone(),
                        at_most: r.at_most,
                        value: v,
                    }),
                    None => {
                        let help = match did_you_mean(&r.if_present, params.iter().map(|p| p.binance_name.as_str())) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "a rule must name one of this endpoint's parameters".into(),
                        };
                        c.error(
                            &rat("if_present"),
                            format!("no parameter `{}` on this endpoint", r.if_present),
                            Some(help),
                        );
                    }
                }
            }
            orders = order_counts(c, &at, w);
            weight = (w.kind.clone(), value, rules);
        }
    }

    // Response and examples.
    if e.response_object_too && !e.response_list {
        c.error(
            &format!("{at}.response_object_too"),
            "`response_object_too` only applies to a list response",
            Some("set `response_list: true` as well, or remove `response_object_too`".into()),
        );
    }
    if !declared.is_model(&e.response) {
        let help = match did_you_mean(&e.response, declared.models.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if declared.is_enum(&e.response) => "a response must be a model, not an enum".into(),
            None => "define the model under `models`".into(),
        };
        c.error(&format!("{at}.response"), format!("unknown model `{}`", e.response), Some(help));
    }
    for (i, ex) in e.examples.iter().enumerate() {
        if let Err(err) = serde_json::from_str::<serde_json::Value>(&ex.json) {
            c.error(
                &format!("{at}.examples[{i}].json"),
                format!("example is not valid JSON: {err}"),
                Some("store the doc example as strict JSON: remove comments, add missing commas".into()),
            );
        }
    }

    if c.diags.0.len() > before {
        return None;
    }
    Some(ir::Endpoint {
        name: name.to_string(),
        method_name,
        request_type: format!("{}Request", names::type_name(name)),
        title: e.title.clone(),
        description: e.description.clone(),
        docs: e.docs.clone(),
        notes: e.notes.clone(),
        transport: transport?,
        security: Security::from_word(&e.security)?,
        weight_kind: WeightKind::from_word(&weight.0)?,
        weight: weight.1,
        weight_rules: weight.2,
        orders,
        params,
        response: e.response.clone(),
        response_list: e.response_list,
        response_object_too: e.response_object_too,
        examples: e.examples.iter().map(|x| x.json.clone()).collect(),
    })
}

/// A model or enum name that is one of the module's own items.
fn reserved_type(c: &mut Checker<'_>, at: &str, name: &str) {
    c.error(
        at,
        format!("`{name}` is the name of an item every generated module defines"),
        Some(format!(
            "the module already has {}; rename this type, e.g. `{name}Info`",
            RESERVED_TYPES.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
        )),
    );
}

/// A parameter whose setter would be one of [`RESERVED_SETTERS`].
fn reserved_param(c: &mut Checker<'_>, at: &str, name: &str, rust_name: &str) {
    let clash = if rust_name == "new" { "the request's constructor" } else { "the `Endpoint` trait's method" };
    c.error(
        at,
        format!("parameter `{name}` would give the setter `{rust_name}`, which clashes with {clash}"),
        Some("Binance's parameter names cannot be renamed in the spec; report it so the naming rule can grow".into()),
    );
}

/// A weight: a whole number, 0 included (order endpoints that cost no IP weight).
fn weight_value(c: &mut Checker<'_>, path: impl FnOnce() -> String, value: i64) -> u32 {
    match u32::try_from(value) {
        Ok(v) => v,
        Err(_) => {
            c.error(
                &path(),
                format!("weight `{value}` is not a whole number of at least 0"),
                Some("Binance weights are whole numbers; 0 means the request costs no weight".into()),
            );
            0
        }
    }
}

/// The endpoint's ORDERS counts; each must name one of the product's declared ORDERS limits.
fn order_counts(c: &mut Checker<'_>, at: &str, w: &ast::Weight) -> Vec<ir::OrderCount> {
    let declared: Vec<(&str, u32)> = c
        .spec
        .ast
        .product
        .rate_limits
        .iter()
        .filter(|rl| rl.limit_type == "ORDERS")
        .map(|rl| (rl.interval.as_str(), rl.interval_num))
        .collect();
    let mut out = Vec::new();
    for (i, o) in w.orders.iter().enumerate() {
        let oat = format!("{at}.weight.orders[{i}]");
        let Some(interval) = Interval::from_wire(&o.interval) else {
            c.one_of(|| format!("{oat}.interval"), "interval", &o.interval, &["SECOND", "MINUTE", "HOUR", "DAY"]);
            continue;
        };
        if !declared.contains(&(o.interval.as_str(), o.interval_num)) {
            let known: Vec<String> = declared.iter().map(|(i, n)| format!("{n} {i}")).collect();
            c.error(
                &oat,
                format!("no ORDERS rate limit of {} {} is declared for this product", o.interval_num, o.interval),
                Some(if known.is_empty() {
                    "declare it under `product.rate_limits` with `type: ORDERS`".into()
                } else {
                    format!("declared ORDERS windows: {}", known.join(", "))
                }),
            );
            continue;
        }
        out.push(ir::OrderCount { interval, interval_num: o.interval_num, value: o.value });
    }
    out
}
