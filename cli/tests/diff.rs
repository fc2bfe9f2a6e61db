//! `tamis diff`: each kind of change in both directions, the shipped policies against a weakened
//! copy of each, `--sample` counts (never values), the JSON and JUnit forms, and exit codes
//! (0 nothing weaker, 4 something weaker).

#![expect(clippy::unwrap_used, reason = "test code")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn temp(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tamis-diff-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn diff(old: &Path, new: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tamis"))
        .arg("diff")
        .arg(old)
        .arg(new)
        .args(extra)
        .current_dir(root())
        .env("TAMIS_HASH_KEY", "diff-test-key")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const BASE: &str = r#"
version = 1
name = "p"

[[rule]]
id = "secrets"
keys = ["password", "token"]
action = "redact"

[[rule]]
id = "pii"
detect = ["email", "credit_card"]
action = "replace"

[[rule]]
id = "cards"
paths = ["card"]
action = "partial"
keep_last = 4

[[allow]]
values = ["support@acme.example"]

[[retention]]
id = "r"
paths = ["$"]
max_age = "30d"
timestamp = "ts"

[[summarize]]
id = "s"
paths = ["latencies"]
k_anonymity = 5

[access]
type_path = "type"
default = "allow"
[[access.grant]]
types = ["audit"]
roles_any = ["admin"]
"#;

/// `(what the change does, the edit, the class it must be reported as)`; each edit is also
/// checked the other way round (old and new swapped), where it must be the opposite class.
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "rule removed",
        "[[rule]]\nid = \"cards\"\npaths = [\"card\"]\naction = \"partial\"\nkeep_last = 4\n",
        "",
        "weaker",
    ),
    (
        "action weakened",
        "keys = [\"password\", \"token\"]\naction = \"redact\"",
        "keys = [\"password\", \"token\"]\naction = \"partial\"",
        "weaker",
    ),
    (
        "key glob removed",
        "keys = [\"password\", \"token\"]",
        "keys = [\"password\"]",
        "weaker",
    ),
    (
        "detector removed",
        "detect = [\"email\", \"credit_card\"]",
        "detect = [\"email\"]",
        "weaker",
    ),
    (
        "path removed",
        "paths = [\"card\"]\naction = \"partial\"",
        "paths = [\"card\", \"iban\"]\naction = \"partial\"",
        "stronger",
    ),
    (
        "partial keeps more",
        "keep_last = 4",
        "keep_last = 8",
        "weaker",
    ),
    (
        "scope added",
        "detect = [\"email\", \"credit_card\"]",
        "detect = [\"email\", \"credit_card\"]\nscope = [\"input\"]",
        "weaker",
    ),
    (
        "except added",
        "detect = [\"email\", \"credit_card\"]",
        "detect = [\"email\", \"credit_card\"]\nexcept = [\"meta\"]",
        "weaker",
    ),
    (
        "when narrows",
        "detect = [\"email\", \"credit_card\"]",
        "detect = [\"email\", \"credit_card\"]\nwhen = { roles_none = [\"admin\"] }",
        "weaker",
    ),
    (
        "allow grown",
        "values = [\"support@acme.example\"]",
        "values = [\"support@acme.example\", \"ops@acme.example\"]",
        "weaker",
    ),
    (
        "retention longer",
        "max_age = \"30d\"",
        "max_age = \"90d\"",
        "weaker",
    ),
    (
        "missing times kept",
        "timestamp = \"ts\"\n",
        "timestamp = \"ts\"\non_missing_timestamp = \"keep\"\n",
        "weaker",
    ),
    ("k smaller", "k_anonymity = 5", "k_anonymity = 2", "weaker"),
    (
        "grant widened",
        "roles_any = [\"admin\"]",
        "roles_any = [\"admin\", \"support\"]",
        "weaker",
    ),
    (
        "access default",
        "default = \"allow\"",
        "default = \"deny\"",
        "stronger",
    ),
    (
        "grant on a type every role saw",
        "types = [\"audit\"]",
        "types = [\"audit\", \"billing\"]",
        "stronger",
    ),
];

fn opposite(class: &str) -> &str {
    if class == "weaker" {
        "stronger"
    } else {
        "weaker"
    }
}

