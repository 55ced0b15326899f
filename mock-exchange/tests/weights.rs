//! Weight is counted per host family and kind, reported in Binance's headers, and enforced with
//! 429, then 418 for a client that keeps going (never 418 on SAPI).

mod common;

use binance_mock::{MockExchange, WeightKind};
use common::*;
use std::time::Duration;

#[tokio::test]
async fn weight_headers_count_up_per_family_and_kind() {
    // builder_with_keys starts the clock at a window start: the count cannot roll over here.
    let mock = builder_with_keys().start().await.unwrap();
    let signer = Signer::Hmac(HMAC_SECRET);
    for expected in [5, 10, 15] {
        let query = signed_query(&format!("timestamp={}", timestamp(&mock)), &signer);
        let (_, headers, _) = get(&mock, &format!("/fapi/v3/account?{query}"), Some(HMAC_KEY)).await;
        // The spec says weight 5 per call.
        assert_eq!(headers["X-MBX-USED-WEIGHT-1M"], expected.to_string().as_str());
    }
    // The time endpoint is in the same fapi pool (weight 1); papi is a separate pool.
    let (_, headers, _) = get(&mock, "/fapi/v1/time", None).await;
    assert_eq!(headers["x-mbx-used-weight-1m"], "16");
    let query = signed_query(&format!("timestamp={}", timestamp(&mock)), &signer);
    let (_, headers, _) = get(&mock, &format!("/papi/v1/account?{query}"), Some(HMAC_KEY)).await;
    assert_eq!(headers["x-mbx-used-weight-1m"], "20");
    // SAPI reports UID weight in its own header.
    let query = signed_query(&format!("timestamp={}", timestamp(&mock)), &signer);
    let (_, headers, _) = get(&mock, &format!("/sapi/v1/portfolio/account?{query}"), Some(HMAC_KEY)).await;
    assert_eq!(headers["X-SAPI-USED-UID-WEIGHT-1M"], "5");
    assert!(headers.get("x-mbx-used-weight-1m").is_none());

    assert_eq!(mock.used_weight("fapi", WeightKind::Ip), 16);
    assert_eq!(mock.used_weight("sapi", WeightKind::Uid), 5);
    mock.reset_weights();
    assert_eq!(mock.used_weight("fapi", WeightKind::Ip), 0);
}

#[tokio::test]
async fn over_the_limit_is_429_then_418_for_a_client_that_keeps_going() {
    // The spec's fapi limit overridden to 3 time calls per window; a long window so it cannot roll over.
    let mock = MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .limit_override("fapi", WeightKind::Ip, 3)
        .window(Duration::from_secs(600))
        .clock_at_window_start()
        .ban_duration(Duration::from_secs(1200))
        .start()
        .await
        .unwrap();
    for used in 1..=3 {
        let (status, headers, _) = get(&mock, "/fapi/v1/time", None).await;
        assert_eq!((status, headers["x-mbx-used-weight-1m"].to_str().unwrap()), (200, used.to_string().as_str()));
    }
    let (status, headers, body) = get(&mock, "/fapi/v1/time", None).await;
    assert_eq!((status, code(&body)), (429, -1003), "{body}");
    let retry_after: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry_after), "seconds until the window ends: {retry_after}");

    let (status, headers, body) = get(&mock, "/fapi/v1/time", None).await;
    assert_eq!((status, code(&body)), (418, -1003), "{body}");
    let ban: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(ban > 600 && ban <= 1200, "ban: {ban}");
    // Banned means banned, whatever is asked.
    assert_eq!(get(&mock, "/fapi/v1/time", None).await.0, 418);

    let stats = mock.stats();
    assert_eq!((stats.too_many_requests, stats.bans), (1, 2));
    // Another host family is not affected.
    assert_eq!(get(&mock, "/api/v3/time", None).await.0, 200);
}

#[tokio::test]
async fn sapi_answers_429_and_never_418() {
    let mock = builder_with_keys().limit_override("sapi", WeightKind::Uid, 5).start().await.unwrap();
    let signer = Signer::Hmac(HMAC_SECRET);
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let query = signed_query(&format!("timestamp={}", timestamp(&mock)), &signer);
        let (status, headers, _) = get(&mock, &format!("/sapi/v1/portfolio/account?{query}"), Some(HMAC_KEY)).await;
        assert!(headers.contains_key("x-sapi-used-uid-weight-1m"));
        statuses.push(status);
    }
    assert_eq!(statuses, [200, 429, 429, 429]);
    assert_eq!(mock.stats().bans, 0);
}

#[tokio::test]
async fn a_new_window_restores_service() {
    let window = Duration::from_millis(300);
    let mock = MockExchange::builder()
        .spec_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/spec"))
        .limit_override("fapi", WeightKind::Ip, 1)
        .window(window)
        .start()
        .await
        .unwrap();
    // Bounded: a slow machine may see a window roll over between two requests, so retry a few times.
    let mut limited = false;
    for _ in 0..5 {
        let first = get(&mock, "/fapi/v1/time", None).await.0;
        let second = get(&mock, "/fapi/v1/time", None).await.0;
        if first == 200 && second == 429 {
            limited = true;
            break;
        }
        tokio::time::sleep(window).await;
    }
    assert!(limited, "never saw 200 then 429 within one window");
    tokio::time::sleep(window).await;
    // The 429 was heeded (no request in between), so the next window serves again.
    assert_eq!(get(&mock, "/fapi/v1/time", None).await.0, 200);
}
