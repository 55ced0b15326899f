use binance_runtime::Endpoint;

#[derive(Endpoint)]
#[endpoint(http = "GET /fapi/v1/openOrders", security = "USER_DATA", weight(ip = 40, if_present(symbol)), response = ())]
struct OpenOrdersRequest {
    symbol: Option<String>,
}

fn main() {}
