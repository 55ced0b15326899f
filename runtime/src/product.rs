//! Static facts about a Binance product (host family), emitted by the generator from the spec.

/// A product: its base URLs and its declared rate limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Product {
    /// snake_case name, e.g. `usds_futures`.
    pub name: &'static str,
    /// Human title.
    pub title: &'static str,
    /// Production REST base URL.
    pub rest_url: Option<&'static str>,
    /// Testnet REST base URL.
    pub rest_testnet_url: Option<&'static str>,
    /// Production WebSocket API URL.
    pub ws_api_url: Option<&'static str>,
    /// Testnet WebSocket API URL.
    pub ws_api_testnet_url: Option<&'static str>,
    /// Server-time endpoint path, for clock sync.
    pub time_path: Option<&'static str>,
    /// Default rate limits (the live ones come from exchangeInfo).
    pub rate_limits: &'static [RateLimit],
    /// The product's documented API error codes, so that an [`Error::Api`](crate::Error::Api)
    /// can say which one it is.
    pub error_codes: &'static [ApiErrorCode],
}

/// A documented API error code, e.g. `-1121 BAD_SYMBOL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApiErrorCode {
    /// The numeric code Binance sends in `code`.
    pub code: i64,
    /// Binance's name for it.
    pub name: &'static str,
}

impl ApiErrorCode {
    /// The entry for `code` in `codes`, if documented there.
    pub fn find(code: i64, codes: &[ApiErrorCode]) -> Option<ApiErrorCode> {
        codes.iter().find(|c| c.code == code).copied()
    }
}

/// The code of an API error, typed: a documented code with its name, or just the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiCode {
    /// A code the product's spec documents (`-1121 BAD_SYMBOL`).
    Known(ApiErrorCode),
    /// A code the spec does not list; the number is kept.
    Other(i64),
}

impl ApiCode {
    /// Types `code` with the product's documented `codes`.
    pub fn lookup(code: i64, codes: &[ApiErrorCode]) -> ApiCode {
        ApiErrorCode::find(code, codes).map_or(ApiCode::Other(code), ApiCode::Known)
    }

    /// The numeric code Binance sent.
    pub fn code(&self) -> i64 {
        match self {
            ApiCode::Known(known) => known.code,
            ApiCode::Other(code) => *code,
        }
    }

    /// The documented name, for known codes.
    pub fn name(&self) -> Option<&'static str> {
        match self {
            ApiCode::Known(known) => Some(known.name),
            ApiCode::Other(_) => None,
        }
    }
}

pub use binance_spec::protocol::{Interval, LimitKind, RateLimit, RateLimitType};
