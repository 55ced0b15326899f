//! The REST client: one generic executor for every endpoint.
//!
//! A call goes: build the query (validating `recvWindow` before anything is sent) → reserve the
//! endpoint's weight with the [`Governor`] → add `recvWindow`, `timestamp` (server-synced) and
//! `signature` → send → reconcile rate-limit headers → read the body up to the size cap →
//! classify the answer ([`outcome`]) → decode. GETs are retried on temporary failures
//! ([`RetryPolicy`]) and once after a `-1021` clock resync; other methods are never retried,
//! and a lost or 5xx answer to them is [`Error::OutcomeUnknown`].
//!
//! The files: [`builder`] (configuration and its checks), [`prepared`] (a request as it goes on
//! the wire), [`executor`] (attempts and retries), [`body`] (bounded body reading),
//! [`outcome`] (what an answer means and whether it may be resent), [`time_sync`] (server-time
//! sampling and the single-flight resync).

mod body;
mod builder;
mod executor;
pub(crate) mod outcome;
mod prepared;
mod response_future;
mod time_sync;

pub use builder::{ClientBuilder, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, MAX_RECV_WINDOW_MS};
pub use prepared::PreparedRequest;
pub use response_future::ResponseFuture;

use crate::clock::Clock;
use crate::endpoint::{HttpMethod, RestEndpoint, Security, Weight};
use crate::governor::{Governor, RatePolicy, UsageSnapshot};
use crate::params::QueryWriter;
use crate::retry::{Jitter, RetryPolicy};
use crate::{Credentials, Endpoint, Error, ErrorBody, Product, Result};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A REST client for one product; cheap to clone. Clones share the connection pool, the
/// rate-limit governor and the clock offset.
#[derive(Clone)]
pub struct RestClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// The base URL as configured, without a trailing `/`.
    base: String,
    /// `base`, parsed once: each request sets its path and query on a clone, so that the
    /// scheme and host are not parsed again per request.
    base_url: reqwest::Url,
    /// The path of `base_url` without a trailing `/` (usually empty; a proxy may add one),
    /// which every endpoint path follows.
    base_path: String,
    product: &'static Product,
    credentials: Option<Credentials>,
    /// `X-MBX-APIKEY`, built once from `credentials`.
    api_key_header: Option<reqwest::header::HeaderValue>,
    recv_window: Option<u64>,
    timeout: Duration,
    max_response_bytes: usize,
    governor: Governor,
    rate_policy: RatePolicy,
    retry: RetryPolicy,
    jitter: Jitter,
    clock: Clock,
    resync: time_sync::Resync,
}

impl fmt::Debug for RestClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestClient")
            .field("product", &self.inner.product.name)
            .field("base_url", &self.inner.base)
            .field("credentials", &self.inner.credentials)
            .field("rate_policy", &self.inner.rate_policy)
            .finish_non_exhaustive()
    }
}

/// A call before `recvWindow`, `timestamp` and `signature`: validated, not yet time-stamped, so
/// it can wait for rate budget and be re-signed for each attempt.
struct Call<'a> {
    name: &'static str,
    method: HttpMethod,
    path: &'a str,
    /// The request's own parameters.
    query: QueryWriter,
    signed: bool,
    needs_api_key: bool,
    recv_window: Option<u64>,
    weight: Weight,
}

/// A 2xx answer read whole (within the size cap), with local times around the exchange that
/// produced it (for clock sync).
struct Success {
    status: u16,
    body: Vec<u8>,
    sent_ms: i64,
    received_ms: i64,
}

