//! Record-level stages that run before masking: `[access]` (drop records of a trace type the
//! context's roles may not see) and `[[retention]]` (drop expired records, remove expired fields).
//!
//! Record times: an RFC 3339 string, or a JSON number of epoch seconds or milliseconds. A number
//! whose magnitude is below 100,000,000,000 is seconds (up to the year 5138), otherwise
//! milliseconds (from 1973-03-03 on); a fraction is allowed. Anything else, or no value at the
//! path, is a missing time: `on_missing_timestamp` decides (`expire` by default: fail closed).
//! A field or record is kept while its age is at most `max_age` (the boundary instant is kept),
//! and expired once it is older. Without a `now` from the caller every retention rule expires
//! (fail closed): core never reads a clock.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::action::Action;
use crate::apply::Context;
use crate::error::{ErrorKind, PolicyError};
use crate::model::PolicyDoc;
use crate::parse::{Seg, Source, error_at};
use crate::policy::{Rule, compile_path, is_id};
use crate::select::{PathSet, Step, Target, parse_path};
use crate::time::{EpochMillis, parse_rfc3339};
use crate::tree::{Shape, Tree};

/// One compiled `[[retention]]` rule.
#[derive(Debug)]
pub(crate) struct Retention {
    pub id: String,
    pub max_age_ms: i64,
    pub timestamp: Vec<String>,
    pub keep_missing: bool,
    /// `paths = ["$"]`: the whole record.
    pub whole_record: bool,
}

/// The compiled `[access]` table.
#[derive(Debug)]
pub(crate) struct Access {
    pub type_path: Vec<String>,
    pub default_allow: bool,
    pub grants: Vec<(Vec<String>, Vec<String>)>,
}

/// Numbers below this magnitude are epoch seconds, others epoch milliseconds.
pub const EPOCH_SECONDS_BELOW: f64 = 100_000_000_000.0;

/// Parses `"30d"`: a whole number and a unit (`s`, `m`, `h`, `d`, `w`), in milliseconds.
fn parse_age(s: &str) -> Option<i64> {
    let unit = s.chars().last()?;
    let ms: i64 = match unit {
        's' => 1000,
        'm' => 60_000,
        'h' => 3_600_000,
        'd' => 86_400_000,
        'w' => 604_800_000,
        _ => return None,
    };
    let digits = s.get(..s.len() - 1)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok()?.checked_mul(ms)
}

/// A path of plain keys (no `*` / `**`), for record times and trace types.
fn key_path(
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

/// Compiles `[[retention]]`: field retention becomes a `redact` rule that is active only for
/// records whose time has expired.
pub(crate) fn compile_retention<'d>(
    doc: &'d PolicyDoc,
    src: &Source<'_>,
    rules: &mut Vec<Rule>,
    paths: &mut PathSet,
    seen_ids: &mut Vec<&'d str>,
) -> Result<Vec<Retention>, PolicyError> {
    let mut out = Vec::new();
    for (i, r) in doc.retention.iter().enumerate() {
        let here = |field: &'static str| [Seg::Key("retention"), Seg::Index(i), Seg::Key(field)];
        let fail = |field: &'static str, kind, msg: String, help: &str| {
            error_at(src, &here(field), kind, msg, help, &r.id)
        };
        if !is_id(&r.id) {
            return Err(fail(
                "id",
                ErrorKind::InvalidValue,
                format!(
                    "retention rule {} has the id `{}`, which is not a plain id",
                    i + 1,
                    r.id
                ),
                "use letters, digits, `_`, `-` or `.`, such as `email-30d`",
            ));
        }
        if seen_ids.contains(&r.id.as_str()) {
            return Err(fail(
                "id",
                ErrorKind::DuplicateId,
                format!("the id `{}` is used twice", r.id),
                "give each rule, retention rule and summarize rule its own id",
            ));
        }
        seen_ids.push(&r.id);
        let Some(max_age_ms) = parse_age(&r.max_age) else {
            return Err(fail(
                "max_age",
                ErrorKind::InvalidValue,
                format!("`max_age = \"{}\"` is not an age", r.max_age),
                "write a whole number and a unit, s, m, h, d or w, such as \"30d\"",
            ));
        };
        let keep_missing = match r.on_missing_timestamp.as_deref() {
            None | Some("expire") => false,
            Some("keep") => true,
            Some(other) => {
                return Err(fail(
                    "on_missing_timestamp",
                    ErrorKind::InvalidValue,
                    format!("`on_missing_timestamp = \"{other}\"` is not known"),
                    "write `expire` (the default: records without a time are expired) or `keep`",
                ));
            }
        };
        let timestamp = key_path(&r.timestamp, src, &here("timestamp"), "timestamp", &r.id)?;
        if r.paths.is_empty() {
            return Err(fail(
                "paths",
                ErrorKind::Selector,
                String::from("the retention rule selects nothing"),
                "list the fields that expire, or `\"$\"` for the whole record",
            ));
        }
        let whole_record = r.paths.iter().any(|p| p == "$");
        if whole_record && r.paths.len() > 1 {
            return Err(fail(
                "paths",
                ErrorKind::Selector,
                String::from("`$` (the whole record) is listed with other paths"),
                "write `paths = [\"$\"]` alone; fields of an expired record go with it",
            ));
        }
        if !whole_record {
            let idx = u32::try_from(rules.len()).map_err(|_| {
                PolicyError::new(ErrorKind::Limit, "too many rules").help("split the policy")
            })?;
            for (j, p) in r.paths.iter().enumerate() {
                paths.add(
                    compile_path(p, src, ("retention", "paths"), i, j, &r.id)?,
                    Target::Rule(idx),
                );
            }
            rules.push(Rule {
                id: r.id.clone(),
                action: Action::Redact,
                when: None,
                detectors: Vec::new(),
                has_scope: false,
                rank: 0,
                retention: Some(out.len()),
                replacement: None,
            });
        }
        out.push(Retention {
            id: r.id.clone(),
            max_age_ms,
            timestamp,
            keep_missing,
            whole_record,
        });
    }
    Ok(out)
}

