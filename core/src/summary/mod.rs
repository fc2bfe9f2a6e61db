//! Summaries: statistics of a column of values instead of the values, mergeable across
//! partitions, with privacy rules for the statistics themselves.
//!
//! A [`Summary`] is the mergeable state. It holds raw values (top-k candidates, quantile sketch
//! items), so it is as sensitive as the data it summarises: its `Debug` shows the count only, and
//! only [`Summary::render`] output (privacy rules applied) is meant to leave the process. The
//! state's JSON form ([`Summary::to_state`]) exists to ship partial summaries between workers of
//! one pipeline (Dask, Spark, Ray), which hold the data anyway.
//!
//! Sketches and their error bounds:
//! - `distinct`: exact (64-bit hashes) up to [`EXACT_DISTINCT`] values, then HyperLogLog with
//!   2^14 registers: standard error 1.04/√16384 = 0.81 %.
//! - quantiles: every number while there are at most [`EXACT_QUANTILES`] (1024), then a
//!   histogram of their bits (`sketch::quantiles`): an estimate is within 2^-8 of the exact
//!   quantile's value (relative; 2^-7 per level the histogram rose to fit 2,048 buckets, which
//!   numbers of one sign spanning under 2^15 in magnitude never need). Its state is a function of the
//!   numbers alone, so a summary merged from partitions has one pass's quantiles, bit for bit
//!   (asserted in `core/tests/summaries.rs` on 1,000,000 values of three shapes).
//! - `top_k`: Misra-Gries counters with [`TOP_CAPACITY`] slots; a count is never above the true
//!   count and at most `n / (TOP_CAPACITY + 1)` below it. Exact, and so merged exactly, while a
//!   column has at most [`TOP_CAPACITY`] distinct values; past that, pruning depends on the
//!   order values came in, and merged top values are within the bound only.
//! - sample: drawn from the distinct values with the [`SAMPLE_CAPACITY`] smallest hashes, each
//!   with its exact count (`sketch::sample`): a function of the values alone, so merged
//!   partitions give one pass's sample at any size (in one pass's order when merged in the
//!   order of the values).
//! - count, nulls, types, min, max, lengths: exact. mean and std: from exact sums of the numbers
//!   and of their squares (`sketch::sum`), rounded once at the end, so they depend on the values
//!   only: a summary merged from partitions has one pass's mean and std, bit for bit.

use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;
use serde_json::{Number, Value};

mod render;
pub(crate) mod rule;
pub(crate) mod sketch;
mod state;

pub(crate) mod array;
pub(crate) mod column;
pub(crate) mod cover;
pub(crate) mod records;

use sketch::distinct::Distinct;
use sketch::extremes::keep_extreme;
use sketch::quantiles::Quantiles;
use sketch::sample::Sampled;
use sketch::sum::{ExactSum, SquareSum, add_moments};

/// The top-k counters, keyed by the values' 64-bit hashes (already uniform, so the map uses
/// them as they are). Never iterated where order shows: rendering and states sort.
type TopMap = hashbrown::HashMap<u64, Entry, core::hash::BuildHasherDefault<IdentityHasher>>;

/// A `Hasher` for keys that are hashes already.
#[derive(Default)]
pub(crate) struct IdentityHasher(u64);

impl core::hash::Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used (u64 keys); fold anything else in.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The lesser of two numbers in `f64::total_cmp`'s order (so the same whichever comes first).
fn lesser(a: f64, b: f64) -> f64 {
    if b.total_cmp(&a).is_lt() { b } else { a }
}

/// The greater of two numbers in `f64::total_cmp`'s order.
fn greater(a: f64, b: f64) -> f64 {
    if b.total_cmp(&a).is_gt() { b } else { a }
}

/// Below this many distinct values, `distinct` is exact.
pub const EXACT_DISTINCT: usize = 4096;
/// Up to this many numbers, quantiles are exact.
pub const EXACT_QUANTILES: usize = sketch::quantiles::EXACT_QUANTILES;
/// Distinct values a sample is drawn from (those with the smallest hashes).
pub const SAMPLE_CAPACITY: usize = sketch::sample::SAMPLE_CAPACITY;
/// Counter slots of the top-k sketch.
pub const TOP_CAPACITY: usize = 1024;
/// Quantiles emitted, in per mille.
const QUANTILES: [(u64, &str); 7] = [
    (10, "p01"),
    (50, "p05"),
    (250, "p25"),
    (500, "p50"),
    (750, "p75"),
    (950, "p95"),
    (990, "p99"),
];

