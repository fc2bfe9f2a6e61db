//! Masks one field of every record (`config = { field = "user.email" }`, a dotted path): the
//! same job as a built-in `paths = ["user.email"]` rule, used to measure what a plugin costs.

use tamis_guest::{Plugin, Verdict};

struct MaskField;

impl Plugin for MaskField {
    const NAME: &'static str = "mask-field";
    const VERSION: &'static str = "1.0.0";

    fn filter(config: &str, record: &str) -> Result<Verdict, String> {
        let config: serde_json::Value =
            serde_json::from_str(config).map_err(|_| "config is not JSON".to_owned())?;
        let field = config
            .get("field")
            .and_then(|v| v.as_str())
            .unwrap_or("email");
        let mut v: serde_json::Value =
            serde_json::from_str(record).map_err(|_| "a record is not JSON".to_owned())?;
        let pointer = format!("/{}", field.replace('.', "/"));
        match v.pointer_mut(&pointer) {
            Some(x) => *x = serde_json::Value::String("[REDACTED]".into()),
            None => return Ok(Verdict::Keep),
        }
        let text = serde_json::to_string(&v).map_err(|_| "cannot write a record".to_owned())?;
        Ok(Verdict::Replace(text.into_bytes()))
    }
}

tamis_guest::export_plugin!(MaskField);
