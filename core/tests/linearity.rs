//! Linear in the input, and shown to be: for every detector and every action, the time per byte
//! of masking 1 KB, 64 KB and 1 MB of dense or pathological text (each size repeated to 1 MB of
//! work) stays within a small factor, so a quadratic scan or rewrite cannot land quietly. The
//! inputs are the worst cases found for each scanner (runs that look like the start of a finding
//! and never end, findings back to back). Run with `--nocapture` to see the table.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::cast_precision_loss,
    reason = "test code"
)]

use std::time::{Duration, Instant};

use tamis_core::{Context, Policy};

const KB: usize = 1 << 10;
const MB: usize = 1 << 20;
/// The largest ratio allowed between the time per byte of two sizes. A quadratic path is about
/// 1,000 times slower per byte at 1 MB than at 1 KB; a linear one is within noise and cache
/// effects (measured: at most 2.5 in a debug build).
const FACTOR: f64 = 12.0;

/// Limits high enough that 1 MB strings and records are scanned, not replaced by a marker.
const LIMITS: &str = "[limits]\nmax_string_bytes = 67108864\nmax_record_bytes = 67108864\n";

fn policy(body: &str) -> Policy {
    let text = format!(
        "version = 1\nname = \"linearity\"\n{LIMITS}[key.default]\nenv = \"K\"\nid = \"k1\"\n{body}"
    );
    Policy::from_toml(&text)
        .unwrap()
        .with_key("default", b"linearity-key-0123456789")
        .unwrap()
}

fn detector_rule(detector: &str, action: &str) -> String {
    let extra = if action == "hash" {
        "key = \"default\"\n"
    } else {
        ""
    };
    format!("[[rule]]\nid = \"r\"\ndetect = [\"{detector}\"]\naction = \"{action}\"\n{extra}")
}

/// `unit` repeated to exactly `len` bytes (cut on a character boundary).
fn fill(unit: &str, len: usize) -> String {
    let mut s = String::with_capacity(len + unit.len());
    while s.len() < len {
        s.push_str(unit);
    }
    let mut cut = len;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    s
}

#[derive(Clone, Copy)]
enum Via {
    /// `mask_text` of the text.
    Text,
    /// A JSON Lines record `{"t": <text>}` through `apply_json_line`.
    Line,
}

/// The fastest of three runs of masking `len` bytes, `MB / len` times over.
fn time(policy: &Policy, unit: &str, len: usize, via: Via) -> Duration {
    let text = fill(unit, len);
    let line = serde_json::to_string(&serde_json::json!({ "t": text })).unwrap();
    let ctx = Context::default();
    let mut run = policy.run(ctx);
    let mut out = Vec::new();
    let reps = MB / len;
    (0..3)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..reps {
                match via {
                    Via::Text => {
                        std::hint::black_box(run.text(&text));
                    }
                    Via::Line => {
                        out.clear();
                        run.json_line(&line, 1, &mut out);
                        std::hint::black_box(&out);
                    }
                }
            }
            start.elapsed()
        })
        .min()
        .unwrap()
}

/// Times one case at the three sizes and returns the ratio of the slowest to the fastest time
/// per byte, printing the row.
fn check(name: &str, policy: &Policy, unit: &str, via: Via) -> f64 {
    let t: Vec<f64> = [KB, 64 * KB, MB]
        .iter()
        .map(|&len| time(policy, unit, len, via).as_secs_f64() * 1e9 / MB as f64)
        .collect();
    let ratio = t.iter().copied().fold(0.0, f64::max) / t.iter().copied().fold(f64::MAX, f64::min);
    println!(
        "{name:<44} {:>9.2} {:>9.2} {:>9.2}   {ratio:>5.2}",
        t[0], t[1], t[2]
    );
    ratio
}

