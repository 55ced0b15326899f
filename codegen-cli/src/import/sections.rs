//! Reads each section of a split page into the parts of one spec endpoint.

use super::infer::infer;
use super::lenient_json::{self, Json};
use super::page::{blocks, split, Block, Page, Section, SectionKind};
use super::{naming, params, weight};
use super::{ImportError, ImportedEndpoint};
use crate::ast::{Endpoint, Example, Http, Weight, Ws};
use std::path::Path;

/// Security levels a title may end with, e.g. `Account Information (USER_DATA)`.
const SECURITY: &[&str] = &["NONE", "MARKET_DATA", "USER_STREAM", "USER_DATA", "TRADE"];

/// Example labels of the Chinese pages and the English the spec uses for them.
const LABELS: &[(&str, &str)] = &[("单资产模式", "Single-asset mode"), ("多资产模式", "Multi-assets mode")];

pub(super) fn import(path: &Path, text: &str) -> Result<ImportedEndpoint, ImportError> {
    let missing = |section, help| ImportError::MissingSection { page: path.to_path_buf(), section, help };
    let not_endpoint = |reason: String| ImportError::NotAnEndpointPage { page: path.to_path_buf(), reason };
    if text.trim().is_empty() {
        return Err(not_endpoint("empty page".into()));
    }
    let Some(page) = split(text) else {
        return Err(not_endpoint("no `# title` line: not a doc page".into()));
    };
    let http_section = page.section(SectionKind::Http);
    let ws_section = page.section(SectionKind::WsMethod);
    if http_section.is_none() && ws_section.is_none() {
        return Err(not_endpoint(non_endpoint_reason(&page)));
    }
    let docs = page
        .docs_url
        .clone()
        .ok_or_else(|| missing("docs URL", "expected `source_url:` in the front matter or an `[English](…)` link"))?;
    let (title_name, security) = title(&page);
    let mut warnings = Vec::new();
    let mut notes = Vec::new();

    let http = http_section.map(|s| http(path, s)).transpose()?;
    let ws = ws_section.map(|s| ws_method(path, s)).transpose()?;
    let name = naming::endpoint_name(ws.as_ref().map(|w| w.method.as_str()), &docs, &title_name);
    let type_name = naming::type_name(&name);
    let params_lines = page
        .section(SectionKind::Params)
        .map(|s| s.lines.clone())
        .or_else(|| page.sections.iter().find(|s| has_param_table(&s.lines)).map(|s| s.lines.clone()))
        .unwrap_or_default();
    let read = params::read(&params_lines, &type_name, &mut notes, &mut warnings);
    let params = read.params;
    let security = security.unwrap_or_else(|| untitled_security(http.as_ref(), &params, &mut warnings));
    let weight = match weight_lines(&page) {
        Some((kind, lines)) => weight::parse(kind, &lines, &params, &mut warnings),
        None => None,
    };
    let weight = match weight {
        Some(w) => Some(w),
        None => {
            let at = page.section(SectionKind::Weight).map_or("the page".to_string(), |s| format!("`{}`", s.heading));
            warnings.push(format!("weight: no weight number in {at}; IP weight 1 assumed, check the page"));
            Some(Weight { kind: "IP".into(), value: 1, rules: Vec::new(), orders: Vec::new() })
        }
    };
    let request_example = page.section(SectionKind::Request).and_then(|s| request_example(s, &ws, &mut warnings));
    let description = page.section(SectionKind::Description).and_then(|s| prose(s, &mut notes));
    for s in page.sections.iter().filter(|s| s.kind == SectionKind::Other) {
        prose(s, &mut notes).into_iter().for_each(|n| notes.push(n));
    }

    let response = match &ws {
        Some(_) => format!("{type_name}Result"),
        None => naming::model_name(&name),
    };
    let section = page.section(SectionKind::Response).ok_or_else(|| {
        missing("Response Example (响应示例)", "the response model is inferred from the page's JSON examples")
    })?;
    let (examples, bodies) = examples(path, section, ws.is_some(), &mut warnings)?;
    // Pages that show an array and (e.g. "if symbol sent") a bare object: both are decoded.
    let arrays = bodies.iter().filter(|b| matches!(b, Json::Array(..))).count();
    let object_too = arrays > 0 && arrays < bodies.len();
    let body_refs: Vec<&Json> = bodies.iter().collect();
    let (shape, inferred) = infer(&response, &body_refs);
    warnings.extend(inferred.warnings);
    let mut models = inferred.models;
    models.extend(read.models.into_iter().filter(|(n, _)| *n != shape.model));
    let mut enums = read.enums;
    for (n, e) in inferred.enums {
        match enums.iter_mut().find(|(m, _)| *m == n) {
            Some((_, have)) => {
                for v in e.values {
                    if !have.values.iter().any(|x| x.value() == v.value()) {
                        have.values.push(v);
                    }
                }
            }
            None => enums.push((n, e)),
        }
    }

    // An ENUM parameter whose description lists no values still takes the shared enum when the
    // page's examples gave it values (`side` with a response showing `"side": "BUY"`).
    let shared = |name: &str| naming::canonical_enum(name).filter(|e| enums.iter().any(|(n, _)| n == e));
    let mut params = params;
    for p in params.iter_mut().filter(|p| p.ty == "ENUM" && p.enum_name.is_none()) {
        if let Some(shared) = shared(&p.name) {
            p.enum_name = Some(shared.to_string());
            warnings.retain(|w| !w.starts_with(&format!("parameter {}: ENUM without listed values", p.name)));
            warnings.push(format!(
                "parameter {}: ENUM without listed values; uses the shared enum `{shared}` with the values the examples send",
                p.name
            ));
        }
    }
    // The same for the fields of a nested parameter table (a batch order's `side`, `type`), which
    // are left `ENUM` by `params::read`; without a shared enum they are strings.
    for f in models.iter_mut().flat_map(|(_, m)| m.fields.iter_mut()).filter(|f| f.ty == "ENUM") {
        f.ty = match shared(&f.name) {
            Some(e) => {
                warnings.retain(|w| !w.starts_with(&format!("parameter {}: ENUM without listed values", f.name)));
                e.to_string()
            }
            None => "STRING".to_string(),
        };
    }

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
        response: shape.model,
        response_list: shape.list,
        response_object_too: object_too && shape.list,
        examples,
    };
    Ok(ImportedEndpoint { page: path.to_path_buf(), name, endpoint, models, enums, request_example, warnings })
}

