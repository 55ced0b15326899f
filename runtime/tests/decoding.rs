//! Decoding through `#[model]` as generated code uses it: exact decimals, every optional type
//! reading absent / `null` / `""` as `None`, unknown fields kept, re-encoded and reported as
//! drift (issue 13 items 2, 6, 7), tuple models and empty models.

use binance_runtime::drift::{self, DriftKind};
use binance_runtime::{model, Decimal, UnknownFields, WireEnum};
use serde_json::Value;
use std::str::FromStr;

/// A documented enum with the catch-all the generator always adds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, WireEnum)]
pub enum Side {
    Buy,
    Sell,
    Other(String),
}

#[model]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Inner {
    pub asset: String,
}

#[model]
#[derive(Debug, Clone, PartialEq)]
pub struct Everything {
    pub flag: Option<bool>,
    pub count: Option<i64>,
    pub small: Option<i32>,
    pub name: Option<String>,
    pub side: Option<Side>,
    pub inner: Option<Inner>,
    pub list: Option<Vec<Inner>>,
    pub price: Option<Decimal>,
    pub prices: Option<Vec<Decimal>>,
    #[serde(rename = "uniMMR")]
    pub uni_mmr: Option<Decimal>,
}

fn everything(json: &str) -> Everything {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn all_none(e: &Everything) -> bool {
    e.flag.is_none()
        && e.count.is_none()
        && e.small.is_none()
        && e.name.is_none()
        && e.side.is_none()
        && e.inner.is_none()
        && e.list.is_none()
        && e.price.is_none()
        && e.prices.is_none()
        && e.uni_mmr.is_none()
}

#[test]
fn every_optional_type_reads_absent_null_and_empty_as_none() {
    assert!(all_none(&everything("{}")));
    let keys = ["flag", "count", "small", "name", "side", "inner", "list", "price", "prices", "uniMMR"];
    for empty in ["null", r#""""#] {
        let json = format!("{{{}}}", keys.map(|k| format!(r#""{k}":{empty}"#)).join(","));
        let decoded = everything(&json);
        assert!(all_none(&decoded), "{json}: {decoded:?}");
        assert!(decoded.unknown_fields.is_empty(), "{json}");
    }
    // Values next to the empty ones still decode: `""` is consumed whole.
    let e = everything(
        r#"{"flag":"","count":7,"small":"","name":"x","side":"","inner":{"asset":"BTC"},"list":"",
            "price":"1.50","prices":"","uniMMR":2}"#,
    );
    assert_eq!(e.count, Some(7));
    assert_eq!(e.name.as_deref(), Some("x"));
    assert_eq!(e.inner.map(|i| i.asset), Some("BTC".into()));
    assert_eq!(e.price.map(|p| p.to_string()), Some("1.50".into()));
    assert_eq!(e.uni_mmr, Some(Decimal::from(2)));
}

#[test]
fn optional_values_still_decode_and_wrong_types_still_fail() {
    let e = everything(
        r#"{"flag":true,"count":-3,"small":5,"name":"n","side":"SELL","inner":{"asset":"A"},
            "list":[{"asset":"B"}],"price":0.10,"prices":["1","2.0"]}"#,
    );
    assert_eq!((e.flag, e.count, e.small), (Some(true), Some(-3), Some(5)));
    assert_eq!(e.side, Some(Side::Sell));
    assert_eq!(e.list.map(|l| l.len()), Some(1));
    assert_eq!(e.price.map(|p| p.to_string()), Some("0.10".into()));
    for bad in [r#"{"flag":"yes"}"#, r#"{"count":"x"}"#, r#"{"small":4294967296}"#, r#"{"inner":[1]}"#] {
        assert!(serde_json::from_str::<Everything>(bad).is_err(), "{bad}");
    }
}

#[model]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Balance {
    pub asset: String,
    pub free: Decimal,
    pub locked: Decimal,
}

/// Issue 13 item 2, through a model: a JSON number keeps every digit and its scale.
#[test]
fn decimals_sent_as_numbers_are_exact() {
    let b: Balance = serde_json::from_str(r#"{"asset":"BTC","free":103.123456789012345678,"locked":1.10}"#).unwrap();
    assert_eq!(b.free.to_string(), "103.123456789012345678");
    assert_eq!(b.locked.to_string(), "1.10");
    let b: Balance = serde_json::from_str(r#"{"asset":"BTC","free":0.0,"locked":123456789012345678901}"#).unwrap();
    assert_eq!((b.free.to_string().as_str(), b.free.scale()), ("0.0", 1));
    assert_eq!(b.locked, Decimal::from_str("123456789012345678901").unwrap());
    let err = serde_json::from_str::<Balance>(r#"{"asset":"A","free":"1.234,56","locked":"0"}"#).unwrap_err();
    assert!(err.to_string().contains("is not a decimal number"), "{err}");
    let err = serde_json::from_str::<Balance>(r#"{"asset":"A","free":0.00000000000000000000000000001,"locked":"0"}"#)
        .unwrap_err();
    assert!(err.to_string().contains("out of range for Decimal"), "{err}");
}

#[model]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DriftProbe {
    pub symbol: String,
    pub side: Side,
}

/// Issue 13 item 6: unknown fields are kept verbatim, re-encoded, and reported once with a count.
#[test]
fn unknown_fields_are_kept_reencoded_and_reported() {
    let json = r#"{"symbol":"BTCUSDT","adl":3,"side":"BUY","nested":{"x":[1,"2.10"]},"side2":"SELL"}"#;
    for _ in 0..3 {
        let probe: DriftProbe = serde_json::from_str(json).unwrap();
        assert_eq!(probe.unknown_fields.get("adl"), Some("3"));
        assert_eq!(probe.unknown_fields.get("nested"), Some(r#"{"x":[1,"2.10"]}"#));
        assert_eq!(probe.unknown_fields.len(), 3);
        let back: Value = serde_json::to_value(&probe).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(json).unwrap());
    }
    let seen = drift::snapshot();
    let adl = seen
        .iter()
        .find(|d| d.kind == DriftKind::Field && d.type_name.ends_with("::DriftProbe") && d.key == "adl")
        .unwrap_or_else(|| panic!("not reported: {seen:?}"));
    assert_eq!(adl.count, 3);
}

#[test]
fn unknown_enum_values_are_kept_and_reported() {
    let probe: DriftProbe = serde_json::from_str(r#"{"symbol":"X","side":"BOTH_WAYS"}"#).unwrap();
    assert_eq!(probe.side, Side::Other("BOTH_WAYS".into()));
    assert_eq!(serde_json::to_string(&probe).unwrap(), r#"{"symbol":"X","side":"BOTH_WAYS"}"#);
    let seen = drift::snapshot();
    assert!(
        seen.iter().any(|d| d.kind == DriftKind::EnumValue && d.type_name.ends_with("::Side") && d.key == "BOTH_WAYS"),
        "{seen:?}"
    );
}

#[test]
fn models_with_unknown_fields_compare_and_hash_by_them() {
    let a: Inner = serde_json::from_str(r#"{"asset":"A","new":1}"#).unwrap();
    let b: Inner = serde_json::from_str(r#"{"asset":"A","new":2}"#).unwrap();
    assert_ne!(a, b);
    assert_eq!(a.clone(), a);
    assert_eq!(
        Inner { asset: "A".into(), unknown_fields: UnknownFields::default() },
        serde_json::from_str(r#"{"asset":"A"}"#).unwrap()
    );
}

/// An order-book level: `["4.00000000","431.00000000"]`.
#[model(tuple)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Level {
    pub price: Decimal,
    pub qty: Decimal,
}

/// A kline, with an optional trailing element.
#[model(tuple)]
#[derive(Debug, Clone, PartialEq)]
pub struct Kline {
    pub open_time: i64,
    pub open: Decimal,
    pub high: Decimal,
    pub low: Decimal,
    pub close: Decimal,
    pub volume: Decimal,
    pub close_time: i64,
    pub quote_volume: Decimal,
    pub trades: u64,
    pub taker_base: Decimal,
    pub taker_quote: Decimal,
    pub ignore: Option<String>,
}

#[test]
fn tuple_models_read_arrays_by_position_and_write_them_back() {
    let level: Level = serde_json::from_str(r#"["4.00000000", 431.00000000]"#).unwrap();
    assert_eq!((level.price.to_string(), level.qty.to_string()), ("4.00000000".into(), "431.00000000".into()));
    assert_eq!(serde_json::to_string(&level).unwrap(), r#"["4.00000000","431.00000000"]"#);
    let book: Vec<Level> = serde_json::from_str(r#"[["1.0","2"],["3","4.5"]]"#).unwrap();
    assert_eq!(book.len(), 2);

    let full = r#"[1499040000000,"0.01634790","0.80000000","0.01575800","0.01577100","148976.11427815",
        1499644799999,"2434.19055334",308,"1756.87402397","28.46694368","0"]"#;
    let kline: Kline = serde_json::from_str(full).unwrap();
    assert_eq!(kline.open_time, 1499040000000);
    assert_eq!(kline.trades, 308);
    assert_eq!(kline.ignore.as_deref(), Some("0"));
    assert_eq!(serde_json::to_value(&kline).unwrap(), serde_json::from_str::<Value>(full).unwrap());

    // A missing optional trailing element is `None` and stays absent when re-encoded.
    let short = r#"[1,"1","1","1","1","1",2,"1",3,"1","1"]"#;
    let kline: Kline = serde_json::from_str(short).unwrap();
    assert_eq!(kline.ignore, None);
    assert_eq!(serde_json::to_value(&kline).unwrap(), serde_json::from_str::<Value>(short).unwrap());

    // Elements past the declared ones are kept and written back.
    let long = r#"["1","2",{"new":true},"x"]"#;
    let level: Level = serde_json::from_str(long).unwrap();
    assert_eq!(level.unknown_fields.get("2"), Some(r#"{"new":true}"#));
    assert_eq!(serde_json::to_value(&level).unwrap(), serde_json::from_str::<Value>(long).unwrap());

    // A missing required element is a clear error; so is an object.
    let err = serde_json::from_str::<Level>(r#"["1"]"#).unwrap_err().to_string();
    assert!(err.contains("missing field `qty`"), "{err}");
    // Fields are read in order, across the nested groups of a model with more than eight.
    let err = serde_json::from_str::<Kline>(r#"[1,"1","1","1","1","1",2,"1"]"#).unwrap_err().to_string();
    assert!(err.contains("missing field `trades`"), "{err}");
    let err = serde_json::from_str::<Level>(r#"{"price":"1","qty":"2"}"#).unwrap_err().to_string();
    assert!(err.contains("struct Level as an array"), "{err}");
}

/// A response `{}`.
#[model]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Empty {}

#[test]
fn empty_models_decode_and_keep_what_arrives() {
    let empty: Empty = serde_json::from_str("{}").unwrap();
    assert_eq!(serde_json::to_string(&empty).unwrap(), "{}");
    let more: Empty = serde_json::from_str(r#"{"code":200,"msg":"success"}"#).unwrap();
    assert_eq!(serde_json::to_string(&more).unwrap(), r#"{"code":200,"msg":"success"}"#);
}

/// A struct `#[model]` hands to serde's derive (another serde attribute): its optional
/// fields read `""` as `None` too.
#[model]
#[derive(Debug, Clone, PartialEq)]
pub struct SerdeRoute {
    #[serde(alias = "sym")]
    pub symbol: String,
    pub flag: Option<bool>,
    pub count: Option<i64>,
}

#[test]
fn the_serde_derive_route_reads_empty_optionals_as_none() {
    let s: SerdeRoute = serde_json::from_str(r#"{"sym":"X","flag":"","count":""}"#).unwrap();
    assert_eq!((s.symbol.as_str(), s.flag, s.count), ("X", None, None));
    let s: SerdeRoute = serde_json::from_str(r#"{"symbol":"X","flag":true}"#).unwrap();
    assert_eq!((s.flag, s.count), (Some(true), None));
}
