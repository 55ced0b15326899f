//! Weight 0 with order counts, a `limit` table and list parameters sent as JSON text.

use binance_runtime::params::QueryWriter;
use binance_runtime::{Endpoint, Interval, OrderCount, WeightKind};

#[derive(Debug, Clone, Endpoint)]
#[endpoint(
    http = "DELETE /fapi/v1/batchOrders",
    security = "TRADE",
    weight(ip = 0, orders(second10 = 1, minute1 = 1)),
    response = ()
)]
struct CancelBatchRequest {
    symbol: String,
    order_id_list: Option<Vec<i64>>,
    orig_client_order_id_list: Option<Vec<String>>,
}

#[derive(Debug, Clone, Endpoint)]
#[endpoint(
    http = "GET /fapi/v1/depth",
    security = "NONE",
    weight(ip = 20, if_present(limit = 2, at_most = 50), if_present(limit = 5, at_most = 100)),
    response = ()
)]
struct DepthRequest {
    symbol: String,
    limit: Option<i32>,
}

fn main() {
    let cancel = CancelBatchRequest {
        symbol: "BTCUSDT".into(),
        order_id_list: Some(vec![1, 2]),
        orig_client_order_id_list: Some(vec!["a".into()]),
    };
    let weight = cancel.weight();
    assert_eq!((weight.kind, weight.value), (WeightKind::Ip, 0));
    assert_eq!(
        weight.orders,
        [
            OrderCount { interval: Interval::Second, interval_num: 10, value: 1 },
            OrderCount { interval: Interval::Minute, interval_num: 1, value: 1 },
        ]
    );
    let mut q = QueryWriter::new();
    cancel.write_params(&mut q);
    assert_eq!(q.as_str(), "symbol=BTCUSDT&orderIdList=%5B1%2C2%5D&origClientOrderIdList=%5B%22a%22%5D");

    let weight_of = |limit| DepthRequest { symbol: "BTCUSDT".into(), limit }.weight().value;
    assert_eq!([weight_of(Some(5)), weight_of(Some(50)), weight_of(Some(100)), weight_of(Some(500)), weight_of(None)], [2, 2, 5, 20, 20]);
}
