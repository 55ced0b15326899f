//! What one attempt's answer means, and whether the request may be sent again: decided here,
//! once, for the executor and its retry loop alike.
//!
//! The rules (see Binance's general info on error codes):
//! * only GETs are ever resent, and only after a failure that may be temporary: no response,
//!   a cut body, 5xx, -1000/-1001 (internal error), -1006/-1007 (unknown backend state) and
//!   -1008 (throttled);
//! * a POST/PUT/DELETE that may have reached the matching engine without a definite answer
//!   (no response in time, a lost or cut response, 5xx, -1006, -1007) is
//!   [`Error::OutcomeUnknown`], with whatever part of the answer arrived; a 503 "Service
//!   Unavailable." or "Internal error; unable to process your request. Please try again.", and
//!   -1008, are definite failures (nothing was executed);
//! * a connection that never opened sent nothing, whatever the method.

use super::body::BodyRead;
use crate::endpoint::HttpMethod;
use crate::governor::Governor;
use crate::product::ApiErrorCode;
use crate::{Error, ErrorBody};
use std::time::Duration;

/// What came back from one attempt, before it is interpreted.
pub(super) enum Exchange {
    /// No response (no status line): the error from the HTTP stack.
    NoResponse(reqwest::Error),
    /// A status line and headers, and the body as far as it was read.
    Response {
        /// HTTP status.
        status: u16,
        /// `Retry-After` in seconds, when sent.
        retry_after: Option<Duration>,
        /// The body.
        body: BodyRead,
    },
}

/// An attempt's verdict.
pub(super) enum Outcome {
    /// A 2xx answer with its whole body.
    Success {
        /// HTTP status.
        status: u16,
        /// The body.
        body: Vec<u8>,
    },
    /// A failure, and whether the same request may be sent again.
    Failure {
        /// What the caller gets if it is not resent.
        error: Error,
        /// Whether resending is safe and may help.
        resend: bool,
    },
}

/// What the classification needs to know about the request and the client.
pub(super) struct Context<'a> {
    pub(super) endpoint: &'static str,
    pub(super) method: HttpMethod,
    pub(super) timeout: Duration,
    pub(super) max_response_bytes: usize,
    pub(super) error_codes: &'static [ApiErrorCode],
    /// Receives 429 pauses and 418 bans.
    pub(super) governor: &'a Governor,
    /// The request's path (its rate-limit family) and what it booked.
    pub(super) path: &'a str,
    pub(super) weight: crate::endpoint::Weight,
    /// A 429 may be resent (policy `Wait`): it was rejected, not executed, and the governor
    /// holds the next attempt until the pause ends (or refuses it when that is too long).
    pub(super) resend_rate_limited: bool,
}

/// Classifies one attempt.
pub(super) fn classify(cx: &Context<'_>, exchange: Exchange) -> Outcome {
    let get = cx.method == HttpMethod::Get;
    let (status, retry_after, body) = match exchange {
        Exchange::NoResponse(e) => return no_response(cx, e),
        Exchange::Response { status, retry_after, body } => (status, retry_after, body),
    };
    let failure = |error, resend| Outcome::Failure { error, resend };
    // A ban or a rate limit whatever became of the body (cut off, over the cap): the status and
    // `Retry-After` arrived, and sending on after a 429 is what earns a ban.
    match status {
        418 => {
            return failure(cx.governor.banned(retry_after, &String::from_utf8_lossy(body.bytes())), false);
        }
        429 => {
            let text = String::from_utf8_lossy(body.bytes());
            return failure(cx.governor.rate_limited(cx.path, cx.weight, retry_after, &text), cx.resend_rate_limited);
        }
        _ => {}
    }
    let body = match body {
        BodyRead::Complete(body) => body,
        BodyRead::TooLarge { body, read } => {
            // The same body would come back: never resent. A 5xx order answer stays unknown.
            if !get && status >= 500 {
                let reason = format!("HTTP {status} with a body over the {}-byte cap", cx.max_response_bytes);
                return failure(unknown(cx, reason, Some(status), Some(body)), false);
            }
            let limit = cx.max_response_bytes;
            return failure(Error::ResponseTooLarge { endpoint: cx.endpoint, status, limit, read, body }, false);
        }
        BodyRead::Broken { partial, error } => {
            let reason = transport_reason(cx, error, "the response body was cut off");
            if get {
                return failure(Error::Transport { endpoint: cx.endpoint, reason }, true);
            }
            // A 4xx was a refusal, cut or not: nothing was executed.
            if (400..500).contains(&status) {
                return failure(Error::Http { endpoint: cx.endpoint, status, body: partial }, false);
            }
            return failure(unknown(cx, reason, Some(status), Some(partial)), false);
        }
    };
    if (200..=299).contains(&status) {
        return Outcome::Success { status, body };
    }
    let parsed = parse_api_error(&body);
    let code = parsed.as_ref().map(|e| e.code);
    if !get && leaves_outcome_unknown(status, parsed.as_ref(), &body) {
        let reason = unknown_reason("HTTP", status, parsed.as_ref());
        return failure(unknown(cx, reason, Some(status), Some(ErrorBody::new(body))), false);
    }
    let resend = get && (status >= 500 || matches!(code, Some(-1008..=-1006 | -1001 | -1000)));
    let error = match parsed {
        Some(e) => Error::api(cx.endpoint, status, e.code, e.msg, cx.error_codes, ErrorBody::new(body)),
        None => Error::Http { endpoint: cx.endpoint, status, body: ErrorBody::new(body) },
    };
    failure(error, resend)
}

