//! Quantiles whose state depends on the numbers only, never on their order or on how they were
//! split into partitions: merged partitions give one pass's quantiles exactly.
//!
//! Every number while a column has at most [`EXACT_QUANTILES`] of them; then a histogram of the
//! numbers by their bits. A bucket is the number's [`total_key`] shifted right, so it groups the
//! numbers that share sign, exponent and the first [`MANTISSA_BITS`] bits of the mantissa: at
//! most 2^-7 of a value wide (an estimate, the bucket's midpoint, is within 0.4 % of every
//! number in it). Past [`MAX_BUCKETS`] buckets, the histogram drops one more bit (adjacent
//! buckets pair up) until it fits: the level it ends at is the lowest at which all the numbers
//! fit, whatever order they came in, and each count is exact. Integer arithmetic on the bits
//! only: the same buckets on every platform.

use alloc::borrow::Cow;
use alloc::vec::Vec;
use serde_json::{Map, Value};

use super::super::num_or_null;

/// Numbers kept as they are.
pub(crate) const EXACT_QUANTILES: usize = 1024;
/// Mantissa bits a bucket keeps at level 0.
const MANTISSA_BITS: u32 = 7;
/// Buckets kept at most (both signs).
const MAX_BUCKETS: usize = 2048;
/// Numbers gathered before they are counted into the histogram.
const PENDING: usize = 2048;

/// `f64::total_cmp`'s order as an unsigned integer: flip all bits of negatives, the sign bit of
/// the others.
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

#[derive(Clone, Default)]
pub(crate) struct Quantiles {
    /// Numbers seen.
    pub(crate) n: u64,
    /// [`total_key`]s not yet counted into the histogram: every number while `n` is at most
    /// [`EXACT_QUANTILES`].
    pub(crate) pending: Vec<u64>,
    /// Whether the histogram is in use (`n` is above [`EXACT_QUANTILES`]).
    pub(crate) histogram: bool,
    /// Mantissa bits dropped beyond [`MANTISSA_BITS`].
    pub(crate) level: u32,
    /// `(bucket, count)` in the numbers' order; a bucket is a [`total_key`] shifted right by
    /// [`Quantiles::shift`].
    pub(crate) buckets: Vec<(u64, u64)>,
}

impl PartialEq for Quantiles {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.finished(), other.finished());
        a.n == b.n
            && a.histogram == b.histogram
            && a.level == b.level
            && a.buckets == b.buckets
            && a.pending == b.pending
    }
}

impl Quantiles {
    fn shift(&self) -> u32 {
        52 - MANTISSA_BITS + self.level
    }

    pub(crate) fn update(&mut self, x: f64) {
        self.n += 1;
        self.pending.push(total_key(x));
        if self.histogram {
            if self.pending.len() >= PENDING {
                self.flush();
            }
        } else if self.n > EXACT_QUANTILES as u64 {
            self.histogram = true;
            self.flush();
        }
    }

    /// Counts the pending numbers into the histogram (when it is in use), then pairs buckets up
    /// until they fit.
    fn flush(&mut self) {
        if !self.histogram {
            self.pending.sort_unstable();
            return;
        }
        let shift = self.shift();
        self.pending.sort_unstable();
        let mut counted: Vec<(u64, u64)> = Vec::new();
        for &k in &self.pending {
            let b = k >> shift;
            match counted.last_mut() {
                Some((last, c)) if *last == b => *c += 1,
                _ => counted.push((b, 1)),
            }
        }
        self.pending.clear();
        self.add_buckets(&counted);
    }

    /// Adds `(bucket, count)`s at this level, in order.
    fn add_buckets(&mut self, add: &[(u64, u64)]) {
        if !add.is_empty() {
            let mine = core::mem::take(&mut self.buckets);
            let mut out = Vec::with_capacity(mine.len() + add.len());
            let (mut a, mut b) = (mine.iter().peekable(), add.iter().peekable());
            loop {
                let next = match (a.peek(), b.peek()) {
                    (Some(&&x), Some(&&y)) if x.0 == y.0 => {
                        a.next();
                        b.next();
                        (x.0, x.1 + y.1)
                    }
                    (Some(&&x), Some(&&y)) if x.0 < y.0 => {
                        a.next();
                        x
                    }
                    (_, Some(&&y)) => {
                        b.next();
                        y
                    }
                    (Some(&&x), None) => {
                        a.next();
                        x
                    }
                    (None, None) => break,
                };
                out.push(next);
            }
            self.buckets = out;
        }
        while self.buckets.len() > MAX_BUCKETS && self.shift() < 63 {
            self.raise();
        }
    }

