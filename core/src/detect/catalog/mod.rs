//! The detector catalog: detectors as data (`core/catalog/*.toml`, checked and compiled in by
//! `core/build.rs`). Each entry names a type, its group, literal keywords for a prefilter, a
//! linear-time pattern with a bounded match length, an optional validator (check digits,
//! checksums, dates), optional context words for weak formats, an example shape and the
//! source of the format.
//!
//! A policy compiles the entries it selects into one [`CatalogSet`]. Scanning a text:
//! 1. One search for every keyword at once (ASCII case ignored) marks the entries to run: on
//!    the lines its keywords stand on where the build proved that every match the entry counts
//!    has one on its line ([`Entry::line_local_keywords`]), else on the whole text; the name of
//!    the key the value is stored under is searched too (a keyword there marks the whole text),
//!    so `"passport": "…"` counts as context.
//! 2. Each marked entry's pattern runs over its lines or the whole text (a match never crosses
//!    a line; the regex engine's own literal prefilter makes this cheap for prefixed tokens);
//!    entries without keywords (identifier shapes) run together as one multi-pattern search,
//!    and where one matches, the others are tried at the same start.
//! 3. A match counts when its validator passes and, for entries with context words, one of
//!    them occurs within [`CONTEXT_BEFORE`] bytes before it, [`CONTEXT_AFTER`] bytes after it,
//!    or in the key name. Only the group named `v` is a finding when the pattern has one.

pub mod checksums;
pub mod validate;

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use regex_automata::meta::{Cache, Regex};
use regex_automata::util::captures::Captures;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, PatternID};

/// How far before a match a context word may stand, in bytes.
pub const CONTEXT_BEFORE: usize = 64;
/// How far after a match a context word may stand, in bytes.
pub const CONTEXT_AFTER: usize = 32;

/// A group of detectors, selectable by name in `detect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Secrets,
    NationalId,
    Financial,
    Crypto,
    Network,
    Contact,
    Person,
}

impl Group {
    /// Every group, in the order `tamis detectors` lists them.
    pub const ALL: [Self; 7] = [
        Self::Secrets,
        Self::NationalId,
        Self::Financial,
        Self::Crypto,
        Self::Network,
        Self::Contact,
        Self::Person,
    ];

    /// The name a policy selects the group by.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Secrets => "secrets",
            Self::NationalId => "national_id",
            Self::Financial => "financial",
            Self::Crypto => "crypto",
            Self::Network => "network",
            Self::Contact => "contact",
            Self::Person => "person",
        }
    }

    /// The group named `name`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.name() == name)
    }
}

/// One catalog entry, as `core/catalog/*.toml` gives it (context words lower-cased).
#[derive(Debug)]
pub struct Entry {
    pub name: &'static str,
    /// The type the entry finds (its name, unless several entries share one: `postal_code`).
    pub label: &'static str,
    pub group: Group,
    pub keywords: &'static [&'static str],
    pub pattern: &'static str,
    pub validator: Option<&'static str>,
    pub context: &'static [&'static str],
    pub example: &'static str,
    pub source: &'static str,
    /// Turned on by `policies/default.toml`.
    pub default: bool,
    /// A shape any vendor's secret can take (`password=…`, `api_key: …`): where a vendor's own
    /// type covers the same span, its label wins.
    pub generic: bool,
    /// A keyword stands on the line of every match the entry counts (worked out by the build:
    /// every match begins with a literal holding one, or goes through a part that does; or
    /// every context word is a keyword, searched in every spelling the context check reads), so
    /// the entry runs only on the lines its keywords stand on; else on the whole text.
    pub line_local_keywords: bool,
}

/// Every catalog entry, in file order (`core/catalog/*.toml` by file name).
pub static CATALOG: &[Entry] = include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

/// The index in [`CATALOG`] of the entry named `name`.
#[must_use]
pub fn lookup(name: &str) -> Option<usize> {
    CATALOG.iter().position(|e| e.name == name)
}

