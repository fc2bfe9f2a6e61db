//! Which path a record takes, decided in one place:
//!
//! - a JSON text more than 8 times `max_record_bytes` long is quarantined unread;
//! - one pass over the text, no tree (`stream.rs`), when only path rules are in force and the
//!   text is within the limits;
//! - else the text is parsed, and the walk skips members no rule can reach when the text's
//!   length and nesting are within the limits (nothing beneath can change or break a limit);
//! - else (a tree given by a front end) the full walk.

use alloc::vec::Vec;

use super::scratch::Scratch;
use super::{Entry, Run};
use crate::policy::Policy;
use crate::record::json::{Doc, Measure, Unparsed};
use crate::record::tree::Tree;
use crate::report::{Disposition, Quarantine, Tally, quarantine_marker, write_json};

/// A JSON text applied in one pass (what it became), or parsed for the walk.
enum Parsed<'a> {
    Streamed(Disposition),
    Tree((Doc<'a>, Measure)),
}

impl Policy {
    /// [`Policy::walk_record`]; for a tree parsed from a text whose length and nesting are within
    /// the limits, members that no rule can reach are not walked (nothing there can change or
    /// break a limit). The bytes a walk counts (keys, strings unescaped, numbers, literals) are
    /// fewer than the text's: every string has two quotes, every number a separator or bracket
    /// after it (a normalised exponent adds one `+`); no string is longer than the text.
    pub(super) fn walk_measured<T: Tree>(
        &self,
        value: &mut T,
        measured: Option<Measure>,
        sx: &mut Scratch,
        tally: &mut Tally,
        failures: u64,
    ) -> Disposition {
        let limits = &self.doc.limits;
        sx.skip_untouched = measured.is_some_and(|m| {
            m.deepest <= limits.max_depth as usize
                && m.len as u64 <= limits.max_record_bytes
                && m.len as u64 <= limits.max_string_bytes
        });
        let d = self.walk_record(value, sx, tally, failures);
        sx.skip_untouched = false;
        d
    }
}

impl Run<'_> {
    /// Applies the policy to a record's JSON text (see the module's documentation) and appends
    /// the output to `out`: the masked record, a quarantine marker (naming `line_no` when
    /// given), or nothing when it is dropped.
    pub(super) fn json_text(
        &mut self,
        line: &str,
        line_no: Option<u64>,
        entry: Entry,
        out: &mut Vec<u8>,
    ) -> Disposition {
        let policy = self.policy;
        let (ctx, sx, tally) = (&self.ctx, &mut self.sx, &mut self.tally);
        // Out of memory anywhere in the record (parse tree, walk, output) quarantines it: what
        // was written for it is thrown away.
        let failures = tamis_reserve::failures();
        let mark = out.len();
        // Records are measured by content (see `max_record_bytes`); a line more than 8 times that
        // long cannot be within the limit for any ordinary spelling, so it is not even parsed.
        let too_large = line.len() > policy.doc.limits.json_text_bound();
        let parsed = if too_large {
            Err(Quarantine::TooLarge)
        } else if crate::faults::hit(crate::faults::Point::Parse) {
            Err(Quarantine::InvalidJson)
        } else if let Some(d) = policy.apply_json_streamed(line, entry, ctx, sx, tally, out) {
            Ok(Parsed::Streamed(d))
        } else {
            Doc::parse_text_measured(line)
                .map(Parsed::Tree)
                .map_err(|e| match e {
                    Unparsed::NotJson => Quarantine::InvalidJson,
                    Unparsed::NoMemory => Quarantine::OutOfMemory,
                })
        };
        let mut disposition = match parsed {
            Ok(Parsed::Streamed(d)) => d,
            Ok(Parsed::Tree((mut doc, measure))) => {
                let d = policy.apply_measured(&mut doc, Some(measure), entry, ctx, sx, tally);
                if d == Disposition::Kept && doc.write(out).is_err() {
                    tally.recount_kept_as_quarantined();
                    Disposition::Quarantined(Quarantine::OutOfMemory)
                } else {
                    d
                }
            }
            Err(reason) => {
                tally.records_in += u64::from(entry == Entry::Fresh);
                tally.quarantined += 1;
                Disposition::Quarantined(reason)
            }
        };
        if tamis_reserve::failures() != failures {
            match disposition {
                Disposition::Kept => {
                    tally.recount_kept_as_quarantined();
                    disposition = Disposition::Quarantined(Quarantine::OutOfMemory);
                }
                Disposition::Quarantined(_) => {
                    disposition = Disposition::Quarantined(Quarantine::OutOfMemory);
                }
                // Nothing is written for a dropped record.
                Disposition::Dropped(_) => {}
            }
        }
        if disposition != Disposition::Kept {
            out.truncate(mark);
        }
        if let Disposition::Quarantined(q) = disposition {
            write_json(&quarantine_marker(line_no, q), out);
        }
        disposition
    }
}
