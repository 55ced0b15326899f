use binance_runtime::Endpoint;

#[derive(Endpoint)]
struct ServerTimeRequest {}

fn main() {}
