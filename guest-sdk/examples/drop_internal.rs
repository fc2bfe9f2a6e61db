//! A business rule: drop records of internal tenants. `config = { field = "tenant",
//! values = ["internal", "qa"] }` (those are the defaults).

use tamis_guest::{Plugin, Verdict};

struct DropInternal;

impl Plugin for DropInternal {
    const NAME: &'static str = "drop-internal";
    const VERSION: &'static str = "1.0.0";

    fn filter(config: &str, record: &str) -> Result<Verdict, String> {
        let config: serde_json::Value =
            serde_json::from_str(config).map_err(|_| "config is not JSON".to_owned())?;
        let field = config
            .get("field")
            .and_then(|v| v.as_str())
            .unwrap_or("tenant");
        let values: Vec<&str> = match config.get("values").and_then(|v| v.as_array()) {
            Some(list) => list.iter().filter_map(|v| v.as_str()).collect(),
            None => vec!["internal", "qa"],
        };
        let record: serde_json::Value =
            serde_json::from_str(record).map_err(|_| "a record is not JSON".to_owned())?;
        let tenant = record.get(field).and_then(|v| v.as_str());
        Ok(match tenant {
            Some(t) if values.contains(&t) => Verdict::Drop,
            _ => Verdict::Keep,
        })
    }
}

tamis_guest::export_plugin!(DropInternal);
