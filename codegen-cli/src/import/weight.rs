//! Request weight from the forms the pages write it in:
//!
//! - a number, bold or not: `**5**`, `**50(IP)**`, `1`;
//! - order counters next to the IP weight, in English ("1 on 10s order rate
//!   limit(X-MBX-ORDER-COUNT-10S); … 0 on IP rate limit(x-mbx-used-weight-1m)") or Chinese
//!   ("…(X-MBX-ORDER-COUNT-10S)为1 … IP rate limit(…)为0");
//! - values that depend on a parameter being sent, in prose or bullets ("**1** for a single
//!   symbol; **40** when the symbol parameter is omitted", "带symbol **1** ; 不带**40**");
//! - a table keyed by a parameter's value (`limit`: `5, 10, 20, 50| 2`, `[1,100)| 1`,
//!   `> 1000| 10`);
//! - a `(UID)` or `(Order)` kind in the heading.

use crate::ast::{OrderCount, Param, Weight, WeightRule};

/// What the weight heading says the weight counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadingKind {
    /// IP weight (the default).
    Ip,
    /// UID weight.
    Uid,
    /// The account's order count (`Request Weight(Order)`).
    Order,
}

impl HeadingKind {
    /// The kind a weight heading names, e.g. `Request Weight(UID)`.
    pub fn of(heading: &str) -> HeadingKind {
        let h = heading.to_ascii_uppercase();
        if h.contains("UID") {
            HeadingKind::Uid
        } else if h.contains("(ORDER)") || h.contains("（ORDER）") {
            HeadingKind::Order
        } else {
            HeadingKind::Ip
        }
    }
}

/// Reads the weight from the section's `lines`; `None` when they hold no weight number.
pub fn parse(kind: HeadingKind, lines: &[String], params: &[Param], warnings: &mut Vec<String>) -> Option<Weight> {
    // Runs of spaces (a no-break space next to a space) count as one.
    let text: String = lines
        .iter()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let base_kind = if kind == HeadingKind::Uid || text.contains("(UID)") { "UID" } else { "IP" };
    let weight = |value: i64, rules: Vec<WeightRule>, orders: Vec<OrderCount>| Weight {
        kind: base_kind.to_string(),
        value,
        rules,
        orders,
    };
    if let Some((value, rules)) = limit_table(lines, params) {
        return Some(weight(value, rules, Vec::new()));
    }
    let plain = text.replace(['*', '_', '`'], "");
    if let Some((value, orders)) = order_counters(&plain) {
        return Some(weight(value, Vec::new(), orders));
    }
    let numbers = numbers(&plain);
    if numbers.is_empty() {
        return None;
    }
    if kind == HeadingKind::Order {
        // "Request Weight(Order)": the request counts against the account's order limit
        // (Binance declares it per minute), not against the IP weight.
        let value = numbers[0].value;
        warnings.push(format!(
            "weight: `(Order)` weight {value} is counted against the 1-minute ORDERS limit with IP weight 0"
        ));
        let orders = vec![OrderCount { interval: "MINUTE".into(), interval_num: 1, value: value.max(0) as u32 }];
        return Some(weight(0, Vec::new(), orders));
    }
    if numbers.len() == 1 {
        return Some(weight(numbers[0].value, Vec::new(), Vec::new()));
    }
    let (value, rules) = conditional(&plain, &numbers, params, warnings);
    Some(weight(value, rules, Vec::new()))
}

/// A weight number and where it stands in the text with bold markers removed.
#[derive(Debug, Clone, Copy)]
struct Number {
    value: i64,
    start: usize,
    end: usize,
}

/// The weight numbers: every number standing alone in the text with `*`, `_` and backticks
/// removed, so `/fapi/v1`, `500/5min` or `x-mbx-used-weight-1m` in prose never count.
/// Offsets are into that text.
fn numbers(text: &str) -> Vec<Number> {
    let plain: String = text.chars().filter(|c| !matches!(c, '*' | '_' | '`')).collect();
    let mut out = Vec::new();
    let bytes = plain.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let before = plain[..start].chars().next_back();
            let after = plain[i..].chars().next();
            let glued = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '-'));
            if !glued(before) && !glued(after) {
                out.push(Number { value: plain[start..i].parse().unwrap_or(i64::MAX), start, end: i });
            }
        } else {
            i += 1;
        }
    }
    out
}

