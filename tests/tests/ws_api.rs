//! End to end: the generated WebSocket API client (`usds_futures::WsClient`) against the
//! WebSocket API mock over loopback.

use binance_client::runtime::{
    Credentials, Decimal, Error, Interval, LimitKind, RateLimit, RateLimitType, RatePolicy, WsApiBuilder,
};
use binance_client::usds_futures::{self, AccountInformationV3Request, AccountStatusRequest, WsClient};
use binance_mock::ws::{MockWsApi, RunningWsApi, WsFault};
use ed25519_dalek::pkcs8::{spki::der::pem::LineEnding, EncodePrivateKey, EncodePublicKey};
use std::str::FromStr;
use std::time::Duration;

const HMAC_KEY: &str = "hmac-key";
const HMAC_SECRET: &str = "hmac-secret";
const ED_KEY: &str = "ed25519-key";

/// Far longer than any test: a call that fails within `BOUND` did not wait for its timeout.
const LONG_TIMEOUT: Duration = Duration::from_secs(60);
const BOUND: Duration = Duration::from_secs(5);

fn ed25519_pems() -> (String, String) {
    let key = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
    let private = key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
    let public = key.verifying_key().to_public_key_pem(LineEnding::LF).unwrap();
    (private, public)
}

async fn mock() -> RunningWsApi {
    let (_, ed_public) = ed25519_pems();
    MockWsApi::builder()
        .spec_dir(binance_client::SPEC_DIR)
        .hmac_key(HMAC_KEY, HMAC_SECRET)
        .ed25519_key(ED_KEY, ed_public)
        .start()
        .await
        .unwrap()
}

fn hmac() -> Credentials {
    Credentials::hmac(HMAC_KEY, HMAC_SECRET).unwrap()
}

fn builder(mock: &RunningWsApi, credentials: Credentials) -> WsApiBuilder {
    WsClient::builder().url(mock.url()).credentials(credentials).request_timeout(LONG_TIMEOUT)
}

fn client(mock: &RunningWsApi, credentials: Credentials) -> WsClient {
    WsClient::new(builder(mock, credentials).build().unwrap())
}

fn param_names(mock: &RunningWsApi) -> Vec<String> {
    let params = mock.stats().last_params.unwrap();
    params.as_object().unwrap().keys().cloned().collect()
}

