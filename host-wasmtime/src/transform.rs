//! Plugin transforms (`action = "plugin:<id>"`, contract 0.2): core's [`PluginTransform`],
//! answered by each plugin's `transform` export, one call per plugin and batch.
//!
//! While a batch is written, core hands every value such a rule selects to [`Deferred`], which
//! keeps it and writes a stand-in in its place: private-use characters that spell a nonce fresh
//! for the batch and the value's number (no input can forge one, and no detector reads one).
//! Once the batch is written, each plugin gets its values in one call; each answer is screened
//! (a piece of a value the plugin was given, in any spacing, masks it: a transform never writes
//! back what it was given to mask) and masked by the policy's detectors, then written where its
//! stand-in is, as JSON string content. A failure applies the plugin's `on_error` to its values:
//! `mask` — each becomes `[tamis:plugin_error]`; `drop` — every record that holds one is
//! dropped; `fail` — the run stops and nothing of the batch is written.

use std::hash::{BuildHasher, Hasher};

use tamis_core::{DEFAULT_REPLACEMENT, PLUGIN_ERROR, PluginCount, PluginTransform, Run, Screen};

use crate::detect::Session;
use crate::pipeline::Stopped;
use crate::{Failure, OnError, Plugin};

/// First and last character of a stand-in; the nonce and the number are spelled in between,
/// one private-use character per hex digit.
const OPEN: char = '\u{E0FF}';
const CLOSE: char = '\u{E0FE}';
const DIGIT0: u32 = 0xE000;
/// Hex digits of the nonce and of a value's number.
const NONCE_DIGITS: usize = 16;
const NUMBER_DIGITS: usize = 8;
/// Bytes of one private-use digit in UTF-8.
const DIGIT_BYTES: usize = 3;

/// The values of one batch's `plugin:<id>` actions, in the order core deferred them.
pub(crate) struct Deferred {
    /// `OPEN` and the nonce, as written (UTF-8).
    prefix: String,
    values: Vec<(usize, String)>,
}

impl Deferred {
    pub(crate) fn new() -> Self {
        // A random 64-bit nonce per batch (std's per-process random hash keys, mixed with a
        // counter): text in the records cannot spell a stand-in of this batch.
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        let mut prefix = String::with_capacity(4 + NONCE_DIGITS * DIGIT_BYTES);
        prefix.push(OPEN);
        push_hex(&mut prefix, h.finish(), NONCE_DIGITS);
        Deferred {
            prefix,
            values: Vec::new(),
        }
    }
}

fn push_hex(out: &mut String, n: u64, digits: usize) {
    for i in (0..digits).rev() {
        let d = u32::try_from((n >> (4 * i)) & 0xF).unwrap_or(0);
        out.push(char::from_u32(DIGIT0 + d).unwrap_or(CLOSE));
    }
}

impl PluginTransform for Deferred {
    fn defer(&mut self, plugin: usize, value: &str, out: &mut String) {
        let n = self.values.len() as u64;
        if n >> (4 * NUMBER_DIGITS) != 0 {
            // More values in one batch than a stand-in can number: masked, never kept.
            out.push_str(PLUGIN_ERROR);
            return;
        }
        self.values.push((plugin, value.to_owned()));
        out.push_str(&self.prefix);
        push_hex(out, n, NUMBER_DIGITS);
        out.push(CLOSE);
    }

    fn deferred(&self) -> usize {
        self.values.len()
    }

    fn forget_after(&mut self, n: usize) {
        self.values.truncate(n);
    }
}

/// How many values the run's [`Deferred`] holds (`None` when none is installed).
pub(crate) fn deferred(run: &mut Run<'_>) -> Option<usize> {
    let t = run.scratch_mut().set_plugin_transform(None)?;
    let n = t.deferred();
    run.scratch_mut().set_plugin_transform(Some(t));
    Some(n)
}

/// Forgets the values deferred after the first `n` (output that was rolled back).
pub(crate) fn forget_after(run: &mut Run<'_>, n: Option<usize>) {
    let (Some(n), Some(mut t)) = (n, run.scratch_mut().set_plugin_transform(None)) else {
        return;
    };
    t.forget_after(n);
    run.scratch_mut().set_plugin_transform(Some(t));
}

