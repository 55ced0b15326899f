//! Binance's checks of a request: API key, signature, timestamp and recvWindow, mandatory
//! parameters; each failure answered with Binance's code and message.

use crate::keys::KeyMaterial;
use crate::params::RequestParams;
use crate::reply::Rejection;
use crate::routes::{Route, Security};
use axum::http::StatusCode;
use std::collections::HashMap;

/// `recvWindow` when the request sends none.
const DEFAULT_RECV_WINDOW_MS: i64 = 5_000;
/// The largest `recvWindow` Binance accepts.
const MAX_RECV_WINDOW_MS: i64 = 60_000;

/// Checks `params` against `route`'s rules; `Err` is the rejection to send.
pub(crate) fn authorize(
    route: &Route,
    keys: &HashMap<String, KeyMaterial>,
    api_key: Option<&str>,
    params: &RequestParams,
    server_time_ms: i64,
) -> Result<(), Rejection> {
    if route.security != Security::None {
        let key = api_key.and_then(|k| keys.get(k)).ok_or_else(invalid_api_key)?;
        if route.security == Security::Signed {
            check_signed(key, params, server_time_ms)?;
        }
    }
    match route.required.iter().find(|name| params.get(name).is_none()) {
        Some(missing) => Err(Rejection::missing_parameter(missing)),
        None => Ok(()),
    }
}

fn check_signed(key: &KeyMaterial, params: &RequestParams, server_time_ms: i64) -> Result<(), Rejection> {
    let timestamp: i64 = parse_number(params, "timestamp")?.ok_or_else(|| Rejection::missing_parameter("timestamp"))?;
    let recv_window = parse_number(params, "recvWindow")?.unwrap_or(DEFAULT_RECV_WINDOW_MS);
    if !(0..=MAX_RECV_WINDOW_MS).contains(&recv_window) {
        let msg = "recvWindow must be less than 60000".to_owned();
        return Err(Rejection { status: StatusCode::BAD_REQUEST, code: -1131, msg });
    }
    let signed = match params.signed_payload() {
        None => return Err(Rejection::missing_parameter("signature")),
        Some(Err(())) => return Err(invalid_signature()),
        Some(Ok(signed)) => signed,
    };
    if !key.verify(signed.payload.as_bytes(), signed.signature) {
        return Err(invalid_signature());
    }
    if timestamp >= server_time_ms + 1_000 || server_time_ms - timestamp > recv_window {
        let msg = "Timestamp for this request is outside of the recvWindow.".to_owned();
        return Err(Rejection { status: StatusCode::BAD_REQUEST, code: -1021, msg });
    }
    Ok(())
}

/// A numeric parameter: `Ok(None)` when not sent, `-1102` when not a number.
fn parse_number(params: &RequestParams, name: &str) -> Result<Option<i64>, Rejection> {
    params.get(name).map(|v| v.parse().map_err(|_| Rejection::missing_parameter(name))).transpose()
}

fn invalid_api_key() -> Rejection {
    let msg = "Invalid API-key, IP, or permissions for action.".to_owned();
    Rejection { status: StatusCode::UNAUTHORIZED, code: -2015, msg }
}

fn invalid_signature() -> Rejection {
    let msg = "Signature for this request is not valid.".to_owned();
    Rejection { status: StatusCode::BAD_REQUEST, code: -1022, msg }
}
