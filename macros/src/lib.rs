//! Derive macros for Binance endpoints, used by generated code and by hand-written endpoints.
//! Use them through `binance_runtime`, which re-exports them.
//!
//! * `#[derive(Endpoint)]` turns a request struct and its `#[endpoint(...)]` attributes into
//!   the runtime's `Endpoint` and `RestEndpoint` / `WsEndpoint` implementations.
//! * `#[derive(WireEnum)]` gives an enum with a catch-all variant its wire strings, serde
//!   support that never fails on unknown values, `Display` and parameter encoding.
//! * `#[model]` makes a struct a response model: lean `Serialize`/`Deserialize` impls over the
//!   runtime's helpers (serde's derives for shapes they do not cover), camelCase names and the
//!   lenient, lossless decimal codec on every decimal field.
//!
//! Each macro follows parse → validate → expand; every problem is a `syn::Error` pointing at
//! the offending token, reported through `compile_error!`, all of them in one build. The
//! macros never panic.
//!
//! ```ignore
//! use binance_runtime::{model, Endpoint};
//!
//! #[derive(Debug, Clone, Default, Endpoint)]
//! #[endpoint(http = "GET /fapi/v1/time", security = "NONE", weight(ip = 1), response = ServerTime)]
//! pub struct ServerTimeRequest {}
//!
//! #[model]
//! #[derive(Debug, Clone, PartialEq)]
//! pub struct ServerTime {
//!     pub server_time: i64,
//! }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod endpoint;
mod errors;
mod model;
mod wire_enum;

use proc_macro::TokenStream;

/// Implements `binance_runtime::Endpoint` plus `RestEndpoint` (for `http = "METHOD /path"`)
/// or `WsEndpoint` (for `ws = "method.name"`).
///
/// Struct attribute `#[endpoint(...)]`, keys in any order, each once:
/// * `http = "GET /fapi/v1/time"` (GET, POST, PUT, DELETE) or `ws = "account.status"`;
/// * `security = "USER_DATA"`: `NONE`, `MARKET_DATA`, `USER_STREAM`, `USER_DATA` or `TRADE`
///   (the last two are signed: the client adds `recvWindow`, `timestamp` and `signature`);
/// * `weight(ip = 5)` or `weight(uid = 5)` (0 allowed), optionally followed by rules
///   `if_present(field = N)`: the weight is `N` when that `Option` field is set;
///   `if_present(limit = N, at_most = M)`: `N` when the integer field is set and at most `M`
///   (one row of a `limit` table); the first matching rule wins, in order; and
///   `orders(second10 = 1, minute1 = 1)`: what one request counts against the account's ORDERS
///   limits, per window (unit `second`, `minute`, `hour` or `day` followed by the count);
/// * `response = Type`: what the body decodes into.
///
/// Every named field is a parameter, sent under its name in lowerCamelCase or under
/// `#[endpoint(rename = "binanceName")]`. `Option` fields are optional and skipped when
/// `None`; other fields are required. A field's type must implement `ToParam` (strings,
/// integers, `bool`, `Decimal`, `WireEnum` types, `Vec`s of these sent as JSON text, and
/// `Option`s of them). A `recvWindow`
/// field overrides the client's default; `timestamp` and `signature` fields are rejected
/// because the client adds them.
#[proc_macro_derive(Endpoint, attributes(endpoint))]
pub fn derive_endpoint(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    endpoint::derive(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Implements `binance_runtime::WireEnum`, `Serialize`, `Deserialize`, `Display`, `From<&str>`,
/// `FromStr` (infallible), `ToParam` and `JsonParam` (as an element of a list parameter), plus an
/// inherent `as_str()`, for an enum of unit variants plus one catch-all `Other(String)` variant.
///
/// Variant attribute `#[wire("VALUE")]` sets the wire value (default: the variant name in
/// SCREAMING_SNAKE_CASE). Unknown values decode into the catch-all and encode back unchanged.
#[proc_macro_derive(WireEnum, attributes(wire))]
pub fn derive_wire_enum(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    wire_enum::derive(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Makes a struct a response model: adds `Serialize` and `Deserialize` through the runtime's
/// serde, `#[serde(rename_all = "camelCase")]` on structs with named fields (unless the struct
/// sets its own), and the runtime's lenient, lossless codec on `Decimal`, `Option<Decimal>`
/// (absent, `null` and `""` are `None`), `Vec<Decimal>` and `Option<Vec<Decimal>>` fields.
///
/// Put it above the struct's other derives. Fields keep any `#[serde(...)]` of their own; a
/// field with its own `with`/`deserialize_with` is left alone. Every other `Option<T>` field
/// reads absent, `null` and `""` as `None`.
///
/// `#[model(tuple)]`: the JSON is an array read by position (order-book levels, klines), in
/// declaration order; missing trailing optional elements are `None`, and the model encodes
/// back to an array.
///
/// On the lean route below the macro adds a field `pub unknown_fields: UnknownFields`: keys
/// (or, for tuples, trailing elements) the model does not declare are kept there as raw JSON,
/// written back on encoding, and reported once per process through `binance_runtime::drift`.
///
/// For structs with named fields whose only serde attribute is a field `rename` (everything the
/// generator emits), the impls are written directly: each is one call into the runtime's
/// shared visitor (or `serialize_struct`) with the fields as a tuple type, keeping serde's own
/// `missing field` / `duplicate field` errors. That is a few lines per model for the compiler
/// to check instead of serde's derives. Every other shape (tuple structs, generics, `with`,
/// `default`, `alias`, ...) goes through serde's derives with the attributes above.
#[proc_macro_attribute]
pub fn model(args: TokenStream, item: TokenStream) -> TokenStream {
    let item2 = proc_macro2::TokenStream::from(item);
    match model::expand(args.into(), item2.clone()) {
        Ok(tokens) => tokens.into(),
        // Keep the item so one mistake does not cascade into "type not found" errors.
        Err(e) => {
            let mut out = e.into_compile_error();
            out.extend(item2);
            out.into()
        }
    }
}