#[test]
fn each_kind_of_change_in_both_directions() {
    let base = temp("base.toml", BASE);
    assert_eq!(
        diff(&base, &base, &[]).status.code(),
        Some(0),
        "a policy against itself"
    );
    for (i, (what, from, to, class)) in CASES.iter().enumerate() {
        assert!(BASE.contains(from), "{what}: the edit does not apply");
        let changed = temp(&format!("changed{i}.toml"), &BASE.replacen(from, to, 1));
        for (old, new, want) in [
            (&base, &changed, *class),
            (&changed, &base, opposite(class)),
        ] {
            let out = diff(old, new, &["--format", "json"]);
            let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let classes: Vec<&str> = report["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["class"].as_str().unwrap())
                .collect();
            assert!(
                classes.contains(&want),
                "{what}: wanted {want}, got {classes:?}"
            );
            let weaker = classes.contains(&"weaker");
            assert_eq!(
                out.status.code(),
                Some(if weaker { 4 } else { 0 }),
                "{what}: exit code ({classes:?})"
            );
        }
    }
}

/// A copy of each shipped policy with one protection taken away is reported weaker (exit 4), with
/// the rule named; the policy against itself is not.
#[test]
fn shipped_policies_against_a_weakened_copy() {
    for entry in std::fs::read_dir(root().join("policies")).unwrap() {
        let path = entry.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(diff(&path, &path, &[]).status.code(), Some(0), "{name}");
        // The weakened copy, in the JSON form: the first rule goes.
        let mut doc: serde_json::Value = toml::from_str(&source).unwrap();
        let rules = doc
            .get_mut("rule")
            .and_then(serde_json::Value::as_array_mut)
            .unwrap();
        let id = rules
            .remove(0)
            .get("id")
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned();
        let weak = temp(&format!("weak-{name}.json"), &doc.to_string());
        let out = diff(&path, &weak, &[]);
        assert_eq!(out.status.code(), Some(4), "{name}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains(&format!("weaker   rule {id}: removed")),
            "{name}: {}",
            text(&out.stdout)
        );
    }
}

#[test]
fn the_sample_counts_values_never_shows_them() {
    let base = temp("sample-base.toml", BASE);
    let weak = temp(
        "sample-weak.toml",
        &BASE.replacen(
            "detect = [\"email\", \"credit_card\"]",
            "detect = [\"credit_card\"]",
            1,
        ),
    );
    let mut lines = String::new();
    for i in 0..10_000 {
        lines.push_str(&format!(
            "{{\"type\":\"trace\",\"ts\":\"2099-01-01T00:00:00Z\",\"user\":\"person{i}@leak.example\",\"note\":\"hello\",\"password\":\"pw{i}\"}}\n"
        ));
    }
    lines.push_str("not json\n");
    let sample = temp("sample.jsonl", &lines);
    let started = std::time::Instant::now();
    let out = diff(
        &base,
        &weak,
        &[
            "--sample",
            sample.to_str().unwrap(),
            "--now",
            "2099-01-02T00:00:00Z",
        ],
    );
    let took = started.elapsed();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(4), "{stdout}");
    assert!(
        stdout.contains("sample: 10000 records, 10000 values less protected"),
        "{stdout}"
    );
    assert!(stdout.contains("1 unreadable lines"), "{stdout}");
    assert!(
        !stdout.contains("leak.example") && !stdout.contains("pw1"),
        "no value is printed"
    );
    // The issue's bound (10,000 records under 5 s) holds for the release build; a debug build
    // under a loaded CI machine gets room.
    assert!(took.as_secs() < 60, "{took:?}");
}

#[test]
fn junit_has_a_failing_case_per_weaker_change() {
    let base = temp("junit-base.toml", BASE);
    let weak = temp(
        "junit-weak.toml",
        &BASE.replacen("max_age = \"30d\"", "max_age = \"90d\"", 1),
    );
    let out = diff(&base, &weak, &["--format", "junit"]);
    let xml = text(&out.stdout);
    assert_eq!(out.status.code(), Some(4));
    assert!(
        xml.starts_with("<?xml")
            && xml.contains("<testsuite name=\"tamis diff\" tests=\"1\" failures=\"1\">"),
        "{xml}"
    );
    assert!(
        xml.contains("<failure message=\"weaker\">retention r: max_age 30d -&gt; 90d</failure>"),
        "{xml}"
    );
}

