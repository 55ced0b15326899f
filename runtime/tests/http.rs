//! The executor over real HTTP on loopback, against a throwaway scripted server: signing with
//! each key type, recvWindow checks, retries, outcome-unknown, clock resync, 429/418 and the
//! governor under concurrency.

mod support;

use binance_runtime::{ClientBuilder, Credentials, Error, LimitKind, Product, RateLimit, RatePolicy, RetryPolicy};
use std::time::{Duration, SystemTime};
use support::api::*;
use support::{Reply, Server};

#[tokio::test]
async fn each_key_type_signs_what_is_sent_and_the_signature_verifies() {
    use base64::Engine as _;
    use ed25519_dalek::pkcs8::EncodePrivateKey as _;
    use ed25519_dalek::Verifier as _;
    let server = Server::start(|_, _| ok()).await;
    let ed_key = ed25519_dalek::SigningKey::from_bytes(&[42u8; 32]);
    let ed_pem = ed_key.to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF).unwrap();
    #[cfg(feature = "rsa")]
    let rsa_pem = include_str!("fixtures/rsa_test_key.pem");
    #[cfg(feature = "rsa")]
    let rsa_public = {
        use rsa::pkcs8::DecodePrivateKey as _;
        rsa::RsaPrivateKey::from_pkcs8_pem(rsa_pem).unwrap().to_public_key()
    };
    let all = [
        Credentials::hmac(KEY, SECRET).unwrap(),
        Credentials::ed25519_pem(KEY, &ed_pem).unwrap(),
        #[cfg(feature = "rsa")]
        Credentials::rsa_pem(KEY, rsa_pem).unwrap(),
    ];
    let key_types = all.len();
    for credentials in all {
        let kind = credentials.key_kind();
        let client = ClientBuilder::new(&PRODUCT).base_url(&server.url).credentials(credentials).build().unwrap();
        client.execute(&NewOrder).await.unwrap();
        let seen = server.seen().pop().unwrap();
        assert_eq!(seen.api_key.as_deref(), Some(KEY));
        let (payload, signature) = seen.query.rsplit_once("&signature=").expect("signature is last");
        assert!(payload.starts_with("symbol=BTCUSDT&timestamp="), "{payload}");
        assert!(!signature.contains(['+', '/', '=']), "base64 must be percent-encoded: {signature}");
        let signature = percent_decode(signature);
        match kind {
            binance_runtime::KeyType::Hmac => {
                use hmac::Mac as _;
                let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
                mac.update(payload.as_bytes());
                assert_eq!(signature, hex::encode(mac.finalize().into_bytes()));
            }
            binance_runtime::KeyType::Ed25519 => {
                let raw = base64::engine::general_purpose::STANDARD.decode(&signature).unwrap();
                let sig = ed25519_dalek::Signature::from_slice(&raw).unwrap();
                ed_key.verifying_key().verify(payload.as_bytes(), &sig).unwrap();
            }
            #[cfg(feature = "rsa")]
            binance_runtime::KeyType::Rsa => {
                use rsa::signature::Verifier as _;
                let raw = base64::engine::general_purpose::STANDARD.decode(&signature).unwrap();
                let sig = rsa::pkcs1v15::Signature::try_from(raw.as_slice()).unwrap();
                let verifier = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(rsa_public.clone());
                verifier.verify(payload.as_bytes(), &sig).unwrap();
            }
            #[cfg(not(feature = "rsa"))]
            binance_runtime::KeyType::Rsa => unreachable!("no RSA key without the `rsa` feature"),
        }
    }
    assert_eq!(server.seen().len(), key_types);
}

#[tokio::test]
async fn recv_window_out_of_range_is_rejected_before_sending() {
    let server = Server::start(|_, _| ok()).await;
    let client = client(&server);
    for bad in [0, 60_001] {
        match client.execute(&Account { recv_window: Some(bad) }).await {
            Err(Error::InvalidRequest { endpoint: "Account", reason }) => {
                assert!(reason.contains("recvWindow"), "{reason}")
            }
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
        assert!(matches!(builder(&server).recv_window(bad).build(), Err(Error::Config(_))));
    }
    assert!(server.seen().is_empty(), "nothing may be sent");
    // The bounds themselves are fine, and the override wins over the client default.
    let client = builder(&server).recv_window(5_000).build().unwrap();
    client.execute(&Account { recv_window: Some(60_000) }).await.unwrap();
    client.execute(&Account::default()).await.unwrap();
    let seen = server.seen();
    assert_eq!(seen[0].param("recvWindow"), Some("60000"));
    assert_eq!(seen[1].param("recvWindow"), Some("5000"));
}

#[tokio::test]
async fn a_get_is_retried_on_503_then_succeeds() {
    let server = Server::start(|_, earlier| {
        if earlier.is_empty() {
            Reply::json(503, r#"{"code":-1000,"msg":"Service Unavailable."}"#)
        } else {
            ok()
        }
    })
    .await;
    let answer = client(&server).execute(&Account::default()).await.unwrap();
    assert_eq!(answer["ok"], true);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| s.param("timestamp").is_some() && s.param("signature").is_some()));
}