/// Why a page without an HTTP Request or Method section is not an endpoint page.
fn non_endpoint_reason(page: &Page) -> String {
    let url = page.docs_url.as_deref().unwrap_or("").to_ascii_lowercase();
    let headings: Vec<String> = page.sections.iter().map(|s| s.heading.to_ascii_lowercase()).collect();
    let has = |w: &str| headings.iter().any(|h| h.contains(w));
    let h1 = page.h1.to_lowercase();
    // The URL names the page's role most reliably; headings decide the rest.
    let kind = if url.contains("error-code") {
        "error-code page"
    } else if url.contains("common-definition") {
        "common-definition page"
    } else if url.contains("general-info") {
        "general-info page"
    } else if url.contains("change-log") || url.contains("changelog") || h1.contains("change log") {
        "change log"
    } else if url.contains("/faq") {
        "FAQ page"
    } else if url.contains("/event-") || h1.starts_with("event") || has("event name") {
        "user-data event page"
    } else if has("stream name") || has("update speed") || url.contains("stream") {
        "stream page"
    } else if has("error code") || h1.contains("error code") {
        "error-code page"
    } else if has("enum definition") {
        "common-definition page"
    } else if page.sections.is_empty() {
        "index or moved page (no sections)"
    } else {
        "other page"
    };
    format!("{kind}: no HTTP Request or WebSocket Method section")
}

/// The table header of a parameter table.
fn has_param_table(lines: &[String]) -> bool {
    lines.iter().any(|l| {
        let first = l.trim().trim_matches('|').split('|').next().unwrap_or("").trim().to_lowercase();
        l.contains('|') && matches!(first.as_str(), "name" | "名称" | "参数名")
    })
}