/// [`CatalogCache::on`] of an entry no keyword marked.
const UNMARKED: usize = 0;
/// [`CatalogCache::on`] of an entry whose whole text is searched (a keyword in the key name, or
/// one of an entry that is not [`Entry::line_local_keywords`]).
const WHOLE: usize = usize::MAX;

/// The syntax catalog patterns are compiled with (as `core/build.rs` checks them): ASCII
/// classes and word boundaries, matching bytes.
fn syntax() -> syntax::Config {
    syntax::Config::new()
        .unicode(false)
        .utf8(false)
        .nest_limit(32)
}

/// Every validator's name.
pub fn validators() -> impl Iterator<Item = &'static str> {
    checksums::CHECKSUMS
        .iter()
        .chain(validate::VALIDATORS)
        .copied()
}

/// Whether `value` passes the named validator. An unknown name (which the build refuses)
/// passes nothing.
#[must_use]
pub fn validate(name: &str, value: &[u8]) -> bool {
    checksums::check(name, value)
        .or_else(|| validate::validate(name, value))
        .unwrap_or(false)
}

#[derive(Debug)]
struct Compiled {
    /// Index in [`CATALOG`].
    entry: &'static Entry,
    /// The policy detector it reports as.
    det: u32,
    re: Regex,
    /// The pattern has a group `v`: only it is masked.
    v: Option<usize>,
}

/// A keyword under 5 lower-case letters: as a context word it counts only as a word.
fn short_word(w: &str) -> bool {
    w.len() < 5 && w.bytes().all(|c| c.is_ascii_lowercase())
}

/// Most separators a context word has for it to be spelled every way the context check reads
/// it (4^n spellings); `core/build.rs` proves line-locality only for words within it.
pub const MAX_SPELLED_SEPARATORS: usize = 4;

/// The spellings a keyword is searched in: as written, and, when it has parts separated by
/// ` `, `_`, `-` or `.`, with each of those (or nothing) between every two parts. A context
/// word (`context`) is spelled with any of the four at each of its separators too, as the
/// context check reads it (`tax_file-number`, `T-Z-` for `t.z.`), if it has at most
/// [`MAX_SPELLED_SEPARATORS`].
fn spellings(k: &str, context: bool) -> Vec<String> {
    const SEPARATORS: [u8; 4] = [b' ', b'_', b'-', b'.'];
    let sep = |c: char| matches!(c, ' ' | '_' | '-' | '.');
    let parts: Vec<&str> = k.split(sep).filter(|p| !p.is_empty()).collect();
    let mut out = alloc::vec![String::from(k)];
    // Only words joined by separators: `glpat-` and `sk-proj-` are prefixes, spelled as is.
    if parts.len() > 1 && !k.starts_with(sep) && !k.ends_with(sep) {
        for joint in [" ", "_", "-", ".", ""] {
            let w = parts.join(joint);
            if !out.contains(&w) {
                out.push(w);
            }
        }
    }
    let at: Vec<usize> = k
        .bytes()
        .enumerate()
        .filter(|&(_, c)| SEPARATORS.contains(&c))
        .map(|(i, _)| i)
        .collect();
    if context && !at.is_empty() && at.len() <= MAX_SPELLED_SEPARATORS {
        for n in 0..(1usize << (2 * at.len())) {
            let mut w = k.as_bytes().to_vec();
            for (j, &i) in at.iter().enumerate() {
                if let (Some(c), Some(&s)) = (w.get_mut(i), SEPARATORS.get((n >> (2 * j)) & 3)) {
                    *c = s;
                }
            }
            if let Ok(w) = String::from_utf8(w)
                && !out.contains(&w)
            {
                out.push(w);
            }
        }
    }
    out
}