impl RestClient {
    /// The product this client talks to.
    pub fn product(&self) -> &'static Product {
        self.inner.product
    }

    /// The REST base URL in use.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// The rate-limit governor of this client's host (shared by its clones).
    pub fn governor(&self) -> &Governor {
        &self.inner.governor
    }

    /// Current usage of every rate budget of this client's host.
    pub fn usage(&self) -> Vec<UsageSnapshot> {
        self.inner.governor.usage()
    }

    /// The rate policy in use.
    pub fn rate_policy(&self) -> RatePolicy {
        self.inner.rate_policy
    }

    /// Server time minus local time in milliseconds, as last measured (0 before any sync).
    pub fn time_offset_ms(&self) -> i64 {
        self.inner.clock.offset_ms()
    }

    /// Sets the server-time offset by hand (e.g. restored from a previous run, or skewed in a test).
    pub fn set_time_offset_ms(&self, offset_ms: i64) {
        self.inner.clock.set_offset_ms(offset_ms);
        self.inner.governor.set_clock_offset_ms(offset_ms);
    }

    /// The current server time in milliseconds, as estimated from the last sync (local time
    /// before any sync), e.g. for WebSocket API `timestamp`s.
    pub fn server_time_ms(&self) -> u64 {
        self.inner.clock.now_ms()
    }

    /// Builds the request with the server-synced current time as `timestamp`.
    pub fn prepare<E: RestEndpoint>(&self, request: &E) -> Result<PreparedRequest> {
        self.prepare_at(request, self.inner.clock.now_ms())
    }

    /// Builds the request with a given `timestamp` (milliseconds), e.g. for tests.
    pub fn prepare_at<E: RestEndpoint>(&self, request: &E, timestamp_ms: u64) -> Result<PreparedRequest> {
        let mut call = self.call(request)?;
        let mut query = std::mem::take(&mut call.query);
        self.finish(&call, &mut query, timestamp_ms);
        let url = format!("{}{}", self.inner.base, call.path);
        let query = query.into_string();
        let api_key = match &self.inner.credentials {
            Some(c) if call.needs_api_key => Some(c.shared_api_key()),
            _ => None,
        };
        Ok(PreparedRequest { method: call.method, url, query, api_key, weight: call.weight })
    }

    /// Sends the request and decodes the response: rate-limited, time-stamped, signed, retried
    /// when safe. See the module docs for the whole path.
    ///
    /// The request is encoded (and validated) here; the returned future owns everything it
    /// needs and sends nothing until awaited. Non-generic code does the rest, so a crate that
    /// calls this compiles little per endpoint (see [`ResponseFuture`]).
    pub fn execute<E: RestEndpoint>(&self, request: &E) -> ResponseFuture<E::Response> {
        ResponseFuture::new(self.start(self.call(request)), decode_answer::<E>)
    }

    /// Validates and encodes the request's own parameters. Only the encoding depends on the
    /// endpoint's type; the checks are [`RestClient::checked_call`], compiled once rather than
    /// once per endpoint.
    fn call<E: RestEndpoint>(&self, request: &E) -> Result<Call<'static>> {
        // Room for the parameters of most requests plus what `finish` adds to signed ones.
        let mut query = QueryWriter::with_capacity(64 + executor::SIGNED_SUFFIX_ROOM);
        request.write_params(&mut query);
        let signed = E::SECURITY.is_signed();
        self.checked_call(
            Call {
                name: E::NAME,
                method: E::METHOD,
                path: E::PATH,
                query,
                signed,
                needs_api_key: E::SECURITY.needs_api_key(),
                recv_window: if signed { request.recv_window() } else { None },
                weight: request.weight(),
            },
            E::SECURITY,
        )
    }

    /// The call, checked: credentials present when the security type needs them, the receive
    /// window (the request's own, else the client's) within Binance's bounds.
    fn checked_call(&self, mut call: Call<'static>, security: Security) -> Result<Call<'static>> {
        if call.needs_api_key && self.inner.credentials.is_none() {
            return Err(Error::Config(format!(
                "{} needs an API key ({security:?} security); set credentials on the client builder",
                call.name
            )));
        }
        if call.signed {
            call.recv_window = call.recv_window.or(self.inner.recv_window);
        }
        if let Some(rw) = call.recv_window {
            builder::check_recv_window(rw).map_err(|reason| Error::InvalidRequest { endpoint: call.name, reason })?;
        }
        Ok(call)
    }
}

/// Turns the executor's result into the call's: the 2xx answer decoded, an error passed through.
fn decode_answer<E: Endpoint>(answer: Result<Success>) -> Result<E::Response> {
    let ok = answer?;
    decode::<E>(ok.status, ok.body)
}

/// Decodes a 2xx body into the endpoint's response. A body that is not UTF-8 is a decode error
/// (never patched with U+FFFD); every decode error keeps the start of the raw bytes. Only the
/// `serde_json` call depends on the response type; the rest is compiled once.
pub(crate) fn decode<E: Endpoint>(status: u16, body: Vec<u8>) -> Result<E::Response> {
    let text = utf8_body(E::NAME, status, body)?;
    match serde_json::from_str(&text) {
        Ok(response) => Ok(response),
        Err(e) => Err(decode_error(E::NAME, status, &e, text)),
    }
}

/// The body as text. Checking UTF-8 up front also covers strings the model ignores, which
/// serde_json skips without checking; `String::from_utf8` does not copy.
fn utf8_body(endpoint: &'static str, status: u16, body: Vec<u8>) -> Result<String> {
    String::from_utf8(body).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Error::Decode {
            endpoint,
            status,
            reason: format!("the body is not valid UTF-8 (invalid byte at offset {at})"),
            body: ErrorBody::new(e.into_bytes()),
        }
    })
}

#[cold]
fn decode_error(endpoint: &'static str, status: u16, e: &serde_json::Error, text: String) -> Error {
    Error::Decode { endpoint, status, reason: e.to_string(), body: ErrorBody::from(text) }
}
