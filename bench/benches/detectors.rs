//! The full detector set over 8 MB of log text against one `regex` alternation of equivalent
//! patterns (target: at least 0.8 of its throughput), clean text against `memchr::memmem`
//! (reported as a fraction of memory speed), and Python's `re` with the same alternation on the
//! same bytes (target: tamis at least 50 times faster). One run; prints the ratios.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::cast_precision_loss,
    clippy::panic,
    reason = "benchmark"
)]

use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

use criterion::{Criterion, Throughput};
use tamis_bench::{PEER_ALTERNATION, POLICY_ALL_DETECTORS, log_text};
use tamis_core::{Context, Policy};

fn best_of<F: FnMut()>(rounds: usize, mut f: F) -> f64 {
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min)
}

fn main() {
    let text = log_text(8 << 20, 5);
    let clean = log_text(8 << 20, 0);
    let mb = text.len() as f64 / 1e6;
    let policy = Policy::from_toml(POLICY_ALL_DETECTORS).unwrap();
    let mut run = policy.run(Context::default());
    let peer = regex::Regex::new(PEER_ALTERNATION).unwrap();

    let mut c = Criterion::default().configure_from_args().sample_size(10);
    let mut group = c.benchmark_group("detectors_8mb_log");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("tamis_mask_text", |b| {
        b.iter(|| black_box(run.text(&text)));
    });
    group.bench_function("regex_alternation_replace_all", |b| {
        b.iter(|| black_box(peer.replace_all(&text, "[x]")));
    });
    group.bench_function("tamis_mask_text_clean", |b| {
        b.iter(|| black_box(run.text(&clean)));
    });
    group.bench_function("memmem_clean", |b| {
        b.iter(|| black_box(memchr::memmem::find(clean.as_bytes(), b"\x00tamis\x00")));
    });
    group.finish();
    c.final_summary();

    // Ratios, measured in one run on the same bytes.
    let tamis = best_of(5, || {
        black_box(run.text(&text));
    });
    let regex_t = best_of(5, || {
        black_box(peer.replace_all(&text, "[x]"));
    });
    let tamis_clean = best_of(5, || {
        black_box(run.text(&clean));
    });
    let memmem_t = best_of(5, || {
        black_box(memchr::memmem::find(clean.as_bytes(), b"\x00tamis\x00"));
    });
    let mut count = policy.run(Context::default());
    let _ = count.text(&text);
    let tamis_findings: u64 = count.report().detectors.values().sum();
    let regex_findings = peer.find_iter(&text).count();

    println!("\ndetectors over {mb:.1} MB of log text (one value in 5 lines):");
    println!(
        "  tamis mask_text            {:8.0} MB/s  {tamis_findings} findings",
        mb / tamis
    );
    println!(
        "  regex alternation          {:8.0} MB/s  {regex_findings} matches",
        mb / regex_t
    );
    println!(
        "  ratio tamis/regex          {:8.2}  (target >= 0.8)",
        regex_t / tamis
    );
    println!("clean text:");
    println!("  tamis mask_text            {:8.0} MB/s", mb / tamis_clean);
    println!("  memchr::memmem             {:8.0} MB/s", mb / memmem_t);
    println!(
        "  fraction of memmem         {:8.3}",
        memmem_t / tamis_clean
    );

    // Python's `re`, the same alternation over the same bytes.
    let dir = std::env::temp_dir().join(format!("tamis-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("log.txt");
    std::fs::write(&file, &text).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python_re.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(&file)
        .arg(PEER_ALTERNATION)
        .output();
    let out = match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
        Ok(o) => panic!(
            "python3 bench/python_re.py failed: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => panic!("python3 is needed for the Python `re` comparison: {e}"),
    };
    let secs: f64 = out
        .split_whitespace()
        .next()
        .and_then(|s| s.parse().ok())
        .expect("seconds from python_re.py");
    let matches = out.split_whitespace().nth(1).unwrap_or("?");
    println!("python re (same alternation):");
    println!(
        "  python re.sub              {:8.1} MB/s  {matches} matches",
        mb / secs
    );
    println!(
        "  ratio tamis/python re      {:8.1}  (target >= 50)",
        secs / tamis
    );
    let _ = std::fs::remove_dir_all(&dir);
}
