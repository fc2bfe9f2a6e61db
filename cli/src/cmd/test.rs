//! `tamis test`: runs the policy's `[[test]]` cases and lists rules no case exercised.

use std::path::Path;

use serde_json::Value;
use tamis_core::model::TestDoc;
use tamis_core::{Context, Policy};

use super::{load_policy, parse_now};
use crate::{Fail, say};

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
        let mut run = bound.run(ctx.clone());
        // A record not written is compared as its marker.
        if let Some(marker) = run.tree(&mut value).marker() {
            value = marker;
        }
        for (slot, n) in exercised.iter_mut().zip(run.tally().rule_hits()) {
            *slot += n;
        }
        if value == test.expect {
            passed += 1;
            say(&format!("ok    {}", test.name))?;
        } else {
            failed += 1;
            let mut diffs = Vec::new();
            let mut at = At {
                policy: &bound,
                ctx: &ctx,
                keys: Vec::new(),
            };
            diff(&test.expect, &value, &mut at, &mut diffs);
            // Paths and types only: test data may be realistic, and tamis never prints values.
            say(&format!("FAIL  {}", test.name))?;
            for d in diffs.iter().take(8) {
                say(&format!("        {d}"))?;
            }
        }
    }
    say(&format!("{passed} passed, {failed} failed"))?;
    let idle: Vec<String> = doc
        .rules
        .iter()
        .zip(&exercised)
        .filter(|(_, n)| **n == 0)
        .map(|(r, _)| format!("`{}`", r.id))
        .collect();
    if !idle.is_empty() {
        say(&format!("rules no test exercised: {}", idle.join(", ")))?;
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

/// Where `diff` is: the keys from the root as read, shown as the policy writes them.
struct At<'a> {
    policy: &'a Policy,
    ctx: &'a Context,
    /// Keys (`Some`) and array items (`None`, with their index) from the root.
    keys: Vec<(Option<String>, usize)>,
}

impl At<'_> {
    /// The path as the output names it: a key in which a detector finds something (a test's
    /// `expect` can hold a raw email as a key) is shown renamed, as `apply` writes it.
    fn shown(&self) -> String {
        let keys: Vec<&str> = self.keys.iter().filter_map(|(k, _)| k.as_deref()).collect();
        let mut names = self.policy.output_keys(&keys, self.ctx).into_iter();
        let mut path = String::new();
        for (k, i) in &self.keys {
            if k.is_none() {
                path.push_str(&format!("[{i}]"));
                continue;
            }
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&names.next().unwrap_or_default());
        }
        if path.is_empty() {
            path.push('$');
        }
        path
    }
}

fn diff(expected: &Value, actual: &Value, at: &mut At<'_>, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                at.keys.push((Some(k.clone()), 0));
                match a.get(k) {
                    Some(av) => diff(ev, av, at, out),
                    None => out.push(format!(
                        "at `{}`: expected {}, the key is missing",
                        at.shown(),
                        kind(ev)
                    )),
                }
                at.keys.pop();
            }
            for k in a.keys().filter(|k| !e.contains_key(*k)) {
                at.keys.push((Some(k.clone()), 0));
                out.push(format!("unexpected key at `{}`", at.shown()));
                at.keys.pop();
            }
            if e.keys().ne(a.keys()) && out.is_empty() {
                out.push(format!("at `{}`: keys in a different order", at.shown()));
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!(
                    "at `{}`: expected {} items, got {}",
                    at.shown(),
                    e.len(),
                    a.len()
                ));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                at.keys.push((None, i));
                diff(ev, av, at, out);
                at.keys.pop();
            }
        }
        (e, a) if e != a => {
            let detail = if kind(e) == kind(a) {
                " with a different value"
            } else {
                ""
            };
            out.push(format!(
                "at `{}`: expected {}, got {}{detail}",
                at.shown(),
                kind(e),
                kind(a)
            ));
        }
        _ => {}
    }
}