/// "1 on 10s order rate limit(X-MBX-ORDER-COUNT-10S); 1 on 1min order rate limit(…); 0 on IP
/// rate limit(x-mbx-used-weight-1m)" and the Chinese "…(X-MBX-ORDER-COUNT-10S)为1 …":
/// the IP weight (0 when not given) and the order counts.
fn order_counters(text: &str) -> Option<(i64, Vec<OrderCount>)> {
    let lower = text.to_ascii_lowercase();
    let mentions: Vec<(usize, usize)> = ["order rate limit", "ip rate limit"]
        .iter()
        .flat_map(|m| lower.match_indices(m).map(|(at, s)| (at, at + s.len())))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if mentions.is_empty() {
        return None;
    }
    let mut ip = None;
    let mut orders = Vec::new();
    let mut prev_end = 0;
    for (k, &(at, end)) in mentions.iter().enumerate() {
        let next_start = mentions.get(k + 1).map_or(lower.len(), |m| m.0);
        // The mention's own `(header)`, if any, ends the mention.
        let (header, after_header) = match lower[end..].trim_start().strip_prefix('(') {
            Some(rest) => match rest.find(')') {
                Some(close) => {
                    let consumed = lower.len() - rest.len() + close + 1;
                    (Some(&rest[..close]), consumed.min(next_start))
                }
                None => (None, end),
            },
            None => (None, end),
        };
        let before = &lower[prev_end..at];
        let after = &lower[after_header..next_start];
        let value = value_after(after).or_else(|| value_before(before));
        prev_end = after_header;
        let Some(value) = value else { continue };
        if lower[at..].starts_with("ip") {
            ip = Some(value);
            continue;
        }
        let window = header.and_then(window_of_header).or_else(|| window_before(before));
        if let Some((interval, interval_num)) = window {
            orders.push(OrderCount { interval: interval.into(), interval_num, value: value.max(0) as u32 });
        }
    }
    (ip.is_some() || !orders.is_empty()).then(|| (ip.unwrap_or(0), orders))
}

/// `为1`, `: 1`, `= 1` right after a mention.
fn value_after(after: &str) -> Option<i64> {
    let rest = after.trim_start().strip_prefix('为').or_else(|| after.trim_start().strip_prefix([':', '=', '：']))?;
    leading_int(rest.trim_start())
}

/// `1 on 10s ` before a mention: the last number followed by ` on`.
fn value_before(before: &str) -> Option<i64> {
    let at = before.rfind(" on ")?;
    let digits: String = before[..at].chars().rev().take_while(|c| c.is_ascii_digit()).collect();
    digits.chars().rev().collect::<String>().parse().ok()
}

