//! Applying a compiled policy: one depth-checked walk per record.
//!
//! Per node the walker computes, without allocating, which whole-value rule (path or key glob)
//! applies, and whether detectors run there; the strongest action wins (ties by rule id), so the
//! result never depends on rule order. Whole-value rules run before detectors, and neither touches
//! a tamis placeholder or token, so applying a policy twice gives what applying it once gives.

use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use regex_automata::meta::Cache;
use serde_json::Value;

use crate::action::{
    Action, DEFAULT_REPLACEMENT, TOO_DEEP, TOO_LARGE, UNGENERALIZABLE, expand_replacement,
    generalize, hash_token, is_builtin_placeholder, is_marker, is_token, partial, token_len_at,
};
use crate::detect::{
    Detector, Kind, PluginDetect, WordScratch, find_pattern, find_plugin, needs_view, normalize,
    scan_words,
};
use crate::json::{Doc, Measure, Unparsed};
use crate::model::ContextDoc;
use crate::policy::{Cond, Policy};
use crate::records::AccessCheck;
use crate::report::{Disposition, DropReason, Quarantine, Report, Tally};
use crate::select::{Target, glob_match, join_words, normalize_key};
use crate::summary::{ContainerKind, Summary};
use crate::time::EpochMillis;
use crate::tree::{Edit, Shape, Tree};

mod stream;

/// Who the output is for and when: roles, purpose, record type and the current time. Core never
/// reads a clock; callers pass `now`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// Roles of whoever will see the output.
    pub roles: Vec<String>,
    /// Why the data is processed.
    pub purpose: Option<String>,
    /// The record's trace type.
    pub record_type: Option<String>,
    /// The current time (milliseconds since the Unix epoch).
    pub now: Option<EpochMillis>,
}

impl From<ContextDoc> for Context {
    fn from(c: ContextDoc) -> Self {
        Self {
            roles: c.roles,
            purpose: c.purpose,
            record_type: c.record_type,
            now: None,
        }
    }
}

impl Cond {
    /// Whether the condition holds for `ctx`; `record_type` is the record's own type (from
    /// `[access] type_path`) or else the context's.
    pub(crate) fn holds(&self, ctx: &Context, record_type: Option<&str>) -> bool {
        let has_role = |list: &[String]| list.iter().any(|r| ctx.roles.contains(r));
        self.roles_any.as_deref().is_none_or(has_role)
            && self.roles_none.as_deref().is_none_or(|l| !has_role(l))
            && self
                .purposes
                .as_deref()
                .is_none_or(|l| ctx.purpose.as_ref().is_some_and(|p| l.contains(p)))
            && self
                .types
                .as_deref()
                .is_none_or(|l| record_type.is_some_and(|t| l.iter().any(|x| x == t)))
    }
}

#[derive(Debug, Clone, Copy)]
struct Finding {
    start: usize,
    end: usize,
    det: u32,
    rule: u32,
    rank: u32,
    /// The detector's position by name, so ties never depend on rule order.
    det_rank: u32,
    /// The span in the normalised view (built-in detectors on non-ASCII text), else `start..end`.
    view: Option<(usize, usize)>,
}

/// Appends to `accepted`, in order of start, the findings that win where findings overlap:
/// longest first, then earliest, then the strongest rule's (see [`settle`]).
fn resolve_overlaps(findings: &mut [Finding], accepted: &mut Vec<Finding>) {
    findings.sort_unstable_by_key(|f| (f.start, f.end));
    let mut rest = findings;
    while let Some((first, _)) = rest.split_first() {
        let mut end = first.end;
        let n = rest
            .iter()
            .skip(1)
            .take_while(|f| {
                let linked = f.start < end;
                end = end.max(f.end);
                linked
            })
            .count()
            + 1;
        let (group, after) = rest.split_at_mut(n);
        settle(group, accepted);
        rest = after;
    }
}

/// Which of two overlapping findings wins: the longer, then the earlier, then the stronger
/// rule's, then the detector first by name.
fn precedence(a: &Finding, b: &Finding) -> core::cmp::Ordering {
    (b.end - b.start)
        .cmp(&(a.end - a.start))
        .then(a.start.cmp(&b.start))
        .then(a.rank.cmp(&b.rank))
        .then(a.det_rank.cmp(&b.det_rank))
}

/// Accepts from `group` (findings linked by overlaps, in order of start) the longest first,
/// then the earliest, then the strongest rule's, each unless it overlaps one accepted before;
/// appends them to `accepted` in order of start.
fn settle(group: &mut [Finding], accepted: &mut Vec<Finding>) {
    if let [only] = group {
        accepted.push(*only);
        return;
    }
    group.sort_unstable_by(precedence);
    let from = accepted.len();
    if group.len() <= 16 {
        for f in group.iter() {
            let free = accepted
                .get(from..)
                .unwrap_or(&[])
                .iter()
                .all(|a| f.end <= a.start || f.start >= a.end);
            if free {
                accepted.push(*f);
            }
        }
    } else {
        // A large group: accepted spans in an ordered map, so each candidate checks only its
        // neighbours.
        let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
        for f in group.iter() {
            let before_ok = taken
                .range(..=f.start)
                .next_back()
                .is_none_or(|(_, &e)| e <= f.start);
            let after_ok = taken
                .range(f.start..)
                .next()
                .is_none_or(|(&s, _)| s >= f.end);
            if before_ok && after_ok {
                taken.insert(f.start, f.end);
                accepted.push(*f);
            }
        }
    }
    if let Some(mine) = accepted.get_mut(from..) {
        mine.sort_unstable_by_key(|f| f.start);
    }
}

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

/// Reusable working memory for applying one policy. Keep one per thread to apply many records
/// without allocating; [`Policy::apply`] makes a fresh one each call. It holds pieces of the last
/// record (keys, a normalised copy of text), so its `Debug` shows sizes only.
pub struct Scratch {
    sets: Vec<u64>,
    active: Vec<bool>,
    pub(crate) any_detector: bool,
    /// A rule with `keys` is in force for the record.
    any_key_rule: bool,
    /// The record is known to be within the limits however it is walked (its text is within
    /// `max_record_bytes` and `max_string_bytes`, its nesting within `max_depth`), so an object
    /// member that no rule, key rule or detector can reach is not walked at all.
    skip_untouched: bool,
    stamp: u32,
    scope_stamp: Vec<u32>,
    except_stamp: Vec<u32>,
    spans: Vec<(usize, usize)>,
    findings: Vec<Finding>,
    accepted: Vec<Finding>,
    /// Where the replacements of the last masked text went in it.
    written: Vec<(usize, usize)>,
    holes: Vec<(usize, usize)>,
    norm: String,
    /// `norm` without its `_` (see `KeyGlob::joined`).
    joined: String,
    view: String,
    view_map: Vec<usize>,
    det_on: Vec<bool>,
    words: WordScratch,
    tagged: Vec<(Kind, usize, usize)>,
    path: String,
    caches: Vec<Option<Cache>>,
    record_bytes: u64,
    quarantine: Option<Quarantine>,
    /// Per `[[retention]]` rule: expired for the current record.
    expired: Vec<bool>,
    /// Per `[[summarize]]` rule: its `when` holds.
    sum_active: Vec<bool>,
    /// Runs `plugin:<id>` detectors (installed by a host that runs plugins).
    plugin_detect: Option<Box<dyn PluginDetect>>,
    /// The streaming path's key spans and rule hits (see `stream`).
    stream_keys: Vec<(usize, usize)>,
    stream_hits: Vec<u32>,
    /// While collecting what the policy protects (`Policy::protected_values`): the original
    /// text of every value and span the walk masks.
    pub(crate) protect: Option<Vec<String>>,
}

