//! Detectors of the caller's own (`ext:<name>`): bound when the policy is loaded, an error when
//! not, called line by line, and failing closed (the whole text, counted) when they fail.

#![expect(clippy::unwrap_used, reason = "test code")]

use std::sync::{Arc, Mutex};

use serde_json::json;
use tamis_core::{Context, ExtDetect, Policy};

const POLICY: &str = "version = 1\nname = \"ext\"\n[[rule]]\nid = \"p\"\n\
                      detect = [\"ext:person\", \"email\"]\naction = \"replace\"\nreplacement = \"[{type}]\"\n";

/// Finds `John Smith`; remembers the lines it was given; fails on a line with `FAIL`.
#[derive(Default)]
struct People(Mutex<Vec<String>>);

impl ExtDetect for People {
    fn binds(&self, name: &str) -> bool {
        name == "person"
    }

    fn detect(&self, _: &str, line: &str, out: &mut Vec<(usize, usize)>) -> bool {
        self.0.lock().unwrap().push(line.to_owned());
        if line.contains("FAIL") {
            return false;
        }
        if line.contains("BAD") {
            out.push((0, line.len() + 1));
        }
        out.extend(
            line.match_indices("John Smith")
                .map(|(i, m)| (i, i + m.len())),
        );
        true
    }
}

#[test]
fn bound_functions_find_line_by_line() {
    let people = Arc::new(People::default());
    let p = Policy::from_toml(POLICY)
        .unwrap()
        .with_detectors(people.clone())
        .unwrap();
    let ctx = Context::default();
    assert_eq!(
        p.mask_text("I am John Smith\nmail john@example.com, John Smith", &ctx),
        "I am [person]\nmail [email], [person]"
    );
    assert!(
        people
            .0
            .lock()
            .unwrap()
            .contains(&"I am John Smith".to_owned())
    );
    let mut v = json!({"who": "John Smith", "John Smith": 1});
    p.apply(&mut v, &ctx);
    assert_eq!(v, json!({"who": "[person]", "[person:1]": 1}));
    // A stream gives what the whole gives.
    let text = "a John Smith b\nc John Smith\n";
    let mut s = p.text_stream(&ctx);
    let mut out = String::new();
    for piece in text.as_bytes().chunks(2) {
        s.push_bytes(piece, &mut out);
    }
    s.finish(&mut out);
    assert_eq!(out, p.mask_text(text, &ctx));
}

#[test]
fn failures_mask_the_whole_text_and_are_counted() {
    let p = Policy::from_toml(POLICY)
        .unwrap()
        .with_detectors(Arc::new(People::default()))
        .unwrap();
    let ctx = Context::default();
    // The line the function failed on is one finding whole; the others are as it found them.
    for (text, want) in [
        (
            "ok line John Smith\nFAIL here",
            "ok line [person]\n[person]",
        ),
        ("BAD span", "[person]"),
    ] {
        let mut v = json!({"t": text});
        let report = p.apply(&mut v, &ctx);
        assert_eq!(v, json!({"t": want}));
        assert!(report.failures.get("detector").copied().unwrap_or(0) >= 1);
    }
}

#[test]
fn unbound_names_are_errors_where_the_policy_is_loaded() {
    let p = Policy::from_toml(POLICY).unwrap();
    assert_eq!(p.ext_detectors(), ["person"]);
    let err = p.require_detectors_bound().unwrap_err();
    assert!(err.to_string().contains("ext:person"), "{err}");
    struct Nobody;
    impl ExtDetect for Nobody {
        fn binds(&self, _: &str) -> bool {
            false
        }
        fn detect(&self, _: &str, _: &str, _: &mut Vec<(usize, usize)>) -> bool {
            true
        }
    }
    assert!(
        Policy::from_toml(POLICY)
            .unwrap()
            .with_detectors(Arc::new(Nobody))
            .is_err()
    );
    // Applied unbound anyway (a front end that skipped the check): every text is a finding.
    assert_eq!(p.mask_text("hello", &Context::default()), "[person]");
    for bad in ["ext:", "ext:Person", "ext:a-b"] {
        let err = Policy::from_toml(&POLICY.replace("ext:person", bad)).unwrap_err();
        assert_eq!(err.rule_id(), Some("p"), "{err}");
    }
}
