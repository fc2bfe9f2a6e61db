//! `[[summarize]]`: compiling the rules, and summarising columns (DataFrame columns, numpy
//! arrays, or one path across many records for `tamis summarize`). Arrays inside records are
//! summarised by the walker (`apply.rs`), with the same [`Summary`] and the same privacy rules.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;
use serde_json::{Map, Value};

use crate::apply::{Context, NodeInfo, Scratch};
use crate::error::{ErrorKind, PolicyError};
use crate::model::PolicyDoc;
use crate::parse::{Seg, Source, error_at};
use crate::policy::{Cond, Policy, closest, compile_path, compile_when, is_id};
use crate::report::{Disposition, Tally};
use crate::select::{PathSet, Target};
use crate::summary::{RenderOptions, Stats, Summary};
use crate::tree::{Edit, Shape, Tree};

/// Defaults of a `[[summarize]]` rule.
pub const DEFAULT_MIN_ITEMS: u64 = 50;
/// Default number of masked sample items.
pub const DEFAULT_SAMPLE: u32 = 5;
/// Default `k_anonymity`.
pub const DEFAULT_K: u64 = 5;
/// Default number of `top_k` entries.
pub const DEFAULT_TOP_K: u32 = 10;
/// The most sample items a rule may ask for.
pub const MAX_SAMPLE: u32 = 100;

/// One compiled `[[summarize]]` rule.
#[derive(Debug)]
pub(crate) struct SummarizeRule {
    pub min_items: u64,
    pub sample: u32,
    pub render: RenderOptions,
    pub when: Option<Cond>,
}

impl SummarizeRule {
    fn default_for_columns() -> Self {
        Self {
            min_items: 0,
            sample: DEFAULT_SAMPLE,
            render: RenderOptions {
                rule: String::new(),
                stats: Stats::ALL,
                k_anonymity: DEFAULT_K,
                top_k: DEFAULT_TOP_K as usize,
            },
            when: None,
        }
    }
}

