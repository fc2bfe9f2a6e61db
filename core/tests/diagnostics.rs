//! Every diagnostic's wording, location and help, snapshot-tested so changes are reviewed.

#![expect(clippy::unwrap_used, reason = "test code")]

use tamis_core::Policy;

fn toml_err(text: &str) -> String {
    Policy::from_toml(text)
        .unwrap_err()
        .with_file("policy.toml")
        .to_string()
}

fn json_err(text: &str) -> String {
    Policy::from_json(text)
        .unwrap_err()
        .with_file("policy.json")
        .to_string()
}

const H: &str = "version = 1\nname = \"p\"\n";

macro_rules! snap {
    ($name:ident, $kind:ident, $text:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!($kind($text));
        }
    };
}

snap!(
    syntax_error,
    toml_err,
    "version = 1\nname = \"unterminated\n"
);
snap!(missing_name, toml_err, "version = 1\n");
snap!(version_unsupported, toml_err, "version = 2\nname = \"p\"\n");
snap!(
    unknown_top_level_key,
    toml_err,
    &format!("{H}[retentions]\nmax_age = \"30d\"\n")
);
snap!(
    table_instead_of_list,
    toml_err,
    &format!("{H}[retention]\nmax_age = \"30d\"\n")
);
snap!(
    retention_bad_age,
    toml_err,
    &format!(
        "{H}[[retention]]\nid = \"r\"\npaths = [\"user.email\"]\nmax_age = \"30 days\"\ntimestamp = \"ts\"\n"
    )
);
snap!(
    retention_dollar_with_paths,
    toml_err,
    &format!(
        "{H}[[retention]]\nid = \"r\"\npaths = [\"$\", \"a\"]\nmax_age = \"30d\"\ntimestamp = \"ts\"\n"
    )
);
snap!(
    retention_wildcard_timestamp,
    toml_err,
    &format!(
        "{H}[[retention]]\nid = \"r\"\npaths = [\"$\"]\nmax_age = \"30d\"\ntimestamp = \"**.ts\"\n"
    )
);
snap!(
    access_bad_default,
    toml_err,
    &format!("{H}[access]\ntype_path = \"type\"\ndefault = \"block\"\n")
);
snap!(
    access_grant_without_roles,
    toml_err,
    &format!(
        "{H}[access]\ntype_path = \"type\"\n[[access.grant]]\ntypes = [\"t\"]\nroles_any = []\n"
    )
);
snap!(
    summarize_unknown_stat,
    toml_err,
    &format!("{H}[[summarize]]\nid = \"s\"\npaths = [\"**\"]\nstats = [\"count\", \"median\"]\n")
);
snap!(
    summarize_k_zero,
    toml_err,
    &format!("{H}[[summarize]]\nid = \"s\"\npaths = [\"**\"]\nk_anonymity = 0\n")
);
snap!(
    id_shared_by_rule_and_retention,
    toml_err,
    &format!(
        "{H}[[rule]]\nid = \"x\"\nkeys = [\"a\"]\naction = \"redact\"\n[[retention]]\nid = \"x\"\npaths = [\"$\"]\nmax_age = \"1d\"\ntimestamp = \"ts\"\n"
    )
);
snap!(
    unknown_key_in_rule,
    toml_err,
    &format!("{H}[[rule]]\nid = \"a\"\npaths = [\"x\"]\naction = \"replace\"\ncolour = 1\n")
);
snap!(
    wrong_type,
    toml_err,
    &format!("{H}[[rule]]\nid = \"a\"\npaths = \"x\"\naction = \"replace\"\n")
);
snap!(
    duplicate_rule_id,
    toml_err,
    &format!(
        "{H}[[rule]]\nid = \"a\"\npaths = [\"x\"]\naction = \"replace\"\n\n[[rule]]\nid = \"a\"\npaths = [\"y\"]\naction = \"redact\"\n"
    )
);
snap!(
    unknown_action,
    toml_err,
    &format!("{H}[[rule]]\nid = \"a\"\npaths = [\"x\"]\naction = \"mask\"\n")
);
snap!(
    option_of_another_action,
    toml_err,
    &format!(
        "{H}[[rule]]\nid = \"a\"\npaths = [\"x\"]\naction = \"partial\"\nreplacement = \"*\"\n"
    )
);
snap!(
    bad_path,
    toml_err,
    &format!("{H}[[rule]]\nid = \"a\"\npaths = [\"ok\", \"user..email\"]\naction = \"replace\"\n")
);
snap!(
    star_inside_key,
    toml_err,
    &format!("{H}[[rule]]\nid = \"a\"\npaths = [\"user*\"]\naction = \"replace\"\n")
);
snap!(
    whole_record_path,
    toml_err,
    &format!("{H}[[rule]]\nid = \"a\"\npaths = [\"$\"]\naction = \"replace\"\n")
);
snap!(
    bad_glob,
    toml_err,
    &format!("{H}[[rule]]\nid = \"a\"\nkeys = [\"--\"]\naction = \"replace\"\n")
);
snap!(
    hash_without_key,
    toml_err,
    &format!("{H}[[rule]]\nid = \"a\"\npaths = [\"x\"]\naction = \"hash\"\n")
);
snap!(
    hash_with_undeclared_key,
    toml_err,
    &format!("{H}[[rule]]\nid = \"a\"\npaths = [\"x\"]\naction = \"hash\"\nkey = \"main\"\n")
);
snap!(
    unknown_detector,
    toml_err,
    &format!("{H}[[rule]]\nid = \"a\"\ndetect = [\"email\", \"emial\"]\naction = \"replace\"\n")
);
snap!(
    invalid_pattern,
    toml_err,
    &format!("{H}[[rule]]\nid = \"a\"\npattern = \"ACME-[0-9\"\naction = \"replace\"\n")
);
snap!(
    pattern_too_large,
    toml_err,
    &format!(
        "{H}[limits]\nmax_pattern_bytes = 10000\n\n[[rule]]\nid = \"a\"\npattern = '\\w{{1000}}'\naction = \"replace\"\n"
    )
);
snap!(
    pattern_matches_empty,
    toml_err,
    &format!("{H}[[rule]]\nid = \"a\"\npattern = \"x*\"\naction = \"replace\"\n")
);
snap!(
    generalize_on_detector,
    toml_err,
    &format!("{H}[[rule]]\nid = \"a\"\ndetect = [\"email\"]\naction = \"generalize\"\n")
);
snap!(
    rule_selects_nothing,
    toml_err,
    &format!("{H}[[rule]]\nid = \"a\"\naction = \"replace\"\n")
);
snap!(
    scope_without_detector,
    toml_err,
    &format!("{H}[[rule]]\nid = \"a\"\npaths = [\"x\"]\nscope = [\"y\"]\naction = \"replace\"\n")
);
snap!(
    empty_when,
    toml_err,
    &format!("{H}[[rule]]\nid = \"a\"\npaths = [\"x\"]\naction = \"replace\"\nwhen = {{}}\n")
);
snap!(
    max_depth_out_of_range,
    toml_err,
    &format!("{H}[limits]\nmax_depth = 1000\n")
);
snap!(
    bad_key_id,
    toml_err,
    &format!("{H}[key.default]\nenv = \"K\"\nid = \"k:1\"\n")
);
snap!(
    test_key_not_declared,
    toml_err,
    &format!("{H}[[test]]\nname = \"t\"\nkeys = {{ main = \"x\" }}\ninput = {{}}\nexpect = {{}}\n")
);
snap!(
    json_syntax,
    json_err,
    "{\"version\": 1,\n \"name\": \"p\",,\n}"
);
snap!(
    json_unknown_key,
    json_err,
    "{\"version\": 1, \"name\": \"p\", \"rules\": []}"
);
snap!(
    json_semantic_error_located,
    json_err,
    "{\n  \"version\": 1,\n  \"name\": \"p\",\n  \"rule\": [\n    {\"id\": \"a\", \"paths\": [\"x..y\"], \"action\": \"replace\"}\n  ]\n}"
);

