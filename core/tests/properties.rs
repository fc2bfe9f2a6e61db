//! Properties of applying a policy, over arbitrary JSON and arbitrary subsets of rules in
//! arbitrary order. Case count: `PROPTEST_CASES` (CI sets it).

#![expect(clippy::unwrap_used, reason = "test code")]

use proptest::prelude::*;
use proptest::sample::subsequence;
use serde_json::{Map, Value, json};
use tamis_core::{Context, Policy};

const HEADER: &str = "version = 1\nname = \"prop\"\n[key.default]\nenv = \"K\"\nid = \"k1\"\n";

const RULES: &[&str] = &[
    "[[rule]]\nid = \"r01\"\npaths = [\"user.email\"]\naction = \"partial\"\n",
    "[[rule]]\nid = \"r02\"\npaths = [\"**.email\"]\naction = \"hash\"\nkey = \"default\"\n",
    "[[rule]]\nid = \"r03\"\nkeys = [\"*password*\"]\naction = \"replace\"\n",
    "[[rule]]\nid = \"r04\"\nkeys = [\"*email*\"]\naction = \"redact\"\n",
    "[[rule]]\nid = \"r05\"\ndetect = [\"email\"]\naction = \"replace\"\nreplacement = \"[{type}]\"\n",
    "[[rule]]\nid = \"r06\"\ndetect = [\"credit_card\"]\naction = \"partial\"\n",
    "[[rule]]\nid = \"r07\"\npattern = \"ACME-[0-9]{3}\"\naction = \"replace\"\nreplacement = \"[A]\"\n",
    "[[rule]]\nid = \"r08\"\npaths = [\"tags\"]\naction = \"nullify\"\n",
    "[[rule]]\nid = \"r09\"\npaths = [\"**.age\"]\naction = \"generalize\"\n",
    "[[rule]]\nid = \"r10\"\npaths = [\"a.*\"]\naction = \"replace\"\n",
    "[[rule]]\nid = \"r11\"\ndetect = [\"email\"]\naction = \"hash\"\nkey = \"default\"\n",
    "[[rule]]\nid = \"r12\"\npaths = [\"user\"]\naction = \"partial\"\n",
    "[[rule]]\nid = \"r13\"\nkeys = [\"a\"]\naction = \"generalize\"\nprecision = \"month\"\n",
    "[[rule]]\nid = \"r14\"\ndetect = [\"credit_card\", \"email\"]\nscope = [\"b\"]\naction = \"redact\"\n",
    "[[rule]]\nid = \"r15\"\npattern = \"[a-z]+@[a-z]+\"\naction = \"replace\"\nreplacement = \"[{type}]\"\n",
    "[[rule]]\nid = \"r16\"\npaths = [\"**\"]\naction = \"partial\"\nwhen = { roles_any = [\"viewer\"] }\n",
    "[[rule]]\nid = \"r17\"\npaths = [\"b\", \"**.a.*\"]\naction = \"redact\"\n",
    "[[rule]]\nid = \"r19\"\npaths = [\"**.ssn\", \"a.*\"]\naction = \"encrypt\"\nkey = \"default\"\n",
    "[[rule]]\nid = \"r20\"\ndetect = [\"email\"]\naction = \"encrypt\"\nkey = \"default\"\n",
    "[[rule]]\nid = \"r18\"\npaths = [\"*.age\", \"user.*\"]\naction = \"replace\"\nreplacement = \"<{type} \\\"q\\\">\"\n",
];

fn compile(rules: &[&str]) -> Policy {
    let text: String = std::iter::once(HEADER)
        .chain(rules.iter().copied())
        .collect();
    Policy::from_toml(&text)
        .unwrap()
        .with_key("default", b"property-key-of-thirty-two-bytes")
        .unwrap()
}

