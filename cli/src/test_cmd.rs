//! `tamis test`: runs the policy's `[[test]]` cases and lists rules no case exercised.

use std::path::Path;

use serde_json::Value;
use tamis_core::model::TestDoc;
use tamis_core::{Context, Disposition, Policy, Scratch, Tally, dropped_marker, quarantine_marker};

use crate::{Fail, load_policy, parse_now};

/// The time tests run at unless they say otherwise.
const DEFAULT_NOW: &str = "2000-01-01T00:00:00Z";

pub(crate) fn run(path: &Path) -> Result<u8, Fail> {
    let policy = load_policy(path)?;
    let doc = policy.document().clone();
    let mut exercised = vec![0u64; doc.rules.len()];
    let (mut passed, mut failed) = (0usize, 0usize);
    for test in &doc.tests {
        let bound = bind_test_keys(&policy, test)?;
        let mut ctx = test.context.clone().map(Context::from).unwrap_or_default();
        ctx.now = Some(parse_now(Some(test.now.as_deref().unwrap_or(DEFAULT_NOW)))?);
        let mut value = test.input.clone();
        let mut sx = Scratch::new(&bound);
        let mut tally = Tally::new(&bound, false);
        match bound.apply_tree(&mut value, &ctx, &mut sx, &mut tally) {
            Disposition::Quarantined(q) => value = quarantine_marker(None, q),
            Disposition::Dropped(d) => value = dropped_marker(d),
            _ => {}
        }
        for (slot, n) in exercised.iter_mut().zip(tally.rule_hits()) {
            *slot += n;
        }
        if value == test.expect {
            passed += 1;
            println!("ok    {}", test.name);
        } else {
            failed += 1;
            let mut diffs = Vec::new();
            diff(&test.expect, &value, &mut String::new(), &mut diffs);
            // Paths and types only: test data may be realistic, and tamis never prints values.
            println!("FAIL  {}", test.name);
            for d in diffs.iter().take(8) {
                println!("        {d}");
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    let idle: Vec<String> = doc
        .rules
        .iter()
        .zip(&exercised)
        .filter(|(_, n)| **n == 0)
        .map(|(r, _)| format!("`{}`", r.id))
        .collect();
    if !idle.is_empty() {
        println!("rules no test exercised: {}", idle.join(", "));
    }
    Ok(u8::from(failed > 0))
}

/// The policy with the key material this test gives in `keys`. Tests never read the
/// environment, so they give the same result everywhere; a `hash` rule without material writes
/// `[tamis:no_key]` (fail closed), which a test can expect.
fn bind_test_keys(policy: &Policy, test: &TestDoc) -> Result<Policy, Fail> {
    let mut bound =
        Policy::from_doc(policy.document().clone()).map_err(|e| Fail::policy(e.to_string()))?;
    for (name, material) in &test.keys {
        bound = bound
            .with_key(name, material.as_bytes())
            .map_err(|e| Fail::policy(e.to_string()))?;
    }
    Ok(bound)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn diff(expected: &Value, actual: &Value, path: &mut String, out: &mut Vec<String>) {
    let here = if path.is_empty() {
        "$".to_owned()
    } else {
        path.clone()
    };
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                match a.get(k) {
                    Some(av) => diff(ev, av, path, out),
                    None => out.push(format!(
                        "at `{path}`: expected {}, the key is missing",
                        kind(ev)
                    )),
                }
                path.truncate(len);
            }
            for k in a.keys().filter(|k| !e.contains_key(*k)) {
                out.push(format!("at `{here}`: unexpected key `{k}`"));
            }
            if e.keys().ne(a.keys()) && out.is_empty() {
                out.push(format!("at `{here}`: keys in a different order"));
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!(
                    "at `{here}`: expected {} items, got {}",
                    e.len(),
                    a.len()
                ));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                diff(ev, av, path, out);
                path.truncate(len);
            }
        }
        (e, a) if e != a => {
            let detail = if kind(e) == kind(a) {
                " with a different value"
            } else {
                ""
            };
            out.push(format!(
                "at `{here}`: expected {}, got {}{detail}",
                kind(e),
                kind(a)
            ));
        }
        _ => {}
    }
}
