//! The generic executor: one code path for every REST endpoint.
//!
//! A call goes: build the query (validating `recvWindow` before anything is sent) → reserve the
//! endpoint's weight with the [`Governor`] → add `recvWindow`, `timestamp` (server-synced) and
//! `signature` → send → reconcile rate-limit headers → classify the answer. GETs are retried on
//! temporary failures ([`RetryPolicy`]) and once after a `-1021` clock resync; other methods are
//! never retried, and a lost or 5xx answer to them is [`Error::OutcomeUnknown`].

use crate::clock::{local_ms, Clock};
use crate::endpoint::{HttpMethod, RestEndpoint, Weight, WeightKind};
use crate::governor::{Governor, RatePolicy, UsageSnapshot};
use crate::params::QueryWriter;
use crate::retry::{is_retryable_get, Jitter, RetryPolicy};
use crate::{Credentials, Endpoint, Error, ParamWriter, Product, RateLimit, Result};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Binance rejects `recvWindow` above this.
pub const MAX_RECV_WINDOW_MS: u64 = 60_000;

/// Room for what `finish` adds: `&recvWindow=60000&timestamp=<13 digits>&signature=` and 64
/// hex digits (HMAC) or 88 base64 characters, percent-encoded (Ed25519; usually fits). Longer
/// signatures (RSA) grow the buffer once.
const SIGNED_SUFFIX_ROOM: usize = 160;

const API_KEY_HEADER: reqwest::header::HeaderName = reqwest::header::HeaderName::from_static("x-mbx-apikey");

/// Builds a [`RestClient`] for one product.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    product: &'static Product,
    base_url: Option<String>,
    credentials: Option<Credentials>,
    recv_window: Option<u64>,
    timeout: Duration,
    rate_policy: RatePolicy,
    rate_limits: Option<Vec<RateLimit>>,
    window_override: Option<Duration>,
    governor: Option<Governor>,
    retry: RetryPolicy,
}

impl ClientBuilder {
    /// Starts from the product's production base URL and declared rate limits.
    pub fn new(product: &'static Product) -> Self {
        ClientBuilder {
            product,
            base_url: None,
            credentials: None,
            recv_window: None,
            timeout: Duration::from_secs(10),
            rate_policy: RatePolicy::default(),
            rate_limits: None,
            window_override: None,
            governor: None,
            retry: RetryPolicy::default(),
        }
    }

    /// Overrides the REST base URL (testnet, a proxy, or a local mock exchange).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Uses the product's testnet REST URL.
    pub fn testnet(mut self) -> Self {
        self.base_url = self.product.rest_testnet_url.map(str::to_string);
        self
    }

    /// Credentials for signed endpoints.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Default `recvWindow` in milliseconds for signed requests (1..=60000); a request's own
    /// `recv_window` wins.
    pub fn recv_window(mut self, ms: u64) -> Self {
        self.recv_window = Some(ms);
        self
    }

    /// Timeout of one HTTP exchange (connect, send, whole body). Default 10 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// What to do when a request does not fit the rate budget: wait (default) or fail fast.
    pub fn rate_policy(mut self, policy: RatePolicy) -> Self {
        self.rate_policy = policy;
        self
    }

    /// Replaces the product's declared rate limits, e.g. with the live ones from
    /// `exchangeInfo`, or smaller ones in tests.
    pub fn rate_limits(mut self, limits: Vec<RateLimit>) -> Self {
        self.rate_limits = Some(limits);
        self
    }

    /// Enforces every rate-limit window with this length instead of the declared one (tests
    /// against a mock exchange with a shortened minute).
    pub fn rate_limit_window_override(mut self, window: Duration) -> Self {
        self.window_override = Some(window);
        self
    }

    /// Shares an existing governor (and its budgets) with this client, for clients that draw
    /// on the same IP budget. Its limits win over `rate_limits` and the product's.
    pub fn governor(mut self, governor: Governor) -> Self {
        self.governor = Some(governor);
        self
    }

