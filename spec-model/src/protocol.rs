//! The protocol rules every crate shares, written once: the words of Binance's API (security
//! types, weight kinds, rate-limit types and intervals), its fixed numbers (`recvWindow` bound,
//! `session.logon` weight), the WebSocket API signing payload, and the field-naming rule of the
//! generated types.
//!
//! This module has no dependencies, so the proc macros and the runtime use it without pulling in
//! the spec loader (build them with `default-features = false`).

/// The largest `recvWindow` Binance accepts, in milliseconds.
pub const MAX_RECV_WINDOW_MS: u64 = 60_000;

/// Weight of the WebSocket API's `session.logon` (counted per IP): 2, as Binance's WebSocket API
/// docs list it for the session methods.
pub const LOGON_WEIGHT: u32 = 2;

/// How long a listen key lives after its creation or its last keep-alive, in seconds: 60
/// minutes (`user-data-streams.md` of each product).
pub const LISTEN_KEY_VALIDITY_SECS: u64 = 60 * 60;

/// Binance's code for a keep-alive of a listen key that does not exist (any more): `-1125`
/// "This listenKey does not exist."; the docs say to start a new key then.
pub const LISTEN_KEY_DOES_NOT_EXIST: i64 = -1125;

/// The user-data event type that says a listen key expired (`"e": "listenKeyExpired"`).
pub const LISTEN_KEY_EXPIRED_EVENT: &str = "listenKeyExpired";

/// Stream-name placeholders whose value keeps its case when a name is written: a kline
/// interval's case is its meaning (`1m` is a minute, `1M` a month; the kline pages list both).
/// Every other value (symbol, pair, contract type) is lower-cased, as Binance's stream names are.
pub const CASE_KEPT_PLACEHOLDERS: &[&str] = &["interval"];

/// Parameters the runtime sets on every signed request; a spec or a request type must not
/// declare them.
pub const RUNTIME_PARAMS: &[&str] = &["timestamp", "signature", "apiKey"];

/// Checks a `recvWindow` against Binance's bounds (`1..=60000` ms); the error says what is wrong.
pub fn check_recv_window(ms: u64) -> Result<(), String> {
    if ms == 0 || ms > MAX_RECV_WINDOW_MS {
        return Err(format!("recvWindow {ms} ms is outside 1..={MAX_RECV_WINDOW_MS}"));
    }
    Ok(())
}

/// Binance's security type of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Security {
    /// `NONE`: public.
    None,
    /// `MARKET_DATA`: needs the API key.
    MarketData,
    /// `USER_STREAM`: needs the API key.
    UserStream,
    /// `USER_DATA`: needs the API key, `timestamp` and a signature.
    UserData,
    /// `TRADE`: needs the API key, `timestamp` and a signature.
    Trade,
}

impl Security {
    /// Every security type.
    pub const ALL: [Security; 5] =
        [Security::None, Security::MarketData, Security::UserStream, Security::UserData, Security::Trade];

    /// From the word Binance's docs use (`USER_DATA`); `None` for any other word.
    pub fn from_word(word: &str) -> Option<Security> {
        Security::ALL.into_iter().find(|s| s.as_str() == word)
    }

    /// The word as Binance writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Security::None => "NONE",
            Security::MarketData => "MARKET_DATA",
            Security::UserStream => "USER_STREAM",
            Security::UserData => "USER_DATA",
            Security::Trade => "TRADE",
        }
    }

    /// The Rust variant name (what the derives and generated code write).
    pub fn variant(self) -> &'static str {
        match self {
            Security::None => "None",
            Security::MarketData => "MarketData",
            Security::UserStream => "UserStream",
            Security::UserData => "UserData",
            Security::Trade => "Trade",
        }
    }

    /// The request carries `timestamp` and `signature`.
    pub fn is_signed(self) -> bool {
        matches!(self, Security::UserData | Security::Trade)
    }

    /// The request carries the API key (`X-MBX-APIKEY` header, or `apiKey` on the WebSocket API).
    pub fn needs_api_key(self) -> bool {
        !matches!(self, Security::None)
    }
}

/// Whether a request's weight counts against the IP or the UID budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WeightKind {
    /// Per IP.
    Ip,
    /// Per UID (SAPI).
    Uid,
}

