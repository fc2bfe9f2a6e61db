//! The Rust part of `bench/run`:
//!
//! - `tamis-bench gen DIR` writes the seeded inputs and policies every front end's driver reads;
//! - `tamis-bench round DIR` runs one round of the Rust comparisons (tamis, then its peer, on the
//!   same bytes) and prints one JSON object per measurement:
//!   `{"row": …, "side": …, "secs": …, "bytes": …, "found": …}`.
//!
//! `bench/run` calls `round` several times, interleaved with the other front ends' rounds, and
//! takes medians.

#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line benchmark driver"
)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::process::ExitCode;

use serde_json::json;
use tamis_bench::work::{
    self, Columns, POLICY_ONE_RULE, POLICY_RETENTION, POLICY_SUMMARIES, RETENTION_NOW, percentile,
    warm_time,
};
use tamis_bench::{
    PATHS_20, PEER_ALTERNATION, POLICY_20_FIELD_RULES, POLICY_ALL_DETECTORS, POLICY_CATALOG,
    POLICY_FIVE_DETECTORS, Rng, log_text, policy_20_replace, record,
};
use tamis_core::{Context, Policy};
use tamis_host::Pipeline;

/// The key the hash rules use in every front end (`TAMIS_HASH_KEY`).
const HASH_KEY: &[u8] = b"bench-key-0123456789";
/// Records in `records.jsonl` (~1.45 KB each).
const RECORDS: u64 = 10_000;
/// Bytes of `big.jsonl`, the CLI's input.
const BIG_BYTES: usize = 100_000_000;
/// Bytes of each log text.
const LOG_BYTES: usize = 8 << 20;
/// Values hashed per HMAC round, and their length (the size `openssl speed -bytes` is given).
const HMAC_VALUES: usize = 1_000_000;
const HMAC_VALUE_BYTES: usize = 32;
/// Card numbers each keyed action (`hash`, `encrypt`, `fpe`) turns into tokens.
const KEYED_VALUES: usize = 100_000;
/// Key material of the keyed row (the reversible actions need 32 bytes or more).
const KEYED_KEY: &[u8] = b"bench-keyed-0123456789abcdef0123";
/// Rows of the summarised columns.
const SUMMARY_ROWS: usize = 1_000_000;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [cmd, dir] if cmd == "gen" => generate(Path::new(dir)),
        [cmd, dir] if cmd == "round" => round(Path::new(dir)),
        // The detector rows alone (for a profile of them).
        [cmd, dir] if cmd == "detectors" => detectors(Path::new(dir)),
        // One detector row's text under one policy, `n` times (for a profile of it alone).
        [cmd, dir, which, n] if cmd == "detect-loop" => detect_loop(Path::new(dir), which, n),
        // The transform plugin's side alone, `n` times (for a profile of it).
        [cmd, dir, n] if cmd == "transform-loop" => {
            read(Path::new(dir), "records.jsonl").and_then(|text| transform_loop(&lines_of(&text), n))
        }
        // The plugin rows alone (for a profile of them).
        [cmd, dir] if cmd == "plugins" => read(Path::new(dir), "records.jsonl").and_then(|text| {
            let records = lines_of(&text);
            let bytes = records.iter().map(|l| l.len() + 1).sum();
            plugins(&records, bytes)
        }),
        _ => Err(
            "usage: tamis-bench gen DIR | tamis-bench round DIR | tamis-bench detectors DIR | tamis-bench detect-loop DIR (log|clean)[-all] N | tamis-bench plugins DIR"
                .to_owned(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tamis-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> Result<(), String> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn read(dir: &Path, name: &str) -> Result<String, String> {
    let path = dir.join(name);
    std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "cannot read {} ({e}); run `tamis-bench gen {}` first",
            path.display(),
            dir.display()
        )
    })
}

fn compile(text: &str) -> Result<Policy, String> {
    Policy::from_toml(text).map_err(|e| e.to_string())
}

