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
    #[error("Binance rejected {endpoint} (HTTP {status}, code {code}): {msg}{}", api_hint(*code))]
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
    /// The request would break, or broke (HTTP 429), a rate limit. With policy `FailFast` the
    /// governor refuses before sending; after a 429 the host is paused for `retry_after`.
    #[error(
        "rate limit reached on {host}: wait {retry_after:?} before sending more (the client pauses this host; \
         use RatePolicy::Wait to have it wait for you)"
    )]
    RateLimited {
        /// The host whose budget is exhausted.
        host: String,
        /// How long to wait.
        retry_after: Duration,
    },
    /// The IP is banned (HTTP 418); every request to the host is refused until then.
    #[error(
        "IP banned by {host} (HTTP 418) until {}; the client refuses every request to this host until then. \
         A ban follows requests sent after a 429: check what else uses this IP",
        describe_time(*until)
    )]
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
    #[error("{endpoint} failed with HTTP {status} and no Binance error body (the raw body is in `Error::Http::body`)")]
    Http {
        /// The request type.
        endpoint: &'static str,
        /// HTTP status.
        status: u16,
        /// The body as received.
        body: String,
    },
    /// Connecting or sending failed before a response arrived.
    #[error("could not exchange {endpoint} with the server: {reason}; check the network and the base URL")]
    Transport {
        /// The request type.
        endpoint: &'static str,
        /// What failed.
        reason: String,
    },
    /// No response within the configured timeout.
    #[error(
        "{endpoint} got no response within {after:?}; raise it with ClientBuilder::timeout if the network is slow"
    )]
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
    #[error("client configuration error: {0}")]
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

    /// How long to wait before the host accepts requests again, for rate-limit and ban errors.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => Some(*retry_after),
            Error::Banned { until, .. } => Some(until.duration_since(SystemTime::now()).unwrap_or_default()),
            _ => None,
        }
    }
}

/// A short hint for the Binance codes a user can act on.
fn api_hint(code: i64) -> &'static str {
    match code {
        -1003 => " (too much request weight: the governor's budget may be set higher than the server's)",
        -1021 => " (timestamp outside recvWindow: sync the clock with RestClient::sync_time or raise recvWindow)",
        -1022 => " (signature invalid: check the secret or private key and that it matches the API key's type)",
        -2014 | -2015 => " (API key invalid, IP not whitelisted, or the key lacks permission for this endpoint)",
        _ => "",
    }
}

/// `2026-01-01T00:00:00Z`-style text is not available without a date crate; Unix seconds plus
/// the remaining time say the same.
fn describe_time(at: SystemTime) -> String {
    let unix = at.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    match at.duration_since(SystemTime::now()) {
        Ok(left) => format!("Unix time {unix} ({}s from now)", left.as_secs()),
        Err(_) => format!("Unix time {unix} (already passed)"),
    }
}
