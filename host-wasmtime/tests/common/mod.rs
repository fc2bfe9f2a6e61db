//! What the hostile-plugin test programs share: records, registration, a health check.

#![allow(
    dead_code,
    clippy::unwrap_used,
    reason = "test helpers; not every program uses each"
)]

use tamis_host::testing::{Guest, component};
use tamis_host::{Decision, Host, Limits, OnError, Plugin};

pub const RECORDS: [&str; 3] = [r#"{"a":1}"#, r#"{"b":"x"}"#, r#"{"c":[1,2]}"#];
pub const MAX_RECORD: u64 = 1 << 20;

/// Registers a test guest with `limits` (`on_error = "drop"`).
pub fn register(g: &Guest<'_>, limits: Limits) -> Result<Plugin, String> {
    Host::global()
        .unwrap()
        .register("t", &component(g), b"{}".to_vec(), limits, OnError::Drop)
        .map_err(|e| e.to_string())
}

/// Registers a test guest with the default limits.
pub fn plugin(g: &Guest<'_>) -> Plugin {
    register(g, Limits::default()).unwrap()
}

/// A well-behaved plugin, to show the host is healthy after each hostile one.
pub fn healthy() {
    let p = plugin(&Guest::default());
    assert_eq!(
        p.filter(&RECORDS, MAX_RECORD).decisions,
        Ok(vec![Decision::Keep; 3])
    );
}
