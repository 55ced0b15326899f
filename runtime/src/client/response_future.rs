//! [`ResponseFuture`]: what a REST call returns, typed by its response but compiled once.
//!
//! Why not `async fn`: the state machine of an `async fn` (and of anything generic it awaits)
//! is compiled in the crate that awaits it. With one `async fn` per endpoint, every user binary
//! compiled the executor, the retry loop and the decoders of each endpoint it called, again on
//! every rebuild. Here the executor is one boxed future built by non-generic code in this
//! crate, and decoding is a function pointer taken where the endpoint is known (inside the
//! generated client). The caller's crate compiles only [`ResponseFuture::poll`]: one virtual
//! call and one indirect call.

use super::{Call, RestClient, Success};
use crate::Result;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The boxed executor future of one call (attempts, retries, resync).
pub(super) type Run = Pin<Box<dyn Future<Output = Result<Success>> + Send>>;

/// Turns the executor's result (a 2xx answer, or the error) into the call's result: decodes
/// the answer, passes an error through. Taking the whole result keeps the generic
/// [`ResponseFuture::poll`], compiled in each calling crate, down to one indirect call.
pub(super) type Decode<T> = fn(Result<Success>) -> Result<T>;

/// The future of one REST call, resolving to the decoded response. Returned by every generated
/// client method and by [`RestClient::execute`]; await it. It owns what it needs (a handle to
/// the client and the encoded request), so it borrows neither the client nor the request and
/// can be spawned. Like every future, it does nothing until polled.
#[must_use = "a REST call is sent only when its future is awaited"]
pub struct ResponseFuture<T> {
    run: Run,
    decode: Decode<T>,
}

impl<T> ResponseFuture<T> {
    pub(super) fn new(run: Run, decode: Decode<T>) -> Self {
        ResponseFuture { run, decode }
    }
}

impl<T> Future for ResponseFuture<T> {
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        // `ResponseFuture` is `Unpin` (a box and a function pointer), whatever `T` is.
        let this = self.get_mut();
        this.run.as_mut().poll(cx).map(this.decode)
    }
}

impl<T> fmt::Debug for ResponseFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl RestClient {
    /// The executor future of `call` (or of its validation error): one instance for every
    /// endpoint, compiled in this crate.
    #[inline(never)]
    pub(super) fn start(&self, call: Result<Call<'static>>) -> Run {
        match call {
            Ok(call) => {
                let client = self.clone();
                Box::pin(async move { client.run(&call).await })
            }
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }
}
