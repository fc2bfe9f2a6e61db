//! Fault injection over the conformance vectors (feature `faults`): every point inside `apply`
//! is made to fail at each of its passes in turn, for every vector, and the output must stay
//! masked or quarantined — no value that the fault-free run masked may appear — with the
//! record counted (in = out + dropped + quarantined) and no panic.
//!
//!   cargo test -p tamis-core --features faults --test faults -- --nocapture

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout,
    reason = "test code"
)]

use std::collections::BTreeMap;

use serde_json::Value;
use tamis_core::faults::{Point, arm, disarm, fired, passes};
use tamis_core::model::ContextDoc;
use tamis_core::{Context, Disposition, Policy, Scratch, Tally};

/// At most this many passes of one point are failed per vector (the first ones).
const MAX_NTH: u64 = 25;

struct Case {
    name: String,
    policy: Policy,
    ctx: Context,
    line: String,
}

fn cases() -> Vec<Case> {
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
            let mut policy = match &v["policy"] {
                Value::String(t) => Policy::from_toml(t).unwrap(),
                other => Policy::from_json(&other.to_string()).unwrap(),
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

/// The output line, the disposition, and whether the tally adds up.
fn apply(case: &Case) -> (String, Disposition, bool) {
    let mut sx = Scratch::new(&case.policy);
    let mut tally = Tally::new(&case.policy, false);
    let mut out = Vec::new();
    let d = case
        .policy
        .apply_json_line(&case.line, 1, &case.ctx, &mut sx, &mut tally, &mut out);
    let r = tally.report(&case.policy).records;
    let conserved = r.input == 1
        && r.input == r.output + r.dropped_access + r.dropped_retention + r.quarantined;
    (String::from_utf8(out).unwrap(), d, conserved)
}

/// Every scalar leaf as (path, compact JSON text).
fn leaves(v: &Value, path: String, out: &mut BTreeMap<String, String>) {
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

#[test]
fn every_injected_fault_ends_masked_or_quarantined() {
    let cases = cases();
    assert!(cases.len() >= 400, "only {} vectors", cases.len());
    let mut runs = 0u64;
    let mut per_point: BTreeMap<String, u64> = BTreeMap::new();
    let mut failures = Vec::new();
    for case in &cases {
        disarm();
        let (normal, _, _) = apply(case);
        // What the fault-free run changed: those input leaves must never come out.
        let input: Option<Value> = serde_json::from_str(&case.line).ok();
        let output: Option<Value> = serde_json::from_str(&normal).ok();
        let mut sensitive = Vec::new();
        if let (Some(i), Some(o)) = (&input, &output) {
            let (mut li, mut lo) = (BTreeMap::new(), BTreeMap::new());
            leaves(i, String::new(), &mut li);
            leaves(o, String::new(), &mut lo);
            for (p, v) in li {
                if v.len() >= 5 && lo.get(&p) != Some(&v) && !normal.contains(&v) {
                    sensitive.push(v);
                }
            }
        }
        for point in [Point::Parse, Point::Detect, Point::Action, Point::Record] {
            arm(point, 0);
            let _ = apply(case);
            let n = passes();
            for nth in 1..=n.min(MAX_NTH) {
                arm(point, nth);
                let (out, d, conserved) = apply(case);
                runs += 1;
                *per_point.entry(format!("{point:?}")).or_default() += 1;
                let why = if fired() != 1 {
                    Some("the fault did not fire")
                } else if !conserved {
                    Some("the record was not counted")
                } else if sensitive.iter().any(|v| out.contains(v.as_str())) {
                    Some("a value the fault-free run masked came out")
                } else if point == Point::Parse && !matches!(d, Disposition::Quarantined(_)) {
                    Some("a record that could not be parsed was not quarantined")
                } else if point == Point::Record && !matches!(d, Disposition::Quarantined(_)) {
                    Some("an internal error did not quarantine the record")
                } else {
                    None
                };
                if let Some(why) = why {
                    failures.push(format!("{} [{point:?} #{nth}]: {why}", case.name));
                }
            }
        }
    }
    disarm();
    println!(
        "{} vectors, {runs} fault-injection runs ({per_point:?}), {} not failing closed",
        cases.len(),
        failures.len()
    );
    assert!(runs > 1000, "only {runs} runs");
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
