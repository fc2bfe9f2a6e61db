//! `tamis explain`: which rule and action apply where, and how often. Never values.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};
use tamis_core::{Context, Scratch, Tally};

use crate::{Fail, for_each_input, load_policy};

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
        let mut line = Vec::new();
        let mut sink = Vec::new();
        for_each_input(files, |input| {
            let mut n = 0;
            loop {
                line.clear();
                let read = input.read_until(b'\n', &mut line).map_err(|e| Fail {
                    code: 3,
                    message: format!("error: cannot read the input: {e}"),
                })?;
                if read == 0 {
                    break;
                }
                n += 1;
                sink.clear();
                let text = String::from_utf8_lossy(&line);
                policy.apply_json_line(
                    text.trim_end_matches(['\n', '\r']),
                    n,
                    &ctx,
                    &mut sx,
                    &mut tally,
                    &mut sink,
                );
            }
            Ok(())
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
        out.insert(
            "detectors".into(),
            serde_json::to_value(&report.detectors).unwrap_or(Value::Null),
        );
        out.insert(
            "limits".into(),
            serde_json::to_value(&report.limits).unwrap_or(Value::Null),
        );
    }
    let text = serde_json::to_string_pretty(&Value::Object(out)).unwrap_or_default();
    println!("{text}");
    Ok(0)
}
