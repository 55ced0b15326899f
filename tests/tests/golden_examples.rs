//! Golden: every response example stored in the spec decodes into its endpoint's generated
//! response type and re-encodes with no value lost (decimals compared by their exact text);
//! and decoding survives what the wire really sends.
//!
//! The endpoints come from the spec itself (`build.rs` lists each one with its request type),
//! so a new endpoint in the spec is covered without editing this file.

use binance_client::runtime::stream::{EventSet, StreamDescriptor};
use binance_client::runtime::ws::WsResponse;
use binance_client::runtime::Endpoint;
use binance_client::{portfolio_margin, portfolio_margin_pro, usds_futures};
use binance_codegen::Config;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

/// Decodes one example (label, JSON) into an endpoint's response and checks the round trip.
type Case = fn(&str, &str);

include!(concat!(env!("OUT_DIR"), "/golden_cases.rs"));
include!(concat!(env!("OUT_DIR"), "/stream_cases.rs"));

/// A market stream: the example is one message's payload.
fn stream_case<D: StreamDescriptor>(label: &str, json: &str)
where
    D::Event: Serialize + DeserializeOwned,
{
    if let Err(e) = D::decode(json) {
        panic!("{label}: the descriptor does not decode it: {e}");
    }
    round_trip::<D::Event>(label, json);
}

/// A user-data event: the enum picks the event's own variant, not `Unknown`.
fn user_data_case<E: EventSet>(label: &str, json: &str, event_type: &str, type_of: fn(&E) -> String) {
    let event = E::decode_json(json).unwrap_or_else(|e| panic!("{label}: does not decode as a user-data event: {e}"));
    assert_eq!(type_of(&event), event_type, "{label}: decoded as another event");
}

/// A REST endpoint: the example is the response body.
fn rest_case<R: Endpoint>(label: &str, json: &str)
where
    R::Response: Serialize,
{
    round_trip::<R::Response>(label, json);
}

/// A WebSocket API endpoint: the example is the whole `{id, status, result}` envelope when it
/// has one, else the result alone.
fn ws_case<R: Endpoint>(label: &str, json: &str)
where
    R::Response: Serialize,
{
    match parse(label, json) {
        Json::Object(members) if members.contains_key("result") && members.contains_key("status") => {
            round_trip::<WsResponse<R::Response>>(label, json)
        }
        _ => round_trip::<R::Response>(label, json),
    }
}

/// Decodes `json` as `T`, re-encodes it, and checks nothing was lost.
fn round_trip<T: DeserializeOwned + Serialize>(label: &str, json: &str) {
    let decoded: T = serde_json::from_str(json).unwrap_or_else(|e| panic!("{label}: does not decode: {e}"));
    let reencoded = serde_json::to_string(&decoded).unwrap_or_else(|e| panic!("{label}: does not encode: {e}"));
    assert_lossless(label, "$", &parse(label, json), &parse(label, &reencoded));
}

/// JSON with every number kept as its text (`serde_json::Value` would hold it as `f64`).
#[derive(Debug)]
enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(BTreeMap<String, Json>),
}

fn parse(label: &str, text: &str) -> Json {
    let fail = |e: serde_json::Error| -> ! { panic!("{label}: not JSON: {e}: {text}") };
    match text.trim_start().as_bytes().first() {
        Some(b'{') => {
            let members: BTreeMap<String, Box<RawValue>> = serde_json::from_str(text).unwrap_or_else(|e| fail(e));
            Json::Object(members.into_iter().map(|(k, v)| (k, parse(label, v.get()))).collect())
        }
        Some(b'[') => {
            let items: Vec<Box<RawValue>> = serde_json::from_str(text).unwrap_or_else(|e| fail(e));
            Json::Array(items.iter().map(|v| parse(label, v.get())).collect())
        }
        Some(b'"') => Json::String(serde_json::from_str(text).unwrap_or_else(|e| fail(e))),
        Some(b't' | b'f') => Json::Bool(serde_json::from_str(text).unwrap_or_else(|e| fail(e))),
        Some(b'n') => Json::Null,
        _ => Json::Number(text.trim().to_owned()),
    }
}

fn is_empty(v: &Json) -> bool {
    matches!(v, Json::Null) || matches!(v, Json::String(s) if s.is_empty())
}

