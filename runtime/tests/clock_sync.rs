//! Server-time sync over loopback: several samples after a warm-up, absurd server times
//! refused, and one shared resync for a burst of -1021 rejections.

mod support;

use binance_runtime::Error;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use support::api::*;
use support::{Reply, Server};

const TIME: &str = "/fapi/v1/time";

#[tokio::test]
async fn sync_time_discards_the_warm_up_sample_and_uses_the_others() {
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    let server = Server::start(move |_, _| {
        // The warm-up answers an hour off (as if its round trip had been that slow); the
        // samples 5 s ahead of the local clock.
        let ahead = if counter.fetch_add(1, Ordering::SeqCst) == 0 { 3_600_000 } else { 5_000 };
        Reply::json(200, &format!(r#"{{"serverTime":{}}}"#, now_ms() + ahead))
    })
    .await;
    let client = client(&server);
    let offset = client.sync_time().await.unwrap();
    assert!((4_000..=5_100).contains(&offset), "offset {offset}");
    assert_eq!(client.time_offset_ms(), offset);
    assert_eq!(paths(&server), vec!["GET /fapi/v1/time".to_string(); TIME_REQUESTS_PER_SYNC]);
}

#[tokio::test]
async fn an_absurd_server_time_is_an_error_and_keeps_the_offset() {
    for server_time in [i64::MAX.to_string(), i64::MIN.to_string(), "-1".into(), "0".into(), "1e30".into()] {
        let body = format!(r#"{{"serverTime":{server_time}}}"#);
        let server = Server::start(move |_, _| Reply::json(200, &body)).await;
        let client = client(&server);
        client.set_time_offset_ms(1234);
        match client.sync_time().await {
            Err(Error::Decode { endpoint: "server_time", reason, .. }) => {
                assert!(!reason.is_empty(), "{server_time}");
            }
            other => panic!("{server_time}: expected a decode error, got {other:?}"),
        }
        assert_eq!(client.time_offset_ms(), 1234, "{server_time}: offset unchanged");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_1021_rejections_share_one_resync() {
    const CALLS: usize = 8;
    // The server's clock is one hour ahead: every request stamped with the local clock is
    // rejected, every request stamped after the resync accepted.
    let server = Server::start(|req, _| {
        let server_now = now_ms() + 3_600_000;
        match req.path.as_str() {
            TIME => Reply::json(200, &format!(r#"{{"serverTime":{server_now}}}"#)),
            _ => {
                let ts: i64 = req.param("timestamp").unwrap().parse().unwrap();
                if (server_now - ts).abs() > 60_000 {
                    Reply::json(
                        400,
                        r#"{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}"#,
                    )
                } else {
                    ok()
                }
            }
        }
    })
    .await;
    let client = client(&server);
    let calls: Vec<_> = (0..CALLS)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.execute(&Account::default()).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    let time_requests = server.seen().iter().filter(|s| s.path == TIME).count();
    assert_eq!(time_requests, TIME_REQUESTS_PER_SYNC, "one resync for {CALLS} rejected calls");
    assert!(client.time_offset_ms() > 3_500_000);
}
