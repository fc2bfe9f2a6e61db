//! Plugin transforms (`action = "plugin:<id>"`, contract 0.2) with real plugins built by
//! tamis-guest (`guest-sdk/examples/tokenize.rs`, `misbehave.rs`): every value the rules select
//! in a batch goes to the plugin in one call, the answers are written in their place, screened
//! and scanned by the policy's detectors, and a failure applies `on_error`. Plugins built
//! against contract 0.1 keep working.
//!
//! The plugins are built by `cargo build --release --target wasm32-unknown-unknown -p
//! tamis-guest --examples` (the test command does it before `cargo test`); a missing one fails
//! the test, saying so.

#![expect(clippy::unwrap_used, reason = "test code")]

use std::path::{Path, PathBuf};

use tamis_core::{Context, Policy};
use tamis_host::{Line, Pipeline, Stopped};

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("tamis-transform-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A guest SDK example, built for wasm32.
fn example(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    let p = target.join(format!(
        "wasm32-unknown-unknown/release/examples/{name}.wasm"
    ));
    assert!(
        p.exists(),
        "{} is missing: build the guest SDK examples first (cargo build --release --target \
         wasm32-unknown-unknown -p tamis-guest --examples)",
        p.display()
    );
    p
}

/// A pipeline of `rules` (TOML) and one plugin `t` from `wasm` with `extra` `[[plugin]]` lines.
fn pipeline(rules: &str, wasm: &Path, extra: &str) -> Result<Pipeline, String> {
    let toml = format!(
        "version = 1\nname = \"t\"\n{rules}\n[[plugin]]\nid = \"t\"\npath = \"{}\"\n{extra}\n",
        wasm.display()
    );
    let policy = Policy::from_toml(&toml).map_err(|e| e.to_string())?;
    Pipeline::new(policy, &dir()).map_err(|e| e.to_string())
}

const IDS: &str = "[[rule]]\nid = \"ids\"\npaths = [\"user.id\"]\naction = \"plugin:t\"\n";

/// Applies one batch: the output lines (or the stop), the log lines, the report as JSON.
fn run(
    p: &Pipeline,
    lines: &[&str],
) -> (Result<Vec<String>, Stopped>, Vec<String>, serde_json::Value) {
    let numbered: Vec<(u64, Line<'_>)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, Line::Text(l)))
        .collect();
    let mut run = p.policy().run(Context::default());
    let mut out = Vec::new();
    let mut logs = Vec::new();
    let r = p.apply_lines(&numbered, &mut run, &mut out, &mut |l| {
        logs.push(l.to_owned());
    });
    let report = serde_json::to_value(run.report()).unwrap();
    let text = String::from_utf8(out).unwrap();
    (
        r.map(|()| text.lines().map(str::to_owned).collect()),
        logs,
        report,
    )
}

/// What `tokenize` writes for `value` with `salt` (the example's FNV-1a, computed here again).
fn token(salt: &str, value: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in salt.as_bytes().iter().chain(value.as_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("tok_{h:016x}")
}

#[test]
fn a_transformer_writes_its_answers_in_place_of_the_values_rules_select_in_one_call() {
    let rules =
        format!("{IDS}[[rule]]\nid = \"emails\"\ndetect = [\"email\"]\naction = \"plugin:t\"\n");
    let p = pipeline(&rules, &example("tokenize"), "config = { salt = \"s1\" }").unwrap();
    let (out, _, report) = run(
        &p,
        &[
            r#"{"user":{"id":"c-1","name":"x"},"n":1}"#,
            // Not as serde_json writes it: the tree path, the same answers.
            r#"{ "user" : { "id" : "c-2" } }"#,
            r#"{"user":{"id":42},"note":"write to ann@example.com or bob@example.org now"}"#,
            r#"{"other":"kept \"as\" is"}"#,
        ],
    );
    assert_eq!(
        out.unwrap(),
        [
            format!(
                r#"{{"user":{{"id":"{}","name":"x"}},"n":1}}"#,
                token("s1", "c-1")
            ),
            format!(r#"{{"user":{{"id":"{}"}}}}"#, token("s1", "c-2")),
            format!(
                r#"{{"user":{{"id":"{}"}},"note":"write to {} or {} now"}}"#,
                token("s1", "42"),
                token("s1", "ann@example.com"),
                token("s1", "bob@example.org")
            ),
            r#"{"other":"kept \"as\" is"}"#.to_owned(),
        ]
    );
    let t = &report["plugins"]["t"];
    assert_eq!(t["transform_calls"], 1, "{t}");
    assert_eq!(t["transformed"], 5, "{t}");
    // A transformer is no filter: it is not called with the records.
    assert!(t.get("batches").is_none(), "{t}");
    assert_eq!(report["rules"]["ids"], 3);
    assert_eq!(report["rules"]["emails"], 2);
    assert_eq!(report["records"]["out"], 4);
}

#[test]
fn the_same_value_gets_the_same_answer_across_batches_and_a_batch_with_none_makes_no_call() {
    let p = pipeline(IDS, &example("tokenize"), "").unwrap();
    let (a, _, _) = run(&p, &[r#"{"user":{"id":"c-9"}}"#]);
    let (b, _, _) = run(&p, &[r#"{"x":1}"#, r#"{"user":{"id":"c-9"}}"#]);
    assert_eq!(a.unwrap()[0], b.unwrap()[1]);
    let (c, _, report) = run(&p, &[r#"{"x":1}"#]);
    assert_eq!(c.unwrap(), [r#"{"x":1}"#]);
    assert!(
        report["plugins"]["t"].get("transform_calls").is_none(),
        "{report}"
    );
}

/// A plugin registered again (a policy compiled anew) reuses the component compiled from the
/// same bytes; each registration keeps its own configuration, and other bytes are another plugin.
#[test]
fn a_plugin_registered_again_keeps_its_own_configuration() {
    let line = [r#"{"user":{"id":"c-1"}}"#];
    for salt in ["s1", "s2", "s1"] {
        let p = pipeline(
            IDS,
            &example("tokenize"),
            &format!("config = {{ salt = \"{salt}\" }}"),
        )
        .unwrap();
        let (out, _, _) = run(&p, &line);
        assert_eq!(
            out.unwrap(),
            [format!(r#"{{"user":{{"id":"{}"}}}}"#, token(salt, "c-1"))]
        );
        let err = pipeline(IDS, &example("echo"), "").unwrap_err();
        assert!(err.contains("does not export `transform`"), "{err}");
    }
}

/// What a transform answers never writes back what it was given (in any spacing) and is
/// scanned by the policy's detectors; each masked answer is counted.
#[test]
fn answers_are_screened_and_scanned_by_the_policys_detectors() {
    let rules =
        format!("{IDS}[[rule]]\nid = \"emails\"\ndetect = [\"email\"]\naction = \"replace\"\n");
    let input = [r#"{"user":{"id":"customer-8841-zeta"}}"#];
    for (mode, expected) in [
        ("echo", r#"{"user":{"id":"[REDACTED]"}}"#),
        ("upper", r#"{"user":{"id":"[REDACTED]"}}"#),
        ("email", r#"{"user":{"id":"[REDACTED]"}}"#),
    ] {
        let p = pipeline(
            &rules,
            &example("misbehave"),
            &format!("config = {{ mode = \"{mode}\" }}"),
        )
        .unwrap();
        let (out, _, report) = run(&p, &input);
        assert_eq!(out.unwrap(), [expected], "{mode}");
        assert_eq!(
            report["plugins"]["t"]["revealed_masked"], 1,
            "{mode}: {report}"
        );
    }
    // Values too short for a piece of them to be screened are compared whole: a plugin that
    // writes back `c-1` (or `C 1`), or a number, writes `[REDACTED]`.
    for mode in ["echo", "upper"] {
        let p = pipeline(
            &rules,
            &example("misbehave"),
            &format!("config = {{ mode = \"{mode}\" }}"),
        )
        .unwrap();
        let (out, _, report) = run(&p, &[r#"{"user":{"id":"c-1"}}"#, r#"{"user":{"id":42}}"#]);
        assert_eq!(
            out.unwrap(),
            [
                r#"{"user":{"id":"[REDACTED]"}}"#,
                r#"{"user":{"id":"[REDACTED]"}}"#
            ],
            "{mode}"
        );
        assert_eq!(
            report["plugins"]["t"]["revealed_masked"], 2,
            "{mode}: {report}"
        );
    }
}

#[test]
fn a_failing_transform_applies_on_error_to_its_values_and_counts_it() {
    let input = [
        r#"{"user":{"id":"c-1"},"n":1}"#,
        r#"{"n":2}"#,
        r#"{"user":{"id":"c-3"},"n":3}"#,
    ];
    for (mode, failure) in [
        ("short", "invalid_output"),
        ("panic", "trap"),
        ("spin", "fuel"),
        ("big", "invalid_output"),
        ("error", "plugin_error"),
    ] {
        let extra = |on_error: &str| {
            format!(
                "config = {{ mode = \"{mode}\" }}\non_error = \"{on_error}\"\nfuel = 20000000\n\
                 timeout_ms = 2000\nmemory_mb = 16"
            )
        };
        let p = pipeline(IDS, &example("misbehave"), &extra("mask")).unwrap();
        let (out, _, report) = run(&p, &input);
        assert_eq!(
            out.unwrap(),
            [
                r#"{"user":{"id":"[tamis:plugin_error]"},"n":1}"#,
                r#"{"n":2}"#,
                r#"{"user":{"id":"[tamis:plugin_error]"},"n":3}"#,
            ],
            "{mode}"
        );
        let t = &report["plugins"]["t"];
        assert!(
            t[failure] == 1 || (mode == "spin" && t["timeout"] == 1),
            "{mode}: {t}"
        );

        let p = pipeline(IDS, &example("misbehave"), &extra("drop")).unwrap();
        let (out, _, report) = run(&p, &input);
        assert_eq!(out.unwrap(), [r#"{"n":2}"#], "{mode}");
        assert_eq!(report["plugins"]["t"]["dropped"], 2, "{mode}: {report}");
        assert_eq!(report["records"]["out"], 1, "{mode}: {report}");
        assert_eq!(report["records"]["in"], 3, "{mode}: {report}");

        let p = pipeline(IDS, &example("misbehave"), &extra("fail")).unwrap();
        let (out, _, _) = run(&p, &input);
        let stop = out.unwrap_err();
        assert_eq!(stop.plugin, "t", "{mode}");
    }
}

/// A transform's logs and error message are written only with `log = true`, and never when
/// they hold a value it was given.
#[test]
fn a_transforms_logs_and_errors_never_reveal_a_value() {
    for (input, secret) in [
        (r#"{"user":{"id":"customer-8841-zeta"}}"#, "8841"),
        // Too short to screen a piece of: a line that holds it as written is withheld.
        (r#"{"user":{"id":"c-1"}}"#, "c-1"),
    ] {
        logs_never_reveal(input, secret);
    }
}

#[expect(clippy::indexing_slicing, reason = "test code")]
fn logs_never_reveal(input: &str, secret: &str) {
    let input = [input];
    for log in [false, true] {
        for mode in ["log", "error"] {
            let p = pipeline(
                IDS,
                &example("misbehave"),
                &format!("config = {{ mode = \"{mode}\" }}\non_error = \"mask\"\nlog = {log}"),
            )
            .unwrap();
            let (out, logs, report) = run(&p, &input);
            let all = format!("{out:?}{logs:?}{report}");
            assert!(!all.contains(secret), "{mode} {log}: {all}");
            let withheld = report["plugins"]["t"]["logs_withheld"]
                .as_u64()
                .unwrap_or(0);
            if mode == "log" {
                assert_eq!(withheld, if log { 1 } else { 2 }, "{all}");
                assert_eq!(logs.len(), usize::from(log), "{all}");
                if log {
                    assert_eq!(logs[0], "plugin t: info: batch ok");
                }
            } else {
                assert_eq!(withheld, 1, "{all}");
                assert!(logs.is_empty(), "{all}");
            }
        }
    }
}

/// Text in the records that looks like a stand-in (the private-use characters) is data: it
/// is never replaced by an answer, and an answer is never lost to it.
#[test]
fn stand_ins_cannot_be_forged_by_the_data() {
    let p = pipeline(IDS, &example("tokenize"), "").unwrap();
    let forged: String = std::iter::once('\u{E0FF}')
        .chain((0..24).map(|_| '\u{E000}'))
        .chain(std::iter::once('\u{E0FE}'))
        .collect();
    let line = format!(r#"{{"note":"{forged}","user":{{"id":"{forged}"}}}}"#);
    let (out, _, _) = run(&p, &[&line]);
    assert_eq!(
        out.unwrap(),
        [format!(
            r#"{{"note":"{forged}","user":{{"id":"{}"}}}}"#,
            token("", &forged)
        )]
    );
}

#[test]
fn registration_checks_that_a_transform_rule_has_a_transformer() {
    // A filter plugin (contract 0.1's world) named as a transform.
    let err = pipeline(IDS, &example("echo"), "").unwrap_err();
    assert!(err.contains("does not export `transform`"), "{err}");
    // An id no `[[plugin]]` has: a policy error naming the rule's action.
    let err = pipeline(
        "[[rule]]\nid = \"ids\"\npaths = [\"user.id\"]\naction = \"plugin:nope\"\n",
        &example("tokenize"),
        "",
    )
    .unwrap_err();
    assert!(err.contains("`plugin:nope` names no `[[plugin]]`"), "{err}");
    assert!(err.contains("plugin:t"), "{err}");
}

/// A plugin built against contract 0.1 (`host-wasmtime/tests/fixtures/echo-contract-0.1.wasm`:
/// `guest-sdk/examples/echo.rs` built by tamis-guest at f347f45, before 0.2) registers and runs.
#[test]
fn a_contract_0_1_plugin_still_works() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/echo-contract-0.1.wasm");
    let rules = "[[rule]]\nid = \"emails\"\ndetect = [\"email\"]\naction = \"replace\"\n";
    let p = pipeline(rules, &fixture, "").unwrap();
    assert_eq!(p.plugins()[0].name(), "echo");
    assert!(p.plugins()[0].is_filter() && !p.plugins()[0].has_transform());
    let (out, _, report) = run(&p, &[r#"{"a":"x@example.com","b":1}"#]);
    assert_eq!(out.unwrap(), [r#"{"a":"[REDACTED]","b":1}"#]);
    assert_eq!(report["plugins"]["t"]["replaced"], 1, "{report}");
}

/// Answers longer than their stand-ins (the output is rewritten into a copy), JSON escapes in
/// an answer, and a second transformer whose failure drops the records that hold its values,
/// in one batch.
#[test]
fn long_answers_escapes_and_drops_in_one_batch() {
    let long = format!("{}\\\"q\\\"", "x".repeat(100));
    let toml = format!(
        "version = 1\nname = \"t\"\n\
         [[rule]]\nid = \"ids\"\npaths = [\"user.id\"]\naction = \"plugin:tok\"\n\
         [[rule]]\nid = \"names\"\npaths = [\"user.name\"]\naction = \"plugin:bad\"\n\
         [[plugin]]\nid = \"tok\"\npath = \"{}\"\nconfig = {{ replacement = \"{long}\" }}\n\
         [[plugin]]\nid = \"bad\"\npath = \"{}\"\nconfig = {{ mode = \"short\" }}\non_error = \"drop\"\n",
        example("tokenize").display(),
        example("misbehave").display()
    );
    let p = Pipeline::new(Policy::from_toml(&toml).unwrap(), &dir()).unwrap();
    let (out, _, report) = run(
        &p,
        &[
            r#"{"user":{"id":"a","name":"n1"}}"#,
            r#"{"user":{"id":"b"},"n":2}"#,
            r#"{"user":{"name":"n3"}}"#,
            r#"{"user":{"id":"d"},"n":4}"#,
        ],
    );
    let answer = format!("{}\\\"q\\\"", "x".repeat(100));
    assert_eq!(
        out.unwrap(),
        [
            format!(r#"{{"user":{{"id":"{answer}"}},"n":2}}"#),
            format!(r#"{{"user":{{"id":"{answer}"}},"n":4}}"#),
        ]
    );
    assert_eq!(report["plugins"]["bad"]["dropped"], 2, "{report}");
    // Values written: the answer for record 1's id went with its line.
    assert_eq!(report["plugins"]["tok"]["transformed"], 2, "{report}");
    assert_eq!(report["records"]["out"], 2, "{report}");
}

/// Where rules detect with a plugin, its `detect` scans the answers too (in a session of its
/// own): an answer it finds nothing in is written as it is, one with its format is masked
/// whole.
#[test]
fn a_plugin_detector_scans_the_answers() {
    let rules = format!(
        "{IDS}[[rule]]\nid = \"acme-ids\"\ndetect = [\"plugin:acme\"]\naction = \"replace\"\nreplacement = \"[acme-id]\"\n"
    );
    for (replacement, expected, revealed) in [
        ("tok_1", "tok_1", None),
        // Anything a detector finds masks the whole answer.
        ("ref ACME-123456", "[REDACTED]", Some(1)),
    ] {
        let toml = format!(
            "version = 1\nname = \"t\"\n{rules}\n\
             [[plugin]]\nid = \"t\"\npath = \"{}\"\nconfig = {{ replacement = \"{replacement}\" }}\n\
             [[plugin]]\nid = \"acme\"\npath = \"{}\"\n",
            example("tokenize").display(),
            example("acme_ids").display()
        );
        let p = Pipeline::new(Policy::from_toml(&toml).unwrap(), &dir()).unwrap();
        let (out, _, report) = run(&p, &[r#"{"user":{"id":"c-1"},"note":"ACME-000001"}"#]);
        assert_eq!(
            out.unwrap(),
            [format!(
                r#"{{"user":{{"id":"{expected}"}},"note":"[acme-id]"}}"#
            )],
            "{report}"
        );
        assert_eq!(
            report["plugins"]["t"]
                .get("revealed_masked")
                .and_then(|v| v.as_u64()),
            revealed,
            "{report}"
        );
        assert!(
            report["plugins"]["acme"]["detect_calls"]
                .as_u64()
                .unwrap_or(0)
                >= 2,
            "{report}"
        );
    }
}
