//! Writing request parameters under their Binance names: percent-encoded into a query string
//! for REST, as JSON values for the WebSocket API. Derived `write_params` writes straight into
//! these buffers; there is no intermediate map.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// Everything except RFC 3986 unreserved characters is percent-encoded. Binance verifies the
/// signature over the bytes as sent, so the same bytes are signed and sent.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// A sink for typed parameters.
pub trait ParamWriter {
    /// A text parameter (also enums, by their wire value).
    fn str(&mut self, name: &str, value: &str);
    /// A signed integer.
    fn int(&mut self, name: &str, value: i64);
    /// An unsigned integer.
    fn uint(&mut self, name: &str, value: u64);
    /// A decimal, written exactly (no float conversion).
    fn decimal(&mut self, name: &str, value: &Decimal);
    /// A boolean, as `true` / `false`.
    fn bool(&mut self, name: &str, value: bool);
}

/// A value that can be sent as a parameter. `Option` writes nothing when `None`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as a Binance parameter",
    note = "parameters are strings, integers, `bool`, `Decimal`, `WireEnum` enums, `Vec`s of these (sent as JSON text), or an `Option` of one of these"
)]
pub trait ToParam {
    /// Writes `self` as parameter `name`.
    fn write_param<W: ParamWriter + ?Sized>(&self, name: &str, out: &mut W);
}

impl ToParam for str {
    fn write_param<W: ParamWriter + ?Sized>(&self, name: &str, out: &mut W) {
        out.str(name, self);
    }
}
impl ToParam for String {
    fn write_param<W: ParamWriter + ?Sized>(&self, name: &str, out: &mut W) {
        out.str(name, self);
    }
}
impl ToParam for Decimal {
    fn write_param<W: ParamWriter + ?Sized>(&self, name: &str, out: &mut W) {
        out.decimal(name, self);
    }
}
impl ToParam for bool {
    fn write_param<W: ParamWriter + ?Sized>(&self, name: &str, out: &mut W) {
        out.bool(name, *self);
    }
}
macro_rules! int_param {
    ($($t:ty => $method:ident as $as:ty),*) => {$(
        impl ToParam for $t {
            fn write_param<W: ParamWriter + ?Sized>(&self, name: &str, out: &mut W) {
                out.$method(name, <$as>::from(*self));
            }
        }
    )*};
}
int_param!(i64 => int as i64, i32 => int as i64, i16 => int as i64, u64 => uint as u64, u32 => uint as u64, u16 => uint as u64);

impl<T: ToParam + ?Sized> ToParam for &T {
    fn write_param<W: ParamWriter + ?Sized>(&self, name: &str, out: &mut W) {
        (**self).write_param(name, out);
    }
}
impl<T: ToParam> ToParam for Option<T> {
    fn write_param<W: ParamWriter + ?Sized>(&self, name: &str, out: &mut W) {
        if let Some(v) = self {
            v.write_param(name, out);
        }
    }
}

/// A value that can be an element of a parameter sent as JSON text (`LIST<LONG>`,
/// `LIST<STRING>`, a list of order objects): `orderIdList=[1,2]`,
/// `origClientOrderIdList=["a","b"]`. Decimals are written as JSON strings, never through
/// `f64`, so no digit is lost. `#[derive(WireEnum)]` implements it for enums; the generator
/// implements it for models used as parameters.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an element of a list parameter",
    note = "list elements are strings, integers, `bool`, `Decimal`, `WireEnum` enums or generated models sent as parameters"
)]
pub trait JsonParam {
    /// Appends `self` as one JSON value to `out`.
    fn write_json(&self, out: &mut String);
}

/// Appends `value` as a JSON string, escaped.
fn push_json_str(out: &mut String, value: &str) {
    // Serializing a `str` into JSON cannot fail; the fallback only keeps this panic-free.
    out.push_str(&serde_json::to_string(value).unwrap_or_else(|_| String::from("\"\"")));
}

impl JsonParam for str {
    fn write_json(&self, out: &mut String) {
        push_json_str(out, self);
    }
}
impl JsonParam for String {
    fn write_json(&self, out: &mut String) {
        push_json_str(out, self);
    }
}
impl JsonParam for Decimal {
    fn write_json(&self, out: &mut String) {
        let _ = write!(out, "\"{self}\"");
    }
}
impl JsonParam for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}
macro_rules! int_json {
    ($($t:ty),*) => {$(
        impl JsonParam for $t {
            fn write_json(&self, out: &mut String) {
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
int_json!(i64, i32, i16, u64, u32, u16);

impl<T: JsonParam + ?Sized> JsonParam for &T {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out);
    }
}
impl<T: JsonParam> JsonParam for [T] {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.write_json(out);
        }
        out.push(']');
    }
}
impl<T: JsonParam> JsonParam for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out);
    }
}

/// A list parameter is sent as its JSON text: `orderIdList=[1,2]`.
impl<T: JsonParam> ToParam for Vec<T> {
    fn write_param<W: ParamWriter + ?Sized>(&self, name: &str, out: &mut W) {
        write_json_param(self.as_slice(), name, out);
    }
}

