//! From a response frame to the caller's answer: the typed `result` with its `rateLimits`, or
//! the runtime's one [`Error`], exactly as REST maps the same failures.

use crate::client::outcome::{leaves_outcome_unknown, unknown_reason, ApiErrorBody};
use crate::endpoint::{Security, Weight};
use crate::error::ErrorBody;
use crate::governor::Governor;
use crate::product::ApiErrorCode;
use crate::ws::{RateLimitUsage, WsResponse};
use crate::{Error, Result};
use serde::de::DeserializeOwned;
use std::time::Duration;

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

/// What classifying a frame needs to know about the client and the request.
pub(crate) struct Context<'a> {
    /// Counts the `rateLimits`, pauses and bans.
    pub(crate) governor: &'a Governor,
    /// A REST path of the product (its server-time path): WebSocket API weight counts in the
    /// same path family as its REST requests.
    pub(crate) family_path: &'a str,
    /// The product's documented error codes, to name an error's code.
    pub(crate) error_codes: &'static [ApiErrorCode],
}

/// Classifies one response frame of request `endpoint` (of `security`, which booked `weight`).
/// Every answer's `rateLimits` is fed to the governor; a 429 pauses the family (or order
/// placement) and a 418 bans the host there, as for REST. A `TRADE` method answered with a 5xx,
/// -1006 or -1007 may have been executed: [`Error::OutcomeUnknown`], by REST's rule.
pub(crate) fn classify<T: DeserializeOwned>(
    cx: &Context<'_>,
    endpoint: &'static str,
    security: Security,
    weight: Weight,
    text: &str,
) -> Result<WsReply<T>> {
    let body = || ErrorBody::new(text.as_bytes().to_vec());
    // `result` is kept as raw text and decoded from it, never through `serde_json::Value`,
    // whose numbers are f64: a decimal sent as a JSON number keeps every digit.
    let envelope: WsResponse<Box<serde_json::value::RawValue>> =
        serde_json::from_str(text).map_err(|e| Error::Decode {
            endpoint,
            status: 0,
            reason: format!("not a WebSocket API response envelope: {e}"),
            body: body(),
        })?;
    let governor = cx.governor;
    governor.observe_ws_usage_at(cx.family_path, &envelope.rate_limits);
    let status = envelope.status;
    let failed = envelope.error.as_ref().map(|e| ApiErrorBody { code: e.code, msg: Some(e.msg.clone()) });
    // Like a non-GET on REST, a TRADE method changes state: Binance may have executed it.
    let unknown = security == Security::Trade
        && !matches!(status, 200..=299 | 418 | 429)
        && leaves_outcome_unknown(status, failed.as_ref(), text.as_bytes());
    if unknown {
        return Err(Error::OutcomeUnknown {
            endpoint,
            reason: unknown_reason("status", status, failed.as_ref()),
            status: Some(status),
            code: failed.as_ref().map(|e| e.code),
            msg: failed.and_then(|e| e.msg),
            body: Some(body()),
        });
    }
    if let Some(error) = envelope.error {
        let data = error.data.as_ref();
        let epoch_ms = |name: &str| data.and_then(|d| d.get(name)).and_then(serde_json::Value::as_u64);
        // `retryAfter` is a time on the server's clock: measure it against the `serverTime` of
        // the same frame, not against the local clock, which may be off by minutes.
        let retry_after = epoch_ms("retryAfter").map(|at| {
            let server_now = epoch_ms("serverTime").unwrap_or_else(|| governor.server_now_ms());
            Duration::from_millis(at.saturating_sub(server_now))
        });
        return Err(match status {
            // Without `retryAfter`, the message may say "banned until <epoch ms>".
            418 => governor.banned(retry_after, &error.msg),
            429 => {
                let code_body = format!("{{\"code\":{}}}", error.code);
                governor.rate_limited(cx.family_path, weight, retry_after, &code_body)
            }
            _ => Error::api(endpoint, status, error.code, Some(error.msg), cx.error_codes, body()),
        });
    }
    if !(200..300).contains(&status) {
        return Err(Error::Http { endpoint, status, body: body() });
    }
    let decode_error = |reason: String| Error::Decode { endpoint, status, reason, body: body() };
    let result = envelope.result.ok_or_else(|| decode_error("the envelope has no `result`".into()))?;
    let result = serde_json::from_str(result.get()).map_err(|e| decode_error(e.to_string()))?;
    Ok(WsReply { result, rate_limits: envelope.rate_limits })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::{OrderCount, WeightKind};
    use crate::governor::RatePolicy;
    use crate::{Interval, LimitKind, RateLimit, RateLimitType};
    use std::time::SystemTime;

    fn governor() -> Governor {
        let weight = RateLimit {
            limit_type: RateLimitType::RequestWeight,
            kind: LimitKind::Ip,
            interval: Interval::Minute,
            interval_num: 1,
            limit: 2400,
        };
        let orders = RateLimit { limit_type: RateLimitType::Orders, kind: LimitKind::Account, limit: 300, ..weight };
        Governor::new("ws-host", &[weight, orders], None)
    }

    const CODES: &[ApiErrorCode] = &[ApiErrorCode { code: -1021, name: "INVALID_TIMESTAMP" }];

    fn cx(g: &Governor) -> Context<'_> {
        Context { governor: g, family_path: "/fapi/v1/time", error_codes: CODES }
    }

    fn classify_v(g: &Governor, text: &str) -> Result<WsReply<serde_json::Value>> {
        classify(&cx(g), "e", Security::UserData, Weight::ip(1), text)
    }

    #[tokio::test(start_paused = true)]
    async fn result_and_rate_limits_are_returned_and_counted_in_the_products_family() {
        let g = governor();
        let text = r#"{"id":1,"status":200,"result":{"a":7},"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":2400,"count":33}]}"#;
        let reply = classify_v(&g, text).unwrap();
        assert_eq!(reply.result["a"], 7);
        assert_eq!(reply.rate_limits[0].count, 33);
        let usage = g.usage();
        let weight = usage.iter().find(|u| u.limit_type == RateLimitType::RequestWeight).unwrap();
        assert_eq!((weight.family.as_str(), weight.used), ("fapi", 33));
    }

    #[tokio::test(start_paused = true)]
    async fn error_envelopes_map_onto_the_rest_errors() {
        let g = governor();
        let text = r#"{"id":1,"status":400,"error":{"code":-1021,"msg":"Timestamp outside recvWindow."}}"#;
        match classify_v(&g, text) {
            Err(Error::Api { endpoint: "e", status: 400, code: -1021, name: Some("INVALID_TIMESTAMP"), msg, body }) => {
                assert!(msg.contains("recvWindow"));
                assert_eq!(body, text, "the frame is kept");
            }
            other => panic!("expected Api, got {other:?}"),
        }
        let text = r#"{"id":1,"status":429,"error":{"code":-1003,"msg":"Too many requests","data":{"serverTime":1700000000000,"retryAfter":1700000030000}}}"#;
        match classify_v(&g, text) {
            Err(Error::RateLimited { host, retry_after }) => {
                assert_eq!(host, "ws-host");
                assert_eq!(retry_after, Duration::from_secs(30));
            }
            other => panic!("expected RateLimited, got {other:?}"),
        }
        assert!(g.paused_for().is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_is_measured_on_the_frames_server_time_not_the_local_clock() {
        // The frame's serverTime is far from the local clock (here: 2023 vs now). A 2-minute
        // ban measured on the local clock would be no ban at all.
        let g = governor();
        let text = r#"{"id":1,"status":418,"error":{"code":-1003,"msg":"banned","data":{"serverTime":1700000000000,"retryAfter":1700000120000}}}"#;
        match classify_v(&g, text) {
            Err(Error::Banned { until, .. }) => {
                let left = until.duration_since(SystemTime::now()).unwrap_or_default();
                assert!(left > Duration::from_secs(119) && left <= Duration::from_secs(120), "{left:?}");
            }
            other => panic!("expected Banned, got {other:?}"),
        }
        assert!(matches!(
            g.reserve_at("/fapi/v1/x", "e", Weight::ip(1), RatePolicy::Wait).await,
            Err(Error::Banned { .. })
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_on_an_order_pauses_only_order_placement() {
        const ORDERS: &[OrderCount] = &[OrderCount { interval: Interval::Minute, interval_num: 1, value: 1 }];
        let order = Weight { kind: WeightKind::Ip, value: 1, orders: ORDERS };
        let g = governor();
        let text = r#"{"id":1,"status":429,"error":{"code":-1015,"msg":"Too many new orders.","data":{"serverTime":1700000000000,"retryAfter":1700000010000}}}"#;
        assert!(matches!(
            classify::<serde_json::Value>(&cx(&g), "o", Security::Trade, order, text),
            Err(Error::RateLimited { .. })
        ));
        drop(g.reserve_at("/fapi/v1/depth", "d", Weight::ip(1), RatePolicy::FailFast).await.unwrap());
        let refused = g.reserve_at("/fapi/v1/order", "o", order, RatePolicy::FailFast).await;
        assert!(matches!(refused, Err(Error::RateLimited { .. })), "{refused:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn decimals_sent_as_json_numbers_keep_every_digit() {
        let g = governor();
        let text = r#"{"id":"1","status":200,"result":{"p":103.123456789012345678,"q":1.10}}"#;
        let reply = classify::<Box<serde_json::value::RawValue>>(&cx(&g), "e", Security::UserData, Weight::ip(1), text)
            .unwrap();
        assert_eq!(reply.result.get(), r#"{"p":103.123456789012345678,"q":1.10}"#);
    }

    #[tokio::test]
    async fn a_result_that_does_not_decode_keeps_the_frame() {
        #[derive(Debug, serde::Deserialize)]
        struct Needs {
            #[allow(dead_code)]
            x: u8,
        }
        let g = governor();
        let text = r#"{"id":1,"status":200,"result":{"y":1}}"#;
        match classify::<Needs>(&cx(&g), "e", Security::UserData, Weight::ip(1), text) {
            Err(Error::Decode { body, status: 200, .. }) => assert_eq!(body.as_bytes(), text.as_bytes()),
            other => panic!("expected Decode, got {other:?}"),
        }
        let not_json = classify::<Needs>(&cx(&g), "e", Security::UserData, Weight::ip(1), "not json");
        assert!(matches!(not_json, Err(Error::Decode { status: 0, .. })));
    }
}