/// What becomes of one deferred value.
enum Answer {
    /// Written in its place (JSON string content, escaped); `by` is the index of the plugin
    /// whose answer it is (`None`: `on_error`'s marker).
    Text { by: Option<usize>, text: String },
    /// Its record is dropped (`on_error = "drop"` of the plugin at this index).
    Drop(usize),
}

impl Deferred {
    /// Calls each plugin's `transform` once with its values, checks and masks the answers, and
    /// writes them in place of their stand-ins in `out[from..]`; counts everything under the
    /// plugins' ids. `log` gets the plugins' log lines (with `log = true`), screened and masked.
    ///
    /// # Errors
    /// [`Stopped`] when a plugin with `on_error = "fail"` fails; the caller writes nothing of
    /// the batch.
    pub(crate) fn resolve(
        mut self,
        plugins: &[Plugin],
        run: &mut Run<'_>,
        out: &mut Vec<u8>,
        from: usize,
        log: &mut dyn FnMut(&str),
    ) -> Result<(), Stopped> {
        if self.values.is_empty() {
            return Ok(());
        }
        let mut answers: Vec<Option<Answer>> = Vec::new();
        answers.resize_with(self.values.len(), || None);
        // Answers still to check: the value's number, the plugin's index, the answer; and per
        // plugin, the screen of the values it was given.
        let mut pending: Vec<(usize, usize, String)> = Vec::new();
        let mut screens: Vec<Screen> = Vec::new();
        let mut deferred = std::mem::take(&mut self.values);
        for (p, plugin) in plugins.iter().enumerate() {
            let (numbers, values): (Vec<usize>, Vec<String>) = deferred
                .iter_mut()
                .enumerate()
                .filter(|(_, (q, _))| *q == p)
                .map(|(i, (_, v))| (i, std::mem::take(v)))
                .unzip();
            if numbers.is_empty() {
                continue;
            }
            let id = plugin.id();
            // What the plugin is given is what it must not write back.
            let mut screen = Screen::new();
            for v in &values {
                screen.add(v);
            }
            let enabled = run.policy().plugins().get(p).is_some_and(|spec| spec.log);
            // Log lines are written only with `log = true`: then they are checked against
            // the values as given too (a value of any length, as written, withholds a line).
            let given_values = if enabled { values.clone() } else { Vec::new() };
            let done = plugin.transform(values);
            let tally = run.tally_mut();
            tally.count_plugin(id, PluginCount::TransformCalls, 1);
            if done.logs_dropped > 0 {
                tally.count_plugin(id, PluginCount::LogsDropped, done.logs_dropped);
            }
            let mut withheld = 0;
            for line in &done.logs {
                let quotes = || {
                    given_values
                        .iter()
                        .any(|v| !v.is_empty() && line.contains(v.as_str()))
                };
                if enabled && !screen.reveals(line) && !quotes() {
                    let masked = run.policy().mask_text(line, run.context());
                    log(&format!("plugin {id}: {masked}"));
                } else {
                    withheld += 1;
                }
            }
            if withheld > 0 {
                run.tally_mut()
                    .count_plugin(id, PluginCount::LogsWithheld, withheld);
            }
            // An answer longer than the policy lets a string be is invalid output.
            let max = run.policy().limits().max_string_bytes;
            let given = done.answers.and_then(|a| {
                if a.iter().any(|t| t.len() as u64 > max) {
                    Err(Failure::InvalidOutput(format!(
                        "`transform` returned a value longer than `max_string_bytes` ({max})"
                    )))
                } else {
                    Ok(a)
                }
            });
            match given {
                Ok(texts) => {
                    pending.extend(numbers.into_iter().zip(texts).map(|(n, t)| (n, p, t)));
                }
                Err(failure) => {
                    let failed = on_error(p, plugin, failure, numbers.len(), run)?;
                    for (n, a) in numbers.into_iter().zip(failed) {
                        if let Some(slot) = answers.get_mut(n) {
                            *slot = Some(a);
                        }
                    }
                }
            }
            if let Some(s) = screens.get_mut(p) {
                *s = screen;
            } else {
                screens.resize_with(p, Screen::new);
                screens.push(screen);
            }
        }
        check_answers(pending, &mut screens, plugins, run, &mut answers);
        self.splice(&answers, plugins, out, from, run);
        Ok(())
    }

