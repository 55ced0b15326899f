//! WebSocket API signing: `apiKey`, `timestamp` and `recvWindow` join the request's own
//! params, and the signature covers every param except `signature`, sorted by name, joined as
//! `k=v` with `&`, values as written (strings without quotes), not percent-encoded.

use crate::Credentials;
use binance_spec::protocol::ws_signing_payload;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Params of one request, sorted by name (which is the signing order).
pub(crate) type Params = BTreeMap<String, Value>;

/// The text a value contributes to the payload: strings raw, numbers and booleans as JSON.
fn payload_value(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.to_string()),
    }
}

/// The signing payload of `params` by Binance's rule ([`ws_signing_payload`]).
pub(crate) fn payload(params: &Params) -> String {
    let texts: Vec<(&str, Cow<'_, str>)> =
        params.iter().map(|(name, value)| (name.as_str(), payload_value(value))).collect();
    ws_signing_payload(texts.iter().map(|(name, text)| (*name, text.as_ref())))
}

/// How a signed request proves who sent it.
pub(crate) enum Auth<'a> {
    /// `apiKey` and `signature` in the params.
    Sign(&'a Credentials),
    /// The connection is authenticated by `session.logon`: only `timestamp` (and `recvWindow`).
    Session,
}

/// Adds `recvWindow`, `timestamp` and, unless the session is logged on, `apiKey` and `signature`.
pub(crate) fn sign(params: &mut Params, auth: Auth<'_>, timestamp_ms: u64, recv_window: Option<u64>) {
    if let Some(rw) = recv_window {
        params.insert("recvWindow".into(), rw.into());
    }
    params.insert("timestamp".into(), timestamp_ms.into());
    if let Auth::Sign(credentials) = auth {
        params.insert("apiKey".into(), credentials.api_key().into());
        let signature = credentials.sign(payload(params).as_bytes());
        params.insert("signature".into(), signature.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_is_sorted_unquoted_and_not_percent_encoded() {
        let mut p = Params::new();
        p.insert("symbol".into(), "BTC/USDT x".into());
        p.insert("price".into(), "1.50".into());
        p.insert("timestamp".into(), 1_702_620_814_781u64.into());
        p.insert("reduceOnly".into(), true.into());
        p.insert("signature".into(), "ignored".into());
        assert_eq!(payload(&p), "price=1.50&reduceOnly=true&symbol=BTC/USDT x&timestamp=1702620814781");
    }

    #[test]
    fn hmac_signature_covers_api_key_timestamp_and_recv_window() {
        // Worked example values from the fapi docs' secret; the payload is the sorted WS form.
        let secret = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9";
        let c = Credentials::hmac("key-1", secret).unwrap();
        let mut p = Params::new();
        sign(&mut p, Auth::Sign(&c), 1_591_702_613_943, Some(5_000));
        let expected_payload = "apiKey=key-1&recvWindow=5000&timestamp=1591702613943";
        assert_eq!(payload(&p), expected_payload);
        assert_eq!(p["signature"], Value::from(c.sign(expected_payload.as_bytes())));
        assert_eq!(p["signature"].as_str().map(str::len), Some(64));
    }

    #[test]
    fn a_logged_on_session_sends_only_the_timestamp() {
        let mut p = Params::new();
        sign(&mut p, Auth::Session, 42, None);
        assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"timestamp":42}"#);
    }
}
