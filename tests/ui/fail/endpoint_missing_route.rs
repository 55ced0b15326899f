use binance_runtime::Endpoint;

#[derive(Endpoint)]
#[endpoint(security = "NONE", weight(ip = 1), response = ())]
struct ServerTimeRequest {}

fn main() {}
