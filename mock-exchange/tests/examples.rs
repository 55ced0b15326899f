//! The mock serves the spec's documented examples, the server time and test-registered routes.

mod common;

use binance_mock::MockExchange;
use common::*;
use serde_json::Value;

/// The spec's examples for `path`, read through the same front end the mock uses.
fn spec_examples(path: &str) -> Vec<Value> {
    let products = binance_spec::Specs::new()
        .dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .validate()
        .unwrap();
    let endpoint = products
        .iter()
        .flat_map(|p| &p.endpoints)
        .find(|e| matches!(&e.transport, binance_spec::ir::Transport::Http { path: p, .. } if p == path))
        .unwrap();
    endpoint.examples.iter().map(|json| serde_json::from_str(json).unwrap()).collect()
}

#[tokio::test]
async fn every_rest_endpoint_of_the_spec_serves_its_first_example_when_signed() {
    let mock = builder_with_keys().start().await.unwrap();
    let signer = Signer::Hmac(HMAC_SECRET);
    for path in ["/fapi/v3/account", "/fapi/v1/pmAccountInfo", "/papi/v1/account", "/sapi/v1/portfolio/account"] {
        let query = signed_query(&format!("asset=BTC&timestamp={}", timestamp(&mock)), &signer);
        let (status, _, body) = get(&mock, &format!("{path}?{query}"), Some(HMAC_KEY)).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(body, spec_examples(path)[0], "{path}");
    }
    assert!(mock.routes().contains(&("GET".to_owned(), "/fapi/v3/account".to_owned())));
    mock.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_test_can_select_another_example() {
    let mock = builder_with_keys().start().await.unwrap();
    let examples = spec_examples("/fapi/v3/account");
    assert!(examples.len() >= 2, "the spec documents two account modes");
    mock.select_example("/fapi/v3/account", 1).unwrap();
    let query = signed_query(&format!("timestamp={}", timestamp(&mock)), &Signer::Hmac(HMAC_SECRET));
    let (_, _, body) = get(&mock, &format!("/fapi/v3/account?{query}"), Some(HMAC_KEY)).await;
    assert_eq!(body, examples[1]);
    assert_ne!(examples[0], examples[1]);
    assert!(mock.select_example("/fapi/v3/account", 99).is_err());
    assert!(mock.select_example("/no/such/path", 0).is_err());
}

#[tokio::test]
async fn time_endpoints_report_the_skewed_server_clock() {
    let mock = MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .start()
        .await
        .unwrap();
    let before = mock.server_time_ms();
    let (status, _, body) = get(&mock, "/fapi/v1/time", None).await;
    assert_eq!(status, 200);
    let served = body["serverTime"].as_i64().unwrap();
    assert!(served >= before && served <= mock.server_time_ms());

    let skew = 3_600_000;
    mock.set_clock_skew_ms(skew);
    let (_, _, body) = get(&mock, "/api/v3/time", None).await;
    // An hour's skew dwarfs any scheduling delay, so this cannot pass without the skew applied.
    assert!(body["serverTime"].as_i64().unwrap() >= before + skew);
}

#[tokio::test]
async fn registered_routes_are_served_and_counted_and_unknown_ones_are_404() {
    let mock = MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .route_json("GET", "/papi/v1/balance", 20, r#"[{"asset":"USDT","totalWalletBalance":"1.5"}]"#)
        .start()
        .await
        .unwrap();
    let (status, headers, body) = get(&mock, "/papi/v1/balance?asset=USDT", None).await;
    assert_eq!(status, 200);
    assert_eq!(body[0]["totalWalletBalance"], "1.5");
    assert_eq!(headers["x-mbx-used-weight-1m"], "20");
    let (status, _, body) = get(&mock, "/papi/v1/nothing", None).await;
    assert_eq!(status, 404, "{body}");
    let stats = mock.stats();
    assert_eq!(stats.requests_to("/papi/v1/balance"), 1);
    assert_eq!(stats.requests_to("/papi/v1/nothing"), 1);
    assert_eq!(stats.last_query.as_deref(), Some(""));
    assert_eq!(stats.last_path.as_deref(), Some("/papi/v1/nothing"));
}

#[tokio::test]
async fn bad_configuration_is_a_clear_error() {
    let err = MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .route_json("GET", "/x", 1, "{not json")
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not valid JSON"), "{err}");
    let err = MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .ed25519_key("k", [1u8; 5])
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Ed25519"), "{err}");
    let dir = std::env::temp_dir().join(format!("binance-mock-bad-spec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("broken.yaml"), "product: [").unwrap();
    let err = MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .spec_dir(&dir)
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("broken.yaml"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