impl WeightKind {
    /// From the spec's word (`IP`, `UID`); `None` for any other word.
    pub fn from_word(word: &str) -> Option<WeightKind> {
        match word {
            "IP" => Some(WeightKind::Ip),
            "UID" => Some(WeightKind::Uid),
            _ => None,
        }
    }

    /// The word as the spec writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            WeightKind::Ip => "IP",
            WeightKind::Uid => "UID",
        }
    }
}

/// What a rate limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateLimitType {
    /// Sum of request weights.
    RequestWeight,
    /// Orders placed.
    Orders,
    /// Raw request count.
    RawRequests,
}

impl RateLimitType {
    /// From Binance's wire name (`REQUEST_WEIGHT`, `ORDERS`, `RAW_REQUESTS`).
    pub fn from_wire(word: &str) -> Option<RateLimitType> {
        [RateLimitType::RequestWeight, RateLimitType::Orders, RateLimitType::RawRequests]
            .into_iter()
            .find(|t| t.wire() == word)
    }

    /// Binance's wire name.
    pub fn wire(self) -> &'static str {
        match self {
            RateLimitType::RequestWeight => "REQUEST_WEIGHT",
            RateLimitType::Orders => "ORDERS",
            RateLimitType::RawRequests => "RAW_REQUESTS",
        }
    }

    /// The Rust variant name (what generated code writes).
    pub fn variant(self) -> &'static str {
        match self {
            RateLimitType::RequestWeight => "RequestWeight",
            RateLimitType::Orders => "Orders",
            RateLimitType::RawRequests => "RawRequests",
        }
    }
}

/// Per what a limit is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitKind {
    /// Per IP address.
    Ip,
    /// Per user id (SAPI "Request Weight(UID)").
    Uid,
    /// Per account (order limits).
    Account,
}

impl LimitKind {
    /// From the spec's word (`IP`, `UID`, `ACCOUNT`).
    pub fn from_word(word: &str) -> Option<LimitKind> {
        [LimitKind::Ip, LimitKind::Uid, LimitKind::Account].into_iter().find(|k| k.as_str() == word)
    }

    /// The word as the spec writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            LimitKind::Ip => "IP",
            LimitKind::Uid => "UID",
            LimitKind::Account => "ACCOUNT",
        }
    }

    /// The Rust variant name (what generated code writes).
    pub fn variant(self) -> &'static str {
        match self {
            LimitKind::Ip => "Ip",
            LimitKind::Uid => "Uid",
            LimitKind::Account => "Account",
        }
    }
}

/// Window unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interval {
    /// One second.
    Second,
    /// One minute.
    Minute,
    /// One hour.
    Hour,
    /// One day.
    Day,
}

impl Interval {
    /// Every interval, shortest first.
    pub const ALL: [Interval; 4] = [Interval::Second, Interval::Minute, Interval::Hour, Interval::Day];

    /// Parses Binance's wire name (`SECOND`, `MINUTE`, `HOUR`, `DAY`), as in the spec,
    /// exchangeInfo and WebSocket API `rateLimits`.
    pub fn from_wire(value: &str) -> Option<Interval> {
        Interval::ALL.into_iter().find(|i| i.wire() == value)
    }

    /// Binance's wire name.
    pub fn wire(self) -> &'static str {
        match self {
            Interval::Second => "SECOND",
            Interval::Minute => "MINUTE",
            Interval::Hour => "HOUR",
            Interval::Day => "DAY",
        }
    }

    /// The Rust variant name (what generated code writes).
    pub fn variant(self) -> &'static str {
        match self {
            Interval::Second => "Second",
            Interval::Minute => "Minute",
            Interval::Hour => "Hour",
            Interval::Day => "Day",
        }
    }

    /// The letter Binance's `X-MBX-USED-WEIGHT-<n><letter>` headers use (`S`, `M`, `H`, `D`).
    pub fn letter(self) -> char {
        match self {
            Interval::Second => 'S',
            Interval::Minute => 'M',
            Interval::Hour => 'H',
            Interval::Day => 'D',
        }
    }

    /// Seconds in one unit.
    pub fn seconds(self) -> u64 {
        match self {
            Interval::Second => 1,
            Interval::Minute => 60,
            Interval::Hour => 3_600,
            Interval::Day => 86_400,
        }
    }

    /// A window of `n` units (saturating: a window past `u64::MAX` seconds is that long).
    pub fn window(self, n: u32) -> std::time::Duration {
        std::time::Duration::from_secs(self.seconds().saturating_mul(u64::from(n)))
    }

    /// A window of `n` units as Binance's headers name it: `1M` in `X-MBX-USED-WEIGHT-1M`,
    /// `10S` in `X-MBX-ORDER-COUNT-10S`.
    pub fn window_label(self, n: u32) -> String {
        format!("{n}{}", self.letter())
    }
}

