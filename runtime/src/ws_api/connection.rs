//! One WebSocket connection, owned by one task: it writes requests, matches response frames to
//! their callers by `id` (in whatever order they arrive), keeps the connection alive, and when
//! the connection ends fails every pending request at once.

use futures_util::{SinkExt as _, StreamExt as _};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

/// Pending entries of callers that gave up are pruned when this many are waiting (and at
/// every keepalive check), so a server that never answers cannot grow the map without bound.
const PRUNE_AT: usize = 1024;

/// What a caller gets back: the response frame, or why the connection went away first.
pub(crate) type Answer = Result<String, String>;

/// Why a connection could not be opened.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// The server answered the handshake with a rate-limit status (429, or 418 for a ban): the
    /// handshake costs weight like a request, so this is a 429 or 418 like any other.
    Limited {
        /// 429 or 418.
        status: u16,
        /// `Retry-After` in seconds, when sent.
        retry_after: Option<Duration>,
        /// The answer's body (a Binance error body).
        body: String,
    },
    /// Anything else: the network, TLS, another status.
    Failed(String),
}

/// A request handed to the connection task.
struct Outgoing {
    id: u64,
    text: String,
    reply: oneshot::Sender<Answer>,
}

/// A handle on a live connection; cheap to clone. When the last handle is dropped the task
/// finishes the requests in flight, then closes the connection.
#[derive(Debug, Clone)]
pub(crate) struct Connection {
    tx: mpsc::UnboundedSender<Outgoing>,
    opened: Instant,
    /// `session.logon` succeeded on this connection: requests carry no `apiKey`/`signature`.
    pub(crate) logged_on: bool,
    /// The server revoked the connection's session (its API key became invalid).
    revoked: Arc<AtomicBool>,
}

impl Connection {
    /// Connects (plain `ws://` or rustls `wss://`) and starts the task owning the socket.
    /// `keepalive`: after this long without a frame from the server, ping it; after as long
    /// again without one, the connection is dead.
    pub(crate) async fn open(
        url: &str,
        connect_timeout: Duration,
        keepalive: Duration,
    ) -> Result<Connection, OpenError> {
        let connecting = tokio_tungstenite::connect_async_with_config(url, None, true);
        let (socket, _response) = match tokio::time::timeout(connect_timeout, connecting).await {
            Ok(Ok(connected)) => connected,
            Ok(Err(e)) => return Err(open_error(url, e)),
            Err(_) => {
                return Err(OpenError::Failed(format!("no WebSocket handshake with {url} within {connect_timeout:?}")))
            }
        };
        let (tx, rx) = mpsc::unbounded_channel();
        let revoked = Arc::new(AtomicBool::new(false));
        tokio::spawn(run(socket, rx, keepalive, revoked.clone()));
        tracing::debug!(url, "WebSocket API connection opened");
        Ok(Connection { tx, opened: Instant::now(), logged_on: false, revoked })
    }

    /// The task is still running, the connection is younger than `max_age`, and its session
    /// (if it logged on) was not revoked: requests on a revoked session carry no credentials, so
    /// a new connection (which logs on again) is needed.
    pub(crate) fn is_usable(&self, max_age: Duration) -> bool {
        let revoked = self.logged_on && self.revoked.load(Ordering::Relaxed);
        !self.tx.is_closed() && self.opened.elapsed() < max_age && !revoked
    }

    /// Queues one request frame; the receiver yields its response frame.
    pub(crate) fn send(&self, id: u64, text: String) -> Result<oneshot::Receiver<Answer>, String> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Outgoing { id, text, reply })
            .map_err(|_| "the WebSocket connection closed before the request was sent".to_string())?;
        Ok(answer)
    }
}

/// What a failed handshake means: a 429 or 418 answer is a rate limit or a ban.
fn open_error(url: &str, e: tokio_tungstenite::tungstenite::Error) -> OpenError {
    if let tokio_tungstenite::tungstenite::Error::Http(response) = &e {
        let status = response.status().as_u16();
        if matches!(status, 418 | 429) {
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let body = response.body().as_deref().map(String::from_utf8_lossy).unwrap_or_default().into_owned();
            return OpenError::Limited { status, retry_after, body };
        }
    }
    OpenError::Failed(format!("cannot open the WebSocket connection to {url}: {e}"))
}

