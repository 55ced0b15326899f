//! The mock against a fixture spec holding one of each shape the real spec uses
//! (tests/fixtures/surface): every method, every security type, order counts, parameter
//! weights, list and JSON parameters, WebSocket API methods, all counted in one weight book.

mod common;

use binance_mock::{Auth, EndpointRoute, MockExchange, MockExchangeBuilder, RunningMock, Security, WeightKind};
use common::{code, Signer, HMAC_KEY, HMAC_SECRET};
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/surface");
const BATCH: &str = r#"[{"symbol":"BTCUSDT","side":"BUY","quantity":"1"}]"#;

/// The fixture's mock, its clock set to the start of a minute: windows are aligned to the
/// clock as Binance's are, and a test that counts must not straddle a window boundary.
fn fixture() -> MockExchangeBuilder {
    MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .spec_dir(FIXTURE)
        .hmac_key(HMAC_KEY, HMAC_SECRET)
        .clock_at_window_start()
}

/// A value for each mandatory parameter of the fixture.
fn value_of(name: &str) -> &'static str {
    match name {
        "symbol" => "BTCUSDT",
        "side" => "BUY",
        "interval" => "1m",
        "leverage" => "5",
        "batchOrders" => BATCH,
        other => panic!("the fixture has a mandatory parameter `{other}` this test does not know"),
    }
}

fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<u64> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok())
    }
}

