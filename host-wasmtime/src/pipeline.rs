//! A policy with plugins, applied to JSON Lines in batches: limits → access → retention (core's
//! [`Run::admit`]) → each plugin in policy order → rules, detectors and summaries (core's
//! [`Run::admitted`]). The policy's own rules always run last, so a plugin can drop or
//! mask more but never reveal anything.

use std::borrow::Cow;
use std::path::Path;

use tamis_core::json::{self, Doc, Measure, NotJson};
use tamis_core::{
    Disposition, PluginCount, Policy, Quarantine, Run, Tally, write_quarantine_marker,
};

use crate::detect::Session;
use crate::guard::Guard;
use crate::transform::Deferred;
use crate::{Decision, Failure, Host, Limits, OnError, Plugin, RegisterError};

/// A policy whose plugins are registered, ready to apply.
#[derive(Debug)]
pub struct Pipeline {
    policy: Policy,
    plugins: Vec<Plugin>,
}

/// A plugin failed with `on_error = "fail"`: the run stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stopped {
    /// The plugin's id.
    pub plugin: String,
    /// What went wrong.
    pub failure: Failure,
}

impl core::fmt::Display for Stopped {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "plugin `{}`: {} (on_error = \"fail\")",
            self.plugin, self.failure
        )
    }
}

/// One input line of a batch.
#[derive(Debug, Clone, Copy)]
pub enum Line<'a> {
    /// The line's text.
    Text(&'a str),
    /// A line the reader could not take (not UTF-8, or longer than its bound).
    Unreadable(Quarantine),
}

impl Pipeline {
    /// Registers every `[[plugin]]` of `policy` (paths relative to `base_dir`) and attaches
    /// them, so the policy applies records.
    ///
    /// # Errors
    /// A plugin file that cannot be read or registered.
    pub fn new(policy: Policy, base_dir: &Path) -> Result<Self, RegisterError> {
        // Detectors of the caller's own are functions of a library front end: none here.
        policy
            .require_detectors_bound()
            .map_err(|e| RegisterError(e.to_string()))?;
        let host = Host::global()?;
        let mut plugins = Vec::with_capacity(policy.plugins().len());
        for spec in policy.plugins() {
            let path = base_dir.join(&spec.path);
            let bytes = std::fs::read(&path).map_err(|e| {
                RegisterError(format!(
                    "plugin `{}`: cannot read {}: {e}",
                    spec.id,
                    path.display()
                ))
            })?;
            let limits = Limits {
                max_module_bytes: usize::try_from(spec.max_module_bytes).unwrap_or(usize::MAX),
                fuel: spec.fuel,
                memory_bytes: usize::try_from(spec.memory_bytes).unwrap_or(usize::MAX),
                timeout_ms: spec.timeout_ms,
                ..Limits::default()
            };
            let plugin = host.register(
                &spec.id,
                &bytes,
                spec.config_json.clone().into_bytes(),
                limits,
                spec.on_error,
            )?;
            if spec.transforms && !plugin.has_transform() {
                return Err(RegisterError(format!(
                    "plugin `{}`: a rule's action is `plugin:{}`, but the component does not \
                     export `transform` (the world `tamis:filter/transformer` of contract 0.2; \
                     plugins built with tamis-guest's `export_transformer!` export it)",
                    spec.id, spec.id
                )));
            }
            if spec.detects && !plugin.has_detect() {
                return Err(RegisterError(format!(
                    "plugin `{}`: a rule detects with `plugin:{}`, but the component does not \
                     export `detect` (the world `tamis:filter/detector`; plugins built with \
                     tamis-guest export it)",
                    spec.id, spec.id
                )));
            }
            plugins.push(plugin);
        }
        Ok(Pipeline {
            policy: policy.with_plugins_attached(),
            plugins,
        })
    }

    /// The policy (with its plugins attached).
    #[must_use]
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The registered plugins, in policy order.
    #[must_use]
    pub fn plugins(&self) -> &[Plugin] {
        &self.plugins
    }

