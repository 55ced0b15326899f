//! Attempts and retries: reserve weight, time-stamp and sign, send, read, classify; resend a
//! GET while the classification allows it and the [`RetryPolicy`](crate::RetryPolicy) has
//! attempts and time left.

use super::body::{read_capped, BodyRead};
use super::outcome::{classify, Context, Exchange, Outcome};
use super::{Call, RestClient, Success};
use crate::clock::local_ms;
use crate::endpoint::HttpMethod;
use crate::governor::Reservation;
use crate::{Error, ParamWriter as _, Result};
use std::time::Duration;

/// Room for what `finish` adds: `&recvWindow=60000&timestamp=<13 digits>&signature=` and 64
/// hex digits (HMAC) or 88 base64 characters, percent-encoded (Ed25519; usually fits). Longer
/// signatures (RSA) grow the buffer once.
pub(super) const SIGNED_SUFFIX_ROOM: usize = 160;

const API_KEY_HEADER: reqwest::header::HeaderName = reqwest::header::HeaderName::from_static("x-mbx-apikey");

impl RestClient {
    /// Attempts plus, for a GET rejected with -1021, one clock resync and one more round.
    pub(super) async fn run(&self, call: &Call<'_>) -> Result<Success> {
        // Which clock the timestamps of this call come from: a resync done by another call
        // after this point already fixed them.
        let epoch = self.inner.resync.epoch();
        match self.run_attempts(call).await {
            Err(e) if e.code() == Some(-1021) && call.signed && self.inner.product.time_path.is_some() => {
                tracing::warn!(endpoint = call.name, "timestamp rejected (-1021); resyncing the clock");
                if !self.resync_after_rejection(epoch).await {
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
    pub(super) async fn run_attempts(&self, call: &Call<'_>) -> Result<Success> {
        let policy = self.inner.retry;
        let started = tokio::time::Instant::now();
        let mut attempt = 1;
        loop {
            let error = match self.attempt(call).await {
                Ok(ok) => return Ok(ok),
                Err((error, false)) => return Err(error),
                Err((error, true)) => error,
            };
            let Some(delay) = policy.next_delay(attempt, started.elapsed(), &self.inner.jitter) else {
                if attempt < policy.max_attempts {
                    tracing::warn!(endpoint = call.name, attempt, error = %error, "giving up: retry time budget spent");
                }
                return Err(error);
            };
            tracing::warn!(endpoint = call.name, attempt, ?delay, error = %error, "retrying GET");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// One exchange: reserve weight, time-stamp and sign, send, classify. A failure comes with
    /// whether it may be resent (see `outcome`).
    async fn attempt(&self, call: &Call<'_>) -> std::result::Result<Success, (Error, bool)> {
        let governor = &self.inner.governor;
        let reservation = governor
            .reserve_at(call.path, call.name, call.weight, self.inner.rate_policy)
            .await
            .map_err(|e| (e, false))?;
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
        let exchange = self.send(call, self.url(call.path, query.as_str()), reservation).await;
        let received_ms = local_ms();
        let cx = Context {
            endpoint: call.name,
            method: call.method,
            timeout: self.inner.timeout,
            max_response_bytes: self.inner.max_response_bytes,
            error_codes: self.inner.product.error_codes,
            governor,
            path: call.path,
            weight: call.weight,
            resend_rate_limited: self.inner.rate_policy == crate::RatePolicy::Wait,
        };
        match classify(&cx, exchange) {
            Outcome::Success { status, body } => Ok(Success { status, body, sent_ms, received_ms }),
            Outcome::Failure { error, resend } => Err((error, resend)),
        }
    }

    /// Adds `recvWindow`, `timestamp` and `signature` (last) to `query`, the call's query or a
    /// copy of it. The signature is written straight into the query.
    pub(super) fn finish(&self, call: &Call<'_>, query: &mut crate::params::QueryWriter, timestamp_ms: u64) {
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

    /// The base URL with the endpoint's `path` and `query` (already percent-encoded, so the
    /// URL keeps its bytes and the signature stays valid).
    pub(super) fn url(&self, path: &str, query: &str) -> reqwest::Url {
        let mut url = self.inner.base_url.clone();
        if self.inner.base_path.is_empty() {
            url.set_path(path);
        } else {
            url.set_path(&format!("{}{path}", self.inner.base_path));
        }
        url.set_query(Some(query).filter(|q| !q.is_empty()));
        url
    }

    /// Sends, reconciles usage headers on every answer, and reads the body up to the cap. The
    /// reservation is settled when the answer (or the failure) arrives, before its usage headers
    /// are read: the server's count includes this request, and weight still in flight when the
    /// count is read is added on top of it.
    async fn send(&self, call: &Call<'_>, url: reqwest::Url, reservation: Reservation) -> Exchange {
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
        let sent = self.inner.http.execute(request).await;
        drop(reservation);
        let mut response = match sent {
            Ok(response) => response,
            Err(e) => return Exchange::NoResponse(e),
        };
        let status = response.status().as_u16();
        let headers = response.headers();
        self.inner.governor.observe_headers_at(
            call.path,
            headers.iter().filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))),
        );
        let retry_after = headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body: BodyRead = read_capped(&mut response, self.inner.max_response_bytes).await;
        Exchange::Response { status, retry_after, body }
    }
}
