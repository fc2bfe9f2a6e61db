//! The `tamis` binary as scripts use it: arguments, JSON Lines in and out, exit codes, reports,
//! and that nothing it prints quotes input data.

#![expect(clippy::unwrap_used, reason = "test code")]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const CANARY: &str = "canary.91c2@leak.example";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn tamis(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tamis"));
    cmd.args(args)
        .current_dir(root())
        .env_remove("TAMIS_HASH_KEY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // tamis may exit before reading its input (a bad policy): a broken pipe here is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn temp(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tamis-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

const KEY: (&str, &str) = ("TAMIS_HASH_KEY", "cli-test-key-material");

#[test]
fn apply_writes_one_line_per_input_line_and_quarantines_bad_ones() {
    let input = format!(
        "{{\"user\":{{\"email\":\"jane@example.com\"}}}}\nnot json {CANARY}\n\n{{\"n\":1}}\n{{\"cut\":\"{CANARY}\"\n"
    );
    let out = tamis(
        &["apply", "--policy", "policies/langfuse.toml"],
        &input,
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            r#"{"user":{"email":"j***@***.com"}}"#,
            r#"{"tamis_quarantined":{"line":2,"reason":"invalid_json"}}"#,
            r#"{"tamis_quarantined":{"line":3,"reason":"invalid_json"}}"#,
            r#"{"n":1}"#,
            r#"{"tamis_quarantined":{"line":5,"reason":"invalid_json"}}"#,
        ]
    );
    assert!(!stdout.contains("canary") && !text(&out.stderr).contains("canary"));
}

#[test]
fn apply_reads_files_in_order_and_writes_a_report() {
    let report = std::env::temp_dir().join(format!("tamis-report-{}.json", std::process::id()));
    let out = tamis(
        &[
            "apply",
            "--policy",
            "policies/default.toml",
            "--report",
            report.to_str().unwrap(),
            "examples/traces.jsonl",
            "examples/traces.jsonl",
        ],
        "",
        &[KEY],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().count(), 8);
    assert!(!text(&out.stdout).contains("jane@example.com"));
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["records"]["in"], 8);
    assert_eq!(r["records"]["out"], 8);
    assert_eq!(r["policy"]["name"], "tamis-default");
    assert_eq!(r["rules"]["emails-in-text"], 8);
    assert_eq!(r["detectors"]["email"], 8);
    assert!(!r.to_string().contains("example.com"));
}

#[test]
fn a_missing_key_is_an_error_before_any_input_is_read() {
    let out = tamis(
        &["apply", "--policy", "policies/default.toml"],
        &format!("{{\"e\":\"{CANARY}\"}}\n"),
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains("TAMIS_HASH_KEY") && err.contains("help:"),
        "{err}"
    );
    assert!(!err.contains("canary"));
}

