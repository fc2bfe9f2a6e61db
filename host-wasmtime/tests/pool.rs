//! More plugin calls at once than the instance pool holds: the extra batches fail as `busy`
//! (their plugin's `on_error` applies), none runs unlimited, and the pool is whole again after.
//! Its own test binary, so that no other test's calls share the pool.

mod common;

use std::sync::{Arc, Barrier};

use common::{MAX_RECORD, RECORDS, healthy, register};
use tamis_host::testing::Guest;
use tamis_host::{Failure, Limits};

#[test]
fn calls_past_the_pool_fail_as_busy_and_the_pool_recovers() {
    let spin = Arc::new(
        register(
            &Guest {
                filter_body: "(loop $l (br $l)) (unreachable)",
                ..Guest::default()
            },
            Limits {
                fuel: u64::MAX / 2,
                timeout_ms: 2000,
                ..Limits::default()
            },
        )
        .unwrap(),
    );
    let calls = 80;
    let start = Arc::new(Barrier::new(calls));
    let threads: Vec<_> = (0..calls)
        .map(|_| {
            let (spin, start) = (Arc::clone(&spin), Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait();
                spin.filter(&RECORDS, MAX_RECORD).decisions
            })
        })
        .collect();
    let outcomes: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let busy = outcomes
        .iter()
        .filter(|o| **o == Err(Failure::Busy))
        .count();
    let timeouts = outcomes
        .iter()
        .filter(|o| **o == Err(Failure::Timeout))
        .count();
    println!("{calls} calls at once: {timeouts} timed out, {busy} busy");
    assert_eq!(busy + timeouts, calls);
    assert!(busy >= 1 && timeouts >= 1);
    healthy();
}
