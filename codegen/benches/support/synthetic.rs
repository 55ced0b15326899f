//! The synthetic spec shared by the generator bench and `examples/synthetic_spec.rs` (which
//! `scripts/compile-time.sh` runs), so both measure the same shape.

use std::fmt::Write as _;

/// A spec file with `n` signed GET endpoints, each with four parameters, its own 12-field
/// response model (decimals, strings, integers, a boolean, a timestamp, an optional decimal and
/// an enum) and one response example, like a typical Binance account or order endpoint.
/// `scripts/compile-time.sh` writes it through `cargo run --example synthetic_spec`.
pub fn synthetic_spec(n: usize) -> String {
    let mut y = String::with_capacity(n * 2_000);
    y.push_str(
        "product:\n  name: synthetic\n  title: Synthetic\n  base_urls: { rest: https://fapi.binance.com }\n  \
         time_path: /fapi/v1/time\n  rate_limits:\n    - { type: REQUEST_WEIGHT, kind: IP, interval: MINUTE, \
         interval_num: 1, limit: 2400 }\n\nendpoints:\n",
    );
    for i in 0..n {
        let _ = write!(
            y,
            r#"  synthetic_endpoint_{i}:
    title: Synthetic Endpoint {i} (USER_DATA)
    description: Synthetic endpoint number {i} for generator benchmarks.
    docs: https://developers.binance.com/docs/synthetic/endpoint-{i}
    http: {{ method: GET, path: /fapi/v1/synthetic{i} }}
    security: USER_DATA
    weight: {{ kind: IP, value: 5, rules: [{{ if_present: symbol, value: 1 }}] }}
    params:
      - {{ name: symbol, type: STRING, required: true, doc: Trading pair }}
      - {{ name: limit, type: INT, doc: How many rows }}
      - {{ name: recvWindow, type: LONG }}
      - {{ name: timestamp, type: LONG, required: true }}
    response: SyntheticModel{i}
    examples:
      - json: |
          {{
            "symbol": "BTCUSDT",
            "price": "43210.10",
            "qty": "0.002",
            "quoteQty": "86.42",
            "commission": "0.01728",
            "realizedPnl": "-1.25000000",
            "margin": "",
            "side": "BOTH",
            "orderId": 8886774,
            "count": 3,
            "isMaker": false,
            "time": 1625474304765
          }}
"#
        );
    }
    y.push_str("\nmodels:\n");
    for i in 0..n {
        let _ = write!(
            y,
            r#"  SyntheticModel{i}:
    doc: Response of synthetic endpoint {i}.
    fields:
      - {{ name: symbol, type: STRING, doc: Symbol }}
      - {{ name: price, type: DECIMAL, doc: Price }}
      - {{ name: qty, type: DECIMAL, doc: Quantity }}
      - {{ name: quoteQty, type: DECIMAL, doc: Quote quantity }}
      - {{ name: commission, type: DECIMAL, doc: Commission }}
      - {{ name: realizedPnl, type: DECIMAL, doc: Realized profit and loss }}
      - {{ name: margin, type: DECIMAL, optional: true, doc: Margin; empty when none }}
      - {{ name: side, type: SyntheticSide, doc: Position side }}
      - {{ name: orderId, type: LONG, doc: Order id }}
      - {{ name: count, type: INT, doc: Number of fills }}
      - {{ name: isMaker, type: BOOLEAN, doc: Whether the fill was a maker fill }}
      - {{ name: time, type: TIMESTAMP, doc: Trade time }}
"#
        );
    }
    y.push_str("\nenums:\n  SyntheticSide:\n    doc: Position side.\n    values: [BOTH, LONG, SHORT]\n");
    y
}
