//! The spec as written in YAML: a faithful, unvalidated mirror of one `spec/*.yaml` file.
//!
//! Every struct denies unknown keys so that a misspelt key is reported instead of ignored.
//! Maps are `serde_yaml::Mapping`-backed `Vec`s of pairs so that spec order is kept and the
//! generated output never depends on hash order.

use serde::{Deserialize, Serialize};

mod streams;
pub use streams::{MarketStream, Streams, UserDataEvent};

/// One spec file: a product with its endpoints, models and enums.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    /// The product this file describes (base URLs, rate limits).
    pub product: Product,
    /// Endpoints by stable snake_case name, in spec order.
    #[serde(default, with = "ordered")]
    pub endpoints: Vec<(String, Endpoint)>,
    /// Response models by PascalCase name, in spec order.
    #[serde(default, with = "ordered")]
    pub models: Vec<(String, Model)>,
    /// Enums by PascalCase name, in spec order.
    #[serde(default, with = "ordered")]
    pub enums: Vec<(String, Enum)>,
    /// The product's documented API error codes, from its error-code page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorCode>,
    /// Market streams and user-data events (see [`Streams`]).
    #[serde(default, skip_serializing_if = "Streams::is_empty")]
    pub streams: Streams,
}

/// One documented API error code, e.g. `-1121 BAD_SYMBOL`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCode {
    /// The numeric code Binance sends in `code`, e.g. `-1121`.
    pub code: i64,
    /// Binance's upper-case name, e.g. `BAD_SYMBOL`.
    pub name: String,
    /// The documented message(s), e.g. `Invalid symbol.`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg: Option<String>,
}

/// A Binance product (one API host family), e.g. USDⓈ-M futures.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// snake_case module name, e.g. `usds_futures`.
    pub name: String,
    /// Human title, e.g. `USDⓈ-M Futures`.
    pub title: String,
    /// Link to the product's general-info page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// Base URLs; `rest` is required when any endpoint is REST, `ws_api` when any is WebSocket.
    pub base_urls: BaseUrls,
    /// Path of the server-time endpoint used for clock sync, e.g. `/fapi/v1/time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_path: Option<String>,
    /// Default rate limits; the live values come from exchangeInfo.
    #[serde(default)]
    pub rate_limits: Vec<RateLimit>,
}

/// Base URLs of a product.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BaseUrls {
    /// Production REST base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest: Option<String>,
    /// Testnet REST base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest_testnet: Option<String>,
    /// Production WebSocket API URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ws_api: Option<String>,
    /// Testnet WebSocket API URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ws_api_testnet: Option<String>,
}

/// One declared rate limit, e.g. REQUEST_WEIGHT 2400 per 1 MINUTE per IP.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// `REQUEST_WEIGHT` or `ORDERS`.
    #[serde(rename = "type")]
    pub limit_type: String,
    /// What the limit is counted per: `IP`, `UID` or `ACCOUNT`.
    pub kind: String,
    /// `SECOND`, `MINUTE`, `HOUR` or `DAY`.
    pub interval: String,
    /// How many intervals make one window.
    pub interval_num: u32,
    /// The budget within one window.
    pub limit: u32,
}

/// One endpoint: REST (`http`) or WebSocket API (`ws`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// The doc page title, e.g. `Account Information V3 (USER_DATA)`.
    pub title: String,
    /// The doc page's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The doc page URL.
    pub docs: String,
    /// Notes and blockquotes from the page, and remarks by the spec's maintainers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// REST method and path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<Http>,
    /// WebSocket API method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ws: Option<Ws>,
    /// `NONE`, `MARKET_DATA`, `USER_STREAM`, `USER_DATA` or `TRADE`.
    pub security: String,
    /// Request weight.
    pub weight: Option<Weight>,
    /// Request parameters with Binance's names and types, in documented order.
    #[serde(default)]
    pub params: Vec<Param>,
    /// Name of the response model.
    pub response: String,
    /// The response is a JSON array of the model.
    #[serde(default, skip_serializing_if = "is_false")]
    pub response_list: bool,
    /// With `response_list`: the server may also answer a single object instead of the array
    /// (e.g. when `symbol` is sent); the page shows both. Decoded as `OneOrMany`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub response_object_too: bool,
    /// The doc page's response examples, as valid JSON.
    #[serde(default)]
    pub examples: Vec<Example>,
}

/// REST method and path.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Http {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: String,
    /// Path starting with `/`.
    pub path: String,
}

/// WebSocket API method.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Ws {
    /// Method name, e.g. `account.status`.
    pub method: String,
}

/// Request weight: a base value of one kind, optionally changed by parameter rules.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Weight {
    /// `IP` or `UID`.
    pub kind: String,
    /// The weight when no rule applies.
    pub value: i64,
    /// Rules checked in order; the first that matches gives the weight.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<WeightRule>,
    /// What the request counts against the account's ORDERS limits (e.g. 1 per 10 s window
    /// and 1 per minute window), besides its weight.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orders: Vec<OrderCount>,
}

