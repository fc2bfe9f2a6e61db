//! Plugin detectors (`detect = ["plugin:<id>"]`): the pipeline calls a plugin's `detect` on the
//! texts the rule scans (strings, integers' decimal text, keys) and masks the spans it returns;
//! a plugin that fails or returns spans that are not ranges of the text fails closed by its
//! `on_error`, counted.

#![expect(clippy::unwrap_used, reason = "test code")]

use std::path::PathBuf;

use tamis_core::{Context, Policy};
use tamis_host::testing::{DETECT_FIRST4, Guest, KEEP_ALL, component};
use tamis_host::{Line, Pipeline, Stopped};

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("tamis-detect-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A pipeline whose plugin `det` (this body of `detect`) serves the rule `ids`.
fn pipeline(name: &str, detect_body: &str, on_error: &str) -> Result<Pipeline, String> {
    let guest = Guest {
        detect_body: Some(detect_body),
        fields: "(global $calls (mut i32) (i32.const 0))",
        ..Guest::default()
    };
    let file = format!("{name}.wasm");
    std::fs::write(dir().join(&file), component(&guest)).unwrap();
    let toml = format!(
        "version = 1\nname = \"t\"\n\
         [[rule]]\nid = \"ids\"\ndetect = [\"plugin:det\"]\naction = \"replace\"\nreplacement = \"[{{type}}]\"\n\
         [[plugin]]\nid = \"det\"\npath = \"{file}\"\non_error = \"{on_error}\"\ntimeout_ms = 20\nfuel = 5000000\n"
    );
    let policy = Policy::from_toml(&toml).map_err(|e| e.to_string())?;
    Pipeline::new(policy, &dir()).map_err(|e| e.to_string())
}

/// Applies one batch; the output lines and the report as JSON.
fn run(p: &Pipeline, lines: &[&str]) -> (Result<Vec<String>, Stopped>, serde_json::Value) {
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
        report,
    )
}

#[test]
fn a_plugin_detector_masks_the_spans_it_returns_in_values_numbers_and_keys() {
    let p = pipeline("first4", DETECT_FIRST4, "drop").unwrap();
    let (out, report) = run(
        &p,
        &[
            r#"{"note":"ABCDEFG","n":12345678,"t":true,"x":null}"#,
            r#"{"a":"xy"}"#,
        ],
    );
    assert_eq!(
        out.unwrap(),
        [
            r#"{"[plugin:1]":"[plugin]EFG","[plugin:2]":"[plugin]5678","[plugin:3]":true,"[plugin:4]":null}"#,
            r#"{"[plugin:1]":"[plugin]"}"#,
        ]
    );
    // 5 keys and 3 values.
    assert_eq!(report["detectors"]["plugin:det"], 8);
    assert_eq!(report["records"]["out"], 2);
    // Keys, strings and the integer's text (never booleans or null); the masked texts are
    // scanned again (settling) and their placeholders are never findings.
    assert!(report["plugins"]["det"]["detect_calls"].as_u64().unwrap() >= 8);
}

#[test]
fn the_policy_refers_to_plugins_by_id_and_they_must_export_detect() {
    let e = Policy::from_toml(
        "version = 1\nname = \"t\"\n[[rule]]\nid = \"ids\"\ndetect = [\"plugin:nope\"]\naction = \"replace\"\n",
    )
    .unwrap_err();
    assert_eq!(e.kind().code(), "detector");
    assert!(e.to_string().contains("plugin:nope"), "{e}");
    assert_eq!(e.rule_id(), Some("ids"));

    // A component without `detect` is refused at registration.
    std::fs::write(dir().join("nodetect.wasm"), component(&Guest::default())).unwrap();
    let policy = Policy::from_toml(
        "version = 1\nname = \"t\"\n[[rule]]\nid = \"ids\"\ndetect = [\"plugin:d\"]\naction = \"replace\"\n\
         [[plugin]]\nid = \"d\"\npath = \"nodetect.wasm\"\n",
    )
    .unwrap();
    let e = Pipeline::new(policy, &dir()).unwrap_err();
    assert!(e.to_string().contains("does not export `detect`"), "{e}");
    let _ = KEEP_ALL;
}

const LOOP: &str = "(loop $l (br $l)) (unreachable)";
const TRAP: &str = "(unreachable)";
/// A span one byte past the end of the text.
const PAST_END: &str =
    "(call $span_list (i32.const 1) (i32.const 0) (i32.add (local.get 1) (i32.const 1)))";
