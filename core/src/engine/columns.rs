//! Columns: what masking a column of a DataFrame needs, the name a key gets in the output, and
//! masking cells one by one.

use alloc::string::String;
use alloc::vec::Vec;

use crate::action::{Action, TOO_LARGE};
use crate::context::Context;
use crate::engine::scratch::{At, NodeInfo, Scratch};
use crate::policy::Policy;
use crate::record::tree::Tree;
use crate::report::Tally;

/// What masking a column of scalar cells needs (see [`Policy::column_plan`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnPlan {
    /// No rule selects the column and no detector runs there: the cells stay as they are.
    Keep,
    /// No rule selects the column but detectors run there: text and integer cells must be
    /// masked one by one, and floats that are integral (detectors scan their integer text);
    /// booleans and fractions are never scanned.
    Detect,
    /// A `redact` rule removes the column.
    Drop,
    /// Each cell must be masked.
    Cells,
}

impl Policy {
    /// What masking a column of scalar cells at `keys` (a DataFrame column) needs under `ctx`.
    #[must_use]
    pub fn column_plan(&self, keys: &[&str], ctx: &Context) -> ColumnPlan {
        let mut sx = Scratch::new(self);
        match self.column_at(keys, ctx, &mut sx) {
            Some((Some(r), _)) => match self.rules.get(r as usize).map(|r| &r.action) {
                Some(Action::Redact) => ColumnPlan::Drop,
                _ => ColumnPlan::Cells,
            },
            Some((None, _)) if !sx.any_detector => ColumnPlan::Keep,
            Some((None, _)) => ColumnPlan::Detect,
            // Beyond `max_depth`, cells become too deep.
            None => ColumnPlan::Cells,
        }
    }

    /// Masks a record with the rules only (no access or retention), without counting it as a
    /// record: for summary samples of columns, and for the cells of DataFrame columns (a cell
    /// wrapped as `{"column": cell}`).
    pub(crate) fn mask_record<T: Tree>(
        &self,
        value: &mut T,
        ctx: &Context,
        sx: &mut Scratch,
        tally: &mut Tally,
    ) {
        sx.expired.clear();
        self.begin(ctx, ctx.record_type.as_deref(), sx);
        let _ = self.walk(value, At::ROOT, sx, tally);
        if sx.quarantine.is_some() {
            value.set_string(String::from(TOO_LARGE));
        }
    }

    /// The name the last of `keys` gets in the output, as the walk writes it: renamed when a
    /// detector finds something in it (`n` counts the keys renamed in its object so far),
    /// else `None`. Summaries name their columns with it, so a key never shows in a summary
    /// that `apply` would not show.
    pub(crate) fn renamed_key(
        &self,
        keys: &[&str],
        n: &mut u32,
        ctx: &Context,
        sx: &mut Scratch,
    ) -> Option<String> {
        let key = *keys.last()?;
        let (_, info) = self.column_at(keys, ctx, sx)?;
        if !sx.any_detector {
            return None;
        }
        self.mask_key(key, info, n, sx)
    }

    /// The names `keys` (a path from the root, arrays transparent) get in the output: each
    /// renamed as [`Policy::apply`] renames a key in which a detector finds something (the
    /// only key of its object). A DataFrame's column names are written with it.
    #[must_use]
    pub fn output_keys(&self, keys: &[&str], ctx: &Context) -> Vec<String> {
        let mut sx = Scratch::new(self);
        (1..=keys.len())
            .map(|d| {
                let path = keys.get(..d).unwrap_or(&[]);
                let mut n = 0;
                self.renamed_key(path, &mut n, ctx, &mut sx)
                    .unwrap_or_else(|| String::from(*path.last().unwrap_or(&"")))
            })
            .collect()
    }

    /// The rule, node info and summarize rule at a column's path (see `ColumnSummarizer`).
    /// A path deeper than `max_depth` is covered by every rule that could apply: `None` info.
    pub(crate) fn column_at(
        &self,
        keys: &[&str],
        ctx: &Context,
        sx: &mut Scratch,
    ) -> Option<(Option<u32>, NodeInfo)> {
        if keys.len() > self.doc.limits.max_depth as usize {
            return None;
        }
        sx.expired.clear();
        self.begin(ctx, ctx.record_type.as_deref(), sx);
        let mut eff = None;
        let mut info = self.node_info(0, sx);
        for (d, key) in keys.iter().enumerate() {
            self.paths.step_at(&mut sx.sets, d, Some(key));
            let kr = self.key_rule(key, sx);
            info = self.node_info(d + 1, sx);
            eff = self.best(eff, self.best(info.rule, kr));
        }
        Some((eff, info))
    }
}
