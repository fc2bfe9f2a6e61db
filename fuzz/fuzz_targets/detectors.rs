//! Every detector (the built-in scanners and every group of the catalog) on arbitrary text:
//! never a panic; masking is idempotent (a second pass finds nothing new), and output never
//! grows without bound.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tamis_core::{Context, Policy};

fn policy() -> &'static Policy {
    static P: OnceLock<Policy> = OnceLock::new();
    P.get_or_init(|| {
        let all = tamis_core::BUILTIN_DETECTORS
            .iter()
            .copied()
            .chain(tamis_core::detector_groups())
            .map(|d| format!("\"{d}\""))
            .collect::<Vec<_>>()
            .join(", ");
        Policy::from_toml(&format!(
            "version = 1\nname = \"f\"\n[[rule]]\nid = \"d\"\ndetect = [{all}]\naction = \"replace\"\n"
        ))
        .unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ctx = Context::default();
    let once = policy().mask_text(text, &ctx);
    let twice = policy().mask_text(&once, &ctx);
    assert_eq!(once, twice, "masking is not idempotent");
    assert!(once.len() <= text.len() * 16 + 64);
});