/// The exact decimal a string or number holds (a decimal's scale is its text's).
fn as_decimal(v: &Json) -> Option<Decimal> {
    match v {
        Json::String(s) => binance_client::runtime::decimal::parse(s).ok(),
        Json::Number(n) => Decimal::from_str(n).ok(),
        _ => None,
    }
}

/// Every value of `original` is in `reencoded`: equal (numbers by their text), or the same
/// decimal with the same scale, or an empty value (`""`/`null`) that became absent or `null`
/// (an absent trailing element of a tuple model included).
fn assert_lossless(label: &str, at: &str, original: &Json, reencoded: &Json) {
    match (original, reencoded) {
        (Json::Object(o), Json::Object(r)) => {
            for (k, ov) in o {
                let path = format!("{at}.{k}");
                match r.get(k) {
                    Some(rv) => assert_lossless(label, &path, ov, rv),
                    None => assert!(is_empty(ov), "{label}: {path} = {ov:?} was dropped"),
                }
            }
        }
        (Json::Array(o), Json::Array(r)) => {
            assert!(
                o.len() == r.len() || (r.len() < o.len() && o[r.len()..].iter().all(is_empty)),
                "{label}: {at} array length changed from {} to {}",
                o.len(),
                r.len()
            );
            for (i, (ov, rv)) in o.iter().zip(r).enumerate() {
                assert_lossless(label, &format!("{at}[{i}]"), ov, rv);
            }
        }
        (Json::Null, Json::Null) => {}
        (Json::Bool(a), Json::Bool(b)) if a == b => {}
        (Json::String(a), Json::String(b)) if a == b => {}
        (Json::Number(a), Json::Number(b)) if a == b => {}
        (o, r) if is_empty(o) && is_empty(r) => {}
        (o, r) => match (as_decimal(o), as_decimal(r)) {
            (Some(a), Some(b)) if a == b && a.scale() == b.scale() => {}
            _ => panic!("{label}: {at} changed from {o:?} to {r:?}"),
        },
    }
}

#[test]
fn every_example_decodes_and_reencodes_without_loss() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/spec");
    let products = Config::new().spec_dir(spec).validate().unwrap();
    let mut checked = 0;
    for product in &products {
        for endpoint in &product.endpoints {
            assert!(!endpoint.examples.is_empty(), "{}: no examples in the spec", endpoint.name);
            let case = GOLDEN_CASES
                .iter()
                .find(|(module, name, _)| *module == product.module && *name == endpoint.name)
                .map(|(_, _, case)| *case)
                .unwrap_or_else(|| panic!("{}.{}: not listed by build.rs", product.module, endpoint.name));
            for (i, json) in endpoint.examples.iter().enumerate() {
                case(&format!("{}.{} example {i}", product.module, endpoint.name), json);
                checked += 1;
            }
        }
    }
    assert_eq!(GOLDEN_CASES.len(), products.iter().map(|p| p.endpoints.len()).sum::<usize>());
    assert!(checked >= 7, "only {checked} examples checked");
}

#[test]
fn every_stream_and_event_example_decodes_and_reencodes_without_loss() {
    let spec = Path::new(binance_client::SPEC_DIR);
    let products = Config::new().spec_dir(spec).validate().unwrap();
    let mut checked = 0;
    for product in &products {
        let streams = product
            .streams
            .market
            .iter()
            .map(|s| (s.patterns.iter().map(|p| p.pattern.as_str()).collect(), &s.examples));
        let events = product.streams.events.iter().map(|e| (vec![e.event_type.as_str()], &e.examples));
        for (names, examples) in streams.chain(events) {
            let names: Vec<&str> = names;
            assert!(!examples.is_empty(), "{}.{names:?}: no examples in the spec", product.module);
            for name in names {
                let case = STREAM_CASES
                    .iter()
                    .find(|(module, n, _)| *module == product.module && *n == name)
                    .map(|(_, _, case)| *case)
                    .unwrap_or_else(|| panic!("{}.{name}: not listed by build.rs", product.module));
                for (i, json) in examples.iter().enumerate() {
                    case(&format!("{}.{name} example {i}", product.module), json);
                    checked += 1;
                }
            }
        }
    }
    // 42 stream and event pages; streams with several name patterns are checked once per pattern.
    assert!(checked >= 42, "only {checked} stream examples checked");
}

