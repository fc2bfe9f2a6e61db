//! `tamis apply` on JSON Lines with 20 field rules, against a serde_json parse + serialize round
//! trip of the same input, in one run. Prints the throughput ratio (target: at least 0.8).

#![expect(clippy::unwrap_used, clippy::print_stdout, reason = "benchmark")]

use std::time::Instant;

use criterion::{Criterion, Throughput};
use tamis_bench::work::{apply_lines, serde_round_trip};
use tamis_bench::{POLICY_20_FIELD_RULES, records};
use tamis_core::{Context, Policy};

fn main() {
    let lines = records(2000);
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    let policy = Policy::from_toml(POLICY_20_FIELD_RULES)
        .unwrap()
        .with_key("default", b"bench-key")
        .unwrap();
    let mut run = policy.run(Context::default());
    let mut out = Vec::with_capacity(4096);

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("apply_jsonl_20_field_rules");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("serde_json_round_trip", |b| {
        b.iter(|| serde_round_trip(&lines, &mut out))
    });
    group.bench_function("tamis_apply", |b| {
        b.iter(|| apply_lines(&mut run, &lines, &mut out))
    });
    group.finish();
    c.final_summary();

    // The ratio, measured interleaved so both see the same machine state.
    let mut ratios = Vec::new();
    let (mut best_serde, mut best_tamis) = (f64::MAX, f64::MAX);
    for _ in 0..7 {
        let t = Instant::now();
        serde_round_trip(&lines, &mut out);
        let s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        apply_lines(&mut run, &lines, &mut out);
        let a = t.elapsed().as_secs_f64();
        best_serde = best_serde.min(s);
        best_tamis = best_tamis.min(a);
        ratios.push(s / a);
    }
    ratios.sort_by(f64::total_cmp);
    let mb = bytes as f64 / 1e6;
    println!(
        "apply_jsonl_20_field_rules: {} records, {:.1} MB; serde_json round trip {:.0} MB/s, tamis apply {:.0} MB/s; \
         throughput ratio tamis/serde_json = {:.2} (median of 7, target >= 0.8)",
        lines.len(),
        mb,
        mb / best_serde,
        mb / best_tamis,
        ratios.get(3).copied().unwrap_or(f64::NAN)
    );
}
