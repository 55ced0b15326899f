//! A real `redis-server` for the shared-budget tests: started on a free loopback port in a
//! temporary directory, without persistence, and killed (and its directory removed) on drop.
//!
//! The tests need the binary (Debian: `apt-get install -y redis-server`; `.ci/run` installs
//! it). Without it they fail with a message saying so: they never pass without a server.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `redis-server`, killed on drop.
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a loopback port");
    listener.local_addr().expect("a bound socket has an address").port()
}

impl RedisServer {
    /// Starts a server on a free port and waits until it answers `PING`.
    pub fn start() -> RedisServer {
        RedisServer::start_on(free_port())
    }

    /// Starts a server on `port` and waits until it answers `PING`.
    pub fn start_on(port: u16) -> RedisServer {
        let dir = std::env::temp_dir().join(format!("binance-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("creating the Redis temp dir");
        let mut server = RedisServer { child: None, port, dir };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let port = self.port.to_string();
        let child = Command::new("redis-server")
            .args(["--port", &port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(["--protected-mode", "no", "--enable-debug-command", "yes", "--loglevel", "warning"])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match child {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
                "redis-server is not installed, and the shared-budget tests need a real one: \
                 install it with `apt-get install -y redis-server` (Debian/Ubuntu; `.ci/run` does this) \
                 or put a redis-server binary on PATH"
            ),
            Err(e) => panic!("cannot start redis-server: {e}"),
        };
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.command(&["PING"]).is_ok_and(|r| r.starts_with("+PONG")) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server on port {} did not answer PING within 10 s", self.port);
    }

    /// `redis://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// The server's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills the server (its data is gone: no persistence).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, empty.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    /// Sends one command and returns the first line of the raw reply (`+OK`, `:3`, `$2`…), or
    /// for a bulk string its value.
    pub fn command(&self, args: &[&str]) -> std::io::Result<String> {
        let mut stream = self.send(args)?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        let mut reply = Vec::new();
        let mut byte = [0u8; 1];
        while !reply.ends_with(b"\r\n") {
            if stream.read(&mut byte)? == 0 {
                break;
            }
            reply.push(byte[0]);
        }
        let line = String::from_utf8_lossy(&reply).trim_end().to_string();
        if let Some(len) = line.strip_prefix('$').and_then(|n| n.parse::<usize>().ok()) {
            let mut value = vec![0u8; len + 2];
            stream.read_exact(&mut value)?;
            value.truncate(len);
            return Ok(String::from_utf8_lossy(&value).into_owned());
        }
        Ok(line)
    }

    /// Sends one command without reading the reply (for `DEBUG SLEEP`, which blocks the server).
    pub fn send(&self, args: &[&str]) -> std::io::Result<TcpStream> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        let mut request = format!("*{}\r\n", args.len());
        for arg in args {
            request.push_str(&format!("${}\r\n{arg}\r\n", arg.len()));
        }
        stream.write_all(request.as_bytes())?;
        Ok(stream)
    }

    /// Every key whose name matches `pattern` (`KEYS`, for tests only).
    pub fn keys(&self, pattern: &str) -> Vec<String> {
        let mut stream = self.send(&["KEYS", pattern]).expect("KEYS");
        stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
        let mut text = String::new();
        let mut buf = [0u8; 4096];
        // Small replies in tests: read until the array is complete.
        loop {
            let n = stream.read(&mut buf).expect("reading KEYS");
            text.push_str(&String::from_utf8_lossy(&buf[..n]));
            let lines: Vec<&str> = text.split("\r\n").collect();
            let count: usize =
                lines.first().and_then(|l| l.strip_prefix('*')).and_then(|n| n.parse().ok()).unwrap_or(0);
            if n == 0 || lines.len() > count * 2 + 1 {
                return lines.iter().skip(2).step_by(2).take(count).map(|s| s.to_string()).collect();
            }
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
