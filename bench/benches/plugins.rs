//! Plugins against built-in rules, in one run (build the example plugins first:
//! `cargo build --release --target wasm32-unknown-unknown -p tamis-guest --examples`):
//! - masking one field with the `mask_field` plugin vs the same built-in rule, on 2,000 records
//!   of ~1.4 KB in batches of 256 (target: at least 0.5x the built-in throughput, deadline on);
//! - the cost of one batch's fresh instance (an empty batch) and of a one-record call;
//! - the time from a deadline to the trap of an infinite loop (p50 / p99 over 100 runs).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::indexing_slicing,
    reason = "benchmark"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use tamis_bench::records;
use tamis_core::{Context, Policy, Scratch, Tally};
use tamis_host::testing::{Guest, component};
use tamis_host::{Host, Limits, Line, OnError, Pipeline};

const PLUGIN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../target/wasm32-unknown-unknown/release/examples/mask_field.wasm"
);

fn builtin(policy: &Policy, lines: &[String], out: &mut Vec<u8>) {
    let ctx = Context::default();
    let mut sx = Scratch::new(policy);
    let mut tally = Tally::new(policy, false);
    for (i, line) in lines.iter().enumerate() {
        policy.apply_json_line(line, i as u64 + 1, &ctx, &mut sx, &mut tally, out);
        out.push(b'\n');
    }
}

fn plugin(pipeline: &Pipeline, lines: &[String], out: &mut Vec<u8>) {
    let ctx = Context::default();
    let policy = pipeline.policy();
    let mut sx = Scratch::new(policy);
    let mut tally = Tally::new(policy, false);
    for (c, chunk) in lines.chunks(256).enumerate() {
        let batch: Vec<(u64, Line<'_>)> = chunk
            .iter()
            .enumerate()
            .map(|(i, l)| ((c * 256 + i + 1) as u64, Line::Text(l)))
            .collect();
        pipeline
            .apply_lines(&batch, &ctx, &mut sx, &mut tally, out, &mut |_| {})
            .unwrap();
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn percentile(mut xs: Vec<Duration>, p: f64) -> Duration {
    xs.sort();
    xs[((xs.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    assert!(
        std::path::Path::new(PLUGIN).exists(),
        "build the example plugins first: cargo build --release --target wasm32-unknown-unknown -p tamis-guest --examples"
    );
    let lines = records(2000);
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    let rule = Policy::from_toml(
        "version = 1\nname = \"b\"\n[[rule]]\nid = \"email\"\npaths = [\"user.email\"]\naction = \"replace\"\n",
    )
    .unwrap();
    let with_plugin = Policy::from_toml(&format!(
        "version = 1\nname = \"p\"\n[[plugin]]\nid = \"mask\"\npath = \"{PLUGIN}\"\nconfig = {{ field = \"user.email\" }}\ntimeout_ms = 1000\nfuel = 10000000000\n"
    ))
    .unwrap();
    let pipeline = Pipeline::new(with_plugin, std::path::Path::new("/")).unwrap();

    let (mut a, mut b) = (Vec::new(), Vec::new());
    builtin(&rule, &lines, &mut a);
    plugin(&pipeline, &lines, &mut b);
    assert_eq!(a, b, "the plugin and the rule must write the same bytes");

    let mut rule_t = Vec::new();
    let mut plugin_t = Vec::new();
    for _ in 0..7 {
        let mut out = Vec::with_capacity(bytes);
        let t = Instant::now();
        builtin(&rule, &lines, &mut out);
        rule_t.push(t.elapsed().as_secs_f64());
        black_box(&out);
        let mut out = Vec::with_capacity(bytes);
        let t = Instant::now();
        plugin(&pipeline, &lines, &mut out);
        plugin_t.push(t.elapsed().as_secs_f64());
        black_box(&out);
    }
    let mb = bytes as f64 / 1e6;
    let (r, p) = (median(rule_t), median(plugin_t));
    println!("records: 2,000 x ~{} B, batches of 256", bytes / 2000);
    println!("  built-in rule   {:8.1} MB/s", mb / r);
    println!(
        "  mask_field      {:8.1} MB/s (plugin, then the policy)",
        mb / p
    );
    println!("  ratio           {:8.2} (target >= 0.5)", r / p);

    let host = Host::global().unwrap();
    let keep = host
        .register(
            "keep",
            &component(&Guest::default()),
            b"{}".to_vec(),
            Limits::default(),
            OnError::Drop,
        )
        .unwrap();
    let one = [lines[0].as_str()];
    let mut empty = Vec::new();
    let mut single = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        black_box(keep.filter(&[], 1 << 20));
        empty.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        black_box(keep.filter(&one, 1 << 20));
        single.push(t.elapsed().as_secs_f64());
    }
    println!(
        "  fresh instance + call (empty batch): {:.1} us (median of 200)",
        median(empty) * 1e6
    );
    println!(
        "  one-record call:                     {:.1} us (median of 200)",
        median(single) * 1e6
    );

    let spin = host
        .register(
            "spin",
            &component(&Guest {
                filter_body: "(loop $l (br $l)) (unreachable)",
                ..Guest::default()
            }),
            b"{}".to_vec(),
            Limits {
                fuel: u64::MAX / 2,
                timeout_ms: 10,
                ..Limits::default()
            },
            OnError::Drop,
        )
        .unwrap();
    let mut late = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        assert!(spin.filter(&one, 1 << 20).decisions.is_err());
        late.push(t.elapsed().saturating_sub(Duration::from_millis(10)));
    }
    println!(
        "  deadline to trap (timeout 10 ms): p50 {:?}, p99 {:?} after the deadline",
        percentile(late.clone(), 0.5),
        percentile(late, 0.99)
    );
}
