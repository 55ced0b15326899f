//! The user data stream of each product whose spec has listen-key endpoints (`POST`, `PUT`,
//! `DELETE …/listenKey`): `client.user_data_stream()` returns a
//! [`UserDataStream`](crate::runtime::stream::UserDataStream) of the product's typed
//! `streams::UserDataEvent` that starts, keeps alive, renews and closes its listen key.
//!
//! Hand-written rather than generated: per product it is the stream server's URL (which the
//! spec does not hold) and three calls of the generated listen-key methods, so weights, signing
//! and the governor stay the spec's. Teaching the generator to recognise listen-key endpoints
//! would take more code than these few lines; `tests/tests/user_data_stream.rs` checks that
//! every product whose spec has them is listed here.

use crate::runtime::stream::ListenKeyFuture;
use crate::runtime::stream::{ListenKeyApi, StreamError, UserDataConfig, UserDataStream};

/// `impl ListenKeyApi` and `user_data_stream()` for one product's generated `Client`.
macro_rules! user_data_stream {
    ($product:ident, $url:literal) => {
        impl ListenKeyApi for crate::$product::Client {
            fn start(&self) -> ListenKeyFuture<'_, String> {
                Box::pin(async move { Ok(self.start_user_data_stream(&Default::default()).await?.listen_key) })
            }
            fn keep_alive(&self) -> ListenKeyFuture<'_, ()> {
                Box::pin(async move { self.keepalive_user_data_stream(&Default::default()).await.map(drop) })
            }
            fn close(&self) -> ListenKeyFuture<'_, ()> {
                Box::pin(async move { self.close_user_data_stream(&Default::default()).await.map(drop) })
            }
        }

        impl crate::$product::Client {
            #[doc = concat!(
                "Starts a listen key and streams its events from `", $url, "`, keeping the key alive every ",
                "30 minutes, starting a new one when it expires (an `Err(StreamError::ListenKeyRenewed)` item: ",
                "re-sync account state from REST) and closing it when the stream is closed or dropped. ",
                "See [`UserDataStream`](crate::runtime::stream::UserDataStream)."
            )]
            pub async fn user_data_stream(
                &self,
            ) -> Result<UserDataStream<crate::$product::streams::UserDataEvent>, StreamError> {
                self.user_data_stream_with(UserDataConfig::new($url)).await
            }

            /// [`user_data_stream`](Self::user_data_stream) with other settings: another stream
            /// URL (a mock's `stream_url()`), keep-alive interval or retries.
            pub async fn user_data_stream_with(
                &self,
                config: UserDataConfig,
            ) -> Result<UserDataStream<crate::$product::streams::UserDataEvent>, StreamError> {
                UserDataStream::start(self.clone(), config).await
            }
        }
    };
}

#[cfg(feature = "usds-futures")]
user_data_stream!(usds_futures, "wss://fstream.binance.com");
// The Portfolio Margin user data stream is served under `/pm` (its `user-data-streams.md`).
#[cfg(feature = "portfolio-margin")]
user_data_stream!(portfolio_margin, "wss://fstream.binance.com/pm");