#[test]
fn the_checker_itself_notices_loss() {
    let original = parse("t", r#"{"a":"1.10","b":[1,2],"c":"x","d":103.123456789012345678,"e":[1,"",null]}"#);
    for changed in [
        r#"{"a":"1.1","b":[1,2],"c":"x","d":103.123456789012345678,"e":[1]}"#,
        r#"{"a":"1.10","b":[1],"c":"x","d":103.123456789012345678,"e":[1]}"#,
        r#"{"a":"1.10","b":[1,2],"d":103.123456789012345678,"e":[1]}"#,
        r#"{"a":"1.10","b":[1,2],"c":"x","d":"103.12345678901234","e":[1]}"#,
        r#"{"a":"1.10","b":[1,2],"c":"x","d":103.12345678901234,"e":[1]}"#,
        r#"{"a":"1.10","b":[2,1],"c":"x","d":103.123456789012345678,"e":[1]}"#,
    ] {
        let changed = parse("t", changed);
        let outcome = std::panic::catch_unwind(|| assert_lossless("t", "$", &original, &changed));
        assert!(outcome.is_err(), "loss not noticed: {changed:?}");
    }
    // What is not a loss: decimal text for a number, a separator dropped, empties gone.
    let same = parse("t", r#"{"a":"1.10","b":[1,2],"c":"x","d":"103.123456789012345678","e":[1]}"#);
    assert_lossless("t", "$", &original, &same);
    assert_lossless("t", "$", &parse("t", r#"{"a":"1,000.50"}"#), &parse("t", r#"{"a":"1000.50"}"#));
}

#[test]
fn decoding_survives_what_the_wire_sends() {
    use portfolio_margin_pro::{AccountStatus, AccountType, PortfolioMarginProAccountInformation as Pm};
    // Numbers instead of strings, a thousands separator, a new enum value and a new field.
    let json = r#"{"uniMMR": 5167.92171923, "accountEquity": "122607.35137903", "actualEquity": "1",
        "accountMaintMargin": "23.72469206", "accountInitialMargin": "", "totalAvailableBalance": "1,000.5",
        "accountStatus": "SOMETHING_NEW", "accountType": "PM_3", "brandNewField": {"x": 1}}"#;
    let pm: Pm = serde_json::from_str(json).unwrap();
    assert_eq!(pm.uni_mmr, Decimal::from_str("5167.92171923").unwrap());
    assert_eq!(pm.account_initial_margin, None);
    assert_eq!(pm.total_available_balance, Some(Decimal::from_str("1000.5").unwrap()));
    assert_eq!(pm.account_status, AccountStatus::Other("SOMETHING_NEW".into()));
    assert_eq!(pm.account_type, AccountType::Pm3);
    // The unknown value is sent back as received; the unknown field is kept and written back.
    assert_eq!(serde_json::to_value(&pm.account_status).unwrap(), "SOMETHING_NEW");
    assert_eq!(pm.unknown_fields.get("brandNewField"), Some(r#"{"x": 1}"#));
    assert_eq!(serde_json::to_value(&pm).unwrap()["brandNewField"], serde_json::json!({"x": 1}));
}

#[test]
fn empty_strings_on_optional_decimals_are_none() {
    let json = r#"{"uniMMR":"1","accountEquity":"1","actualEquity":"1","accountInitialMargin":"1",
        "accountMaintMargin":"1","accountStatus":"NORMAL","virtualMaxWithdrawAmount":"1",
        "totalAvailableBalance":"","totalMarginOpenLoss":"","updateTime":1657707212154}"#;
    let account: portfolio_margin::AccountInformation = serde_json::from_str(json).unwrap();
    assert_eq!(account.total_available_balance, None);
    assert_eq!(account.total_margin_open_loss, None);
    assert_eq!(account.update_time, 1657707212154);
}

#[test]
fn a_missing_required_field_is_a_clear_decode_error() {
    let err = serde_json::from_str::<usds_futures::ClassicPortfolioMarginAccountInformation>(r#"{"asset":"BTC"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing field `maxWithdrawAmountUSD`"), "{err}");
}

#[test]
fn um_bracket_cum_decodes_as_the_float_binance_sends() {
    // The PM UM brackets page shows `"cum":0`, the CM and USDⓈ-M pages `"cum": 0.0`; the wire
    // sends a float (`9400.0`), which an integer field would refuse.
    let json = r#"{"bracket": 2, "initialLeverage": 50, "notionalCap": 50000, "notionalFloor": 10000,
        "maintMarginRatio": 0.01, "cum": 9400.0}"#;
    let bracket: portfolio_margin::UmNotionalAndLeverageBracketsBracket =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("does not decode: {e}"));
    assert_eq!(bracket.cum.to_string().parse::<f64>().unwrap(), 9400.0);
}

#[test]
fn a_margin_order_acknowledged_with_ack_decodes() {
    // New-Margin-Order: "MARKET and LIMIT order types default to FULL, all other orders default
    // to ACK"; the page shows only the FULL reply. An ACK (and a RESULT, without `fills`) must
    // decode too, or a placed stop order is reported as a failure.
    let ack = r#"{"symbol": "BTCUSDT", "orderId": 28, "clientOrderId": "6gCrw2kRUAF9CvJDGP16IP",
        "transactTime": 1507725176595}"#;
    let order: portfolio_margin::NewMarginOrder =
        serde_json::from_str(ack).unwrap_or_else(|e| panic!("ACK does not decode: {e}"));
    assert_eq!(order.order_id, 28);
    let result = r#"{"symbol": "BTCUSDT", "orderId": 28, "clientOrderId": "6gCrw2kRUAF9CvJDGP16IP",
        "transactTime": 1507725176595, "price": "1.00000000", "origQty": "10.00000000",
        "executedQty": "10.00000000", "cummulativeQuoteQty": "10.00000000", "status": "FILLED",
        "timeInForce": "GTC", "type": "MARKET", "side": "SELL"}"#;
    serde_json::from_str::<portfolio_margin::NewMarginOrder>(result)
        .unwrap_or_else(|e| panic!("RESULT does not decode: {e}"));
}

#[test]
fn events_without_their_conditionally_pushed_fields_decode() {
    use portfolio_margin::streams::UserDataEvent as PmEvent;
    use usds_futures::streams::UserDataEvent;
    // Event-Order-Update.md: `AP` and `cr` are "only puhed with TRAILING_STOP_MARKET order"; a
    // LIMIT order's update has neither, and it is the event a trader waits for.
    let limit = r#"{"e":"ORDER_TRADE_UPDATE","E":1568879465651,"T":1568879465650,"o":{"s":"BTCUSDT",
        "c":"TEST","S":"BUY","o":"LIMIT","f":"GTC","q":"0.001","p":"25000","ap":"0","sp":"0","x":"NEW",
        "X":"NEW","i":8886774,"l":"0","z":"0","L":"0","N":"USDT","n":"0","T":1568879465650,"t":0,
        "b":"25","a":"0","m":false,"R":false,"wt":"CONTRACT_PRICE","ot":"LIMIT","ps":"BOTH","cp":false,
        "pP":false,"si":0,"ss":0,"rp":"0","V":"EXPIRE_TAKER","pm":"NONE","gtd":0,"er":"0"}}"#;
    match UserDataEvent::decode_json(limit).unwrap_or_else(|e| panic!("a LIMIT order's update: {e}")) {
        UserDataEvent::OrderTradeUpdate(e) => {
            assert_eq!(e.order.order_id, 8886774);
            assert_eq!(e.order.activation_price, None);
            assert_eq!(e.order.callback_rate, None);
        }
        other => panic!("decoded as {other:?}"),
    }
    // Event-Algo-Order-Update.md: `ap`, `aq` and `act` are "only display when order is triggered
    // and placed in matching engine": a new, untriggered algo order has none.
    let algo = r#"{"e":"ALGO_UPDATE","T":1750515742297,"E":1750515742303,"o":{"caid":"Q5xaq5EGKgXXa0fD7fs0Ip",
        "aid":2148719,"at":"CONDITIONAL","o":"TAKE_PROFIT","s":"BNBUSDT","S":"SELL","ps":"BOTH","f":"GTC",
        "q":"0.01","X":"NEW","ai":"","tp":"750","p":"750","V":"EXPIRE_MAKER","wt":"CONTRACT_PRICE","pm":"NONE",
        "cp":false,"pP":false,"R":false,"tt":0,"gtd":0,"rm":""}}"#;
    match UserDataEvent::decode_json(algo).unwrap_or_else(|e| panic!("an untriggered algo order's update: {e}")) {
        UserDataEvent::AlgoUpdate(e) => assert_eq!(e.o.algo_id, 2148719),
        other => panic!("decoded as {other:?}"),
    }
    // Event-Margin-Call.md: `cw` is "Only pushed with crossed position margin call".
    let isolated = r#"{"e":"MARGIN_CALL","E":1587727187525,"p":[{"s":"ETHUSDT","ps":"LONG","pa":"1.327",
        "mt":"ISOLATED","iw":"1.5","mp":"187.17127","up":"-1.166074","mm":"1.614445"}]}"#;
    match UserDataEvent::decode_json(isolated).unwrap_or_else(|e| panic!("an isolated margin call: {e}")) {
        UserDataEvent::MarginCall(e) => assert_eq!(e.cross_wallet_balance, None),
        other => panic!("decoded as {other:?}"),
    }
    // PM Event-Futures-Order-update.md: `st` and `si` are "only pushed with conditional order
    // triggered", `N` and `n` "will not push if no commission"; a new plain order has none.
    let pm = r#"{"e":"ORDER_TRADE_UPDATE","fs":"UM","E":1568879465651,"T":1568879465650,"i":"SfsR",
        "o":{"s":"BTCUSDT","c":"TEST","S":"SELL","o":"LIMIT","f":"GTC","q":"0.001","p":"25000","ap":"0",
        "sp":"0","x":"NEW","X":"NEW","i":8886774,"l":"0","z":"0","L":"0","T":1568879465650,"t":0,
        "b":"0","a":"9.91","m":false,"R":false,"ps":"LONG","rp":"0",
        "V":"EXPIRE_TAKER","pm":"NONE","gtd":0}}"#;
    match PmEvent::decode_json(pm).unwrap_or_else(|e| panic!("a PM plain order's update: {e}")) {
        PmEvent::OrderTradeUpdate(e) => assert_eq!((e.o.commission, e.o.strategy_type.is_none()), (None, true)),
        other => panic!("decoded as {other:?}"),
    }
}