impl Scratch {
    /// Working memory sized for `policy`.
    #[must_use]
    pub fn new(policy: &Policy) -> Self {
        let words = policy.paths.words();
        let depth = policy.doc.limits.max_depth as usize + 2;
        Self {
            sets: vec![0; words * depth],
            active: vec![false; policy.rules.len()],
            any_detector: false,
            any_key_rule: false,
            skip_untouched: false,
            stamp: 0,
            scope_stamp: vec![0; policy.rules.len()],
            except_stamp: vec![0; policy.rules.len()],
            spans: Vec::new(),
            findings: Vec::new(),
            accepted: Vec::new(),
            written: Vec::new(),
            holes: Vec::new(),
            norm: String::new(),
            joined: String::new(),
            view: String::new(),
            view_map: Vec::new(),
            det_on: Vec::new(),
            words: WordScratch::default(),
            tagged: Vec::new(),
            path: String::new(),
            caches: policy
                .detectors
                .iter()
                .map(|d| match &d.detector {
                    Detector::Pattern(re) => Some(re.create_cache()),
                    _ => None,
                })
                .collect(),
            record_bytes: 0,
            quarantine: None,
            expired: Vec::new(),
            sum_active: vec![true; policy.summaries.len()],
            plugin_detect: None,
            stream_keys: Vec::new(),
            stream_hits: Vec::new(),
            protect: None,
        }
    }

    /// Installs what runs the policy's `plugin:<id>` detectors (or removes it with `None`), and
    /// returns what was installed before. Without one, every text such a detector would scan
    /// is one whole finding (masked, never kept unscanned).
    pub fn set_plugin_detect(
        &mut self,
        detect: Option<Box<dyn PluginDetect>>,
    ) -> Option<Box<dyn PluginDetect>> {
        core::mem::replace(&mut self.plugin_detect, detect)
    }

    /// What [`Scratch::set_plugin_detect`] installed.
    pub fn plugin_detect_mut(&mut self) -> Option<&mut Box<dyn PluginDetect>> {
        self.plugin_detect.as_mut()
    }
}

impl core::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Scratch")
            .field("state_words", &self.sets.len())
            .field("rules", &self.active.len())
            .field(
                "pattern_caches",
                &self.caches.iter().filter(|c| c.is_some()).count(),
            )
            .finish_non_exhaustive()
    }
}

/// Where the walker enters a node: its depth, the action inherited from an ancestor, the rule its
/// key name selects, and its info when the caller computed it already.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At {
    depth: usize,
    inherited: Option<u32>,
    key_rule: Option<u32>,
    known: Option<NodeInfo>,
}

impl At {
    /// The record root.
    const ROOT: At = At {
        depth: 0,
        inherited: None,
        key_rule: None,
        known: None,
    };
}

/// What holds at one node: the best path-selected rule and whether `[[allow]] paths` cover it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NodeInfo {
    rule: Option<u32>,
    allow: bool,
    stamp: u32,
    /// The first `[[summarize]]` rule (in policy order) selecting this node, when active.
    pub(crate) summarize: Option<u32>,
}

impl Policy {
    fn rank(&self, r: u32) -> u32 {
        self.rules.get(r as usize).map_or(u32::MAX, |r| r.rank)
    }

    fn best(&self, a: Option<u32>, b: Option<u32>) -> Option<u32> {
        match (a, b) {
            (Some(x), Some(y)) => Some(if self.rank(y) < self.rank(x) { y } else { x }),
            (x, None) => x,
            (None, y) => y,
        }
    }

    /// Prepares the walk of one record: which rules hold for the context and the record's type,
    /// and which retention rules have expired (`sx.expired`, filled by the caller; missing
    /// entries count as expired).
    fn begin(&self, ctx: &Context, record_type: Option<&str>, sx: &mut Scratch) {
        sx.any_detector = false;
        for (slot, rule) in sx.active.iter_mut().zip(&self.rules) {
            *slot = match rule.retention {
                // `apply_tree` fills `expired` for every retention rule before it walks; text and
                // columns have no record time, and retention rules select paths only.
                Some(i) => sx.expired.get(i).copied().unwrap_or(false),
                None => rule.when.as_ref().is_none_or(|c| c.holds(ctx, record_type)),
            };
            sx.any_detector |= *slot && !rule.detectors.is_empty();
        }
        sx.any_key_rule = self
            .key_globs
            .iter()
            .any(|g| sx.active.get(g.rule as usize) == Some(&true));
        sx.skip_untouched = false;
        for (slot, rule) in sx.sum_active.iter_mut().zip(&self.summaries) {
            *slot = rule.when.as_ref().is_none_or(|c| c.holds(ctx, record_type));
        }
        self.reset_walk(sx);
    }

    /// Puts the walker at the root of a new record: the start state set, no bytes counted, no
    /// quarantine, an empty report path.
    fn reset_walk(&self, sx: &mut Scratch) {
        let words = self.paths.words();
        if let Some(first) = sx.sets.get_mut(..words) {
            first.copy_from_slice(self.paths.start());
        }
        sx.record_bytes = 0;
        sx.quarantine = None;
        sx.path.clear();
    }

    pub(crate) fn node_info(&self, depth: usize, sx: &mut Scratch) -> NodeInfo {
        sx.stamp = sx.stamp.wrapping_add(1);
        if sx.stamp == 0 {
            // Wrapped: old stamps could alias. Clear them.
            sx.scope_stamp.fill(0);
            sx.except_stamp.fill(0);
            sx.stamp = 1;
        }
        let stamp = sx.stamp;
        let words = self.paths.words();
        let mut info = NodeInfo {
            rule: None,
            allow: false,
            stamp,
            summarize: None,
        };
        let Some(set) = sx.sets.get(depth * words..(depth + 1) * words) else {
            return info;
        };
        let (active, scope, except) = (&sx.active, &mut sx.scope_stamp, &mut sx.except_stamp);
        let sum_active = &sx.sum_active;
        self.paths.accepted(set, |t| match t {
            Target::Rule(r) => {
                if active.get(r as usize) == Some(&true) {
                    info.rule = self.best(info.rule, Some(r));
                }
            }
            Target::Scope(r) => {
                if let Some(s) = scope.get_mut(r as usize) {
                    *s = stamp;
                }
            }
            Target::Except(r) => {
                if let Some(s) = except.get_mut(r as usize) {
                    *s = stamp;
                }
            }
            Target::Allow => info.allow = true,
            Target::Summarize(s) => {
                if sum_active.get(s as usize) == Some(&true)
                    && info.summarize.is_none_or(|cur| s < cur)
                {
                    info.summarize = Some(s);
                }
            }
        });
        info
    }

