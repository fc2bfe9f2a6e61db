//! Applying a compiled policy: every entry point (a tree, JSON text, free text, records the
//! plugin host admitted), each counting into a [`Tally`] and never failing for a bad record.
//!
//! Per node the walker computes, without allocating, which whole-value rule (path or key glob)
//! applies, and whether detectors run there; the strongest action wins (ties by rule id), so the
//! result never depends on rule order. Whole-value rules run before detectors, and neither touches
//! what the same rule wrote, so applying a policy twice gives what applying it once gives.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;
use serde_json::Value;

use crate::action::TOO_LARGE;
use crate::context::Context;
use crate::policy::Policy;
use crate::record::json::Measure;
use crate::record::tree::Tree;
use crate::report::{Disposition, DropReason, Quarantine, Report, Tally, quarantine_marker};
use crate::stages::access::AccessCheck;
use scratch::{At, Scratch};

pub(crate) mod columns;
pub(crate) mod findings;
pub(crate) mod scratch;
mod strategy;
mod stream;
pub(crate) mod text;
pub(crate) mod walk;

pub use columns::ColumnPlan;

impl Policy {
    /// Applies the policy to any [`Tree`], counting into `tally`. Never fails: a record that
    /// breaks a limit is reported as quarantined and must then not be written by the caller; a
    /// record that `[access]` or `[[retention]]` drops must not be written at all.
    pub fn apply_tree<T: Tree>(
        &self,
        value: &mut T,
        ctx: &Context,
        sx: &mut Scratch,
        tally: &mut Tally,
    ) -> Disposition {
        self.apply_measured(value, None, ctx, sx, tally)
    }

    /// [`Policy::apply_tree`] on a tree parsed from a text with this [`Measure`] (or not).
    fn apply_measured<T: Tree>(
        &self,
        value: &mut T,
        measured: Option<Measure>,
        ctx: &Context,
        sx: &mut Scratch,
        tally: &mut Tally,
    ) -> Disposition {
        if !self.plugins.is_empty() && !self.plugins_attached {
            // Plugins run in the host; a front end without them must not skip them.
            tally.count_quarantined_input();
            return Disposition::Quarantined(Quarantine::PluginUnavailable);
        }
        let failures = tamis_reserve::failures();
        let record_type = match self.record_stages(value, ctx, sx, tally, true) {
            Ok(ty) => ty,
            Err(d) => return d,
        };
        let ty = record_type.as_deref().or(ctx.record_type.as_deref());
        self.begin(ctx, ty, sx);
        self.walk_measured(value, measured, sx, tally, failures)
    }

    /// The first half of applying a record when the host runs plugins: counts it in, then
    /// `[access]` and `[[retention]]` (expired fields are removed, so a plugin never sees
    /// them). `Some` when the record is dropped (counted); else hand it to the plugins, then
    /// to [`Policy::mask_admitted`].
    pub fn admit_tree<T: Tree>(
        &self,
        value: &mut T,
        ctx: &Context,
        sx: &mut Scratch,
        tally: &mut Tally,
    ) -> Option<Disposition> {
        if let Err(d) = self.record_stages(value, ctx, sx, tally, true) {
            return Some(d);
        }
        self.remove_expired_fields(value, sx, tally);
        None
    }

    /// The second half: the record as the plugins left it goes through `[access]` and
    /// `[[retention]]` again (a plugin can make a record more restricted, never less; it is
    /// not counted in twice), then the rules, detectors and summaries.
    pub fn mask_admitted<T: Tree>(
        &self,
        value: &mut T,
        ctx: &Context,
        sx: &mut Scratch,
        tally: &mut Tally,
    ) -> Disposition {
        self.mask_admitted_measured(value, None, ctx, sx, tally)
    }

    /// [`Policy::mask_admitted`] on a document parsed with [`Doc::parse_measured`]: with its
    /// [`Measure`], members that no rule can reach are not walked when that cannot matter.
    pub fn mask_admitted_measured<T: Tree>(
        &self,
        value: &mut T,
        measured: Option<Measure>,
        ctx: &Context,
        sx: &mut Scratch,
        tally: &mut Tally,
    ) -> Disposition {
        let failures = tamis_reserve::failures();
        let record_type = match self.record_stages(value, ctx, sx, tally, false) {
            Ok(ty) => ty,
            Err(d) => return d,
        };
        let ty = record_type.as_deref().or(ctx.record_type.as_deref());
        self.begin(ctx, ty, sx);
        self.walk_measured(value, measured, sx, tally, failures)
    }

    /// Counts the record in, then `[access]` and `[[retention]]`: `Err` when the record is
    /// dropped (counted), else the record's own type and `sx.expired` filled.
    pub(crate) fn record_stages<T: Tree>(
        &self,
        value: &T,
        ctx: &Context,
        sx: &mut Scratch,
        tally: &mut Tally,
        count_in: bool,
    ) -> Result<Option<String>, Disposition> {
        if count_in {
            tally.records_in += 1;
        }
        let mut record_type = None;
        if let Some(access) = &self.access {
            match access.check(value, ctx) {
                AccessCheck::Denied => {
                    tally.dropped_access += 1;
                    return Err(Disposition::Dropped(DropReason::Access));
                }
                AccessCheck::Allowed(ty) => record_type = ty,
            }
        }
        sx.expired.clear();
        for (i, r) in self.retention.iter().enumerate() {
            let expired = r.expired(value, ctx.now);
            if expired && r.whole_record {
                tally.dropped_retention += 1;
                if let Some(n) = tally.retention_records.get_mut(i) {
                    *n += 1;
                }
                return Err(Disposition::Dropped(DropReason::Retention));
            }
            sx.expired.push(expired);
        }
        Ok(record_type)
    }

