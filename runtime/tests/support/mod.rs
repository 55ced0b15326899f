//! A throwaway HTTP/1.1 server on 127.0.0.1 for the runtime's own tests: it records every
//! request and answers each with what the test's handler says. One request per connection
//! (`Connection: close`), which is all a test needs.

#![allow(dead_code)] // each test file uses a different part

pub mod api;
#[cfg(feature = "ws")]
pub mod ws;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: String,
    pub api_key: Option<String>,
    pub at: Instant,
}

impl Seen {
    /// The value of query parameter `name`, still percent-encoded.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.split('&').find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
    }
}

/// What the server does with a request.
pub enum Reply {
    /// A complete answer.
    Answer { status: u16, headers: Vec<(&'static str, String)>, body: String },
    /// Closes the connection without answering (a lost response).
    Hangup,
    /// Never answers (until the client gives up).
    Stall,
    /// Announces `declared` body bytes, sends `body`, then closes (a truncated body).
    Truncated { declared: usize, body: String },
    /// A complete answer whose body is raw bytes (not necessarily UTF-8).
    Bytes { status: u16, body: Vec<u8> },
    /// A 200 with a chunked body that never ends (until the client hangs up).
    Endless,
    /// Announces `declared` body bytes, sends `sent` of them, then waits (a huge body).
    Huge { declared: u64, sent: usize },
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::Answer { status, headers: Vec::new(), body: body.to_string() }
    }
    pub fn with_header(mut self, name: &'static str, value: impl ToString) -> Reply {
        if let Reply::Answer { headers, .. } = &mut self {
            headers.push((name, value.to_string()));
        }
        self
    }
}

type Handler = dyn Fn(&Seen, &[Seen]) -> Reply + Send + Sync;

/// The running server; stops when dropped.
pub struct Server {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    /// Starts a server; `handler` gets the request and every earlier request.
    pub async fn start(handler: impl Fn(&Seen, &[Seen]) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let task = {
            let seen = seen.clone();
            tokio::spawn(async move {
                loop {
                    let Ok((stream, _)) = listener.accept().await else { return };
                    let (seen, handler) = (seen.clone(), handler.clone());
                    tokio::spawn(async move {
                        let _ = serve(stream, &seen, &*handler).await;
                    });
                }
            })
        };
        Server { url, seen, task }
    }

    /// Every request received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn serve(mut stream: tokio::net::TcpStream, seen: &Mutex<Vec<Seen>>, handler: &Handler) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await?;
        if n == 0 || buf.len() > 64 * 1024 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let target = first.next().unwrap_or_default();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let api_key = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("x-mbx-apikey"))
        .map(|(_, v)| v.trim().to_string());
    let request = Seen { method, path: path.to_string(), query: query.to_string(), api_key, at: Instant::now() };
    let reply = {
        let mut seen = seen.lock().unwrap();
        let reply = handler(&request, &seen);
        seen.push(request);
        reply
    };
    match reply {
        Reply::Answer { status, headers, body } => {
            let mut out = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
            out.push_str("\r\n");
            out.push_str(&body);
            stream.write_all(out.as_bytes()).await?;
            stream.shutdown().await?;
        }
        Reply::Bytes { status, body } => {
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.shutdown().await?;
        }
        Reply::Endless => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                .await?;
            let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
            chunk.extend(std::iter::repeat_n(b' ', 64 * 1024));
            chunk.extend_from_slice(b"\r\n");
            // Ends when the client closes the connection (the write fails).
            loop {
                stream.write_all(&chunk).await?;
            }
        }
        Reply::Huge { declared, sent } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\nConnection: close\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&vec![b'['; sent]).await?;
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        Reply::Hangup => {}
        Reply::Stall => tokio::time::sleep(Duration::from_secs(30)).await,
        Reply::Truncated { declared, body } => {
            let out = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\nConnection: close\r\n\r\n{body}"
            );
            stream.write_all(out.as_bytes()).await?;
            stream.shutdown().await?;
        }
    }
    Ok(())
}