/// The name of a key as context words are looked for in it: lower case, separators as spaces,
/// and a space at each camelCase step (`taxFileNumber` → `tax file number`, `NHSNumber` →
/// `nhs number`).
pub(crate) fn fold_key(key: &str, out: &mut String) {
    out.clear();
    let b = key.as_bytes();
    for (i, c) in key.char_indices() {
        let a = match u8::try_from(c) {
            Ok(a) if a.is_ascii() => a.to_ascii_lowercase(),
            _ => {
                // Beyond ASCII: as written (context words compare bytes, ASCII case ignored).
                out.push(c);
                continue;
            }
        };
        if matches!(a, b' ' | b'_' | b'-' | b'.') {
            out.push(' ');
            continue;
        }
        let at = |j: Option<usize>| j.and_then(|j| b.get(j)).copied().unwrap_or(b' ');
        let (prev, next, after) = (at(i.checked_sub(1)), at(Some(i + 1)), at(Some(i + 2)));
        // `NHSNumber` → `nhs number`, but `SINs` stays `sins` (a plural, not a word).
        let plural = next == b's' && !after.is_ascii_alphabetic();
        if c.is_ascii_uppercase()
            && (prev.is_ascii_lowercase()
                || (prev.is_ascii_uppercase() && next.is_ascii_lowercase() && !plural))
        {
            out.push(' ');
        }
        out.push(char::from(a));
    }
}

impl Compiled {
    fn caches(&self) -> (Cache, Option<Captures>) {
        (
            self.re.create_cache(),
            self.v.map(|_| self.re.create_captures()),
        )
    }
}

/// The catalog entries of one policy, compiled.
#[derive(Debug)]
pub(crate) struct CatalogSet {
    entries: Vec<Compiled>,
    /// Every keyword, found ignoring ASCII case, the longest at each start (with a prefilter);
    /// the keywords that are prefixes of a hit are checked at its start too (`prefixes`).
    keywords: Option<aho_corasick::AhoCorasick>,
    /// Per keyword (as `keywords` numbers them): its text, the keywords that are prefixes of
    /// it, whether it must match as written (it has an upper-case letter: `SK`, `EAA`), the
    /// entries (indices into `entries`) that list it, and those for which it is a short
    /// context word (lower-case letters, under 5) that counts only as a word (`sin` in `SIN:`,
    /// not in `using`).
    words: Vec<String>,
    prefixes: Vec<Vec<u16>>,
    exact: Vec<bool>,
    owners: Vec<Vec<u16>>,
    as_word: Vec<Vec<u16>>,
    /// Entries without keywords, and their patterns as one search.
    always: Vec<u16>,
    shapes: Option<Regex>,
}

/// Working memory for [`CatalogSet::scan`]: each regex's cache is made the first time the
/// regex runs (most texts run a few entries of hundreds), so making one costs nothing.
#[derive(Debug, Default)]
pub(crate) struct CatalogCache {
    shapes: Option<Cache>,
    entries: Vec<Option<(Cache, Option<Captures>)>>,
    /// Per entry, for this scan: [`UNMARKED`], [`WHOLE`] (a keyword in the key name), or the
    /// end of the last line a keyword marked for it (all reset after each scan).
    on: Vec<usize>,
    /// The entries `on` marks, for this scan.
    marked: Vec<usize>,
    /// The lines to search, as `(entry, line start, line end)`, for this scan.
    lines: Vec<(usize, usize, usize)>,
    /// The key's name as context words are looked for in it ([`fold_key`]).
    key: String,
    /// Per key name, the entries (indices into `entries`) a keyword in it marks.
    key_marks: crate::memo::TwoWay<Vec<u16>>,
}

impl CatalogCache {
    /// Drops the key name of the last text scanned (its working memory outlives a call).
    pub(crate) fn forget_key(&mut self) {
        self.key = alloc::string::String::new();
    }

    /// The key names whose marks are kept (tests).
    #[cfg(test)]
    pub(crate) fn key_marks_texts(&self) -> Vec<String> {
        self.key_marks
            .texts()
            .map(|(_, k)| String::from(k))
            .collect()
    }

    /// Forgets what the key names `drop` picks mark.
    pub(crate) fn forget_keys(&mut self, drop: impl FnMut(&str) -> bool) {
        self.key_marks.forget(drop);
    }
}

