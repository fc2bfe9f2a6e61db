//! What an application did: counts only, never a value.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use serde::Serialize;
use serde_json::Value;

use crate::Policy;

/// Why a record was quarantined (its output replaced by a quarantine marker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quarantine {
    /// The input was not valid JSON (or not UTF-8).
    InvalidJson,
    /// The record is larger than `max_record_bytes`.
    TooLarge,
    /// A key is longer than `max_string_bytes`.
    KeyTooLarge,
    /// The policy has `[[plugin]]`s and this front end does not run them.
    PluginUnavailable,
    /// Something inside tamis failed while applying the record (never expected; fail closed).
    InternalError,
    /// The process ran out of memory while applying the record (see `tamis-reserve`).
    OutOfMemory,
}

impl Quarantine {
    /// The reason as written in quarantine markers and reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidJson => "invalid_json",
            Self::TooLarge => "too_large",
            Self::KeyTooLarge => "key_too_large",
            Self::PluginUnavailable => "plugin_unavailable",
            Self::InternalError => "internal_error",
            Self::OutOfMemory => "out_of_memory",
        }
    }
}

/// Why a record was dropped (nothing is written for it; the report counts it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DropReason {
    /// `[access]`: the context has no role that may see the record's trace type.
    Access,
    /// `[[retention]]` on `$`: the record is older than `max_age` (or has no readable time).
    Retention,
}

impl DropReason {
    /// The reason as written in reports and in test markers.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Retention => "retention",
        }
    }
}

/// What became of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Disposition {
    /// Written out (masked as the policy says).
    Kept,
    /// Replaced by a quarantine marker.
    Quarantined(Quarantine),
    /// Not written at all.
    Dropped(DropReason),
}

/// Running counts over one or many applications; turn into a [`Report`] with
/// [`Tally::report`]. Indexed by rule and detector, so counting never allocates.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub(crate) records_in: u64,
    pub(crate) records_out: u64,
    pub(crate) quarantined: u64,
    pub(crate) dropped_access: u64,
    pub(crate) dropped_retention: u64,
    /// Records dropped, per `[[retention]]` rule.
    pub(crate) retention_records: Vec<u64>,
    /// Records whose time had no zone (and the rule no `assume_timezone`), per rule.
    pub(crate) retention_no_time_zone: Vec<u64>,
    /// Arrays summarised, per `[[summarize]]` rule.
    pub(crate) summaries: Vec<u64>,
    pub(crate) rule_hits: Vec<u64>,
    pub(crate) detector_hits: Vec<u64>,
    pub(crate) too_deep: u64,
    pub(crate) too_large: u64,
    pub(crate) other_objects: u64,
    /// Values a keyed action could not transform (written as a marker instead), per
    /// [`KEYED_FAILURES`] name.
    pub(crate) keyed_failures: [u64; 4],
    /// Texts an `ext:` function failed on (each masked whole).
    pub(crate) detector_failures: u64,
    /// Hits per (path, rule index), when paths are counted.
    pub(crate) path_hits: BTreeMap<(String, u32), u64>,
    /// Findings per (detector index, path), when paths are counted.
    pub(crate) detector_path_hits: BTreeMap<(u32, String), u64>,
    pub(crate) record_paths: bool,
    pub(crate) dropped_plugin: u64,
    /// Outcomes per plugin id: `batches`, `dropped`, `replaced`, failure kinds, `logs_dropped`.
    pub(crate) plugins: BTreeMap<String, BTreeMap<String, u64>>,
}

/// What a report counts for each plugin, under `plugins.<id>.<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PluginCount {
    /// Batches the plugin was called with.
    Batches,
    /// Records it dropped (its verdict, or `on_error = "drop"`).
    Dropped,
    /// Records it replaced.
    Replaced,
    /// Calls of its `detect` export.
    DetectCalls,
    /// Calls of its `transform` export (one per batch with values for it).
    TransformCalls,
    /// Values it transformed.
    Transformed,
    /// Log lines over the cap of a call, dropped.
    LogsDropped,
    /// Log lines withheld: they held a value the policy protects.
    LogsWithheld,
    /// Values or keys in its replacements that revealed a protected value, masked.
    RevealedMasked,
    /// A failure of this kind (`fuel`, `timeout`, `memory`, `trap`, ...).
    Failure(&'static str),
}

