//! The WebSocket API client's error envelopes against Binance's rules, over a local tungstenite
//! server: which answers to a `TRADE` method leave its outcome unknown (as they do on REST), and
//! that a burst of `-1021` rejections costs one clock resync.

#![cfg(feature = "ws")]

mod support;

use binance_runtime::ws_api::WsApiBuilder;
use binance_runtime::{Endpoint, Error, ParamWriter, Security, Weight, WsEndpoint};
use futures_util::{SinkExt as _, StreamExt as _};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::ws::{ws_server, PRODUCT};
use tokio_tungstenite::tungstenite::Message;

/// `order.place`: a TRADE method, whose outcome matters.
struct PlaceOrder;

impl Endpoint for PlaceOrder {
    type Response = serde_json::Value;
    const NAME: &'static str = "PlaceOrder";
    const SECURITY: Security = Security::Trade;
    fn weight(&self) -> Weight {
        Weight::ip(0)
    }
    fn write_params<W: ParamWriter + ?Sized>(&self, out: &mut W) {
        out.str("symbol", "BTCUSDT");
    }
}

impl WsEndpoint for PlaceOrder {
    const METHOD: &'static str = "order.place";
}

/// `account.status`: a USER_DATA read.
struct AccountStatus;

impl Endpoint for AccountStatus {
    type Response = serde_json::Value;
    const NAME: &'static str = "AccountStatus";
    const SECURITY: Security = Security::UserData;
    fn weight(&self) -> Weight {
        Weight::ip(0)
    }
    fn write_params<W: ParamWriter + ?Sized>(&self, _out: &mut W) {}
}

impl WsEndpoint for AccountStatus {
    const METHOD: &'static str = "account.status";
}

/// A server answering every request frame with `answer(id)`.
async fn server_with(answer: impl Fn(&serde_json::Value) -> serde_json::Value + Send + Sync + 'static) -> String {
    server_after(Duration::ZERO, answer).await
}

/// A server answering every request frame with `answer(id)`, `delay` after the previous answer
/// of the connection.
async fn server_after(
    delay: Duration,
    answer: impl Fn(&serde_json::Value) -> serde_json::Value + Send + Sync + 'static,
) -> String {
    ws_server(delay, move |_, id| answer(id)).await.0
}

fn credentials() -> binance_runtime::Credentials {
    binance_runtime::Credentials::hmac("key", "secret").unwrap()
}

/// The answer of a server that rejects every request with `status`, `code` and `msg`.
async fn rejected_with(status: u16, code: i64, msg: &'static str) -> (Result<(), Error>, Result<(), Error>) {
    let url =
        server_with(move |id| serde_json::json!({ "id": id, "status": status, "error": { "code": code, "msg": msg } }))
            .await;
    let client = WsApiBuilder::new(&PRODUCT).url(url).credentials(credentials()).build().unwrap();
    let order = client.call(&PlaceOrder).await.map(|_| ());
    let read = client.call(&AccountStatus).await.map(|_| ());
    (order, read)
}

#[tokio::test]
async fn a_5xx_or_a_1006_1007_to_a_trade_method_is_an_unknown_outcome_as_on_rest() {
    // Binance: a 5xx (503 "Unknown error, ..." in particular), -1006 and -1007 mean the request
    // may have been executed (BINANCE.md "Errors"; portfolio-margin/general-info.md, HTTP 503).
    for (status, code, msg) in [
        (503, -1000, "Unknown error, please check your request or try again later."),
        (500, -1000, "An unknown error occurred while processing the request."),
        (400, -1006, "An unexpected response was received from the message bus. Execution status unknown."),
        (
            408,
            -1007,
            "Timeout waiting for response from backend server. Send status unknown; execution status unknown.",
        ),
    ] {
        let (order, read) = rejected_with(status, code, msg).await;
        match order {
            Err(Error::OutcomeUnknown { endpoint: "PlaceOrder", status: Some(s), code: Some(c), .. }) => {
                assert_eq!((s, c), (status, code));
            }
            other => panic!("{status} {code}: expected OutcomeUnknown for order.place, got {other:?}"),
        }
        // A read changes nothing: its error stays an API error.
        assert!(matches!(read, Err(Error::Api { .. })), "{status} {code}: {read:?}");
    }
}

