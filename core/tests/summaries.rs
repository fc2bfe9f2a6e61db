//! Summary statistics against exact computations, sketch error bounds, merging, k-anonymity,
//! the columnar entry point, and report counts of dropped records.

#![expect(
    clippy::indexing_slicing,
    clippy::cast_precision_loss,
    reason = "test code"
)]

use serde_json::{Value, json};
use tamis_core::summary::{RenderOptions, Stats, Summary};
use tamis_core::{Column, Context, Policy};

/// A deterministic pseudo-random sequence (splitmix64).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn opts(k: u64) -> RenderOptions {
    RenderOptions {
        rule: "t".into(),
        stats: Stats::ALL,
        k_anonymity: k,
        top_k: 10,
    }
}

fn rendered(s: &Summary, k: u64) -> Value {
    s.render(&opts(k), None)["tamis_summary"].clone()
}

/// Nearest rank: the smallest value whose rank is at least ceil(q n).
fn exact_quantile(sorted: &[f64], per_mille: u64) -> f64 {
    let n = sorted.len() as u64;
    let target = (per_mille * n).div_ceil(1000).max(1);
    sorted[(target - 1) as usize]
}

/// The largest distance, as a fraction of n, between the rank of `x` and the wanted rank.
fn rank_error(sorted: &[f64], per_mille: u64, x: f64) -> f64 {
    let n = sorted.len() as f64;
    let want = per_mille as f64 / 1000.0 * n;
    let lo = sorted.partition_point(|&v| v < x) as f64;
    let hi = sorted.partition_point(|&v| v <= x) as f64;
    if want < lo {
        (lo - want) / n
    } else if want > hi {
        (want - hi) / n
    } else {
        0.0
    }
}

const PER_MILLE: [u64; 7] = [10, 50, 250, 500, 750, 950, 990];

