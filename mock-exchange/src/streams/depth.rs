//! A scripted order book for diff-depth tests: it changes levels, numbers the updates like
//! Binance (`U`, `u`, `pu`), can lose updates on purpose (a gap), and gives the REST snapshot
//! of its current state, so a test can compare a client's local book with the true one. One made
//! by [`MockStreams::depth_script`](super::MockStreams::depth_script) is also what the mock's REST
//! depth endpoint answers for its symbol.

use crate::shared::Shared;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The mock whose REST depth endpoint answers a script's snapshot.
#[derive(Clone)]
struct ServedBy(Arc<Shared>);

impl std::fmt::Debug for ServedBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServedBy(mock)")
    }
}

/// The true book of one symbol and the update ids Binance would send.
#[derive(Debug, Clone)]
pub struct DepthScript {
    symbol: String,
    /// Price text → quantity text, per side (prices as integers of ticks keep the order).
    bids: BTreeMap<u64, String>,
    asks: BTreeMap<u64, String>,
    last_update_id: i64,
    /// The `u` of the last event made (sent or lost): the next event's `pu`.
    announced: i64,
    /// Level changes made since that event, which the next one carries (the last per price).
    pending_bids: Vec<(u64, String)>,
    pending_asks: Vec<(u64, String)>,
    time: i64,
    served_by: Option<ServedBy>,
}

impl DepthScript {
    /// A book for `symbol` whose last update id is `last_update_id`, with no levels.
    pub fn new(symbol: impl Into<String>, last_update_id: i64) -> Self {
        DepthScript {
            symbol: symbol.into(),
            bids: BTreeMap::new(),
            asks: BTreeMap::new(),
            last_update_id,
            announced: last_update_id,
            pending_bids: Vec::new(),
            pending_asks: Vec::new(),
            time: 1_700_000_000_000,
            served_by: None,
        }
    }

    /// A script whose snapshot the mock's REST depth endpoint serves.
    pub(super) fn served(symbol: impl Into<String>, last_update_id: i64, shared: Arc<Shared>) -> Self {
        let script = DepthScript { served_by: Some(ServedBy(shared)), ..DepthScript::new(symbol, last_update_id) };
        script.serve();
        script
    }

    /// Hands the current snapshot to the mock's REST depth endpoint, when served.
    fn serve(&self) {
        if let Some(ServedBy(shared)) = &self.served_by {
            super::serve_depth(shared, &self.symbol, self.snapshot());
        }
    }

    /// The stream to publish on, e.g. `btcusdt@depth`.
    pub fn stream(&self) -> String {
        format!("{}@depth", self.symbol.to_lowercase())
    }

    /// Applies level changes (`(price in cents, quantity)`; quantity `"0"` removes) as `ids`
    /// update ids and returns the `depthUpdate` payload announcing them, together with any
    /// changes [`gather`](Self::gather) made since the last event.
    pub fn update(&mut self, ids: i64, bids: &[(u64, &str)], asks: &[(u64, &str)]) -> String {
        self.gather(ids, bids, asks);
        let previous = self.announced;
        self.announced = self.last_update_id;
        self.time += 100;
        serde_json::json!({
            "e": "depthUpdate", "E": self.time, "T": self.time - 1, "s": self.symbol,
            "U": previous + 1, "u": self.last_update_id, "pu": previous,
            "b": levels(&std::mem::take(&mut self.pending_bids)),
            "a": levels(&std::mem::take(&mut self.pending_asks)),
        })
        .to_string()
    }

