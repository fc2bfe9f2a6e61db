//! The borrowed JSON Lines path (`tamis_core::json::Doc`) must accept exactly what serde_json
//! accepts and write exactly the bytes serde_json writes, so the object and line paths agree.

#![expect(clippy::unwrap_used, reason = "test code")]

use proptest::prelude::*;
use serde_json::Value;
use tamis_core::json::Doc;

fn serde_round_trip(text: &str) -> Option<String> {
    serde_json::from_str::<Value>(text)
        .ok()
        .map(|v| v.to_string())
}

fn doc_round_trip(text: &str) -> Option<String> {
    Doc::parse(text).ok().map(|d| {
        let mut out = Vec::new();
        d.write(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    })
}

fn json_ish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just(",".to_owned()),
        Just(":".to_owned()),
        Just(" ".to_owned()),
        Just("\n".to_owned()),
        Just("\"k\"".to_owned()),
        Just("\"a\\u00e9\\n\\/\"".to_owned()),
        Just("\"\\ud83d\\ude00\"".to_owned()),
        Just("\"\\ud83d\"".to_owned()),
        Just("\"\\x\"".to_owned()),
        Just("\"\t\"".to_owned()),
        Just("true".to_owned()),
        Just("null".to_owned()),
        Just("fals".to_owned()),
        Just("-0".to_owned()),
        Just("01".to_owned()),
        Just("1E5".to_owned()),
        Just("1e-5".to_owned()),
        Just("1.".to_owned()),
        Just("-1.50e+3".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("-9223372036854775809".to_owned()),
        Just("1.5E".to_owned()),
        Just("\"".to_owned()),
        "[0-9]{1,3}",
    ];
    prop::collection::vec(token, 1..14).prop_map(|t| t.concat())
}

fn values() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        "[\\x00-\\x1f\"\\\\/a-z\u{e9}\u{1F600}]{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(("[a-c]{1,2}", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn same_bytes_as_serde_json(v in values()) {
        let text = v.to_string();
        prop_assert_eq!(doc_round_trip(&text), Some(text.clone()));
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        prop_assert_eq!(doc_round_trip(&pretty), Some(text));
    }

    #[test]
    fn accepts_exactly_what_serde_json_accepts(text in json_ish()) {
        prop_assert_eq!(doc_round_trip(&text), serde_round_trip(&text), "{:?}", text);
    }
}

#[test]
fn duplicate_keys_and_nesting_limit_match() {
    for text in [
        r#"{"a":1,"b":2,"a":3}"#,
        r#"{"a":{"x":1},"a":[2]}"#,
        "{\"k0\":0,\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9,\"k10\":10,\"k11\":11,\"k12\":12,\"k13\":13,\"k14\":14,\"k15\":15,\"k16\":16,\"k3\":33,\"k17\":17,\"k16\":-1}",
        "\"\\u0000\\u001f\\u007f\\u2028\"",
        " \t\n 1 \r\n",
        "",
        "1 2",
    ] {
        assert_eq!(doc_round_trip(text), serde_round_trip(text), "{text}");
    }
    for depth in 120..135 {
        let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert_eq!(
            doc_round_trip(&arrays).is_some(),
            serde_round_trip(&arrays).is_some(),
            "arrays {depth}"
        );
        let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
        assert_eq!(
            doc_round_trip(&objects).is_some(),
            serde_round_trip(&objects).is_some(),
            "objects {depth}"
        );
    }
}