pub(crate) fn compile<'d>(
    doc: &'d PolicyDoc,
    src: &Source<'_>,
    paths: &mut PathSet,
    seen_ids: &mut Vec<&'d str>,
) -> Result<Vec<SummarizeRule>, PolicyError> {
    let mut out = Vec::new();
    for (i, r) in doc.summarize.iter().enumerate() {
        let idx = u32::try_from(i).map_err(|_| {
            PolicyError::new(ErrorKind::Limit, "too many summarize rules").help("split the policy")
        })?;
        let fail =
            |at: &[Seg], kind, msg: String, help: &str| error_at(src, at, kind, msg, help, &r.id);
        let here = |field: &'static str| [Seg::Key("summarize"), Seg::Index(i), Seg::Key(field)];
        if !is_id(&r.id) {
            return Err(fail(
                &here("id"),
                ErrorKind::InvalidValue,
                format!(
                    "summarize rule {} has the id `{}`, which is not a plain id",
                    i + 1,
                    r.id
                ),
                "use letters, digits, `_`, `-` or `.`, such as `big-arrays`",
            ));
        }
        if seen_ids.contains(&r.id.as_str()) {
            return Err(fail(
                &here("id"),
                ErrorKind::DuplicateId,
                format!("the id `{}` is used twice", r.id),
                "give each rule, retention rule and summarize rule its own id",
            ));
        }
        seen_ids.push(&r.id);
        if r.paths.is_empty() {
            return Err(fail(
                &here("paths"),
                ErrorKind::Selector,
                String::from("the summarize rule selects nothing"),
                "list the arrays to summarise, such as `[\"**\"]` for every array",
            ));
        }
        for (j, p) in r.paths.iter().enumerate() {
            paths.add(
                compile_path(p, src, ("summarize", "paths"), i, j, &r.id)?,
                Target::Summarize(idx),
            );
        }
        let stats = match &r.stats {
            None => Stats::ALL,
            Some(list) => {
                if list.is_empty() {
                    return Err(fail(
                        &here("stats"),
                        ErrorKind::InvalidValue,
                        String::from("`stats` is an empty list"),
                        "list the statistics to keep, or remove `stats` to keep all",
                    ));
                }
                let mut set = Stats(0);
                for (j, name) in list.iter().enumerate() {
                    let Some(s) = Stats::from_name(name) else {
                        let all = Stats::NAMES.join(", ");
                        return Err(fail(
                            &[
                                Seg::Key("summarize"),
                                Seg::Index(i),
                                Seg::Key("stats"),
                                Seg::Index(j),
                            ],
                            ErrorKind::InvalidValue,
                            format!("unknown statistic `{name}`"),
                            &match closest(name, &Stats::NAMES) {
                                Some(near) => {
                                    format!("did you mean `{near}`? statistics are: {all}")
                                }
                                None => format!("statistics are: {all}"),
                            },
                        ));
                    };
                    set = set.with(s);
                }
                set
            }
        };
        let sample = r.sample.unwrap_or(DEFAULT_SAMPLE);
        if sample > MAX_SAMPLE {
            return Err(fail(
                &here("sample"),
                ErrorKind::InvalidValue,
                format!("`sample = {sample}` is more than {MAX_SAMPLE}"),
                "keep samples small: they are raw (masked) values; 5 is the default",
            ));
        }
        let k = r.k_anonymity.unwrap_or(DEFAULT_K);
        if k == 0 {
            return Err(fail(
                &here("k_anonymity"),
                ErrorKind::InvalidValue,
                String::from("`k_anonymity = 0` would let any value through"),
                "use 1 to keep every value seen at least once, or more (the default is 5)",
            ));
        }
        let when = match &r.when {
            Some(w) => Some(compile_when(w, src, "summarize", i, &r.id)?),
            None => None,
        };
        out.push(SummarizeRule {
            min_items: r.min_items.unwrap_or(DEFAULT_MIN_ITEMS),
            sample,
            render: RenderOptions {
                rule: r.id.clone(),
                stats,
                k_anonymity: k,
                top_k: r.top_k.unwrap_or(DEFAULT_TOP_K) as usize,
            },
            when,
        });
    }
    Ok(out)
}

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
    policy: &'p Policy,
    ctx: Context,
    keys: Vec<String>,
    rule: Option<u32>,
    default_rule: SummarizeRule,
    /// `None` when the path is deeper than `max_depth` (then the column counts as covered).
    info: Option<NodeInfo>,
    summary: Summary,
    sx: Scratch,
    tally: Tally,
    digits: String,
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

    fn scan(&mut self, text: &str) {
        if self.summary.covered() {
            return;
        }
        match self.info {
            Some(info) if !self.policy.find(text, info, &mut self.sx) => {}
            _ => self.summary.set_covered(),
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
            self.scan(&digits);
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
            self.scan(&digits);
            self.digits = digits;
        }
        let _ = self.summary.add_f64(x as f64);
    }
    /// Adds a number given as JSON text (integers are scanned by detectors).
    pub fn push_number_text(&mut self, text: &str) {
        if crate::tree::is_integer_text(text) {
            self.scan(text);
        }
        let _ = self.summary.add_number_text(text);
    }
    /// Adds a string; detectors run over it.
    pub fn push_str(&mut self, s: &str) {
        let max = usize::try_from(self.policy.doc.limits.max_string_bytes).unwrap_or(usize::MAX);
        if s.len() > max {
            // Not scanned, so fail closed: the column counts as covered.
            self.summary.set_covered();
        } else {
            self.scan(s);
        }
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

/// Summarises JSON records column by column, as `tamis summarize` does: every leaf path (keys
/// joined by `.`, arrays transparent) that a `[[summarize]]` rule selects is one column.
/// `[access]` and `[[retention]]` apply first: dropped records and expired fields are not
/// summarised. The context (not each record's type) decides `when` conditions.
pub struct RecordSummarizer<'p> {
    policy: &'p Policy,
    ctx: Context,
    columns: BTreeMap<String, Option<ColumnSummarizer<'p>>>,
    sx: Scratch,
    tally: Tally,
}

impl core::fmt::Debug for RecordSummarizer<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "RecordSummarizer({} paths)", self.columns.len())
    }
}

impl Policy {
    /// A summariser of records under this policy and context.
    #[must_use]
    pub fn record_summarizer(&self, ctx: &Context) -> RecordSummarizer<'_> {
        RecordSummarizer {
            policy: self,
            ctx: ctx.clone(),
            columns: BTreeMap::new(),
            sx: Scratch::new(self),
            tally: Tally::new(self, false),
        }
    }
}

