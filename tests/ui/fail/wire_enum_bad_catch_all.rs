use binance_runtime::WireEnum;

#[derive(WireEnum)]
enum PositionSide {
    Long,
    Short,
    Other(u32),
}

#[derive(WireEnum)]
struct Side {
    value: String,
}

fn main() {}