/// Writes the inputs: `records.jsonl` (10,000 records), `big.jsonl` (100 MB of records),
/// `log.txt` (8 MiB, one planted value in five lines), `clean.txt` (8 MiB, none), the policies
/// (`paths20-mixed.toml`, `paths20-replace.toml`, `text5.toml`), `paths20.json` (the paths, for
/// peers) and `alternation.txt` (the peer regex).
fn generate(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut rng = Rng::new(0x7A31_5EED);
    let mut small = String::new();
    let mut i = 0;
    while i < RECORDS {
        small.push_str(&record(&mut rng, i));
        small.push('\n');
        i += 1;
    }
    let mut big = String::with_capacity(BIG_BYTES + 2048);
    big.push_str(&small);
    while big.len() < BIG_BYTES {
        big.push_str(&record(&mut rng, i));
        big.push('\n');
        i += 1;
    }
    write(dir, "records.jsonl", &small)?;
    write(dir, "big.jsonl", &big)?;
    write(dir, "log.txt", log_text(LOG_BYTES, 5))?;
    write(dir, "clean.txt", log_text(LOG_BYTES, 0))?;
    write(dir, "paths20-mixed.toml", POLICY_20_FIELD_RULES)?;
    write(dir, "paths20-replace.toml", policy_20_replace())?;
    write(dir, "text5.toml", POLICY_FIVE_DETECTORS)?;
    write(dir, "paths20.json", json!(PATHS_20).to_string())?;
    write(dir, "alternation.txt", PEER_ALTERNATION)?;
    write(dir, "hash-key.txt", HASH_KEY)?;
    println!(
        "{}: records.jsonl {} records ({} B), big.jsonl {} records ({} B), log.txt and clean.txt {} B each",
        dir.display(),
        RECORDS,
        small.len(),
        i,
        big.len(),
        LOG_BYTES
    );
    Ok(())
}

/// One measurement, as a JSON line on stdout.
fn emit(row: &str, side: &str, secs: f64, bytes: usize, found: Option<u64>) {
    let mut v = json!({"row": row, "side": side, "secs": secs, "bytes": bytes});
    if let (Some(found), Some(map)) = (found, v.as_object_mut()) {
        map.insert("found".to_owned(), json!(found));
    }
    println!("{v}");
}

fn lines_of(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

fn round(dir: &Path) -> Result<(), String> {
    let records = lines_of(&read(dir, "records.jsonl")?);
    let bytes: usize = records.iter().map(|l| l.len() + 1).sum();
    apply_vs_serde(&records, bytes)?;
    detectors(dir)?;
    hmac()?;
    keyed()?;
    retention(&records, bytes)?;
    summaries()?;
    plugins(&records, bytes)
}

fn apply_vs_serde(records: &[String], bytes: usize) -> Result<(), String> {
    let policy = compile(POLICY_20_FIELD_RULES)?
        .with_key("default", HASH_KEY)
        .map_err(|e| e.to_string())?;
    let mut run = policy.run(Context::default());
    let mut out = Vec::with_capacity(4096);
    let peer = warm_time(|| work::serde_round_trip(records, &mut out));
    let tamis = warm_time(|| {
        work::apply_lines(&mut run, records, &mut out);
    });
    emit("rust.apply", "serde_json round trip", peer, bytes, None);
    emit("rust.apply", "tamis apply", tamis, bytes, None);
    Ok(())
}

/// `which`: `log` or `clean`, the 16 scanners, or with `-all` every group; `n` passes.
fn detect_loop(dir: &Path, which: &str, n: &str) -> Result<(), String> {
    let (name, all) = match which.strip_suffix("-all") {
        Some(w) => (w, true),
        None => (which, false),
    };
    let text = read(dir, &format!("{name}.txt"))?;
    let policy = compile(if all {
        POLICY_CATALOG
    } else {
        POLICY_ALL_DETECTORS
    })?;
    let n: u32 = n.parse().map_err(|e| format!("N: {e}"))?;
    let mut run = policy.run(Context::default());
    let start = std::time::Instant::now();
    for _ in 0..n {
        black_box(run.text(&text));
    }
    let per = start.elapsed().as_secs_f64() / f64::from(n.max(1));
    println!("{which}: {:.2} ms per pass", per * 1e3);
    Ok(())
}

fn detectors(dir: &Path) -> Result<(), String> {
    let text = read(dir, "log.txt")?;
    let clean = read(dir, "clean.txt")?;
    let policy = compile(POLICY_ALL_DETECTORS)?;
    let mut run = policy.run(Context::default());
    let peer = regex::Regex::new(PEER_ALTERNATION).map_err(|e| e.to_string())?;

    let t = warm_time(|| {
        black_box(run.text(&text));
    });
    // The findings of one pass (the run above counted every pass).
    let mut once = policy.run(Context::default());
    let _ = once.text(&text);
    let found: u64 = once.report().detectors.values().sum();
    emit(
        "rust.detectors",
        "tamis mask_text",
        t,
        text.len(),
        Some(found),
    );
    let mut matches = 0u64;
    let t = warm_time(|| {
        matches = 0;
        black_box(peer.replace_all(&text, |_: &regex::Captures<'_>| {
            matches += 1;
            "[x]"
        }));
    });
    emit(
        "rust.detectors",
        "regex alternation",
        t,
        text.len(),
        Some(matches),
    );

    let t = warm_time(|| {
        black_box(run.text(&clean));
    });
    emit("rust.clean", "tamis mask_text", t, clean.len(), None);
    let t = warm_time(|| {
        black_box(memchr::memmem::find(clean.as_bytes(), b"\x00tamis\x00"));
    });
    emit("rust.clean", "memchr::memmem", t, clean.len(), None);

    // The whole catalog on, same texts.
    let all = compile(POLICY_CATALOG)?;
    let mut run = all.run(Context::default());
    let t = warm_time(|| {
        black_box(run.text(&text));
    });
    let mut once = all.run(Context::default());
    let _ = once.text(&text);
    let found: u64 = once.report().detectors.values().sum();
    emit(
        "rust.detectors",
        "tamis mask_text, every group",
        t,
        text.len(),
        Some(found),
    );
    let t = warm_time(|| {
        black_box(run.text(&clean));
    });
    emit(
        "rust.clean",
        "tamis mask_text, every group",
        t,
        clean.len(),
        None,
    );

    // Floor: finding the catalog's keywords alone, with the automaton the catalog builds
    // (every entry's pattern, validator and the identifier shapes come on top).
    let mut keywords: Vec<&str> = tamis_core::detector_types()
        .flat_map(|d| d.keywords.iter().copied())
        .collect();
    keywords.sort_unstable();
    keywords.dedup();
    let ac = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(&keywords)
        .map_err(|e| e.to_string())?;
    let side = "floor: the catalog's keywords alone (Aho-Corasick DFA)";
    let mut hits = 0u64;
    let t = warm_time(|| {
        hits = ac.find_iter(text.as_bytes()).count() as u64;
    });
    emit("rust.detectors", side, t, text.len(), Some(hits));
    let t = warm_time(|| {
        black_box(ac.find_iter(clean.as_bytes()).count());
    });
    emit("rust.clean", side, t, clean.len(), None);
    Ok(())
}

