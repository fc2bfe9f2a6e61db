//! Column summaries of 1,000,000 rows x 10 columns (5 numeric, 5 string), through the columnar
//! entry point the Python binding uses. Reported as cells per second.

#![expect(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::indexing_slicing,
    clippy::cast_precision_loss,
    reason = "benchmark"
)]

use std::time::Instant;

use tamis_bench::work::{Columns, POLICY_SUMMARIES};
use tamis_core::Policy;

fn main() {
    const ROWS: usize = 1_000_000;
    let columns = Columns::new(ROWS);
    let policy = Policy::from_toml(POLICY_SUMMARIES).unwrap();
    let run = || {
        let t = Instant::now();
        assert_eq!(columns.summarize(&policy), 10);
        t.elapsed().as_secs_f64()
    };
    let mut times: Vec<f64> = (0..3).map(|_| run()).collect();
    times.sort_by(f64::total_cmp);
    let cells = columns.cells() as f64;
    println!(
        "summaries: 1,000,000 rows x 10 columns (3 float, 2 int, 5 string; detectors email, credit_card, phone on) in {:.2} s: {:.1} M cells/s (median of 3)",
        times[1],
        cells / times[1] / 1e6
    );
}