fn strings() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("jane@example.com".to_owned()),
        Just("mail ops@acme.example now".to_owned()),
        Just("4111 1111 1111 1111".to_owned()),
        Just("card 5555-5555-5555-4444, ACME-123".to_owned()),
        Just("[REDACTED]".to_owned()),
        Just("[email:1]".to_owned()),
        Just("j***@***.com".to_owned()),
        Just("2024-03-05T10:20:30Z".to_owned()),
        Just("10.1.2.3".to_owned()),
        Just("30-39".to_owned()),
        Just(String::new()),
        "[a-z@. 0-9*-]{0,24}",
        any::<String>(),
    ]
}

fn keys() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("user".to_owned()),
        Just("email".to_owned()),
        Just("DB-Password".to_owned()),
        Just("jane@example.com".to_owned()),
        Just("[email:1]".to_owned()),
        Just("tags".to_owned()),
        Just("age".to_owned()),
        Just("a".to_owned()),
        Just("b".to_owned()),
        "[a-z_]{1,6}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        Just(json!(4111111111111111u64)),
        (-1e6f64..1e6).prop_map(Value::from),
        strings().prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((keys(), inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn policies() -> impl Strategy<Value = (Vec<&'static str>, Vec<&'static str>)> {
    subsequence(RULES.to_vec(), 0..=RULES.len())
        .prop_flat_map(|rules| (Just(rules.clone()), Just(rules).prop_shuffle()))
}

fn contexts() -> impl Strategy<Value = Context> {
    prop_oneof![
        Just(Context::default()),
        Just(Context {
            roles: vec!["viewer".into()],
            ..Context::default()
        })
    ]
}

proptest! {
    #[test]
    fn apply_is_idempotent((rules, _) in policies(), ctx in contexts(), input in json_value()) {
        let policy = compile(&rules);
        let mut once = input.clone();
        policy.apply(&mut once, &ctx);
        let mut twice = once.clone();
        policy.apply(&mut twice, &ctx);
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn rule_order_never_matters((rules, shuffled) in policies(), ctx in contexts(), input in json_value()) {
        let (a, b) = (compile(&rules), compile(&shuffled));
        let (mut x, mut y) = (input.clone(), input);
        let ra = a.apply(&mut x, &ctx);
        let rb = b.apply(&mut y, &ctx);
        prop_assert_eq!(x, y);
        prop_assert_eq!(ra.rules, rb.rules);
        prop_assert_eq!(a.id() == b.id(), rules == shuffled);
    }

    #[test]
    fn planted_canary_never_survives(input in json_value(), key in keys(), prefix in "[a-z ]{0,8}", as_key in any::<bool>()) {
        let text = format!("{HEADER}[report]\npaths = true\n{}", RULES[4]);
        let policy = Policy::from_toml(&text).unwrap();
        let canary = "canary.7f3a9@leak.example";
        let mut record = json!({ "wrap": input });
        if let Value::Object(m) = &mut record {
            if as_key {
                m.insert(canary.to_owned(), Value::from(1));
            } else {
                m.insert(key, Value::from(format!("{prefix}{canary} tail")));
            }
        }
        let report = policy.apply(&mut record, &Context::default());
        prop_assert!(!record.to_string().contains("canary.7f3a9"));
        prop_assert!(!serde_json::to_string(&report).unwrap().contains("canary.7f3a9"));
    }

    #[test]
    fn depth_is_bounded(depth in 1u32..20, nesting in 0usize..40) {
        let text = format!("version = 1\nname = \"d\"\n[limits]\nmax_depth = {depth}\n");
        let policy = Policy::from_toml(&text).unwrap();
        let mut v = Value::from("leaf");
        for i in 0..nesting {
            v = if i % 2 == 0 { Value::Array(vec![v]) } else { Value::Object(Map::from_iter([("k".to_owned(), v)])) };
        }
        policy.apply(&mut v, &Context::default());
        // The root is depth 0: containers at depth `max_depth` stay, their children become placeholders.
        prop_assert!(json_depth(&v) <= depth as usize + 1);
    }
}

fn json_depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(json_depth).max().unwrap_or(0),
        Value::Object(o) => 1 + o.values().map(json_depth).max().unwrap_or(0),
        _ => 0,
    }
}

#[test]
fn a_record_nested_far_beyond_the_limit_does_not_overflow_the_stack() {
    let policy =
        Policy::from_toml("version = 1\nname = \"d\"\n[limits]\nmax_depth = 128\n").unwrap();
    // serde_json's own recursion limit (128) stops deeper JSON text; build the value directly.
    let mut v = Value::from("x");
    for _ in 0..100_000 {
        v = Value::Array(vec![v]);
    }
    policy.apply(&mut v, &Context::default());
    assert_eq!(json_depth(&v), 129);
    // Drop iteratively: serde_json's Drop recurses.
    let mut stack = vec![v];
    while let Some(mut x) = stack.pop() {
        if let Value::Array(a) = &mut x {
            stack.append(a);
        }
    }
}

#[test]
fn debug_output_of_working_state_never_shows_record_data() {
    let policy = compile(&[RULES[4], RULES[5]]);
    let mut run = policy.run(Context::default()).counting_paths();
    let secret = "canary.51ab@leak.example 4111 1111 1111 1111";
    let _ = run.text(&format!("ｘ {secret}"));
    let json = format!("{{\"k\":\"{secret}\",\"n\":4111111111111111}}");
    let doc = tamis_core::json::Doc::parse(&json).unwrap();
    for shown in [
        format!("{:?}", run.scratch_mut()),
        format!("{doc:?}"),
        format!("{:?}", run.tally()),
        format!("{run:?}"),
    ] {
        assert!(
            !shown.contains("canary") && !shown.contains("4111"),
            "{shown}"
        );
    }
}

/// Every built-in detector that never matches across a line break (all but `private_key`).
const LINE_DETECTORS: &str = "version = 1\nname = \"lines\"\n[[rule]]\nid = \"all\"\n\
    detect = [\"email\", \"phone\", \"credit_card\", \"us_ssn\", \"iban\", \"ip\", \"mac\", \"jwt\", \
    \"aws_key\", \"github_token\", \"slack_token\", \"stripe_key\", \"google_api_key\", \
    \"bearer_token\", \"url_credentials\"]\naction = \"replace\"\nreplacement = \"[{type}]\"\n";

fn text_lines() -> impl Strategy<Value = Vec<String>> {
    let fragment = prop_oneof![
        Just("0@ACCA.AIP::8809*08C0".to_owned()),
        Just("jane@example.com".to_owned()),
        Just("4111 1111 1111 1111".to_owned()),
        Just("+1 415 555 0100".to_owned()),
        Just("fe80::1ff:fe23:4567:890a".to_owned()),
        Just("00:1a:2b:3c:4d:5e".to_owned()),
        Just("Authorization: Bearer abc123.def456-ghi789".to_owned()),
        Just("postgres://app:hunter2@db:5432/prod".to_owned()),
        Just("[email]".to_owned()),
        Just("::".to_owned()),
        "[a-zA-Z0-9@.:*=+ -]{0,12}",
    ];
    prop::collection::vec(
        prop::collection::vec(fragment, 0..5).prop_map(|f| f.concat()),
        1..6,
    )
}

proptest! {
    /// Masking free text is line-local and a fixed point: the masked text of many lines is the
    /// lines masked one by one, and masking it again changes nothing.
    #[test]
    fn masking_text_is_line_local_and_settles(lines in text_lines()) {
        let policy = Policy::from_toml(LINE_DETECTORS).unwrap();
        let ctx = Context::default();
        let whole = policy.mask_text(&lines.join("\n"), &ctx);
        let each: Vec<String> = lines.iter().map(|l| policy.mask_text(l, &ctx)).collect();
        prop_assert_eq!(&whole, &each.join("\n"));
        prop_assert_eq!(policy.mask_text(&whole, &ctx), whole);
    }
}

/// Limits small enough for the generated records to break them now and then.
const LIMITS: &[&str] = &[
    "",
    "[limits]\nmax_depth = 3\n",
    "[limits]\nmax_string_bytes = 12\n",
    "[limits]\nmax_record_bytes = 60\n",
];

proptest! {
    /// The JSON text path skips members no rule can reach when the record is within the limits;
    /// it must write what the object path (which walks everything) gives, and count the same.
    #[test]
    fn the_text_path_writes_and_counts_what_the_object_path_does(
        (rules, _) in policies(),
        limits in prop::sample::select(LIMITS),
        ctx in contexts(),
        input in json_value(),
    ) {
        let policy = compile(&[&[limits], &rules[..]].concat());
        let text = input.to_string();
        let mut value = input.clone();
        let mut by_object = policy.run(ctx.clone()).counting_paths();
        if over_the_size_gate(&policy, &text) {
            // The text path quarantines it unparsed, so nothing in it is counted.
            by_object.tally_mut().count_quarantined_input();
            value = tamis_core::quarantine_marker(None, tamis_core::Quarantine::TooLarge);
        } else if let tamis_core::Disposition::Quarantined(q) = by_object.tree(&mut value) {
            value = tamis_core::quarantine_marker(None, q);
        }
        let mut by_text = policy.run(ctx.clone()).counting_paths();
        let mut out = Vec::new();
        by_text.json_doc(&text, &mut out);
        let written: Value = serde_json::from_slice(&out).unwrap();
        prop_assert_eq!(written, value);
        prop_assert_eq!(
            serde_json::to_value(by_text.report()).unwrap(),
            serde_json::to_value(by_object.report()).unwrap()
        );
    }
}

#[test]
fn a_member_no_rule_reaches_still_counts_for_the_depth_limit() {
    let policy =
        Policy::from_toml(&format!("{HEADER}[limits]\nmax_depth = 2\n{}", RULES[0])).unwrap();
    let input = json!({"x": {"y": {"z": {"w": 1}}}, "user": {"email": "jane@example.com"}});
    let mut value = input.clone();
    policy.apply(&mut value, &Context::default());
    let mut run = policy.run(Context::default());
    let mut out = Vec::new();
    run.json_doc(&input.to_string(), &mut out);
    assert_eq!(serde_json::from_slice::<Value>(&out).unwrap(), value);
    assert_ne!(value["x"]["y"], input["x"]["y"], "the depth limit applied");
}

/// Policies of path rules only, the ones the streaming path takes.
fn path_policies() -> impl Strategy<Value = Vec<&'static str>> {
    let paths: Vec<&'static str> = RULES
        .iter()
        .copied()
        .filter(|r| r.contains("\npaths = "))
        .collect();
    subsequence(paths.clone(), 0..=paths.len()).prop_shuffle()
}

