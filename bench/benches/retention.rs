//! Retention over JSON Lines (half the records expired and dropped, a quarter with an expired
//! field removed, a quarter unchanged), against a plain `serde_json` parse of the same input into
//! a `Value`, in one run. Prints the throughput ratio (target: at least 1.0).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::indexing_slicing,
    reason = "benchmark"
)]

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput};
use tamis_bench::records;
use tamis_core::{Context, Disposition, Policy, Scratch, Tally};

const POLICY: &str = r#"
version = 1
name = "retention-bench"
[[retention]]
id = "records"
paths = ["$"]
max_age = "14d"
timestamp = "timestamp"
[[retention]]
id = "notes"
paths = ["metadata.notes", "message"]
max_age = "7d"
timestamp = "timestamp"
"#;

fn serde_parse(lines: &[String]) {
    for line in lines {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        black_box(&v);
    }
}

fn tamis_retention(
    policy: &Policy,
    ctx: &Context,
    lines: &[String],
    sx: &mut Scratch,
    tally: &mut Tally,
    out: &mut Vec<u8>,
) -> [u64; 2] {
    let mut counts = [0; 2];
    for (i, line) in lines.iter().enumerate() {
        out.clear();
        let d = policy.apply_json_line(line, i as u64 + 1, ctx, sx, tally, out);
        counts[usize::from(d == Disposition::Kept)] += 1;
        black_box(&out);
    }
    counts
}

fn main() {
    let lines = records(4000);
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    let policy = Policy::from_toml(POLICY).unwrap();
    let ctx = Context {
        now: tamis_core::time::parse_rfc3339("2026-11-29T00:00:00Z"),
        ..Context::default()
    };
    let mut sx = Scratch::new(&policy);
    let mut tally = Tally::new(&policy, false);
    let mut out = Vec::with_capacity(4096);
    let [dropped, kept] = tamis_retention(&policy, &ctx, &lines, &mut sx, &mut tally, &mut out);
    println!(
        "input: {} records, {dropped} dropped, {kept} written",
        lines.len()
    );

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("retention_jsonl");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("serde_json_parse", |b| b.iter(|| serde_parse(&lines)));
    group.bench_function("tamis_retention", |b| {
        b.iter(|| tamis_retention(&policy, &ctx, &lines, &mut sx, &mut tally, &mut out))
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
        tamis_retention(&policy, &ctx, &lines, &mut sx, &mut tally, &mut out);
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
