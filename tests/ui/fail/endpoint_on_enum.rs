use binance_runtime::Endpoint;

#[derive(Endpoint)]
#[endpoint(http = "GET /fapi/v1/time", security = "NONE", weight(ip = 1), response = ())]
enum ServerTimeRequest {
    Now,
}

fn main() {}
