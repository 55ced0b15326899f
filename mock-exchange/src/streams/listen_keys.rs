//! Listen keys as Binance keeps them: one live key per (host family, API key), created by
//! `POST …/listenKey` or the WebSocket API's `userDataStream.start`, kept alive for another 60
//! minutes by `PUT` or `userDataStream.ping`, closed by `DELETE` or `userDataStream.stop`, and
//! expired by a test control; every key ever made is remembered for tests to inspect.

use crate::checks::Rejection;
use sha2::{Digest, Sha256};

/// How long a key lives after its creation or last keep-alive (the doc pages: 60 minutes).
pub(crate) const VALIDITY_MS: i64 = binance_spec::protocol::LISTEN_KEY_VALIDITY_SECS as i64 * 1000;

/// Whether a stream name is a listen key rather than a market stream: market stream names
/// always hold an `@` (`btcusdt@aggTrade`) or start with `!` (`!bookTicker`).
pub(crate) fn is_listen_key(name: &str) -> bool {
    !name.is_empty() && !name.contains('@') && !name.starts_with('!')
}

/// `-1125`, Binance's answer to a keep-alive of a key that does not exist (or no longer does).
pub(crate) fn unknown_key() -> Rejection {
    Rejection::new(400, binance_spec::protocol::LISTEN_KEY_DOES_NOT_EXIST, "This listenKey does not exist.")
}

/// What a listen-key request asks of the registry; REST and the WebSocket API name the same
/// three operations differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListenKeyOp {
    /// `POST` / `userDataStream.start`: the account's live key, extended, or a new one.
    Start,
    /// `PUT` / `userDataStream.ping`: extend the account's live key, or `-1125`.
    KeepAlive,
    /// `DELETE` / `userDataStream.stop`: close the account's live key.
    Close,
}

impl ListenKeyOp {
    /// The operation of a REST request to `…/listenKey`; `None` for any other route.
    pub(crate) fn of_rest(method: &str, path: &str) -> Option<ListenKeyOp> {
        if !path.ends_with("/listenKey") {
            return None;
        }
        match method {
            "POST" => Some(ListenKeyOp::Start),
            "PUT" => Some(ListenKeyOp::KeepAlive),
            "DELETE" => Some(ListenKeyOp::Close),
            _ => None,
        }
    }

    /// The operation of a WebSocket API method; `None` for any other method.
    pub(crate) fn of_ws(method: &str) -> Option<ListenKeyOp> {
        match method {
            "userDataStream.start" => Some(ListenKeyOp::Start),
            "userDataStream.ping" => Some(ListenKeyOp::KeepAlive),
            "userDataStream.stop" => Some(ListenKeyOp::Close),
            _ => None,
        }
    }
}

/// One listen key as a test sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenKeyInfo {
    /// The key (also its stream name).
    pub key: String,
    /// The host family it was made on (`fapi`, `papi`): the first segment of the REST route's
    /// path, or for the WebSocket API the family of its product's REST API (`fapi` for `ws-fapi`).
    pub family: String,
    /// The API key that made it.
    pub api_key: String,
    /// Keep-alives (`PUT` or `userDataStream.ping`) it received.
    pub keep_alives: u32,
    /// Live: neither closed, expired by a test, nor past its validity.
    pub live: bool,
    /// Closed by `DELETE`.
    pub closed: bool,
}

/// A key as the registry keeps it; whether it is live is worked out when asked.
#[derive(Debug)]
struct Key {
    key: String,
    family: String,
    api_key: String,
    keep_alives: u32,
    closed: bool,
    expires_at_ms: i64,
    expired: bool,
}

impl Key {
    fn live(&self, now_ms: i64) -> bool {
        !self.closed && !self.expired && now_ms < self.expires_at_ms
    }

    fn info(&self, now_ms: i64) -> ListenKeyInfo {
        ListenKeyInfo {
            key: self.key.clone(),
            family: self.family.clone(),
            api_key: self.api_key.clone(),
            keep_alives: self.keep_alives,
            live: self.live(now_ms),
            closed: self.closed,
        }
    }
}

/// Every listen key made so far, in creation order.
#[derive(Debug, Default)]
pub(crate) struct ListenKeys {
    keys: Vec<Key>,
    made: u64,
}

impl ListenKeys {
    fn live_of(&mut self, family: &str, api_key: &str, now_ms: i64) -> Option<&mut Key> {
        self.keys.iter_mut().find(|k| k.family == family && k.api_key == api_key && k.live(now_ms))
    }

    /// `POST`: the account's live key, its validity extended (as Binance does), or a new one.
    pub(crate) fn start(&mut self, family: &str, api_key: &str, now_ms: i64) -> String {
        if let Some(key) = self.live_of(family, api_key, now_ms) {
            key.expires_at_ms = now_ms.saturating_add(VALIDITY_MS);
            return key.key.clone();
        }
        self.made += 1;
        let key = new_key(self.made, now_ms);
        self.keys.push(Key {
            key: key.clone(),
            family: family.to_owned(),
            api_key: api_key.to_owned(),
            keep_alives: 0,
            closed: false,
            expires_at_ms: now_ms.saturating_add(VALIDITY_MS),
            expired: false,
        });
        key
    }