fn leading_int(s: &str) -> Option<i64> {
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

/// `x-mbx-order-count-10s` → (SECOND, 10).
fn window_of_header(header: &str) -> Option<(&'static str, u32)> {
    let spec = header.trim().strip_prefix("x-mbx-order-count-")?;
    window(spec)
}

/// `… 10s ` or `… 1min ` just before "order rate limit".
fn window_before(before: &str) -> Option<(&'static str, u32)> {
    window(before.split_whitespace().next_back()?)
}

/// `10s` → (SECOND, 10); `1m`/`1min` → (MINUTE, 1); `1h`, `1d`.
fn window(spec: &str) -> Option<(&'static str, u32)> {
    let digits: String = spec.chars().take_while(|c| c.is_ascii_digit()).collect();
    let n: u32 = digits.parse().ok()?;
    let unit = match &spec[digits.len()..] {
        "s" | "sec" | "second" | "seconds" => "SECOND",
        "m" | "min" | "minute" | "minutes" => "MINUTE",
        "h" | "hour" | "hours" => "HOUR",
        "d" | "day" | "days" => "DAY",
        _ => return None,
    };
    Some((unit, n))
}

/// Words that say a parameter is *not* sent.
const OMITTED: &[&str] = &[
    "omit",
    "without",
    "not sent",
    "not send",
    "not provided",
    "no symbol",
    "absent",
    "不带",
    "不传",
    "未提供",
    "没有",
    "无",
];

/// Prose whose numbers each carry a condition, e.g. "1 for a single symbol; 40 when the symbol
/// parameter is omitted" (English: the condition follows the number) or "带symbol 1 ; 不带 40"
/// (Chinese: the condition precedes it). The value without parameters is the base; the others
/// become `if_present` rules.
fn conditional(text: &str, numbers: &[Number], params: &[Param], warnings: &mut Vec<String>) -> (i64, Vec<WeightRule>) {
    let chinese = text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let mut base = None;
    let mut rules: Vec<WeightRule> = Vec::new();
    let mut last_param: Option<String> = None;
    for (i, n) in numbers.iter().enumerate() {
        let condition = if chinese {
            let from = if i == 0 { 0 } else { numbers[i - 1].end };
            &text[from.min(n.start)..n.start]
        } else {
            let to = numbers.get(i + 1).map_or(text.len(), |m| m.start);
            &text[n.end..to.max(n.end)]
        };
        let lower = condition.to_lowercase();
        let param = named_param(condition, params).or_else(|| {
            // "带 / 不带" with the parameter named only once, in the first clause.
            (chinese && lower.contains('带')).then(|| last_param.clone()).flatten()
        });
        let omitted = OMITTED.iter().any(|o| lower.contains(o)) || lower.contains("if not") || lower.contains("not ");
        match param {
            Some(p) if !omitted => {
                last_param = Some(p.clone());
                if !rules.iter().any(|r| r.if_present == p) {
                    rules.push(WeightRule { if_present: p, at_most: None, value: n.value });
                }
            }
            Some(p) => {
                last_param = Some(p);
                base.get_or_insert(n.value);
            }
            None => {
                base.get_or_insert(n.value);
            }
        }
    }
    let value = match (base, rules.iter().map(|r| r.value).max()) {
        (Some(b), _) => b,
        (None, Some(max)) => {
            warnings.push(format!("weight: no value for the case without parameters; using the largest ({max})"));
            max
        }
        (None, None) => 0,
    };
    (value, rules)
}

/// The parameter a condition names: by its name as a whole word, or "single symbol" /
/// "交易对" for `symbol`.
fn named_param(condition: &str, params: &[Param]) -> Option<String> {
    if let Some(p) = params.iter().find(|p| mentions(condition, &p.name)) {
        return Some(p.name.clone());
    }
    let lower = condition.to_lowercase();
    let has_symbol = params.iter().any(|p| p.name == "symbol") || params.is_empty();
    (has_symbol && (lower.contains("symbol") || lower.contains("交易对"))).then(|| "symbol".to_string())
}

/// `clause` names `name` as a whole word.
fn mentions(clause: &str, name: &str) -> bool {
    !name.is_empty()
        && clause.match_indices(name).any(|(at, _)| {
            let before = clause[..at].chars().next_back();
            let after = clause[at + name.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphanumeric()) && !after.is_some_and(|c| c.is_ascii_alphanumeric())
        })
}

/// A table keyed by a parameter's value (`limit| weight`, `LIMIT| weight`): one rule per row
/// in ascending order, the open last row without `at_most`; the base value is the row of the
/// parameter's documented default, else the largest.
fn limit_table(lines: &[String], params: &[Param]) -> Option<(i64, Vec<WeightRule>)> {
    let mut rows = lines.iter().map(|l| l.trim()).filter(|l| l.contains('|'));
    let header = cells(rows.next()?);
    let key = header.first()?.trim_matches('`');
    let param = params.iter().find(|p| p.name.eq_ignore_ascii_case(key)).map(|p| p.name.clone()).or_else(|| {
        // The order book's table is headed `Limit` on a page whose parameter is `limit`.
        (key.eq_ignore_ascii_case("limit")).then(|| "limit".to_string())
    })?;
    let mut bounded: Vec<(u64, i64)> = Vec::new();
    let mut open: Option<i64> = None;
    for row in rows {
        let c = cells(row);
        if c.len() < 2 || c.iter().all(|x| x.chars().all(|ch| matches!(ch, '-' | ':' | ' '))) {
            continue;
        }
        let Some(value) = leading_int(c[1].trim_matches('*')) else { continue };
        match upper_bound(c[0]) {
            Some(Bound::AtMost(n)) => bounded.push((n, value)),
            Some(Bound::Open) => open = Some(value),
            None => return None,
        }
    }
    if bounded.is_empty() && open.is_none() {
        return None;
    }
    bounded.sort_by_key(|(n, _)| *n);
    let mut rules: Vec<WeightRule> =
        bounded.iter().map(|&(n, value)| WeightRule { if_present: param.clone(), at_most: Some(n), value }).collect();
    if let Some(value) = open {
        rules.push(WeightRule { if_present: param.clone(), at_most: None, value });
    }
    let default = params.iter().find(|p| p.name == param).and_then(|p| p.doc.as_deref()).and_then(default_of);
    let value = default
        .and_then(|d| rules.iter().find(|r| r.at_most.is_none_or(|n| d <= n)).map(|r| r.value))
        .or_else(|| rules.iter().map(|r| r.value).max())
        .unwrap_or(0);
    Some((value, rules))
}

fn cells(row: &str) -> Vec<&str> {
    row.trim().trim_matches('|').split('|').map(str::trim).collect()
}

enum Bound {
    AtMost(u64),
    Open,
}

/// `5, 10, 20, 50` → at most 50; `100` → 100; `[1,100)` → 99; `[500, 1000]` → 1000;
/// `> 1000` → open.
fn upper_bound(cell: &str) -> Option<Bound> {
    let c = cell.trim().trim_matches('`');
    if c.starts_with('>') || c.starts_with('≥') {
        return Some(Bound::Open);
    }
    if let Some(inner) = c.strip_prefix(['[', '(']) {
        let closed = inner.ends_with(']');
        let inner = inner.trim_end_matches([']', ')']);
        let hi: u64 = inner.rsplit(',').next()?.trim().parse().ok()?;
        return Some(Bound::AtMost(if closed { hi } else { hi.checked_sub(1)? }));
    }
    if let Some(rest) = c.strip_prefix("<=").or_else(|| c.strip_prefix('≤')) {
        return rest.trim().parse().ok().map(Bound::AtMost);
    }
    let values: Option<Vec<u64>> = c.split([',', '，', '/']).map(|v| v.trim().parse().ok()).collect();
    values?.into_iter().max().map(Bound::AtMost)
}

/// "Default 500; Valid limits:[…]" → 500; also `Default: 100`, `默认 500`, `default value 30`.
pub fn default_of(doc: &str) -> Option<u64> {
    let lower = doc.to_lowercase();
    let at =
        lower.find("default").map(|i| i + "default".len()).or_else(|| lower.find("默认").map(|i| i + "默认".len()))?;
    let rest = &lower[at..];
    let start = rest.find(|c: char| c.is_ascii_digit())?;
    // Only a number close to the word: "Default 500", "default value: 500", "默认值 500".
    if start > 12 {
        return None;
    }
    let digits: String = rest[start..].chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(name: &str, doc: Option<&str>) -> Param {
        Param {
            name: name.into(),
            ty: "INT".into(),
            list: false,
            required: false,
            enum_name: None,
            doc: doc.map(Into::into),
        }
    }

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(String::from).collect()
    }

    fn w(kind: HeadingKind, text: &str, params: &[Param]) -> Weight {
        parse(kind, &lines(text), params, &mut Vec::new()).unwrap()
    }

    fn rule(p: &str, at_most: Option<u64>, value: i64) -> WeightRule {
        WeightRule { if_present: p.into(), at_most, value }
    }

    fn order(interval: &str, interval_num: u32, value: u32) -> OrderCount {
        OrderCount { interval: interval.into(), interval_num, value }
    }

    #[test]
    fn plain_bold_and_kind_suffixed_numbers() {
        assert_eq!(w(HeadingKind::Ip, "**5**", &[]).value, 5);
        assert_eq!(w(HeadingKind::Ip, "1", &[]).value, 1);
        assert_eq!(w(HeadingKind::Ip, "**0**", &[]).value, 0);
        let uid = w(HeadingKind::Uid, "**3000**", &[]);
        assert_eq!((uid.kind.as_str(), uid.value), ("UID", 3000));
        let suffixed = w(HeadingKind::Ip, "**200(IP)**", &[]);
        assert_eq!((suffixed.kind.as_str(), suffixed.value), ("IP", 200));
        // Numbers in prose that are not bold do not count when a bold one is there.
        assert_eq!(
            w(HeadingKind::Ip, "**0** share 500/5min/IP rate limit with `GET /fapi/v1/fundingInfo`", &[]).value,
            0
        );
        assert_eq!(w(HeadingKind::Ip, "**50(IP)**\n\n**360/hour，500/day**", &[]).value, 50);
    }

    #[test]
    fn order_counters_in_english_and_chinese() {
        let en = w(
            HeadingKind::Ip,
            "1 on 10s order rate limit(X-MBX-ORDER-COUNT-10S); 1 on 1min order rate limit(X-MBX-ORDER-COUNT-1M); 0 on IP rate limit(x-mbx-used-weight-1m)",
            &[],
        );
        assert_eq!(en.value, 0);
        assert_eq!(en.orders, [order("SECOND", 10, 1), order("MINUTE", 1, 1)]);
        let zh = w(
            HeadingKind::Ip,
            "10s order rate limit(X-MBX-ORDER-COUNT-10S)为1 1min order rate limit(X-MBX-ORDER-COUNT-1M)为1 IP rate limit(x-mbx-used-weight-1m)为0",
            &[],
        );
        assert_eq!(zh.value, 0);
        assert_eq!(zh.orders, [order("SECOND", 10, 1), order("MINUTE", 1, 1)]);
        let batch = w(
            HeadingKind::Ip,
            "5 on 10s order rate limit(X-MBX-ORDER-COUNT-10S); 1 on 1min order rate limit(X-MBX-ORDER-COUNT-1M); 5 on IP rate limit(x-mbx-used-weight-1m);",
            &[],
        );
        assert_eq!(batch.value, 5);
        assert_eq!(batch.orders, [order("SECOND", 10, 5), order("MINUTE", 1, 1)]);
        let ip_only = w(HeadingKind::Ip, "0 on IP rate limit(x-mbx-used-weight-1m)", &[]);
        assert_eq!((ip_only.value, ip_only.orders.len()), (0, 0));
    }

    #[test]
    fn parameter_dependent_values() {
        let symbol = [param("symbol", None)];
        for text in [
            "**1** for a single symbol; **40** when the symbol parameter is omitted",
            "1 for a single symbol; **40** when the symbol parameter is omitted",
            "**1** for a single symbol, **40** when the symbol parameter is omitted",
            "**1** for a single symbol **40** when the symbol parameter is omitted",
            "  * **1** for a single symbol\n  * **40** when the symbol parameter is omitted",
            "带symbol **1** ; 不带**40**",
            "带symbol **1** \\- 不带 **40**",
            "单交易对**1** ，无交易对**40**",
        ] {
            let got = w(HeadingKind::Ip, text, &symbol);
            assert_eq!((got.value, got.rules.clone()), (40, vec![rule("symbol", None, 1)]), "{text}");
        }
        let asset = [param("asset", None)];
        let got = w(HeadingKind::Ip, "**1** if send asset or **50** if not send asset", &asset);
        assert_eq!((got.value, got.rules), (50, vec![rule("asset", None, 1)]));
    }

    #[test]
    fn limit_tables_become_ascending_rules() {
        let limit = [param("limit", Some("Default 500; Valid limits:[5, 10, 20, 50, 100, 500, 1000]"))];
        let got = w(
            HeadingKind::Ip,
            "Adjusted based on the limit:\n\nLimit| Weight\n---|---\n5, 10, 20, 50| 2\n100| 5\n500| 10\n1000| 20",
            &limit,
        );
        assert_eq!(got.value, 10);
        assert_eq!(
            got.rules,
            [
                rule("limit", Some(50), 2),
                rule("limit", Some(100), 5),
                rule("limit", Some(500), 10),
                rule("limit", Some(1000), 20)
            ]
        );
        let limit = [param("limit", Some("Default 500; max 1500."))];
        let got = w(
            HeadingKind::Ip,
            "based on parameter `LIMIT`\n\nLIMIT| weight\n---|---\n[1,100)| 1\n[100, 500)| 2\n[500, 1000]| 5\n> 1000| 10",
            &limit,
        );
        assert_eq!(got.value, 5);
        assert_eq!(
            got.rules,
            [
                rule("limit", Some(99), 1),
                rule("limit", Some(499), 2),
                rule("limit", Some(1000), 5),
                rule("limit", None, 10)
            ]
        );
        // Without a documented default: the largest.
        let got = w(HeadingKind::Ip, "limit| 权重\n---|---\n5, 10| 2\n100| 5", &[param("limit", None)]);
        assert_eq!(got.value, 5);
    }

    #[test]
    fn order_heading_counts_orders() {
        let got = w(HeadingKind::Order, "**1**", &[]);
        assert_eq!((got.value, got.orders), (0, vec![order("MINUTE", 1, 1)]));
        assert_eq!(HeadingKind::of("Request Weight(Order)"), HeadingKind::Order);
        assert_eq!(HeadingKind::of("Request Weight(UID)"), HeadingKind::Uid);
        assert_eq!(HeadingKind::of("请求权重"), HeadingKind::Ip);
    }

    #[test]
    fn no_number_is_none() {
        assert!(parse(HeadingKind::Ip, &lines("see the docs"), &[], &mut Vec::new()).is_none());
        assert_eq!(default_of("Default 500; Valid limits"), Some(500));
        assert_eq!(default_of("默认 500; 可选值"), Some(500));
        assert_eq!(default_of("no default"), None);
    }
}
