//! Answering one WebSocket API request: weight, injected faults, API key and signature (or
//! the connection's `session.logon`), timestamp, then the spec example's `result`.

use super::state::{now_ms, Method, WsFault, WsShared};
use crate::keys::KeyMaterial;
use binance_codegen::ir::{Product, Transport};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::time::Duration;

/// `recvWindow` when the request sends none.
const DEFAULT_RECV_WINDOW_MS: i64 = 5_000;
/// The largest `recvWindow` Binance accepts.
const MAX_RECV_WINDOW_MS: i64 = 60_000;
/// Weight of `session.logon`.
const LOGON_WEIGHT: u32 = 2;

/// Every WebSocket API method of `products`, answering the `result` of its first example.
pub(crate) fn from_products(products: &[Product]) -> HashMap<String, Method> {
    let mut methods = HashMap::new();
    for product in products {
        for endpoint in &product.endpoints {
            let Transport::Ws { method } = &endpoint.transport else { continue };
            // The examples are whole envelopes; an example without `result` is served whole.
            let example = endpoint.examples.first().and_then(|e| serde_json::from_str::<Value>(e).ok());
            let result = match example {
                Some(Value::Object(mut envelope)) if envelope.contains_key("result") => {
                    envelope.remove("result").unwrap_or(Value::Null)
                }
                Some(other) => other,
                None => Value::Object(Map::new()),
            };
            let security = endpoint.security.as_str();
            methods.insert(
                method.clone(),
                Method {
                    weight: endpoint.weight,
                    signed: matches!(security, "USER_DATA" | "TRADE"),
                    needs_key: security != "NONE",
                    result,
                },
            );
        }
    }
    methods
}

/// Per-connection state: the key `session.logon` authenticated, and the weight charged.
#[derive(Debug, Default)]
pub(crate) struct Session {
    pub(crate) logged_on: Option<String>,
    pub(crate) index: usize,
}

/// A rejection: status, code, message, optional `retryAfter` epoch ms.
struct Reject(u16, i64, String, Option<i64>);

impl From<WsFault> for Reject {
    fn from(f: WsFault) -> Reject {
        let retry_at = f.retry_after.map(|d| now_ms().saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)));
        Reject(f.status, f.code, f.msg, retry_at)
    }
}

/// The response envelope to one request frame.
pub(crate) fn answer(shared: &WsShared, session: &mut Session, text: &str) -> Value {
    let request: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    let method = request.get("method").and_then(Value::as_str).unwrap_or_default().to_owned();
    let params = request.get("params").and_then(Value::as_object).cloned().unwrap_or_default();
    {
        let mut stats = shared.stats();
        *stats.requests.entry(method.clone()).or_default() += 1;
        stats.last_params = Some(Value::Object(params.clone()));
    }
    let (result, used) = match respond(shared, session, &method, &params) {
        Ok(answer) => answer,
        Err(Reject(status, code, msg, retry_at)) => {
            shared.stats().errors += 1;
            let mut error = json!({ "code": code, "msg": msg });
            if let Some(at) = retry_at {
                error["data"] = json!({ "retryAfter": at, "serverTime": now_ms() });
            }
            return json!({ "id": id, "status": status, "error": error, "rateLimits": rate_limits(shared, None) });
        }
    };
    json!({ "id": id, "status": 200, "result": result, "rateLimits": rate_limits(shared, Some(used)) })
}

fn rate_limits(shared: &WsShared, used: Option<u32>) -> Value {
    let mut weight = shared.weight();
    let count = used.unwrap_or_else(|| weight.used());
    json!([{ "rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": weight.limit, "count": count }])
}