/// A JSON text more than 8 times `max_record_bytes` long is quarantined (`too_large`) before it
/// is parsed (ARCHITECTURE.md, "Record size"), so nothing in it is counted but the record.
fn over_the_size_gate(policy: &Policy, text: &str) -> bool {
    text.len() as u64 > policy.limits().max_record_bytes * 8
}

/// `text` through the tree path (parse, walk every member, write), as the streaming path must
/// give it: the disposition and what is written when the record is kept. A text over the size
/// gate never reaches either path.
fn by_tree(run: &mut tamis_core::Run<'_>, text: &str) -> (tamis_core::Disposition, Vec<u8>) {
    let mut out = Vec::new();
    if over_the_size_gate(run.policy(), text) {
        run.tally_mut().count_quarantined_input();
        let too_large = tamis_core::Quarantine::TooLarge;
        return (tamis_core::Disposition::Quarantined(too_large), out);
    }
    match tamis_core::json::Doc::parse(text) {
        Ok(mut doc) => {
            let d = run.tree(&mut doc);
            if d == tamis_core::Disposition::Kept {
                doc.write(&mut out).unwrap();
            }
            (d, out)
        }
        Err(_) => {
            run.tally_mut().count_quarantined_input();
            (
                tamis_core::Disposition::Quarantined(tamis_core::Quarantine::InvalidJson),
                out,
            )
        }
    }
}

