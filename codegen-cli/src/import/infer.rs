//! Models, field types and enums inferred from a page's response examples.
//!
//! Every example of a page is one sighting of the response model; every element of an array
//! of objects is one sighting of the element model. A field missing from some sighting, sent
//! as `""` or `null`, or documented as conditional ("only returned with …") is optional.
//! Types: decimal strings → `DECIMAL` (except ids and codes: `STRING`, as sent), other
//! strings → `STRING`, integers → `LONG` (`TIMESTAMP` for time-like names), booleans, objects
//! → models, arrays of arrays → tuple models.

use super::lenient_json::{Json, Member};
use super::naming;
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

/// What the sightings of one field (or one tuple position) say about it.
#[derive(Debug, Clone, Default)]
struct FieldFacts {
    name: String,
    seen: usize,
    empty_or_null: bool,
    strings: Vec<String>,
    numbers: Vec<String>,
    bools: bool,
    objects: Vec<Vec<Member>>,
    /// Arrays seen as elements of this field's arrays (order-book levels, klines).
    tuples: Vec<(Vec<Json>, Vec<Vec<String>>)>,
    /// The field holds an array (of `objects`, `tuples` or of scalars in the other vectors).
    list: bool,
    comments: Vec<String>,
}

/// The response's shape: the model name and whether the response is a JSON array of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// The response model.
    pub model: String,
    /// The response is an array of the model.
    pub list: bool,
}

/// Infers the response model `root_name` (and everything nested) from the response bodies
/// (for WebSocket methods: the envelopes' `result`): objects, arrays of objects, arrays of
/// arrays (a tuple model), `{}` (a model with no fields).
pub fn infer(root_name: &str, bodies: &[&Json]) -> (Shape, Inferred) {
    let mut out = Inferred::default();
    let mut objects: Vec<&[Member]> = Vec::new();
    let mut tuples: Vec<(Vec<Json>, Vec<Vec<String>>)> = Vec::new();
    let mut list = false;
    let mut scalars = false;
    for body in bodies {
        match body {
            Json::Object(members) => objects.push(members),
            Json::Array(items, _) => {
                list = true;
                for item in items {
                    match item {
                        Json::Object(members) => objects.push(members),
                        Json::Array(inner, comments) => tuples.push((inner.clone(), comments.clone())),
                        _ => scalars = true,
                    }
                }
            }
            _ => scalars = true,
        }
    }
    if scalars {
        out.warnings.push(format!(
            "{root_name}: the examples show scalar values where an object was expected; they were ignored"
        ));
    }
    let model = if !tuples.is_empty() && objects.is_empty() {
        tuple_model(root_name, &tuples, &mut out)
    } else {
        model(root_name, &objects, &mut out)
    };
    (Shape { model, list }, out)
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
    let order_like = facts.iter().any(|f| ORDER_KEYS.contains(&f.name.as_str()));
    let mut fields = Vec::new();
    for f in &facts {
        let (ty, doc) = field_type(&name, f, order_like, out);
        let optional = f.seen < sightings.len() || f.empty_or_null || doc.as_deref().is_some_and(is_conditional);
        fields.push(Field { name: f.name.clone(), ty, list: f.list, optional, doc, rust_name: None });
    }
    if let Some((_, m)) = out.models.get_mut(slot) {
        m.fields = fields;
    }
    name
}

