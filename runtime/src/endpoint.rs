//! The contract every endpoint implements; `#[derive(Endpoint)]` writes it from attributes.

use crate::params::ParamWriter;
use serde::de::DeserializeOwned;

/// HTTP method of a REST endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// GET: read-only, safe to retry.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// DELETE.
    Delete,
}

impl HttpMethod {
    /// The method as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Delete => "DELETE",
        }
    }
}

pub use binance_spec::protocol::{Security, WeightKind};

/// The weight one request costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Weight {
    /// Which budget it counts against.
    pub kind: WeightKind,
    /// How much.
    pub value: u32,
    /// What it counts against the account's ORDERS limits; empty for requests that place,
    /// modify or cancel no order.
    pub orders: &'static [OrderCount],
}

impl Weight {
    /// `value` against the IP budget, no order count.
    pub const fn ip(value: u32) -> Weight {
        Weight { kind: WeightKind::Ip, value, orders: &[] }
    }
    /// `value` against the UID budget, no order count.
    pub const fn uid(value: u32) -> Weight {
        Weight { kind: WeightKind::Uid, value, orders: &[] }
    }
}

/// "One request counts `value` against the ORDERS limit whose window is `interval_num`
/// `interval`s" (e.g. 1 per 10 seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrderCount {
    /// The window's unit.
    pub interval: crate::product::Interval,
    /// Units per window.
    pub interval_num: u32,
    /// How much one request counts.
    pub value: u32,
}

/// What every request type knows about itself. Implemented by `#[derive(Endpoint)]`.
pub trait Endpoint {
    /// The decoded response.
    type Response: DeserializeOwned;
    /// The request type's name, for errors and logs.
    const NAME: &'static str;
    /// Security type.
    const SECURITY: Security;
    /// The weight of this request, given which parameters are set.
    fn weight(&self) -> Weight;
    /// The per-request `recvWindow` override, if the endpoint has one and it is set.
    fn recv_window(&self) -> Option<u64> {
        None
    }
    /// Writes every set parameter except `recvWindow`, `timestamp` and `signature`, which the
    /// runtime adds.
    fn write_params<W: ParamWriter + ?Sized>(&self, out: &mut W);
}

/// A REST endpoint.
pub trait RestEndpoint: Endpoint {
    /// HTTP method.
    const METHOD: HttpMethod;
    /// Path starting with `/`.
    const PATH: &'static str;
}

/// A WebSocket API method.
pub trait WsEndpoint: Endpoint {
    /// Method name, e.g. `account.status`.
    const METHOD: &'static str;
}
