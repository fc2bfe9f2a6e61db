//! Runs every conformance vector through both core paths and checks byte-identical output.

use tamis_conformance::{expected, load_all, run_line, run_object, vectors_dir};

#[test]
fn conformance_vectors() {
    let vectors = load_all(&vectors_dir()).expect("vectors load");
    assert!(vectors.len() >= 60, "only {} vectors", vectors.len());
    let mut names = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    for (file, v) in &vectors {
        assert!(
            names.insert(v.name.clone()),
            "duplicate vector name `{}`",
            v.name
        );
        let want = expected(v).expect("vector well formed");
        for (path, got) in [("object", run_object(v)), ("line", run_line(v))] {
            let got = got.expect("vector runs");
            if got != want {
                failures.push(format!(
                    "{file}/{} [{path}]\n   want {}\n    got {}",
                    v.name, want.0, got.0
                ));
            }
        }
    }
    println!(
        "{} vectors, {} paths each, {} failures",
        vectors.len(),
        2,
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
