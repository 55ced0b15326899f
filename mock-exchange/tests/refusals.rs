//! Requests hyper refuses before the handler sees them still get a Binance error body.

use binance_mock::{MockExchange, RunningMock};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Writes `request` raw and reads until the server closes; returns (status, JSON body).
async fn raw(mock: &RunningMock, request: &[u8]) -> (u16, serde_json::Value) {
    let mut stream = tokio::net::TcpStream::connect(mock.addr()).await.unwrap();
    // The server may answer and close before reading everything: a failed write is fine.
    let _ = stream.write_all(request).await;
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk)).await.unwrap() {
            Ok(0) | Err(_) => break,
            Ok(n) => received.extend_from_slice(&chunk[..n]),
        }
    }
    let text = String::from_utf8(received).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no HTTP answer: {text:?}"));
    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no status: {head}"));
    assert!(head.to_ascii_lowercase().contains("content-type: application/json"), "{head}");
    let json = serde_json::from_str(body).unwrap_or_else(|e| panic!("body is not JSON ({e}): {body:?}"));
    (status, json)
}

#[tokio::test]
async fn long_queries_are_414_or_431_with_a_binance_body() {
    let mock = MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .start()
        .await
        .unwrap();
    // Over hyper's URI limit (65 534 bytes) but within its buffer: 414.
    let query = "a".repeat(100_000);
    let request = format!("GET /fapi/v1/time?x={query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    let (status, body) = raw(&mock, request.as_bytes()).await;
    assert_eq!((status, body["code"].as_i64()), (414, Some(-1104)), "{body}");
    // 1 MiB: over hyper's buffer before the URI is even parsed: 431.
    let query = "a".repeat(1 << 20);
    let request = format!("GET /fapi/v1/time?x={query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    let (status, body) = raw(&mock, request.as_bytes()).await;
    assert_eq!((status, body["code"].as_i64()), (431, Some(-1104)), "{body}");
}

#[tokio::test]
async fn a_garbage_request_line_is_400_with_a_binance_body() {
    let mock = MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .start()
        .await
        .unwrap();
    let (status, body) = raw(&mock, b"\x01\x02 garbage \xff\r\n\r\n").await;
    assert_eq!((status, body["code"].as_i64()), (400, Some(-1100)), "{body}");
}

#[tokio::test]
async fn oversized_headers_are_431_with_a_binance_body() {
    let mock = MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .start()
        .await
        .unwrap();
    let big = "b".repeat(1 << 20);
    let request = format!("GET /fapi/v1/time HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {big}\r\n\r\n");
    let (status, body) = raw(&mock, request.as_bytes()).await;
    assert_eq!((status, body["code"].as_i64()), (431, Some(-1104)), "{body}");
}

#[tokio::test]
async fn ordinary_answers_pass_through_and_the_connection_stays_usable() {
    let mock = MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .start()
        .await
        .unwrap();
    let (status, body) =
        raw(&mock, b"GET /fapi/v1/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").await;
    assert_eq!((status, body["code"].as_i64()), (404, Some(-1000)));
    let (status, body) =
        raw(&mock, b"GET /fapi/v1/time HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").await;
    assert_eq!(status, 200);
    assert!(body["serverTime"].is_i64());
}