impl<'p> RecordSummarizer<'p> {
    /// Adds one record (it may be changed: expired fields are removed first).
    pub fn add<T: Tree>(&mut self, record: &mut T) -> Disposition {
        let policy = self.policy;
        if !policy.plugins.is_empty() {
            // Summaries do not run plugins: a record they might drop is not summarised.
            self.tally.count_quarantined_input();
            return Disposition::Quarantined(crate::Quarantine::PluginUnavailable);
        }
        if let Err(d) = policy.record_stages(record, &self.ctx, &mut self.sx, &mut self.tally, true)
        {
            return d;
        }
        policy.remove_expired_fields(record, &mut self.sx, &mut self.tally);
        let mut keys: Vec<String> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        let max_depth = policy.doc.limits.max_depth as usize;
        self.collect(record, &mut keys, &mut names, max_depth);
        self.tally.records_out += 1;
        Disposition::Kept
    }

    /// Counts a record that could not be read (not JSON, too long): it is quarantined.
    pub fn count_quarantined(&mut self) {
        self.tally.count_quarantined_input();
    }

    /// The column at `keys`, named by the keys as the output writes them (`names`).
    fn column(&mut self, keys: &[String], names: &[String]) -> Option<&mut ColumnSummarizer<'p>> {
        let path = names.join(".");
        let policy = self.policy;
        let ctx = &self.ctx;
        self.columns
            .entry(path)
            .or_insert_with(|| {
                let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
                let col = policy.column_summarizer(&refs, ctx);
                col.selected().then_some(col)
            })
            .as_mut()
    }

    /// Adds the leaves under `node` to their columns: `keys` is the path as read (for the
    /// rules), `names` as the output writes it (keys in which a detector finds something are
    /// renamed, as `apply` renames them).
    fn collect<T: Tree>(
        &mut self,
        node: &mut T,
        keys: &mut Vec<String>,
        names: &mut Vec<String>,
        depth_left: usize,
    ) {
        match node.shape() {
            Shape::Object | Shape::Array if depth_left == 0 => {
                // Too deep to walk: the column is covered and counted, never read.
                if let Some(c) = self.column(keys, names) {
                    c.summary.set_covered();
                    c.push_null();
                }
            }
            Shape::Object => {
                let mut renamed = 0;
                node.entries(&mut |k, child| {
                    keys.push(String::from(k));
                    let path: Vec<&str> = keys.iter().map(String::as_str).collect();
                    let name = self
                        .policy
                        .renamed_key(&path, &mut renamed, &self.ctx, &mut self.sx)
                        .unwrap_or_else(|| String::from(k));
                    names.push(name);
                    self.collect(child, keys, names, depth_left - 1);
                    keys.pop();
                    names.pop();
                    Edit::Keep
                });
            }
            Shape::Array => node.items(&mut |child| {
                self.collect(child, keys, names, depth_left - 1);
                Edit::Keep
            }),
            _ if keys.is_empty() => {}
            Shape::Null => {
                if let Some(c) = self.column(keys, names) {
                    c.push_null();
                }
            }
            Shape::Bool(b) => {
                if let Some(c) = self.column(keys, names) {
                    c.push_bool(b);
                }
            }
            Shape::Int(t) | Shape::Float(t) => {
                let t = t.into_owned();
                if let Some(c) = self.column(keys, names) {
                    c.push_number_text(&t);
                }
            }
            Shape::Str(s) => {
                let s = String::from(s);
                if let Some(c) = self.column(keys, names) {
                    c.push_str(&s);
                }
            }
            Shape::Other(name) => {
                let s = format!("<{name}>");
                if let Some(c) = self.column(keys, names) {
                    c.push_str(&s);
                }
            }
        }
    }

    /// The summaries, by path in sorted order (paths below their rule's `min_items` are left
    /// out), and the report of the records read.
    #[must_use]
    pub fn finish(self) -> (Vec<(String, Value)>, crate::Report) {
        let report = self.tally.report(self.policy);
        let out = self
            .columns
            .into_iter()
            .filter_map(|(path, col)| Some((path, col?.finish()?)))
            .collect();
        (out, report)
    }
}
