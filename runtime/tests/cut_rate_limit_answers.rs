//! A 429 or 418 whose body is cut off (the connection dropped mid-body) is still a rate limit
//! or a ban: its status line and headers arrived, and they are what Binance's rule is about.

mod support;

use binance_runtime::governor::Governor;
use binance_runtime::{ClientBuilder, Error, RatePolicy};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::api::{fast_retries, NewOrder, Ping, PRODUCT};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// A server answering every request with `status`, `Retry-After: 30`, a `Content-Length` of 200
/// and only the first bytes of a Binance error body, then closing; counts the requests.
async fn cut_answers(status: u16) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = requests.clone();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let counted = counted.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut chunk = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tcp.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&chunk[..n]),
                    }
                }
                counted.fetch_add(1, Ordering::SeqCst);
                let answer = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nRetry-After: 30\r\n\
                     Content-Length: 200\r\nConnection: close\r\n\r\n{{\"code\":-1003,\"msg\":\"Too many"
                );
                let _ = tcp.write_all(answer.as_bytes()).await;
                let _ = tcp.shutdown().await;
            });
        }
    });
    (url, requests)
}

/// A client whose governor waits at most a second (so a 30 s pause is refused, not waited for).
fn client(url: &str, policy: RatePolicy) -> binance_runtime::RestClient {
    let governor = Governor::new("local", PRODUCT.rate_limits, None).with_max_wait(Duration::from_secs(1));
    ClientBuilder::new(&PRODUCT)
        .base_url(url)
        .governor(governor)
        .credentials(support::api::credentials())
        .retry_policy(fast_retries())
        .rate_policy(policy)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_429_with_a_cut_body_pauses_the_host_and_is_not_resent_at_once() {
    for policy in [RatePolicy::FailFast, RatePolicy::Wait] {
        let (url, requests) = cut_answers(429).await;
        let client = client(&url, policy);
        let get = tokio::time::timeout(Duration::from_secs(10), client.execute(&Ping)).await.expect("hung");
        match get {
            Err(Error::RateLimited { retry_after, .. }) => assert!(retry_after > Duration::from_secs(20)),
            other => panic!("{policy:?}: expected RateLimited, got {other:?}"),
        }
        assert_eq!(requests.load(Ordering::SeqCst), 1, "{policy:?}: nothing is sent into a 429's pause");
        let order = tokio::time::timeout(Duration::from_secs(10), client.execute(&NewOrder)).await.expect("hung");
        assert!(matches!(order, Err(Error::RateLimited { .. })), "{policy:?}: {order:?}");
        assert_eq!(requests.load(Ordering::SeqCst), 1, "{policy:?}: nothing is sent into a 429's pause");
    }
}

#[tokio::test]
async fn a_418_with_a_cut_body_bans_the_host() {
    let (url, requests) = cut_answers(418).await;
    let client = client(&url, RatePolicy::Wait);
    let order = tokio::time::timeout(Duration::from_secs(10), client.execute(&NewOrder)).await.expect("hung");
    match order {
        Err(Error::Banned { until, .. }) => {
            assert!(until > std::time::SystemTime::now() + Duration::from_secs(20), "the ban follows Retry-After")
        }
        other => panic!("expected Banned, got {other:?}"),
    }
    assert!(matches!(client.execute(&Ping).await, Err(Error::Banned { .. })));
    assert_eq!(requests.load(Ordering::SeqCst), 1, "nothing is sent into a ban");
}
