//! The conformance vectors through the plugin host: each vector's policy with a plugin that
//! keeps every record, and again with one that replaces every record with its own text (so each
//! record is finished as a replacement), applied by `Pipeline` as `tamis apply` does. Output
//! must be byte-identical to what the vector expects (text vectors are not JSON Lines and do
//! not apply here).

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "test code")]

use serde_json::Value;
use tamis_conformance::{Outcome, Vector, context, expected, load_all, vectors_dir};
use tamis_core::{Policy, PolicyFormat};
use tamis_host::testing::{Guest, component};
use tamis_host::{Line, Pipeline};

/// The vector's policy with a keeping plugin appended, compiled; `Err` is the error code.
fn with_plugin(v: &Vector, plugin: &std::path::Path) -> Result<Policy, String> {
    let spec = format!("id = \"keep\"\npath = \"{}\"", plugin.display());
    // A policy read from a file: in the form its name says, as the CLI reads it.
    let form = v.policy_file.as_deref().map(PolicyFormat::for_file_name);
    let from_file = match (form, &v.policy) {
        (Some(PolicyFormat::Json), Value::String(text)) => {
            Some(serde_json::from_str::<Value>(text).map_err(|_| "error:syntax".to_owned())?)
        }
        _ => None,
    };
    let policy = match from_file.as_ref().unwrap_or(&v.policy) {
        Value::String(toml) => Policy::from_toml(&format!("{toml}\n[[plugin]]\n{spec}\n")),
        Value::Object(doc) => {
            let mut doc = doc.clone();
            doc.insert(
                "plugin".into(),
                serde_json::json!([{"id": "keep", "path": plugin.display().to_string()}]),
            );
            Policy::from_json(&Value::Object(doc).to_string())
        }
        _ => return Err("error:bad-vector".into()),
    };
    let mut policy = policy.map_err(|e| format!("error:{}", e.kind().code()))?;
    for (name, material) in &v.keys {
        policy = policy
            .with_key(name, material.as_bytes())
            .map_err(|e| format!("error:{}", e.kind().code()))?;
    }
    Ok(policy)
}

fn run(v: &Vector, plugin: &std::path::Path) -> Outcome {
    let policy = match with_plugin(v, plugin) {
        Ok(p) => p,
        Err(code) => return Outcome(code),
    };
    let ctx = context(v).unwrap();
    let line = match (v.format.as_deref(), &v.input) {
        (Some("line"), Value::String(s)) => s.clone(),
        (_, value) => value.to_string(),
    };
    let pipeline = Pipeline::new(policy, std::path::Path::new("/")).unwrap();
    let mut run = pipeline.policy().run(ctx);
    let mut out = Vec::new();
    pipeline
        .apply_lines(&[(1, Line::Text(&line))], &mut run, &mut out, &mut |_| {})
        .unwrap();
    let records = run.report().records;
    if out.is_empty() {
        let reason = if records.dropped_access == 1 {
            "access"
        } else if records.dropped_retention == 1 {
            "retention"
        } else {
            "nothing written and nothing counted"
        };
        return Outcome(format!("{{\"tamis_dropped\":{{\"reason\":\"{reason}\"}}}}"));
    }
    let text = String::from_utf8(out).unwrap();
    let text = text.strip_suffix('\n').unwrap_or(&text);
    let value: Value = serde_json::from_str(text).unwrap();
    // Line-path markers name the line; the object form has none.
    if let Some(q) = value["tamis_quarantined"]["reason"].as_str()
        && v.format.as_deref() != Some("line")
    {
        return Outcome(format!("{{\"tamis_quarantined\":{{\"reason\":\"{q}\"}}}}"));
    }
    Outcome(text.to_owned())
}

/// A plugin that replaces each record with its own text: one `replace` verdict per line of
/// the batch, pointing at the line in the batch.
fn echoing() -> Guest<'static> {
    Guest {
        fields: ECHO,
        filter_body: "(call $ok_list (call $echo (local.get 2) (local.get 3)) (call $records (local.get 2) (local.get 3)))",
        ..Guest::default()
    }
}

const ECHO: &str = "(func $echo (param $p i32) (param $n i32) (result i32)
      (local $v i32) (local $i i32) (local $start i32) (local $e i32)
      (local.set $v (call $alloc (i32.mul (call $records (local.get $p) (local.get $n)) (i32.const 12))))
      (local.set $e (local.get $v))
      (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.eq (i32.load8_u (i32.add (local.get $p) (local.get $i))) (i32.const 10))
          (then
            (i32.store8 (local.get $e) (i32.const 2))
            (i32.store (i32.add (local.get $e) (i32.const 4)) (i32.add (local.get $p) (local.get $start)))
            (i32.store (i32.add (local.get $e) (i32.const 8)) (i32.sub (local.get $i) (local.get $start)))
            (local.set $e (i32.add (local.get $e) (i32.const 12)))
            (local.set $start (i32.add (local.get $i) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (local.get $v))";

#[test]
fn conformance_vectors_through_the_plugin_host() {
    let dir = std::env::temp_dir().join(format!("tamis-host-vectors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let keep = dir.join("keep.wasm");
    std::fs::write(&keep, component(&Guest::default())).unwrap();
    let echo = dir.join("echo.wasm");
    std::fs::write(&echo, component(&echoing())).unwrap();
    let vectors = load_all(&vectors_dir()).unwrap();
    let (mut ran, mut failures) = (0, Vec::new());
    for (file, v) in &vectors {
        // Free text and `reveal` do not pass through plugins: the host has no path for them.
        if matches!(v.format.as_deref(), Some("text" | "reveal")) {
            continue;
        }
        ran += 1;
        let want = expected(v).unwrap();
        for (name, plugin) in [("keep", &keep), ("echo", &echo)] {
            let got = run(v, plugin);
            if got != want {
                failures.push(format!(
                    "{file}/{} ({name})\n   want {}\n    got {}",
                    v.name, want.0, got.0
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "{ran} vectors through the plugin host, each with both plugins, {} failures",
        failures.len()
    );
    assert!(ran >= 250, "only {ran} vectors ran");
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