    fn key_rule(&self, key: &str, sx: &mut Scratch) -> Option<u32> {
        if self.key_globs.is_empty() {
            return None;
        }
        normalize_key(key, &mut sx.norm);
        let split = sx.norm.contains('_');
        if split {
            join_words(&sx.norm, &mut sx.joined);
        }
        let mut best = None;
        for g in &self.key_globs {
            let r = g.rule;
            if sx.active.get(r as usize) == Some(&true)
                && (best.is_none() || self.rank(r) < self.rank(best.unwrap_or(r)))
                && (glob_match(&g.glob, &sx.norm)
                    || split && g.joined && glob_match(&g.glob, &sx.joined))
            {
                best = Some(r);
            }
        }
        best
    }

    /// Whether whole-value rule `r` leaves `text` as it is because it is exactly what the rule
    /// writes: a `replace` rule's text, a token of a `hash` rule's own key (or the marker of its
    /// missing key), or one of tamis's fixed markers (`[tamis:too_large]`, ...), which a limit
    /// may have written in the rule's place. `partial` and `generalize` need no exception: their
    /// output is their own fixed point. Anything else that merely looks like a placeholder (a
    /// password `[admin:1234]`, a token of another key) is masked like any value.
    pub(crate) fn keeps(&self, r: u32, text: &str) -> bool {
        if is_marker(text) {
            return true;
        }
        let Some(rule) = self.rules.get(r as usize) else {
            return false;
        };
        match &rule.action {
            Action::Replace { .. } => rule
                .replacement
                .as_ref()
                .is_some_and(|(whole, _)| **whole == *text),
            Action::Hash { key } => self.keys.get(*key).is_some_and(|k| {
                if k.mac.is_some() {
                    is_token(text, core::slice::from_ref(k))
                } else {
                    text == crate::action::NO_KEY
                }
            }),
            _ => false,
        }
    }

    /// The text a whole-value action writes, or `None` to keep the value.
    fn whole_value(&self, rule: u32, text: &str, number: bool) -> Option<String> {
        if crate::faults::hit(crate::faults::Point::Action) {
            return Some(String::from(crate::action::DEFAULT_REPLACEMENT));
        }
        let Some(action) = self.rules.get(rule as usize).map(|r| &r.action) else {
            // Cannot happen (rule indices come from the compiled policy); fail closed anyway.
            return Some(String::from(crate::action::DEFAULT_REPLACEMENT));
        };
        let mut out = String::new();
        match action {
            // The walker removes or nulls these before it gets here; should one ever reach this
            // point, the value is replaced, never kept.
            Action::Redact | Action::Nullify => {
                expand_replacement(DEFAULT_REPLACEMENT, "value", &mut out)
            }
            Action::Replace { text: template } => expand_replacement(template, "value", &mut out),
            Action::Hash { key } => match self.keys.get(*key) {
                Some(k) => hash_token(k, text.as_bytes(), &mut out),
                None => out.push_str(crate::action::NO_KEY),
            },
            Action::Generalize { bucket, precision } => {
                if !generalize(text, number, *bucket, *precision, &mut out) {
                    out.clear();
                    out.push_str(UNGENERALIZABLE);
                }
            }
            Action::Partial {
                keep_first,
                keep_last,
            } => partial(text, *keep_first, *keep_last, &mut out),
        }
        Some(out)
    }

    /// Runs the eligible detectors over `text` and leaves the resolved findings in
    /// `sx.accepted`, ordered by start. Returns whether there are any.
    pub(crate) fn find(&self, text: &str, info: NodeInfo, sx: &mut Scratch) -> bool {
        sx.accepted.clear();
        if !sx.any_detector || info.allow || text.is_empty() {
            return false;
        }
        sx.findings.clear();
        let eligible = |sx: &Scratch, r: u32| {
            let i = r as usize;
            sx.active.get(i) == Some(&true)
                && self.rules.get(i).is_some_and(|rule| {
                    !rule.has_scope || sx.scope_stamp.get(i) == Some(&info.stamp)
                })
                && sx.except_stamp.get(i) != Some(&info.stamp)
        };
        // Which detectors run here, and whether built-in ones need the normalised view.
        sx.det_on.clear();
        let mut word_kinds = [Kind::Phone; 6];
        let mut n_word = 0;
        let mut any_builtin = false;
        for entry in &self.detectors {
            let on = entry.rules.iter().any(|&r| eligible(sx, r));
            sx.det_on.push(on);
            if let (true, Detector::Builtin(kind)) = (on, &entry.detector) {
                any_builtin = true;
                if kind.word_scanned()
                    && let Some(slot) = word_kinds.get_mut(n_word)
                {
                    *slot = *kind;
                    n_word += 1;
                }
            }
        }
        let mapped = any_builtin && needs_view(text);
        if mapped {
            normalize(text, &mut sx.view, &mut sx.view_map);
        }
        // One pass over word starts serves every word-anchored detector.
        sx.tagged.clear();
        if let Some(kinds) = word_kinds.get(..n_word).filter(|k| !k.is_empty()) {
            let bytes = if mapped {
                sx.view.as_bytes()
            } else {
                text.as_bytes()
            };
            scan_words(kinds, bytes, &mut sx.words, &mut sx.tagged);
        }
        for (d, entry) in self.detectors.iter().enumerate() {
            if sx.det_on.get(d) != Some(&true) {
                continue;
            }
            sx.spans.clear();
            let mut entry_mapped = false;
            match &entry.detector {
                Detector::Builtin(kind) => {
                    entry_mapped = mapped;
                    let bytes = if mapped {
                        sx.view.as_bytes()
                    } else {
                        text.as_bytes()
                    };
                    kind.find_own(bytes, &mut sx.spans);
                    sx.spans.extend(
                        sx.tagged
                            .iter()
                            .filter(|(k, _, _)| k == kind)
                            .map(|&(_, s, e)| (s, e)),
                    );
                }
                Detector::Pattern(re) => {
                    if let Some(cache) = sx.caches.get_mut(d).and_then(Option::as_mut) {
                        find_pattern(re, cache, text, &mut sx.spans);
                    }
                }
                Detector::Plugin(p) => {
                    find_plugin(sx.plugin_detect.as_mut(), *p, text, &mut sx.spans);
                }
            }
            let mapped = entry_mapped;
            for &(s, e) in &sx.spans {
                let (start, end, view) = if mapped {
                    match (sx.view_map.get(s), sx.view_map.get(e)) {
                        (Some(&a), Some(&b)) => (a, b, Some((s, e))),
                        // Cannot happen (the map covers the view); mask everything, fail closed.
                        _ => (0, text.len(), None),
                    }
                } else {
                    (s, e, None)
                };
                for &r in &entry.rules {
                    if eligible(sx, r) {
                        sx.findings.push(Finding {
                            start,
                            end,
                            det: u32::try_from(d).unwrap_or(u32::MAX),
                            rule: r,
                            rank: self.rank(r),
                            det_rank: entry.rank,
                            view,
                        });
                    }
                }
            }
        }
        if sx.findings.is_empty() {
            return false;
        }
        // Allowed values and tamis's own placeholders and tokens are never findings.
        if !self.allow_values.is_empty() {
            let allow = &self.allow_values;
            sx.findings.retain(|f| {
                let s = text.get(f.start..f.end).unwrap_or("");
                allow.binary_search_by(|v| v.as_str().cmp(s)).is_err()
            });
        }
        // A finding inside text that tamis writes (a placeholder or token, whole) is not one;
        // a finding that merely overlaps such text (a `-` replacement inside an SSN) is.
        self.placeholder_holes(text, &mut sx.holes);
        if !sx.holes.is_empty() {
            let holes = &sx.holes;
            sx.findings.retain(|f| {
                // Holes are sorted by start, each with the furthest end of it and those before
                // it: `f` lies inside one iff the last hole starting at or before `f.start`
                // reaches `f.end` (logarithmic per finding).
                let upto = holes.partition_point(|&(s, _)| s <= f.start);
                upto.checked_sub(1)
                    .and_then(|i| holes.get(i))
                    .is_none_or(|&(_, reach)| reach < f.end)
            });
        }
        // Overlapping findings are settled longest first, then earliest, then by the strongest
        // rule. Which of a group of findings linked by overlaps is accepted never depends on a
        // finding outside the group, so the findings are taken in order of start: one that
        // overlaps no other (most, in a long text) is accepted as it is, and each group is
        // settled alone.
        resolve_overlaps(&mut sx.findings, &mut sx.accepted);
        !sx.accepted.is_empty()
    }

