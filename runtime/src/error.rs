//! The one error type of the runtime. Messages say what happened and what to do; none of
//! them contains a secret (no API key, no secret key, no signature input).

use crate::product::{ApiCode, ApiErrorCode};
use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};

/// Result with the runtime's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Binance answered with an error body (`{"code": -1121, "msg": "Invalid symbol."}`). The
    /// body is read leniently: a code sent as a string (`"-1121"`) or a float (`-1121.0`) and a
    /// missing or `null` `msg` (kept as `""`) still make an `Api` error.
    #[error(
        "Binance rejected {endpoint} (HTTP {status}, code {code}{}): {}{}",
        name.map(|n| format!(" {n}")).unwrap_or_default(),
        if msg.is_empty() { "(no message)" } else { msg.as_str() },
        api_hint(*code)
    )]
    Api {
        /// The request type.
        endpoint: &'static str,
        /// HTTP status.
        status: u16,
        /// Binance's error code (negative).
        code: i64,
        /// The code's documented name (`BAD_SYMBOL`), when the product's spec lists it.
        name: Option<&'static str>,
        /// Binance's message (`""` when the body had none).
        msg: String,
        /// The start of the answer as it arrived (bounded), for what `code` and `msg` leave out.
        body: ErrorBody,
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
    /// The body did not decode into the expected model (or was not UTF-8); the start of the
    /// raw body is kept, byte for byte.
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
        /// The body as received (its first [`ErrorBody::MAX_KEPT`] bytes).
        body: ErrorBody,
    },
    /// An HTTP status without a Binance error body.
    #[error("{endpoint} failed with HTTP {status} and no Binance error body (the raw body is in `Error::Http::body`)")]
    Http {
        /// The request type.
        endpoint: &'static str,
        /// HTTP status.
        status: u16,
        /// The body as received (its first [`ErrorBody::MAX_KEPT`] bytes).
        body: ErrorBody,
    },
    /// The response body was larger than the client's cap
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)); reading
    /// stopped there. A 2xx status means the request itself was executed.
    #[error(
        "the response of {endpoint} (HTTP {status}) exceeds the {limit}-byte cap; reading stopped after {read} \
         bytes. Raise ClientBuilder::max_response_bytes if this endpoint really answers that much"
    )]
    ResponseTooLarge {
        /// The request type.
        endpoint: &'static str,
        /// HTTP status.
        status: u16,
        /// The cap in bytes.
        limit: usize,
        /// Bytes received before reading stopped (or the announced `Content-Length`).
        read: u64,
        /// The start of the body.
        body: ErrorBody,
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
    /// A non-GET request was sent but its result is unknown (no response in time, a lost or cut
    /// response, 5xx, -1006, -1007): it may have been executed. It is never retried; check its
    /// state before acting. Whatever part of the answer arrived is kept.
    #[error("outcome of {endpoint} is unknown ({reason}); it may have been executed: query its state before retrying")]
    OutcomeUnknown {
        /// The request type.
        endpoint: &'static str,
        /// Why the outcome is unknown.
        reason: String,
        /// The HTTP status, when a status line arrived.
        status: Option<u16>,
        /// Binance's error code, when the body carried one.
        code: Option<i64>,
        /// Binance's `msg`, when the body carried one.
        msg: Option<String>,
        /// Whatever body arrived (its first [`ErrorBody::MAX_KEPT`] bytes).
        body: Option<ErrorBody>,
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
    /// The shared rate-limit budget (see [`BudgetStore`](crate::BudgetStore)) could not be
    /// reached and its failure policy is to refuse requests rather than guess; nothing was sent.
    #[error("shared rate-limit budget {store} unavailable, request not sent: {reason}")]
    SharedBudget {
        /// The store, without credentials (`redis 127.0.0.1:6379`).
        store: String,
        /// What failed and what to do about it.
        reason: String,
    },
}

impl Error {
    /// An [`Error::Api`] whose code is named from `codes` (the product's documented codes).
    pub(crate) fn api(
        endpoint: &'static str,
        status: u16,
        code: i64,
        msg: Option<String>,
        codes: &'static [ApiErrorCode],
        body: ErrorBody,
    ) -> Error {
        let name = ApiCode::lookup(code, codes).name();
        Error::Api { endpoint, status, code, name, msg: msg.unwrap_or_default(), body }
    }

    /// An [`Error::OutcomeUnknown`] with no answer at all (nothing arrived).
    pub(crate) fn outcome_unknown(endpoint: &'static str, reason: String) -> Error {
        Error::OutcomeUnknown { endpoint, reason, status: None, code: None, msg: None, body: None }
    }

    /// Binance's error code, when Binance answered with one (also for an unknown outcome whose
    /// answer carried a code).
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Api { code, .. } => Some(*code),
            Error::OutcomeUnknown { code, .. } => *code,
            _ => None,
        }
    }

    /// The typed API error code of an [`Error::Api`]: the number and, for documented codes,
    /// its name.
    pub fn api_code(&self) -> Option<ApiCode> {
        match self {
            Error::Api { code, name: Some(name), .. } => Some(ApiCode::Known(ApiErrorCode { code: *code, name })),
            Error::Api { code, name: None, .. } => Some(ApiCode::Other(*code)),
            _ => None,
        }
    }

    /// The start of the response body, for errors that kept one.
    pub fn body(&self) -> Option<&ErrorBody> {
        match self {
            Error::Decode { body, .. } | Error::Http { body, .. } | Error::ResponseTooLarge { body, .. } => Some(body),
            Error::OutcomeUnknown { body, .. } => body.as_ref(),
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

/// The start of a response body as kept in an error: at most [`ErrorBody::MAX_KEPT`] bytes,
/// byte for byte (invalid UTF-8 included), and how many bytes were left out. Errors live in
/// logs and channels, so they never hold a whole (possibly huge) body.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ErrorBody {
    bytes: Vec<u8>,
    /// Bytes of the body not kept (0 when `bytes` is the whole body).
    cut: u64,
}

impl ErrorBody {
    /// Bytes kept: enough for any Binance error body and the start of a model that did not
    /// decode, small enough to log.
    pub const MAX_KEPT: usize = 4096;

    /// Keeps the start of `bytes`, cut at a character boundary when the body is text.
    pub fn new(bytes: Vec<u8>) -> ErrorBody {
        ErrorBody::with_more(bytes, 0)
    }

    /// The start of `bytes`, of a body that had `more` bytes after them.
    pub(crate) fn with_more(mut bytes: Vec<u8>, more: u64) -> ErrorBody {
        let total = bytes.len() as u64 + more;
        if bytes.len() > Self::MAX_KEPT {
            let mut keep = Self::MAX_KEPT;
            // Do not split a UTF-8 character: a text body stays readable with `as_str`.
            if let Err(e) = std::str::from_utf8(&bytes[..keep]) {
                if e.error_len().is_none() {
                    keep = e.valid_up_to();
                }
            }
            bytes.truncate(keep);
            bytes.shrink_to_fit();
        }
        let cut = total - bytes.len() as u64;
        ErrorBody { bytes, cut }
    }

    /// The kept bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The kept bytes as text, if they are UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }

    /// The kept bytes as text, invalid sequences shown as U+FFFD (for display only; the bytes
    /// themselves are in [`as_bytes`](Self::as_bytes)).
    pub fn to_string_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }

    /// How many bytes of the body were not kept.
    pub fn cut_bytes(&self) -> u64 {
        self.cut
    }

    /// Whether the whole body was kept.
    pub fn is_complete(&self) -> bool {
        self.cut == 0
    }

    /// Whether the body was empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty() && self.cut == 0
    }

    /// Bytes kept.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }
}

