//! Events by type: the raw JSON with its `"e"`, decoded on demand.

use serde::de::DeserializeOwned;
use std::fmt;

/// Longest excerpt of a payload an error carries: enough to recognise it, bounded however large
/// the message.
const EXCERPT: usize = 200;

/// A payload that could not be decoded: what went wrong and the start of the payload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot decode the stream payload ({problem}); payload starts: {excerpt}")]
pub struct DecodeError {
    problem: String,
    excerpt: String,
}

impl DecodeError {
    /// A decode error for `payload` (an excerpt is kept).
    pub fn new(payload: &str, problem: impl Into<String>) -> Self {
        let end = payload.char_indices().nth(EXCERPT).map_or(payload.len(), |(i, _)| i);
        DecodeError { problem: problem.into(), excerpt: payload[..end].to_string() }
    }

    /// What went wrong.
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

/// One event as sent: its JSON text and its event type `"e"` (empty when it has none).
#[derive(Clone, PartialEq, Eq)]
pub struct RawEvent {
    event_type: String,
    json: String,
}

impl fmt::Debug for RawEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawEvent").field("event_type", &self.event_type).field("json", &self.json).finish()
    }
}

impl RawEvent {
    /// Reads the event type of `json`, an object; an error when it is not a JSON object.
    pub fn parse(json: impl Into<String>) -> Result<RawEvent, DecodeError> {
        #[derive(serde::Deserialize)]
        struct Tag {
            #[serde(default)]
            e: Option<String>,
        }
        let json = json.into();
        let tag: Tag = serde_json::from_str(&json).map_err(|e| DecodeError::new(&json, e.to_string()))?;
        Ok(RawEvent { event_type: tag.e.unwrap_or_default(), json })
    }

    /// The event type, e.g. `ACCOUNT_UPDATE`.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The JSON text as sent.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// Decodes the event as `T`.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        super::decode_json(&self.json)
    }
}

/// A set of events told apart by `"e"`: the generated `UserDataEvent` enum.
pub trait EventSet: Sized + Send + 'static {
    /// The typed event for `raw`; an unknown event type is kept raw, not an error.
    fn decode_event(raw: RawEvent) -> Result<Self, DecodeError>;

    /// Decodes one message's JSON text.
    fn decode_json(json: &str) -> Result<Self, DecodeError> {
        Self::decode_event(RawEvent::parse(json)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_type_is_read_and_errors_are_bounded() {
        let raw = RawEvent::parse(r#"{"e":"X","E":1}"#).unwrap();
        assert_eq!(raw.event_type(), "X");
        let long = format!("[{}", "1,".repeat(1000));
        let err = RawEvent::parse(long).unwrap_err();
        assert!(err.to_string().len() < 400, "{err}");
    }
}