/// The task owning the socket. Pings from the server are answered by tungstenite itself (it
/// queues the pong and flushes it on the next read or write).
async fn run<S>(
    socket: S,
    mut requests: mpsc::UnboundedReceiver<Outgoing>,
    keepalive: Duration,
    revoked: Arc<AtomicBool>,
) where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>>
        + futures_util::Sink<Message, Error = tokio_tungstenite::tungstenite::Error>
        + Unpin,
{
    let (mut sink, mut frames) = socket.split();
    let mut pending: HashMap<u64, oneshot::Sender<Answer>> = HashMap::new();
    let mut handles_alive = true;
    let mut last_frame = Instant::now();
    let mut pinged = false;
    let reason = loop {
        // Retired (no handle left) and nothing in flight: close politely.
        if !handles_alive && pending.is_empty() {
            let _ = sink.close().await;
            return;
        }
        let check_at = last_frame + if pinged { keepalive * 2 } else { keepalive };
        tokio::select! {
            request = requests.recv(), if handles_alive => match request {
                Some(Outgoing { id, text, reply }) => {
                    if pending.len() >= PRUNE_AT {
                        pending.retain(|_, reply| !reply.is_closed());
                    }
                    // Registered before it is written, so even an instant answer finds its caller.
                    pending.insert(id, reply);
                    if let Err(e) = sink.send(Message::text(text)).await {
                        break format!("sending failed: {e}");
                    }
                }
                None => handles_alive = false,
            },
            frame = frames.next() => {
                last_frame = Instant::now();
                pinged = false;
                match frame {
                    Some(Ok(Message::Text(text))) => {
                        if deliver(&mut pending, text.as_str()) == Delivered::SessionRevoked {
                            tracing::warn!("the server revoked the WebSocket API session (its API key is no longer valid); the next call reconnects");
                            revoked.store(true, Ordering::Relaxed);
                        }
                    }
                    Some(Ok(Message::Close(close))) => {
                        let why = close.map(|c| format!("code {}, {:?}", c.code, c.reason.as_str())).unwrap_or_default();
                        break format!("the server closed the connection ({why})");
                    }
                    Some(Ok(_)) => {} // ping (answered by tungstenite), pong, binary
                    Some(Err(e)) => break format!("the connection failed: {e}"),
                    None => break "the connection was closed".to_string(),
                }
            },
            _ = tokio::time::sleep_until(check_at) => {
                // Callers that timed out dropped their receivers: forget them.
                pending.retain(|_, reply| !reply.is_closed());
                if pinged {
                    break format!("the server sent nothing for {:?} (not even a pong): the connection is dead", keepalive * 2);
                }
                if let Err(e) = sink.send(Message::Ping(Default::default())).await {
                    break format!("sending a ping failed: {e}");
                }
                pinged = true;
            },
        }
    };
    // Closed first, so a caller woken below already sees this connection as unusable and the
    // next call reconnects; requests queued but not yet written fail at once (their reply
    // senders are dropped with the queue).
    requests.close();
    tracing::warn!(pending = pending.len(), %reason, "WebSocket API connection lost; failing its pending requests");
    for (_, reply) in pending.drain() {
        let _ = reply.send(Err(reason.clone()));
    }
}

/// What became of a frame.
#[derive(Debug, PartialEq, Eq)]
enum Delivered {
    /// Handed to its caller, or dropped (no caller waits for its id).
    Done,
    /// `{"id": null, "status": 401, …}`: the server revoked the session, whose API key became
    /// invalid (Binance's "API key revocation"); it answers no request.
    SessionRevoked,
}

/// Hands a response frame to the caller waiting for its `id`. Frames without a known id (a
/// caller that gave up, or an unsolicited event) are dropped.
fn deliver(pending: &mut HashMap<u64, oneshot::Sender<Answer>>, text: &str) -> Delivered {
    #[derive(serde::Deserialize)]
    struct Head {
        #[serde(default)]
        id: serde_json::Value,
        #[serde(default)]
        status: Option<u16>,
    }
    let Ok(head) = serde_json::from_str::<Head>(text) else {
        tracing::debug!(bytes = text.len(), "WebSocket API frame that is not a response; dropped");
        return Delivered::Done;
    };
    let id = match head.id {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.parse().ok(),
        serde_json::Value::Null if head.status == Some(401) => return Delivered::SessionRevoked,
        _ => None,
    };
    match id.and_then(|id| pending.remove(&id)) {
        Some(reply) => {
            let _ = reply.send(Ok(text.to_string()));
        }
        None => tracing::debug!(bytes = text.len(), "WebSocket API frame with no waiting caller; dropped"),
    }
    Delivered::Done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_reach_the_caller_of_their_id_in_any_order() {
        let mut pending = HashMap::new();
        let mut receivers = Vec::new();
        for id in 1..=3u64 {
            let (tx, rx) = oneshot::channel();
            pending.insert(id, tx);
            receivers.push((id, rx));
        }
        // Reverse order, one id as a string, plus a frame nobody waits for.
        deliver(&mut pending, r#"{"id":3,"status":200,"result":"three"}"#);
        deliver(&mut pending, r#"{"id":"2","status":200,"result":"two"}"#);
        deliver(&mut pending, r#"{"id":99,"status":200}"#);
        deliver(&mut pending, r#"{"id":1,"status":200,"result":"one"}"#);
        assert!(pending.is_empty());
        let revoked = r#"{"id":null,"status":401,"error":{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}}"#;
        assert_eq!(deliver(&mut pending, revoked), Delivered::SessionRevoked);
        assert_eq!(deliver(&mut pending, r#"{"id":null,"status":400}"#), Delivered::Done);
        for (id, mut rx) in receivers {
            let frame = rx.try_recv().unwrap().unwrap();
            let value: serde_json::Value = serde_json::from_str(&frame).unwrap();
            let expected = ["one", "two", "three"][usize::try_from(id).unwrap() - 1];
            assert_eq!(value["result"], expected, "caller {id} got {frame}");
        }
    }
}