impl CatalogSet {
    /// Compiles the catalog entries `chosen` (index in [`CATALOG`], the policy detector it
    /// reports as). Errors are the regex engine's (the build checked every pattern already).
    pub(crate) fn new(chosen: &[(usize, u32)]) -> Result<Self, alloc::string::String> {
        use alloc::string::ToString as _;
        let build = |pats: &[&str]| {
            Regex::builder()
                .syntax(syntax())
                .build_many(pats)
                .map_err(|e| e.to_string())
        };
        let mut entries = Vec::new();
        for &(i, det) in chosen {
            let Some(entry) = CATALOG.get(i) else {
                continue;
            };
            let re = build(&[entry.pattern])?;
            let v = re.group_info().to_index(PatternID::ZERO, "v");
            entries.push(Compiled { entry, det, re, v });
        }
        // Every keyword as written, and for one with separators (`tax id`) each spelling with
        // ` `, `_`, `-`, `.` or nothing between its parts (`tax_id`, `TAX-ID`, `taxid`); each
        // spelling with the entries listing it, and whether it counts only as a word for them.
        let mut spelled: BTreeMap<String, (Vec<u16>, Vec<u16>)> = BTreeMap::new();
        for (e, c) in entries.iter().enumerate() {
            let e = u16::try_from(e).unwrap_or(u16::MAX);
            for &k in c.entry.keywords {
                let context = c.entry.context.contains(&k);
                let word = short_word(k) && context;
                for w in spellings(k, context) {
                    let slot = spelled.entry(w).or_default();
                    let list = if word { &mut slot.1 } else { &mut slot.0 };
                    if !list.contains(&e) {
                        list.push(e);
                    }
                }
            }
        }
        let words: Vec<String> = spelled.keys().cloned().collect();
        let (owners, as_word): (Vec<Vec<u16>>, Vec<Vec<u16>>) = spelled.into_values().unzip();
        let exact = words
            .iter()
            .map(|w| w.bytes().any(|c| c.is_ascii_uppercase()))
            .collect();
        // Each word's prefixes among the words (ASCII case ignored), looked up by length: the
        // words are many (every spelling), so not every pair is compared.
        let mut by_lower: BTreeMap<String, Vec<u16>> = BTreeMap::new();
        for (k, w) in words.iter().enumerate() {
            by_lower
                .entry(w.to_ascii_lowercase())
                .or_default()
                .push(u16::try_from(k).unwrap_or(u16::MAX));
        }
        let prefixes = words
            .iter()
            .map(|w| {
                let w = w.to_ascii_lowercase();
                let mut found: Vec<u16> = (1..=w.len())
                    .filter_map(|n| w.get(..n).and_then(|p| by_lower.get(p)))
                    .flatten()
                    .copied()
                    .collect();
                found.sort_unstable();
                found
            })
            .collect();
        let keywords = if words.is_empty() {
            None
        } else {
            Some(
                aho_corasick::AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .build(&words)
                    .map_err(|e| e.to_string())?,
            )
        };
        let always: Vec<u16> = (0..entries.len())
            .filter(|&e| entries.get(e).is_some_and(|c| c.entry.keywords.is_empty()))
            .map(|e| u16::try_from(e).unwrap_or(u16::MAX))
            .collect();
        let shapes = if always.is_empty() {
            None
        } else {
            let pats: Vec<&str> = always
                .iter()
                .filter_map(|&e| entries.get(usize::from(e)).map(|c| c.entry.pattern))
                .collect();
            Some(build(&pats)?)
        };
        Ok(Self {
            entries,
            keywords,
            words,
            prefixes,
            exact,
            owners,
            as_word,
            always,
            shapes,
        })
    }

    /// No catalog type is selected (the walk then keeps no keys).
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn cache(&self) -> CatalogCache {
        CatalogCache::default()
    }

