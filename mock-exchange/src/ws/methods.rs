//! Answering one WebSocket API request with the same checks and the same weight book as REST:
//! weight, injected faults, API key and signature (or the connection's `session.logon`),
//! timestamp, mandatory parameters, ORDERS counts, then the spec example's `result` (for the
//! `userDataStream.*` methods: the answer of the listen-key registry REST shares).

use super::state::WsFault;
use crate::checks::{self, Rejection};
use crate::endpoints::{Answer, EndpointRoute, Served};
use crate::log::{Auth, RequestRecord};
use crate::shared::Shared;
use crate::weights::WeightKind;
// `LOGON_WEIGHT`: the weight of `session.logon` when the spec does not list the method.
use binance_spec::protocol::{ws_signing_payload, LOGON_WEIGHT};
use serde_json::{json, Map, Value};

/// Per-connection state: the key `session.logon` authenticated.
#[derive(Debug, Default)]
pub(crate) struct Session {
    pub(crate) logged_on: Option<String>,
    pub(crate) index: usize,
}

impl From<WsFault> for Rejection {
    fn from(f: WsFault) -> Rejection {
        let retry_after_ms = f.retry_after.map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        Rejection { status: f.status, code: f.code, msg: f.msg, retry_after_ms }
    }
}

/// A parameter's value as text: strings unquoted, anything else as its JSON text.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A JSON object's members in the order sent, duplicates kept (a `Map` keeps only the last).
#[derive(Debug, Default)]
struct Members(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Members, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, Value>()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Visit)
    }
}

/// A request frame: what of it the mock reads.
#[derive(Debug, Default, serde::Deserialize)]
struct Frame {
    #[serde(default)]
    id: Value,
    #[serde(default)]
    method: String,
    #[serde(default)]
    params: Option<Members>,
}

/// The response envelope to one request frame.
pub(crate) fn answer(shared: &Shared, session: &mut Session, frame: &str) -> Value {
    let Frame { id, method, params } = serde_json::from_str(frame).unwrap_or_default();
    let members = params.unwrap_or_default().0;
    let duplicate = crate::checks::duplicate(members.iter().map(|(k, _)| k.as_str())).map(str::to_owned);
    let params: Map<String, Value> = members.into_iter().collect();
    {
        let mut stats = shared.ws.stats();
        *stats.requests.entry(method.clone()).or_default() += 1;
        stats.last_params = Some(Value::Object(params.clone()));
    }
    let pairs: Vec<(String, String)> = params.iter().map(|(k, v)| (k.clone(), text(v))).collect();
    let mut record = RequestRecord::new(EndpointRoute::Ws { method: method.clone() }, pairs);
    let served = shared.table.ws.get(&method);
    let outcome = respond(shared, session, &method, served, (&params, duplicate.as_deref()), &mut record);
    let rate_limits = rate_limits(shared, served, record.api_key.as_deref());
    let envelope = match outcome {
        Ok(result) => json!({ "id": id, "status": 200, "result": result, "rateLimits": rate_limits }),
        Err(rejection) => {
            shared.ws.stats().errors += 1;
            record.status = rejection.status;
            record.code = Some(rejection.code);
            let mut error = json!({ "code": rejection.code, "msg": rejection.msg });
            if let Some(after) = rejection.retry_after_ms {
                let now = shared.server_time_ms();
                error["data"] = json!({ "retryAfter": now.saturating_add(after), "serverTime": now });
            }
            json!({ "id": id, "status": rejection.status, "error": error, "rateLimits": rate_limits })
        }
    };
    shared.record(record);
    envelope
}

