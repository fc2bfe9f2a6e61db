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
//! - quantiles: a deterministic KLL sketch with k = [`KLL_K`] (1024): exact while it holds every
//!   value (n ≤ 1024), otherwise within a rank error of 1 % (asserted in `core/tests/summaries.rs`
//!   on 1,000,000 uniform, skewed and duplicate-heavy values, alone and merged: 0.3 to 0.5 %).
//! - `top_k`: Misra-Gries counters with [`TOP_CAPACITY`] slots; a count is never above the true
//!   count and at most `n / (TOP_CAPACITY + 1)` below it.
//! - count, nulls, types, mean, std (Welford / Chan), min, max, lengths: exact (floating point).

use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use serde_json::{Map, Number, Value};

use crate::error::{ErrorKind, PolicyError};

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

/// Below this many distinct values, `distinct` is exact.
pub const EXACT_DISTINCT: usize = 4096;
const HLL_BITS: u32 = 14;
const HLL_M: usize = 1 << HLL_BITS;
/// Size parameter of the quantile sketch.
pub const KLL_K: usize = 1024;
/// Counter slots of the top-k sketch.
pub const TOP_CAPACITY: usize = 256;
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
    mean: f64,
    m2: f64,
    min: f64,
    max: f64,
    /// The [`EXTREMES`] smallest and largest finite numbers, in order (smallest first; largest
    /// first): the windows of k values around min and max, exact and mergeable.
    low: Vec<f64>,
    high: Vec<f64>,
    kll: Kll,
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
            mean: 0.0,
            m2: 0.0,
            min: f64::INFINITY,
            low: Vec::new(),
            high: Vec::new(),
            max: f64::NEG_INFINITY,
            kll: Kll::default(),
            len_n: 0,
            len_min: u64::MAX,
            len_max: 0,
            len_sum: 0,
            distinct: Distinct::Exact(BTreeSet::new()),
            top: TopMap::default(),
            top_err: 0,
            top_ones: true,
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
        let h = hash64(b'b', &[u8::from(b)]);
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
            let d = x - self.mean;
            self.mean += d / self.num_n as f64;
            self.m2 += d * (x - self.mean);
            self.min = self.min.min(x);
            self.max = self.max.max(x);
            keep_extreme(&mut self.low, x, |a, b| a < b);
            keep_extreme(&mut self.high, x, |a, b| a > b);
            self.kll.update(x);
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
        let h = hash64(b's', s.as_bytes());
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

    fn count_item(&mut self, h: u64, item: impl FnOnce() -> Item) {
        let first = self.count;
        match self.top.entry(h) {
            hashbrown::hash_map::Entry::Occupied(mut e) => {
                e.get_mut().count += 1;
                self.top_ones = false;
            }
            hashbrown::hash_map::Entry::Vacant(v) => {
                v.insert(Entry {
                    count: 1,
                    first,
                    item: item(),
                });
                if self.top.len() > 4 * TOP_CAPACITY {
                    self.prune_top();
                }
            }
        }
    }

    /// Misra-Gries in batches: subtract the (C+1)-th largest count from every counter and drop
    /// those at zero. Each unit subtracted from a counter is matched by C other units, so no
    /// count drops by more than n / (C + 1) in total.
    fn prune_top(&mut self) {
        if self.top.len() <= TOP_CAPACITY {
            return;
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
    fn prune_threshold(&self) -> (u64, u64) {
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

    /// Merges `other` (a summary of other values of the same column) into this one.
    pub fn merge(&mut self, other: &Summary) {
        let base = self.count;
        self.count += other.count;
        self.nulls += other.nulls;
        for (a, b) in self.types.iter_mut().zip(other.types) {
            *a += b;
        }
        if other.num_n > 0 {
            let n = self.num_n + other.num_n;
            let d = other.mean - self.mean;
            let (na, nb) = (self.num_n as f64, other.num_n as f64);
            self.mean += d * nb / n as f64;
            self.m2 += other.m2 + d * d * na * nb / n as f64;
            self.num_n = n;
            self.min = self.min.min(other.min);
            self.max = self.max.max(other.max);
            for &x in &other.low {
                keep_extreme(&mut self.low, x, |a, b| a < b);
            }
            for &x in &other.high {
                keep_extreme(&mut self.high, x, |a, b| a > b);
            }
        }
        self.kll.merge(&other.kll);
        self.len_n += other.len_n;
        self.len_min = self.len_min.min(other.len_min);
        self.len_max = self.len_max.max(other.len_max);
        self.len_sum += other.len_sum;
        self.distinct.merge(&other.distinct);
        for (h, e) in &other.top {
            match self.top.get_mut(h) {
                Some(mine) => mine.count += e.count,
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
        self.kll.quantile(per_mille)
    }

    /// Hashes of the values seen at least `k` times, first seen first, as the sample order
    /// (values identified by [`Summary`]'s own hashing).
    #[must_use]
    pub fn frequent_in_order(&self, k: u64) -> Vec<u64> {
        let mut v: Vec<(u64, u64)> = self
            .top
            .iter()
            .filter(|(_, e)| e.count >= k)
            .map(|(h, e)| (e.first, *h))
            .collect();
        v.sort_unstable();
        v.into_iter().map(|(_, h)| h).collect()
    }

    /// The value counted under `hash` (see [`Summary::frequent_in_order`]), as JSON.
    #[must_use]
    pub fn item_value(&self, hash: u64) -> Option<Value> {
        self.top.get(&hash).map(|e| item_json(&e.item))
    }

    /// The summary as emitted: `{"tamis_summary": {...}}` with the privacy rules applied (see
    /// the project docs for the exact shape). `sample` is the already masked sample.
    #[must_use]
    pub fn render(&self, opts: &RenderOptions, sample: Option<Vec<Value>>) -> Value {
        let mut m = Map::new();
        let s = opts.stats;
        m.insert("rule".into(), Value::from(opts.rule.as_str()));
        if s.has("count") {
            m.insert("count".into(), Value::from(self.count));
        }
        if s.has("nulls") {
            m.insert("nulls".into(), Value::from(self.nulls));
            let rate = if self.count == 0 {
                0.0
            } else {
                self.nulls as f64 / self.count as f64
            };
            m.insert("null_rate".into(), num(rate));
        }
        if s.has("distinct") {
            let (d, estimated) = self.distinct();
            m.insert("distinct".into(), Value::from(d));
            m.insert("distinct_estimated".into(), Value::Bool(estimated));
        }
        let open = !self.covered;
        if open && s.has("types") {
            let mut t = Map::new();
            if self.nulls > 0 {
                t.insert("null".into(), Value::from(self.nulls));
            }
            for (name, &n) in TYPE_NAMES.iter().zip(&self.types) {
                if n > 0 {
                    t.insert((*name).into(), Value::from(n));
                }
            }
            m.insert("types".into(), Value::Object(t));
        }
        // Numbers are described only when at least k of them were seen, and min, max and the
        // quantiles never show one value: each is the shortest rounding of itself that stays
        // within the k values around it in order (`coarsen`).
        let k = opts.k_anonymity.max(1);
        if open && self.num_n >= k {
            let n = self.kll.n;
            // The value at a rank: exact among the extremes kept, else from the sketch.
            let at = |rank: u64| -> Option<f64> {
                let i = usize::try_from(rank.checked_sub(1)?).ok()?;
                let from_top = usize::try_from(n.checked_sub(rank)?).ok()?;
                self.low
                    .get(i)
                    .or_else(|| self.high.get(from_top))
                    .copied()
                    .or_else(|| self.kll.at_rank(rank))
            };
            let around = |rank: u64, x: f64| -> f64 {
                if k == 1 {
                    return x;
                }
                let lo = rank
                    .saturating_sub((k - 1) / 2)
                    .clamp(1, n.saturating_sub(k - 1).max(1));
                let hi = (lo + k - 1).min(n);
                match (at(lo), at(hi)) {
                    (Some(a), Some(b)) => coarsen(x, a.min(x), b.max(x)),
                    _ => x,
                }
            };
            if s.has("min") {
                m.insert("min".into(), num(around(1, self.min)));
            }
            if s.has("max") {
                m.insert("max".into(), num(around(n, self.max)));
            }
            if s.has("mean") {
                m.insert("mean".into(), num(self.mean));
            }
            if s.has("std") && self.num_n > 1 {
                let var = self.m2 / (self.num_n - 1) as f64;
                m.insert("std".into(), num(libm::sqrt(var.max(0.0))));
            }
            if s.has("quantiles") {
                let mut q = Map::new();
                for (pm, name) in QUANTILES {
                    let rank = (pm * n).div_ceil(1000).max(1);
                    if let Some(x) = at(rank) {
                        q.insert(name.into(), num(around(rank, x)));
                    }
                }
                m.insert("quantiles".into(), Value::Object(q));
            }
        }
        if s.has("length") && self.len_n > 0 {
            let mut l = Map::new();
            l.insert("min".into(), Value::from(self.len_min));
            l.insert("max".into(), Value::from(self.len_max));
            l.insert("mean".into(), num(self.len_sum as f64 / self.len_n as f64));
            m.insert("length".into(), Value::Object(l));
        }
        if open && s.has("top_k") {
            let mut top: Vec<&Entry> = self
                .top
                .values()
                .filter(|e| e.count >= opts.k_anonymity.max(1))
                .collect();
            top.sort_by(|a, b| {
                b.count
                    .cmp(&a.count)
                    .then_with(|| item_cmp(&a.item, &b.item))
            });
            let list = top
                .into_iter()
                .take(opts.top_k)
                .map(|e| {
                    let mut o = Map::new();
                    o.insert("value".into(), item_json(&e.item));
                    o.insert("count".into(), Value::from(e.count));
                    Value::Object(o)
                })
                .collect();
            m.insert("top_k".into(), Value::Array(list));
        }
        if let Some(sample) = sample {
            m.insert("sample".into(), Value::Array(sample));
        }
        if self.covered {
            m.insert("masked".into(), Value::Bool(true));
        }
        let mut outer = Map::new();
        outer.insert("tamis_summary".into(), Value::Object(m));
        Value::Object(outer)
    }

    /// The mergeable state as JSON (holds raw values: see the module documentation).
    #[must_use]
    pub fn to_state(&self) -> Value {
        let mut m = Map::new();
        m.insert("tamis_summary_state".into(), Value::from(1));
        m.insert("count".into(), Value::from(self.count));
        m.insert("nulls".into(), Value::from(self.nulls));
        m.insert(
            "types".into(),
            Value::Array(self.types.iter().map(|&n| Value::from(n)).collect()),
        );
        let moments = [
            Value::from(self.num_n),
            num(self.mean),
            num(self.m2),
            num_or_null(self.min),
            num_or_null(self.max),
        ];
        m.insert("moments".into(), Value::Array(moments.into()));
        for (name, list) in [("low", &self.low), ("high", &self.high)] {
            m.insert(
                name.into(),
                Value::Array(list.iter().map(|&x| num(x)).collect()),
            );
        }
        m.insert("kll".into(), self.kll.to_state());
        let len = [self.len_n, self.len_min, self.len_max, self.len_sum];
        m.insert(
            "length".into(),
            Value::Array(len.iter().map(|&n| Value::from(n)).collect()),
        );
        m.insert("distinct".into(), self.distinct.to_state());
        let mut entries: Vec<(&u64, &Entry)> = self.top.iter().collect();
        entries.sort_unstable_by_key(|(h, _)| **h);
        let top: Vec<Value> = entries
            .into_iter()
            .map(|(h, e)| {
                let kind = match e.item {
                    Item::Str(_) => "s",
                    Item::Num(_) => "n",
                    Item::Bool(_) => "b",
                };
                Value::Array(vec![
                    Value::from(*h),
                    Value::from(e.count),
                    Value::from(e.first),
                    Value::from(kind),
                    item_json(&e.item),
                ])
            })
            .collect();
        m.insert("top".into(), Value::Array(top));
        m.insert("top_err".into(), Value::from(self.top_err));
        m.insert("covered".into(), Value::Bool(self.covered));
        Value::Object(m)
    }

    /// Reads a state written by [`Summary::to_state`].
    ///
    /// # Errors
    /// When `v` is not such a state (the message never quotes a value).
    pub fn from_state(v: &Value) -> Result<Summary, PolicyError> {
        state::read(v).ok_or_else(|| {
            PolicyError::new(ErrorKind::InvalidValue, "not a tamis summary state")
                .help("pass what `Summary::to_state` (Python: `Summary.to_json`) wrote")
        })
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

/// How many of the smallest and of the largest numbers a summary keeps exactly.
pub const EXTREMES: usize = 64;

/// Keeps `x` among the [`EXTREMES`] first values of `list` in the order `before` (ties keep the
/// earlier value first).
fn keep_extreme(list: &mut Vec<f64>, x: f64, before: impl Fn(f64, f64) -> bool) {
    if list.len() == EXTREMES && list.last().is_none_or(|&last| !before(x, last)) {
        return;
    }
    let at = list.partition_point(|&y| !before(x, y));
    list.insert(at, x);
    list.truncate(EXTREMES);
}

/// A number with few significant digits within `[lo, hi]` that stands for `x` (which lies
/// there): for 1 to 16 digits, the first of `x`, `lo` and `hi` rounded to that many digits that
/// stays within the range; else `x`. A statistic that stands for the k values in that range
/// without being any one of them (a range of k equal values gives the value itself). Rounding
/// is decimal, half to even, as `format!("{:.*e}")` and Python's `"%.*e"` both round.
pub(crate) fn coarsen(x: f64, lo: f64, hi: f64) -> f64 {
    for digits in 1..17 {
        for v in [x, lo, hi] {
            let text = alloc::format!("{:.*e}", digits - 1, v);
            if let Ok(y) = text.parse::<f64>()
                && lo <= y
                && y <= hi
            {
                return y;
            }
        }
    }
    x
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

/// Distinct values: exact 64-bit hashes while few, then HyperLogLog.
#[derive(Clone, PartialEq)]
enum Distinct {
    Exact(BTreeSet<u64>),
    Hll(Vec<u8>),
}

impl Distinct {
    fn insert(&mut self, h: u64) {
        match self {
            Distinct::Exact(set) => {
                set.insert(h);
                if set.len() > EXACT_DISTINCT {
                    let mut regs = vec![0u8; HLL_M];
                    for &x in set.iter() {
                        hll_add(&mut regs, x);
                    }
                    *self = Distinct::Hll(regs);
                }
            }
            Distinct::Hll(regs) => hll_add(regs, h),
        }
    }

    fn merge(&mut self, other: &Distinct) {
        match other {
            Distinct::Exact(set) => {
                for &h in set {
                    self.insert(h);
                }
            }
            Distinct::Hll(theirs) => {
                if let Distinct::Exact(set) = self {
                    let mut regs = vec![0u8; HLL_M];
                    for &x in set.iter() {
                        hll_add(&mut regs, x);
                    }
                    *self = Distinct::Hll(regs);
                }
                if let Distinct::Hll(mine) = self {
                    for (a, &b) in mine.iter_mut().zip(theirs) {
                        *a = (*a).max(b);
                    }
                }
            }
        }
    }

    fn estimate(&self) -> (u64, bool) {
        match self {
            Distinct::Exact(set) => (set.len() as u64, false),
            Distinct::Hll(regs) => {
                let m = HLL_M as f64;
                let mut sum = 0.0;
                let mut zeros = 0u32;
                for &r in regs {
                    sum += libm::ldexp(1.0, -i32::from(r));
                    zeros += u32::from(r == 0);
                }
                let alpha = 0.7213 / (1.0 + 1.079 / m);
                let raw = alpha * m * m / sum;
                let est = if raw <= 2.5 * m && zeros > 0 {
                    m * libm::log(m / f64::from(zeros))
                } else {
                    raw
                };
                (libm::round(est) as u64, true)
            }
        }
    }

    fn to_state(&self) -> Value {
        let mut m = Map::new();
        match self {
            Distinct::Exact(set) => {
                m.insert(
                    "exact".into(),
                    Value::Array(set.iter().map(|&h| Value::from(h)).collect()),
                );
            }
            Distinct::Hll(regs) => {
                // Sparse: index, register, index, register, ...
                let mut v = Vec::new();
                for (i, &r) in regs.iter().enumerate() {
                    if r != 0 {
                        v.push(Value::from(i));
                        v.push(Value::from(r));
                    }
                }
                m.insert("hll".into(), Value::Array(v));
            }
        }
        Value::Object(m)
    }
}

fn hll_add(regs: &mut [u8], h: u64) {
    let idx = (h >> (64 - HLL_BITS)) as usize;
    let rest = (h << HLL_BITS) | (1 << (HLL_BITS - 1));
    let rank = (rest.leading_zeros() + 1) as u8;
    if let Some(r) = regs.get_mut(idx) {
        *r = (*r).max(rank);
    }
}

/// `f64::total_cmp`'s order as an unsigned integer: flip all bits of negatives, the sign bit of
/// the others. The sketch keeps keys, so a compaction sorts integers in place.
fn total_key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

fn from_total_key(k: u64) -> f64 {
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
struct Kll {
    levels: Vec<Vec<u64>>,
    n: u64,
    flip: bool,
}

impl Kll {
    /// Items a level holds before it is compacted: `KLL_K` at the top, two thirds of the level
    /// above below it, at least 8.
    fn capacity(level: usize, height: usize) -> usize {
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

    fn update(&mut self, x: f64) {
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

    fn compress(&mut self) {
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

    fn merge(&mut self, other: &Kll) {
        while self.levels.len() < other.levels.len() {
            self.levels.push(Vec::new());
        }
        for (mine, theirs) in self.levels.iter_mut().zip(&other.levels) {
            mine.extend_from_slice(theirs);
        }
        self.n += other.n;
        self.compress();
    }

    fn quantile(&self, per_mille: u64) -> Option<f64> {
        self.at_rank((per_mille * self.n).div_ceil(1000).max(1))
    }

    /// The smallest value whose rank (1-based, by weight) is at least `target`: exact while the
    /// sketch holds every value.
    fn at_rank(&self, target: u64) -> Option<f64> {
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

    fn to_state(&self) -> Value {
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

mod state {
    //! Reading a summary state back; `None` on any deviation (fail closed, no detail that could
    //! quote a value).
    use super::{Distinct, Entry, HLL_M, Item, Kll, Summary};
    use alloc::collections::BTreeSet;
    use alloc::string::String;
    use alloc::vec;
    use alloc::vec::Vec;
    use serde_json::Value;

    fn u(v: Option<&Value>) -> Option<u64> {
        v?.as_u64()
    }
    fn f(v: Option<&Value>) -> Option<f64> {
        v?.as_f64()
    }

    pub(super) fn read(v: &Value) -> Option<Summary> {
        let o = v.as_object()?;
        if u(o.get("tamis_summary_state"))? != 1 {
            return None;
        }
        let mut s = Summary::new();
        s.count = u(o.get("count"))?;
        s.nulls = u(o.get("nulls"))?;
        let types = o.get("types")?.as_array()?;
        if types.len() != s.types.len() {
            return None;
        }
        for (t, v) in s.types.iter_mut().zip(types) {
            *t = v.as_u64()?;
        }
        let mo = o.get("moments")?.as_array()?;
        s.num_n = u(mo.first())?;
        s.mean = f(mo.get(1))?;
        s.m2 = f(mo.get(2))?;
        s.min = f(mo.get(3)).unwrap_or(f64::INFINITY);
        s.max = f(mo.get(4)).unwrap_or(f64::NEG_INFINITY);
        for (name, list) in [("low", &mut s.low), ("high", &mut s.high)] {
            // States written before these lists had none: windows then come from the sketch.
            if let Some(items) = o.get(name) {
                *list = items
                    .as_array()?
                    .iter()
                    .map(Value::as_f64)
                    .collect::<Option<Vec<f64>>>()?;
                if list.len() > super::EXTREMES {
                    return None;
                }
            }
        }
        let k = o.get("kll")?.as_object()?;
        let mut kll = Kll {
            levels: Vec::new(),
            n: u(k.get("n"))?,
            flip: k.get("flip")?.as_bool()?,
        };
        for level in k.get("levels")?.as_array()? {
            let items = level.as_array()?;
            kll.levels.push(
                items
                    .iter()
                    .map(|x| x.as_f64().map(super::total_key))
                    .collect::<Option<Vec<u64>>>()?,
            );
        }
        s.kll = kll;
        let len = o.get("length")?.as_array()?;
        s.len_n = u(len.first())?;
        s.len_min = u(len.get(1))?;
        s.len_max = u(len.get(2))?;
        s.len_sum = u(len.get(3))?;
        let d = o.get("distinct")?.as_object()?;
        s.distinct = if let Some(exact) = d.get("exact") {
            let set: Option<BTreeSet<u64>> = exact.as_array()?.iter().map(Value::as_u64).collect();
            Distinct::Exact(set?)
        } else {
            let pairs = d.get("hll")?.as_array()?;
            let mut regs = vec![0u8; HLL_M];
            for p in pairs.chunks(2) {
                let i = usize::try_from(u(p.first())?).ok()?;
                let r = u8::try_from(u(p.get(1))?).ok()?;
                *regs.get_mut(i)? = r;
            }
            Distinct::Hll(regs)
        };
        let mut top = super::TopMap::default();
        for e in o.get("top")?.as_array()? {
            let e = e.as_array()?;
            let item = match e.get(3)?.as_str()? {
                "s" => Item::Str(String::from(e.get(4)?.as_str()?)),
                "n" => Item::Num(f(e.get(4))?),
                "b" => Item::Bool(e.get(4)?.as_bool()?),
                _ => return None,
            };
            top.insert(
                u(e.first())?,
                Entry {
                    count: u(e.get(1))?,
                    first: u(e.get(2))?,
                    item,
                },
            );
        }
        s.top = top;
        s.top_ones = false;
        s.top_err = u(o.get("top_err"))?;
        s.covered = o.get("covered")?.as_bool()?;
        Some(s)
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
