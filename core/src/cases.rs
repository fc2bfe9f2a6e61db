//! The policy's own `[[test]]` cases: each input applied at the case's time and context with
//! the case's key material (never the environment, so a case gives the same result
//! everywhere), compared with `expect`, and the rules no case exercised. `tamis test`, the
//! bindings and the playground show what this returns.
//!
//! A difference names a path and kinds of values, never a value: test data may be realistic.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use serde::Serialize;
use serde_json::Value;

use crate::context::Context;
use crate::error::{ErrorKind, PolicyError};
use crate::policy::Policy;
use crate::policy::model::TestDoc;

/// The time a case runs at unless it says otherwise.
pub const DEFAULT_CASE_NOW: &str = "2000-01-01T00:00:00Z";

/// How one case went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseResult {
    /// The case's `name`.
    pub name: String,
    /// Whether the output equals `expect`.
    pub passed: bool,
    /// Where the output differs from `expect` (paths as the output names them, kinds of values).
    pub differences: Vec<String>,
}

/// Every case of a policy, and the ids of the rules that no case exercised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cases {
    /// In the order of the policy's `[[test]]` tables.
    pub cases: Vec<CaseResult>,
    /// Rules that changed nothing in any case, in policy order.
    pub idle_rules: Vec<String>,
}

impl Cases {
    /// How many cases failed.
    #[must_use]
    pub fn failed(&self) -> usize {
        self.cases.iter().filter(|c| !c.passed).count()
    }
}

/// Runs every `[[test]]` case of `policy`. An error is a case that cannot run: its key
/// material is refused or its `now` is not an RFC 3339 time.
pub fn run_cases(policy: &Policy) -> Result<Cases, PolicyError> {
    let doc = policy.document();
    let mut exercised = vec![0u64; doc.rules.len()];
    let mut cases = Vec::with_capacity(doc.tests.len());
    for test in &doc.tests {
        let bound = bind_case_keys(policy, test)?;
        let mut ctx = test.context.clone().map(Context::from).unwrap_or_default();
        let now = test.now.as_deref().unwrap_or(DEFAULT_CASE_NOW);
        ctx.now = Some(crate::frontend::parse_now(now).map_err(|_| {
            PolicyError::new(
                ErrorKind::InvalidValue,
                format!("test `{}`: `now` is not an RFC 3339 time", test.name),
            )
            .help("write it as 2024-03-05T10:20:30Z")
        })?);
        let mut value = test.input.clone();
        let mut run = bound.run(ctx.clone());
        // A record not written is compared as its marker.
        if let Some(marker) = run.tree(&mut value).marker() {
            value = marker;
        }
        for (slot, n) in exercised.iter_mut().zip(run.tally().rule_hits()) {
            *slot += n;
        }
        let mut differences = Vec::new();
        if value != test.expect {
            let mut at = At {
                policy: &bound,
                ctx: &ctx,
                keys: Vec::new(),
            };
            diff(&test.expect, &value, &mut at, &mut differences);
        }
        cases.push(CaseResult {
            name: test.name.clone(),
            passed: value == test.expect,
            differences,
        });
    }
    let idle_rules = doc
        .rules
        .iter()
        .zip(&exercised)
        .filter(|(_, n)| **n == 0)
        .map(|(r, _)| r.id.clone())
        .collect();
    Ok(Cases { cases, idle_rules })
}

/// The policy with the key material this case gives in `keys`. A `hash` rule without material
/// writes `[tamis:no_key]` (fail closed), which a case can expect.
fn bind_case_keys(policy: &Policy, test: &TestDoc) -> Result<Policy, PolicyError> {
    let mut bound = Policy::from_doc(policy.document().clone())?;
    for (name, material) in &test.keys {
        bound = bound.with_key(name, material.as_bytes())?;
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
    /// The path as the output names it: a key in which a detector finds something (a case's
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
