//! Building the HTTP answers the mock sends, with Binance's bodies and headers.

use crate::checks::Rejection;
use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use std::time::Duration;

/// A JSON response with `status` and `body`.
pub(crate) fn json(status: StatusCode, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Binance's error body: `{"code":-1022,"msg":"..."}`.
pub(crate) fn binance_error(status: StatusCode, code: i64, msg: &str) -> Response {
    json(status, serde_json::json!({ "code": code, "msg": msg }).to_string())
}

/// The error response of a rejection, with `Retry-After` when it has a wait.
pub(crate) fn rejection(rejection: &Rejection) -> Response {
    let status = StatusCode::from_u16(rejection.status).unwrap_or(StatusCode::BAD_REQUEST);
    let response = binance_error(status, rejection.code, &rejection.msg);
    match rejection.retry_after_ms {
        Some(ms) => with_retry_after(response, Duration::from_millis(u64::try_from(ms).unwrap_or(0))),
        None => response,
    }
}

/// Adds `Retry-After` in whole seconds, rounded up and at least 1, as HTTP requires integers.
pub(crate) fn with_retry_after(mut response: Response, wait: Duration) -> Response {
    let millis = wait.as_millis().max(1);
    let seconds = millis.div_ceil(1000);
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// Adds a weight header such as `X-MBX-USED-WEIGHT-1M: 25`.
pub(crate) fn with_header(mut response: Response, name: &str, value: u64) -> Response {
    if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::from_str(&value.to_string())) {
        response.headers_mut().insert(name, value);
    }
    response
}
