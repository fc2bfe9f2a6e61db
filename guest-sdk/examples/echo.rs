//! Replaces every record with itself: the least a plugin that rewrites records can do. Each
//! record still crosses the sandbox both ways, and the host still checks the replacement and
//! applies the policy to it, so `bench/run` measures this plugin as the floor of what masking a
//! field in a plugin can cost (the `mask_field` comparison).

use tamis_guest::{Plugin, Verdict};

struct Echo;

impl Plugin for Echo {
    const NAME: &'static str = "echo";
    const VERSION: &'static str = "1.0.0";

    fn filter(_config: &str, record: &str) -> Result<Verdict, String> {
        Ok(Verdict::Replace(record.as_bytes().to_vec()))
    }
}

tamis_guest::export_plugin!(Echo);