impl PluginCount {
    /// The counter's name in reports.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Batches => "batches",
            Self::Dropped => "dropped",
            Self::Replaced => "replaced",
            Self::DetectCalls => "detect_calls",
            Self::TransformCalls => "transform_calls",
            Self::Transformed => "transformed",
            Self::LogsDropped => "logs_dropped",
            Self::LogsWithheld => "logs_withheld",
            Self::RevealedMasked => "revealed_masked",
            Self::Failure(kind) => kind,
        }
    }
}

impl Tally {
    /// Counts a record that a plugin dropped (by its verdict or by `on_error = "drop"`).
    pub fn count_plugin_drop(&mut self) {
        self.dropped_plugin += 1;
    }

    /// Counts as dropped by a plugin a record that [`crate::Run::admitted`] counted as
    /// `was` (a host that drops it after all: a plugin's `detect` failed with
    /// `on_error = "drop"` while the record was masked). `false` when `was` is a drop already
    /// (counted as such).
    pub fn recount_as_plugin_drop(&mut self, was: Disposition) -> bool {
        match was {
            Disposition::Kept => self.records_out = self.records_out.saturating_sub(1),
            Disposition::Quarantined(_) => self.quarantined = self.quarantined.saturating_sub(1),
            Disposition::Dropped(_) => return false,
        }
        self.dropped_plugin += 1;
        true
    }

    /// Counts a record in that a host hands on (to plugins) before any stage of the policy
    /// ran; [`crate::Run::admitted`] then applies it without counting it again.
    pub fn count_in(&mut self) {
        self.records_in += 1;
    }

    /// Counts a record already counted in as quarantined (a host that finds it cannot be
    /// applied after all).
    pub fn count_quarantined(&mut self) {
        self.quarantined += 1;
    }

    /// Counts as quarantined a record that was counted as kept (its output could not be
    /// written: no memory).
    pub(crate) fn recount_kept_as_quarantined(&mut self) {
        self.records_out = self.records_out.saturating_sub(1);
        self.quarantined += 1;
    }

    /// Adds `n` to the plugin `id`'s counter `what`. Reports list them under `plugins.<id>`.
    pub fn count_plugin(&mut self, id: &str, what: PluginCount, n: u64) {
        let what = what.name();
        // Called per record: no allocation once the counter exists.
        if let Some(c) = self.plugins.get_mut(id).and_then(|m| m.get_mut(what)) {
            *c += n;
            return;
        }
        *self
            .plugins
            .entry(String::from(id))
            .or_default()
            .entry(String::from(what))
            .or_insert(0) += n;
    }

    /// An empty tally for `policy`; `paths` counts hits per path too.
    #[must_use]
    pub fn new(policy: &Policy, paths: bool) -> Self {
        Self {
            rule_hits: vec![0; policy.rules.len()],
            detector_hits: vec![0; policy.detectors.len()],
            retention_records: vec![0; policy.retention.len()],
            retention_no_time_zone: vec![0; policy.retention.len()],
            summaries: vec![0; policy.summaries.len()],
            record_paths: paths || policy.doc.report.paths,
            ..Self::default()
        }
    }

