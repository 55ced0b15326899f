use binance_runtime::Endpoint;

#[derive(Endpoint)]
#[endpoint(http = "GET /fapi/v1/openOrders", security = "USER_DATA", weight(ip = 40, if_present(pair = 1)), response = ())]
struct OpenOrdersRequest {
    symbol: Option<String>,
}

#[derive(Endpoint)]
#[endpoint(http = "GET /fapi/v1/allOrders", security = "USER_DATA", weight(ip = 5, if_present(orderId = 1)), response = ())]
struct AllOrdersRequest {
    order_id: Option<i64>,
}

fn main() {}
