//! End to end over every endpoint of the spec: each one called through the generated client
//! (REST `Client` or `WsClient`) against one mock exchange, its request built from its required
//! parameters with a dummy value each (see `every_endpoint_calls` in `tests/build.rs`).
//!
//! For each endpoint the test checks that the typed response decoded, that the mock logged
//! exactly one request on the endpoint's route (besides the client's clock syncs and WebSocket
//! handshakes), signed iff the endpoint is `USER_DATA`/`TRADE` and carrying the API key iff it
//! is not `NONE`; then that the calls cover the spec and the mock's endpoint list, with no 429.
//! Every problem is collected and reported at once.

use binance_client::runtime::{self, Credentials, RateLimit, RateLimitType, RestClient, WsApiClient};
use binance_mock::{Auth, EndpointRoute, MockExchange, RequestRecord, RunningMock, WeightKind};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

include!(concat!(env!("OUT_DIR"), "/every_endpoint_calls.rs"));

const HMAC_KEY: &str = "hmac-key";
const HMAC_SECRET: &str = "hmac-secret";

/// A request-weight budget no single pass over the spec comes near, on the mock and in the
/// client alike: the point here is every endpoint, not the limits (tested elsewhere). Every
/// check stays on.
const GENEROUS_WEIGHT: u32 = 10_000_000;

/// ORDERS limits are raised by this factor on both sides, so that one pass, which includes a
/// request taking a whole minute's order budget (PM repay-debt), never waits for a window.
const ORDERS_FACTOR: u32 = 10;

fn spec() -> Vec<binance_spec::ir::Product> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/spec");
    binance_codegen::Config::new()
        .spec_dir(dir)
        .validate()
        .unwrap_or_else(|e| panic!("the spec does not validate: {e}"))
}

/// The first path segment, which the mock counts weight by (`fapi`, `papi`, `sapi`).
fn family(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or_default()
}

async fn mock(spec: &[binance_spec::ir::Product]) -> RunningMock {
    let families: BTreeSet<&str> = spec
        .iter()
        .flat_map(|p| &p.endpoints)
        .filter_map(|e| match &e.transport {
            binance_spec::ir::Transport::Http { path, .. } => Some(family(path)),
            binance_spec::ir::Transport::Ws { .. } => None,
        })
        .collect();
    let mut builder = MockExchange::builder()
        .spec_dir(binance_client::SPEC_DIR)
        .hmac_key(HMAC_KEY, HMAC_SECRET)
        .ws_weight_limit(GENEROUS_WEIGHT);
    for family in families {
        builder = builder.limit_override(family, WeightKind::Ip, GENEROUS_WEIGHT).limit_override(
            family,
            WeightKind::Uid,
            GENEROUS_WEIGHT,
        );
    }
    let mut products = spec.to_vec();
    for limit in products.iter_mut().flat_map(|p| p.rate_limits.iter_mut()) {
        if limit.limit_type == binance_spec::protocol::RateLimitType::Orders {
            limit.limit *= ORDERS_FACTOR;
        }
    }
    builder.products(products).start().await.unwrap()
}

/// The product's limits with every request-weight budget raised to [`GENEROUS_WEIGHT`] and the
/// ORDERS budgets by [`ORDERS_FACTOR`].
fn generous(product: &runtime::Product) -> Vec<RateLimit> {
    product
        .rate_limits
        .iter()
        .map(|limit| match limit.limit_type {
            RateLimitType::RequestWeight => RateLimit { limit: GENEROUS_WEIGHT, ..*limit },
            RateLimitType::Orders => RateLimit { limit: limit.limit * ORDERS_FACTOR, ..*limit },
            _ => *limit,
        })
        .collect()
}

