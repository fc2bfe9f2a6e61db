//! Linear time on large inputs: the fuzzer's input is a unit of text that is repeated to up to
//! 512 KiB and masked by every detector and a custom pattern. A scan or rewrite that is not
//! linear in the text takes seconds here, which `scripts/fuzz.sh` runs with `-timeout=5`: the
//! input is then reported as a timeout (a finding). Masking stays idempotent.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tamis_core::{Context, Policy};

fn policy() -> &'static Policy {
    static P: OnceLock<Policy> = OnceLock::new();
    P.get_or_init(|| {
        let all = tamis_core::BUILTIN_DETECTORS
            .iter()
            .map(|d| format!("\"{d}\""))
            .collect::<Vec<_>>()
            .join(", ");
        Policy::from_toml(&format!(
            "version = 1\nname = \"f\"\n[limits]\nmax_string_bytes = 1048576\n\
             [key.default]\nenv = \"K\"\nid = \"k1\"\n\
             [[rule]]\nid = \"d\"\ndetect = [{all}]\naction = \"hash\"\nkey = \"default\"\n\
             [[rule]]\nid = \"p\"\npattern = \"ACME-[0-9]{{6}}\"\naction = \"replace\"\n"
        ))
        .unwrap()
        .with_key("default", b"fuzz-key-0123456789abcdef")
        .unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&size, unit)) = data.split_first() else {
        return;
    };
    let Ok(unit) = std::str::from_utf8(unit) else {
        return;
    };
    if unit.is_empty() {
        return;
    }
    let len = (usize::from(size) % 64 + 1) * 8192;
    let mut text = String::with_capacity(len + unit.len());
    while text.len() < len {
        text.push_str(unit);
    }
    let ctx = Context::default();
    let once = policy().mask_text(&text, &ctx);
    let twice = policy().mask_text(&once, &ctx);
    assert_eq!(once, twice, "masking is not idempotent");
});
