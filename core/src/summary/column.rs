//! Summarising one column (a DataFrame column, or one path across many records) under a policy,
//! without an object per cell.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;
use serde_json::{Map, Value};

use super::Summary;
use super::cover::Seen;
use super::rule::SummarizeRule;
use crate::context::Context;
use crate::engine::scratch::{NodeInfo, Scratch};
use crate::policy::Policy;
use crate::report::Tally;

/// A column of values, for [`ColumnSummarizer::push_column`]: the Python binding hands over
/// DataFrame and numpy buffers this way, without building an object per cell.
#[derive(Debug, Clone, Copy)]
pub enum Column<'a> {
    /// Floats; `NaN` is a null.
    Float(&'a [f64]),
    /// Integers.
    Int(&'a [i64]),
    /// Booleans.
    Bool(&'a [bool]),
    /// Strings; `None` is a null.
    Str(&'a [Option<&'a str>]),
}

/// Summarises one column (a DataFrame column, or one path across records) under a policy: the
/// `[[summarize]]` rule selecting the column's path decides the statistics, the sample size and
/// `k_anonymity`; masking rules and detectors decide whether the values are covered (then only
/// count, nulls, distinct and length are emitted) and how sample items are masked.
pub struct ColumnSummarizer<'p> {
    pub(crate) policy: &'p Policy,
    pub(crate) ctx: Context,
    pub(crate) keys: Vec<String>,
    pub(crate) rule: Option<u32>,
    pub(crate) default_rule: SummarizeRule,
    /// `None` when the path is deeper than `max_depth` (then the column counts as covered).
    pub(crate) info: Option<NodeInfo>,
    pub(crate) summary: Summary,
    pub(crate) sx: Scratch,
    pub(crate) tally: Tally,
    pub(crate) digits: String,
}

impl core::fmt::Debug for ColumnSummarizer<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "ColumnSummarizer({:?})", self.summary)
    }
}

impl Policy {
    /// A summariser for the column at `keys` (a DataFrame column is one key; nested fields of
    /// records are several; arrays are transparent, as in paths).
    #[must_use]
    pub fn column_summarizer(&self, keys: &[&str], ctx: &Context) -> ColumnSummarizer<'_> {
        let mut sx = Scratch::new(self);
        let at = self.column_at(keys, ctx, &mut sx);
        let mut summary = Summary::new();
        if at.is_none_or(|(whole, _)| whole.is_some()) {
            summary.set_covered();
        }
        let info = at.map(|(_, info)| info);
        let rule = info.and_then(|i| i.summarize);
        ColumnSummarizer {
            policy: self,
            ctx: ctx.clone(),
            keys: keys.iter().map(|k| String::from(*k)).collect(),
            rule,
            default_rule: SummarizeRule::default_for_columns(),
            info,
            summary,
            sx,
            tally: Tally::new(self, false),
            digits: String::new(),
        }
    }
}