impl From<String> for ErrorBody {
    fn from(text: String) -> ErrorBody {
        ErrorBody::new(text.into_bytes())
    }
}

impl From<&str> for ErrorBody {
    fn from(text: &str) -> ErrorBody {
        let keep = text.len().min(ErrorBody::MAX_KEPT + 4);
        let start = text.get(..keep).map(str::as_bytes).unwrap_or_else(|| &text.as_bytes()[..keep]);
        ErrorBody::with_more(start.to_vec(), (text.len() - keep) as u64)
    }
}

/// Equal when the whole body was kept and is exactly this text.
impl PartialEq<str> for ErrorBody {
    fn eq(&self, other: &str) -> bool {
        self.is_complete() && self.bytes == other.as_bytes()
    }
}

impl PartialEq<&str> for ErrorBody {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

impl PartialEq<String> for ErrorBody {
    fn eq(&self, other: &String) -> bool {
        self == other.as_str()
    }
}

impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_lossy())?;
        if self.cut > 0 {
            write!(f, " [… {} more bytes not kept]", self.cut)?;
        }
        Ok(())
    }
}

/// Text with invalid bytes escaped as `\xNN`, so that the exact bytes show.
impl fmt::Debug for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for chunk in self.bytes.utf8_chunks() {
            for c in chunk.valid().chars() {
                write!(f, "{}", c.escape_debug())?;
            }
            for b in chunk.invalid() {
                write!(f, "\\x{b:02X}")?;
            }
        }
        f.write_str("\"")?;
        if self.cut > 0 {
            write!(f, " (+{} bytes not kept)", self.cut)?;
        }
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_body_keeps_a_bounded_prefix_and_says_how_much_was_cut() {
        let body = ErrorBody::new(vec![b'a'; 10_000]);
        assert_eq!(body.len(), ErrorBody::MAX_KEPT);
        assert_eq!(body.cut_bytes(), 10_000 - ErrorBody::MAX_KEPT as u64);
        assert!(!body.is_complete());
        assert!(body.to_string().ends_with("[… 5904 more bytes not kept]"));
        assert!(body != "a".repeat(10_000));
        let from_str = ErrorBody::from("b".repeat(10_000).as_str());
        assert_eq!((from_str.len(), from_str.cut_bytes()), (ErrorBody::MAX_KEPT, 5904));
    }

    #[test]
    fn the_prefix_does_not_split_a_character_and_invalid_bytes_are_kept() {
        let mut text = "a".repeat(ErrorBody::MAX_KEPT - 1);
        text.push('€'); // three bytes across the cut
        let body = ErrorBody::from(text);
        assert_eq!(body.len(), ErrorBody::MAX_KEPT - 1);
        assert_eq!(body.cut_bytes(), 3);
        assert!(body.as_str().is_some());
        let raw = ErrorBody::new(b"{\"a\":\"\xff\"}".to_vec());
        assert_eq!(raw.as_bytes(), b"{\"a\":\"\xff\"}");
        assert_eq!(raw.as_str(), None);
        assert_eq!(format!("{raw:?}"), r#""{\"a\":\"\xFF\"}""#);
    }

    #[test]
    fn api_errors_name_documented_codes_and_keep_unknown_numbers() {
        static CODES: [ApiErrorCode; 1] = [ApiErrorCode { code: -1121, name: "BAD_SYMBOL" }];
        let known = Error::api("E", 400, -1121, Some("Invalid symbol.".into()), &CODES, ErrorBody::new(Vec::new()));
        let code = known.api_code().unwrap();
        assert_eq!((code.code(), code.name()), (-1121, Some("BAD_SYMBOL")));
        assert!(known.to_string().contains("code -1121 BAD_SYMBOL): Invalid symbol."), "{known}");
        let other = Error::api("E", 400, -4999, None, &CODES, ErrorBody::new(Vec::new()));
        assert_eq!(other.api_code(), Some(ApiCode::Other(-4999)));
        assert_eq!(other.api_code().unwrap().name(), None);
        assert!(other.to_string().contains("(no message)"), "{other}");
    }
}