#[test]
fn an_invalid_policy_is_an_error_not_a_verdict() {
    let base = temp("err-base.toml", BASE);
    let bad = temp(
        "err-bad.toml",
        "version = 1\nname = \"x\"\n[[rule]]\nid = \"r\"\naction = \"explode\"\n",
    );
    let out = diff(&base, &bad, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("err-bad.toml:"));
}

const KEYED_BASE: &str = r#"
version = 1
name = "keyed"

[key.main]
env = "TAMIS_HASH_KEY"
id = "k1"

[reveal]
roles_any = ["support-lead"]

[[rule]]
id = "ids"
paths = ["user.id"]
action = "hash"
key = "main"

[[rule]]
id = "emails"
paths = ["user.email"]
action = "encrypt"
key = "main"

[[rule]]
id = "cards"
paths = ["card"]
action = "fpe"
key = "main"
keep_last = 4

[[rule]]
id = "dates"
paths = ["visits.*"]
action = "shift_date"
key = "main"
entity = "user.id"
max_days = 180
"#;

/// The keyed actions and `[reveal]` in `tamis diff`: one way before reversible, more kept in the
/// clear, a smaller shift, and more who may reveal are weaker; each edit the other way round is
/// stronger.
#[test]
fn keyed_changes_in_both_directions() {
    let base = temp("keyed-base.toml", KEYED_BASE);
    assert_eq!(diff(&base, &base, &[]).status.code(), Some(0));
    for (i, (what, from, to, class)) in [
        (
            "hash to encrypt",
            "action = \"hash\"",
            "action = \"encrypt\"",
            "weaker",
        ),
        (
            "encrypt to fpe",
            "action = \"encrypt\"",
            "action = \"fpe\"",
            "weaker",
        ),
        (
            "fpe keeps more",
            "keep_last = 4",
            "keep_last = 4\nkeep_first = 6",
            "weaker",
        ),
        ("shift smaller", "max_days = 180", "max_days = 7", "weaker"),
        (
            "a role more may reveal",
            "roles_any = [\"support-lead\"]",
            "roles_any = [\"support-lead\", \"dev\"]",
            "weaker",
        ),
        (
            "reveal added",
            "[reveal]\nroles_any = [\"support-lead\"]\n",
            "",
            "stronger",
        ),
    ]
    .iter()
    .enumerate()
    {
        assert!(KEYED_BASE.contains(from), "{what}: the edit does not apply");
        let changed = temp(&format!("keyed{i}.toml"), &KEYED_BASE.replacen(from, to, 1));
        for (old, new, want) in [
            (&base, &changed, *class),
            (&changed, &base, opposite(class)),
        ] {
            let out = diff(old, new, &["--format", "json"]);
            let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let classes: Vec<&str> = report["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["class"].as_str().unwrap())
                .collect();
            assert!(
                classes.contains(&want),
                "{what}: wanted {want}, got {classes:?}"
            );
            assert_eq!(
                out.status.code(),
                Some(if classes.contains(&"weaker") { 4 } else { 0 }),
                "{what}"
            );
        }
    }
}

/// What a plugin's transform writes is its own: a change to `plugin:<id>` and back are both
/// weaker (for review), whatever the other action.
#[test]
fn a_change_to_or_from_a_plugin_transform_is_weaker() {
    let policy = |action: &str| {
        format!(
            "version = 1\nname = \"p\"\n[[rule]]\nid = \"ids\"\npaths = [\"user.id\"]\naction = \"{action}\"\n\
             [[plugin]]\nid = \"tok\"\npath = \"tokenize.wasm\"\n"
        )
    };
    let redact = temp("plugin-redact.toml", &policy("redact"));
    let plugin = temp("plugin-tok.toml", &policy("plugin:tok"));
    for (old, new) in [(&redact, &plugin), (&plugin, &redact)] {
        let out = diff(old, new, &["--format", "json"]);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let classes: Vec<&str> = report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["class"].as_str().unwrap())
            .collect();
        assert_eq!(
            classes,
            ["weaker"],
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(4));
    }
}
