//! `tamis apply`: records (JSON Lines, one JSON document, or text) through the policy to
//! stdout. A policy with `[[plugin]]` goes through the plugin host instead (`plugin.rs`).

use std::io::{self, BufRead, BufWriter, Write};

use tamis_core::{Disposition, Quarantine, Run, write_quarantine_marker};

use super::{finish, setup};
use crate::io::{for_each_input, read_all_bounded, read_err, read_line_bounded};
use crate::{ApplyArgs, Fail, Format};

pub(crate) fn run(args: &ApplyArgs) -> Result<u8, Fail> {
    let (policy, ctx) = setup(&args.run)?;
    if !policy.plugins().is_empty() {
        if !matches!(args.format, Format::Jsonl) {
            return Err(Fail::usage(
                "error: plugins filter records: a policy with [[plugin]] applies to JSON Lines \
                 (--format jsonl)",
            ));
        }
        return super::plugin::apply(policy, &args.run.policy, &ctx, &args.files, &args.run);
    }
    let mut run = policy.run(ctx.clone());
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    // Input is read with a bound, so no input can make tamis buffer without limit: a JSON line
    // longer than 8 times `max_record_bytes` (core's own pre-parse bound) is quarantined unread,
    // and text held back longer than `max_string_bytes` becomes `[tamis:too_large]`.
    let max_line = policy.limits().json_text_bound();
    for_each_input(&args.files, |input| {
        match args.format {
            Format::Jsonl => apply_json_lines(&mut run, input, |bytes| {
                out.write_all(bytes).map_err(|e| Fail::out(&e))
            })?,
            Format::Json => {
                let mut bytes = Vec::new();
                buf.clear();
                let too_large = read_all_bounded(input, &mut bytes, max_line)?;
                let text = if too_large {
                    None
                } else {
                    std::str::from_utf8(&bytes).ok()
                };
                match text {
                    // The masked document, or its quarantine marker (invalid JSON, out of memory).
                    Some(t) => {
                        if let Disposition::Dropped(_) = run.json_doc(t, &mut buf) {
                            // Dropped by access or retention: nothing is written.
                            return Ok(());
                        }
                    }
                    None => {
                        run.tally_mut().count_quarantined_input();
                        let reason = if too_large {
                            Quarantine::TooLarge
                        } else {
                            Quarantine::InvalidJson
                        };
                        write_quarantine_marker(&mut buf, None, reason);
                    }
                }
                buf.push(b'\n');
                out.write_all(&buf).map_err(|e| Fail::out(&e))?;
            }
            Format::Text => {
                // Masked as one text, as it arrives: a finding may span lines (a PEM block), so
                // lines are held until no finding can reach past them (see `TextStream`).
                // Invalid UTF-8 is replaced, never passed through unscanned.
                let mut stream = policy.text_stream(&ctx);
                let mut masked = String::new();
                let mut ended_line = true;
                loop {
                    let chunk = input.fill_buf().map_err(|e| read_err(&e))?;
                    if chunk.is_empty() {
                        break;
                    }
                    let n = chunk.len();
                    masked.clear();
                    stream.push_bytes(chunk, &mut masked);
                    input.consume(n);
                    if !masked.is_empty() {
                        ended_line = masked.ends_with('\n');
                        out.write_all(masked.as_bytes())
                            .map_err(|e| Fail::out(&e))?;
                    }
                }
                masked.clear();
                stream.finish(&mut masked);
                if !masked.is_empty() {
                    ended_line = masked.ends_with('\n');
                }
                // Each input ends with a line break, as a line-oriented tool writes it.
                if !ended_line {
                    masked.push('\n');
                }
                out.write_all(masked.as_bytes())
                    .map_err(|e| Fail::out(&e))?;
                run.tally_mut().absorb(stream.tally());
            }
        }
        Ok(())
    })?;
    out.flush().map_err(|e| Fail::out(&e))?;
    finish(&args.run, &ctx, &run.report())?;
    Ok(0)
}

/// Applies the policy to each line of a JSON Lines input and hands each output line (with its
/// newline) to `emit`: the masked record, or a quarantine marker for a line that is not UTF-8,
/// not JSON, or too long.
pub(crate) fn apply_json_lines(
    run: &mut Run<'_>,
    input: &mut dyn BufRead,
    mut emit: impl FnMut(&[u8]) -> Result<(), Fail>,
) -> Result<(), Fail> {
    let max = run.policy().limits().json_text_bound();
    let mut line = Vec::with_capacity(4096);
    let mut buf = Vec::with_capacity(4096);
    let mut n = 0u64;
    while let Some(too_long) = read_line_bounded(input, &mut line, max)? {
        n += 1;
        buf.clear();
        match (too_long, std::str::from_utf8(&line)) {
            (false, Ok(text)) => {
                if let Disposition::Dropped(_) = run.json_line(text, n, &mut buf) {
                    // Dropped by access or retention: nothing is written; the report counts it.
                    continue;
                }
            }
            (too_long, _) => {
                run.tally_mut().count_quarantined_input();
                let reason = if too_long {
                    Quarantine::TooLarge
                } else {
                    Quarantine::InvalidJson
                };
                write_quarantine_marker(&mut buf, Some(n), reason);
            }
        }
        buf.push(b'\n');
        emit(&buf)?;
    }
    Ok(())
}
