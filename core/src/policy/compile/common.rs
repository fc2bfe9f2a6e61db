//! What every feature compiler shares: ids (one check for rules, retention, summaries and
//! plugins), paths, conditions, limits, the policy's id and the closest name for help.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt::Write as _;
use sha2::{Digest, Sha256};

use crate::context::Cond;
use crate::error::{ErrorKind, PolicyError};
use crate::policy::model::{LimitsDoc, PolicyDoc, WhenDoc};
use crate::policy::select::{Step, parse_path};
use crate::policy::source::{Seg, Source, error_at};

/// The ids of rules, retention rules, summarize rules and plugins: plain, and unique across all
/// of them (reports count by id). One check for every kind.
#[derive(Debug, Default)]
pub(crate) struct Ids<'d> {
    /// Each id claimed, with the entry that claimed it (noun, 1-based number).
    seen: Vec<(&'d str, &'static str, usize)>,
}

impl<'d> Ids<'d> {
    /// Claims `id`, the id of entry `i` of `section` (`rule`, `retention`, `summarize` or
    /// `plugin`).
    pub(crate) fn claim(
        &mut self,
        id: &'d str,
        section: &'static str,
        i: usize,
        src: &Source<'_>,
    ) -> Result<(), PolicyError> {
        let (noun, example) = match section {
            "rule" => ("rule", "email-fields"),
            "retention" => ("retention rule", "email-30d"),
            "summarize" => ("summarize rule", "big-arrays"),
            _ => ("plugin", "acme-filter"),
        };
        let at = [Seg::Key(section), Seg::Index(i), Seg::Key("id")];
        if !is_id(id) {
            return Err(error_at(
                src,
                &at,
                ErrorKind::InvalidValue,
                format!(
                    "{noun} {} has the id `{id}`, which is not a plain id",
                    i + 1
                ),
                format!("use letters, digits, `_`, `-` or `.`, such as `{example}`"),
                id,
            ));
        }
        if let Some((_, first, n)) = self.seen.iter().find(|(seen, ..)| *seen == id) {
            return Err(error_at(
                src,
                &at,
                ErrorKind::DuplicateId,
                format!(
                    "{noun} {} has the id `{id}`, which {first} {n} already has",
                    i + 1
                ),
                "give every rule, retention rule, summarize rule and plugin its own id; reports \
                 count by id",
                id,
            ));
        }
        self.seen.push((id, noun, i + 1));
        Ok(())
    }
}

/// The document's version, name and limits.
pub(crate) fn check_header(doc: &PolicyDoc, src: &Source<'_>) -> Result<(), PolicyError> {
    if doc.version != 1 {
        return Err(error_at(
            src,
            &[Seg::Key("version")],
            ErrorKind::Version,
            format!("policy language version `{}` is not supported", doc.version),
            "write `version = 1`",
            "",
        ));
    }
    if doc.name.trim().is_empty() {
        return Err(error_at(
            src,
            &[Seg::Key("name")],
            ErrorKind::InvalidValue,
            String::from("the policy `name` is empty"),
            "give the policy a name; it appears in every report",
            "",
        ));
    }
    check_limits(&doc.limits, src)
}

/// Tests give material only for keys the policy declares.
pub(crate) fn check_test_keys(doc: &PolicyDoc, src: &Source<'_>) -> Result<(), PolicyError> {
    for (i, t) in doc.tests.iter().enumerate() {
        for name in t.keys.keys() {
            if !doc.key.contains_key(name) {
                return Err(error_at(
                    src,
                    &[Seg::Key("test"), Seg::Index(i), Seg::Key("keys")],
                    ErrorKind::Key,
                    format!(
                        "test `{}` gives material for `{name}`, which is no `[key.{name}]`",
                        t.name
                    ),
                    "declare the key, or remove it from the test",
                    &t.name,
                ));
            }
        }
    }
    Ok(())
}

pub(crate) fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
}

