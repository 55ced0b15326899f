//! The shared-budget example of the README compiles as written.

use binance_client::runtime::{OnRedisFailure, RedisBudget};
use binance_client::usds_futures::Client;
use std::time::Duration;

#[allow(dead_code)]
async fn demo() -> binance_client::runtime::Result<()> {
    // Every process on this IP and account connects with the same Redis and names.
    let shared = RedisBudget::builder("redis://127.0.0.1:6379")
        .prefix("binance-prod") // the keys' hash tag: one Redis Cluster slot per shared budget
        .ip("203.0.113.7") // sharers of the IP's weight, 429 pauses and 418 bans
        .account("main") // sharers of the account's UID weight and order counts
        .timeout(Duration::from_millis(250))
        .on_failure(OnRedisFailure::LocalShare(0.25)) // 4 processes: a quarter each while Redis is away
        .connect()
        .await?;
    let client = Client::new(Client::builder().shared_budget(shared).build()?);
    let _ = client;
    Ok(())
}

fn main() {}