/// Waits (bounded) until the mock has received `n` requests of `method`.
async fn until_received(mock: &RunningWsApi, method: &str, n: u64) {
    for _ in 0..500 {
        if mock.stats().requests_to(method) >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the mock never received {n} {method} requests: {:?}", mock.stats());
}

#[tokio::test]
async fn account_status_with_hmac_returns_the_typed_example_and_rate_limits() {
    let mock = mock().await;
    let ws = client(&mock, hmac());
    let reply = ws.account_status(&AccountStatusRequest::new().recv_window(5_000)).await.unwrap();
    assert_eq!(reply.result.total_wallet_balance, Decimal::from_str("23.72469206").unwrap());
    assert_eq!(reply.result.assets.len(), 2);
    assert_eq!(reply.result.assets[1].asset, "BUSD");
    // Handshake 5 + account.status 5, as the mock counted them.
    assert_eq!(reply.rate_limits.len(), 1);
    assert_eq!((reply.rate_limits[0].rate_limit_type.as_str(), reply.rate_limits[0].count), ("REQUEST_WEIGHT", 10));
    assert_eq!(param_names(&mock), ["apiKey", "recvWindow", "signature", "timestamp"]);
    assert_eq!(mock.stats().logons, 0);

    // A wrong secret: the mock's signature check says -1022.
    let wrong = client(&mock, Credentials::hmac(HMAC_KEY, "not-the-secret").unwrap());
    match wrong.account_status(&AccountStatusRequest::default()).await {
        Err(Error::Api { code: -1022, status: 400, endpoint, .. }) => assert_eq!(endpoint, "AccountStatusRequest"),
        other => panic!("expected -1022, got {other:?}"),
    }
}

#[tokio::test]
async fn ed25519_logs_on_once_per_connection_then_sends_only_the_timestamp() {
    let mock = mock().await;
    let (ed_private, _) = ed25519_pems();
    let ws = client(&mock, Credentials::ed25519_pem(ED_KEY, &ed_private).unwrap());
    for _ in 0..2 {
        let reply = ws.account_status(&AccountStatusRequest::default()).await.unwrap();
        assert!(reply.result.can_trade);
        assert_eq!(param_names(&mock), ["timestamp"]);
    }
    let stats = mock.stats();
    assert_eq!((stats.logons, stats.connections, stats.requests_to("account.status")), (1, 1, 2));

    // After a reconnect the new connection logs on again.
    mock.drop_connections();
    let after = tokio::time::timeout(BOUND, async {
        loop {
            match ws.account_status(&AccountStatusRequest::default()).await {
                Ok(reply) => break reply,
                // The drop may be noticed by this call (the old connection dies under it).
                Err(Error::Transport { .. }) => continue,
                Err(e) => panic!("unexpected error after reconnect: {e}"),
            }
        }
    })
    .await
    .unwrap();
    assert!(after.result.can_trade);
    assert_eq!((mock.stats().logons, mock.stats().connections), (2, 2));
}

#[tokio::test]
async fn session_logon_is_not_used_for_hmac_keys_and_can_be_turned_off() {
    let mock = mock().await;
    let (ed_private, _) = ed25519_pems();
    let ed = Credentials::ed25519_pem(ED_KEY, &ed_private).unwrap();
    let ws = WsClient::new(builder(&mock, ed).session_logon(false).build().unwrap());
    ws.account_status(&AccountStatusRequest::default()).await.unwrap();
    assert_eq!(mock.stats().logons, 0);
    assert_eq!(param_names(&mock), ["apiKey", "signature", "timestamp"]);
}

#[tokio::test]
async fn a_hundred_concurrent_calls_share_one_connection_and_each_gets_its_answer() {
    let mock = mock().await;
    let ws = client(&mock, hmac());
    ws.account_status(&AccountStatusRequest::default()).await.unwrap(); // connect first
    mock.reverse_batches(10); // answers come back in reverse order, ten at a time
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let ws = ws.clone();
        calls.spawn(async move { ws.account_status(&AccountStatusRequest::default()).await });
    }
    let mut counts = Vec::new();
    while let Some(done) = calls.join_next().await {
        let reply = done.unwrap().unwrap();
        assert_eq!(reply.result.total_wallet_balance, Decimal::from_str("23.72469206").unwrap());
        counts.push(reply.rate_limits[0].count);
    }
    // Every caller got a distinct answer (each answer carries the count after its own request).
    counts.sort_unstable();
    counts.dedup();
    assert_eq!(counts.len(), 100);
    let stats = mock.stats();
    assert_eq!((stats.connections, stats.requests_to("account.status")), (1, 101));
}

#[tokio::test]
async fn a_dropped_connection_fails_pending_calls_at_once_and_the_next_call_reconnects() {
    let mock = mock().await;
    let ws = client(&mock, hmac());
    ws.account_status(&AccountStatusRequest::default()).await.unwrap();
    mock.set_delay(Some(Duration::from_secs(30))); // hold the answers: the calls stay pending
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..5 {
        let ws = ws.clone();
        calls.spawn(async move { ws.account_status(&AccountStatusRequest::default()).await });
    }
    until_received(&mock, "account.status", 6).await;
    mock.drop_connections();
    let results = tokio::time::timeout(BOUND, calls.join_all()).await.expect("pending calls waited for their timeout");
    for result in results {
        match result {
            Err(Error::Transport { endpoint: "AccountStatusRequest", reason }) => assert!(!reason.is_empty()),
            other => panic!("expected a transport error, got {other:?}"),
        }
    }
    mock.set_delay(None);
    ws.account_status(&AccountStatusRequest::default()).await.unwrap();
    assert_eq!(mock.stats().connections, 2);
}

#[tokio::test]
async fn a_silent_server_is_detected_as_dead_without_waiting_for_the_request_timeout() {
    let mock = mock().await;
    let ws = WsClient::new(builder(&mock, hmac()).keepalive(Duration::from_millis(100)).build().unwrap());
    ws.account_status(&AccountStatusRequest::default()).await.unwrap();
    mock.freeze(true); // reads nothing, answers nothing, not even pings
    let request = AccountStatusRequest::default();
    match tokio::time::timeout(BOUND, ws.account_status(&request)).await.expect("waited for the request timeout") {
        Err(Error::Transport { reason, .. }) => assert!(reason.contains("dead"), "{reason}"),
        other => panic!("expected a transport error, got {other:?}"),
    }
    mock.freeze(false);
    ws.account_status(&AccountStatusRequest::default()).await.unwrap();
    assert_eq!(mock.stats().connections, 2);
}