    /// Retry bounds for GET requests (non-GET requests are never retried).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Builds the client; fails on a missing or malformed base URL or `recvWindow`.
    pub fn build(self) -> Result<RestClient> {
        let base = match self.base_url.as_deref().or(self.product.rest_url) {
            Some(b) => b.trim_end_matches('/').to_string(),
            None => {
                return Err(Error::Config(format!(
                    "product `{}` has no REST base URL; set one with `base_url`",
                    self.product.name
                )))
            }
        };
        let host = match base.strip_prefix("https://").or_else(|| base.strip_prefix("http://")) {
            Some(rest) => rest.split('/').next().unwrap_or_default().to_string(),
            None => return Err(Error::Config(format!("base URL `{base}` must start with https:// or http://"))),
        };
        if host.is_empty() {
            return Err(Error::Config(format!("base URL `{base}` has no host")));
        }
        let base_url = reqwest::Url::parse(&base)
            .map_err(|e| Error::Config(format!("base URL `{base}` is not a valid URL: {e}")))?;
        if base_url.query().is_some() || base_url.fragment().is_some() {
            return Err(Error::Config(format!("base URL `{base}` must not have a query or fragment")));
        }
        if let Some(rw) = self.recv_window {
            check_recv_window(rw).map_err(|reason| Error::Config(format!("client default {reason}")))?;
        }
        if self.retry.max_attempts == 0 {
            return Err(Error::Config("retry_policy.max_attempts must be at least 1 (the first attempt)".into()));
        }
        if self.timeout.is_zero() {
            return Err(Error::Config("the timeout must be longer than zero".into()));
        }
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        let api_key_header = match &self.credentials {
            Some(c) => {
                // `Credentials` only accepts visible ASCII keys, so this error cannot happen.
                let mut value = reqwest::header::HeaderValue::from_str(c.api_key())
                    .map_err(|_| Error::Config("the API key has characters that cannot go in an HTTP header".into()))?;
                value.set_sensitive(true); // Kept out of the HTTP stack's debug output.
                Some(value)
            }
            None => None,
        };
        let governor = self.governor.unwrap_or_else(|| {
            let limits = self.rate_limits.as_deref().unwrap_or(self.product.rate_limits);
            Governor::new(host, limits, self.window_override)
        });
        Ok(RestClient {
            inner: Arc::new(Inner {
                http,
                base_path: base_url.path().trim_end_matches('/').to_string(),
                base_url,
                base,
                product: self.product,
                credentials: self.credentials,
                api_key_header,
                recv_window: self.recv_window,
                timeout: self.timeout,
                governor,
                rate_policy: self.rate_policy,
                retry: self.retry,
                jitter: Jitter::from_clock(),
                clock: Clock::default(),
            }),
        })
    }
}

fn check_recv_window(ms: u64) -> std::result::Result<(), String> {
    if ms == 0 || ms > MAX_RECV_WINDOW_MS {
        return Err(format!("recvWindow {ms} ms is outside 1..={MAX_RECV_WINDOW_MS}"));
    }
    Ok(())
}

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
    governor: Governor,
    rate_policy: RatePolicy,
    retry: RetryPolicy,
    jitter: Jitter,
    clock: Clock,
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

/// A request ready to send: what goes on the wire, nothing hidden.
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
    /// URL with query, as sent.
    pub fn full_url(&self) -> String {
        if self.query.is_empty() {
            self.url.clone()
        } else {
            format!("{}?{}", self.url, self.query)
        }
    }
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("query", &self.query)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("weight", &self.weight)
            .finish()
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

/// A 2xx answer, with local times around the exchange that produced it (for clock sync).
struct Success {
    status: u16,
    body: String,
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
    pub async fn execute<E: RestEndpoint>(&self, request: &E) -> Result<E::Response> {
        let call = self.call(request)?;
        let ok = self.run(&call).await?;
        decode::<E>(ok.status, &ok.body)
    }

