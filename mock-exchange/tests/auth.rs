//! Keys, signatures, timestamps and mandatory parameters are checked as Binance does.

mod common;

use binance_mock::RunningMock;
use common::*;

const PATH: &str = "/fapi/v3/account";

async fn call(mock: &RunningMock, api_key: &str, signer: &Signer, query: &str) -> (u16, serde_json::Value) {
    let (status, _, body) = get(mock, &format!("{PATH}?{}", signed_query(query, signer)), Some(api_key)).await;
    (status, body)
}

#[tokio::test]
async fn every_key_type_is_accepted_when_signed_right_and_rejected_when_signed_wrong() {
    let mock = builder_with_keys().start().await.unwrap();
    let cases = [
        (HMAC_KEY, Signer::Hmac(HMAC_SECRET), Signer::Hmac("another-secret")),
        (ED25519_KEY, Signer::Ed25519(ED25519_SEED), Signer::Ed25519([8u8; 32])),
        // An HMAC signature under the RSA key is as wrong as a signature by another RSA key.
        (RSA_KEY, Signer::Rsa(RSA_PRIVATE_PEM), Signer::Hmac(HMAC_SECRET)),
    ];
    for (api_key, right, wrong) in cases {
        let query = format!("recvWindow=5000&timestamp={}", timestamp(&mock));
        let (status, body) = call(&mock, api_key, &right, &query).await;
        assert_eq!(status, 200, "{api_key}: {body}");
        assert!(body.get("totalWalletBalance").is_some(), "{api_key}: {body}");
        let (status, body) = call(&mock, api_key, &wrong, &query).await;
        assert_eq!((status, code(&body)), (400, -1022), "{api_key}: {body}");
        assert_eq!(body["msg"], "Signature for this request is not valid.");
    }
}

#[tokio::test]
async fn ed25519_keys_are_also_accepted_as_raw_bytes_and_signatures_must_cover_the_exact_query() {
    let key = ed25519_signing_key();
    let mock = binance_mock::MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .ed25519_key("raw", key.verifying_key().to_bytes())
        .start()
        .await
        .unwrap();
    let signer = Signer::Ed25519(ED25519_SEED);
    let query = format!("timestamp={}", timestamp(&mock));
    assert_eq!(call(&mock, "raw", &signer, &query).await.0, 200);
    // Signed, then a parameter added: the server's payload differs from the signed one.
    let tampered = format!("{}&recvWindow=6000", signed_query(&query, &signer));
    let (status, _, body) = get(&mock, &format!("{PATH}?{tampered}"), Some("raw")).await;
    assert_eq!((status, code(&body)), (400, -1022), "signature not last: {body}");
}

#[tokio::test]
async fn unknown_or_missing_api_key_is_2015() {
    let mock = builder_with_keys().start().await.unwrap();
    let query = format!("timestamp={}", timestamp(&mock));
    let (status, body) = call(&mock, "nobody", &Signer::Hmac(HMAC_SECRET), &query).await;
    assert_eq!((status, code(&body)), (401, -2015), "{body}");
    assert_eq!(body["msg"], "Invalid API-key, IP, or permissions for action.");
    let (status, _, body) = get(&mock, &format!("{PATH}?{query}"), None).await;
    assert_eq!((status, code(&body)), (401, -2015), "{body}");
}

#[tokio::test]
async fn stale_or_future_timestamps_are_1021() {
    let mock = builder_with_keys().start().await.unwrap();
    let signer = Signer::Hmac(HMAC_SECRET);
    let now = timestamp(&mock);
    for (query, why) in [
        (format!("timestamp={}", now - 10_000), "older than the default 5000 ms window"),
        (format!("recvWindow=1000&timestamp={}", now - 3_000), "older than its own recvWindow"),
        (format!("timestamp={}", now + 5_000), "more than 1 s in the future"),
    ] {
        let (status, body) = call(&mock, HMAC_KEY, &signer, &query).await;
        assert_eq!((status, code(&body)), (400, -1021), "{why}: {body}");
        assert_eq!(body["msg"], "Timestamp for this request is outside of the recvWindow.");
    }
    // A client whose clock is 10 s behind the server's is stale until it resyncs. The builder
    // already skewed the clock (to a window start): move it 10 s further.
    let wall =
        i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis()).unwrap();
    mock.set_clock_skew_ms(timestamp(&mock) - wall + 10_000);
    let (status, _) = call(&mock, HMAC_KEY, &signer, &format!("timestamp={now}")).await;
    assert_eq!(status, 400);
    let (status, _) = call(&mock, HMAC_KEY, &signer, &format!("timestamp={}", timestamp(&mock))).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn recv_window_above_60000_and_missing_parameters_are_rejected() {
    let mock = builder_with_keys().start().await.unwrap();
    let signer = Signer::Hmac(HMAC_SECRET);
    let (status, body) =
        call(&mock, HMAC_KEY, &signer, &format!("recvWindow=60001&timestamp={}", timestamp(&mock))).await;
    assert_eq!(status, 400, "{body}");
    assert_ne!(code(&body), 0);

    let (status, _, body) = get(&mock, &format!("{PATH}?recvWindow=5000"), Some(HMAC_KEY)).await;
    assert_eq!((status, code(&body)), (400, -1102), "{body}");
    assert!(body["msg"].as_str().unwrap().contains("'timestamp'"), "{body}");

    // pmAccountInfo requires `asset`.
    let query = signed_query(&format!("timestamp={}", timestamp(&mock)), &signer);
    let (status, _, body) = get(&mock, &format!("/fapi/v1/pmAccountInfo?{query}"), Some(HMAC_KEY)).await;
    assert_eq!((status, code(&body)), (400, -1102), "{body}");
    assert_eq!(body["msg"], "Mandatory parameter 'asset' was not sent, was empty/null, or malformed.");
}

#[tokio::test]
async fn signed_extra_routes_are_checked_too() {
    let mock = builder_with_keys().signed_route_json("GET", "/papi/v1/balance", 20, "[]").start().await.unwrap();
    let (status, _, body) = get(&mock, "/papi/v1/balance", None).await;
    assert_eq!((status, code(&body)), (401, -2015));
    let query = signed_query(&format!("timestamp={}", timestamp(&mock)), &Signer::Rsa(RSA_PRIVATE_PEM));
    let (status, _, body) = get(&mock, &format!("/papi/v1/balance?{query}"), Some(RSA_KEY)).await;
    assert_eq!((status, body), (200, serde_json::json!([])));
}
