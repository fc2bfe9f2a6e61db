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
use crate::engine::placeholders::Session;
use crate::policy::Policy;
use crate::record::json::Measure;
use crate::record::tree::Tree;
use crate::report::{Disposition, DropReason, Quarantine, Report, Tally, quarantine_marker};
use crate::stages::access::AccessCheck;
use scratch::{At, Scratch};

pub(crate) mod columns;
pub(crate) mod findings;
pub(crate) mod placeholders;
pub(crate) mod reveal;
pub(crate) mod scratch;
mod strategy;
mod stream;
pub(crate) mod text;
pub(crate) mod walk;

pub use columns::ColumnPlan;

/// How a record comes to the policy's stages and rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entry {
    /// It enters here: counted in, then `[access]`, `[[retention]]`, the rules. A policy with
    /// plugins quarantines it unless a host runs them.
    Fresh,
    /// A host admitted it ([`Run::admit`], counted in there) and its plugins have run: the
    /// stages run again (a plugin can make a record more restricted, never less), not counted
    /// in twice.
    Admitted,
}

/// A policy applied for one context: the policy, who the output is for ([`Context`]), working
/// memory ([`Scratch`]) and the counts ([`Tally`]). Every way to apply a policy is a method
/// here; none fails for a bad record (it is masked, dropped or quarantined, and counted). Make
/// one per thread and reuse it for many records: it allocates only while its buffers grow.
///
/// ```
/// use tamis_core::{Context, Disposition, Policy};
///
/// let policy = Policy::from_toml(
///     "version = 1\nname = \"p\"\n[[rule]]\nid = \"e\"\ndetect = [\"email\"]\naction = \"replace\"\n",
/// )?;
/// let mut run = policy.run(Context::default());
/// let mut out = Vec::new();
/// let d = run.json_line(r#"{"to":"jane@example.com"}"#, 1, &mut out);
/// assert_eq!(d, Disposition::Kept);
/// assert_eq!(out, br#"{"to":"[REDACTED]"}"#);
/// assert_eq!(run.report().records.output, 1);
/// # Ok::<(), tamis_core::PolicyError>(())
/// ```
pub struct Run<'p> {
    policy: &'p Policy,
    ctx: Context,
    sx: Scratch,
    tally: Tally,
}

impl core::fmt::Debug for Run<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Run")
            .field("policy", &self.policy.name())
            .finish_non_exhaustive()
    }
}

impl Policy {
    /// A run of this policy for `ctx` (see [`Run`]).
    #[must_use]
    pub fn run(&self, ctx: Context) -> Run<'_> {
        Run {
            policy: self,
            ctx,
            sx: Scratch::new(self),
            tally: Tally::new(self, false),
        }
    }

    /// A run that reuses working memory an earlier run of this policy gave back
    /// ([`Run::into_scratch`]): a binding that keeps it between calls allocates only once.
    /// Memory made for another policy is not used (a new one is made).
    #[must_use]
    pub fn run_reusing(&self, ctx: Context, sx: Scratch) -> Run<'_> {
        let sx = if sx.policy == self.serial {
            sx
        } else {
            Scratch::new(self)
        };
        Run {
            policy: self,
            ctx,
            sx,
            tally: Tally::new(self, false),
        }
    }
}

impl<'p> Run<'p> {
    /// Counts hits per path too (for `explain`); a policy with `[report] paths = true` always
    /// does.
    #[must_use]
    pub fn counting_paths(mut self) -> Self {
        self.tally = Tally::new(self.policy, true);
        self
    }