    /// Applies the policy to a batch of numbered lines and appends each output line (with its
    /// newline) to `out`, in order; a dropped record writes nothing. `run` is a [`Run`] of this
    /// pipeline's policy (`pipeline.policy().run(ctx)`), reused from batch to batch; it counts.
    /// Plugin log lines go to `log`, prefixed with the plugin id and masked by the policy's
    /// detectors.
    ///
    /// Without `[access]` and `[[retention]]` (which may remove fields first), plugins see the
    /// input line itself, checked to be one JSON value without being parsed into a tree. Each
    /// record as the last plugin left it then goes through the policy's own stages and rules:
    /// in one pass over its text where core can (path rules only), else checked and parsed once
    /// into a tree. The last plugin's replacements are checked on the way; an invalid one fails
    /// the whole batch, and what was written and counted for it is rolled back.
    ///
    /// # Errors
    /// [`Stopped`] when a plugin with `on_error = "fail"` fails; nothing of the batch is written.
    pub fn apply_lines(
        &self,
        lines: &[(u64, Line<'_>)],
        run: &mut Run<'_>,
        out: &mut Vec<u8>,
        log: &mut dyn FnMut(&str),
    ) -> Result<(), Stopped> {
        // Another policy's run would apply rules without these plugins: a caller's mistake,
        // stopped here rather than written out.
        assert!(
            core::ptr::eq(run.policy(), &self.policy),
            "Pipeline::apply_lines: the run is not of this pipeline's policy"
        );
        if !self.policy.plugins().iter().any(|p| p.transforms) {
            return self.write_lines(lines, run, out, log);
        }
        // Values of `plugin:<id>` actions are deferred while the batch is written, then each
        // plugin transforms its values in one call and the answers are written in their place.
        let start = out.len();
        let before = run
            .scratch_mut()
            .set_plugin_transform(Some(Box::new(Deferred::new())));
        let filtering = self.plugins.iter().any(Plugin::is_filter);
        let detecting = self.policy.plugins().iter().any(|p| p.detects);
        let written = if filtering || detecting {
            self.write_lines(lines, run, out, log)
        } else {
            write_unfiltered(lines, run, out);
            Ok(())
        };
        let deferred = run
            .scratch_mut()
            .set_plugin_transform(before)
            .and_then(|b| {
                let any: Box<dyn core::any::Any> = b;
                any.downcast::<Deferred>().ok()
            });
        let resolved = written.and_then(|()| match deferred {
            Some(d) => d.resolve(&self.plugins, run, out, start, log),
            // Cannot happen (installed above): nothing of the batch is written unresolved.
            None => Err(Stopped {
                plugin: String::new(),
                failure: Failure::Trap("transform state lost".into()),
            }),
        });
        if resolved.is_err() {
            out.truncate(start);
        }
        resolved
    }

    /// [`Self::apply_lines`] without resolving transforms.
    fn write_lines(
        &self,
        lines: &[(u64, Line<'_>)],
        run: &mut Run<'_>,
        out: &mut Vec<u8>,
        log: &mut dyn FnMut(&str),
    ) -> Result<(), Stopped> {
        let policy = &self.policy;
        let max_text = policy.limits().json_text_bound();
        // What the last plugin decided, and what its `on_error` decided instead; the records are
        // finished from here (declared before `slots`, which borrow the replacements).
        let mut last_run: Option<(&Plugin, Decided)> = None;
        let fallback: Vec<Decision>;
        let mut slots: Vec<Slot<'_>> = Vec::with_capacity(lines.len());
        let mut numbers: Vec<u64> = Vec::with_capacity(lines.len());
        let untouched = !policy.has_record_stages();
        for &(n, line) in lines {
            numbers.push(n);
            slots.push(admit(n, line, max_text, untouched, run));
        }
        // What the plugins are given, to screen what they write (no plugin can reveal).
        let mut guard = Guard::new(
            slots
                .iter()
                .filter_map(|s| match s {
                    Slot::Original(t) => Some(Cow::Borrowed(*t)),
                    Slot::Record(t) => Some(Cow::Owned(t.clone())),
                    _ => None,
                })
                .collect(),
            slots.len(),
        );
        // Transformers (no `filter` export) do not run as filters.
        let filters: Vec<&Plugin> = self.plugins.iter().filter(|p| p.is_filter()).collect();
        if let Some((last, firsts)) = filters.split_last() {
            for plugin in firsts {
                if let Some((alive, decisions)) =
                    self.run_plugin(plugin, &slots, true, run, log, &mut guard)?
                {
                    for (&i, d) in alive.iter().zip(decisions) {
                        let next = match d {
                            Decision::Keep => None,
                            Decision::Drop => Some(Slot::Dropped),
                            Decision::Replace(text) => {
                                guard.replaced_by(i, plugin.id());
                                Some(Slot::Record(text))
                            }
                        };
                        settle(&mut slots, i, next, plugin.id(), run.tally_mut());
                    }
                }
            }
            last_run = self
                .run_plugin(last, &slots, false, run, log, &mut guard)?
                .map(|decided| (*last, decided));
        }
        if let Some((last, (alive, decisions))) = &last_run {
            for (&i, d) in alive.iter().zip(decisions) {
                if let Decision::Replace(_) = d {
                    guard.replaced_by(i, last.id());
                }
            }
        }
        let batch_start = out.len();
        let detecting = policy.plugins().iter().any(|p| p.detects);
        if let Some((last, (alive, decisions))) = &last_run {
            let replaces = decisions.iter().any(|d| matches!(d, Decision::Replace(_)));
            // A tally that counts paths grows with the run, too large to copy per batch (and
            // the one-pass path, which saves the second read, does not take such runs).
            if replaces && !detecting && !run.tally().counts_paths() {
                // Each replacement is checked as it is finished. One that is not JSON fails the
                // whole batch: what was written and counted is rolled back, and the batch goes
                // the way below, which checks every replacement first.
                let (mark, before) = (out.len(), run.tally().clone());
                let deferred = crate::transform::deferred(run);
                let decided = (last.id(), alive.as_slice(), decisions.as_slice());
                let mut ends = Vec::with_capacity(slots.len());
                if self
                    .finish_decided(&slots, &numbers, decided, run, out, &mut ends)
                    .is_ok()
                {
                    guard.written(&ends, batch_start);
                    guard.scrub(out, run);
                    return Ok(());
                }
                out.truncate(mark);
                *run.tally_mut() = before;
                // The batch is written again: its values are deferred again.
                crate::transform::forget_after(run, deferred);
            }
            let (decisions, measures) = match check_replacements(decisions) {
                Ok(measures) => (decisions, measures),
                Err(i) => {
                    let failure = Failure::InvalidOutput(format!(
                        "replacement of record {} is not one JSON value",
                        i + 1
                    ));
                    fallback = self.on_error(last, failure, alive, &slots, run.tally_mut())?;
                    let measures = fallback
                        .iter()
                        .map(|d| match d {
                            Decision::Replace(t) => json::check(t),
                            _ => None,
                        })
                        .collect();
                    (&fallback, measures)
                }
            };
            for ((&i, d), measure) in alive.iter().zip(decisions).zip(measures) {
                let next = match (d, measure) {
                    (Decision::Keep, _) => None,
                    (Decision::Drop, _) => Some(Slot::Dropped),
                    (Decision::Replace(t), Some(_)) => Some(Slot::Checked(t)),
                    // Cannot happen (`masked` writes JSON); dropped and counted, never
                    // passed unparsed.
                    (Decision::Replace(_), None) => Some(Slot::Dropped),
                };
                settle(&mut slots, i, next, last.id(), run.tally_mut());
            }
        }
        if !detecting {
            let mut ends = Vec::with_capacity(slots.len());
            for (slot, &n) in slots.iter().zip(&numbers) {
                self.finish_slot(slot, n, run, out);
                ends.push(out.len());
            }
            guard.written(&ends, batch_start);
            guard.scrub(out, run);
            return Ok(());
        }
        self.finish_detecting(slots, numbers, run, out, log, &mut guard)
    }

    /// Writes one line's output: the record through the policy's own stages and rules, or its
    /// marker, or nothing when dropped. Returns what became of the record (`None`: no record
    /// was masked).
    fn finish_slot(
        &self,
        slot: &Slot<'_>,
        n: u64,
        run: &mut Run<'_>,
        out: &mut Vec<u8>,
    ) -> Option<Disposition> {
        match slot {
            Slot::Dropped => None,
            Slot::Done(bytes) => {
                out.extend_from_slice(bytes);
                out.push(b'\n');
                None
            }
            Slot::Checked(text) | Slot::Original(text) => Some(finish(text, n, run, out)),
            Slot::Record(text) => Some(finish(text, n, run, out)),
        }
    }

    /// Writes every line of the batch with the last plugin's decisions (`decided`: its id, the
    /// indices in `slots` of the records it was given, and one decision each) applied and
    /// counted, each replacement checked as it is finished: a text the one-pass path finishes
    /// is one JSON value (core's fuzz target `stream_equivalence` holds the pass to the
    /// parser), and any other is checked before it is parsed. [`NotJson`] at the first
    /// replacement that is not one JSON value; what was written and counted until then is the
    /// caller's to roll back.
    fn finish_decided(
        &self,
        slots: &[Slot<'_>],
        numbers: &[u64],
        (id, alive, decisions): (&str, &[usize], &[Decision]),
        run: &mut Run<'_>,
        out: &mut Vec<u8>,
        ends: &mut Vec<usize>,
    ) -> Result<(), NotJson> {
        let mut decided = alive.iter().copied().zip(decisions).peekable();
        for (i, (slot, &n)) in slots.iter().zip(numbers).enumerate() {
            if i > 0 {
                ends.push(out.len());
            }
            match decided.next_if(|&(a, _)| a == i).map(|(_, d)| d) {
                None | Some(Decision::Keep) => {
                    self.finish_slot(slot, n, run, out);
                }
                Some(Decision::Drop) => count_settled(run.tally_mut(), id, true),
                Some(Decision::Replace(text)) => {
                    count_settled(run.tally_mut(), id, false);
                    // Not JSON: the whole batch goes the way that checks every replacement first.
                    if finish(text, n, run, out)
                        == Disposition::Quarantined(Quarantine::InvalidJson)
                    {
                        return Err(NotJson);
                    }
                }
            }
        }
        ends.push(out.len());
        Ok(())
    }

    /// The last step when rules detect with plugins: the records are masked on a thread with a
    /// large stack (guest code runs on it), with a [`Session`] that calls the plugins' `detect`.
    /// A plugin's first failure in the batch is counted and its `on_error` applied: `mask` —
    /// the texts it would scan are masked whole for the rest of the batch (core's answer when a
    /// detector cannot); `drop` — the record being masked and every later record of the batch
    /// are dropped; `fail` — the run stops and nothing of the batch is written.
    fn finish_detecting<'g>(
        &self,
        slots: Vec<Slot<'_>>,
        numbers: Vec<u64>,
        run: &mut Run<'_>,
        out: &mut Vec<u8>,
        log: &mut dyn FnMut(&str),
        guard: &mut Guard<'g>,
    ) -> Result<(), Stopped> {
        let policy = &self.policy;
        let session = Session::new(&self.plugins, policy.plugins().iter().map(|p| p.detects));
        let before = run.scratch_mut().set_plugin_detect(Some(Box::new(session)));
        let batch_start = out.len();
        let mut ends = Vec::new();
        let ran = crate::on_plugin_thread(|| {
            self.finish_with_session(slots, numbers, run, out, &mut ends)
        });
        let session = run.scratch_mut().set_plugin_detect(before);
        let mut session = session.and_then(|b| {
            let any: Box<dyn core::any::Any> = b;
            any.downcast::<Session>().ok()
        });
        let result = match ran {
            Some(r) => r,
            // The thread could not start or panicked: nothing of the batch is written.
            None => Err(Stopped {
                plugin: self
                    .plugins
                    .iter()
                    .zip(policy.plugins())
                    .find(|(_, s)| s.detects)
                    .map(|(p, _)| p.id().to_owned())
                    .unwrap_or_default(),
                failure: Failure::Trap("host thread".into()),
            }),
        };
        if result.is_err() {
            out.truncate(batch_start);
        } else {
            guard.written(&ends, batch_start);
            guard.scrub(out, run);
        }
        for (i, calls, lines, dropped) in session.take().map(|s| s.finish()).unwrap_or_default() {
            let (Some(plugin), Some(spec)) = (self.plugins.get(i), policy.plugins().get(i)) else {
                continue;
            };
            let id = plugin.id();
            run.tally_mut()
                .count_plugin(id, PluginCount::DetectCalls, calls);
            self.write_logs(id, spec.log, &lines, run, log, guard);
            if dropped > 0 {
                run.tally_mut()
                    .count_plugin(id, PluginCount::LogsDropped, dropped);
            }
        }
        result
    }

    /// Writes a plugin's log lines (its error message among them) when its `[[plugin]]` says
    /// `log = true`, masked by the policy's detectors; a line that holds a value the policy
    /// protects is withheld. Lines not written are counted (`logs_withheld`).
    fn write_logs(
        &self,
        id: &str,
        enabled: bool,
        lines: &[String],
        run: &mut Run<'_>,
        log: &mut dyn FnMut(&str),
        guard: &mut Guard<'_>,
    ) {
        let mut withheld = 0;
        for line in lines {
            match enabled.then(|| guard.log_line(line, run)).flatten() {
                Some(masked) => log(&format!("plugin {id}: {masked}")),
                None => withheld += 1,
            }
        }
        if withheld > 0 {
            run.tally_mut()
                .count_plugin(id, PluginCount::LogsWithheld, withheld);
        }
    }

    /// [`Self::finish_slot`] for each record, with the plugins' `on_error` applied to the first
    /// failure of each.
    fn finish_with_session(
        &self,
        slots: Vec<Slot<'_>>,
        numbers: Vec<u64>,
        run: &mut Run<'_>,
        out: &mut Vec<u8>,
        ends: &mut Vec<usize>,
    ) -> Result<(), Stopped> {
        // A plugin with `on_error = "drop"` failed: the rest of the batch is dropped.
        let mut dropping: Option<&str> = None;
        for (i, (slot, n)) in slots.into_iter().zip(numbers).enumerate() {
            if i > 0 {
                ends.push(out.len());
            }
            if let Some(id) = dropping {
                if slot.text().is_some() || matches!(slot, Slot::Checked(..)) {
                    count_settled(run.tally_mut(), id, true);
                } else {
                    self.finish_slot(&slot, n, run, out);
                }
                continue;
            }
            let mark = out.len();
            let done = self.finish_slot(&slot, n, run, out);
            let failed = run
                .scratch_mut()
                .plugin_detect_mut()
                .and_then(|b| (&mut **b as &mut dyn core::any::Any).downcast_mut::<Session>())
                .and_then(Session::take_new_failure);
            let Some((i, failure)) = failed else {
                continue;
            };
            let Some(plugin) = self.plugins.get(i) else {
                continue;
            };
            run.tally_mut()
                .count_plugin(plugin.id(), PluginCount::Failure(failure.kind()), 1);
            match plugin.on_error() {
                OnError::Fail => {
                    return Err(Stopped {
                        plugin: plugin.id().to_owned(),
                        failure,
                    });
                }
                // Core masked what the plugin could not scan.
                OnError::Mask => {}
                OnError::Drop => {
                    out.truncate(mark);
                    if done.is_some_and(|d| run.tally_mut().recount_as_plugin_drop(d)) {
                        run.tally_mut()
                            .count_plugin(plugin.id(), PluginCount::Dropped, 1);
                    }
                    dropping = Some(plugin.id());
                }
            }
        }
        ends.push(out.len());
        Ok(())
    }

    /// Runs one plugin on the records still in flight: their indices in `slots` and one
    /// decision each (after `on_error`), or `None` when no record is left.
    fn run_plugin(
        &self,
        plugin: &Plugin,
        slots: &[Slot<'_>],
        parse_json: bool,
        run: &mut Run<'_>,
        log: &mut dyn FnMut(&str),
        guard: &mut Guard<'_>,
    ) -> Result<Option<Decided>, Stopped> {
        let (alive, texts): (Vec<usize>, Vec<&str>) = slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.text().map(|t| (i, t)))
            .unzip();
        if alive.is_empty() {
            return Ok(None);
        }
        let batch =
            plugin.filter_checked(&texts, self.policy.limits().max_record_bytes, parse_json);
        let id = plugin.id();
        run.tally_mut().count_plugin(id, PluginCount::Batches, 1);
        let enabled = self
            .policy
            .plugins()
            .iter()
            .find(|p| p.id == id)
            .is_some_and(|p| p.log);
        self.write_logs(id, enabled, &batch.logs, run, log, guard);
        if batch.logs_dropped > 0 {
            run.tally_mut()
                .count_plugin(id, PluginCount::LogsDropped, batch.logs_dropped);
        }
        let decisions = match batch.decisions {
            Ok(d) => d,
            Err(failure) => self.on_error(plugin, failure, &alive, slots, run.tally_mut())?,
        };
        Ok(Some((alive, decisions)))
    }

    /// Counts a plugin's failure and applies its `on_error` to the records it was given.
    fn on_error(
        &self,
        plugin: &Plugin,
        failure: Failure,
        alive: &[usize],
        slots: &[Slot<'_>],
        tally: &mut Tally,
    ) -> Result<Vec<Decision>, Stopped> {
        tally.count_plugin(plugin.id(), PluginCount::Failure(failure.kind()), 1);
        Ok(match plugin.on_error() {
            OnError::Fail => {
                return Err(Stopped {
                    plugin: plugin.id().to_owned(),
                    failure,
                });
            }
            OnError::Drop => vec![Decision::Drop; alive.len()],
            OnError::Mask => alive
                .iter()
                .map(|&i| match slots.get(i).and_then(Slot::text) {
                    Some(t) => Decision::Replace(masked(t)),
                    None => Decision::Drop,
                })
                .collect(),
        })
    }
}

/// A plugin's decisions: the indices in `slots` of the records it was given, one decision each.
type Decided = (Vec<usize>, Vec<Decision>);

/// Where each line of a batch stands.
enum Slot<'a> {
    /// Its output line is written (a quarantine marker).
    Done(Vec<u8>),
    /// Dropped (counted).
    Dropped,
    /// The input line, checked to be JSON, unchanged so far.
    Original(&'a str),
    /// A text a record stage or a plugin (not the last) wrote.
    Record(String),
    /// What the last plugin wrote, checked to be one JSON value.
    Checked(&'a str),
}

impl Slot<'_> {
    /// The record's JSON text, while it is in flight.
    fn text(&self) -> Option<&str> {
        match self {
            Slot::Original(t) => Some(t),
            Slot::Record(t) => Some(t),
            _ => None,
        }
    }
}

/// A line as the plugins will see it: counted in, through `[access]` and `[[retention]]` when
/// the policy has them (`untouched` when not: the line itself, checked to be JSON), or its
/// marker, or dropped.
fn admit<'a>(
    n: u64,
    line: Line<'a>,
    max_text: usize,
    untouched: bool,
    run: &mut Run<'_>,
) -> Slot<'a> {
    match line {
        Line::Unreadable(q) => {
            run.tally_mut().count_quarantined_input();
            Slot::Done(marker(n, q))
        }
        Line::Text(text) if text.len() > max_text => {
            run.tally_mut().count_quarantined_input();
            Slot::Done(marker(n, Quarantine::TooLarge))
        }
        Line::Text(text) if untouched => {
            if json::check(text).is_some() {
                run.tally_mut().count_in();
                Slot::Original(text)
            } else {
                run.tally_mut().count_quarantined_input();
                Slot::Done(marker(n, Quarantine::InvalidJson))
            }
        }
        Line::Text(text) => match Doc::parse(text) {
            Err(_) => {
                run.tally_mut().count_quarantined_input();
                Slot::Done(marker(n, Quarantine::InvalidJson))
            }
            Ok(mut doc) => match run.admit(&mut doc) {
                Some(_) => Slot::Dropped,
                None => {
                    let mut buf = Vec::new();
                    if buf.try_reserve(text.len()).is_ok() && doc.write(&mut buf).is_ok() {
                        Slot::Record(String::from_utf8_lossy(&buf).into_owned())
                    } else {
                        run.tally_mut().count_quarantined();
                        Slot::Done(marker(n, Quarantine::OutOfMemory))
                    }
                }
            },
        },
    }
}

/// The policy's own stages and rules on a record the plugins left (core's
/// [`Run::admitted_json_line`]), written as a line: the masked record or its quarantine marker,
/// nothing when it is dropped.
fn finish(text: &str, n: u64, run: &mut Run<'_>, out: &mut Vec<u8>) -> Disposition {
    let d = run.admitted_json_line(text, n, out);
    if !matches!(d, Disposition::Dropped(_)) {
        out.push(b'\n');
    }
    d
}

/// Every line through the policy's stages and rules in one go (core's [`Run::json_line`]), as
/// when no plugin runs as a filter or detector (transformers only).
fn write_unfiltered(lines: &[(u64, Line<'_>)], run: &mut Run<'_>, out: &mut Vec<u8>) {
    for &(n, line) in lines {
        match line {
            Line::Unreadable(q) => {
                run.tally_mut().count_quarantined_input();
                write_quarantine_marker(out, Some(n), q);
                out.push(b'\n');
            }
            Line::Text(text) => {
                let mark = out.len();
                if matches!(run.json_line(text, n, out), Disposition::Dropped(_)) {
                    out.truncate(mark);
                } else {
                    out.push(b'\n');
                }
            }
        }
    }
}

/// Applies one plugin's decision to slot `i` (`None`: keep) and counts it.
fn settle<'a>(
    slots: &mut [Slot<'a>],
    i: usize,
    next: Option<Slot<'a>>,
    id: &str,
    tally: &mut Tally,
) {
    let (Some(slot), Some(next)) = (slots.get_mut(i), next) else {
        return;
    };
    count_settled(tally, id, matches!(next, Slot::Dropped));
    *slot = next;
}

/// Counts a record that plugin `id` dropped, or else replaced.
fn count_settled(tally: &mut Tally, id: &str, dropped: bool) {
    if dropped {
        tally.count_plugin_drop();
        tally.count_plugin(id, PluginCount::Dropped, 1);
    } else {
        tally.count_plugin(id, PluginCount::Replaced, 1);
    }
}

/// Checks every replacement; `Err` with the index of the first that is not one JSON value.
fn check_replacements(decisions: &[Decision]) -> Result<Vec<Option<Measure>>, usize> {
    decisions
        .iter()
        .enumerate()
        .map(|(i, d)| match d {
            Decision::Replace(t) => json::check(t).map(Some).ok_or(i),
            _ => Ok(None),
        })
        .collect()
}

fn marker(line: u64, q: Quarantine) -> Vec<u8> {
    let mut out = Vec::new();
    write_quarantine_marker(&mut out, Some(line), q);
    out
}

/// `on_error = "mask"`: the record with every value replaced, keys kept.
fn masked(text: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(mut v) => {
            tamis_core::mask_all(&mut v);
            serde_json::to_string(&v).unwrap_or_else(|_| "null".to_owned())
        }
        Err(_) => serde_json::Value::String(tamis_core::PLUGIN_ERROR.to_owned()).to_string(),
    }
}
