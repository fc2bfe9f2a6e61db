//! `tamis plugin check` and `tamis apply` with `[[plugin]]`: the plugin runs after access and
//! retention and before the policy's own rules, fails closed by `on_error`, and is counted.

#![expect(clippy::unwrap_used, reason = "test code")]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use tamis_host::testing::{DETECT_FIRST4, Guest, component};

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("tamis-plugin-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn tamis(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tamis"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A policy file next to the plugin, with an email detector as its own rule.
fn policy(name: &str, plugin: &Guest<'_>, extra: &str) -> PathBuf {
    let wasm = format!("{name}.wasm");
    write(&wasm, &component(plugin));
    let toml = format!(
        "version = 1\nname = \"p\"\n[[rule]]\nid = \"emails\"\ndetect = [\"email\"]\naction = \"replace\"\n\
         [[plugin]]\nid = \"{name}\"\npath = \"{wasm}\"\n{extra}\n"
    );
    write(&format!("{name}.toml"), toml.as_bytes())
}

fn apply(policy: &std::path::Path, input: &str) -> (Output, serde_json::Value) {
    let report = dir().join(format!(
        "{}.report.json",
        policy.file_stem().unwrap().to_string_lossy()
    ));
    let out = tamis(
        &[
            "apply",
            "--policy",
            policy.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
        input,
    );
    let report = std::fs::read_to_string(&report)
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap_or(serde_json::Value::Null);
    (out, report)
}

const INPUT: &str = "{\"a\":\"x@example.com\"}\nnot json\n{\"b\":2}\n";

#[test]
fn plugin_check_prints_what_a_plugin_exports() {
    let file = write("check.wasm", &component(&Guest::default()));
    let out = tamis(&["plugin", "check", file.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["name"], "hostile");
    assert_eq!(v["version"], "0.1.0");
    let exports = v["exports"].to_string();
    assert!(
        exports.contains("\"filter\"") && exports.contains("\"info\""),
        "{exports}"
    );
    assert_eq!(v["detect"], false);
    let wasi = write(
        "wasi.wasm",
        &component(&Guest {
            component_imports: r#"(import "wasi:filesystem/preopens@0.2.0" (instance))"#,
            ..Guest::default()
        }),
    );
    let out = tamis(&["plugin", "check", wasi.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("wasi:filesystem/preopens@0.2.0"));
}

#[test]
fn a_keeping_plugin_leaves_records_to_the_rules() {
    let p = policy("keep", &Guest::default(), "");
    let (out, report) = apply(&p, INPUT);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "{\"a\":\"[REDACTED]\"}\n{\"tamis_quarantined\":{\"line\":2,\"reason\":\"invalid_json\"}}\n{\"b\":2}\n"
    );
    assert_eq!(report["plugins"]["keep"]["batches"], 1);
    assert_eq!(report["records"]["in"], 3);
    assert_eq!(report["records"]["out"], 2);
}

#[test]
fn plugins_run_where_the_instance_pool_cannot_be_reserved() {
    // Under a 16 GB address-space cap the pool (64 memory slots of 4 GiB) cannot be reserved:
    // instances are then allocated one by one, with the same results.
    let p = policy("unpooled", &Guest::default(), "");
    let mut child = Command::new("sh")
        .args([
            "-c",
            &format!(
                "ulimit -v 16000000 && exec {} apply --policy {}",
                env!("CARGO_BIN_EXE_tamis"),
                p.to_str().unwrap()
            ),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(INPUT.as_bytes());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), text(&apply(&p, INPUT).0.stdout));
    assert!(text(&out.stdout).starts_with("{\"a\":\"[REDACTED]\"}\n"));
}

#[test]
fn a_dropping_plugin_drops_and_is_counted() {
    let body = "(call $ok_list (call $verdicts (call $records (local.get 2) (local.get 3)) (i32.const 1)) (call $records (local.get 2) (local.get 3)))";
    let p = policy(
        "dropper",
        &Guest {
            filter_body: body,
            ..Guest::default()
        },
        "",
    );
    let (out, report) = apply(&p, INPUT);
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout),
        "{\"tamis_quarantined\":{\"line\":2,\"reason\":\"invalid_json\"}}\n"
    );
    assert_eq!(report["records"]["dropped_plugin"], 2);
    assert_eq!(report["plugins"]["dropper"]["dropped"], 2);
}

#[test]
fn a_plugin_cannot_unmask_the_policy_still_masks_its_output() {
    // Replaces every record by one that carries an email: the policy's rule runs after it.
    let fields = r#"(data (i32.const 256) "{\"leak\":\"y@example.com\"}")"#;
    let n = r#"{"leak":"y@example.com"}"#.len();
    let body = format!(
        "(call $ok_list (call $replace_all (call $records (local.get 2) (local.get 3)) (i32.const 256) (i32.const {n})) (call $records (local.get 2) (local.get 3)))"
    );
    let p = policy(
        "echo",
        &Guest {
            fields,
            filter_body: &body,
            ..Guest::default()
        },
        "",
    );
    let (out, report) = apply(&p, "{\"a\":1}\n{\"b\":2}\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "{\"leak\":\"[REDACTED]\"}\n{\"leak\":\"[REDACTED]\"}\n"
    );
    assert_eq!(report["plugins"]["echo"]["replaced"], 2);
}

/// A plugin that replaces every record by `json` (written into its data segment).
fn replacing(json: &str) -> (String, String) {
    let escaped = json.replace('\\', "\\\\").replace('"', "\\\"");
    let fields = format!(r#"(data (i32.const 256) "{escaped}")"#);
    let body = format!(
        "(call $ok_list (call $replace_all (call $records (local.get 2) (local.get 3)) (i32.const 256) (i32.const {})) (call $records (local.get 2) (local.get 3)))",
        json.len()
    );
    (fields, body)
}

#[test]
fn a_replacement_that_is_not_json_fails_the_batch() {
    let (fields, body) = replacing(r#"{"a":"#);
    let guest = Guest {
        fields: &fields,
        filter_body: &body,
        ..Guest::default()
    };
    let p = policy("broken-drop", &guest, "");
    let (out, report) = apply(&p, INPUT);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "{\"tamis_quarantined\":{\"line\":2,\"reason\":\"invalid_json\"}}\n"
    );
    assert_eq!(report["plugins"]["broken-drop"]["invalid_output"], 1);
    assert_eq!(report["records"]["dropped_plugin"], 2);

    let p = policy("broken-mask", &guest, "on_error = \"mask\"");
    let (out, _) = apply(&p, INPUT);
    assert_eq!(
        text(&out.stdout),
        "{\"a\":\"[tamis:plugin_error]\"}\n{\"tamis_quarantined\":{\"line\":2,\"reason\":\"invalid_json\"}}\n{\"b\":\"[tamis:plugin_error]\"}\n"
    );
}

#[test]
fn a_later_invalid_replacement_fails_the_batch_after_an_earlier_one_was_finished() {
    // The first record's replacement is JSON and is finished (written and counted) before the
    // second's is found not to be: the whole batch fails, and nothing of the first may remain.
    let body = "(local.set 0 (call $replace_all (call $records (local.get 2) (local.get 3)) (i32.const 256) (i32.const 7))) \
                (i32.store (i32.add (local.get 0) (i32.const 16)) (i32.const 512)) \
                (i32.store (i32.add (local.get 0) (i32.const 20)) (i32.const 5)) \
                (call $ok_list (local.get 0) (call $records (local.get 2) (local.get 3)))";
    let guest = Guest {
        fields: r#"(data (i32.const 256) "{\"a\":1}") (data (i32.const 512) "{\"a\":")"#,
        filter_body: body,
        ..Guest::default()
    };
    let wasm = "late-broken.wasm";
    write(wasm, &component(&guest));
    // A path rule (the one-pass finish) and a detector (the tree), each with both `on_error`s;
    // and a path rule with hits counted per path (which checks every replacement first).
    let rules = [
        ("paths = [\"a\"]", ""),
        ("detect = [\"email\"]", ""),
        ("paths = [\"a\"]", "[report]\npaths = true\n"),
    ];
    for (rule, report) in rules {
        for on_error in ["drop", "mask"] {
            let toml = format!(
                "version = 1\nname = \"p\"\n[[rule]]\nid = \"r\"\n{rule}\naction = \"replace\"\n\
                 [[plugin]]\nid = \"late\"\npath = \"{wasm}\"\non_error = \"{on_error}\"\n{report}"
            );
            let p = write("late-broken.toml", toml.as_bytes());
            let (out, report) = apply(&p, INPUT);
            assert!(
                out.status.success(),
                "{rule} {report}{on_error}: {}",
                text(&out.stderr)
            );
            let marker = "{\"tamis_quarantined\":{\"line\":2,\"reason\":\"invalid_json\"}}\n";
            let late = &report["plugins"]["late"];
            assert_eq!(
                late["invalid_output"], 1,
                "{rule} {report}{on_error}: {late}"
            );
            assert_eq!(report["records"]["in"], 3, "{rule} {report}{on_error}");
            assert_eq!(
                report["records"]["quarantined"], 1,
                "{rule} {report}{on_error}"
            );
            if on_error == "drop" {
                assert_eq!(text(&out.stdout), marker, "{rule} {report}");
                assert_eq!(report["records"]["dropped_plugin"], 2, "{rule} {report}");
                assert_eq!(report["records"]["out"], 0, "{rule} {report}");
                assert_eq!(late["replaced"], serde_json::Value::Null, "{rule} {report}");
                assert_eq!(report["rules"]["r"], 0, "{rule} {report}");
            } else {
                assert_eq!(
                    text(&out.stdout),
                    format!(
                        "{{\"a\":\"[tamis:plugin_error]\"}}\n{marker}{{\"b\":\"[tamis:plugin_error]\"}}\n"
                    ),
                    "{rule} {report}"
                );
                assert_eq!(report["records"]["out"], 2, "{rule} {report}");
                // The masked records, counted once (not with the replacement rolled back).
                assert_eq!(late["replaced"], 2, "{rule} {report}");
            }
        }
    }
}

#[test]
fn plugins_run_in_order_and_the_policy_masks_the_last_output() {
    let (fields, body) = replacing(r#"{"leak":"y@example.com","n":1e5}"#);
    write(
        "chain-echo.wasm",
        &component(&Guest {
            fields: &fields,
            filter_body: &body,
            ..Guest::default()
        }),
    );
    write("chain-keep.wasm", &component(&Guest::default()));
    let toml = "version = 1\nname = \"p\"\n[[rule]]\nid = \"emails\"\ndetect = [\"email\"]\naction = \"replace\"\n\
                [[plugin]]\nid = \"echo\"\npath = \"chain-echo.wasm\"\n\
                [[plugin]]\nid = \"keep\"\npath = \"chain-keep.wasm\"\n";
    let p = write("chain.toml", toml.as_bytes());
    let (out, report) = apply(&p, INPUT);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "{\"leak\":\"[REDACTED]\",\"n\":1e+5}\n{\"tamis_quarantined\":{\"line\":2,\"reason\":\"invalid_json\"}}\n{\"leak\":\"[REDACTED]\",\"n\":1e+5}\n"
    );
    assert_eq!(report["plugins"]["echo"]["replaced"], 2);
    assert_eq!(report["plugins"]["keep"]["batches"], 1);
    assert_eq!(report["records"]["in"], 3);
    assert_eq!(report["records"]["out"], 2);
    assert_eq!(report["records"]["quarantined"], 1);
}

#[test]
fn with_path_rules_only_a_replacement_is_masked_alike_in_one_pass_or_as_a_tree() {
    // Compact text takes the one-pass finish; spaced text makes it give up, and the record is
    // parsed into a tree. Both must come out the same, and count the same.
    let toml = |wasm: &str| {
        format!(
            "version = 1\nname = \"p\"\n[[rule]]\nid = \"mail\"\npaths = [\"user.email\"]\naction = \"replace\"\n\
             [[plugin]]\nid = \"swap\"\npath = \"{wasm}\"\n"
        )
    };
    for (name, json) in [
        ("one-pass", r#"{"user":{"email":"y@example.com","n":1e5}}"#),
        (
            "tree",
            r#"{ "user" : { "email" : "y@example.com", "n" : 1E5 } }"#,
        ),
    ] {
        let (fields, body) = replacing(json);
        let wasm = format!("swap-{name}.wasm");
        write(
            &wasm,
            &component(&Guest {
                fields: &fields,
                filter_body: &body,
                ..Guest::default()
            }),
        );
        let p = write(&format!("swap-{name}.toml"), toml(&wasm).as_bytes());
        let (out, report) = apply(&p, INPUT);
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        assert_eq!(
            text(&out.stdout),
            "{\"user\":{\"email\":\"[REDACTED]\",\"n\":1e+5}}\n{\"tamis_quarantined\":{\"line\":2,\"reason\":\"invalid_json\"}}\n{\"user\":{\"email\":\"[REDACTED]\",\"n\":1e+5}}\n",
            "{name}"
        );
        assert_eq!(report["plugins"]["swap"]["replaced"], 2, "{name}");
        assert_eq!(report["rules"]["mail"], 2, "{name}");
        assert_eq!(report["records"]["in"], 3, "{name}");
        assert_eq!(report["records"]["out"], 2, "{name}");
        assert_eq!(report["records"]["quarantined"], 1, "{name}");
    }
}

#[test]
fn on_error_drop_mask_and_fail() {
    let spin = Guest {
        filter_body: "(loop $l (br $l)) (unreachable)",
        ..Guest::default()
    };
    let p = policy("spin-drop", &spin, "timeout_ms = 20");
    let (out, report) = apply(&p, INPUT);
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout),
        "{\"tamis_quarantined\":{\"line\":2,\"reason\":\"invalid_json\"}}\n"
    );
    let outcome = &report["plugins"]["spin-drop"];
    assert!(outcome["fuel"] == 1 || outcome["timeout"] == 1, "{outcome}");
    assert_eq!(report["records"]["dropped_plugin"], 2);

    let p = policy("spin-mask", &spin, "timeout_ms = 20\non_error = \"mask\"");
    let (out, _) = apply(&p, INPUT);
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout),
        "{\"a\":\"[tamis:plugin_error]\"}\n{\"tamis_quarantined\":{\"line\":2,\"reason\":\"invalid_json\"}}\n{\"b\":\"[tamis:plugin_error]\"}\n"
    );

    let p = policy("spin-fail", &spin, "timeout_ms = 20\non_error = \"fail\"");
    let (out, _) = apply(&p, INPUT);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains("spin-fail") && !err.contains("x@example.com"),
        "{err}"
    );
}

