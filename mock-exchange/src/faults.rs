//! Faults a test injects while the mock runs, and the broken answers they produce.

use crate::reply;
use axum::body::{Body, Bytes, HttpBody};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use std::io;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

/// One way the exchange misbehaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Wait this long before handling the request normally.
    Latency(Duration),
    /// Answer with this HTTP status and body (JSON content type) instead of handling the request.
    Status {
        /// HTTP status code, e.g. 500.
        status: u16,
        /// Body text.
        body: String,
    },
    /// Answer with a Binance error body `{"code":…,"msg":…}` and this HTTP status.
    BinanceError {
        /// HTTP status code.
        status: u16,
        /// Binance error code, e.g. -1008.
        code: i64,
        /// Binance message.
        msg: String,
    },
    /// Answer 200 with a body that is not valid JSON.
    MalformedJson,
    /// Answer 200 declaring a `Content-Length` larger than the bytes sent, then close the connection.
    TruncatedBody,
    /// Close the connection (TCP reset) without sending any response, after reading the request.
    ConnectionReset,
}

impl Fault {
    /// HTTP 500 with Binance's internal-error body (`-1001`): the outcome is unknown.
    pub fn internal_error() -> Fault {
        Fault::BinanceError {
            status: 500,
            code: -1001,
            msg: "Internal error; unable to process your request. Please try again.".into(),
        }
    }

    /// HTTP 503 "Service Unavailable." (`{"code":-1000,"msg":"Service Unavailable."}`): the request
    /// was not processed and can be retried.
    pub fn service_unavailable() -> Fault {
        Fault::BinanceError { status: 503, code: -1000, msg: "Service Unavailable.".into() }
    }

    /// HTTP 503 with `-1008` "Server is currently overloaded with other requests. Please try again in a few minutes."
    pub fn throttled() -> Fault {
        Fault::BinanceError {
            status: 503,
            code: -1008,
            msg: "Server is currently overloaded with other requests. Please try again in a few minutes.".into(),
        }
    }

    /// HTTP 500 with `-1006` "An unexpected response was received from the message bus. Execution status unknown."
    pub fn unexpected_response() -> Fault {
        Fault::BinanceError {
            status: 500,
            code: -1006,
            msg: "An unexpected response was received from the message bus. Execution status unknown.".into(),
        }
    }

    /// HTTP 408 with `-1007` "Timeout waiting for response from backend server. Send status unknown; execution status unknown."
    pub fn backend_timeout() -> Fault {
        Fault::BinanceError {
            status: 408,
            code: -1007,
            msg: "Timeout waiting for response from backend server. Send status unknown; execution status unknown."
                .into(),
        }
    }

    /// This fault for the next `n` matching requests only.
    pub fn times(self, n: u32) -> FaultRule {
        FaultRule::from(self).times(n)
    }

    /// This fault for requests to `path` only (every time, unless limited with [`FaultRule::times`]).
    pub fn on_path(self, path: impl Into<String>) -> FaultRule {
        FaultRule::from(self).on_path(path)
    }
}

/// A fault with the requests it applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// The fault.
    pub fault: Fault,
    /// Only requests to this exact path; `None` = every path.
    pub path: Option<String>,
    /// How many more requests it applies to; `None` = until cleared.
    pub remaining: Option<u32>,
}

impl From<Fault> for FaultRule {
    /// Every request, until cleared.
    fn from(fault: Fault) -> FaultRule {
        FaultRule { fault, path: None, remaining: None }
    }
}

impl FaultRule {
    /// Applies to the next `n` matching requests only.
    pub fn times(mut self, n: u32) -> FaultRule {
        self.remaining = Some(n);
        self
    }

    /// Applies to requests to `path` only.
    pub fn on_path(mut self, path: impl Into<String>) -> FaultRule {
        self.path = Some(path.into());
        self
    }
}

/// The active rules, checked in the order they were added.
#[derive(Debug, Default)]
pub(crate) struct FaultPlan(Mutex<Vec<FaultRule>>);