    /// Adds the counts of `other`, a tally of the same policy (a text stream's, a worker's).
    pub fn absorb(&mut self, other: &Tally) {
        self.records_in += other.records_in;
        self.records_out += other.records_out;
        self.quarantined += other.quarantined;
        self.dropped_access += other.dropped_access;
        self.dropped_retention += other.dropped_retention;
        self.dropped_plugin += other.dropped_plugin;
        self.too_deep += other.too_deep;
        self.too_large += other.too_large;
        self.other_objects += other.other_objects;
        for (a, b) in self.keyed_failures.iter_mut().zip(other.keyed_failures) {
            *a += b;
        }
        self.detector_failures += other.detector_failures;
        for (mine, theirs) in [
            (&mut self.retention_records, &other.retention_records),
            (
                &mut self.retention_no_time_zone,
                &other.retention_no_time_zone,
            ),
            (&mut self.summaries, &other.summaries),
            (&mut self.rule_hits, &other.rule_hits),
            (&mut self.detector_hits, &other.detector_hits),
        ] {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
        for (k, n) in &other.path_hits {
            *self.path_hits.entry(k.clone()).or_insert(0) += n;
        }
        for (k, n) in &other.detector_path_hits {
            *self.detector_path_hits.entry(k.clone()).or_insert(0) += n;
        }
        for (id, counts) in &other.plugins {
            let mine = self.plugins.entry(id.clone()).or_default();
            for (what, n) in counts {
                *mine.entry(what.clone()).or_insert(0) += n;
            }
        }
    }

    /// Counts a value that a keyed action wrote as `marker` (one of [`KEYED_FAILURES`]'s).
    pub(crate) fn count_marker(&mut self, marker: &str) {
        if let Some(i) = KEYED_FAILURES.iter().position(|(_, m)| *m == marker)
            && let Some(n) = self.keyed_failures.get_mut(i)
        {
            *n += 1;
        }
    }

    pub(crate) fn hit_rule(&mut self, rule: u32, path: &str) {
        if let Some(h) = self.rule_hits.get_mut(rule as usize) {
            *h += 1;
        }
        if self.record_paths {
            *self
                .path_hits
                .entry((String::from(path), rule))
                .or_insert(0) += 1;
        }
    }

    pub(crate) fn hit_detector(&mut self, det: u32, path: &str) {
        if let Some(h) = self.detector_hits.get_mut(det as usize) {
            *h += 1;
        }
        if self.record_paths {
            *self
                .detector_path_hits
                .entry((det, String::from(path)))
                .or_insert(0) += 1;
        }
    }

    /// Counts a record that was read but could not be given to core's apply at all (a line
    /// that is not UTF-8, or longer than the reader's bound): it is quarantined.
    pub fn count_quarantined_input(&mut self) {
        self.records_in += 1;
        self.quarantined += 1;
    }

    /// Hits of each rule, by index in policy order.
    #[must_use]
    pub fn rule_hits(&self) -> &[u64] {
        &self.rule_hits
    }

    /// Whether hits are also counted per path (`[report] paths`, `--report-paths`): then the
    /// tally grows with the distinct paths seen over the whole run.
    #[must_use]
    pub fn counts_paths(&self) -> bool {
        self.record_paths
    }

    /// Builds the report.
    #[must_use]
    pub fn report(&self, policy: &Policy) -> Report {
        let mut rules = BTreeMap::new();
        let mut retention = BTreeMap::new();
        for (r, &n) in policy.rules.iter().zip(&self.rule_hits) {
            match r.retention {
                None => rules.insert(r.id.clone(), n),
                Some(_) => retention.insert(r.id.clone(), n),
            };
        }
        for (r, &n) in policy.retention.iter().zip(&self.retention_records) {
            if r.whole_record {
                retention.insert(r.id.clone(), n);
            }
        }
        let retention_without_time_zone = policy
            .retention
            .iter()
            .zip(&self.retention_no_time_zone)
            .filter(|&(_, &n)| n > 0)
            .map(|(r, &n)| (r.id.clone(), n))
            .collect();
        let summaries = policy
            .summaries
            .iter()
            .zip(&self.summaries)
            .map(|(s, &n)| (s.render.rule.clone(), n))
            .collect();
        // Every detector the policy names is listed, found or not; of the catalog types a group
        // selects (hundreds), only those that found something.
        let mut detectors = BTreeMap::new();
        for (d, &n) in policy.detectors.iter().zip(&self.detector_hits) {
            if n > 0 || !matches!(d.detector, crate::detect::Detector::Catalog(_)) {
                *detectors.entry(d.name.clone()).or_insert(0) += n;
            }
        }
        let paths = self.record_paths.then(|| {
            let mut out: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
            for ((path, rule), &n) in &self.path_hits {
                if let Some(r) = policy.rules.get(*rule as usize) {
                    *out.entry(path.clone())
                        .or_default()
                        .entry(r.id.clone())
                        .or_insert(0) += n;
                }
            }
            out
        });
        let detector_paths = self.record_paths.then(|| {
            let mut out: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
            for ((det, path), &n) in &self.detector_path_hits {
                if let Some(d) = policy.detectors.get(*det as usize) {
                    *out.entry(d.name.clone())
                        .or_default()
                        .entry(path.clone())
                        .or_insert(0) += n;
                }
            }
            out
        });
        Report {
            policy: PolicyRef {
                name: policy.name().into(),
                id: policy.id().into(),
            },
            records: Records {
                input: self.records_in,
                output: self.records_out,
                dropped_retention: self.dropped_retention,
                dropped_access: self.dropped_access,
                dropped_plugin: self.dropped_plugin,
                quarantined: self.quarantined,
            },
            rules,
            detectors,
            retention,
            retention_without_time_zone,
            summaries,
            plugins: self.plugins.clone(),
            limits: LimitHits {
                too_deep: self.too_deep,
                too_large: self.too_large,
            },
            other_objects: self.other_objects,
            failures: KEYED_FAILURES
                .iter()
                .zip(self.keyed_failures)
                .map(|((name, _), n)| (*name, n))
                .chain([("detector", self.detector_failures)])
                .filter(|(_, n)| *n > 0)
                .map(|(name, n)| (String::from(name), n))
                .collect(),
            paths,
            detector_paths,
        }
    }
}

/// The first members of every audit event: `event`, `time` (the caller's, RFC 3339),
/// `policy` (name and id) and `context` (roles, purpose, type: the labels the caller gave).
pub(crate) fn audit_head(
    event: &str,
    policy: &PolicyRef,
    ctx: &crate::Context,
    time: crate::time::EpochMillis,
) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::{Value, json};
    let mut m = serde_json::Map::new();
    m.insert(String::from("event"), Value::String(String::from(event)));
    m.insert(
        String::from("time"),
        Value::String(crate::time::format_rfc3339(time)),
    );
    m.insert(
        String::from("policy"),
        json!({"name": policy.name, "id": policy.id}),
    );
    m.insert(
        String::from("context"),
        json!({"roles": ctx.roles, "purpose": ctx.purpose, "type": ctx.record_type}),
    );
    m
}

