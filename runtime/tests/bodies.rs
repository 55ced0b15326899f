//! Response bodies a hostile or broken server can send, and error bodies Binance (or a gateway
//! in front of it) sends: bounded memory, nothing patched, every error keeping what arrived.

mod support;

use binance_runtime::{ApiCode, ApiErrorCode, ClientBuilder, Error, ErrorBody, Product, DEFAULT_MAX_RESPONSE_BYTES};
use std::time::Duration;
use support::api::*;
use support::{Reply, Server};

/// Fails the test instead of hanging it if the client never stops reading.
async fn promptly<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), f).await.expect("the client kept reading")
}

#[tokio::test]
async fn an_endless_chunked_body_stops_at_the_configured_cap() {
    let server = Server::start(|_, _| Reply::Endless).await;
    let cap = 1024 * 1024;
    let client = builder(&server).max_response_bytes(cap).timeout(Duration::from_secs(120)).build().unwrap();
    match promptly(client.execute(&Ping)).await {
        Err(e @ Error::ResponseTooLarge { .. }) => {
            let Error::ResponseTooLarge { endpoint, status, limit, read, ref body } = e else { unreachable!() };
            assert_eq!((endpoint, status, limit), ("Ping", 200, cap));
            assert!(
                read > cap as u64 && read <= cap as u64 + 64 * 1024 + 16,
                "stopped at the first chunk over: {read}"
            );
            assert_eq!(body.len(), ErrorBody::MAX_KEPT, "only a bounded prefix is kept");
            assert_eq!(body.cut_bytes(), read - ErrorBody::MAX_KEPT as u64);
            assert!(e.to_string().contains("max_response_bytes"), "{e}");
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    assert_eq!(server.seen().len(), 1, "a body over the cap is not fetched again");
}

#[tokio::test]
async fn the_default_cap_also_stops_an_endless_body() {
    let server = Server::start(|_, _| Reply::Endless).await;
    let client = builder(&server).timeout(Duration::from_secs(120)).build().unwrap();
    match promptly(client.execute(&Ping)).await {
        Err(Error::ResponseTooLarge { limit, read, .. }) => {
            assert_eq!(limit, DEFAULT_MAX_RESPONSE_BYTES);
            assert!(read > DEFAULT_MAX_RESPONSE_BYTES as u64);
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn an_announced_body_over_the_cap_is_refused_without_reading_it() {
    // 200 MB announced, 8 KiB sent, then nothing: the client must not wait for the rest.
    let server = Server::start(|_, _| Reply::Huge { declared: 200_000_000, sent: 8192 }).await;
    let client = builder(&server).timeout(Duration::from_secs(120)).build().unwrap();
    match promptly(client.execute(&Ping)).await {
        Err(Error::ResponseTooLarge { read, body, .. }) => {
            assert_eq!(read, 200_000_000);
            assert_eq!(body.len(), ErrorBody::MAX_KEPT);
            assert!(body.as_bytes().iter().all(|&b| b == b'['));
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn invalid_utf8_in_a_2xx_body_is_a_decode_error_that_keeps_the_bytes() {
    let raw = b"{\"asset\":\"BT\xffC\",\"ok\":true}".to_vec();
    let sent = raw.clone();
    let server = Server::start(move |_, _| Reply::Bytes { status: 200, body: sent.clone() }).await;
    match client(&server).execute(&Ping).await {
        Err(Error::Decode { status: 200, reason, body, .. }) => {
            assert!(reason.contains("not valid UTF-8") && reason.contains("offset 12"), "{reason}");
            assert_eq!(body.as_bytes(), raw.as_slice(), "the exact bytes, no U+FFFD");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    // Also inside a field the model ignores.
    #[derive(Debug, Default)]
    struct Typed;
    impl binance_runtime::Endpoint for Typed {
        type Response = std::collections::BTreeMap<String, serde::de::IgnoredAny>;
        const NAME: &'static str = "Typed";
        const SECURITY: binance_runtime::Security = binance_runtime::Security::None;
        fn weight(&self) -> binance_runtime::Weight {
            binance_runtime::Weight::ip(1)
        }
        fn write_params<W: binance_runtime::ParamWriter + ?Sized>(&self, _out: &mut W) {}
    }
    impl binance_runtime::RestEndpoint for Typed {
        const METHOD: binance_runtime::HttpMethod = binance_runtime::HttpMethod::Get;
        const PATH: &'static str = "/fapi/v1/typed";
    }
    assert!(matches!(client(&server).execute(&Typed).await, Err(Error::Decode { .. })));
}

#[tokio::test]
async fn error_bodies_are_read_leniently() {
    for (i, body) in [
        r#"{"code":"-1121","msg":"Invalid symbol."}"#,
        r#"{"code":-1121.0,"msg":"Invalid symbol."}"#,
        r#"{"code":-1121}"#,
        r#"{"code":-1121,"msg":null}"#,
    ]
    .into_iter()
    .enumerate()
    {
        let server = Server::start(move |_, _| Reply::json(400, body)).await;
        match client(&server).execute(&Account::default()).await {
            Err(Error::Api { status: 400, code: -1121, msg, .. }) => {
                assert_eq!(msg.is_empty(), i >= 2, "case {i}: {msg:?}");
            }
            other => panic!("case {i}: expected Api -1121, got {other:?}"),
        }
        assert_eq!(server.seen().len(), 1, "case {i}: a definite rejection is not retried");
    }
}

#[tokio::test]
async fn api_errors_carry_the_documented_name_of_their_code() {
    static CODES: [ApiErrorCode; 2] =
        [ApiErrorCode { code: -1121, name: "BAD_SYMBOL" }, ApiErrorCode { code: -2019, name: "MARGIN_NOT_SUFFICIEN" }];
    static NAMED: Product = Product { error_codes: &CODES, ..PRODUCT };
    let server = Server::start(|req, _| match req.path.as_str() {
        ACCOUNT => Reply::json(400, r#"{"code":-1121,"msg":"Invalid symbol."}"#),
        _ => Reply::json(400, r#"{"code":-4999,"msg":"Something new."}"#),
    })
    .await;
    let client = ClientBuilder::new(&NAMED).base_url(&server.url).credentials(credentials()).build().unwrap();
    let err = client.execute(&Account::default()).await.unwrap_err();
    let code = err.api_code().unwrap();
    assert_eq!((code.code(), code.name()), (-1121, Some("BAD_SYMBOL")));
    assert!(err.to_string().contains("code -1121 BAD_SYMBOL"), "{err}");
    let unknown = client.execute(&NewOrder).await.unwrap_err();
    assert_eq!(unknown.api_code(), Some(ApiCode::Other(-4999)));
}

#[tokio::test]
async fn an_order_answered_5xx_is_outcome_unknown_with_status_msg_and_body() {
    let server = Server::start(|_, _| Reply::json(500, r#"{"code":"-1000","msg":"An unknown error occurred."}"#)).await;
    match client(&server).execute(&NewOrder).await {
        Err(Error::OutcomeUnknown { status, code, msg, body, .. }) => {
            assert_eq!(status, Some(500));
            assert_eq!(code, Some(-1000));
            assert_eq!(msg.as_deref(), Some("An unknown error occurred."));
            assert_eq!(body.unwrap(), r#"{"code":"-1000","msg":"An unknown error occurred."}"#);
        }
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    }
    assert_eq!(server.seen().len(), 1);
    // No Binance body at all: the status and the (bounded) body still come back.
    let page = format!("<html>{}</html>", "x".repeat(100_000));
    let server = Server::start(move |_, _| Reply::json(502, &page)).await;
    match client(&server).execute(&NewOrder).await {
        Err(Error::OutcomeUnknown { status: Some(502), code: None, msg: None, body: Some(body), .. }) => {
            assert_eq!(body.len(), ErrorBody::MAX_KEPT);
            assert_eq!(body.cut_bytes(), 100_013 - ErrorBody::MAX_KEPT as u64);
        }
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    }
}

#[tokio::test]
async fn an_order_whose_answer_is_cut_keeps_what_arrived() {
    let server =
        Server::start(|_, _| Reply::Truncated { declared: 100, body: r#"{"orderId":123,"status":"#.into() }).await;
    match client(&server).execute(&NewOrder).await {
        Err(Error::OutcomeUnknown { status: Some(200), body: Some(body), reason, .. }) => {
            assert_eq!(body, r#"{"orderId":123,"status":"#);
            assert!(reason.contains("cut off"), "{reason}");
        }
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    }
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn large_error_bodies_are_kept_as_a_bounded_prefix() {
    let page = "y".repeat(1_000_000);
    let server = Server::start(move |_, _| Reply::json(404, &page)).await;
    match client(&server).execute(&Account::default()).await {
        Err(e @ Error::Http { status: 404, .. }) => {
            let body = e.body().unwrap();
            assert_eq!((body.len(), body.cut_bytes()), (ErrorBody::MAX_KEPT, 1_000_000 - ErrorBody::MAX_KEPT as u64));
            assert!(format!("{e:?}").len() < 2 * ErrorBody::MAX_KEPT);
        }
        other => panic!("expected Http, got {other:?}"),
    }
}