    /// Measures the server-time offset from the product's time endpoint and uses it for every
    /// later `timestamp`. Returns the offset (server minus local) in milliseconds.
    pub async fn sync_time(&self) -> Result<i64> {
        let Some(path) = self.inner.product.time_path else {
            return Err(Error::Config(format!(
                "product `{}` declares no server-time endpoint (`time_path` in its spec); cannot sync the clock",
                self.inner.product.name
            )));
        };
        let call = Call {
            name: "server_time",
            method: HttpMethod::Get,
            path,
            query: QueryWriter::new(),
            signed: false,
            needs_api_key: false,
            recv_window: None,
            weight: Weight { kind: WeightKind::Ip, value: 1, orders: &[] },
        };
        let ok = self.run_attempts(&call).await?;
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct ServerTime {
            server_time: i64,
        }
        let server: ServerTime = serde_json::from_str(&ok.body).map_err(|e| Error::Decode {
            endpoint: "server_time",
            status: ok.status,
            reason: e.to_string(),
            body: ok.body.clone(),
        })?;
        let offset = self.inner.clock.learn(server.server_time, ok.sent_ms, ok.received_ms);
        tracing::debug!(offset_ms = offset, "server time synced");
        Ok(offset)
    }

    /// Validates and encodes the request's own parameters.
    fn call<E: RestEndpoint>(&self, request: &E) -> Result<Call<'static>> {
        // Room for the parameters of most requests plus what `finish` adds to signed ones.
        let mut query = QueryWriter::with_capacity(64 + SIGNED_SUFFIX_ROOM);
        request.write_params(&mut query);
        if E::SECURITY.needs_api_key() && self.inner.credentials.is_none() {
            return Err(Error::Config(format!(
                "{} needs an API key ({:?} security); set credentials on the client builder",
                E::NAME,
                E::SECURITY
            )));
        }
        let signed = E::SECURITY.is_signed();
        let recv_window = if signed { request.recv_window().or(self.inner.recv_window) } else { None };
        if let Some(rw) = recv_window {
            check_recv_window(rw).map_err(|reason| Error::InvalidRequest { endpoint: E::NAME, reason })?;
        }
        Ok(Call {
            name: E::NAME,
            method: E::METHOD,
            path: E::PATH,
            query,
            signed,
            needs_api_key: E::SECURITY.needs_api_key(),
            recv_window,
            weight: request.weight(),
        })
    }

    /// Adds `recvWindow`, `timestamp` and `signature` (last) to `query`, the call's query or a
    /// copy of it. The signature is written straight into the query.
    fn finish(&self, call: &Call<'_>, query: &mut QueryWriter, timestamp_ms: u64) {
        if !call.signed {
            return;
        }
        if let Some(rw) = call.recv_window {
            query.uint("recvWindow", rw);
        }
        query.uint("timestamp", timestamp_ms);
        // `call` checked that signed endpoints have credentials.
        if let Some(credentials) = &self.inner.credentials {
            credentials.signature(query.as_str().as_bytes()).write_param("signature", query);
        }
    }

    /// Attempts plus, for a GET rejected with -1021, one clock resync and one more round.
    async fn run(&self, call: &Call<'_>) -> Result<Success> {
        match self.run_attempts(call).await {
            Err(e) if e.code() == Some(-1021) && call.signed && self.inner.product.time_path.is_some() => {
                tracing::warn!(endpoint = call.name, "timestamp rejected (-1021); resyncing the clock");
                if let Err(sync_error) = self.sync_time().await {
                    tracing::warn!(error = %sync_error, "clock resync failed");
                    return Err(e);
                }
                if call.method == HttpMethod::Get {
                    return self.run_attempts(call).await;
                }
                Err(e)
            }
            other => other,
        }
    }

    /// The first attempt and, for GETs, retries of temporary failures within the policy.
    async fn run_attempts(&self, call: &Call<'_>) -> Result<Success> {
        let policy = self.inner.retry;
        let started = tokio::time::Instant::now();
        let mut attempt = 1;
        loop {
            let error = match self.attempt(call).await {
                Ok(ok) => return Ok(ok),
                Err(e) => e,
            };
            if call.method != HttpMethod::Get || attempt >= policy.max_attempts || !is_retryable_get(&error) {
                return Err(error);
            }
            let delay = policy.delay(attempt, &self.inner.jitter);
            if started.elapsed().saturating_add(delay) > policy.max_total {
                tracing::warn!(endpoint = call.name, attempt, error = %error, "giving up: retry time budget spent");
                return Err(error);
            }
            tracing::warn!(endpoint = call.name, attempt, ?delay, error = %error, "retrying GET");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// One exchange: reserve weight, time-stamp and sign, send, classify.
    async fn attempt(&self, call: &Call<'_>) -> Result<Success> {
        let governor = &self.inner.governor;
        let reservation = governor.reserve(call.name, call.weight, self.inner.rate_policy).await?;
        // Time-stamped after any wait for budget, so the wait cannot cause a -1021.
        let mut query = call.query.clone_with_room(SIGNED_SUFFIX_ROOM);
        self.finish(call, &mut query, self.inner.clock.now_ms());
        tracing::debug!(
            endpoint = call.name,
            method = call.method.as_str(),
            path = call.path,
            weight = call.weight.value,
            "sending"
        );
        let sent_ms = local_ms();
        let result = self.send(call, self.url(call.path, query.as_str())).await;
        let received_ms = local_ms();
        drop(reservation);
        let (status, retry_after, body) = match result {
            Ok(answer) => answer,
            Err(e) => return Err(self.transport_error(call, e)),
        };
        match status {
            200..=299 => Ok(Success { status, body, sent_ms, received_ms }),
            418 => {
                let until = governor.ban(retry_after);
                Err(Error::Banned { host: governor.host().to_string(), until })
            }
            429 => {
                let retry_after = governor.pause(retry_after);
                Err(Error::RateLimited { host: governor.host().to_string(), retry_after })
            }
            _ => Err(self.rejection(call, status, body)),
        }
    }

    /// The base URL with the endpoint's `path` and `query` (already percent-encoded, so the
    /// URL keeps its bytes and the signature stays valid).
    fn url(&self, path: &str, query: &str) -> reqwest::Url {
        let mut url = self.inner.base_url.clone();
        if self.inner.base_path.is_empty() {
            url.set_path(path);
        } else {
            url.set_path(&format!("{}{path}", self.inner.base_path));
        }
        url.set_query(Some(query).filter(|q| !q.is_empty()));
        url
    }

    /// Sends and reads the whole answer; reconciles usage headers on every answer.
    async fn send(
        &self,
        call: &Call<'_>,
        url: reqwest::Url,
    ) -> std::result::Result<(u16, Option<Duration>, String), reqwest::Error> {
        let method = match call.method {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
            HttpMethod::Put => reqwest::Method::PUT,
            HttpMethod::Delete => reqwest::Method::DELETE,
        };
        let mut request = reqwest::Request::new(method, url);
        if let Some(key) = self.inner.api_key_header.as_ref().filter(|_| call.needs_api_key) {
            request.headers_mut().insert(API_KEY_HEADER, key.clone());
        }
        let response = self.inner.http.execute(request).await?;
        let status = response.status().as_u16();
        let headers = response.headers();
        self.inner
            .governor
            .observe_headers(headers.iter().filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))));
        let retry_after = headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = body_text(Vec::from(response.bytes().await?));
        Ok((status, retry_after, body))
    }

    /// No (complete) answer. A non-GET that may have reached the server has an unknown outcome.
    fn transport_error(&self, call: &Call<'_>, e: reqwest::Error) -> Error {
        // Without the URL: it carries the signed query.
        let e = e.without_url();
        let reason = error_chain(&e);
        let maybe_sent = !e.is_connect() && !e.is_builder();
        if call.method != HttpMethod::Get && maybe_sent {
            let reason = if e.is_timeout() {
                format!("no response within {:?}", self.inner.timeout)
            } else {
                format!("the response was lost: {reason}")
            };
            return Error::OutcomeUnknown { endpoint: call.name, reason };
        }
        if e.is_timeout() {
            Error::Timeout { endpoint: call.name, after: self.inner.timeout }
        } else {
            Error::Transport { endpoint: call.name, reason }
        }
    }

    /// A non-2xx answer other than 418/429.
    fn rejection(&self, call: &Call<'_>, status: u16, body: String) -> Error {
        #[derive(serde::Deserialize)]
        struct ApiError {
            code: i64,
            msg: String,
        }
        let parsed = serde_json::from_str::<ApiError>(&body).ok();
        if call.method != HttpMethod::Get {
            // 503 "Service Unavailable." and -1008 are definite failures: nothing was executed.
            let definite = match &parsed {
                Some(e) => e.code == -1008 || (status == 503 && e.msg.trim() == "Service Unavailable."),
                None => status == 503 && body.contains("Service Unavailable."),
            };
            let unknown = status >= 500 || parsed.as_ref().is_some_and(|e| matches!(e.code, -1006 | -1007));
            if unknown && !definite {
                let reason = match &parsed {
                    Some(e) => format!("HTTP {status}, code {}: {}", e.code, e.msg),
                    None => format!("HTTP {status}"),
                };
                return Error::OutcomeUnknown { endpoint: call.name, reason };
            }
        }
        match parsed {
            Some(e) => Error::Api { endpoint: call.name, status, code: e.code, msg: e.msg },
            None => Error::Http { endpoint: call.name, status, body },
        }
    }
}