/// Compiles `[access]`.
pub(crate) fn compile_access(
    doc: &PolicyDoc,
    src: &Source<'_>,
) -> Result<Option<Access>, PolicyError> {
    let Some(a) = &doc.access else {
        return Ok(None);
    };
    let at = |field: &'static str| [Seg::Key("access"), Seg::Key(field)];
    let type_path = key_path(&a.type_path, src, &at("type_path"), "type", "")?;
    let default_allow = match a.default.as_deref() {
        None | Some("allow") => true,
        Some("deny") => false,
        Some(other) => {
            return Err(error_at(
                src,
                &at("default"),
                ErrorKind::InvalidValue,
                format!("`default = \"{other}\"` is not known"),
                "write `allow` (types no grant names are kept) or `deny` (they are dropped)",
                "",
            ));
        }
    };
    let mut grants = Vec::new();
    for (i, g) in a.grants.iter().enumerate() {
        for (name, list) in [("types", &g.types), ("roles_any", &g.roles_any)] {
            if list.is_empty() {
                return Err(error_at(
                    src,
                    &[
                        Seg::Key("access"),
                        Seg::Key("grant"),
                        Seg::Index(i),
                        Seg::Key(name),
                    ],
                    ErrorKind::InvalidValue,
                    format!("grant {} has an empty `{name}` list", i + 1),
                    "list at least one trace type and one role",
                    "",
                ));
            }
        }
        grants.push((g.types.clone(), g.roles_any.clone()));
    }
    Ok(Some(Access {
        type_path,
        default_allow,
        grants,
    }))
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

/// The record's time in epoch milliseconds, if it has a readable one.
pub(crate) fn record_time(found: &Found) -> Option<EpochMillis> {
    match found {
        Found::Text(s) => parse_rfc3339(s),
        Found::Number(t) => {
            let x: f64 = t.parse().ok()?;
            if !x.is_finite() {
                return None;
            }
            let ms = if x.abs() < EPOCH_SECONDS_BELOW {
                x * 1000.0
            } else {
                x
            };
            // Beyond ±2^62 ms there is no real time; treat it as unreadable.
            (ms.abs() < 4.6e18).then(|| libm::floor(ms) as i64)
        }
        Found::Missing | Found::Other => None,
    }
}

impl Retention {
    /// Whether the data this rule covers has expired in `record` at `now`.
    pub(crate) fn expired<T: Tree>(&self, record: &T, now: Option<EpochMillis>) -> bool {
        let Some(now) = now else { return true };
        match record_time(&lookup(record, &self.timestamp)) {
            Some(t) => now.saturating_sub(t) > self.max_age_ms,
            None => !self.keep_missing,
        }
    }
}

/// The outcome of the access check for one record.
pub(crate) enum AccessCheck {
    Allowed(Option<String>),
    Denied,
}

impl Access {
    /// Whether the context may see `record`, and the record's type (for `when = { types }`).
    /// A type that is present but not a string is denied: an unknown shape never passes.
    pub(crate) fn check<T: Tree>(&self, record: &T, ctx: &Context) -> AccessCheck {
        let ty = match lookup(record, &self.type_path) {
            Found::Text(s) => Some(s),
            Found::Missing => None,
            Found::Number(_) | Found::Other => return AccessCheck::Denied,
        };
        let mut named = false;
        let mut granted = false;
        if let Some(t) = &ty {
            for (types, roles) in &self.grants {
                if types.iter().any(|x| x == t) {
                    named = true;
                    granted |= roles.iter().any(|r| ctx.roles.contains(r));
                }
            }
        }
        if granted || (!named && self.default_allow) {
            AccessCheck::Allowed(ty)
        } else {
            AccessCheck::Denied
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages() {
        assert_eq!(parse_age("30d"), Some(30 * 86_400_000));
        assert_eq!(parse_age("1w"), Some(604_800_000));
        assert_eq!(parse_age("90s"), Some(90_000));
        assert_eq!(parse_age("5m"), Some(300_000));
        assert_eq!(parse_age("2h"), Some(7_200_000));
        for bad in ["", "d", "30", "30x", "-1d", "1.5d", "99999999999999999999d"] {
            assert_eq!(parse_age(bad), None, "{bad}");
        }
    }

    #[test]
    fn epoch_units_by_magnitude() {
        let n = |s: &str| record_time(&Found::Number(String::from(s)));
        assert_eq!(n("1700000000"), Some(1_700_000_000_000));
        assert_eq!(n("1700000000000"), Some(1_700_000_000_000));
        assert_eq!(n("1700000000.5"), Some(1_700_000_000_500));
        assert_eq!(n("99999999999"), Some(99_999_999_999_000));
        assert_eq!(n("100000000000"), Some(100_000_000_000));
        assert_eq!(n("1e300"), None);
    }
}
