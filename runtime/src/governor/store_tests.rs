//! The governor's side of a shared [`BudgetStore`], against a scripted in-memory store.

use super::*;

/// Answers reservations from a script of verdicts (then `Granted`), and records every call.
#[derive(Debug, Default)]
struct Scripted {
    verdicts: Mutex<VecDeque<Result<Verdict>>>,
    reserved: Mutex<Vec<(String, bool, Vec<Booking>)>>,
    reports: Mutex<Vec<String>>,
}

impl BudgetStore for Arc<Scripted> {
    fn reserve<'a>(&'a self, request: SharedReservation<'a>) -> store::StoreFuture<'a, Result<Verdict>> {
        let verdict = self.verdicts.lock().unwrap().pop_front().unwrap_or(Ok(Verdict::Granted));
        self.reserved.lock().unwrap().push((request.family.into(), request.places_orders, request.bookings.to_vec()));
        Box::pin(async move { verdict })
    }
    fn observe(&self, _: &str, family: &str, budget: BudgetSpec, count: u64, _: u64) {
        self.reports.lock().unwrap().push(format!("observe {family} {:?} {count}", budget.limit_type));
    }
    fn pause(&self, _: &str, family: &str, orders_only: bool, _: u64) {
        self.reports.lock().unwrap().push(format!("pause {family} orders_only={orders_only}"));
    }
    fn ban(&self, host: &str, _: u64) {
        self.reports.lock().unwrap().push(format!("ban {host}"));
    }
}

fn governor(store: &Arc<Scripted>) -> Governor {
    let limits = [
        RateLimit {
            limit_type: RateLimitType::RequestWeight,
            kind: LimitKind::Ip,
            interval: Interval::Minute,
            interval_num: 1,
            limit: 100,
        },
        RateLimit {
            limit_type: RateLimitType::Orders,
            kind: LimitKind::Account,
            interval: Interval::Second,
            interval_num: 10,
            limit: 5,
        },
    ];
    Governor::new("h", &limits, None).with_shared_budget(Arc::new(Arc::clone(store))).unwrap()
}

fn ip_used(g: &Governor) -> u32 {
    g.usage().iter().filter(|u| u.limit_type == RateLimitType::RequestWeight).map(|u| u.used).sum()
}

#[tokio::test(start_paused = true)]
async fn every_budget_a_request_counts_in_is_booked_in_the_store() {
    const ORDERS: &[crate::endpoint::OrderCount] =
        &[crate::endpoint::OrderCount { interval: Interval::Second, interval_num: 10, value: 1 }];
    let store = Arc::new(Scripted::default());
    let g = governor(&store);
    let r = g.reserve_at(
        "/fapi/v1/order",
        "e",
        Weight { kind: WeightKind::Ip, value: 3, orders: ORDERS },
        RatePolicy::Wait,
    );
    drop(r.await.unwrap());
    let reserved = store.reserved.lock().unwrap().clone();
    assert_eq!(reserved.len(), 1);
    let (family, orders, bookings) = &reserved[0];
    assert_eq!((family.as_str(), *orders), ("fapi", true));
    let amounts: Vec<(RateLimitType, u32, u32)> =
        bookings.iter().map(|b| (b.budget.limit_type, b.budget.limit, b.amount)).collect();
    assert_eq!(amounts, [(RateLimitType::RequestWeight, 100, 3), (RateLimitType::Orders, 5, 1)]);
    assert_eq!(bookings[0].budget.window_ms, 60_000);
}

#[tokio::test(start_paused = true)]
async fn a_full_shared_budget_gives_the_local_booking_back_and_waits_for_the_store() {
    let store = Arc::new(Scripted::default());
    store.verdicts.lock().unwrap().push_back(Ok(Verdict::RetryIn(Duration::from_secs(2))));
    let g = governor(&store);
    let started = Instant::now();
    let held = g.reserve_at("/fapi/v1/time", "e", Weight::ip(10), RatePolicy::Wait).await.unwrap();
    assert_eq!(Instant::now() - started, Duration::from_secs(2), "waited what the store said");
    assert_eq!(store.reserved.lock().unwrap().len(), 2);
    assert_eq!(ip_used(&g), 10, "booked once locally, not twice");
    drop(held);
}

