//! The conformance vectors through the plugin host: each vector's policy with a plugin that
//! keeps every record, applied by `Pipeline` as `tamis apply` does. Output must be byte-identical
//! to what the vector expects (text vectors are not JSON Lines and do not apply here).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout,
    reason = "test code"
)]

use serde_json::Value;
use tamis_conformance::{Outcome, Vector, context, expected, load_all, vectors_dir};
use tamis_core::{Policy, Scratch, Tally};
use tamis_host::testing::{Guest, component};
use tamis_host::{Line, Pipeline};

/// The vector's policy with a keeping plugin appended, compiled; `Err` is the error code.
fn with_plugin(v: &Vector, plugin: &std::path::Path) -> Result<Policy, String> {
    let spec = format!("id = \"keep\"\npath = \"{}\"", plugin.display());
    let policy = match &v.policy {
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
    let mut sx = Scratch::new(pipeline.policy());
    let mut tally = Tally::new(pipeline.policy(), false);
    let mut out = Vec::new();
    pipeline
        .apply_lines(
            &[(1, Line::Text(&line))],
            &ctx,
            &mut sx,
            &mut tally,
            &mut out,
            &mut |_| {},
        )
        .unwrap();
    let records = tally.report(pipeline.policy()).records;
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

#[test]
fn conformance_vectors_through_the_plugin_host() {
    let dir = std::env::temp_dir().join(format!("tamis-host-vectors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let plugin = dir.join("keep.wasm");
    std::fs::write(&plugin, component(&Guest::default())).unwrap();
    let vectors = load_all(&vectors_dir()).unwrap();
    let (mut ran, mut failures) = (0, Vec::new());
    for (file, v) in &vectors {
        if v.format.as_deref() == Some("text") {
            continue;
        }
        ran += 1;
        let want = expected(v).unwrap();
        let got = run(v, &plugin);
        if got != want {
            failures.push(format!(
                "{file}/{}\n   want {}\n    got {}",
                v.name, want.0, got.0
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "{ran} vectors through the plugin host, {} failures",
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
