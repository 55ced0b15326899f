use binance_runtime::WireEnum;

#[derive(WireEnum)]
enum PositionSide {
    #[wire("LONG")]
    Long,
    #[wire("LONG")]
    Short,
    Other(String),
}

fn main() {}