/// Statistics a `[[summarize]]` rule can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats(pub(crate) u16);

impl Stats {
    /// Every statistic name, in output order.
    pub const NAMES: [&'static str; 11] = [
        "count",
        "nulls",
        "distinct",
        "types",
        "min",
        "max",
        "mean",
        "std",
        "quantiles",
        "length",
        "top_k",
    ];
    /// All statistics.
    pub const ALL: Stats = Stats((1 << 11) - 1);

    /// The statistic called `name`, if there is one.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Stats> {
        Self::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| Stats(1 << i))
    }
    /// Both sets.
    #[must_use]
    pub fn with(self, other: Stats) -> Stats {
        Stats(self.0 | other.0)
    }
    fn has(self, name: &str) -> bool {
        Self::from_name(name).is_some_and(|s| self.0 & s.0 != 0)
    }
}

/// How a summary is rendered: the rule's choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// The `[[summarize]]` rule id, written into the summary.
    pub rule: String,
    /// Which statistics.
    pub stats: Stats,
    /// `top_k` entries (and sample items) seen fewer times are left out.
    pub k_anonymity: u64,
    /// At most this many `top_k` entries.
    pub top_k: usize,
}

/// A value as the summary keeps it (for `top_k`).
#[derive(Clone, PartialEq)]
enum Item {
    Str(String),
    Num(f64),
    Bool(bool),
}

#[derive(Clone, PartialEq)]
struct Entry {
    count: u64,
    first: u64,
    item: Item,
}

/// The mergeable state of a column summary. See the module documentation for what it may hold.
#[derive(Clone, PartialEq)]
pub struct Summary {
    count: u64,
    nulls: u64,
    /// bool, number, string, array, object, other.
    types: [u64; 6],
    num_n: u64,
    /// The exact sum of the finite numbers, and of their squares.
    sum: ExactSum,
    sum_sq: SquareSum,
    min: f64,
    max: f64,
    /// The [`EXTREMES`] smallest and largest finite numbers, in order (smallest first; largest
    /// first): the windows of k values around min and max, exact and mergeable.
    low: Vec<f64>,
    high: Vec<f64>,
    quantiles: Quantiles,
    len_n: u64,
    len_min: u64,
    len_max: u64,
    len_sum: u64,
    distinct: Distinct,
    top: TopMap,
    /// Total subtracted from every top-k counter (the most any count is below the truth).
    top_err: u64,
    /// Every top-k counter is 1: no value repeated since the counters were last emptied (the
    /// next prune empties them without a look).
    top_ones: bool,
    /// The sample's candidates (`sketch::sample`) once the top-k counters have lost a count;
    /// until then those counters hold every value exactly and the sample is drawn from them.
    sampled: Option<Sampled>,
    covered: bool,
}

impl core::fmt::Debug for Summary {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Summary({} values)", self.count)
    }
}

impl Default for Summary {
    fn default() -> Self {
        Self::new()
    }
}

const TYPE_NAMES: [&str; 6] = ["bool", "number", "string", "array", "object", "other"];

/// 64-bit hash of a tagged byte string (folded multiply; stable across platforms and builds).
pub(crate) fn hash64(tag: u8, bytes: &[u8]) -> u64 {
    const K0: u64 = 0x243f_6a88_85a3_08d3;
    const K1: u64 = 0x1319_8a2e_0370_7344;
    fn mix(a: u64, b: u64) -> u64 {
        let r = u128::from(a) * u128::from(b);
        (r as u64) ^ ((r >> 64) as u64)
    }
    let mut h = mix(K0 ^ u64::from(tag), K1 ^ bytes.len() as u64);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = mix(h ^ u64::from_le_bytes(w), K1);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        if let Some(dst) = w.get_mut(..rest.len()) {
            dst.copy_from_slice(rest);
        }
        h = mix(h ^ u64::from_le_bytes(w), K0);
    }
    // splitmix64 finaliser, so every output bit depends on every input bit.
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

