//! Streams the server refuses when they are subscribed again after a reconnect (a listen key
//! closed or expired while the connection was down), against the mock exchange: the user data
//! stream starts a new key and goes on, and the market streams sharing the connection are not
//! taken along. Each test failed before its fix.

use binance_client::runtime::stream::{
    ListenKeyStream, StreamClient, StreamConfig, StreamError, Subscription, UserDataConfig, UserDataStream,
};
use binance_client::runtime::Credentials;
use binance_client::usds_futures::{self, streams};
use binance_mock::RunningMock;
use futures_util::StreamExt;
use std::time::Duration;

const KEY: &str = "refusal-key";
const SECRET: &str = "refusal-secret";

async fn mock() -> RunningMock {
    binance_mock::MockExchange::builder()
        .spec_dir(binance_client::SPEC_DIR)
        .hmac_key(KEY, SECRET)
        .start()
        .await
        .unwrap()
}

fn fapi(mock: &RunningMock) -> usds_futures::Client {
    let credentials = Credentials::hmac(KEY, SECRET).unwrap();
    usds_futures::Client::new(
        usds_futures::Client::builder().base_url(mock.base_url()).credentials(credentials).build().unwrap(),
    )
}

async fn next<E>(stream: &mut UserDataStream<E>) -> Option<Result<E, StreamError>> {
    tokio::time::timeout(Duration::from_secs(10), stream.next()).await.expect("no item within 10 s")
}

/// The key is closed behind the stream's back while its connection is down: the reconnected
/// client's SUBSCRIBE of the key is refused (the mock refuses a key that is not live). The
/// stream starts a new key, as for a keep-alive answered -1125, instead of ending.
#[tokio::test]
async fn a_key_refused_after_a_reconnect_is_replaced_and_the_stream_goes_on() {
    let mock = mock().await;
    let streams = mock.streams();
    let mut events = fapi(&mock).user_data_stream_with(UserDataConfig::new(mock.stream_url())).await.unwrap();
    fapi(&mock).close_user_data_stream(&Default::default()).await.unwrap();
    streams.disconnect_all();

    assert_eq!(next(&mut events).await, Some(Err(StreamError::Reconnected)));
    assert!(matches!(next(&mut events).await, Some(Err(StreamError::Rejected(_)))));
    assert_eq!(next(&mut events).await, Some(Err(StreamError::ListenKeyRenewed)));
    let keys = streams.listen_keys();
    assert!(keys.len() == 2 && keys[1].live, "{keys:?}");
    let example = streams.example("usds_futures", "ACCOUNT_UPDATE").unwrap().to_string();
    assert_eq!(streams.publish(&keys[1].key, &example), 1);
    assert!(matches!(next(&mut events).await, Some(Ok(usds_futures::streams::UserDataEvent::AccountUpdate(_)))));
}

async fn next_item<T>(sub: &mut Subscription<T>) -> Option<Result<T, StreamError>> {
    tokio::time::timeout(Duration::from_secs(10), sub.next()).await.expect("no item within 10 s")
}

/// A market stream and a listen key on one connection; the key is closed while the connection
/// is down. The re-subscription of both in one message is refused for the key (the mock, like
/// a reply per request, refuses it whole): the key's subscription is rejected, the market
/// stream goes on.
#[tokio::test]
async fn a_refused_key_does_not_take_the_market_streams_of_its_connection_along() {
    let mock = mock().await;
    let streams = mock.streams();
    let client = StreamClient::connect(StreamConfig::new(mock.stream_url()));
    let key = fapi(&mock).start_user_data_stream(&Default::default()).await.unwrap().listen_key;
    let mut trades = client.subscribe(&streams::AggregateTrade::new("BTCUSDT")).await.unwrap();
    let mut events = client.subscribe(&ListenKeyStream::<streams::UserDataEvent>::new(key)).await.unwrap();
    fapi(&mock).close_user_data_stream(&Default::default()).await.unwrap();
    streams.disconnect_all();

    assert_eq!(next_item(&mut trades).await, Some(Err(StreamError::Reconnected)));
    assert_eq!(next_item(&mut events).await, Some(Err(StreamError::Reconnected)));
    assert!(matches!(next_item(&mut events).await, Some(Err(StreamError::Rejected(_)))));
    assert!(next_item(&mut events).await.is_none());
    let example = streams.example("usds_futures", "<symbol>@aggTrade").unwrap().to_string();
    for _ in 0..500 {
        if streams.subscriptions() == ["btcusdt@aggTrade"] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(streams.subscriptions(), ["btcusdt@aggTrade"], "{:?}", streams.control_messages());
    assert_eq!(streams.publish("btcusdt@aggTrade", &example), 1);
    assert!(matches!(next_item(&mut trades).await, Some(Ok(_))));
}
