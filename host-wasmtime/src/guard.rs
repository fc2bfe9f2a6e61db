//! No plugin can reveal what the policy protects: what plugins write (replacement records,
//! log lines, error messages) is screened against the values the policy protects in the
//! records they were given (core's [`Screen`]), and a piece of one, in any spacing, is masked.
//!
//! The screen is made only when a batch needs it: when a plugin replaced a record or wrote a
//! log line that its policy lets through (`log = true`).

use std::borrow::Cow;

use tamis_core::json::Doc;
use tamis_core::{DEFAULT_REPLACEMENT, PluginCount, Run, Screen};

/// The records of a batch as the plugins were given them, and the screen made of them.
pub(crate) struct Guard<'a> {
    originals: Vec<Cow<'a, str>>,
    screen: Option<Screen>,
    /// Per record of the batch, the plugin that last replaced it.
    replaced_by: Vec<Option<&'a str>>,
    /// Output ranges (`start..end` in the batch's output) of records a plugin replaced, with
    /// that plugin's id.
    replaced: Vec<(usize, usize, &'a str)>,
}

impl<'a> Guard<'a> {
    /// The guard of a batch of `records` records, of which the plugins are given `originals`.
    pub(crate) fn new(originals: Vec<Cow<'a, str>>, records: usize) -> Self {
        Self {
            originals,
            screen: None,
            replaced_by: vec![None; records],
            replaced: Vec::new(),
        }
    }

    /// Plugin `id` replaced record `i` of the batch.
    pub(crate) fn replaced_by(&mut self, i: usize, id: &'a str) {
        if let Some(r) = self.replaced_by.get_mut(i) {
            *r = Some(id);
        }
    }

    /// The batch's records were written from `batch_start` of the output, record `i` ending
    /// at `ends[i]`: the lines of replaced records are the ones to screen.
    pub(crate) fn written(&mut self, ends: &[usize], batch_start: usize) {
        let mut start = batch_start;
        for (&end, by) in ends.iter().zip(&self.replaced_by) {
            if let Some(id) = by
                && end > start
            {
                self.replaced.push((start, end, id));
            }
            start = end;
        }
    }

    /// The screen of the batch's protected values, made on first use.
    fn screen(&mut self, run: &mut Run<'_>) -> &mut Screen {
        self.screen.get_or_insert_with(|| {
            let mut screen = Screen::new();
            // This walk masks nothing: no value of it goes to a transform.
            let transform = run.scratch_mut().set_plugin_transform(None);
            for text in &self.originals {
                // Records were checked to be JSON before plugins saw them.
                if let Ok(mut doc) = Doc::parse(text) {
                    run.protected_values(&mut doc, &mut screen);
                }
            }
            run.scratch_mut().set_plugin_transform(transform);
            screen
        })
    }

    /// A plugin's log line (or error message) as it may be written: masked by the policy's
    /// detectors, and withheld (`None`) when it holds a protected value.
    pub(crate) fn log_line(&mut self, line: &str, run: &mut Run<'_>) -> Option<String> {
        if self.screen(run).reveals(line) {
            return None;
        }
        Some(run.policy().mask_text(line, run.context()))
    }

    /// Masks, in the lines of `out` that replaced records became, every value and key that
    /// holds a protected value; counts them under the plugin that replaced the record
    /// (`revealed_masked`).
    pub(crate) fn scrub(&mut self, out: &mut Vec<u8>, run: &mut Run<'_>) {
        if self.replaced.is_empty() {
            return;
        }
        let mut lines = std::mem::take(&mut self.replaced);
        let screen = self.screen(run);
        if screen.is_empty() {
            return;
        }
        // From the last, so earlier ranges stay where they are.
        lines.sort_unstable_by_key(|&(start, _, _)| start);
        for &(start, end, id) in lines.iter().rev() {
            let Some(line) = out
                .get(start..end)
                .and_then(|b| std::str::from_utf8(b).ok())
            else {
                continue;
            };
            if !screen.reveals(line) {
                continue;
            }
            let json = line.trim_end_matches('\n');
            let Ok(mut v) = serde_json::from_str::<serde_json::Value>(json) else {
                continue;
            };
            let n = screen.mask_value(&mut v, DEFAULT_REPLACEMENT);
            let mut new = serde_json::to_vec(&v).unwrap_or_else(|_| b"null".to_vec());
            new.push(b'\n');
            out.splice(start..end, new);
            run.tally_mut()
                .count_plugin(id, PluginCount::RevealedMasked, n);
        }
    }
}