#[test]
fn a_plugin_detector_masks_what_it_finds_and_fails_closed() {
    let rule = "[[rule]]\nid = \"ids\"\ndetect = [\"plugin:first4\"]\nscope = [\"a\"]\naction = \"replace\"\nreplacement = \"<{type}>\"";
    let first4 = Guest {
        detect_body: Some(DETECT_FIRST4),
        ..Guest::default()
    };
    let p = policy("first4", &first4, rule);
    let (out, report) = apply(&p, "{\"a\":\"ABCDEF x@example.com\",\"b\":\"ABCDEF\"}\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Within its scope the rule scans the key too, as built-in detectors do.
    assert_eq!(
        text(&out.stdout),
        "{\"[plugin:1]\":\"<plugin>EF [REDACTED]\",\"b\":\"ABCDEF\"}\n"
    );
    assert_eq!(report["detectors"]["plugin:first4"], 2);
    assert_eq!(report["rules"]["ids"], 2);

    let trap = Guest {
        detect_body: Some("(unreachable)"),
        ..Guest::default()
    };
    let p = policy(
        "trap-fail",
        &trap,
        &format!(
            "on_error = \"fail\"\n{}",
            rule.replace("first4", "trap-fail")
        ),
    );
    let (out, _) = apply(&p, "{\"a\":\"x@example.com\"}\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains("trap-fail") && !err.contains("x@example.com"),
        "{err}"
    );
}

#[test]
fn access_and_retention_run_before_the_plugin() {
    // The plugin drops everything it sees; records that access drops first are counted as
    // dropped by access, not by the plugin.
    let body = "(call $ok_list (call $verdicts (call $records (local.get 2) (local.get 3)) (i32.const 1)) (call $records (local.get 2) (local.get 3)))";
    let p = policy(
        "after-access",
        &Guest {
            filter_body: body,
            ..Guest::default()
        },
        "",
    );
    let toml = std::fs::read_to_string(&p).unwrap()
        + "[access]\ntype_path = \"type\"\ndefault = \"deny\"\n[[access.grant]]\ntypes = [\"ok\"]\nroles_any = [\"r\"]\n";
    std::fs::write(&p, toml).unwrap();
    let report = dir().join("access.report.json");
    let out = tamis(
        &[
            "apply",
            "--policy",
            p.to_str().unwrap(),
            "--context",
            "{\"roles\":[\"r\"]}",
            "--report",
            report.to_str().unwrap(),
        ],
        "{\"type\":\"ok\"}\n{\"type\":\"secret\"}\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(report["records"]["dropped_access"], 1);
    assert_eq!(report["records"]["dropped_plugin"], 1);
}

#[test]
fn a_policy_with_plugins_refuses_formats_it_cannot_filter() {
    let p = policy("fmt", &Guest::default(), "");
    let out = tamis(
        &["apply", "--policy", p.to_str().unwrap(), "--format", "text"],
        "hello\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("JSON Lines"));
}

/// A hostile plugin tries every channel to reveal a value the policy protects (issue 30, item
/// 5): it logs the password spaced out and plainly, fails with it in its error message, and
/// copies it (and a card number the detectors find) into a field no rule covers. Nothing of
/// them comes out; logs are written only with `log = true`, and counted either way.
#[test]
fn no_plugin_channel_reveals_a_protected_value() {
    const SECRET: &str = "hunter2-canary-91c2";
    let spaced = "h u n t e r 2 - c a n a r y - 9 1 c 2";
    let replacement = format!(
        r#"{{"note":"{SECRET}","copy":"HUNTER2 canary 91C2","card":"4111111111111111","ok":"fine"}}"#
    );
    let escaped = replacement.replace('"', "\\\"");
    let fields = format!(
        r#"(data (i32.const 256) "{escaped}") (data (i32.const 1024) "{spaced}") (data (i32.const 1100) "{SECRET}") (data (i32.const 1200) "batch ok")"#
    );
    let logs = format!(
        "(call $log (i32.const 1) (i32.const 1024) (i32.const {})) (call $log (i32.const 1) (i32.const 1100) (i32.const {})) (call $log (i32.const 1) (i32.const 1200) (i32.const 8))",
        spaced.len(),
        SECRET.len()
    );
    let replace = format!(
        "{logs} (call $ok_list (call $replace_all (call $records (local.get 2) (local.get 3)) (i32.const 256) (i32.const {})) (call $records (local.get 2) (local.get 3)))",
        replacement.len()
    );
    // `err(plugin-error { message })`, the message holding the secret.
    let fail = format!(
        "(local $r i32) {logs} (local.set $r (call $alloc (i32.const 12))) (i32.store8 (local.get $r) (i32.const 1)) (i32.store (i32.add (local.get $r) (i32.const 4)) (i32.const 1100)) (i32.store (i32.add (local.get $r) (i32.const 8)) (i32.const {})) (local.get $r)",
        SECRET.len()
    );
    let input = format!(
        "{{\"password\":\"{SECRET}\",\"n\":1}}\n{{\"pay\":\"card 4111 1111 1111 1111\",\"n\":2}}\n"
    );
    for (name, body) in [("copy", &replace), ("fail", &fail)] {
        let wasm = format!("hostile-{name}.wasm");
        write(
            &wasm,
            &component(&Guest {
                fields: &fields,
                filter_body: body,
                log: true,
                ..Guest::default()
            }),
        );
        for log in [false, true] {
            let toml = format!(
                "version = 1\nname = \"p\"\n[[rule]]\nid = \"s\"\nkeys = [\"*password*\"]\naction = \"replace\"\n\
                 [[rule]]\nid = \"c\"\ndetect = [\"credit_card\"]\naction = \"replace\"\n\
                 [[plugin]]\nid = \"h\"\npath = \"{wasm}\"\non_error = \"mask\"\nlog = {log}\n"
            );
            let p = write(&format!("hostile-{name}-{log}.toml"), toml.as_bytes());
            let (out, report) = apply(&p, &input);
            assert!(out.status.success(), "{name} {log}: {}", text(&out.stderr));
            let all = format!("{}{}", text(&out.stdout), text(&out.stderr)).to_lowercase();
            let squashed: String = all.chars().filter(char::is_ascii_alphanumeric).collect();
            assert!(
                !squashed.contains("hunter2canary91c2") && !squashed.contains("4111111111111111"),
                "{name} {log}: {all}"
            );
            let h = &report["plugins"]["h"];
            // Two secret lines (and, failing, the error message) are withheld; the benign line
            // is written only with `log = true`.
            let withheld = h["logs_withheld"].as_u64().unwrap_or(0);
            if log {
                assert!(
                    text(&out.stderr).contains("plugin h: info: batch ok"),
                    "{name}: {}",
                    text(&out.stderr)
                );
                assert_eq!(withheld, if name == "fail" { 3 } else { 2 }, "{name}: {h}");
            } else {
                assert!(
                    !text(&out.stderr).contains("plugin h"),
                    "{name}: {}",
                    text(&out.stderr)
                );
                assert_eq!(withheld, if name == "fail" { 4 } else { 3 }, "{name}: {h}");
            }
            if name == "copy" {
                assert!(h["revealed_masked"].as_u64().unwrap_or(0) >= 2, "{h}");
                assert!(
                    text(&out.stdout).contains("\"ok\":\"fine\""),
                    "{}",
                    text(&out.stdout)
                );
            }
        }
    }
}