    /// Writes the answers in place of their stand-ins in `out[from..]`; a line that holds a
    /// value whose record is dropped is removed (and counted). A stand-in whose value has no
    /// answer (cannot happen) becomes `[tamis:plugin_error]`, and a stand-in cut short (a
    /// detector masked part of it) is left as it is: its digits stay, the value never does.
    ///
    /// One pass over the batch's output: in place when no answer is longer than its stand-in
    /// (the usual case), else into a copy.
    fn splice(
        &self,
        answers: &[Option<Answer>],
        plugins: &[Plugin],
        out: &mut Vec<u8>,
        from: usize,
        run: &mut Run<'_>,
    ) {
        let stand_in = self.prefix.len() + NUMBER_DIGITS * DIGIT_BYTES + CLOSE.len_utf8();
        let fits = answers.iter().all(|a| match a {
            Some(Answer::Text { text, .. }) => text.len() <= stand_in,
            _ => true,
        });
        let fallback = escaped(PLUGIN_ERROR);
        let mut edit = Edit {
            prefix: self.prefix.as_bytes(),
            answers,
            fallback: fallback.as_bytes(),
            drops: Vec::new(),
            written: vec![0; plugins.len()],
            in_line: Vec::new(),
        };
        if fits {
            let end = edit.run(out, from, None);
            out.truncate(end);
        } else {
            let mut tail = out.split_off(from.min(out.len()));
            edit.run(&mut tail, 0, Some(out));
        }
        for (plugin, &n) in plugins.iter().zip(&edit.written) {
            if n > 0 {
                run.tally_mut()
                    .count_plugin(plugin.id(), PluginCount::Transformed, n);
            }
        }
        for p in edit.drops {
            let tally = run.tally_mut();
            if tally.recount_as_plugin_drop(tamis_core::Disposition::Kept)
                && let Some(plugin) = plugins.get(p)
            {
                tally.count_plugin(plugin.id(), PluginCount::Dropped, 1);
            }
        }
    }
}

/// One pass of [`Deferred::splice`].
struct Edit<'a> {
    /// `OPEN` and the batch's nonce (UTF-8).
    prefix: &'a [u8],
    answers: &'a [Option<Answer>],
    fallback: &'a [u8],
    /// Per line removed, the plugin whose failure dropped it.
    drops: Vec<usize>,
    /// Per plugin, its answers written (`transformed` in reports: the values of records that
    /// were written, not those of a record that went another way after its values were kept).
    written: Vec<u64>,
    /// The plugins of the answers written in the line being written (counted once it is).
    in_line: Vec<usize>,
}

impl Edit<'_> {
    /// The line being written is done: its answers count.
    fn line_done(&mut self) {
        for p in self.in_line.drain(..) {
            if let Some(n) = self.written.get_mut(p) {
                *n += 1;
            }
        }
    }
}

impl Edit<'_> {
    /// Rewrites `buf[from..]`: in place when `into` is `None` (every answer fits its stand-in;
    /// returns where the rewritten text ends), else appending to `into` (returns 0).
    fn run(&mut self, buf: &mut Vec<u8>, from: usize, mut into: Option<&mut Vec<u8>>) -> usize {
        let prefix = self.prefix.len();
        // Read from `r`, write at `w` (in place, `w <= r` throughout); `line` is where the
        // line being written starts in the output.
        let (mut r, mut w) = (from, from);
        let mut line = into.as_ref().map_or(from, |o| o.len());
        let put =
            |buf: &mut Vec<u8>, w: &mut usize, into: &mut Option<&mut Vec<u8>>, bytes: Src| {
                match into {
                    Some(o) => o.extend_from_slice(bytes.get(buf)),
                    None => {
                        match bytes {
                            Src::Buf(a, b) => buf.copy_within(a..b, *w),
                            Src::Text(t) => {
                                if let Some(dst) = buf.get_mut(*w..*w + t.len()) {
                                    dst.copy_from_slice(t);
                                }
                            }
                        }
                        *w += bytes.len();
                    }
                }
            };
        while let Some(at) = self.find(buf, r) {
            let digits = at + prefix;
            let parsed = number(buf.get(digits..).unwrap_or(&[]));
            // The text before the stand-in, with the line breaks it holds.
            if let Some(nl) = memchr::memrchr(b'\n', buf.get(r..at).unwrap_or(&[])) {
                let next = into.as_ref().map_or(w, |o| o.len()) + nl + 1;
                put(buf, &mut w, &mut into, Src::Buf(r, at));
                line = next;
                self.line_done();
            } else {
                put(buf, &mut w, &mut into, Src::Buf(r, at));
            }
            let Some((n, len)) = parsed else {
                put(buf, &mut w, &mut into, Src::Buf(at, digits));
                r = digits;
                continue;
            };
            r = digits + len;
            match self.answers.get(n).and_then(Option::as_ref) {
                Some(Answer::Text { by, text }) => {
                    self.in_line.extend(*by);
                    put(buf, &mut w, &mut into, Src::Text(text.as_bytes()));
                }
                None => put(buf, &mut w, &mut into, Src::Text(self.fallback)),
                Some(Answer::Drop(p)) => {
                    // The line goes: what was written of it, and the rest of it.
                    match into.as_mut() {
                        Some(o) => o.truncate(line),
                        None => w = line,
                    }
                    self.drops.push(*p);
                    self.in_line.clear();
                    r = memchr::memchr(b'\n', buf.get(r..).unwrap_or(&[]))
                        .map_or(buf.len(), |i| r + i + 1);
                }
            }
        }
        let end = buf.len();
        put(buf, &mut w, &mut into, Src::Buf(r, end));
        self.line_done();
        w
    }
}