/// The weight's lines and the kind its heading names: the Weight section (up to a
/// parameter table some pages put there), else the lines after a `**Weight:**` line.
fn weight_lines(page: &Page) -> Option<(weight::HeadingKind, Vec<String>)> {
    if let Some(s) = page.section(SectionKind::Weight) {
        let lines: Vec<String> = s
            .lines
            .iter()
            .take_while(|l| {
                let t = l.replace('*', "");
                let t = t.trim();
                !(t.starts_with("Parameters")
                    || t.starts_with("参数")
                    || (t.contains('|') && has_param_table(&[t.to_string()])))
            })
            .cloned()
            .collect();
        return Some((weight::HeadingKind::of(&s.heading), lines));
    }
    for s in &page.sections {
        let Some(at) = s.lines.iter().position(|l| {
            let t = l.replace('*', "");
            let t = t.trim_start();
            t.starts_with("Weight:") || t.starts_with("Weight：") || t.starts_with("权重:") || t.starts_with("权重：")
        }) else {
            continue;
        };
        let first = s.lines[at].replace('*', "");
        let rest = first.split_once([':', '：']).map_or("", |(_, r)| r).to_string();
        // The value on the same line, else the lines up to the next blank line after some text.
        let bold_rest = s.lines[at].split_once(":**").map(|(_, r)| r.to_string()).unwrap_or(rest);
        let mut lines = vec![bold_rest];
        let mut seen_text = lines[0].trim().chars().any(|c| c.is_ascii_digit());
        for l in &s.lines[at + 1..] {
            if l.trim().is_empty() {
                if seen_text {
                    break;
                }
                continue;
            }
            seen_text = true;
            lines.push(l.clone());
        }
        return Some((weight::HeadingKind::Ip, lines));
    }
    None
}

/// The title without its security suffix, and the security (`None` when the title names none
/// of [`SECURITY`]; see [`untitled_security`]).
/// Scraped pages put the English title in `#` and the suffixed Chinese one in the first `##`.
fn title(page: &Page) -> (String, Option<String>) {
    let (name, security) = split_security(&page.h1);
    let security = security.or_else(|| {
        page.sections.first().filter(|s| s.kind == SectionKind::Other).and_then(|s| split_security(&s.heading).1)
    });
    (name, security)
}

