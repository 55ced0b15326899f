//! The accept loop and one task per connection: read request frames, answer them (delayed,
//! reordered or faulted as the controls say), and drop or freeze on command.

use super::methods::{self, Session};
use super::state::{Signal, WsShared, HANDSHAKE_WEIGHT};
use futures_util::{SinkExt as _, StreamExt as _};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// Accepts connections until the task is aborted.
pub(crate) async fn accept_loop(listener: TcpListener, shared: Arc<WsShared>) {
    loop {
        match listener.accept().await {
            Ok((stream, _peer)) => {
                tokio::spawn(serve(stream, Arc::clone(&shared)));
            }
            // A failed accept (e.g. out of file descriptors) must not end the mock; nor spin.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

async fn serve(stream: TcpStream, shared: Arc<WsShared>) {
    let _ = stream.set_nodelay(true);
    let Ok(socket) = tokio_tungstenite::accept_async(stream).await else { return };
    let mut signal = shared.signal.subscribe();
    let (generation, mut pinged) = {
        let now = signal.borrow();
        (now.drop_generation, now.ping_generation)
    };
    let mut session = Session::default();
    {
        let mut stats = shared.stats();
        stats.connections += 1;
        session.index = stats.connection_weights.len();
        stats.connection_weights.push(0);
    }
    // The handshake costs weight like a request; an over-limit handshake is still accepted here.
    let _ = shared.weight().charge(HANDSHAKE_WEIGHT);
    if let Some(w) = shared.stats().connection_weights.get_mut(session.index) {
        *w = w.saturating_add(HANDSHAKE_WEIGHT);
    }
    let (mut sink, mut frames) = socket.split();
    let (answers, mut outbox) = mpsc::unbounded_channel::<String>();
    let mut batch: Vec<String> = Vec::new();
    loop {
        let Signal { drop_generation, frozen, ping_generation } = *signal.borrow();
        if drop_generation != generation {
            return; // dropped without a close frame, like a network failure
        }
        if ping_generation != pinged && !frozen {
            pinged = ping_generation;
            if sink.send(Message::Ping(b"mock".to_vec().into())).await.is_err() {
                return;
            }
        }
        tokio::select! {
            changed = signal.changed() => if changed.is_err() { return },
            answer = outbox.recv(), if !frozen => match answer {
                Some(text) => if sink.send(Message::text(text)).await.is_err() { return },
                None => return,
            },
            frame = frames.next(), if !frozen => match frame {
                Some(Ok(Message::Text(text))) => {
                    let reply = methods::answer(&shared, &mut session, text.as_str()).to_string();
                    dispatch(&shared, &answers, &mut batch, reply);
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                Some(Ok(Message::Pong(_))) => shared.stats().pongs += 1,
                Some(Ok(_)) => {} // pings are answered by tungstenite on the next read or write
            },
        }
    }
}

/// Sends an answer now, later (delay), or as part of a reversed batch.
fn dispatch(shared: &WsShared, answers: &mpsc::UnboundedSender<String>, batch: &mut Vec<String>, reply: String) {
    let (delay, reverse_batch) = {
        let controls = shared.controls();
        (controls.delay, controls.reverse_batch)
    };
    let ready: Vec<String> = if reverse_batch > 1 {
        batch.push(reply);
        if batch.len() < reverse_batch {
            return;
        }
        batch.drain(..).rev().collect()
    } else {
        vec![reply]
    };
    match delay {
        None => {
            for text in ready {
                let _ = answers.send(text);
            }
        }
        Some(delay) => {
            let answers = answers.clone();
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                for text in ready {
                    let _ = answers.send(text);
                }
            });
        }
    }
}