    /// Appends `(detector, start, end)` for every finding in `b`; `key` is the name of the key
    /// the text is stored under, if any (context for weak formats).
    pub(crate) fn scan(
        &self,
        b: &[u8],
        key: Option<&str>,
        cx: &mut CatalogCache,
        out: &mut Vec<(u32, usize, usize)>,
    ) {
        let n = self.entries.len();
        // `on` is all unmarked between scans (only the marked entries are reset), so a text
        // costs what it marks, not the number of entries.
        if cx.on.len() != n {
            cx.on.clear();
            cx.on.resize(n, UNMARKED);
        }
        let mut list = core::mem::take(&mut cx.marked);
        list.clear();
        let mut lines = core::mem::take(&mut cx.lines);
        lines.clear();
        let mut key = KeyContext {
            raw: key,
            folded: core::mem::take(&mut cx.key),
            ready: false,
        };
        if cx.entries.len() != n {
            cx.entries.clear();
            cx.entries.resize_with(n, || None);
        }
        // A keyword in the key name marks its entries for the whole text (what a key marks is
        // remembered: the same keys come in every record); one in the text, for the line it
        // stands on where that finds every match the entry counts (a match never crosses a
        // line), else for the whole text.
        let mut mark_whole = |e: usize, list: &mut Vec<usize>| {
            if let Some(on) = cx.on.get_mut(e) {
                if *on == UNMARKED {
                    list.push(e);
                }
                *on = WHOLE;
            }
        };
        if let Some(raw) = key.raw {
            let cached = raw.len() <= crate::memo::MAX_TEXT;
            if let Some(marks) = cx.key_marks.get(0, raw).filter(|_| cached) {
                for &e in marks {
                    mark_whole(usize::from(e), &mut list);
                }
            } else {
                let mut marks: Vec<u16> = Vec::new();
                self.keyword_entries(key.folded(), |e, _| {
                    marks.push(u16::try_from(e).unwrap_or(u16::MAX));
                });
                marks.sort_unstable();
                marks.dedup();
                for &e in &marks {
                    mark_whole(usize::from(e), &mut list);
                }
                if cached {
                    cx.key_marks.put(0, raw, |old| {
                        let mut v = old.unwrap_or_default();
                        v.clone_from(&marks);
                        v
                    });
                }
            }
        }
        // The line of the last keyword found in `b`.
        let mut line: Option<(usize, usize)> = None;
        self.keyword_entries(b, |e, start| {
            let Some(on) = cx.on.get_mut(e) else { return };
            if *on == UNMARKED {
                list.push(e);
            }
            let local = self
                .entries
                .get(e)
                .is_some_and(|c| c.entry.line_local_keywords);
            if !local {
                *on = WHOLE;
                return;
            }
            if *on == WHOLE || (*on != UNMARKED && *on > start) {
                // Its line is searched already.
                return;
            }
            let (s, t) = match line {
                Some(l) if start < l.1 => l,
                _ => *line.insert((line_start(b, start), line_end(b, start))),
            };
            lines.push((e, s, t));
            *on = t + 1;
        });
        // Entry by entry (in catalog order), each over its lines in order, or the whole text.
        list.sort_unstable();
        lines.sort_unstable();
        let mut next_line = 0;
        for &e in &list {
            let whole = cx.on.get_mut(e).map(|on| core::mem::replace(on, UNMARKED)) == Some(WHOLE);
            let first = next_line;
            while lines.get(next_line).is_some_and(|l| l.0 == e) {
                next_line += 1;
            }
            let (Some(c), Some(slot)) = (self.entries.get(e), cx.entries.get_mut(e)) else {
                continue;
            };
            let (cache, caps) = slot.get_or_insert_with(|| c.caches());
            let context_in_key = key.context(c);
            if whole {
                find_all(c, b, 0..b.len(), cache, caps.as_mut(), context_in_key, out);
                continue;
            }
            for &(_, s, t) in lines.get(first..next_line).unwrap_or_default() {
                find_all(c, b, s..t, cache, caps.as_mut(), context_in_key, out);
            }
        }
        cx.marked = list;
        cx.lines = lines;
        if let Some(shapes) = &self.shapes {
            let mut input = Input::new(b);
            while let Some(m) = shapes.search_with(
                cx.shapes.get_or_insert_with(|| shapes.create_cache()),
                &input,
            ) {
                for &e in &self.always {
                    let e = usize::from(e);
                    let (Some(c), Some(slot)) = (self.entries.get(e), cx.entries.get_mut(e)) else {
                        continue;
                    };
                    let (cache, caps) = slot.get_or_insert_with(|| c.caches());
                    let at = Input::new(b).range(m.start()..).anchored(Anchored::Yes);
                    if let Some((s, t)) = match_at(c, b, cache, caps.as_mut(), &at, key.context(c))
                    {
                        out.push((c.det, s, t));
                    }
                }
                // Another type may start inside what was found and run past it: every start is
                // tried (overlaps are settled by the caller).
                let next = m.start() + 1;
                if next > b.len() {
                    break;
                }
                input.set_start(next);
            }
        }
        cx.key = key.folded;
    }