proptest! {
    /// A policy of path rules on a text spelled as the writer spells it is applied in one pass
    /// over the text; it must write the tree path's bytes and count what it counts. Other
    /// spellings (pretty, `E` exponents, a repeated key, `\u` escapes from `any::<String>()`)
    /// make the pass give up, and the tree path applies them.
    #[test]
    fn the_streaming_path_writes_and_counts_what_the_tree_path_does(
        rules in path_policies(),
        limits in prop::sample::select(LIMITS),
        ctx in contexts(),
        input in json_value(),
        spelling in 0..4usize,
    ) {
        let policy = compile(&[&[limits], &rules[..]].concat());
        let compact = input.to_string();
        let text = match spelling {
            0 => compact,
            1 => serde_json::to_string_pretty(&input).unwrap(),
            2 => compact.replace("e+", "E"),
            _ => match compact.strip_prefix('{') {
                Some(rest) if rest != "}" => format!("{{\"a\":[1],{rest}"),
                _ => compact,
            },
        };
        let mut tree = policy.run(ctx.clone());
        let (disposition, expected) = by_tree(&mut tree, &text);
        let mut stream = policy.run(ctx.clone());
        let mut out = Vec::new();
        let d = stream.json_doc(&text, &mut out);
        prop_assert_eq!(d, disposition);
        if d == tamis_core::Disposition::Kept {
            prop_assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(expected).unwrap());
        }
        prop_assert_eq!(
            serde_json::to_value(stream.report()).unwrap(),
            serde_json::to_value(tree.report()).unwrap()
        );
    }
}

