//! `tamis explain`: which rule and action apply where, and how often. Never values.

use std::path::{Path, PathBuf};

use tamis_core::Context;

use super::apply::apply_json_lines;
use super::load_policy;
use crate::Fail;
use crate::io::for_each_input;

pub(crate) fn run(policy_path: &Path, files: &[PathBuf]) -> Result<u8, Fail> {
    // Key material is not needed: explain never shows values, hashed or not.
    let policy = load_policy(policy_path)?;
    let mut report = None;
    if !files.is_empty() {
        let mut run = policy.run(Context::default()).counting_paths();
        for_each_input(files, |input| apply_json_lines(&mut run, input, |_| Ok(())))?;
        report = Some(run.report());
    }
    let out = policy.explain(report.as_ref());
    let text = serde_json::to_string_pretty(&out).unwrap_or_default();
    crate::say(&text)?;
    Ok(0)
}
