//! From a response frame to the caller's answer: the typed `result` with its `rateLimits`, or
//! the runtime's one [`Error`], exactly as REST maps the same failures.

use crate::governor::Governor;
use crate::ws::{RateLimitUsage, WsResponse};
use crate::{Error, Result};
use serde::de::DeserializeOwned;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A successful WebSocket API answer: the typed `result` and the server's `rateLimits` counts
/// after this request.
#[derive(Debug, Clone, PartialEq)]
pub struct WsReply<T> {
    /// The decoded `result`.
    pub result: T,
    /// Usage of each rate limit after this request, as the server counted it (empty when the
    /// connection was opened with `returnRateLimits=false`).
    pub rate_limits: Vec<RateLimitUsage>,
}

/// Classifies one response frame of request `endpoint`. Every answer's `rateLimits` is fed to
/// the governor; a 429 pauses the host and a 418 bans it there, as for REST.
pub(crate) fn classify<T: DeserializeOwned>(
    endpoint: &'static str,
    text: &str,
    governor: &Governor,
) -> Result<WsReply<T>> {
    let envelope: WsResponse<serde_json::Value> = serde_json::from_str(text).map_err(|e| Error::Decode {
        endpoint,
        status: 0,
        reason: format!("not a WebSocket API response envelope: {e}"),
        body: text.to_string(),
    })?;
    governor.observe_ws_usage(&envelope.rate_limits);
    let status = envelope.status;
    if let Some(error) = envelope.error {
        let retry_after = error.data.as_ref().and_then(|d| d.get("retryAfter")).and_then(serde_json::Value::as_u64);
        let host = governor.host().to_string();
        return Err(match status {
            418 => Error::Banned { host, until: governor.ban(retry_after.map(until_epoch_ms)) },
            429 => Error::RateLimited { host, retry_after: governor.pause(retry_after.map(until_epoch_ms)) },
            _ => Error::Api { endpoint, status, code: error.code, msg: error.msg },
        });
    }
    if !(200..300).contains(&status) {
        return Err(Error::Http { endpoint, status, body: text.to_string() });
    }
    let decode_error = |reason: String| Error::Decode { endpoint, status, reason, body: text.to_string() };
    let result = envelope.result.ok_or_else(|| decode_error("the envelope has no `result`".into()))?;
    let result = serde_json::from_value(result).map_err(|e| decode_error(e.to_string()))?;
    Ok(WsReply { result, rate_limits: envelope.rate_limits })
}

/// Time left until `epoch_ms` (Binance's `retryAfter`), zero when it has passed.
fn until_epoch_ms(epoch_ms: u64) -> Duration {
    let at = UNIX_EPOCH + Duration::from_millis(epoch_ms);
    at.duration_since(SystemTime::now()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Interval, LimitKind, RateLimit, RateLimitType};

    fn governor() -> Governor {
        let limit = RateLimit {
            limit_type: RateLimitType::RequestWeight,
            kind: LimitKind::Ip,
            interval: Interval::Minute,
            interval_num: 1,
            limit: 2400,
        };
        Governor::new("ws-host", &[limit], None)
    }

    fn epoch_ms_in(d: Duration) -> u64 {
        u64::try_from((SystemTime::now() + d).duration_since(UNIX_EPOCH).unwrap().as_millis()).unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn result_and_rate_limits_are_returned_and_counted() {
        let g = governor();
        let text = r#"{"id":1,"status":200,"result":{"a":7},"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":2400,"count":33}]}"#;
        let reply: WsReply<serde_json::Value> = classify("e", text, &g).unwrap();
        assert_eq!(reply.result["a"], 7);
        assert_eq!(reply.rate_limits[0].count, 33);
        assert_eq!(g.usage()[0].used, 33);
    }

    #[tokio::test(start_paused = true)]
    async fn error_envelopes_map_onto_the_rest_errors() {
        let g = governor();
        let text = r#"{"id":1,"status":400,"error":{"code":-1021,"msg":"Timestamp outside recvWindow."}}"#;
        match classify::<serde_json::Value>("e", text, &g) {
            Err(Error::Api { endpoint: "e", status: 400, code: -1021, msg }) => assert!(msg.contains("recvWindow")),
            other => panic!("expected Api, got {other:?}"),
        }
        let text = format!(
            r#"{{"id":1,"status":429,"error":{{"code":-1003,"msg":"Too many requests","data":{{"retryAfter":{}}}}}}}"#,
            epoch_ms_in(Duration::from_secs(30))
        );
        match classify::<serde_json::Value>("e", &text, &g) {
            Err(Error::RateLimited { host, retry_after }) => {
                assert_eq!(host, "ws-host");
                // Taken from retryAfter (without it the governor would pause one 60 s window).
                assert!(!retry_after.is_zero() && retry_after <= Duration::from_secs(30), "{retry_after:?}");
            }
            other => panic!("expected RateLimited, got {other:?}"),
        }
        assert!(g.paused_for().is_some());
        let text = format!(
            r#"{{"id":1,"status":418,"error":{{"code":-1003,"msg":"banned","data":{{"retryAfter":{}}}}}}}"#,
            epoch_ms_in(Duration::from_secs(3600))
        );
        match classify::<serde_json::Value>("e", &text, &g) {
            // Without retryAfter the ban would last the default two minutes.
            Err(Error::Banned { until, .. }) => assert!(until > SystemTime::now() + Duration::from_secs(1800)),
            other => panic!("expected Banned, got {other:?}"),
        }
        assert!(g.banned_until().is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn a_result_that_does_not_decode_keeps_the_frame() {
        #[derive(Debug, serde::Deserialize)]
        struct Needs {
            #[allow(dead_code)]
            x: u8,
        }
        let g = governor();
        let text = r#"{"id":1,"status":200,"result":{"y":1}}"#;
        match classify::<Needs>("e", text, &g) {
            Err(Error::Decode { body, status: 200, .. }) => assert_eq!(body, text),
            other => panic!("expected Decode, got {other:?}"),
        }
        assert!(matches!(classify::<Needs>("e", "not json", &g), Err(Error::Decode { status: 0, .. })));
    }
}
