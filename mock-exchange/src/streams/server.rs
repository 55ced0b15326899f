//! Accepts stream connections and serves each: its initial streams from the URL, live
//! `SUBSCRIBE` / `UNSUBSCRIBE` / `LIST_SUBSCRIPTIONS`, and what the publisher sends it.

use super::{Conn, Out, State};
use futures_util::{SinkExt, StreamExt};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

pub(super) async fn accept_loop(listener: TcpListener, state: Arc<Mutex<State>>) {
    crate::ws::server::accept_each(listener, |stream| serve(stream, state.clone())).await
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

async fn serve(stream: TcpStream, state: Arc<Mutex<State>>) {
    let mut target = String::new();
    // The callback's signature is tungstenite's (its error is a whole HTTP response).
    #[allow(clippy::result_large_err)]
    let handshake = |request: &Request, response: Response| -> Result<Response, ErrorResponse> {
        target = request.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default();
        Ok(response)
    };
    // tungstenite zeroes its whole read buffer (default 128 KiB) before every read attempt, and
    // this loop attempts one per message it sends: with the default, publishing was mostly
    // `memset` (perf, `stream_loopback` bench).
    let config = WebSocketConfig::default().read_buffer_size(16 * 1024);
    let Ok(mut socket) = tokio_tungstenite::accept_hdr_async_with_config(stream, handshake, Some(config)).await else {
        return;
    };
    let (combined, streams) = route(&target);
    let (out, mut outgoing) = mpsc::unbounded_channel();
    let id = {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
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
                    let reply = control(&state, id, text.as_str());
                    if let Some(reply) = reply {
                        if socket.send(Message::Text(reply.into())).await.is_err() {
                            break;
                        }
                    }
                }
                Some(Ok(Message::Pong(payload))) => {
                    state.lock().unwrap_or_else(|e| e.into_inner()).pongs.push(payload.to_vec());
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
    state.lock().unwrap_or_else(|e| e.into_inner()).conns.remove(&id);
}

/// Answers one control message the way Binance does: `{"result": null, "id": …}`, the list for
/// `LIST_SUBSCRIPTIONS`, an error object for anything else.
fn control(state: &Mutex<State>, conn: u64, text: &str) -> Option<String> {
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
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
    let c = s.conns.get_mut(&conn)?;
    let result = match msg.get("method").and_then(|m| m.as_str()) {
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
