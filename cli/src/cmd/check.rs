//! `tamis check`: the policy compiles; which keys it reads from where.

use std::path::Path;

use super::read_policy;
use crate::{Fail, say};

pub(crate) fn run(path: &Path) -> Result<u8, Fail> {
    let policy = read_policy(path)?;
    let doc = policy.document();
    say(&format!(
        "ok: policy `{}` ({} rules, {} tests), id {}",
        policy.name(),
        doc.rules.len(),
        doc.tests.len(),
        policy.id()
    ))?;
    for (name, env, id) in policy.required_keys() {
        say(&format!(
            "key `{name}` (id `{id}`) is read from the environment variable `{env}`"
        ))?;
    }
    for (rule, message) in policy.warnings() {
        eprintln!(
            "{}: warning[idempotence]: {message} (in `{rule}`)",
            path.display()
        );
    }
    Ok(0)
}
