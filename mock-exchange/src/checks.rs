//! Binance's checks of a request, written once for REST and the WebSocket API: parameters sent
//! twice, API key, signature, timestamp and recvWindow, mandatory and JSON parameters; each
//! failure answered with Binance's code and wording.

use crate::endpoints::Served;
use crate::keys::KeyMaterial;
use std::collections::HashMap;

/// `recvWindow` when the request sends none.
pub(crate) const DEFAULT_RECV_WINDOW_MS: i64 = 5_000;
/// The largest `recvWindow` Binance accepts (the protocol's bound, as a signed number).
const MAX_RECV_WINDOW_MS: i64 = binance_spec::protocol::MAX_RECV_WINDOW_MS as i64;
/// How far ahead of the server clock a timestamp may be.
const FUTURE_TOLERANCE_MS: i128 = 1_000;

/// A request Binance refuses: HTTP status (the WebSocket envelope's `status` too), code, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rejection {
    pub(crate) status: u16,
    pub(crate) code: i64,
    pub(crate) msg: String,
    /// For rate-limit refusals: milliseconds until the client may send again.
    pub(crate) retry_after_ms: Option<i64>,
}

impl Rejection {
    pub(crate) fn new(status: u16, code: i64, msg: impl Into<String>) -> Rejection {
        Rejection { status, code, msg: msg.into(), retry_after_ms: None }
    }

    /// `-1102` for a parameter that is missing, empty or malformed (Binance's wording).
    pub(crate) fn missing_parameter(name: &str) -> Rejection {
        Rejection::new(400, -1102, format!("Mandatory parameter '{name}' was not sent, was empty/null, or malformed."))
    }

    /// `-1101` for a parameter sent more than once.
    pub(crate) fn duplicate_parameter(name: &str) -> Rejection {
        Rejection::new(400, -1101, format!("Duplicate values for a parameter detected: '{name}'."))
    }

    pub(crate) fn invalid_api_key() -> Rejection {
        Rejection::new(401, -2015, "Invalid API-key, IP, or permissions for action.")
    }

    pub(crate) fn invalid_signature() -> Rejection {
        Rejection::new(400, -1022, "Signature for this request is not valid.")
    }
}

/// The first parameter name that occurs twice, if any.
pub(crate) fn duplicate<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut seen = std::collections::HashSet::new();
    names.into_iter().find(|name| !seen.insert(*name))
}

/// The configured key `api_key` names, or `-2015`.
pub(crate) fn key<'k>(
    keys: &'k HashMap<String, KeyMaterial>,
    api_key: Option<&str>,
) -> Result<&'k KeyMaterial, Rejection> {
    api_key.and_then(|k| keys.get(k)).ok_or_else(Rejection::invalid_api_key)
}

/// `timestamp` and `recvWindow` (as sent, `None` when absent) against the server clock:
/// `-1021` outside the window, `-1102` when missing or not an integer, `-1131` for a bad
/// window. The arithmetic is done in `i128`, so no value of either can overflow it.
pub(crate) fn timestamp(timestamp: Option<&str>, recv_window: Option<&str>, server_ms: i64) -> Result<(), Rejection> {
    let timestamp: i64 =
        timestamp.and_then(|t| t.trim().parse().ok()).ok_or_else(|| Rejection::missing_parameter("timestamp"))?;
    let recv_window = recv_window_ms(recv_window)?;
    let (timestamp, server) = (i128::from(timestamp), i128::from(server_ms));
    if timestamp >= server + FUTURE_TOLERANCE_MS || server - timestamp > i128::from(recv_window) {
        return Err(Rejection::new(400, -1021, "Timestamp for this request is outside of the recvWindow."));
    }
    Ok(())
}

/// `timestamp` and `recvWindow` well-formed, checked before the signature as Binance does
/// (`-1102` for a missing or malformed timestamp, `-1131` for a bad window).
pub(crate) fn time_params(timestamp: Option<&str>, recv_window: Option<&str>) -> Result<(), Rejection> {
    if timestamp.and_then(|t| t.trim().parse::<i64>().ok()).is_none() {
        return Err(Rejection::missing_parameter("timestamp"));
    }
    recv_window_ms(recv_window).map(drop)
}

/// `recvWindow` as sent (`None`: absent, the default applies): `-1131` out of bounds, `-1102`
/// when not an integer.
pub(crate) fn recv_window_ms(recv_window: Option<&str>) -> Result<i64, Rejection> {
    let recv_window = match recv_window {
        None => DEFAULT_RECV_WINDOW_MS,
        Some(text) => text.trim().parse().map_err(|_| Rejection::missing_parameter("recvWindow"))?,
    };
    if !(0..=MAX_RECV_WINDOW_MS).contains(&recv_window) {
        return Err(Rejection::new(400, -1131, "recvWindow must be less than 60000"));
    }
    Ok(recv_window)
}

/// Mandatory parameters present (non-empty) and JSON parameters valid JSON.
pub(crate) fn parameters<'a>(served: &Served, get: impl Fn(&str) -> Option<&'a str>) -> Result<(), Rejection> {
    if let Some(missing) = served.info.required.iter().find(|name| get(name).is_none()) {
        return Err(Rejection::missing_parameter(missing));
    }
    for name in &served.json_params {
        if let Some(value) = get(name) {
            if serde_json::from_str::<serde_json::Value>(value).is_err() {
                return Err(Rejection::new(400, -1130, format!("Data sent for parameter '{name}' is not valid.")));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_767_225_600_000;

    #[test]
    fn timestamps_inside_the_window_pass() {
        assert_eq!(timestamp(Some(&NOW.to_string()), None, NOW), Ok(()));
        assert_eq!(timestamp(Some(&(NOW - 5_000).to_string()), None, NOW), Ok(()));
        assert_eq!(timestamp(Some(&(NOW + 999).to_string()), Some("0"), NOW), Ok(()));
    }

    #[test]
    fn absurd_timestamps_are_1021_not_a_panic() {
        for t in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX, i64::MAX - 500] {
            for server in [NOW, i64::MIN, i64::MAX] {
                let verdict = timestamp(Some(&t.to_string()), Some("60000"), server);
                if let Err(rejection) = verdict {
                    assert_eq!(rejection.code, -1021, "timestamp {t} at server time {server}");
                }
            }
        }
        assert_eq!(timestamp(Some(&i64::MIN.to_string()), None, NOW).unwrap_err().code, -1021);
        assert_eq!(timestamp(Some("99999999999999999999"), None, NOW).unwrap_err().code, -1102);
        assert_eq!(timestamp(None, None, NOW).unwrap_err().code, -1102);
    }

    #[test]
    fn recv_window_bounds() {
        let now = NOW.to_string();
        assert_eq!(timestamp(Some(&now), Some("60001"), NOW).unwrap_err().code, -1131);
        assert_eq!(timestamp(Some(&now), Some("-1"), NOW).unwrap_err().code, -1131);
        assert_eq!(timestamp(Some(&now), Some(&i64::MIN.to_string()), NOW).unwrap_err().code, -1131);
        assert_eq!(timestamp(Some(&now), Some("abc"), NOW).unwrap_err().code, -1102);
    }

    #[test]
    fn first_repeated_name_is_reported() {
        assert_eq!(duplicate(["a", "b", "c"]), None);
        assert_eq!(duplicate(["a", "b", "a", "b"]), Some("a"));
    }
}
