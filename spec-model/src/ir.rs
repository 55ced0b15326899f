//! The validated intermediate representation the emitter works from: names resolved to Rust
//! identifiers, types resolved, nothing left to check.

pub use crate::protocol::RateLimit;
use crate::protocol::{Interval, Security, WeightKind};
use std::path::PathBuf;

pub mod streams;

/// One validated spec file: a product and everything it declares.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    /// The spec file it came from.
    pub source: PathBuf,
    /// snake_case module name.
    pub module: String,
    /// Human title.
    pub title: String,
    /// General-info docs link.
    pub docs: Option<String>,
    /// Production REST base URL.
    pub rest_url: Option<String>,
    /// Testnet REST base URL.
    pub rest_testnet_url: Option<String>,
    /// Production WebSocket API URL.
    pub ws_api_url: Option<String>,
    /// Testnet WebSocket API URL.
    pub ws_api_testnet_url: Option<String>,
    /// Server-time path for clock sync.
    pub time_path: Option<String>,
    /// Declared default rate limits.
    pub rate_limits: Vec<RateLimit>,
    /// Endpoints in spec order.
    pub endpoints: Vec<Endpoint>,
    /// Models in spec order.
    pub models: Vec<Model>,
    /// Enums in spec order.
    pub enums: Vec<Enum>,
    /// Documented API error codes.
    pub errors: Vec<ErrorCode>,
    /// Market streams and user-data events.
    pub streams: streams::Streams,
}

/// A documented API error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCode {
    /// The numeric code, e.g. `-1121`.
    pub code: i64,
    /// Binance's name, e.g. `BAD_SYMBOL`.
    pub name: String,
    /// Rust variant name, e.g. `BadSymbol`.
    pub variant: String,
    /// Documented message.
    pub msg: Option<String>,
}

/// How an endpoint is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// REST: method (`GET`) and path.
    Http {
        /// Upper-case HTTP method.
        method: String,
        /// Path starting with `/`.
        path: String,
    },
    /// WebSocket API method, e.g. `account.status`.
    Ws {
        /// The method name.
        method: String,
    },
}

/// One endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// Spec name (snake_case).
    pub name: String,
    /// Client method name.
    pub method_name: String,
    /// Request type name (`…Request`).
    pub request_type: String,
    /// Doc title.
    pub title: String,
    /// Doc description.
    pub description: Option<String>,
    /// Doc URL.
    pub docs: String,
    /// Notes.
    pub notes: Vec<String>,
    /// REST or WebSocket.
    pub transport: Transport,
    /// Who may call it and what they must prove.
    pub security: Security,
    /// Which budget its weight counts against.
    pub weight_kind: WeightKind,
    /// Weight when no rule applies.
    pub weight: u32,
    /// Parameter-dependent weights, checked in order; the first that matches wins.
    pub weight_rules: Vec<WeightRule>,
    /// What one request counts against the product's ORDERS limits.
    pub orders: Vec<OrderCount>,
    /// Parameters the caller sets (timestamp and signature are the runtime's).
    pub params: Vec<Param>,
    /// Response model type name.
    pub response: String,
    /// The response is a list of the model.
    pub response_list: bool,
    /// The list response may also arrive as a single object.
    pub response_object_too: bool,
    /// Example JSON texts.
    pub examples: Vec<String>,
}

/// "The weight is `value` when parameter `param` is sent (and its value is at most `at_most`)."
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightRule {
    /// Binance name of the parameter.
    pub binance_name: String,
    /// Rust field of the parameter.
    pub rust_name: String,
    /// Upper bound (inclusive) on the parameter's integer value, for `limit` tables.
    pub at_most: Option<u64>,
    /// The weight when the rule matches.
    pub value: u32,
}

/// What one request counts against one of the product's ORDERS limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderCount {
    /// The window's unit.
    pub interval: Interval,
    /// Units per window.
    pub interval_num: u32,
    /// How much one request counts.
    pub value: u32,
}

/// A request parameter the caller sets.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Binance's name.
    pub binance_name: String,
    /// Rust field name.
    pub rust_name: String,
    /// The camelCase of `rust_name` is not the Binance name, so the field needs
    /// `#[endpoint(rename)]`.
    pub needs_rename: bool,
    /// Resolved type.
    pub ty: ParamType,
    /// A JSON array of `ty`, sent as its JSON text.
    pub list: bool,
    /// Mandatory.
    pub required: bool,
    /// Description.
    pub doc: Option<String>,
}

/// Parameter types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamType {
    /// `LONG` → `i64`.
    Long,
    /// `INT` → `i32`.
    Int,
    /// `recvWindow` → `u64`, validated by the runtime.
    RecvWindow,
    /// `STRING` → `String`.
    String,
    /// `DECIMAL` → `Decimal`.
    Decimal,
    /// `BOOLEAN` → `bool`.
    Boolean,
    /// `ENUM` → the named enum.
    Enum(String),
    /// A model sent as a JSON object, by Rust name.
    Model(String),
}

/// A response model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Rust type name.
    pub name: String,
    /// Doc.
    pub doc: Option<String>,
    /// Read from a JSON array by position instead of an object.
    pub tuple: bool,
    /// Fields (none for `{}`).
    pub fields: Vec<Field>,
}

/// A model field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Binance's JSON name.
    pub binance_name: String,
    /// Rust field name.
    pub rust_name: String,
    /// `rename_all = "camelCase"` would not give the Binance name back.
    pub needs_rename: bool,
    /// Resolved type.
    pub ty: FieldType,
    /// JSON array of `ty`.
    pub list: bool,
    /// `Option<…>`.
    pub optional: bool,
    /// Doc.
    pub doc: Option<String>,
}

/// Field types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    /// `rust_decimal::Decimal`, decoded leniently.
    Decimal,
    /// `String`.
    String,
    /// `i32`.
    Int,
    /// `i64`.
    Long,
    /// `i64` milliseconds since the epoch.
    Timestamp,
    /// `bool`.
    Boolean,
    /// Another model, by Rust name.
    Model(String),
    /// An enum, by Rust name.
    Enum(String),
}

/// An enum with a catch-all.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// Rust type name.
    pub name: String,
    /// Doc.
    pub doc: Option<String>,
    /// (wire value, Rust variant, doc).
    pub variants: Vec<(String, String, Option<String>)>,
}
