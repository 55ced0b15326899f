//! Requests of the synthetic spec (`synthetic/synthetic.yaml`), built through the generated
//! constructors and setters: the parameters they write, their weights (limit tables, rules,
//! order counts), list and JSON-object parameters, enums and error codes.

/// Used in part here; every item is compiled under `deny(warnings)` by `generated_source.rs`.
#[allow(dead_code)]
mod synthetic {
    include!(concat!(env!("OUT_DIR"), "/synthetic.rs"));
}

use binance_runtime::params::{JsonParams, QueryWriter};
use binance_runtime::{Decimal, Endpoint, Interval, OrderCount, WeightKind, WireEnum};
use std::str::FromStr;
use synthetic::{
    CancelMultipleOrdersRequest, ErrorCode, KeepaliveUserDataStreamRequest, ModifyOrderRequest, NewOrderRequest,
    OrderBookRequest, OrderItem, OrderPlaceRequest, OrderSide, OrderType, PlaceMultipleOrdersRequest,
    SymbolPriceTickerRequest, TimeInForce, PRODUCT,
};

fn query<E: Endpoint>(request: &E) -> String {
    let mut q = QueryWriter::new();
    request.write_params(&mut q);
    q.into_string()
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

#[test]
fn new_takes_the_required_parameters_and_setters_the_optional_ones() {
    let request = NewOrderRequest::new("BTCUSDT", OrderSide::Buy, "LIMIT")
        .price(dec("43250.10"))
        .quantity(dec("0.001"))
        .time_in_force(TimeInForce::Gtc)
        .reduce_only(false)
        .recv_window(5000);
    assert_eq!(request.type_, OrderType::Limit, "`impl Into` takes the wire value too");
    assert_eq!(
        query(&request),
        "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price=43250.10&reduceOnly=false"
    );
    // The setter `recv_window` shadows the trait method of that name in method-call syntax.
    assert_eq!(Endpoint::recv_window(&request), Some(5000), "recvWindow is the runtime's, written after the others");
    let bare = NewOrderRequest::new("BTCUSDT", OrderSide::Sell, OrderType::Market);
    assert_eq!(query(&bare), "symbol=BTCUSDT&side=SELL&type=MARKET", "unset optional parameters are not sent");
}

#[test]
fn order_endpoints_count_against_the_orders_windows() {
    let weight = NewOrderRequest::new("BTCUSDT", OrderSide::Buy, OrderType::Market).weight();
    assert_eq!((weight.kind, weight.value), (WeightKind::Ip, 0));
    assert_eq!(
        weight.orders,
        [
            OrderCount { interval: Interval::Second, interval_num: 10, value: 1 },
            OrderCount { interval: Interval::Minute, interval_num: 1, value: 1 },
        ]
    );
    let batch = PlaceMultipleOrdersRequest::new(Vec::new()).weight();
    assert_eq!((batch.value, batch.orders[0].value), (5, 5));
    let ws = OrderPlaceRequest::new("BTCUSDT", OrderSide::Buy, OrderType::Market).weight();
    assert_eq!(ws.orders, [OrderCount { interval: Interval::Second, interval_num: 10, value: 1 }]);
    assert!(SymbolPriceTickerRequest::new().weight().orders.is_empty(), "market data counts no orders");
}

#[test]
fn limit_tables_give_the_weight_of_the_first_row_that_fits() {
    let weight = |limit: Option<i32>| {
        let request = OrderBookRequest::new("BTCUSDT");
        match limit {
            Some(limit) => request.limit(limit).weight().value,
            None => request.weight().value,
        }
    };
    let table: Vec<u32> = [Some(5), Some(50), Some(51), Some(100), Some(500), Some(1000), Some(-1), None]
        .into_iter()
        .map(weight)
        .collect();
    assert_eq!(table, [2, 2, 5, 5, 10, 20, 20, 20], "rows 50/100/500, then the base weight");
}

#[test]
fn presence_rules_change_the_weight() {
    assert_eq!(SymbolPriceTickerRequest::new().weight().value, 2);
    assert_eq!(SymbolPriceTickerRequest::new().symbol("BTCUSDT").weight().value, 1);
}

#[test]
fn list_parameters_are_sent_as_json_text() {
    let request = CancelMultipleOrdersRequest::new("BTCUSDT")
        .order_id_list([1234567890123i64, 2])
        .orig_client_order_id_list(["a".to_string(), "b".to_string()])
        .sides([OrderSide::Buy, OrderSide::Other("NEW_SIDE".into())]);
    assert_eq!(
        query(&request),
        "symbol=BTCUSDT&orderIdList=%5B1234567890123%2C2%5D&origClientOrderIdList=%5B%22a%22%2C%22b%22%5D\
         &sides=%5B%22BUY%22%2C%22NEW_SIDE%22%5D"
    );
    let mut ws = JsonParams::default();
    request.write_params(&mut ws);
    assert_eq!(ws.map["orderIdList"], "[1234567890123,2]");
}

fn order_item(json: &str) -> OrderItem {
    serde_json::from_str(json).unwrap()
}

#[test]
fn object_parameters_are_sent_as_json_with_decimals_as_strings() {
    let item = order_item(
        r#"{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","quantity":"0.10","price":"43250.10","timeInForce":"GTC"}"#,
    );
    let batch = PlaceMultipleOrdersRequest::new(vec![item.clone()]);
    let mut ws = JsonParams::default();
    batch.write_params(&mut ws);
    let text = ws.map["batchOrders"].as_str().unwrap().to_string();
    let sent: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(sent[0]["quantity"], "0.10", "a decimal inside a JSON object is a string, digits kept: {text}");
    assert_eq!(sent[0]["price"], "43250.10");
    assert_eq!(sent[0]["type"], "LIMIT");
    assert!(query(&batch).starts_with("batchOrders=%5B%7B%22"), "{}", query(&batch));

    let market = OrderItem::new("BTCUSDT", OrderSide::Sell, OrderType::Market, 1);
    assert_eq!(market, order_item(r#"{"symbol":"BTCUSDT","side":"SELL","type":"MARKET","quantity":"1"}"#));
    let limit = OrderItem::new("BTCUSDT", "BUY", "LIMIT", dec("0.10")).price(dec("43250.10")).time_in_force("GTC");
    assert_eq!(limit, item, "built with `new` and setters, or decoded: the same order");
    let mut ws = JsonParams::default();
    PlaceMultipleOrdersRequest::new([market]).write_params(&mut ws);
    assert_eq!(
        ws.map["batchOrders"], r#"[{"symbol":"BTCUSDT","side":"SELL","type":"MARKET","quantity":"1"}]"#,
        "unset optional fields are left out, not sent as null"
    );

    let modify = ModifyOrderRequest::new(item).order_id(7);
    let mut ws = JsonParams::default();
    modify.write_params(&mut ws);
    let one: serde_json::Value = serde_json::from_str(ws.map["order"].as_str().unwrap()).unwrap();
    assert_eq!(one["symbol"], "BTCUSDT", "a single object parameter is one JSON object");
    assert_eq!(ws.map["orderId"], 7);
}

#[test]
fn requests_without_parameters_are_default_and_new() {
    assert_eq!(KeepaliveUserDataStreamRequest::new(), KeepaliveUserDataStreamRequest::default());
    assert_eq!(query(&KeepaliveUserDataStreamRequest::new()), "");
}

#[test]
fn enums_parse_print_and_keep_unknown_values() {
    assert_eq!(OrderSide::from_str("BUY"), Ok(OrderSide::Buy));
    assert_eq!(TimeInForce::Gtc.as_str(), "GTC");
    assert_eq!(OrderType::TrailingStopMarket.to_string(), "TRAILING_STOP_MARKET");
    let unknown: OrderType = "BRAND_NEW".parse().unwrap();
    assert!(unknown.is_unknown());
    assert_eq!(unknown.as_str(), "BRAND_NEW");
    assert_eq!(synthetic::KlineInterval::from_str("1m"), Ok(synthetic::KlineInterval::V1m));
}

#[test]
fn error_codes_have_names_and_a_catch_all() {
    assert_eq!(ErrorCode::from(-1121), ErrorCode::BadSymbol);
    assert_eq!(ErrorCode::BadSymbol.code(), -1121);
    assert_eq!(ErrorCode::BadSymbol.name(), Some("BAD_SYMBOL"));
    assert_eq!(ErrorCode::from(-9999), ErrorCode::Other(-9999));
    assert_eq!(ErrorCode::Other(-9999).name(), None);
    let table: Vec<(i64, &str)> = PRODUCT.error_codes.iter().map(|e| (e.code, e.name)).collect();
    assert_eq!(table.len(), 4);
    for (code, name) in table {
        assert_eq!(ErrorCode::from(code).name(), Some(name), "PRODUCT.error_codes and ErrorCode agree");
    }
}

#[test]
fn models_decode_unknown_values_and_compare() {
    let json = r#"{"orderId":1,"symbol":"BTCUSDT","status":"NEW","side":"BUY","type":"LIMIT","timeInForce":"GTD",
        "price":"1.00","origQty":"2","goodTillDate":1693207680000,"updateTime":1693207680000,"brandNew":1}"#;
    let order: synthetic::Order = serde_json::from_str(json).unwrap();
    assert_eq!(order.good_till_date, 1_693_207_680_000);
    assert_eq!(order.activate_price, None, "a conditional field may be absent");
    let mut set = std::collections::HashSet::new();
    set.insert(order.clone());
    assert!(set.contains(&order), "models are Eq + Hash");
    let empty: synthetic::Empty = serde_json::from_str("{}").unwrap();
    assert!(empty.unknown_fields.is_empty());
    // A field the spec does not know is kept, so the two objects differ.
    let drifted: synthetic::Empty = serde_json::from_str(r#"{"unexpected":true}"#).unwrap();
    assert_ne!(empty, drifted);
    assert_eq!(drifted.unknown_fields.get("unexpected"), Some("true"));
}
