//! Stream descriptors: a name pattern, its values and its payload type.

use super::DecodeError;
use binance_spec::protocol::CASE_KEPT_PLACEHOLDERS;
use serde::de::DeserializeOwned;

/// One subscribable stream: its name (`btcusdt@aggTrade`) and its payload type. Implemented by
/// the generated `streams::*` types.
pub trait StreamDescriptor {
    /// The decoded payload of one message.
    type Event: Send + 'static;
    /// The documented name pattern, e.g. `<symbol>@aggTrade`.
    const PATTERN: &'static str;
    /// The stream name to subscribe to, placeholders filled in.
    fn name(&self) -> String;
    /// Decodes one message's payload (a combined message's `data`).
    fn decode(json: &str) -> Result<Self::Event, DecodeError>;
}

/// The events of one listen key: its name is the key, its events the product's generated
/// `streams::UserDataEvent`. It subscribes to a key you manage yourself; `UserDataStream`
/// (feature `ws`) also starts, keeps alive, renews and closes the key.
#[derive(Clone, PartialEq, Eq)]
pub struct ListenKeyStream<E> {
    listen_key: String,
    events: std::marker::PhantomData<fn() -> E>,
}

impl<E> ListenKeyStream<E> {
    /// The stream of `listen_key` (from the product's start-user-data-stream endpoint).
    pub fn new(listen_key: impl Into<String>) -> Self {
        ListenKeyStream { listen_key: listen_key.into(), events: std::marker::PhantomData }
    }
}

impl<E> std::fmt::Debug for ListenKeyStream<E> {
    // The listen key grants reading the account's events: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ListenKeyStream { listen_key: <redacted> }")
    }
}

impl<E: super::EventSet> StreamDescriptor for ListenKeyStream<E> {
    type Event = E;
    const PATTERN: &'static str = "<listenKey>";
    fn name(&self) -> String {
        // Listen keys are case-sensitive: not lower-cased like symbols.
        self.listen_key.clone()
    }
    fn decode(json: &str) -> Result<E, DecodeError> {
        E::decode_json(json)
    }
}

/// Fills a stream name pattern: each `<placeholder>` is replaced by its value, lower-cased
/// (Binance's stream names are lower case: `BTCUSDT` → `btcusdt`) except the
/// [`CASE_KEPT_PLACEHOLDERS`] (`<interval>`: `1M` is a month, `1m` a minute). A placeholder
/// without a value is left as written, so the mistake shows in the name.
pub fn stream_name(pattern: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('>') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = &after[..end];
        match values.iter().find(|(k, _)| *k == key) {
            Some((_, v)) if CASE_KEPT_PLACEHOLDERS.contains(&key) => out.push_str(v),
            Some((_, v)) => out.push_str(&v.to_lowercase()),
            None => out.push_str(&rest[start..start + end + 2]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Decodes one payload: the JSON text of a raw-stream message or a combined message's `data`.
pub fn decode_json<T: DeserializeOwned>(json: &str) -> Result<T, DecodeError> {
    serde_json::from_str(json).map_err(|e| DecodeError::new(json, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_filled_and_lower_cased() {
        assert_eq!(stream_name("<symbol>@aggTrade", &[("symbol", "BTCUSDT")]), "btcusdt@aggTrade");
        assert_eq!(
            stream_name(
                "<pair>_<contractType>@continuousKline_<interval>",
                &[("pair", "BTCUSDT"), ("contractType", "PERPETUAL"), ("interval", "1m")]
            ),
            "btcusdt_perpetual@continuousKline_1m"
        );
        assert_eq!(stream_name("!bookTicker", &[]), "!bookTicker");
        assert_eq!(stream_name("<symbol>@x", &[]), "<symbol>@x");
    }

    #[test]
    fn a_kline_interval_keeps_its_case_one_month_is_not_one_minute() {
        // The doc pages list both `1m` (a minute) and `1M` (a month) as kline intervals.
        assert_eq!(
            stream_name("<symbol>@kline_<interval>", &[("symbol", "BTCUSDT"), ("interval", "1M")]),
            "btcusdt@kline_1M"
        );
        assert_eq!(
            stream_name(
                "<pair>_<contractType>@continuousKline_<interval>",
                &[("pair", "BTCUSDT"), ("contractType", "PERPETUAL"), ("interval", "1M")]
            ),
            "btcusdt_perpetual@continuousKline_1M"
        );
    }
}
