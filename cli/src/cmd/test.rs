//! `tamis test`: runs the policy's `[[test]]` cases (core `run_cases`) and lists rules no case
//! exercised.

use std::path::Path;

use super::load_policy;
use crate::{Fail, say};

pub(crate) fn run(path: &Path) -> Result<u8, Fail> {
    let policy = load_policy(path)?;
    let cases = tamis_core::run_cases(&policy).map_err(|e| Fail::policy(e.to_string()))?;
    for case in &cases.cases {
        if case.passed {
            say(&format!("ok    {}", case.name))?;
            continue;
        }
        // Paths and kinds of values only: test data may be realistic.
        say(&format!("FAIL  {}", case.name))?;
        for d in case.differences.iter().take(8) {
            say(&format!("        {d}"))?;
        }
    }
    let failed = cases.failed();
    say(&format!(
        "{} passed, {failed} failed",
        cases.cases.len() - failed
    ))?;
    if !cases.idle_rules.is_empty() {
        let idle: Vec<String> = cases
            .idle_rules
            .iter()
            .map(|id| format!("`{id}`"))
            .collect();
        say(&format!("rules no test exercised: {}", idle.join(", ")))?;
    }
    Ok(u8::from(failed > 0))
}
