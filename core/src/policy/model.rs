//! The policy document as written (TOML or JSON, one model). [`crate::Policy`] compiles it.
//!
//! Unknown keys are errors everywhere (`deny_unknown_fields`).

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// A whole policy document, version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDoc {
    /// Language version; must be 1.
    pub version: i64,
    /// Appears in every report.
    pub name: String,
    /// Free text for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Limits on untrusted input.
    #[serde(default)]
    pub limits: LimitsDoc,
    /// HMAC keys for action `hash`, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub key: BTreeMap<String, KeyDoc>,
    /// Masking rules.
    #[serde(default, rename = "rule", skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleDoc>,
    /// Exemptions from detector and pattern findings.
    #[serde(default, rename = "allow", skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<AllowDoc>,
    /// Fields and records that expire.
    #[serde(default, rename = "retention", skip_serializing_if = "Vec::is_empty")]
    pub retention: Vec<RetentionDoc>,
    /// Arrays that become privacy-safe summaries.
    #[serde(default, rename = "summarize", skip_serializing_if = "Vec::is_empty")]
    pub summarize: Vec<SummarizeDoc>,
    /// Which roles may see records of which trace types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<AccessDoc>,
    /// Who may turn `encrypt`, `fpe` and `shift_date` output back into values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reveal: Option<RevealDoc>,
    /// Customer filter plugins (run by the tamis host and CLI, after access and retention and
    /// before the rules).
    #[serde(default, rename = "plugin", skip_serializing_if = "Vec::is_empty")]
    pub plugins: Vec<PluginDoc>,
    /// What reports contain.
    #[serde(default)]
    pub report: ReportDoc,
    /// Test cases for `tamis test`.
    #[serde(default, rename = "test", skip_serializing_if = "Vec::is_empty")]
    pub tests: Vec<TestDoc>,
}

/// `[limits]`: every limit on untrusted input, with its default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsDoc {
    /// Values nested deeper than this become `"[tamis:too_deep]"` (1 to 128; default 64).
    pub max_depth: u32,
    /// Strings longer than this many bytes become `"[tamis:too_large]"` (default 1 MiB).
    pub max_string_bytes: u64,
    /// Records larger than this many bytes are quarantined (default 16 MiB).
    pub max_record_bytes: u64,
    /// Compiled size limit of each custom `pattern`, in bytes (default 1 MiB).
    pub max_pattern_bytes: u64,
}

impl Default for LimitsDoc {
    fn default() -> Self {
        Self {
            max_depth: 64,
            max_string_bytes: 1 << 20,
            max_record_bytes: 16 << 20,
            max_pattern_bytes: 1 << 20,
        }
    }
}

/// `[key.NAME]`: where the caller finds HMAC key material, and the id put into tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyDoc {
    /// Environment variable holding the key material (read by the CLI and bindings, never core).
    pub env: String,
    /// Key id embedded in every token, so keys can rotate.
    pub id: String,
}

/// `[reveal]`: the contexts in which `reveal` may run. Both lists must hold when given: a role
/// of `roles_any`, and the purpose among `purposes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevealDoc {
    /// The context must have one of these roles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles_any: Vec<String>,
    /// The context's purpose must be one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub purposes: Vec<String>,
}

/// `[[rule]]`: selectors and one action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDoc {
    /// Unique id, used in reports and diagnostics.
    pub id: String,
    /// Free text for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Path selectors (whole values).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// Key-name globs at any depth (whole values).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
    /// Built-in detectors run over text, integers and keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detect: Vec<String>,
    /// A custom regular expression run like a detector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Where `detect` / `pattern` run (default: everywhere).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scope: Vec<String>,
    /// Where `detect` / `pattern` do not run.
    #[serde(default, rename = "except", skip_serializing_if = "Vec::is_empty")]
    pub except: Vec<String>,
    /// `redact`, `nullify`, `replace`, `hash`, `generalize` or `partial`.
    pub action: String,
    /// For `replace`; `{type}` expands to the detector name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// For `placeholder`: how it is written (default `<{TYPE}_{n}>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// For `placeholder`: the type of whole values (default: the rule id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// For `hash`, `encrypt`, `fpe` and `shift_date`: the name of a `[key.NAME]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// For `shift_date`: the path of the field whose value picks the offset (`patient.id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// For `shift_date`: offsets lie within this many days either way (1 to 36500).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_days: Option<u32>,
    /// For `partial` and `fpe`: characters kept at the start (default 2; `fpe`: 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_first: Option<u32>,
    /// For `partial` and `fpe`: characters kept at the end (default 2; `fpe`: 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_last: Option<u32>,
    /// For `generalize`: width of number buckets (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<u64>,
    /// For `generalize`: `day`, `month` or `year` for times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<String>,
    /// Context condition; the rule applies only when it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<WhenDoc>,
}