/// The messages of a 503 that Binance documents as failures (nothing was executed): "Service
/// Unavailable." and "Internal error; unable to process your request. Please try again."
/// (general info, "HTTP Return Codes"). Its other one, "Unknown error, …", is not a failure.
const FAILED_503_MESSAGES: [&str; 2] =
    ["Service Unavailable.", "Internal error; unable to process your request. Please try again."];

/// Whether a failed answer (neither 2xx, 418 nor 429) to a request that may change state (an
/// order) leaves its outcome unknown: a 5xx or -1006/-1007, unless it is one of the definite
/// failures, a 503 with a [failure message](FAILED_503_MESSAGES) and -1008. `parsed` is the
/// answer's error body, if any; `body` the whole answer. The one rule for REST and the
/// WebSocket API, whose `status` is the same HTTP-like code.
pub(crate) fn leaves_outcome_unknown(status: u16, parsed: Option<&ApiErrorBody>, body: &[u8]) -> bool {
    let definite = match parsed {
        Some(e) => {
            e.code == -1008
                || (status == 503 && e.msg.as_deref().is_some_and(|m| FAILED_503_MESSAGES.contains(&m.trim())))
        }
        None => status == 503 && FAILED_503_MESSAGES.iter().any(|m| body.windows(m.len()).any(|w| w == m.as_bytes())),
    };
    let unknown_state = status >= 500 || matches!(parsed.map(|e| e.code), Some(-1006 | -1007));
    unknown_state && !definite
}

/// Why an answer left the outcome unknown: `HTTP 503, code -1000: …` (`what`: `HTTP`, `status`).
pub(crate) fn unknown_reason(what: &str, status: u16, parsed: Option<&ApiErrorBody>) -> String {
    match parsed {
        Some(e) => format!("{what} {status}, code {}: {}", e.code, e.msg.as_deref().unwrap_or("(no message)")),
        None => format!("{what} {status}"),
    }
}

/// No response at all. A non-GET that may have reached the server has an unknown outcome.
fn no_response(cx: &Context<'_>, e: reqwest::Error) -> Outcome {
    let get = cx.method == HttpMethod::Get;
    // A connection that never opened (or a request that could not be built) sent nothing.
    let maybe_sent = !e.is_connect() && !e.is_builder();
    let timed_out = e.is_timeout();
    let reason = transport_reason(cx, e, "the response was lost");
    let error = if !get && maybe_sent {
        Error::outcome_unknown(cx.endpoint, reason)
    } else if timed_out {
        Error::Timeout { endpoint: cx.endpoint, after: cx.timeout }
    } else {
        Error::Transport { endpoint: cx.endpoint, reason }
    };
    Outcome::Failure { error, resend: get }
}

/// Why an exchange failed, without the URL (it carries the signed query).
fn transport_reason(cx: &Context<'_>, e: reqwest::Error, what: &str) -> String {
    if e.is_timeout() {
        return format!("no complete response within {:?}", cx.timeout);
    }
    format!("{what}: {}", error_chain(&e.without_url()))
}

/// An unknown outcome, with Binance's code and `msg` when the kept body carries them.
fn unknown(cx: &Context<'_>, reason: String, status: Option<u16>, body: Option<ErrorBody>) -> Error {
    let parsed = body.as_ref().and_then(|b| parse_api_error(b.as_bytes()));
    let (code, msg) = match parsed {
        Some(e) => (Some(e.code), e.msg),
        None => (None, None),
    };
    Error::OutcomeUnknown { endpoint: cx.endpoint, reason, status, code, msg, body }
}

