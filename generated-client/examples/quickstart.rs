//! Quickstart: one call of each kind through the generated client, REST and WebSocket API.
//!
//! `cargo run --example quickstart` starts the mock exchange in-process (REST and WebSocket API,
//! answering from the same spec) and calls it: account, market data, an order placed and
//! cancelled, a listen key, Portfolio Margin and Portfolio Margin Pro; then it prints the weight
//! and orders counted per rate budget. Last, two seconds of the `btcusdt@aggTrade` market stream
//! and one event of a user data stream that manages its own listen key, from the mock's stream
//! server (the same mock: its listen keys are the ones REST made).
//!
//! `cargo run --example quickstart -- --live`, with `BINANCE_API_KEY` and `BINANCE_API_SECRET`
//! (HMAC) set, calls the real API instead and stays read-only: no order, no listen key, and the
//! market stream only (from `wss://fstream.binance.com`).

use binance_client::runtime::stream::{StreamClient, StreamConfig, UserDataConfig};
use binance_client::runtime::{self, ClientBuilder, Credentials, Decimal, Product, WsApiBuilder};
use binance_client::usds_futures::streams;
use binance_client::usds_futures::{
    CancelOrderRequest, NewOrderRequest, OrderBookRequest, OrderSide, OrderType, TimeInForce,
};
use binance_client::{portfolio_margin, portfolio_margin_pro, usds_futures};
use futures_util::StreamExt;
use serde_json::Value;
use std::process::ExitCode;
use std::time::Duration;

const MOCK_KEY: &str = "quickstart-key";
const MOCK_SECRET: &str = "quickstart-secret";
/// Binance's market-stream server of USDⓈ-M Futures, for `--live`.
const LIVE_STREAM_URL: &str = "wss://fstream.binance.com";

/// Where requests go: the embedded mock (its URLs), or Binance itself (`None`: the spec's URLs).
struct Target {
    rest_url: Option<String>,
    ws_url: Option<String>,
    credentials: Credentials,
}

impl Target {
    fn rest(&self, product: &'static Product) -> ClientBuilder {
        let builder = ClientBuilder::new(product).credentials(self.credentials.clone());
        match &self.rest_url {
            Some(url) => builder.base_url(url.clone()),
            None => builder,
        }
    }