/// Writes `value` as parameter `name` whose value is its JSON text (a list, or one object such
/// as an order of `batchOrders`).
pub fn write_json_param<T: JsonParam + ?Sized, W: ParamWriter + ?Sized>(value: &T, name: &str, out: &mut W) {
    let mut text = String::new();
    value.write_json(&mut text);
    out.str(name, &text);
}

/// Writes a JSON object field by field: how a generated model sent as a parameter (an order of
/// `batchOrders`) writes itself. Unset optional fields are left out rather than sent as `null`,
/// as when the same order is placed on its own.
#[derive(Debug)]
pub struct JsonObject<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> JsonObject<'a> {
    /// Opens the object (`{`).
    pub fn begin(out: &'a mut String) -> Self {
        out.push('{');
        JsonObject { out, empty: true }
    }
    /// Writes `"name":value`.
    pub fn field<T: JsonParam + ?Sized>(&mut self, name: &str, value: &T) {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        push_json_str(self.out, name);
        self.out.push(':');
        value.write_json(self.out);
    }
    /// Writes `"name":value` when `value` is set, nothing otherwise.
    pub fn optional<T: JsonParam>(&mut self, name: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(name, value);
        }
    }
    /// Closes the object (`}`).
    pub fn end(self) {
        self.out.push('}');
    }
}

/// "Is this integer parameter set and at most `bound`?": how `limit`-keyed weight tables
/// (`#[endpoint(weight(ip = 20, if_present(limit = 2, at_most = 50)))]`) read a parameter.
/// `None` and negative values are never at most a bound.
pub trait AtMost {
    /// True when the value is set and `<= bound`.
    fn is_at_most(&self, bound: u64) -> bool;
}
macro_rules! at_most_int {
    ($($t:ty),*) => {$(
        impl AtMost for $t {
            fn is_at_most(&self, bound: u64) -> bool {
                u64::try_from(*self).is_ok_and(|v| v <= bound)
            }
        }
    )*};
}
at_most_int!(i64, i32, i16, u64, u32, u16);
impl<T: AtMost> AtMost for Option<T> {
    fn is_at_most(&self, bound: u64) -> bool {
        self.as_ref().is_some_and(|v| v.is_at_most(bound))
    }
}

/// Builds a percent-encoded query string: `a=1&b=x%20y`.
#[derive(Debug, Default, Clone)]
pub struct QueryWriter {
    buf: String,
}

impl QueryWriter {
    /// An empty query.
    pub fn new() -> Self {
        QueryWriter::default()
    }
    /// A query with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        QueryWriter { buf: String::with_capacity(capacity) }
    }
    /// A copy with room for `extra` more bytes (one allocation).
    pub(crate) fn clone_with_room(&self, extra: usize) -> Self {
        let mut buf = String::with_capacity(self.buf.len() + extra);
        buf.push_str(&self.buf);
        QueryWriter { buf }
    }
    fn key(&mut self, name: &str) {
        if !self.buf.is_empty() {
            self.buf.push('&');
        }
        self.buf.extend(utf8_percent_encode(name, QUERY_VALUE));
        self.buf.push('=');
    }
    /// The query so far.
    pub fn as_str(&self) -> &str {
        &self.buf
    }
    /// The finished query.
    pub fn into_string(self) -> String {
        self.buf
    }
    /// Parameter `name` with `bytes` as lower-case hex digits (which need no escaping).
    pub(crate) fn hex(&mut self, name: &str, bytes: &[u8]) {
        self.key(name);
        crate::credentials::push_hex(&mut self.buf, bytes);
    }
    /// Appends `value` as decimal digits, without the formatting machinery of `write!`.
    fn push_u64(&mut self, mut value: u64) {
        let mut digits = [0u8; 20];
        let mut first = digits.len();
        loop {
            first -= 1;
            digits[first] = b'0' + (value % 10) as u8;
            value /= 10;
            if value == 0 {
                break;
            }
        }
        // Only ASCII digits were written, so this never falls back to "".
        self.buf.push_str(std::str::from_utf8(&digits[first..]).unwrap_or(""));
    }
}

impl ParamWriter for QueryWriter {
    fn str(&mut self, name: &str, value: &str) {
        self.key(name);
        self.buf.extend(utf8_percent_encode(value, QUERY_VALUE));
    }
    fn int(&mut self, name: &str, value: i64) {
        self.key(name);
        if value < 0 {
            self.buf.push('-');
        }
        self.push_u64(value.unsigned_abs());
    }
    fn uint(&mut self, name: &str, value: u64) {
        self.key(name);
        self.push_u64(value);
    }
    fn decimal(&mut self, name: &str, value: &Decimal) {
        self.key(name);
        let _ = write!(self.buf, "{value}");
    }
    fn bool(&mut self, name: &str, value: bool) {
        self.key(name);
        self.buf.push_str(if value { "true" } else { "false" });
    }
}

