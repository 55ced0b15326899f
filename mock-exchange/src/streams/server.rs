//! Accepts stream connections and serves each: its initial streams from the URL, live
//! `SUBSCRIBE` / `UNSUBSCRIBE` / `LIST_SUBSCRIPTIONS`, and what the publisher sends it. A listen
//! key is served only while it is live.

use super::listen_keys::{self, is_listen_key};
use super::{Conn, Out};
use crate::shared::Shared;
use futures_util::{SinkExt, StreamExt};
use std::collections::BTreeSet;
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

pub(crate) async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    crate::ws::server::accept_each(listener, |stream| serve(stream, Arc::clone(&shared))).await
}

/// `/ws/<name>` → raw, that stream; `/ws` → raw, none yet; `/stream?streams=a/b` → combined.
fn route(path_and_query: &str) -> (bool, BTreeSet<String>) {
    let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    if path.trim_end_matches('/') == "/stream" {
        let streams = query
            .split('&')
            .filter_map(|kv| kv.strip_prefix("streams="))
            .flat_map(|v| v.split('/'))
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        return (true, streams);
    }
    let raw = path.strip_prefix("/ws/").filter(|n| !n.is_empty()).map(str::to_string);
    (false, raw.into_iter().collect())
}

async fn serve(stream: TcpStream, shared: Arc<Shared>) {
    let mut routed = (false, BTreeSet::new());
    // The callback's signature is tungstenite's (its error is a whole HTTP response).
    #[allow(clippy::result_large_err)]
    let handshake = |request: &Request, response: Response| -> Result<Response, ErrorResponse> {
        routed = route(request.uri().path_and_query().map_or("", |p| p.as_str()));
        let now = shared.server_time_ms();
        if routed.1.iter().any(|name| is_listen_key(name) && !shared.streams.is_live_key(name, now)) {
            let rejection = listen_keys::unknown_key();
            let body = serde_json::json!({ "code": rejection.code, "msg": rejection.msg }).to_string();
            let mut refused = ErrorResponse::new(Some(body));
            *refused.status_mut() = tokio_tungstenite::tungstenite::http::StatusCode::BAD_REQUEST;
            return Err(refused);
        }
        Ok(response)
    };
    // tungstenite zeroes its whole read buffer (default 128 KiB) before every read attempt, and
    // this loop attempts one per message it sends: with the default, publishing was mostly
    // `memset` (perf, `stream_loopback` bench).
    let config = WebSocketConfig::default().read_buffer_size(16 * 1024);
    let Ok(mut socket) = tokio_tungstenite::accept_hdr_async_with_config(stream, handshake, Some(config)).await else {
        return;
    };
    let (combined, streams) = routed;
    let (out, mut outgoing) = mpsc::unbounded_channel();
    let id = {
        let mut s = shared.streams.lock();
        let id = s.next_conn;
        s.next_conn += 1;
        s.connections += 1;
        s.conns.insert(id, Conn { combined, streams, out });
        id
    };
    loop {
        tokio::select! {
            frame = socket.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    let reply = control(&shared, id, text.as_str());
                    if let Some(reply) = reply {
                        if socket.send(Message::Text(reply.into())).await.is_err() {
                            break;
                        }
                    }
                }
                Some(Ok(Message::Pong(payload))) => {
                    shared.streams.lock().pongs.push(payload.to_vec());
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            next = outgoing.recv() => match next {
                Some(Out::Text(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                Some(Out::Ping(payload)) => {
                    if socket.send(Message::Ping(payload.into())).await.is_err() {
                        break;
                    }
                }
                Some(Out::Drop) | None => break,
            },
        }
    }
    shared.streams.lock().conns.remove(&id);
}

/// Answers one control message the way Binance does: `{"result": null, "id": …}`, the list for
/// `LIST_SUBSCRIPTIONS`, an error object for anything else and for a listen key that is not live.
fn control(shared: &Shared, conn: u64, text: &str) -> Option<String> {
    let now = shared.server_time_ms();
    let mut s = shared.streams.lock();
    s.control.push(text.to_string());
    let Ok(msg) = serde_json::from_str::<serde_json::Value>(text) else {
        return Some(r#"{"error":{"code":3,"msg":"Invalid JSON"}}"#.to_string());
    };
    let id = msg.get("id").cloned().unwrap_or(serde_json::Value::Null);
    let names: Vec<String> = msg
        .get("params")
        .and_then(|p| p.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let method = msg.get("method").and_then(|m| m.as_str());
    if method == Some("SUBSCRIBE") && names.iter().any(|n| is_listen_key(n) && !s.listen_keys.is_live(n, now)) {
        let error = serde_json::json!({ "error": { "code": 2, "msg": "Invalid request: the listenKey does not exist" }, "id": id });
        return Some(error.to_string());
    }
    let c = s.conns.get_mut(&conn)?;
    let result = match method {
        Some("SUBSCRIBE") => {
            c.streams.extend(names);
            serde_json::Value::Null
        }
        Some("UNSUBSCRIBE") => {
            for n in &names {
                c.streams.remove(n);
            }
            serde_json::Value::Null
        }
        Some("LIST_SUBSCRIPTIONS") => serde_json::Value::from(c.streams.iter().cloned().collect::<Vec<_>>()),
        _ => {
            let error =
                serde_json::json!({ "error": { "code": 2, "msg": "Invalid request: unknown method" }, "id": id });
            return Some(error.to_string());
        }
    };
    Some(serde_json::json!({ "result": result, "id": id }).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_raw_or_combined_streams() {
        assert_eq!(route("/ws/btcusdt@aggTrade"), (false, BTreeSet::from(["btcusdt@aggTrade".to_string()])));
        assert_eq!(route("/ws"), (false, BTreeSet::new()));
        let (combined, streams) = route("/stream?streams=a@x/b@y");
        assert!(combined);
        assert_eq!(streams.into_iter().collect::<Vec<_>>(), ["a@x", "b@y"]);
    }
}
