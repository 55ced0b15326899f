//! Quickstart: every seed endpoint through the generated client, REST and WebSocket API.
//!
//! `cargo run --example quickstart` starts the mock exchange and its WebSocket API in-process
//! (driven by the same spec) and calls every endpoint against them. `cargo run --example quickstart -- --live`, with
//! `BINANCE_API_KEY` and `BINANCE_API_SECRET` (HMAC) set, calls the real API instead; only
//! read-only account endpoints are called.

use binance_client::runtime::{self, ClientBuilder, Credentials, Product, WsApiBuilder};
use binance_client::{portfolio_margin, portfolio_margin_pro, usds_futures};
use std::process::ExitCode;

const MOCK_KEY: &str = "quickstart-key";
const MOCK_SECRET: &str = "quickstart-secret";

/// Where requests go: the embedded mock, or Binance itself.
struct Target {
    base_url: Option<String>,
    ws_url: Option<String>,
    credentials: Credentials,
}

impl Target {
    fn builder(&self, product: &'static Product) -> ClientBuilder {
        let builder = ClientBuilder::new(product).credentials(self.credentials.clone());
        match &self.base_url {
            Some(url) => builder.base_url(url.clone()),
            None => builder,
        }
    }

    fn ws_builder(&self, product: &'static Product) -> WsApiBuilder {
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
    // Kept alive until the end of `run`; dropping them stops the mocks.
    let mut _mocks = None;
    let target = if live {
        let (Ok(key), Ok(secret)) = (std::env::var("BINANCE_API_KEY"), std::env::var("BINANCE_API_SECRET")) else {
            return Err("--live needs BINANCE_API_KEY and BINANCE_API_SECRET (an HMAC key pair)".into());
        };
        println!("calling the real Binance API (read-only endpoints)");
        Target { base_url: None, ws_url: None, credentials: Credentials::hmac(key, secret)? }
    } else {
        let rest = binance_mock::MockExchange::builder().hmac_key(MOCK_KEY, MOCK_SECRET).start().await?;
        let ws = binance_mock::ws::MockWsApi::builder().hmac_key(MOCK_KEY, MOCK_SECRET).start().await?;
        println!("mock exchange listening on {} and {}", rest.base_url(), ws.url());
        let target = Target {
            base_url: Some(rest.base_url()),
            ws_url: Some(ws.url()),
            credentials: Credentials::hmac(MOCK_KEY, MOCK_SECRET)?,
        };
        _mocks = Some((rest, ws));
        target
    };

    let fapi = usds_futures::Client::new(target.builder(&usds_futures::PRODUCT).build()?);
    section("USDⓈ-M Futures: GET /fapi/v3/account");
    report(fapi.account_information_v3(&Default::default()).await, |a| {
        println!("total wallet balance {}  available {}", a.total_wallet_balance, a.available_balance);
        for asset in &a.assets {
            println!(
                "  asset {:<5} wallet {:>14}  margin {:>14}",
                asset.asset, asset.wallet_balance, asset.margin_balance
            );
        }
        for p in &a.positions {
            println!("  position {} {} amount {}", p.symbol, p.position_side, p.position_amt);
        }
    });
    section("USDⓈ-M Futures: GET /fapi/v1/pmAccountInfo");
    let request = usds_futures::ClassicPortfolioMarginAccountInformationRequest::new("USDT");
    report(fapi.classic_portfolio_margin_account_information(&request).await, |a| {
        println!("{}: max withdraw {} ({} USD)", a.asset, a.max_withdraw_amount, a.max_withdraw_amount_usd);
    });
    usage(fapi.rest());

    // The WebSocket API shares the REST client's weight budget and clock.
    let ws = usds_futures::WsClient::new(target.ws_builder(&usds_futures::PRODUCT).share_with(fapi.rest()).build()?);
    section("USDⓈ-M Futures WebSocket API: account.status");
    report(ws.account_status(&Default::default()).await, |reply| {
        let a = &reply.result;
        println!("fee tier {}  can trade {}  multi-assets margin {}", a.fee_tier, a.can_trade, a.multi_assets_margin);
        println!(
            "total wallet balance {}  assets {}  positions {}",
            a.total_wallet_balance,
            a.assets.len(),
            a.positions.len()
        );
        for limit in &reply.rate_limits {
            println!("server says {} used {} of {}", limit.rate_limit_type, limit.count, limit.limit);
        }
    });
    usage(fapi.rest());

    let papi = portfolio_margin::Client::new(target.builder(&portfolio_margin::PRODUCT).build()?);
    section("Portfolio Margin: GET /papi/v1/account");
    report(papi.account_information(&Default::default()).await, |a| {
        println!("uniMMR {}  equity {}  status {}", a.uni_mmr, a.account_equity, a.account_status);
        println!("total available balance {:?}", a.total_available_balance.map(|d| d.to_string()));
    });
    usage(papi.rest());

    let sapi = portfolio_margin_pro::Client::new(target.builder(&portfolio_margin_pro::PRODUCT).build()?);
    section("Portfolio Margin Pro: GET /sapi/v1/portfolio/account");
    report(sapi.portfolio_margin_pro_account_information(&Default::default()).await, |a| {
        println!(
            "uniMMR {}  equity {}  type {}  status {}",
            a.uni_mmr, a.account_equity, a.account_type, a.account_status
        );
    });
    usage(sapi.rest());
    Ok(())
}

fn section(title: &str) {
    println!("\n== {title}");
}

/// Prints a typed result, or the error (live accounts may not have every product).
fn report<T>(result: runtime::Result<T>, show: impl FnOnce(&T)) {
    match result {
        Ok(value) => show(&value),
        Err(e) => println!("failed: {e}"),
    }
}

fn usage(client: &runtime::RestClient) {
    for u in client.usage() {
        println!("weight used on {} ({:?} per {:?}): {} of {}", u.host, u.kind, u.interval, u.used, u.limit);
    }
}
