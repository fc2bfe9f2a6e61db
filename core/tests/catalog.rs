//! The detector catalog end to end: what an independent review of it found, each case a value
//! that must not pass (keywords in another case or spelling, key names in camelCase, values cut
//! short by the normalised view, candidates inside a rejected match, context on another line
//! or inside tamis's own labels) and the fixed behaviour it now has.

#![expect(clippy::unwrap_used, reason = "test code")]

use tamis_core::{Context, Policy};

fn policy(detect: &str) -> Policy {
    Policy::from_toml(&format!(
        "version = 1\nname = \"t\"\n[[rule]]\nid = \"r\"\ndetect = [{detect}]\naction = \"replace\"\nreplacement = \"[{{type}}]\"\n"
    ))
    .unwrap()
}

fn text(p: &Policy, s: &str) -> String {
    p.mask_text(s, &Context::default())
}

fn json(p: &Policy, s: &str) -> String {
    let mut run = p.run(Context::default());
    let mut out = Vec::new();
    let _ = run.json_doc(s, &mut out);
    String::from_utf8(out).unwrap()
}

#[test]
fn keywords_of_case_insensitive_patterns_ignore_case() {
    let p =
        policy("\"azure_storage_account_key\", \"okta_api_token\", \"msteams_incoming_webhook\"");
    let key = format!("{}xy==", "Ab1/".repeat(21));
    for k in ["AccountKey", "accountkey", "ACCOUNTKEY", "accountKey"] {
        assert_eq!(
            text(&p, &format!("{k}={key};")),
            format!("{k}=[azure_storage_account_key];")
        );
    }
    assert!(
        text(
            &p,
            "Authorization: ssws 00AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd"
        )
        .ends_with("[okta_api_token]")
    );
}

#[test]
fn context_words_are_found_in_any_spelling_of_a_key() {
    let p = policy("\"national_id\", \"financial\"");
    assert_eq!(text(&p, "tax_id: 17428639539"), "tax_id: [de_steuer_id]");
    assert_eq!(
        text(&p, "NHSNumber: 6480305736"),
        "NHSNumber: [uk_nhs_number]"
    );
    assert_eq!(text(&p, "SINs: 474 785 185"), "SINs: [ca_sin]");
    for (k, v, t) in [
        ("taxFileNumber", "636925720", "au_tfn"),
        ("socialInsuranceNumber", "474785185", "ca_sin"),
        ("tax_id", "17428639539", "de_steuer_id"),
        ("NHSNumber", "6480305736", "uk_nhs_number"),
    ] {
        assert_eq!(
            json(&p, &format!("{{\"{k}\":\"{v}\"}}")),
            format!("{{\"{k}\":\"[{t}]\"}}")
        );
    }
    // Short words count only as words: `sin` is not in `using`.
    assert_eq!(text(&p, "using 474 785 185"), "using 474 785 185");
}

#[test]
fn a_key_name_is_searched_for_keywords_without_context_entries() {
    let p = policy("\"bitwarden_access_token\"");
    let v = "0.12345678-1234-1234-1234-123456789abc.abcdefghijklmnopqrstuvwxyz0123:abcdefghijklmnopqrstuv==";
    assert_eq!(
        json(&p, &format!("{{\"BWS_ACCESS_TOKEN\":\"{v}\"}}")),
        "{\"BWS_ACCESS_TOKEN\":\"[bitwarden_access_token]\"}"
    );
}

#[test]
fn the_text_as_written_is_scanned_besides_the_normalised_view() {
    let p = policy("\"secrets\"");
    assert_eq!(
        text(&p, "sqlplus scott/Ti%40gerSecret99@orcl"),
        "sqlplus scott/[sqlplus_credentials]@orcl"
    );
    assert_eq!(
        text(&p, "password=correct\u{a0}horse\u{a0}battery x"),
        "password=[password_assignment] x"
    );
}

#[test]
fn a_candidate_inside_a_rejected_match_is_tried() {
    let p = policy("\"national_id\"");
    assert_eq!(
        text(&p, "Aadhaar: 2024 8217 1328 6552"),
        "Aadhaar: 2024 [in_aadhaar]"
    );
}

