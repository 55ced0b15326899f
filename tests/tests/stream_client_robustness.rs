//! The stream client against the mock's stream server on loopback, for what a long-lived
//! connection meets: the server's pings (answered with a pong carrying the same payload while
//! events keep flowing) and a connection that goes silent (taken for dead after
//! `StreamConfig::read_timeout`, replaced and re-subscribed). Renewal, backoff, pacing and
//! timeouts are tested under paused time in the runtime's unit tests
//! (`runtime/src/stream/client_timing_tests.rs`).

use binance_client::runtime::stream::{Backoff, StreamClient, StreamConfig, StreamError, Subscription};
use binance_client::usds_futures::streams;
use binance_mock::streams::MockStreams;
use binance_mock::RunningMock;
use futures_util::StreamExt;
use std::time::Duration;

/// The mock exchange (kept alive by the caller) and its stream controls.
async fn start() -> (RunningMock, MockStreams) {
    let exchange = binance_mock::MockExchange::builder().spec_dir(binance_client::SPEC_DIR).start().await.unwrap();
    let streams = exchange.streams();
    (exchange, streams)
}

fn config(mock: &MockStreams) -> StreamConfig {
    StreamConfig::new(mock.url()).backoff(Backoff::new(Duration::from_millis(20), Duration::from_millis(200)))
}

/// The next item, failing the test instead of hanging when none comes.
async fn next<T>(sub: &mut Subscription<T>) -> Result<T, StreamError> {
    tokio::time::timeout(Duration::from_secs(10), sub.next()).await.expect("no stream item within 10 s").expect("ended")
}

/// Polls `done` every 20 ms for up to 10 s.
async fn eventually(mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..500 {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    done()
}

#[tokio::test]
async fn server_pings_are_answered_with_the_same_payload_while_events_flow() {
    let (_exchange, mock) = start().await;
    let client = StreamClient::connect(config(&mock));
    let mut trades = client.subscribe(&streams::AggregateTrade::new("BTCUSDT")).await.unwrap();
    let example = mock.example("usds_futures", "<symbol>@aggTrade").unwrap().to_string();
    let payloads: [&[u8]; 3] = [b"1764331200000", b"1764331380000", b""];
    for (i, payload) in payloads.iter().enumerate() {
        assert_eq!(mock.ping_all(payload), 1);
        assert_eq!(mock.publish("btcusdt@aggTrade", &example), 1);
        assert!(next(&mut trades).await.is_ok(), "the subscription delivers between pings");
        assert!(eventually(|| mock.pongs().len() == i + 1).await, "pongs: {:?}", mock.pongs());
    }
    assert_eq!(mock.pongs(), payloads.map(<[u8]>::to_vec));
    assert_eq!(mock.connections(), 1, "answered pings keep the connection");
}

#[tokio::test]
async fn a_silent_connection_is_replaced_and_resubscribed() {
    let (_exchange, mock) = start().await;
    // The mock sends nothing unless told: a connection as quiet as a dead one.
    let client = StreamClient::connect(config(&mock).read_timeout(Duration::from_millis(300)));
    let mut trades = client.subscribe(&streams::AggregateTrade::new("ETHUSDT")).await.unwrap();
    assert_eq!(next(&mut trades).await, Err(StreamError::Reconnected));
    assert!(mock.connections() >= 2);
    assert!(eventually(|| mock.subscriptions() == ["ethusdt@aggTrade"]).await, "{:?}", mock.control_messages());
    let example = mock.example("usds_futures", "<symbol>@aggTrade").unwrap().to_string();
    assert!(mock.publish("ethusdt@aggTrade", &example) >= 1);
    // Another silent period may replace the connection again before the event is read.
    loop {
        match next(&mut trades).await {
            Ok(_) => break,
            Err(StreamError::Reconnected) => {
                mock.publish("ethusdt@aggTrade", &example);
            }
            Err(e) => panic!("{e}"),
        }
    }
}