/// A model read by position (`[price, qty]`, a kline): one field per position, named from the
/// comments the page puts next to the values (`// PRICE` → `price`), else `field0`, `field1`, ….
fn tuple_model(name: &str, sightings: &[(Vec<Json>, Vec<Vec<String>>)], out: &mut Inferred) -> String {
    let name = unique(name, out);
    let slot = out.models.len();
    out.models.push((name.clone(), Model { doc: None, tuple: true, fields: Vec::new() }));
    let width = sightings.iter().map(|(items, _)| items.len()).max().unwrap_or(0);
    let mut fields: Vec<Field> = Vec::new();
    for i in 0..width {
        let mut f = FieldFacts::default();
        for (items, comments) in sightings {
            if let Some(v) = items.get(i) {
                f.seen += 1;
                collect(&mut f, v);
            }
            for c in comments.get(i).into_iter().flatten() {
                if !f.comments.contains(c) {
                    f.comments.push(c.clone());
                }
            }
        }
        let named = f.comments.first().map(|c| position_name(c)).filter(|n| !n.is_empty());
        let mut field_name = named.unwrap_or_else(|| format!("field{i}"));
        if fields.iter().any(|x| x.name == field_name) {
            field_name = format!("{field_name}{i}");
        }
        f.name = field_name.clone();
        let (ty, doc) = field_type(&name, &f, false, out);
        // A tuple is read by position: only trailing positions may be missing.
        let optional = f.seen < sightings.len() || f.empty_or_null;
        fields.push(Field { name: field_name, ty, list: f.list, optional, doc, rust_name: None });
    }
    // Order-book bids and asks are the same level: one model when positions and types agree
    // (the names of a documented sibling win over `field0`, `field1`, …).
    let same = |m: &Model| {
        m.tuple
            && m.fields.len() == fields.len()
            && m.fields.iter().zip(&fields).all(|(a, b)| a.ty == b.ty && a.list == b.list)
    };
    if let Some(existing) = out.models.iter().position(|(n, m)| *n != name && same(m)) {
        let generic = |fs: &[Field]| fs.iter().enumerate().all(|(i, f)| f.name == format!("field{i}"));
        if generic(&out.models[existing].1.fields) && !generic(&fields) {
            out.models[existing].1.fields = fields;
        }
        let shared = out.models[existing].0.clone();
        // Only the reserved slot goes; models nested in this tuple's positions stay.
        if out.models.get(slot).is_some_and(|(n, _)| *n == name) {
            out.models.remove(slot);
        }
        return shared;
    }
    if let Some((_, m)) = out.models.get_mut(slot) {
        m.fields = fields;
    }
    name
}

