//! `tamis reveal`: the output of `encrypt`, `fpe` and `shift_date` turned back into the values,
//! for a context that the policy's `[reveal]` section allows. JSON Lines in, JSON Lines out,
//! one line per line: the revealed record, or a marker naming the line when it cannot be read
//! (`tamis_quarantined`) or revealed (`tamis_reveal_refused`, with the path, rule and reason;
//! nothing is guessed). Each refusal is also said on stderr, without the value.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use serde_json::{Value, json};
use tamis_core::RevealCounts;

use super::{append_audit, bind_keys_from_env, load_policy, parse_context, parse_now};
use crate::Fail;
use crate::io::{for_each_input, read_line_bounded};

#[derive(Debug, clap::Args)]
pub(crate) struct RevealArgs {
    /// The policy file (`.toml`, or `.json` for the JSON form); its keys come from the
    /// environment variables its `[key.*]` sections name.
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,
    /// Who reveals and why, as JSON: `{"roles":["support-lead"],"purpose":"incident"}`.
    #[arg(long, value_name = "JSON")]
    context: Option<String>,
    /// The time the audit event gives, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Append one audit event (JSON Lines: who, when, how many values per rule; never a value
    /// or a token) to this file.
    #[arg(long, value_name = "FILE")]
    audit: Option<PathBuf>,
    /// JSON Lines input files (default: stdin).
    files: Vec<PathBuf>,
}

pub(crate) fn run(args: &RevealArgs) -> Result<u8, Fail> {
    let policy = bind_keys_from_env(load_policy(&args.policy)?)?;
    let mut ctx = parse_context(args.context.as_deref())?;
    ctx.now = Some(parse_now(args.now.as_deref())?);
    if let Err(e) = policy.may_reveal(&ctx) {
        if let Some(path) = &args.audit {
            append_audit(
                path,
                &policy.reveal_denied_event(&ctx, ctx.now.unwrap_or(0)),
            )?;
        }
        return Err(Fail::policy(e.to_string()));
    }
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut counts = RevealCounts::default();
    let max = policy.limits().json_text_bound();
    let mut line = Vec::with_capacity(4096);
    let mut n = 0u64;
    for_each_input(&args.files, |input| {
        while let Some(too_long) = read_line_bounded(input, &mut line, max)? {
            n += 1;
            let parsed = if too_long {
                Err("too_large")
            } else {
                std::str::from_utf8(&line)
                    .ok()
                    .and_then(|t| serde_json::from_str::<Value>(t).ok())
                    .ok_or("invalid_json")
            };
            let written = match parsed {
                Err(reason) => {
                    counts.quarantined += 1;
                    json!({"tamis_quarantined": {"line": n, "reason": reason}})
                }
                Ok(mut record) => match policy.reveal_value(&mut record, &mut counts) {
                    Ok(()) => record,
                    Err(refusal) => {
                        eprintln!("line {n}: {refusal}");
                        json!({"tamis_reveal_refused": {
                            "line": n,
                            "path": refusal.path,
                            "rule": refusal.rule,
                            "reason": refusal.reason,
                        }})
                    }
                },
            };
            let mut text = written.to_string();
            text.push('\n');
            out.write_all(text.as_bytes()).map_err(|e| Fail::out(&e))?;
        }
        Ok(())
    })?;
    out.flush().map_err(|e| Fail::out(&e))?;
    if let Some(path) = &args.audit {
        append_audit(
            path,
            &counts.audit_event(&policy, &ctx, ctx.now.unwrap_or(0)),
        )?;
    }
    Ok(0)
}