#[test]
fn algo_orders_have_typed_type_and_status_and_a_triggered_update_decodes() {
    use usds_futures::streams::UserDataEvent;
    use usds_futures::{AlgoStatus, AlgoType, OrderType};
    // Event-Algo-Order-Update.md lists the **Algo Status** values; `act` is the "actual order
    // type in matching engine" (the page's example shows "0"), so a triggered order sends a type.
    let triggered = r#"{"e":"ALGO_UPDATE","T":1750515742297,"E":1750515742303,"o":{"caid":"Q5xaq5EGKgXXa0fD7fs0Ip",
        "aid":2148719,"at":"CONDITIONAL","o":"STOP_MARKET","s":"BNBUSDT","S":"SELL","ps":"BOTH","f":"GTC",
        "q":"0.01","X":"TRIGGERED","ai":"5000001","ap":"749.5","aq":"0.01","act":"MARKET","tp":"750","p":"0",
        "V":"EXPIRE_MAKER","wt":"CONTRACT_PRICE","pm":"NONE","cp":false,"pP":false,"R":false,"tt":1750515742297,
        "gtd":0,"rm":""}}"#;
    match UserDataEvent::decode_json(triggered).unwrap_or_else(|e| panic!("a triggered algo order's update: {e}")) {
        UserDataEvent::AlgoUpdate(e) => {
            assert_eq!(e.o.algo_status, AlgoStatus::Triggered);
            assert_eq!(e.o.actual_order_type_in_matching, Some(OrderType::Market));
        }
        other => panic!("decoded as {other:?}"),
    }
    let reply = r#"{"algoId": 2146760, "clientAlgoId": "6B2I9XVcJpCjqPAJ4YoFX7", "algoType": "CONDITIONAL",
        "orderType": "STOP_MARKET", "symbol": "BNBUSDT", "side": "SELL", "positionSide": "BOTH", "timeInForce": "GTC",
        "quantity": "0.01", "algoStatus": "NEW", "triggerPrice": "750.000", "price": "0", "icebergQuantity": null,
        "selfTradePreventionMode": "EXPIRE_MAKER", "workingType": "CONTRACT_PRICE", "priceMatch": "NONE",
        "closePosition": false, "priceProtect": false, "reduceOnly": false, "activatePrice": "", "callbackRate": "",
        "createTime": 1750485492076, "updateTime": 1750485492076, "triggerTime": 0, "goodTillDate": 0}"#;
    let placed: usds_futures::NewAlgoOrder = serde_json::from_str(reply).unwrap();
    assert_eq!((placed.algo_type, placed.algo_status), (AlgoType::Conditional, AlgoStatus::New));
}

