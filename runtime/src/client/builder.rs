//! [`ClientBuilder`]: the client's configuration, checked once at `build()`.

use super::{time_sync, Inner, RestClient};
use crate::clock::Clock;
use crate::governor::{BudgetStore, Governor, RatePolicy};
use crate::retry::{Jitter, RetryPolicy};
use crate::{Credentials, Error, Product, RateLimit, Result};
use std::sync::Arc;
use std::time::Duration;

pub(super) use binance_spec::protocol::check_recv_window;
pub use binance_spec::protocol::MAX_RECV_WINDOW_MS;

/// Default timeout of one HTTP exchange. Shorter than the default retry budget
/// ([`RetryPolicy::default`], 30 s), so that a timed-out GET is retried.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Default cap on a response body: 16 MiB. Binance's largest answers (exchangeInfo with every
/// symbol and its filters, 1000-row order and trade histories, 1500 klines) are a few MB at
/// most; 16 MiB leaves a wide margin for growth while a broken or hostile server can cost at
/// most that much memory per request instead of gigabytes.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// Where the client sends its requests.
#[derive(Debug, Clone)]
enum Target {
    /// The product's production REST URL.
    Production,
    /// The product's testnet REST URL; an error at `build()` if it has none.
    Testnet,
    /// An explicit URL (a proxy, a mock exchange).
    Url(String),
}

/// Builds a [`RestClient`] for one product.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    product: &'static Product,
    target: Target,
    credentials: Option<Credentials>,
    recv_window: Option<u64>,
    timeout: Duration,
    max_response_bytes: usize,
    rate_policy: RatePolicy,
    rate_limits: Option<Vec<RateLimit>>,
    window_override: Option<Duration>,
    governor: Option<Governor>,
    shared_budget: Option<Arc<dyn BudgetStore>>,
    retry: RetryPolicy,
}

impl ClientBuilder {
    /// Starts from the product's production base URL and declared rate limits.
    pub fn new(product: &'static Product) -> Self {
        ClientBuilder {
            product,
            target: Target::Production,
            credentials: None,
            recv_window: None,
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            rate_policy: RatePolicy::default(),
            rate_limits: None,
            window_override: None,
            governor: None,
            shared_budget: None,
            retry: RetryPolicy::default(),
        }
    }

    /// Overrides the REST base URL (testnet, a proxy, or a local mock exchange). The last of
    /// `base_url` and [`testnet`](Self::testnet) wins.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.target = Target::Url(url.into());
        self
    }

    /// Uses the product's testnet REST URL. For a product without a testnet (Portfolio Margin,
    /// Portfolio Margin Pro) `build()` fails: the client never falls back to production.
    pub fn testnet(mut self) -> Self {
        self.target = Target::Testnet;
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

    /// Timeout of one HTTP exchange (connect, send, whole body). Default [`DEFAULT_TIMEOUT`]
    /// (10 s). Keep it below the retry budget ([`RetryPolicy::max_total`]) for timed-out GETs
    /// to be retried.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest response body the client reads, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`], 16 MiB). Checked while the body streams in: a larger or
    /// endless body stops at the cap with [`Error::ResponseTooLarge`].
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
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

    /// Enforces the rate limits with a minute of this length, every window scaled alike (a
    /// 10-second window lasts a sixth of it), for tests against a mock exchange with a
    /// shortened minute.
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

    /// Shares the rate-limit budgets with every other process that uses `store` (for example a
    /// `RedisBudget`, cargo feature `redis`): Binance counts weight per
    /// IP and orders per account, not per process. See [`Governor::set_shared_budget`].
    pub fn shared_budget(mut self, store: impl BudgetStore + 'static) -> Self {
        self.shared_budget = Some(Arc::new(store));
        self
    }

    /// Retry bounds for GET requests (non-GET requests are never retried).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The base URL this configuration sends to, without a trailing `/`.
    fn resolve_base(&self) -> Result<String> {
        let base = match &self.target {
            Target::Url(url) => url.as_str(),
            Target::Production => self.product.rest_url.ok_or_else(|| {
                Error::Config(format!("product `{}` has no REST base URL; set one with `base_url`", self.product.name))
            })?,
            Target::Testnet => self.product.rest_testnet_url.ok_or_else(|| {
                Error::Config(format!(
                    "product `{}` has no testnet REST URL, so `testnet()` cannot be honoured (the client will \
                     not fall back to production); use `base_url` to point it at a test server",
                    self.product.name
                ))
            })?,
        };
        Ok(base.trim_end_matches('/').to_string())
    }

    /// Builds the client; fails on a missing or malformed base URL (or a testnet the product
    /// does not have), a bad `recvWindow`, timeout, size cap or retry policy.
    pub fn build(self) -> Result<RestClient> {
        let base = self.resolve_base()?;
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
        if self.max_response_bytes == 0 {
            return Err(Error::Config("max_response_bytes must be at least 1".into()));
        }
        if self.retry.max_attempts > 1 && self.timeout >= self.retry.max_total {
            tracing::warn!(
                timeout = ?self.timeout,
                max_total = ?self.retry.max_total,
                "the timeout is not shorter than the retry budget: a GET that times out will not be retried"
            );
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
        if let Some(store) = self.shared_budget {
            governor.set_shared_budget(store)?;
        }
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
                max_response_bytes: self.max_response_bytes,
                governor,
                rate_policy: self.rate_policy,
                retry: self.retry,
                jitter: Jitter::from_clock(),
                clock: Clock::default(),
                resync: time_sync::Resync::default(),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static PRODUCT: Product = Product {
        name: "test",
        title: "Test",
        rest_url: Some("https://prod.example"),
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
        assert!(matches!(ClientBuilder::new(&PRODUCT).max_response_bytes(0).build(), Err(Error::Config(_))));
    }

    #[test]
    fn testnet_without_a_testnet_url_is_an_error_never_production() {
        match ClientBuilder::new(&PRODUCT).testnet().build() {
            Err(Error::Config(reason)) => assert!(reason.contains("no testnet REST URL"), "{reason}"),
            other => panic!("expected a configuration error, got {other:?}"),
        }
        // The last choice wins: an explicit URL after testnet() is honoured, and vice versa.
        let mock = ClientBuilder::new(&PRODUCT).testnet().base_url("http://127.0.0.1:9").build().unwrap();
        assert_eq!(mock.base_url(), "http://127.0.0.1:9");
        assert!(ClientBuilder::new(&PRODUCT).base_url("http://127.0.0.1:9").testnet().build().is_err());
        static WITH_TESTNET: Product = Product { rest_testnet_url: Some("https://testnet.example/"), ..PRODUCT };
        let testnet = ClientBuilder::new(&WITH_TESTNET).testnet().build().unwrap();
        assert_eq!(testnet.base_url(), "https://testnet.example");
        assert_eq!(ClientBuilder::new(&WITH_TESTNET).build().unwrap().base_url(), "https://prod.example");
    }

    #[test]
    fn with_the_defaults_a_get_that_timed_out_is_retried() {
        // One attempt used the whole default timeout; the default budget still allows a retry.
        let jitter = Jitter::from_clock();
        let retry = RetryPolicy::default();
        assert!(retry.next_delay(1, DEFAULT_TIMEOUT, &jitter).is_some());
        assert!(retry.next_delay(2, DEFAULT_TIMEOUT * 2 + retry.max_delay, &jitter).is_some());
    }
}