/// Dense and pathological inputs for every detector.
const DETECTORS: &[(&str, &[&str])] = &[
    (
        "email",
        &[
            "a@b.co ",
            "@",
            "a@a@",
            "aaaaaaaa",
            "x.y-z@",
            "j\u{e4}ne@b\u{fc}cher.de ",
            "%40",
        ],
    ),
    (
        "phone",
        &[
            "415-555-0100 ",
            "1 ",
            "+1 ",
            "(1)",
            "1-1-1-1-",
            "415-555-0100x1 ",
        ],
    ),
    (
        "credit_card",
        &[
            "4111 1111 1111 1111 ",
            "1 ",
            "4111.",
            "4111_",
            "4111111111111111 ",
        ],
    ),
    ("us_ssn", &["123-45-6789 ", "123-", "1-"]),
    (
        "iban",
        &["DE89 3704 0044 0532 0130 00 ", "DE00", "de89-", "DE89 "],
    ),
    (
        "ip",
        &[
            "a:",
            "1.1.1.1 ",
            "::",
            "1.",
            "fe80::1 ",
            "::ffff:1.2.3.4 ",
            "001.",
        ],
    ),
    ("mac", &["00:1a:2b:3c:4d:5e ", "aa:", "0000.", "a-"]),
    (
        "jwt",
        &[
            "eyJ",
            "eyJhbGciOiJIUzI1NiJ9.",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig ",
        ],
    ),
    (
        "aws_key",
        &[
            "AKIA",
            "AKIAIOSFODNN7EXAMPLE ",
            "secret_access_key=",
            "ecret",
        ],
    ),
    ("github_token", &["ghp_", "gh", "github_pat_"]),
    (
        "slack_token",
        &["xoxb-", "xox", "hooks.slack.com/services/"],
    ),
    ("stripe_key", &["sk_live_", "_live_", "whsec_"]),
    (
        "google_api_key",
        &["AIza", "AIzaSyA-1234567890abcdefghijklmnopqrstu "],
    ),
    (
        "private_key",
        &[
            "-----BEGIN RSA PRIVATE KEY-----\n",
            "-----BEGIN ",
            "-----END ",
        ],
    ),
    ("bearer_token", &["Bearer ", "bearer=", "Bearer abcdefgh1 "]),
    ("url_credentials", &["://", "//", "a://b:c@", "//a:", ":"]),
    (
        "high_entropy",
        &["aB3dE5gH7jK9mN1pQ2sT4vW ", "a", "aB3dE5gH7jK9mN1pQ2sT4vW"],
    ),
];

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "timed: scripts/test.sh runs it in a release build (cargo test --release)"
)]
fn every_detector_is_linear() {
    println!(
        "{:<44} {:>9} {:>9} {:>9}   ratio",
        "ns/byte", "1 KB", "64 KB", "1 MB"
    );
    let mut worst: Vec<(String, f64)> = vec![];
    for (detector, units) in DETECTORS {
        let p = policy(&detector_rule(detector, "replace"));
        for unit in *units {
            let name = format!("{detector} {unit:?}");
            worst.push((name.clone(), check(&name, &p, unit, Via::Text)));
        }
    }
    // A custom pattern, and every built-in detector at once over mixed text.
    let p = policy("[[rule]]\nid = \"r\"\npattern = \"ACME-[0-9]{6}\"\naction = \"replace\"\n");
    for unit in ["ACME-123456 ", "ACME-", "A"] {
        let name = format!("pattern {unit:?}");
        worst.push((name.clone(), check(&name, &p, unit, Via::Text)));
    }
    // Every group of the catalog: its keywords repeated (each keyword hit runs entries), token
    // prefixes with bodies that never end, key=value forms, digit runs and separators that
    // identifier shapes start at, and one of every catalog keyword at once.
    let groups = tamis_core::detector_groups()
        .collect::<Vec<_>>()
        .join("\", \"");
    let p = policy(&format!(
        "[[rule]]\nid = \"r\"\ndetect = [\"{groups}\"]\naction = \"replace\"\n"
    ));
    let keywords: String = tamis_core::detector_types()
        .flat_map(|t| t.context.iter().copied())
        .chain([
            "password=",
            "token: ",
            "sk-proj-",
            "glpat-",
            "xoxb-",
            "AKIA",
            "bc1",
        ])
        .map(|k| format!("{k} "))
        .collect();
    for unit in [
        "password=",
        "password=a",
        "token: \"",
        "sk-proj-",
        "glpat-aaaaaaaa",
        "1",
        "12345678901 ",
        "123.456.789-0",
        "AB123456C ",
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa ",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed ",
        keywords.as_str(),
    ] {
        let name = format!("catalog {}", &unit[..unit.len().min(24)]);
        worst.push((name.clone(), check(&name, &p, unit, Via::Text)));
    }
    let all = tamis_core::BUILTIN_DETECTORS.join("\", \"");
    let p = policy(&format!(
        "[[rule]]\nid = \"r\"\ndetect = [\"{all}\"]\naction = \"replace\"\n"
    ));
    let mixed =
        "user jane@example.com paid 4111 1111 1111 1111 from 10.0.0.1 with Bearer abcdefgh1 ";
    worst.push((
        "all detectors, mixed".into(),
        check("all detectors, mixed", &p, mixed, Via::Text),
    ));
    let slow: Vec<_> = worst.iter().filter(|(_, r)| *r > FACTOR).collect();
    assert!(
        slow.is_empty(),
        "not linear (ratio of time per byte over {FACTOR}): {slow:?}"
    );
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "timed: scripts/test.sh runs it in a release build (cargo test --release)"
)]
fn every_action_is_linear() {
    println!(
        "{:<44} {:>9} {:>9} {:>9}   ratio",
        "ns/byte", "1 KB", "64 KB", "1 MB"
    );
    let mut worst: Vec<(String, f64)> = vec![];
    for action in ["redact", "nullify", "replace", "hash", "partial"] {
        let p = policy(&detector_rule("email", action));
        for (unit, via, label) in [
            ("a@b.co ", Via::Text, "text"),
            ("a@b.co ", Via::Line, "record"),
            ("x", Via::Line, "record, no finding"),
        ] {
            let name = format!("{action}: {unit:?} {label}");
            worst.push((name.clone(), check(&name, &p, unit, via)));
        }
    }
    // Whole-value actions over a record of many fields (a path rule on each value).
    for action in [
        "redact",
        "nullify",
        "replace",
        "hash",
        "partial",
        "generalize",
    ] {
        let extra = if action == "hash" {
            "key = \"default\"\n"
        } else {
            ""
        };
        let p = policy(&format!(
            "[[rule]]\nid = \"r\"\npaths = [\"t\"]\naction = \"{action}\"\n{extra}"
        ));
        let name = format!("{action}: whole value");
        worst.push((
            name.clone(),
            check(&name, &p, "4111 1111 1111 1111 ", Via::Line),
        ));
    }
    let slow: Vec<_> = worst.iter().filter(|(_, r)| *r > FACTOR).collect();
    assert!(
        slow.is_empty(),
        "not linear (ratio of time per byte over {FACTOR}): {slow:?}"
    );
}