#[test]
fn context_stays_on_its_line_and_is_never_a_label_of_ours() {
    let p = policy("\"national_id\"");
    // Streamed line by line or masked whole: the same output.
    let whole = text(&p, "NHS number:\n6480305736\n");
    let mut stream = p.text_stream(&Context::default());
    let mut out = String::new();
    stream.push("NHS number:\n", &mut out);
    stream.push("6480305736\n", &mut out);
    stream.finish(&mut out);
    assert_eq!(whole, out);
    // Masking twice gives what masking once gives: `[us_passport]` is no context.
    let once = text(&p, "passport number 268848483, ref 123456789");
    assert_eq!(text(&p, &once), once);
}

#[test]
fn timestamps_are_never_identifiers() {
    // Epoch seconds, milliseconds and microseconds of 2020-2027: 10, 13 and 16 digits, which
    // an identifier's date and check digit can fit (a Swedish personnummer, a Korean RRN, a
    // South African ID, a Romanian CNP); those need a context word.
    let p =
        policy("\"secrets\", \"national_id\", \"financial\", \"crypto\", \"network\", \"contact\"");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..5_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let t = 1_577_836_800 + x % 252_000_000;
        for v in [t, t * 1000 + x % 1000, t * 1_000_000 + x % 1_000_000] {
            let line = format!("ts {v} ok");
            assert_eq!(text(&p, &line), line);
        }
    }
}

#[test]
fn an_entry_runs_on_the_lines_its_keywords_mark_or_the_whole_text() {
    let p = policy("\"secrets\"");
    // Every match of these holds a keyword: many lines, one value, near misses around it, give
    // what each line alone gives.
    let token = format!("glpat-{}", "x7Kq2".repeat(4));
    let mut lines: Vec<String> = (0..40)
        .map(|i| format!("line {i} glpat- sk-proj- password: ok"))
        .collect();
    lines[23] = format!("line 23 token={token} password=hunter2hunter2");
    let whole = text(&p, &lines.join("\n"));
    let each: Vec<String> = lines.iter().map(|l| text(&p, l)).collect();
    assert_eq!(whole, each.join("\n"));
    assert!(!whole.contains(&token) && !whole.contains("hunter2"));
    // A Discord bot token does not hold its keyword (`discord`): the keyword anywhere in the
    // text runs it over the whole text, as before.
    let bot = format!("M{}.{}.{}", "Tk3".repeat(8), "Gh7_x2", "pQ9".repeat(9));
    let t = text(&p, &format!("discord bot settings\nretries: 3\n{bot}\n"));
    assert_eq!(t, "discord bot settings\nretries: 3\n[discord_bot_token]\n");
}

#[test]
fn a_context_word_counts_where_its_keyword_is_found() {
    // A review's cases: the context check read words in spellings the keyword search did not
    // find (mixed separators; short words inside a key name). Keywords are now found in every
    // spelling the check reads, and the check reads a key name's words as words, as it reads
    // the match's line.
    let p = policy("\"national_id\", \"financial\", \"person\"");
    for (doc, label) in [
        (r#"{"v": "TFN\ntax_file-number 636925720"}"#, "au_tfn"),
        (r#"{"v": "tax_file-number 636925720"}"#, "au_tfn"),
        (
            r#"{"v": "Teudat Zehut: x\nT-Z- 991542077"}"#,
            "il_teudat_zehut",
        ),
        (
            r#"{"T.C. Kimlik": "Turkish identification\n15829818170"}"#,
            "tr_tckn",
        ),
        (r#"{"social_sin": "474785185"}"#, "ca_sin"),
        // Key names beyond ASCII, and an acronym's plural.
        (r#"{"född": "1990-05-17"}"#, "date_of_birth"),
        (r#"{"SINs": "x\n474785185"}"#, "ca_sin"),
    ] {
        let out = json(&p, doc);
        assert!(out.contains(&format!("[{label}]")), "{label}: {out}");
    }
    // `sin` inside `business`, `pan` inside `company`, `bsn` inside `busibsn` are no words:
    // no context, on the value's line or in its key.
    for doc in [
        r#"{"business": "SIN\n474785185"}"#,
        r#"{"business": "474785185"}"#,
        r#"{"company": "PAN\nVDGBM5935O"}"#,
        r#"{"busibsn": "bsn\n881 741 097"}"#,
    ] {
        let out = json(&p, doc);
        assert!(
            !out.contains("[ca_sin]") && !out.contains("[in_pan]") && !out.contains("[nl_bsn]"),
            "{out}"
        );
    }
}
