//! Top values: Misra-Gries counters, pruned in batches.

use alloc::vec::Vec;

use super::super::{Summary, TOP_CAPACITY};
use super::sample::Sampled;

impl Summary {
    /// Misra-Gries in batches: subtract the (C+1)-th largest count from every counter and drop
    /// those at zero. Each unit subtracted from a counter is matched by C other units, so no
    /// count drops by more than n / (C + 1) in total.
    pub(in crate::summary) fn prune_top(&mut self) {
        if self.top.len() <= TOP_CAPACITY {
            return;
        }
        // The counters are about to lose counts: the sample's candidates are taken from them
        // while they still hold every value exactly.
        if self.sampled.is_none() {
            self.sampled = Some(Sampled::from_exact(&self.top));
        }
        let (t, max) = if self.top_ones {
            (1, 1)
        } else {
            self.prune_threshold()
        };
        if max <= t {
            // Every counter drops to zero (the common case for a column of distinct values).
            self.top.clear();
            self.top_ones = true;
        } else {
            self.top.retain(|_, e| {
                e.count = e.count.saturating_sub(t);
                e.count > 0
            });
        }
        self.top_err += t;
    }

    /// The (C+1)-th largest count, and the largest. Counts are mostly small: a histogram of
    /// the small ones finds the threshold in one pass; many large counts fall back to selection.
    pub(in crate::summary) fn prune_threshold(&self) -> (u64, u64) {
        const SMALL: usize = 64;
        let mut hist = [0usize; SMALL];
        let (mut large, mut max) = (0usize, 0u64);
        for e in self.top.values() {
            max = max.max(e.count);
            match hist.get_mut(usize::try_from(e.count).unwrap_or(usize::MAX)) {
                Some(n) => *n += 1,
                None => large += 1,
            }
        }
        if large <= TOP_CAPACITY {
            // Walk down from the largest small count until C + 1 counters are at or above it.
            let mut above = large;
            for (c, n) in hist.iter().enumerate().rev() {
                above += n;
                if above > TOP_CAPACITY {
                    return (c as u64, max);
                }
            }
        }
        let mut counts: Vec<u64> = self.top.values().map(|e| e.count).collect();
        let t = *counts
            .select_nth_unstable_by(TOP_CAPACITY, |a, b| b.cmp(a))
            .1;
        (t, max)
    }
}