#[tokio::test]
async fn definite_failures_of_a_trade_method_stay_api_errors() {
    // 503 "Service Unavailable." or "Internal error; …", and -1008, are failures: nothing was
    // executed.
    for (status, code, msg) in [
        (503, -1000, "Service Unavailable."),
        (503, -1001, "Internal error; unable to process your request. Please try again."),
        (503, -1008, "Request throttled by system-level protection. Reduce-only/close-position orders are exempt. Please try again."),
        (400, -2019, "Margin is insufficient."),
    ] {
        let (order, _) = rejected_with(status, code, msg).await;
        match order {
            Err(Error::Api { status: s, code: c, .. }) => assert_eq!((s, c), (status, code)),
            other => panic!("{status} {code}: expected an API error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_5xx_without_an_error_member_to_a_trade_method_is_an_unknown_outcome() {
    let url = server_with(|id| serde_json::json!({ "id": id, "status": 502 })).await;
    let client = WsApiBuilder::new(&PRODUCT).url(url).credentials(credentials()).build().unwrap();
    let order = client.call(&PlaceOrder).await;
    assert!(matches!(order, Err(Error::OutcomeUnknown { status: Some(502), .. })), "{order:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_timestamp_rejections_costs_one_clock_resync() {
    use support::{api, Reply, Server};
    let rest_server = Server::start(|seen, _| {
        assert_eq!(seen.path, "/fapi/v1/time");
        Reply::json(200, &format!(r#"{{"serverTime":{}}}"#, api::now_ms() + 10_000))
    })
    .await;
    let rest = binance_runtime::ClientBuilder::new(&PRODUCT).base_url(&rest_server.url).build().unwrap();
    let frames = Arc::new(AtomicUsize::new(0));
    let counted = frames.clone();
    // Answers 100 ms apart: every call of the burst is signed and sent before the first
    // rejection arrives.
    let url = server_after(Duration::from_millis(100), move |id| {
        counted.fetch_add(1, Ordering::SeqCst);
        serde_json::json!({ "id": id, "status": 400,
            "error": { "code": -1021, "msg": "Timestamp for this request is outside of the recvWindow." } })
    })
    .await;
    let client = WsApiBuilder::new(&PRODUCT).url(url).credentials(credentials()).share_with(&rest).build().unwrap();
    client.call(&AccountStatus).await.ok(); // connected (and resynced once)
    let synced_once = rest_server.seen().len();
    assert_eq!(synced_once, api::TIME_REQUESTS_PER_SYNC);
    // Ten calls signed on the same clock, all rejected: one resync serves them all.
    let calls: Vec<_> = (0..10)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.call(&AccountStatus).await })
        })
        .collect();
    for call in calls {
        let refused = tokio::time::timeout(Duration::from_secs(10), call).await.expect("hung").unwrap();
        assert!(matches!(refused, Err(Error::Api { code: -1021, .. })), "{refused:?}");
    }
    assert_eq!(frames.load(Ordering::SeqCst), 11);
    let resyncs = (rest_server.seen().len() - synced_once) / api::TIME_REQUESTS_PER_SYNC;
    assert!(resyncs <= 1, "{resyncs} resyncs for one burst of rejections");
}

/// A server that refuses every WebSocket handshake with HTTP `status`, `Retry-After: 30` and a
/// Binance error body; counts the attempts.
async fn refusing_server(status: u16) -> (String, Arc<AtomicUsize>) {
    use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
    use tokio_tungstenite::tungstenite::http;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws-fapi/v1", listener.local_addr().unwrap());
    let attempts = Arc::new(AtomicUsize::new(0));
    let counted = attempts.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                #[allow(clippy::result_large_err)] // tungstenite's callback signature
                let refuse = move |_: &Request, _: Response| -> Result<Response, ErrorResponse> {
                    let body =
                        r#"{"code":-1003,"msg":"Too many requests; current limit of IP is 2400 requests per minute."}"#;
                    let mut refusal = ErrorResponse::new(Some(body.to_string()));
                    *refusal.status_mut() = http::StatusCode::from_u16(status).unwrap();
                    refusal.headers_mut().insert("Retry-After", http::HeaderValue::from_static("30"));
                    Err(refusal)
                };
                let _ = tokio_tungstenite::accept_hdr_async(tcp, refuse).await;
            });
        }
    });
    (url, attempts)
}

