//! Derive macros for Binance endpoints, used by generated code and by hand-written endpoints.
//!
//! * `#[derive(Endpoint)]` turns a request struct and its `#[endpoint(...)]` attributes into
//!   the runtime's `Endpoint` and `RestEndpoint` / `WsEndpoint` implementations.
//! * `#[derive(WireEnum)]` gives an enum with a catch-all variant its wire strings, serde
//!   support that never fails on unknown values, `Display` and parameter encoding.
//!
//! Each derive follows parse → validate → expand; every problem is a `syn::Error` pointing at
//! the offending token, reported through `compile_error!`. The macros never panic.
//!
//! ```ignore
//! #[derive(Debug, Clone, Default, binance_runtime::Endpoint)]
//! #[endpoint(http = "GET /fapi/v1/time", security = "NONE", weight(ip = 1), response = ServerTime)]
//! pub struct ServerTimeRequest {}
//! ```

#![forbid(unsafe_code)]

mod endpoint;
mod wire_enum;

use proc_macro::TokenStream;

/// Implements `binance_runtime::Endpoint` plus `RestEndpoint` (for `http = "METHOD /path"`)
/// or `WsEndpoint` (for `ws = "method.name"`).
///
/// Container attribute `#[endpoint(...)]` keys: `http` or `ws`; `security` (`NONE`,
/// `MARKET_DATA`, `USER_STREAM`, `USER_DATA`, `TRADE`); `weight(ip = N)` or `weight(uid = N)`,
/// optionally followed by `if_present(field = N)` rules, first match wins; `response = Type`.
/// Field attribute `#[endpoint(rename = "binanceName")]` sets the wire name (default:
/// the field name in lowerCamelCase). `Option` fields are optional parameters.
#[proc_macro_derive(Endpoint, attributes(endpoint))]
pub fn derive_endpoint(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    endpoint::derive(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Implements `binance_runtime::WireEnum`, `Serialize`, `Deserialize`, `Display`, `From<&str>`
/// and `ToParam` for an enum of unit variants plus one catch-all `Other(String)` variant.
///
/// Variant attribute `#[wire("VALUE")]` sets the wire value (default: the variant name in
/// SCREAMING_SNAKE_CASE).
#[proc_macro_derive(WireEnum, attributes(wire))]
pub fn derive_wire_enum(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    wire_enum::derive(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}
