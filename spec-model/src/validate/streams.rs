//! Checks of the `streams:` part: names, patterns and payload models.

use super::{Checker, Declared};
use crate::ast;
use crate::ir::streams as ir;
use crate::names;
use std::collections::HashSet;

/// The validated streams and events; problems go to the checker.
pub(super) fn check_streams(c: &mut Checker<'_>, s: &ast::Streams, declared: &Declared<'_>) -> ir::Streams {
    let mut types: HashSet<String> = HashSet::new();
    let mut market = Vec::new();
    for (name, stream) in &s.market {
        let at = format!("streams.market.{name}");
        if !names::is_snake_case(name) {
            c.error(&at, format!("stream name `{name}` is not snake_case"), Some("e.g. `aggregate_trade`".into()));
        }
        check_payload(c, &at, &stream.payload, declared);
        if stream.names.is_empty() {
            c.error(&format!("{at}.names"), "the stream has no name pattern", Some("e.g. `<symbol>@aggTrade`".into()));
        }
        let base = names::type_name(name);
        let mut patterns = Vec::new();
        for (i, pattern) in stream.names.iter().enumerate() {
            let Some(params) = placeholders(pattern) else {
                c.error(
                    &format!("{at}.names[{i}]"),
                    format!("`{pattern}` is not a stream name pattern"),
                    Some("write placeholders as `<name>` with letters only, e.g. `<symbol>@kline_<interval>`".into()),
                );
                continue;
            };
            let type_name = pattern_type(&base, stream.names.first().map_or("", String::as_str), pattern, i);
            // Descriptors live in the product's `streams` module: only they can clash.
            if !types.insert(type_name.clone()) || type_name == "UserDataEvent" {
                c.error(
                    &format!("{at}.names[{i}]"),
                    format!("the descriptor type `{type_name}` of `{pattern}` is taken by another stream"),
                    Some("rename the stream".into()),
                );
            }
            patterns.push(ir::StreamPattern { pattern: pattern.clone(), type_name, params });
        }
        market.push(ir::MarketStream {
            name: name.clone(),
            title: stream.title.clone(),
            description: stream.description.clone(),
            docs: stream.docs.clone(),
            patterns,
            update_speed: stream.update_speed.clone(),
            payload: stream.payload.clone(),
            payload_list: stream.payload_list,
            examples: stream.examples.iter().map(|e| e.json.clone()).collect(),
        });
    }
    let mut variants: HashSet<String> = HashSet::new();
    let mut events = Vec::new();
    for (event_type, event) in &s.events {
        let at = format!("streams.events.{event_type}");
        check_payload(c, &at, &event.payload, declared);
        let variant = names::type_name(event_type);
        if variant == "Unknown" || !variants.insert(variant.clone()) {
            c.error(
                &at,
                format!("event type `{event_type}` gives the variant `{variant}`, which is taken"),
                Some("each event type needs its own variant name".into()),
            );
        }
        events.push(ir::UserDataEvent {
            event_type: event_type.clone(),
            variant,
            title: event.title.clone(),
            description: event.description.clone(),
            docs: event.docs.clone(),
            payload: event.payload.clone(),
            examples: event.examples.iter().map(|e| e.json.clone()).collect(),
        });
    }
    ir::Streams { market, events }
}

fn check_payload(c: &mut Checker<'_>, at: &str, payload: &str, declared: &Declared<'_>) {
    if !declared.is_model(payload) {
        c.error(
            &format!("{at}.payload"),
            format!("payload model `{payload}` is not defined"),
            Some("add it under `models:`".into()),
        );
    }
}

/// The placeholders of `pattern` as snake_case names, or `None` when a `<` is not closed or a
/// placeholder is not letters.
fn placeholders(pattern: &str) -> Option<Vec<String>> {
    if pattern.is_empty() || pattern.contains(char::is_whitespace) {
        return None;
    }
    let mut out = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>')?;
        let name = &after[..end];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        out.push(names::field_name(name));
        rest = &after[end + 1..];
    }
    (!rest.contains('>')).then_some(out)
}

/// The descriptor type of pattern `i`: the stream's type for the first, else the stream's type
/// plus what the pattern adds to the first (`@500ms` → `DiffBookDepth500ms`), else a number.
fn pattern_type(base: &str, first: &str, pattern: &str, i: usize) -> String {
    if i == 0 {
        return base.to_string();
    }
    let suffix: String = pattern
        .strip_prefix(first)
        .unwrap_or_default()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next().map(|f| f.to_ascii_uppercase().to_string() + cs.as_str()).unwrap_or_default()
        })
        .collect();
    if suffix.is_empty() {
        format!("{base}{}", i + 1)
    } else {
        format!("{base}{suffix}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_read_and_bad_patterns_refused() {
        assert_eq!(placeholders("<symbol>@kline_<interval>"), Some(vec!["symbol".into(), "interval".into()]));
        assert_eq!(placeholders("!bookTicker"), Some(vec![]));
        assert_eq!(placeholders("<symbol@depth"), None);
        assert_eq!(placeholders("<sym bol>@x"), None);
        assert_eq!(placeholders("<1>@x"), None);
    }

    #[test]
    fn later_patterns_are_named_by_what_they_add() {
        assert_eq!(pattern_type("Depth", "<symbol>@depth", "<symbol>@depth@500ms", 1), "Depth500ms");
        assert_eq!(pattern_type("Depth", "<symbol>@depth", "<symbol>@depth", 0), "Depth");
        assert_eq!(pattern_type("Depth", "<symbol>@depth", "!other", 2), "Depth3");
    }
}
