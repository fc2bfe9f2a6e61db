//! Memory stays flat over many hostile calls. Its own test binary, so that no
//! other test runs in the process while it reads the process's RSS.

mod common;

use common::{MAX_RECORD, RECORDS, healthy, register};
use tamis_host::testing::Guest;
use tamis_host::{Limits, Plugin};

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn ten_thousand_mixed_hostile_calls_keep_memory_flat() {
    let small = Limits {
        fuel: 200_000,
        timeout_ms: 50,
        ..Limits::default()
    };
    let guests = [
        Guest {
            filter_body: "(loop $l (br $l)) (unreachable)",
            ..Guest::default()
        },
        Guest {
            filter_body: "(loop $l (br_if $l (i32.ne (memory.grow (i32.const 64)) (i32.const -1)))) (unreachable)",
            ..Guest::default()
        },
        Guest {
            filter_body: "(drop (call $verdicts (i32.const 3) (i32.const 0))) (unreachable)",
            ..Guest::default()
        },
        Guest {
            fields: "(func $down (param i32) (result i32) (call $down (i32.add (local.get 0) (i32.const 1))))",
            filter_body: "(call $down (i32.const 0))",
            ..Guest::default()
        },
        Guest::default(),
    ];
    let plugins: Vec<Plugin> = guests
        .iter()
        .map(|g| register(g, small.clone()).unwrap())
        .collect();
    let calls = 10_000;
    let mut before = 0;
    let mut failures = 0;
    for i in 0..calls {
        if i == 1_000 {
            before = rss_kib();
        }
        let p = &plugins[i % plugins.len()];
        if p.filter(&RECORDS, MAX_RECORD).decisions.is_err() {
            failures += 1;
        }
    }
    let after = rss_kib();
    assert_eq!(failures, calls / 5 * 4);
    println!("RSS after 1,000 calls: {before} KiB; after {calls}: {after} KiB");
    assert!(
        after < before + 32 * 1024,
        "memory grew from {before} KiB to {after} KiB"
    );
    healthy();
}
