//! Reads each section of a split page into the parts of one spec endpoint.

use super::infer::infer;
use super::lenient_json::{self, Json, Member};
use super::page::{blocks, split, Block, Page, Section, SectionKind};
use super::{ImportError, ImportedEndpoint};
use crate::ast::{Endpoint, Example, Http, Param, Weight, WeightRule, Ws};
use heck::{ToSnakeCase, ToUpperCamelCase};
use std::path::Path;

/// Security levels a title may end with, e.g. `Account Information (USER_DATA)`.
const SECURITY: &[&str] = &["NONE", "MARKET_DATA", "USER_STREAM", "USER_DATA", "TRADE"];

/// Example labels of the Chinese pages and the English the spec uses for them.
const LABELS: &[(&str, &str)] = &[("单资产模式", "Single-asset mode"), ("多资产模式", "Multi-assets mode")];

pub(super) fn import(path: &Path, text: &str) -> Result<ImportedEndpoint, ImportError> {
    let missing = |section, help| ImportError::MissingSection { page: path.to_path_buf(), section, help };
    let page = split(text).ok_or_else(|| missing("title", "the article must start with a `# Title` line"))?;
    let docs = page
        .docs_url
        .clone()
        .ok_or_else(|| missing("docs URL", "expected `source_url:` in the front matter or an `[English](…)` link"))?;
    let (title_name, security) = title(&page);
    let mut warnings = Vec::new();
    let mut notes = Vec::new();

    let http = page.section(SectionKind::Http).map(|s| http(path, s)).transpose()?;
    let ws = page.section(SectionKind::WsMethod).map(|s| ws_method(path, s)).transpose()?;
    if http.is_none() && ws.is_none() {
        return Err(missing("HTTP Request (HTTP请求) or Method (方式)", "expected `GET `/path`` or a `method.name`"));
    }
    let params = match page.section(SectionKind::Params) {
        Some(s) => params(s, &mut notes, &mut warnings),
        None => Vec::new(),
    };
    let weight = page.section(SectionKind::Weight).map(|s| weight(path, s, &params, &mut warnings)).transpose()?;
    let request_example = page.section(SectionKind::Request).and_then(|s| request_example(s, &ws, &mut warnings));
    let description = page.section(SectionKind::Description).and_then(|s| prose(s, &mut notes));
    for s in page.sections.iter().filter(|s| s.kind == SectionKind::Other) {
        prose(s, &mut notes).into_iter().for_each(|n| notes.push(n));
    }

    let name = match (&ws, title_name.is_ascii()) {
        (Some(ws), _) => crate::names::method_name(&ws.method),
        (None, true) => title_name.to_snake_case(),
        (None, false) => docs.rsplit('/').find(|s| !s.is_empty()).unwrap_or("endpoint").to_snake_case(),
    };
    let response = format!("{}{}", name.to_upper_camel_case(), if ws.is_some() { "Result" } else { "" });
    let section = page.section(SectionKind::Response).ok_or_else(|| {
        missing("Response Example (响应示例)", "the response model is inferred from the page's JSON examples")
    })?;
    let (examples, bodies, response_list) = examples(path, section, ws.is_some())?;
    let arrays = examples.iter().filter(|e| e.json.starts_with('[')).count();
    if ws.is_none() && arrays > 0 && arrays < examples.len() {
        warnings.push("the examples mix a JSON object and an array; the response is typed as a list".into());
    }
    let body_refs: Vec<&[Member]> = bodies.iter().map(Vec::as_slice).collect();
    let inferred = infer(&response, &body_refs);
    warnings.extend(inferred.warnings);

    let endpoint = Endpoint {
        title: format!("{title_name} ({security})"),
        description,
        docs,
        notes,
        http,
        ws,
        security,
        weight,
        params,
        response,
        response_list,
        examples,
    };
    Ok(ImportedEndpoint {
        page: path.to_path_buf(),
        name,
        endpoint,
        models: inferred.models,
        enums: inferred.enums,
        request_example,
        warnings,
    })
}

/// The title without its security suffix, and the security (`NONE` when the title has none).
/// Scraped pages put the English title in `#` and the suffixed Chinese one in the first `##`.
fn title(page: &Page) -> (String, String) {
    let (name, security) = split_security(&page.h1);
    let security = security.or_else(|| {
        page.sections.first().filter(|s| s.kind == SectionKind::Other).and_then(|s| split_security(&s.heading).1)
    });
    (name, security.unwrap_or_else(|| "NONE".to_string()))
}

