//! The summary object, with the privacy rules applied: covered summaries show only counts,
//! numbers only when k of them were seen, min, max and quantiles coarsened to stand for the k
//! values around them, top values seen at least k times.

use alloc::vec::Vec;
use serde_json::{Map, Value};

use super::sketch::sum::moments;
use super::{Entry, QUANTILES, RenderOptions, Summary, TYPE_NAMES, item_cmp, item_json, num};

impl Summary {
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
            // Pending numbers counted once for every rank read below.
            let quantiles = self.quantiles.finished();
            let n = quantiles.n;
            // The value at a rank: exact among the extremes kept, else from the sketch.
            let at = |rank: u64| -> Option<f64> {
                let i = usize::try_from(rank.checked_sub(1)?).ok()?;
                let from_top = usize::try_from(n.checked_sub(rank)?).ok()?;
                self.low
                    .get(i)
                    .or_else(|| self.high.get(from_top))
                    .copied()
                    .or_else(|| quantiles.at_rank(rank, self.min, self.max))
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
            let (mean, std) = moments(self.num_n, &self.sum, &self.sum_sq);
            if s.has("mean") {
                m.insert("mean".into(), mean.map_or(Value::Null, num));
            }
            if s.has("std") && self.num_n > 1 {
                m.insert("std".into(), std.map_or(Value::Null, num));
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
