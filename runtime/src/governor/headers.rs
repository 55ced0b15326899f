//! What the governor reads from the server: usage and order-count headers, the ban time in a
//! 418's message, and the path family a request counts in.

use crate::{Interval, LimitKind};

/// What one response header reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counted {
    /// Request weight, per IP or per UID.
    Weight(LimitKind),
    /// Orders placed by the account.
    Orders,
}

/// Parses `X-MBX-USED-WEIGHT-1M`, `X-SAPI-USED-IP-WEIGHT-1M`, `X-SAPI-USED-UID-WEIGHT-1M` or
/// `X-MBX-ORDER-COUNT-10S` (any case) into what it counts and its window. Runs for every header
/// of every response, so it compares in place rather than upper-casing a copy.
pub(crate) fn parse_usage_header(name: &str) -> Option<(Counted, Interval, u32)> {
    const PREFIXES: [(&str, Counted); 4] = [
        ("X-MBX-USED-WEIGHT-", Counted::Weight(LimitKind::Ip)),
        ("X-SAPI-USED-IP-WEIGHT-", Counted::Weight(LimitKind::Ip)),
        ("X-SAPI-USED-UID-WEIGHT-", Counted::Weight(LimitKind::Uid)),
        ("X-MBX-ORDER-COUNT-", Counted::Orders),
    ];
    let (counted, suffix) = PREFIXES.iter().find_map(|(prefix, counted)| {
        let head = name.get(..prefix.len())?;
        head.eq_ignore_ascii_case(prefix).then(|| Some((*counted, name.get(prefix.len()..)?))).flatten()
    })?;
    let (&unit, digits) = suffix.as_bytes().split_last()?;
    let interval = match unit.to_ascii_uppercase() {
        b'S' => Interval::Second,
        b'M' => Interval::Minute,
        b'H' => Interval::Hour,
        b'D' => Interval::Day,
        _ => return None,
    };
    // The unit is one ASCII byte, so what precedes it is whole characters.
    let num = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some((counted, interval, num))
}

/// A count from a header or a `rateLimits` entry. Any run of decimal digits is a count, however
/// large (it saturates, and the caller clamps it to the limit), so `4294967295` and
/// `99999999999999999999` mean the same thing: "the budget is used up". Anything else is ignored.
pub(crate) fn parse_count(value: &str) -> Option<u64> {
    let digits = value.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse::<u64>().unwrap_or(u64::MAX))
}

/// The ban end Binance writes in a 418's message ("IP banned until 1700000000000."), in server
/// epoch milliseconds.
pub(crate) fn ban_end_in_msg(body: &str) -> Option<u64> {
    const MARKER: &str = "banned until";
    let start = body.find(MARKER)? + MARKER.len();
    let rest = body.get(start..)?.trim_start();
    let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    rest.get(..end)?.parse().ok()
}

/// The error code of a Binance error body, leniently (`-1015` or `"-1015"`).
pub(crate) fn error_code(body: &str) -> Option<i64> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    match value.get("code")? {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The path family a request counts in: its first path segment (`/fapi/v1/order` → `fapi`,
/// `/sapi/v1/…` → `sapi`), as Binance keeps one budget per family on a host.
pub(crate) fn family_of(path: &str) -> &str {
    let path = path.trim_start_matches('/');
    path.split('/').next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_headers_are_parsed() {
        let ip = Counted::Weight(LimitKind::Ip);
        assert_eq!(parse_usage_header("x-mbx-used-weight-1m"), Some((ip, Interval::Minute, 1)));
        assert_eq!(parse_usage_header("X-MBX-USED-WEIGHT-10S"), Some((ip, Interval::Second, 10)));
        assert_eq!(
            parse_usage_header("x-sapi-used-uid-weight-1m"),
            Some((Counted::Weight(LimitKind::Uid), Interval::Minute, 1))
        );
        assert_eq!(parse_usage_header("x-sapi-used-ip-weight-1m"), Some((ip, Interval::Minute, 1)));
        assert_eq!(parse_usage_header("X-MBX-ORDER-COUNT-10S"), Some((Counted::Orders, Interval::Second, 10)));
        assert_eq!(parse_usage_header("x-mbx-order-count-1m"), Some((Counted::Orders, Interval::Minute, 1)));
        assert_eq!(parse_usage_header("x-mbx-used-weight"), None);
        assert_eq!(parse_usage_header("x-mbx-used-weight-1x"), None);
        assert_eq!(parse_usage_header("x-mbx-used-weight-m"), None);
        assert_eq!(parse_usage_header("x-mbx-used-weight-1é"), None);
        assert_eq!(parse_usage_header("x-mbx-used-weight-"), None);
        assert_eq!(parse_usage_header("X-Mbx-Used-Weight-30d"), Some((ip, Interval::Day, 30)));
    }

    #[test]
    fn out_of_range_counts_all_saturate_and_garbage_is_ignored() {
        assert_eq!(parse_count(" 42 "), Some(42));
        assert_eq!(parse_count("4294967295"), Some(4_294_967_295));
        assert_eq!(parse_count("99999999999999999999"), Some(u64::MAX));
        for bad in ["", "-1", "1e9", "12abc", "0x10"] {
            assert_eq!(parse_count(bad), None, "{bad}");
        }
    }

    #[test]
    fn ban_end_and_codes_are_read_from_bodies() {
        let body = r#"{"code":-1003,"msg":"Way too much request weight used; IP banned until 1700000000000. Please use WebSocket Streams for live updates to avoid bans."}"#;
        assert_eq!(ban_end_in_msg(body), Some(1_700_000_000_000));
        assert_eq!(ban_end_in_msg(r#"{"code":-1003,"msg":"banned"}"#), None);
        assert_eq!(error_code(body), Some(-1003));
        assert_eq!(error_code(r#"{"code":"-1015","msg":"Too many new orders."}"#), Some(-1015));
        assert_eq!(error_code("<html>"), None);
    }

    #[test]
    fn families_are_first_path_segments() {
        assert_eq!(family_of("/fapi/v1/order"), "fapi");
        assert_eq!(family_of("/sapi/v1/account"), "sapi");
        assert_eq!(family_of("api/v3/time"), "api");
        assert_eq!(family_of(""), "");
    }
}