    /// Calls `f(entry, start)` for each entry (index into `entries`) a keyword found in `hay`
    /// lists, with where the keyword starts: every keyword at once, ASCII case ignored, the
    /// longest at each start and the keywords that are prefixes of it; a keyword with an
    /// upper-case letter only as written, a short context word only as a word.
    fn keyword_entries(&self, hay: &[u8], mut f: impl FnMut(usize, usize)) {
        let Some(kw) = &self.keywords else { return };
        let mut at = 0;
        while let Some(m) = kw.find(aho_corasick::Input::new(hay).span(at..hay.len())) {
            let hits = self.prefixes.get(m.pattern().as_usize());
            for &k in hits.map_or(&[][..], Vec::as_slice) {
                let k = usize::from(k);
                let Some(w) = self.words.get(k) else { continue };
                let w = w.as_str();
                let end = m.start() + w.len();
                if self.exact.get(k) == Some(&true) && hay.get(m.start()..end) != Some(w.as_bytes())
                {
                    continue;
                }
                let word = word_boundary(hay, m.start()) && word_end(hay, end);
                let lists = [self.owners.get(k), self.as_word.get(k).filter(|_| word)];
                for &e in lists.into_iter().flatten().flatten() {
                    f(usize::from(e), m.start());
                }
            }
            at = m.start() + 1;
            if at > hay.len() {
                break;
            }
        }
    }
}

/// The name of the key a text is stored under, folded ([`fold_key`]) only when first needed:
/// most texts mark no entry with context words, and what the key marks is remembered.
struct KeyContext<'a> {
    raw: Option<&'a str>,
    folded: String,
    ready: bool,
}

impl KeyContext<'_> {
    fn folded(&mut self) -> &[u8] {
        if !self.ready {
            fold_key(self.raw.unwrap_or(""), &mut self.folded);
            self.ready = true;
        }
        self.folded.as_bytes()
    }

    /// Whether one of `c`'s context words stands in the key name as a word, as on the match's
    /// line (`sin` in `social_sin`, not in `business`).
    fn context(&mut self, c: &Compiled) -> bool {
        if self.raw.is_none() || c.entry.context.is_empty() {
            return false;
        }
        let k = self.folded();
        c.entry
            .context
            .iter()
            .any(|w| contains_word(k, 0, k.len(), w))
    }
}

/// Every finding of one entry in `b[span]`.
fn find_all(
    c: &Compiled,
    b: &[u8],
    span: core::ops::Range<usize>,
    cache: &mut Cache,
    mut caps: Option<&mut Captures>,
    in_key: bool,
    out: &mut Vec<(u32, usize, usize)>,
) {
    let mut input = Input::new(b).range(span);
    loop {
        let Some(m) = c.re.search_with(cache, &input) else {
            return;
        };
        let at = Input::new(b)
            .range(m.start()..m.end())
            .anchored(Anchored::Yes);
        // After a match that does not count, a candidate may start inside it (`2024 8217 1328
        // 6552` after `Aadhaar: 2024 `): go on from the next byte, not from its end.
        let next = match match_at(c, b, cache, caps.as_deref_mut(), &at, in_key) {
            Some((s, e)) => {
                out.push((c.det, s, e));
                m.end().max(m.start() + 1)
            }
            None => m.start() + 1,
        };
        if next > b.len() {
            return;
        }
        input.set_start(next);
    }
}

