//! Retention over JSON Lines (half the records expired and dropped, a quarter with an expired
//! field removed, a quarter unchanged), against a plain `serde_json` parse of the same input into
//! a `Value`, in one run. Prints the throughput ratio (target: at least 1.0).

#![expect(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::indexing_slicing,
    reason = "benchmark"
)]

use std::time::Instant;

use criterion::{Criterion, Throughput};
use tamis_bench::records;
use tamis_bench::work::{POLICY_RETENTION, RETENTION_NOW, apply_lines, serde_parse};
use tamis_core::{Context, Policy};

fn main() {
    let lines = records(4000);
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    let policy = Policy::from_toml(POLICY_RETENTION).unwrap();
    let ctx = Context {
        now: tamis_core::time::parse_rfc3339(RETENTION_NOW),
        ..Context::default()
    };
    let mut run = policy.run(ctx);
    let mut out = Vec::with_capacity(4096);
    let [dropped, kept] = apply_lines(&mut run, &lines, &mut out);
    println!(
        "input: {} records, {dropped} dropped, {kept} written",
        lines.len()
    );

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("retention_jsonl");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("serde_json_parse", |b| b.iter(|| serde_parse(&lines)));
    group.bench_function("tamis_retention", |b| {
        b.iter(|| apply_lines(&mut run, &lines, &mut out))
    });
    group.finish();
    c.final_summary();

    let mut ratios = Vec::new();
    let (mut best_serde, mut best_tamis) = (f64::MAX, f64::MAX);
    for _ in 0..7 {
        let t = Instant::now();
        serde_parse(&lines);
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
        "retention: serde_json parse {:.0} MB/s, tamis retention (parse + drop/remove + write) {:.0} MB/s, ratio {:.2} (median of 7; target >= 1.0)",
        mb / best_serde,
        mb / best_tamis,
        ratios[3]
    );
}
