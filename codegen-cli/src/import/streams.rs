//! Stream and event pages → market streams and user-data events with their payload models.
//!
//! A page with a "Stream Name" section is a market stream; a page with an "Event Name"
//! section (or titled "Event: …") is a user-data event. The payload model is inferred from the
//! response example like a REST response (same type rules, same shared enums), except for the
//! names: stream payloads use one-letter keys (`"E"`) explained only by the example's comments
//! (`// Event time`), so a short key is named after its comment (`event_time`, Rust name) and
//! keeps its wire key. A short key whose comment names nothing usable keeps its wire name.

use super::infer::infer;
use super::lenient_json::Json;
use super::naming;
use super::page::{self, Block, Page, SectionKind};
use super::sections::{examples, prose};
use crate::ast::{Enum, MarketStream, Model, UserDataEvent};
use heck::{ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What a stream or event page defines.
#[derive(Debug, Clone, PartialEq)]
pub enum Defined {
    /// A market stream under its stable snake_case name.
    Market(String, MarketStream),
    /// A user-data event under its event type (`ACCOUNT_UPDATE`).
    Event(String, UserDataEvent),
}

/// One stream or event page, read.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedStream {
    /// The stream or event.
    pub defined: Defined,
    /// The payload model first, then nested ones.
    pub models: Vec<(String, Model)>,
    /// Enums of payload fields.
    pub enums: Vec<(String, Enum)>,
    /// Things the importer could only guess.
    pub warnings: Vec<String>,
}

/// Keys this short or shorter are abbreviations named after their comment.
const SHORT_KEY: usize = 3;
/// A comment longer than this many words is a sentence, not a name: cut to this many.
const MAX_NAME_WORDS: usize = 5;

/// Reads `text` when it is a stream or event page: `None` for any other page, an error (the
/// page, what is missing) when it is one but cannot be read.
pub fn import(page_path: &Path, text: &str) -> Option<Result<ImportedStream, String>> {
    let page = page::split(text)?;
    let has = |w: &str| page.sections.iter().any(|s| s.heading.to_ascii_lowercase().contains(w));
    let is_market = has("stream name");
    let is_event = !is_market && (has("event name") || page.h1.to_ascii_lowercase().starts_with("event"));
    if !(is_market || is_event) || page.section(SectionKind::Http).is_some() {
        return None;
    }
    Some(read(page_path, &page, is_market))
}

fn read(page_path: &Path, page: &Page, is_market: bool) -> Result<ImportedStream, String> {
    let at = page_path.display();
    let docs = page.docs_url.clone().ok_or_else(|| format!("{at}: no source_url in the front matter"))?;
    let response = page
        .section(SectionKind::Response)
        .ok_or_else(|| format!("{at}: no Response Example section; a stream page needs a payload example"))?;
    let mut warnings = Vec::new();
    let (examples, bodies) = examples(page_path, response, false, &mut warnings).map_err(|e| e.to_string())?;
    let mut notes = Vec::new();
    let description = page
        .sections
        .iter()
        .find(|s| s.heading.to_ascii_lowercase().ends_with("description"))
        .and_then(|s| prose(s, &mut notes));
    let slug = docs.rsplit('/').next().unwrap_or_default().to_string();
    let (defined_name, payload) = if is_market {
        let name = naming::snake_ident(
            slug.trim_end_matches("-Streams").trim_end_matches("-Stream").trim_end_matches("-Streams-RPI"),
        );
        let name = if slug.ends_with("-RPI") { format!("{}_rpi", name.trim_end_matches("_rpi")) } else { name };
        let payload = format!("{}Event", name.to_upper_camel_case());
        (name, payload)
    } else {
        let event_type = event_type(page, &bodies, &mut warnings).ok_or_else(|| {
            format!("{at}: no Event Name section and no `\"e\"` in the example; cannot name the event")
        })?;
        let payload = format!("{}Event", naming::type_name(&event_type));
        (event_type, payload)
    };
    let mut bodies = bodies;
    let renames = name_short_keys(&mut bodies, &mut warnings);
    let refs: Vec<&Json> = bodies.iter().collect();
    let (shape, mut inferred) = infer(&payload, &refs);
    for (_, m) in &mut inferred.models {
        for f in &mut m.fields {
            if let Some(wire) = renames.get(&f.name) {
                f.rust_name = Some(naming::snake_ident(&f.name));
                f.name = wire.clone();
            }
        }
    }
    warnings.extend(inferred.warnings);
    listed_values(page, &mut inferred.models, &mut inferred.enums);
    commented_concepts(&bodies, &renames, &mut inferred.models, &mut inferred.enums);
    let defined = if is_market {
        let names = stream_names(page).ok_or_else(|| format!("{at}: the Stream Name section names no stream"))?;
        let update_speed = page
            .sections
            .iter()
            .find(|s| s.heading.to_ascii_lowercase().contains("update speed"))
            .and_then(|s| prose(s, &mut Vec::new()))
            .map(|s| s.replace("**", "").split_whitespace().collect::<Vec<_>>().join(" "));
        Defined::Market(
            defined_name,
            MarketStream {
                title: page.h1.clone(),
                description,
                docs,
                names,
                update_speed,
                payload: shape.model,
                payload_list: shape.list,
                examples,
            },
        )
    } else {
        Defined::Event(
            defined_name,
            UserDataEvent { title: page.h1.clone(), description, docs, payload: shape.model, examples },
        )
    };
    Ok(ImportedStream { defined, models: inferred.models, enums: inferred.enums, warnings })
}

