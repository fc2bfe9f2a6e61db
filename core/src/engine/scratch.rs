//! Per-thread working memory ([`Scratch`]) and what the walk knows at one node: which rules
//! hold for the record, the path automaton's state sets, the rule a key selects.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use regex_automata::meta::Cache;

use crate::context::Context;
use crate::detect::{Detector, Kind, PluginDetect, WordScratch};
use crate::policy::Policy;
use crate::policy::select::{Target, glob_match, join_words, normalize_key};
use crate::report::Quarantine;

/// A span a detector found in a text, for a rule.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Finding {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) det: u32,
    pub(crate) rule: u32,
    pub(crate) rank: u32,
    /// The detector's position by name, so ties never depend on rule order.
    pub(crate) det_rank: u32,
    /// The span in the normalised view (built-in detectors on non-ASCII text), else `start..end`.
    pub(crate) view: Option<(usize, usize)>,
}

/// Reusable working memory for applying one policy. Keep one per thread to apply many records
/// without allocating; [`Policy::apply`] makes a fresh one each call. It holds pieces of the last
/// record (keys, a normalised copy of text), so its `Debug` shows sizes only.
pub struct Scratch {
    pub(crate) sets: Vec<u64>,
    pub(crate) active: Vec<bool>,
    /// Per rule, the `shift_date` offset in days of the record being walked (`None`: the
    /// record has no entity, or the rule is not `shift_date`).
    pub(crate) shift: Vec<Option<i64>>,
    pub(crate) any_detector: bool,
    /// A rule with `keys` is in force for the record.
    pub(crate) any_key_rule: bool,
    /// The record is known to be within the limits however it is walked (its text is within
    /// `max_record_bytes` and `max_string_bytes`, its nesting within `max_depth`), so an object
    /// member that no rule, key rule or detector can reach is not walked at all.
    pub(crate) skip_untouched: bool,
    pub(crate) stamp: u32,
    pub(crate) scope_stamp: Vec<u32>,
    pub(crate) except_stamp: Vec<u32>,
    pub(crate) spans: Vec<(usize, usize)>,
    pub(crate) findings: Vec<Finding>,
    pub(crate) accepted: Vec<Finding>,
    /// Where the replacements of the last masked text went in it.
    pub(crate) written: Vec<(usize, usize)>,
    pub(crate) holes: Vec<(usize, usize)>,
    pub(crate) norm: String,
    /// `norm` without its `_` (see `KeyGlob::joined`).
    pub(crate) joined: String,
    /// The key globs recently seen key names match (a function of the name alone: the same
    /// keys come in every item of an array and every record of a batch): for each name (at
    /// most [`KEY_CACHED_BYTES`]), the indices of the globs it matches.
    pub(crate) key_hits: crate::memo::TwoWay<Vec<u32>>,
    /// Keys no detector found anything in, each with the name of the key above it and which
    /// detector rules held (`Policy::clean_key`).
    pub(crate) clean_keys: crate::memo::TwoWay<()>,
    /// The names of the keys a detector found something in during this call (masked in the
    /// output): [`Scratch::forget_text`] forgets every cache entry of such a name. `None` once
    /// more than [`DIRTY_KEYS`] were seen: then every cache is forgotten.
    pub(crate) dirty_keys: Option<Vec<String>>,
    /// The key being looked up in `clean_keys`, after the name of the key above it.
    pub(crate) key_probe: String,
    /// The last `find` ran its detectors and none found anything (before allowed values and
    /// placeholders were taken out, which depend on more than the text).
    pub(crate) scanned_clean: bool,
    pub(crate) view: String,
    pub(crate) view_map: Vec<usize>,
    pub(crate) det_on: Vec<bool>,
    pub(crate) words: WordScratch,
    pub(crate) tagged: Vec<(Kind, usize, usize)>,
    /// Catalog findings `(detector, start, end)` of the text being scanned.
    pub(crate) catalog_found: Vec<(u32, usize, usize)>,
    pub(crate) catalog: Option<Box<crate::detect::catalog::CatalogCache>>,
    /// The keys from the record's root to the value being walked, each after a `\u{1}`
    /// (kept only when a catalog detector has context words): the last is context.
    pub(crate) keys: String,
    pub(crate) path: String,
    pub(crate) caches: Vec<Option<Cache>>,
    pub(crate) record_bytes: u64,
    pub(crate) quarantine: Option<Quarantine>,
    /// Per `[[retention]]` rule: expired for the current record.
    pub(crate) expired: Vec<bool>,
    /// Per `[[summarize]]` rule: its `when` holds.
    pub(crate) sum_active: Vec<bool>,
    /// The line a text stream released before the text being masked (`person_name`'s cue for
    /// a name on the text's first line); empty elsewhere.
    pub(crate) line_before: String,
    /// Masked text is being scanned again (`person_name` takes no cue from a line above).
    pub(crate) rescan: bool,
    /// The key a value is stored under, folded (`person_name`'s cue).
    pub(crate) key_fold: String,
    /// `ext:` detector calls that failed since the tally last took them.
    pub(crate) detector_failures: u64,
    /// Numbered placeholders given in the record (or the session) being masked.
    pub(crate) placeholders: crate::engine::placeholders::Placeholders,
    /// Runs `plugin:<id>` detectors (installed by a host that runs plugins).
    pub(crate) plugin_detect: Option<Box<dyn PluginDetect>>,
    /// Defers the values of `plugin:<id>` actions (installed by a host that runs plugins).
    pub(crate) plugin_transform: Option<Box<dyn crate::stages::plugins::PluginTransform>>,
    /// The streaming path's key spans and rule hits (see `stream`).
    pub(crate) stream_keys: Vec<(usize, usize)>,
    pub(crate) stream_hits: Vec<u32>,
    /// While collecting what the policy protects (`Policy::protected_values`): the original
    /// text of every value and span the walk masks.
    pub(crate) protect: Option<Vec<String>>,
    /// The [`Policy`] this was made for (its serial).
    pub(crate) policy: u32,
}