/// "The request counts `value` against the ORDERS limit of this window."
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OrderCount {
    /// `SECOND`, `MINUTE`, `HOUR` or `DAY`; with `interval_num`, names one of the product's
    /// declared `ORDERS` rate limits.
    pub interval: String,
    /// How many intervals make the window, e.g. `10` for the 10-second limit.
    pub interval_num: u32,
    /// How much one request counts.
    pub value: u32,
}

/// "Weight is `value` when parameter `if_present` is sent (and, with `at_most`, its value is at
/// most `at_most`)." `limit` tables are written as one rule per row, in ascending order.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WeightRule {
    /// Binance name of the parameter.
    pub if_present: String,
    /// The rule matches only when the parameter's (integer) value is at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<u64>,
    /// Weight when the rule matches.
    pub value: i64,
}

/// One request parameter.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    /// Binance's name, e.g. `recvWindow`.
    pub name: String,
    /// `LONG`, `INT`, `STRING`, `DECIMAL`, `BOOLEAN` or `ENUM`, or the name of a model for a
    /// parameter whose value is a JSON object (e.g. one order of `batchOrders`).
    #[serde(rename = "type")]
    pub ty: String,
    /// The value is a JSON array of `type` (`LIST<LONG>`, `LIST<JSON>` on the page), sent as
    /// its JSON text.
    #[serde(default, skip_serializing_if = "is_false")]
    pub list: bool,
    /// Mandatory on the doc page.
    #[serde(default)]
    pub required: bool,
    /// For `ENUM` parameters: the enum's name in `enums`.
    #[serde(rename = "enum", default, skip_serializing_if = "Option::is_none")]
    pub enum_name: Option<String>,
    /// Description from the doc page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

/// A response example from the doc page.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The label the page gives it (e.g. `Single-asset mode`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The example as valid JSON, values exactly as on the page.
    pub json: String,
}

/// A response model: a JSON object with named fields.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// What the object is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// The JSON value is an array read by position (an order-book level, a kline), not an
    /// object; `fields` name the positions in order.
    #[serde(default, skip_serializing_if = "is_false")]
    pub tuple: bool,
    /// Fields in documented order; empty for a response that is `{}`.
    pub fields: Vec<Field>,
}

/// One field of a model.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Binance's JSON name, e.g. `uniMMR`.
    pub name: String,
    /// `DECIMAL`, `STRING`, `INT`, `LONG`, `BOOLEAN`, `TIMESTAMP`, or a model or enum name.
    #[serde(rename = "type")]
    pub ty: String,
    /// A JSON array of `type`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub list: bool,
    /// May be absent, `null` or `""`; decoded as `None` then.
    #[serde(default, skip_serializing_if = "is_false")]
    pub optional: bool,
    /// Field doc, from the example's comments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// The Rust field name when the wire name says too little (a stream payload's `E` is
    /// `event_time`, named from the example's comment); default: the wire name in snake_case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
}

/// An enum with its documented wire values.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Enum {
    /// What the enum is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Documented wire values, e.g. `NORMAL`.
    pub values: Vec<EnumValue>,
}

/// One enum value: either a bare string or `{ value, doc }`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum EnumValue {
    /// `- NORMAL`
    Bare(String),
    /// `- { value: PM_1, doc: PM PRO }`
    Documented {
        /// The wire value.
        value: String,
        /// What it means.
        doc: String,
    },
}

impl EnumValue {
    /// The wire value.
    pub fn value(&self) -> &str {
        match self {
            EnumValue::Bare(v) | EnumValue::Documented { value: v, .. } => v,
        }
    }
    /// The doc, if any.
    pub fn doc(&self) -> Option<&str> {
        match self {
            EnumValue::Bare(_) => None,
            EnumValue::Documented { doc, .. } => Some(doc),
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// (De)serializes a YAML mapping as an ordered list of pairs, rejecting duplicate keys.
pub(crate) mod ordered {
    use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
    use serde::ser::{Serialize, SerializeMap, Serializer};
    use std::collections::HashSet;
    use std::fmt;
    use std::marker::PhantomData;

    pub fn serialize<S: Serializer, T: Serialize>(pairs: &[(String, T)], s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(pairs.len()))?;
        for (k, v) in pairs {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<(String, T)>, D::Error> {
        struct PairsVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for PairsVisitor<T> {
            type Value = Vec<(String, T)>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping from names to definitions")
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(Vec::new())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut pairs: Vec<(String, T)> = Vec::new();
                // Hashed: comparing each name with all earlier ones is quadratic in a large spec.
                let mut seen = HashSet::new();
                while let Some((k, v)) = map.next_entry::<String, T>()? {
                    if !seen.insert(k.clone()) {
                        return Err(serde::de::Error::custom(format_args!(
                            "`{k}` is defined twice; names must be unique"
                        )));
                    }
                    pairs.push((k, v));
                }
                Ok(pairs)
            }
        }
        d.deserialize_map(PairsVisitor(PhantomData))
    }
}