/// The value lists of a page (`**Order Type**` over `* MARKET`, `* CALCULATED - Liquidation
/// Execution`): when the bold title names a shared enum (`Order Type` → `OrderType`, `Side` →
/// `OrderSide`, see [`naming::shared_enum_titled`]), its upper-case values join that enum (after
/// the values the examples send), and a STRING field whose comment is that title
/// (`"X": "NEW", // Order Status`) takes the enum. Lists of other titles are left alone.
fn listed_values(page: &Page, models: &mut [(String, Model)], enums: &mut Vec<(String, Enum)>) {
    let mut lists: Vec<(String, &'static str, Vec<String>)> = Vec::new();
    let mut open = false;
    for line in page.sections.iter().flat_map(|s| &s.lines) {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(item) = t.strip_prefix("* ").or_else(|| t.strip_prefix("- ")) {
            // `* MARKET`, `* CALCULATED - Liquidation Execution`, `` * `NEW`: This status … ``
            let word = item.split_whitespace().next().unwrap_or_default().trim_end_matches(':').trim_matches('`');
            let upper = word.len() >= 2
                && word.starts_with(|c: char| c.is_ascii_uppercase())
                && word.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            match lists.last_mut() {
                Some((_, _, values)) if open && upper => values.push(word.to_string()),
                _ => open = false,
            }
            continue;
        }
        let title = t.strip_prefix("**").and_then(|r| r.strip_suffix("**")).map(str::trim);
        match title.and_then(|title| Some((title, naming::shared_enum_titled(title)?))) {
            Some((title, e)) => {
                lists.push((title.to_string(), e, Vec::new()));
                open = true;
            }
            None => open = false,
        }
    }
    for (title, name, values) in lists.into_iter().filter(|(_, _, v)| !v.is_empty()) {
        super::params::add_enum(enums, name, values);
        for f in models.iter_mut().flat_map(|(_, m)| m.fields.iter_mut()) {
            if f.ty == "STRING" && f.doc.as_deref().is_some_and(|d| d.trim().eq_ignore_ascii_case(&title)) {
                f.ty = name.to_string();
            }
        }
    }
}

/// Comments of one-letter keys that name a concept a shared enum types everywhere else
/// (`"wt": "CONTRACT_PRICE", // Stop Price Working Type`).
const COMMENTED_CONCEPTS: &[(&str, &str)] = &[
    ("working type", "WorkingType"),
    ("stop price working type", "WorkingType"),
    ("order type", "OrderType"),
    ("original order type", "OrderType"),
    ("stp mode", "SelfTradePreventionMode"),
    ("price match mode", "PriceMatch"),
];

/// A STRING field whose comment is one of [`COMMENTED_CONCEPTS`] takes that shared enum when
/// every value the examples send for its key (by its renamed key in `bodies`) is a wire value
/// (`EXPIRE_TAKER`, not `""`); the values join the enum.
fn commented_concepts(
    bodies: &[Json],
    renames: &BTreeMap<String, String>,
    models: &mut [(String, Model)],
    enums: &mut Vec<(String, Enum)>,
) {
    fn sent(json: &Json, key: &str, out: &mut Vec<String>, other: &mut bool) {
        match json {
            Json::Object(members) => {
                for m in members {
                    match &m.value {
                        Json::String(v) if m.key == key => out.push(v.clone()),
                        Json::Object(_) | Json::Array(..) => {}
                        _ if m.key == key => *other = true,
                        _ => {}
                    }
                    sent(&m.value, key, out, other);
                }
            }
            Json::Array(items, _) => items.iter().for_each(|i| sent(i, key, out, other)),
            _ => {}
        }
    }
    for f in models.iter_mut().flat_map(|(_, m)| m.fields.iter_mut()).filter(|f| f.ty == "STRING") {
        let Some(doc) = f.doc.as_deref().map(|d| d.trim().to_ascii_lowercase()) else { continue };
        let Some((_, name)) = COMMENTED_CONCEPTS.iter().find(|(c, _)| *c == doc) else { continue };
        // The examples' keys were renamed (`wt` → `stopPriceWorkingType`) before inference.
        let key = renames.iter().find(|(_, wire)| **wire == f.name).map_or(f.name.as_str(), |(k, _)| k.as_str());
        let (mut values, mut other) = (Vec::new(), false);
        for body in bodies {
            sent(body, key, &mut values, &mut other);
        }
        if other || values.is_empty() || !values.iter().all(|v| super::enums_from_text::is_wire_value(v)) {
            continue;
        }
        super::params::add_enum(enums, name, values);
        f.ty = name.to_string();
    }
}

/// The event type as sent: the first example's `"e"` (the wire value the decoder matches),
/// else the Event Name section's code span. A section naming another value is reported: the
/// pages sometimes give the constant's name (`RISK_LEVEL_CHANGE`) for `"e": "riskLevelChange"`.
fn event_type(page: &Page, bodies: &[Json], warnings: &mut Vec<String>) -> Option<String> {
    let from_section = page
        .sections
        .iter()
        .find(|s| s.heading.to_ascii_lowercase().contains("event name"))
        .and_then(|s| code_spans(s).into_iter().next());
    let sent = bodies.iter().find_map(|b| match b.get("e") {
        Some(Json::String(s)) => Some(s.clone()),
        _ => None,
    });
    if let (Some(named), Some(sent)) = (&from_section, &sent) {
        if named != sent {
            warnings.push(format!(
                "the Event Name section says `{named}` but the example sends `\"e\": \"{sent}\"`; using `{sent}`"
            ));
        }
    }
    sent.or(from_section)
}

/// The `…` spans of a section's prose, in order.
fn code_spans(s: &page::Section) -> Vec<String> {
    let mut out = Vec::new();
    for b in page::blocks(&s.lines) {
        let (Block::Text(t) | Block::Quote(t) | Block::Code(t)) = b;
        out.extend(t.split('`').skip(1).step_by(2).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()));
    }
    out
}