impl Edit<'_> {
    /// Where the next stand-in starts in `buf[from..]`: at a first byte of `OPEN` (a byte that
    /// only private-use characters and a few CJK ones start with) that the nonce follows.
    fn find(&self, buf: &[u8], mut from: usize) -> Option<usize> {
        let first = *self.prefix.first()?;
        loop {
            let at = from + memchr::memchr(first, buf.get(from..)?)?;
            if buf.get(at..at + self.prefix.len()) == Some(self.prefix) {
                return Some(at);
            }
            from = at + 1;
        }
    }
}

/// Bytes to write: a range of the buffer being rewritten, or other text.
#[derive(Clone, Copy)]
enum Src<'t> {
    Buf(usize, usize),
    Text(&'t [u8]),
}

impl<'t> Src<'t> {
    fn len(self) -> usize {
        match self {
            Src::Buf(a, b) => b.saturating_sub(a),
            Src::Text(t) => t.len(),
        }
    }

    fn get<'b>(self, buf: &'b [u8]) -> &'b [u8]
    where
        't: 'b,
    {
        match self {
            Src::Buf(a, b) => buf.get(a..b).unwrap_or(&[]),
            Src::Text(t) => t,
        }
    }
}

/// An answer as it may be written: masked whole when it holds a piece of a value the
/// plugin was given, else masked by the policy's detectors; counted when changed.
/// Checks every answer ([`checked`]) into `answers`, counting the answers masked under their
/// plugins. The policy's detectors scan the answers in a run of their own (its counts are not
/// the records'); where its rules detect with plugins, their `detect` scans the answers too, in a
/// session of its own on a thread where guest code runs, and a detector that fails there masks
/// the answers it would scan whole (counted under its id as a failure; its log lines are not
/// written, only counted as withheld). An answer left unchecked (the thread could not run) is
/// written as `[tamis:plugin_error]`.
fn check_answers(
    pending: Vec<(usize, usize, String)>,
    screens: &mut [Screen],
    plugins: &[Plugin],
    run: &mut Run<'_>,
    answers: &mut [Option<Answer>],
) {
    let policy = run.policy();
    let mut scan = policy
        .has_detectors()
        .then(|| policy.run(run.context().clone()));
    let mut masked = vec![0u64; plugins.len()];
    let check =
        |mut scan: Option<&mut Run<'_>>, answers: &mut [Option<Answer>], masked: &mut [u64]| {
            for (n, p, text) in pending {
                let Some(screen) = screens.get_mut(p) else {
                    continue;
                };
                let (text, changed) = checked(text, screen, scan.as_deref_mut());
                if changed && let Some(m) = masked.get_mut(p) {
                    *m += 1;
                }
                if let Some(slot) = answers.get_mut(n) {
                    *slot = Some(Answer::Text { by: Some(p), text });
                }
            }
        };
    let detects: Vec<bool> = policy.plugins().iter().map(|p| p.detects).collect();
    let session = match scan.as_mut() {
        Some(scan) if detects.contains(&true) => {
            let session = Session::new(plugins, detects.into_iter());
            scan.scratch_mut()
                .set_plugin_detect(Some(Box::new(session)));
            let _ = crate::on_plugin_thread(|| check(Some(&mut *scan), &mut *answers, &mut masked));
            scan.scratch_mut().set_plugin_detect(None).and_then(|b| {
                let any: Box<dyn core::any::Any> = b;
                any.downcast::<Session>().ok()
            })
        }
        other => {
            check(other, answers, &mut masked);
            None
        }
    };
    let tally = run.tally_mut();
    for (plugin, &n) in plugins.iter().zip(&masked) {
        if n > 0 {
            tally.count_plugin(plugin.id(), PluginCount::RevealedMasked, n);
        }
    }
    let Some(mut session) = session else {
        return;
    };
    while let Some((i, failure)) = session.take_new_failure() {
        if let Some(plugin) = plugins.get(i) {
            tally.count_plugin(plugin.id(), PluginCount::Failure(failure.kind()), 1);
        }
    }
    for (i, calls, lines, dropped) in session.finish() {
        let Some(plugin) = plugins.get(i) else {
            continue;
        };
        tally.count_plugin(plugin.id(), PluginCount::DetectCalls, calls);
        if !lines.is_empty() {
            tally.count_plugin(plugin.id(), PluginCount::LogsWithheld, lines.len() as u64);
        }
        if dropped > 0 {
            tally.count_plugin(plugin.id(), PluginCount::LogsDropped, dropped);
        }
    }
}

