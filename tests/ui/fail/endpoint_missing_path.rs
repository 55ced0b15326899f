use binance_runtime::Endpoint;

#[derive(Endpoint)]
#[endpoint(http = "GET", security = "NONE", weight(ip = 1), response = ())]
struct ServerTimeRequest {}

#[derive(Endpoint)]
#[endpoint(http = "/fapi/v1/time", security = "NONE", weight(ip = 1), response = ())]
struct NoMethodRequest {}

#[derive(Endpoint)]
#[endpoint(http = "PATCH /fapi/v1/time", security = "NONE", weight(ip = 1), response = ())]
struct UnknownMethodRequest {}

fn main() {}