impl Report {
    /// The audit event of an application or a batch: `event` (`"apply"`), the caller's `time`,
    /// the policy, the context's roles and purpose, then the report's counts (records in, out,
    /// dropped by access, retention or a plugin, quarantined; hits per rule and detector;
    /// retention, summaries, limits, failures). Never a value, never a token, never a path.
    #[must_use]
    pub fn audit_event(
        &self,
        ctx: &crate::Context,
        time: crate::time::EpochMillis,
    ) -> serde_json::Value {
        let mut m = audit_head("apply", &self.policy, ctx, time);
        if let Ok(serde_json::Value::Object(body)) = serde_json::to_value(self) {
            for (k, v) in body {
                if !matches!(k.as_str(), "policy" | "paths" | "detector_paths") {
                    m.insert(k, v);
                }
            }
        }
        serde_json::Value::Object(m)
    }
}

/// The names reports give the markers of keyed actions that failed, and the markers.
pub const KEYED_FAILURES: [(&str, &str); 4] = [
    ("unencryptable", crate::action::UNENCRYPTABLE),
    ("not_a_date", crate::action::NOT_A_DATE),
    ("no_entity", crate::action::NO_ENTITY),
    ("no_key", crate::action::NO_KEY),
];

/// The report of an application: counts, never values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Which policy.
    pub policy: PolicyRef,
    /// Record counts.
    pub records: Records,
    /// Hits per rule id.
    pub rules: BTreeMap<String, u64>,
    /// Findings per detector.
    pub detectors: BTreeMap<String, u64>,
    /// Per `[[retention]]` id: fields removed (or, for `$`, records dropped).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub retention: BTreeMap<String, u64>,
    /// Per `[[retention]]` id: records whose time was written without a zone (read as a missing
    /// time, as the rule has no `assume_timezone`): the reason a drop or a kept field has.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub retention_without_time_zone: BTreeMap<String, u64>,
    /// Per `[[summarize]]` id: arrays replaced by summaries.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub summaries: BTreeMap<String, u64>,
    /// Per plugin id, its outcomes: `batches`, `dropped`, `replaced`, each failure kind
    /// (`fuel`, `timeout`, `memory`, `trap`, ...), `logs_dropped` (present when plugins ran).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub plugins: BTreeMap<String, BTreeMap<String, u64>>,
    /// Values cut by limits.
    pub limits: LimitHits,
    /// Values with no JSON form that were replaced by their type name.
    pub other_objects: u64,
    /// Values a keyed action could not transform, written as a marker instead: `unencryptable`
    /// (`fpe`), `not_a_date` and `no_entity` (`shift_date`), `no_key` (a whole value of a keyed
    /// rule whose key material was not given).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub failures: BTreeMap<String, u64>,
    /// Hits per path and rule id, when `[report] paths = true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paths: Option<BTreeMap<String, BTreeMap<String, u64>>>,
    /// Findings per detector and path, when `[report] paths = true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detector_paths: Option<BTreeMap<String, BTreeMap<String, u64>>>,
}