impl Scratch {
    /// Drops every buffer that held text of the last call (the normalised view, keys, the path,
    /// findings): a binding that keeps the working memory between calls keeps its caches, not
    /// the last record. The caches of key names stay, but for every name a detector found
    /// something in (and every entry under such a name): a key name no detector finds anything
    /// in is written out as it is, so keeping it exposes nothing the output does not; the
    /// others are forgotten with the text.
    pub fn forget_text(&mut self) {
        match self.dirty_keys.as_mut() {
            Some(dirty) if dirty.is_empty() => {}
            Some(dirty) => {
                dirty.sort_unstable();
                dirty.dedup();
                let is_dirty =
                    |name: &str| dirty.binary_search_by(|d| d.as_str().cmp(name)).is_ok();
                self.key_hits.forget(is_dirty);
                // A clean key's entry holds the name of the key above it too.
                self.clean_keys
                    .forget(|probe| probe.split('\u{1}').any(is_dirty));
                if let Some(cx) = self.catalog.as_mut() {
                    cx.forget_keys(is_dirty);
                }
                dirty.clear();
            }
            None => {
                self.key_hits.clear();
                self.clean_keys.clear();
                if let Some(cx) = self.catalog.as_mut() {
                    cx.forget_keys(|_| true);
                }
                self.dirty_keys = Some(Vec::new());
            }
        }
        self.key_probe = String::new();
        self.key_fold = String::new();
        self.words.forget();
        if let Some(cx) = self.catalog.as_mut() {
            cx.forget_key();
        }
        self.view = String::new();
        self.view_map = Vec::new();
        self.norm = String::new();
        self.joined = String::new();
        self.keys = String::new();
        self.path = String::new();
        self.findings.clear();
        self.accepted.clear();
        self.written.clear();
        self.holes.clear();
        self.spans.clear();
        self.tagged.clear();
        self.catalog_found.clear();
        self.protect = None;
        self.line_before = String::new();
        // The values numbered in the last record (a session's are never here between calls).
        self.placeholders = crate::engine::placeholders::Placeholders::default();
    }