/// The stream name patterns of the Stream Name section (`<symbol>@depth`, …): code spans that
/// look like stream names, or that stand alone on their line (`tradingSession`); a code span
/// inside a note's sentence (`q`) is not one.
fn stream_names(page: &Page) -> Option<Vec<String>> {
    let s = page.sections.iter().find(|s| s.heading.to_ascii_lowercase().contains("stream name"))?;
    let mut names = Vec::new();
    for b in page::blocks(&s.lines) {
        let Block::Text(line) = b else { continue };
        let spans: Vec<String> =
            line.split('`').skip(1).step_by(2).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        let alone = spans.len() == 1 && line.trim().trim_end_matches('.').trim_matches('`').trim() == spans[0];
        for span in spans {
            let looks_like_name = span.contains('@') || span.starts_with('!') || span.contains('<');
            if !span.contains(' ') && (looks_like_name || alone) && !names.contains(&span) {
                names.push(span);
            }
        }
    }
    (!names.is_empty()).then_some(names)
}

/// Renames every short key of the bodies' objects to the camelCase name its comment gives,
/// and returns new name → wire key. Keys are named per place (the path of wire keys to their
/// object), so every element of an array gets the name the commented first element has. A name
/// is used for one wire key only, and never when it is also a key of the page as written (the
/// two could not be told apart afterwards).
fn name_short_keys(bodies: &mut [Json], warnings: &mut Vec<String>) -> BTreeMap<String, String> {
    let mut written = BTreeSet::new();
    for b in bodies.iter() {
        all_keys(b, &mut written);
    }
    let mut plan = Plan { written, renames: BTreeMap::new(), at: BTreeMap::new() };
    for b in bodies.iter() {
        plan.collect(b, "", warnings);
    }
    for b in bodies.iter_mut() {
        plan.apply(b, "");
    }
    plan.renames
}

