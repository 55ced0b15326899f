//! The parameter table (`Name| Type| Mandatory| Description` / `名称 | 类型 | 是否必需 | 描述`),
//! with `LIST<…>` types, ENUM values from the descriptions, and nested tables (the order
//! parameters of `batchOrders`) read into a model instead of being flattened.

use super::enums_from_text;
use super::naming;
use crate::ast::{Enum, EnumValue, Field, Model, Param};

/// The parameters with the enums and nested models they need.
#[derive(Debug, Default)]
pub struct Params {
    /// Top-level parameters in page order.
    pub params: Vec<Param>,
    /// Models for JSON-object parameters (`LIST<JSON>` with a nested table).
    pub models: Vec<(String, Model)>,
    /// Enums of ENUM parameters (also of nested ones).
    pub enums: Vec<(String, Enum)>,
}

/// One table row.
struct Row {
    name: String,
    ty: String,
    required: bool,
    doc: Option<String>,
}

/// `lines` hold one or more parameter tables; the first is the request's, later ones belong to
/// the JSON parameter the text before them names ("Where `batchOrders` is …"), else to the
/// last JSON parameter. `prefix` names nested models (the endpoint's type name).
pub fn read(lines: &[String], prefix: &str, notes: &mut Vec<String>, warnings: &mut Vec<String>) -> Params {
    let mut tables: Vec<(String, Vec<Row>)> = Vec::new();
    let mut text_before = String::new();
    let mut in_table = false;
    // The previous line was a row: a text line right after it (no blank line between) is the
    // rest of its description, broken by a line break in the cell (`<br>` on the site).
    let mut after_row = false;
    for line in lines {
        let trimmed = line.trim();
        if let Some(q) = trimmed.strip_prefix('>') {
            let q = q.trim().trim_start_matches(['*', '-']).trim();
            if !q.is_empty() {
                notes.push(q.to_string());
            }
            in_table = false;
            after_row = false;
            continue;
        }
        if !trimmed.contains('|') {
            if trimmed.is_empty() {
                after_row = false;
            } else if let Some(row) = tables.last_mut().and_then(|(_, rows)| rows.last_mut()).filter(|_| after_row) {
                let doc = row.doc.get_or_insert_with(String::new);
                if !doc.is_empty() {
                    doc.push(' ');
                }
                doc.push_str(trimmed);
            } else {
                text_before.push_str(trimmed);
                text_before.push(' ');
                in_table = false;
            }
            continue;
        }
        after_row = false;
        let cells: Vec<&str> = trimmed.trim_matches('|').split('|').map(str::trim).collect();
        let is_rule = cells.iter().all(|c| c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')));
        let is_header =
            matches!(cells.first().map(|c| c.to_lowercase()).as_deref(), Some("name" | "名称" | "参数名" | "参数"));
        if is_header {
            tables.push((std::mem::take(&mut text_before), Vec::new()));
            in_table = true;
            continue;
        }
        if is_rule || !in_table || cells.len() < 3 || cells[0].is_empty() {
            continue;
        }
        let Some((_, rows)) = tables.last_mut() else { continue };
        after_row = true;
        rows.push(Row {
            name: cells[0].trim_matches(['`', '*']).trim().to_string(),
            ty: cells[1].trim_matches('`').to_string(),
            required: matches!(cells[2].trim_matches('*').to_uppercase().as_str(), "YES" | "是" | "TRUE" | "Y"),
            doc: cells.get(3..).map(|rest| rest.join(" | ").trim().to_string()).filter(|d| !d.is_empty()),
        });
    }

    let mut out = Params::default();
    let mut tables = tables.into_iter();
    let Some((_, top)) = tables.next() else { return out };
    for row in top {
        if out.params.iter().any(|p| p.name == row.name) {
            warnings.push(format!("parameter {}: listed twice in the table; the first is kept", row.name));
            continue;
        }
        let param = param(row, &mut out.enums, warnings);
        out.params.push(param);
    }
    for (before, rows) in tables {
        // The JSON parameter the text names, else the last JSON one.
        let json_params: Vec<usize> =
            out.params.iter().enumerate().filter(|(_, p)| p.ty == JSON).map(|(i, _)| i).collect();
        let named = json_params.iter().copied().find(|&i| mentions(&before, &out.params[i].name));
        let Some(at) = named.or_else(|| json_params.last().copied()) else {
            warnings.push("a second parameter table belongs to no JSON parameter; it was skipped".into());
            continue;
        };
        let model_name = format!("{prefix}{}", singular(&naming::type_name(&out.params[at].name)));
        let mut fields = Vec::new();
        for row in rows {
            if fields.iter().any(|f: &Field| f.name == row.name) {
                continue;
            }
            let p = param(row, &mut out.enums, warnings);
            // An ENUM without listed values stays `ENUM` here: the page's shared enums are only
            // known once its examples are read (`sections::shared_enums_for_unlisted`).
            let ty = match (p.ty.as_str(), &p.enum_name) {
                ("ENUM", Some(e)) => e.clone(),
                (JSON, _) => "STRING".to_string(),
                (t, _) => t.to_string(),
            };
            fields.push(Field { name: p.name, ty, list: p.list, optional: !p.required, doc: p.doc, rust_name: None });
        }
        out.params[at].ty = model_name.clone();
        out.models.push((model_name, Model { doc: None, tuple: false, fields }));
    }
    for p in out.params.iter_mut().filter(|p| p.ty == JSON) {
        warnings.push(format!("parameter {}: JSON without a documented shape; typed STRING (its JSON text)", p.name));
        p.ty = "STRING".to_string();
    }
    out
}

/// Marks a JSON-object parameter until its nested table is read.
const JSON: &str = "JSON";

fn param(row: Row, enums: &mut Vec<(String, Enum)>, warnings: &mut Vec<String>) -> Param {
    let (ty, list) = param_type(&row.name, &row.ty, warnings);
    let mut p = Param { name: row.name, ty, list, required: row.required, enum_name: None, doc: row.doc };
    if p.ty == "ENUM" {
        let values = p.doc.as_deref().map(enums_from_text::values).unwrap_or_default();
        if values.is_empty() {
            warnings.push(format!("parameter {}: ENUM without listed values; typed as a string", p.name));
        } else {
            let name = naming::enum_name(&p.name);
            add_enum(enums, &name, values);
            p.enum_name = Some(name);
        }
    }
    p
}

/// Adds `values` to enum `name` (a union when the page uses the enum twice).
pub(super) fn add_enum(enums: &mut Vec<(String, Enum)>, name: &str, values: Vec<String>) {
    let slot = match enums.iter().position(|(n, _)| n == name) {
        Some(i) => i,
        None => {
            enums.push((name.to_string(), Enum { doc: None, values: Vec::new() }));
            enums.len() - 1
        }
    };
    let e = &mut enums[slot].1;
    for v in values {
        if !e.values.iter().any(|x| x.value() == v) {
            e.values.push(EnumValue::Bare(v));
        }
    }
}

/// `LIST<LONG>` → (`LONG`, list); `list<JSON>` → (JSON, list); `ENUM`; `FLOAT` → `DECIMAL`.
fn param_type(name: &str, written: &str, warnings: &mut Vec<String>) -> (String, bool) {
    let upper = written.trim().to_uppercase();
    let (inner, list) = match upper.strip_prefix("LIST<").and_then(|r| r.strip_suffix('>')) {
        Some(inner) => (inner.trim().to_string(), true),
        None if upper == "LIST" || upper == "ARRAY" => ("STRING".to_string(), true),
        None => (upper, false),
    };
    let ty = match inner.as_str() {
        "LONG" | "INT" | "STRING" | "DECIMAL" | "BOOLEAN" | "ENUM" => inner,
        "INTEGER" => "INT".to_string(),
        "FLOAT" | "DOUBLE" | "NUMBER" | "BIGDECIMAL" => "DECIMAL".to_string(),
        "JSON" | "OBJECT" => JSON.to_string(),
        _ => {
            warnings.push(format!("parameter {name}: unknown type {written:?}; typed STRING"));
            "STRING".to_string()
        }
    };
    (ty, list)
}

fn mentions(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric()) && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// `BatchOrders` → `BatchOrder`.
pub fn singular(name: &str) -> String {
    match name.strip_suffix('s') {
        Some(stem) if !stem.ends_with('s') && !stem.is_empty() => stem.to_string(),
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(String::from).collect()
    }

    #[test]
    fn list_types_enums_and_nested_tables() {
        let page = "Name| Type| Mandatory| Description\n---|---|---|---\n\
            batchOrders| list<JSON>| YES| order list. Max 5 orders\n\
            orderIdList| LIST<LONG>| NO| max length 10\n\
            side| ENUM| YES| `SELL`, `BUY`\n\
            recvWindow| LONG| NO|\n\n\
            **Where`batchOrders` is the list of order parameters in JSON**\n\n\
            Name| Type| Mandatory| Description\n---|---|---|---\n\
            symbol| STRING| YES|\n\
            side| ENUM| YES| `SELL`, `BUY`\n\
            quantity| DECIMAL| NO|\n\
            recvWindow| LONG| NO|\n";
        let mut warnings = Vec::new();
        let got = read(&lines(page), "ModifyMultipleOrders", &mut Vec::new(), &mut warnings);
        let names: Vec<&str> = got.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["batchOrders", "orderIdList", "side", "recvWindow"]);
        assert_eq!((got.params[0].ty.as_str(), got.params[0].list), ("ModifyMultipleOrdersBatchOrder", true));
        assert_eq!((got.params[1].ty.as_str(), got.params[1].list), ("LONG", true));
        assert_eq!(got.params[2].enum_name.as_deref(), Some("OrderSide"));
        assert_eq!(got.models.len(), 1);
        let fields: Vec<(&str, &str, bool)> =
            got.models[0].1.fields.iter().map(|f| (f.name.as_str(), f.ty.as_str(), f.optional)).collect();
        assert_eq!(
            fields,
            [
                ("symbol", "STRING", false),
                ("side", "OrderSide", false),
                ("quantity", "DECIMAL", true),
                ("recvWindow", "LONG", true)
            ]
        );
        assert_eq!(got.enums.len(), 1);
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn a_description_wrapped_onto_the_next_line_continues_its_row() {
        // Cancel-Multiple-Orders: a description cell broken by a line break (`<br>` on the
        // site) continues on a line without `|`; the rows after it still belong to the table.
        let page = "Name| Type| Mandatory| Description  \n---|---|---|---  \n\
            symbol| STRING| YES|   \n\
            orderIdList| LIST<LONG>| NO| max length 10   \n\
            e.g. [1234567,2345678]  \n\
            origClientOrderIdList| LIST<STRING>| NO| max length 10  \n\
            e.g. [\"my_id_1\",\"my_id_2\"], encode the double quotes. No space after comma.  \n\
            recvWindow| LONG| NO|   \n\
            timestamp| LONG| YES|   \n  \n\
            >   * Either `orderIdList` or `origClientOrderIdList ` must be sent.\n";
        let mut warnings = Vec::new();
        let got = read(&lines(page), "CancelMultipleOrders", &mut Vec::new(), &mut warnings);
        let params: Vec<(&str, &str, bool, bool)> =
            got.params.iter().map(|p| (p.name.as_str(), p.ty.as_str(), p.list, p.required)).collect();
        assert_eq!(
            params,
            [
                ("symbol", "STRING", false, true),
                ("orderIdList", "LONG", true, false),
                ("origClientOrderIdList", "STRING", true, false),
                ("recvWindow", "LONG", false, false),
                ("timestamp", "LONG", false, true),
            ]
        );
        assert_eq!(got.params[1].doc.as_deref(), Some("max length 10 e.g. [1234567,2345678]"));
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn enum_without_values_is_a_string_with_a_warning() {
        let mut warnings = Vec::new();
        let got = read(
            &lines("名称 | 类型 | 是否必需 | 描述\n---|---|---|---\nside| ENUM| YES| 方向\n"),
            "X",
            &mut Vec::new(),
            &mut warnings,
        );
        assert_eq!((got.params[0].ty.as_str(), got.params[0].enum_name.as_deref()), ("ENUM", None));
        assert_eq!(warnings.len(), 1);
    }
}