/// Collects parameters as JSON values for a WebSocket API request: integers as numbers,
/// decimals as strings, sorted by name (a `BTreeMap`), which is also the signing order.
#[derive(Debug, Default, Clone)]
pub struct JsonParams {
    /// The parameters.
    pub map: std::collections::BTreeMap<String, serde_json::Value>,
}

impl ParamWriter for JsonParams {
    fn str(&mut self, name: &str, value: &str) {
        self.map.insert(name.to_string(), value.into());
    }
    fn int(&mut self, name: &str, value: i64) {
        self.map.insert(name.to_string(), value.into());
    }
    fn uint(&mut self, name: &str, value: u64) {
        self.map.insert(name.to_string(), value.into());
    }
    fn decimal(&mut self, name: &str, value: &Decimal) {
        self.map.insert(name.to_string(), value.to_string().into());
    }
    fn bool(&mut self, name: &str, value: bool) {
        self.map.insert(name.to_string(), value.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn query_values_are_percent_encoded_and_typed() {
        let mut q = QueryWriter::new();
        "BTC USDT&x=1".write_param("symbol", &mut q);
        Some(-5i64).write_param("n", &mut q);
        None::<i64>.write_param("skipped", &mut q);
        Decimal::from_str("0.00100").unwrap().write_param("qty", &mut q);
        true.write_param("flag", &mut q);
        "a-b_c.d~e".write_param("unreserved", &mut q);
        "x+y/z=é".write_param("reserved", &mut q);
        assert_eq!(
            q.as_str(),
            "symbol=BTC%20USDT%26x%3D1&n=-5&qty=0.00100&flag=true&unreserved=a-b_c.d~e&reserved=x%2By%2Fz%3D%C3%A9"
        );
    }

    #[test]
    fn integers_are_written_in_full() {
        let mut q = QueryWriter::new();
        for (name, value) in [("a", 0), ("b", 7), ("c", -10), ("d", i64::MIN), ("e", i64::MAX)] {
            q.int(name, value);
        }
        q.uint("f", u64::MAX);
        q.uint("g", 1_591_702_613_943);
        assert_eq!(
            q.as_str(),
            "a=0&b=7&c=-10&d=-9223372036854775808&e=9223372036854775807&f=18446744073709551615&g=1591702613943"
        );
    }

    #[test]
    fn a_copy_with_room_continues_the_query() {
        let mut q = QueryWriter::with_capacity(4);
        q.uint("recvWindow", 5000);
        let mut copy = q.clone_with_room(32);
        copy.str("symbol", "BTC USDT");
        assert_eq!(copy.as_str(), "recvWindow=5000&symbol=BTC%20USDT");
        assert_eq!(q.into_string(), "recvWindow=5000");
    }

    #[test]
    fn at_most_reads_set_integers_only() {
        assert!(Some(100i32).is_at_most(100));
        assert!(!Some(101i32).is_at_most(100));
        assert!(!None::<i32>.is_at_most(100));
        assert!(!(-1i64).is_at_most(100), "a negative limit is not within a table row");
        assert!(5u64.is_at_most(5));
    }

    #[test]
    fn lists_are_sent_as_json_text() {
        let mut q = QueryWriter::new();
        vec![1i64, 2].write_param("orderIdList", &mut q);
        vec!["a".to_string(), "b\"c".to_string()].write_param("origClientOrderIdList", &mut q);
        vec![Decimal::from_str("0.10").unwrap()].write_param("prices", &mut q);
        Vec::<i64>::new().write_param("empty", &mut q);
        assert_eq!(
            q.as_str(),
            "orderIdList=%5B1%2C2%5D&origClientOrderIdList=%5B%22a%22%2C%22b%5C%22c%22%5D&prices=%5B%220.10%22%5D&empty=%5B%5D"
        );
        let mut p = JsonParams::default();
        vec![1i64, 2].write_param("orderIdList", &mut p);
        assert_eq!(p.map["orderIdList"], "[1,2]");
    }

    #[test]
    fn json_objects_skip_unset_fields() {
        let mut text = String::new();
        let mut o = JsonObject::begin(&mut text);
        o.field("symbol", "BTC\"USDT");
        o.optional("price", &None::<Decimal>);
        o.optional("quantity", &Some(Decimal::from_str("0.10").unwrap()));
        o.field("ids", &vec![1i64, 2]);
        o.end();
        assert_eq!(text, r#"{"symbol":"BTC\"USDT","quantity":"0.10","ids":[1,2]}"#);
        let mut empty = String::new();
        JsonObject::begin(&mut empty).end();
        assert_eq!(empty, "{}");
    }

    #[test]
    fn json_params_keep_integers_as_numbers_and_decimals_as_strings() {
        let mut p = JsonParams::default();
        7u64.write_param("recvWindow", &mut p);
        Decimal::from_str("1.50").unwrap().write_param("price", &mut p);
        assert_eq!(serde_json::to_string(&p.map).unwrap(), r#"{"price":"1.50","recvWindow":7}"#);
    }
}
