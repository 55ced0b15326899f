//! Each injected fault is what a client on the wire sees.

mod common;

use binance_mock::{Fault, MockExchange, RunningMock};
use common::*;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TIME: &str = "/fapi/v1/time";

/// Sends a raw HTTP/1.1 GET and reads until the server closes; returns what arrived or the read error.
async fn raw_get(mock: &RunningMock, path: &str) -> (Vec<u8>, Option<std::io::ErrorKind>) {
    let mut stream = tokio::net::TcpStream::connect(mock.addr()).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk)).await.unwrap() {
            Ok(0) => return (received, None),
            Ok(n) => received.extend_from_slice(&chunk[..n]),
            Err(e) => return (received, Some(e.kind())),
        }
    }
}

#[tokio::test]
async fn connection_reset_closes_without_any_response_and_counts_the_request() {
    let mock = MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .start()
        .await
        .unwrap();
    mock.set_fault(Fault::ConnectionReset.times(1));
    let (received, _error) = raw_get(&mock, TIME).await;
    assert!(received.is_empty(), "got {:?}", String::from_utf8_lossy(&received));
    assert_eq!(mock.stats().requests_to(TIME), 1);
    // One-shot: the next request is answered.
    let (received, _) = raw_get(&mock, TIME).await;
    assert!(received.starts_with(b"HTTP/1.1 200"));
    // reqwest reports it as an error, never as a response.
    mock.set_fault(Fault::ConnectionReset);
    assert!(reqwest::get(format!("{}{TIME}", mock.base_url())).await.is_err());
}

#[tokio::test]
async fn truncated_body_declares_more_bytes_than_it_sends() {
    let mock = MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .start()
        .await
        .unwrap();
    mock.set_fault(Fault::TruncatedBody.on_path(TIME));
    let (received, _) = raw_get(&mock, TIME).await;
    let text = String::from_utf8_lossy(&received).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let declared: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length: ").map(|v| v.trim().parse().unwrap()))
        .unwrap();
    assert!(body.len() < declared, "sent {} of {declared}: {body}", body.len());
    assert!(body.starts_with('{'));

    let response = reqwest::get(format!("{}{TIME}", mock.base_url())).await.unwrap();
    assert!(response.text().await.is_err(), "reqwest must notice the missing bytes");
}

#[tokio::test]
async fn malformed_json_is_200_with_a_body_no_parser_accepts() {
    let mock = MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .start()
        .await
        .unwrap();
    mock.set_fault(Fault::MalformedJson.times(1));
    let response = reqwest::get(format!("{}{TIME}", mock.base_url())).await.unwrap();
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&body).is_err(), "{body}");
    assert_eq!(mock.stats().faults, 1);
}

#[tokio::test]
async fn server_errors_and_binance_error_bodies() {
    let mock = MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .start()
        .await
        .unwrap();
    let cases = [
        (Fault::service_unavailable(), 503, -1000),
        (Fault::internal_error(), 500, -1001),
        (Fault::throttled(), 503, -1008),
        (Fault::unexpected_response(), 500, -1006),
        (Fault::backend_timeout(), 408, -1007),
    ];
    for (fault, status, expected_code) in cases {
        mock.set_fault(fault.clone().times(1));
        let (got_status, headers, body) = get(&mock, TIME, None).await;
        assert_eq!((got_status, code(&body)), (status, expected_code), "{fault:?}: {body}");
        // Weight is still reported: the request reached the exchange.
        assert!(headers.contains_key("x-mbx-used-weight-1m"));
    }
    let (_, _, body) = get(&mock, TIME, None).await;
    assert!(body.get("serverTime").is_some(), "faults were one-shot: {body}");

    mock.set_fault(Fault::Status { status: 502, body: "{}".into() });
    assert_eq!(get(&mock, TIME, None).await.0, 502);
    assert_eq!(get(&mock, TIME, None).await.0, 502, "persistent until cleared");
    mock.clear_faults();
    assert_eq!(get(&mock, TIME, None).await.0, 200);
}

#[tokio::test]
async fn latency_holds_the_answer_back() {
    let mock = MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .start()
        .await
        .unwrap();
    // A delay far beyond the client's timeout: the client must give up first.
    mock.set_fault(Fault::Latency(Duration::from_secs(30)).on_path(TIME).times(1));
    let client = reqwest::Client::builder().timeout(Duration::from_millis(200)).build().unwrap();
    let error = client.get(format!("{}{TIME}", mock.base_url())).send().await.unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert_eq!(mock.stats().faults, 1);
    // Other paths and later requests are not delayed by a one-shot, path-bound latency.
    assert_eq!(client.get(format!("{}/api/v3/time", mock.base_url())).send().await.unwrap().status(), 200);
}
