//! What detectors find in a text, how overlapping findings are settled, and how the text is
//! masked: a finding inside text that tamis writes (a placeholder or token, whole) is skipped;
//! masked text is scanned again until nothing new is found.

use alloc::borrow::ToOwned;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::action::{
    Action, expand_replacement, hash_token, is_builtin_placeholder, looked_up_at_bracket, partial,
    token_len_at,
};
use crate::detect::{
    Detector, Kind, find_ext, find_pattern, find_plugin, needs_view, normalize, occurrences,
    scan_words,
};
use crate::engine::scratch::{Finding, NodeInfo, Scratch};
use crate::policy::Policy;
use crate::report::Tally;

/// `(s, e)` widened to the character boundaries of `text`.
fn widen(text: &str, mut s: usize, mut e: usize) -> (usize, usize) {
    e = e.min(text.len());
    s = s.min(e);
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    while !text.is_char_boundary(e) {
        e += 1;
    }
    (s, e)
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

impl Policy {
    /// Runs the eligible detectors over `text` and leaves the resolved findings in
    /// `sx.accepted`, ordered by start. Returns whether there are any.
    pub(crate) fn find(&self, text: &str, info: NodeInfo, sx: &mut Scratch) -> bool {
        sx.accepted.clear();
        sx.scanned_clean = false;
        if !sx.any_detector || info.allow || text.is_empty() {
            return false;
        }
        sx.findings.clear();
        let eligible = |sx: &Scratch, r: u32| self.eligible(r, info, sx);
        // Which detectors run here, and whether built-in ones need the normalised view.
        sx.det_on.clear();
        let mut word_kinds = [Kind::Phone; 6];
        let mut n_word = 0;
        let mut any_builtin = false;
        let own = self.detectors.get(..self.first_catalog).unwrap_or(&[]);
        for entry in own {
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
        let catalog_on = self.catalog_rules.iter().any(|&r| eligible(sx, r));
        let mapped = (any_builtin || catalog_on) && needs_view(text);
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
        for (d, entry) in own.iter().enumerate() {
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
                    if *kind == Kind::PersonName {
                        // The key the value is stored under (`customer_name`) is a cue.
                        let key = sx.keys.rsplit('\u{1}').next().unwrap_or("");
                        crate::detect::catalog::fold_key(key, &mut sx.key_fold);
                        let person_key = crate::detect::person::is_person_key(sx.key_fold.trim());
                        crate::detect::person::find_person_names_under(
                            bytes,
                            person_key,
                            (!sx.rescan).then_some(sx.line_before.as_str()),
                            &mut sx.spans,
                        );
                    } else {
                        kind.find_own(bytes, &mut sx.spans);
                    }
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
                Detector::Ext(k) => {
                    let name = self.ext_names.get(*k).map_or("", String::as_str);
                    if !find_ext(self.ext.as_ref().map(|b| &*b.0), name, text, &mut sx.spans) {
                        sx.detector_failures += 1;
                    }
                }
                // Never among `own` (catalog detectors come last).
                Detector::Catalog(_) => {}
            }
            let d = u32::try_from(d).unwrap_or(u32::MAX);
            for i in 0..sx.spans.len() {
                let Some(&(s, e)) = sx.spans.get(i) else {
                    break;
                };
                self.push_finding(text, d, s, e, entry_mapped, &eligible, sx);
            }
        }
        if catalog_on {
            // Working memory made for this policy holds the catalog's; should it be missing,
            // the catalog still runs (fresh caches), never skipped. Borrowed where it is (and
            // boxed): the caches are kilobytes, and moving them cost copies per text and per call.
            let cx = sx
                .catalog
                .get_or_insert_with(|| alloc::boxed::Box::new(self.catalog.cache()));
            let bytes = if mapped {
                sx.view.as_bytes()
            } else {
                text.as_bytes()
            };
            let key = sx.keys.rsplit('\u{1}').next().filter(|k| !k.is_empty());
            sx.catalog_found.clear();
            self.catalog.scan(bytes, key, cx, &mut sx.catalog_found);
            let in_view = sx.catalog_found.len();
            // The view also reads `%40` as `@` and a no-break space as a space, which can end a
            // value early (`Ti%40ger…`): the text as written is scanned too, and the longer
            // finding wins.
            if mapped {
                self.catalog
                    .scan(text.as_bytes(), key, cx, &mut sx.catalog_found);
            }
            for i in 0..sx.catalog_found.len() {
                let Some(&(d, s, e)) = sx.catalog_found.get(i) else {
                    break;
                };
                // A match may end inside a character of the text (patterns match bytes):
                // widen it to whole characters.
                let from_view = mapped && i < in_view;
                let scanned: &str = if from_view { &sx.view } else { text };
                let (s, e) = widen(scanned, s, e);
                self.push_finding(text, d, s, e, from_view, &eligible, sx);
            }
        }
        if sx.findings.is_empty() {
            sx.scanned_clean = true;
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
        self.placeholder_holes(text, &mut sx.holes, &mut sx.placeholders);
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

    /// Adds the finding `(s, e)` of detector `d` (in the normalised view when `mapped`) for
    /// each of the detector's rules that holds here.
    #[expect(
        clippy::too_many_arguments,
        reason = "one call site per kind of detector"
    )]
    fn push_finding(
        &self,
        text: &str,
        d: u32,
        s: usize,
        e: usize,
        mapped: bool,
        eligible: &impl Fn(&Scratch, u32) -> bool,
        sx: &mut Scratch,
    ) {
        let Some(entry) = self.detectors.get(d as usize) else {
            return;
        };
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
                    det: d,
                    rule: r,
                    rank: self.rank(r),
                    det_rank: entry.rank,
                    view,
                });
            }
        }
    }

    /// Where tamis placeholders and tokens occur in `text`.
    fn placeholder_holes(
        &self,
        text: &str,
        holes: &mut Vec<(usize, usize)>,
        numbers: &mut crate::engine::placeholders::Placeholders,
    ) {
        holes.clear();
        let b = text.as_bytes();
        // Placeholders of the form `[…]` (most: one per type for `[{type}]`) and the built-in
        // ones are checked at each `[`, in one pass: what runs to the first `]` is looked up.
        for i in memchr::memchr_iter(b'[', b) {
            let rest = b.get(i..).unwrap_or(&[]);
            for p in &self.bracketed_other {
                if rest.starts_with(p.as_bytes()) {
                    holes.push((i, i + p.len()));
                }
            }
            if let Some(close) = rest.iter().take(64).position(|&c| c == b']')
                && let Some(p) = text.get(i..=i + close)
                && (is_builtin_placeholder(p)
                    || self
                        .bracketed
                        .binary_search_by(|q| q.as_str().cmp(p))
                        .is_ok())
            {
                holes.push((i, i + close + 1));
            }
        }
        for p in &self.unbracketed {
            for i in occurrences(b, p.as_bytes()) {
                holes.push((i, i + p.len()));
            }
        }
        // Numbered placeholders (`<EMAIL_1>`) of the types the policy writes, any number; their
        // numbers are not issued again in this record or session.
        for (t, types) in &self.placeholder_types {
            let Some(&first) = t.lits.first().and_then(|l| l.as_bytes().first()) else {
                continue;
            };
            for i in memchr::memchr_iter(first, b) {
                let Some(n) = t.len_at(b.get(i..).unwrap_or(&[])) else {
                    continue;
                };
                let found = text.get(i..i + n).unwrap_or("");
                if let Some(ty) = types.iter().find(|ty| t.is_of(found, ty)) {
                    holes.push((i, i + n));
                    numbers.reserve(t, ty, found);
                }
            }
        }
        if !self.keys.is_empty() {
            for i in occurrences(b, b"h:") {
                if let Some(n) = token_len_at(b.get(i..).unwrap_or(&[]), &self.keys) {
                    holes.push((i, i + n));
                }
            }
            if self.encrypts {
                for i in occurrences(b, b"e:") {
                    if let Some(n) = token_len_at(b.get(i..).unwrap_or(&[]), &self.keys) {
                        holes.push((i, i + n));
                    }
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

    /// Whether the whole of `s` is one hole [`Self::placeholder_holes`] finds without numbering
    /// anything: a literal placeholder of the policy, a built-in one (`[tamis:…]`, `[email:3]`),
    /// or a hash (or, when the policy encrypts, an encryption) token of one of its keys.
    fn is_hole(&self, s: &str) -> bool {
        let b = s.as_bytes();
        self.placeholders
            .binary_search_by(|p| p.as_str().cmp(s))
            .is_ok()
            || (looked_up_at_bracket(s) && is_builtin_placeholder(s))
            || (!self.keys.is_empty()
                && (b.starts_with(b"h:") || (self.encrypts && b.starts_with(b"e:")))
                && token_len_at(b, &self.keys) == Some(b.len()))
    }

    /// The masked form of `text` when a detector finds something in it, else `None`.
    ///
    /// Masked text is scanned again until nothing new is found: a placeholder can make a new
    /// word start next to what is left of the text (`0@a.io::8809` masks the email, and then
    /// `::8809` starts a word), so one pass is not always a fixed point. Only the lines around
    /// what was replaced can change, so only they are scanned again, unless a custom pattern or
    /// a plugin (which may match across lines) is among the detectors; then the whole text is.
    pub(crate) fn mask_found(
        &self,
        text: &str,
        info: NodeInfo,
        sx: &mut Scratch,
        t: &mut Tally,
    ) -> Option<String> {
        let out = self.mask_found_counted(text, info, sx, t);
        // `ext:` functions that failed (their texts are findings whole).
        t.detector_failures += core::mem::take(&mut sx.detector_failures);
        out
    }

    fn mask_found_counted(
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
        // The whole text became one token or placeholder that tamis writes (a field that was an
        // email, now its keyed hash): a scan of it again finds nothing, since a finding inside
        // such text is none (`placeholder_holes`), so none is made (where that scan has no other
        // effect: see `Policy::rescan_of_holes_finds_nothing`).
        if once.is_empty()
            || (self.rescan_of_holes_finds_nothing
                && written.as_slice() == [(0, once.len())]
                && self.is_hole(&once))
        {
            sx.written = written;
            return Some(once);
        }
        // The rescans below read runs of lines cut out of the text (or joined from several
        // places), where the line above a line is not its own: no name is cued by a line above
        // there, in a stream or in the whole text alike.
        let line_before = core::mem::take(&mut sx.line_before);
        sx.rescan = true;
        let out = if self
            .detectors
            .iter()
            .any(|d| matches!(d.detector, Detector::Pattern(_) | Detector::Plugin(_)))
        {
            self.settle(once, info, sx, t)
        } else {
            self.settle_lines(once, &written, info, sx, t)
        };
        sx.rescan = false;
        sx.line_before = line_before;
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
        scratch: &mut Scratch,
        t: &mut Tally,
        written: &mut Vec<(usize, usize)>,
    ) -> String {
        // Numbered placeholders count on through the record (given back below).
        let mut numbers = core::mem::take(&mut scratch.placeholders);
        let mut transform = scratch.plugin_transform.take();
        let sx: &Scratch = scratch;
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
            let ty = entry.map_or("value", |e| &*e.type_name);
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
                // The span as written, so `reveal` gives back exactly what was there.
                Some(Action::Encrypt { key }) => {
                    match self
                        .keys
                        .get(*key)
                        .and_then(|k| k.derived.as_ref().map(|d| (k, d)))
                    {
                        Some((k, d)) => crate::keyed::siv::encrypt(
                            &d.siv,
                            &k.id,
                            crate::keyed::siv::Kind::Str,
                            text.get(f.start..f.end).unwrap_or("").as_bytes(),
                            &mut out,
                        ),
                        None => out.push_str(crate::action::NO_KEY),
                    }
                }
                Some(Action::Partial {
                    keep_first,
                    keep_last,
                }) => {
                    partial(span, *keep_first, *keep_last, &mut out);
                }
                Some(Action::Replace { text: template }) => {
                    expand_replacement(template, ty, &mut out)
                }
                // The span as written: `restore` gives back exactly what was there.
                Some(Action::Placeholder { template, .. }) => numbers.write(
                    template,
                    ty,
                    text.get(f.start..f.end).unwrap_or(""),
                    &mut out,
                ),
                // The span as written, like `encrypt`.
                Some(Action::Plugin { plugin }) => crate::stages::plugins::defer(
                    transform.as_mut(),
                    *plugin,
                    text.get(f.start..f.end).unwrap_or(""),
                    &mut out,
                ),
                // `generalize`, `fpe` and `shift_date` are refused for detectors at compile
                // time; fail closed regardless.
                Some(Action::Generalize { .. } | Action::Fpe { .. } | Action::ShiftDate { .. })
                | None => out.push_str(crate::action::DEFAULT_REPLACEMENT),
            }
            written.push((from, out.len()));
            t.hit_rule(f.rule, &sx.path);
            t.hit_detector(f.det, &sx.path);
            last = f.end;
        }
        out.push_str(text.get(last..).unwrap_or(""));
        scratch.placeholders = numbers;
        scratch.plugin_transform = transform;
        out
    }

    /// Whether rule `r` (one with detectors) holds at the node `info` describes: active for the
    /// record, in its scope, not excepted there.
    fn eligible(&self, r: u32, info: NodeInfo, sx: &Scratch) -> bool {
        let i = r as usize;
        sx.active.get(i) == Some(&true)
            && self
                .rules
                .get(i)
                .is_some_and(|rule| !rule.has_scope || sx.scope_stamp.get(i) == Some(&info.stamp))
            && sx.except_stamp.get(i) != Some(&info.stamp)
    }

    /// The signature under which `key` would be remembered as clean (no detector finds anything
    /// in it) in `sx.clean_keys`, with `sx.key_probe` set; `None` when it cannot be. What `find`
    /// reads of a key is the key, the name of the key above it (context for catalog entries and
    /// `person_name`) and which detector rules hold here: the key and that name go into
    /// `sx.key_probe`, the rules into the signature (a bit per rule). Never remembered: a key
    /// `find` would not scan, keys of a policy with plugin or `ext:` detectors (their answers
    /// are not known to be a function of the text), and keys scanned with a line above as cue.
    fn clean_key(&self, key: &str, info: NodeInfo, sx: &mut Scratch) -> Option<u64> {
        let rules = self.clean_key_rules.as_deref()?;
        if !sx.any_detector || info.allow || key.is_empty() || sx.rescan {
            return None;
        }
        if !sx.line_before.is_empty() {
            return None;
        }
        let parent = sx.keys.rsplit('\u{1}').next().unwrap_or("");
        // A key holding the separator would make the entry ambiguous (and `forget_text` could
        // not tell its parts apart): not remembered.
        if parent.len() + key.len() >= crate::memo::MAX_TEXT || key.contains('\u{1}') {
            return None;
        }
        let mut sig = 0u64;
        for &r in rules {
            if self.eligible(r, info, sx) {
                sig |= 1u64.checked_shl(r)?;
            }
        }
        sx.key_probe.clear();
        sx.key_probe.push_str(parent);
        sx.key_probe.push('\u{1}');
        sx.key_probe.push_str(key);
        Some(sig)
    }

    /// The new name of a key in which a detector found something; its findings stay in
    /// `sx.accepted` for the caller to count once the path holds the new name.
    pub(crate) fn mask_key(
        &self,
        key: &str,
        info: NodeInfo,
        n: &mut u32,
        sx: &mut Scratch,
    ) -> Option<String> {
        // The same keys come in every item of an array and every record of a batch: a key in
        // which no detector found anything is remembered (see `clean_key`).
        let memo = self.clean_key(key, info, sx);
        if let Some(sig) = memo
            && sx.clean_keys.get(sig, &sx.key_probe).is_some()
        {
            sx.accepted.clear();
            return None;
        }
        if !self.find(key, info, sx) {
            if let Some(sig) = memo
                && sx.scanned_clean
            {
                sx.clean_keys.put(sig, &sx.key_probe, |_| ());
            }
            return None;
        }
        // Masked in the output: forgotten by every cache at the end of the call, as a whole
        // and, should it hold the separator of `sx.keys`, as the pieces the caches see of it
        // as the key above (the last).
        if let Some(dirty) = sx.dirty_keys.as_mut() {
            let last = key.rsplit('\u{1}').next().filter(|l| l.len() < key.len());
            for name in core::iter::once(key).chain(last) {
                if dirty.len() >= crate::engine::scratch::DIRTY_KEYS {
                    sx.dirty_keys = None;
                    break;
                }
                if dirty.last().is_none_or(|d| d != name) {
                    dirty.push(String::from(name));
                }
            }
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
            .map_or("value", |e| &*e.type_name);
        Some(format!("[{ty}:{n}]"))
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

    #[test]
    fn a_text_masked_into_one_token_is_not_scanned_again_and_has_nothing_to_find() {
        let policy = Policy::from_toml(
            "version = 1\nname = \"h\"\n[key.k]\nenv = \"K\"\nid = \"k1\"\n\
             [[rule]]\nid = \"mail\"\ndetect = [\"email\"]\naction = \"hash\"\nkey = \"k\"\n\
             [[rule]]\nid = \"tok\"\ndetect = [\"aws_key\", \"github_token\"]\naction = \"replace\"\n\
             replacement = \"[{type}]\"\n\
             [[rule]]\nid = \"card\"\ndetect = [\"credit_card\"]\naction = \"partial\"\n",
        )
        .and_then(|p| p.with_key("k", b"0123456789abcdef0123456789abcdef"))
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(policy.rescan_of_holes_finds_nothing);
        // Numbered placeholders are reserved by the scan that finds them in text: scanned again.
        let numbered = Policy::from_toml(
            "version = 1\nname = \"n\"\n[[rule]]\nid = \"w\"\ndetect = [\"email\"]\naction = \"placeholder\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(!numbered.rescan_of_holes_finds_nothing);
        let mut sx = Scratch::new(&policy);
        policy.begin(&crate::Context::default(), None, &mut sx);
        let info = policy.node_info(0, &mut sx);
        let mut t = Tally::new(&policy, false);
        let mut mask = |text: &str, sx: &mut Scratch| {
            policy
                .mask_found(text, info, sx, &mut t)
                .unwrap_or_else(|| panic!("nothing found"))
        };
        for text in [
            "Jane@Example.com",
            "AKIAIOSFODNN7EXAMPLE",
            "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",
        ] {
            let out = mask(text, &mut sx);
            assert!(policy.is_hole(&out), "{out}");
            assert!(!policy.find(&out, info, &mut sx), "{out}");
        }
        // Last four digits kept: not a token of tamis's, so scanned again as before.
        let out = mask("4111 1111 1111 1111", &mut sx);
        assert!(!policy.is_hole(&out), "{out}");
        // Text around the token: scanned again (its line).
        let out = mask("mail Jane@Example.com now", &mut sx);
        assert!(
            out.starts_with("mail h:k1:") && !policy.is_hole(&out),
            "{out}"
        );
    }
}
