//! The user data stream's listen-key lifecycle end to end: the generated client's
//! `user_data_stream_with` against the mock exchange, whose listen keys are real (made, kept
//! alive, closed and expired in its state). The default 30-minute schedule is tested under
//! paused time in the runtime's unit tests (`stream::user_data`); here the interval is short
//! and real. Also: a key closed while the connection was down is refused when subscribed again;
//! the stream starts a new key, and market streams on the same connection are not taken along.

use binance_client::runtime::stream::{
    Backoff, ListenKeyStream, StreamClient, StreamConfig, StreamError, Subscription, UserDataConfig, UserDataStream,
};
use binance_client::runtime::Credentials;
use binance_client::usds_futures::streams;
use binance_client::{portfolio_margin, usds_futures};
use binance_mock::streams::{ListenKeyInfo, MockStreams};
use binance_mock::{EndpointRoute, Fault, RunningMock};
use futures_util::StreamExt;
use std::time::Duration;

const KEY: &str = "user-data-key";
const SECRET: &str = "user-data-secret";

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

/// Keep-alives every `every`, quick retries: what a test can wait for.
fn config(mock: &RunningMock, every: Duration) -> UserDataConfig {
    UserDataConfig::new(mock.stream_url())
        .keep_alive_every(every)
        .retry(Backoff::new(Duration::from_millis(20), Duration::from_millis(100)))
}

async fn next<E>(stream: &mut UserDataStream<E>) -> Result<E, StreamError> {
    tokio::time::timeout(Duration::from_secs(10), stream.next()).await.expect("no item within 10 s").expect("ended")
}

