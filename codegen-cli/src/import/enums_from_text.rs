//! Enum values written in prose: a parameter's description (`` `SELL`, `BUY` ``,
//! `NO_SIDE_EFFECT, MARGIN_BUY, AUTO_REPAY`, `"5m","15m"`, `GTC/FOK/IOC`,
//! `` `IOC` or `GTC` ``) or a field's `//` comment.

/// The values a description lists, in order, without duplicates (possibly one: "Only support
/// `CONDITIONAL`"; the caller decides how many make an enum). A value is a token that is quoted (backticks or double quotes) or, when nothing
/// is quoted, an upper-case word (`BUY`, `NO_SIDE_EFFECT`) in a list of such words.
pub fn values(description: &str) -> Vec<String> {
    // "only available for `LIMIT`/`STOP` order; can be set to `OPPONENT`/…": the first
    // clause names other values (order types), not this parameter's.
    let kept: Vec<&str> = description
        .split([';', '；'])
        .filter(|clause| {
            let c = clause.to_lowercase();
            let names_orders = c.contains(" order") || c.contains("订单");
            let about_others = c.contains("available for") || c.contains("avaliable for") || c.contains("only for");
            // "MARKET and LIMIT order types default to FULL": values of another parameter.
            let other_values = (names_orders && about_others) || c.contains("order type") || c.contains("订单类型");
            !other_values
        })
        .collect();
    let description = kept.join(";");
    let description = description.as_str();
    let quoted = quoted_tokens(description);
    let mut out: Vec<String> = Vec::new();
    let mut push = |v: &str| {
        if !v.is_empty() && !out.iter().any(|o| o == v) {
            out.push(v.to_string());
        }
    };
    if quoted.iter().filter(|t| is_value(t)).count() >= 2 {
        for t in &quoted {
            // `GTC/FOK/IOC` inside one pair of backticks.
            for part in t.split('/').map(str::trim) {
                if is_value(part) {
                    push(part);
                }
            }
        }
    } else if let Some(single) = quoted.iter().find(|t| t.contains('/')) {
        for part in single.split('/').map(str::trim).filter(|p| is_value(p)) {
            push(part);
        }
    } else {
        // Bare words: `NO_SIDE_EFFECT, MARGIN_BUY, AUTO_REPAY`, `BUY ; SELL`, `ISOLATED(逐仓)`.
        for word in description.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if is_upper_value(word) && !STOP_WORDS.contains(&word) {
                push(word);
            }
        }
    }
    out
}

/// Upper-case words in prose that are not values.
const STOP_WORDS: &[&str] = &["JSON", "API", "ID", "IP", "UID", "USD", "STP", "ENUM", "LIST", "YES", "NO", "OR", "AND"];

fn quoted_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for quote in ['`', '"'] {
        for (i, part) in text.split(quote).enumerate() {
            if i % 2 == 1 {
                out.push(part.trim().to_string());
            }
        }
    }
    // Keep page order: sort by first position.
    out.sort_by_key(|t| text.find(t.as_str()).unwrap_or(usize::MAX));
    out
}

/// A value as sent on the wire that can be an enum value: `BUY`, `NEW`, `GTC`, `1m`.
pub fn is_wire_value(t: &str) -> bool {
    is_value(t)
}

/// A quoted enum value: `BUY`, `5m`, `1d`, `NO_SIDE_EFFECT` (no spaces, not a number).
fn is_value(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 40
        && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !t.chars().all(|c| c.is_ascii_digit())
        && (is_upper_value(t) || t.starts_with(|c: char| c.is_ascii_digit()))
}

fn is_upper_value(t: &str) -> bool {
    t.len() >= 2
        && t.starts_with(|c: char| c.is_ascii_uppercase())
        && t.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_written_form() {
        assert_eq!(values("`SELL`, `BUY`"), ["SELL", "BUY"]);
        assert_eq!(
            values("NO_SIDE_EFFECT, MARGIN_BUY, AUTO_REPAY; default NO_SIDE_EFFECT."),
            ["NO_SIDE_EFFECT", "MARGIN_BUY", "AUTO_REPAY"]
        );
        assert_eq!(values(r#""5m","15m","30m","1h""#), ["5m", "15m", "30m", "1h"]);
        assert_eq!(values("Valid values are `GTC/FOK/IOC`"), ["GTC", "FOK", "IOC"]);
        assert_eq!(values("`IOC` or `GTC` or `FOK`, default `GTC`"), ["IOC", "GTC", "FOK"]);
        assert_eq!(values("`OPPONENT`/ `OPPONENT_5`/ `QUEUE`"), ["OPPONENT", "OPPONENT_5", "QUEUE"]);
        assert_eq!(values("保证金模式 ISOLATED(逐仓), CROSSED(全仓)"), ["ISOLATED", "CROSSED"]);
        assert_eq!(values("BUY ; SELL"), ["BUY", "SELL"]);
        assert_eq!(
            values("only avaliable for `LIMIT`/`STOP`/`TAKE_PROFIT` order; can be set to `OPPONENT`/ `QUEUE`"),
            ["OPPONENT", "QUEUE"]
        );
        assert_eq!(
            values("Set the response JSON. ACK, RESULT, or FULL; MARKET and LIMIT order types default to FULL, all other orders default to ACK."),
            ["ACK", "RESULT", "FULL"]
        );
        assert_eq!(values(r#""LIQUIDATION" for liquidation orders, "ADL" for ADL orders."#), ["LIQUIDATION", "ADL"]);
    }

    #[test]
    fn prose_without_a_list_gives_nothing() {
        assert!(values("").is_empty());
        assert!(values("Set the response JSON.").is_empty());
        assert_eq!(values("Only support `CONDITIONAL`"), ["CONDITIONAL"]);
        assert!(values("order list. Max 5 orders").is_empty());
    }
}
