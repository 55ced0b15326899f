use binance_runtime::Endpoint;

#[derive(Endpoint)]
#[endpoint(http = "GET /fapi/v1/time", securty = "NONE", weight(ip = 1), response = ())]
struct ServerTimeRequest {}

fn main() {}