#[test]
fn an_order_updates_working_type_original_type_stp_and_price_match_are_the_shared_enums() {
    use usds_futures::streams::UserDataEvent;
    use usds_futures::{OrderType, PriceMatch, SelfTradePreventionMode, WorkingType};
    // Event-Order-Update.md: `wt` "Stop Price Working Type", `ot` "Original Order Type", `V`
    // "STP mode", `pm` "Price match mode": what the REST order models type as enums.
    let json = r#"{"e":"ORDER_TRADE_UPDATE","E":1568879465651,"T":1568879465650,"o":{"s":"BTCUSDT",
        "c":"TEST","S":"BUY","o":"LIMIT","f":"GTC","q":"0.001","p":"25000","ap":"0","sp":"0","x":"NEW",
        "X":"NEW","i":8886774,"l":"0","z":"0","L":"0","N":"USDT","n":"0","T":1568879465650,"t":0,
        "b":"25","a":"0","m":false,"R":false,"wt":"MARK_PRICE","ot":"LIMIT","ps":"BOTH","cp":false,
        "pP":false,"si":0,"ss":0,"rp":"0","V":"EXPIRE_MAKER","pm":"QUEUE_5","gtd":0,"er":"0"}}"#;
    let UserDataEvent::OrderTradeUpdate(e) = UserDataEvent::decode_json(json).unwrap() else {
        panic!("not an order update")
    };
    assert_eq!(e.order.stop_price_working_type, WorkingType::MarkPrice);
    assert_eq!(e.order.original_order_type, OrderType::Limit);
    assert_eq!(e.order.stp_mode, SelfTradePreventionMode::ExpireMaker);
    assert_eq!(e.order.price_match_mode, PriceMatch::Queue5);
}