#[test]
fn mean_std_min_max_match_exact_values() {
    let mut rng = Rng(7);
    let xs: Vec<f64> = (0..100_000).map(|_| rng.unit() * 1000.0 - 200.0).collect();
    let mut s = Summary::new();
    for &x in &xs {
        s.add_f64(x);
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
    let r = rendered(&s, 5);
    assert!((r["mean"].as_f64().unwrap() - mean).abs() < 1e-9 * mean.abs().max(1.0));
    assert!((r["std"].as_f64().unwrap() - var.sqrt()).abs() < 1e-9 * var.sqrt());
    assert_eq!(r["count"], 100_000);
    // With k = 1, min and max are the values themselves.
    let exact = rendered(&s, 1);
    let mut sorted = xs.clone();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(exact["min"].as_f64().unwrap(), sorted[0]);
    assert_eq!(exact["max"].as_f64().unwrap(), sorted[sorted.len() - 1]);
    // With k = 5, each lies within the 5 extreme values and is none of them (they are distinct
    // random reals, so a rounding with fewer digits fits between them).
    let (min, max) = (r["min"].as_f64().unwrap(), r["max"].as_f64().unwrap());
    assert!(sorted[0] <= min && min <= sorted[4], "{min}");
    assert!(
        sorted[sorted.len() - 5] <= max && max <= sorted[sorted.len() - 1],
        "{max}"
    );
    assert!(!sorted[..5].contains(&min) && !sorted[sorted.len() - 5..].contains(&max));
}

#[test]
fn quantiles_are_exact_below_the_sketch_size_and_within_0_4_percent_above() {
    let mut rng = Rng(11);
    // Exact while the sketch holds every value.
    let small: Vec<f64> = (0..1024).map(|_| (rng.next() % 1000) as f64).collect();
    let mut s = Summary::new();
    small.iter().for_each(|&x| {
        s.add_f64(x);
    });
    let mut sorted = small.clone();
    sorted.sort_by(f64::total_cmp);
    for pm in PER_MILLE {
        assert_eq!(s.quantile(pm), Some(exact_quantile(&sorted, pm)), "{pm}");
    }
    // 1,000,000 values of three shapes: rank error at most 1 % (the documented bound).
    for shape in 0..3 {
        let xs: Vec<f64> = (0..1_000_000)
            .map(|i| match shape {
                0 => rng.unit(),
                1 => -rng.unit().ln() * 50.0,        // skewed
                _ => f64::from(i % 1000 * 7 % 1000), // sorted-ish with duplicates
            })
            .collect();
        let mut s = Summary::new();
        xs.iter().for_each(|&x| {
            s.add_f64(x);
        });
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let worst = PER_MILLE
            .iter()
            .map(|&pm| rank_error(&sorted, pm, s.quantile(pm).unwrap()))
            .fold(0.0, f64::max);
        println!("shape {shape}: worst quantile rank error {worst:.5}");
        assert!(worst <= 0.01, "shape {shape}: rank error {worst}");
        // Within 2^-8 of the exact quantile's value, 2^-7 one level up (the skewed shape spans
        // 2^24 in magnitude: 3,072 buckets at level 0, over the 2,048 kept).
        for pm in PER_MILLE {
            let (got, exact) = (s.quantile(pm).unwrap(), exact_quantile(&sorted, pm));
            let bound = if shape == 1 { 128.0 } else { 256.0 };
            assert!(
                (got - exact).abs() <= exact.abs() / bound,
                "shape {shape} {pm}: {got} vs {exact}"
            );
        }
        // The same summary from partitions of every size, merged in any order (through the JSON
        // state, as between workers), bit for bit: the rendered statistics are equal.
        for parts in [2usize, 7, 64] {
            let size = xs.len().div_ceil(parts);
            let mut summaries: Vec<Summary> = xs
                .chunks(size)
                .map(|chunk| {
                    let mut p = Summary::new();
                    chunk.iter().for_each(|&x| {
                        p.add_f64(x);
                    });
                    Summary::from_state(&p.to_state()).unwrap()
                })
                .collect();
            summaries.reverse();
            let mut merged = Summary::new();
            for p in &summaries {
                merged.merge(p);
            }
            for pm in PER_MILLE {
                assert_eq!(
                    merged.quantile(pm).map(f64::to_bits),
                    s.quantile(pm).map(f64::to_bits),
                    "shape {shape}, {parts} parts, {pm}"
                );
            }
            assert_eq!(
                rendered(&merged, 5)["quantiles"],
                rendered(&s, 5)["quantiles"]
            );
        }
    }
}

#[test]
fn distinct_is_exact_below_the_threshold_and_within_hll_error_at_one_million() {
    let mut s = Summary::new();
    for i in 0..4096 {
        s.add_str(&format!("user-{i}"));
        s.add_str(&format!("user-{i}")); // duplicates do not count
    }
    assert_eq!(s.distinct(), (4096, false));

    let mut s = Summary::new();
    for i in 0..1_000_000u32 {
        s.add_str(&format!("id-{i:08x}"));
    }
    let (est, estimated) = s.distinct();
    let err = (est as f64 - 1e6).abs() / 1e6;
    println!(
        "HLL estimate {est} for 1,000,000 distinct: error {:.4} %",
        err * 100.0
    );
    assert!(estimated);
    // Standard error 0.81 % (2^14 registers); three standard errors.
    assert!(err < 0.0243, "{est}");

    let mut s = Summary::new();
    for i in 0..1_000_000u64 {
        s.add_f64(i as f64);
    }
    let (est, _) = s.distinct();
    assert!((est as f64 - 1e6).abs() / 1e6 < 0.0243, "{est}");
}

fn column_of(rng: &mut Rng, n: usize) -> Vec<Option<String>> {
    (0..n)
        .map(|_| {
            let r = rng.next() % 100;
            if r < 3 {
                None
            } else {
                // Zipf-like: a few frequent values and a long tail.
                let v = if r < 60 { r % 6 } else { rng.next() % 20_000 };
                Some(format!("v{v}"))
            }
        })
        .collect()
}

fn summarize_strings(items: &[Option<String>]) -> Summary {
    let mut s = Summary::new();
    for v in items {
        match v {
            Some(v) => {
                s.add_str(v);
            }
            None => {
                s.add_null();
            }
        }
    }
    s
}

#[test]
fn two_halves_merge_into_the_whole() {
    let mut rng = Rng(3);
    // Numbers.
    let xs: Vec<f64> = (0..400_000).map(|_| rng.unit() * 100.0).collect();
    let (a, b) = xs.split_at(150_000);
    let whole = {
        let mut s = Summary::new();
        xs.iter().for_each(|&x| {
            s.add_f64(x);
        });
        s
    };
    let mut left = Summary::new();
    a.iter().for_each(|&x| {
        left.add_f64(x);
    });
    let mut right = Summary::new();
    b.iter().for_each(|&x| {
        right.add_f64(x);
    });
    // Through the JSON state, as between workers.
    let right = Summary::from_state(&right.to_state()).unwrap();
    left.merge(&right);
    let (m, w) = (rendered(&left, 5), rendered(&whole, 5));
    for exact in ["count", "nulls", "min", "max"] {
        assert_eq!(m[exact], w[exact], "{exact}");
    }
    for close in ["mean", "std"] {
        let (x, y) = (m[close].as_f64().unwrap(), w[close].as_f64().unwrap());
        assert!((x - y).abs() < 1e-9 * y.abs(), "{close}: {x} vs {y}");
    }
    let mut sorted = xs.clone();
    sorted.sort_by(f64::total_cmp);
    for pm in PER_MILLE {
        let e = rank_error(&sorted, pm, left.quantile(pm).unwrap());
        assert!(e <= 0.01, "merged quantile {pm}: rank error {e}");
    }
    let (dm, dw) = (left.distinct().0 as f64, whole.distinct().0 as f64);
    assert!((dm - dw).abs() / dw < 0.03, "{dm} vs {dw}");

    // Strings with nulls and frequent values.
    let items = column_of(&mut rng, 300_000);
    let (a, b) = items.split_at(100_000);
    let whole = summarize_strings(&items);
    let mut merged = summarize_strings(a);
    merged.merge(&Summary::from_state(&summarize_strings(b).to_state()).unwrap());
    let (m, w) = (rendered(&merged, 5), rendered(&whole, 5));
    for exact in ["count", "nulls", "null_rate", "length", "types"] {
        assert_eq!(m[exact], w[exact], "{exact}");
    }
    // The frequent values are the same, in the same order, with counts within the
    // Misra-Gries bound n / (256 + 1).
    let bound = 300_000 / 257;
    let (tm, tw) = (
        m["top_k"].as_array().unwrap(),
        w["top_k"].as_array().unwrap(),
    );
    assert_eq!(tm.len(), tw.len());
    for (x, y) in tm.iter().zip(tw).take(6) {
        assert_eq!(x["value"], y["value"]);
        let (cx, cy) = (x["count"].as_u64().unwrap(), y["count"].as_u64().unwrap());
        let truth = items
            .iter()
            .filter(|v| v.as_deref() == x["value"].as_str())
            .count() as u64;
        assert!(cx <= truth && truth - cx <= 2 * bound, "{cx} {cy} {truth}");
    }
    // Small columns merge exactly (exact distinct and exact counts).
    let small = column_of(&mut rng, 2000);
    let (a, b) = small.split_at(777);
    let mut merged = summarize_strings(a);
    merged.merge(&summarize_strings(b));
    assert_eq!(merged.distinct(), summarize_strings(&small).distinct());
}

#[test]
fn k_anonymity_suppresses_rare_values_even_after_merging() {
    let mut s = Summary::new();
    for (v, n) in [("often", 9), ("four", 4), ("once", 1)] {
        for _ in 0..n {
            s.add_str(v);
        }
    }
    let top = rendered(&s, 5)["top_k"].clone();
    assert_eq!(top, json!([{"value": "often", "count": 9}]));
    let mut other = Summary::new();
    other.add_str("four");
    s.merge(&other);
    let top = rendered(&s, 5)["top_k"].clone();
    assert_eq!(
        top,
        json!([{"value": "often", "count": 9}, {"value": "four", "count": 5}])
    );
    // A covered summary never shows values at all.
    s.set_covered();
    let r = rendered(&s, 1);
    for hidden in ["top_k", "min", "max", "mean", "quantiles", "types"] {
        assert!(r.get(hidden).is_none(), "{hidden}");
    }
    assert!(!r.to_string().contains("often"));
}

const POLICY: &str = r#"
version = 1
name = "columns"
[[rule]]
id = "emails"
keys = ["*email*"]
action = "partial"
[[rule]]
id = "cards"
detect = ["credit_card"]
action = "replace"
[[summarize]]
id = "cols"
paths = ["**"]
min_items = 3
sample = 2
k_anonymity = 2
"#;

#[test]
fn columns_of_a_dataframe() {
    let policy = Policy::from_toml(POLICY).unwrap();
    let ctx = Context::default();
    // Floats with NaN as null.
    let mut c = policy.column_summarizer(&["price"], &ctx);
    assert!(c.selected());
    c.push_column(Column::Float(&[1.5, f64::NAN, 2.5, 2.5]));
    let v = c.finish().unwrap();
    let s = &v["tamis_summary"];
    assert_eq!(s["nulls"], 1);
    assert_eq!(s["mean"], json!(2.1666666666666665));
    // Column samples are distinct values seen at least k times, first seen first.
    assert_eq!(s["sample"], json!([2.5]));
    // A column whose name a key rule covers: no values, masked samples.
    let mut c = policy.column_summarizer(&["user_email"], &ctx);
    let mails = ["ann@example.com", "ann@example.com", "bob@example.com"];
    let cells: Vec<Option<&str>> = mails.iter().map(|s| Some(*s)).collect();
    c.push_column(Column::Str(&cells));
    let v = c.finish().unwrap().to_string();
    assert!(!v.contains("ann@") && !v.contains("bob@"), "{v}");
    assert!(v.contains(r#""sample":["a***@***.com"]"#), "{v}");
    // Integers in which a detector finds a card number.
    let mut c = policy.column_summarizer(&["n"], &ctx);
    c.push_column(Column::Int(&[
        4_111_111_111_111_111,
        4_111_111_111_111_111,
        7,
    ]));
    let v = c.finish().unwrap().to_string();
    assert!(!v.contains("4111111111111111"), "{v}");
    assert!(v.contains(r#""masked":true"#), "{v}");
    // Numbers given as text: an integral float's integer text is scanned too (one covered
    // rule for arrays, columns and records: summary/cover.rs).
    for text in ["4111111111111111.0", "4.111111111111111e15"] {
        let mut c = policy.column_summarizer(&["m"], &ctx);
        for t in [text, text, "7"] {
            c.push_number_text(t);
        }
        assert!(c.state().covered(), "{text}");
        let v = c.finish().unwrap().to_string();
        assert!(
            !v.contains("4111111111111111") && !v.contains("4.111"),
            "{v}"
        );
    }
    // A string too long to scan covers the column.
    let long = "x".repeat(2 << 20);
    let mut c = policy.column_summarizer(&["s"], &ctx);
    c.push_str(&long);
    assert!(c.state().covered());
    // Booleans; below min_items gives nothing.
    let mut c = policy.column_summarizer(&["flag"], &ctx);
    c.push_column(Column::Bool(&[true, false]));
    assert!(c.finish().is_none());
}

#[test]
fn reports_count_dropped_records() {
    let policy = Policy::from_toml(
        r#"
version = 1
name = "drops"
[access]
type_path = "type"
[[access.grant]]
types = ["secret"]
roles_any = ["admin"]
[[retention]]
id = "records"
paths = ["$"]
max_age = "1d"
timestamp = "ts"
[[retention]]
id = "inputs"
paths = ["input"]
max_age = "1h"
timestamp = "ts"
"#,
    )
    .unwrap();
    let ctx = Context {
        now: tamis_core::time::parse_rfc3339("2024-01-02T00:00:00Z"),
        ..Context::default()
    };
    let mut run = policy.run(ctx);
    let lines = [
        r#"{"type":"secret","ts":"2024-01-01T12:00:00Z"}"#,
        r#"{"type":"open","ts":"2023-01-01T00:00:00Z"}"#,
        r#"{"type":"open"}"#,
        r#"{"type":"open","ts":"2024-01-01T12:00:00Z","input":"x"}"#,
        r#"{"type":"open","ts":"2024-01-01T23:30:00Z","input":"x"}"#,
    ];
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        run.json_line(l, i as u64 + 1, &mut out);
        out.push(b'\n');
    }
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text,
        "\n\n\n{\"type\":\"open\",\"ts\":\"2024-01-01T12:00:00Z\"}\n{\"type\":\"open\",\"ts\":\"2024-01-01T23:30:00Z\",\"input\":\"x\"}\n"
    );
    let r = serde_json::to_value(run.report()).unwrap();
    assert_eq!(r["records"]["in"], 5);
    assert_eq!(r["records"]["out"], 2);
    assert_eq!(r["records"]["dropped_access"], 1);
    assert_eq!(r["records"]["dropped_retention"], 2);
    assert_eq!(r["retention"], json!({"inputs": 1, "records": 2}));
}

#[test]
fn states_of_older_formats_are_refused_with_the_reason() {
    let mut s = Summary::new();
    s.add_f64(1.0);
    let mut state = s.to_state();
    assert!(Summary::from_state(&state).is_ok());
    for (version, reason) in [
        (1, "rounded moments"),
        (2, "quantiles that depended on the order"),
        (3, "sample that depended on the order"),
    ] {
        state["tamis_summary_state"] = Value::from(version);
        let e = Summary::from_state(&state).unwrap_err().to_string();
        assert!(e.contains(reason) && e.contains("no longer read"), "{e}");
    }
}

#[test]
fn samples_merged_from_partitions_are_one_pass_samples_at_any_size() {
    // 60,000 strings of 20,000 distinct values, a few hundred repeated often: the top-k
    // counters prune (their counts then depend on the order), the sample's candidates do not.
    let mut rng = Rng(7);
    let values: Vec<String> = (0..60_000)
        .map(|_| {
            let r = rng.next();
            let v = if r.is_multiple_of(3) {
                r % 300
            } else {
                r % 20_000
            };
            format!("v{v}")
        })
        .collect();
    let summarize = |xs: &[String]| {
        let mut s = Summary::new();
        for x in xs {
            s.add_str(x);
        }
        s
    };
    let one = summarize(&values);
    let sample = |s: &Summary, k: u64| -> Vec<Value> {
        s.frequent_in_order(k)
            .into_iter()
            .map(|h| s.item_value(h).unwrap())
            .collect()
    };
    let want = sample(&one, 5);
    assert!(want.len() > 50, "{}", want.len());
    // Values seen fewer than k times are never candidates of the sample.
    let count = |v: &Value| {
        values
            .iter()
            .filter(|x| Some(x.as_str()) == v.as_str())
            .count()
    };
    assert!(want.iter().take(20).all(|v| count(v) >= 5));
    for parts in [2usize, 7, 64] {
        let size = values.len().div_ceil(parts);
        let states: Vec<Summary> = values
            .chunks(size)
            .map(|c| Summary::from_state(&summarize(c).to_state()).unwrap())
            .collect();
        // In the order of the values (as Dask, Spark and Ray merge): the same sample, in the
        // same order.
        let mut merged = Summary::new();
        for p in &states {
            merged.merge(p);
        }
        assert_eq!(sample(&merged, 5), want, "{parts} parts");
        assert_eq!(
            Summary::from_state(&merged.to_state())
                .unwrap()
                .frequent_in_order(5),
            one.frequent_in_order(5)
        );
        // Merged in another order, the same values (their first positions differ).
        let mut reversed = Summary::new();
        for p in states.iter().rev() {
            reversed.merge(p);
        }
        let mut a = sample(&reversed, 5);
        let mut b = want.clone();
        a.sort_by_key(ToString::to_string);
        b.sort_by_key(ToString::to_string);
        assert_eq!(a, b, "{parts} parts, reversed");
    }
}

#[test]
fn infinities_survive_the_state_round_trip() {
    // JSON has no infinities: a float column holding one could not be read back (Dask, Spark
    // and Ray merge through the state).
    let mut s = Summary::new();
    for x in [1.0, f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY] {
        s.add_f64(x);
    }
    let back = Summary::from_state(&s.to_state()).unwrap();
    assert_eq!(rendered(&back, 1), rendered(&s, 1));
    assert_eq!(back.frequent_in_order(2), s.frequent_in_order(2));
}

#[test]
fn forged_counter_states_are_refused_not_trusted() {
    let mut s = Summary::new();
    for i in 0..12_000 {
        s.add_str(&format!("v{}", i % 6000));
    }
    let good = s.to_state();
    assert!(good.get("sampled").is_some());
    assert!(Summary::from_state(&good).is_ok());
    let forge = |f: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        f(&mut v);
        Summary::from_state(&v)
    };
    for list in ["/top", "/sampled/entries"] {
        // A count over the values counted, a value under another value's hash, a first
        // position past the end, a hash twice.
        assert!(forge(&|v| v.pointer_mut(list).unwrap()[0][1] = Value::from(12_001)).is_err());
        assert!(forge(&|v| v.pointer_mut(list).unwrap()[0][4] = Value::from("x")).is_err());
        assert!(forge(&|v| v.pointer_mut(list).unwrap()[0][2] = Value::from(12_001)).is_err());
        assert!(
            forge(&|v| {
                let first = v.pointer(list).unwrap()[0].clone();
                v.pointer_mut(list)
                    .unwrap()
                    .as_array_mut()
                    .unwrap()
                    .push(first);
            })
            .is_err()
        );
    }
    // Counters that lost counts with no sample candidates, a count no JS number holds.
    assert!(forge(&|v| drop(v.as_object_mut().unwrap().remove("sampled"))).is_err());
    assert!(forge(&|v| v["count"] = Value::from(u64::MAX)).is_err());
}

#[test]
fn forged_quantile_states_are_refused_not_trusted() {
    let mut s = Summary::new();
    for i in 0..2000 {
        s.add_f64(f64::from(i));
    }
    let good = s.to_state();
    assert!(Summary::from_state(&good).is_ok());
    let forge = |f: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        f(&mut v);
        Summary::from_state(&v)
    };
    // Extremes missing, reversed, or not those of the numbers counted.
    assert!(forge(&|v| v["moments"][1] = Value::Null).is_err());
    assert!(
        forge(&|v| {
            v["moments"][1] = Value::from(5.0);
            v["moments"][2] = Value::from(1.0);
        })
        .is_err()
    );
    assert!(forge(&|v| v["moments"][0] = Value::from(1999)).is_err());
    // A level past what a 64-bit key can shift, or beyond a u32.
    assert!(forge(&|v| v["quantiles"]["level"] = Value::from(19)).is_err());
    assert!(forge(&|v| v["quantiles"]["level"] = Value::from(u64::from(u32::MAX))).is_err());
    // Counts that do not add up, or more numbers than a JS number counts.
    assert!(forge(&|v| v["quantiles"]["n"] = Value::from(1u64 << 60)).is_err());
    assert!(forge(&|v| v["quantiles"]["buckets"][0][1] = Value::from(0)).is_err());
}

#[test]
fn minus_zero_and_zero_give_the_same_extremes_in_any_order() {
    let render = |xs: &[f64]| {
        let mut s = Summary::new();
        for &x in xs {
            s.add_f64(x);
        }
        rendered(&s, 1)
    };
    let (a, b) = (render(&[0.0, -0.0, 1.0]), render(&[-0.0, 0.0, 1.0]));
    assert_eq!(a["min"].to_string(), b["min"].to_string());
}