/// The security of a page whose title names none (`Margin Account Borrow(MARGIN)`, or no suffix):
/// signed when its parameter table lists `timestamp`, which only signed requests carry: `TRADE`
/// unless it is a GET (a lost answer to a POST may have moved funds), `USER_DATA` for a GET;
/// public (`NONE`) otherwise.
fn untitled_security(http: Option<&Http>, params: &[crate::ast::Param], warnings: &mut Vec<String>) -> String {
    if !params.iter().any(|p| p.name == "timestamp") {
        return "NONE".to_string();
    }
    let security = if http.is_some_and(|h| h.method == "GET") { "USER_DATA" } else { "TRADE" };
    warnings.push(format!("security: the title names no security type but `timestamp` is a parameter; {security}"));
    security.to_string()
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

/// `` `account.status` ``, `` `v2/account.balance` ``, `` `depth` ``: the first backticked
/// method-like token, else the first dotted word.
fn ws_method(path: &Path, s: &Section) -> Result<Ws, ImportError> {
    let text = section_text(s);
    let method_like = |w: &str| {
        !w.is_empty()
            && w.starts_with(|c: char| c.is_ascii_alphabetic())
            && w.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'))
    };
    let backticked = text.split('`').skip(1).step_by(2).map(str::trim).find(|w| method_like(w));
    let dotted = || {
        text.split_whitespace()
            .map(|w| w.trim_matches(['`', '*']).trim_end_matches(['.', ',', ':']))
            .find(|w| w.contains('.') && method_like(w))
    };
    backticked
        .or_else(dotted)
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

/// A section's prose as one line; its blockquotes go to `notes`.
pub(super) fn prose(s: &Section, notes: &mut Vec<String>) -> Option<String> {
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

/// Every JSON example of the response section, labelled by the blockquote or text before
/// it, and the response bodies: for WebSocket methods the envelope's `result` (a bare
/// response without the envelope is accepted too). An example that cannot be read is
/// skipped with a warning while another one can be read.
pub(super) fn examples(
    path: &Path,
    s: &Section,
    ws: bool,
    warnings: &mut Vec<String>,
) -> Result<(Vec<Example>, Vec<Json>), ImportError> {
    let mut examples = Vec::new();
    let mut bodies = Vec::new();
    let mut errors = Vec::new();
    let mut label: Option<String> = None;
    // `n` counts the section's code blocks: "example 2" is the second one on the page.
    let mut n = 0;
    for block in blocks(&s.lines) {
        let code = match block {
            Block::Quote(q) | Block::Text(q) => {
                label = Some(q);
                continue;
            }
            Block::Code(c) if c.trim().is_empty() => continue,
            Block::Code(c) => c,
        };
        n += 1;
        let json = match lenient_json::parse_repaired(&code) {
            Ok((json, note)) => {
                if let Some(note) = note {
                    warnings.push(format!("response: example {n}: {note}"));
                }
                json
            }
            Err(e) => {
                errors.push(format!("example {n}: {e}"));
                continue;
            }
        };
        let body = match (ws, json.get("result")) {
            (true, Some(result)) => result.clone(),
            (true, None) if json.get("error").is_some() => {
                warnings.push(format!("example {n}: an error response; not used for the model"));
                continue;
            }
            _ => json.clone(),
        };
        if !matches!(body, Json::Object(_) | Json::Array(..)) {
            errors.push(format!("example {n}: expected a JSON object or array"));
            continue;
        }
        bodies.push(body);
        let title = label.take().map(|l| LABELS.iter().find(|(zh, _)| *zh == l).map_or(l, |(_, en)| en.to_string()));
        examples.push(Example { title, json: json.to_pretty() });
    }
    if examples.is_empty() {
        let problem = match errors.first() {
            Some(e) => e.clone(),
            None => "no JSON example found (expected a ``` block or a 4-space indented block)".to_string(),
        };
        return Err(malformed(path, s, problem));
    }
    for e in errors {
        warnings.push(format!("response: {e}; that example was skipped"));
    }
    Ok((examples, bodies))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(body: &str) -> Section {
        Section {
            heading: "Method".into(),
            kind: SectionKind::WsMethod,
            lines: body.lines().map(String::from).collect(),
        }
    }

    #[test]
    fn method_names_with_a_slash_or_without_a_dot() {
        let p = Path::new("p.md");
        assert_eq!(ws_method(p, &section("`v2/account.status`")).unwrap().method, "v2/account.status");
        let depth = section("`depth`\n\n**Note** :\n\n> RPI orders are excluded in the response message.");
        assert_eq!(ws_method(p, &depth).unwrap().method, "depth");
        assert_eq!(ws_method(p, &section("account.status")).unwrap().method, "account.status");
        assert!(ws_method(p, &section("nothing here")).is_err());
    }

    #[test]
    fn websocket_responses_with_or_without_the_envelope() {
        let page = |response: &str| {
            format!(
                "---\nsource_url: https://x/websocket-api/Account-Information\n---\n# Account Information (USER_DATA)\n\
                 ## Method\n`v2/account.status`\n## Request Weight\n**5**\n## Response Example\n```\n{response}\n```\n"
            )
        };
        let envelope = page(r#"{"id": "1", "status": 200, "result": {"feeTier": 0}, "rateLimits": []}"#);
        let bare = page(r#"{"feeTier": 0}"#);
        let a = import(Path::new("a.md"), &envelope).unwrap();
        let b = import(Path::new("b.md"), &bare).unwrap();
        assert_eq!(a.name, "v2_account_status");
        assert_eq!(a.models, b.models);
        assert_eq!(a.models[0].1.fields[0].name, "feeTier");
        // The example is stored whole, envelope included.
        assert!(a.endpoint.examples[0].json.contains("rateLimits"));
    }

    #[test]
    fn non_endpoint_pages_are_named_by_their_role() {
        let reason =
            |url: &str, body: &str| match import(Path::new("p.md"), &format!("---\nsource_url: {url}\n---\n{body}")) {
                Err(ImportError::NotAnEndpointPage { reason, .. }) => reason,
                other => panic!("{other:?}"),
            };
        let base = "https://developers.binance.com/docs/derivatives/usds-margined-futures";
        assert!(reason(&format!("{base}/error-code"), "# Error Codes\n## 10xx\n").starts_with("error-code page"));
        assert!(reason(&format!("{base}/general-info"), "# General Info\n## Error Codes\n")
            .starts_with("general-info page"));
        assert!(reason(
            &format!("{base}/user-data-streams/Event-Order-Update"),
            "# Event: Order Update\n## Event Name\n"
        )
        .starts_with("user-data event page"));
        assert!(reason(
            &format!("{base}/websocket-market-streams/Mark-Price-Stream"),
            "# Mark Price Stream\n## Stream Name\n"
        )
        .starts_with("stream page"));
        assert!(reason(&format!("{base}/account/rest-api"), "# New Future Account Transfer\nSee [here](x).\n")
            .starts_with("index or moved page"));
        let r = reason(&format!("{base}/faq/stp-faq"), "# STP FAQ\n## What is STP\n");
        assert_eq!(r, "FAQ page: no HTTP Request or WebSocket Method section");
    }

    #[test]
    fn a_title_without_a_known_security_type_is_signed_when_the_table_has_timestamp() {
        // Margin-Account-Borrow: "# Margin Account Borrow(MARGIN)", a POST with `timestamp`;
        // Bankruptcy-Loan-Repay: no suffix at all. Both need a signature.
        let page = |title: &str, method: &str, timestamp: bool| {
            let ts = if timestamp { "timestamp| LONG| YES|\n" } else { "" };
            format!(
                "---\nsource_url: https://x/trade/Margin-Account-Borrow\n---\n# {title}\n\
                 ## HTTP Request\n{method} `/papi/v1/marginLoan`\n## Request Weight(IP)\n**100**\n\
                 ## Request Parameters\nName| Type| Mandatory| Description\n---|---|---|---\n\
                 asset| STRING| YES|\nrecvWindow| LONG| NO|\n{ts}\n\
                 ## Response Example\n```\n{{\"tranId\": 100000001}}\n```\n"
            )
        };
        let security = |title: &str, method: &str, timestamp: bool| {
            import(Path::new("p.md"), &page(title, method, timestamp)).unwrap().endpoint.security
        };
        assert_eq!(security("Margin Account Borrow(MARGIN)", "POST", true), "TRADE");
        assert_eq!(security("Portfolio Margin Pro Bankruptcy Loan Repay", "POST", true), "TRADE");
        assert_eq!(security("Get Something", "GET", true), "USER_DATA");
        // Without `timestamp` a title without a security type stays public.
        assert_eq!(security("Test Connectivity", "GET", false), "NONE");
        // A security type the title gives is kept as written.
        assert_eq!(security("Query Something (USER_DATA)", "POST", true), "USER_DATA");
    }

    /// Place-Multiple-Orders lists a batch order's `side`, `type` and `timeInForce` as ENUM
    /// without values; like the top-level parameters of New-Order, they take the shared enum
    /// that the page's examples give values to, and stay strings without one.
    #[test]
    fn enum_fields_of_a_nested_table_take_the_shared_enum_the_examples_fill() {
        let page =
            "---\nsource_url: https://x/trade/rest-api/Place-Multiple-Orders\n---\n# Place Multiple Orders (TRADE)\n\
             ## HTTP Request\nPOST `/fapi/v1/batchOrders`\n## Request Weight\n**5**\n\
             ## Request Parameters\nName| Type| Mandatory| Description\n---|---|---|---\n\
             batchOrders| LIST<JSON>| YES| order list\ntimestamp| LONG| YES|\n\n\
             **Where `batchOrders` is the list of order parameters in JSON**\n\n\
             Name| Type| Mandatory| Description\n---|---|---|---\n\
             symbol| STRING| YES|\nside| ENUM| YES|\nworkingType| ENUM| NO|\nquantity| DECIMAL| YES|\n\n\
             ## Response Example\n```\n[{\"orderId\": 1, \"side\": \"BUY\"}]\n```\n";
        let imported = import(Path::new("p.md"), page).unwrap();
        let (_, batch) =
            imported.models.iter().find(|(n, _)| n.ends_with("BatchOrder")).expect("the batch order model");
        let ty = |name: &str| batch.fields.iter().find(|f| f.name == name).map(|f| f.ty.as_str());
        assert_eq!(ty("side"), Some("OrderSide"), "the response example sends `side`");
        assert_eq!(ty("workingType"), Some("STRING"), "no example gives `workingType` values");
        assert_eq!(ty("quantity"), Some("DECIMAL"));
    }
}
