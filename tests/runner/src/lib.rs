//! The conformance vectors of `tests/vectors/*.json`, and how tamis-core runs them.
//!
//! Every front end (Rust, CLI, Python, Node, plugin host) runs the same files and must produce
//! byte-identical output: the compact JSON of the result, keys in order. The format is described
//! in `tests/vectors/README.md`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use tamis_core::model::ContextDoc;
use tamis_core::{Context, Disposition, Policy, PolicyError, dropped_marker, quarantine_marker};

/// One vector.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vector {
    /// Unique name.
    pub name: String,
    /// The policy: TOML text, or the JSON form as an object; with `policy_file`, the text of
    /// that file.
    pub policy: Value,
    /// The name of the file the policy is read from (its form follows the name).
    #[serde(default)]
    pub policy_file: Option<String>,
    /// Key material by key name.
    #[serde(default)]
    pub keys: BTreeMap<String, String>,
    /// The context.
    #[serde(default)]
    pub context: Option<ContextDoc>,
    /// RFC 3339 time.
    #[serde(default)]
    pub now: Option<String>,
    /// `json` (default): `input` is a record. `text`: `input` is a string for `mask_text`.
    /// `line`: `input` is a string holding one raw JSON Lines line.
    #[serde(default)]
    pub format: Option<String>,
    /// The input.
    #[serde(default)]
    pub input: Value,
    /// The expected output (a record, a quarantine marker, or for `text` a string).
    #[serde(default)]
    pub expect: Option<Value>,
    /// The expected policy error kind (`ErrorKind::code`), for invalid policies.
    #[serde(default)]
    pub expect_error: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VectorFile {
    #[serde(default)]
    #[expect(dead_code, reason = "documentation inside the data file")]
    description: String,
    vectors: Vec<Vector>,
}

/// The directory holding the vectors.
#[must_use]
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../vectors")
}

/// Loads every vector, in file then document order.
///
/// # Errors
/// When a file cannot be read or parsed.
pub fn load_all(dir: &Path) -> Result<Vec<(String, Vector)>, String> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        let file: VectorFile =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", f.display()))?;
        let stem = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.extend(file.vectors.into_iter().map(|v| (stem.clone(), v)));
    }
    Ok(out)
}

/// Compiles the vector's policy and binds its keys.
///
/// # Errors
/// The policy error, when the policy is invalid.
pub fn compile(v: &Vector) -> Result<Policy, PolicyError> {
    let mut policy = match (&v.policy_file, &v.policy) {
        (Some(file), Value::String(text)) => Policy::from_file_text(file, text)?,
        (None, Value::String(toml)) => Policy::from_toml(toml)?,
        (_, other) => Policy::from_json(&other.to_string())?,
    };
    for (name, material) in &v.keys {
        policy = policy.with_key(name, material.as_bytes())?;
    }
    Ok(policy)
}

/// The vector's context.
///
/// # Errors
/// When `now` is not RFC 3339.
pub fn context(v: &Vector) -> Result<Context, String> {
    let mut ctx = v.context.clone().map(Context::from).unwrap_or_default();
    if let Some(now) = &v.now {
        ctx.now =
            Some(tamis_core::time::parse_rfc3339(now).ok_or_else(|| format!("bad now `{now}`"))?);
    }
    Ok(ctx)
}

/// What one front end produced for a vector: compact JSON text, or `error:<code>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome(pub String);

/// The outcome the vector expects.
///
/// # Errors
/// When the vector names neither `expect` nor `expect_error`.
pub fn expected(v: &Vector) -> Result<Outcome, String> {
    match (&v.expect, &v.expect_error) {
        (Some(e), None) => Ok(Outcome(e.to_string())),
        (None, Some(code)) => Ok(Outcome(format!("error:{code}"))),
        _ => Err(format!(
            "vector `{}` needs exactly one of expect / expect_error",
            v.name
        )),
    }
}

/// Runs a vector through the object path (`Run::tree` on a `serde_json::Value`).
///
/// # Errors
/// When the vector itself is malformed.
pub fn run_object(v: &Vector) -> Result<Outcome, String> {
    let policy = match compile(v) {
        Ok(p) => p,
        Err(e) => return Ok(Outcome(format!("error:{}", e.kind().code()))),
    };
    if v.format.as_deref() == Some("reveal") {
        return Ok(Outcome(reveal(&policy, v)?.to_string()));
    }
    let mut run = policy.run(context(v)?);
    match v.format.as_deref() {
        Some("text") => {
            let text = v.input.as_str().ok_or("text vectors need a string input")?;
            Ok(Outcome(Value::from(run.text(text)).to_string()))
        }
        Some("line") => run_line(v),
        _ => {
            let mut value = v.input.clone();
            match run.tree(&mut value) {
                Disposition::Quarantined(q) => value = quarantine_marker(None, q),
                Disposition::Dropped(d) => value = dropped_marker(d),
                _ => {}
            }
            Ok(Outcome(value.to_string()))
        }
    }
}

/// What `reveal` of a vector's input gives: the revealed record, `{"tamis_reveal_denied":true}`
/// when the context may not reveal, or `{"tamis_reveal_refused":{"path","rule","reason"}}`.
///
/// # Errors
/// When the vector itself is malformed.
pub fn reveal(policy: &Policy, v: &Vector) -> Result<Value, String> {
    if policy.may_reveal(&context(v)?).is_err() {
        return Ok(serde_json::json!({"tamis_reveal_denied": true}));
    }
    let mut value = v.input.clone();
    let mut counts = tamis_core::RevealCounts::default();
    Ok(match policy.reveal_value(&mut value, &mut counts) {
        Ok(()) => value,
        Err(r) => serde_json::json!({"tamis_reveal_refused": {
            "path": r.path, "rule": r.rule, "reason": r.reason,
        }}),
    })
}

/// Runs a vector through the JSON Lines path (`Run::json_line` on the input's text).
///
/// # Errors
/// When the vector itself is malformed.
pub fn run_line(v: &Vector) -> Result<Outcome, String> {
    let policy = match compile(v) {
        Ok(p) => p,
        Err(e) => return Ok(Outcome(format!("error:{}", e.kind().code()))),
    };
    let mut run = policy.run(context(v)?);
    let line = match (&v.format.as_deref(), &v.input) {
        (Some("line"), Value::String(s)) => s.clone(),
        (Some("text" | "reveal"), _) => return run_object(v),
        (_, value) => value.to_string(),
    };
    let mut out = Vec::new();
    if let Disposition::Dropped(d) = run.json_line(&line, 1, &mut out) {
        if !out.is_empty() {
            return Err(String::from("a dropped record wrote output"));
        }
        return Ok(Outcome(dropped_marker(d).to_string()));
    }
    let text = String::from_utf8(out).map_err(|_| "output is not UTF-8")?;
    // Line-path markers name the line; the object path has none. Compare without it.
    let value: Value =
        serde_json::from_str(&text).map_err(|e| format!("output is not JSON: {e}"))?;
    if let Some(q) = value
        .get("tamis_quarantined")
        .and_then(|q| q.get("reason"))
        .and_then(Value::as_str)
        && v.format.as_deref() != Some("line")
    {
        return Ok(Outcome(format!(
            "{{\"tamis_quarantined\":{{\"reason\":\"{q}\"}}}}"
        )));
    }
    Ok(Outcome(text))
}