#[test]
fn the_streaming_path_gives_up_where_the_writer_would_write_differently() {
    let nested = |n: usize| format!("{{\"a\":{}{}}}", "[".repeat(n), "]".repeat(n));
    let deep = [nested(126), nested(127), nested(5000)];
    let texts = [
        r#"{"user":{"email":"jane@example.com"},"n":1}"#,
        r#"{"user":{"email":"jane@example.com"},"n":1,"n":2}"#,
        r#"{"n":{"x":1,"x":2},"user":{"email":"jane@example.com"}}"#,
        r#"{"n":1E5,"user":{"email":"jane@example.com"},"m":1e5}"#,
        r#"{"n":"a\/b\u0041","user":{"email":"j\u0061ne@example.com"}}"#,
        r#"{"tags":{"deep":[1,2,{"x":"y"}]},"a":{"b":[1,{"c":2}],"d":"x\n\"y\""}}"#,
        r#"{"tags":"t","a":{"b":"x","b":"y"}}"#,
        r#"{ "user" : { "email" : "jane@example.com" } }"#,
        r#"{"user":{"email":"jane@example.com"}} "#,
        r#"{"user":{"email":"jane@example.com"}"#,
        r#"{"user":{"email":"jane@example.com",}}"#,
        "[{\"user\":{\"email\":\"jane@example.com\"}},{\"tags\":[]}]",
    ];
    let ctx = Context::default();
    let policies = [
        compile(&[RULES[0], RULES[7], RULES[9]]),
        compile(&["[limits]\nmax_depth = 128\n", RULES[0], RULES[7], RULES[9]]),
    ];
    for policy in &policies {
        for text in deep.iter().map(String::as_str).chain(texts) {
            let mut tree = policy.run(ctx.clone());
            let (disposition, expected) = by_tree(&mut tree, text);
            let mut stream = policy.run(ctx.clone());
            let mut out = Vec::new();
            let d = stream.json_doc(text, &mut out);
            assert_eq!(d, disposition, "{text}");
            if d == tamis_core::Disposition::Kept {
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    String::from_utf8(expected).unwrap(),
                    "{text}"
                );
            }
            assert_eq!(
                serde_json::to_value(stream.report()).unwrap(),
                serde_json::to_value(tree.report()).unwrap(),
                "{text}"
            );
        }
    }
}
