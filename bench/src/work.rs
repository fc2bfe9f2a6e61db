//! The workloads the benchmarks time, shared by the criterion benches (`cargo bench`) and by
//! `tamis-bench round`, the Rust part of `bench/run`.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use tamis_core::{Column, Context, Disposition, Policy, Run};
use tamis_host::{Line, Pipeline};

use crate::Rng;

/// Parses and writes back every line with `serde_json` (the peer of `tamis apply`).
///
/// # Panics
/// When a line is not JSON (the inputs are generated).
#[expect(clippy::unwrap_used, reason = "generated input")]
pub fn serde_round_trip(lines: &[String], out: &mut Vec<u8>) {
    for line in lines {
        out.clear();
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        serde_json::to_writer(&mut *out, &v).unwrap();
        black_box(&out);
    }
}

/// Parses every line into a `serde_json::Value` (the peer of retention).
///
/// # Panics
/// When a line is not JSON (the inputs are generated).
#[expect(clippy::unwrap_used, reason = "generated input")]
pub fn serde_parse(lines: &[String]) {
    for line in lines {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        black_box(&v);
    }
}

/// Applies `policy` to every line as `tamis apply` does; returns `[not written, written]`.
pub fn apply_lines(run: &mut Run<'_>, lines: &[String], out: &mut Vec<u8>) -> [u64; 2] {
    let mut counts = [0; 2];
    for (i, line) in lines.iter().enumerate() {
        out.clear();
        let d = run.json_line(line, i as u64 + 1, out);
        if let Some(c) = counts.get_mut(usize::from(d == Disposition::Kept)) {
            *c += 1;
        }
        black_box(&out);
    }
    counts
}

/// Retention over the generated records: every record older than 14 days dropped, notes and
/// messages removed after 7 days. Use with [`RETENTION_NOW`].
pub const POLICY_RETENTION: &str = r#"
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

/// The time retention is applied at: about half the generated records are expired.
pub const RETENTION_NOW: &str = "2026-11-29T00:00:00Z";

/// One built-in rule that the `mask_field` plugin reproduces.
pub const POLICY_ONE_RULE: &str = "version = 1\nname = \"b\"\n[[rule]]\nid = \"email\"\npaths = [\"user.email\"]\naction = \"replace\"\n";

/// The `mask_field` example plugin, as `cargo build --release --target wasm32-unknown-unknown
/// -p tamis-guest --examples` writes it.
pub const PLUGIN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../target/wasm32-unknown-unknown/release/examples/mask_field.wasm"
);

/// The `tokenize` example plugin (contract 0.2, a transformer), built with [`PLUGIN`].
pub const TRANSFORM_PLUGIN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../target/wasm32-unknown-unknown/release/examples/tokenize.wasm"
);

/// A policy whose rule masks `user.email` by the `tokenize` transformer, configured to write
/// what [`POLICY_ONE_RULE`] writes (`[REDACTED]`).
#[must_use]
pub fn policy_transforming() -> String {
    format!(
        "version = 1\nname = \"p\"\n[[rule]]\nid = \"email\"\npaths = [\"user.email\"]\naction = \"plugin:tok\"\n\
         [[plugin]]\nid = \"tok\"\npath = \"{TRANSFORM_PLUGIN}\"\nconfig = {{ replacement = \"[REDACTED]\" }}\ntimeout_ms = 1000\nfuel = 10000000000\n"
    )
}

/// The `echo` example plugin (every record replaced with itself), built with [`PLUGIN`].
pub const ECHO_PLUGIN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../target/wasm32-unknown-unknown/release/examples/echo.wasm"
);

/// A policy that runs the `mask_field` plugin on `user.email` (the deadline on).
#[must_use]
pub fn policy_with_plugin() -> String {
    policy_running(PLUGIN)
}

/// A policy that runs the plugin at `path` as [`policy_with_plugin`] runs `mask_field`: the
/// same config, deadline and fuel.
#[must_use]
pub fn policy_running(path: &str) -> String {
    format!(
        "version = 1\nname = \"p\"\n[[plugin]]\nid = \"mask\"\npath = \"{path}\"\nconfig = {{ field = \"user.email\" }}\ntimeout_ms = 1000\nfuel = 10000000000\n"
    )
}

/// The built-in side of the plugin comparison: every line through `policy`, JSON Lines out.
pub fn builtin_lines(policy: &Policy, lines: &[String], out: &mut Vec<u8>) {
    let mut run = policy.run(Context::default());
    for (i, line) in lines.iter().enumerate() {
        run.json_line(line, i as u64 + 1, out);
        out.push(b'\n');
    }
}