    /// Applies level changes as `ids` update ids without making an event yet: the REST snapshot
    /// shows them at once, and the next [`update`](Self::update) carries them in an event whose
    /// `U..u` spans them and its own. Binance works this way (an event gathers 100 ms or more of
    /// updates), so a snapshot's `lastUpdateId` usually falls inside the next event's range.
    pub fn gather(&mut self, ids: i64, bids: &[(u64, &str)], asks: &[(u64, &str)]) {
        self.last_update_id += ids.max(1);
        for (side, pending, levels) in
            [(&mut self.bids, &mut self.pending_bids, bids), (&mut self.asks, &mut self.pending_asks, asks)]
        {
            for (price, qty) in levels {
                if qty.trim_start_matches(['0', '.']).is_empty() {
                    side.remove(price);
                } else {
                    side.insert(*price, qty.to_string());
                }
                pending.retain(|(p, _)| p != price);
                pending.push((*price, qty.to_string()));
            }
        }
        self.serve();
    }

    /// Applies level changes without announcing them: the updates a client then misses.
    pub fn lose_update(&mut self, ids: i64, bids: &[(u64, &str)], asks: &[(u64, &str)]) {
        let _ = self.update(ids, bids, asks);
    }

    /// The REST depth snapshot (`GET /fapi/v1/depth`) of the book as it is now.
    pub fn snapshot(&self) -> String {
        let side = |m: &BTreeMap<u64, String>, rev: bool| {
            let mut v: Vec<serde_json::Value> = m.iter().map(|(p, q)| serde_json::json!([price_text(*p), q])).collect();
            if rev {
                v.reverse();
            }
            v
        };
        serde_json::json!({
            "lastUpdateId": self.last_update_id, "E": self.time, "T": self.time - 1,
            "bids": side(&self.bids, true), "asks": side(&self.asks, false),
        })
        .to_string()
    }

    /// Bids best first, as (price, quantity) texts.
    pub fn bids(&self) -> Vec<(String, String)> {
        self.bids.iter().rev().map(|(p, q)| (price_text(*p), q.clone())).collect()
    }

    /// Asks best first, as (price, quantity) texts.
    pub fn asks(&self) -> Vec<(String, String)> {
        self.asks.iter().map(|(p, q)| (price_text(*p), q.clone())).collect()
    }
}

fn price_text(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn levels(levels: &[(u64, String)]) -> Vec<serde_json::Value> {
    levels.iter().map(|(p, q)| serde_json::json!([price_text(*p), q])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_chain_and_a_lost_update_shows_as_a_gap() {
        let mut book = DepthScript::new("BTCUSDT", 100);
        let a: serde_json::Value = serde_json::from_str(&book.update(3, &[(10000, "1")], &[])).unwrap();
        assert_eq!((a["U"].as_i64(), a["u"].as_i64(), a["pu"].as_i64()), (Some(101), Some(103), Some(100)));
        book.lose_update(2, &[(10000, "0")], &[]);
        let b: serde_json::Value = serde_json::from_str(&book.update(1, &[], &[(10100, "2")])).unwrap();
        assert_eq!(b["pu"].as_i64(), Some(105));
        assert!(book.bids().is_empty());
        assert_eq!(book.asks(), [("101.00".to_string(), "2".to_string())]);
    }

    #[test]
    fn gathered_changes_show_in_the_snapshot_at_once_and_in_the_next_event() {
        let mut book = DepthScript::new("BTCUSDT", 100);
        book.gather(2, &[(10000, "1")], &[]);
        let snapshot: serde_json::Value = serde_json::from_str(&book.snapshot()).unwrap();
        assert_eq!(snapshot["lastUpdateId"].as_i64(), Some(102));
        assert_eq!(snapshot["bids"], serde_json::json!([["100.00", "1"]]));
        let event: serde_json::Value = serde_json::from_str(&book.update(3, &[(10000, "2")], &[(10100, "1")])).unwrap();
        assert_eq!((event["U"].as_i64(), event["u"].as_i64(), event["pu"].as_i64()), (Some(101), Some(105), Some(100)));
        assert_eq!(event["b"], serde_json::json!([["100.00", "2"]]), "the last change per price");
        assert_eq!(event["a"], serde_json::json!([["101.00", "1"]]));
    }
}
