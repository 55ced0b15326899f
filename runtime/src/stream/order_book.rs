//! A local order book kept from a REST depth snapshot and the diff-depth stream, by the
//! algorithm of Binance's "How to manage a local order book correctly" (USDⓈ-M Futures):
//!
//! 1. buffer the stream's events while the snapshot is fetched;
//! 2. drop every event whose final update id `u` is below the snapshot's `lastUpdateId`;
//! 3. the first event applied must have `U <= lastUpdateId <= u` (or `pu == lastUpdateId`:
//!    update ids need not be consecutive, and that event starts right after the snapshot). It
//!    may be buffered, or arrive after the snapshot: Binance's `lastUpdateId` usually falls
//!    inside the `U..u` of an event still being gathered (an event covers 100 ms or more of
//!    updates), so a snapshot is often newer than every buffered event, and the book then waits
//!    for that event, applying the snapshot meanwhile;
//! 4. every later event's `pu` must equal the previous event's `u`; otherwise the book is out
//!    of sync: it is cleared and a new snapshot is needed (the event that showed the gap starts
//!    the new buffer);
//! 5. quantities are absolute: a level with quantity 0 is removed.
//!
//! This type does no I/O: the caller feeds it events and snapshots, and fetches a snapshot
//! whenever [`BookStatus::NeedsSnapshot`] comes back. Prices are exact decimals, so levels are
//! keys of a `BTreeMap` (no float rounding merges two levels).

use rust_decimal::Decimal;
use std::collections::{BTreeMap, VecDeque};

/// One diff-depth event, as the book needs it (from the generated `DiffBookDepthEvent`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepthUpdate {
    /// `U`: first update id in the event.
    pub first_update_id: i64,
    /// `u`: final update id in the event.
    pub final_update_id: i64,
    /// `pu`: the previous event's `u`.
    pub previous_final_update_id: i64,
    /// Bid levels `(price, quantity)`; quantity 0 removes the level.
    pub bids: Vec<(Decimal, Decimal)>,
    /// Ask levels `(price, quantity)`; quantity 0 removes the level.
    pub asks: Vec<(Decimal, Decimal)>,
}

/// A REST depth snapshot (`GET /fapi/v1/depth`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepthSnapshot {
    /// `lastUpdateId`.
    pub last_update_id: i64,
    /// Bid levels `(price, quantity)`.
    pub bids: Vec<(Decimal, Decimal)>,
    /// Ask levels `(price, quantity)`.
    pub asks: Vec<(Decimal, Decimal)>,
}

/// Where the book stands after an event or a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookStatus {
    /// The book is in sync with the stream up to `last_update_id`.
    Synced {
        /// The `u` of the last event applied (or the snapshot's id).
        last_update_id: i64,
    },
    /// The event was older than the book (a duplicate or a late event) and was ignored.
    Stale,
    /// No usable snapshot: fetch one and pass it to [`LocalOrderBook::apply_snapshot`]. Events
    /// are buffered meanwhile.
    NeedsSnapshot,
}

/// Why the book went out of sync (kept for the caller's logs and metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desync {
    /// An event's `pu` was not the previous event's `u` (or, for the first event after a
    /// snapshot that was newer than every buffered event, the event did not reach back to the
    /// snapshot's `lastUpdateId`): updates were lost.
    Gap {
        /// The previous event's `u` (or the snapshot's `lastUpdateId`).
        expected_pu: i64,
        /// The `pu` that arrived.
        got_pu: i64,
    },
    /// The snapshot is older than every buffered event (`lastUpdateId < U` of the first one
    /// kept, whose `pu` is not `lastUpdateId` either): a newer snapshot is needed.
    SnapshotTooOld {
        /// The snapshot's `lastUpdateId`.
        last_update_id: i64,
        /// The first kept event's `U`.
        first_update_id: i64,
    },
    /// The buffer filled while waiting for a snapshot and its oldest events were dropped.
    BufferOverflow,
}

#[derive(Debug)]
enum State {
    /// Waiting for a snapshot; events buffered (bounded).
    Buffering(VecDeque<DepthUpdate>),
    /// The snapshot with this `lastUpdateId` is applied; the event that bridges it (rule 3 of
    /// the module docs) has not arrived yet.
    Bridging(i64),
    /// In sync; the last applied `u`.
    Live(i64),
}

/// A local order book for one symbol. See the module docs for the algorithm.
#[derive(Debug)]
pub struct LocalOrderBook {
    bids: BTreeMap<Decimal, Decimal>,
    asks: BTreeMap<Decimal, Decimal>,
    state: State,
    max_buffered: usize,
    desyncs: Vec<Desync>,
}

/// How many desync reasons the book remembers (the newest are kept).
const MAX_DESYNCS_KEPT: usize = 64;

