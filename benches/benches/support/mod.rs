//! Response bodies shared by the decode and loopback benches: the spec's `GET /fapi/v3/account`
//! example, and a large account built from it.

#![allow(dead_code)] // Each bench uses part of this module.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::path::Path;

/// The first response example of `account_information_v3` in `spec/usds_futures.yaml`
/// (2 assets, 1 position), compacted as a server sends it.
pub fn small_account() -> String {
    serde_json::to_string(&example()).expect("the example re-encodes")
}

/// An account with `assets` assets and `positions` positions, made by repeating the example's
/// asset and position objects with different names and values (every decimal keeps the
/// example's form: a string with the same number of fraction digits).
pub fn large_account(assets: usize, positions: usize) -> String {
    let mut account = example();
    let Value::Object(top) = &mut account else { panic!("the example is an object") };
    let asset = first_of(top, "assets");
    let position = first_of(top, "positions");
    let sides = ["BOTH", "LONG", "SHORT"];
    let assets: Vec<Value> = (0..assets)
        .map(|i| {
            let mut a = vary(&asset, i);
            a["asset"] = Value::from(format!("ASSET{i}"));
            a
        })
        .collect();
    let positions: Vec<Value> = (0..positions)
        .map(|i| {
            let mut p = vary(&position, i + 1_000);
            p["symbol"] = Value::from(format!("SYM{i}USDT"));
            p["positionSide"] = Value::from(sides[i % sides.len()]);
            p["updateTime"] = Value::from(1_625_474_304_765_i64 + i as i64);
            p
        })
        .collect();
    top.insert("assets".into(), Value::Array(assets));
    top.insert("positions".into(), Value::Array(positions));
    serde_json::to_string(&account).expect("the account re-encodes")
}

/// `body` with every object's keys in the order Binance sends them, the documented order (the
/// spec's, so the model's declaration order), as the model `T` encodes them. Bodies built
/// through `serde_json::Value` have their keys sorted (serde_json without `preserve_order`),
/// which no server does, and which a decoder that looks for the next key first pays for. Panics
/// unless the result holds exactly the same values as `body`.
pub fn in_wire_order<T: DeserializeOwned + Serialize>(body: &str) -> String {
    let model: T = serde_json::from_str(body).expect("the body decodes into the model");
    let ordered = serde_json::to_string(&model).expect("the model encodes");
    let parse = |json: &str| serde_json::from_str::<Value>(json).expect("JSON");
    assert_eq!(parse(body), parse(&ordered), "re-encoding through the model changes only the key order");
    ordered
}

/// How many positions an account body lists.
pub fn positions_in(body: &str) -> usize {
    let account: Value = serde_json::from_str(body).expect("the body is JSON");
    account["positions"].as_array().map_or(0, Vec::len)
}

fn example() -> Value {
    let path = Path::new(binance_client::SPEC_DIR).join("usds_futures.yaml");
    let spec = binance_spec::load::load_file(&path).expect("the workspace spec loads");
    let (_, endpoint) = spec
        .ast
        .endpoints
        .iter()
        .find(|(name, _)| name == "account_information_v3")
        .expect("spec has account_information_v3");
    let json = &endpoint.examples.first().expect("account_information_v3 has an example").json;
    serde_json::from_str(json).expect("the example is JSON")
}

fn first_of(top: &Map<String, Value>, key: &str) -> Value {
    top.get(key).and_then(|v| v.as_array()).and_then(|a| a.first()).cloned().expect("example has the list")
}

/// The object with every decimal string replaced by a different value of the same scale.
fn vary(object: &Value, seed: usize) -> Value {
    let mut out = object.clone();
    if let Value::Object(fields) = &mut out {
        for (k, (_, value)) in fields.iter_mut().enumerate() {
            let Some(text) = value.as_str() else { continue };
            if text.parse::<f64>().is_err() {
                continue; // Not a decimal (asset, symbol, side).
            }
            let scale = text.split_once('.').map_or(0, |(_, frac)| frac.len());
            let mixed = (seed as u64 + 1).wrapping_mul(2_654_435_761).wrapping_add(k as u64 * 40_503);
            let int = mixed % 100_000;
            let sign = if mixed % 5 == 0 { "-" } else { "" };
            *value = Value::from(if scale == 0 {
                format!("{sign}{int}")
            } else {
                let frac = (mixed / 7) % 10u64.pow(scale as u32);
                format!("{sign}{int}.{frac:0scale$}")
            });
        }
    }
    out
}