/// Sends `query` and `body` (raw, already encoded) with the API key when given.
async fn send(mock: &RunningMock, method: &str, path: &str, query: &str, body: &str, key: Option<&str>) -> Reply {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let url = if query.is_empty() {
        format!("{}{path}", mock.base_url())
    } else {
        format!("{}{path}?{query}", mock.base_url())
    };
    let mut request = reqwest::Client::new().request(method, url);
    if let Some(key) = key {
        request = request.header("X-MBX-APIKEY", key);
    }
    if !body.is_empty() {
        request = request.header("Content-Type", "application/x-www-form-urlencoded").body(body.to_owned());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: body is not JSON ({e}): {text}"));
    Reply { status, headers, body }
}

/// `params` plus timestamp, signed over query+body as Binance does; POST/PUT put everything
/// after the first parameter in the body, to exercise the split.
async fn signed(mock: &RunningMock, method: &str, path: &str, params: &[(&str, String)]) -> Reply {
    let mut pairs: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
    pairs.push(format!("timestamp={}", mock.server_time_ms()));
    let (query, body) = if matches!(method, "POST" | "PUT") && pairs.len() > 1 {
        (pairs[0].clone(), pairs[1..].join("&"))
    } else {
        (pairs.join("&"), String::new())
    };
    let signature = Signer::Hmac(HMAC_SECRET).sign(&format!("{query}{body}"));
    let (query, body) = if body.is_empty() {
        (format!("{query}&signature={signature}"), body)
    } else {
        (query, format!("{body}&signature={signature}"))
    };
    send(mock, method, path, &query, &body, Some(HMAC_KEY)).await
}

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

async fn ws_connect(mock: &RunningMock) -> Socket {
    let tcp = tokio::net::TcpStream::connect(mock.ws().addr()).await.unwrap();
    let (socket, _) = tokio_tungstenite::client_async(mock.ws_url(), tcp).await.unwrap();
    socket
}

async fn ws_call(socket: &mut Socket, method: &str, params: Value) -> Value {
    let frame = json!({ "id": method, "method": method, "params": params }).to_string();
    socket.send(Message::text(frame)).await.unwrap();
    loop {
        match socket.next().await.unwrap().unwrap() {
            Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
            _ => continue,
        }
    }
}

/// WebSocket params signed as Binance documents: sorted `k=v` joined by `&`, unencoded.
fn ws_signed(mut params: serde_json::Map<String, Value>, timestamp: i64) -> Value {
    params.insert("apiKey".into(), json!(HMAC_KEY));
    params.insert("timestamp".into(), json!(timestamp));
    let mut names: Vec<&String> = params.keys().collect();
    names.sort();
    let payload: Vec<String> = names
        .iter()
        .map(|n| match &params[n.as_str()] {
            Value::String(s) => format!("{n}={s}"),
            other => format!("{n}={other}"),
        })
        .collect();
    let signature = Signer::Hmac(HMAC_SECRET).sign(&payload.join("&"));
    params.insert("signature".into(), json!(signature));
    Value::Object(params)
}

fn first_example(path_or_method: &str) -> Option<Value> {
    let products = binance_spec::Specs::new().dir(FIXTURE).validate().unwrap();
    products.iter().flat_map(|p| &p.endpoints).find_map(|e| {
        let here = match &e.transport {
            binance_spec::ir::Transport::Http { method, path } => format!("{method} {path}") == path_or_method,
            binance_spec::ir::Transport::Ws { method } => method == path_or_method,
        };
        if !here {
            return None;
        }
        let example: Value = match e.examples.first() {
            Some(text) => serde_json::from_str(text).unwrap(),
            None => return Some(if e.response_list { json!([]) } else { json!({}) }),
        };
        Some(example.get("result").cloned().unwrap_or(example))
    })
}

#[tokio::test]
async fn every_endpoint_is_served_with_its_first_example_and_logged() {
    let mock = fixture().start().await.unwrap();
    let endpoints = mock.endpoints();
    // 16 REST endpoints, the server-time route, 3 WebSocket methods.
    assert_eq!(endpoints.iter().filter(|e| matches!(e.route, EndpointRoute::Rest { .. })).count(), 17);
    assert_eq!(endpoints.iter().filter(|e| matches!(e.route, EndpointRoute::Ws { .. })).count(), 3);
    let mut socket = ws_connect(&mock).await;
    for endpoint in &endpoints {
        let params: Vec<(&str, String)> =
            endpoint.required.iter().map(|name| (name.as_str(), value_of(name).to_owned())).collect();
        match &endpoint.route {
            EndpointRoute::Rest { method, path } => {
                let reply = if endpoint.security.is_signed() {
                    signed(&mock, method, path, &params).await
                } else {
                    let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
                    let key = endpoint.security.needs_api_key().then_some(HMAC_KEY);
                    send(&mock, method, path, &query.join("&"), "", key).await
                };
                assert_eq!(reply.status, 200, "{method} {path}: {}", reply.body);
                if path.ends_with("/listenKey") {
                    // Listen keys are state, not examples (routes sorted: DELETE, POST, then PUT
                    // keeps alive the key POST made).
                    let key = reply.body.get("listenKey").and_then(Value::as_str).map(str::len);
                    assert_eq!(key, (method != "DELETE").then_some(64), "{method} {path}: {}", reply.body);
                } else if endpoint.name != "server_time" {
                    assert_eq!(Some(reply.body), first_example(&format!("{method} {path}")), "{method} {path}");
                }
            }
            EndpointRoute::Ws { method } => {
                let params: serde_json::Map<String, Value> =
                    params.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
                let params = match endpoint.security {
                    Security::None => Value::Object(params),
                    _ => ws_signed(params, mock.server_time_ms()),
                };
                let reply = ws_call(&mut socket, method, params).await;
                assert_eq!(reply["status"], 200, "{method}: {reply}");
                assert_eq!(Some(reply["result"].clone()), first_example(method), "{method}");
            }
        }
    }
    // The log holds one successful record per endpoint, with the weight and auth it expects.
    let log = mock.requests();
    for endpoint in &endpoints {
        let record = log
            .iter()
            .find(|r| r.route == endpoint.route)
            .unwrap_or_else(|| panic!("{:?} is not in the log", endpoint.route));
        assert_eq!((record.status, record.code), (200, None), "{record:?}");
        let expected_auth = match endpoint.security {
            Security::None => Auth::None,
            Security::MarketData | Security::UserStream => Auth::ApiKey,
            _ => Auth::Signature,
        };
        assert_eq!(record.auth, expected_auth, "{record:?}");
        assert_eq!(record.weight, endpoint.weight_for(|name| record.param(name)), "{record:?}");
        let orders: Vec<(String, u32)> = endpoint.orders.iter().map(|o| (o.window.clone(), o.value)).collect();
        assert_eq!(record.orders, orders, "{record:?}");
        if endpoint.security.needs_api_key() {
            assert_eq!(record.api_key.as_deref(), Some(HMAC_KEY));
        }
    }
}

#[tokio::test]
async fn each_security_type_asks_for_what_binance_asks_for() {
    let mock = fixture().start().await.unwrap();
    // NONE: no key needed.
    assert_eq!(send(&mock, "GET", "/fapi/v1/ping", "", "", None).await.status, 200);
    // MARKET_DATA / USER_STREAM: the key, nothing else.
    let reply = send(&mock, "GET", "/fapi/v1/historicalTrades", "symbol=BTCUSDT", "", None).await;
    assert_eq!((reply.status, code(&reply.body)), (401, -2015));
    assert_eq!(send(&mock, "GET", "/fapi/v1/historicalTrades", "symbol=BTCUSDT", "", Some(HMAC_KEY)).await.status, 200);
    for method in ["POST", "PUT", "DELETE"] {
        assert_eq!(send(&mock, method, "/fapi/v1/listenKey", "", "", Some(HMAC_KEY)).await.status, 200, "{method}");
        assert_eq!(send(&mock, method, "/fapi/v1/listenKey", "", "", Some("other")).await.status, 401, "{method}");
    }
    // TRADE / USER_DATA: key, timestamp, signature.
    let reply = send(&mock, "POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=5", "", Some(HMAC_KEY)).await;
    assert_eq!((reply.status, code(&reply.body)), (400, -1102), "{}", reply.body);
    let ts = mock.server_time_ms();
    let query = format!("symbol=BTCUSDT&leverage=5&timestamp={ts}&signature=00");
    let reply = send(&mock, "POST", "/fapi/v1/leverage", &query, "", Some(HMAC_KEY)).await;
    assert_eq!((reply.status, code(&reply.body)), (400, -1022));
}

#[tokio::test]
async fn post_signs_query_and_body_together_and_get_reads_the_query_only() {
    let mock = fixture().start().await.unwrap();
    let ts = mock.server_time_ms();
    let (query, body) = ("symbol=BTCUSDT".to_owned(), format!("leverage=5&timestamp={ts}"));
    let good = Signer::Hmac(HMAC_SECRET).sign(&format!("{query}{body}"));
    let reply =
        send(&mock, "POST", "/fapi/v1/leverage", &query, &format!("{body}&signature={good}"), Some(HMAC_KEY)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let record = mock.requests().pop().unwrap();
    assert_eq!(record.param("leverage"), Some("5"));
    assert!(record.signed());
    // A signature over the body alone does not cover the query.
    let body_only = Signer::Hmac(HMAC_SECRET).sign(&body);
    let reply =
        send(&mock, "POST", "/fapi/v1/leverage", &query, &format!("{body}&signature={body_only}"), Some(HMAC_KEY))
            .await;
    assert_eq!(code(&reply.body), -1022);
    // A GET's body is not read: its mandatory parameters must be in the query.
    let reply = send(&mock, "GET", "/fapi/v1/depth", "", "symbol=BTCUSDT", None).await;
    assert_eq!((reply.status, code(&reply.body)), (400, -1102));
    assert!(reply.body["msg"].as_str().unwrap().contains("'symbol'"));
}

#[tokio::test]
async fn duplicate_parameters_are_1101_in_the_query_and_across_query_and_body() {
    let mock = fixture().start().await.unwrap();
    let reply = send(&mock, "GET", "/fapi/v1/depth", "symbol=BTCUSDT&symbol=ETHUSDT", "", None).await;
    assert_eq!((reply.status, code(&reply.body)), (400, -1101), "{}", reply.body);
    let ts = mock.server_time_ms();
    let (query, body) = ("symbol=BTCUSDT".to_owned(), format!("symbol=ETHUSDT&leverage=5&timestamp={ts}"));
    let signature = Signer::Hmac(HMAC_SECRET).sign(&format!("{query}{body}"));
    let reply =
        send(&mock, "POST", "/fapi/v1/leverage", &query, &format!("{body}&signature={signature}"), Some(HMAC_KEY))
            .await;
    assert_eq!((reply.status, code(&reply.body)), (400, -1101), "{}", reply.body);
    // The WebSocket API alike: a member sent twice in `params`.
    let mut socket = ws_connect(&mock).await;
    let frame = r#"{"id":1,"method":"ticker.price","params":{"symbol":"BTCUSDT","symbol":"ETHUSDT"}}"#;
    socket.send(Message::text(frame)).await.unwrap();
    let reply: Value = loop {
        if let Message::Text(text) = socket.next().await.unwrap().unwrap() {
            break serde_json::from_str(text.as_str()).unwrap();
        }
    };
    assert_eq!((reply["status"].as_u64(), reply["error"]["code"].as_i64()), (Some(400), Some(-1101)), "{reply}");
    // Unknown parameters are tolerated.
    assert_eq!(send(&mock, "GET", "/fapi/v1/depth", "symbol=BTCUSDT&whatever=1", "", None).await.status, 200);
}

#[tokio::test]
async fn absurd_timestamps_are_1021_on_rest_and_websocket_and_the_mock_keeps_serving() {
    let mock = fixture().start().await.unwrap();
    for ts in [i64::MIN, i64::MAX, -1] {
        let query = format!("timestamp={ts}");
        let signature = Signer::Hmac(HMAC_SECRET).sign(&query);
        let reply =
            send(&mock, "GET", "/fapi/v3/account", &format!("{query}&signature={signature}"), "", Some(HMAC_KEY)).await;
        assert_eq!((reply.status, code(&reply.body)), (400, -1021), "timestamp {ts}: {}", reply.body);
    }
    let mut socket = ws_connect(&mock).await;
    for ts in [i64::MIN, i64::MAX] {
        let reply = ws_call(&mut socket, "account.status", ws_signed(Default::default(), ts)).await;
        assert_eq!(reply["error"]["code"], -1021, "{reply}");
        // session.logon goes through the same check (an HMAC key is refused after it passes).
        let reply = ws_call(&mut socket, "session.logon", ws_signed(Default::default(), ts)).await;
        assert_eq!(reply["error"]["code"], -1021, "{reply}");
    }
    let reply = ws_call(&mut socket, "account.status", ws_signed(Default::default(), mock.server_time_ms())).await;
    assert_eq!(reply["status"], 200, "{reply}");
    assert_eq!(send(&mock, "GET", "/fapi/v1/ping", "", "", None).await.status, 200);
}

#[tokio::test]
async fn weights_follow_limit_tables_and_parameter_presence() {
    let mock = fixture().start().await.unwrap();
    let mut expected = 0;
    for (query, weight) in [
        ("symbol=BTCUSDT&limit=50", 2),
        ("symbol=BTCUSDT&limit=100", 5),
        ("symbol=BTCUSDT&limit=500", 10),
        ("symbol=BTCUSDT&limit=1000", 20),
        ("symbol=BTCUSDT", 20),
    ] {
        expected += weight;
        let reply = send(&mock, "GET", "/fapi/v1/depth", query, "", None).await;
        assert_eq!(reply.header("X-MBX-USED-WEIGHT-1M"), Some(expected), "{query}");
        assert_eq!(u64::from(mock.requests().pop().unwrap().weight), weight, "{query}");
    }
    let reply = send(&mock, "GET", "/fapi/v1/ticker/price", "symbol=BTCUSDT", "", None).await;
    assert_eq!(reply.header("X-MBX-USED-WEIGHT-1M"), Some(expected + 1));
    let reply = send(&mock, "GET", "/fapi/v1/ticker/price", "", "", None).await;
    assert_eq!(reply.header("X-MBX-USED-WEIGHT-1M"), Some(expected + 3));
    // WebSocket: the handshake (5) and ticker.price with a symbol (1) in the same budget.
    let mut socket = ws_connect(&mock).await;
    let reply = ws_call(&mut socket, "ticker.price", json!({ "symbol": "BTCUSDT" })).await;
    assert_eq!(reply["rateLimits"][0]["count"], expected + 3 + 5 + 1, "{reply}");
    assert_eq!(mock.used_weight("fapi", WeightKind::Ip), u32::try_from(expected + 9).unwrap());
}

#[tokio::test]
async fn sapi_counts_uid_weight_per_account_and_ip_weight_in_its_own_headers() {
    let mock = fixture().start().await.unwrap();
    let reply = signed(&mock, "GET", "/sapi/v1/portfolio/account", &[]).await;
    assert_eq!(reply.header("X-SAPI-USED-UID-WEIGHT-1M"), Some(20), "{:?}", reply.headers);
    let reply = send(&mock, "GET", "/sapi/v1/portfolio/asset-index-price", "asset=BTC", "", Some(HMAC_KEY)).await;
    assert_eq!(reply.header("X-SAPI-USED-IP-WEIGHT-1M"), Some(1));
    let stats = mock.stats();
    assert_eq!(stats.budgets[&format!("sapi UID 1M {HMAC_KEY}")].used, 20);
    assert_eq!(stats.budgets["sapi IP 1M"].limit, Some(12_000));
    // fapi's budget is untouched: families are separate.
    assert_eq!(mock.used_weight("fapi", WeightKind::Ip), 0);
}

#[tokio::test]
async fn orders_are_counted_per_account_across_rest_and_websocket_then_refused_with_1015() {
    let mock = fixture().start().await.unwrap();
    let order = [("symbol", "BTCUSDT".to_owned()), ("side", "BUY".to_owned())];
    // The fixture allows 5 orders per 10 s.
    for n in 1..=4 {
        let reply = signed(&mock, "POST", "/fapi/v1/order", &order).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.header("X-MBX-ORDER-COUNT-10S"), Some(n));
        assert_eq!(reply.header("X-MBX-ORDER-COUNT-1M"), Some(n));
        // Weight 0: the order endpoint costs no request weight.
        assert_eq!(reply.header("X-MBX-USED-WEIGHT-1M"), Some(0));
    }
    let mut socket = ws_connect(&mock).await;
    let params: serde_json::Map<String, Value> = order.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
    let reply = ws_call(&mut socket, "order.place", ws_signed(params.clone(), mock.server_time_ms())).await;
    assert_eq!(reply["status"], 200, "{reply}");
    let orders_10s = &reply["rateLimits"][1];
    assert_eq!((orders_10s["interval"].as_str(), orders_10s["count"].as_u64()), (Some("SECOND"), Some(5)), "{reply}");
    // The sixth, on either transport, does not fit.
    let reply = ws_call(&mut socket, "order.place", ws_signed(params, mock.server_time_ms())).await;
    assert_eq!((reply["status"].as_u64(), reply["error"]["code"].as_i64()), (Some(429), Some(-1015)), "{reply}");
    assert!(reply["error"]["data"]["retryAfter"].is_i64());
    let reply = signed(&mock, "POST", "/fapi/v1/order", &order).await;
    assert_eq!((reply.status, code(&reply.body)), (429, -1015), "{}", reply.body);
    assert!(reply.headers.contains_key("retry-after"));
    // A batch counts its own value (2) against the same windows.
    let reply = signed(&mock, "POST", "/fapi/v1/batchOrders", &[("batchOrders", BATCH.to_owned())]).await;
    assert_eq!(code(&reply.body), -1015);
    let stats = mock.stats();
    let window = &stats.budgets[&format!("fapi ORDERS 10S {HMAC_KEY}")];
    assert_eq!((window.limit, window.used, window.peak, window.rejected), (Some(5), 5, 5, 3));
    assert_eq!(stats.too_many_orders, 3);
    // Market data is not paused by a full order window.
    assert_eq!(send(&mock, "GET", "/fapi/v1/ping", "", "", None).await.status, 200);
}

#[tokio::test]
async fn rest_and_websocket_share_one_weight_budget_and_refuse_alike() {
    let mock = fixture().limit_override("fapi", WeightKind::Ip, 12).start().await.unwrap();
    let mut socket = ws_connect(&mock).await; // 5
    let reply = ws_call(&mut socket, "account.status", ws_signed(Default::default(), mock.server_time_ms())).await;
    assert_eq!(reply["rateLimits"][0]["count"], 10, "{reply}");
    // 5 more do not fit in 12, on REST...
    let reply = signed(&mock, "GET", "/fapi/v3/account", &[]).await;
    assert_eq!((reply.status, code(&reply.body)), (429, -1003), "{}", reply.body);
    assert_eq!(reply.header("X-MBX-USED-WEIGHT-1M"), Some(10));
    // ... and the next request after a 429, on the WebSocket API, is the ban, as on REST.
    let reply = ws_call(&mut socket, "ticker.price", json!({})).await;
    assert_eq!((reply["status"].as_u64(), reply["error"]["code"].as_i64()), (Some(418), Some(-1003)), "{reply}");
    // Refused requests are not booked: the count stays within the limit.
    let stats = mock.stats();
    let fapi = &stats.budgets["fapi IP 1M"];
    assert_eq!((fapi.used, fapi.peak, fapi.rejected), (10, 10, 2));
    assert!(fapi.peak <= fapi.limit.unwrap());
    let refused: Vec<u32> = mock.requests().iter().filter(|r| r.code == Some(-1003)).map(|r| r.weight).collect();
    assert_eq!(refused, vec![0, 0]);
    // A new handshake is refused with the ban's status and a Binance error body.
    let tcp = tokio::net::TcpStream::connect(mock.ws().addr()).await.unwrap();
    match tokio_tungstenite::client_async(mock.ws_url(), tcp).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 418);
            let body: Value = serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
            assert_eq!(body["code"], -1003);
        }
        other => panic!("expected the handshake to be refused, got {other:?}"),
    }
}