impl LocalOrderBook {
    /// An empty book waiting for a snapshot; at most `max_buffered` events are kept while it
    /// waits (the oldest are dropped beyond that: they would be older than any newer snapshot).
    pub fn new(max_buffered: usize) -> Self {
        LocalOrderBook {
            bids: BTreeMap::new(),
            asks: BTreeMap::new(),
            state: State::Buffering(VecDeque::new()),
            max_buffered: max_buffered.max(1),
            desyncs: Vec::new(),
        }
    }

    /// Feeds one stream event.
    pub fn apply_update(&mut self, update: DepthUpdate) -> BookStatus {
        match &mut self.state {
            State::Buffering(buffer) => {
                if buffer.len() >= self.max_buffered {
                    buffer.pop_front();
                    Self::note(&mut self.desyncs, Desync::BufferOverflow);
                }
                buffer.push_back(update);
                BookStatus::NeedsSnapshot
            }
            State::Bridging(snapshot_id) => {
                let snapshot_id = *snapshot_id;
                if update.final_update_id < snapshot_id {
                    return BookStatus::Stale;
                }
                if !bridges(&update, snapshot_id) {
                    return self.resync(
                        Desync::Gap { expected_pu: snapshot_id, got_pu: update.previous_final_update_id },
                        update,
                    );
                }
                self.apply_live(update)
            }
            State::Live(last) => {
                let last = *last;
                if update.final_update_id <= last {
                    return BookStatus::Stale;
                }
                if update.previous_final_update_id != last {
                    return self
                        .resync(Desync::Gap { expected_pu: last, got_pu: update.previous_final_update_id }, update);
                }
                self.apply_live(update)
            }
        }
    }

    /// Applies an event that continues the book and makes it the last one.
    fn apply_live(&mut self, update: DepthUpdate) -> BookStatus {
        self.apply_levels(&update);
        self.state = State::Live(update.final_update_id);
        BookStatus::Synced { last_update_id: update.final_update_id }
    }

    /// Out of sync: the book is cleared and `update` starts the buffer for the next snapshot.
    fn resync(&mut self, why: Desync, update: DepthUpdate) -> BookStatus {
        Self::note(&mut self.desyncs, why);
        self.bids.clear();
        self.asks.clear();
        self.state = State::Buffering(VecDeque::from([update]));
        BookStatus::NeedsSnapshot
    }

    /// Applies a REST snapshot and replays the buffered events on it. When the snapshot is
    /// newer than every buffered event, the book holds the snapshot (`Synced` at its
    /// `lastUpdateId`) and the next event must bridge it. While the book is live or holds a
    /// snapshot already, the snapshot is ignored.
    pub fn apply_snapshot(&mut self, snapshot: DepthSnapshot) -> BookStatus {
        let State::Buffering(buffer) = &mut self.state else {
            return self.status();
        };
        let mut buffer = std::mem::take(buffer);
        buffer.retain(|e| e.final_update_id >= snapshot.last_update_id);
        if let Some(first) = buffer.front() {
            if !bridges(first, snapshot.last_update_id) {
                Self::note(
                    &mut self.desyncs,
                    Desync::SnapshotTooOld {
                        last_update_id: snapshot.last_update_id,
                        first_update_id: first.first_update_id,
                    },
                );
                self.state = State::Buffering(buffer);
                return BookStatus::NeedsSnapshot;
            }
        }
        self.bids = snapshot.bids.into_iter().filter(|(_, q)| !q.is_zero()).collect();
        self.asks = snapshot.asks.into_iter().filter(|(_, q)| !q.is_zero()).collect();
        let mut status = match buffer.pop_front() {
            // The first event bridges the snapshot (checked above).
            Some(first) => self.apply_live(first),
            None => {
                self.state = State::Bridging(snapshot.last_update_id);
                BookStatus::Synced { last_update_id: snapshot.last_update_id }
            }
        };
        for e in buffer {
            status = self.apply_update(e);
        }
        status
    }

    /// Where the book stands now.
    pub fn status(&self) -> BookStatus {
        match self.state {
            State::Live(last) | State::Bridging(last) => BookStatus::Synced { last_update_id: last },
            State::Buffering(_) => BookStatus::NeedsSnapshot,
        }
    }

    /// Bids, best (highest) first.
    pub fn bids(&self) -> impl Iterator<Item = (&Decimal, &Decimal)> {
        self.bids.iter().rev()
    }

    /// Asks, best (lowest) first.
    pub fn asks(&self) -> impl Iterator<Item = (&Decimal, &Decimal)> {
        self.asks.iter()
    }