/// `when = { ... }`: every given condition must hold.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhenDoc {
    /// The context has at least one of these roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles_any: Option<Vec<String>>,
    /// The context has none of these roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles_none: Option<Vec<String>>,
    /// The context's purpose is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purposes: Option<Vec<String>>,
    /// The context's record type is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub types: Option<Vec<String>>,
}

/// `[[allow]]`: findings of detectors and patterns that are not masked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowDoc {
    /// Optional id, for diagnostics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Exact texts that are never findings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Paths (and everything beneath) where detectors and patterns do not run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
}

/// `[[retention]]`: fields (or whole records) older than `max_age` are removed (dropped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionDoc {
    /// Unique id, used in reports and diagnostics.
    pub id: String,
    /// Free text for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Path selectors of the fields that expire; `"$"` alone is the whole record.
    pub paths: Vec<String>,
    /// How long data is kept: a whole number and a unit, `s`, `m`, `h`, `d` or `w` (`"30d"`).
    pub max_age: String,
    /// Path of the record's time: an RFC 3339 string, or epoch seconds or milliseconds.
    pub timestamp: String,
    /// `expire` (default: fail closed) or `keep`, for records without a readable time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_missing_timestamp: Option<String>,
    /// The zone of times written without one: `"UTC"` or a fixed offset (`"+01:00"`). Without
    /// it such a time is missing (and counted as `retention_without_time_zone`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assume_timezone: Option<String>,
}

/// `[[summarize]]`: arrays of at least `min_items` items become summary objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummarizeDoc {
    /// Unique id, used in reports, diagnostics and each summary.
    pub id: String,
    /// Free text for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Path selectors of the arrays (for `tamis summarize` and columns: of the values).
    pub paths: Vec<String>,
    /// Arrays with fewer items are left as they are (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    /// Which statistics to emit (default: all of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<Vec<String>>,
    /// How many masked sample items to keep (default 5; 0 = none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<u32>,
    /// `top_k` entries and sample items seen fewer than this many times are left out (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k_anonymity: Option<u64>,
    /// How many `top_k` entries to emit at most (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u32>,
    /// Context condition; the rule applies only when it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<WhenDoc>,
}

/// `[access]`: records of some trace types only for some roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessDoc {
    /// Path where a record keeps its trace type (a string).
    pub type_path: String,
    /// `allow` (default) or `deny`, for types no grant names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Who may see which types.
    #[serde(default, rename = "grant", skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<GrantDoc>,
}

/// `[[access.grant]]`: records of these types are kept only for these roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantDoc {
    /// Trace types this grant covers.
    pub types: Vec<String>,
    /// The context needs at least one of these roles.
    pub roles_any: Vec<String>,
}

/// `[report]`: what reports contain beyond the counts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportDoc {
    /// Count hits per path (paths only, never values).
    pub paths: bool,
}

/// `context = { ... }` of a test, and the context of the CLI's `--context`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextDoc {
    /// Roles of whoever will see the output.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Why the data is processed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// The record's trace type.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub record_type: Option<String>,
}

/// `[[test]]`: a case that `tamis test` runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestDoc {
    /// Shown in the test listing.
    pub name: String,
    /// The context to apply with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<ContextDoc>,
    /// RFC 3339 time to apply at (default: 2000-01-01T00:00:00Z).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<String>,
    /// Key material for this test, by key name (instead of the environment).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub keys: BTreeMap<String, String>,
    /// The record.
    pub input: serde_json::Value,
    /// The record after the policy.
    pub expect: serde_json::Value,
}

/// `[[plugin]]`: a filter plugin, a WebAssembly component run in the tamis sandbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginDoc {
    /// Unique id, used in reports and diagnostics.
    pub id: String,
    /// Free text for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The component file (relative paths are relative to the policy file).
    pub path: String,
    /// Handed to the plugin as JSON on every call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<serde_json::Value>,
    /// Fuel per call (default 50,000,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fuel: Option<u64>,
    /// Linear memory per call, in MiB (default 64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mb: Option<u64>,
    /// Wall-clock time per call, in milliseconds (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// The largest component file accepted, in MiB (default 16).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_module_mb: Option<u64>,
    /// `drop` (default), `mask` or `fail`: what happens to a batch when the plugin fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_error: Option<String>,
    /// Whether the plugin's log lines and error messages are written (masked) to the host's
    /// log (default `false`: they are counted, never written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<bool>,
}