#[tokio::test]
async fn a_handshake_refused_with_429_pauses_the_family_instead_of_retrying_into_a_ban() {
    // The handshake costs weight like a request (websocket-api-general-info.md): a 429 to it is
    // a 429 like any other, and sending more after it earns a 418.
    let (url, attempts) = refusing_server(429).await;
    let client = WsApiBuilder::new(&PRODUCT)
        .url(url)
        .credentials(credentials())
        .rate_policy(binance_runtime::RatePolicy::FailFast)
        .reconnect_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .build()
        .unwrap();
    match client.call(&AccountStatus).await {
        Err(Error::RateLimited { retry_after, .. }) => assert_eq!(retry_after, Duration::from_secs(30)),
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert!(client.governor().paused_for().is_some_and(|p| p > Duration::from_secs(20)));
    tokio::time::sleep(Duration::from_millis(20)).await; // past the reconnect backoff
    assert!(matches!(client.call(&AccountStatus).await, Err(Error::RateLimited { .. })));
    assert_eq!(attempts.load(Ordering::SeqCst), 1, "no handshake is sent into the pause");
}

#[tokio::test]
async fn a_handshake_refused_with_418_bans_the_host() {
    let (url, attempts) = refusing_server(418).await;
    let client = WsApiBuilder::new(&PRODUCT)
        .url(url)
        .credentials(credentials())
        .reconnect_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .build()
        .unwrap();
    match client.call(&AccountStatus).await {
        Err(Error::Banned { until, .. }) => {
            assert!(until > std::time::SystemTime::now() + Duration::from_secs(20), "the ban follows Retry-After")
        }
        other => panic!("expected Banned, got {other:?}"),
    }
    tokio::time::sleep(Duration::from_millis(20)).await; // past the reconnect backoff
    assert!(matches!(client.call(&AccountStatus).await, Err(Error::Banned { .. })));
    assert_eq!(attempts.load(Ordering::SeqCst), 1, "no handshake is sent into the ban");
}

/// An Ed25519 key's PKCS#8 PEM (only the client's side: the test server does not verify).
fn ed25519_credentials() -> binance_runtime::Credentials {
    use ed25519_dalek::pkcs8::{spki::der::pem::LineEnding, EncodePrivateKey};
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let pem = key.to_pkcs8_pem(LineEnding::LF).unwrap();
    binance_runtime::Credentials::ed25519_pem("ed-key", &pem).unwrap()
}

#[tokio::test]
async fn a_revoked_session_is_not_used_again_the_next_call_logs_on_anew() {
    // websocket-api-general-info.md, "API key revocation": when the key becomes invalid, the
    // session is revoked with `{"id": null, "status": 401, "error": {"code": -2015, …}}`.
    // Requests after that on the connection carry no apiKey and no signature: they would all
    // fail until the connection ages out (24 h), even once the key is valid again.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws-fapi/v1", listener.local_addr().unwrap());
    let (connections, logons) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (c, l) = (connections.clone(), logons.clone());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let first_connection = c.fetch_add(1, Ordering::SeqCst) == 0;
            let l = l.clone();
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else { return };
                while let Some(Ok(frame)) = ws.next().await {
                    let Message::Text(text) = frame else { continue };
                    let request: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
                    let id = &request["id"];
                    let mut answers = Vec::new();
                    if request["method"] == "session.logon" {
                        l.fetch_add(1, Ordering::SeqCst);
                        answers.push(serde_json::json!({ "id": id, "status": 200, "result": {} }));
                    } else if first_connection {
                        // The key was revoked: this request is refused and the session with it.
                        let error = serde_json::json!({ "code": -2015, "msg": "Invalid API-key, IP, or permissions for action." });
                        answers.push(serde_json::json!({ "id": id, "status": 401, "error": error }));
                        answers.push(serde_json::json!({ "id": null, "status": 401, "error": error }));
                    } else {
                        answers.push(serde_json::json!({ "id": id, "status": 200, "result": { "ok": true } }));
                    }
                    for answer in answers {
                        if ws.send(Message::text(answer.to_string())).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    let client = WsApiBuilder::new(&PRODUCT).url(url).credentials(ed25519_credentials()).build().unwrap();
    let refused = client.call(&AccountStatus).await;
    assert!(matches!(refused, Err(Error::Api { code: -2015, .. })), "{refused:?}");
    // Let the revocation frame arrive.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let reply = tokio::time::timeout(Duration::from_secs(10), client.call(&AccountStatus)).await.expect("hung");
    assert_eq!(reply.unwrap().result["ok"], true);
    assert_eq!((connections.load(Ordering::SeqCst), logons.load(Ordering::SeqCst)), (2, 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logon_rejected_for_its_timestamp_resyncs_the_shared_clock() {
    use support::{api, Reply, Server};
    // The server clock runs 10 s ahead of the local one: a timestamp from the local clock is
    // outside recvWindow (-1021), for `session.logon` as for any signed request.
    const SKEW_MS: i64 = 10_000;
    let rest_server =
        Server::start(|_, _| Reply::json(200, &format!(r#"{{"serverTime":{}}}"#, api::now_ms() + SKEW_MS))).await;
    let rest = binance_runtime::ClientBuilder::new(&PRODUCT).base_url(&rest_server.url).build().unwrap();
    // A server that checks every timestamp against its clock.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws-fapi/v1", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else { return };
                while let Some(Ok(frame)) = ws.next().await {
                    let Message::Text(text) = frame else { continue };
                    let request: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
                    let id = &request["id"];
                    let timestamp = request["params"]["timestamp"].as_i64().unwrap_or_default();
                    let answer = if (timestamp - (api::now_ms() + SKEW_MS)).abs() > 5_000 {
                        let error = serde_json::json!({ "code": -1021, "msg": "Timestamp for this request is outside of the recvWindow." });
                        serde_json::json!({ "id": id, "status": 400, "error": error })
                    } else {
                        serde_json::json!({ "id": id, "status": 200, "result": { "ok": true } })
                    };
                    if ws.send(Message::text(answer.to_string())).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let client = WsApiBuilder::new(&PRODUCT)
        .url(url)
        .credentials(ed25519_credentials())
        .share_with(&rest)
        .reconnect_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .build()
        .unwrap();
    let refused = client.call(&AccountStatus).await;
    assert!(matches!(refused, Err(Error::Api { code: -1021, .. })), "{refused:?}");
    tokio::time::sleep(Duration::from_millis(20)).await; // past the reconnect backoff
    let reply = tokio::time::timeout(Duration::from_secs(10), client.call(&AccountStatus)).await.expect("hung");
    assert_eq!(reply.unwrap().result["ok"], true, "the logon after the rejection uses the resynced clock");
    assert!(rest.time_offset_ms() > 5_000, "offset {}", rest.time_offset_ms());
}
