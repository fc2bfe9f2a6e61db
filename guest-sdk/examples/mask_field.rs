//! Masks one field of every record (`config = { field = "user.email" }`, a dotted path): the
//! same job as a built-in `paths = ["user.email"]` rule, used to measure what a plugin costs.
//! It replaces the value in the record's text (`tamis_guest::json::replace`) instead of parsing
//! the record into a tree and writing it back, and reads its config once per instance (each
//! batch gets a fresh instance).

use std::sync::OnceLock;

use tamis_guest::{Plugin, Verdict};

struct MaskField;

/// The field's path, from the config.
static PATH: OnceLock<Result<Vec<String>, String>> = OnceLock::new();

fn path(config: &str) -> Result<&[String], String> {
    PATH.get_or_init(|| {
        let config: serde_json::Value =
            serde_json::from_str(config).map_err(|_| "config is not JSON".to_owned())?;
        let field = config
            .get("field")
            .and_then(|v| v.as_str())
            .unwrap_or("email");
        Ok(field.split('.').map(str::to_owned).collect())
    })
    .as_deref()
    .map_err(Clone::clone)
}

impl Plugin for MaskField {
    const NAME: &'static str = "mask-field";
    const VERSION: &'static str = "1.1.0";

    fn filter(config: &str, record: &str) -> Result<Verdict, String> {
        let path: Vec<&str> = path(config)?.iter().map(String::as_str).collect();
        Ok(
            match tamis_guest::json::replace(record, &path, "\"[REDACTED]\"") {
                Some(text) => Verdict::Replace(text.into_bytes()),
                None => Verdict::Keep,
            },
        )
    }
}

tamis_guest::export_plugin!(MaskField);