    /// `PUT`: extends the account's live key by the validity, or `-1125` when it has none.
    /// A `listenKey` parameter, when sent, must name that key.
    pub(crate) fn keep_alive(
        &mut self,
        family: &str,
        api_key: &str,
        named: Option<&str>,
        now_ms: i64,
    ) -> Result<String, Rejection> {
        let key = self.live_of(family, api_key, now_ms).ok_or_else(unknown_key)?;
        if named.is_some_and(|n| n != key.key) {
            return Err(unknown_key());
        }
        key.expires_at_ms = now_ms.saturating_add(VALIDITY_MS);
        key.keep_alives = key.keep_alives.saturating_add(1);
        Ok(key.key.clone())
    }

    /// `DELETE`: closes the account's live key; the closed key, if there was one.
    pub(crate) fn close(&mut self, family: &str, api_key: &str, now_ms: i64) -> Option<String> {
        let key = self.live_of(family, api_key, now_ms)?;
        key.closed = true;
        Some(key.key.clone())
    }

    /// A test's expiry: `true` when `key` was live.
    pub(crate) fn expire(&mut self, key: &str, now_ms: i64) -> bool {
        match self.keys.iter_mut().find(|k| k.key == key && k.live(now_ms)) {
            Some(k) => {
                k.expired = true;
                true
            }
            None => false,
        }
    }

    pub(crate) fn is_live(&self, key: &str, now_ms: i64) -> bool {
        self.keys.iter().any(|k| k.key == key && k.live(now_ms))
    }

    pub(crate) fn infos(&self, now_ms: i64) -> Vec<ListenKeyInfo> {
        self.keys.iter().map(|k| k.info(now_ms)).collect()
    }
}

/// 64 alphanumeric characters like Binance's keys, different for every key of a run.
fn new_key(serial: u64, now_ms: i64) -> String {
    let digest = Sha256::digest(format!("listen-key/{serial}/{now_ms}/{}", std::process::id()));
    hex::encode(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_lives_sixty_minutes_from_its_last_keep_alive() {
        let mut keys = ListenKeys::default();
        let key = keys.start("fapi", "k", 0);
        assert_eq!(key.len(), 64);
        assert_eq!(keys.start("fapi", "k", 10), key, "POST returns the live key");
        assert_ne!(keys.start("papi", "k", 10), key, "one key per family");
        assert_eq!(keys.keep_alive("fapi", "k", None, VALIDITY_MS - 1), Ok(key.clone()));
        assert!(keys.is_live(&key, 2 * VALIDITY_MS - 2));
        assert!(!keys.is_live(&key, 2 * VALIDITY_MS));
        assert_eq!(keys.keep_alive("fapi", "k", None, 2 * VALIDITY_MS).map_err(|r| r.code), Err(-1125));
    }

    #[test]
    fn closed_and_expired_keys_are_dead_and_a_new_post_makes_another() {
        let mut keys = ListenKeys::default();
        let first = keys.start("fapi", "k", 0);
        assert!(keys.expire(&first, 1));
        assert!(!keys.expire(&first, 1));
        assert_eq!(keys.keep_alive("fapi", "k", None, 2).map_err(|r| r.code), Err(-1125));
        let second = keys.start("fapi", "k", 3);
        assert_ne!(first, second);
        assert_eq!(keys.keep_alive("fapi", "k", Some(&first), 4).map_err(|r| r.code), Err(-1125));
        assert_eq!(keys.close("fapi", "k", 5), Some(second.clone()));
        let infos = keys.infos(6);
        assert_eq!(infos.len(), 2);
        assert!(infos.iter().all(|k| !k.live));
        assert!(infos[1].closed);
    }

    #[test]
    fn rest_and_websocket_requests_name_the_same_operations() {
        for (method, ws, op) in [
            ("POST", "userDataStream.start", ListenKeyOp::Start),
            ("PUT", "userDataStream.ping", ListenKeyOp::KeepAlive),
            ("DELETE", "userDataStream.stop", ListenKeyOp::Close),
        ] {
            assert_eq!(ListenKeyOp::of_rest(method, "/fapi/v1/listenKey"), Some(op));
            assert_eq!(ListenKeyOp::of_ws(ws), Some(op));
        }
        assert_eq!(ListenKeyOp::of_rest("GET", "/fapi/v1/listenKey"), None);
        assert_eq!(ListenKeyOp::of_rest("POST", "/fapi/v1/order"), None);
        assert_eq!(ListenKeyOp::of_ws("order.place"), None);
    }

    #[test]
    fn market_stream_names_are_not_listen_keys() {
        assert!(!is_listen_key("btcusdt@aggTrade"));
        assert!(!is_listen_key("!bookTicker"));
        assert!(!is_listen_key(""));
        assert!(is_listen_key("pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1"));
    }
}
