//! A summary's mergeable state as JSON, to ship partial summaries between workers (Dask,
//! Spark, Ray); reading it back fails closed (no detail that could quote a value).

use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use serde_json::{Map, Value};

use super::sketch::distinct::{Distinct, HLL_M};
use super::sketch::extremes::EXTREMES;
use super::sketch::quantiles::Quantiles;
use super::sketch::sample::{SAMPLE_CAPACITY, Sampled, bottom};
use super::sketch::sum::{ExactSum, SquareSum};
use super::{Entry, Item, Summary, TopMap, item_hash, item_json, num, num_or_null};

/// The most values a state may say it counted: 2^53.
const MAX_COUNT: u64 = 1 << 53;
use crate::error::{ErrorKind, PolicyError};

/// The state's format: 2 since moments are exact sums, 3 since quantiles are a function of the
/// numbers alone, 4 since the sample's candidates are (`sampled`).
const STATE_VERSION: u64 = 4;

impl Summary {
    /// The mergeable state as JSON (holds raw values: see the module documentation).
    #[must_use]
    pub fn to_state(&self) -> Value {
        let mut m = Map::new();
        m.insert("tamis_summary_state".into(), Value::from(STATE_VERSION));
        m.insert("count".into(), Value::from(self.count));
        m.insert("nulls".into(), Value::from(self.nulls));
        m.insert(
            "types".into(),
            Value::Array(self.types.iter().map(|&n| Value::from(n)).collect()),
        );
        let moments = [
            Value::from(self.num_n),
            num_or_null(self.min),
            num_or_null(self.max),
        ];
        m.insert("moments".into(), Value::Array(moments.into()));
        for (name, cells) in [
            ("sum", self.sum.to_cells()),
            ("sum_sq", self.sum_sq.to_cells()),
        ] {
            let cells = cells
                .into_iter()
                .map(|(i, c)| Value::Array(vec![Value::from(i), Value::from(c)]))
                .collect();
            m.insert(name.into(), Value::Array(cells));
        }
        for (name, list) in [("low", &self.low), ("high", &self.high)] {
            m.insert(
                name.into(),
                Value::Array(list.iter().map(|&x| num(x)).collect()),
            );
        }
        m.insert("quantiles".into(), self.quantiles.to_state());
        let len = [self.len_n, self.len_min, self.len_max, self.len_sum];
        m.insert(
            "length".into(),
            Value::Array(len.iter().map(|&n| Value::from(n)).collect()),
        );
        m.insert("distinct".into(), self.distinct.to_state());
        let mut entries: Vec<(u64, &Entry)> = self.top.iter().map(|(&h, e)| (h, e)).collect();
        entries.sort_unstable_by_key(|&(h, _)| h);
        m.insert("top".into(), entries_json(entries));
        if let Some(s) = &self.sampled {
            // The candidates with the smallest hashes only, the bar at the largest of them: the
            // same multiset of values writes the same `sampled`.
            let bottom = bottom(&s.map);
            let bar = match bottom.last() {
                Some(&(h, _)) if bottom.len() == SAMPLE_CAPACITY => h,
                _ => s.bar,
            };
            let mut o = Map::new();
            o.insert("bar".into(), Value::from(bar));
            o.insert("entries".into(), entries_json(bottom));
            m.insert("sampled".into(), Value::Object(o));
        }
        m.insert("top_err".into(), Value::from(self.top_err));
        m.insert("covered".into(), Value::Bool(self.covered));
        Value::Object(m)
    }

    /// Reads a state written by [`Summary::to_state`].
    ///
    /// # Errors
    /// When `v` is not such a state (the message never quotes a value).
    pub fn from_state(v: &Value) -> Result<Summary, PolicyError> {
        let older = match v.get("tamis_summary_state").and_then(Value::as_u64) {
            Some(1) => Some("a summary state of format 1 (rounded moments, before exact sums)"),
            Some(2) => Some(
                "a summary state of format 2 (quantiles that depended on the order of the values)",
            ),
            Some(3) => Some(
                "a summary state of format 3 (a sample that depended on the order of the values)",
            ),
            _ => None,
        };
        if let Some(what) = older {
            return Err(PolicyError::new(
                ErrorKind::InvalidValue,
                alloc::format!("{what} is no longer read"),
            )
            .help("compute the partial summaries again with this version of tamis"));
        }
        read(v).ok_or_else(|| {
            PolicyError::new(ErrorKind::InvalidValue, "not a tamis summary state")
                .help("pass what `Summary::to_state` (Python: `Summary.to_json`) wrote")
        })
    }
}

