use binance_runtime::Endpoint;

struct Window {
    start: i64,
    end: i64,
}

#[derive(Endpoint)]
#[endpoint(http = "GET /fapi/v1/klines", security = "NONE", weight(ip = 1), response = ())]
struct KlinesRequest {
    symbol: String,
    payload: Vec<u8>,
    window: Option<Window>,
}

fn main() {}