    /// One level up: adjacent buckets pair up (a bucket's key shifted right once more).
    fn raise(&mut self) {
        self.level += 1;
        let mut out: Vec<(u64, u64)> = Vec::with_capacity(self.buckets.len() / 2 + 1);
        for &(b, c) in &self.buckets {
            let b = b >> 1;
            match out.last_mut() {
                Some((last, n)) if *last == b => *n += c,
                _ => out.push((b, c)),
            }
        }
        self.buckets = out;
    }

    pub(crate) fn merge(&mut self, other: &Quantiles) {
        self.n = self.n.saturating_add(other.n);
        if !self.histogram && !other.histogram && self.n <= EXACT_QUANTILES as u64 {
            self.pending.extend_from_slice(&other.pending);
            return;
        }
        self.histogram = true;
        self.flush();
        let mut theirs = other.clone();
        theirs.histogram = true;
        theirs.flush();
        while self.level < theirs.level {
            self.raise();
        }
        while theirs.level < self.level {
            theirs.raise();
        }
        self.add_buckets(&theirs.buckets);
    }

    /// This sketch with every pending number counted: what its quantiles are read from (and
    /// what its state is), the same whenever the numbers came.
    pub(crate) fn finished(&self) -> Cow<'_, Quantiles> {
        if self.pending.is_empty() || (!self.histogram && self.pending.is_sorted()) {
            return Cow::Borrowed(self);
        }
        let mut q = self.clone();
        q.flush();
        Cow::Owned(q)
    }

    pub(crate) fn quantile(&self, per_mille: u64, min: f64, max: f64) -> Option<f64> {
        let target = u128::from(per_mille.min(1000)) * u128::from(self.n);
        self.at_rank(
            u64::try_from(target.div_ceil(1000))
                .unwrap_or(u64::MAX)
                .max(1),
            min,
            max,
        )
    }

    /// The smallest number whose rank (1-based) is at least `target`: exact while every number
    /// is kept; else the midpoint of the bucket holding that rank, within `min` and `max` (the
    /// column's own).
    pub(crate) fn at_rank(&self, target: u64, min: f64, max: f64) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let q = self.finished();
        if !q.histogram {
            let i = usize::try_from(target.max(1) - 1).ok()?;
            return q
                .pending
                .get(i)
                .or(q.pending.last())
                .map(|&k| from_total_key(k));
        }
        let shift = q.shift();
        let (lo, hi) = (total_key(min), total_key(max));
        let (lo, hi) = (lo.min(hi), lo.max(hi));
        let mut cum: u64 = 0;
        let mut found = q.buckets.last().map(|b| b.0);
        for &(b, c) in &q.buckets {
            cum = cum.saturating_add(c);
            if cum >= target {
                found = Some(b);
                break;
            }
        }
        let b = found?;
        // The bucket's keys, within the column's extremes (so no infinity or NaN pattern in the
        // bucket's range is ever read).
        let first = (b << shift).clamp(lo, hi);
        let last = (b << shift | ((1u64 << shift) - 1)).clamp(lo, hi);
        let (a, z) = (from_total_key(first), from_total_key(last));
        Some(a + (z - a) / 2.0)
    }

    pub(crate) fn to_state(&self) -> Value {
        let q = self.finished();
        let mut m = Map::new();
        m.insert("n".into(), Value::from(q.n));
        if q.histogram {
            m.insert("level".into(), Value::from(q.level));
            let buckets = q
                .buckets
                .iter()
                .map(|&(b, c)| Value::Array(alloc::vec![Value::from(b), Value::from(c)]))
                .collect();
            m.insert("buckets".into(), Value::Array(buckets));
        } else {
            let exact = q
                .pending
                .iter()
                .map(|&k| num_or_null(from_total_key(k)))
                .collect();
            m.insert("exact".into(), Value::Array(exact));
        }
        Value::Object(m)
    }

    /// Reads [`Quantiles::to_state`]; `None` when it is not one (or not consistent).
    pub(crate) fn from_state(v: &Value) -> Option<Quantiles> {
        let o = v.as_object()?;
        // No column holds more numbers than a JS number counts exactly.
        let n = o.get("n")?.as_u64().filter(|&n| n <= 1 << 53)?;
        let mut q = Quantiles {
            n,
            ..Quantiles::default()
        };
        if let Some(exact) = o.get("exact") {
            q.pending = exact
                .as_array()?
                .iter()
                .map(|x| x.as_f64().filter(|x| x.is_finite()).map(total_key))
                .collect::<Option<Vec<u64>>>()?;
            if q.pending.len() as u64 != n || q.pending.len() > EXACT_QUANTILES {
                return None;
            }
            q.pending.sort_unstable();
            return Some(q);
        }
        q.histogram = true;
        let level = o.get("level")?.as_u64()?;
        // A key has 64 bits: shifts up to 63.
        if level > u64::from(63 - (52 - MANTISSA_BITS)) {
            return None;
        }
        q.level = u32::try_from(level).ok()?;
        let buckets = o.get("buckets")?.as_array()?;
        if buckets.len() > MAX_BUCKETS {
            return None;
        }
        let mut total: u64 = 0;
        for pair in buckets {
            let pair = pair.as_array()?;
            let (b, c) = (pair.first()?.as_u64()?, pair.get(1)?.as_u64()?);
            // In order, each bucket once, none empty, and a key the level can have.
            if c == 0 || b >> (64 - q.shift()) != 0 || q.buckets.last().is_some_and(|l| l.0 >= b) {
                return None;
            }
            total = total.checked_add(c)?;
            q.buckets.push((b, c));
        }
        (total == n && n > EXACT_QUANTILES as u64 && q.buckets.len() <= MAX_BUCKETS).then_some(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(xs: impl IntoIterator<Item = f64>) -> Quantiles {
        let mut q = Quantiles::default();
        for x in xs {
            q.update(x);
        }
        q
    }

    #[test]
    fn the_state_depends_on_the_numbers_only() {
        // Numbers over many octaves (the histogram pairs buckets up), in three orders and
        // split three ways.
        let xs: Vec<f64> = (0..50_000u64)
            .map(|i| {
                let v = (i.wrapping_mul(2_654_435_761) % 1_000_003) as f64;
                if i % 7 == 0 { -v * 1e-3 } else { v * v * 1e-4 }
            })
            .collect();
        let whole = of(xs.iter().copied());
        let reversed = of(xs.iter().rev().copied());
        assert!(whole.level > 0);
        assert!(whole == reversed);
        for parts in [2usize, 3, 17] {
            let size = xs.len().div_ceil(parts);
            let mut merged = Quantiles::default();
            for chunk in xs.chunks(size) {
                merged.merge(&of(chunk.iter().copied()));
            }
            assert!(merged == whole, "{parts} parts");
            let min = xs.iter().copied().fold(f64::INFINITY, f64::min);
            let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            for pm in [1, 10, 250, 500, 990, 1000] {
                assert_eq!(
                    merged.quantile(pm, min, max).map(f64::to_bits),
                    whole.quantile(pm, min, max).map(f64::to_bits)
                );
            }
        }
        // Through the state.
        let back = Quantiles::from_state(&whole.to_state()).unwrap();
        assert!(back == whole);
    }

    #[test]
    fn estimates_are_within_the_bucket_width_of_the_exact_quantile() {
        let xs: Vec<f64> = (1..=200_000u64)
            .map(|i| (i % 9_973) as f64 * 0.37 + 1.0)
            .collect();
        let q = of(xs.iter().copied());
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        for pm in [1u64, 50, 500, 950, 999] {
            let target = (pm * sorted.len() as u64).div_ceil(1000).max(1);
            let exact = sorted[target as usize - 1];
            let got = q.quantile(pm, 1.0, sorted[sorted.len() - 1]).unwrap();
            assert!(
                (got - exact).abs() <= exact / 128.0,
                "{pm}: {got} vs {exact}"
            );
        }
    }

    #[test]
    fn exact_up_to_the_limit() {
        let xs: Vec<f64> = (0..EXACT_QUANTILES)
            .map(|i| ((i * 37) % 101) as f64 - 50.0)
            .collect();
        let q = of(xs.iter().copied());
        assert!(!q.histogram);
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        assert_eq!(q.at_rank(1, -50.0, 50.0), Some(sorted[0]));
        assert_eq!(q.at_rank(512, -50.0, 50.0), Some(sorted[511]));
        let q = of(xs.iter().copied().chain([1e300]));
        assert!(q.histogram);
    }
}