#[tokio::test]
async fn get_retries_are_bounded_and_cover_throttling_and_lost_responses() {
    let server = Server::start(|_, _| {
        Reply::json(400, r#"{"code":-1008,"msg":"Request throttled by system-level protection."}"#)
    })
    .await;
    match client(&server).execute(&Account::default()).await {
        Err(Error::Api { code: -1008, status: 400, .. }) => {}
        other => panic!("expected the -1008 rejection, got {other:?}"),
    }
    assert_eq!(server.seen().len(), 3, "max_attempts = 3");

    let server = Server::start(|_, _| Reply::Hangup).await;
    match client(&server).execute(&Account::default()).await {
        Err(Error::Transport { endpoint: "Account", .. }) => {}
        other => panic!("expected Transport, got {other:?}"),
    }
    assert_eq!(server.seen().len(), 3);

    // A definite client error is not retried.
    let server = Server::start(|_, _| Reply::json(400, r#"{"code":-1121,"msg":"Invalid symbol."}"#)).await;
    assert_eq!(client(&server).execute(&Account::default()).await.unwrap_err().code(), Some(-1121));
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_non_get_whose_outcome_is_unknown_is_never_retried() {
    for i in 0..6 {
        let server = Server::start(move |_, _| match i {
            0 => Reply::json(500, r#"{"code":-1000,"msg":"An unknown error occurred."}"#),
            1 => Reply::json(502, "<html>Bad gateway</html>"),
            2 => Reply::json(400, r#"{"code":-1007,"msg":"Timeout waiting for response from backend server."}"#),
            3 => Reply::json(400, r#"{"code":-1006,"msg":"An unexpected response was received."}"#),
            4 => Reply::Hangup,
            _ => Reply::Truncated { declared: 100, body: r#"{"orderId":"#.into() },
        })
        .await;
        match client(&server).execute(&NewOrder).await {
            Err(e @ Error::OutcomeUnknown { endpoint: "NewOrder", .. }) => {
                assert!(e.to_string().contains("may have been executed"), "{e}");
            }
            other => panic!("case {i}: expected OutcomeUnknown, got {other:?}"),
        }
        assert_eq!(paths(&server), ["POST /fapi/v1/order"], "case {i}: sent exactly once");
    }
}

#[tokio::test]
async fn a_non_get_with_a_definite_failure_is_an_api_error_and_not_retried() {
    let server = Server::start(|_, _| Reply::json(503, r#"{"code":-1000,"msg":"Service Unavailable."}"#)).await;
    assert!(matches!(client(&server).execute(&NewOrder).await, Err(Error::Api { status: 503, .. })));
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn timeouts_are_timeouts_for_gets_and_outcome_unknown_for_orders() {
    let server = Server::start(|_, _| Reply::Stall).await;
    let client =
        builder(&server).timeout(Duration::from_millis(200)).retry_policy(RetryPolicy::none()).build().unwrap();
    match client.execute(&Account::default()).await {
        Err(Error::Timeout { endpoint: "Account", after }) => assert_eq!(after, Duration::from_millis(200)),
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert!(matches!(client.execute(&NewOrder).await, Err(Error::OutcomeUnknown { .. })));
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn a_get_that_timed_out_is_retried_within_the_budget() {
    let server = Server::start(|_, _| Reply::Stall).await;
    // The timeout is shorter than the retry budget (as with the defaults: 10 s and 30 s).
    let client = builder(&server).timeout(Duration::from_millis(100)).build().unwrap();
    assert!(matches!(client.execute(&Account::default()).await, Err(Error::Timeout { .. })));
    assert_eq!(server.seen().len(), 3, "max_attempts = 3");
}

#[tokio::test]
async fn nothing_listening_is_a_transport_error_even_for_an_order() {
    let url = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let client = ClientBuilder::new(&PRODUCT)
        .base_url(url)
        .credentials(Credentials::hmac(KEY, SECRET).unwrap())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    // The connection never opened, so the order certainly was not placed.
    assert!(matches!(client.execute(&NewOrder).await, Err(Error::Transport { .. })));
}

#[tokio::test]
async fn a_1021_resyncs_the_clock_and_retries_a_get_once() {
    let server_time = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let st = server_time.clone();
    let server = Server::start(move |req, earlier| match req.path.as_str() {
        "/fapi/v1/time" => {
            Reply::json(200, &format!(r#"{{"serverTime":{}}}"#, st.load(std::sync::atomic::Ordering::SeqCst)))
        }
        _ if earlier.is_empty() => {
            // The server's clock is one hour ahead of the client's.
            let ts: u64 = req.param("timestamp").unwrap().parse().unwrap();
            st.store(ts + 3_600_000, std::sync::atomic::Ordering::SeqCst);
            Reply::json(400, r#"{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}"#)
        }
        _ => ok(),
    })
    .await;
    let client = client(&server);
    client.execute(&Account::default()).await.unwrap();
    let mut expected = vec!["GET /fapi/v3/account".to_string()];
    expected.extend(std::iter::repeat_n("GET /fapi/v1/time".to_string(), TIME_REQUESTS_PER_SYNC));
    expected.push("GET /fapi/v3/account".to_string());
    assert_eq!(paths(&server), expected);
    let seen = server.seen();
    let first: u64 = seen[0].param("timestamp").unwrap().parse().unwrap();
    let retried: u64 = seen.last().unwrap().param("timestamp").unwrap().parse().unwrap();
    assert!(retried >= first + 3_600_000 - 1, "the retry uses server time: {first} -> {retried}");
    assert!(client.time_offset_ms() > 3_500_000);
    // The time endpoint is public: no key sent.
    assert_eq!(seen[1].api_key, None);
}

#[tokio::test]
async fn a_1021_on_an_order_resyncs_but_never_resends() {
    let server = Server::start(|req, _| match req.path.as_str() {
        // The server's clock is one hour behind.
        "/fapi/v1/time" => Reply::json(200, &format!(r#"{{"serverTime":{}}}"#, now_ms() - 3_600_000)),
        _ => Reply::json(400, r#"{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}"#),
    })
    .await;
    let client = client(&server);
    let err = client.execute(&NewOrder).await.unwrap_err();
    assert_eq!(err.code(), Some(-1021));
    assert!(err.to_string().contains("sync_time"), "{err}");
    let mut expected = vec!["POST /fapi/v1/order".to_string()];
    expected.extend(std::iter::repeat_n("GET /fapi/v1/time".to_string(), TIME_REQUESTS_PER_SYNC));
    assert_eq!(paths(&server), expected, "one sync, and the order is not resent");
    assert!(client.time_offset_ms() < -3_500_000);
}

#[tokio::test]
async fn sync_time_needs_a_time_path_and_decodes_errors_with_the_body() {
    static NO_TIME: Product = Product { time_path: None, ..PRODUCT };
    let server = Server::start(|_, _| Reply::json(200, "not json")).await;
    let client = ClientBuilder::new(&NO_TIME).base_url(&server.url).build().unwrap();
    assert!(matches!(client.sync_time().await, Err(Error::Config(_))));
    match builder(&server).build().unwrap().sync_time().await {
        Err(Error::Decode { body, .. }) => assert_eq!(body, "not json"),
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_429_pauses_the_host() {
    let server = Server::start(|_, _| {
        Reply::json(429, r#"{"code":-1003,"msg":"Too many requests."}"#).with_header("Retry-After", 30)
    })
    .await;
    let client = builder(&server).rate_policy(RatePolicy::FailFast).build().unwrap();
    match client.execute(&Ping).await {
        Err(Error::RateLimited { retry_after, host }) => {
            assert_eq!(retry_after, Duration::from_secs(30));
            assert!(server.url.ends_with(&host));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    // Not retried, and the next request is refused locally while the pause lasts.
    let refused = client.execute(&Ping).await.unwrap_err();
    assert!(matches!(refused, Error::RateLimited { .. }), "{refused:?}");
    assert!(refused.retry_after().is_some_and(|d| d <= Duration::from_secs(30)));
    assert!(matches!(client.clone().execute(&Account::default()).await, Err(Error::RateLimited { .. })));
    assert_eq!(server.seen().len(), 1);
    assert!(client.governor().paused_for().is_some());
}

#[tokio::test]
async fn a_418_bans_the_host_and_every_request_is_refused_until_then() {
    let server = Server::start(|_, _| {
        Reply::json(418, r#"{"code":-1003,"msg":"Way too many requests; IP banned."}"#).with_header("Retry-After", 300)
    })
    .await;
    let client = client(&server); // policy Wait: a ban is refused, not waited for
    let until = match client.execute(&Ping).await {
        Err(e @ Error::Banned { .. }) => {
            assert!(e.to_string().contains("until Unix time"), "{e}");
            let Error::Banned { until, .. } = e else { unreachable!() };
            until
        }
        other => panic!("expected Banned, got {other:?}"),
    };
    let left = until.duration_since(SystemTime::now()).unwrap();
    assert!(left > Duration::from_secs(200) && left <= Duration::from_secs(300), "{left:?}");
    for _ in 0..3 {
        match client.clone().execute(&Account::default()).await {
            Err(Error::Banned { until: u, .. }) => assert_eq!(u.duration_since(until).unwrap_or_default().as_secs(), 0),
            other => panic!("expected Banned, got {other:?}"),
        }
    }
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn usage_headers_raise_the_observed_usage() {
    let server = Server::start(|_, _| ok().with_header("X-MBX-USED-WEIGHT-1M", 1234)).await;
    let client = client(&server);
    assert!(client.usage().iter().all(|u| u.used == 0));
    client.execute(&Ping).await.unwrap();
    let usage = client.usage();
    assert_eq!((usage[0].used, usage[0].limit, usage[0].kind), (1234, 2400, LimitKind::Ip));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_worth_three_budgets_never_exceed_the_budget() {
    const BUDGET: u32 = 10;
    const WINDOW: Duration = Duration::from_millis(300);
    // The server answers 429 whenever more than BUDGET requests arrived within one window.
    let server = Server::start(|req, earlier| {
        let recent = earlier.iter().filter(|s| req.at.duration_since(s.at) < WINDOW).count() as u32 + 1;
        if recent > BUDGET {
            Reply::json(429, r#"{"code":-1003,"msg":"Too many requests."}"#)
        } else {
            ok()
        }
    })
    .await;
    let limits = vec![RateLimit { limit: BUDGET, ..LIMITS[0] }];
    let client = builder(&server).rate_limits(limits).rate_limit_window_override(WINDOW).build().unwrap();
    let tasks: Vec<_> = (0..3 * BUDGET)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.execute(&Ping).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 3 * BUDGET as usize);
    // What the server saw, not the client's own count: never more than BUDGET arrivals within
    // one window (a 429 the retry policy absorbed would hide behind the unwraps above).
    for (i, request) in seen.iter().enumerate() {
        let in_window = seen[..=i].iter().filter(|e| request.at.duration_since(e.at) < WINDOW).count();
        assert!(in_window <= BUDGET as usize, "request {i}: {in_window} arrivals within one window");
    }
}

#[tokio::test]
async fn errors_keep_what_is_needed_and_never_show_secrets() {
    let server = Server::start(|req, _| match req.path.as_str() {
        ACCOUNT => Reply::json(400, r#"{"code":-1022,"msg":"Signature for this request is not valid."}"#),
        ORDER => Reply::json(404, "<html>not found</html>"),
        _ => Reply::json(200, r#"{"truncated":"#),
    })
    .await;
    let client = client(&server);
    let api = client.execute(&Account::default()).await.unwrap_err();
    assert!(matches!(&api, Error::Api { status: 400, code: -1022, msg, .. } if msg.contains("Signature")));
    let http = client.execute(&NewOrder).await.unwrap_err();
    assert!(matches!(&http, Error::Http { status: 404, body, .. } if body == "<html>not found</html>"));
    let decode = client.execute(&Ping).await.unwrap_err();
    assert!(matches!(&decode, Error::Decode { status: 200, body, .. } if body == r#"{"truncated":"#));
    let signatures: Vec<String> =
        server.seen().iter().filter_map(|s| s.param("signature").map(str::to_string)).collect();
    assert_eq!(signatures.len(), 2);
    for e in [api, http, decode] {
        for shown in [e.to_string(), format!("{e:?}")] {
            assert!(!shown.contains(KEY) && !shown.contains(SECRET), "{shown}");
            assert!(!shown.contains("timestamp="), "{shown}");
            for s in &signatures {
                assert!(!shown.contains(s.as_str()), "{shown}");
            }
        }
    }
}

#[tokio::test]
async fn a_prepared_request_shows_its_signature_only_where_asked() {
    let server = Server::start(|_, _| ok()).await;
    let prepared = client(&server).prepare(&NewOrder).unwrap();
    let (_, signature) = prepared.query.rsplit_once("&signature=").expect("signed");
    assert_eq!(signature.len(), 64);
    assert!(prepared.full_url().contains(signature), "full_url is what is sent");
    let shown = format!("{prepared:?}");
    assert!(!shown.contains(signature) && !shown.contains(KEY), "{shown}");
    assert!(shown.contains("signature=<redacted>"), "{shown}");
}

#[test]
fn testnet_for_a_product_without_one_never_reaches_production() {
    static PROD_ONLY: Product =
        Product { rest_url: Some("https://papi.binance.com"), rest_testnet_url: None, ..PRODUCT };
    match ClientBuilder::new(&PROD_ONLY).credentials(credentials()).testnet().build() {
        Err(Error::Config(reason)) => assert!(reason.contains("testnet"), "{reason}"),
        Ok(client) => panic!("testnet() built a client for {}", client.base_url()),
        Err(other) => panic!("expected a configuration error, got {other:?}"),
    }
}
