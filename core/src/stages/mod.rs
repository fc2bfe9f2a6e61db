//! Record-level stages that run before masking: `[access]` (drop records of a trace type the
//! context's roles may not see), `[[retention]]` (drop expired records, remove expired fields)
//! and `[[plugin]]` (run by the host); and what the host screens plugins' output against.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{ErrorKind, PolicyError};
use crate::policy::select::{Step, parse_path};
use crate::policy::source::{Seg, Source, error_at};
use crate::record::tree::{Shape, Tree};

pub(crate) mod access;
pub(crate) mod plugins;
pub(crate) mod retention;
pub(crate) mod screen;

/// A path of plain keys (no `*` / `**`), for record times and trace types.
pub(crate) fn key_path(
    p: &str,
    src: &Source<'_>,
    at: &[Seg],
    what: &str,
    id: &str,
) -> Result<Vec<String>, PolicyError> {
    let fail = |msg: String, help: &str| error_at(src, at, ErrorKind::Selector, msg, help, id);
    let steps =
        parse_path(p).map_err(|e| fail(format!("invalid path `{p}`: {}", e.message), e.help))?;
    steps
        .into_iter()
        .map(|s| match s {
            Step::Key(k) => Ok(String::from(k)),
            Step::One | Step::Any => Err(fail(
                format!("the {what} path `{p}` has `*` or `**`"),
                "name the exact keys, such as `timestamp` or `meta.created_at`",
            )),
        })
        .collect()
}

/// What a record holds at a path of keys, as far as record-level stages care.
pub(crate) enum Found {
    Missing,
    Text(String),
    Number(String),
    Other,
}

pub(crate) fn lookup<T: Tree>(record: &T, keys: &[String]) -> Found {
    let mut node = record;
    for k in keys {
        match node.child(k) {
            Some(c) => node = c,
            None => return Found::Missing,
        }
    }
    match node.shape() {
        Shape::Str(s) => Found::Text(String::from(s)),
        Shape::Int(t) | Shape::Float(t) => Found::Number(t.into_owned()),
        Shape::Null => Found::Missing,
        _ => Found::Other,
    }
}