#[tokio::test(start_paused = true)]
async fn fail_fast_and_waits_past_the_maximum_are_refused_without_holding_local_weight() {
    let store = Arc::new(Scripted::default());
    store
        .verdicts
        .lock()
        .unwrap()
        .extend([Ok(Verdict::RetryIn(Duration::from_secs(2))), Ok(Verdict::RetryIn(Duration::from_secs(600)))]);
    let g = governor(&store);
    let fast = g.reserve_at("/fapi/v1/time", "e", Weight::ip(10), RatePolicy::FailFast).await;
    assert!(
        matches!(fast, Err(Error::RateLimited { retry_after, .. }) if retry_after == Duration::from_secs(2)),
        "{fast:?}"
    );
    let long = g.reserve_at("/fapi/v1/time", "e", Weight::ip(10), RatePolicy::Wait).await;
    assert!(matches!(long, Err(Error::RateLimited { .. })), "{long:?}");
    assert_eq!(ip_used(&g), 0);
}

#[tokio::test(start_paused = true)]
async fn a_ban_in_the_store_bans_this_process_too() {
    let store = Arc::new(Scripted::default());
    let g = governor(&store);
    let until = g.server_now_ms() + 300_000;
    store.verdicts.lock().unwrap().push_back(Ok(Verdict::BannedUntil(until)));
    let r = g.reserve_at("/fapi/v1/time", "e", Weight::ip(1), RatePolicy::Wait).await;
    assert!(matches!(r, Err(Error::Banned { .. })), "{r:?}");
    assert!(g.banned_until().is_some(), "kept locally");
    assert_eq!(ip_used(&g), 0);
    assert!(store.reports.lock().unwrap().is_empty(), "a ban read from the store is not written back to it");
}

#[tokio::test(start_paused = true)]
async fn a_store_failure_is_the_callers_error_and_frees_the_local_booking() {
    let store = Arc::new(Scripted::default());
    store.verdicts.lock().unwrap().push_back(Err(Error::SharedBudget { store: "s".into(), reason: "down".into() }));
    let g = governor(&store);
    let r = g.reserve_at("/fapi/v1/time", "e", Weight::ip(7), RatePolicy::Wait).await;
    assert!(matches!(r, Err(Error::SharedBudget { .. })), "{r:?}");
    assert_eq!(ip_used(&g), 0);
}

#[tokio::test(start_paused = true)]
async fn headers_429s_and_418s_are_written_to_the_store() {
    let store = Arc::new(Scripted::default());
    let g = governor(&store);
    g.observe_headers_at("/fapi/v1/time", [("X-MBX-USED-WEIGHT-1M", "42"), ("X-MBX-ORDER-COUNT-10S", "3")]);
    let _ = g.rate_limited("/fapi/v1/time", Weight::ip(1), Some(Duration::from_secs(5)), "{}");
    let _ = g.banned(Some(Duration::from_secs(60)), "{}");
    let reports = store.reports.lock().unwrap().clone();
    assert_eq!(
        reports,
        ["observe fapi RequestWeight 42", "observe fapi Orders 3", "pause fapi orders_only=false", "ban h"]
    );
}

#[tokio::test(start_paused = true)]
async fn a_governor_takes_one_store_only() {
    let store = Arc::new(Scripted::default());
    let g = governor(&store);
    let other: Arc<dyn BudgetStore> = Arc::new(Arc::new(Scripted::default()));
    assert!(matches!(g.set_shared_budget(other), Err(Error::Config(_))));
    let same = Arc::clone(g.shared_budget().unwrap());
    assert!(g.set_shared_budget(same).is_ok(), "the same store again is fine");
}

#[tokio::test(start_paused = true)]
async fn a_count_written_to_the_store_includes_this_processs_weight_still_in_flight() {
    let store = Arc::new(Scripted::default());
    let g = governor(&store);
    // 10 still in flight when an answer says 42: it may reach the server after that count, so
    // the other processes must see 52, as this one does.
    let held = g.reserve_at("/fapi/v1/time", "e", Weight::ip(10), RatePolicy::Wait).await.unwrap();
    g.observe_headers_at("/fapi/v1/time", [("X-MBX-USED-WEIGHT-1M", "42")]);
    assert_eq!(ip_used(&g), 52);
    assert_eq!(store.reports.lock().unwrap().clone(), ["observe fapi RequestWeight 52"]);
    drop(held);
}