/// The finding of one entry matching at the start of `at`, checked: its validator and its
/// context.
fn match_at(
    c: &Compiled,
    b: &[u8],
    cache: &mut Cache,
    caps: Option<&mut Captures>,
    at: &Input<'_>,
    in_key: bool,
) -> Option<(usize, usize)> {
    let (whole, span) = match (c.v, caps) {
        (Some(v), Some(caps)) => {
            c.re.search_captures_with(cache, at, caps);
            let whole = caps.get_match()?;
            let g = caps.get_group(v)?;
            ((whole.start(), whole.end()), (g.start, g.end))
        }
        _ => {
            let m = c.re.search_with(cache, at)?;
            ((m.start(), m.end()), (m.start(), m.end()))
        }
    };
    if span.0 >= span.1 {
        return None;
    }
    let value = b.get(span.0..span.1)?;
    if let Some(v) = c.entry.validator
        && !validate(v, value)
    {
        return None;
    }
    if !c.entry.context.is_empty() && !in_key && !has_context(c.entry.context, b, whole) {
        return None;
    }
    Some(span)
}

/// Where the line of `b` that the byte at `i` stands on starts.
fn line_start(b: &[u8], i: usize) -> usize {
    b.get(..i)
        .and_then(|h| memchr::memrchr(b'\n', h))
        .map_or(0, |k| k + 1)
}

/// Where the line of `b` that the byte at `i` stands on ends (its `\n`, or the text's end).
fn line_end(b: &[u8], i: usize) -> usize {
    b.get(i..)
        .and_then(|t| memchr::memchr(b'\n', t))
        .map_or(b.len(), |k| i + k)
}

/// Whether a context word stands near `span` of `b`, on its line (text is masked line by line
/// when streamed: what stands on another line cannot count).
fn has_context(words: &[&str], b: &[u8], span: (usize, usize)) -> bool {
    let lo = span
        .0
        .saturating_sub(CONTEXT_BEFORE)
        .max(line_start(b, span.0));
    let hi = (span.1 + CONTEXT_AFTER).min(line_end(b, span.1));
    words
        .iter()
        .any(|w| contains_word(b, lo, span.0, w) || contains_word(b, span.1, hi, w))
}

/// A word boundary between `b[i - 1]` and `b[i]`: not two letters, or a camelCase step
/// (`userPassport`).
fn word_boundary(b: &[u8], i: usize) -> bool {
    match (i.checked_sub(1).and_then(|j| b.get(j)), b.get(i)) {
        (Some(x), Some(y)) if x.is_ascii_alphabetic() && y.is_ascii_alphabetic() => {
            // `userPassport`, and an acronym before a word: `NHS|Number`.
            (x.is_ascii_lowercase() && y.is_ascii_uppercase())
                || (x.is_ascii_uppercase()
                    && y.is_ascii_uppercase()
                    && b.get(i + 1).is_some_and(u8::is_ascii_lowercase))
        }
        // A letter beyond ASCII (its UTF-8 bytes) is a letter too: `né` is no word in
        // `Pénélope`.
        (Some(x), Some(y))
            if (*x >= 0x80 || x.is_ascii_alphabetic())
                && (*y >= 0x80 || y.is_ascii_alphabetic()) =>
        {
            false
        }
        _ => true,
    }
}

/// A word's end at `i`, a plural `s` allowed (`SINs`).
fn word_end(b: &[u8], i: usize) -> bool {
    word_boundary(b, i) || (matches!(b.get(i), Some(b's' | b'S')) && word_boundary(b, i + 1))
}

