use binance_runtime::Endpoint;

#[derive(Endpoint)]
#[endpoint(http = "GET /fapi/v1/time", security = "NONE", weight(ip = 0), response = ())]
struct ServerTimeRequest {}

fn main() {}
