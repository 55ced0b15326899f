//! The accept loop and one task per connection: read request frames, answer them (delayed,
//! reordered or faulted as the controls say), and drop or freeze on command.

use super::methods::{self, Session};
use super::state::{Signal, HANDSHAKE_WEIGHT};
use crate::endpoints::EndpointRoute;
use crate::log::RequestRecord;
use crate::shared::Shared;
use crate::weights::WeightKind;
use futures_util::{SinkExt as _, StreamExt as _};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http;
use tokio_tungstenite::tungstenite::Message;

/// Accepts connections until the task is aborted.
pub(crate) async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    accept_each(listener, |stream| serve(stream, Arc::clone(&shared))).await
}

/// Spawns `serve` for every accepted connection until the task is aborted; shared by the mock's
/// WebSocket servers (the WebSocket API and the market/user-data streams).
pub(crate) async fn accept_each<F, Fut>(listener: TcpListener, mut serve: F)
where
    F: FnMut(TcpStream) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    loop {
        match listener.accept().await {
            Ok((stream, _peer)) => {
                tokio::spawn(serve(stream));
            }
            // A failed accept (e.g. out of file descriptors) must not end the mock; nor spin.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

async fn serve(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    // The handshake costs weight in the REST family's budget; one that does not fit is refused
    // with the HTTP status and Binance error body a REST request would get.
    // The callback's signature is tungstenite's (its error is a whole HTTP response).
    #[allow(clippy::result_large_err)]
    let handshake = |request: &Request, response: Response| -> Result<Response, ErrorResponse> {
        let route = EndpointRoute::Rest { method: "GET".into(), path: request.uri().path().to_owned() };
        let mut record = RequestRecord::new(route, Vec::new());
        let (_, charged) = shared.charge_weight(&shared.table.ws_family, WeightKind::Ip, None, HANDSHAKE_WEIGHT);
        let outcome = match charged {
            Ok(()) => {
                record.weight = HANDSHAKE_WEIGHT;
                record.status = 101; // Switching Protocols
                Ok(response)
            }
            Err(rejection) => {
                record.status = rejection.status;
                record.code = Some(rejection.code);
                let body = serde_json::json!({ "code": rejection.code, "msg": rejection.msg }).to_string();
                let mut refusal = ErrorResponse::new(Some(body));
                *refusal.status_mut() =
                    http::StatusCode::from_u16(rejection.status).unwrap_or(http::StatusCode::TOO_MANY_REQUESTS);
                Err(refusal)
            }
        };
        shared.record(record);
        outcome
    };
    let Ok(socket) = tokio_tungstenite::accept_hdr_async(stream, handshake).await else { return };
    let mut signal = shared.ws.signal.subscribe();
    let (generation, mut pinged) = {
        let now = signal.borrow();
        (now.drop_generation, now.ping_generation)
    };
    let mut session = Session::default();
    {
        let mut stats = shared.ws.stats();
        stats.connections += 1;
        session.index = stats.connection_weights.len();
        stats.connection_weights.push(HANDSHAKE_WEIGHT);
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
                Some(Ok(Message::Pong(_))) => shared.ws.stats().pongs += 1,
                Some(Ok(_)) => {} // pings are answered by tungstenite on the next read or write
            },
        }
    }
}

/// Sends an answer now, later (delay), or as part of a reversed batch.
fn dispatch(shared: &Shared, answers: &mpsc::UnboundedSender<String>, batch: &mut Vec<String>, reply: String) {
    let (delay, reverse_batch) = {
        let controls = shared.ws.controls();
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