fn split_security(title: &str) -> (String, Option<String>) {
    let t = title.trim();
    if let Some(open) = t.rfind(['(', '（']) {
        let inner = t[open..].trim_start_matches(['(', '（']).trim_end_matches([')', '）']).trim();
        let normalized = inner.to_ascii_uppercase().replace('-', "_");
        if t.ends_with([')', '）']) && SECURITY.contains(&normalized.as_str()) {
            return (t[..open].trim().to_string(), Some(normalized));
        }
    }
    (t.to_string(), None)
}

fn section_text(s: &Section) -> String {
    blocks(&s.lines)
        .into_iter()
        .map(|b| match b {
            Block::Text(t) | Block::Quote(t) | Block::Code(t) => t,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn malformed(path: &Path, s: &Section, problem: impl Into<String>) -> ImportError {
    ImportError::Malformed { page: path.to_path_buf(), section: s.heading.clone(), problem: problem.into() }
}

/// `GET `/fapi/v3/account``.
fn http(path: &Path, s: &Section) -> Result<Http, ImportError> {
    let text = section_text(s);
    let words: Vec<&str> = text.split_whitespace().map(|w| w.trim_matches(['`', '*'])).collect();
    words
        .windows(2)
        .find(|w| matches!(w[0], "GET" | "POST" | "PUT" | "DELETE") && w[1].starts_with('/'))
        .map(|w| Http { method: w[0].to_string(), path: w[1].to_string() })
        .ok_or_else(|| malformed(path, s, format!("expected `METHOD /path`, found {text:?}")))
}

/// `` `account.status` ``.
fn ws_method(path: &Path, s: &Section) -> Result<Ws, ImportError> {
    let text = section_text(s);
    text.split_whitespace()
        .map(|w| w.trim_matches(['`', '*']))
        .find(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .map(|m| Ws { method: m.to_string() })
        .ok_or_else(|| malformed(path, s, format!("expected a method name like `account.status`, found {text:?}")))
}

/// The request example of a WebSocket page, checked against the method name.
fn request_example(s: &Section, ws: &Option<Ws>, warnings: &mut Vec<String>) -> Option<String> {
    let code = blocks(&s.lines).into_iter().find_map(|b| if let Block::Code(c) = b { Some(c) } else { None })?;
    match lenient_json::parse(&code) {
        Ok(json) => {
            if let (Some(Json::String(m)), Some(ws)) = (json.get("method"), ws) {
                if *m != ws.method {
                    warnings
                        .push(format!("the request example calls `{m}` but the method section says `{}`", ws.method));
                }
            }
            Some(json.to_pretty())
        }
        Err(e) => {
            warnings.push(format!("the request example is not readable JSON ({e}); it was skipped"));
            None
        }
    }
}

/// Weight: `**5**`, or prose whose clauses name parameters, e.g. "1 for a single symbol;
/// 40 when the symbol parameter is omitted" → base 40, `{ if_present: symbol, value: 1 }`.
fn weight(path: &Path, s: &Section, params: &[Param], warnings: &mut Vec<String>) -> Result<Weight, ImportError> {
    let kind = if s.heading.to_ascii_uppercase().contains("UID") { "UID" } else { "IP" }.to_string();
    let text = section_text(s).replace('*', "");
    if let Ok(value) = text.trim().parse::<i64>() {
        return Ok(Weight { kind, value, rules: Vec::new(), orders: Vec::new() });
    }
    const OMITTED: &[&str] =
        &["omit", "without", "not sent", "not provided", "absent", "不带", "不传", "未提供", "没有"];
    let mut base = None;
    let mut rules = Vec::new();
    for clause in text.split([';', '；', '\n', '。']).map(str::trim).filter(|c| !c.is_empty()) {
        let digits: String =
            clause.chars().skip_while(|c| !c.is_ascii_digit()).take_while(|c| c.is_ascii_digit()).collect();
        let Ok(value) = digits.parse::<i64>() else { continue };
        let lower = clause.to_lowercase();
        let param = params.iter().find(|p| mentions(clause, &p.name)).map(|p| p.name.clone());
        match param {
            Some(p) if !OMITTED.iter().any(|o| lower.contains(o)) => {
                rules.push(WeightRule { if_present: p, at_most: None, value });
            }
            _ if base.is_none() => base = Some(value),
            _ => {}
        }
    }
    let value = match (base, rules.iter().map(|r| r.value).max()) {
        (Some(b), _) => b,
        (None, Some(max)) => {
            warnings.push(format!("weight: no value for the case without parameters; using the largest ({max})"));
            max
        }
        (None, None) => return Err(malformed(path, s, format!("no weight number found in {:?}", text.trim()))),
    };
    Ok(Weight { kind, value, rules, orders: Vec::new() })
}

/// `clause` names parameter `name` as a whole word.
fn mentions(clause: &str, name: &str) -> bool {
    clause.match_indices(name).any(|(at, _)| {
        let before = clause[..at].chars().next_back();
        let after = clause[at + name.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric()) && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// The parameter table (`名称 | 类型 | 是否必需 | 描述` or `Name| Type| Mandatory| Description`);
/// blockquotes after it are notes.
fn params(s: &Section, notes: &mut Vec<String>, warnings: &mut Vec<String>) -> Vec<Param> {
    let mut out = Vec::new();
    for line in &s.lines {
        let trimmed = line.trim();
        if let Some(q) = trimmed.strip_prefix('>') {
            let q = q.trim().trim_start_matches(['*', '-']).trim();
            if !q.is_empty() {
                notes.push(q.to_string());
            }
            continue;
        }
        if !trimmed.contains('|') {
            continue;
        }
        let cells: Vec<&str> = trimmed.trim_matches('|').split('|').map(str::trim).collect();
        let is_rule = cells.iter().all(|c| c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')));
        let is_header = matches!(cells.first().map(|c| c.to_lowercase()).as_deref(), Some("name" | "名称" | "参数名"));
        if cells.len() < 3 || is_rule || is_header || cells[0].is_empty() {
            continue;
        }
        let name = cells[0].trim_matches('`').to_string();
        let required = matches!(cells[2].to_uppercase().as_str(), "YES" | "是" | "TRUE" | "Y");
        let doc = cells.get(3..).map(|rest| rest.join(" | ").trim().to_string()).filter(|d| !d.is_empty());
        let ty = param_type(&name, cells[1], warnings);
        out.push(Param { name, ty, list: false, required, enum_name: None, doc });
    }
    out
}

fn param_type(name: &str, written: &str, warnings: &mut Vec<String>) -> String {
    let upper = written.to_uppercase();
    match upper.as_str() {
        "LONG" | "INT" | "STRING" | "DECIMAL" | "BOOLEAN" => upper,
        "FLOAT" | "DOUBLE" | "NUMBER" | "BIGDECIMAL" => "DECIMAL".to_string(),
        "ENUM" => {
            warnings
                .push(format!("parameter {name}: ENUM without listed values; typed STRING, declare the enum by hand"));
            "STRING".to_string()
        }
        _ => {
            warnings.push(format!("parameter {name}: unknown type {written:?}; typed STRING"));
            "STRING".to_string()
        }
    }
}

/// A section's prose as one line; its blockquotes go to `notes`.
fn prose(s: &Section, notes: &mut Vec<String>) -> Option<String> {
    let mut text = Vec::new();
    for b in blocks(&s.lines) {
        match b {
            Block::Text(t) => text.push(t),
            Block::Quote(q) => notes.push(q),
            Block::Code(_) => {}
        }
    }
    (!text.is_empty()).then(|| text.join(" "))
}

type Examples = (Vec<Example>, Vec<Vec<Member>>, bool);

/// Every JSON example of the response section, labelled by the blockquote before it; and the
/// response bodies (for WebSocket methods, the envelopes' `result`).
fn examples(path: &Path, s: &Section, ws: bool) -> Result<Examples, ImportError> {
    let mut examples = Vec::new();
    let mut bodies = Vec::new();
    let mut list = false;
    let mut label: Option<String> = None;
    for block in blocks(&s.lines) {
        let code = match block {
            Block::Quote(q) | Block::Text(q) => {
                label = Some(q);
                continue;
            }
            Block::Code(c) if c.trim().is_empty() => continue,
            Block::Code(c) => c,
        };
        let n = examples.len() + 1;
        let json = lenient_json::parse(&code).map_err(|e| malformed(path, s, format!("example {n}: {e}")))?;
        let body = if ws {
            json.get("result").ok_or_else(|| {
                malformed(path, s, format!("example {n}: a WebSocket API response needs a `result` member"))
            })?
        } else {
            &json
        };
        match body {
            Json::Object(members) => bodies.push(members.clone()),
            Json::Array(items) => {
                list = true;
                for item in items {
                    match item {
                        Json::Object(members) => bodies.push(members.clone()),
                        _ => return Err(malformed(path, s, format!("example {n}: expected an array of objects"))),
                    }
                }
            }
            _ => return Err(malformed(path, s, format!("example {n}: expected a JSON object or array"))),
        }
        let title = label.take().map(|l| LABELS.iter().find(|(zh, _)| *zh == l).map_or(l, |(_, en)| en.to_string()));
        examples.push(Example { title, json: json.to_pretty() });
    }
    if examples.is_empty() {
        return Err(malformed(path, s, "no JSON example found (expected a ``` block or a 4-space indented block)"));
    }
    Ok((examples, bodies, list))
}
