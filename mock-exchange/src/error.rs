//! The one error type of the mock's API.

use std::io;
use std::path::PathBuf;

/// Why the mock exchange could not be configured, started or stopped.
#[derive(Debug, thiserror::Error)]
pub enum MockError {
    /// Neither a spec directory nor products were given.
    #[error(
        "no spec to serve: call `spec_dir(...)` (e.g. `binance_client::SPEC_DIR`) or `products(...)` on the builder"
    )]
    NoSpec,
    /// The spec failed to load or validate.
    #[error("cannot serve the spec in {}; fix these problems:\n{diagnostics}", .dir.display())]
    Spec {
        /// The spec directory that was read.
        dir: PathBuf,
        /// Every problem found.
        diagnostics: binance_spec::Diagnostics,
    },
    /// A configured key could not be used. The message never contains key material.
    #[error("API key `{api_key}`: {reason}")]
    InvalidKey {
        /// The API key (public identifier) whose key material was rejected.
        api_key: String,
        /// What is wrong and what to pass instead.
        reason: String,
    },
    /// An extra route or a test control named something the mock does not have.
    #[error("route {method} {path}: {reason}")]
    InvalidRoute {
        /// HTTP method.
        method: String,
        /// Path.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// Binding the listening socket failed.
    #[error("cannot listen on 127.0.0.1:{port}: {source} (is the port in use? pass port 0 for a free one)")]
    Bind {
        /// The requested port (0 = any free port).
        port: u16,
        /// The operating system's error.
        source: io::Error,
    },
    /// The server task ended with an error or panicked.
    #[error("the mock exchange server failed: {0}")]
    Server(String),
}
