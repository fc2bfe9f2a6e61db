//! `person_name` in records: the key a value is stored under (`customer_name`, `recipientName`)
//! is a cue; other keys are not.

use serde_json::json;
use tamis_core::{Context, Policy};

#[test]
fn a_person_key_is_a_cue_for_names() {
    let p = Policy::from_toml(
        "version = 1\nname = \"p\"\n[[rule]]\nid = \"p\"\ndetect = [\"person_name\"]\naction = \"replace\"\nreplacement = \"[{type}]\"\n",
    )
    .unwrap();
    let mut v = json!({
        "customer_name": "Gustav Neimke",
        "recipientName": "Anna",
        "service_name": "Gustav Neimke",
        "name": "Checkout Service",
        "note": "Anna"
    });
    p.apply(&mut v, &Context::default());
    assert_eq!(
        v,
        json!({
            "customer_name": "[person_name]",
            "recipientName": "[person_name]",
            "service_name": "[person_name]",
            "name": "Checkout Service",
            "note": "Anna"
        })
    );
}