fn hmac() -> Result<(), String> {
    let policy = compile(POLICY_20_FIELD_RULES)?
        .with_key("default", HASH_KEY)
        .map_err(|e| e.to_string())?;
    let mut rng = Rng::new(0x4D4C);
    let values: Vec<String> = (0..HMAC_VALUES)
        .map(|_| {
            let mut s = String::with_capacity(HMAC_VALUE_BYTES);
            while s.len() < HMAC_VALUE_BYTES {
                let _ = write!(s, "{:016x}", rng.next_u64());
            }
            s.truncate(HMAC_VALUE_BYTES);
            s
        })
        .collect();
    let mut made = 0u64;
    let t = warm_time(|| {
        made = 0;
        for v in &values {
            if black_box(policy.pseudonym("default", v)).is_some() {
                made += 1;
            }
        }
    });
    if made != HMAC_VALUES as u64 {
        return Err("the bench key was not accepted".to_owned());
    }
    emit(
        "rust.hmac",
        "tamis hash tokens",
        t,
        HMAC_VALUES * HMAC_VALUE_BYTES,
        Some(made),
    );
    Ok(())
}

/// 16-digit Luhn-valid card numbers (seeded), written as `4xxx xxxx xxxx xxxx`.
pub(crate) fn cards(n: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let mut d: Vec<u8> = vec![4];
            d.extend((0..14).map(|_| u8::try_from(rng.next_u64() % 10).unwrap_or(0)));
            let sum: u32 = d
                .iter()
                .rev()
                .enumerate()
                .map(|(i, &x)| {
                    let x = u32::from(x) * if i % 2 == 0 { 2 } else { 1 };
                    if x > 9 { x - 9 } else { x }
                })
                .sum();
            d.push(u8::try_from((10 - sum % 10) % 10).unwrap_or(0));
            let digits: String = d.iter().map(|&x| char::from(b'0' + x)).collect();
            digits
                .as_bytes()
                .chunks(4)
                .map(|c| std::str::from_utf8(c).unwrap_or(""))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The keyed actions on the same card numbers, one field per record through `Run::tree`:
/// `hash` (HMAC-SHA256), `encrypt` (AES-256-SIV) and `fpe` (FF1, first and last four kept).
fn keyed() -> Result<(), String> {
    let cards = cards(KEYED_VALUES, 0x6B65);
    let records: Vec<serde_json::Value> = cards.iter().map(|c| json!({ "v": c })).collect();
    for (side, action) in [
        ("tamis hash tokens", "action = \"hash\""),
        ("tamis encrypt tokens", "action = \"encrypt\""),
        (
            "tamis fpe tokens (first and last 4 kept)",
            "action = \"fpe\"\nkeep_first = 4\nkeep_last = 4",
        ),
    ] {
        let policy = compile(&format!(
            "version = 1\nname = \"keyed\"\n[key.default]\nenv = \"K\"\nid = \"k1\"\n\
             [[rule]]\nid = \"v\"\npaths = [\"v\"]\n{action}\nkey = \"default\"\n"
        ))?
        .with_key("default", KEYED_KEY)
        .map_err(|e| e.to_string())?;
        let mut run = policy.run(Context::default());
        let mut changed = 0u64;
        let t = warm_time(|| {
            changed = 0;
            for (r, card) in records.iter().zip(&cards) {
                let mut r = r.clone();
                run.tree(&mut r);
                if black_box(&r)
                    .get("v")
                    .and_then(serde_json::Value::as_str)
                    .is_some_and(|v| v != card && !v.starts_with("[tamis:"))
                {
                    changed += 1;
                }
            }
        });
        emit("rust.keyed", side, t, KEYED_VALUES, Some(changed));
    }
    Ok(())
}

fn retention(records: &[String], bytes: usize) -> Result<(), String> {
    let policy = compile(POLICY_RETENTION)?;
    let ctx = Context {
        now: tamis_core::time::parse_rfc3339(RETENTION_NOW),
        ..Context::default()
    };
    let mut run = policy.run(ctx);
    let mut out = Vec::with_capacity(4096);
    let peer = warm_time(|| work::serde_parse(records));
    let mut kept = 0;
    let t = warm_time(|| {
        let [_, k] = work::apply_lines(&mut run, records, &mut out);
        kept = k;
    });
    emit("rust.retention", "serde_json parse", peer, bytes, None);
    emit("rust.retention", "tamis retention", t, bytes, Some(kept));
    Ok(())
}

fn summaries() -> Result<(), String> {
    let policy = compile(POLICY_SUMMARIES)?;
    let columns = Columns::new(SUMMARY_ROWS);
    let mut made = 0;
    let t = warm_time(|| made = columns.summarize(&policy));
    // "bytes" is the number of cells here.
    emit(
        "rust.summaries",
        "tamis column summaries",
        t,
        columns.cells(),
        Some(made as u64),
    );
    Ok(())
}

fn transform_loop(records: &[String], n: &str) -> Result<(), String> {
    let n: u32 = n.parse().map_err(|e| format!("N: {e}"))?;
    let transformer = Pipeline::new(compile(&work::policy_transforming())?, Path::new("/"))
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let start = std::time::Instant::now();
    for _ in 0..n {
        out.clear();
        work::plugin_lines(&transformer, records, &mut out).map_err(|e| e.to_string())?;
    }
    let per = start.elapsed().as_secs_f64() / f64::from(n.max(1));
    println!("transform: {:.2} ms per pass", per * 1e3);
    Ok(())
}

fn plugins(records: &[String], bytes: usize) -> Result<(), String> {
    if !work::plugin_built() {
        return Err(format!(
            "{} is missing: cargo build --release --target wasm32-unknown-unknown -p tamis-guest --examples",
            work::PLUGIN
        ));
    }
    let rule = compile(POLICY_ONE_RULE)?;
    let pipeline = Pipeline::new(compile(&work::policy_with_plugin())?, Path::new("/"))
        .map_err(|e| e.to_string())?;
    let echo = Pipeline::new(
        compile(&work::policy_running(work::ECHO_PLUGIN))?,
        Path::new("/"),
    )
    .map_err(|e| e.to_string())?;
    let transformer = Pipeline::new(compile(&work::policy_transforming())?, Path::new("/"))
        .map_err(|e| e.to_string())?;
    let (mut a, mut b, mut c, mut d) = (
        Vec::with_capacity(bytes),
        Vec::with_capacity(bytes),
        Vec::with_capacity(bytes),
        Vec::with_capacity(bytes),
    );
    let mut rule_side = || {
        a.clear();
        work::builtin_lines(&rule, records, &mut a);
    };
    let mut result = Ok(());
    let mut plugin_side = || {
        b.clear();
        if result.is_ok() {
            result = work::plugin_lines(&pipeline, records, &mut b);
        }
    };
    let mut echo_result = Ok(());
    let mut echo_side = || {
        c.clear();
        if echo_result.is_ok() {
            echo_result = work::plugin_lines(&echo, records, &mut c);
        }
    };
    // The floor of the transform side: the built-in rule plus the plugin calls alone (each
    // batch's values, as the pipeline sends them: one call per 256 records).
    let batches: Vec<Vec<String>> = records
        .chunks(256)
        .map(|chunk| {
            chunk
                .iter()
                .filter_map(|r| {
                    let v: serde_json::Value = serde_json::from_str(r).ok()?;
                    v.pointer("/user/email")
                        .and_then(|e| e.as_str())
                        .map(str::to_owned)
                })
                .collect()
        })
        .collect();
    let tokenize = transformer
        .plugins()
        .first()
        .cloned()
        .ok_or("no transform plugin")?;
    let mut calls_ok = true;
    let mut calls_side = || {
        let (tokenize, batches) = (&tokenize, &batches);
        calls_ok &= tamis_host::on_plugin_thread(|| {
            batches
                .iter()
                .all(|values| tokenize.transform(values.clone()).answers.is_ok())
        })
        .unwrap_or(false);
    };
    let mut transform_result = Ok(());
    let mut transform_side = || {
        d.clear();
        if transform_result.is_ok() {
            transform_result = work::plugin_lines(&transformer, records, &mut d);
        }
    };
    // Each side takes tens of ms here, short enough for one run to catch a hiccup of the
    // machine: after a warm-up, the median of 7 alternated runs of each.
    rule_side();
    plugin_side();
    echo_side();
    transform_side();
    calls_side();
    let (mut t_rule, mut t_plugin, mut t_echo, mut t_transform, mut t_calls) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..7 {
        t_rule.push(work::time(&mut rule_side));
        t_plugin.push(work::time(&mut plugin_side));
        t_echo.push(work::time(&mut echo_side));
        t_transform.push(work::time(&mut transform_side));
        t_calls.push(work::time(&mut calls_side));
    }
    if !calls_ok {
        return Err("a transform call alone failed".to_owned());
    }
    result.map_err(|e| e.to_string())?;
    echo_result.map_err(|e| e.to_string())?;
    transform_result.map_err(|e| e.to_string())?;
    let (t_rule, t_plugin, t_echo, t_transform, t_calls) = (
        work::median(t_rule),
        work::median(t_plugin),
        work::median(t_echo),
        work::median(t_transform),
        work::median(t_calls),
    );
    if a != b {
        return Err("the plugin and the built-in rule wrote different bytes".to_owned());
    }
    if a != d {
        return Err("the transform plugin and the built-in rule wrote different bytes".to_owned());
    }
    // With no rule of its own, the echo's policy writes the records as they came.
    let lines = records.iter().flat_map(|r| r.bytes().chain([b'\n']));
    if !lines.eq(c.iter().copied()) {
        return Err("the echo plugin did not write the records as they came".to_owned());
    }
    emit("rust.plugin", "built-in rule", t_rule, bytes, None);
    emit("rust.plugin", "mask_field plugin", t_plugin, bytes, None);
    emit(
        "rust.plugin",
        "transform plugin (tokenize, contract 0.2)",
        t_transform,
        bytes,
        None,
    );
    emit(
        "rust.plugin",
        "floor: built-in rule + the transform calls alone",
        t_rule + t_calls,
        bytes,
        None,
    );
    emit(
        "rust.plugin",
        "floor: echo plugin (each record replaced with itself)",
        t_echo,
        bytes,
        None,
    );

    let one = records.first().map_or("{}", String::as_str);
    let (empty, single) = work::call_costs(one)?;
    emit(
        "rust.plugin_call",
        "fresh instance + empty batch",
        empty,
        0,
        None,
    );
    emit(
        "rust.plugin_call",
        "one-record call",
        single,
        one.len(),
        None,
    );
    let late = work::deadline_latencies(one)?;
    emit(
        "rust.deadline",
        "p50",
        percentile(late.clone(), 0.5).as_secs_f64(),
        0,
        None,
    );
    emit(
        "rust.deadline",
        "p99",
        percentile(late, 0.99).as_secs_f64(),
        0,
        None,
    );
    Ok(())
}
