//! The one error type of the runtime. Messages say what happened and what to do; none of
//! them contains a secret (no API key, no secret key, no signature input).

use std::time::{Duration, SystemTime};

/// Result with the runtime's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Binance answered with an error body (`{"code": -1121, "msg": "Invalid symbol."}`).
    #[error("Binance rejected {endpoint} (HTTP {status}, code {code}): {msg}")]
    Api {
        /// The request type.
        endpoint: &'static str,
        /// HTTP status.
        status: u16,
        /// Binance's error code (negative).
        code: i64,
        /// Binance's message.
        msg: String,
    },
    /// The request would break, or broke, a rate limit; nothing was sent after the limit.
    #[error("rate limited on {host}: retry after {retry_after:?}")]
    RateLimited {
        /// The host whose budget is exhausted.
        host: String,
        /// How long to wait.
        retry_after: Duration,
    },
    /// The IP is banned (HTTP 418); every request to the host is refused until then.
    #[error("banned by {host} until {until:?}; the client sends nothing to this host before then")]
    Banned {
        /// The host.
        host: String,
        /// When the ban ends.
        until: SystemTime,
    },
    /// The body did not decode into the expected model; the raw body is kept.
    #[error(
        "cannot decode the response of {endpoint} (HTTP {status}): {reason}; the raw body is in `Error::Decode::body`"
    )]
    Decode {
        /// The request type.
        endpoint: &'static str,
        /// HTTP status.
        status: u16,
        /// What did not match.
        reason: String,
        /// The body as received.
        body: String,
    },
    /// An HTTP status without a Binance error body.
    #[error("{endpoint} failed with HTTP {status}")]
    Http {
        /// The request type.
        endpoint: &'static str,
        /// HTTP status.
        status: u16,
        /// The body as received.
        body: String,
    },
    /// Connecting or sending failed before a response arrived.
    #[error("transport error on {endpoint}: {reason}")]
    Transport {
        /// The request type.
        endpoint: &'static str,
        /// What failed.
        reason: String,
    },
    /// No response within the configured timeout.
    #[error("{endpoint} timed out after {after:?}")]
    Timeout {
        /// The request type.
        endpoint: &'static str,
        /// The timeout that expired.
        after: Duration,
    },
    /// A non-GET request was sent but its result is unknown (lost response, 5xx, -1006,
    /// -1007): it may have been executed. It is never retried; check its state before acting.
    #[error("outcome of {endpoint} is unknown ({reason}); it may have been executed: query its state before retrying")]
    OutcomeUnknown {
        /// The request type.
        endpoint: &'static str,
        /// Why the outcome is unknown.
        reason: String,
    },
    /// The request is invalid and was not sent.
    #[error("invalid request {endpoint}: {reason}")]
    InvalidRequest {
        /// The request type.
        endpoint: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The client is misconfigured (missing credentials, bad key, bad URL).
    #[error("configuration error: {0}")]
    Config(String),
}

impl Error {
    /// Binance's error code, when Binance answered with one.
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Api { code, .. } => Some(*code),
            _ => None,
        }
    }
}
