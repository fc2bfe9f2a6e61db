//! `[[retention]]`: how long data may be kept.
//!
//! Record times: an RFC 3339 string, or a JSON number of epoch seconds or milliseconds. A number
//! whose magnitude is below 100,000,000,000 is seconds (up to the year 5138), otherwise
//! milliseconds (from 1973-03-03 on); a fraction is allowed. Anything else, or no value at the
//! path, is a missing time: `on_missing_timestamp` decides (`expire` by default: fail closed).
//! A date-time without a zone (`2024-03-05T10:20:30`) is read in the zone `assume_timezone`
//! names (`"UTC"` or a fixed offset such as `"+01:00"`); without it, it is a missing time and
//! counted per rule in the report (`retention_without_time_zone`), so a drop says why.
//! A field or record is kept while its age is at most `max_age` (the boundary instant is kept),
//! and expired once it is older. Without a `now` from the caller every retention rule expires
//! (fail closed): core never reads a clock.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{Found, key_path, lookup};
use crate::action::Action;
use crate::error::{ErrorKind, PolicyError};
use crate::policy::compile::common::{Ids, compile_path};
use crate::policy::model::PolicyDoc;
use crate::policy::rule::Rule;
use crate::policy::select::{PathSet, Target};
use crate::policy::source::{Seg, Source, error_at};
use crate::record::tree::Tree;
use crate::time::{EpochMillis, parse_naive, parse_offset, parse_rfc3339};

/// One compiled `[[retention]]` rule.
#[derive(Debug)]
pub(crate) struct Retention {
    pub id: String,
    pub max_age_ms: i64,
    pub timestamp: Vec<String>,
    pub keep_missing: bool,
    /// `paths = ["$"]`: the whole record.
    pub whole_record: bool,
    /// `assume_timezone`, in minutes east of UTC: the zone of times written without one.
    pub assume_offset_min: Option<i64>,
}

/// A record's time, as retention reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecordTime {
    At(EpochMillis),
    /// A date-time without a zone, and no `assume_timezone`.
    NoTimeZone,
    Missing,
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

/// Compiles `[[retention]]`: field retention becomes a `redact` rule that is active only for
/// records whose time has expired.
pub(crate) fn compile<'d>(
    doc: &'d PolicyDoc,
    src: &Source<'_>,
    rules: &mut Vec<Rule>,
    paths: &mut PathSet,
    ids: &mut Ids<'d>,
) -> Result<Vec<Retention>, PolicyError> {
    let mut out = Vec::new();
    for (i, r) in doc.retention.iter().enumerate() {
        let here = |field: &'static str| [Seg::Key("retention"), Seg::Index(i), Seg::Key(field)];
        let fail = |field: &'static str, kind, msg: String, help: &str| {
            error_at(src, &here(field), kind, msg, help, &r.id)
        };
        ids.claim(&r.id, "retention", i, src)?;
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
        let assume_offset_min = match r.assume_timezone.as_deref() {
            None => None,
            Some(z) if z.eq_ignore_ascii_case("utc") || z == "Z" => Some(0),
            Some(z) => Some(parse_offset(z.as_bytes()).ok_or_else(|| {
                fail(
                    "assume_timezone",
                    ErrorKind::InvalidValue,
                    format!("`assume_timezone = \"{z}\"` is not UTC or a fixed offset"),
                    "write \"UTC\" or an offset such as \"+01:00\"; named zones are not supported \
                     (their offset changes with daylight saving time)",
                )
            })?),
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
            assume_offset_min,
        });
    }
    Ok(out)
}

/// The record's time: epoch milliseconds when it has a readable one. A date-time without a zone
/// is read at `assume_offset_min` when given.
pub(crate) fn record_time(found: &Found, assume_offset_min: Option<i64>) -> RecordTime {
    match found {
        Found::Text(s) => match parse_rfc3339(s) {
            Some(t) => RecordTime::At(t),
            None => match (parse_naive(s), assume_offset_min) {
                (Some(local), Some(o)) => RecordTime::At(local - o * 60_000),
                (Some(_), None) => RecordTime::NoTimeZone,
                (None, _) => RecordTime::Missing,
            },
        },
        Found::Number(t) => {
            let Some(x) = t.parse::<f64>().ok().filter(|x| x.is_finite()) else {
                return RecordTime::Missing;
            };
            let ms = if x.abs() < EPOCH_SECONDS_BELOW {
                x * 1000.0
            } else {
                x
            };
            // Beyond ±2^62 ms there is no real time; treat it as unreadable.
            if ms.abs() < 4.6e18 {
                RecordTime::At(libm::floor(ms) as i64)
            } else {
                RecordTime::Missing
            }
        }
        Found::Missing | Found::Other => RecordTime::Missing,
    }
}

impl Retention {
    /// Whether the data this rule covers has expired in `record` at `now`, and whether the
    /// record's time was read as missing because it has no zone.
    pub(crate) fn expired<T: Tree>(&self, record: &T, now: Option<EpochMillis>) -> (bool, bool) {
        let Some(now) = now else { return (true, false) };
        match record_time(&lookup(record, &self.timestamp), self.assume_offset_min) {
            RecordTime::At(t) => (now.saturating_sub(t) > self.max_age_ms, false),
            RecordTime::NoTimeZone => (!self.keep_missing, true),
            RecordTime::Missing => (!self.keep_missing, false),
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
        let n = |s: &str| record_time(&Found::Number(String::from(s)), None);
        assert_eq!(n("1700000000"), RecordTime::At(1_700_000_000_000));
        assert_eq!(n("1700000000000"), RecordTime::At(1_700_000_000_000));
        assert_eq!(n("1700000000.5"), RecordTime::At(1_700_000_000_500));
        assert_eq!(n("99999999999"), RecordTime::At(99_999_999_999_000));
        assert_eq!(n("100000000000"), RecordTime::At(100_000_000_000));
        assert_eq!(n("1e300"), RecordTime::Missing);
    }

    #[test]
    fn naive_times_take_the_assumed_zone() {
        let t = |s: &str, o| record_time(&Found::Text(String::from(s)), o);
        assert_eq!(t("2000-01-01T00:00:00", None), RecordTime::NoTimeZone);
        assert_eq!(
            t("2000-01-01T00:00:00", Some(0)),
            RecordTime::At(946_684_800_000)
        );
        assert_eq!(
            t("2000-01-01T01:00:00", Some(60)),
            RecordTime::At(946_684_800_000)
        );
        assert_eq!(
            t("2000-01-01T00:00:00Z", Some(60)),
            RecordTime::At(946_684_800_000)
        );
        assert_eq!(t("yesterday", Some(0)), RecordTime::Missing);
    }
}