#[tokio::test]
async fn server_pings_are_answered_with_pongs() {
    let mock = mock().await;
    let ws = client(&mock, hmac());
    ws.account_status(&AccountStatusRequest::default()).await.unwrap();
    assert_eq!(mock.stats().pongs, 0);
    mock.ping_connections();
    for _ in 0..500 {
        if mock.stats().pongs > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(mock.stats().pongs, 1);
    // The connection is still the same and still works.
    ws.account_status(&AccountStatusRequest::default()).await.unwrap();
    assert_eq!(mock.stats().connections, 1);
}

#[tokio::test]
async fn an_aged_connection_is_replaced_before_use() {
    let mock = mock().await;
    // Age zero: every call finds its connection too old and opens a new one.
    let ws = WsClient::new(builder(&mock, hmac()).max_connection_age(Duration::ZERO).build().unwrap());
    for _ in 0..3 {
        ws.account_status(&AccountStatusRequest::default()).await.unwrap();
    }
    assert_eq!(mock.stats().connections, 3);
}

#[tokio::test]
async fn error_envelopes_become_typed_errors() {
    let mock = mock().await;
    let ws = client(&mock, hmac());
    mock.push_fault(WsFault::api(400, -1021, "Timestamp for this request is outside of the recvWindow."));
    match ws.account_status(&AccountStatusRequest::default()).await {
        Err(e @ Error::Api { status: 400, code: -1021, .. }) => assert!(e.to_string().contains("recvWindow")),
        other => panic!("expected -1021, got {other:?}"),
    }

    // 429 with retryAfter: RateLimited, and the host is paused; a fail-fast client refuses to send.
    let limited = WsClient::new(builder(&mock, hmac()).rate_policy(RatePolicy::FailFast).build().unwrap());
    mock.push_fault(WsFault::rate_limited(Duration::from_secs(30)));
    match limited.account_status(&AccountStatusRequest::default()).await {
        Err(Error::RateLimited { retry_after, .. }) => assert!(retry_after <= Duration::from_secs(30)),
        other => panic!("expected RateLimited, got {other:?}"),
    }
    let sent = mock.stats().requests_to("account.status");
    assert!(matches!(limited.account_status(&AccountStatusRequest::default()).await, Err(Error::RateLimited { .. })));
    assert_eq!(mock.stats().requests_to("account.status"), sent, "a paused host must not be sent to");

    // 418: Banned until retryAfter, and nothing more is sent.
    let banned = client(&mock, hmac());
    mock.push_fault(WsFault::banned(Duration::from_secs(3600)));
    match banned.account_status(&AccountStatusRequest::default()).await {
        // The default ban without retryAfter would be two minutes.
        Err(Error::Banned { until, .. }) => {
            assert!(until > std::time::SystemTime::now() + Duration::from_secs(1800))
        }
        other => panic!("expected Banned, got {other:?}"),
    }
    let sent = mock.stats().requests_to("account.status");
    assert!(matches!(banned.account_status(&AccountStatusRequest::default()).await, Err(Error::Banned { .. })));
    assert_eq!(mock.stats().requests_to("account.status"), sent);

    // recvWindow above 60000 is refused before anything is sent.
    let request = AccountStatusRequest::new().recv_window(60_001);
    assert!(matches!(ws.account_status(&request).await, Err(Error::InvalidRequest { .. })));
}

#[tokio::test]
async fn websocket_weight_and_the_handshake_count_against_the_rest_budget() {
    let mock = mock().await;
    let limit = RateLimit {
        limit_type: RateLimitType::RequestWeight,
        kind: LimitKind::Ip,
        interval: Interval::Minute,
        interval_num: 1,
        limit: 12,
    };
    // The REST client is never sent anything: its base URL is a closed loopback port.
    let rest = usds_futures::Client::builder()
        .base_url("http://127.0.0.1:9")
        .credentials(hmac())
        .rate_limits(vec![limit])
        .rate_policy(RatePolicy::FailFast)
        .build()
        .unwrap();
    let ws = WsClient::new(builder(&mock, hmac()).share_with(&rest).build().unwrap());
    ws.account_status(&AccountStatusRequest::default()).await.unwrap();
    // Handshake 5 + account.status 5 booked in the REST client's budget.
    assert_eq!(rest.usage()[0].used, 10);
    // 5 more do not fit in 12: refused before sending, on either transport.
    assert!(matches!(ws.account_status(&AccountStatusRequest::default()).await, Err(Error::RateLimited { .. })));
    assert_eq!(mock.stats().requests_to("account.status"), 1);
    let rest = usds_futures::Client::new(rest);
    let refused = rest.account_information_v3(&AccountInformationV3Request::default()).await;
    assert!(matches!(refused, Err(Error::RateLimited { .. })), "{refused:?}");
}

#[tokio::test]
async fn a_timestamp_rejection_resyncs_the_shared_rest_clock() {
    let mock = mock().await;
    // The REST mock's clock runs 10 s ahead; only its server-time endpoint is used.
    let rest_mock = binance_mock::MockExchange::builder()
        .spec_dir(binance_client::SPEC_DIR)
        .clock_skew_ms(10_000)
        .start()
        .await
        .unwrap();
    let rest = usds_futures::Client::builder().base_url(rest_mock.base_url()).build().unwrap();
    let ws = WsClient::new(builder(&mock, hmac()).share_with(&rest).build().unwrap());
    assert_eq!(rest.time_offset_ms(), 0);
    mock.push_fault(WsFault::api(400, -1021, "Timestamp for this request is outside of the recvWindow."));
    let refused = ws.account_status(&AccountStatusRequest::default()).await;
    assert!(matches!(refused, Err(Error::Api { code: -1021, .. })), "{refused:?}");
    // Measured from the server-time endpoint: about 10 000 ms (minus half a loopback round trip).
    assert!(rest.time_offset_ms() > 5_000, "offset {}", rest.time_offset_ms());
}

#[tokio::test]
async fn websocket_bookings_go_through_a_shared_redis_budget() {
    use binance_client::runtime::governor::Governor;
    use binance_client::runtime::RedisBudget;
    let redis = binance_tests::redis_server::RedisServer::start();
    let mock = mock().await;
    let limit = RateLimit {
        limit_type: RateLimitType::RequestWeight,
        kind: LimitKind::Ip,
        interval: Interval::Hour,
        interval_num: 1,
        limit: 12,
    };
    // Two clients with nothing in common but Redis, as two processes would be.
    let mut clients = Vec::new();
    for _ in 0..2 {
        let shared = RedisBudget::builder(redis.url()).prefix("ws").connect().await.unwrap();
        let governor = Governor::new("ws-fapi.binance.com", &[limit], None);
        let builder = builder(&mock, hmac()).governor(governor).rate_policy(RatePolicy::FailFast);
        clients.push(WsClient::new(builder.shared_budget(shared).build().unwrap()));
    }
    // Handshake 5 + account.status 5: 10 of the shared 12.
    clients[0].account_status(&AccountStatusRequest::default()).await.unwrap();
    // The other client's handshake (5) no longer fits, although its own governor is empty.
    let refused = clients[1].account_status(&AccountStatusRequest::default()).await;
    assert!(matches!(refused, Err(Error::RateLimited { .. })), "{refused:?}");
    assert_eq!(mock.stats().requests_to("account.status"), 1);
}

#[tokio::test]
async fn order_place_counts_against_the_orders_budgets_before_it_is_sent() {
    // trade/websocket-api.md (order.place): the response example's rateLimits show ORDERS
    // counts of 1 per 10 s and per minute, as REST New Order; with an ORDERS budget of 1 per
    // 10 s the second order must be refused before it is sent, not after Binance's 429.
    let mock = mock().await;
    let orders = RateLimit {
        limit_type: RateLimitType::Orders,
        kind: LimitKind::Account,
        interval: Interval::Second,
        interval_num: 10,
        limit: 1,
    };
    // The budgets come from a REST client (never sent anything) that the WebSocket client shares.
    let rest = usds_futures::Client::builder()
        .base_url("http://127.0.0.1:9")
        .credentials(hmac())
        .rate_limits(vec![orders])
        .rate_policy(RatePolicy::FailFast)
        .build()
        .unwrap();
    let ws = WsClient::new(builder(&mock, hmac()).share_with(&rest).build().unwrap());
    let order =
        usds_futures::OrderPlaceRequest::new("BTCUSDT", usds_futures::OrderSide::Buy, usds_futures::OrderType::Limit)
            .quantity(Decimal::from_str("0.001").unwrap())
            .price(Decimal::from_str("25000").unwrap())
            .time_in_force(usds_futures::TimeInForce::Gtc);
    ws.order_place(&order).await.unwrap();
    let second = ws.order_place(&order).await;
    assert!(matches!(second, Err(Error::RateLimited { .. })), "{second:?}");
    assert_eq!(mock.stats().requests_to("order.place"), 1);
}
