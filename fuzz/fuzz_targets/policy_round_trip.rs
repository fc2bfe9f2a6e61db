//! A policy that compiles, written as JSON and read back, compiles to the same policy.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(p) = tamis_core::Policy::from_toml(text) else {
        return;
    };
    let json = p.to_json();
    let q = tamis_core::Policy::from_json(&json).expect("a compiled policy's JSON form compiles");
    assert_eq!(p.id(), q.id(), "the round trip changed the policy");
});
