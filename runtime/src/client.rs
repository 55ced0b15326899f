//! The generic executor: one code path for every REST endpoint.
//!
//! `prepare` builds the exact request (query, `recvWindow`, `timestamp`, `signature` last) and
//! `execute` sends it and decodes the answer. Rate limiting, clock sync and retries hook in
//! between these two steps (see the governor and clock modules as they land).

use crate::endpoint::{HttpMethod, RestEndpoint, Weight};
use crate::params::QueryWriter;
use crate::{Credentials, Endpoint, Error, Product, Result};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Binance rejects `recvWindow` above this.
pub const MAX_RECV_WINDOW_MS: u64 = 60_000;

/// Builds a [`RestClient`] for one product.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    product: &'static Product,
    base_url: Option<String>,
    credentials: Option<Credentials>,
    recv_window: Option<u64>,
    timeout: Duration,
}

impl ClientBuilder {
    /// Starts from the product's production base URL.
    pub fn new(product: &'static Product) -> Self {
        ClientBuilder {
            product,
            base_url: None,
            credentials: None,
            recv_window: None,
            timeout: Duration::from_secs(10),
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

    /// Default `recvWindow` in milliseconds for signed requests (at most 60000).
    pub fn recv_window(mut self, ms: u64) -> Self {
        self.recv_window = Some(ms);
        self
    }

    /// Timeout of one HTTP exchange.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
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
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(Error::Config(format!("base URL `{base}` must start with https:// or http://")));
        }
        if let Some(rw) = self.recv_window {
            check_recv_window(rw).map_err(Error::Config)?;
        }
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(RestClient {
            inner: Arc::new(Inner {
                http,
                base_url: base,
                product: self.product,
                credentials: self.credentials,
                recv_window: self.recv_window,
                timeout: self.timeout,
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

/// A REST client for one product; cheap to clone, connections are reused.
#[derive(Clone)]
pub struct RestClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    product: &'static Product,
    credentials: Option<Credentials>,
    recv_window: Option<u64>,
    timeout: Duration,
}

impl fmt::Debug for RestClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestClient")
            .field("product", &self.inner.product.name)
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
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
    /// Value of `X-MBX-APIKEY`, when the endpoint needs it.
    pub api_key: Option<String>,
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

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

impl RestClient {
    /// The product this client talks to.
    pub fn product(&self) -> &'static Product {
        self.inner.product
    }

    /// The REST base URL in use.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Builds the request with the current time as `timestamp`.
    pub fn prepare<E: RestEndpoint>(&self, request: &E) -> Result<PreparedRequest> {
        self.prepare_at(request, now_ms())
    }

    /// Builds the request with a given `timestamp` (milliseconds), e.g. for tests.
    pub fn prepare_at<E: RestEndpoint>(&self, request: &E, timestamp_ms: u64) -> Result<PreparedRequest> {
        let mut query = QueryWriter::with_capacity(128);
        request.write_params(&mut query);
        let api_key = if E::SECURITY.needs_api_key() {
            match &self.inner.credentials {
                Some(c) => Some(c.api_key().to_string()),
                None => {
                    return Err(Error::Config(format!(
                        "{} needs an API key ({:?} security); set credentials on the client builder",
                        E::NAME,
                        E::SECURITY
                    )))
                }
            }
        } else {
            None
        };
        if E::SECURITY.is_signed() {
            let recv_window = request.recv_window().or(self.inner.recv_window);
            if let Some(rw) = recv_window {
                check_recv_window(rw).map_err(|reason| Error::InvalidRequest { endpoint: E::NAME, reason })?;
                crate::ParamWriter::uint(&mut query, "recvWindow", rw);
            }
            crate::ParamWriter::uint(&mut query, "timestamp", timestamp_ms);
            // Checked above: signed endpoints need an API key, so credentials exist.
            if let Some(credentials) = &self.inner.credentials {
                let signature = credentials.sign(query.as_str().as_bytes());
                crate::ParamWriter::str(&mut query, "signature", &signature);
            }
        }
        Ok(PreparedRequest {
            method: E::METHOD,
            url: format!("{}{}", self.inner.base_url, E::PATH),
            query: query.into_string(),
            api_key,
            weight: request.weight(),
        })
    }

    /// Sends the request and decodes the response.
    pub async fn execute<E: RestEndpoint>(&self, request: &E) -> Result<E::Response> {
        let prepared = self.prepare(request)?;
        let (status, body) = self.send(E::NAME, &prepared).await?;
        decode::<E>(status, &body)
    }

    async fn send(&self, endpoint: &'static str, prepared: &PreparedRequest) -> Result<(u16, String)> {
        let method = match prepared.method {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
            HttpMethod::Put => reqwest::Method::PUT,
            HttpMethod::Delete => reqwest::Method::DELETE,
        };
        let mut builder = self.inner.http.request(method, prepared.full_url());
        if let Some(key) = &prepared.api_key {
            builder = builder.header("X-MBX-APIKEY", key);
        }
        tracing::debug!(endpoint, method = prepared.method.as_str(), url = %prepared.url, weight = prepared.weight.value, "sending");
        let response = builder.send().await.map_err(|e| transport_error(endpoint, e, self.inner.timeout))?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(|e| transport_error(endpoint, e, self.inner.timeout))?;
        Ok((status, body))
    }
}

fn transport_error(endpoint: &'static str, e: reqwest::Error, timeout: Duration) -> Error {
    if e.is_timeout() {
        Error::Timeout { endpoint, after: timeout }
    } else {
        // Without the URL: it carries the signed query.
        Error::Transport { endpoint, reason: e.without_url().to_string() }
    }
}

/// Maps a status and body to the endpoint's response or the matching error.
pub(crate) fn decode<E: Endpoint>(status: u16, body: &str) -> Result<E::Response> {
    if (200..300).contains(&status) {
        return serde_json::from_str(body).map_err(|e| Error::Decode {
            endpoint: E::NAME,
            status,
            reason: e.to_string(),
            body: body.to_string(),
        });
    }
    #[derive(serde::Deserialize)]
    struct ApiError {
        code: i64,
        msg: String,
    }
    match serde_json::from_str::<ApiError>(body) {
        Ok(e) => Err(Error::Api { endpoint: E::NAME, status, code: e.code, msg: e.msg }),
        Err(_) => Err(Error::Http { endpoint: E::NAME, status, body: body.to_string() }),
    }
}