#[test]
fn a_new_orders_update_without_commission_or_close_all_decodes() {
    use usds_futures::streams::UserDataEvent;
    // faq/stp-faq.md shows ORDER_TRADE_UPDATE with `N` and `n` "will not push if no commission",
    // and Event-Order-Update.md (Chinese edition) says `cp` is pushed only for conditional
    // orders: a new LIMIT order's update has none of them.
    let json = r#"{"e":"ORDER_TRADE_UPDATE","E":1568879465651,"T":1568879465650,"o":{"s":"BTCUSDT",
        "c":"TEST","S":"BUY","o":"LIMIT","f":"GTC","q":"0.001","p":"25000","ap":"0","sp":"0","x":"NEW",
        "X":"NEW","i":8886774,"l":"0","z":"0","L":"0","T":1568879465650,"t":0,"b":"25","a":"0","m":false,
        "R":false,"wt":"CONTRACT_PRICE","ot":"LIMIT","ps":"BOTH","pP":false,"si":0,"ss":0,"rp":"0",
        "V":"EXPIRE_MAKER","pm":"NONE","gtd":0,"er":"0"}}"#;
    match UserDataEvent::decode_json(json).unwrap_or_else(|e| panic!("a new LIMIT order's update: {e}")) {
        UserDataEvent::OrderTradeUpdate(e) => assert_eq!(e.order.order_id, 8886774),
        other => panic!("decoded as {other:?}"),
    }
}

#[test]
fn a_funding_fee_account_update_without_positions_decodes() {
    // Event-Balance-and-Position-Update.md (and PM's Event-Futures-Balance-and-Position-Update.md):
    // 'When "FUNDING FEE" occurs in a crossed position, ACCOUNT_UPDATE will be pushed with only
    // the balance B …, without any position P message.'
    let um = r#"{"e":"ACCOUNT_UPDATE","E":1564745798939,"T":1564745798938,"a":{"m":"FUNDING_FEE",
        "B":[{"a":"USDT","wb":"122624.12345678","cw":"100.12345678","bc":"50.12345678"}]}}"#;
    match usds_futures::streams::UserDataEvent::decode_json(um).unwrap_or_else(|e| panic!("USDⓈ-M: {e}")) {
        usds_futures::streams::UserDataEvent::AccountUpdate(e) => assert_eq!(e.update_data.p, None),
        other => panic!("decoded as {other:?}"),
    }
    let pm = r#"{"e":"ACCOUNT_UPDATE","fs":"UM","E":1564745798939,"T":1564745798938,"i":"","a":{"m":"FUNDING_FEE",
        "B":[{"a":"USDT","wb":"122624.12345678","cw":"100.12345678","bc":"50.12345678"}]}}"#;
    match portfolio_margin::streams::UserDataEvent::decode_json(pm).unwrap_or_else(|e| panic!("PM: {e}")) {
        portfolio_margin::streams::UserDataEvent::AccountUpdate(e) => assert_eq!(e.update_data.p, None),
        other => panic!("decoded as {other:?}"),
    }
}

