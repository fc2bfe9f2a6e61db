//! The one "covered" rule of summaries. A covered summary shows counts, nulls, distinct and
//! lengths only: never a value, an extreme, a quantile or a sample of raw values. Arrays in
//! records (`array.rs`), DataFrame columns (`column.rs`) and `tamis summarize` (`records.rs`)
//! all ask here, so every front end covers the same summaries.
//!
//! A summary is covered, failing closed, when:
//! - a whole-value rule applies where its values are (the caller asks once, at the start);
//! - its values are deeper than `max_depth` (no rule could be checked there);
//! - a value is a container (its fields may be masked);
//! - a string is longer than `max_string_bytes` (too long to scan);
//! - a detector or pattern finds something in a string, an integer's text or the integer text
//!   of an integral float (`4111111111111111.0`), as detectors scan them in records.

use crate::engine::scratch::{NodeInfo, Scratch};
use crate::engine::walk::integral_text;
use crate::policy::Policy;
use crate::record::tree::is_integer_text;

/// A value a summary reads, as the covered rule sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seen<'a> {
    /// A number as JSON text (or as a front end's digits).
    Number(&'a str),
    /// A string.
    Str(&'a str),
    /// An array or object.
    Container,
}

impl Policy {
    /// Whether `seen`, read where `info` says (`None`: beyond `max_depth`), makes its summary
    /// covered. Runs the detectors that run there; `sx` is the summariser's working memory.
    pub(crate) fn covers(&self, seen: Seen<'_>, info: Option<NodeInfo>, sx: &mut Scratch) -> bool {
        let Some(info) = info else {
            return true;
        };
        match seen {
            Seen::Container => true,
            Seen::Str(s) => {
                s.len() as u64 > self.doc.limits.max_string_bytes || self.find(s, info, sx)
            }
            Seen::Number(text) if is_integer_text(text) => self.find(text, info, sx),
            Seen::Number(text) => integral_text(text).is_some_and(|i| self.find(&i, info, sx)),
        }
    }
}