    /// The policy.
    #[must_use]
    pub fn policy(&self) -> &'p Policy {
        self.policy
    }

    /// Who the output is for and when.
    #[must_use]
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// Applies later records for another context (the counts go on).
    pub fn set_context(&mut self, ctx: Context) {
        self.ctx = ctx;
    }

    /// The counts so far.
    #[must_use]
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// The counts, to add what a front end counts itself (a line it could not read).
    pub fn tally_mut(&mut self) -> &mut Tally {
        &mut self.tally
    }

    /// The report of everything applied so far (counts only, never a value).
    #[must_use]
    pub fn report(&self) -> Report {
        self.tally.report(self.policy)
    }

    /// Numbers placeholders in `session` from here on (the same value gets the same
    /// placeholder across records and texts), until [`Run::end_session`] gives the numbers
    /// back to it; until then the session is empty.
    pub fn begin_session(&mut self, session: &mut Session) {
        self.sx.placeholders = session.take();
    }

    /// Gives the numbers back to `session` (see [`Run::begin_session`]); later records number
    /// their placeholders on their own again.
    pub fn end_session(&mut self, session: &mut Session) {
        session.put_back(core::mem::take(&mut self.sx.placeholders));
    }

    /// Ends the run and gives back its working memory, for [`Policy::run_reusing`].
    #[must_use]
    pub fn into_scratch(self) -> Scratch {
        self.sx
    }

    /// The working memory, to install what runs plugin detectors
    /// ([`Scratch::set_plugin_detect`]).
    pub fn scratch_mut(&mut self) -> &mut Scratch {
        &mut self.sx
    }

    /// Applies the policy to a record given as a tree (a front end's own values, a
    /// `serde_json::Value`). A quarantined record must then not be written; a dropped one not
    /// at all.
    pub fn tree<T: Tree>(&mut self, value: &mut T) -> Disposition {
        self.policy.apply_measured(
            value,
            None,
            Entry::Fresh,
            &self.ctx,
            &mut self.sx,
            &mut self.tally,
        )
    }

    /// Applies the policy to one line of JSON Lines and appends the output line (without the
    /// newline) to `out`: the masked record, or a quarantine marker naming `line_no`; nothing
    /// for a dropped record.
    pub fn json_line(&mut self, line: &str, line_no: u64, out: &mut Vec<u8>) -> Disposition {
        self.json_text(line, Some(line_no), Entry::Fresh, out)
    }

    /// Applies the policy to one JSON document given as text and appends the output to `out`:
    /// the masked document (exact for numbers of any size and spelling), a quarantine marker,
    /// or nothing when the record is dropped.
    pub fn json_doc(&mut self, text: &str, out: &mut Vec<u8>) -> Disposition {
        self.json_text(text, None, Entry::Fresh, out)
    }

    /// Applies the policy to JSON Lines text as `tamis apply` does and appends the output to
    /// `out`: one line per input line, nothing for a dropped record.
    pub fn json_lines(&mut self, text: &str, out: &mut Vec<u8>) {
        for (i, line) in text.lines().enumerate() {
            let mark = out.len();
            let d = self.json_line(line, i as u64 + 1, out);
            if matches!(d, Disposition::Dropped(_)) {
                out.truncate(mark);
            } else {
                out.push(b'\n');
            }
        }
    }

    /// Masks what the detectors and patterns find in free text.
    pub fn text(&mut self, text: &str) -> String {
        self.policy
            .mask_text_with(text, &self.ctx, &mut self.sx, &mut self.tally)
    }

    /// The first half of applying a record when a host runs plugins: counts it in, then
    /// `[access]` and `[[retention]]` (expired fields removed, so no plugin sees them). `Some`
    /// when the record is dropped (counted); else hand it to the plugins, then to
    /// [`Run::admitted`].
    pub fn admit<T: Tree>(&mut self, value: &mut T) -> Option<Disposition> {
        self.policy
            .admit_tree(value, &self.ctx, &mut self.sx, &mut self.tally)
    }

    /// The second half: the record as the plugins left it goes through `[access]` and
    /// `[[retention]]` again (not counted in twice), then the rules, detectors and summaries.
    /// With the [`Measure`] of its text ([`crate::json::Doc::parse_measured`]), members no rule
    /// can reach are not walked when that cannot matter.
    pub fn admitted<T: Tree>(&mut self, value: &mut T, measure: Option<Measure>) -> Disposition {
        self.policy.apply_measured(
            value,
            measure,
            Entry::Admitted,
            &self.ctx,
            &mut self.sx,
            &mut self.tally,
        )
    }

    /// [`Run::admitted`] on a record's JSON text in one pass, where the policy's stages and
    /// rules allow it (path rules only): the output appended to `out`, or `None` (nothing
    /// written) when the text must be parsed instead.
    pub fn admitted_json(&mut self, text: &str, out: &mut Vec<u8>) -> Option<Disposition> {
        self.policy.apply_json_streamed(
            text,
            Entry::Admitted,
            &self.ctx,
            &mut self.sx,
            &mut self.tally,
            out,
        )
    }

    /// [`Run::admitted`] on a record's JSON text, as [`Run::json_line`] applies a line: in one
    /// pass where the policy allows it, else parsed; the masked record or a quarantine marker
    /// naming `line_no` appended to `out` (without a newline), nothing when it is dropped.
    pub fn admitted_json_line(
        &mut self,
        text: &str,
        line_no: u64,
        out: &mut Vec<u8>,
    ) -> Disposition {
        self.json_text(text, Some(line_no), Entry::Admitted, out)
    }

    /// Masks a value with the rules only (no access or retention), without counting it as a
    /// record: the cells of a DataFrame column, a summary's sample.
    pub fn cells<T: Tree>(&mut self, value: &mut T) {
        self.policy
            .mask_record(value, &self.ctx, &mut self.sx, &mut self.tally);
    }

    /// What a run's records protect, for the plugin host's screen (see
    /// [`crate::Screen`]): `record` is walked as [`Run::admitted`] walks it, on a copy the
    /// caller throws away, counted apart.
    pub fn protected_values<T: Tree>(&mut self, record: &mut T, screen: &mut crate::Screen) {
        self.policy
            .protected_values(record, &self.ctx, &mut self.sx, screen);
    }
}

