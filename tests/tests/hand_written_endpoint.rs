//! Endpoints that are not in the spec, written by hand with the same derives the generator
//! emits, and called through the same runtime client against a loopback HTTP server.
//!
//! The server is a few lines of tokio: it accepts one connection, records the request line
//! and headers, and answers with a canned HTTP/1.1 response.

use binance_runtime::{model, Credentials, Decimal, Endpoint, Error, Weight, WeightKind};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

// ---- The hand-written endpoints: exactly what a user writes in their own crate. ----

/// `GET /fapi/v1/time`: public, weight 1.
#[derive(Debug, Clone, Default, Endpoint)]
#[endpoint(http = "GET /fapi/v1/time", security = "NONE", weight(ip = 1), response = ServerTime)]
struct ServerTimeRequest {}

/// The server's clock.
#[model]
#[derive(Debug, Clone, PartialEq)]
struct ServerTime {
    server_time: i64,
}

/// `GET /papi/v1/balance`: signed, weight 20; all assets, or one with `asset`.
#[derive(Debug, Clone, Default, Endpoint)]
#[endpoint(http = "GET /papi/v1/balance", security = "USER_DATA", weight(ip = 20), response = Vec<Balance>)]
struct BalanceRequest {
    asset: Option<String>,
    recv_window: Option<u64>,
}

/// One asset's balance in the portfolio margin account.
#[model]
#[derive(Debug, Clone, PartialEq)]
struct Balance {
    asset: String,
    total_wallet_balance: Decimal,
    cross_margin_free: Decimal,
    #[serde(rename = "umUnrealizedPNL")]
    um_unrealized_pnl: Decimal,
    negative_balance: Option<Decimal>,
    update_time: i64,
}

// ---- A one-shot loopback server. ----

/// What the server saw.
struct Seen {
    request_line: String,
    headers: Vec<(String, String)>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Binds 127.0.0.1 on a free port; returns the base URL and a task that serves one request.
async fn serve_once(status: &'static str, body: &'static str) -> (String, tokio::task::JoinHandle<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut chunk = [0u8; 1024];
        // A GET has no body: read until the blank line that ends the headers.
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut chunk).await.unwrap();
            assert!(n > 0 && head.len() < 64 * 1024, "the client closed early or sent an oversized head");
            head.extend_from_slice(&chunk[..n]);
        }
        let head = String::from_utf8(head).unwrap();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap().to_string();
        let headers = lines
            .take_while(|l| !l.is_empty())
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
            .collect();
        let response = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(response.as_bytes()).await.unwrap();
        stream.shutdown().await.unwrap();
        Seen { request_line, headers }
    });
    (url, task)
}

const API_KEY: &str = "hand-written-test-key";
const SECRET: &str = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9";

fn hmac_hex(payload: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(payload.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

// ---- Tests. ----

#[tokio::test]
async fn public_endpoint_defined_by_hand_goes_through_the_client() {
    let (url, server) = serve_once("200 OK", r#"{"serverTime": 1499827319559}"#).await;
    let client = binance_client::usds_futures::Client::builder().base_url(&url).build().unwrap();

    let request = ServerTimeRequest::default();
    assert_eq!(request.weight(), Weight { kind: WeightKind::Ip, value: 1, orders: &[] });
    let time = client.execute(&request).await.unwrap();

    assert_eq!(time, ServerTime { server_time: 1_499_827_319_559, unknown_fields: Default::default() });
    let seen = server.await.unwrap();
    assert_eq!(seen.request_line, "GET /fapi/v1/time HTTP/1.1");
    assert_eq!(seen.header("X-MBX-APIKEY"), None, "a NONE endpoint sends no API key");
}

#[tokio::test]
async fn signed_endpoint_defined_by_hand_is_signed_over_the_exact_query() {
    let body = r#"[{"asset":"USDT","totalWalletBalance":"122607.35137903","crossMarginFree":92.27530794,
        "umUnrealizedPNL":"-0.10000000","negativeBalance":"","updateTime":1617939110373,"newField":1}]"#;
    let (url, server) = serve_once("200 OK", body).await;
    let client = binance_client::portfolio_margin::Client::builder()
        .base_url(&url)
        .credentials(Credentials::hmac(API_KEY, SECRET).unwrap())
        .recv_window(5000)
        .build()
        .unwrap();

    let request = BalanceRequest { asset: Some("USDT".into()), recv_window: None };
    assert_eq!(request.weight(), Weight { kind: WeightKind::Ip, value: 20, orders: &[] });
    let balances = client.execute(&request).await.unwrap();

    let seen = server.await.unwrap();
    let target = seen.request_line.strip_prefix("GET ").and_then(|l| l.strip_suffix(" HTTP/1.1")).unwrap();
    let (path, query) = target.split_once('?').unwrap();
    assert_eq!(path, "/papi/v1/balance");
    let (signed, signature) = query.rsplit_once("&signature=").unwrap();
    let params: Vec<(&str, &str)> = signed.split('&').filter_map(|kv| kv.split_once('=')).collect();
    let names: Vec<&str> = params.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["asset", "recvWindow", "timestamp"], "declared params, then recvWindow and timestamp");
    assert_eq!(params[0].1, "USDT");
    assert_eq!(params[1].1, "5000", "the client's default recvWindow");
    assert!(params[2].1.parse::<u64>().is_ok(), "timestamp in milliseconds: {}", params[2].1);
    assert_eq!(signature, hmac_hex(signed), "HMAC-SHA256 over the query bytes exactly as sent");
    assert_eq!(seen.header("X-MBX-APIKEY"), Some(API_KEY));

    let [usdt] = balances.as_slice() else { panic!("one balance expected: {balances:?}") };
    assert_eq!(usdt.asset, "USDT");
    assert_eq!(usdt.total_wallet_balance.to_string(), "122607.35137903");
    assert_eq!(usdt.cross_margin_free.to_string(), "92.27530794", "a JSON number decodes without loss");
    assert_eq!(usdt.um_unrealized_pnl.to_string(), "-0.10000000");
    assert_eq!(usdt.negative_balance, None, "\"\" is an unset optional decimal");
    assert_eq!(usdt.update_time, 1_617_939_110_373);
}

#[tokio::test]
async fn hand_written_endpoint_gets_binance_errors_and_its_own_recv_window() {
    let (url, server) =
        serve_once("400 Bad Request", r#"{"code":-1022,"msg":"Signature for this request is not valid."}"#).await;
    let client = binance_client::portfolio_margin::Client::builder()
        .base_url(&url)
        .credentials(Credentials::hmac(API_KEY, SECRET).unwrap())
        .build()
        .unwrap();

    let request = BalanceRequest { asset: None, recv_window: Some(2500) };
    let err = client.execute(&request).await.unwrap_err();

    match err {
        Error::Api { endpoint, status, code, .. } => {
            assert_eq!((endpoint, status, code), ("BalanceRequest", 400, -1022));
        }
        other => panic!("expected a Binance rejection, got {other:?}"),
    }
    let seen = server.await.unwrap();
    assert!(
        seen.request_line.starts_with("GET /papi/v1/balance?recvWindow=2500&timestamp="),
        "no `asset` when unset; the request's recvWindow wins: {}",
        seen.request_line
    );
}