fn clients(mock: &RunningMock) -> Clients {
    let credentials = Credentials::hmac(HMAC_KEY, HMAC_SECRET).unwrap();
    let rest = |product: &'static runtime::Product| -> RestClient {
        runtime::ClientBuilder::new(product)
            .base_url(mock.base_url())
            .credentials(credentials.clone())
            .rate_limits(generous(product))
            .build()
            .unwrap_or_else(|e| panic!("{}: {e}", product.name))
    };
    let ws = |product: &'static runtime::Product, rest: &RestClient| -> WsApiClient {
        runtime::WsApiBuilder::new(product)
            .url(mock.ws_url())
            .credentials(credentials.clone())
            .share_with(rest)
            .build()
            .unwrap_or_else(|e| panic!("{} WebSocket API: {e}", product.name))
    };
    Clients::new(rest, ws)
}

fn route_of(case: &Case) -> EndpointRoute {
    match case.route {
        Route::Rest { method, path } => EndpointRoute::Rest { method: method.into(), path: path.into() },
        Route::Ws { method } => EndpointRoute::Ws { method: method.into() },
    }
}

/// What the log may hold besides the endpoint's own request: the client's clock syncs and
/// WebSocket handshakes.
fn is_plumbing(record: &RequestRecord, time_routes: &BTreeSet<EndpointRoute>) -> bool {
    record.status == 101 || time_routes.contains(&record.route)
}

/// Every problem with one case, as lines naming the endpoint.
fn check(
    case: &Case,
    outcome: Result<(), String>,
    log: &[RequestRecord],
    time_routes: &BTreeSet<EndpointRoute>,
) -> Vec<String> {
    let who = format!("{} {} ({:?}, {})", case.product, case.endpoint, case.route, case.security);
    let mut problems = Vec::new();
    if let Err(e) = outcome {
        problems.push(format!("{who}: the call failed: {e}"));
    }
    let route = route_of(case);
    let hits: Vec<&RequestRecord> = log.iter().filter(|r| r.route == route).collect();
    let strays: Vec<&RequestRecord> = log.iter().filter(|r| r.route != route && !is_plumbing(r, time_routes)).collect();
    if !strays.is_empty() {
        problems.push(format!("{who}: the mock also logged other requests: {strays:?}"));
    }
    if log.iter().any(|r| r.status == 429) {
        problems.push(format!("{who}: a request was refused for a rate limit: {log:?}"));
    }
    let [hit] = hits.as_slice() else {
        problems.push(format!("{who}: expected exactly one request on its route, the mock logged {}", hits.len()));
        return problems;
    };
    if (hit.status, hit.code) != (200, None) {
        problems.push(format!("{who}: the mock answered {} {:?}", hit.status, hit.code));
    }
    let signed = matches!(case.security, "USER_DATA" | "TRADE");
    if hit.signed() != signed {
        problems.push(format!("{who}: signed is {}, expected {signed} (auth {:?})", hit.signed(), hit.auth));
    }
    let keyed = case.security != "NONE";
    if hit.api_key.is_some() != keyed {
        problems.push(format!("{who}: API key sent is {}, expected {keyed}", hit.api_key.is_some()));
    } else if keyed && hit.api_key.as_deref() != Some(HMAC_KEY) {
        problems.push(format!("{who}: the mock saw the key {:?}", hit.api_key));
    }
    problems
}