    fn ws(&self, product: &'static Product) -> WsApiBuilder {
        let builder = WsApiBuilder::new(product).credentials(self.credentials.clone());
        match &self.ws_url {
            Some(url) => builder.url(url.clone()),
            None => builder,
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let live = std::env::args().any(|a| a == "--live");
    match run(live).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(live: bool) -> Result<(), Box<dyn std::error::Error>> {
    // Kept until the end of `run`: dropping it stops the mock.
    let mut mock = None;
    let target = if live {
        let (Ok(key), Ok(secret)) = (std::env::var("BINANCE_API_KEY"), std::env::var("BINANCE_API_SECRET")) else {
            return Err("--live needs BINANCE_API_KEY and BINANCE_API_SECRET (an HMAC key pair)".into());
        };
        println!("calling the real Binance API (read-only: no order, no listen key)");
        Target { rest_url: None, ws_url: None, credentials: Credentials::hmac(key, secret)? }
    } else {
        let running = binance_mock::MockExchange::builder()
            .spec_dir(binance_client::SPEC_DIR)
            .hmac_key(MOCK_KEY, MOCK_SECRET)
            .start()
            .await?;
        println!(
            "mock exchange: REST {}  WebSocket API {}  streams {}",
            running.base_url(),
            running.ws_url(),
            running.stream_url()
        );
        let target = Target {
            rest_url: Some(running.base_url()),
            ws_url: Some(running.ws_url()),
            credentials: Credentials::hmac(MOCK_KEY, MOCK_SECRET)?,
        };
        mock = Some(running);
        target
    };

    let fapi = usds_futures::Client::new(target.rest(&usds_futures::PRODUCT).build()?);
    // The WebSocket API shares the REST client's weight budgets and clock.
    let ws = usds_futures::WsClient::new(target.ws(&usds_futures::PRODUCT).share_with(fapi.rest()).build()?);

    section("Account: GET /fapi/v3/account (USER_DATA, signed)");
    report(fapi.account_information_v3(&Default::default()).await, |a| {
        println!("wallet balance {}  available {}", a.total_wallet_balance, a.available_balance);
        for asset in &a.assets {
            println!("  {:<5} wallet {:>14}  margin {:>14}", asset.asset, asset.wallet_balance, asset.margin_balance);
        }
    });

    section("Account: WebSocket API account.status (weight 5, plus 5 for opening the connection)");
    report(ws.account_status(&Default::default()).await, |reply| {
        let a = &reply.result;
        println!("fee tier {}  can trade {}  wallet balance {}", a.fee_tier, a.can_trade, a.total_wallet_balance);
    });

    // The spec gives the weight per `limit`: 10 unset, 2 up to 50, ... 20 up to 1000.
    section("Market data: GET /fapi/v1/depth, limit 5 (weight 2 instead of 10)");
    report(fapi.order_book(&OrderBookRequest::new("BTCUSDT").limit(5)).await, |book| {
        for (bid, ask) in book.bids.iter().zip(&book.asks) {
            println!("  bid {:>10} x {:<8} ask {:>10} x {}", bid.price, bid.qty, ask.price, ask.qty);
        }
    });

    if !live {
        section("Trading: POST /fapi/v1/order (counts against the ORDERS budgets), then DELETE");
        let order = NewOrderRequest::new("BTCUSDT", OrderSide::Buy, OrderType::Limit)
            .quantity(Decimal::new(1, 3))
            .price(Decimal::new(25_000, 0))
            .time_in_force(TimeInForce::Gtc);
        // The mock answers with the doc pages' examples, so the ids and amounts are theirs.
        if let Some(placed) = report(fapi.new_order(&order).await, |o| {
            println!("placed: order {}, status {:?}", o.order_id, o.status);
        }) {
            let cancel = CancelOrderRequest::new("BTCUSDT").order_id(placed.order_id);
            report(fapi.cancel_order(&cancel).await, |o| {
                println!("cancelled: order {}, status {:?}", o.order_id, o.status)
            });
        }

        section("Listen key: POST then PUT /fapi/v1/listenKey (USER_STREAM: API key, no signature)");
        report(fapi.start_user_data_stream(&Default::default()).await, |k| {
            println!("started {}", k.listen_key);
        });
        report(fapi.keepalive_user_data_stream(&Default::default()).await, |k| {
            println!("kept alive {}", k.listen_key);
        });
    }

    let papi = portfolio_margin::Client::new(target.rest(&portfolio_margin::PRODUCT).build()?);
    section("Portfolio Margin: GET /papi/v1/account");
    report(papi.account_information(&Default::default()).await, |a| {
        println!("uniMMR {}  equity {}  status {}", a.uni_mmr, a.account_equity, a.account_status);
    });

    let sapi = portfolio_margin_pro::Client::new(target.rest(&portfolio_margin_pro::PRODUCT).build()?);
    section("Portfolio Margin Pro: GET /sapi/v1/portfolio/account");
    report(sapi.portfolio_margin_pro_account_information(&Default::default()).await, |a| {
        println!("uniMMR {}  equity {}  type {}", a.uni_mmr, a.account_equity, a.account_type);
    });

    section("Used per budget (this process's count: REST and WebSocket API together)");
    for client in [fapi.rest(), papi.rest(), sapi.rest()] {
        for u in client.usage() {
            println!(
                "  {:<5} {:?} {:?} per {} {:?}: {} of {}",
                u.family, u.limit_type, u.kind, u.interval_num, u.interval, u.used, u.limit
            );
        }
    }

    let streams = mock.as_ref().map(binance_mock::RunningMock::streams);
    let stream_url = streams.as_ref().map_or_else(|| LIVE_STREAM_URL.to_string(), |s| s.url());
    let stream_client = StreamClient::connect(StreamConfig::new(stream_url.clone()));
    // Like the calls above, a stream that fails (no network, say) is reported and the run goes on.
    if let Err(e) = market_stream(&stream_client, streams.as_ref()).await {
        println!("failed: {e}");
    }
    if let Some(streams) = &streams {
        if let Err(e) = user_data_event(&fapi, streams, stream_url).await {
            println!("failed: {e}");
        }
    }
    Ok(())
}

/// Two seconds of `btcusdt@aggTrade`, typed. The mock publishes a trade every 300 ms (the spec's
/// example with a new id, price and time each time); the real server sends what trades.
async fn market_stream(
    client: &StreamClient,
    mock: Option<&binance_mock::streams::MockStreams>,
) -> Result<(), Box<dyn std::error::Error>> {
    section("Market stream: btcusdt@aggTrade for 2 seconds (typed AggregateTradeEvent)");
    let mut trades = client.subscribe(&streams::AggregateTrade::new("BTCUSDT")).await?;
    let example: Option<Value> =
        mock.and_then(|m| m.example("usds_futures", "<symbol>@aggTrade")).map(serde_json::from_str).transpose()?;
    let end = tokio::time::sleep(Duration::from_secs(2));
    tokio::pin!(end);
    let mut tick = tokio::time::interval(Duration::from_millis(300));
    let mut published: u32 = 0;
    loop {
        tokio::select! {
            () = &mut end => break,
            _ = tick.tick(), if mock.is_some() => {
                if let (Some(mock), Some(example)) = (mock, &example) {
                    mock.publish(trades.name(), &varied_trade(example, published));
                    published += 1;
                }
            }
            item = trades.next() => match item {
                Some(Ok(t)) => println!(
                    "  trade {}: {} {} @ {} ({})",
                    t.aggregate_trade_id,
                    t.symbol,
                    t.quantity,
                    t.price,
                    if t.is_buyer_market_maker { "sell, buyer is maker" } else { "buy" },
                ),
                // A decode error or a reconnection is an item: shown, and the stream goes on.
                Some(Err(e)) => println!("  stream: {e}"),
                None => break,
            },
        }
    }
    Ok(())
}

/// The spec's aggTrade example with the `n`th trade's id, price and times.
fn varied_trade(example: &Value, n: u32) -> String {
    let mut trade = example.clone();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
    trade["a"] = Value::from(5_933_014 + i64::from(n));
    trade["p"] = Value::from(format!("{}.{}", 64_250 + (n * 7) % 20, n % 10));
    trade["q"] = Value::from(format!("0.{:03}", 1 + (n * 37) % 500));
    trade["m"] = Value::from(n % 3 == 0);
    trade["E"] = Value::from(now);
    trade["T"] = Value::from(now);
    trade.to_string()
}

/// A user data stream that manages its listen key (start, keep-alive, renewal, close), and one
/// `ORDER_TRADE_UPDATE` (the spec's example) the mock publishes on that key.
async fn user_data_event(
    fapi: &usds_futures::Client,
    mock: &binance_mock::streams::MockStreams,
    stream_url: String,
) -> Result<(), Box<dyn std::error::Error>> {
    section("User data stream: fapi.user_data_stream_with(mock URL), one event (typed UserDataEvent), close()");
    let mut events = fapi.user_data_stream_with(UserDataConfig::new(stream_url)).await?;
    let key = mock.listen_keys().into_iter().find(|k| k.live).ok_or("the mock has a live listen key")?;
    let example =
        mock.example("usds_futures", "ORDER_TRADE_UPDATE").ok_or("the spec has an ORDER_TRADE_UPDATE example")?;
    mock.publish(&key.key, example);
    match tokio::time::timeout(Duration::from_secs(5), events.next()).await {
        Ok(Some(Ok(streams::UserDataEvent::OrderTradeUpdate(e)))) => {
            let o = &e.order;
            println!(
                "  ORDER_TRADE_UPDATE: order {} {} {:?} {:?} {} @ {}, execution {}, status {}",
                o.order_id,
                o.symbol,
                o.side,
                o.order_type,
                o.original_quantity,
                o.original_price,
                o.execution_type,
                o.order_status
            );
        }
        Ok(Some(Ok(other))) => println!("  another event: {other:?}"),
        // Keep-alive failures and key renewals are items too.
        Ok(Some(Err(e))) => println!("  stream: {e}"),
        Ok(None) => println!("  the stream ended"),
        Err(_) => println!("  no event within 5 s"),
    }
    events.close().await?;
    let closed = mock.listen_keys().iter().filter(|k| k.closed).count();
    println!("  closed the listen key (DELETE /fapi/v1/listenKey); keys closed on the mock: {closed}");
    Ok(())
}

fn section(title: &str) {
    println!("\n== {title}");
}

/// Prints a typed result and hands it back, or prints the error and goes on (a live account
/// may not have every product).
fn report<T>(result: runtime::Result<T>, show: impl FnOnce(&T)) -> Option<T> {
    match result {
        Ok(value) => {
            show(&value);
            Some(value)
        }
        Err(e) => {
            println!("failed: {e}");
            None
        }
    }
}