/// Which key gets which name where.
struct Plan {
    /// Every key of the page as written.
    written: BTreeSet<String>,
    /// New name → wire key.
    renames: BTreeMap<String, String>,
    /// `path/key` → new name.
    at: BTreeMap<String, String>,
}

impl Plan {
    fn collect(&mut self, json: &Json, path: &str, warnings: &mut Vec<String>) {
        match json {
            Json::Object(members) => {
                for m in members {
                    let here = format!("{path}/{}", m.key);
                    self.collect(&m.value, &here, warnings);
                    if m.key.chars().count() > SHORT_KEY || self.at.contains_key(&here) {
                        continue;
                    }
                    let Some(name) = m.comments.first().and_then(|c| name_from_comment(c)) else { continue };
                    let taken_by_other = self.renames.get(&name).is_some_and(|wire| *wire != m.key);
                    let sibling =
                        self.at.iter().any(|(p, n)| *n == name && p.rsplit_once('/').map(|(d, _)| d) == Some(path));
                    if self.written.contains(&name) || taken_by_other || sibling {
                        warnings.push(format!(
                            "payload key `{}`: its comment names it `{name}`, which another key has; kept as `{}` \
                             (name it with `rust_name` in the overrides)",
                            m.key, m.key
                        ));
                        continue;
                    }
                    self.renames.insert(name.clone(), m.key.clone());
                    self.at.insert(here, name);
                }
            }
            Json::Array(items, _) => items.iter().for_each(|i| self.collect(i, &format!("{path}[]"), warnings)),
            _ => {}
        }
    }

    fn apply(&self, json: &mut Json, path: &str) {
        match json {
            Json::Object(members) => {
                for m in members.iter_mut() {
                    let here = format!("{path}/{}", m.key);
                    self.apply(&mut m.value, &here);
                    if let Some(name) = self.at.get(&here) {
                        m.key = name.clone();
                    }
                }
            }
            Json::Array(items, _) => items.iter_mut().for_each(|i| self.apply(i, &format!("{path}[]"))),
            _ => {}
        }
    }
}

fn all_keys(json: &Json, out: &mut BTreeSet<String>) {
    match json {
        Json::Object(members) => {
            for m in members {
                out.insert(m.key.clone());
                all_keys(&m.value, out);
            }
        }
        Json::Array(items, _) => items.iter().for_each(|i| all_keys(i, out)),
        _ => {}
    }
}

