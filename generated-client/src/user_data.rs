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
                "Only for a client on the production REST URL (else an error before any key is started: ",
                "a testnet's or a mock's listen key is unknown to the production stream server); ",
                "elsewhere use [`user_data_stream_with`](Self::user_data_stream_with). ",
                "See [`UserDataStream`](crate::runtime::stream::UserDataStream)."
            )]
            pub async fn user_data_stream(
                &self,
            ) -> Result<UserDataStream<crate::$product::streams::UserDataEvent>, StreamError> {
                let config = production_only(self.rest(), &crate::$product::PRODUCT, $url)?;
                self.user_data_stream_with(config).await
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

/// The production stream URL, for a client whose REST calls go to the product's production
/// URL; an error otherwise. A listen key belongs to the server that started it: one started on
/// a testnet, a mock or behind a proxy would be carried to the production stream server, where
/// it does not exist. The error comes before any key is started.
fn production_only(
    rest: &crate::runtime::RestClient,
    product: &crate::runtime::Product,
    stream_url: &str,
) -> Result<UserDataConfig, StreamError> {
    let base = rest.base_url().trim_end_matches('/');
    match product.rest_url {
        Some(production) if production.trim_end_matches('/') == base => Ok(UserDataConfig::new(stream_url)),
        _ => Err(StreamError::ListenKey(format!(
            "this client's REST base URL is {base}, not {}'s production URL, so the stream server for its \
             listen keys is not known: call user_data_stream_with(UserDataConfig::new(<stream URL>))",
            product.title
        ))),
    }
}

#[cfg(feature = "usds-futures")]
user_data_stream!(usds_futures, "wss://fstream.binance.com");
// The Portfolio Margin user data stream is served under `/pm` (its `user-data-streams.md`).
#[cfg(feature = "portfolio-margin")]
user_data_stream!(portfolio_margin, "wss://fstream.binance.com/pm");

#[cfg(all(test, feature = "usds-futures"))]
mod tests {
    use super::production_only;
    use crate::usds_futures::{Client, PRODUCT};

    #[test]
    fn only_a_client_on_the_production_rest_url_gets_the_production_stream_url() {
        let production = Client::builder().build().unwrap();
        assert!(production_only(&production, &PRODUCT, "wss://fstream.binance.com").is_ok());
        let testnet = Client::builder().testnet().build().unwrap();
        let refused = production_only(&testnet, &PRODUCT, "wss://fstream.binance.com").unwrap_err().to_string();
        assert!(refused.contains("demo-fapi.binance.com") && refused.contains("user_data_stream_with"), "{refused}");
    }
}