impl Policy {
    /// Applies the policy to a record entering here, or admitted before its plugins ran, given
    /// as a tree parsed from a text with this [`Measure`] (or not). Never fails: a record that
    /// breaks a limit is reported as quarantined and must then not be written; a record that
    /// `[access]` or `[[retention]]` drops must not be written at all.
    pub(crate) fn apply_measured<T: Tree>(
        &self,
        value: &mut T,
        measured: Option<Measure>,
        entry: Entry,
        ctx: &Context,
        sx: &mut Scratch,
        tally: &mut Tally,
    ) -> Disposition {
        if entry == Entry::Fresh && !self.plugins.is_empty() && !self.plugins_attached {
            // Plugins run in the host; a front end without them must not skip them.
            tally.count_quarantined_input();
            return Disposition::Quarantined(Quarantine::PluginUnavailable);
        }
        let failures = tamis_reserve::failures();
        let record_type = match self.record_stages(value, ctx, sx, tally, entry) {
            Ok(ty) => ty,
            Err(d) => return d,
        };
        let ty = record_type.as_deref().or(ctx.record_type.as_deref());
        self.begin(ctx, ty, sx);
        self.entity_offsets(value, sx);
        self.walk_measured(value, measured, sx, tally, failures)
    }

    /// The first half of applying a record when the host runs plugins: counts it in, then
    /// `[access]` and `[[retention]]` (expired fields are removed, so a plugin never sees
    /// them). `Some` when the record is dropped (counted); else hand it to the plugins, then
    /// to [`Run::admitted`].
    pub(crate) fn admit_tree<T: Tree>(
        &self,
        value: &mut T,
        ctx: &Context,
        sx: &mut Scratch,
        tally: &mut Tally,
    ) -> Option<Disposition> {
        if let Err(d) = self.record_stages(value, ctx, sx, tally, Entry::Fresh) {
            return Some(d);
        }
        self.remove_expired_fields(value, sx, tally);
        None
    }

    /// Counts a record entering here in, then `[access]` and `[[retention]]`: `Err` when the
    /// record is dropped (counted), else the record's own type and `sx.expired` filled.
    pub(crate) fn record_stages<T: Tree>(
        &self,
        value: &T,
        ctx: &Context,
        sx: &mut Scratch,
        tally: &mut Tally,
        entry: Entry,
    ) -> Result<Option<String>, Disposition> {
        if entry == Entry::Fresh {
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
            let (expired, no_time_zone) = r.expired(value, ctx.now);
            if no_time_zone && let Some(n) = tally.retention_no_time_zone.get_mut(i) {
                *n += 1;
            }
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
        if let Disposition::Quarantined(q) =
            self.apply_measured(value, None, Entry::Fresh, ctx, &mut sx, &mut tally)
        {
            *value = quarantine_marker(None, q);
        }
        tally.report(self)
    }

    /// [`Policy::apply`] numbering placeholders in `session`.
    pub fn apply_in(&self, value: &mut Value, ctx: &Context, session: &mut Session) -> Report {
        let mut run = self.run(ctx.clone());
        run.begin_session(session);
        if let Disposition::Quarantined(q) = run.tree(value) {
            *value = quarantine_marker(None, q);
        }
        run.end_session(session);
        run.report()
    }

    /// [`Policy::mask_text`] numbering placeholders in `session`.
    #[must_use]
    pub fn mask_text_in(&self, text: &str, ctx: &Context, session: &mut Session) -> String {
        let mut run = self.run(ctx.clone());
        run.begin_session(session);
        let out = run.text(text);
        run.end_session(session);
        out
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
    pub(crate) fn mask_text_with(
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
