//! Models, field types and enums inferred from a page's response examples.
//!
//! Every example of a page is one sighting of the response model; every element of an array
//! of objects is one sighting of the element model. A field missing from some sighting, or
//! sent as `""`, is optional. Types follow `spec/README.md`: decimal strings → `DECIMAL`,
//! other strings → `STRING`, integers → `INT` (`LONG` for ids and large values, `TIMESTAMP`
//! for `…Time` keys holding 13-digit or zero values), booleans, objects → models.

use super::lenient_json::{Json, Member};
use crate::ast::{Enum, EnumValue, Field, Model};
use heck::ToUpperCamelCase;

/// The inferred models and enums, response model first.
#[derive(Debug, Clone, Default)]
pub struct Inferred {
    /// Models by name, the response model first, then nested ones in page order.
    pub models: Vec<(String, Model)>,
    /// Enums by name in page order.
    pub enums: Vec<(String, Enum)>,
    /// Things a maintainer should look at (e.g. an empty array whose element type is unknown).
    pub warnings: Vec<String>,
}

/// What the sightings of one field say about it.
#[derive(Debug, Clone, Default)]
struct FieldFacts {
    name: String,
    seen: usize,
    empty_or_null: bool,
    strings: Vec<String>,
    numbers: Vec<String>,
    bools: bool,
    objects: Vec<Vec<Member>>,
    /// The field holds an array (of `objects` or of scalars in the other vectors).
    list: bool,
    comments: Vec<String>,
}

/// Infers the response model `root_name` (and everything nested) from `examples`, which are
/// the response bodies (for WebSocket methods: the envelopes' `result`).
pub fn infer(root_name: &str, examples: &[&[Member]]) -> Inferred {
    let mut out = Inferred::default();
    model(root_name, examples, &mut out);
    out
}

fn model(name: &str, sightings: &[&[Member]], out: &mut Inferred) -> String {
    let name = unique(name, out);
    // Reserve the slot now so the response model comes first and nested ones follow.
    let slot = out.models.len();
    out.models.push((name.clone(), Model { doc: None, tuple: false, fields: Vec::new() }));
    let mut facts: Vec<FieldFacts> = Vec::new();
    for members in sightings {
        // A field first seen in a later example goes after its predecessor in that example.
        let mut prev: Option<usize> = None;
        for m in members.iter() {
            let at = match facts.iter().position(|f| f.name == m.key) {
                Some(i) => i,
                None => {
                    let at = prev.map_or(0, |p| p + 1);
                    facts.insert(at, FieldFacts { name: m.key.clone(), ..FieldFacts::default() });
                    at
                }
            };
            prev = Some(at);
            let f = &mut facts[at];
            f.seen += 1;
            for c in &m.comments {
                if !f.comments.contains(c) {
                    f.comments.push(c.clone());
                }
            }
            collect(f, &m.value);
        }
    }
    let mut fields = Vec::new();
    for f in &facts {
        let optional = f.seen < sightings.len() || f.empty_or_null;
        let (ty, doc) = field_type(&name, f, out);
        fields.push(Field { name: f.name.clone(), ty, list: f.list, optional, doc });
    }
    if let Some((_, m)) = out.models.get_mut(slot) {
        m.fields = fields;
    }
    name
}

fn collect(f: &mut FieldFacts, value: &Json) {
    match value {
        Json::Null => f.empty_or_null = true,
        Json::String(s) if s.is_empty() => f.empty_or_null = true,
        Json::String(s) => f.strings.push(s.clone()),
        Json::Number(n) => f.numbers.push(n.clone()),
        Json::Bool(_) => f.bools = true,
        Json::Object(members) => f.objects.push(members.clone()),
        Json::Array(items) => {
            f.list = true;
            for item in items {
                // Arrays of arrays are flattened; Binance's account responses have none.
                collect(f, item);
            }
        }
    }
}