/// The candidate within edit distance 2 of `word`, if there is one.
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let distance = |a: &str, b: &str| -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut cur = vec![i + 1];
            for (j, cb) in b.iter().enumerate() {
                let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
                let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
                let ins = cur.get(j).copied().unwrap_or(0) + 1;
                cur.push(sub.min(del).min(ins));
            }
            prev = cur;
        }
        prev.last().copied().unwrap_or(0)
    };
    candidates
        .iter()
        .map(|c| (distance(word, c), *c))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, c)| c)
}

pub(crate) fn push_unique(v: &mut Vec<u32>, x: u32) {
    if !v.contains(&x) {
        v.push(x);
    }
}

pub(crate) fn policy_id(doc: &PolicyDoc) -> String {
    let canonical = serde_json::to_vec(doc).unwrap_or_default();
    let digest = Sha256::digest(&canonical);
    let mut out = String::with_capacity(64);
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn check_limits(l: &LimitsDoc, src: &Source<'_>) -> Result<(), PolicyError> {
    let bad = |field: &'static str, msg: String, help: &str| {
        Err(error_at(
            src,
            &[Seg::Key("limits"), Seg::Key(field)],
            ErrorKind::InvalidValue,
            msg,
            help,
            "",
        ))
    };
    if !(1..=128).contains(&l.max_depth) {
        return bad(
            "max_depth",
            format!("`max_depth = {}` is out of range", l.max_depth),
            "use a depth from 1 to 128 (default 64)",
        );
    }
    if l.max_string_bytes == 0 || l.max_record_bytes == 0 || l.max_pattern_bytes == 0 {
        let field = if l.max_string_bytes == 0 {
            "max_string_bytes"
        } else if l.max_record_bytes == 0 {
            "max_record_bytes"
        } else {
            "max_pattern_bytes"
        };
        return bad(
            field,
            format!("`{field}` is 0"),
            "use a positive size in bytes, or leave the default",
        );
    }
    Ok(())
}

pub(crate) fn compile_path(
    p: &str,
    src: &Source<'_>,
    (section, field): (&'static str, &'static str),
    i: usize,
    j: usize,
    id: &str,
) -> Result<Vec<Step>, PolicyError> {
    parse_path(p).map_err(|e| {
        error_at(
            src,
            &[
                Seg::Key(section),
                Seg::Index(i),
                Seg::Key(field),
                Seg::Index(j),
            ],
            ErrorKind::Selector,
            format!("invalid path `{p}`: {}", e.message),
            e.help,
            id,
        )
    })
}

pub(crate) fn compile_when(
    w: &WhenDoc,
    src: &Source<'_>,
    section: &'static str,
    i: usize,
    id: &str,
) -> Result<Cond, PolicyError> {
    for (name, list) in [
        ("roles_any", &w.roles_any),
        ("roles_none", &w.roles_none),
        ("purposes", &w.purposes),
        ("types", &w.types),
    ] {
        if list.as_ref().is_some_and(Vec::is_empty) {
            return Err(error_at(
                src,
                &[Seg::Key(section), Seg::Index(i), Seg::Key("when")],
                ErrorKind::InvalidValue,
                format!("`when.{name}` is an empty list"),
                "list at least one value, or remove the condition",
                id,
            ));
        }
    }
    if w.roles_any.is_none() && w.roles_none.is_none() && w.purposes.is_none() && w.types.is_none()
    {
        return Err(error_at(
            src,
            &[Seg::Key(section), Seg::Index(i), Seg::Key("when")],
            ErrorKind::InvalidValue,
            String::from("`when` has no condition"),
            "use `roles_any`, `roles_none`, `purposes` or `types`, or remove `when`",
            id,
        ));
    }
    Ok(Cond {
        roles_any: w.roles_any.clone(),
        roles_none: w.roles_none.clone(),
        purposes: w.purposes.clone(),
        types: w.types.clone(),
    })
}
