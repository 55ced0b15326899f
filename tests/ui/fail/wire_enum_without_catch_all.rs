use binance_runtime::WireEnum;

#[derive(WireEnum)]
enum PositionSide {
    #[wire("BOTH")]
    Both,
    #[wire("LONG")]
    Long,
}

fn main() {}