impl ColumnSummarizer<'_> {
    /// Whether a `[[summarize]]` rule selects this column (otherwise defaults apply: every
    /// statistic, 5 sample items, k = 5, no `min_items`).
    #[must_use]
    pub fn selected(&self) -> bool {
        self.rule.is_some()
    }

    fn rule(&self) -> &SummarizeRule {
        self.rule
            .and_then(|r| self.policy.summaries.get(r as usize))
            .unwrap_or(&self.default_rule)
    }

    /// The id of the `[[summarize]]` rule, if one selects the column.
    #[must_use]
    pub fn rule_id(&self) -> Option<&str> {
        self.rule
            .and_then(|r| self.policy.summaries.get(r as usize))
            .map(|r| r.render.rule.as_str())
    }

    /// Whether scanning a value could still change the summary: it is not covered yet and a
    /// detector runs at the column (or its path is beyond `max_depth`: covered at once).
    fn may_find(&self) -> bool {
        !self.summary.covered() && (self.info.is_none() || self.sx.any_detector)
    }

    /// Applies the covered rule (`cover.rs`) to a value, unless the summary is covered already.
    fn scan(&mut self, seen: Seen<'_>) {
        if !self.summary.covered() && self.policy.covers(seen, self.info, &mut self.sx) {
            self.summary.set_covered();
        }
    }

    /// Adds a null.
    pub fn push_null(&mut self) {
        let _ = self.summary.add_null();
    }
    /// Adds a boolean.
    pub fn push_bool(&mut self, b: bool) {
        let _ = self.summary.add_bool(b);
    }
    /// Adds a float (`NaN` is a null); detectors run over the integer text of an integral one
    /// (`4111111111111111.0`), as over integral floats in records.
    pub fn push_f64(&mut self, x: f64) {
        if self.may_find() && x.is_finite() && x == libm::trunc(x) && x != 0.0 {
            self.digits.clear();
            // `Display` writes the shortest digits that round-trip, then zeros: the integer
            // text of the number as JSON writes it.
            let _ = write!(self.digits, "{x}");
            let digits = core::mem::take(&mut self.digits);
            self.scan(Seen::Number(&digits));
            self.digits = digits;
        }
        let _ = self.summary.add_f64(x);
    }
    /// Adds an integer; detectors run over its decimal text, as over integers in records.
    pub fn push_i64(&mut self, x: i64) {
        if self.may_find() {
            self.digits.clear();
            let _ = write!(self.digits, "{x}");
            let digits = core::mem::take(&mut self.digits);
            self.scan(Seen::Number(&digits));
            self.digits = digits;
        }
        let _ = self.summary.add_f64(x as f64);
    }
    /// Adds a number given as JSON text (integers, and the integer text of integral floats,
    /// are scanned by detectors).
    pub fn push_number_text(&mut self, text: &str) {
        self.scan(Seen::Number(text));
        let _ = self.summary.add_number_text(text);
    }
    /// Adds a string; detectors run over it (one too long to scan covers the column).
    pub fn push_str(&mut self, s: &str) {
        self.scan(Seen::Str(s));
        let _ = self.summary.add_str(s);
    }
    /// Adds a whole column.
    pub fn push_column(&mut self, column: Column<'_>) {
        match column {
            Column::Float(xs) => xs.iter().for_each(|&x| self.push_f64(x)),
            Column::Int(xs) => xs.iter().for_each(|&x| self.push_i64(x)),
            Column::Bool(xs) => xs.iter().for_each(|&b| self.push_bool(b)),
            Column::Str(xs) => xs.iter().for_each(|s| match s {
                Some(s) => self.push_str(s),
                None => self.push_null(),
            }),
        }
    }

    /// Merges a summary of other values of this column (from another worker).
    pub fn merge(&mut self, other: &Summary) {
        self.summary.merge(other);
    }

    /// The mergeable state so far (see [`Summary`] for how sensitive it is).
    #[must_use]
    pub fn state(&self) -> &Summary {
        &self.summary
    }

    /// The summary as emitted (`{"tamis_summary": {...}}`), or `None` when the selecting rule's
    /// `min_items` is not reached. Sample items are values seen at least `k_anonymity` times,
    /// first seen first, each masked as the policy masks a value at this path.
    #[must_use]
    pub fn finish(mut self) -> Option<Value> {
        let rule = self.rule();
        if self.summary.count() < rule.min_items {
            return None;
        }
        let (n, k) = (rule.sample as usize, rule.render.k_anonymity);
        let render = rule.render.clone();
        let sample = (n > 0).then(|| {
            let frequent = self.summary.frequent_in_order(k);
            let mut out = Vec::new();
            for h in frequent {
                if out.len() == n {
                    break;
                }
                let Some(v) = self.summary.item_value(h) else {
                    continue;
                };
                if let Some(masked) = self.mask_at_path(v) {
                    out.push(masked);
                }
            }
            out
        });
        Some(self.summary.render(&render, sample))
    }

    /// Masks one value as the policy masks it at this column's path: `None` when it is removed.
    fn mask_at_path(&mut self, value: Value) -> Option<Value> {
        let mut record = value;
        for k in self.keys.iter().rev() {
            let mut m = Map::new();
            m.insert(k.clone(), record);
            record = Value::Object(m);
        }
        self.policy
            .mask_record(&mut record, &self.ctx, &mut self.sx, &mut self.tally);
        let mut node = record;
        for k in &self.keys {
            node = match node {
                Value::Object(mut m) => m.remove(k.as_str())?,
                _ => return None,
            };
        }
        Some(node)
    }
}
