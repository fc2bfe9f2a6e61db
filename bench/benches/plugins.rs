//! Plugins against built-in rules, in one run (build the example plugins first:
//! `cargo build --release --target wasm32-unknown-unknown -p tamis-guest --examples`):
//! - masking one field with the `mask_field` plugin vs the same built-in rule, on 2,000 records
//!   of ~1.4 KB in batches of 256 (target: at least 0.5x the built-in throughput, deadline on),
//!   and the `echo` plugin (each record replaced with itself): the floor of any plugin that
//!   masks;
//! - the cost of one batch's fresh instance (an empty batch; a minimal plugin and the Rust
//!   example) and of a one-record call;
//! - the time from a deadline to the trap of an infinite loop (p50 / p99 over 100 runs).

#![expect(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::indexing_slicing,
    reason = "benchmark"
)]

use std::hint::black_box;

use tamis_bench::records;
use tamis_bench::work::{
    ECHO_PLUGIN, POLICY_ONE_RULE, builtin_lines, call_costs, deadline_latencies, median,
    percentile, plugin_built, plugin_lines, policy_running, policy_with_plugin, time,
};
use tamis_core::Policy;
use tamis_host::Pipeline;

fn main() {
    assert!(
        plugin_built(),
        "build the example plugins first: cargo build --release --target wasm32-unknown-unknown -p tamis-guest --examples"
    );
    let lines = records(2000);
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    let rule = Policy::from_toml(POLICY_ONE_RULE).unwrap();
    let with_plugin = Policy::from_toml(&policy_with_plugin()).unwrap();
    let pipeline = Pipeline::new(with_plugin, std::path::Path::new("/")).unwrap();
    let echo = Policy::from_toml(&policy_running(ECHO_PLUGIN)).unwrap();
    let echo = Pipeline::new(echo, std::path::Path::new("/")).unwrap();

    let (mut a, mut b) = (Vec::new(), Vec::new());
    builtin_lines(&rule, &lines, &mut a);
    plugin_lines(&pipeline, &lines, &mut b).unwrap();
    assert_eq!(a, b, "the plugin and the rule must write the same bytes");

    // One output buffer, cleared for each run and already written once: every side writes into
    // memory that is there (as `tamis apply` reuses its batch buffer), so no side's time includes
    // faulting in fresh pages for its output.
    let mut out = a;
    let (mut rule_t, mut plugin_t, mut echo_t) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..15 {
        rule_t.push(time(|| {
            out.clear();
            builtin_lines(&rule, &lines, &mut out);
        }));
        plugin_t.push(time(|| {
            out.clear();
            plugin_lines(&pipeline, &lines, &mut out).unwrap();
        }));
        echo_t.push(time(|| {
            out.clear();
            plugin_lines(&echo, &lines, &mut out).unwrap();
        }));
        black_box(&out);
    }
    let mb = bytes as f64 / 1e6;
    let (r, p, e) = (median(rule_t), median(plugin_t), median(echo_t));
    println!("records: 2,000 x ~{} B, batches of 256", bytes / 2000);
    println!("  built-in rule   {:8.1} MB/s", mb / r);
    println!(
        "  mask_field      {:8.1} MB/s (plugin, then the policy)",
        mb / p
    );
    println!("  ratio           {:8.2} (target >= 0.5)", r / p);
    println!(
        "  echo            {:8.1} MB/s, ratio {:.2} (the floor: each record replaced with itself)",
        mb / e,
        r / e
    );

    let (empty, single) = call_costs(&lines[0]).unwrap();
    println!(
        "  fresh instance + call (empty batch): {:.1} us (median of 200)",
        empty * 1e6
    );
    println!(
        "  one-record call:                     {:.1} us (median of 200)",
        single * 1e6
    );
    // The same for the Rust example plugin (a larger memory and data to set up), on a thread
    // where guest calls run in place, as `tamis apply` makes them.
    let rust_empty = tamis_host::on_plugin_thread(|| {
        let plugin = &pipeline.plugins()[0];
        median(
            (0..200)
                .map(|_| time(|| drop(black_box(plugin.filter(&[], 1 << 20)))))
                .collect(),
        )
    })
    .unwrap();
    println!(
        "  mask_field fresh instance + call (empty batch): {:.1} us (median of 200)",
        rust_empty * 1e6
    );
    let late = deadline_latencies(&lines[0]).unwrap();
    println!(
        "  deadline to trap (timeout 10 ms): p50 {:?}, p99 {:?} after the deadline",
        percentile(late.clone(), 0.5),
        percentile(late, 0.99)
    );
}