/// The first byte only (inside a multi-byte character when the text starts with one).
const FIRST_BYTE: &str = "(call $span_list (i32.const 1) (i32.const 0) (i32.const 1))";
const TOO_MANY: &str = "(call $span_list (i32.const 4097) (i32.const 0) (i32.const 0))";
const MEMORY_BOMB: &str =
    "(loop $l (br_if $l (i32.ne (memory.grow (i32.const 16)) (i32.const -1)))) (unreachable)";

#[test]
fn failures_with_on_error_mask_mask_every_text_the_plugin_would_scan() {
    for (name, body, kind) in [
        ("loop", LOOP, None),
        ("trap", TRAP, Some("trap")),
        ("past-end", PAST_END, Some("invalid_output")),
        ("first-byte", FIRST_BYTE, Some("invalid_output")),
        ("too-many", TOO_MANY, Some("invalid_output")),
        ("memory", MEMORY_BOMB, Some("memory")),
    ] {
        let p = pipeline(&format!("mask-{name}"), body, "mask").unwrap();
        let (out, report) = run(&p, &[r#"{"é":"ébc secret"}"#, r#"{"k":"other secret"}"#]);
        assert_eq!(
            out.unwrap(),
            [
                r#"{"[plugin:1]":"[plugin]"}"#,
                r#"{"[plugin:1]":"[plugin]"}"#
            ],
            "{name}"
        );
        let counts = &report["plugins"]["det"];
        match kind {
            Some(k) => assert_eq!(counts[k], 1, "{name}: {counts}"),
            // An infinite loop ends on fuel or on the deadline, whichever comes first.
            None => assert_eq!(
                counts["fuel"].as_u64().unwrap_or(0) + counts["timeout"].as_u64().unwrap_or(0),
                1,
                "{name}: {counts}"
            ),
        }
        // After the first failure the plugin is not called again in the batch.
        assert_eq!(counts["detect_calls"], 1, "{name}: {counts}");
        assert_eq!(report["records"]["out"], 2, "{name}");
    }
}

#[test]
fn spans_at_the_limit_are_accepted() {
    // 4,096 spans (empty ones, which find nothing) are the most a call may return; 4,097 fail
    // (above).
    let at_limit = "(call $span_list (i32.const 4096) (i32.const 0) (i32.const 0))";
    let p = pipeline("at-limit", at_limit, "mask").unwrap();
    let (out, report) = run(&p, &[r#"{"k":"secret"}"#]);
    assert_eq!(out.unwrap(), [r#"{"k":"secret"}"#]);
    let counts = &report["plugins"]["det"];
    assert!(counts.get("invalid_output").is_none(), "{counts}");
    assert_eq!(counts["detect_calls"], 2);
}

#[test]
fn failures_with_on_error_drop_drop_the_rest_of_the_batch() {
    let p = pipeline("drop-trap", TRAP, "drop").unwrap();
    let (out, report) = run(&p, &["{}", r#"{"k":"v"}"#, r#"{"k":"w"}"#, "not json"]);
    // The first record has no text to scan; the second fails; the third is dropped unseen;
    // the unparsable line stays a quarantine marker.
    let out = out.unwrap();
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(out[0], "{}");
    assert!(out[1].contains("tamis_quarantined"), "{out:?}");
    assert_eq!(report["records"]["dropped_plugin"], 2, "{report}");
    assert_eq!(report["records"]["out"], 1, "{report}");
    assert_eq!(report["plugins"]["det"]["dropped"], 2, "{report}");
    assert_eq!(report["plugins"]["det"]["trap"], 1, "{report}");
}

#[test]
fn failures_with_on_error_fail_stop_and_write_nothing_of_the_batch() {
    let p = pipeline("fail-trap", TRAP, "fail").unwrap();
    let (out, _) = run(&p, &["{}", r#"{"k":"v"}"#]);
    let stopped = out.unwrap_err();
    assert_eq!(stopped.plugin, "det");
    assert_eq!(stopped.failure.kind(), "trap");
}

#[test]
fn each_batch_gets_a_fresh_instance() {
    // Finds the first 4 bytes on its first call only: state lives as long as one batch.
    let once = "(global.set $calls (i32.add (global.get $calls) (i32.const 1))) \
                (if (result i32) (i32.eq (global.get $calls) (i32.const 1)) \
                  (then (call $span_list (i32.const 1) (i32.const 0) (i32.const 4))) \
                  (else (call $span_list (i32.const 0) (i32.const 0) (i32.const 0))))";
    let p = pipeline("once", once, "drop").unwrap();
    for _ in 0..3 {
        let (out, _) = run(&p, &[r#"["ABCDEF","ABCDEF"]"#]);
        assert_eq!(out.unwrap(), [r#"["[plugin]EF","ABCDEF"]"#]);
    }
}