#[tokio::test]
async fn requests_refused_for_other_reasons_are_booked_alike_on_both_transports() {
    let mock = fixture().start().await.unwrap();
    // A bad signature on REST: refused, weight 5 booked.
    let query = format!("timestamp={}&signature=00", mock.server_time_ms());
    let reply = send(&mock, "GET", "/fapi/v3/account", &query, "", Some(HMAC_KEY)).await;
    assert_eq!((code(&reply.body), reply.header("X-MBX-USED-WEIGHT-1M")), (-1022, Some(5)));
    // The same on the WebSocket API: handshake 5, then account.status 5 though refused.
    let mut socket = ws_connect(&mock).await;
    let mut params = ws_signed(Default::default(), mock.server_time_ms());
    params["signature"] = json!("00");
    let reply = ws_call(&mut socket, "account.status", params).await;
    assert_eq!((reply["error"]["code"].as_i64(), reply["rateLimits"][0]["count"].as_u64()), (Some(-1022), Some(15)));
    let booked: Vec<(u16, u32)> = mock.requests().iter().map(|r| (r.status, r.weight)).collect();
    assert_eq!(booked, [(400, 5), (101, 5), (400, 5)]);
}

#[tokio::test]
async fn unknown_paths_are_404_and_wrong_methods_405_with_binance_bodies() {
    let mock = fixture().start().await.unwrap();
    let reply = send(&mock, "GET", "/fapi/v9/nothing", "", "", None).await;
    assert_eq!((reply.status, code(&reply.body)), (404, -1000));
    let reply = send(&mock, "PATCH", "/fapi/v1/listenKey", "", "", Some(HMAC_KEY)).await;
    assert_eq!((reply.status, code(&reply.body)), (405, -1000));
    assert!(reply.body["msg"].as_str().unwrap().contains("DELETE, POST, PUT"), "{}", reply.body);
    let mut socket = ws_connect(&mock).await;
    let reply = ws_call(&mut socket, "no.such", json!({})).await;
    assert_eq!(reply["error"]["code"], -1000, "{reply}");
}