const NULL_HASH: u64 = 0x6e75_6c6c;

/// The identity hash of a string value.
fn str_hash(s: &str) -> u64 {
    hash64(b's', s.as_bytes())
}

/// The identity hash of a boolean.
fn bool_hash(b: bool) -> u64 {
    hash64(b'b', &[u8::from(b)])
}

fn num_hash(x: f64) -> u64 {
    let x = if x == 0.0 { 0.0 } else { x };
    hash64(b'n', &x.to_bits().to_le_bytes())
}

impl Summary {
    /// An empty summary.
    #[must_use]
    pub fn new() -> Self {
        Self {
            count: 0,
            nulls: 0,
            types: [0; 6],
            num_n: 0,
            sum: ExactSum::default(),
            sum_sq: SquareSum::default(),
            min: f64::INFINITY,
            low: Vec::new(),
            high: Vec::new(),
            max: f64::NEG_INFINITY,
            quantiles: Quantiles::default(),
            len_n: 0,
            len_min: u64::MAX,
            len_max: 0,
            len_sum: 0,
            distinct: Distinct::Exact(BTreeSet::new()),
            top: TopMap::default(),
            top_err: 0,
            top_ones: true,
            sampled: None,
            covered: false,
        }
    }

    /// Values added so far (nulls included).
    #[must_use]
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Whether a masking rule or a detector covers these values: then only count, nulls,
    /// distinct and length are rendered.
    #[must_use]
    pub fn covered(&self) -> bool {
        self.covered
    }

    /// Marks the values as covered by a masking rule or a detector finding.
    pub fn set_covered(&mut self) {
        self.covered = true;
    }

    /// Adds a null (or a missing value: `NaN` in a float column). Like every `add_*`, returns
    /// the value's identity hash (what `distinct`, `top_k` and samples compare).
    pub fn add_null(&mut self) -> u64 {
        self.count += 1;
        self.nulls += 1;
        NULL_HASH
    }

    /// Adds a boolean.
    pub fn add_bool(&mut self, b: bool) -> u64 {
        self.count += 1;
        self.bump_type(0);
        let h = bool_hash(b);
        self.distinct.insert(h);
        self.count_item(h, || Item::Bool(b));
        h
    }

    /// Adds a number. `NaN` counts as a null; infinities count as numbers but are left out of
    /// min, max, mean, std and quantiles.
    pub fn add_f64(&mut self, x: f64) -> u64 {
        if x.is_nan() {
            return self.add_null();
        }
        self.count += 1;
        self.bump_type(1);
        let h = num_hash(x);
        self.distinct.insert(h);
        self.count_item(h, || Item::Num(x));
        if x.is_finite() {
            self.num_n += 1;
            add_moments(&mut self.sum, &mut self.sum_sq, x);
            // In total order: -0 below +0, whatever came first.
            self.min = lesser(self.min, x);
            self.max = greater(self.max, x);
            keep_extreme(&mut self.low, x, |a, b| a < b);
            keep_extreme(&mut self.high, x, |a, b| a > b);
            self.quantiles.update(x);
        }
        h
    }

    /// Adds a number given as JSON text (an integer of any size is compared as the nearest
    /// `f64`). Text that is not a number counts as a string.
    pub fn add_number_text(&mut self, text: &str) -> u64 {
        match text.parse::<f64>() {
            Ok(x) => self.add_f64(x),
            Err(_) => self.add_str(text),
        }
    }

    /// Adds a string.
    pub fn add_str(&mut self, s: &str) -> u64 {
        self.count += 1;
        self.bump_type(2);
        let len = s.bytes().filter(|b| b & 0xC0 != 0x80).count() as u64;
        self.len_n += 1;
        self.len_min = self.len_min.min(len);
        self.len_max = self.len_max.max(len);
        self.len_sum += len;
        let h = str_hash(s);
        self.distinct.insert(h);
        self.count_item(h, || Item::Str(String::from(s)));
        h
    }

