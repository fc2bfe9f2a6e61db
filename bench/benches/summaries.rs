//! Column summaries of 1,000,000 rows x 10 columns (5 numeric, 5 string), through the columnar
//! entry point the Python binding uses. Reported as cells per second.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::indexing_slicing,
    clippy::cast_precision_loss,
    reason = "benchmark"
)]

use std::hint::black_box;
use std::time::Instant;

use tamis_bench::Rng;
use tamis_core::{Column, Context, Policy};

const POLICY: &str = r#"
version = 1
name = "summaries-bench"
[[rule]]
id = "pii"
detect = ["email", "credit_card", "phone"]
action = "replace"
[[summarize]]
id = "cols"
paths = ["**"]
"#;

fn main() {
    const ROWS: usize = 1_000_000;
    let mut rng = Rng::new(42);
    let floats: Vec<Vec<f64>> = (0..3)
        .map(|_| {
            (0..ROWS)
                .map(|_| rng.below(1_000_000) as f64 / 100.0)
                .collect()
        })
        .collect();
    let ints: Vec<Vec<i64>> = (0..2)
        .map(|_| (0..ROWS).map(|_| rng.below(5000) as i64).collect())
        .collect();
    let words = ["free", "pro", "team", "enterprise", "trial"];
    let owned: Vec<Vec<String>> = (0..5)
        .map(|c| {
            (0..ROWS)
                .map(|_| match c {
                    0 => rng.pick(&words).to_owned(),
                    1 => format!("user-{}", rng.below(200_000)),
                    2 => format!("order {} shipped", rng.below(1_000_000)),
                    3 => format!("sku-{:05}", rng.below(50_000)),
                    _ => format!("{}.{}.{}", rng.below(5), rng.below(20), rng.below(100)),
                })
                .collect()
        })
        .collect();
    let strs: Vec<Vec<Option<&str>>> = owned
        .iter()
        .map(|c| c.iter().map(|s| Some(s.as_str())).collect())
        .collect();
    let policy = Policy::from_toml(POLICY).unwrap();
    let ctx = Context::default();

    let run = || {
        let t = Instant::now();
        let mut out = Vec::new();
        for (i, c) in floats.iter().enumerate() {
            let mut s = policy.column_summarizer(&[&format!("f{i}")], &ctx);
            s.push_column(Column::Float(c));
            out.push(s.finish());
        }
        for (i, c) in ints.iter().enumerate() {
            let mut s = policy.column_summarizer(&[&format!("i{i}")], &ctx);
            s.push_column(Column::Int(c));
            out.push(s.finish());
        }
        for (i, c) in strs.iter().enumerate() {
            let mut s = policy.column_summarizer(&[&format!("s{i}")], &ctx);
            s.push_column(Column::Str(c));
            out.push(s.finish());
        }
        black_box(&out);
        t.elapsed().as_secs_f64()
    };
    let mut times: Vec<f64> = (0..3).map(|_| run()).collect();
    times.sort_by(f64::total_cmp);
    let cells = (ROWS * 10) as f64;
    println!(
        "summaries: 1,000,000 rows x 10 columns (3 float, 2 int, 5 string; detectors email, credit_card, phone on) in {:.2} s: {:.1} M cells/s (median of 3)",
        times[1],
        cells / times[1] / 1e6
    );
}
