//! A REST endpoint with every kind of parameter and a parameter-dependent weight.

use binance_runtime::params::QueryWriter;
use binance_runtime::{Decimal, Endpoint, HttpMethod, RestEndpoint, Security, WeightKind, WireEnum};
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, WireEnum)]
enum Side {
    Buy,
    Sell,
    Other(String),
}

#[derive(Debug, Clone, Endpoint)]
#[endpoint(
    http = "GET /fapi/v1/openOrders",
    security = "USER_DATA",
    weight(ip = 40, if_present(symbol = 1), if_present(pair = 10)),
    response = Vec<()>
)]
struct OpenOrdersRequest {
    symbol: Option<String>,
    pair: Option<String>,
    side: Side,
    #[endpoint(rename = "newClientOrderId")]
    client_id: Option<String>,
    r#type: Option<String>,
    price: Option<Decimal>,
    reduce_only: Option<bool>,
    limit: Option<i32>,
    recv_window: Option<u64>,
}

fn main() {
    assert_eq!(<OpenOrdersRequest as RestEndpoint>::METHOD, HttpMethod::Get);
    assert_eq!(<OpenOrdersRequest as RestEndpoint>::PATH, "/fapi/v1/openOrders");
    assert_eq!(OpenOrdersRequest::SECURITY, Security::UserData);
    assert_eq!(OpenOrdersRequest::NAME, "OpenOrdersRequest");

    let mut req = OpenOrdersRequest {
        symbol: None,
        pair: None,
        side: Side::Sell,
        client_id: None,
        r#type: None,
        price: None,
        reduce_only: None,
        limit: None,
        recv_window: None,
    };
    assert_eq!(req.weight().kind, WeightKind::Ip);
    assert_eq!(req.weight().value, 40);
    req.pair = Some("BTCUSDT".into());
    assert_eq!(req.weight().value, 10);
    req.symbol = Some("BTC USDT".into());
    assert_eq!(req.weight().value, 1, "the first matching rule wins");
    assert_eq!(req.recv_window(), None);

    req.client_id = Some("my-id".into());
    req.r#type = Some("LIMIT".into());
    req.price = Some(Decimal::from_str("9000.10").unwrap());
    req.reduce_only = Some(false);
    req.limit = Some(-5);
    req.recv_window = Some(5000);
    assert_eq!(req.recv_window(), Some(5000));
    let mut query = QueryWriter::new();
    req.write_params(&mut query);
    assert_eq!(
        query.as_str(),
        "symbol=BTC%20USDT&pair=BTCUSDT&side=SELL&newClientOrderId=my-id&type=LIMIT&price=9000.10&reduceOnly=false&limit=-5",
        "declared order, Binance names, recvWindow left to the client"
    );
}