/// Names the policy a report is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyRef {
    /// The policy's `name`.
    pub name: String,
    /// SHA-256 of the canonical policy.
    pub id: String,
}

/// Record counts. `input = output + dropped_* + quarantined` is not implied: a quarantined record
/// still writes its marker, so `output` counts only records written with their content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Records {
    /// Records read.
    #[serde(rename = "in")]
    pub input: u64,
    /// Records written (masked).
    #[serde(rename = "out")]
    pub output: u64,
    /// Dropped by `[[retention]]`.
    pub dropped_retention: u64,
    /// Dropped by `[access]`.
    pub dropped_access: u64,
    /// Dropped by a plugin.
    pub dropped_plugin: u64,
    /// Replaced by a quarantine marker.
    pub quarantined: u64,
}

/// Values cut by limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LimitHits {
    /// Subtrees deeper than `max_depth`.
    pub too_deep: u64,
    /// Strings longer than `max_string_bytes`.
    pub too_large: u64,
}

impl Policy {
    /// The document `tamis explain` prints (and the bindings' `explain` return): the policy's
    /// rules without descriptions and, given the report of a run with paths recorded
    /// (`Tally::new(policy, true)`), the records, hits per path and rule, rule and detector
    /// counts, and limit hits. It names paths, rules and counts, never values.
    #[must_use]
    pub fn explain(&self, report: Option<&Report>) -> serde_json::Value {
        use serde_json::{Map, Value, json};
        let doc = self.document();
        let rules: Vec<Value> = doc
            .rules
            .iter()
            .map(|r| {
                let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
                if let Some(m) = v.as_object_mut() {
                    m.remove("description");
                }
                v
            })
            .collect();
        let mut out = Map::new();
        out.insert(
            "policy".into(),
            json!({ "name": self.name(), "id": self.id() }),
        );
        out.insert("rules".into(), Value::Array(rules));
        let types: Vec<Value> = self
            .detectors
            .iter()
            .filter_map(|e| {
                let t = crate::detect::detector_types().find(|t| t.name == e.name)?;
                let rules: Vec<&str> = e
                    .rules
                    .iter()
                    .filter_map(|&r| self.rules.get(r as usize).map(|r| r.id.as_str()))
                    .collect();
                Some(json!({
                    "name": t.name,
                    "group": t.group,
                    "validator": t.validator,
                    "context": t.context,
                    "builtin": t.builtin,
                    "rules": rules,
                }))
            })
            .collect();
        out.insert("detector_types".into(), Value::Array(types));
        let Some(report) = report else {
            return Value::Object(out);
        };
        let actions: BTreeMap<&str, &str> = doc
            .rules
            .iter()
            .map(|r| (r.id.as_str(), r.action.as_str()))
            .collect();
        let mut hits = Vec::new();
        for (path, by_rule) in report.paths.iter().flatten() {
            for (rule, count) in by_rule {
                hits.push(json!({
                    "path": path,
                    "rule": rule,
                    "action": actions.get(rule.as_str()).copied().unwrap_or(""),
                    "count": count,
                }));
            }
        }
        out.insert(
            "records".into(),
            serde_json::to_value(&report.records).unwrap_or(Value::Null),
        );
        out.insert("hits".into(), Value::Array(hits));
        out.insert(
            "rule_hits".into(),
            serde_json::to_value(&report.rules).unwrap_or(Value::Null),
        );
        let mut detectors = Map::new();
        for (name, count) in &report.detectors {
            let paths = report
                .detector_paths
                .as_ref()
                .and_then(|d| d.get(name))
                .cloned()
                .unwrap_or_default();
            detectors.insert(name.clone(), json!({ "count": count, "paths": paths }));
        }
        out.insert("detectors".into(), Value::Object(detectors));
        out.insert(
            "limits".into(),
            serde_json::to_value(&report.limits).unwrap_or(Value::Null),
        );
        Value::Object(out)
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

pub(crate) fn write_json(v: &Value, out: &mut Vec<u8>) {
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
