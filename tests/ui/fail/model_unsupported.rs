use binance_runtime::{model, Decimal};

#[model]
#[derive(Debug)]
struct OrderBook {
    last_update_id: i64,
    bids: Vec<Vec<Decimal>>,
}

#[model]
enum Side {
    Buy,
}

fn main() {}