/// The field's type (adding nested models and enums to `out`) and its doc.
fn field_type(parent: &str, f: &FieldFacts, out: &mut Inferred) -> (String, Option<String>) {
    let doc = (!f.comments.is_empty()).then(|| f.comments.join(" "));
    if !f.objects.is_empty() {
        let sightings: Vec<&[Member]> = f.objects.iter().map(|m| m.as_slice()).collect();
        let child = format!("{parent}{}", singular(&f.name.to_upper_camel_case()));
        return (model(&child, &sightings, out), doc);
    }
    if let Some((values, rest)) = doc.as_deref().and_then(|d| enum_values(d, &f.strings)) {
        let name = unique(&f.name.to_upper_camel_case(), out);
        let enum_doc = rest.clone();
        out.enums.push((name.clone(), Enum { doc: enum_doc, values }));
        return (name, rest);
    }
    let ty = if f.bools && f.strings.is_empty() && f.numbers.is_empty() {
        "BOOLEAN"
    } else if !f.strings.is_empty() {
        if f.strings.iter().all(|s| is_decimal(s)) && f.numbers.iter().all(|n| is_decimal(n)) && !f.bools {
            "DECIMAL"
        } else {
            "STRING"
        }
    } else if !f.numbers.is_empty() {
        integer_type(&f.name, &f.numbers)
    } else if f.list {
        out.warnings.push(format!(
            "{parent}.{}: the examples only show an empty array; typed as a list of STRING, check the page",
            f.name
        ));
        "STRING"
    } else {
        // Only "" or null was seen: `""` is how Binance sends an absent decimal.
        "DECIMAL"
    };
    (ty.to_string(), doc)
}

fn integer_type(name: &str, numbers: &[String]) -> &'static str {
    if numbers.iter().any(|n| n.contains(['.', 'e', 'E'])) {
        return "DECIMAL";
    }
    let is_time = name.ends_with("Time") || name.ends_with("time") || name == "timestamp";
    let digits = |n: &String| n.trim_start_matches('-').len();
    if is_time && numbers.iter().all(|n| n == "0" || digits(n) == 13) {
        "TIMESTAMP"
    } else if name.ends_with("Id") || name.ends_with("ID") || numbers.iter().any(|n| n.parse::<i32>().is_err()) {
        "LONG"
    } else {
        "INT"
    }
}

/// `"0.00000000"`, `"100"`, `"-1.5"`, `"122,559.90199491"` (thousands separators).
fn is_decimal(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    int.starts_with(|c: char| c.is_ascii_digit())
        && int.chars().all(|c| c.is_ascii_digit() || c == ',')
        && frac.chars().all(|c| c.is_ascii_digit())
}

/// Enum values a field comment lists, and the comment without the list (the field doc).
///
/// Two forms occur: quoted upper-case values (`status:"NORMAL", "MARGIN_CALL", …`) and
/// bare upper-case values with an underscore, each followed by its meaning
/// (`PM_1 for PM PRO, PM_2 for PM`). Either needs two values and must include every value the
/// examples send.
fn enum_values(comment: &str, sent: &[String]) -> Option<(Vec<EnumValue>, Option<String>)> {
    let quoted = quoted_upper(comment);
    let (values, first_at) = if quoted.len() >= 2 {
        (quoted.iter().map(|(v, _)| EnumValue::Bare(v.clone())).collect::<Vec<_>>(), quoted[0].1)
    } else {
        let bare = bare_upper(comment);
        if bare.len() < 2 {
            return None;
        }
        let values = bare
            .iter()
            .map(|(v, doc)| match doc {
                Some(d) => EnumValue::Documented { value: v.clone(), doc: d.clone() },
                None => EnumValue::Bare(v.clone()),
            })
            .collect();
        (values, bare_start(comment))
    };
    let listed: Vec<&str> = values.iter().map(EnumValue::value).collect();
    if sent.is_empty() || !sent.iter().all(|s| listed.contains(&s.as_str())) {
        return None;
    }
    let rest = comment[..first_at].trim().trim_end_matches([':', '：']).trim();
    Some((values, (!rest.is_empty()).then(|| rest.to_string())))
}

