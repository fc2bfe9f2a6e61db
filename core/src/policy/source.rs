//! Reading a policy document from TOML or JSON, and turning positions into line and column.
//!
//! Both formats are read into the same [`PolicyDoc`]. Mistakes found while compiling carry a
//! document path (`rule[2].paths[0]`); [`Source`] turns that path back into a line and column of
//! the text the policy came from.

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::String;
use core::fmt::Write as _;
use serde::Deserialize as _;
use toml::de::{DeTable, DeValue};

use crate::error::{ErrorKind, PolicyError};
use crate::policy::model::PolicyDoc;

/// Largest policy text accepted, in bytes.
pub const MAX_POLICY_BYTES: usize = 4 << 20;

/// One step of a document path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(&'static str),
    Index(usize),
}

/// Renders `rule[2].paths[0]`.
pub(crate) fn render_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

/// The text a policy was read from, kept until compiling is done so errors can be located.
pub(crate) enum Source<'a> {
    Toml(&'a str, toml::Spanned<DeTable<'a>>),
    Json(&'a str),
}

impl Source<'_> {
    /// Line and column (1-based) of the value at `path`, or of its nearest ancestor that exists.
    pub(crate) fn locate(&self, path: &[Seg]) -> Option<(u32, u32)> {
        match self {
            Self::Toml(text, root) => {
                let mut span = root.span();
                let mut cur: Option<&DeValue<'_>> = None;
                let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
                for seg in path {
                    let next = match (seg, table, cur) {
                        (Seg::Key(k), Some(t), _) => t
                            .iter()
                            .find(|(key, _)| key.get_ref().as_ref() == *k)
                            .map(|(_, v)| v),
                        (Seg::Key(_), None, Some(v)) => None.or_else(|| v.get(seg_key(seg))),
                        (Seg::Index(i), _, Some(v)) => v.get(*i),
                        _ => None,
                    };
                    let Some(next) = next else { break };
                    span = next.span();
                    cur = Some(next.get_ref());
                    table = next.get_ref().as_table();
                }
                Some(line_col(text, span.start))
            }
            Self::Json(text) => json_locate(text, path).map(|off| line_col(text, off)),
        }
    }
}

fn seg_key(seg: &Seg) -> &str {
    match seg {
        Seg::Key(k) => k,
        Seg::Index(_) => "",
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (to_u32(line), to_u32(col))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn check_size(text: &str) -> Result<(), PolicyError> {
    if text.len() > MAX_POLICY_BYTES {
        return Err(PolicyError::new(
            ErrorKind::Limit,
            format!(
                "the policy is {} bytes, more than the limit of {MAX_POLICY_BYTES}",
                text.len()
            ),
        )
        .help("split the policy, or move large value lists out of it"));
    }
    Ok(())
}

/// Reads a TOML policy document.
pub(crate) fn from_toml(text: &str) -> Result<(PolicyDoc, Source<'_>), PolicyError> {
    check_size(text)?;
    let table = DeTable::parse(text).map_err(|e| toml_error(text, &e))?;
    let de = toml::de::Deserializer::from(table.clone());
    let doc = PolicyDoc::deserialize(de).map_err(|e| {
        let err = toml_error(text, &e);
        // Name the rule (or test) the mistake is in.
        match e.span().and_then(|span| entry_at(&table, span.start)) {
            Some((path, id)) => err.rule(&id).doc_path(path),
            None => err,
        }
    })?;
    Ok((doc, Source::Toml(text, table)))
}

/// The `rule[i]` / `test[i]` / `allow[i]` entry whose table holds `offset`, and its id or name.
fn entry_at(table: &toml::Spanned<DeTable<'_>>, offset: usize) -> Option<(String, String)> {
    for (section, id_key) in [("rule", "id"), ("test", "name"), ("allow", "id")] {
        let Some((_, entries)) = table
            .get_ref()
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == section)
        else {
            continue;
        };
        let Some(items) = entries.get_ref().as_array() else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            // An array-of-tables item spans only its `[[header]]`; extend it over its entries.
            let mut extent = item.span();
            for (k, v) in item.get_ref().as_table().into_iter().flatten() {
                extent.start = extent.start.min(k.span().start);
                extent.end = extent.end.max(v.span().end);
            }
            if extent.contains(&offset) {
                let id = item
                    .get_ref()
                    .get(id_key)
                    .and_then(|v| v.get_ref().as_str())
                    .unwrap_or("");
                return Some((format!("{section}[{i}]"), id.to_owned()));
            }
        }
    }
    None
}

fn toml_error(text: &str, e: &toml::de::Error) -> PolicyError {
    let message = e.message().trim_end_matches('\n').trim_end_matches('.');
    let (kind, help) = classify(message);
    let message = crate::error::without_input(message);
    let mut err = PolicyError::new(kind, lowercase_first(&message)).help(help);
    if let Some(span) = e.span() {
        let (l, c) = line_col(text, span.start);
        err = err.at(l, c);
    }
    err
}