/// One declared rate limit: `limit` of what `limit_type` counts, per `kind`, in every window
/// of `interval_num` × `interval`. The spec declares them, the generated `PRODUCT` statics carry
/// them, the runtime's governor and the mock enforce them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// What is counted.
    pub limit_type: RateLimitType,
    /// Per what it is counted.
    pub kind: LimitKind,
    /// The window's unit.
    pub interval: Interval,
    /// Units per window.
    pub interval_num: u32,
    /// Budget per window.
    pub limit: u32,
}

impl RateLimit {
    /// The window length.
    pub fn window(&self) -> std::time::Duration {
        self.interval.window(self.interval_num)
    }

    /// The window as Binance's headers name it (`1M`).
    pub fn window_label(&self) -> String {
        self.interval.window_label(self.interval_num)
    }
}

/// serde's `rename_all = "camelCase"` for a Rust field: `max_withdraw_amount` →
/// `maxWithdrawAmount`, `type_` → `type`. The derives name wire fields with it, and the
/// generator adds an explicit rename exactly where it does not give the Binance name back.
pub fn camel_case(field: &str) -> String {
    let mut pascal = String::with_capacity(field.len());
    let mut capitalize = true;
    for ch in field.chars() {
        if ch == '_' {
            capitalize = true;
        } else if capitalize {
            pascal.push(ch.to_ascii_uppercase());
            capitalize = false;
        } else {
            pascal.push(ch);
        }
    }
    let mut chars = pascal.chars();
    chars.next().map(|first| first.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// The WebSocket API signing payload: every parameter except `signature`, sorted by name,
/// joined as `name=value` with `&`; values as written (strings without quotes), not
/// percent-encoded. `params` yields (name, value text) in any order.
pub fn ws_signing_payload<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut sorted: Vec<(&str, &str)> = params.into_iter().filter(|(name, _)| *name != "signature").collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut out = String::with_capacity(sorted.iter().map(|(n, v)| n.len() + v.len() + 2).sum());
    for (name, value) in sorted {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_matches_serde() {
        assert_eq!(camel_case("max_withdraw_amount"), "maxWithdrawAmount");
        assert_eq!(camel_case("total_cross_un_pnl"), "totalCrossUnPnl");
        assert_eq!(camel_case("time"), "time");
        assert_eq!(camel_case("type_"), "type");
        assert_eq!(camel_case("a__b_"), "aB");
        assert_eq!(camel_case("_x"), "x");
        assert_eq!(camel_case(""), "");
    }

    #[test]
    fn words_round_trip() {
        for s in Security::ALL {
            assert_eq!(Security::from_word(s.as_str()), Some(s));
        }
        assert_eq!(Security::from_word("SIGNED"), None);
        for i in Interval::ALL {
            assert_eq!(Interval::from_wire(i.wire()), Some(i));
        }
        for w in [WeightKind::Ip, WeightKind::Uid] {
            assert_eq!(WeightKind::from_word(w.as_str()), Some(w));
        }
        assert_eq!(RateLimitType::from_wire("ORDERS"), Some(RateLimitType::Orders));
        assert_eq!(LimitKind::from_word("ACCOUNT"), Some(LimitKind::Account));
    }

    #[test]
    fn recv_window_bounds() {
        assert!(check_recv_window(1).is_ok());
        assert!(check_recv_window(MAX_RECV_WINDOW_MS).is_ok());
        assert!(check_recv_window(0).is_err());
        assert!(check_recv_window(MAX_RECV_WINDOW_MS + 1).is_err());
    }

    #[test]
    fn ws_payload_sorts_and_skips_the_signature() {
        let payload = ws_signing_payload([("timestamp", "5"), ("signature", "x"), ("apiKey", "k"), ("b", "a b")]);
        assert_eq!(payload, "apiKey=k&b=a b&timestamp=5");
        assert_eq!(ws_signing_payload([]), "");
    }
}
