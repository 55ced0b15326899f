//! [`PreparedRequest`]: a request as it would go on the wire, for inspection and tests.

use crate::endpoint::{HttpMethod, Weight};
use std::fmt;
use std::sync::Arc;

/// A request ready to send: what goes on the wire, nothing hidden from the program. Its
/// `Debug` output redacts the signature and the API key, so that it can be logged.
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    /// HTTP method.
    pub method: HttpMethod,
    /// Base URL + path, without query.
    pub url: String,
    /// The encoded query, `signature` last when signed.
    pub query: String,
    /// Value of `X-MBX-APIKEY`, when the endpoint needs it (shared with the credentials).
    pub api_key: Option<Arc<str>>,
    /// Weight this request costs.
    pub weight: Weight,
}

impl PreparedRequest {
    /// URL with query, as sent (signature included: do not log it; log the `Debug` form).
    pub fn full_url(&self) -> String {
        if self.query.is_empty() {
            self.url.clone()
        } else {
            format!("{}?{}", self.url, self.query)
        }
    }
}

/// The query with the value of every `signature` parameter replaced by `<redacted>`. A
/// signature is not the secret, but with its payload it lets anyone replay the request within
/// `recvWindow`, so it stays out of logs.
pub(crate) fn redacted_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some(("signature", _)) => "signature=<redacted>",
            _ => pair,
        })
        .collect::<Vec<_>>()
        .join("&")
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("query", &redacted_query(&self.query))
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("weight", &self.weight)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_the_signature_and_the_api_key() {
        let request = PreparedRequest {
            method: HttpMethod::Post,
            url: "https://fapi.binance.com/fapi/v1/order".into(),
            query: "symbol=BTCUSDT&timestamp=1700000000000&signature=0123abcd%2Bef".into(),
            api_key: Some(Arc::from("my-api-key")),
            weight: Weight::ip(1),
        };
        let shown = format!("{request:?}");
        assert!(!shown.contains("0123abcd"), "{shown}");
        assert!(!shown.contains("my-api-key"), "{shown}");
        assert!(shown.contains("symbol=BTCUSDT&timestamp=1700000000000&signature=<redacted>"), "{shown}");
        assert_eq!(redacted_query("a=1&b=2"), "a=1&b=2");
        assert_eq!(redacted_query(""), "");
    }
}