    /// Removes the fields of expired `[[retention]]` rules (as filled by `record_stages`) and
    /// nothing else: only those rules are active, no detector and no summary runs.
    pub(crate) fn remove_expired_fields<T: Tree>(
        &self,
        value: &mut T,
        sx: &mut Scratch,
        tally: &mut Tally,
    ) {
        if !sx.expired.iter().any(|&e| e) {
            return;
        }
        for (slot, rule) in sx.active.iter_mut().zip(&self.rules) {
            *slot = rule
                .retention
                .is_some_and(|i| sx.expired.get(i) == Some(&true));
        }
        sx.any_detector = false;
        sx.sum_active.fill(false);
        self.reset_walk(sx);
        let _ = self.walk(value, At::ROOT, sx, tally);
    }

    /// Walks an admitted record. `failures` is [`tamis_reserve::failures`] when the record
    /// started: an allocation that failed since (served from the reserve, or a buffer that
    /// could not grow) quarantines the record, whatever its walk made of it.
    fn walk_record<T: Tree>(
        &self,
        value: &mut T,
        sx: &mut Scratch,
        tally: &mut Tally,
        failures: u64,
    ) -> Disposition {
        let _ = self.walk(value, At::ROOT, sx, tally);
        if crate::faults::hit(crate::faults::Point::Record) {
            sx.quarantine = Some(Quarantine::InternalError);
        }
        if tamis_reserve::failures() != failures {
            sx.quarantine = Some(Quarantine::OutOfMemory);
        }
        let max_record = self.doc.limits.max_record_bytes;
        // A record over the size limit is `too_large` whatever else it breaks (a long key too):
        // the JSON path quarantines a long text as that before reading it, so every path says
        // the same.
        if matches!(sx.quarantine, None | Some(Quarantine::KeyTooLarge))
            && sx.record_bytes > max_record
        {
            sx.quarantine = Some(Quarantine::TooLarge);
        }
        match sx.quarantine {
            Some(q) => {
                tally.quarantined += 1;
                Disposition::Quarantined(q)
            }
            None => {
                tally.records_out += 1;
                Disposition::Kept
            }
        }
    }

    /// Applies the policy to a JSON value in place and returns the report. A record that breaks a
    /// limit is replaced by `{"tamis_quarantined":{"reason":"..."}}`.
    pub fn apply(&self, value: &mut Value, ctx: &Context) -> Report {
        let mut sx = Scratch::new(self);
        let mut tally = Tally::new(self, false);
        if let Disposition::Quarantined(q) = self.apply_tree(value, ctx, &mut sx, &mut tally) {
            *value = quarantine_marker(None, q);
        }
        tally.report(self)
    }

    /// Applies the policy to one line of JSON Lines and appends the output line (without the
    /// newline) to `out`: the masked record, or a quarantine marker naming `line_no`.
    pub fn apply_json_line(
        &self,
        line: &str,
        line_no: u64,
        ctx: &Context,
        sx: &mut Scratch,
        tally: &mut Tally,
        out: &mut Vec<u8>,
    ) -> Disposition {
        self.apply_json_text(line, Some(line_no), ctx, sx, tally, out)
    }

    /// Applies the policy to one JSON document given as text and appends the output to `out`:
    /// the masked document (exact for numbers of any size and spelling), a quarantine marker, or
    /// nothing when the record is dropped.
    pub fn apply_json_doc(
        &self,
        text: &str,
        ctx: &Context,
        sx: &mut Scratch,
        tally: &mut Tally,
        out: &mut Vec<u8>,
    ) -> Disposition {
        self.apply_json_text(text, None, ctx, sx, tally, out)
    }

    /// Applies the policy to JSON Lines text as `tamis apply` does and appends the output to
    /// `out`: one line per input line (a quarantine marker naming the line for a bad one),
    /// nothing for a dropped record.
    pub fn apply_json_lines(
        &self,
        text: &str,
        ctx: &Context,
        sx: &mut Scratch,
        tally: &mut Tally,
        out: &mut Vec<u8>,
    ) {
        for (i, line) in text.lines().enumerate() {
            let mark = out.len();
            let d = self.apply_json_line(line, i as u64 + 1, ctx, sx, tally, out);
            if matches!(d, Disposition::Dropped(_)) {
                out.truncate(mark);
            } else {
                out.push(b'\n');
            }
        }
    }

    /// Masks what the detectors and patterns find in free text (path and key rules do not apply
    /// to text; rules with a `scope` apply when their scope covers the root, such as `**`).
    #[must_use]
    pub fn mask_text(&self, text: &str, ctx: &Context) -> String {
        let mut sx = Scratch::new(self);
        let mut tally = Tally::new(self, false);
        self.mask_text_with(text, ctx, &mut sx, &mut tally)
    }

    /// [`Policy::mask_text`] with reusable scratch memory and a tally.
    pub fn mask_text_with(
        &self,
        text: &str,
        ctx: &Context,
        sx: &mut Scratch,
        tally: &mut Tally,
    ) -> String {
        sx.expired.clear();
        self.begin(ctx, ctx.record_type.as_deref(), sx);
        let info = self.node_info(0, sx);
        let max_string = usize::try_from(self.doc.limits.max_string_bytes).unwrap_or(usize::MAX);
        if text.len() > max_string {
            tally.too_large += 1;
            return TOO_LARGE.to_owned();
        }
        self.mask_found(text, info, sx, tally)
            .unwrap_or_else(|| text.to_owned())
    }
}