    /// Where tamis placeholders and tokens occur in `text`.
    fn placeholder_holes(&self, text: &str, holes: &mut Vec<(usize, usize)>) {
        holes.clear();
        let b = text.as_bytes();
        // Placeholders that start with `[` (most) are checked at each `[`, in one pass.
        for i in memchr::memchr_iter(b'[', b) {
            let rest = b.get(i..).unwrap_or(&[]);
            for p in self.placeholders.iter().filter(|p| p.starts_with('[')) {
                if rest.starts_with(p.as_bytes()) {
                    holes.push((i, i + p.len()));
                }
            }
            if let Some(close) = rest.iter().take(64).position(|&c| c == b']')
                && text.get(i..=i + close).is_some_and(is_builtin_placeholder)
            {
                holes.push((i, i + close + 1));
            }
        }
        for p in self.placeholders.iter().filter(|p| !p.starts_with('[')) {
            for i in memchr::memmem::find_iter(b, p.as_bytes()) {
                holes.push((i, i + p.len()));
            }
        }
        if !self.keys.is_empty() {
            for i in memchr::memmem::find_iter(b, b"h:") {
                if let Some(n) = token_len_at(b.get(i..).unwrap_or(&[]), &self.keys) {
                    holes.push((i, i + n));
                }
            }
        }
        holes.sort_unstable();
        // Each hole's end becomes the furthest end of it and every hole before it.
        let mut reach = 0;
        for h in holes.iter_mut() {
            reach = reach.max(h.1);
            h.1 = reach;
        }
    }

    /// The masked form of `text` when a detector finds something in it, else `None`.
    ///
    /// Masked text is scanned again until nothing new is found: a placeholder can make a new
    /// word start next to what is left of the text (`0@a.io::8809` masks the email, and then
    /// `::8809` starts a word), so one pass is not always a fixed point. Only the lines around
    /// what was replaced can change, so only they are scanned again, unless a custom pattern or
    /// a plugin (which may match across lines) is among the detectors; then the whole text is.
    fn mask_found(
        &self,
        text: &str,
        info: NodeInfo,
        sx: &mut Scratch,
        t: &mut Tally,
    ) -> Option<String> {
        if crate::faults::hit(crate::faults::Point::Detect) {
            // The scan failed: what it would have found is unknown, so nothing of it is kept.
            return Some(String::from(crate::action::DEFAULT_REPLACEMENT));
        }
        if !self.find(text, info, sx) {
            return None;
        }
        let mut written = core::mem::take(&mut sx.written);
        written.clear();
        protect_findings(sx, text);
        let once = self.write_masked(text, sx, t, &mut written);
        let out = if self
            .detectors
            .iter()
            .any(|d| matches!(d.detector, Detector::Pattern(_) | Detector::Plugin(_)))
        {
            self.settle(once, info, sx, t)
        } else {
            self.settle_lines(once, &written, info, sx, t)
        };
        sx.written = written;
        Some(out)
    }

    /// [`Self::settle`] on each run of lines of `text` that holds one of the `written` spans;
    /// the other lines are kept as they are. Built-in detectors never match across a line
    /// break, except `private_key`, which no placeholder can start.
    ///
    /// Usually nothing new is found, so the runs are first scanned together, joined by line
    /// breaks (one scan instead of one per run); only if that finds something is each run
    /// settled on its own.
    fn settle_lines(
        &self,
        text: String,
        written: &[(usize, usize)],
        info: NodeInfo,
        sx: &mut Scratch,
        t: &mut Tally,
    ) -> String {
        let b = text.as_bytes();
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut i = 0;
        while let Some(&(s, e)) = written.get(i) {
            let start = memchr::memrchr(b'\n', b.get(..s).unwrap_or(&[])).map_or(0, |k| k + 1);
            let mut end =
                memchr::memchr(b'\n', b.get(e..).unwrap_or(&[])).map_or(b.len(), |k| e + k);
            i += 1;
            // Spans on the lines taken so far join this run; only a span that ends beyond the
            // run's last line break moves it (so each byte is searched once: linear).
            while let Some(&(_, e2)) = written.get(i).filter(|&&(s2, _)| s2 <= end) {
                if e2 > end {
                    end = memchr::memchr(b'\n', b.get(e2..).unwrap_or(&[]))
                        .map_or(b.len(), |k| e2 + k);
                }
                i += 1;
            }
            let start = start.max(runs.last().map_or(0, |&(_, e)| e));
            runs.push((start, end));
        }
        let found = match runs.as_slice() {
            [] => false,
            [(s, e)] => self.find(text.get(*s..*e).unwrap_or(""), info, sx),
            _ => {
                let mut joined = String::with_capacity(runs.iter().map(|&(s, e)| e - s + 1).sum());
                for &(s, e) in &runs {
                    joined.push_str(text.get(s..e).unwrap_or(""));
                    joined.push('\n');
                }
                self.find(&joined, info, sx)
            }
        };
        if !found {
            return text;
        }
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for (start, end) in runs {
            out.push_str(text.get(last..start).unwrap_or(""));
            let lines = text.get(start..end).unwrap_or("");
            out.push_str(&self.settle(lines.to_owned(), info, sx, t));
            last = end;
        }
        out.push_str(text.get(last..).unwrap_or(""));
        out
    }

