//! The listening socket: hands axum connections that a handler can reset on purpose, which an
//! axum handler alone cannot do (it can only return responses), and that give hyper's own
//! refusals a Binance error body.
//!
//! hyper answers some requests before any handler sees them, with an empty body: a request
//! line or header it cannot parse (400), a URI over 65 534 bytes (414, a limit hyper does not
//! let a server change) and a request head over its ~400 KiB buffer (431; a 1 MiB query lands
//! here). A client of Binance expects
//! `{"code":…,"msg":…}`, so the stream rewrites exactly those answers, recognised by their
//! status and the absence of a `Content-Type` (every answer of the mock's handler has one),
//! into the same status with a JSON body. What cannot be answered this way: a connection hyper
//! closes without answering (e.g. an HTTP/2 preface, or bytes that end mid-head).

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// A TCP listener whose connections carry a [`ResetSwitch`].
pub(crate) struct ResettableListener(pub(crate) TcpListener);

/// Lets the request handler reset the connection its request came on.
#[derive(Debug, Clone, Default)]
pub(crate) struct ResetSwitch(Arc<AtomicBool>);

impl ResetSwitch {
    /// From now on the connection writes nothing and closes with a TCP reset.
    pub(crate) fn trip(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn tripped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// One accepted connection.
pub(crate) struct ResettableStream {
    inner: TcpStream,
    switch: ResetSwitch,
    /// A rewritten refusal still to be written (its unwritten tail).
    pending: Vec<u8>,
}

impl Listener for ResettableListener {
    type Io = ResettableStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (ResettableStream, SocketAddr) {
        loop {
            match self.0.accept().await {
                Ok((inner, addr)) => {
                    // Answers are small; do not let Nagle delay them.
                    let _ = inner.set_nodelay(true);
                    return (ResettableStream { inner, switch: ResetSwitch::default(), pending: Vec::new() }, addr);
                }
                // Out of file descriptors and the like: wait and retry, as axum's own listener does.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl Connected<IncomingStream<'_, ResettableListener>> for ResetSwitch {
    fn connect_info(stream: IncomingStream<'_, ResettableListener>) -> ResetSwitch {
        stream.io().switch.clone()
    }
}

impl ResettableStream {
    /// Fails every write once tripped, after arranging a reset (not a graceful FIN) on close.
    fn check(&self) -> io::Result<()> {
        if self.switch.tripped() {
            let _ = self.inner.set_zero_linger();
            return Err(io::Error::new(io::ErrorKind::ConnectionReset, "connection reset fault"));
        }
        Ok(())
    }
}

impl ResettableStream {
    /// Writes what is left of a rewritten refusal; `Ready(Ok)` once nothing is left.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.pending.is_empty() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.pending.drain(..n);
        }
        Poll::Ready(Ok(()))
    }

    /// Writes `buf`, or its Binance-style replacement when it is one of hyper's refusals.
    fn write_one(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.check()?;
        ready!(self.drain(cx))?;
        if let Some(replacement) = binance_refusal(buf) {
            self.pending = replacement;
            // The caller's bytes count as written; the replacement goes out now or on flush.
            let _ = self.drain(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
}

/// hyper's own answer to a request it could not read, as Binance would answer it: the same
/// status with a JSON error body. `None` for anything else.
fn binance_refusal(buf: &[u8]) -> Option<Vec<u8>> {
    // Cheap test first: this runs on every write.
    if !buf.starts_with(b"HTTP/1.1 4") {
        return None;
    }
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&buf[..head_end]).ok()?;
    let status_line = head.lines().next()?;
    let status = status_line.strip_prefix("HTTP/1.1 ")?.get(..3)?;
    if head.lines().any(|line| line.to_ascii_lowercase().starts_with("content-type:")) {
        return None;
    }
    let (code, msg) = match status {
        "400" => (-1100, "Illegal characters found in the request line or headers; send a well-formed HTTP/1.1 request."),
        "414" => (-1104, "The request line is longer than 65534 bytes; send fewer parameters, or a POST/PUT form body."),
        "431" => (-1104, "The request line and headers are too large; send fewer parameters (or a POST/PUT form body) and shorter headers."),
        _ => return None,
    };
    let body = format!(r#"{{"code":{code},"msg":"{msg}"}}"#);
    let head = format!(
        "{status_line}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    Some([head.into_bytes(), body.into_bytes()].concat())
}

impl AsyncRead for ResettableStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.write_one(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        ready!(self.drain(cx))?;
        // A refusal's head is the first buffer; answer it alone (a partial vectored write).
        if let Some(first) = bufs.iter().find(|b| !b.is_empty()) {
            if binance_refusal(first).is_some() {
                return self.write_one(cx, first);
            }
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_bare_refusals_are_rewritten() {
        let bare = b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let rewritten = String::from_utf8(binance_refusal(bare).unwrap()).unwrap();
        let (head, body) = rewritten.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 414 URI Too Long\r\ncontent-type: application/json"));
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["code"], -1104);
        // The handler's own 400s carry a JSON content type and pass untouched.
        assert!(binance_refusal(b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n\r\n{}").is_none());
        assert!(binance_refusal(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(binance_refusal(b"{\"partial\":").is_none());
    }
}