/// Polls `keys` until `done` holds for the mock's listen keys (10 s at most).
async fn until(streams: &MockStreams, done: impl Fn(&[ListenKeyInfo]) -> bool) -> Vec<ListenKeyInfo> {
    for _ in 0..500 {
        let keys = streams.listen_keys();
        if done(&keys) {
            return keys;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    streams.listen_keys()
}

#[tokio::test]
async fn events_of_the_started_key_arrive_typed_and_it_is_kept_alive_on_schedule() {
    let mock = mock().await;
    let streams = mock.streams();
    let mut events = fapi(&mock).user_data_stream_with(config(&mock, Duration::from_millis(100))).await.unwrap();
    let keys = streams.listen_keys();
    assert_eq!(keys.len(), 1);
    assert!(keys[0].live && keys[0].family == "fapi" && keys[0].api_key == KEY, "{keys:?}");

    let example = streams.example("usds_futures", "ORDER_TRADE_UPDATE").unwrap().to_string();
    assert_eq!(streams.publish(&keys[0].key, &example), 1);
    match next(&mut events).await.unwrap() {
        usds_futures::streams::UserDataEvent::OrderTradeUpdate(e) => assert_eq!(e.event_type, "ORDER_TRADE_UPDATE"),
        other => panic!("decoded as {other:?}"),
    }
    let keys = until(&streams, |k| k[0].keep_alives >= 3).await;
    assert!(keys[0].keep_alives >= 3, "keep-alives every 100 ms: {keys:?}");
    assert!(!format!("{events:?}").contains(&keys[0].key), "the listen key is never printed");
}

#[tokio::test]
async fn an_expired_key_is_replaced_and_events_of_the_new_key_arrive() {
    let mock = mock().await;
    let streams = mock.streams();
    let mut events = fapi(&mock).user_data_stream_with(UserDataConfig::new(mock.stream_url())).await.unwrap();
    let first = streams.listen_keys()[0].key.clone();
    assert_eq!(streams.expire_listen_key(&first), Some(1));
    assert!(matches!(next(&mut events).await, Ok(usds_futures::streams::UserDataEvent::ListenKeyExpired(_))));
    assert_eq!(next(&mut events).await.err(), Some(StreamError::ListenKeyRenewed));

    let keys = streams.listen_keys();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(!keys[0].live && keys[1].live);
    let example = streams.example("usds_futures", "ACCOUNT_UPDATE").unwrap().to_string();
    assert_eq!(streams.publish(&keys[1].key, &example), 1);
    assert!(matches!(next(&mut events).await, Ok(usds_futures::streams::UserDataEvent::AccountUpdate(_))));
}

#[tokio::test]
async fn a_failed_keep_alive_is_an_item_and_a_vanished_key_is_renewed() {
    let mock = mock().await;
    let streams = mock.streams();
    let mut events = fapi(&mock).user_data_stream_with(config(&mock, Duration::from_millis(100))).await.unwrap();

    // The server fails: an item, and the same key is kept alive once it answers again.
    mock.set_fault(Fault::service_unavailable().on_path("/fapi/v1/listenKey"));
    match next(&mut events).await {
        Err(StreamError::KeepAliveFailed(msg)) => assert!(msg.contains("-1000"), "{msg}"),
        other => panic!("{other:?}"),
    }
    mock.clear_faults();
    let keys = until(&streams, |k| k[0].keep_alives >= 1).await;
    assert_eq!(keys.len(), 1, "{keys:?}");

    // The key is closed behind the client's back: the keep-alive gets -1125 and a new key is made.
    fapi(&mock).close_user_data_stream(&Default::default()).await.unwrap();
    match next(&mut events).await {
        Err(StreamError::KeepAliveFailed(msg)) => assert!(msg.contains("-1125"), "{msg}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(next(&mut events).await.err(), Some(StreamError::ListenKeyRenewed));
    assert_eq!(streams.listen_keys().len(), 2);
}

#[tokio::test]
async fn dropping_the_stream_closes_its_key_and_close_reports_the_outcome() {
    let mock = mock().await;
    let streams = mock.streams();
    let events = fapi(&mock).user_data_stream_with(UserDataConfig::new(mock.stream_url())).await.unwrap();
    drop(events);
    let keys = until(&streams, |k| k[0].closed).await;
    assert!(keys[0].closed, "the mock saw the DELETE: {keys:?}");

    let events = fapi(&mock).user_data_stream_with(UserDataConfig::new(mock.stream_url())).await.unwrap();
    events.close().await.unwrap();
    let keys = streams.listen_keys();
    assert_eq!(keys.len(), 2);
    assert!(keys[1].closed);
    let deletes = mock
        .requests()
        .into_iter()
        .filter(|r| matches!(&r.route, EndpointRoute::Rest { method, path } if method == "DELETE" && path == "/fapi/v1/listenKey"))
        .count();
    assert_eq!(deletes, 2);
}

#[tokio::test]
async fn portfolio_margin_has_its_own_user_data_stream() {
    let mock = mock().await;
    let credentials = Credentials::hmac(KEY, SECRET).unwrap();
    let papi = portfolio_margin::Client::new(
        portfolio_margin::Client::builder().base_url(mock.base_url()).credentials(credentials).build().unwrap(),
    );
    let mut events = papi.user_data_stream_with(UserDataConfig::new(mock.stream_url())).await.unwrap();
    let streams = mock.streams();
    let key = streams.listen_keys()[0].clone();
    assert_eq!(key.family, "papi");
    streams.expire_listen_key(&key.key);
    assert!(matches!(next(&mut events).await, Ok(portfolio_margin::streams::UserDataEvent::ListenKeyExpired(_))));
    assert_eq!(next(&mut events).await.err(), Some(StreamError::ListenKeyRenewed));
}

/// `binance-client` writes the glue by hand (`src/user_data.rs`): every product whose spec has
/// listen-key endpoints must have it.
#[test]
fn every_product_with_listen_key_endpoints_has_a_user_data_stream() {
    let products = binance_spec::Specs::new().dir(binance_client::SPEC_DIR).validate().unwrap();
    let mut with_keys: Vec<&str> = products
        .iter()
        .filter(|p| {
            p.endpoints.iter().any(|e| {
                matches!(&e.transport, binance_spec::ir::Transport::Http { path, .. } if path.ends_with("/listenKey"))
            })
        })
        .map(|p| p.module.as_str())
        .collect();
    with_keys.sort_unstable();
    // Each listed product's method exists (this line compiles only then).
    let _ = (usds_futures::Client::user_data_stream, portfolio_margin::Client::user_data_stream);
    assert_eq!(with_keys, ["portfolio_margin", "usds_futures"]);
}

/// `user_data_stream()` knows only the production stream server. A client whose REST calls go
/// elsewhere (the mock here; a testnet or a proxy in use) must not start a listen key there and
/// then carry it to production: it is told to name its stream URL, and no key is started.
#[tokio::test]
async fn the_default_stream_url_is_refused_for_a_client_not_on_production() {
    let mock = mock().await;
    let error = fapi(&mock).user_data_stream().await.expect_err("refused");
    let text = error.to_string();
    assert!(text.contains("user_data_stream_with") && text.contains(&mock.base_url()), "{text}");
    assert!(mock.streams().listen_keys().is_empty(), "no listen key was started: {:?}", mock.streams().listen_keys());
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

    assert_eq!(next(&mut events).await, Err(StreamError::Reconnected));
    assert!(matches!(next(&mut events).await, Err(StreamError::Rejected(_))));
    assert_eq!(next(&mut events).await, Err(StreamError::ListenKeyRenewed));
    let keys = streams.listen_keys();
    assert!(keys.len() == 2 && keys[1].live, "{keys:?}");
    let example = streams.example("usds_futures", "ACCOUNT_UPDATE").unwrap().to_string();
    assert_eq!(streams.publish(&keys[1].key, &example), 1);
    assert!(matches!(next(&mut events).await, Ok(usds_futures::streams::UserDataEvent::AccountUpdate(_))));
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
