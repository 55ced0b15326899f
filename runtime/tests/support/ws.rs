//! A throwaway WebSocket API server on 127.0.0.1 for the WebSocket API client's tests, and the
//! product they call it as.

use binance_runtime::Product;
use futures_util::{SinkExt as _, StreamExt as _};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// A product with no rate limits of its own, whose server time is at `/fapi/v1/time`.
pub static PRODUCT: Product = Product {
    name: "test",
    title: "Test",
    rest_url: None,
    rest_testnet_url: None,
    ws_api_url: None,
    ws_api_testnet_url: None,
    time_path: Some("/fapi/v1/time"),
    rate_limits: &[],
    error_codes: &[],
};

/// Starts a server that answers the `n`th request frame (from 0, over all connections) with
/// `answer(n, id)`, `delay` after the connection's previous answer. Returns its URL and the
/// count of connections it accepted.
pub async fn ws_server(
    delay: Duration,
    answer: impl Fn(usize, &serde_json::Value) -> serde_json::Value + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>) {
    let answer = Arc::new(answer);
    let frames = Arc::new(AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws-fapi/v1", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let (answer, frames) = (answer.clone(), frames.clone());
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else { return };
                while let Some(Ok(frame)) = ws.next().await {
                    if let Message::Text(text) = frame {
                        let request: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
                        tokio::time::sleep(delay).await;
                        let reply = answer(frames.fetch_add(1, Ordering::SeqCst), &request["id"]);
                        if ws.send(Message::text(reply.to_string())).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    (url, connections)
}
