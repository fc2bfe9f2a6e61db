//! Sample candidates: the distinct values with the [`SAMPLE_CAPACITY`] smallest hashes, each
//! with its exact count and first position.
//!
//! A value whose hash is among the smallest of all values seen was among the smallest of the
//! values seen at every moment since it first came (the bar only falls), so it was never
//! dropped and its count is exact; a partition's bottom holds every value of the merged bottom
//! that occurs in it, so merging adds exact counts. The [`SAMPLE_CAPACITY`] smallest hashes
//! and their counts are therefore a function of the values alone: a summary merged from
//! partitions draws the same sample as one pass, whatever the order or the split.

use alloc::vec::Vec;

use super::super::{Entry, Item, TopMap, bump};

/// Distinct values a sample is drawn from once a column has more.
pub const SAMPLE_CAPACITY: usize = 1024;

/// The values with the smallest hashes (see the module documentation).
#[derive(Clone, PartialEq)]
pub(in crate::summary) struct Sampled {
    /// Every value seen whose hash is at most `bar`, with its exact count and first position
    /// (between [`SAMPLE_CAPACITY`] and twice that many).
    pub(in crate::summary) map: TopMap,
    pub(in crate::summary) bar: u64,
}

impl Sampled {
    /// From counters that hold every value seen, exactly.
    pub(in crate::summary) fn from_exact(all: &TopMap) -> Self {
        // Only the candidates kept are copied (the counters hold up to four times as many).
        let bar = nth_smallest(all.keys().copied().collect()).unwrap_or(u64::MAX);
        let map = all
            .iter()
            .filter(|&(&h, _)| h <= bar)
            .map(|(&h, e)| (h, e.clone()))
            .collect();
        Self { map, bar }
    }

    /// Counts one value (its hash `h`, first seen at `first`).
    pub(in crate::summary) fn count(&mut self, h: u64, first: u64, item: impl FnOnce() -> Item) {
        if h > self.bar {
            return;
        }
        if bump(&mut self.map, h, first, item) && self.map.len() > 2 * SAMPLE_CAPACITY {
            self.prune();
        }
    }

    /// Keeps the [`SAMPLE_CAPACITY`] smallest hashes, the bar at the largest of them.
    fn prune(&mut self) {
        if self.map.len() <= SAMPLE_CAPACITY {
            return;
        }
        if let Some(nth) = nth_smallest(self.map.keys().copied().collect()) {
            self.bar = nth;
            self.map.retain(|&h, _| h <= nth);
        }
    }

    /// Merges the candidates of values that came after these (`base` values before them).
    pub(in crate::summary) fn merge(&mut self, other: &Self, base: u64) {
        let bar = self.bar.min(other.bar);
        self.map.retain(|&h, _| h <= bar);
        for (&h, e) in &other.map {
            if h > bar {
                continue;
            }
            match self.map.get_mut(&h) {
                Some(mine) => mine.count = mine.count.saturating_add(e.count),
                None => {
                    let mut e = e.clone();
                    e.first = e.first.saturating_add(base);
                    self.map.insert(h, e);
                }
            }
        }
        self.bar = bar;
        self.prune();
    }
}

/// The [`SAMPLE_CAPACITY`]-th smallest of `hashes`, when there are more than that.
fn nth_smallest(mut hashes: Vec<u64>) -> Option<u64> {
    if hashes.len() <= SAMPLE_CAPACITY {
        return None;
    }
    let (_, &mut nth, _) = hashes.select_nth_unstable(SAMPLE_CAPACITY - 1);
    Some(nth)
}

/// The [`SAMPLE_CAPACITY`] entries of `map` with the smallest hashes, in hash order.
pub(in crate::summary) fn bottom(map: &TopMap) -> Vec<(u64, &Entry)> {
    let mut all: Vec<(u64, &Entry)> = map.iter().map(|(&h, e)| (h, e)).collect();
    all.sort_unstable_by_key(|&(h, _)| h);
    all.truncate(SAMPLE_CAPACITY);
    all
}