/// `rateLimits`: the family's request weight, and for order methods the account's ORDERS windows.
fn rate_limits(shared: &Shared, served: Option<&Served>, account: Option<&str>) -> Value {
    let family = served.map_or(shared.table.ws_family.as_str(), |s| s.family.as_str());
    let now = shared.server_time_ms();
    let budget = shared.weights.weight_limit(family, WeightKind::Ip);
    let (interval, num) = interval_words(&budget.label);
    let mut limits = vec![json!({
        "rateLimitType": "REQUEST_WEIGHT", "interval": interval, "intervalNum": num,
        "limit": budget.limit, "count": shared.weights.used(family, WeightKind::Ip, now),
    })];
    if let (Some(served), Some(account)) = (served.filter(|s| !s.info.orders.is_empty()), account) {
        let usage = shared.weights.usage(now);
        for order_budget in shared.weights.order_limits(family) {
            let (interval, num) = interval_words(&order_budget.label);
            let name = format!("{} ORDERS {} {account}", served.family, order_budget.label);
            let count = usage.get(&name).map_or(0, |u| u.used);
            limits.push(json!({
                "rateLimitType": "ORDERS", "interval": interval, "intervalNum": num,
                "limit": order_budget.limit, "count": count,
            }));
        }
    }
    Value::Array(limits)
}

/// `10S` → (`SECOND`, 10).
fn interval_words(label: &str) -> (&'static str, u64) {
    let (num, unit) = label.split_at(label.len().saturating_sub(1));
    let word = match unit {
        "S" => "SECOND",
        "H" => "HOUR",
        "D" => "DAY",
        _ => "MINUTE",
    };
    (word, num.parse().unwrap_or(1))
}

fn respond(
    shared: &Shared,
    session: &mut Session,
    method: &str,
    served: Option<&Served>,
    (params, duplicate): (&Map<String, Value>, Option<&str>),
    record: &mut RequestRecord,
) -> Result<Value, Rejection> {
    let named_key = params.get("apiKey").and_then(Value::as_str).filter(|k| shared.keys.contains_key(*k));
    let account = session.logged_on.as_deref().or(named_key);
    record.api_key = account.map(str::to_owned);
    let (family, kind, weight) = match served {
        Some(served) => {
            let weight = served.info.weight_for(|name| record.param(name));
            (served.family.clone(), served.info.weight_kind, weight)
        }
        None if method == "session.logon" => (shared.table.ws_family.clone(), WeightKind::Ip, LOGON_WEIGHT),
        None => (shared.table.ws_family.clone(), WeightKind::Ip, 1),
    };
    let (_, charged) = shared.charge_weight(&family, kind, account, weight);
    charged?;
    record.weight = weight;
    if let Some(w) = shared.ws.stats().connection_weights.get_mut(session.index) {
        *w = w.saturating_add(weight);
    }
    if let Some(fault) = shared.ws.controls().faults.pop_front() {
        return Err(fault.into());
    }
    // As on REST: weight booked, then the parameters read before any other check.
    if let Some(name) = duplicate {
        return Err(Rejection::duplicate_parameter(name));
    }
    if method == "session.logon" {
        let key = check_signed(shared, params)?;
        if shared.keys.get(&key).map(|k| k.kind()) != Some("Ed25519") {
            return Err(Rejection::new(401, -2015, "session.logon accepts Ed25519 API keys only."));
        }
        record.auth = Auth::Signature;
        record.api_key = Some(key.clone());
        shared.ws.stats().logons += 1;
        session.logged_on = Some(key.clone());
        let now = shared.server_time_ms();
        return Ok(
            json!({ "apiKey": key, "authorizedSince": now, "connectedSince": now, "returnRateLimits": true, "serverTime": now }),
        );
    }
    let Some(served) = served else {
        return Err(Rejection::new(400, -1000, format!("Unknown method '{method}'.")));
    };
    let security = served.info.security;
    if security.is_signed() {
        // A logged-on session may omit apiKey and signature; a signature sent is still checked.
        if session.logged_on.is_none() || params.contains_key("signature") {
            check_signed(shared, params)?;
            record.auth = Auth::Signature;
        } else {
            check_time(shared, params)?;
            record.auth = Auth::Session;
        }
    } else if security.needs_api_key() {
        if session.logged_on.is_some() {
            record.auth = Auth::Session;
        } else {
            checks::key(&shared.keys, params.get("apiKey").and_then(Value::as_str))?;
            record.auth = Auth::ApiKey;
        }
    }
    checks::parameters(served, |name| record.param(name))?;
    shared.charge_orders(served, account.unwrap_or("-"))?;
    record.orders = served.info.orders.iter().map(|o| (o.window.clone(), o.value)).collect();
    // Listen keys are the registry's, shared with REST, not the example's.
    let now = shared.server_time_ms();
    if let Some(answer) = shared.streams.ws_answer(method, security, &served.family, account, now) {
        return answer;
    }
    match &served.answer {
        Answer::WsResult(result) => Ok(result.clone()),
        Answer::Examples(_) | Answer::ServerTime => Ok(Value::Object(Map::new())),
    }
}

