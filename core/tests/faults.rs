//! Fault injection over the conformance vectors (feature `faults`): every point inside `apply`
//! is made to fail at each of its passes in turn, for every vector, and the output must stay
//! masked or quarantined — no value that the fault-free run masked may appear — with the
//! record counted (in = out + dropped + quarantined) and no panic.
//!
//!   cargo test -p tamis-core --features faults --test faults -- --nocapture

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout,
    reason = "test code"
)]

mod common;

use std::collections::BTreeMap;

use common::{Case, cases, sensitive_leaves};
use tamis_core::Disposition;
use tamis_core::faults::{Point, arm, disarm, fired, passes};

/// At most this many passes of one point are failed per vector (the first ones).
const MAX_NTH: u64 = 25;

/// The output line, the disposition, and whether the tally adds up.
fn apply(case: &Case) -> (String, Disposition, bool) {
    let mut run = case.policy.run(case.ctx.clone());
    let mut out = Vec::new();
    let d = run.json_line(&case.line, 1, &mut out);
    let r = run.report().records;
    let conserved = r.input == 1
        && r.input == r.output + r.dropped_access + r.dropped_retention + r.quarantined;
    (String::from_utf8(out).unwrap(), d, conserved)
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
        let sensitive = sensitive_leaves(&case.line, &normal);
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
    common::assert_failed_closed(
        &format!(
            "{} vectors, {runs} fault-injection runs ({per_point:?})",
            cases.len()
        ),
        runs,
        1000,
        &failures,
    );
}