fn is_upper_token(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// `"NORMAL"` tokens with the byte offset of the first one's quote, deduplicated.
fn quoted_upper(comment: &str) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    let mut offset: usize = 0;
    for (i, part) in comment.split('"').enumerate() {
        if i % 2 == 1 && is_upper_token(part) && !out.iter().any(|(v, _)| v == part) {
            out.push((part.to_string(), offset.saturating_sub(1)));
        }
        offset += part.len() + 1;
    }
    out
}

/// Words like `PM_1` (upper case with an underscore), each with the text that follows it up
/// to the next comma, without a leading "for" (`PM_1 for PM PRO` → `PM PRO`).
fn bare_upper(comment: &str) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for clause in comment.split([',', '，', ';']) {
        let clause = clause.trim();
        let word: String = clause.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if !(is_upper_token(&word) && word.contains('_')) || out.iter().any(|(v, _)| *v == word) {
            continue;
        }
        let rest = clause[word.len()..].trim();
        let rest = rest.strip_prefix("for ").unwrap_or(rest).trim();
        out.push((word, (!rest.is_empty()).then(|| rest.to_string())));
    }
    out
}

fn bare_start(comment: &str) -> usize {
    comment
        .split([',', '，', ';'])
        .next()
        .map(|first| {
            let lead = first.len() - first.trim_start().len();
            let word: String =
                first.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if is_upper_token(&word) && word.contains('_') {
                lead
            } else {
                first.len()
            }
        })
        .unwrap_or(0)
}

/// `Assets` → `Asset`, `Positions` → `Position` (element models are named in the singular).
fn singular(name: &str) -> String {
    match name.strip_suffix('s') {
        Some(stem) if !stem.ends_with('s') && !stem.is_empty() => stem.to_string(),
        _ => name.to_string(),
    }
}

fn unique(name: &str, out: &Inferred) -> String {
    let taken = |n: &str| out.models.iter().any(|(m, _)| m == n) || out.enums.iter().any(|(e, _)| e == n);
    if !taken(name) {
        return name.to_string();
    }
    (2..).map(|i| format!("{name}{i}")).find(|n| !taken(n)).unwrap_or_else(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_decimal_strings() {
        for yes in ["0.00000000", "100", "-1.5", "122,559.90199491"] {
            assert!(is_decimal(yes), "{yes}");
        }
        for no in ["BTC", "", "1.2.3", "0x10", ".5"] {
            assert!(!is_decimal(no), "{no}");
        }
    }

    #[test]
    fn finds_both_enum_comment_forms() {
        let (values, doc) =
            enum_values(r#"Account status:"NORMAL", "MARGIN_CALL", "BANKRUPTED""#, &["NORMAL".into()]).unwrap();
        assert_eq!(values.iter().map(EnumValue::value).collect::<Vec<_>>(), ["NORMAL", "MARGIN_CALL", "BANKRUPTED"]);
        assert_eq!(doc.as_deref(), Some("Account status"));
        let (values, doc) =
            enum_values("PM_1 for PM PRO, PM_2 for PM, PM_3 for PM PRO SPAN", &["PM_1".into()]).unwrap();
        assert_eq!(values[2], EnumValue::Documented { value: "PM_3".into(), doc: "PM PRO SPAN".into() });
        assert_eq!(doc, None);
        // A value the examples send but the comment does not list: not an enum.
        assert!(enum_values(r#""A_1", "B_1""#, &["C_1".into()]).is_none());
    }

    #[test]
    fn picks_integer_kinds() {
        assert_eq!(integer_type("updateTime", &["0".into(), "1625474304765".into()]), "TIMESTAMP");
        assert_eq!(integer_type("tradeGroupId", &["-1".into()]), "LONG");
        assert_eq!(integer_type("feeTier", &["0".into()]), "INT");
        assert_eq!(integer_type("count", &["99999999999".into()]), "LONG");
    }
}