/// API key, signature and timestamp; the key's name when they pass.
fn check_signed(shared: &Shared, params: &Map<String, Value>) -> Result<String, Rejection> {
    let api_key = params.get("apiKey").and_then(Value::as_str);
    let key = checks::key(&shared.keys, api_key)?;
    let (timestamp, recv_window) = (params.get("timestamp").map(text), params.get("recvWindow").map(text));
    checks::time_params(timestamp.as_deref(), recv_window.as_deref())?;
    let Some(signature) = params.get("signature").and_then(Value::as_str) else {
        return Err(Rejection::missing_parameter("signature"));
    };
    if !key.verify(payload(params).as_bytes(), signature) {
        return Err(Rejection::invalid_signature());
    }
    check_time(shared, params)?;
    Ok(api_key.unwrap_or_default().to_owned())
}

fn check_time(shared: &Shared, params: &Map<String, Value>) -> Result<(), Rejection> {
    let timestamp = params.get("timestamp").map(text);
    let recv_window = params.get("recvWindow").map(text);
    checks::timestamp(timestamp.as_deref(), recv_window.as_deref(), shared.server_time_ms())
}

/// The signing payload of `params` by Binance's rule ([`ws_signing_payload`]), strings unquoted.
pub(crate) fn payload(params: &Map<String, Value>) -> String {
    let texts: Vec<(&str, String)> = params.iter().map(|(name, value)| (name.as_str(), text(value))).collect();
    ws_signing_payload(texts.iter().map(|(name, value)| (*name, value.as_str())))
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

    /// The `order.place` request of Binance's WebSocket API docs ("Request format",
    /// docs/binance/usds-margined-futures/websocket-api-general-info.md), signed as the docs'
    /// Python example does (`'&'.join(f'{k}={v}' for k, v in sorted(params.items()))`). The
    /// expected payload is written out by hand and the HMAC-SHA256 signature was computed with
    /// Python's `hmac` over it, using the secret of the fapi docs' REST signing example, so the
    /// mock is checked against Binance's rule, not against the runtime's signer.
    #[test]
    fn signing_follows_binances_documented_example() {
        let request = json!({
            "apiKey": "yeqKcXjtA9Eu4Tr3nJk61UJAGzXsEmFqqfVterxpMpR4peNfqE7Zl7oans8Qj089",
            "price": "42088.0",
            "quantity": "0.1",
            "recvWindow": 5000,
            "side": "BUY",
            "signature": "6aac937ab8d3d6dbf5da3bac14068ae79fb68a66ae5ad16b64be81948763de3e",
            "symbol": "BTCUSDT",
            "timeInForce": "GTC",
            "timestamp": 1705311512994_u64,
            "type": "LIMIT"
        });
        let Value::Object(params) = request else { unreachable!() };
        let expected = "apiKey=yeqKcXjtA9Eu4Tr3nJk61UJAGzXsEmFqqfVterxpMpR4peNfqE7Zl7oans8Qj089&price=42088.0\
                        &quantity=0.1&recvWindow=5000&side=BUY&symbol=BTCUSDT&timeInForce=GTC\
                        &timestamp=1705311512994&type=LIMIT";
        assert_eq!(payload(&params), expected);
        let key = crate::keys::KeyMaterial::hmac(b"2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9");
        let signature = params["signature"].as_str().unwrap_or_default();
        assert!(key.verify(payload(&params).as_bytes(), signature));
        assert!(!key.verify(
            b"price=42088.0&apiKey=yeqKcXjtA9Eu4Tr3nJk61UJAGzXsEmFqqfVterxpMpR4peNfqE7Zl7oans8Qj089",
            signature
        ));
    }

    #[test]
    fn interval_labels_become_binance_words() {
        assert_eq!(interval_words("10S"), ("SECOND", 10));
        assert_eq!(interval_words("1M"), ("MINUTE", 1));
        assert_eq!(interval_words("1D"), ("DAY", 1));
    }
}
