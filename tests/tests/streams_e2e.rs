//! Streams end to end against the mock exchange on loopback (its stream server, started with
//! REST): a typed market stream, user-data events of a live listen key (and an unknown one),
//! a dropped connection that the client survives, and the issue's bar: a diff-depth stream with
//! a lost update ends in a resynchronised, correct local order book, its snapshots taken over
//! REST through the generated client, and a snapshot taken while an event is being gathered is
//! bridged by that event. The listen-key lifecycle is in `user_data_stream.rs`.

use binance_client::runtime::stream::order_book::{BookStatus, DepthSnapshot, DepthUpdate, Desync, LocalOrderBook};
use binance_client::runtime::stream::{ListenKeyStream, StreamClient, StreamConfig, StreamError, Subscription};
use binance_client::runtime::{Credentials, Decimal};
use binance_client::usds_futures::{self, streams, OrderBookRequest};
use binance_mock::streams::{DepthScript, MockStreams};
use binance_mock::RunningMock;
use futures_util::StreamExt;
use std::time::Duration;

const KEY: &str = "streams-key";
const SECRET: &str = "streams-secret";

/// The mock exchange, its stream controls, and a stream client on its stream URL.
async fn setup() -> (RunningMock, MockStreams, StreamClient) {
    let mock = binance_mock::MockExchange::builder()
        .spec_dir(binance_client::SPEC_DIR)
        .hmac_key(KEY, SECRET)
        .start()
        .await
        .unwrap();
    let client =
        StreamClient::connect(StreamConfig::new(mock.stream_url()).backoff(
            binance_client::runtime::stream::Backoff::new(Duration::from_millis(20), Duration::from_millis(200)),
        ));
    let streams = mock.streams();
    (mock, streams, client)
}

/// The generated USDⓈ-M REST client, pointed at the mock.
fn rest(mock: &RunningMock) -> usds_futures::Client {
    let credentials = Credentials::hmac(KEY, SECRET).unwrap();
    usds_futures::Client::new(
        usds_futures::Client::builder().base_url(mock.base_url()).credentials(credentials).build().unwrap(),
    )
}

/// The next item, failing the test instead of hanging when none comes.
async fn next<T>(sub: &mut Subscription<T>) -> Result<T, StreamError> {
    tokio::time::timeout(Duration::from_secs(10), sub.next()).await.expect("no stream item within 10 s").expect("ended")
}