    /// Working memory sized for `policy`.
    #[must_use]
    pub fn new(policy: &Policy) -> Self {
        let words = policy.paths.words();
        let depth = policy.doc.limits.max_depth as usize + 2;
        Self {
            sets: vec![0; words * depth],
            active: vec![false; policy.rules.len()],
            shift: vec![None; policy.rules.len()],
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
            key_hits: crate::memo::TwoWay::default(),
            clean_keys: crate::memo::TwoWay::default(),
            dirty_keys: Some(Vec::new()),
            key_probe: String::new(),
            scanned_clean: false,
            joined: String::new(),
            view: String::new(),
            view_map: Vec::new(),
            det_on: Vec::new(),
            words: WordScratch::default(),
            tagged: Vec::new(),
            catalog_found: Vec::new(),
            catalog: (!policy.catalog.is_empty()).then(|| Box::new(policy.catalog.cache())),
            keys: String::new(),
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
            placeholders: crate::engine::placeholders::Placeholders::default(),
            detector_failures: 0,
            key_fold: String::new(),
            line_before: String::new(),
            rescan: false,
            plugin_detect: None,
            plugin_transform: None,
            stream_keys: Vec::new(),
            stream_hits: Vec::new(),
            protect: None,
            policy: policy.serial,
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

    /// Installs what defers the values of the policy's `plugin:<id>` actions (or removes it
    /// with `None`), and returns what was installed before. Without one, such values become
    /// `[tamis:plugin_error]`.
    pub fn set_plugin_transform(
        &mut self,
        transform: Option<Box<dyn crate::stages::plugins::PluginTransform>>,
    ) -> Option<Box<dyn crate::stages::plugins::PluginTransform>> {
        core::mem::replace(&mut self.plugin_transform, transform)
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
    pub(crate) depth: usize,
    pub(crate) inherited: Option<u32>,
    pub(crate) key_rule: Option<u32>,
    pub(crate) known: Option<NodeInfo>,
}

impl At {
    /// The record root.
    pub(crate) const ROOT: At = At {
        depth: 0,
        inherited: None,
        key_rule: None,
        known: None,
    };
}

/// What holds at one node: the best path-selected rule and whether `[[allow]] paths` cover it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NodeInfo {
    pub(crate) rule: Option<u32>,
    pub(crate) allow: bool,
    pub(crate) stamp: u32,
    /// The first `[[summarize]]` rule (in policy order) selecting this node, when active.
    pub(crate) summarize: Option<u32>,
}

impl Policy {
    pub(crate) fn rank(&self, r: u32) -> u32 {
        self.rules.get(r as usize).map_or(u32::MAX, |r| r.rank)
    }

    pub(crate) fn best(&self, a: Option<u32>, b: Option<u32>) -> Option<u32> {
        match (a, b) {
            (Some(x), Some(y)) => Some(if self.rank(y) < self.rank(x) { y } else { x }),
            (x, None) => x,
            (None, y) => y,
        }
    }

    /// Prepares the walk of one record: which rules hold for the context and the record's type,
    /// and which retention rules have expired (`sx.expired`, filled by the caller; missing
    /// entries count as expired).
    pub(crate) fn begin(&self, ctx: &Context, record_type: Option<&str>, sx: &mut Scratch) {
        sx.any_detector = false;
        sx.placeholders.new_record();
        if self.shifts {
            sx.shift.fill(None);
        }
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
    pub(crate) fn reset_walk(&self, sx: &mut Scratch) {
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

    pub(crate) fn key_rule(&self, key: &str, sx: &mut Scratch) -> Option<u32> {
        if self.key_globs.is_empty() {
            return None;
        }
        if key.len() > KEY_CACHED_BYTES {
            return self.key_rule_uncached(key, sx);
        }
        if let Some(hits) = sx.key_hits.get(0, key) {
            return self.best_key_rule(hits, &sx.active);
        }
        let split = normalize_for_globs(key, sx);
        let hits: Vec<u32> = (0u32..)
            .zip(&self.key_globs)
            .filter(|(_, g)| glob_matches(g, split, sx))
            .map(|(i, _)| i)
            .collect();
        let best = self.best_key_rule(&hits, &sx.active);
        sx.key_hits.put(0, key, |_| hits);
        best
    }

    /// [`Policy::key_rule`] of a key too long to remember: only the globs of active rules that
    /// could win are matched.
    fn key_rule_uncached(&self, key: &str, sx: &mut Scratch) -> Option<u32> {
        let split = normalize_for_globs(key, sx);
        let mut best = None;
        for g in &self.key_globs {
            let r = g.rule;
            if sx.active.get(r as usize) == Some(&true)
                && (best.is_none() || self.rank(r) < self.rank(best.unwrap_or(r)))
                && glob_matches(g, split, sx)
            {
                best = Some(r);
            }
        }
        best
    }

    /// The strongest active rule among key globs `hits`.
    fn best_key_rule(&self, hits: &[u32], active: &[bool]) -> Option<u32> {
        let mut best = None;
        for &i in hits {
            let Some(g) = self.key_globs.get(i as usize) else {
                continue;
            };
            let r = g.rule;
            if active.get(r as usize) == Some(&true)
                && (best.is_none() || self.rank(r) < self.rank(best.unwrap_or(r)))
            {
                best = Some(r);
            }
        }
        best
    }
}

/// A key as key globs read it, into `sx.norm` (and, when it has words split by `_`, `sx.joined`
/// without them): whether it has.
fn normalize_for_globs(key: &str, sx: &mut Scratch) -> bool {
    normalize_key(key, &mut sx.norm);
    let split = sx.norm.contains('_');
    if split {
        join_words(&sx.norm, &mut sx.joined);
    }
    split
}

/// Whether key glob `g` matches the key [`normalize_for_globs`] left in `sx`.
fn glob_matches(g: &crate::policy::rule::KeyGlob, split: bool, sx: &Scratch) -> bool {
    glob_match(&g.glob, &sx.norm) || split && g.joined && glob_match(&g.glob, &sx.joined)
}

/// Most names of keys a detector found something in that one call notes for
/// [`Scratch::forget_text`]; past them, it forgets every cache.
pub(crate) const DIRTY_KEYS: usize = 1024;

/// Longest key name [`Scratch::key_hits`] remembers (bytes).
const KEY_CACHED_BYTES: usize = 64;

#[cfg(test)]
mod tests {
    use super::Scratch;
    use crate::Policy;
    use alloc::vec::Vec;

    #[test]
    fn key_globs_are_remembered_per_name() {
        let policy = Policy::from_toml(
            "version = 1\nname = \"k\"\n[[rule]]\nid = \"p\"\nkeys = [\"*password*\"]\naction = \"redact\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut sx = Scratch::new(&policy);
        policy.begin(&crate::Context::default(), None, &mut sx);
        let long = alloc::format!("{}password", "x".repeat(64));
        // The same answer the first time and from the cache, whatever the order.
        for _ in 0..2 {
            assert_eq!(policy.key_rule("userPassword", &mut sx), Some(0));
            assert_eq!(policy.key_rule("user_id", &mut sx), None);
            assert_eq!(policy.key_rule("PASS-WORD@x.example", &mut sx), Some(0));
            assert_eq!(policy.key_rule(&long, &mut sx), Some(0));
        }
        let kept: Vec<&str> = sx.key_hits.texts().map(|(_, k)| k).collect();
        assert!(kept.contains(&"userPassword") && kept.contains(&"PASS-WORD@x.example"));
        assert!(!kept.contains(&long.as_str()));
    }

    #[test]
    fn names_a_detector_found_something_in_are_forgotten_with_the_text() {
        let policy = Policy::from_toml(
            "version = 1\nname = \"k\"\n\
             [[rule]]\nid = \"p\"\nkeys = [\"*password*\"]\naction = \"redact\"\n\
             [[rule]]\nid = \"d\"\ndetect = [\"email\", \"uk_nhs_number\"]\naction = \"replace\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut run = policy.run(crate::Context::default());
        // A key holding `sx.keys`' separator: the key above its children is its last piece.
        let mut record = serde_json::json!({
            "userPassword": "x",
            "jane@example.com": {"nhs": "9434765919", "x": 1},
            "a\u{1}kim@example.com": {"x": 1},
        });
        let _ = run.tree(&mut record);
        let text = alloc::string::ToString::to_string(&record);
        assert!(
            !text.contains("jane@") && !text.contains("kim@") && !text.contains("9434765919"),
            "{text}"
        );
        let mut sx = run.into_scratch();
        let names = |sx: &mut Scratch| {
            let mut all: Vec<alloc::string::String> = sx
                .key_hits
                .texts()
                .chain(sx.clean_keys.texts())
                .map(|(_, k)| alloc::string::String::from(k))
                .collect();
            if let Some(cx) = sx.catalog.as_mut() {
                all.extend(cx.key_marks_texts());
            }
            all
        };
        let before = names(&mut sx);
        assert!(before.iter().any(|k| k.contains("jane@")), "{before:?}");
        assert!(before.iter().any(|k| k.contains("kim@")), "{before:?}");
        sx.forget_text();
        let kept = names(&mut sx);
        assert!(
            !kept
                .iter()
                .any(|k| k.contains("jane@") || k.contains("kim@")),
            "{kept:?}"
        );
        assert!(kept.iter().any(|k| k == "userPassword"), "{kept:?}");
        // Past `DIRTY_KEYS` such names in one call, every cache is forgotten.
        let mut run = policy.run_reusing(crate::Context::default(), sx);
        let mut many = serde_json::Map::new();
        for i in 0..=super::DIRTY_KEYS {
            many.insert(
                alloc::format!("u{i}@example.com"),
                serde_json::Value::from(1),
            );
        }
        let mut record = serde_json::Value::Object(many);
        let _ = run.tree(&mut record);
        let mut sx = run.into_scratch();
        assert!(sx.dirty_keys.is_none());
        sx.forget_text();
        assert!(names(&mut sx).is_empty());
        assert_eq!(sx.dirty_keys, Some(Vec::new()));
    }

    #[test]
    fn keys_are_remembered_as_clean_with_the_key_above_and_the_rules_that_held() {
        let policy = Policy::from_toml(
            "version = 1\nname = \"c\"\n\
             [[rule]]\nid = \"nhs\"\ndetect = [\"uk_nhs_number\"]\naction = \"replace\"\n\
             [[rule]]\nid = \"mail\"\ndetect = [\"email\"]\nscope = [\"a.b.**\"]\naction = \"replace\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut run = policy.run(crate::Context::default());
        // First where nothing finds them: no `nhs` above the number, the email out of the
        // email rule's scope; both are remembered as clean there.
        let record =
            serde_json::json!({"other": {"9434765919": 1}, "x": {"b": {"x@example.com": 2}}});
        let mut first = record.clone();
        let _ = run.tree(&mut first);
        assert_eq!(first, record);
        let mut sx = run.into_scratch();
        assert_eq!(sx.clean_keys.texts().count(), 5);
        // Then where a context word stands above the number and the email rule holds: found.
        let mut run = policy.run_reusing(crate::Context::default(), sx);
        let mut second = serde_json::json!({
            "nhs": {"9434765919": 1},
            "a": {"b": {"x@example.com": 2}},
            "other": {"9434765919": 1},
        });
        let _ = run.tree(&mut second);
        let text = alloc::string::ToString::to_string(&second);
        assert_eq!(text.matches("9434765919").count(), 1, "{text}");
        assert!(!text.contains("x@example.com"), "{text}");
        // A key in which something was found is never remembered as clean; before the call
        // ends, its entries are.
        sx = run.into_scratch();
        let kept: Vec<&str> = sx.clean_keys.texts().map(|(_, k)| k).collect();
        assert!(kept.contains(&"other\u{1}9434765919"), "{kept:?}");
        assert!(!kept.contains(&"nhs\u{1}9434765919"), "{kept:?}");
        assert_eq!(
            kept.iter().filter(|k| **k == "b\u{1}x@example.com").count(),
            1
        );
        // The call's end forgets every entry of a name something was found in, anywhere; the
        // other clean keys outlive it.
        sx.forget_text();
        let kept: Vec<&str> = sx.clean_keys.texts().map(|(_, k)| k).collect();
        assert!(
            !kept
                .iter()
                .any(|k| k.contains("9434765919") || k.contains("x@")),
            "{kept:?}"
        );
        assert!(
            kept.contains(&"\u{1}other") && kept.contains(&"x\u{1}b"),
            "{kept:?}"
        );
        assert!(sx.key_probe.is_empty());
    }
}
