//! The `streams:` part of a spec file: market streams (name pattern, update speed, payload
//! model) and user-data events (event type → payload model), imported from the stream and
//! event doc pages. Payload models live in the file's `models:` like response models, so they
//! follow the same type rules and share the same enums.

use super::{is_false, ordered, Example};
use serde::{Deserialize, Serialize};

/// A product's market streams and user-data events.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Streams {
    /// Market streams by stable snake_case name, in spec order.
    #[serde(default, with = "ordered", skip_serializing_if = "Vec::is_empty")]
    pub market: Vec<(String, MarketStream)>,
    /// User-data events by their event type (the payload's `"e"`, e.g. `ACCOUNT_UPDATE`).
    #[serde(default, with = "ordered", skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<(String, UserDataEvent)>,
}

impl Streams {
    /// No streams and no events: the part is left out of the file.
    pub fn is_empty(&self) -> bool {
        self.market.is_empty() && self.events.is_empty()
    }
}

/// One market stream page: e.g. `<symbol>@aggTrade` with payload `AggTradeEvent`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarketStream {
    /// The doc page title, e.g. `Aggregate Trade Streams`.
    pub title: String,
    /// The page's stream description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The doc page URL.
    pub docs: String,
    /// Stream name patterns as the page lists them, placeholders in angle brackets:
    /// `<symbol>@depth`, `<symbol>@depth@500ms`. Each pattern is one subscribable name.
    pub names: Vec<String>,
    /// The documented update speed(s), e.g. `250ms, 500ms, 100ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_speed: Option<String>,
    /// Name of the payload model (a key of `models`).
    pub payload: String,
    /// The payload is a JSON array of the model (the all-market streams).
    #[serde(default, skip_serializing_if = "is_false")]
    pub payload_list: bool,
    /// The page's payload examples, as valid JSON.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
}

/// One user-data event page: e.g. `ORDER_TRADE_UPDATE` with payload `OrderTradeUpdateEvent`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UserDataEvent {
    /// The doc page title, e.g. `Event: Margin Call`.
    pub title: String,
    /// The page's event description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The doc page URL.
    pub docs: String,
    /// Name of the payload model (a key of `models`).
    pub payload: String,
    /// The page's payload examples, as valid JSON.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
}