    /// Scans `text` again and masks what is found until nothing is; bounded, and text that still
    /// changes after that is replaced whole (fail closed).
    fn settle(&self, mut text: String, info: NodeInfo, sx: &mut Scratch, t: &mut Tally) -> String {
        const PASSES: usize = 4;
        let mut written = Vec::new();
        for _ in 0..PASSES {
            if !self.find(&text, info, sx) {
                return text;
            }
            written.clear();
            protect_findings(sx, &text);
            text = self.write_masked(&text, sx, t, &mut written);
        }
        if self.find(&text, info, sx) {
            return String::from(crate::action::DEFAULT_REPLACEMENT);
        }
        text
    }

    /// Writes the masked form of `text` given the findings in `sx.accepted`, and where each
    /// replacement went in it.
    fn write_masked(
        &self,
        text: &str,
        sx: &Scratch,
        t: &mut Tally,
        written: &mut Vec<(usize, usize)>,
    ) -> String {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for f in &sx.accepted {
            out.push_str(text.get(last..f.start).unwrap_or(""));
            let from = out.len();
            // Hashing and `partial` see the normalised text, so a disguised value gives the
            // same pseudonym; what is replaced is always the original span.
            let span = match f.view {
                Some((s, e)) => sx.view.get(s..e).unwrap_or(""),
                None => text.get(f.start..f.end).unwrap_or(""),
            };
            let entry = self.detectors.get(f.det as usize);
            let ty = entry.map_or("value", |e| e.type_name);
            match self.rules.get(f.rule as usize).map(|r| &r.action) {
                Some(Action::Redact | Action::Nullify) => {}
                Some(Action::Hash { key }) => match self.keys.get(*key) {
                    Some(k) => hash_token(
                        k,
                        canonical(span, entry.map(|e| &e.detector)).as_bytes(),
                        &mut out,
                    ),
                    None => out.push_str(crate::action::NO_KEY),
                },
                Some(Action::Partial {
                    keep_first,
                    keep_last,
                }) => {
                    partial(span, *keep_first, *keep_last, &mut out);
                }
                Some(Action::Replace { text: template }) => {
                    expand_replacement(template, ty, &mut out)
                }
                // `generalize` is refused for detectors at compile time; fail closed regardless.
                Some(Action::Generalize { .. }) | None => {
                    out.push_str(crate::action::DEFAULT_REPLACEMENT)
                }
            }
            written.push((from, out.len()));
            t.hit_rule(f.rule, &sx.path);
            t.hit_detector(f.det, &sx.path);
            last = f.end;
        }
        out.push_str(text.get(last..).unwrap_or(""));
        out
    }

    /// The new name of a key in which a detector found something; its findings stay in
    /// `sx.accepted` for the caller to count once the path holds the new name.
    fn mask_key(&self, key: &str, info: NodeInfo, n: &mut u32, sx: &mut Scratch) -> Option<String> {
        if !self.find(key, info, sx) {
            return None;
        }
        protect_findings(sx, key);
        let best = sx
            .accepted
            .iter()
            .min_by_key(|f| (f.rank, f.det_rank))
            .copied()?;
        let mut out = String::new();
        if let Some(Action::Hash { key: k }) = self.rules.get(best.rule as usize).map(|r| &r.action)
            && let Some(k) = self.keys.get(*k)
        {
            hash_token(k, key.as_bytes(), &mut out);
            return Some(out);
        }
        *n += 1;
        let ty = self
            .detectors
            .get(best.det as usize)
            .map_or("value", |e| e.type_name);
        Some(format!("[{ty}:{n}]"))
    }

    fn walk<T: Tree>(&self, node: &mut T, at: At, sx: &mut Scratch, t: &mut Tally) -> Edit {
        let At {
            depth,
            inherited,
            key_rule,
            known,
        } = at;
        let limits = &self.doc.limits;
        if depth > limits.max_depth as usize {
            node.set_string(TOO_DEEP.to_owned());
            t.too_deep += 1;
            return Edit::Keep;
        }
        // The caller may have computed this node's info already (to scan its key).
        let info = match known {
            Some(info) => info,
            None => self.node_info(depth, sx),
        };
        let own = if depth == 0 {
            None
        } else {
            self.best(info.rule, key_rule)
        };
        let eff = self.best(inherited, own);
        if let Some(r) = eff {
            match self.rules.get(r as usize).map(|r| &r.action) {
                Some(Action::Redact) => {
                    t.hit_rule(r, &sx.path);
                    protect_subtree(
                        sx,
                        node,
                        limits.max_depth as usize - depth.min(limits.max_depth as usize),
                    );
                    return Edit::Remove;
                }
                Some(Action::Nullify) => {
                    t.hit_rule(r, &sx.path);
                    protect_subtree(
                        sx,
                        node,
                        limits.max_depth as usize - depth.min(limits.max_depth as usize),
                    );
                    node.set_null();
                    return Edit::Keep;
                }
                _ => {}
            }
        }
        if depth > 0
            && let Some(s) = info.summarize
            && self.summarize_array(node, s, eff, info, depth, sx, t)
        {
            return Edit::Keep;
        }
        let max_string = usize::try_from(limits.max_string_bytes).unwrap_or(usize::MAX);
        let words = self.paths.words();
        let new_text: Option<String> = match node.shape() {
            Shape::Object => {
                let mut renamed = 0u32;
                node.entries(&mut |key, child| {
                    sx.record_bytes += key.len() as u64;
                    if key.len() > max_string {
                        sx.quarantine = Some(Quarantine::KeyTooLarge);
                        return Edit::Keep;
                    }
                    if let Some((cur, next)) = sx.sets.split_at_mut_checked((depth + 1) * words)
                        && let (Some(from), Some(to)) =
                            (cur.get(depth * words..), next.get_mut(..words))
                    {
                        to.fill(0);
                        self.paths.step(from, key, to);
                    }
                    let kr = self.key_rule(key, sx);
                    if sx.skip_untouched
                        && eff.is_none()
                        && kr.is_none()
                        && !sx.any_detector
                        && !sx.any_key_rule
                        && sx
                            .sets
                            .get((depth + 1) * words..(depth + 2) * words)
                            .is_some_and(|set| set.iter().all(|w| *w == 0))
                    {
                        // No path pattern is alive below this key and nothing else applies:
                        // the member stays as it is, within the limits (`skip_untouched`).
                        return Edit::Keep;
                    }
                    let mut child_info = None;
                    let rename = if sx.any_detector {
                        let info = self.node_info(depth + 1, sx);
                        child_info = Some(info);
                        self.mask_key(key, info, &mut renamed, sx)
                    } else {
                        None
                    };
                    // Paths in reports name keys as the output does: never a key's finding.
                    let plen = sx.path.len();
                    if t.record_paths {
                        if plen > 0 {
                            sx.path.push('.');
                        }
                        sx.path.push_str(rename.as_deref().unwrap_or(key));
                    }
                    if rename.is_some() {
                        for f in &sx.accepted {
                            t.hit_rule(f.rule, &sx.path);
                            t.hit_detector(f.det, &sx.path);
                        }
                    }
                    // A renamed key is also matched under its new name, so the output is what a
                    // second application sees: applying twice gives what applying once gives.
                    let kr = match &rename {
                        Some(new) => {
                            if let Some((cur, next)) =
                                sx.sets.split_at_mut_checked((depth + 1) * words)
                                && let (Some(from), Some(to)) =
                                    (cur.get(depth * words..), next.get_mut(..words))
                            {
                                self.paths.step(from, new, to);
                            }
                            let renamed_rule = self.key_rule(new, sx);
                            self.best(kr, renamed_rule)
                        }
                        None => kr,
                    };
                    // A renamed key changed the child's state set: its info must be computed anew.
                    let known = if rename.is_none() { child_info } else { None };
                    let at = At {
                        depth: depth + 1,
                        inherited: eff,
                        key_rule: kr,
                        known,
                    };
                    let edit = self.walk(child, at, sx, t);
                    sx.path.truncate(plen);
                    match (edit, rename) {
                        (Edit::Remove, _) => Edit::Remove,
                        (_, Some(new)) => Edit::Rename(new),
                        (e, None) => e,
                    }
                });
                None
            }
            Shape::Array => {
                node.items(&mut |child| self.walk_item(child, depth, eff, sx, t));
                None
            }
            Shape::Null => {
                sx.record_bytes += 4;
                None
            }
            Shape::Bool(b) => {
                sx.record_bytes += if b { 4 } else { 5 };
                let text = if b { "true" } else { "false" };
                eff.and_then(|r| {
                    t.hit_rule(r, &sx.path);
                    self.whole_value(r, text, false)
                })
            }
            Shape::Float(text) => {
                sx.record_bytes += text.len() as u64;
                match eff {
                    Some(r) => {
                        t.hit_rule(r, &sx.path);
                        protect(sx, &text);
                        self.whole_value(r, &text, true)
                    }
                    // An integral float (`4111111111111111.0`, `4.1e15`) is a number like any
                    // other to the detectors: its integer text is scanned.
                    None => integral_text(&text).and_then(|i| self.mask_found(&i, info, sx, t)),
                }
            }
            Shape::Int(text) => {
                sx.record_bytes += text.len() as u64;
                match eff {
                    Some(r) => {
                        t.hit_rule(r, &sx.path);
                        protect(sx, &text);
                        self.whole_value(r, &text, true)
                    }
                    None => self.mask_found(&text, info, sx, t),
                }
            }
            Shape::Str(s) => self.leaf_text(s, eff, info, max_string, sx, t),
            Shape::Other(name) => {
                t.other_objects += 1;
                let s = format!("<{name}>");
                Some(
                    self.leaf_text(&s, eff, info, max_string, sx, t)
                        .unwrap_or(s),
                )
            }
        };
        if let Some(s) = new_text {
            node.set_string(s);
        }
        Edit::Keep
    }