fn respond(
    shared: &WsShared,
    session: &mut Session,
    method: &str,
    params: &Map<String, Value>,
) -> Result<(Value, u32), Reject> {
    let known = shared.methods.get(method);
    let weight = match (method, known) {
        ("session.logon", _) => LOGON_WEIGHT,
        (_, Some(m)) => m.weight,
        (_, None) => 1,
    };
    let used = charge(shared, session, weight)?;
    if let Some(fault) = shared.controls().faults.pop_front() {
        return Err(fault.into());
    }
    if method == "session.logon" {
        let key = check_signed(shared, params)?;
        if shared.keys.get(&key).map(KeyMaterial::kind) != Some("Ed25519") {
            return Err(Reject(401, -2015, "session.logon accepts Ed25519 API keys only.".into(), None));
        }
        shared.stats().logons += 1;
        session.logged_on = Some(key.clone());
        let now = now_ms();
        let result = json!({ "apiKey": key, "authorizedSince": now, "connectedSince": now, "returnRateLimits": true, "serverTime": now });
        return Ok((result, used));
    }
    let Some(m) = known else {
        return Err(Reject(400, -1000, format!("Unknown method '{method}'."), None));
    };
    if m.signed {
        // A logged-on session may omit apiKey and signature; a signature sent is still checked.
        if session.logged_on.is_none() || params.contains_key("signature") {
            check_signed(shared, params)?;
        } else {
            check_timestamp(params)?;
        }
    } else if m.needs_key && session.logged_on.is_none() {
        let key = params.get("apiKey").and_then(Value::as_str).unwrap_or_default();
        if !shared.keys.contains_key(key) {
            return Err(invalid_key());
        }
    }
    Ok((m.result.clone(), used))
}

fn charge(shared: &WsShared, session: &Session, weight: u32) -> Result<u32, Reject> {
    let charged = shared.weight().charge(weight);
    if let Some(w) = shared.stats().connection_weights.get_mut(session.index) {
        *w = w.saturating_add(weight);
    }
    charged.map_err(|left| {
        let fault = WsFault::rate_limited(left.max(Duration::from_millis(1)));
        Reject::from(fault)
    })
}

fn invalid_key() -> Reject {
    Reject(401, -2015, "Invalid API-key, IP, or permissions for action.".into(), None)
}

/// API key, signature and timestamp; the key's name when they pass.
fn check_signed(shared: &WsShared, params: &Map<String, Value>) -> Result<String, Reject> {
    let api_key = params.get("apiKey").and_then(Value::as_str).unwrap_or_default();
    let key = shared.keys.get(api_key).ok_or_else(invalid_key)?;
    let Some(signature) = params.get("signature").and_then(Value::as_str) else {
        return Err(Reject(400, -1102, "Mandatory parameter 'signature' was not sent.".into(), None));
    };
    if !key.verify(payload(params).as_bytes(), signature) {
        return Err(Reject(400, -1022, "Signature for this request is not valid.".into(), None));
    }
    check_timestamp(params)?;
    Ok(api_key.to_owned())
}

fn check_timestamp(params: &Map<String, Value>) -> Result<(), Reject> {
    let Some(timestamp) = params.get("timestamp").and_then(Value::as_i64) else {
        return Err(Reject(400, -1102, "Mandatory parameter 'timestamp' was not sent.".into(), None));
    };
    let recv_window = params.get("recvWindow").and_then(Value::as_i64).unwrap_or(DEFAULT_RECV_WINDOW_MS);
    if !(0..=MAX_RECV_WINDOW_MS).contains(&recv_window) {
        return Err(Reject(400, -1131, "recvWindow must be less than 60000".into(), None));
    }
    let server = now_ms();
    if timestamp >= server + 1_000 || server - timestamp > recv_window {
        return Err(Reject(400, -1021, "Timestamp for this request is outside of the recvWindow.".into(), None));
    }
    Ok(())
}

/// Every param except `signature`, sorted by name, `k=v` joined by `&`, strings unquoted.
pub(crate) fn payload(params: &Map<String, Value>) -> String {
    let mut names: Vec<&String> = params.keys().filter(|k| k.as_str() != "signature").collect();
    names.sort();
    let parts: Vec<String> = names
        .into_iter()
        .map(|name| match &params[name] {
            Value::String(s) => format!("{name}={s}"),
            other => format!("{name}={other}"),
        })
        .collect();
    parts.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_sorts_names_and_leaves_values_unencoded() {
        let params = json!({ "timestamp": 5, "apiKey": "k/+=", "signature": "x", "flag": true });
        let Value::Object(params) = params else { unreachable!() };
        assert_eq!(payload(&params), "apiKey=k/+=&flag=true&timestamp=5");
    }
}
