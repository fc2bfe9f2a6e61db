//! The host's check of a plugin's replacement output: never a panic; what it accepts is one
//! JSON value that core parses and writes back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = tamis_host::check_replacement(data.to_vec(), 1 << 16) {
        let doc = tamis_core::json::Doc::parse(&text).expect("accepted output parses");
        let mut out = Vec::new();
        doc.write(&mut out).expect("a small output fits in memory");
        assert!(!out.is_empty());
    }
});
