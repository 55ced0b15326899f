//! Server-time sync: several samples of the product's time endpoint, the one with the smallest
//! round trip kept; and the resync after a `-1021`, single-flight so that a burst of rejected
//! requests costs one resync, whose result they all share.

use super::{Call, RestClient};
use crate::clock::{best_offset, Sample};
use crate::endpoint::{HttpMethod, Weight, WeightKind};
use crate::params::QueryWriter;
use crate::{Error, ErrorBody, Result};
use std::sync::atomic::{AtomicU64, Ordering};

/// Samples kept per sync, after one warm-up request whose round trip may include opening the
/// TCP and TLS connection (its reading is discarded). Each costs the time endpoint's weight (1).
const SAMPLES: usize = 3;

/// The single-flight state of -1021 resyncs.
#[derive(Debug, Default)]
pub(super) struct Resync {
    /// Resyncs finished so far (successful or not); read without the lock by every call.
    epoch: AtomicU64,
    /// Held while a resync runs; holds whether the last one succeeded.
    running: tokio::sync::Mutex<bool>,
}

impl Resync {
    /// The current epoch: a call remembers it before sending.
    pub(super) fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServerTime {
    server_time: i64,
}

impl RestClient {
    /// Measures the server-time offset from the product's time endpoint and uses it for every
    /// later `timestamp`: one warm-up request, then several samples, keeping the one with the
    /// smallest round trip. Returns the offset (server minus local) in milliseconds. An
    /// implausible `serverTime` is an error and leaves the offset unchanged.
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
        let mut samples = Vec::with_capacity(SAMPLES);
        for i in 0..=SAMPLES {
            let ok = self.run_attempts(&call).await?;
            let server: ServerTime = serde_json::from_slice(&ok.body).map_err(|e| Error::Decode {
                endpoint: "server_time",
                status: ok.status,
                reason: e.to_string(),
                body: ErrorBody::new(ok.body.clone()),
            })?;
            let sample = Sample { server_ms: server.server_time, sent_ms: ok.sent_ms, received_ms: ok.received_ms };
            // The warm-up is checked like the others but not used.
            if i == 0 {
                best_offset(&[sample]).map_err(|reason| time_error(ok.status, reason, ok.body))?;
            } else {
                samples.push((sample, ok.status, ok.body));
            }
        }
        let readings: Vec<Sample> = samples.iter().map(|(s, _, _)| *s).collect();
        let offset = best_offset(&readings).map_err(|reason| {
            let (_, status, body) = samples.swap_remove(0);
            time_error(status, reason, body)
        })?;
        self.inner.clock.set_offset_ms(offset);
        // The governor places the server's rate-limit windows and ban times on the same clock.
        self.inner.governor.set_clock_offset_ms(offset);
        tracing::debug!(offset_ms = offset, "server time synced");
        Ok(offset)
    }

    /// The resync after a `-1021` on a call that started in resync `epoch`. Single-flight: if
    /// another call resynced since (or is resyncing now), this one waits for it and shares its
    /// result instead of starting its own. Returns whether the clock is now synced.
    pub(crate) async fn resync_after_rejection(&self, epoch: u64) -> bool {
        let resync = &self.inner.resync;
        let mut last_ok = resync.running.lock().await;
        if resync.epoch() != epoch {
            return *last_ok;
        }
        *last_ok = match self.sync_time().await {
            Ok(_) => true,
            Err(e) => {
                tracing::warn!(error = %e, "clock resync failed");
                false
            }
        };
        resync.epoch.fetch_add(1, Ordering::AcqRel);
        *last_ok
    }

    /// The resync epoch, for callers outside the executor (the WebSocket API client) that
    /// want the single-flight resync: read it before sending, pass it to
    /// [`resync_after_rejection`](Self::resync_after_rejection).
    #[cfg_attr(not(feature = "ws"), allow(dead_code))] // for the WebSocket API client
    pub(crate) fn resync_epoch(&self) -> u64 {
        self.inner.resync.epoch()
    }
}

fn time_error(status: u16, reason: String, body: Vec<u8>) -> Error {
    Error::Decode { endpoint: "server_time", status, reason, body: ErrorBody::new(body) }
}
