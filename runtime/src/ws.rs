//! WebSocket API message shapes shared by every method.

use serde::{Deserialize, Serialize};

/// The response envelope `{id, status, result | error, rateLimits}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WsResponse<T> {
    /// The request id, echoed.
    pub id: serde_json::Value,
    /// HTTP-like status.
    pub status: u16,
    /// The result, on success.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<T>,
    /// The error, on failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<WsError>,
    /// Rate-limit usage after this request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rate_limits: Vec<RateLimitUsage>,
}

/// The `error` member of a failed WebSocket API response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WsError {
    /// Binance's error code.
    pub code: i64,
    /// Binance's message.
    pub msg: String,
    /// Extra data, e.g. `retryAfter` (epoch milliseconds) when rate limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

/// One entry of `rateLimits`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitUsage {
    /// `REQUEST_WEIGHT`, `ORDERS`, …
    pub rate_limit_type: String,
    /// `SECOND`, `MINUTE`, …
    pub interval: String,
    /// Window length in intervals.
    pub interval_num: u32,
    /// The limit.
    pub limit: u64,
    /// Used so far in the window.
    pub count: u64,
}