/// A Binance error body, read leniently.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ApiErrorBody {
    /// `code`, whether sent as an integer, a float with no fraction or a string of either.
    pub(crate) code: i64,
    /// `msg`, `None` when missing or `null`.
    pub(crate) msg: Option<String>,
}

/// Parses `{"code": …, "msg": …}`. Binance sends integers, but proxies and some gateways send
/// `"-1001"` or `-1001.0`, and some answers lack `msg`: the code alone still identifies the
/// error, so only a body without a usable `code` is not an API error.
pub(crate) fn parse_api_error(body: &[u8]) -> Option<ApiErrorBody> {
    // An object only (a derived struct would also accept `[code, msg]`).
    let mut object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(body).ok()?;
    let code = match object.get("code")? {
        serde_json::Value::Number(n) => n.as_i64().or_else(|| n.as_f64().and_then(whole)),
        serde_json::Value::String(s) => {
            let s = s.trim();
            s.parse::<i64>().ok().or_else(|| s.parse::<f64>().ok().and_then(whole))
        }
        _ => None,
    }?;
    let msg = match object.remove("msg") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    };
    Some(ApiErrorBody { code, msg })
}

/// `f` as an integer, when it is one within `i64`.
fn whole(f: f64) -> Option<i64> {
    // 2^63 is exactly representable; every float below it with no fraction fits in i64.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (f.fract() == 0.0 && (-LIMIT..LIMIT).contains(&f)).then_some(f as i64)
}

/// The error and its sources, `a: b: c`, so "connection reset" is not hidden behind
/// "error sending request".
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_503_messages_binance_calls_failures_are_definite_and_the_rest_unknown() {
        // portfolio-margin/general-info.md, "HTTP Return Codes": of the 503 messages, "Unknown
        // error, …" leaves the execution status unknown; "Service Unavailable." and "Internal
        // error; unable to process your request. Please try again." are failures; -1008 too.
        let e = |code, msg: &str| Some(ApiErrorBody { code, msg: Some(msg.to_string()) });
        let unknown = |status, parsed: Option<ApiErrorBody>| leaves_outcome_unknown(status, parsed.as_ref(), b"");
        assert!(unknown(503, e(-1000, "Unknown error, please check your request or try again later.")));
        assert!(unknown(500, e(-1000, "An unknown error occurred while processing the request.")));
        assert!(unknown(400, e(-1007, "Timeout waiting for response from backend server.")));
        assert!(!unknown(503, e(-1000, "Service Unavailable.")));
        assert!(!unknown(503, e(-1001, "Internal error; unable to process your request. Please try again.")));
        assert!(!unknown(503, e(-1008, "Request throttled by system-level protection.")));
        assert!(!unknown(400, e(-2019, "Margin is insufficient.")));
        let text = |status, body: &[u8]| leaves_outcome_unknown(status, None, body);
        assert!(text(503, b"<html>Unknown error, please check your request or try again later.</html>"));
        assert!(!text(503, b"<html>Service Unavailable.</html>"));
        assert!(!text(503, b"Internal error; unable to process your request. Please try again."));
    }

    #[test]
    fn error_bodies_are_parsed_leniently() {
        let parse = |s: &str| parse_api_error(s.as_bytes());
        let e = |code, msg: Option<&str>| Some(ApiErrorBody { code, msg: msg.map(str::to_string) });
        assert_eq!(parse(r#"{"code":-1121,"msg":"Invalid symbol."}"#), e(-1121, Some("Invalid symbol.")));
        assert_eq!(parse(r#"{"code":"-1001","msg":"x"}"#), e(-1001, Some("x")));
        assert_eq!(parse(r#"{"code":-1001.0,"msg":"x"}"#), e(-1001, Some("x")));
        assert_eq!(parse(r#"{"code":" -1001.0 "}"#), e(-1001, None));
        assert_eq!(parse(r#"{"code":-1001,"msg":null}"#), e(-1001, None));
        assert_eq!(parse(r#"{"code":-1001,"msg":42}"#), e(-1001, Some("42")));
        for bad in [r#"{"msg":"x"}"#, r#"{"code":-1.5}"#, r#"{"code":"abc"}"#, r#"{"code":1e300}"#, "[1]", "<html>", ""]
        {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