#[test]
fn ext_detectors_are_checked_but_not_applied() {
    let policy = temp(
        "ext.toml",
        "version = 1\nname = \"ext\"\n[[rule]]\nid = \"p\"\ndetect = [\"ext:person\"]\naction = \"replace\"\n",
    );
    let p = policy.to_str().unwrap();
    let out = tamis(&["check", "--policy", p], "", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = tamis(
        &["apply", "--policy", p],
        &format!("{{\"e\":\"{CANARY}\"}}\n"),
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(err.contains("ext:person") && err.contains("help:"), "{err}");
    assert!(!err.contains("canary"));
}

#[test]
fn exit_codes() {
    let bad = temp(
        "bad.toml",
        "version = 1\nname = \"x\"\n[[rule]]\nid = \"a\"\npaths = [\"x\"]\naction = \"mask\"\n",
    );
    let bad = bad.to_str().unwrap();
    let cases: &[(&[&str], i32)] = &[
        (&["check", "--policy", "policies/langfuse.toml"], 0),
        (&["check", "--policy", bad], 1),
        (&["apply", "--policy", bad], 1),
        (
            &[
                "apply",
                "--policy",
                "policies/langfuse.toml",
                "--context",
                "{\"role\":[]}",
            ],
            2,
        ),
        (
            &[
                "apply",
                "--policy",
                "policies/langfuse.toml",
                "--now",
                "yesterday",
            ],
            2,
        ),
        (
            &[
                "apply",
                "--policy",
                "policies/langfuse.toml",
                "--format",
                "xml",
            ],
            2,
        ),
        (&["apply", "--nope"], 2),
        (&["frobnicate"], 2),
        (
            &[
                "apply",
                "--policy",
                "policies/langfuse.toml",
                "/nonexistent/input.jsonl",
            ],
            3,
        ),
        (&["check", "--policy", "/nonexistent/policy.toml"], 3),
    ];
    for (args, code) in cases {
        let out = tamis(args, "", &[]);
        assert_eq!(
            out.status.code(),
            Some(*code),
            "{args:?}: {}",
            text(&out.stderr)
        );
        if *code != 0 {
            assert!(!out.stderr.is_empty(), "{args:?} printed no diagnostic");
        }
    }
}

#[test]
fn over_long_lines_are_quarantined_without_being_buffered() {
    let policy = temp(
        "small.toml",
        "version = 1\nname = \"s\"\n[limits]\nmax_record_bytes = 16\nmax_string_bytes = 12\n[[rule]]\nid = \"e\"\ndetect = [\"email\"]\naction = \"replace\"\n",
    );
    let p = policy.to_str().unwrap();
    let long = format!("{{\"k\":\"{}{CANARY}\"}}", "x".repeat(200));
    let out = tamis(
        &["apply", "--policy", p],
        &format!("{long}\n{{\"a\":\"b@c.io\"}}\n{long}"),
        &[],
    );
    assert_eq!(
        text(&out.stdout),
        "{\"tamis_quarantined\":{\"line\":1,\"reason\":\"too_large\"}}\n{\"a\":\"[REDACTED]\"}\n{\"tamis_quarantined\":{\"line\":3,\"reason\":\"too_large\"}}\n"
    );
    let out = tamis(
        &["apply", "--policy", p, "--format", "text"],
        &format!("{long}\nb@c.io\n"),
        &[],
    );
    assert_eq!(text(&out.stdout), "[tamis:too_large]\n[REDACTED]\n");
    let out = tamis(&["apply", "--policy", p, "--format", "json"], &long, &[]);
    assert_eq!(
        text(&out.stdout),
        "{\"tamis_quarantined\":{\"reason\":\"too_large\"}}\n"
    );
    let out = tamis(&["apply", "--policy", p], "\u{ff}\u{fe}\n", &[]);
    assert!(text(&out.stdout).contains("invalid_json"));
}

/// `tamis apply --policy POLICY EXTRA...` under a 200 MB address-space cap (`ulimit -v`), fed
/// `head`, 300 MB of `a`, then `tail`.
/// `tamis apply` under a 200 MB address-space cap, on `head`, then `mib` MiB of `fill` repeated,
/// then `tail`.
fn apply_capped(
    policy: &Path,
    extra: &str,
    head: &'static [u8],
    (fill, mib): (&'static [u8], usize),
    tail: &'static [u8],
) -> Output {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 200000 && exec {} apply --policy {} {extra}",
            env!("CARGO_BIN_EXE_tamis"),
            policy.display()
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let block: Vec<u8> = fill.iter().copied().cycle().take(1 << 20).collect();
        let _ = stdin.write_all(head);
        for _ in 0..mib {
            let _ = stdin.write_all(&block);
        }
        let _ = stdin.write_all(tail);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

#[test]
fn input_that_does_not_fit_in_memory_is_quarantined_not_an_abort() {
    // With limits that allow records of 256 MiB (lines of up to 2 GiB), a 300 MB line cannot
    // be held under the cap: the reader's buffer grows with `try_reserve`, so the line is
    // quarantined and the records around it are masked (before, Rust aborted the process on
    // the failed allocation).
    let policy = temp(
        "roomy.toml",
        "version = 1\nname = \"r\"\n[limits]\nmax_record_bytes = 268435456\nmax_string_bytes = 268435456\n[[rule]]\nid = \"e\"\ndetect = [\"email\"]\naction = \"replace\"\n",
    );
    let out = apply_capped(
        &policy,
        "",
        b"{\"a\":\"x@example.com\"}\n{\"big\":\"",
        (b"a", 300),
        b"\"}\n{\"b\":\"y@example.com\"}\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "{\"a\":\"[REDACTED]\"}\n{\"tamis_quarantined\":{\"line\":2,\"reason\":\"too_large\"}}\n{\"b\":\"[REDACTED]\"}\n"
    );
    // One JSON document (`--format json`) is read the same way.
    let out = apply_capped(
        &policy,
        "--format json",
        b"{\"big\":\"",
        (b"a", 300),
        b"\"}",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "{\"tamis_quarantined\":{\"reason\":\"too_large\"}}\n"
    );
}

#[test]
fn a_record_whose_tree_does_not_fit_in_memory_is_quarantined_not_an_abort() {
    // A 40 MB line is read, but its parse tree (20 million items, some 640 MB) cannot be built
    // under the cap: the tree grows with `try_reserve`, and what fails meanwhile is served from
    // the allocator's reserve, so the record is quarantined (`out_of_memory`), its memory given
    // back, and the next record is masked. Before, Rust aborted the process.
    let policy = temp(
        "roomy-tree.toml",
        "version = 1\nname = \"r\"\n[limits]\nmax_record_bytes = 268435456\n[[rule]]\nid = \"e\"\ndetect = [\"email\"]\naction = \"replace\"\n",
    );
    let out = apply_capped(
        &policy,
        "",
        b"{\"a\":\"x@example.com\"}\n[",
        (b"0,", 40),
        b"0]\n{\"b\":\"y@example.com\"}\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "{\"a\":\"[REDACTED]\"}\n{\"tamis_quarantined\":{\"line\":2,\"reason\":\"out_of_memory\"}}\n{\"b\":\"[REDACTED]\"}\n"
    );
    let out = apply_capped(&policy, "--format json", b"[", (b"0,", 40), b"0]");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "{\"tamis_quarantined\":{\"reason\":\"out_of_memory\"}}\n"
    );
}

#[test]
fn every_subcommand_has_help() {
    for sub in ["apply", "check", "explain", "test"] {
        let out = tamis(&[sub, "--help"], "", &[]);
        assert_eq!(out.status.code(), Some(0));
        assert!(text(&out.stdout).contains("--policy"), "{sub}");
    }
}

#[test]
fn policy_errors_name_file_line_column_and_rule() {
    let bad = temp(
        "located.toml",
        "version = 1\nname = \"x\"\n\n[[rule]]\nid = \"acme\"\npaths = [\"a..b\"]\naction = \"replace\"\n",
    );
    let out = tamis(&["check", "--policy", bad.to_str().unwrap()], "", &[]);
    let err = text(&out.stderr);
    assert!(err.contains("located.toml:6:10: error[selector]"), "{err}");
    assert!(
        err.contains("(in `acme`)") && err.contains("help:"),
        "{err}"
    );
}

#[test]
fn json_and_text_formats() {
    let out = tamis(
        &[
            "apply",
            "--policy",
            "policies/langfuse.toml",
            "--format",
            "json",
        ],
        "{\n  \"user\": {\"ssn\": \"123-45-6789\"}\n}\n",
        &[],
    );
    assert_eq!(text(&out.stdout), "{\"user\":{\"ssn\":\"[REDACTED]\"}}\n");
    let out = tamis(
        &[
            "apply",
            "--policy",
            "policies/langfuse.toml",
            "--format",
            "json",
        ],
        &format!("[{CANARY}"),
        &[],
    );
    assert_eq!(
        text(&out.stdout),
        "{\"tamis_quarantined\":{\"reason\":\"invalid_json\"}}\n"
    );
    let out = tamis(
        &[
            "apply",
            "--policy",
            "policies/langfuse.toml",
            "--format",
            "text",
        ],
        "mail jane@example.com\r\nnothing here\n",
        &[],
    );
    // Line breaks are kept as they are (CRLF too).
    assert_eq!(text(&out.stdout), "mail [email]\r\nnothing here\n");
}

#[test]
fn context_selects_role_dependent_views() {
    let policy = temp(
        "views.toml",
        "version = 1\nname = \"v\"\n[[rule]]\nid = \"phone\"\npaths = [\"phone\"]\naction = \"partial\"\nwhen = { roles_none = [\"owner\"] }\n",
    );
    let p = policy.to_str().unwrap();
    let input = "{\"phone\":\"+14155550100\"}\n";
    let viewer = tamis(
        &[
            "apply",
            "--policy",
            p,
            "--context",
            "{\"roles\":[\"viewer\"]}",
        ],
        input,
        &[],
    );
    let owner = tamis(
        &[
            "apply",
            "--policy",
            p,
            "--context",
            "{\"roles\":[\"owner\"]}",
            "--now",
            "2026-01-01T00:00:00Z",
        ],
        input,
        &[],
    );
    assert_eq!(text(&viewer.stdout), "{\"phone\":\"+1*********0\"}\n");
    assert_eq!(text(&owner.stdout), input);
}

#[test]
fn explain_counts_paths_never_values() {
    let out = tamis(
        &[
            "explain",
            "--policy",
            "policies/default.toml",
            "examples/traces.jsonl",
        ],
        "",
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["records"]["in"], 4);
    let hits = v["hits"].as_array().unwrap();
    assert!(hits.iter().any(|h| h["path"] == "attributes.DB_PASSWORD"
        && h["rule"] == "secrets"
        && h["action"] == "replace"));
    assert!(
        hits.iter()
            .any(|h| h["path"] == "input.messages[].content" && h["rule"] == "emails-in-text")
    );
    let all = text(&out.stdout);
    for value in ["jane@example.com", "hunter2", "4111", "sk-live"] {
        assert!(!all.contains(value), "explain printed `{value}`");
    }
}

#[test]
fn test_subcommand_passes_shipped_policies_and_reports_failures_without_values() {
    for p in ["policies/default.toml", "policies/langfuse.toml"] {
        let out = tamis(&["test", "--policy", p], "", &[]);
        assert_eq!(out.status.code(), Some(0), "{p}: {}", text(&out.stdout));
        assert!(text(&out.stdout).contains(" passed, 0 failed"));
    }
    let policy = temp(
        "failing.toml",
        &format!(
            "version = 1\nname = \"f\"\n[[rule]]\nid = \"r\"\npaths = [\"a\"]\naction = \"replace\"\n[[rule]]\nid = \"idle\"\npaths = [\"zz\"]\naction = \"redact\"\n\
             [[test]]\nname = \"wrong expectation\"\ninput = {{ a = \"{CANARY}\" }}\nexpect = {{ a = \"{CANARY}\" }}\n"
        ),
    );
    let out = tamis(&["test", "--policy", policy.to_str().unwrap()], "", &[]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("FAIL  wrong expectation") && stdout.contains("at `a`"),
        "{stdout}"
    );
    assert!(
        stdout.contains("rules no test exercised: `idle`"),
        "{stdout}"
    );
    assert!(!stdout.contains("canary"));
}

/// The CLI front end of the conformance corpus: every vector through `tamis apply`.
#[test]
fn conformance_vectors_through_the_cli() {
    let vectors = tamis_conformance::load_all(&tamis_conformance::vectors_dir()).unwrap();
    let mut ran = 0;
    for (file, v) in &vectors {
        let policy = match (&v.policy_file, &v.policy) {
            // Read from a file of that name: its form follows the name.
            (Some(file), serde_json::Value::String(text)) => {
                temp(&format!("{}-{file}", v.name), text)
            }
            (_, serde_json::Value::String(toml)) => temp(&format!("{}.toml", v.name), toml),
            (_, other) => temp(&format!("{}.json", v.name), &other.to_string()),
        };
        let reveal = v.format.as_deref() == Some("reveal");
        let mut args = vec![
            if reveal { "reveal" } else { "apply" }.to_owned(),
            "--policy".to_owned(),
            policy.to_str().unwrap().to_owned(),
        ];
        if let Some(ctx) = &v.context {
            args.extend(["--context".to_owned(), serde_json::to_string(ctx).unwrap()]);
        }
        args.extend([
            "--now".to_owned(),
            v.now
                .clone()
                .unwrap_or_else(|| "2000-01-01T00:00:00Z".to_owned()),
        ]);
        let input = match (v.format.as_deref(), &v.input) {
            (Some("text"), serde_json::Value::String(s)) => {
                args.extend(["--format".to_owned(), "text".to_owned()]);
                s.clone()
            }
            (Some("line"), serde_json::Value::String(s)) => s.clone(),
            (_, value) => value.to_string(),
        };
        // Each key's material in the environment variable its `[key.*]` names.
        let key_env: Vec<(String, String)> =
            tamis_conformance::compile(&tamis_conformance::Vector {
                keys: Default::default(),
                ..v.clone()
            })
            .map(|p| {
                p.document()
                    .key
                    .iter()
                    .filter_map(|(name, k)| v.keys.get(name).map(|m| (k.env.clone(), m.clone())))
                    .collect()
            })
            .unwrap_or_default();
        let env: Vec<(&str, &str)> = key_env
            .iter()
            .map(|(e, m)| (e.as_str(), m.as_str()))
            .collect();
        let report = temp(&format!("{}.report.json", v.name), "");
        if !reveal {
            args.extend(["--report".to_owned(), report.to_str().unwrap().to_owned()]);
        }
        let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = tamis(&arg_refs, &format!("{input}\n"), &env);
        let want = tamis_conformance::expected(v).unwrap().0;
        let got = if reveal && out.status.code() == Some(1) {
            assert!(
                text(&out.stderr).contains("reveal"),
                "{}",
                text(&out.stderr)
            );
            String::from("{\"tamis_reveal_denied\":true}")
        } else if reveal {
            let line = text(&out.stdout).trim_end_matches('\n').to_owned();
            let mut parsed: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
            if let Some(r) = parsed
                .get_mut("tamis_reveal_refused")
                .and_then(serde_json::Value::as_object_mut)
            {
                r.shift_remove("line");
                parsed.to_string()
            } else {
                line
            }
        } else if out.status.code() == Some(1) && want.starts_with("error:") {
            want.clone()
        } else if out.status.success() && out.stdout.is_empty() {
            // Nothing written: the record was dropped; the report says why.
            let r: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
            let reason = ["access", "retention"]
                .into_iter()
                .find(|k| r["records"][format!("dropped_{k}")] == 1)
                .unwrap_or("none");
            format!("{{\"tamis_dropped\":{{\"reason\":\"{reason}\"}}}}")
        } else if v.format.as_deref() == Some("text") {
            serde_json::Value::from(text(&out.stdout).trim_end_matches('\n')).to_string()
        } else {
            let line = text(&out.stdout).trim_end_matches('\n').to_owned();
            let parsed: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
            match parsed
                .get("tamis_quarantined")
                .and_then(|q| q.get("reason"))
            {
                Some(reason) if v.format.as_deref() != Some("line") => {
                    format!("{{\"tamis_quarantined\":{{\"reason\":{reason}}}}}")
                }
                _ => line,
            }
        };
        // Vectors whose hash key is missing expect `[tamis:no_key]`, which the CLI refuses to
        // produce (a missing key is an error before input): that refusal is the CLI's answer.
        // (A vector may also feed `[tamis:no_key]` in as text; then the CLI runs normally.)
        if want.contains("[tamis:no_key]") && out.status.code() == Some(1) {
            assert!(
                text(&out.stderr).contains("key"),
                "{file}/{}: {}",
                v.name,
                text(&out.stderr)
            );
            continue;
        }
        assert_eq!(got, want, "{file}/{}: {}", v.name, text(&out.stderr));
        ran += 1;
    }
    assert!(ran >= 60, "{ran}");
    println!("{ran} vectors byte-identical through the CLI");
}

/// `tamis apply` drops records by access and retention (writing nothing for them) and counts
/// them; `tamis summarize` prints one summary per selected path and never a raw value.
#[test]
fn apply_and_summarize_with_retention_access_and_summaries() {
    let report = temp("observability.report.json", "");
    let out = tamis(
        &[
            "apply",
            "--policy",
            "policies/observability.toml",
            "--now",
            "2026-11-22T00:00:00Z",
            "--report",
            report.to_str().unwrap(),
            "examples/spans.jsonl",
        ],
        "",
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 9, "one record is an agent decision");
    assert!(!stdout.contains("jane@example.com") && !stdout.contains("4111 1111"));
    assert!(stdout.contains(r#""scores":{"tamis_summary":{"rule":"long-arrays","count":20"#));
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["records"]["in"], 10);
    assert_eq!(r["records"]["out"], 9);
    assert_eq!(r["records"]["dropped_access"], 1);
    assert_eq!(r["summaries"]["long-arrays"], 1);

    // Ten days later the prompts are gone; a year later every trace is.
    let out = tamis(
        &[
            "apply",
            "--policy",
            "policies/observability.toml",
            "--context",
            r#"{"roles":["auditor"]}"#,
            "--now",
            "2026-12-31T00:00:00Z",
            "examples/spans.jsonl",
        ],
        "",
        &[],
    );
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 10);
    assert!(!stdout.contains(r#""input""#) && !stdout.contains(r#""output""#));
    let out = tamis(
        &[
            "apply",
            "--policy",
            "policies/observability.toml",
            "--now",
            "2027-11-22T00:00:00Z",
            "examples/spans.jsonl",
        ],
        "",
        &[],
    );
    assert!(out.status.success());
    assert!(out.stdout.is_empty());

    // Summaries of columns across records.
    let summaries = temp(
        "columns.toml",
        &format!(
            "{}\n[[summarize]]\nid = \"cols\"\npaths = [\"**\"]\nmin_items = 5\nk_anonymity = 3\n",
            std::fs::read_to_string(root().join("policies/observability.toml"))
                .unwrap()
                .split("[[summarize]]")
                .next()
                .unwrap()
        ),
    );
    let report = temp("columns.report.json", "");
    let out = tamis(
        &[
            "summarize",
            "--policy",
            summaries.to_str().unwrap(),
            "--now",
            "2026-11-22T00:00:00Z",
            "--report",
            report.to_str().unwrap(),
            "examples/spans.jsonl",
        ],
        "",
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let paths: Vec<&str> = lines.iter().map(|l| l["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        // `input` and `output` have 4 values each: below `min_items`, left out.
        [
            "latency_ms",
            "name",
            "scores",
            "timestamp",
            "type",
            "user.email",
            "user.plan"
        ]
    );
    for secret in ["jane@", "omar@", "4111", "415 555"] {
        assert!(!stdout.contains(secret), "{secret} leaked: {stdout}");
    }
    let email = &lines[5]["tamis_summary"];
    assert_eq!(email["masked"], true);
    assert_eq!(
        email["count"], 9,
        "the agent decision was dropped by access"
    );
    assert_eq!(email["sample"], serde_json::json!(["j***@***.com"]));
    let plan = &lines[6]["tamis_summary"];
    // `free` is seen twice (its third record was dropped by access): below k = 3, left out.
    assert_eq!(
        plan["top_k"],
        serde_json::json!([{"value": "pro", "count": 6}])
    );
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["records"]["dropped_access"], 1);
}

/// The adversarial review's CLI findings (issue 30): text mode masks across lines, summaries
/// name keys as `apply` does, closed outputs and bad contexts fail cleanly without quoting.
#[test]
fn text_mode_masks_pem_blocks_across_lines_and_chunks() {
    let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAcanarybody1\nMIIEcanarybody2\n-----END RSA PRIVATE KEY-----\n";
    for (label, input) in [
        ("block alone", pem.to_owned()),
        ("between lines", format!("first line\n{pem}last line\n")),
        ("two blocks", format!("{pem}{pem}")),
        (
            "no end",
            "x\n-----BEGIN EC PRIVATE KEY-----\nMIIEcanarybody3\n".to_owned(),
        ),
        (
            "long body",
            format!(
                "-----BEGIN PRIVATE KEY-----\n{}-----END PRIVATE KEY-----\n",
                "MIIEcanarybody4abcdef\n".repeat(20_000)
            ),
        ),
    ] {
        let out = tamis(
            &[
                "apply",
                "--policy",
                "policies/default.toml",
                "--format",
                "text",
            ],
            &input,
            &[KEY],
        );
        assert_eq!(out.status.code(), Some(0), "{label}");
        let stdout = text(&out.stdout);
        assert!(
            !stdout.contains("canarybody") && !stdout.contains("-----END"),
            "{label}: {stdout:.200}"
        );
        assert!(stdout.contains("[private_key]"), "{label}");
    }
}

#[test]
fn summaries_name_keys_as_apply_writes_them() {
    let records: String = (0..6)
        .map(|i| format!("{{\"users\":{{\"{CANARY}\":{{\"age\":{i}}},\"bob\":{{\"age\":3}}}}}}\n"))
        .collect();
    for policy in [
        "policies/default.toml",
        "policies/observability.toml",
        "policies/langfuse.toml",
    ] {
        let out = tamis(&["summarize", "--policy", policy], &records, &[KEY]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{policy}: {}",
            text(&out.stderr)
        );
        assert!(
            !text(&out.stdout).contains(CANARY),
            "{policy}: {}",
            text(&out.stdout)
        );
    }
    let p = temp(
        "summarize-keys.toml",
        "version = 1\nname = \"s\"\n[[rule]]\nid = \"e\"\ndetect = [\"email\"]\naction = \"replace\"\n[[summarize]]\nid = \"all\"\npaths = [\"**\"]\nmin_items = 1\nsample = 0\n",
    );
    let out = tamis(
        &["summarize", "--policy", p.to_str().unwrap()],
        &records,
        &[],
    );
    let paths: Vec<String> = text(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["path"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(paths, ["users.[email:1].age", "users.bob.age"]);
}

#[test]
fn closed_output_is_an_output_error_not_a_panic() {
    for args in [
        vec!["test", "--policy", "policies/default.toml"],
        vec!["check", "--policy", "policies/default.toml"],
        vec!["explain", "--policy", "policies/default.toml"],
    ] {
        // A stdout whose read end is closed before tamis starts: every write fails with a
        // broken pipe, whenever it happens (no race with the child's first write).
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let child = Command::new(env!("CARGO_BIN_EXE_tamis"))
            .args(&args)
            .current_dir(root())
            .stdout(Stdio::from(writer))
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(3),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!text(&out.stderr).contains("panicked"), "{args:?}");
    }
}

#[test]
fn context_and_policy_errors_quote_no_input_and_tests_print_no_raw_keys() {
    let out = tamis(
        &[
            "apply",
            "--policy",
            "policies/default.toml",
            "--context",
            &format!("{{\"roles\":\"{CANARY}\"}}"),
        ],
        "",
        &[KEY],
    );
    assert_eq!(out.status.code(), Some(2));
    // Where: the field it is in (a type mistake) or line and column (a syntax mistake).
    assert!(!text(&out.stderr).contains(CANARY) && text(&out.stderr).contains("`roles`"));
    let out = tamis(
        &[
            "apply",
            "--policy",
            "policies/default.toml",
            "--context",
            &format!("{{\"{CANARY}\":1}}"),
        ],
        "",
        &[KEY],
    );
    assert!(!text(&out.stderr).contains(CANARY), "{}", text(&out.stderr));
    let bad = temp(
        "bad-value.toml",
        &format!(
            "version = 1\nname = \"b\"\n[[rule]]\nid = \"r\"\npaths = [\"a\"]\naction = \"replace\"\nreplacement = 4111111111111111\n[[test]]\nname = \"{CANARY}\"\ninput = {{}}\nexpect = {{ \"{CANARY}\" = 1 }}\n"
        ),
    );
    let out = tamis(&["check", "--policy", bad.to_str().unwrap()], "", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !text(&out.stderr).contains("4111111111111111"),
        "{}",
        text(&out.stderr)
    );
    let failing = temp(
        "raw-key-test.toml",
        &format!(
            "version = 1\nname = \"t\"\n[[rule]]\nid = \"e\"\ndetect = [\"email\"]\naction = \"replace\"\n[[test]]\nname = \"wrong\"\ninput = {{ users = {{ \"{CANARY}\" = 1 }} }}\nexpect = {{ users = {{ \"{CANARY}\" = 2 }} }}\n"
        ),
    );
    let out = tamis(&["test", "--policy", failing.to_str().unwrap()], "", &[]);
    assert_eq!(out.status.code(), Some(1));
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        !all.contains(CANARY) && all.contains("users.[email:1]"),
        "{all}"
    );
}

const KEYED_POLICY: &str = r#"version = 1
name = "keyed"
[key.main]
env = "TAMIS_HASH_KEY"
id = "k1"
[key.old]
env = "TAMIS_OLD_KEY"
id = "k0"
[reveal]
roles_any = ["support-lead"]
purposes = ["incident"]
[[rule]]
id = "enc"
paths = ["user.email"]
action = "encrypt"
key = "main"
[[rule]]
id = "old"
paths = ["legacy"]
action = "encrypt"
key = "old"
[[rule]]
id = "card"
paths = ["card"]
action = "fpe"
key = "main"
keep_first = 4
keep_last = 4
[[rule]]
id = "dates"
paths = ["visits.*"]
action = "shift_date"
key = "main"
entity = "patient.id"
max_days = 90
[[rule]]
id = "cards"
detect = ["credit_card"]
action = "partial"
"#;

/// `tamis apply` with every reversible action, then `tamis reveal`: back to the input for an
/// allowed context, refused for others and for a forged token (the line says where, never the
/// value); one audit event per run, with counts and without values or tokens.
#[test]
fn reveal_turns_tokens_back_for_allowed_contexts_and_audits() {
    let policy = temp("keyed.toml", KEYED_POLICY);
    let policy = policy.to_str().unwrap();
    let audit = temp("keyed.audit.jsonl", "");
    let audit_path = audit.to_str().unwrap();
    let env = [
        ("TAMIS_HASH_KEY", "0123456789abcdef0123456789abcdef"),
        ("TAMIS_OLD_KEY", "an older key of thirty-two bytes!"),
    ];
    let input = r#"{"patient":{"id":"P-7"},"user":{"email":"jane@example.com"},"legacy":"x-1","card":"4111 1111 1111 1111","visits":{"a":"2024-01-05","b":"2024-03-01T10:00:00Z"}}"#;
    let out = tamis(
        &[
            "apply",
            "--policy",
            policy,
            "--audit",
            audit_path,
            "--now",
            "2026-12-07T00:00:00Z",
        ],
        &format!("{input}\n"),
        &env,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let masked = text(&out.stdout);
    assert!(
        masked.contains("\"e:k1:") && masked.contains("\"e:k0:"),
        "{masked}"
    );
    assert!(
        !masked.contains("jane") && !masked.contains("2024-01-05"),
        "{masked}"
    );
    let ctx = r#"{"roles":["support-lead"],"purpose":"incident"}"#;
    let reveal = |ctx: &str, stdin: &str| {
        tamis(
            &[
                "reveal",
                "--policy",
                policy,
                "--context",
                ctx,
                "--audit",
                audit_path,
            ],
            stdin,
            &env,
        )
    };
    let out = reveal(ctx, &masked);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim_end(), input);
    // Not allowed: no output at all, exit 1, the reason on stderr.
    for denied in [
        r#"{"roles":["support-lead"]}"#,
        r#"{"roles":["viewer"],"purpose":"incident"}"#,
    ] {
        let out = reveal(denied, &masked);
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty());
        assert!(
            text(&out.stderr).contains("[reveal]"),
            "{}",
            text(&out.stderr)
        );
    }
    // A forged token: the line is refused, naming path, rule and reason, never the token.
    let forged = masked.replacen("\"e:k1:", "\"e:k1:A", 1);
    let out = reveal(ctx, &format!("{forged}not json\n"));
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        r#"{"tamis_reveal_refused":{"line":1,"path":"user.email","rule":"enc","reason":"not_verified"}}"#
    );
    assert_eq!(
        lines[1],
        r#"{"tamis_quarantined":{"line":2,"reason":"invalid_json"}}"#
    );
    assert!(!text(&out.stderr).contains("e:k1"), "{}", text(&out.stderr));
    // Without the old key the policy does not start (a missing key is an error before input).
    let out = tamis(
        &["reveal", "--policy", policy, "--context", ctx],
        &masked,
        &env[..1],
    );
    assert_eq!(out.status.code(), Some(1));
    // The audit trail: one apply, two denials and two reveals that ran.
    let events: Vec<serde_json::Value> = std::fs::read_to_string(&audit)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 5, "{events:?}");
    assert_eq!(events[0]["event"], "apply");
    assert_eq!(events[0]["time"], "2026-12-07T00:00:00.000Z");
    assert_eq!(events[0]["rules"]["dates"], 2);
    assert_eq!(events[1]["event"], "reveal");
    assert_eq!(events[1]["reveals"]["total"], 5);
    assert_eq!(events[1]["context"]["purpose"], "incident");
    assert_eq!(events[2]["event"], "reveal_denied");
    assert_eq!(events[3]["context"]["roles"], serde_json::json!(["viewer"]));
    assert_eq!(events[4]["records"]["refused"], 1);
    let all = std::fs::read_to_string(&audit).unwrap();
    for secret in ["jane", "P-7", "4111", "2024-0", "e:k"] {
        assert!(!all.contains(secret), "{secret} in the audit trail");
    }
}

/// `tamis check` warns where an `fpe` or `shift_date` rule (not idempotent) selects a value that
/// a detector rule also scans; the policy is still valid.
#[test]
fn check_warns_about_non_idempotent_rules_under_detectors() {
    let policy = temp("keyed-check.toml", KEYED_POLICY);
    let out = tamis(&["check", "--policy", policy.to_str().unwrap()], "", &[]);
    assert!(out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "warning[idempotence]: `fpe` is not idempotent, and rule `cards` also scans `card`"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("(in `dates`)"), "{stderr}");
    let fixed = KEYED_POLICY.replace(
        "detect = [\"credit_card\"]",
        "detect = [\"credit_card\"]\nexcept = [\"card\", \"visits.*\"]",
    );
    let policy = temp("keyed-check-fixed.toml", &fixed);
    let out = tamis(&["check", "--policy", policy.to_str().unwrap()], "", &[]);
    assert!(out.status.success());
    assert!(
        !text(&out.stderr).contains("warning"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn detectors_lists_the_catalog_by_group_and_never_a_value() {
    let out = tamis(&["detectors"], "", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    for name in [
        "email",
        "openai_api_key",
        "uk_nino",
        "bitcoin_address",
        "de_vat_number",
    ] {
        assert!(table.contains(name), "{name}");
    }
    let out = tamis(&["detectors", "--group", "crypto", "--json"], "", &[]);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() >= 10);
    assert!(
        lines
            .iter()
            .all(|t| t["group"] == "crypto" && t["example"].is_string() && t["source"].is_string())
    );
    let out = tamis(&["detectors", "--group", "secret"], "", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("groups are secrets, national_id"));
}