#[tokio::test]
async fn a_market_stream_delivers_typed_events() {
    let (_exchange, mock, client) = setup().await;
    let mut trades = client.subscribe(&streams::AggregateTrade::new("BTCUSDT")).await.unwrap();
    assert_eq!(mock.subscriptions(), ["btcusdt@aggTrade"]);
    let example = mock.example("usds_futures", "<symbol>@aggTrade").unwrap().to_string();
    assert_eq!(mock.publish("btcusdt@aggTrade", &example), 1);
    let trade = next(&mut trades).await.unwrap();
    assert_eq!(trade.price, "0.001".parse::<Decimal>().unwrap());
    assert_eq!(trade.aggregate_trade_id, 5933014);
    assert!(trade.is_buyer_market_maker);

    // A payload that does not decode is an item, and the stream goes on.
    mock.publish("btcusdt@aggTrade", r#"{"e":"aggTrade","p":"not a price"}"#);
    assert!(matches!(next(&mut trades).await, Err(StreamError::Decode(_))));
    mock.publish("btcusdt@aggTrade", &example);
    assert!(next(&mut trades).await.is_ok());

    // Dropping the subscription unsubscribes.
    drop(trades);
    for _ in 0..100 {
        if mock.subscriptions().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(mock.subscriptions().is_empty(), "{:?}", mock.control_messages());
}

#[tokio::test]
async fn a_dropped_connection_is_reconnected_and_resubscribed() {
    let (_exchange, mock, client) = setup().await;
    let mut trades = client.subscribe(&streams::AggregateTrade::new("ETHUSDT")).await.unwrap();
    mock.disconnect_all();
    assert_eq!(next(&mut trades).await, Err(StreamError::Reconnected));
    for _ in 0..100 {
        if mock.subscriptions() == ["ethusdt@aggTrade"] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(mock.connections(), 2);
    let example = mock.example("usds_futures", "<symbol>@aggTrade").unwrap().to_string();
    assert_eq!(mock.publish("ethusdt@aggTrade", &example), 1);
    assert!(next(&mut trades).await.is_ok());
}

#[tokio::test]
async fn user_data_events_are_typed_and_unknown_ones_kept() {
    let (exchange, mock, client) = setup().await;
    // A key the mock does not know is refused.
    let unknown = ListenKeyStream::<streams::UserDataEvent>::new(
        "pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1",
    );
    assert!(matches!(client.subscribe(&unknown).await, Err(StreamError::Rejected(_))));

    let key = rest(&exchange).start_user_data_stream(&Default::default()).await.unwrap().listen_key;
    let stream = ListenKeyStream::<streams::UserDataEvent>::new(key.clone());
    let mut events = client.subscribe(&stream).await.unwrap();
    let key = events.name().to_string();
    let example = mock.example("usds_futures", "ORDER_TRADE_UPDATE").unwrap().to_string();
    mock.publish(&key, &example);
    match next(&mut events).await.unwrap() {
        streams::UserDataEvent::OrderTradeUpdate(e) => assert_eq!(e.event_type, "ORDER_TRADE_UPDATE"),
        other => panic!("decoded as {other:?}"),
    }
    mock.publish(&key, r#"{"e":"SOMETHING_NEW","E":1,"x":{"y":"1.10"}}"#);
    match next(&mut events).await.unwrap() {
        streams::UserDataEvent::Unknown(raw) => {
            assert_eq!(raw.event_type(), "SOMETHING_NEW");
            assert!(raw.json().contains(r#""y":"1.10""#));
        }
        other => panic!("decoded as {other:?}"),
    }
    // The expired-listen-key event: the signal to start a new key; nothing is delivered after it.
    assert_eq!(mock.expire_listen_key(&key), Some(1));
    match next(&mut events).await.unwrap() {
        streams::UserDataEvent::ListenKeyExpired(e) => assert_eq!(e.listen_key, key),
        other => panic!("decoded as {other:?}"),
    }
    assert_eq!(mock.publish(&key, &example), 0);
    assert!(!format!("{stream:?}").contains(&key), "the listen key is never printed");
}

/// The start of a depth test: the mock's script of BTCUSDT's book (levels set by updates up to
/// 1005 that no event announced: the book before the subscription), a subscription to its
/// diff-depth stream, and a local book that buffered the first event (1006..=1007) while no
/// snapshot has been fetched.
struct DepthTest {
    _exchange: RunningMock,
    mock: MockStreams,
    rest: usds_futures::Client,
    script: DepthScript,
    depth: Subscription<usds_futures::DiffBookDepthEvent>,
    book: LocalOrderBook,
}

async fn depth_test() -> DepthTest {
    let (exchange, mock, client) = setup().await;
    let rest = rest(&exchange);
    let mut script = mock.depth_script("BTCUSDT", 1000);
    script.lose_update(5, &[(10000, "1"), (9990, "2")], &[(10010, "1"), (10020, "3")]);
    let mut depth = client.subscribe(&streams::DiffBookDepth::new("BTCUSDT")).await.unwrap();
    let mut book = LocalOrderBook::new(1000);

    // Events flow before the snapshot is fetched: buffered.
    mock.publish(&script.stream(), &script.update(2, &[(10000, "1.5")], &[]));
    assert_eq!(book.apply_update(update(&next(&mut depth).await.unwrap())), BookStatus::NeedsSnapshot);
    DepthTest { _exchange: exchange, mock, rest, script, depth, book }
}

/// As on Binance, the REST snapshot is taken while the next event is still being gathered: its
/// `lastUpdateId` is inside that event's `U..u`, newer than every buffered event. The book holds
/// the snapshot and applies that event when it comes, though its `pu` is before the snapshot.
#[tokio::test]
async fn a_snapshot_taken_within_an_event_is_bridged_by_that_event() {
    let DepthTest { _exchange, mock, rest, mut script, mut depth, mut book } = depth_test().await;
    // Updates 1008..=1010 happen; the snapshot shows them, no event has announced them yet.
    script.gather(3, &[(9990, "0")], &[(10030, "4")]);
    let snapshot = snapshot(&rest).await;
    assert_eq!(snapshot.last_update_id, 1010);
    assert_eq!(book.apply_snapshot(snapshot), BookStatus::Synced { last_update_id: 1010 });
    // The event gathering 1008..=1012 (`pu` 1007) bridges the snapshot; the next one follows.
    mock.publish(&script.stream(), &script.update(2, &[(9980, "7")], &[(10010, "0")]));
    let bridge = update(&next(&mut depth).await.unwrap());
    assert_eq!((bridge.first_update_id, bridge.final_update_id, bridge.previous_final_update_id), (1008, 1012, 1007));
    assert_eq!(book.apply_update(bridge), BookStatus::Synced { last_update_id: 1012 });
    mock.publish(&script.stream(), &script.update(1, &[(9970, "1")], &[]));
    assert_eq!(
        book.apply_update(update(&next(&mut depth).await.unwrap())),
        BookStatus::Synced { last_update_id: 1013 }
    );
    assert_eq!(book.desyncs(), []);
    assert_eq!(texts(book.bids()), script.bids());
    assert_eq!(texts(book.asks()), script.asks());
}

fn update(e: &usds_futures::DiffBookDepthEvent) -> DepthUpdate {
    let levels = |v: &[usds_futures::DepthLevel]| v.iter().map(|l| (l.price, l.quantity)).collect();
    DepthUpdate {
        first_update_id: e.first_update_id_in_event,
        final_update_id: e.final_update_id_in_event,
        previous_final_update_id: e.previous_final_update_id,
        bids: levels(&e.bids),
        asks: levels(&e.asks),
    }
}

/// The book's snapshot over REST: `GET /fapi/v1/depth` through the generated client, which the
/// mock answers from the script's state.
async fn snapshot(rest: &usds_futures::Client) -> DepthSnapshot {
    let book = rest.order_book(&OrderBookRequest::new("BTCUSDT").limit(1000)).await.unwrap();
    let levels = |v: &[usds_futures::OrderBookRpiBid]| v.iter().map(|l| (l.price, l.qty)).collect();
    DepthSnapshot { last_update_id: book.last_update_id, bids: levels(&book.bids), asks: levels(&book.asks) }
}

fn texts<'a>(it: impl Iterator<Item = (&'a Decimal, &'a Decimal)>) -> Vec<(String, String)> {
    it.map(|(p, q)| (format!("{p:.2}"), q.to_string())).collect()
}

#[tokio::test]
async fn a_depth_gap_ends_in_a_resynchronised_correct_book() {
    let DepthTest { _exchange, mock, rest, mut script, mut depth, mut book } = depth_test().await;
    let first_snapshot = snapshot(&rest).await;
    assert_eq!(first_snapshot.last_update_id, 1007, "the REST snapshot is the script's state");
    mock.publish(&script.stream(), &script.update(1, &[], &[(10010, "0")]));
    book.apply_update(update(&next(&mut depth).await.unwrap()));
    assert!(matches!(book.apply_snapshot(first_snapshot), BookStatus::Synced { .. }));
    assert_eq!(texts(book.bids()), script.bids());
    assert_eq!(texts(book.asks()), script.asks());

    // Updates are lost on the way: the next event's `pu` shows the gap.
    script.lose_update(3, &[(9990, "0")], &[(10030, "4")]);
    mock.publish(&script.stream(), &script.update(1, &[(9980, "7")], &[]));
    assert_eq!(book.apply_update(update(&next(&mut depth).await.unwrap())), BookStatus::NeedsSnapshot);
    assert!(matches!(book.desyncs(), [Desync::Gap { .. }]));

    // Resync: a new snapshot, events after it, and the book equals the true one.
    let second_snapshot = snapshot(&rest).await;
    mock.publish(&script.stream(), &script.update(2, &[(10000, "0")], &[(10020, "1")]));
    book.apply_update(update(&next(&mut depth).await.unwrap()));
    assert!(matches!(book.apply_snapshot(second_snapshot), BookStatus::Synced { .. }));
    mock.publish(&script.stream(), &script.update(1, &[(9970, "1")], &[]));
    let last = book.apply_update(update(&next(&mut depth).await.unwrap()));
    assert!(matches!(last, BookStatus::Synced { .. }), "{last:?}");
    assert_eq!(texts(book.bids()), script.bids());
    assert_eq!(texts(book.asks()), script.asks());
}