/// `PRICE` → `price`; `Open time` → `openTime`; `Ignore.` → `ignore`; Chinese → empty.
fn position_name(comment: &str) -> String {
    // `Close (or latest price)` → `close`.
    let comment = comment.split(['(', ',', ';']).next().unwrap_or("");
    let words: Vec<String> = comment
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(5)
        .map(|w| w.to_ascii_lowercase())
        .collect();
    if words.is_empty() || !comment.is_ascii() {
        return String::new();
    }
    let mut name = words[0].clone();
    for w in &words[1..] {
        let mut cs = w.chars();
        if let Some(first) = cs.next() {
            name.push(first.to_ascii_uppercase());
            name.push_str(cs.as_str());
        }
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    name
}

/// Field docs that say the field is not always sent: "only returned with …", "will not return
/// if …", "only for PM PRO SPAN", and the event pages' words for it: "only pushed with …" (also
/// misspelt "only puhed"), "only display when …", "will not push if …", "only appears when …",
/// "only visible if …", "will not be visible if …", "only have when …", "… if appliable" (sic).
/// ("only for USDT asset" is not one: it says how a value is computed, and the field is always
/// sent.)
fn is_conditional(doc: &str) -> bool {
    let d = doc.to_lowercase();
    if d.contains("only for") && !d.contains("asset") {
        return true;
    }
    [
        "only returned",
        "only return",
        "will not return",
        "not returned",
        "only available",
        "only when",
        "only if",
        "only show",
        "only pushed",
        "only puhed",
        "only display",
        "only appears",
        "only visible",
        "not be visible",
        "only have when",
        "if appliable",
        "if applicable",
        "will not push",
        "when exists",
        "may not",
        "仅在",
        "才返回",
        "才会返回",
        "不返回",
    ]
    .iter()
    .any(|p| d.contains(p))
}

fn collect(f: &mut FieldFacts, value: &Json) {
    match value {
        Json::Null => f.empty_or_null = true,
        Json::String(s) if s.is_empty() => f.empty_or_null = true,
        Json::String(s) => f.strings.push(s.clone()),
        Json::Number(n) => f.numbers.push(n.clone()),
        Json::Bool(_) => f.bools = true,
        Json::Object(members) => f.objects.push(members.clone()),
        Json::Array(items, comments) => {
            f.list = true;
            for (i, item) in items.iter().enumerate() {
                match item {
                    Json::Array(inner, inner_comments) => f.tuples.push((inner.clone(), inner_comments.clone())),
                    _ => {
                        collect(f, item);
                        for c in comments.get(i).into_iter().flatten() {
                            if !f.comments.contains(c) {
                                f.comments.push(c.clone());
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Fields that make an object an order (its `type` and `status` are the order's).
const ORDER_KEYS: &[&str] = &["orderId", "clientOrderId", "algoId", "strategyId", "origClientOrderId"];

/// Field names that take a shared enum wherever they appear in a response; `type`, `origType`
/// and `status` only in an order (elsewhere they are a schedule's, a symbol's or a transfer's).
const ALWAYS_SHARED: &[&str] = &[
    "side",
    "positionSide",
    "timeInForce",
    "workingType",
    "priceMatch",
    "selfTradePreventionMode",
    "strategyType",
    "algoType",
    "algoStatus",
];
const SHARED_IN_ORDERS: &[&str] = &["type", "origType", "orderType", "status"];

/// The field's type (adding nested models and enums to `out`) and its doc.
fn field_type(parent: &str, f: &FieldFacts, order_like: bool, out: &mut Inferred) -> (String, Option<String>) {
    let doc = (!f.comments.is_empty()).then(|| f.comments.join(" "));
    let shared =
        ALWAYS_SHARED.contains(&f.name.as_str()) || (order_like && SHARED_IN_ORDERS.contains(&f.name.as_str()));
    if !f.objects.is_empty() {
        let sightings: Vec<&[Member]> = f.objects.iter().map(|m| m.as_slice()).collect();
        let child = format!("{parent}{}", singular(&f.name.to_upper_camel_case()));
        return (model(&child, &sightings, out), doc);
    }
    if !f.tuples.is_empty() {
        let child = format!("{parent}{}", singular(&f.name.to_upper_camel_case()));
        return (tuple_model(&child, &f.tuples, out), doc);
    }
    if let Some((values, rest)) = doc.as_deref().and_then(|d| enum_values(d, &f.strings)) {
        let name = match naming::canonical_enum(&f.name).filter(|_| shared) {
            Some(shared) => shared.to_string(),
            None => naming::own_enum_name(&f.name, parent),
        };
        add_enum(out, &name, rest.clone(), values);
        return (name, rest);
    }
    if let Some(name) = naming::canonical_enum(&f.name).filter(|_| shared) {
        let sent_values = !f.strings.is_empty() && f.numbers.is_empty() && !f.bools;
        if sent_values && f.strings.iter().all(|s| super::enums_from_text::is_wire_value(s)) {
            let mut values: Vec<EnumValue> = Vec::new();
            for s in &f.strings {
                if !values.iter().any(|v| v.value() == s) {
                    values.push(EnumValue::Bare(s.clone()));
                }
            }
            add_enum(out, name, None, values);
            return (name.to_string(), doc);
        }
    }
    let id_like = is_id_like(&f.name);
    let ty = if f.bools && f.strings.is_empty() && f.numbers.is_empty() {
        "BOOLEAN"
    } else if !f.strings.is_empty() {
        let all_decimal =
            f.strings.iter().all(|s| is_decimal(s)) && f.numbers.iter().all(|n| is_decimal(n)) && !f.bools;
        if all_decimal && !id_like {
            "DECIMAL"
        } else {
            // Ids and codes sent as strings stay strings, exactly as sent.
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
        // Only "" or null was seen: nothing says more than "a string, maybe absent".
        "STRING"
    };
    (ty.to_string(), doc)
}

/// Names whose values identify something rather than measure it: `orderId`, `tranId`,
/// `quoteId`, `id`, `code`, `…Code`.
fn is_id_like(name: &str) -> bool {
    name == "id" || name.ends_with("Id") || name.ends_with("ID") || name == "code" || name.ends_with("Code")
}

/// Time-like names: `…Time`, `…time`, `…Date`, `timestamp`, and Binance's one-letter `T`/`E`.
fn is_time_like(name: &str) -> bool {
    name.ends_with("Time")
        || name.ends_with("time")
        || name.ends_with("Date")
        || name == "timestamp"
        || name == "T"
        || name == "E"
}

/// Integers: `DECIMAL` when any has a fraction, `TIMESTAMP` for time-like names, else `LONG`
/// (never `INT`: a value shown as `0` may hold milliseconds or a large id in a real response).
fn integer_type(name: &str, numbers: &[String]) -> &'static str {
    if numbers.iter().any(|n| n.contains(['.', 'e', 'E'])) {
        "DECIMAL"
    } else if is_time_like(name) {
        "TIMESTAMP"
    } else {
        "LONG"
    }
}

fn add_enum(out: &mut Inferred, name: &str, doc: Option<String>, values: Vec<EnumValue>) {
    match out.enums.iter_mut().find(|(n, _)| n == name) {
        Some((_, e)) => {
            for v in values {
                if !e.values.iter().any(|x| x.value() == v.value()) {
                    e.values.push(v);
                }
            }
        }
        None => out.enums.push((name.to_string(), Enum { doc, values })),
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
            // `PROCESS/ACCEPT_SUCCESS/SUCCESS/FAIL` and other forms the parameter tables use.
            let listed = super::enums_from_text::values(comment);
            let sent_listed = !sent.is_empty() && sent.iter().all(|s| listed.contains(s));
            return (listed.len() >= 2 && sent_listed)
                .then(|| (listed.into_iter().map(EnumValue::Bare).collect(), None));
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
        assert_eq!(integer_type("goodTillDate", &["0".into()]), "TIMESTAMP");
        assert_eq!(integer_type("T", &["1589436922959".into()]), "TIMESTAMP");
        assert_eq!(integer_type("tradeGroupId", &["-1".into()]), "LONG");
        assert_eq!(integer_type("feeTier", &["0".into()]), "LONG");
        assert_eq!(integer_type("price", &["0.5".into()]), "DECIMAL");
    }

    fn run(examples: &[&str]) -> (Shape, Inferred) {
        let bodies: Vec<Json> = examples.iter().map(|e| super::super::lenient_json::parse(e).unwrap()).collect();
        let refs: Vec<&Json> = bodies.iter().collect();
        infer("Resp", &refs)
    }

    fn field<'a>(inferred: &'a Inferred, model: &str, name: &str) -> &'a Field {
        let m = &inferred.models.iter().find(|(n, _)| n == model).unwrap().1;
        m.fields.iter().find(|f| f.name == name).unwrap()
    }

    #[test]
    fn an_algo_orders_type_and_status_take_the_shared_enums() {
        // New-Algo-Order.md and the algo query pages: `algoType` is the request's AlgoType
        // (`CONDITIONAL`), `algoStatus` the values Event-Algo-Order-Update.md lists.
        let (_, got) = run(&[r#"{"algoId": 2146760, "algoType": "CONDITIONAL", "algoStatus": "NEW"}"#]);
        assert_eq!(field(&got, "Resp", "algoType").ty, "AlgoType");
        assert_eq!(field(&got, "Resp", "algoStatus").ty, "AlgoStatus");
    }

    #[test]
    fn fields_an_event_page_says_are_pushed_only_sometimes_are_optional() {
        // Event-Order-Update.md ("puhed" sic), Event-Algo-Order-Update.md, Event-Margin-Call.md,
        // PM Event-Futures-Order-update.md: a LIMIT order's update has no `AP`, an untriggered
        // algo order no `ap`, an isolated margin call no `cw`, an order without commission no `n`.
        let (_, got) = run(&[r#"{"AP": "7476.89", // Activation Price, only puhed with TRAILING_STOP_MARKET order
            "ap": "0.00000", // avg fill price in matching engine, only display when order is triggered
            "cw": "3.16812045", // Cross Wallet Balance. Only pushed with crossed position margin call
            "n": "0", // Commission, will not push if no commission
            "notionalCoef": 1.50, //user symbol bracket multiplier, only appears when user's symbol bracket is adjusted
            "d": 4, // Trailing Delta; This is only visible if the order was a trailing stop order.
            "F": "0.00000000", // Iceberg quantity; Will not be visible if not iceberg order
            "orderId": 12132343435, // Normal orderID after trigger if appliable, only have when the strategy is triggered
            "type": "MARKET", // Normal order type after trigger if appliable
            "q": "0.001"}"#]);
        for name in ["AP", "ap", "cw", "n", "notionalCoef", "d", "F", "orderId", "type"] {
            assert!(field(&got, "Resp", name).optional, "{name}");
        }
        assert!(!field(&got, "Resp", "q").optional);
    }

    #[test]
    fn ids_codes_timestamps_and_empty_strings() {
        let (_, got) = run(&[r#"{"orderId": "933256278426274426", "tranId": 1, "code": "200", "price": "1.5",
            "goodTillDate": 0, "T": 1589436922959, "E": 1589436922972, "count": 3, "tpOrderType": "",
            "activatePrice": "9020", // activation price, only return with TRAILING_STOP_MARKET order
            "totalWalletBalance": "1", // total wallet balance, only for USDT asset
            "accountType": "PM_3", //only for PM PRO SPAN
            "ok": true}"#]);
        let ty = |n: &str| field(&got, "Resp", n).ty.clone();
        assert_eq!(ty("orderId"), "STRING");
        assert_eq!(ty("tranId"), "LONG");
        assert_eq!(ty("code"), "STRING");
        assert_eq!(ty("price"), "DECIMAL");
        assert_eq!(ty("goodTillDate"), "TIMESTAMP");
        assert_eq!((ty("T"), ty("E")), ("TIMESTAMP".to_string(), "TIMESTAMP".to_string()));
        assert_eq!(ty("count"), "LONG");
        assert_eq!(ty("ok"), "BOOLEAN");
        let tp = field(&got, "Resp", "tpOrderType");
        assert_eq!((tp.ty.as_str(), tp.optional), ("STRING", true));
        assert!(field(&got, "Resp", "activatePrice").optional);
        assert!(!field(&got, "Resp", "price").optional);
        assert!(!field(&got, "Resp", "totalWalletBalance").optional);
        assert!(field(&got, "Resp", "accountType").optional);
    }

    #[test]
    fn a_field_missing_from_one_example_is_optional() {
        let (_, got) = run(&[r#"{"a": 1, "b": 2}"#, r#"{"a": 1}"#]);
        assert!(field(&got, "Resp", "b").optional);
        assert!(!field(&got, "Resp", "a").optional);
    }

    #[test]
    fn arrays_of_arrays_are_tuples_and_siblings_share_one() {
        let (shape, got) = run(&[r#"{"bids": [["4.0", // PRICE
            "431.0" // QTY
            ]], "asks": [["4.1", "12.0"]]}"#]);
        assert_eq!(shape, Shape { model: "Resp".into(), list: false });
        let bids = field(&got, "Resp", "bids");
        let asks = field(&got, "Resp", "asks");
        assert_eq!((bids.ty.as_str(), bids.list), ("RespBid", true));
        assert_eq!(asks.ty, "RespBid");
        let level = &got.models.iter().find(|(n, _)| n == "RespBid").unwrap().1;
        assert!(level.tuple);
        assert_eq!(
            level.fields.iter().map(|f| (f.name.as_str(), f.ty.as_str())).collect::<Vec<_>>(),
            [("price", "DECIMAL"), ("qty", "DECIMAL")]
        );
        assert_eq!(got.models.len(), 2);

        let (shape, got) = run(&["[[1591256400000, // Open time\n \"9653.69\", // Close (or latest price)\n 7]]"]);
        assert_eq!(shape, Shape { model: "Resp".into(), list: true });
        let kline = &got.models[0].1;
        assert!(kline.tuple);
        assert_eq!(
            kline.fields.iter().map(|f| (f.name.as_str(), f.ty.as_str())).collect::<Vec<_>>(),
            [("openTime", "TIMESTAMP"), ("close", "DECIMAL"), ("field2", "LONG")]
        );
    }

    #[test]
    fn empty_object_is_a_model_without_fields() {
        let (shape, got) = run(&["{}"]);
        assert_eq!(shape.model, "Resp");
        assert!(got.models[0].1.fields.is_empty());
    }

    #[test]
    fn shared_concepts_become_the_shared_enum() {
        let (_, got) = run(&[r#"{"type": "PRE_MARKET", "status": "TRADING", "side": "SELL"}"#]);
        assert_eq!(
            (field(&got, "Resp", "type").ty.as_str(), field(&got, "Resp", "status").ty.as_str()),
            ("STRING", "STRING")
        );
        assert_eq!(field(&got, "Resp", "side").ty, "OrderSide");
        let (_, got) = run(&[
            r#"{"orderId": 1, "side": "BUY", "origType": "LIMIT", "type": "MARKET", "orderStatus": "SUCCESS", // PROCESS/ACCEPT_SUCCESS/SUCCESS/FAIL
            "symbol": "BTCUSDT"}"#,
        ]);
        assert_eq!(field(&got, "Resp", "side").ty, "OrderSide");
        assert_eq!(field(&got, "Resp", "origType").ty, "OrderType");
        assert_eq!(field(&got, "Resp", "type").ty, "OrderType");
        assert_eq!(field(&got, "Resp", "symbol").ty, "STRING");
        let order_type = &got.enums.iter().find(|(n, _)| n == "OrderType").unwrap().1;
        assert_eq!(order_type.values.iter().map(EnumValue::value).collect::<Vec<_>>(), ["LIMIT", "MARKET"]);
        let status = field(&got, "Resp", "orderStatus");
        let values = &got.enums.iter().find(|(n, _)| *n == status.ty).unwrap().1.values;
        assert_eq!(values.len(), 4);
    }
}