#[test]
fn errors_carry_structured_fields() {
    let e = Policy::from_toml(&format!(
        "{H}[[rule]]\nid = \"acme\"\npaths = [\"x\"]\naction = \"mask\"\n"
    ))
    .unwrap_err();
    assert_eq!(e.kind(), tamis_core::ErrorKind::Action);
    assert_eq!((e.line(), e.column()), (Some(6), Some(10)));
    assert_eq!(e.rule_id(), Some("acme"));
    assert_eq!(e.path(), Some("rule[0].action"));
    assert!(e.help_text().is_some_and(|h| h.contains("redact")));
}

#[test]
fn toml_and_json_spellings_have_one_id() {
    let t = Policy::from_toml(&format!(
        "{H}[[rule]]\nid = \"a\"\npaths = [\"x\"]\naction = \"replace\"\n"
    ))
    .unwrap();
    let j = Policy::from_json(r#"{"name": "p", "version": 1, "rule": [{"action": "replace", "id": "a", "paths": ["x"]}]}"#).unwrap();
    assert_eq!(t.id(), j.id());
    let round = Policy::from_json(&t.to_json()).unwrap();
    assert_eq!(round.id(), t.id());
}

#[test]
fn report_shape() {
    let policy = Policy::from_toml(&format!(
        "{H}[report]\npaths = true\n[key.default]\nenv = \"K\"\nid = \"k1\"\n\
         [[rule]]\nid = \"secrets\"\nkeys = [\"*password*\"]\naction = \"replace\"\n\
         [[rule]]\nid = \"emails\"\ndetect = [\"email\"]\naction = \"hash\"\nkey = \"default\"\n"
    ))
    .unwrap()
    .with_key("default", b"snapshot-key")
    .unwrap();
    let mut record = serde_json::json!({
        "db": {"DB-Password": "hunter2"},
        "messages": [{"text": "from jane@example.com to bob@example.com"}],
        "jane@example.com": 1
    });
    let report = policy.apply(&mut record, &tamis_core::Context::default());
    let json = serde_json::to_string_pretty(&report).unwrap();
    assert!(!json.contains("example.com") && !json.contains("hunter2"));
    insta::assert_snapshot!(json);
}

#[test]
fn pseudonym_is_the_token_a_hash_rule_writes() {
    let text = "version = 1\nname = \"p\"\n[key.default]\nenv = \"K\"\nid = \"k1\"\n\
                [[rule]]\nid = \"ids\"\npaths = [\"user.id\"]\naction = \"hash\"\nkey = \"default\"\n";
    let policy = Policy::from_toml(text).unwrap();
    assert_eq!(policy.pseudonym("default", "u-42"), None, "no material yet");
    let policy = policy.with_key("default", b"pseudonym-key").unwrap();
    let mut record = serde_json::json!({"user": {"id": "u-42"}});
    let _ = policy.apply(&mut record, &tamis_core::Context::default());
    let token = policy.pseudonym("default", "u-42").unwrap();
    assert_eq!(
        record["user"]["id"],
        serde_json::Value::String(token.clone())
    );
    assert!(token.starts_with("h:k1:") && token.len() == 31);
    assert_eq!(policy.pseudonym("other", "u-42"), None);
}
