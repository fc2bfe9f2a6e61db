//! Quantiles: a deterministic KLL sketch.

use alloc::vec::Vec;
use serde_json::{Map, Value};

use super::super::{KLL_K, num_or_null};

/// `f64::total_cmp`'s order as an unsigned integer: flip all bits of negatives, the sign bit of
/// the others. The sketch keeps keys, so a compaction sorts integers in place.
pub(crate) fn total_key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

pub(crate) fn from_total_key(k: u64) -> f64 {
    if k >> 63 == 1 {
        f64::from_bits(k & !(1 << 63))
    } else {
        f64::from_bits(!k)
    }
}

/// A deterministic KLL quantile sketch: level h holds items of weight 2^h; a full level is
/// sorted and every other item (alternating between the even and the odd ones) moves up. Items
/// are kept as [`total_key`]s.
#[derive(Clone, PartialEq, Default)]
pub(crate) struct Kll {
    pub(crate) levels: Vec<Vec<u64>>,
    pub(crate) n: u64,
    pub(crate) flip: bool,
}

impl Kll {
    /// Items a level holds before it is compacted: `KLL_K` at the top, two thirds of the level
    /// above below it, at least 8.
    pub(crate) fn capacity(level: usize, height: usize) -> usize {
        #[expect(
            clippy::indexing_slicing,
            reason = "evaluated at compile time: an index out of range fails the build"
        )]
        const CAPS: [usize; 64] = {
            let mut caps = [8; 64];
            let mut cap = KLL_K;
            let mut d = 0;
            while d < 64 {
                caps[d] = if cap > 8 { cap } else { 8 };
                cap = (cap * 2).div_ceil(3);
                d += 1;
            }
            caps
        };
        let below_top = height.saturating_sub(level + 1);
        CAPS.get(below_top).copied().unwrap_or(8)
    }

    pub(crate) fn update(&mut self, x: f64) {
        if self.levels.is_empty() {
            self.levels.push(Vec::new());
        }
        let height = self.levels.len();
        let full = self.levels.first_mut().is_some_and(|l0| {
            l0.push(total_key(x));
            l0.len() > Self::capacity(0, height)
        });
        self.n += 1;
        // Only a full level 0 can start a cascade of compactions.
        if full {
            self.compress();
        }
    }

    pub(crate) fn compress(&mut self) {
        loop {
            let height = self.levels.len();
            let full = (0..height).find(|&h| {
                self.levels
                    .get(h)
                    .is_some_and(|l| l.len() > Self::capacity(h, height))
            });
            let Some(h) = full else { return };
            if h + 1 == height {
                self.levels.push(Vec::new());
            }
            let (lower, upper) = self.levels.split_at_mut(h + 1);
            let (Some(level), Some(up)) = (lower.last_mut(), upper.first_mut()) else {
                return;
            };
            // Level 0 holds items as they came; a higher level is a concatenation of sorted
            // runs, which the stable sort merges.
            if h == 0 {
                level.sort_unstable();
            } else {
                level.sort();
            }
            // An odd item out stays at its level (the largest, so the rest pair up).
            let odd = if level.len() % 2 == 1 {
                level.pop()
            } else {
                None
            };
            let offset = usize::from(self.flip);
            self.flip = !self.flip;
            up.extend(level.iter().skip(offset).step_by(2));
            // The level keeps its buffer for the next items.
            level.clear();
            level.extend(odd);
        }
    }

    pub(crate) fn merge(&mut self, other: &Kll) {
        while self.levels.len() < other.levels.len() {
            self.levels.push(Vec::new());
        }
        for (mine, theirs) in self.levels.iter_mut().zip(&other.levels) {
            mine.extend_from_slice(theirs);
        }
        self.n += other.n;
        self.compress();
    }

    pub(crate) fn quantile(&self, per_mille: u64) -> Option<f64> {
        self.at_rank((per_mille * self.n).div_ceil(1000).max(1))
    }

    /// The smallest value whose rank (1-based, by weight) is at least `target`: exact while the
    /// sketch holds every value.
    pub(crate) fn at_rank(&self, target: u64) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let mut items: Vec<(u64, u64)> = Vec::new();
        for (h, level) in self.levels.iter().enumerate() {
            let w = 1u64 << h.min(63);
            items.extend(level.iter().map(|&k| (k, w)));
        }
        items.sort_unstable_by_key(|i| i.0);
        let mut cum = 0;
        for &(k, w) in &items {
            cum += w;
            if cum >= target {
                return Some(from_total_key(k));
            }
        }
        items.last().map(|i| from_total_key(i.0))
    }

    pub(crate) fn to_state(&self) -> Value {
        let mut m = Map::new();
        m.insert("n".into(), Value::from(self.n));
        m.insert("flip".into(), Value::Bool(self.flip));
        let levels = self
            .levels
            .iter()
            .map(|l| Value::Array(l.iter().map(|&k| num_or_null(from_total_key(k))).collect()))
            .collect();
        m.insert("levels".into(), Value::Array(levels));
        Value::Object(m)
    }
}