/// The plugin side: batches of 256 lines through the pipeline on a thread where guest code
/// runs directly, as `tamis apply` runs them.
///
/// # Errors
/// When a plugin with `on_error = "fail"` fails (the benchmark's does not).
pub fn plugin_lines(
    pipeline: &Pipeline,
    lines: &[String],
    out: &mut Vec<u8>,
) -> Result<(), tamis_host::Stopped> {
    tamis_host::on_plugin_thread(|| {
        let mut run = pipeline.policy().run(Context::default());
        for (c, chunk) in lines.chunks(256).enumerate() {
            let batch: Vec<(u64, Line<'_>)> = chunk
                .iter()
                .enumerate()
                .map(|(i, l)| ((c * 256 + i + 1) as u64, Line::Text(l)))
                .collect();
            pipeline.apply_lines(&batch, &mut run, out, &mut |_| {})?;
        }
        Ok(())
    })
    .unwrap_or_else(|| {
        Err(tamis_host::Stopped {
            plugin: String::new(),
            failure: tamis_host::Failure::Trap("the thread applying the policy stopped".into()),
        })
    })
}

/// Whether the example plugins have been built.
#[must_use]
pub fn plugin_built() -> bool {
    [PLUGIN, ECHO_PLUGIN, TRANSFORM_PLUGIN]
        .iter()
        .all(|p| Path::new(p).exists())
}

/// Summaries over detector-checked columns: the policy of [`Columns::summarize`].
pub const POLICY_SUMMARIES: &str = r#"
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

/// Ten seeded columns: 3 float, 2 integer and 5 string.
#[derive(Debug)]
pub struct Columns {
    floats: Vec<Vec<f64>>,
    ints: Vec<Vec<i64>>,
    strings: Vec<Vec<String>>,
}

impl Columns {
    /// `rows` rows of each column.
    #[must_use]
    #[expect(
        clippy::cast_precision_loss,
        clippy::cast_possible_wrap,
        reason = "small seeded numbers"
    )]
    pub fn new(rows: usize) -> Self {
        let mut rng = Rng::new(42);
        let floats = (0..3)
            .map(|_| {
                (0..rows)
                    .map(|_| rng.below(1_000_000) as f64 / 100.0)
                    .collect()
            })
            .collect();
        let ints = (0..2)
            .map(|_| (0..rows).map(|_| rng.below(5000) as i64).collect())
            .collect();
        let words = ["free", "pro", "team", "enterprise", "trial"];
        let strings = (0..5)
            .map(|c| {
                (0..rows)
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
        Self {
            floats,
            ints,
            strings,
        }
    }

    /// The number of cells.
    #[must_use]
    pub fn cells(&self) -> usize {
        let rows = self.floats.first().map_or(0, Vec::len);
        rows * (self.floats.len() + self.ints.len() + self.strings.len())
    }

    /// Summarises every column with `policy` through the columnar entry point the Python binding
    /// uses; returns how many summaries were made.
    #[must_use]
    pub fn summarize(&self, policy: &Policy) -> usize {
        let ctx = Context::default();
        let mut out = Vec::new();
        for (i, c) in self.floats.iter().enumerate() {
            let mut s = policy.column_summarizer(&[&format!("f{i}")], &ctx);
            s.push_column(Column::Float(c));
            out.push(s.finish());
        }
        for (i, c) in self.ints.iter().enumerate() {
            let mut s = policy.column_summarizer(&[&format!("i{i}")], &ctx);
            s.push_column(Column::Int(c));
            out.push(s.finish());
        }
        for (i, c) in self.strings.iter().enumerate() {
            let strs: Vec<Option<&str>> = c.iter().map(|s| Some(s.as_str())).collect();
            let mut s = policy.column_summarizer(&[&format!("s{i}")], &ctx);
            s.push_column(Column::Str(&strs));
            out.push(s.finish());
        }
        black_box(&out);
        out.iter().filter(|s| s.is_some()).count()
    }
}

/// Seconds `f` takes.
pub fn time<F: FnOnce()>(f: F) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}

/// Seconds `f` takes on its second call (the first warms caches and allocations up).
pub fn warm_time<F: FnMut()>(mut f: F) -> f64 {
    f();
    time(f)
}

/// The median of `xs` (`NaN` when empty).
#[must_use]
pub fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The `p` quantile (0..=1, nearest rank) of `xs`.
#[must_use]
#[expect(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "small counts"
)]
pub fn percentile(mut xs: Vec<Duration>, p: f64) -> Duration {
    xs.sort();
    let i = ((xs.len().saturating_sub(1)) as f64 * p).round() as usize;
    xs.get(i).copied().unwrap_or_default()
}

/// A plugin call's fixed cost: medians of 200 calls of a plugin that keeps everything, with an
/// empty batch (a fresh instance and the call) and with `record` alone.
///
/// # Errors
/// When the test plugin cannot be registered.
pub fn call_costs(record: &str) -> Result<(f64, f64), String> {
    let host = tamis_host::Host::global().map_err(|e| e.to_string())?;
    let keep = host
        .register(
            "keep",
            &tamis_host::testing::component(&tamis_host::testing::Guest::default()),
            b"{}".to_vec(),
            tamis_host::Limits::default(),
            tamis_host::OnError::Drop,
        )
        .map_err(|e| e.to_string())?;
    let one = [record];
    let (mut empty, mut single) = (Vec::new(), Vec::new());
    for _ in 0..200 {
        empty.push(time(|| {
            black_box(keep.filter(&[], 1 << 20));
        }));
        single.push(time(|| {
            black_box(keep.filter(&one, 1 << 20));
        }));
    }
    Ok((median(empty), median(single)))
}

/// How long after a 10 ms deadline an infinite loop is trapped, over 100 calls.
///
/// # Errors
/// When the test plugin cannot be registered, or a loop returned.
pub fn deadline_latencies(record: &str) -> Result<Vec<Duration>, String> {
    let host = tamis_host::Host::global().map_err(|e| e.to_string())?;
    let spin = host
        .register(
            "spin",
            &tamis_host::testing::component(&tamis_host::testing::Guest {
                filter_body: "(loop $l (br $l)) (unreachable)",
                ..tamis_host::testing::Guest::default()
            }),
            b"{}".to_vec(),
            tamis_host::Limits {
                fuel: u64::MAX / 2,
                timeout_ms: 10,
                ..tamis_host::Limits::default()
            },
            tamis_host::OnError::Drop,
        )
        .map_err(|e| e.to_string())?;
    let mut late = Vec::with_capacity(100);
    for _ in 0..100 {
        let t = Instant::now();
        if spin.filter(&[record], 1 << 20).decisions.is_ok() {
            return Err("an infinite loop returned".to_owned());
        }
        late.push(t.elapsed().saturating_sub(Duration::from_millis(10)));
    }
    Ok(late)
}
