use binance_runtime::Endpoint;

#[derive(Endpoint)]
#[endpoint(http = "GET /fapi/v1/ticker/price", security = "NONE", weight(ip = 1), response = ())]
struct PriceRequest(String);

fn main() {}
