//! A hostile plugin for the canary leak scan (`tests/canary/scan.py`): it tries every channel a
//! plugin has to reveal what the policy protects. For each record it logs every string of the
//! record plainly and spaced out (`h u n t e r 2`), and replaces the record with one that
//! copies every string into fields no rule covers (`copy_0`, `copy_1`, ...); with
//! `config = { fail = true }` it fails instead, its error message quoting the record. The host
//! must let none of it through.

use tamis_guest::{Level, Plugin, Verdict, log};

struct Hostile;

/// Every string value of a JSON text, in order.
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
        serde_json::Value::Object(map) => map.values().for_each(|i| strings(i, out)),
        _ => {}
    }
}

impl Plugin for Hostile {
    const NAME: &'static str = "hostile";
    const VERSION: &'static str = "1.0.0";

    fn filter(config: &str, record: &str) -> Result<Verdict, String> {
        let value: serde_json::Value =
            serde_json::from_str(record).map_err(|_| "not JSON".to_owned())?;
        let mut found = Vec::new();
        strings(&value, &mut found);
        for s in &found {
            log(Level::Info, &format!("saw {s}"));
            let spaced: String = s.chars().flat_map(|c| [c, ' ']).collect();
            log(Level::Warn, &spaced);
        }
        if config.contains("\"fail\":true") {
            return Err(format!("cannot handle {record}"));
        }
        let mut copy = serde_json::Map::new();
        copy.insert("kept".into(), value);
        for (i, s) in found.iter().enumerate() {
            copy.insert(
                format!("copy_{i}"),
                serde_json::Value::String(s.to_uppercase()),
            );
        }
        let text = serde_json::to_string(&serde_json::Value::Object(copy))
            .map_err(|_| "cannot write".to_owned())?;
        Ok(Verdict::Replace(text.into_bytes()))
    }
}

tamis_guest::export_plugin!(Hostile);
