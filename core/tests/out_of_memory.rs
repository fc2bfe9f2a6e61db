//! Allocation failure inside `apply`, for real: this test program runs on the allocator the CLI
//! and the Python module install (`tamis_reserve::Reserve` over the system allocator), with
//! failures injected at the allocator (feature `faults`). For every conformance vector, each
//! allocation that applying it makes is failed in turn — once, and from there on as a system
//! out of memory would — and the record must come out quarantined (`out_of_memory`) or
//! dropped, counted, with no value the fault-free run masked, and without aborting. A record
//! whose parse tree is larger than the whole reserve is quarantined the same way.
//!
//!   cargo test -p tamis-core --features faults --test out_of_memory -- --nocapture

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout,
    reason = "test code"
)]

mod common;

use std::alloc::System;

use common::{Case, cases, sensitive_leaves};
use tamis_core::{Context, Disposition, Policy, Quarantine};
use tamis_reserve::{RESERVE_BYTES, Reserve, failures};

#[global_allocator]
static ALLOC: Reserve<System> = Reserve::new(System);

/// At most this many allocations of one vector are failed (every one, for the vectors here).
const MAX_NTH: u64 = 1_000;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Off,
    /// The nth request fails, once.
    Nth(u64),
    /// The nth request and every later one fail.
    From(u64),
}

struct Applied {
    out: String,
    disposition: Disposition,
    conserved: bool,
    requests: u64,
    failed: bool,
}

fn apply(policy: &Policy, ctx: &Context, line: &str, mode: Mode) -> Applied {
    let mut run = policy.run(ctx.clone());
    let mut out = Vec::with_capacity(1024);
    let before = failures();
    match mode {
        Mode::Off => ALLOC.fail_nth(0),
        Mode::Nth(n) => ALLOC.fail_nth(n),
        Mode::From(n) => ALLOC.fail_from(n),
    }
    let disposition = run.json_line(line, 1, &mut out);
    let requests = ALLOC.requests();
    ALLOC.fail_nth(0);
    let failed = failures() != before;
    let r = run.report().records;
    let conserved = r.input == 1
        && r.input == r.output + r.dropped_access + r.dropped_retention + r.quarantined;
    Applied {
        out: String::from_utf8(out).unwrap(),
        disposition,
        conserved,
        requests,
        failed,
    }
}

fn marker(q: Quarantine) -> String {
    format!(
        r#"{{"tamis_quarantined":{{"line":1,"reason":"{}"}}}}"#,
        q.as_str()
    )
}

fn check(case: &Case, sensitive: &[String], mode: Mode) -> Option<String> {
    let run = apply(&case.policy, &case.ctx, &case.line, mode);
    let why = if !run.failed {
        "the injected failure did not happen"
    } else if !run.conserved {
        "the record was not counted"
    } else if sensitive.iter().any(|v| run.out.contains(v.as_str())) {
        "a value the fault-free run masked came out"
    } else {
        // Quarantined for its own reason (too large, not JSON) before the failure, or for it.
        match run.disposition {
            Disposition::Quarantined(q) if run.out == marker(q) => return None,
            Disposition::Dropped(_) if run.out.is_empty() => return None,
            _ => "the record was neither quarantined as out_of_memory nor dropped",
        }
    };
    Some(format!("{} [{mode:?}]: {why}", case.name))
}

/// Injection is global and the test harness allocates too (on its own thread while a test
/// runs): one test runs both cases in turn.
#[test]
fn out_of_memory_inside_apply() {
    every_failed_allocation_inside_apply_quarantines_the_record();
    a_parse_tree_larger_than_the_reserve_is_quarantined();
}

fn every_failed_allocation_inside_apply_quarantines_the_record() {
    let cases = cases();
    assert!(cases.len() >= 400, "only {} vectors", cases.len());
    let (mut runs, mut allocations) = (0u64, 0u64);
    let mut problems = Vec::new();
    for case in &cases {
        let normal = apply(&case.policy, &case.ctx, &case.line, Mode::Off);
        assert!(!normal.failed, "{}: a failure without injection", case.name);
        let sensitive = sensitive_leaves(&case.line, &normal.out);
        allocations += normal.requests;
        for nth in 1..=normal.requests.min(MAX_NTH) {
            for mode in [Mode::Nth(nth), Mode::From(nth)] {
                runs += 1;
                problems.extend(check(case, &sensitive, mode));
            }
        }
        // The next record after a failure is applied as if nothing happened.
        let again = apply(&case.policy, &case.ctx, &case.line, Mode::Off);
        assert_eq!(again.out, normal.out, "{}: not the same after", case.name);
        assert_eq!(
            ALLOC.in_use(),
            0,
            "{}: the reserve is still in use",
            case.name
        );
    }
    common::assert_failed_closed(
        &format!(
            "{} vectors, {allocations} allocations in fault-free runs, {runs} runs with a \
             failed allocation",
            cases.len()
        ),
        runs,
        5_000,
        &problems,
    );
}

fn a_parse_tree_larger_than_the_reserve_is_quarantined() {
    // 4 million array items: the items' vector alone needs more than the whole reserve.
    let policy = Policy::from_toml(
        "version = 1\nname = \"t\"\n[limits]\nmax_record_bytes = 67108864\n\
         [[rule]]\nid = \"e\"\ndetect = [\"email\"]\naction = \"redact\"\n",
    )
    .unwrap();
    let n = 4_000_000;
    let mut line = String::with_capacity(2 * n + 16);
    line.push_str("[\"a@b.example\"");
    for _ in 1..n {
        line.push_str(",0");
    }
    line.push(']');
    assert!(n * 32 > RESERVE_BYTES);
    let ctx = Context::default();
    // The system fails from the 3rd request on: the reserve serves what it can, the tree's
    // vector cannot grow (try_reserve), the record is quarantined and its memory given back.
    let run = apply(&policy, &ctx, &line, Mode::From(3));
    assert!(run.failed && run.conserved);
    assert_eq!(run.out, marker(Quarantine::OutOfMemory));
    assert_eq!(ALLOC.in_use(), 0);
    let normal = apply(&policy, &ctx, &line, Mode::Off);
    assert!(!normal.failed && normal.out.len() == line.len() - 11);
    assert!(normal.out.starts_with("[\"\",0,0") && normal.out.ends_with(",0]"));
}
