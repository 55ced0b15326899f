//! Validated market streams and user-data events, ready for code generation.

/// A product's streams and events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Streams {
    /// Market streams in spec order.
    pub market: Vec<MarketStream>,
    /// User-data events in spec order.
    pub events: Vec<UserDataEvent>,
}

/// One market stream page.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketStream {
    /// snake_case spec name, e.g. `aggregate_trade`.
    pub name: String,
    /// Doc page title.
    pub title: String,
    /// Stream description.
    pub description: Option<String>,
    /// Doc page URL.
    pub docs: String,
    /// Each subscribable name pattern with its descriptor type.
    pub patterns: Vec<StreamPattern>,
    /// Documented update speed(s).
    pub update_speed: Option<String>,
    /// Payload model name.
    pub payload: String,
    /// The payload is a JSON array of the model.
    pub payload_list: bool,
    /// The page's payload examples, as JSON text.
    pub examples: Vec<String>,
}

/// One name pattern, e.g. `<symbol>@depth@500ms`, and the descriptor type generated for it.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamPattern {
    /// The pattern as documented.
    pub pattern: String,
    /// PascalCase descriptor type, e.g. `DiffBookDepth500ms`.
    pub type_name: String,
    /// The placeholders in order, as snake_case field names (`<symbol>` → `symbol`).
    pub params: Vec<String>,
}

/// One user-data event.
#[derive(Debug, Clone, PartialEq)]
pub struct UserDataEvent {
    /// The wire event type, e.g. `ACCOUNT_UPDATE`.
    pub event_type: String,
    /// PascalCase variant of the `UserDataEvent` enum, e.g. `AccountUpdate`.
    pub variant: String,
    /// Doc page title.
    pub title: String,
    /// Event description.
    pub description: Option<String>,
    /// Doc page URL.
    pub docs: String,
    /// Payload model name.
    pub payload: String,
    /// The page's payload examples, as JSON text.
    pub examples: Vec<String>,
}
