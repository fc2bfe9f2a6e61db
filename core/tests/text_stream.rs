//! A text masked as it arrives, in pieces cut anywhere (inside UTF-8 sequences too), gives
//! `mask_text` of the whole text; and, for texts beyond `max_string_bytes`, the same output
//! however it is cut.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "test code")]

use proptest::prelude::*;
use tamis_core::{Context, Policy};

/// Pieces texts are made of: findings of several detectors, PEM blocks (whole, cut, nested),
/// a custom id that a line break may split, multi-byte and invisible characters.
const PIECES: &[&str] = &[
    "a",
    " ",
    "\n",
    "\r\n",
    "jane@example.com",
    "4111 1111 1111 1111",
    "call 415-555-0100",
    "-----BEGIN RSA PRIVATE KEY-----\n",
    "MIIEowIBAAKCAQEA\n",
    "-----END RSA PRIVATE KEY-----",
    "-----END ",
    "ACME-123456",
    "ACME-\n123456",
    "\u{e4}",
    "\u{1F600}",
    "\u{200B}",
    "\u{FF20}",
    "Bearer abcdef123456",
    "x@y",
    "Best regards,",
    "Ship to:",
    "Jane Doe",
    "Hi John Smith",
    "born 03/14/1985",
];

fn policy(extra: &str, max: usize) -> Policy {
    Policy::from_toml(&format!(
        "version = 1\nname = \"s\"\n[limits]\nmax_string_bytes = {max}\n\
         [[rule]]\nid = \"d\"\ndetect = [\"email\", \"credit_card\", \"phone\", \"private_key\", \"bearer_token\", \"person_name\"]\n\
         action = \"replace\"\nreplacement = \"[{{type}}]\"\n{extra}"
    ))
    .unwrap()
}

/// The policies, compiled once (each case compiling them again would spend the test's time on
/// the catalog's patterns).
fn policies(max: usize) -> &'static [Policy] {
    static WITHIN: std::sync::LazyLock<Vec<Policy>> =
        std::sync::LazyLock::new(|| make_policies(1 << 20));
    static OVER: std::sync::LazyLock<Vec<Policy>> = std::sync::LazyLock::new(|| make_policies(48));
    if max == 48 { &OVER } else { &WITHIN }
}

fn make_policies(max: usize) -> Vec<Policy> {
    vec![
        policy("", max),
        // A pattern within a line, and one that can match a line break (the text is one unit).
        policy(
            "[[rule]]\nid = \"p\"\npattern = \"ACME-[0-9]{6}\"\naction = \"replace\"\n",
            max,
        ),
        policy(
            "[[rule]]\nid = \"p\"\npattern = \"ACME-\\\\s*[0-9]{6}\"\naction = \"replace\"\n",
            max,
        ),
    ]
}

/// The stream's output for `text` cut at the byte offsets `cuts` (as bytes, or as `str` pieces
/// at the nearest character boundary).
fn streamed(p: &Policy, text: &str, cuts: &[usize], bytes: bool) -> String {
    let ctx = Context::default();
    let mut s = p.text_stream(&ctx);
    let mut out = String::new();
    let mut from = 0;
    let mut ends: Vec<usize> = cuts.iter().map(|&c| c % (text.len() + 1)).collect();
    ends.sort_unstable();
    ends.push(text.len());
    for mut end in ends {
        if !bytes {
            while !text.is_char_boundary(end) {
                end += 1;
            }
        }
        if end < from {
            continue;
        }
        if bytes {
            s.push_bytes(&text.as_bytes()[from..end], &mut out);
        } else {
            s.push(&text[from..end], &mut out);
        }
        from = end;
    }
    s.finish(&mut out);
    out
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(0..PIECES.len(), 0..40)
        .prop_map(|ix| ix.into_iter().map(|i| PIECES[i]).collect())
}

proptest! {
    #[test]
    fn pieces_join_to_mask_text_of_the_whole(
        text in text(),
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
        bytes in any::<bool>(),
    ) {
        let ctx = Context::default();
        for p in policies(1 << 20) {
            let whole = p.mask_text(&text, &ctx);
            prop_assert_eq!(streamed(p, &text, &cuts, bytes), whole);
        }
    }

    #[test]
    fn one_byte_at_a_time_is_the_same(text in text()) {
        let ctx = Context::default();
        let every: Vec<usize> = (0..text.len()).collect();
        for p in policies(1 << 20) {
            prop_assert_eq!(streamed(p, &text, &every, true), p.mask_text(&text, &ctx));
        }
    }

    #[test]
    fn over_the_limit_any_cut_gives_the_same(
        text in text(),
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
    ) {
        // Units beyond 48 bytes are `[tamis:too_large]`: the output does not depend on cuts,
        // and a text within the limit is still `mask_text` of it.
        let ctx = Context::default();
        for p in policies(48) {
            let once = streamed(p, &text, &[], true);
            prop_assert_eq!(streamed(p, &text, &cuts, true), once.clone());
            if text.len() <= 48 {
                prop_assert_eq!(once, p.mask_text(&text, &ctx));
            }
        }
    }
}

#[test]
fn held_back_text_is_bounded_and_pem_blocks_are_held_whole() {
    let p = policy("", 1 << 20);
    let ctx = Context::default();
    let mut s = p.text_stream(&ctx);
    let mut out = String::new();
    s.push(
        "line one jane@example.com\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n",
        &mut out,
    );
    // The first line is out; the block is held.
    assert_eq!(out, "line one [email]\n");
    s.push("-----END RSA PRIVATE KEY-----\nafter\n", &mut out);
    assert_eq!(out, "line one [email]\n[private_key]\nafter\n");
    s.finish(&mut out);
    // An unterminated block at the end is masked to the end.
    let mut s = p.text_stream(&ctx);
    let mut out = String::new();
    s.push("-----BEGIN RSA PRIVATE KEY-----\nMIIE\nmore\n", &mut out);
    assert_eq!(out, "");
    s.finish(&mut out);
    assert_eq!(out, "[private_key]");
}
