//! Arbitrary text under policies of path rules only (selected by the first byte): the JSON text
//! path, which applies such policies in one pass where it can, writes exactly what the tree path
//! (parse, walk every member, write) writes, and counts exactly what it counts; and
//! `json::check` accepts exactly the texts the parser accepts, with the same measure.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tamis_core::json::Doc;
use tamis_core::{Context, Disposition, Policy, Quarantine};

const POLICIES: [&str; 3] = [
    "version = 1\nname = \"a\"\n[key.k]\nenv = \"K\"\nid = \"k1\"\n[[rule]]\nid = \"r\"\npaths = [\"a\", \"b.c\"]\naction = \"replace\"\nreplacement = \"<{type} \\\"x\\\">\"\n[[rule]]\nid = \"d\"\npaths = [\"**.d\"]\naction = \"redact\"\n[[rule]]\nid = \"n\"\npaths = [\"*.n\"]\naction = \"nullify\"\n[[rule]]\nid = \"h\"\npaths = [\"h\", \"x.*.h\"]\naction = \"hash\"\nkey = \"k\"\n",
    "version = 1\nname = \"b\"\n[limits]\nmax_depth = 3\nmax_string_bytes = 40\nmax_record_bytes = 200\n[[rule]]\nid = \"p\"\npaths = [\"a\", \"**.c\"]\naction = \"partial\"\n[[rule]]\nid = \"g\"\npaths = [\"g\", \"*.g\"]\naction = \"generalize\"\n",
    "version = 1\nname = \"c\"\n[limits]\nmax_depth = 128\n[[rule]]\nid = \"r\"\npaths = [\"**.a\"]\naction = \"replace\"\n",
];

fn policies() -> &'static Vec<Policy> {
    static P: OnceLock<Vec<Policy>> = OnceLock::new();
    P.get_or_init(|| {
        POLICIES
            .iter()
            .map(|t| {
                let p = Policy::from_toml(t).unwrap();
                if t.contains("[key.k]") {
                    p.with_key("k", b"fuzz-key").unwrap()
                } else {
                    p
                }
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let policy = &policies()[usize::from(which) % POLICIES.len()];
    // The text path quarantines a text this long without reading it (the tree path here would).
    if text.len() as u64 > policy.limits().max_record_bytes.saturating_mul(8) {
        return;
    }
    let ctx = Context::default();
    assert_eq!(
        tamis_core::json::check(text),
        Doc::parse_measured(text).ok().map(|(_, m)| m),
        "check and the parser disagree"
    );

    let mut tree_run = policy.run(ctx.clone());
    let mut expected = Vec::new();
    let expected_d = match Doc::parse(text) {
        Ok(mut doc) => {
            let d = tree_run.tree(&mut doc);
            if d == Disposition::Kept {
                doc.write(&mut expected).unwrap();
            }
            d
        }
        Err(_) => {
            tree_run.tally_mut().count_quarantined_input();
            Disposition::Quarantined(Quarantine::InvalidJson)
        }
    };

    let mut run = policy.run(ctx);
    let mut out = Vec::new();
    let d = run.json_doc(text, &mut out);
    assert_eq!(d, expected_d);
    if d == Disposition::Kept {
        assert!(out == expected, "the two paths wrote different bytes");
    }
    assert!(
        serde_json::to_value(run.report()).unwrap()
            == serde_json::to_value(tree_run.report()).unwrap(),
        "the two paths counted differently"
    );
});
