//! `#[model]`: camelCase names and lenient, lossless decimals without per-field attributes.

use binance_runtime::{model, Decimal, WireEnum};

#[derive(Debug, Clone, PartialEq, WireEnum)]
enum PositionSide {
    Both,
    Long,
    Short,
    Other(String),
}

#[::binance_runtime::model]
#[derive(Debug, Clone, PartialEq)]
struct Position {
    symbol: String,
    position_side: PositionSide,
    position_amt: Decimal,
    break_even_price: Option<Decimal>,
    #[serde(rename = "uniMMR")]
    uni_mmr: Decimal,
    fills: Vec<Decimal>,
    bands: Option<Vec<Decimal>>,
    update_time: i64,
}

#[model]
#[derive(Debug, PartialEq)]
struct Level(Decimal, Decimal);

fn main() {
    let json = r#"{"symbol":"BTCUSDT","positionSide":"HEDGE","positionAmt":0.1,"breakEvenPrice":"",
        "uniMMR":"122,559.90199491","fills":["1.000",2],"updateTime":1,"newField":true}"#;
    let p: Position = serde_json::from_str(json).unwrap();
    assert_eq!(p.position_side, PositionSide::Other("HEDGE".into()));
    assert_eq!(p.position_amt.to_string(), "0.1");
    assert_eq!(p.break_even_price, None);
    assert_eq!(p.uni_mmr.to_string(), "122559.90199491");
    assert_eq!(p.fills.iter().map(Decimal::to_string).collect::<Vec<_>>(), ["1.000", "2"]);
    assert_eq!(p.bands, None);
    let encoded = serde_json::to_string(&p).unwrap();
    assert_eq!(
        encoded,
        r#"{"symbol":"BTCUSDT","positionSide":"HEDGE","positionAmt":"0.1","breakEvenPrice":null,"uniMMR":"122559.90199491","fills":["1.000","2"],"bands":null,"updateTime":1,"newField":true}"#
    );
    let level: Level = serde_json::from_str(r#"["4.00000000","431.00000000"]"#).unwrap();
    assert_eq!(level.1.to_string(), "431.00000000");
}