/// Reads a JSON policy document.
pub(crate) fn from_json(text: &str) -> Result<(PolicyDoc, Source<'_>), PolicyError> {
    check_size(text)?;
    let doc: PolicyDoc = serde_json::from_str(text).map_err(|e| {
        let full = format!("{e}");
        let message = full
            .rsplit_once(" at line ")
            .map_or(full.as_str(), |(m, _)| m);
        let (kind, help) = if e.is_syntax() || e.is_eof() {
            (ErrorKind::Syntax, "fix the JSON syntax at this position")
        } else {
            classify(message)
        };
        PolicyError::new(kind, lowercase_first(&crate::error::without_input(message)))
            .help(help)
            .at(to_u32(e.line()), to_u32(e.column()))
    })?;
    Ok((doc, Source::Json(text)))
}

fn classify(message: &str) -> (ErrorKind, &'static str) {
    if message.starts_with("unknown field") {
        (
            ErrorKind::UnknownKey,
            "remove the key or fix its spelling; the policy language lists every key it knows",
        )
    } else if message.starts_with("missing field") {
        (ErrorKind::InvalidValue, "add the missing key")
    } else if message.starts_with("invalid type: map, expected a sequence") {
        (
            ErrorKind::InvalidValue,
            "this key holds a list of tables: in TOML write `[[name]]` with two brackets for each \
             entry (`[[rule]]`, `[[retention]]`, `[[summarize]]`, `[[access.grant]]`)",
        )
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        (
            ErrorKind::InvalidValue,
            "give the key a value of the expected type",
        )
    } else {
        (ErrorKind::Syntax, "fix the syntax at this position")
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => s.to_owned(),
    }
}

// ---- a small JSON scanner that finds where the value at a path starts ----

fn json_locate(text: &str, path: &[Seg]) -> Option<usize> {
    let b = text.as_bytes();
    let mut pos = skip_ws(b, 0);
    let mut best = pos;
    for seg in path {
        let found = match seg {
            Seg::Key(k) => json_find_member(b, pos, k)?,
            Seg::Index(i) => json_find_item(b, pos, *i)?,
        };
        pos = found;
        best = pos;
    }
    Some(best)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// Returns the end of the string starting at `i` (which holds `"`), and its raw contents.
fn json_string(b: &[u8], i: usize) -> Option<(usize, &[u8])> {
    let start = i + 1;
    let mut j = start;
    loop {
        match b.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some((j + 1, b.get(start..j)?)),
            _ => j += 1,
        }
    }
}

/// Returns the position just after the value starting at `i`.
fn json_skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => Some(json_string(b, i)?.0),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = json_string(b, j)?.0;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while !matches!(
                b.get(j),
                None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            ) {
                j += 1;
            }
            Some(j)
        }
    }
}

fn json_find_member(b: &[u8], i: usize, key: &str) -> Option<usize> {
    if b.get(i)? != &b'{' {
        return None;
    }
    let mut j = skip_ws(b, i + 1);
    while b.get(j)? == &b'"' {
        let (end, raw) = json_string(b, j)?;
        j = skip_ws(b, end);
        if b.get(j)? != &b':' {
            return None;
        }
        j = skip_ws(b, j + 1);
        if raw == key.as_bytes() {
            return Some(j);
        }
        j = skip_ws(b, json_skip_value(b, j)?);
        if b.get(j)? == &b',' {
            j = skip_ws(b, j + 1);
        }
    }
    None
}

fn json_find_item(b: &[u8], i: usize, index: usize) -> Option<usize> {
    if b.get(i)? != &b'[' {
        return None;
    }
    let mut j = skip_ws(b, i + 1);
    for _ in 0..index {
        j = skip_ws(b, json_skip_value(b, j)?);
        if b.get(j)? != &b',' {
            return None;
        }
        j = skip_ws(b, j + 1);
    }
    Some(j)
}

/// Builds a located error for a mistake at `path` of the document.
pub(crate) fn error_at(
    source: &Source<'_>,
    path: &[Seg],
    kind: ErrorKind,
    message: impl Into<String>,
    help: impl Into<String>,
    id: &str,
) -> PolicyError {
    let mut err = PolicyError::new(kind, message).help(help).rule(id);
    if !path.is_empty() {
        err = err.doc_path(render_path(path));
    }
    if let Some((l, c)) = source.locate(path) {
        err = err.at(l, c);
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    #[test]
    fn json_locator_finds_nested_values() {
        let text = "{\n  \"rule\": [\n    {\"id\": \"a\"},\n    {\"id\": \"b\", \"paths\": [\"x\", \"y..z\"]}\n  ]\n}";
        let path = vec![
            Seg::Key("rule"),
            Seg::Index(1),
            Seg::Key("paths"),
            Seg::Index(1),
        ];
        let off = json_locate(text, &path).unwrap();
        assert_eq!(line_col(text, off), (4, 32));
        let keys: Vec<Seg> = Vec::new();
        assert_eq!(json_locate(text, &keys), Some(0));
    }
}