/// The body as text, like `reqwest::Response::text` (UTF-8, invalid sequences replaced by
/// U+FFFD) but without its copy of a valid body.
fn body_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
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

/// Decodes a 2xx body into the endpoint's response; a mismatch keeps the raw body.
pub(crate) fn decode<E: Endpoint>(status: u16, body: &str) -> Result<E::Response> {
    serde_json::from_str(body).map_err(|e| Error::Decode {
        endpoint: E::NAME,
        status,
        reason: e.to_string(),
        body: body.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    static PRODUCT: Product = Product {
        name: "test",
        title: "Test",
        rest_url: None,
        rest_testnet_url: None,
        ws_api_url: None,
        ws_api_testnet_url: None,
        time_path: None,
        rate_limits: &[],
        error_codes: &[],
    };

    fn client(base: &str) -> Result<RestClient> {
        ClientBuilder::new(&PRODUCT).base_url(base).build()
    }

    #[test]
    fn urls_keep_the_base_path_and_the_encoded_query_bytes() {
        let query = "symbol=BTC%20USDT&timestamp=1&signature=ab%2Bc";
        let plain = client("http://127.0.0.1:9/").unwrap();
        assert_eq!(plain.url("/fapi/v1/order", query).as_str(), format!("http://127.0.0.1:9/fapi/v1/order?{query}"));
        assert_eq!(plain.url("/fapi/v1/time", "").as_str(), "http://127.0.0.1:9/fapi/v1/time");
        let proxied = client("https://proxy.example/binance/").unwrap();
        assert_eq!(proxied.base_url(), "https://proxy.example/binance");
        assert_eq!(
            proxied.url("/fapi/v1/order", query).as_str(),
            format!("https://proxy.example/binance/fapi/v1/order?{query}")
        );
    }

    #[test]
    fn invalid_base_urls_and_ones_with_a_query_or_fragment_are_refused() {
        for base in ["http://127.0.0.1:9/?x=1", "http://127.0.0.1:9/#top", "http://[::1"] {
            assert!(matches!(client(base), Err(Error::Config(_))), "{base}");
        }
    }

    #[test]
    fn body_text_keeps_utf8_and_replaces_invalid_bytes_like_reqwest_text() {
        assert_eq!(body_text(r#"{"asset":"€"}"#.as_bytes().to_vec()), r#"{"asset":"€"}"#);
        assert_eq!(body_text(b"{\"msg\":\"a\xffb\"}".to_vec()), "{\"msg\":\"a\u{fffd}b\"}");
    }
}