    /// Adds an array, object or other non-scalar value, identified by its JSON text (for
    /// `distinct`). Such values never appear in `top_k`.
    pub fn add_container(&mut self, kind: ContainerKind, json: &str) -> u64 {
        self.count += 1;
        self.bump_type(match kind {
            ContainerKind::Array => 3,
            ContainerKind::Object => 4,
            ContainerKind::Other => 5,
        });
        let h = hash64(b'j', json.as_bytes());
        self.distinct.insert(h);
        h
    }

    fn bump_type(&mut self, i: usize) {
        if let Some(t) = self.types.get_mut(i) {
            *t += 1;
        }
    }

    fn count_item(&mut self, h: u64, item: impl Fn() -> Item) {
        let first = self.count;
        if let Some(s) = &mut self.sampled {
            s.count(h, first, &item);
        }
        if !bump(&mut self.top, h, first, item) {
            self.top_ones = false;
        } else if self.top.len() > 4 * TOP_CAPACITY {
            self.prune_top();
        }
    }

    /// Merges `other` (a summary of other values of the same column) into this one.
    pub fn merge(&mut self, other: &Summary) {
        let base = self.count;
        self.count += other.count;
        self.nulls += other.nulls;
        for (a, b) in self.types.iter_mut().zip(other.types) {
            *a += b;
        }
        if other.num_n > 0 {
            self.num_n += other.num_n;
            self.sum.merge(&other.sum);
            self.sum_sq.merge(&other.sum_sq);
            self.min = lesser(self.min, other.min);
            self.max = greater(self.max, other.max);
            for &x in &other.low {
                keep_extreme(&mut self.low, x, |a, b| a < b);
            }
            for &x in &other.high {
                keep_extreme(&mut self.high, x, |a, b| a > b);
            }
        }
        self.quantiles.merge(&other.quantiles);
        self.len_n += other.len_n;
        self.len_min = self.len_min.min(other.len_min);
        self.len_max = self.len_max.max(other.len_max);
        self.len_sum += other.len_sum;
        self.distinct.merge(&other.distinct);
        // The sample's candidates: either side's exact counters stand for its candidates.
        if self.sampled.is_some() || other.sampled.is_some() {
            let mine = self
                .sampled
                .get_or_insert_with(|| Sampled::from_exact(&self.top));
            match &other.sampled {
                Some(theirs) => mine.merge(theirs, base),
                None => mine.merge(&Sampled::from_exact(&other.top), base),
            }
        }
        for (h, e) in &other.top {
            match self.top.get_mut(h) {
                Some(mine) => mine.count = mine.count.saturating_add(e.count),
                None => {
                    let mut e = e.clone();
                    e.first = e.first.saturating_add(base);
                    self.top.insert(*h, e);
                }
            }
        }
        self.top_err += other.top_err;
        self.top_ones = false;
        self.prune_top();
        self.covered |= other.covered;
    }

    /// The number of distinct values, and whether it is an estimate.
    #[must_use]
    pub fn distinct(&self) -> (u64, bool) {
        self.distinct.estimate()
    }

    /// The nearest-rank quantile `per_mille / 1000` of the finite numbers: the smallest value
    /// whose rank is at least ⌈q·n⌉. `None` without numbers.
    #[must_use]
    pub fn quantile(&self, per_mille: u64) -> Option<f64> {
        self.quantiles.quantile(per_mille, self.min, self.max)
    }

    /// Hashes of the values seen at least `k` times, first seen first, as the sample order
    /// (values identified by [`Summary`]'s own hashing): among the distinct values with the
    /// [`SAMPLE_CAPACITY`] smallest hashes (every value, in a column with no more), so that the
    /// sample depends on the values alone, not on their order or how they were split.
    #[must_use]
    pub fn frequent_in_order(&self, k: u64) -> Vec<u64> {
        let candidates = self.sampled.as_ref().map_or(&self.top, |s| &s.map);
        let mut v: Vec<(u64, u64)> = sketch::sample::bottom(candidates)
            .into_iter()
            .filter(|(_, e)| e.count >= k)
            .map(|(h, e)| (e.first, h))
            .collect();
        v.sort_unstable();
        v.into_iter().map(|(_, h)| h).collect()
    }

