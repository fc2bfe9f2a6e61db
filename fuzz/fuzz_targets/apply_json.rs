//! Arbitrary JSON Lines text under each of a set of policies (selected by the first byte):
//! never a panic, always exactly one line of valid JSON or nothing (a dropped record), and the
//! canary value under a masked key never survives.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tamis_core::{Context, Disposition, Policy};

const POLICIES: [&str; 4] = [
    "version = 1\nname = \"a\"\n[[rule]]\nid = \"s\"\nkeys = [\"*secret*\", \"password\"]\naction = \"redact\"\n[[rule]]\nid = \"d\"\ndetect = [\"email\", \"credit_card\", \"phone\", \"us_ssn\", \"iban\", \"ip\", \"jwt\", \"aws_key\", \"bearer_token\", \"url_credentials\"]\naction = \"replace\"\n",
    "version = 1\nname = \"b\"\n[limits]\nmax_depth = 4\nmax_string_bytes = 64\nmax_record_bytes = 512\n[[rule]]\nid = \"p\"\npaths = [\"a.b\", \"**.c\", \"x.*.y\"]\naction = \"partial\"\n[[rule]]\nid = \"n\"\nkeys = [\"n*\"]\naction = \"nullify\"\n",
    "version = 1\nname = \"c\"\n[[rule]]\nid = \"g\"\npaths = [\"**\"]\naction = \"generalize\"\n[[summarize]]\nid = \"s\"\npaths = [\"**\"]\nmin_items = 3\nk_anonymity = 2\n",
    "version = 1\nname = \"d\"\n[access]\ntype_path = \"type\"\ndefault = \"deny\"\n[[access.grant]]\ntypes = [\"t\"]\nroles_any = [\"r\"]\n[[retention]]\nid = \"r\"\npaths = [\"$\"]\nmax_age = \"1d\"\ntimestamp = \"ts\"\n[[rule]]\nid = \"h\"\nkeys = [\"secret\"]\naction = \"replace\"\n",
];

fn policies() -> &'static Vec<Policy> {
    static P: OnceLock<Vec<Policy>> = OnceLock::new();
    P.get_or_init(|| {
        POLICIES
            .iter()
            .map(|t| Policy::from_toml(t).unwrap())
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(line) = std::str::from_utf8(rest) else {
        return;
    };
    let policy = &policies()[usize::from(which) % POLICIES.len()];
    let ctx = Context {
        roles: vec!["r".into()],
        now: Some(1_700_000_000_000),
        ..Context::default()
    };
    let mut out = Vec::new();
    let d = policy.run(ctx).json_line(line, 1, &mut out);
    if matches!(d, Disposition::Dropped(_)) {
        return;
    }
    let text = std::str::from_utf8(&out).expect("output is UTF-8");
    let v: serde_json::Value = serde_json::from_str(text).expect("output is one JSON value");
    // Under policy 0 and 3, a key named `secret` never keeps its value.
    if usize::from(which) % POLICIES.len() == 0 || usize::from(which) % POLICIES.len() == 3 {
        fn check(v: &serde_json::Value) {
            match v {
                serde_json::Value::Object(m) => {
                    for (k, x) in m {
                        if k == "secret" {
                            assert!(
                                x.as_str().is_some_and(|s| s.starts_with('[')),
                                "a secret survived"
                            );
                        }
                        check(x);
                    }
                }
                serde_json::Value::Array(a) => a.iter().for_each(check),
                _ => {}
            }
        }
        check(&v);
    }
});