#[tokio::test]
async fn list_and_object_parameters_must_be_json() {
    let mock = fixture().start().await.unwrap();
    let reply = signed(&mock, "POST", "/fapi/v1/batchOrders", &[("batchOrders", "[{not json".to_owned())]).await;
    assert_eq!((reply.status, code(&reply.body)), (400, -1130), "{}", reply.body);
    let list = [("symbol", "BTCUSDT".to_owned()), ("orderIdList", "[1,2]".to_owned())];
    let reply = signed(&mock, "DELETE", "/fapi/v1/batchOrders", &list).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(mock.requests().pop().unwrap().param("orderIdList"), Some("[1,2]"));
}

#[tokio::test]
async fn the_clock_can_start_at_a_window_start() {
    let mock = fixture().start().await.unwrap();
    // Just after start the server clock is early in a minute window (generous bound for a busy machine).
    assert!(mock.server_time_ms().rem_euclid(60_000) < 30_000, "{}", mock.server_time_ms());
    let mock = fixture().window(std::time::Duration::from_secs(600)).start().await.unwrap();
    assert!(mock.server_time_ms().rem_euclid(600_000) < 30_000, "{}", mock.server_time_ms());
}

#[tokio::test]
async fn the_endpoint_list_describes_each_endpoint() {
    let mock = fixture().start().await.unwrap();
    let endpoints = mock.endpoints();
    let find = |name: &str| endpoints.iter().find(|e| e.name == name).unwrap();
    let order = find("new_order");
    assert_eq!(order.route, EndpointRoute::Rest { method: "POST".into(), path: "/fapi/v1/order".into() });
    assert_eq!((order.security, order.weight), (Security::Trade, 0));
    assert_eq!(
        order.orders.iter().map(|o| (o.window.as_str(), o.window_secs, o.value)).collect::<Vec<_>>(),
        [("10S", 10, 1), ("1M", 60, 1)]
    );
    assert_eq!(order.required, ["symbol", "side"]);
    assert_eq!(find("portfolio_account").weight_kind, WeightKind::Uid);
    assert_eq!(find("ws_ticker_price").route, EndpointRoute::Ws { method: "ticker.price".into() });
    assert_eq!(find("keepalive_user_data_stream").security, Security::UserStream);
}

#[tokio::test]
async fn object_parameters_must_be_json_too() {
    // The fixture cannot declare a model-typed parameter until the validator accepts one: patch the IR.
    let mut products = binance_spec::Specs::new().dir(FIXTURE).validate().unwrap();
    let param = products
        .iter_mut()
        .flat_map(|p| p.endpoints.iter_mut())
        .flat_map(|e| e.params.iter_mut())
        .find(|p| p.binance_name == "batchOrders")
        .unwrap();
    param.list = false;
    param.ty = binance_spec::ir::ParamType::Model("BatchOrder".into());
    let mock = MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .products(products)
        .hmac_key(HMAC_KEY, HMAC_SECRET)
        .start()
        .await
        .unwrap();
    let object = r#"{"symbol":"BTCUSDT","side":"BUY","quantity":"1"}"#;
    let reply = signed(&mock, "POST", "/fapi/v1/batchOrders", &[("batchOrders", object.to_owned())]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = signed(&mock, "POST", "/fapi/v1/batchOrders", &[("batchOrders", "{\"symbol\":".to_owned())]).await;
    assert_eq!((reply.status, code(&reply.body)), (400, -1130), "{}", reply.body);
}
