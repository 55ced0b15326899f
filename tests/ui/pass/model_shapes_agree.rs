//! `#[model(stream)]` (a visitor written out per model) and `#[model(tuple)]` decode and encode
//! exactly as `#[model]` (the runtime's generic visitor) does: the same values, the same
//! errors, unknown keys and extra elements kept and written back.

use binance_runtime::{model, Decimal};

/// The same struct under each object shape.
macro_rules! trade {
    ($(#[$shape:meta])* $name:ident) => {
        $(#[$shape])*
        #[derive(Debug, Clone, PartialEq)]
        struct $name {
            #[serde(rename = "e")]
            event_type: String,
            #[serde(rename = "p")]
            price: Decimal,
            #[serde(rename = "q")]
            quantity: Option<Decimal>,
            #[serde(rename = "l")]
            levels: Vec<Decimal>,
            #[serde(rename = "n")]
            note: Option<String>,
            #[serde(rename = "T")]
            trade_time: i64,
        }
    };
}

trade!(#[model] Generic);
trade!(#[model(stream)] Streamed);

#[model(tuple)]
#[derive(Debug, Clone, PartialEq)]
struct Level {
    price: Decimal,
    quantity: Decimal,
    orders: Option<i64>,
}

/// Required decimals only: read in one pass from the row's text (`decimal_row`), every other
/// input by the element-by-element visitor that `Level` uses.
#[model(tuple)]
#[derive(Debug, Clone, PartialEq)]
struct Row {
    price: Decimal,
    quantity: Decimal,
}

#[model(stream)]
#[derive(Debug, Clone, PartialEq)]
struct Book {
    #[serde(rename = "b")]
    bids: Vec<Row>,
}

/// A row decoded as `Row` and as `Level` (element by element): the values and encoding, or the
/// error without its position (a `Row` error is placed where the row ends).
fn rows(json: &str) -> (Result<String, String>, Result<String, String>) {
    let unplaced = |e: serde_json::Error| {
        let message = e.to_string();
        let at = format!(" at line {} column {}", e.line(), e.column());
        message.strip_suffix(&at).unwrap_or(&message).replace("struct Level", "struct Row")
    };
    let row = serde_json::from_str::<Row>(json).map_err(unplaced);
    let level = serde_json::from_str::<Level>(json).map_err(unplaced);
    (
        row.map(|v| format!("{} {} {}", v.price, v.quantity, serde_json::to_string(&v).unwrap())),
        level.map(|v| format!("{} {} {}", v.price, v.quantity, serde_json::to_string(&v).unwrap())),
    )
}

fn both(json: &str) -> (Result<String, String>, Result<String, String>) {
    let generic = serde_json::from_str::<Generic>(json).map_err(|e| e.to_string());
    // Errors name the struct: compare them under one name.
    let streamed = serde_json::from_str::<Streamed>(json).map_err(|e| e.to_string().replace("Streamed", "Generic"));
    // The same fields, so the same encoding when both decode.
    (
        generic.map(|v| serde_json::to_string(&v).unwrap()),
        streamed.map(|v| serde_json::to_string(&v).unwrap()),
    )
}

fn main() {
    let cases = [
        // In order, out of order, numbers as decimals, unknown keys (kept and written back).
        r#"{"e":"trade","p":"0.0010","q":"2","l":["1","2.50"],"n":"x","T":1}"#,
        r#"{"T":1,"l":[],"p":0.5,"e":"trade","x":{"a":[1]},"y":null}"#,
        // Optional fields: absent, null, "".
        r#"{"e":"trade","p":"1","q":null,"l":[],"n":"","T":1}"#,
        // Errors: missing, duplicate, wrong type, bad decimal, not an object.
        r#"{"e":"trade","l":[],"T":1}"#,
        r#"{"e":"trade","p":"1","p":"2","l":[],"T":1}"#,
        r#"{"e":"trade","p":"1","l":[],"T":"soon"}"#,
        r#"{"e":"trade","p":"1.2.3","l":[],"T":1}"#,
        r#"["trade","1"]"#,
    ];
    for json in cases {
        let (generic, streamed) = both(json);
        assert_eq!(generic, streamed, "{json}");
    }
    let (encoded, _) = both(cases[1]);
    assert_eq!(
        encoded.unwrap(),
        r#"{"e":"trade","p":"0.5","q":null,"l":[],"n":null,"T":1,"x":{"a":[1]},"y":null}"#
    );
    let (missing, _) = both(cases[3]);
    assert_eq!(missing.unwrap_err(), "missing field `p` at line 1 column 26");

    // Tuples: in order; a missing optional tail is `None`; extra elements are kept by position.
    let level: Level = serde_json::from_str(r#"["4.00","431.5",3]"#).unwrap();
    assert_eq!((level.price.to_string(), level.quantity.to_string(), level.orders), ("4.00".into(), "431.5".into(), Some(3)));
    let short: Level = serde_json::from_str(r#"["4.00","431.5"]"#).unwrap();
    assert_eq!(short.orders, None);
    let long: Level = serde_json::from_str(r#"["4.00","431.5",3,"extra",[1]]"#).unwrap();
    assert_eq!(serde_json::to_string(&long).unwrap(), r#"["4.00","431.5",3,"extra",[1]]"#);
    let err = serde_json::from_str::<Level>(r#"["4.00"]"#).unwrap_err().to_string();
    assert!(err.starts_with("missing field `quantity`"), "{err}");
    let err = serde_json::from_str::<Level>(r#"{"price":"1"}"#).unwrap_err().to_string();
    assert!(err.starts_with("invalid type: map, expected struct Level as an array"), "{err}");

    // Rows of decimals: the one-pass reading agrees with the element-by-element one.
    for json in [
        r#"["0.0024","10"]"#,
        r#"[ 1.10 , "-0.0" ]"#,
        r#"["103.123456789012345678","1e-3"]"#,
        r#"["1,000.5"," 2 "]"#,
        r#"["1\u002e5","2"]"#,
        r#"["1","2",3,"x"]"#,
        r#"["1"]"#,
        r#"[]"#,
        r#"["1.2.3","2"]"#,
        r#"["","2"]"#,
        r#"[null,"2"]"#,
        r#"[true,"2"]"#,
        r#"{"price":"1"}"#,
        r#""1""#,
    ] {
        let (row, level) = rows(json);
        assert_eq!(row, level, "{json}");
    }
    // From a `serde_json::Value`, and from a deserializer that answers a newtype with the
    // value itself (serde's value deserializers).
    let row: Row = serde_json::from_value(serde_json::json!(["0.50", 3])).unwrap();
    assert_eq!((row.price.to_string(), row.quantity.to_string()), ("0.50".into(), "3".into()));
    let seq = serde::de::value::SeqDeserializer::<_, serde::de::value::Error>::new(["1.5", "2"].into_iter());
    let row = <Row as serde::Deserialize>::deserialize(seq).unwrap();
    assert_eq!((row.price.to_string(), row.quantity.to_string()), ("1.5".into(), "2".into()));
    let (kept, _) = rows(r#"["1","2",3,"x"]"#);
    assert_eq!(kept.unwrap(), r#"1 2 ["1","2",3,"x"]"#);
    // An error in a row of a bigger document is placed once, where the row ends.
    let err = serde_json::from_str::<Book>(r#"{"b":[["1","2"],["1.2.3","2"]]}"#).unwrap_err().to_string();
    assert_eq!(err, "`1.2.3` is not a decimal number at line 1 column 30");
}