/// Counters as `[hash, count, first, kind, value]` lists.
fn entries_json(entries: Vec<(u64, &Entry)>) -> Value {
    Value::Array(
        entries
            .into_iter()
            .map(|(h, e)| {
                let kind = match e.item {
                    Item::Str(_) => "s",
                    Item::Num(_) => "n",
                    Item::Bool(_) => "b",
                };
                // JSON has no infinities: they are written as text (`item_json` would write
                // `null`, which reads back as nothing).
                let value = match e.item {
                    Item::Num(x) if x == f64::INFINITY => Value::from("inf"),
                    Item::Num(x) if x == f64::NEG_INFINITY => Value::from("-inf"),
                    _ => item_json(&e.item),
                };
                Value::Array(vec![
                    Value::from(h),
                    Value::from(e.count),
                    Value::from(e.first),
                    Value::from(kind),
                    value,
                ])
            })
            .collect(),
    )
}

/// Counters written by [`entries_json`], of a summary of `count` values: refused when they
/// do not add up (a value under another value's hash, counts over `count`, a first position
/// past it, a hash twice).
fn read_entries(v: &Value, count: u64) -> Option<TopMap> {
    let mut map = TopMap::default();
    let mut total = 0u64;
    for e in v.as_array()? {
        let e = e.as_array()?;
        let item = match e.get(3)?.as_str()? {
            "s" => Item::Str(String::from(e.get(4)?.as_str()?)),
            "n" => Item::Num(match e.get(4)?.as_str() {
                Some("inf") => f64::INFINITY,
                Some("-inf") => f64::NEG_INFINITY,
                Some(_) => return None,
                None => f(e.get(4))?,
            }),
            "b" => Item::Bool(e.get(4)?.as_bool()?),
            _ => return None,
        };
        let h = u(e.first())?;
        let entry = Entry {
            count: u(e.get(1))?,
            first: u(e.get(2))?,
            item,
        };
        total = total.checked_add(entry.count)?;
        if entry.count == 0
            || entry.first > count
            || total > count
            || item_hash(&entry.item) != h
            || map.insert(h, entry).is_some()
        {
            return None;
        }
    }
    Some(map)
}

fn u(v: Option<&Value>) -> Option<u64> {
    v?.as_u64()
}
fn f(v: Option<&Value>) -> Option<f64> {
    v?.as_f64()
}

fn read(v: &Value) -> Option<Summary> {
    let o = v.as_object()?;
    // Version 1 kept rounded moments, which cannot merge exactly: refused.
    if u(o.get("tamis_summary_state"))? != STATE_VERSION {
        return None;
    }
    let mut s = Summary::new();
    s.count = u(o.get("count"))?;
    // More values than a JS number counts exactly is no state tamis wrote (and merged sums of
    // such counts could overflow).
    if s.count > MAX_COUNT {
        return None;
    }
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
    s.min = f(mo.get(1)).unwrap_or(f64::INFINITY);
    s.max = f(mo.get(2)).unwrap_or(f64::NEG_INFINITY);
    let cells = |name: &str| -> Option<Vec<(usize, i64)>> {
        o.get(name)?
            .as_array()?
            .iter()
            .map(|c| {
                let c = c.as_array()?;
                Some((usize::try_from(u(c.first())?).ok()?, c.get(1)?.as_i64()?))
            })
            .collect()
    };
    s.sum = ExactSum::from_cells(&cells("sum")?)?;
    s.sum_sq = SquareSum::from_cells(&cells("sum_sq")?)?;
    for (name, list) in [("low", &mut s.low), ("high", &mut s.high)] {
        // States written before these lists had none: windows then come from the sketch.
        if let Some(items) = o.get(name) {
            *list = items
                .as_array()?
                .iter()
                .map(Value::as_f64)
                .collect::<Option<Vec<f64>>>()?;
            if list.len() > EXTREMES {
                return None;
            }
        }
    }
    s.quantiles = Quantiles::from_state(o.get("quantiles")?)?;
    // The quantiles are of the finite numbers counted in the moments, within their extremes.
    if s.quantiles.n != s.num_n
        || (s.num_n > 0 && !(s.min.is_finite() && s.max.is_finite() && s.min <= s.max))
    {
        return None;
    }
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
    let top = read_entries(o.get("top")?, s.count)?;
    s.top = top;
    s.top_ones = false;
    s.top_err = u(o.get("top_err"))?;
    // Without `sampled`, the counters must hold every value exactly (they lost no count).
    s.sampled = match o.get("sampled") {
        None if s.top_err == 0 => None,
        None => return None,
        Some(v) => {
            let map = read_entries(v.get("entries")?, s.count)?;
            let bar = u(v.get("bar"))?;
            if map.len() > SAMPLE_CAPACITY || map.keys().any(|&h| h > bar) {
                return None;
            }
            Some(Sampled { map, bar })
        }
    };
    s.covered = o.get("covered")?.as_bool()?;
    Some(s)
}
