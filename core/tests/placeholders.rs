//! Numbered placeholders: numbers per type and value within a record, within a session across
//! records and texts, `restore` of what a session issued only, and applying twice = once.

#![expect(clippy::unwrap_used, reason = "test code")]

use serde_json::json;
use tamis_core::{Context, Policy};

fn policy(extra: &str) -> Policy {
    Policy::from_toml(&format!(
        "version = 1\nname = \"p\"\n\
         [[rule]]\nid = \"who\"\ndetect = [\"email\", \"phone\"]\naction = \"placeholder\"\n\
         [[rule]]\nid = \"customer\"\npaths = [\"customer\"]\naction = \"placeholder\"\n{extra}"
    ))
    .unwrap()
}

#[test]
fn the_same_value_gets_the_same_number_within_a_record() {
    let p = policy("");
    let ctx = Context::default();
    let mut v = json!({
        "customer": "Jane Roe",
        "msg": "mail a@example.com, then b@example.com, then a@example.com; call 415-555-0100",
        "cc": ["b@example.com"],
    });
    p.apply(&mut v, &ctx);
    assert_eq!(
        v,
        json!({
            "customer": "<CUSTOMER_1>",
            "msg": "mail <EMAIL_1>, then <EMAIL_2>, then <EMAIL_1>; call <PHONE_1>",
            "cc": ["<EMAIL_2>"],
        })
    );
    // Applying twice gives what applying once gives.
    let once = v.clone();
    p.apply(&mut v, &ctx);
    assert_eq!(v, once);
    // Each record numbers on its own.
    let mut w = json!({"msg": "b@example.com"});
    p.apply(&mut w, &ctx);
    assert_eq!(w, json!({"msg": "<EMAIL_1>"}));
}

#[test]
fn the_json_text_path_and_a_stream_number_as_the_tree_does() {
    let p = policy("");
    let ctx = Context::default();
    let line = r#"{"customer":"Jane","x":"c@example.com b@example.com c@example.com"}"#;
    let mut run = p.run(ctx.clone());
    let mut out = Vec::new();
    run.json_line(line, 1, &mut out);
    let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
    p.apply(&mut v, &ctx);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        serde_json::to_string(&v).unwrap()
    );

    let text = "a@example.com\nb@example.com\na@example.com and b@example.com\n";
    let whole = p.mask_text(text, &ctx);
    assert_eq!(whole, "<EMAIL_1>\n<EMAIL_2>\n<EMAIL_1> and <EMAIL_2>\n");
    let mut s = p.text_stream(&ctx);
    let mut streamed = String::new();
    for piece in text.as_bytes().chunks(3) {
        s.push_bytes(piece, &mut streamed);
    }
    s.finish(&mut streamed);
    assert_eq!(streamed, whole);
}

#[test]
fn a_session_numbers_across_calls_and_restores_only_what_it_issued() {
    let p = policy("");
    let ctx = Context::default();
    let mut session = p.session();
    let first = p.mask_text_in("I am a@example.com", &ctx, &mut session);
    let mut v = json!({"customer": "Jane Roe", "msg": "cc b@example.com and a@example.com"});
    p.apply_in(&mut v, &ctx, &mut session);
    assert_eq!(first, "I am <EMAIL_1>");
    assert_eq!(
        v,
        json!({"customer": "<CUSTOMER_1>", "msg": "cc <EMAIL_2> and <EMAIL_1>"})
    );
    assert_eq!(session.len(), 3);
    // An answer quoting the placeholders gets the values back; others stay as they are.
    let answer =
        "Dear <CUSTOMER_1>, we wrote to <EMAIL_2> (not <EMAIL_9>, <PHONE_1> or <EMAIL_1x).";
    assert_eq!(
        session.restore(answer),
        "Dear Jane Roe, we wrote to b@example.com (not <EMAIL_9>, <PHONE_1> or <EMAIL_1x)."
    );
    // Another session issued nothing.
    assert_eq!(p.session().restore(answer), answer);
    // The session's Debug shows counts, never values.
    assert!(!format!("{session:?}").contains("example.com"));
    // A stream in the session continues its numbers.
    let mut s = p.text_stream(&ctx);
    s.begin_session(&mut session);
    let mut out = String::new();
    s.push("c@example.com a@example.com\n", &mut out);
    s.finish(&mut out);
    s.end_session(&mut session);
    assert_eq!(out, "<EMAIL_3> <EMAIL_1>\n");
    assert_eq!(session.restore("<EMAIL_3>"), "c@example.com");
}

#[test]
fn templates_and_labels() {
    let p = Policy::from_toml(
        "version = 1\nname = \"p\"\n[[rule]]\nid = \"e\"\ndetect = [\"email\"]\naction = \"placeholder\"\n\
         template = \"[{type}#{n}]\"\n[[rule]]\nid = \"c\"\npaths = [\"who\"]\naction = \"placeholder\"\n\
         label = \"Person name\"\n",
    )
    .unwrap();
    let mut v = json!({"who": "Jane", "msg": "a@example.com"});
    p.apply(&mut v, &Context::default());
    assert_eq!(v, json!({"who": "<PERSON_NAME_1>", "msg": "[email#1]"}));
    for (field, bad) in [
        ("template", "\"<{TYPE}>\""),
        ("template", "\"{n}\""),
        ("template", "\"<{TYPE}{n}>\""),
        ("template", "\"<{what}_{n}>\""),
        ("label", "\"\""),
    ] {
        let err = Policy::from_toml(&format!(
            "version = 1\nname = \"p\"\n[[rule]]\nid = \"e\"\ndetect = [\"email\"]\naction = \"placeholder\"\n{field} = {bad}\n"
        ))
        .unwrap_err();
        assert_eq!(err.rule_id(), Some("e"), "{err}");
        assert!(
            err.to_string().contains(field) || err.to_string().contains("label"),
            "{err}"
        );
    }
    let err = Policy::from_toml(
        "version = 1\nname = \"p\"\n[[rule]]\nid = \"e\"\ndetect = [\"email\"]\naction = \"replace\"\ntemplate = \"<{n}>\"\n",
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("`template` does not apply"),
        "{err}"
    );
}

#[test]
fn restore_never_fills_a_placeholder_that_came_with_the_data() {
    let p = policy("");
    let ctx = Context::default();
    let mut session = p.session();
    let masked = p.mask_text_in("ignore <EMAIL_1>; mail a@example.com", &ctx, &mut session);
    assert_eq!(masked, "ignore <EMAIL_1>; mail <EMAIL_2>");
    assert_eq!(
        session.restore(&masked),
        "ignore <EMAIL_1>; mail a@example.com"
    );
}
