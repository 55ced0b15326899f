//! Market and user-data streams: what the generated `streams` modules implement, and the local
//! order book.
//!
//! - [`StreamDescriptor`]: one subscribable stream name pattern with its typed payload; the
//!   generated `streams::AggregateTrade::new("BTCUSDT")` names `btcusdt@aggTrade` and decodes
//!   `AggregateTradeEvent`.
//! - [`EventSet`] and [`RawEvent`]: the generated `UserDataEvent` enum decodes by `"e"`, an
//!   unknown event type is kept raw.
//! - [`order_book::LocalOrderBook`]: the documented snapshot + diff-depth algorithm.
//! - `StreamClient` (feature `ws`): typed subscriptions, many streams on one connection,
//!   reconnects with [`Backoff`] and re-subscription.

mod backoff;
#[cfg(feature = "ws")]
mod client;
mod descriptor;
pub mod order_book;
mod raw;

pub use backoff::Backoff;
#[cfg(feature = "ws")]
pub use client::{StreamClient, StreamConfig, StreamError, Subscription};
pub use descriptor::{decode_json, stream_name, StreamDescriptor, UserDataStream};
pub use raw::{DecodeError, EventSet, RawEvent};
