//! The record of every request the mock answered, REST and WebSocket API alike, so that a test
//! can compare what a client sent with what it meant to send.

use crate::endpoints::EndpointRoute;
use std::collections::VecDeque;

/// How many records are kept; older ones are dropped first.
pub(crate) const LOG_CAPACITY: usize = 100_000;

/// How a request proved who sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Auth {
    /// It did not (or did not need to).
    None,
    /// A configured API key, no signature (`MARKET_DATA`, `USER_STREAM`).
    ApiKey,
    /// A configured API key and a valid signature.
    Signature,
    /// The WebSocket connection's `session.logon`.
    Session,
}

/// One request as the mock saw and answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// REST method and path, or WebSocket API method (as sent, even when unknown). A WebSocket
    /// handshake is logged as `GET` of the path it asked for, status 101 (its weight is 5).
    pub route: EndpointRoute,
    /// Parameters as decoded, in the order sent: the query then (POST/PUT) the form body; for
    /// the WebSocket API, `params` with strings unquoted and other values as JSON text.
    pub params: Vec<(String, String)>,
    /// What authenticated it, as far as the checks got.
    pub auth: Auth,
    /// The API key it named (header or `apiKey`/session), when it named a configured one.
    pub api_key: Option<String>,
    /// Weight booked for it (0 when refused for a rate limit).
    pub weight: u32,
    /// ORDERS count booked for it, per window (e.g. `("10S", 1)`).
    pub orders: Vec<(String, u32)>,
    /// HTTP status, or the WebSocket envelope's `status`.
    pub status: u16,
    /// Binance error code of a refusal.
    pub code: Option<i64>,
}

impl RequestRecord {
    pub(crate) fn new(route: EndpointRoute, params: Vec<(String, String)>) -> RequestRecord {
        RequestRecord {
            route,
            params,
            auth: Auth::None,
            api_key: None,
            weight: 0,
            orders: Vec::new(),
            status: 200,
            code: None,
        }
    }

    /// Whether a signature was checked and valid.
    pub fn signed(&self) -> bool {
        self.auth == Auth::Signature
    }

    /// The value of parameter `name`, when sent.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Appends, dropping the oldest beyond [`LOG_CAPACITY`].
pub(crate) fn push(log: &mut VecDeque<RequestRecord>, record: RequestRecord) {
    if log.len() >= LOG_CAPACITY {
        log.pop_front();
    }
    log.push_back(record);
}
