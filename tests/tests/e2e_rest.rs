//! End to end: the generated client against the spec-driven mock exchange over loopback.

use binance_client::runtime::{
    self, Credentials, Endpoint, Error, Interval, LimitKind, RateLimit, RateLimitType, RatePolicy, RetryPolicy,
};
use binance_client::{portfolio_margin, portfolio_margin_pro, usds_futures};
use binance_mock::{Fault, MockExchange, RunningMock, WeightKind};
use ed25519_dalek::pkcs8::{spki::der::pem::LineEnding, EncodePrivateKey, EncodePublicKey};
use std::time::Duration;

const HMAC_KEY: &str = "hmac-key";
const HMAC_SECRET: &str = "hmac-secret";
const ED_KEY: &str = "ed25519-key";
const RSA_KEY: &str = "rsa-key";
const RSA_PRIVATE: &str = include_str!("../../mock-exchange/tests/keys/rsa_test_private.pem");
const RSA_PUBLIC: &str = include_str!("../../mock-exchange/tests/keys/rsa_test_public.pem");

fn ed25519_pems() -> (String, String) {
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let private = key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
    let public = key.verifying_key().to_public_key_pem(LineEnding::LF).unwrap();
    (private, public)
}

async fn mock() -> RunningMock {
    let (_, ed_public) = ed25519_pems();
    MockExchange::builder()
        .spec_dir(binance_client::SPEC_DIR)
        .hmac_key(HMAC_KEY, HMAC_SECRET)
        .ed25519_key(ED_KEY, ed_public)
        .rsa_key(RSA_KEY, RSA_PUBLIC)
        .signed_route_json("POST", "/fapi/v1/order", 1, r#"{"orderId": 1}"#)
        .start()
        .await
        .unwrap()
}

fn all_credentials() -> Vec<Credentials> {
    let (ed_private, _) = ed25519_pems();
    vec![
        Credentials::hmac(HMAC_KEY, HMAC_SECRET).unwrap(),
        Credentials::ed25519_pem(ED_KEY, &ed_private).unwrap(),
        Credentials::rsa_pem(RSA_KEY, RSA_PRIVATE).unwrap(),
    ]
}

fn builder(product: &'static runtime::Product, mock: &RunningMock, credentials: Credentials) -> runtime::ClientBuilder {
    runtime::ClientBuilder::new(product).base_url(mock.base_url()).credentials(credentials)
}

#[tokio::test]
async fn every_rest_seed_endpoint_with_every_key_type() {
    let mock = mock().await;
    for credentials in all_credentials() {
        let kind = credentials.key_type();
        let fapi =
            usds_futures::Client::new(builder(&usds_futures::PRODUCT, &mock, credentials.clone()).build().unwrap());
        let account = fapi.account_information_v3(&Default::default()).await.unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(account.assets.len(), 2, "{kind}");
        assert_eq!(account.positions[0].position_side, usds_futures::PositionSide::Both);
        let pm = usds_futures::ClassicPortfolioMarginAccountInformationRequest::new("BTC");
        let classic = fapi.classic_portfolio_margin_account_information(&pm).await.unwrap();
        assert_eq!(classic.asset, "BTC");

        let papi = portfolio_margin::Client::new(
            builder(&portfolio_margin::PRODUCT, &mock, credentials.clone()).build().unwrap(),
        );
        let account = papi.account_information(&Default::default()).await.unwrap();
        assert_eq!(account.account_status, portfolio_margin::AccountStatus::Normal);
        assert_eq!(account.total_available_balance, None, "the example sends \"\"");

        let sapi = portfolio_margin_pro::Client::new(
            builder(&portfolio_margin_pro::PRODUCT, &mock, credentials).build().unwrap(),
        );
        let pro = sapi.portfolio_margin_pro_account_information(&Default::default()).await.unwrap();
        assert_eq!(pro.account_type, portfolio_margin_pro::AccountType::Pm1);
        assert_eq!(pro.total_available_balance.map(|d| d.to_string()).as_deref(), Some("122559.90199491"));
    }
    assert_eq!(mock.stats().too_many_requests, 0);
}

/// A generated method's future owns what it needs: it outlives the client handle and the
/// request it was made from, runs on another task, and reports a request the client cannot
/// send (no API key) when awaited.
#[tokio::test]
async fn a_call_future_borrows_nothing_and_can_be_spawned() {
    let mock = mock().await;
    let credentials = Credentials::hmac(HMAC_KEY, HMAC_SECRET).unwrap();
    let future = {
        let client = usds_futures::Client::new(builder(&usds_futures::PRODUCT, &mock, credentials).build().unwrap());
        let request = usds_futures::AccountInformationV3Request::new();
        client.account_information_v3(&request)
    };
    let account = tokio::spawn(future).await.unwrap().unwrap();
    assert_eq!(account.assets.len(), 2);

    let anonymous = usds_futures::Client::new(
        runtime::ClientBuilder::new(&usds_futures::PRODUCT).base_url(mock.base_url()).build().unwrap(),
    );
    let pending = anonymous.account_information_v3(&Default::default());
    match pending.await {
        Err(runtime::Error::Config(message)) => assert!(message.contains("needs an API key"), "{message}"),
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_wrong_secret_surfaces_invalid_signature() {
    let mock = mock().await;
    let wrong = Credentials::hmac(HMAC_KEY, "not-the-secret").unwrap();
    let client = usds_futures::Client::new(builder(&usds_futures::PRODUCT, &mock, wrong).build().unwrap());
    let err = client.account_information_v3(&Default::default()).await.unwrap_err();
    assert_eq!(err.code(), Some(-1022), "{err}");
    let unknown = Credentials::hmac("who-is-this", HMAC_SECRET).unwrap();
    let client = usds_futures::Client::new(builder(&usds_futures::PRODUCT, &mock, unknown).build().unwrap());
    let err = client.account_information_v3(&Default::default()).await.unwrap_err();
    assert_eq!(err.code(), Some(-2015), "{err}");
    assert!(!err.to_string().contains(HMAC_SECRET));
}

#[tokio::test]
async fn a_skewed_local_clock_recovers_through_resync() {
    let mock = mock().await;
    // The exchange's clock runs 10 minutes ahead of this machine's.
    mock.set_clock_skew_ms(600_000);
    let client =
        usds_futures::Client::new(builder(&usds_futures::PRODUCT, &mock, all_credentials().remove(0)).build().unwrap());
    client.account_information_v3(&Default::default()).await.unwrap();
    let stats = mock.stats();
    assert_eq!(stats.requests_to("/fapi/v3/account"), 2, "one -1021, then one retry after resync");
    assert_eq!(stats.requests_to("/fapi/v1/time"), 4, "one resync: a warm-up and three samples");
    assert!(client.rest().time_offset_ms() > 590_000);
}

#[tokio::test]
async fn three_budgets_of_concurrent_requests_complete_without_a_single_429() {
    let window = Duration::from_millis(600);
    let mock = MockExchange::builder()
        .spec_dir(binance_client::SPEC_DIR)
        .hmac_key(HMAC_KEY, HMAC_SECRET)
        .window(window)
        .limit_override("fapi", WeightKind::Ip, 50)
        .start()
        .await
        .unwrap();
    let limit = RateLimit {
        limit_type: RateLimitType::RequestWeight,
        kind: LimitKind::Ip,
        interval: Interval::Minute,
        interval_num: 1,
        limit: 50,
    };
    let client = usds_futures::Client::new(
        builder(&usds_futures::PRODUCT, &mock, all_credentials().remove(0))
            .rate_limits(vec![limit])
            .rate_limit_window_override(window)
            .build()
            .unwrap(),
    );
    // 30 requests of weight 5 = 150 = three times the budget of 50.
    let request = usds_futures::AccountInformationV3Request::default();
    assert_eq!(request.weight().value, 5);
    let calls = (0..30).map(|_| {
        let client = client.clone();
        let request = request.clone();
        tokio::spawn(async move { client.account_information_v3(&request).await })
    });
    for call in calls.collect::<Vec<_>>() {
        call.await.unwrap().unwrap();
    }
    let stats = mock.stats();
    assert_eq!(stats.requests_to("/fapi/v3/account"), 30);
    assert_eq!(stats.too_many_requests, 0);
    assert_eq!(stats.bans, 0);
}

#[tokio::test]
async fn a_429_pauses_the_host_and_a_client_that_keeps_going_is_banned() {
    let mock = MockExchange::builder()
        .spec_dir(binance_client::SPEC_DIR)
        .hmac_key(HMAC_KEY, HMAC_SECRET)
        .window(Duration::from_secs(30))
        .limit_override("papi", WeightKind::Ip, 30)
        .start()
        .await
        .unwrap();
    let fail_fast =
        || builder(&portfolio_margin::PRODUCT, &mock, all_credentials().remove(0)).rate_policy(RatePolicy::FailFast);
    // The client believes the spec's 6000; the exchange allows 30: the second call of weight 20 is refused.
    let polite = portfolio_margin::Client::new(fail_fast().build().unwrap());
    polite.account_information(&Default::default()).await.unwrap();
    let err = polite.account_information(&Default::default()).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err}");
    // The host is now paused: nothing more is sent.
    let before = mock.stats().total_requests();
    let err = polite.account_information(&Default::default()).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err}");
    assert_eq!(mock.stats().total_requests(), before, "a paused host gets no traffic");

    // A second, separate client that does not know about the 429 keeps going and is banned.
    let rude = portfolio_margin::Client::new(fail_fast().build().unwrap());
    let err = rude.account_information(&Default::default()).await.unwrap_err();
    assert!(matches!(err, Error::Banned { .. }), "{err}");
    let before = mock.stats().total_requests();
    let err = rude.account_information(&Default::default()).await.unwrap_err();
    assert!(matches!(err, Error::Banned { .. }), "{err}");
    assert_eq!(mock.stats().total_requests(), before, "a banned host gets no traffic");
    assert_eq!(mock.stats().bans, 1);
}

#[tokio::test]
async fn malformed_bodies_give_a_decode_error_that_keeps_the_body() {
    let mock = mock().await;
    let client =
        usds_futures::Client::new(builder(&usds_futures::PRODUCT, &mock, all_credentials().remove(0)).build().unwrap());
    mock.set_fault(Fault::MalformedJson.times(1));
    match client.account_information_v3(&Default::default()).await {
        Err(Error::Decode { body, .. }) => assert!(!body.is_empty()),
        other => panic!("expected a decode error, got {other:?}"),
    }
    // A complete HTTP response whose JSON is cut short.
    let cut = r#"{"maxWithdrawAmountUSD": "1627523.32459208", "asset": "BT"#;
    mock.set_fault(Fault::Status { status: 200, body: cut.into() }.times(1));
    let request = usds_futures::ClassicPortfolioMarginAccountInformationRequest::new("BTC");
    match client.classic_portfolio_margin_account_information(&request).await {
        Err(Error::Decode { body, .. }) => assert_eq!(body, cut),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_body_truncated_on_the_wire_is_a_transport_error_and_a_get_is_retried() {
    let mock = mock().await;
    let client =
        usds_futures::Client::new(builder(&usds_futures::PRODUCT, &mock, all_credentials().remove(0)).build().unwrap());
    // The connection dies mid-body once; the GET is retried and succeeds.
    mock.set_fault(Fault::TruncatedBody.on_path("/fapi/v3/account").times(1));
    client.account_information_v3(&Default::default()).await.unwrap();
    assert_eq!(mock.stats().requests_to("/fapi/v3/account"), 2);
}

#[tokio::test]
async fn a_slow_exchange_gives_a_timeout() {
    let mock = mock().await;
    let client = usds_futures::Client::new(
        builder(&usds_futures::PRODUCT, &mock, all_credentials().remove(0))
            .timeout(Duration::from_millis(200))
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap(),
    );
    mock.set_fault(Fault::Latency(Duration::from_secs(3)).times(1));
    let err = client.account_information_v3(&Default::default()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err}");
}

#[tokio::test]
async fn get_is_retried_after_503() {
    let mock = mock().await;
    let client = portfolio_margin::Client::new(
        builder(&portfolio_margin::PRODUCT, &mock, all_credentials().remove(0)).build().unwrap(),
    );
    mock.set_fault(Fault::service_unavailable().times(2));
    client.account_information(&Default::default()).await.unwrap();
    assert_eq!(mock.stats().requests_to("/papi/v1/account"), 3);
}

/// An order-like endpoint that is not in the spec, declared by hand.
#[derive(Debug, Clone, binance_client::runtime::Endpoint)]
#[endpoint(http = "POST /fapi/v1/order", security = "TRADE", weight(ip = 1), response = serde_json::Value)]
struct NewOrder {
    symbol: String,
}

#[tokio::test]
async fn a_post_whose_response_is_lost_is_outcome_unknown_and_never_retried() {
    let mock = mock().await;
    let client = builder(&usds_futures::PRODUCT, &mock, all_credentials().remove(0)).build().unwrap();
    mock.set_fault(Fault::ConnectionReset.on_path("/fapi/v1/order"));
    let err = client.execute(&NewOrder { symbol: "BTCUSDT".into() }).await.unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err}");
    assert_eq!(mock.stats().requests_to("/fapi/v1/order"), 1, "an order must never be sent twice");
    mock.set_fault(Fault::internal_error().on_path("/fapi/v1/order"));
    let err = client.execute(&NewOrder { symbol: "BTCUSDT".into() }).await.unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err}");
    assert_eq!(mock.stats().requests_to("/fapi/v1/order"), 2);
}