    /// Walks one item of an array at `depth`. Arrays are transparent: an item has its array's
    /// state set and inherits its array's rule.
    fn walk_item<T: Tree>(
        &self,
        child: &mut T,
        depth: usize,
        eff: Option<u32>,
        sx: &mut Scratch,
        t: &mut Tally,
    ) -> Edit {
        let words = self.paths.words();
        if let Some((cur, next)) = sx.sets.split_at_mut_checked((depth + 1) * words)
            && let (Some(from), Some(to)) = (cur.get(depth * words..), next.get_mut(..words))
        {
            to.copy_from_slice(from);
        }
        let plen = sx.path.len();
        if t.record_paths {
            sx.path.push_str("[]");
        }
        let at = At {
            depth: depth + 1,
            inherited: eff,
            key_rule: None,
            known: None,
        };
        let edit = self.walk(child, at, sx, t);
        sx.path.truncate(plen);
        edit
    }

    fn leaf_text(
        &self,
        s: &str,
        eff: Option<u32>,
        info: NodeInfo,
        max_string: usize,
        sx: &mut Scratch,
        t: &mut Tally,
    ) -> Option<String> {
        sx.record_bytes += s.len() as u64;
        if s.len() > max_string {
            t.too_large += 1;
            return Some(TOO_LARGE.to_owned());
        }
        if let Some(r) = eff {
            if self.keeps(r, s) {
                return None;
            }
            t.hit_rule(r, &sx.path);
            protect(sx, s);
            return self.whole_value(r, s, false);
        }
        self.mask_found(s, info, sx, t)
    }

    /// Replaces an array that `[[summarize]]` rule `s` selects by its summary, when it has at
    /// least `min_items` items. The statistics come from the original items; they are covered
    /// (count, nulls, distinct and length only) when a whole-value rule applies to the array,
    /// a detector finds something in an item, an item is too large to scan, or an item is a
    /// container (its fields may be masked: fail closed). Sample items are the first items seen
    /// at least `k_anonymity` times, each masked by the ordinary walk.
    #[allow(clippy::too_many_arguments)]
    fn summarize_array<T: Tree>(
        &self,
        node: &mut T,
        s: u32,
        eff: Option<u32>,
        info: NodeInfo,
        depth: usize,
        sx: &mut Scratch,
        t: &mut Tally,
    ) -> bool {
        let Some(rule) = self.summaries.get(s as usize) else {
            return false;
        };
        if !matches!(node.shape(), Shape::Array) || (node.item_count() as u64) < rule.min_items {
            return false;
        }
        let limits = &self.doc.limits;
        let inner = (limits.max_depth as usize).saturating_sub(depth + 1);
        let max_string = usize::try_from(limits.max_string_bytes).unwrap_or(usize::MAX);
        let mut sum = Summary::new();
        if eff.is_some() {
            sum.set_covered();
        }
        let mut hashes: Vec<u64> = Vec::with_capacity(node.item_count());
        // Items deeper than `max_depth` are `[tamis:too_deep]` to the summary, as to every
        // front end that reads values only so deep.
        let items_too_deep = depth + 1 > limits.max_depth as usize;
        node.items(&mut |child| {
            let shape = if items_too_deep {
                Shape::Str(TOO_DEEP)
            } else {
                child.shape()
            };
            let h = match shape {
                Shape::Null => {
                    sx.record_bytes += 4;
                    sum.add_null()
                }
                Shape::Bool(b) => {
                    sx.record_bytes += if b { 4 } else { 5 };
                    sum.add_bool(b)
                }
                Shape::Int(text) => {
                    sx.record_bytes += text.len() as u64;
                    if !sum.covered() && self.find(&text, info, sx) {
                        sum.set_covered();
                    }
                    sum.add_number_text(&text)
                }
                Shape::Float(text) => {
                    sx.record_bytes += text.len() as u64;
                    if !sum.covered()
                        && let Some(i) = integral_text(&text)
                        && self.find(&i, info, sx)
                    {
                        sum.set_covered();
                    }
                    sum.add_number_text(&text)
                }
                Shape::Str(text) => {
                    sx.record_bytes += text.len() as u64;
                    if text.len() > max_string || (!sum.covered() && self.find(text, info, sx)) {
                        sum.set_covered();
                    }
                    sum.add_str(text)
                }
                shape @ (Shape::Array | Shape::Object | Shape::Other(_)) => {
                    let kind = match shape {
                        Shape::Array => ContainerKind::Array,
                        Shape::Object => ContainerKind::Object,
                        _ => ContainerKind::Other,
                    };
                    let json = serde_json::to_string(&child.to_value(inner)).unwrap_or_default();
                    sx.record_bytes += json.len() as u64;
                    sum.set_covered();
                    sum.add_container(kind, &json)
                }
            };
            hashes.push(h);
            Edit::Keep
        });
        let sample = (rule.sample > 0).then(|| {
            let mut counts: BTreeMap<u64, u64> = BTreeMap::new();
            for &h in &hashes {
                *counts.entry(h).or_insert(0) += 1;
            }
            let k = rule.render.k_anonymity;
            let mut left = rule.sample as usize;
            let picked: Vec<bool> = hashes
                .iter()
                .map(|h| {
                    let pick = left > 0 && counts.get(h).is_some_and(|&n| n >= k);
                    left -= usize::from(pick);
                    pick
                })
                .collect();
            let mut out = Vec::new();
            let mut i = 0;
            node.items(&mut |child| {
                let pick = picked.get(i) == Some(&true);
                i += 1;
                if pick && self.walk_item(child, depth, eff, sx, t) != Edit::Remove {
                    out.push(child.to_value(inner));
                }
                Edit::Keep
            });
            out
        });
        if sum.covered() && sx.protect.is_some() {
            node.items(&mut |child| {
                protect_subtree(sx, child, inner);
                Edit::Keep
            });
        }
        node.set_value(sum.render(&rule.render, sample));
        if let Some(n) = t.summaries.get_mut(s as usize) {
            *n += 1;
        }
        true
    }

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