/// `Event time` → `eventTime`; `Is the buyer the market maker?` → `isBuyerMarketMaker`;
/// `Cross Wallet Balance. Only pushed with …` → `crossWalletBalance`. `None` when the comment
/// is no name: empty, `ignore`, a list of enum values, or not starting with a letter.
fn name_from_comment(comment: &str) -> Option<String> {
    let mut text = comment.trim();
    for stop in [".", ",", ";", "(", "，", "?", ":", " - ", " to be ", " with ", " without ", " except ", " only "] {
        if let Some(i) = text.find(stop) {
            text = &text[..i];
        }
    }
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !matches!(w.to_ascii_lowercase().as_str(), "the" | "a" | "an"))
        .take(MAX_NAME_WORDS)
        .collect();
    let first = words.first()?;
    let raw_first = text.split_whitespace().next().unwrap_or_default();
    let is_enum_value = raw_first.contains('_') && raw_first.chars().all(|c| c.is_ascii_uppercase() || c == '_');
    if is_enum_value || !first.starts_with(|c: char| c.is_ascii_alphabetic()) || first.eq_ignore_ascii_case("ignore") {
        return None;
    }
    let name = words.iter().map(|w| w.to_ascii_lowercase()).collect::<Vec<_>>().join(" ").to_lower_camel_case();
    // A one-word comment repeating a wire key's own meaning is fine; an empty one is not.
    (!name.is_empty() && name.to_snake_case() != "n").then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_become_names() {
        assert_eq!(name_from_comment("Event time").as_deref(), Some("eventTime"));
        assert_eq!(name_from_comment("Is the buyer the market maker?").as_deref(), Some("isBuyerMarketMaker"));
        assert_eq!(
            name_from_comment("Cross Wallet Balance. Only pushed with crossed position margin call").as_deref(),
            Some("crossWalletBalance")
        );
        assert_eq!(name_from_comment("Bids to be updated").as_deref(), Some("bids"));
        assert_eq!(name_from_comment("ignore"), None);
        assert_eq!(name_from_comment("MARGIN_CALL, REDUCE_ONLY"), None);
        assert_eq!(name_from_comment(""), None);
    }

    const AGG_TRADE: &str = "---\nsource_url: https://x/websocket-market-streams/Aggregate-Trade-Streams\n---\n\n\
        # Aggregate Trade Streams\n\n## Stream Description\n\nTrades.\n\n## Stream Name\n\n`<symbol>@aggTrade`\n\n\
        ## Update Speed\n\n**100ms**\n\n## Response Example\n\n    {\n      \"e\": \"aggTrade\",  // Event type\n      \
        \"E\": 123456789,   // Event time\n      \"a\": 5933014, // Aggregate trade ID\n      \"p\": \"0.001\", // Price\n      \
        \"m\": true // Is the buyer the market maker?\n    }\n";

    #[test]
    fn a_market_stream_page_gives_named_wire_keys() {
        let Some(Ok(s)) = import(Path::new("p.md"), AGG_TRADE) else { panic!("not imported") };
        let Defined::Market(name, stream) = &s.defined else { panic!("not a market stream") };
        assert_eq!(name, "aggregate_trade");
        assert_eq!(stream.names, ["<symbol>@aggTrade"]);
        assert_eq!(stream.update_speed.as_deref(), Some("100ms"));
        let (model, m) = &s.models[0];
        assert_eq!(model, "AggregateTradeEvent");
        let f = |wire: &str| m.fields.iter().find(|f| f.name == wire).map(|f| (f.rust_name.clone(), f.ty.clone()));
        assert_eq!(f("E"), Some((Some("event_time".into()), "TIMESTAMP".into())));
        assert_eq!(f("a"), Some((Some("aggregate_trade_id".into()), "LONG".into())));
        assert_eq!(f("p"), Some((Some("price".into()), "DECIMAL".into())));
    }

    #[test]
    fn value_lists_of_an_event_page_extend_the_shared_enums() {
        // Event-Order-Update: "**Order Type**" / "**Order Status**" over bullet lists are the
        // values `o` and `X` take; the example alone shows one value of each.
        let text = "---\nsource_url: https://x/user-data-streams/Event-Order-Update\n---\n\n# Event: Order Update\n\n\
            ## Event Description\n\nWhen new order created.\n\n**Side**\n\n  * BUY\n  * SELL\n\n\n\n\
            **Order Type**\n\n  * LIMIT\n  * MARKET\n  * STOP_MARKET\n\n\n\n\
            **Execution Type**\n\n  * NEW\n  * CALCULATED - Liquidation Execution\n\n\n\n\
            **Order Status**\n\n  * NEW\n  * PARTIALLY_FILLED\n  * FILLED\n\n\n\n\
            **Liquidation and ADL:**\n\n  * If user gets liquidated due to insufficient margin balance:\n\n\
            ## Event Name\n\n`ORDER_TRADE_UPDATE`\n\n## Response Example\n\n    {\n      \
            \"e\": \"ORDER_TRADE_UPDATE\",  // Event type\n      \"S\": \"SELL\",  // Side\n      \
            \"o\": \"TRAILING_STOP_MARKET\",  // Order Type\n      \"x\": \"NEW\",  // Execution Type\n      \
            \"X\": \"NEW\"  // Order Status\n    }\n";
        let Some(Ok(s)) = import(Path::new("p.md"), text) else { panic!("not imported") };
        let values = |name: &str| -> Vec<String> {
            let e = &s.enums.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no enum {name}")).1;
            e.values.iter().map(|v| v.value().to_string()).collect()
        };
        assert_eq!(values("OrderType"), ["LIMIT", "MARKET", "STOP_MARKET"]);
        assert_eq!(values("OrderStatus"), ["NEW", "PARTIALLY_FILLED", "FILLED"]);
        assert_eq!(values("OrderSide"), ["SELL", "BUY"]);
        let (_, m) = &s.models[0];
        let ty = |wire: &str| m.fields.iter().find(|f| f.name == wire).map(|f| f.ty.clone()).unwrap();
        assert_eq!(ty("S"), "OrderSide");
        assert_eq!(ty("o"), "OrderType");
        assert_eq!(ty("X"), "OrderStatus");
        // A list that names no shared enum changes nothing.
        assert_eq!(ty("x"), "STRING");
        assert!(!s.enums.iter().any(|(n, _)| n == "ExecutionType"));
    }

    #[test]
    fn a_value_list_of_code_spans_with_explanations_extends_the_shared_enum() {
        // Event-Algo-Order-Update: "**Algo Status**" over "* `NEW`: This status indicates …".
        let text = "---\nsource_url: https://x/user-data-streams/Event-Algo-Order-Update\n---\n\n# Event: Algo Order Update\n\n\
            ## Event Description\n\nWhen new algo order created.\n\n**Algo Status**\n\n\
            \x20 * `NEW`: This status indicates that the order was placed.\n\
            \x20 * `TRIGGERING`: This status suggests that the order has met the triggering condition.\n\
            \x20 * `EXPIRED`: This status denotes that the order has been canceled by the system.\n\n\n\n\
            ## Event Name\n\n`ALGO_UPDATE`\n\n## Response Example\n\n    {\n      \
            \"e\": \"ALGO_UPDATE\",  // Event type\n      \"X\": \"NEW\"  // Algo status\n    }\n";
        let Some(Ok(s)) = import(Path::new("p.md"), text) else { panic!("not imported") };
        let e = &s.enums.iter().find(|(n, _)| n == "AlgoStatus").expect("no enum AlgoStatus").1;
        let values: Vec<&str> = e.values.iter().map(|v| v.value()).collect();
        assert_eq!(values, ["NEW", "TRIGGERING", "EXPIRED"]);
        let (_, m) = &s.models[0];
        assert_eq!(m.fields.iter().find(|f| f.name == "X").unwrap().ty, "AlgoStatus");
    }

    #[test]
    fn fields_whose_comment_names_a_shared_concept_take_its_enum() {
        // Event-Order-Update: `wt`, `ot`, `V` and `pm` are what WorkingType, OrderType,
        // SelfTradePreventionMode and PriceMatch type everywhere else.
        let text = "---\nsource_url: https://x/user-data-streams/Event-Order-Update\n---\n\n# Event: Order Update\n\n\
            ## Event Description\n\nWhen new order created.\n\n## Event Name\n\n`ORDER_TRADE_UPDATE`\n\n\
            ## Response Example\n\n    {\n      \"e\": \"ORDER_TRADE_UPDATE\",  // Event type\n      \
            \"wt\": \"CONTRACT_PRICE\",  // Stop Price Working Type\n      \
            \"ot\": \"TRAILING_STOP_MARKET\",  // Original Order Type\n      \
            \"V\": \"EXPIRE_TAKER\",  // STP mode\n      \"pm\": \"OPPONENT\",  // Price match mode\n      \
            \"c\": \"TEST\"  // Client Order Id\n    }\n";
        let Some(Ok(s)) = import(Path::new("p.md"), text) else { panic!("not imported") };
        let (_, m) = &s.models[0];
        let ty = |wire: &str| m.fields.iter().find(|f| f.name == wire).map(|f| f.ty.clone()).unwrap();
        assert_eq!(ty("wt"), "WorkingType");
        assert_eq!(ty("ot"), "OrderType");
        assert_eq!(ty("V"), "SelfTradePreventionMode");
        assert_eq!(ty("pm"), "PriceMatch");
        assert_eq!(ty("c"), "STRING");
        let values = |name: &str| -> Vec<String> {
            let e = &s.enums.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no enum {name}")).1;
            e.values.iter().map(|v| v.value().to_string()).collect()
        };
        assert_eq!(values("PriceMatch"), ["OPPONENT"]);
    }

    #[test]
    fn an_event_page_without_an_example_is_a_clear_error() {
        let text = "---\nsource_url: https://x/user-data-streams/Event-X\n---\n\n# Event: X\n\n## Event Name\n\n`X`\n";
        let Some(Err(e)) = import(Path::new("p.md"), text) else { panic!("expected an error") };
        assert!(e.contains("p.md") && e.contains("Response Example"), "{e}");
    }

    #[test]
    fn endpoint_pages_are_not_stream_pages() {
        let text = "---\nsource_url: https://x/y/Z\n---\n\n# Z\n\n## HTTP Request\n\nGET `/z`\n";
        assert!(import(Path::new("p.md"), text).is_none());
    }
}