#[test]
fn leverage_brackets_of_a_symbol_whose_brackets_were_never_adjusted_decode() {
    // Notional-and-Leverage-Brackets.md: `notionalCoef` "only appears when user's symbol bracket
    // is adjusted"; PM's UM-Notional-and-Leverage-Brackets.md shows the same object.
    let json = r#"[{"symbol": "ETHUSDT", "brackets": [{"bracket": 1, "initialLeverage": 75, "notionalCap": 10000,
        "notionalFloor": 0, "maintMarginRatio": 0.0065, "cum": 0.0}]}]"#;
    let um: Vec<usds_futures::NotionalAndLeverageBrackets> =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("USDⓈ-M: {e}"));
    assert_eq!(um[0].notional_coef, None);
    let pm: Vec<portfolio_margin::UmNotionalAndLeverageBrackets> =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("PM: {e}"));
    assert_eq!(pm[0].notional_coef, None);
}

#[test]
fn a_margin_order_update_without_trailing_delta_or_iceberg_quantity_decodes() {
    use portfolio_margin::streams::UserDataEvent;
    // PM Event-Margin-Order-Update.md: `d` "Trailing Delta; This is only visible if the order was
    // a trailing stop order", `F` "Iceberg quantity; Will not be visible if not iceberg order":
    // a plain LIMIT margin order's executionReport has neither.
    let json = r#"{"e": "executionReport", "E": 1499405658658, "s": "ETHBTC", "c": "mUvoqJxFIILMdfAW5iGSOW",
        "S": "BUY", "o": "LIMIT", "f": "GTC", "q": "1.00000000", "p": "0.10264410", "P": "0.00000000",
        "g": -1, "C": "", "x": "NEW", "X": "NEW", "r": "NONE", "i": 4293153, "l": "0.00000000",
        "z": "0.00000000", "L": "0.00000000", "n": "0", "N": null, "T": 1499405658657, "t": -1, "I": 8641984,
        "w": true, "m": false, "O": 1499405658657, "Z": "0.00000000", "Y": "0.00000000", "W": 1499405658657,
        "V": "NONE"}"#;
    match UserDataEvent::decode_json(json).unwrap_or_else(|e| panic!("a LIMIT margin order's update: {e}")) {
        UserDataEvent::ExecutionReport(e) => assert_eq!(e.order_id, 4293153),
        other => panic!("decoded as {other:?}"),
    }
}

#[test]
fn an_untriggered_pm_conditional_order_decodes() {
    // PM Query-All-UM-Conditional-Orders.md (and the other conditional order queries): `orderId`
    // and `status` are the "Normal orderID after trigger if appliable, only have when the
    // strategy is triggered", `type` the "Normal order type after trigger if appliable": a
    // stop order still waiting for its trigger has none of them.
    let json = r#"[{"newClientStrategyId": "abc", "strategyId": 123445, "strategyStatus": "NEW",
        "strategyType": "STOP_MARKET", "origQty": "0.40", "price": "0", "reduceOnly": false, "side": "BUY",
        "positionSide": "SHORT", "stopPrice": "9300", "symbol": "BTCUSDT", "bookTime": 1566818724710,
        "updateTime": 1566818724722, "triggerTime": 0, "timeInForce": "GTC", "selfTradePreventionMode": "NONE",
        "goodTillDate": 0, "priceMatch": "NONE"}]"#;
    let orders: Vec<portfolio_margin::QueryAllUmConditionalOrders> =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("an untriggered conditional order: {e}"));
    assert_eq!(orders[0].strategy_id, 123445);
}

#[test]
fn gte_gtc_is_a_known_time_in_force() {
    // Event-Algo-Order-Update.md (Algo Status EXPIRED): "a user places a GTE_GTC Time-In-Force
    // conditional order": Binance sends it as the `timeInForce` / `f` of such orders.
    let tif: usds_futures::TimeInForce = serde_json::from_str(r#""GTE_GTC""#).unwrap();
    assert_eq!(tif.as_str(), "GTE_GTC");
    assert!(!matches!(tif, usds_futures::TimeInForce::Other(_)), "{tif:?}");
}
