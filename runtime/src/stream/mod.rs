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
//! - `UserDataStream` (feature `ws`): a user data stream with its listen key's lifecycle
//!   (start, keep-alive, renewal after expiry, close), over a product's listen-key endpoints.

mod backoff;
#[cfg(feature = "ws")]
mod client;
mod descriptor;
pub mod order_book;
mod raw;
#[cfg(feature = "ws")]
mod user_data;

pub use backoff::Backoff;
#[cfg(feature = "ws")]
pub use client::{StreamClient, StreamConfig, StreamError, Subscription};
pub use descriptor::{decode_json, stream_name, ListenKeyStream, StreamDescriptor};
pub use raw::{DecodeError, EventSet, RawEvent};
#[cfg(feature = "ws")]
pub use user_data::{ListenKeyApi, ListenKeyFuture, UserDataConfig, UserDataStream};
