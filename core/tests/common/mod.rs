//! The conformance vectors as cases for the fault-injection tests.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code shared by test binaries, each of which uses other parts"
)]

use std::collections::BTreeMap;

use serde_json::Value;
use tamis_core::model::ContextDoc;
use tamis_core::{Context, Policy};

/// One JSON vector: its policy (keys bound), context and input line.
pub struct Case {
    pub name: String,
    pub policy: Policy,
    pub ctx: Context,
    pub line: String,
}

/// Every JSON vector of `tests/vectors` that applies (not the error and text ones).
pub fn cases() -> Vec<Case> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let file: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        for v in file["vectors"].as_array().unwrap() {
            if v.get("expect_error").is_some() || v["format"] == "text" {
                continue;
            }
            let mut policy = match (v["policy_file"].as_str(), &v["policy"]) {
                (Some(file), Value::String(t)) => Policy::from_file_text(file, t).unwrap(),
                (None, Value::String(t)) => Policy::from_toml(t).unwrap(),
                (_, other) => Policy::from_json(&other.to_string()).unwrap(),
            };
            if let Some(keys) = v.get("keys").and_then(Value::as_object) {
                for (k, m) in keys {
                    policy = policy.with_key(k, m.as_str().unwrap().as_bytes()).unwrap();
                }
            }
            let mut ctx = v
                .get("context")
                .map(|c| Context::from(serde_json::from_value::<ContextDoc>(c.clone()).unwrap()))
                .unwrap_or_default();
            if let Some(now) = v.get("now").and_then(Value::as_str) {
                ctx.now = tamis_core::time::parse_rfc3339(now);
            }
            let line = match (&v["format"], &v["input"]) {
                (Value::String(f), Value::String(s)) if f == "line" => s.clone(),
                (_, input) => input.to_string(),
            };
            out.push(Case {
                name: v["name"].as_str().unwrap().to_owned(),
                policy,
                ctx,
                line,
            });
        }
    }
    out
}

/// Every scalar leaf as (path, compact JSON text).
pub fn leaves(v: &Value, path: String, out: &mut BTreeMap<String, String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                leaves(x, format!("{path}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                leaves(x, format!("{path}/{i}"), out);
            }
        }
        other => {
            out.insert(path, other.to_string());
        }
    }
}

/// The input leaves (5 bytes or longer as JSON) that the fault-free output changed and does not
/// hold anywhere: no output of a faulty run may hold them either.
pub fn sensitive_leaves(line: &str, normal: &str) -> Vec<String> {
    let input: Option<Value> = serde_json::from_str(line).ok();
    let output: Option<Value> = serde_json::from_str(normal).ok();
    let mut sensitive = Vec::new();
    if let (Some(i), Some(o)) = (&input, &output) {
        let (mut li, mut lo) = (BTreeMap::new(), BTreeMap::new());
        leaves(i, String::new(), &mut li);
        leaves(o, String::new(), &mut lo);
        for (p, v) in li {
            // What tamis itself writes when a fault strikes (`[REDACTED]`, `[tamis:...]`) is no
            // leak when an input happens to hold it.
            let own = [
                tamis_core::DEFAULT_REPLACEMENT,
                tamis_core::TOO_LARGE,
                tamis_core::TOO_DEEP,
            ]
            .iter()
            .any(|m| v == format!("\"{m}\""));
            if v.len() >= 5 && lo.get(&p) != Some(&v) && !normal.contains(&v) && !own {
                sensitive.push(v);
            }
        }
    }
    sensitive
}

/// Prints what a fault sweep ran (`summary` ends with how many did not fail closed) and
/// asserts it ran more than `min_runs` times with no such case.
pub fn assert_failed_closed(summary: &str, runs: u64, min_runs: u64, problems: &[String]) {
    println!("{summary}, {} not failing closed", problems.len());
    assert!(runs > min_runs, "only {runs} runs");
    assert!(
        problems.is_empty(),
        "{} failing:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