/// Whether `word` occurs in `b[from..to]` as a word: not after a letter, and, for words under 5
/// bytes, not before one (`aba` is not in `database`; `passport` is in `passportNumber`).
fn contains_word(b: &[u8], from: usize, to: usize, word: &str) -> bool {
    let w = word.as_bytes();
    let Some(h) = b.get(from..to) else {
        return false;
    };
    h.windows(w.len()).enumerate().any(|(k, x)| {
        let at = from + k;
        eq_words(x, w)
            && word_boundary(b, at)
            && (w.len() >= 5 || word_end(b, at + w.len()))
            && !in_placeholder(b, at, at + w.len())
    })
}

/// Whether `b[s..e]` lies inside a tamis placeholder such as `[us_passport]` (its own labels
/// are no context: masking twice must give what masking once gives).
fn in_placeholder(b: &[u8], s: usize, e: usize) -> bool {
    let label = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_';
    let open = b
        .get(..s)
        .map(|h| h.iter().rev().take_while(|c| label(c)).count())
        .is_some_and(|n| s.checked_sub(n + 1).and_then(|i| b.get(i)) == Some(&b'['));
    let close = b
        .get(e..)
        .map(|t| t.iter().take_while(|c| label(c)).count())
        .is_some_and(|n| b.get(e + n) == Some(&b']'));
    open && close
}

/// ASCII case ignored, and ` `, `_`, `-` and `.` taken as one (`tax id` is `tax_id`).
fn eq_words(a: &[u8], b: &[u8]) -> bool {
    let fold = |c: u8| match c {
        b' ' | b'_' | b'-' | b'.' => b' ',
        c => c.to_ascii_lowercase(),
    };
    a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| fold(x) == fold(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_compiles_and_names_a_known_validator() {
        let all: Vec<(usize, u32)> = (0..CATALOG.len()).map(|i| (i, 0)).collect();
        let set = CatalogSet::new(&all).expect("the catalog compiles");
        assert_eq!(set.entries.len(), CATALOG.len());
        for e in CATALOG {
            if let Some(v) = e.validator {
                assert!(validators().any(|n| n == v), "{}: {v}", e.name);
            }
        }
    }

    #[test]
    fn keywords_are_line_local_only_where_every_match_holds_one() {
        let local = |n: &str| {
            CATALOG
                .iter()
                .find(|e| e.name == n)
                .unwrap()
                .line_local_keywords
        };
        // Every match begins with a keyword, or holds one further on.
        assert!(local("openai_api_key"));
        assert!(local("gitlab_personal_access_token"));
        assert!(local("password_assignment"));
        // Every context word is a keyword, found in every spelling the context check reads.
        assert!(local("us_passport"));
        assert!(local("au_tfn"));
        // The keyword is the vendor's name, not part of the token's shape.
        assert!(!local("discord_bot_token"));
        assert!(!local("bitwarden_access_token"));
        assert!(CATALOG.iter().filter(|e| e.line_local_keywords).count() > 200);
    }

    #[test]
    fn what_a_key_name_marks_is_remembered_per_name() {
        let nhs = lookup("uk_nhs_number").expect("in the catalog");
        let set = CatalogSet::new(&[(nhs, 0)]).expect("compiles");
        let mut cx = set.cache();
        let found = |key: Option<&str>, cx: &mut CatalogCache| {
            let mut out = Vec::new();
            set.scan(b"9434765919", key, cx, &mut out);
            out.len()
        };
        // The first time worked out, then remembered; other names, and no name, mark nothing.
        for _ in 0..2 {
            assert_eq!(found(Some("NHSNumber"), &mut cx), 1);
            assert_eq!(found(Some("other"), &mut cx), 0);
            assert_eq!(found(None, &mut cx), 0);
            assert_eq!(found(Some("patient_nhs"), &mut cx), 1);
        }
        assert_eq!(cx.key_marks.texts().count(), 3);
        cx.forget_keys(|k| k == "other");
        assert_eq!(cx.key_marks.texts().count(), 2);
        assert_eq!(found(Some("NHSNumber"), &mut cx), 1);
    }
}
