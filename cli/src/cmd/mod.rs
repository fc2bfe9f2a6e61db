//! The commands, one file each, and what they share: loading the policy, its key material, and
//! the context and time records are applied for.

use std::fs;
use std::path::Path;

use tamis_core::{Context, MissingKey, Policy, Report};

use crate::{Fail, RunArgs};

pub(crate) mod apply;
pub(crate) mod check;
pub(crate) mod detectors;
pub(crate) mod diff;
pub(crate) mod explain;
pub(crate) mod playground;
pub(crate) mod plugin;
pub(crate) mod reveal;
pub(crate) mod summarize;
pub(crate) mod test;

/// Reads and compiles a policy file, in the form its name says (`.json` in any case is the
/// JSON form), to apply it: an `ext:` detector (a function of a library front end) is an error.
pub(crate) fn load_policy(path: &Path) -> Result<Policy, Fail> {
    let policy = read_policy(path)?;
    policy
        .require_detectors_bound()
        .map_err(|e| Fail::policy(e.with_file(path.display().to_string()).to_string()))?;
    Ok(policy)
}

/// Reads and compiles a policy file to check or compare it (`ext:` detectors allowed).
pub(crate) fn read_policy(path: &Path) -> Result<Policy, Fail> {
    let text = fs::read_to_string(path).map_err(|e| Fail::io("read the policy", path, &e))?;
    Policy::from_file_text(&path.display().to_string(), &text)
        .map_err(|e| Fail::policy(e.to_string()))
}

/// Gives the policy the key material its `hash` rules need, from the environment; a key without
/// it is an error before any input is read.
pub(crate) fn bind_keys_from_env(policy: Policy) -> Result<Policy, Fail> {
    let mut env = |var: &str| std::env::var_os(var).map(std::ffi::OsString::into_encoded_bytes);
    policy
        .bind_keys(&[], &mut env, MissingKey::Fail)
        .map_err(|e| Fail::policy(e.to_string()))
}

pub(crate) fn parse_context(json: Option<&str>) -> Result<Context, Fail> {
    json.map_or(Ok(Context::default()), |json| {
        Context::from_json_option(json).map_err(|e| Fail::usage(format!("error: `--context`: {e}")))
    })
}

pub(crate) fn parse_now(now: Option<&str>) -> Result<i64, Fail> {
    match now {
        Some(s) => tamis_core::parse_now(s).map_err(|e| Fail::usage(format!("error: {e}"))),
        None => {
            let since = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|_| Fail::usage("error: the system clock is before 1970"))?;
            Ok(i64::try_from(since.as_millis()).unwrap_or(i64::MAX))
        }
    }
}

/// The policy of `--policy` with its key material, and the context of `--context` at the time
/// of `--now` (default: the clock).
pub(crate) fn setup(args: &RunArgs) -> Result<(Policy, Context), Fail> {
    let policy = bind_keys_from_env(load_policy(&args.policy)?)?;
    let mut ctx = parse_context(args.context.as_deref())?;
    ctx.now = Some(parse_now(args.now.as_deref())?);
    Ok((policy, ctx))
}

/// Writes the report (counts only, never a value) to `path` as pretty JSON.
pub(crate) fn write_report(path: &Path, report: &Report) -> Result<(), Fail> {
    let json = serde_json::to_string_pretty(report).unwrap_or_default();
    fs::write(path, json + "\n").map_err(|e| Fail::io("write the report", path, &e))
}

/// Writes what a run ends with: the report (`--report`) and the audit event (`--audit`,
/// appended as one JSON line).
pub(crate) fn finish(args: &RunArgs, ctx: &Context, report: &Report) -> Result<(), Fail> {
    if let Some(path) = &args.report {
        write_report(path, report)?;
    }
    if let Some(path) = &args.audit {
        append_audit(path, &report.audit_event(ctx, ctx.now.unwrap_or(0)))?;
    }
    Ok(())
}

/// Appends one audit event to `path` as a JSON line.
pub(crate) fn append_audit(path: &Path, event: &serde_json::Value) -> Result<(), Fail> {
    use std::io::Write as _;
    let mut line = event.to_string();
    line.push('\n');
    fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(line.as_bytes()))
        .map_err(|e| Fail::io("append the audit event to", path, &e))
}
