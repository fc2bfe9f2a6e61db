//! `tamis explain`: which rule and action apply where, and how often. Never values.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};
use tamis_core::{Context, Scratch, Tally};

use crate::{Fail, apply_json_lines, for_each_input, load_policy};

pub(crate) fn run(policy_path: &Path, files: &[PathBuf]) -> Result<u8, Fail> {
    // Key material is not needed: explain never shows values, hashed or not.
    let policy = load_policy(policy_path)?;
    let doc = policy.document();
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
        json!({ "name": policy.name(), "id": policy.id() }),
    );
    out.insert("rules".into(), Value::Array(rules));
    if !files.is_empty() {
        let ctx = Context::default();
        let mut sx = Scratch::new(&policy);
        let mut tally = Tally::new(&policy, true);
        for_each_input(files, |input| {
            apply_json_lines(&policy, input, &ctx, &mut sx, &mut tally, |_| Ok(()))
        })?;
        let report = tally.report(&policy);
        let actions: std::collections::BTreeMap<&str, &str> = doc
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
    }
    let text = serde_json::to_string_pretty(&Value::Object(out)).unwrap_or_default();
    println!("{text}");
    Ok(0)
}