    /// The value counted under `hash` (see [`Summary::frequent_in_order`]), as JSON.
    #[must_use]
    pub fn item_value(&self, hash: u64) -> Option<Value> {
        let candidates = self.sampled.as_ref().map_or(&self.top, |s| &s.map);
        candidates.get(&hash).map(|e| item_json(&e.item))
    }
}

/// What kind of non-scalar value [`Summary::add_container`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    /// A JSON array.
    Array,
    /// A JSON object.
    Object,
    /// A value with no JSON form.
    Other,
}

fn item_cmp(a: &Item, b: &Item) -> core::cmp::Ordering {
    use core::cmp::Ordering;
    let rank = |i: &Item| match i {
        Item::Bool(_) => 0,
        Item::Num(_) => 1,
        Item::Str(_) => 2,
    };
    match (a, b) {
        (Item::Str(x), Item::Str(y)) => x.cmp(y),
        (Item::Num(x), Item::Num(y)) => x.total_cmp(y),
        (Item::Bool(x), Item::Bool(y)) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)).then(Ordering::Equal),
    }
}

/// Counts one more of the value `h` in `map` (made by `item`, first seen at `first`, when it is
/// new); whether it was new.
fn bump(map: &mut TopMap, h: u64, first: u64, item: impl FnOnce() -> Item) -> bool {
    match map.entry(h) {
        hashbrown::hash_map::Entry::Occupied(mut e) => {
            e.get_mut().count = e.get().count.saturating_add(1);
            false
        }
        hashbrown::hash_map::Entry::Vacant(v) => {
            v.insert(Entry {
                count: 1,
                first,
                item: item(),
            });
            true
        }
    }
}

/// The identity hash of a kept value, as the `add_*` that counted it made it.
fn item_hash(i: &Item) -> u64 {
    match i {
        Item::Str(s) => str_hash(s),
        Item::Num(x) => num_hash(*x),
        Item::Bool(b) => bool_hash(*b),
    }
}

fn item_json(i: &Item) -> Value {
    match i {
        Item::Str(s) => Value::from(s.as_str()),
        Item::Num(x) => num(*x),
        Item::Bool(b) => Value::Bool(*b),
    }
}

/// A number as JSON: integral values within ±2^53 as integers, others as floats, non-finite as
/// `null` (JSON has no infinities).
pub(crate) fn num(x: f64) -> Value {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if x.is_finite() && libm::trunc(x) == x && x.abs() <= EXACT {
        return Value::from(x as i64);
    }
    Number::from_f64(x).map_or(Value::Null, Value::Number)
}

fn num_or_null(x: f64) -> Value {
    if x.is_finite() {
        Number::from_f64(x).map_or(Value::Null, Value::Number)
    } else {
        Value::Null
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The histogram threshold is the selection's, for small counts, large ones and a mix.
    #[test]
    fn prune_threshold_is_the_selected_count() {
        let mut seed = 7u64;
        for round in 0..400u64 {
            let mut s = Summary::new();
            let n = 4 * TOP_CAPACITY + 1 + (round as usize % 300);
            for i in 0..n as u64 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let spread = [2, 10, 70, 5000][(round % 4) as usize];
                let count = 1 + (seed >> 33) % spread;
                s.top.insert(
                    i,
                    Entry {
                        count,
                        first: i,
                        item: Item::Num(0.0),
                    },
                );
            }
            let mut counts: Vec<u64> = s.top.values().map(|e| e.count).collect();
            counts.sort_unstable_by(|a, b| b.cmp(a));
            let want = (counts[TOP_CAPACITY], counts[0]);
            assert_eq!(s.prune_threshold(), want, "round {round}");
        }
    }

    #[test]
    fn debug_shows_no_value() {
        let mut s = Summary::new();
        s.add_str("canary-4111111111111111");
        assert_eq!(alloc::format!("{s:?}"), "Summary(1 values)");
    }

    #[test]
    fn state_round_trips() {
        let mut s = Summary::new();
        for i in 0..5000 {
            s.add_f64(f64::from(i % 700) * 0.5);
            s.add_str(if i % 3 == 0 { "a" } else { "b" });
        }
        s.add_null();
        s.add_bool(true);
        let back = Summary::from_state(&s.to_state()).unwrap();
        assert!(back == s);
    }
}
