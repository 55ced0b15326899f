//! The WebSocket API's `userDataStream.start` / `.ping` / `.stop` against the mock exchange,
//! through the generated `usds_futures::WsClient`: they use the listen-key registry REST uses,
//! so the key they answer is live on the mock's stream server.

use binance_client::runtime::stream::{ListenKeyStream, StreamClient, StreamConfig, StreamError};
use binance_client::runtime::{Credentials, Error};
use binance_client::usds_futures::{
    self, streams, UserDataStreamPingRequest, UserDataStreamStartRequest, UserDataStreamStopRequest, WsClient,
};
use binance_mock::streams::ListenKeyInfo;
use binance_mock::RunningMock;
use futures_util::StreamExt;
use std::time::Duration;

const KEY: &str = "ws-listen-key";
const SECRET: &str = "ws-listen-secret";
const ED_KEY: &str = "ws-listen-ed25519";

/// An Ed25519 key pair (PKCS#8 private, SPKI public), for a session that logs on.
fn ed25519_pems() -> (String, String) {
    use ed25519_dalek::pkcs8::{spki::der::pem::LineEnding, EncodePrivateKey, EncodePublicKey};
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    (
        key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
        key.verifying_key().to_public_key_pem(LineEnding::LF).unwrap(),
    )
}

async fn mock() -> RunningMock {
    binance_mock::MockExchange::builder()
        .spec_dir(binance_client::SPEC_DIR)
        .hmac_key(KEY, SECRET)
        .ed25519_key(ED_KEY, ed25519_pems().1)
        .start()
        .await
        .unwrap()
}

fn credentials() -> Credentials {
    Credentials::hmac(KEY, SECRET).unwrap()
}

fn ws(mock: &RunningMock) -> WsClient {
    ws_as(mock, credentials())
}

fn ws_as(mock: &RunningMock, credentials: Credentials) -> WsClient {
    let builder =
        WsClient::builder().url(mock.ws_url()).credentials(credentials).request_timeout(Duration::from_secs(30));
    WsClient::new(builder.build().unwrap())
}

fn rest(mock: &RunningMock) -> usds_futures::Client {
    usds_futures::Client::new(
        usds_futures::Client::builder().base_url(mock.base_url()).credentials(credentials()).build().unwrap(),
    )
}

async fn start(ws: &WsClient) -> String {
    ws.user_data_stream_start(&UserDataStreamStartRequest::new()).await.unwrap().result.listen_key
}

async fn ping(ws: &WsClient) -> Result<String, Error> {
    Ok(ws.user_data_stream_ping(&UserDataStreamPingRequest::new()).await?.result.listen_key)
}

/// The one key the mock holds.
fn only_key(mock: &RunningMock) -> ListenKeyInfo {
    let keys = mock.streams().listen_keys();
    assert_eq!(keys.len(), 1, "{keys:?}");
    keys.into_iter().next().unwrap()
}

fn assert_unknown_key(answer: Result<String, Error>) {
    match answer {
        Err(Error::Api { status: 400, code: -1125, endpoint, .. }) => assert_eq!(endpoint, "UserDataStreamPingRequest"),
        other => panic!("expected -1125, got {other:?}"),
    }
}

#[tokio::test]
async fn a_key_started_over_the_ws_api_is_live_on_the_stream_server() {
    let mock = mock().await;
    let ws = ws(&mock);
    let key = start(&ws).await;
    let info = only_key(&mock);
    assert_eq!(info.key, key, "the answer carries the registry's key, not the example's");
    assert!(info.live && info.family == "fapi" && info.api_key == KEY, "{info:?}");
    assert_eq!(start(&ws).await, key, "a second start returns the live key");

    let client = StreamClient::connect(StreamConfig::new(mock.stream_url()));
    let mut events = client.subscribe(&ListenKeyStream::<streams::UserDataEvent>::new(key.clone())).await.unwrap();
    let example = mock.streams().example("usds_futures", "ORDER_TRADE_UPDATE").unwrap().to_string();
    assert_eq!(mock.streams().publish(&key, &example), 1);
    let event = tokio::time::timeout(Duration::from_secs(10), events.next()).await.expect("no event within 10 s");
    match event.expect("ended").unwrap() {
        streams::UserDataEvent::OrderTradeUpdate(e) => assert_eq!(e.event_type, "ORDER_TRADE_UPDATE"),
        other => panic!("decoded as {other:?}"),
    }
}

#[tokio::test]
async fn ping_keeps_the_key_alive_until_it_expires_then_answers_1125() {
    let mock = mock().await;
    let ws = ws(&mock);
    let key = start(&ws).await;
    assert_eq!(ping(&ws).await.unwrap(), key);
    assert_eq!(ping(&ws).await.unwrap(), key);
    assert_eq!(only_key(&mock).keep_alives, 2);

    assert_eq!(mock.streams().expire_listen_key(&key), Some(0));
    assert_unknown_key(ping(&ws).await);
    let info = only_key(&mock);
    assert!(!info.live && info.keep_alives == 2, "{info:?}");
}

#[tokio::test]
async fn stop_closes_the_key_and_the_stream_server_refuses_it() {
    let mock = mock().await;
    let ws = ws(&mock);
    let key = start(&ws).await;
    ws.user_data_stream_stop(&UserDataStreamStopRequest::new()).await.unwrap();
    let info = only_key(&mock);
    assert!(info.closed && !info.live, "{info:?}");
    assert_unknown_key(ping(&ws).await);

    let client = StreamClient::connect(StreamConfig::new(mock.stream_url()));
    let refused = client.subscribe(&ListenKeyStream::<streams::UserDataEvent>::new(key)).await;
    assert!(matches!(refused, Err(StreamError::Rejected(_))), "{refused:?}");
    let next = start(&ws).await;
    assert_ne!(next, info.key, "a start after stop makes a new key");
}

#[tokio::test]
async fn rest_and_the_ws_api_share_the_accounts_key() {
    let mock = mock().await;
    let ws = ws(&mock);
    let from_rest = rest(&mock).start_user_data_stream(&Default::default()).await.unwrap().listen_key;
    assert_eq!(start(&ws).await, from_rest);
    assert_eq!(ping(&ws).await.unwrap(), from_rest);
    assert_eq!(only_key(&mock).keep_alives, 1);

    rest(&mock).close_user_data_stream(&Default::default()).await.unwrap();
    assert_unknown_key(ping(&ws).await);
}

#[tokio::test]
async fn a_session_logged_on_with_ed25519_starts_pings_and_stops_its_accounts_key() {
    let mock = mock().await;
    let ws = ws_as(&mock, Credentials::ed25519_pem(ED_KEY, &ed25519_pems().0).unwrap());

    let key = start(&ws).await;
    assert_eq!(mock.ws().stats().logons, 1, "the session logged on before its first request");
    let info = only_key(&mock);
    assert!(info.live && info.api_key == ED_KEY, "the key is the logged-on account's: {info:?}");
    assert_eq!(ping(&ws).await.unwrap(), key);
    assert_eq!(only_key(&mock).keep_alives, 1);
    // The doc pages mark `apiKey` required for these methods: sent on a logged-on session too.
    assert_eq!(mock.ws().stats().last_params.unwrap(), serde_json::json!({ "apiKey": ED_KEY }));

    ws.user_data_stream_stop(&UserDataStreamStopRequest::new()).await.unwrap();
    assert!(only_key(&mock).closed);
    assert_unknown_key(ping(&ws).await);
    assert_eq!(mock.ws().stats().logons, 1, "one logon for the whole session");
}