#[tokio::test]
async fn every_endpoint_of_the_spec_through_the_generated_client() {
    let spec = spec();
    let mock = mock(&spec).await;
    let clients = clients(&mock);
    let time_routes: BTreeSet<EndpointRoute> = spec
        .iter()
        .filter_map(|p| p.time_path.clone())
        .map(|path| EndpointRoute::Rest { method: "GET".into(), path })
        .collect();

    let started = Instant::now();
    let mut problems = Vec::new();
    for case in CASES {
        // A keep-alive needs a live listen key (the mock's keys are state: `-1125` otherwise);
        // REST and the WebSocket API share the account's key, so REST starts it for both.
        if matches!(case.endpoint, "keepalive_user_data_stream" | "user_data_stream_ping") {
            let started = match case.product {
                "usds_futures" => clients.usds_futures.start_user_data_stream(&Default::default()).await.map(drop),
                "portfolio_margin" => {
                    clients.portfolio_margin.start_user_data_stream(&Default::default()).await.map(drop)
                }
                other => panic!("{other} has a keep-alive: start its listen key here"),
            };
            started.unwrap();
        }
        mock.clear_requests();
        let call_started = Instant::now();
        let outcome = (case.call)(&clients).await;
        if call_started.elapsed() > std::time::Duration::from_secs(1) {
            eprintln!("{} {} took {:?}", case.product, case.endpoint, call_started.elapsed());
        }
        problems.extend(check(case, outcome, &mock.requests(), &time_routes));
    }
    let elapsed = started.elapsed();
    eprintln!("{} endpoints called in {elapsed:?}", CASES.len());

    // The calls cover the spec and what the mock serves (the mock adds each product's clock).
    let in_spec = spec.iter().map(|p| p.endpoints.len()).sum::<usize>();
    if CASES.len() != in_spec {
        problems.push(format!("{} endpoints called, the spec has {in_spec}", CASES.len()));
    }
    let called: BTreeSet<EndpointRoute> = CASES.iter().map(route_of).collect();
    if called.len() != CASES.len() {
        problems.push(format!("{} endpoints called on only {} distinct routes", CASES.len(), called.len()));
    }
    let served: BTreeSet<EndpointRoute> = mock
        .endpoints()
        .into_iter()
        .map(|e| e.route)
        .filter(|route| called.contains(route) || !time_routes.contains(route))
        .collect();
    if served != called {
        let unserved: Vec<_> = called.difference(&served).collect();
        let uncalled: Vec<_> = served.difference(&called).collect();
        problems.push(format!("the mock serves {} endpoints besides its clock, {} were called; not served: {unserved:?}; not called: {uncalled:?}", served.len(), called.len()));
    }
    let stats = mock.stats();
    if stats.too_many_requests != 0 || stats.bans != 0 {
        problems.push(format!("{} 429s and {} 418s", stats.too_many_requests, stats.bans));
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

/// The per-endpoint checks above have teeth: a request logged unsigned, without its key, twice
/// or next to a stray one is reported.
#[test]
fn the_checks_report_what_the_log_gets_wrong() {
    fn no_call(_: &Clients) -> CallFuture<'_> {
        Box::pin(async { Ok(()) })
    }
    let case = Case {
        product: "usds_futures",
        endpoint: "account_information_v3",
        route: Route::Rest { method: "GET", path: "/fapi/v3/account" },
        security: "USER_DATA",
        call: no_call,
    };
    let record = |path: &str, auth: Auth, api_key: Option<&str>| RequestRecord {
        route: EndpointRoute::Rest { method: "GET".into(), path: path.into() },
        params: Vec::new(),
        auth,
        api_key: api_key.map(str::to_owned),
        weight: 5,
        orders: Vec::new(),
        status: 200,
        code: None,
    };
    let time: BTreeSet<EndpointRoute> =
        [EndpointRoute::Rest { method: "GET".into(), path: "/fapi/v1/time".into() }].into();
    let good = record("/fapi/v3/account", Auth::Signature, Some(HMAC_KEY));
    let sync = record("/fapi/v1/time", Auth::None, None);
    assert_eq!(check(&case, Ok(()), &[sync.clone(), good.clone()], &time), Vec::<String>::new());

    let unsigned = record("/fapi/v3/account", Auth::ApiKey, Some(HMAC_KEY));
    let keyless = record("/fapi/v3/account", Auth::None, None);
    let stray = record("/fapi/v2/account", Auth::Signature, Some(HMAC_KEY));
    for (log, expected) in [
        (vec![unsigned], "signed is false"),
        (vec![keyless], "API key sent is false"),
        (vec![good.clone(), good.clone()], "the mock logged 2"),
        (vec![good.clone(), stray], "other requests"),
        (vec![], "the mock logged 0"),
    ] {
        let problems = check(&case, Ok(()), &log, &time);
        assert!(problems.iter().any(|p| p.contains(expected)), "{expected}: {problems:?}");
    }
    let problems = check(&case, Err("boom".into()), &[good], &time);
    assert!(problems.iter().any(|p| p.contains("the call failed: boom")), "{problems:?}");
}