impl FaultPlan {
    /// Replaces every rule with `rule`.
    pub(crate) fn set(&self, rule: FaultRule) {
        let mut rules = self.lock();
        rules.clear();
        rules.extend(Some(rule).filter(|r| r.remaining != Some(0)));
    }

    /// Adds `rule` after the existing ones.
    pub(crate) fn add(&self, rule: FaultRule) {
        // `times(0)` applies to nothing.
        if rule.remaining != Some(0) {
            self.lock().push(rule);
        }
    }

    /// Removes every rule.
    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    /// The fault for a request to `path`, using up one application of the first matching rule.
    pub(crate) fn take(&self, path: &str) -> Option<Fault> {
        let mut rules = self.lock();
        let index = rules.iter().position(|r| r.path.as_deref().is_none_or(|p| p == path))?;
        let fault = rules[index].fault.clone();
        if let Some(remaining) = &mut rules[index].remaining {
            *remaining = remaining.saturating_sub(1);
            if *remaining == 0 {
                rules.remove(index);
            }
        }
        Some(fault)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FaultRule>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The answer for a fault that replaces the response (not latency, not a reset, which the
/// handler and the connection carry out). `example` is the body a good answer would have had.
pub(crate) fn broken_answer(fault: &Fault, example: &str) -> Response {
    match fault {
        Fault::Status { status, body } => reply::json(status_code(*status), body.clone()),
        Fault::BinanceError { status, code, msg } => reply::binance_error(status_code(*status), *code, msg),
        Fault::MalformedJson => {
            // Cut inside the first value and add garbage: no JSON parser accepts it.
            let cut = example.len().min(12);
            let body = format!("{}<<not json", example.get(..cut).unwrap_or(example));
            reply::json(StatusCode::OK, body)
        }
        Fault::TruncatedBody => truncated(example),
        Fault::Latency(_) | Fault::ConnectionReset => reply::json(StatusCode::OK, example.to_owned()),
    }
}

fn status_code(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// 200 with `Content-Length` of the whole example but only its first half sent, then an error
/// that makes hyper abort the connection.
fn truncated(example: &str) -> Response {
    let full = example.len().max(2);
    let half = Bytes::copy_from_slice(&example.as_bytes()[..example.len() / 2]);
    let mut response = reply::json(StatusCode::OK, Body::new(HalfBody::Chunk(half)));
    response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(full));
    response
}

/// A body that yields one chunk, pauses once so hyper flushes it with the head, then fails.
enum HalfBody {
    Chunk(Bytes),
    Pause,
    Fail,
}

impl HttpBody for HalfBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, io::Error>>> {
        match std::mem::replace(&mut *self, HalfBody::Fail) {
            HalfBody::Chunk(chunk) => {
                *self = HalfBody::Pause;
                Poll::Ready(Some(Ok(http_body::Frame::data(chunk))))
            }
            // hyper flushes what it buffered while the body is pending.
            HalfBody::Pause => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            HalfBody::Fail => {
                Poll::Ready(Some(Err(io::Error::new(io::ErrorKind::UnexpectedEof, "truncated body fault"))))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_shot_rules_expire_and_path_rules_match_their_path_only() {
        let plan = FaultPlan::default();
        plan.add(Fault::MalformedJson.on_path("/a").times(1));
        plan.add(Fault::ConnectionReset.times(2));
        assert_eq!(plan.take("/b"), Some(Fault::ConnectionReset));
        assert_eq!(plan.take("/a"), Some(Fault::MalformedJson));
        assert_eq!(plan.take("/a"), Some(Fault::ConnectionReset));
        assert_eq!(plan.take("/a"), None);
    }

    #[test]
    fn persistent_rules_stay_until_cleared() {
        let plan = FaultPlan::default();
        plan.set(Fault::internal_error().into());
        assert!(plan.take("/x").is_some());
        assert!(plan.take("/x").is_some());
        plan.clear();
        assert_eq!(plan.take("/x"), None);
    }
}
