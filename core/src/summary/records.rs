//! Summarising JSON records column by column, as `tamis summarize` does.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde_json::Value;

use super::column::ColumnSummarizer;
use crate::context::Context;
use crate::engine::scratch::Scratch;
use crate::policy::Policy;
use crate::record::tree::{Edit, Shape, Tree};
use crate::report::{Disposition, Tally};

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
        if let Err(d) = policy.record_stages(
            record,
            &self.ctx,
            &mut self.sx,
            &mut self.tally,
            crate::engine::Entry::Fresh,
        ) {
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