    /// [`Policy::walk_record`]; for a tree parsed from a text whose length and nesting are within
    /// the limits, members that no rule can reach are not walked (nothing there can change or
    /// break a limit). The bytes a walk counts (keys, strings unescaped, numbers, literals) are
    /// fewer than the text's: every string has two quotes, every number a separator or bracket
    /// after it (a normalised exponent adds one `+`); no string is longer than the text.
    fn walk_measured<T: Tree>(
        &self,
        value: &mut T,
        measured: Option<Measure>,
        sx: &mut Scratch,
        tally: &mut Tally,
        failures: u64,
    ) -> Disposition {
        let limits = &self.doc.limits;
        sx.skip_untouched = measured.is_some_and(|m| {
            m.deepest <= limits.max_depth as usize
                && m.len as u64 <= limits.max_record_bytes
                && m.len as u64 <= limits.max_string_bytes
        });
        let d = self.walk_record(value, sx, tally, failures);
        sx.skip_untouched = false;
        d
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
    pub fn mask_record<T: Tree>(
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
        let words = self.paths.words();
        let mut eff = None;
        let mut info = self.node_info(0, sx);
        for (d, key) in keys.iter().enumerate() {
            if let Some((cur, next)) = sx.sets.split_at_mut_checked((d + 1) * words)
                && let (Some(from), Some(to)) = (cur.get(d * words..), next.get_mut(..words))
            {
                to.fill(0);
                self.paths.step(from, key, to);
            }
            let kr = self.key_rule(key, sx);
            info = self.node_info(d + 1, sx);
            eff = self.best(eff, self.best(info.rule, kr));
        }
        Some((eff, info))
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

    fn apply_json_text(
        &self,
        line: &str,
        line_no: Option<u64>,
        ctx: &Context,
        sx: &mut Scratch,
        tally: &mut Tally,
        out: &mut Vec<u8>,
    ) -> Disposition {
        // Out of memory anywhere in the record (parse tree, walk, output) quarantines it: what
        // was written for it is thrown away.
        let failures = tamis_reserve::failures();
        let mark = out.len();
        // Records are measured by content (see `max_record_bytes`); a line more than 8 times that
        // long cannot be within the limit for any ordinary spelling, so it is not even parsed.
        let too_large = line.len() as u64 > self.doc.limits.max_record_bytes.saturating_mul(8);
        let parsed = if too_large {
            Err(Quarantine::TooLarge)
        } else if crate::faults::hit(crate::faults::Point::Parse) {
            Err(Quarantine::InvalidJson)
        } else if let Some(d) = self.apply_json_streamed(line, ctx, sx, tally, out) {
            Ok(Parsed::Streamed(d))
        } else {
            Doc::parse_text_measured(line)
                .map(Parsed::Tree)
                .map_err(|e| match e {
                    Unparsed::NotJson => Quarantine::InvalidJson,
                    Unparsed::NoMemory => Quarantine::OutOfMemory,
                })
        };
        let mut disposition = match parsed {
            Ok(Parsed::Streamed(d)) => d,
            Ok(Parsed::Tree((mut doc, measure))) => {
                let d = self.apply_measured(&mut doc, Some(measure), ctx, sx, tally);
                if d == Disposition::Kept && doc.write(out).is_err() {
                    tally.recount_kept_as_quarantined();
                    Disposition::Quarantined(Quarantine::OutOfMemory)
                } else {
                    d
                }
            }
            Err(reason) => {
                tally.records_in += 1;
                tally.quarantined += 1;
                Disposition::Quarantined(reason)
            }
        };
        if tamis_reserve::failures() != failures {
            match disposition {
                Disposition::Kept => {
                    tally.recount_kept_as_quarantined();
                    disposition = Disposition::Quarantined(Quarantine::OutOfMemory);
                }
                Disposition::Quarantined(_) => {
                    disposition = Disposition::Quarantined(Quarantine::OutOfMemory);
                }
                // Nothing is written for a dropped record.
                Disposition::Dropped(_) => {}
            }
        }
        if disposition != Disposition::Kept {
            out.truncate(mark);
        }
        if let Disposition::Quarantined(q) = disposition {
            write_json(&quarantine_marker(line_no, q), out);
        }
        disposition
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

/// A JSON text applied in one pass (what it became), or parsed for the walk.
enum Parsed<'a> {
    Streamed(Disposition),
    Tree((Doc<'a>, Measure)),
}

/// Keeps `text` as protected while [`Scratch::protect`] collects (see `protect.rs`).
fn protect(sx: &mut Scratch, text: &str) {
    if let Some(p) = &mut sx.protect {
        p.push(String::from(text));
    }
}

/// Keeps the text of each accepted finding in `text` as protected.
fn protect_findings(sx: &mut Scratch, text: &str) {
    if let Some(p) = &mut sx.protect {
        p.extend(
            sx.accepted
                .iter()
                .filter_map(|f| text.get(f.start..f.end))
                .map(String::from),
        );
    }
}

/// Keeps every key and scalar beneath `node` as protected (a subtree a rule removes whole).
fn protect_subtree<T: Tree>(sx: &mut Scratch, node: &T, depth_left: usize) {
    let Some(p) = &mut sx.protect else { return };
    let v = node.to_value(depth_left);
    let mut stack = vec![&v];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) => p.push(s.clone()),
            Value::Number(n) => p.push(alloc::string::ToString::to_string(n)),
            Value::Array(items) => stack.extend(items.iter()),
            Value::Object(map) => {
                p.extend(map.keys().cloned());
                stack.extend(map.values());
            }
            Value::Null | Value::Bool(_) => {}
        }
    }
}

/// The most digits an integral number's text may have for detectors to scan it (beyond every
/// `f64`: only JSON text such as `1e5000` has more, and no detector matches a run of zeros).
const INTEGRAL_DIGITS_MAX: usize = 1024;

/// The integer text of a JSON number that is integral (`4111111111111111.0`, `4.1e15`,
/// `-2E3`): what detectors scan, as they scan integers. `None` for a fraction, for zero, and
/// for more than [`INTEGRAL_DIGITS_MAX`] digits.
pub(crate) fn integral_text(text: &str) -> Option<String> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(i) => (rest.get(..i)?, rest.get(i + 1..)?.parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !int.bytes().chain(frac.bytes()).all(|c| c.is_ascii_digit()) || int.is_empty() {
        return None;
    }
    // The digits without leading or trailing zeros, and the power of ten they are scaled by.
    let digits = int.bytes().chain(frac.bytes());
    let lead = digits.clone().take_while(|&c| c == b'0').count();
    let all: Vec<u8> = digits.skip(lead).collect();
    let trail = all.iter().rev().take_while(|&&c| c == b'0').count();
    let significant = all.get(..all.len() - trail)?;
    if significant.is_empty() {
        return None;
    }
    let frac_len = i64::try_from(frac.len()).ok()?;
    let scale = exp
        .checked_sub(frac_len)?
        .checked_add(i64::try_from(trail).ok()?)?;
    let zeros = usize::try_from(scale).ok()?;
    if significant.len() + zeros > INTEGRAL_DIGITS_MAX {
        return None;
    }
    let mut out = String::with_capacity(usize::from(negative) + significant.len() + zeros);
    if negative {
        out.push('-');
    }
    out.extend(significant.iter().map(|&c| char::from(c)));
    out.extend(core::iter::repeat_n('0', zeros));
    Some(out)
}

/// The text a span is hashed as: emails in lower case, card numbers as digits only, so the same
/// value gives the same pseudonym however it is written.
fn canonical(span: &str, det: Option<&Detector>) -> String {
    match det {
        Some(Detector::Builtin(Kind::Email)) => span.to_ascii_lowercase(),
        Some(Detector::Builtin(Kind::CreditCard | Kind::Iban | Kind::Phone | Kind::UsSsn)) => span
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_uppercase(),
        Some(Detector::Builtin(Kind::Mac)) => span
            .chars()
            .filter(char::is_ascii_hexdigit)
            .collect::<String>()
            .to_ascii_lowercase(),
        _ => span.to_owned(),
    }
}

/// `{"tamis_dropped":{"reason":"access"}}`: how `tamis test` cases and conformance vectors
/// write a record that was dropped (`apply` itself writes nothing for it).
#[must_use]
pub fn dropped_marker(reason: DropReason) -> Value {
    let mut inner = serde_json::Map::new();
    inner.insert("reason".into(), Value::from(reason.as_str()));
    let mut outer = serde_json::Map::new();
    outer.insert("tamis_dropped".into(), Value::Object(inner));
    Value::Object(outer)
}

/// `{"tamis_quarantined":{"line":N,"reason":"..."}}` (no `line` when not known).
#[must_use]
pub fn quarantine_marker(line: Option<u64>, q: Quarantine) -> Value {
    let mut inner = serde_json::Map::new();
    if let Some(n) = line {
        inner.insert("line".into(), Value::from(n));
    }
    inner.insert("reason".into(), Value::from(q.as_str()));
    let mut outer = serde_json::Map::new();
    outer.insert("tamis_quarantined".into(), Value::Object(inner));
    Value::Object(outer)
}

fn write_json(v: &Value, out: &mut Vec<u8>) {
    #[cfg(feature = "std")]
    {
        let _ = serde_json::to_writer(&mut *out, v);
    }
    #[cfg(not(feature = "std"))]
    {
        if let Ok(bytes) = serde_json::to_vec(v) {
            out.extend_from_slice(&bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// The rule as it reads: all findings longest first, then earliest, then strongest rule,
    /// each accepted unless it overlaps one accepted before; in order of start.
    fn greedy(findings: &[Finding]) -> Vec<Finding> {
        let mut order = findings.to_vec();
        order.sort_by(precedence);
        let mut accepted: Vec<Finding> = vec![];
        for f in order {
            if accepted
                .iter()
                .all(|a| f.end <= a.start || f.start >= a.end)
            {
                accepted.push(f);
            }
        }
        accepted.sort_by_key(|f| f.start);
        accepted
    }

    #[test]
    fn integral_floats_have_their_integer_text() {
        for (text, want) in [
            ("4111111111111111.0", Some("4111111111111111")),
            ("4.111111111111111e15", Some("4111111111111111")),
            ("4.111111111111111E+15", Some("4111111111111111")),
            ("-2E3", Some("-2000")),
            ("1.50e1", Some("15")),
            ("0.5", None),
            ("1.25e1", None),
            ("0.0", None),
            ("-0.0", None),
            ("1e2000", None),
            ("007.0", Some("7")),
        ] {
            assert_eq!(integral_text(text).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn overlaps_are_resolved_group_by_group_as_over_the_whole_text() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % n).unwrap_or(0)
        };
        for case in 0..3000 {
            // Sparse to dense texts, groups large enough for the ordered map (over 16).
            let (count, width) = match case % 3 {
                0 => (1 + next(10), 200),
                1 => (1 + next(40), 60),
                _ => (20 + next(60), 30),
            };
            let findings: Vec<Finding> = (0..count)
                .map(|i| {
                    let start = next(width);
                    let rule = u32::try_from(next(3)).unwrap_or(0);
                    Finding {
                        start,
                        // Findings are never empty (detectors, patterns and plugins drop
                        // empty spans).
                        end: start + 1 + next(12),
                        det: u32::try_from(i).unwrap_or(0),
                        rule,
                        rank: rule,
                        det_rank: u32::try_from(next(4)).unwrap_or(0),
                        view: None,
                    }
                })
                .collect();
            // Distinct in the sort's keys, so the expected result does not depend on the
            // order of equal findings.
            let mut keys: Vec<_> = findings
                .iter()
                .map(|f| (f.start, f.end, f.rank, f.det_rank))
                .collect();
            keys.sort_unstable();
            keys.dedup();
            if keys.len() != findings.len() {
                continue;
            }
            let mut accepted = vec![];
            resolve_overlaps(&mut findings.clone(), &mut accepted);
            let key = |v: &[Finding]| {
                v.iter()
                    .map(|f| (f.start, f.end, f.det))
                    .collect::<Vec<_>>()
            };
            assert_eq!(key(&accepted), key(&greedy(&findings)), "case {case}");
        }
    }
}