/// An answer as it may be written, and whether it was masked: `[REDACTED]` when it equals a
/// value the plugin was given or holds a piece of one ([`Screen`]), or when the policy's
/// detectors find anything in it (the whole answer: it is no value of the record, so what a
/// detector's rule would write there — a numbered placeholder, a token — is not written).
fn checked(answer: String, screen: &mut Screen, scan: Option<&mut Run<'_>>) -> (String, bool) {
    let reveals = screen.reveals(&answer) || screen.is_given(&answer);
    let found = !reveals && scan.is_some_and(|run| run.text(&answer) != answer);
    if reveals || found {
        (escaped(DEFAULT_REPLACEMENT), true)
    } else {
        (escaped(&answer), false)
    }
}

/// The number spelled after a stand-in's nonce, and the bytes it takes with its `CLOSE`.
fn number(b: &[u8]) -> Option<(usize, usize)> {
    let len = NUMBER_DIGITS * DIGIT_BYTES;
    let digits = std::str::from_utf8(b.get(..len)?).ok()?;
    let mut n: usize = 0;
    for c in digits.chars() {
        let d = u32::from(c).checked_sub(DIGIT0).filter(|&d| d < 16)?;
        n = (n << 4) | usize::try_from(d).ok()?;
    }
    let mut close = [0u8; 4];
    let close = CLOSE.encode_utf8(&mut close).as_bytes();
    (b.get(len..len + close.len())? == close).then_some((n, len + close.len()))
}

/// `text` as the content of a JSON string (escaped as core writes strings, without quotes).
fn escaped(text: &str) -> String {
    if !text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        return text.to_owned();
    }
    let quoted = serde_json::to_string(text).unwrap_or_else(|_| format!("\"{PLUGIN_ERROR}\""));
    quoted
        .get(1..quoted.len().saturating_sub(1))
        .unwrap_or(PLUGIN_ERROR)
        .to_owned()
}

/// Counts a plugin's failure and applies its `on_error` to its `n` values.
fn on_error(
    index: usize,
    plugin: &Plugin,
    failure: Failure,
    n: usize,
    run: &mut Run<'_>,
) -> Result<Vec<Answer>, Stopped> {
    run.tally_mut()
        .count_plugin(plugin.id(), PluginCount::Failure(failure.kind()), 1);
    Ok(match plugin.on_error() {
        OnError::Fail => {
            return Err(Stopped {
                plugin: plugin.id().to_owned(),
                failure,
            });
        }
        OnError::Mask => (0..n)
            .map(|_| Answer::Text {
                by: None,
                text: escaped(PLUGIN_ERROR),
            })
            .collect(),
        OnError::Drop => (0..n).map(|_| Answer::Drop(index)).collect(),
    })
}
