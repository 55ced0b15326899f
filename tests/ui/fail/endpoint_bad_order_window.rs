use binance_runtime::Endpoint;

#[derive(Endpoint)]
#[endpoint(http = "POST /fapi/v1/order", security = "TRADE", weight(ip = 0, orders(week1 = 1)), response = ())]
struct NewOrderRequest {}

fn main() {}
