//! Reading a response body with a size cap, checked while the body streams in: a huge or
//! endless body costs at most the cap (plus one network chunk) in memory, never more.

use crate::ErrorBody;

/// A response body as far as it was read.
pub(super) enum BodyRead {
    /// The whole body, within the cap.
    Complete(Vec<u8>),
    /// The body exceeds the cap; reading stopped.
    TooLarge {
        /// The start of the body.
        body: ErrorBody,
        /// Bytes received, or the announced `Content-Length` when that alone exceeds the cap.
        read: u64,
    },
    /// The connection failed (or timed out) mid-body; what arrived is kept.
    Broken {
        /// The bytes that arrived.
        partial: ErrorBody,
        /// What failed.
        error: reqwest::Error,
    },
}

impl BodyRead {
    /// The bytes that arrived (the kept start, for a body over the cap or cut off).
    pub(super) fn bytes(&self) -> &[u8] {
        match self {
            BodyRead::Complete(body) => body,
            BodyRead::TooLarge { body, .. } => body.as_bytes(),
            BodyRead::Broken { partial, .. } => partial.as_bytes(),
        }
    }
}

/// Reads `response`'s body, stopping as soon as it exceeds `cap` bytes.
pub(super) async fn read_capped(response: &mut reqwest::Response, cap: usize) -> BodyRead {
    let declared = response.content_length();
    // Reserve what is announced, within the cap; a lying Content-Length costs nothing extra.
    let reserve = declared.map_or(0, |len| usize::try_from(len).unwrap_or(usize::MAX).min(cap));
    let mut body = Vec::with_capacity(reserve);
    // An announced body over the cap is refused after its first bytes (kept for the error).
    let announced_too_large = declared.filter(|&len| len > cap as u64);
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let read = body.len() as u64 + chunk.len() as u64;
                if let Some(len) = announced_too_large {
                    take_prefix(&mut body, &chunk);
                    if body.len() >= ErrorBody::MAX_KEPT {
                        return too_large(body, len);
                    }
                } else if read > cap as u64 {
                    take_prefix(&mut body, &chunk);
                    return too_large(body, read);
                } else {
                    body.extend_from_slice(&chunk);
                }
            }
            Ok(None) => {
                return match announced_too_large {
                    Some(len) => too_large(body, len),
                    None => BodyRead::Complete(body),
                }
            }
            Err(error) => return BodyRead::Broken { partial: ErrorBody::new(body), error },
        }
    }
}

/// Adds to `body` what `chunk` brings below the kept-prefix size.
fn take_prefix(body: &mut Vec<u8>, chunk: &[u8]) {
    let room = ErrorBody::MAX_KEPT.saturating_sub(body.len());
    body.extend_from_slice(&chunk[..room.min(chunk.len())]);
}

fn too_large(mut body: Vec<u8>, read: u64) -> BodyRead {
    body.truncate(ErrorBody::MAX_KEPT);
    body.shrink_to_fit(); // The error may live long; the cap-sized buffer must not.
    let more = read.saturating_sub(body.len() as u64);
    BodyRead::TooLarge { body: ErrorBody::with_more(body, more), read }
}