    /// The best bid and ask, when both sides have levels.
    pub fn best(&self) -> Option<((Decimal, Decimal), (Decimal, Decimal))> {
        let (bp, bq) = self.bids.iter().next_back()?;
        let (ap, aq) = self.asks.iter().next()?;
        Some(((*bp, *bq), (*ap, *aq)))
    }

    /// Why the book went out of sync, oldest first (the last 64).
    pub fn desyncs(&self) -> &[Desync] {
        &self.desyncs
    }

    fn apply_levels(&mut self, update: &DepthUpdate) {
        for (side, levels) in [(&mut self.bids, &update.bids), (&mut self.asks, &update.asks)] {
            for (price, qty) in levels {
                if qty.is_zero() {
                    side.remove(price);
                } else {
                    side.insert(*price, *qty);
                }
            }
        }
    }

    fn note(desyncs: &mut Vec<Desync>, d: Desync) {
        if desyncs.len() >= MAX_DESYNCS_KEPT {
            desyncs.remove(0);
        }
        desyncs.push(d);
    }
}

/// Rule 3 of the module docs: `event` (with `u >= lastUpdateId`) is the first to apply on a
/// snapshot at `snapshot_id` when it spans the snapshot's id or starts right after it.
fn bridges(event: &DepthUpdate, snapshot_id: i64) -> bool {
    event.first_update_id <= snapshot_id || event.previous_final_update_id == snapshot_id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn update(first: i64, last: i64, prev: i64, bids: &[(&str, &str)], asks: &[(&str, &str)]) -> DepthUpdate {
        DepthUpdate {
            first_update_id: first,
            final_update_id: last,
            previous_final_update_id: prev,
            bids: bids.iter().map(|(p, q)| (d(p), d(q))).collect(),
            asks: asks.iter().map(|(p, q)| (d(p), d(q))).collect(),
        }
    }

    fn snapshot(id: i64) -> DepthSnapshot {
        DepthSnapshot {
            last_update_id: id,
            bids: vec![(d("100.0"), d("1")), (d("99.5"), d("2"))],
            asks: vec![(d("100.5"), d("1")), (d("101"), d("3"))],
        }
    }

    fn levels<'a>(it: impl Iterator<Item = (&'a Decimal, &'a Decimal)>) -> Vec<(String, String)> {
        it.map(|(p, q)| (p.to_string(), q.to_string())).collect()
    }

    #[test]
    fn buffered_events_older_than_the_snapshot_are_dropped_and_the_bridge_applies() {
        let mut book = LocalOrderBook::new(100);
        assert_eq!(book.apply_update(update(90, 95, 89, &[("100.0", "9")], &[])), BookStatus::NeedsSnapshot);
        book.apply_update(update(96, 105, 95, &[("99.5", "0")], &[("100.5", "4")]));
        book.apply_update(update(106, 110, 105, &[("98", "1")], &[]));
        // Snapshot at 100: the first event (u = 95) is dropped, the second bridges 96 <= 100 <= 105.
        assert_eq!(book.apply_snapshot(snapshot(100)), BookStatus::Synced { last_update_id: 110 });
        assert_eq!(levels(book.bids()), [("100.0".into(), "1".into()), ("98".into(), "1".into())]);
        assert_eq!(levels(book.asks()), [("100.5".into(), "4".into()), ("101".into(), "3".into())]);
    }

    /// Binance's snapshot id usually falls inside an event's `U..u` (events cover a 100 ms
    /// window): when the snapshot is newer than every buffered event, the event that bridges it
    /// arrives after it, with a `pu` from before the snapshot, and must be applied, not taken
    /// for a gap.
    #[test]
    fn a_snapshot_newer_than_the_buffer_waits_for_the_event_that_bridges_it() {
        let mut book = LocalOrderBook::new(100);
        book.apply_update(update(90, 95, 89, &[("100.0", "9")], &[]));
        // Snapshot at 98: the buffered event (u = 95) is older; 96..=98 are in the snapshot.
        assert_eq!(book.apply_snapshot(snapshot(98)), BookStatus::Synced { last_update_id: 98 });
        assert_eq!(levels(book.bids()), [("100.0".into(), "1".into()), ("99.5".into(), "2".into())]);
        // An event older than the snapshot is stale; the one spanning 96..=103 bridges it.
        assert_eq!(book.apply_update(update(91, 94, 90, &[("1", "1")], &[])), BookStatus::Stale);
        let bridge = update(96, 103, 95, &[("99.5", "0")], &[("100.5", "4")]);
        assert_eq!(book.apply_update(bridge), BookStatus::Synced { last_update_id: 103 });
        assert_eq!(
            book.apply_update(update(104, 110, 103, &[("98", "1")], &[])),
            BookStatus::Synced { last_update_id: 110 }
        );
        assert_eq!(levels(book.bids()), [("100.0".into(), "1".into()), ("98".into(), "1".into())]);
        assert_eq!(levels(book.asks()), [("100.5".into(), "4".into()), ("101".into(), "3".into())]);
        assert_eq!(book.desyncs(), []);
    }

    /// The first event after a snapshot that does not reach back to it (`U` past the snapshot
    /// id, `pu` not the snapshot id) means updates were lost in between.
    #[test]
    fn the_first_event_after_a_snapshot_must_reach_back_to_it() {
        let mut book = LocalOrderBook::new(100);
        assert_eq!(book.apply_snapshot(snapshot(98)), BookStatus::Synced { last_update_id: 98 });
        assert_eq!(book.apply_update(update(100, 103, 99, &[], &[])), BookStatus::NeedsSnapshot);
        assert_eq!(book.desyncs(), [Desync::Gap { expected_pu: 98, got_pu: 99 }]);
        assert_eq!(book.bids().count(), 0);
        // Update ids need not be consecutive: `pu` equal to the snapshot id also bridges it.
        let mut book = LocalOrderBook::new(100);
        book.apply_snapshot(snapshot(98));
        assert_eq!(book.apply_update(update(100, 103, 98, &[], &[])), BookStatus::Synced { last_update_id: 103 });
        let mut buffered = LocalOrderBook::new(100);
        buffered.apply_update(update(100, 103, 98, &[], &[]));
        assert_eq!(buffered.apply_snapshot(snapshot(98)), BookStatus::Synced { last_update_id: 103 });
    }

    #[test]
    fn a_gap_clears_the_book_and_asks_for_a_snapshot() {
        let mut book = LocalOrderBook::new(100);
        book.apply_snapshot(snapshot(100));
        assert_eq!(book.apply_update(update(101, 105, 100, &[], &[])), BookStatus::Synced { last_update_id: 105 });
        // 106..=110 lost: this event's pu is 110.
        assert_eq!(book.apply_update(update(111, 115, 110, &[("1", "1")], &[])), BookStatus::NeedsSnapshot);
        assert_eq!(book.bids().count(), 0);
        assert_eq!(book.desyncs(), [Desync::Gap { expected_pu: 105, got_pu: 110 }]);
        // The event that showed the gap starts the new buffer; a snapshot at 112 resyncs on it.
        book.apply_update(update(116, 120, 115, &[("2", "2")], &[]));
        assert_eq!(book.apply_snapshot(snapshot(112)), BookStatus::Synced { last_update_id: 120 });
        assert_eq!(levels(book.bids()).len(), 4);
    }

    #[test]
    fn duplicates_and_late_events_are_stale() {
        let mut book = LocalOrderBook::new(100);
        book.apply_snapshot(snapshot(100));
        let e = update(101, 105, 100, &[("100.0", "5")], &[]);
        book.apply_update(e.clone());
        assert_eq!(book.apply_update(e), BookStatus::Stale);
        assert_eq!(book.apply_update(update(95, 99, 94, &[("100.0", "0")], &[])), BookStatus::Stale);
        assert_eq!(book.best().map(|(b, _)| b), Some((d("100.0"), d("5"))));
    }

    #[test]
    fn out_of_order_events_are_a_gap_not_applied_silently() {
        let mut book = LocalOrderBook::new(100);
        book.apply_snapshot(snapshot(100));
        // 106..110 arrives before 101..105.
        assert_eq!(book.apply_update(update(106, 110, 105, &[], &[])), BookStatus::NeedsSnapshot);
        assert!(matches!(book.desyncs(), [Desync::Gap { .. }]));
    }

    #[test]
    fn a_snapshot_older_than_the_buffer_is_refused() {
        let mut book = LocalOrderBook::new(100);
        book.apply_update(update(200, 210, 199, &[], &[]));
        assert_eq!(book.apply_snapshot(snapshot(150)), BookStatus::NeedsSnapshot);
        assert!(matches!(book.desyncs(), [Desync::SnapshotTooOld { last_update_id: 150, first_update_id: 200 }]));
        assert_eq!(book.apply_snapshot(snapshot(205)), BookStatus::Synced { last_update_id: 210 });
    }

    #[test]
    fn the_buffer_is_bounded() {
        let mut book = LocalOrderBook::new(2);
        for i in 0..5 {
            book.apply_update(update(i * 10, i * 10 + 9, i * 10 - 1, &[], &[]));
        }
        assert_eq!(book.desyncs().len(), 3);
        // Only 20..29 and 30..39 … 40..49 remain; a snapshot at 41 bridges the last one.
        assert_eq!(book.apply_snapshot(snapshot(41)), BookStatus::Synced { last_update_id: 49 });
    }
}
