//! The stream client's time-driven behaviour under Tokio's paused clock: renewal before the
//! 24 h limit, reconnect backoff, SUBSCRIBE pacing, the confirmation timeout, the read timeout,
//! and pongs. Connections are in-memory ([`Memory`]), so the clock only moves when every task
//! waits on a timer and a test of 24 hours runs in milliseconds.

use super::*;
use std::sync::{Arc, Mutex};
use tokio::io::DuplexStream;
use tokio_tungstenite::tungstenite::protocol::Role;

type ServerWs = WebSocketStream<DuplexStream>;

/// A stream named by the test whose events are plain numbers.
struct Numbers(&'static str);

impl StreamDescriptor for Numbers {
    type Event = u32;
    const PATTERN: &'static str = "<name>";
    fn name(&self) -> String {
        self.0.to_string()
    }
    fn decode(json: &str) -> Result<u32, super::super::DecodeError> {
        super::super::decode_json(json)
    }
}

/// The in-memory server's side of [`Connector`]: records when each attempt came, refuses as
/// many as the test asks, and hands the server end of every accepted connection to the test.
struct Memory {
    attempts: Arc<Mutex<Vec<Instant>>>,
    refuse: Arc<Mutex<usize>>,
    accepted: mpsc::UnboundedSender<ServerWs>,
}

impl Connector for Memory {
    type Io = DuplexStream;
    async fn connect(&mut self) -> Option<WebSocketStream<DuplexStream>> {
        self.attempts.lock().unwrap().push(Instant::now());
        {
            let mut refuse = self.refuse.lock().unwrap();
            if *refuse > 0 {
                *refuse -= 1;
                return None;
            }
        }
        let (client, server) = tokio::io::duplex(1 << 16);
        self.accepted.send(WebSocketStream::from_raw_socket(server, Role::Server, None).await).ok()?;
        Some(WebSocketStream::from_raw_socket(client, Role::Client, None).await)
    }
}

/// The test's view of the in-memory server.
struct Server {
    attempts: Arc<Mutex<Vec<Instant>>>,
    refuse: Arc<Mutex<usize>>,
    accepted: mpsc::UnboundedReceiver<ServerWs>,
}

impl Server {
    /// The next connection the client opens.
    async fn accept(&mut self) -> ServerWs {
        self.accepted.recv().await.expect("the client task is running")
    }

    /// When each connection attempt came.
    fn attempts(&self) -> Vec<Instant> {
        self.attempts.lock().unwrap().clone()
    }
}

fn start(config: StreamConfig, refuse: usize) -> (StreamClient, Server) {
    let attempts = Arc::new(Mutex::new(Vec::new()));
    let refuse = Arc::new(Mutex::new(refuse));
    let (tx, accepted) = mpsc::unbounded_channel();
    let memory = Memory { attempts: attempts.clone(), refuse: refuse.clone(), accepted: tx };
    let client = StreamClient::with_connector(config, memory);
    (client, Server { attempts, refuse, accepted })
}

fn config() -> StreamConfig {
    StreamConfig::new("ws://in-memory")
}

/// A control message as the server reads it.
#[derive(Debug)]
struct Control {
    method: String,
    params: Vec<String>,
    id: u64,
    at: Instant,
}

/// The next control message (pongs skipped); `None` once the client closed the connection.
async fn read_control(ws: &mut ServerWs) -> Option<Control> {
    loop {
        match ws.next().await? {
            Ok(Message::Text(text)) => {
                let v: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
                let params = v["params"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
                let method = v["method"].as_str().unwrap().to_string();
                return Some(Control { method, params, id: v["id"].as_u64().unwrap(), at: Instant::now() });
            }
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// Reads the next control message and confirms it as Binance does.
async fn confirm(ws: &mut ServerWs) -> Control {
    let control = read_control(ws).await.expect("a control message");
    ws.send(Message::Text(format!(r#"{{"result":null,"id":{}}}"#, control.id).into())).await.unwrap();
    control
}

/// Subscribes to `name` while the server confirms it.
async fn subscribe(client: &StreamClient, ws: &mut ServerWs, name: &'static str) -> Subscription<u32> {
    let stream = Numbers(name);
    let (subscription, control) = tokio::join!(client.subscribe(&stream), confirm(ws));
    assert_eq!((control.method.as_str(), control.params.as_slice()), ("SUBSCRIBE", [name.to_string()].as_slice()));
    subscription.unwrap()
}

async fn publish(ws: &mut ServerWs, name: &str, n: u32) {
    ws.send(Message::Text(format!(r#"{{"stream":"{name}","data":{n}}}"#).into())).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn the_connection_is_renewed_at_renew_after_and_resubscribed_at_once() {
    let renew = Duration::from_secs(23 * 3600 + 30 * 60);
    let (client, mut server) = start(config().renew_after(renew).read_timeout(Duration::from_secs(48 * 3600)), 0);
    let mut first = server.accept().await;
    let mut trades = subscribe(&client, &mut first, "a").await;
    publish(&mut first, "a", 1).await;
    assert_eq!(trades.next().await, Some(Ok(1)));

    let mut second = server.accept().await;
    let [opened, renewed] = server.attempts()[..] else { panic!("{:?}", server.attempts()) };
    // Renewed after exactly `renew_after` (the timer's millisecond granularity aside), with no
    // backoff delay: renewal is not a failure.
    assert!(renewed - opened >= renew && renewed - opened < renew + Duration::from_millis(2), "{:?}", renewed - opened);
    assert!(read_control(&mut first).await.is_none(), "the old connection is closed");
    let again = confirm(&mut second).await;
    assert_eq!((again.method.as_str(), again.params.as_slice()), ("SUBSCRIBE", ["a".to_string()].as_slice()));
    // The consumer is told events may be missing, then the stream goes on.
    assert_eq!(trades.next().await, Some(Err(StreamError::Reconnected)));
    publish(&mut second, "a", 2).await;
    assert_eq!(trades.next().await, Some(Ok(2)));
}

#[tokio::test(start_paused = true)]
async fn reconnect_delays_grow_to_the_cap_and_restart_only_after_a_lasting_connection() {
    let backoff = Backoff::new(Duration::from_millis(100), Duration::from_millis(400));
    let (_client, mut server) = start(config().backoff(backoff), 4);
    let ms = |d: Duration| d.as_millis();
    let gaps = |t: &[Instant]| t.windows(2).map(|w| ms(w[1] - w[0])).collect::<Vec<_>>();

    // Four refused attempts: the delays double and stop at the cap.
    let lasting = server.accept().await;
    assert_eq!(gaps(&server.attempts()), [100, 200, 400, 400]);

    // A connection that lasted at least the cap worked: the next delay is the first again.
    tokio::time::sleep(Duration::from_secs(1)).await;
    drop(lasting);
    let dropped = Instant::now();
    let mut flapping = server.accept().await;
    assert_eq!(ms(server.attempts()[5] - dropped), 100);

    // A server that accepts and drops at once is retried at growing delays, never faster.
    for expected in [200, 400, 400] {
        drop(flapping);
        let dropped = Instant::now();
        flapping = server.accept().await;
        assert_eq!(ms(*server.attempts().last().unwrap() - dropped), expected);
    }
    assert_eq!(*server.refuse.lock().unwrap(), 0);
}

#[tokio::test(start_paused = true)]
async fn control_messages_are_paced_under_binance_s_limit() {
    // Binance: at most 10 incoming messages per second per connection.
    let (client, mut server) = start(config().messages_per_second(10), 0);
    let mut ws = server.accept().await;
    let names: Vec<&'static str> = (0..25).map(|i| &*format!("s{i}").leak()).collect();
    let mut controls = Vec::new();
    let mut subscriptions = Vec::new();
    // One at a time, each confirmed before the next: every SUBSCRIBE is its own message.
    for name in &names {
        let stream = Numbers(name);
        let (subscription, control) = tokio::join!(client.subscribe(&stream), confirm(&mut ws));
        subscriptions.push(subscription.unwrap());
        controls.push(control);
    }
    assert_eq!(controls.len(), 25);
    for window in controls.windows(11) {
        let span = window[10].at - window[0].at;
        assert!(span >= Duration::from_secs(1), "11 messages within {span:?}");
    }
    // A burst queued at once goes out in one message.
    let burst = async {
        let (x, y, z) = (Numbers("x"), Numbers("y"), Numbers("z"));
        let (a, b, c) = tokio::join!(client.subscribe(&x), client.subscribe(&y), client.subscribe(&z));
        [a, b, c].map(|s| s.unwrap())
    };
    let (_subs, control) = tokio::join!(burst, confirm(&mut ws));
    assert_eq!(control.params, ["x", "y", "z"]);
}

#[tokio::test(start_paused = true)]
async fn an_unconfirmed_subscription_times_out_after_confirm_timeout() {
    let (client, mut server) = start(config().confirm_timeout(Duration::from_secs(3)), 0);
    let mut ws = server.accept().await;
    let started = Instant::now();
    let stream = Numbers("a");
    let (outcome, control) = tokio::join!(client.subscribe(&stream), read_control(&mut ws));
    assert_eq!(outcome.unwrap_err(), StreamError::Timeout(Duration::from_secs(3)));
    assert_eq!(started.elapsed(), Duration::from_secs(3));
    assert_eq!(control.unwrap().method, "SUBSCRIBE");
    // The abandoned stream is unsubscribed, and a new subscription works.
    assert_eq!(read_control(&mut ws).await.unwrap().method, "UNSUBSCRIBE");
    let mut again = subscribe(&client, &mut ws, "a").await;
    publish(&mut ws, "a", 7).await;
    assert_eq!(again.next().await, Some(Ok(7)));
}

#[tokio::test(start_paused = true)]
async fn server_pings_are_answered_with_their_payload_while_events_flow() {
    let (client, mut server) = start(config(), 0);
    let mut ws = server.accept().await;
    let mut numbers = subscribe(&client, &mut ws, "a").await;
    for n in 0..3u32 {
        let payload = format!("ping-{n}").into_bytes();
        ws.send(Message::Ping(payload.clone().into())).await.unwrap();
        publish(&mut ws, "a", n).await;
        assert_eq!(numbers.next().await, Some(Ok(n)));
        match ws.next().await {
            Some(Ok(Message::Pong(pong))) => assert_eq!(pong.as_ref(), payload.as_slice()),
            other => panic!("expected a pong, got {other:?}"),
        }
        tokio::time::sleep(Duration::from_secs(180)).await;
    }
    assert_eq!(server.attempts().len(), 1, "pings keep the connection");
}

#[tokio::test(start_paused = true)]
async fn a_silent_connection_is_replaced_after_read_timeout() {
    let read_timeout = Duration::from_secs(5 * 60);
    let (client, mut server) = start(config().backoff(Backoff::default()), 0);
    let mut first = server.accept().await;
    let mut numbers = subscribe(&client, &mut first, "a").await;
    let last_frame = Instant::now();
    let mut second = server.accept().await;
    // Nothing came after the confirmation: dead after `read_timeout`, then the first delay.
    let replaced = server.attempts()[1] - last_frame;
    assert!(replaced >= read_timeout + Duration::from_millis(250), "{replaced:?}");
    assert!(replaced < read_timeout + Duration::from_millis(260), "{replaced:?}");
    confirm(&mut second).await;
    assert_eq!(numbers.next().await, Some(Err(StreamError::Reconnected)));

    // A quiet stream whose server pings every 3 minutes (Binance's interval) stays connected.
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_secs(180)).await;
        second.send(Message::Ping(b"keepalive".to_vec().into())).await.unwrap();
    }
    assert_eq!(server.attempts().len(), 2, "a pinged connection is alive");
    publish(&mut second, "a", 5).await;
    assert_eq!(numbers.next().await, Some(Ok(5)));
}

/// Subscribes to `name` while the server answers the SUBSCRIBE with `reply` (`{id}` is replaced
/// by the request's id).
async fn subscribe_answered(
    client: &StreamClient,
    ws: &mut ServerWs,
    name: &'static str,
    reply: &str,
) -> Result<Subscription<u32>, StreamError> {
    let answer = async {
        let control = read_control(ws).await.expect("a SUBSCRIBE");
        ws.send(Message::Text(reply.replace("{id}", &control.id.to_string()).into())).await.unwrap();
    };
    let stream = Numbers(name);
    let (outcome, ()) = tokio::join!(client.subscribe(&stream), answer);
    outcome
}

#[tokio::test(start_paused = true)]
async fn a_refusal_in_either_documented_shape_is_a_rejection_not_a_confirmation() {
    let (client, mut server) = start(config(), 0);
    let mut ws = server.accept().await;
    // The Live-Subscribing page's error table shows refusals as `{"code": …, "msg": …}`;
    // servers have also been seen to nest them in `"error"`.
    for (name, reply) in [
        ("flat", r#"{"code":2,"msg":"Invalid request: invalid stream","id":{id}}"#),
        ("nested", r#"{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":{id}}"#),
    ] {
        let outcome = subscribe_answered(&client, &mut ws, name, reply).await;
        assert!(
            matches!(&outcome, Err(StreamError::Rejected(m)) if m.contains("invalid stream")),
            "{name}: {outcome:?}"
        );
    }
    // A confirmation is `"result": null`.
    assert!(subscribe_answered(&client, &mut ws, "good", r#"{"result":null,"id":{id}}"#).await.is_ok());
}

#[tokio::test(start_paused = true)]
async fn a_refused_resubscription_tells_the_subscription_why_before_it_ends() {
    let (client, mut server) = start(config(), 0);
    let mut first = server.accept().await;
    let mut key = subscribe(&client, &mut first, "listenkey").await;
    // The connection drops; on the next one the server refuses the stream (a listen key
    // closed or expired meanwhile: the mock refuses a SUBSCRIBE to a key that is not live).
    drop(first);
    let mut second = server.accept().await;
    let control = read_control(&mut second).await.expect("the re-SUBSCRIBE");
    let refusal = format!(r#"{{"error":{{"code":2,"msg":"Invalid request: invalid stream"}},"id":{}}}"#, control.id);
    second.send(Message::Text(refusal.into())).await.unwrap();
    assert_eq!(key.next().await, Some(Err(StreamError::Reconnected)));
    assert!(matches!(key.next().await, Some(Err(StreamError::Rejected(m))) if m.contains("invalid stream")));
    assert_eq!(key.next().await, None);
}

/// Answers control messages as Binance does, one reply per request: a SUBSCRIBE that names
/// `bad` is refused whole (the reply cannot say which name was wrong), any other is confirmed
/// and then gets the number 1 on each of its streams. Returns each SUBSCRIBE's names.
async fn refusing_server(mut ws: ServerWs, bad: &'static str) -> Vec<Vec<String>> {
    let mut subscribes = Vec::new();
    while let Some(control) = read_control(&mut ws).await {
        let subscribe = control.method == "SUBSCRIBE";
        let refused = subscribe && control.params.iter().any(|p| p == bad);
        let reply = if refused {
            format!(r#"{{"error":{{"code":2,"msg":"Invalid request: invalid stream"}},"id":{}}}"#, control.id)
        } else {
            format!(r#"{{"result":null,"id":{}}}"#, control.id)
        };
        let _ = ws.send(Message::Text(reply.into())).await;
        if subscribe && !refused {
            for name in &control.params {
                let _ = ws.send(Message::Text(format!(r#"{{"stream":"{name}","data":1}}"#).into())).await;
            }
        }
        if subscribe {
            subscribes.push(control.params);
        }
    }
    subscribes
}

#[tokio::test(start_paused = true)]
async fn a_good_stream_batched_with_a_refused_one_is_not_rejected_with_it() {
    let (client, mut server) = start(config(), 0);
    let mut ws = server.accept().await;
    // One confirmed SUBSCRIBE first: the next ones wait for the pacing and go out together.
    let _warm = subscribe(&client, &mut ws, "warm").await;
    let served = tokio::spawn(refusing_server(ws, "bad"));
    let (good, bad) = (Numbers("good"), Numbers("bad"));
    let (good, bad) = tokio::join!(client.subscribe(&good), client.subscribe(&bad));
    assert!(matches!(bad, Err(StreamError::Rejected(_))), "{bad:?}");
    let mut good = good.expect("a good stream is not refused for its neighbour");
    assert_eq!(good.next().await, Some(Ok(1)));
    drop((client, good));
    let subscribes = served.await.unwrap();
    assert_eq!(subscribes.first().map(Vec::len), Some(2), "the two went out in one message: {subscribes:?}");
}

#[tokio::test(start_paused = true)]
async fn one_refused_stream_on_resubscription_does_not_end_the_others() {
    let (client, mut server) = start(config(), 0);
    let mut first = server.accept().await;
    let mut good = subscribe(&client, &mut first, "good").await;
    let mut key = subscribe(&client, &mut first, "key").await;
    drop(first);
    // Every stream is subscribed again in one message, which the server refuses for `key`.
    let served = tokio::spawn(refusing_server(server.accept().await, "key"));
    assert_eq!(good.next().await, Some(Err(StreamError::Reconnected)));
    assert_eq!(good.next().await, Some(Ok(1)), "the good stream goes on");
    assert_eq!(key.next().await, Some(Err(StreamError::Reconnected)));
    assert!(matches!(key.next().await, Some(Err(StreamError::Rejected(_)))));
    assert_eq!(key.next().await, None);
    drop((client, good, key));
    let subscribes = served.await.unwrap();
    assert_eq!(subscribes.first().map(Vec::len), Some(2), "{subscribes:?}");
}

#[tokio::test(start_paused = true)]
async fn streams_are_subscribed_again_in_messages_of_the_same_size_as_new_ones() {
    let (client, mut server) = start(config(), 0);
    let mut first = server.accept().await;
    let _warm = subscribe(&client, &mut first, "warm").await;
    // 449 more subscribed at once: queued while the pacing holds them, sent in batches.
    let names: Vec<&'static str> = (0..449).map(|i| &*format!("s{i}").leak()).collect();
    let streams: Vec<Numbers> = names.iter().map(|n| Numbers(n)).collect();
    let confirming = async {
        let mut sizes = Vec::new();
        while sizes.iter().sum::<usize>() < names.len() {
            sizes.push(confirm(&mut first).await.params.len());
        }
        (sizes, first)
    };
    let (subscriptions, (sizes, first)) =
        tokio::join!(futures_util::future::join_all(streams.iter().map(|s| client.subscribe(s))), confirming);
    assert!(subscriptions.iter().all(Result::is_ok));
    assert!(sizes.iter().all(|n| *n <= NAMES_PER_MESSAGE), "{sizes:?}");
    // After a reconnect, the same 450 streams in messages of at most as many names.
    drop(first);
    let mut second = server.accept().await;
    let mut again = Vec::new();
    while again.iter().sum::<usize>() < 450 {
        again.push(confirm(&mut second).await.params.len());
    }
    assert_eq!(again, [NAMES_PER_MESSAGE, NAMES_PER_MESSAGE, 450 - 2 * NAMES_PER_MESSAGE]);
}

/// Binance counts every message it receives on a connection, pongs included, against 10 per
/// second. With the default pacing, control messages sent back to back and the pongs to the
/// server's pings never make 11 frames within one second.
#[tokio::test(start_paused = true)]
async fn by_default_control_messages_leave_room_for_pongs_under_binance_s_limit() {
    let (client, mut server) = start(config(), 0);
    let mut ws = server.accept().await;
    let mut received = Vec::new();
    let mut subscriptions = Vec::new();
    for i in 0..20 {
        let stream = Numbers(format!("p{i}").leak());
        let serve = async {
            if i % 4 == 3 {
                ws.send(Message::Ping(Vec::new().into())).await.unwrap();
            }
            loop {
                match ws.next().await {
                    Some(Ok(Message::Pong(_))) => received.push(Instant::now()),
                    Some(Ok(Message::Text(text))) => {
                        received.push(Instant::now());
                        let id = serde_json::from_str::<serde_json::Value>(text.as_str()).unwrap()["id"].clone();
                        ws.send(Message::Text(format!(r#"{{"result":null,"id":{id}}}"#).into())).await.unwrap();
                        break;
                    }
                    other => panic!("unexpected frame {other:?}"),
                }
            }
        };
        let (subscription, ()) = tokio::join!(client.subscribe(&stream), serve);
        subscriptions.push(subscription.unwrap());
    }
    assert_eq!(received.len(), 25, "20 SUBSCRIBEs and 5 pongs");
    for window in received.windows(11) {
        let span = window[10] - window[0];
        assert!(span > Duration::from_secs(1), "11 frames within {span:?}");
    }
}
