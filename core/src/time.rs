//! RFC 3339 times, without a clock: core never reads the time, callers pass `now`.

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type EpochMillis = i64;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number since 1970-01-01 (the inverse of [`days_from_civil`]).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

/// RFC 3339 in UTC with milliseconds: `2026-12-07T09:30:00.000Z`.
#[must_use]
pub fn format_rfc3339(ms: EpochMillis) -> alloc::string::String {
    let days = ms.div_euclid(86_400_000);
    let rest = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    alloc::format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000
    )
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let s = b.get(at..at + n)?;
    let mut v = 0u32;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

/// The date a text starts with: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, and how many of the three
/// parts it has. For a full date the text may go on with a time (`T` or space).
pub(crate) fn date_prefix(s: &str) -> Option<(u32, u32, u32, u8)> {
    let b = s.as_bytes();
    let y = digits(b, 0, 4)?;
    if b.len() == 4 {
        return Some((y, 1, 1, 1));
    }
    if b.get(4) != Some(&b'-') {
        return None;
    }
    let m = digits(b, 5, 2)?;
    if !(1..=12).contains(&m) {
        return None;
    }
    if b.len() == 7 {
        return Some((y, m, 1, 2));
    }
    if b.get(7) != Some(&b'-') {
        return None;
    }
    let d = digits(b, 8, 2)?;
    if d == 0 || d > days_in_month(i64::from(y), m) {
        return None;
    }
    if b.len() == 10 {
        return Some((y, m, d, 3));
    }
    // A time must follow; check it is a real RFC 3339 date-time.
    parse_rfc3339(s)?;
    Some((y, m, d, 3))
}

/// Parses an RFC 3339 date-time (`2024-03-05T10:20:30.5+01:00`, `Z`, `t`/space separator).
#[must_use]
pub fn parse_rfc3339(s: &str) -> Option<EpochMillis> {
    match parse_date_time(s)? {
        (local, Some(offset_min)) => Some(local - offset_min * 60_000),
        (_, None) => None,
    }
}

/// A date-time without a zone (`2024-03-05T10:20:30`, `2024-03-05 10:20:30.5`, as pandas and
/// many loggers write local times): its milliseconds as if it were UTC. `None` for anything
/// else, a zoned time included.
#[must_use]
pub fn parse_naive(s: &str) -> Option<EpochMillis> {
    match parse_date_time(s)? {
        (local, None) => Some(local),
        (_, Some(_)) => None,
    }
}

/// A date-time's milliseconds as written (before its offset is applied) and its offset in
/// minutes, `None` when it has none.
fn parse_date_time(s: &str) -> Option<(EpochMillis, Option<i64>)> {
    let b = s.as_bytes();
    let y = digits(b, 0, 4)?;
    let m = digits(b, 5, 2)?;
    let d = digits(b, 8, 2)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || !(1..=12).contains(&m) {
        return None;
    }
    if d == 0 || d > days_in_month(i64::from(y), m) {
        return None;
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let hh = digits(b, 11, 2)?;
    let mm = digits(b, 14, 2)?;
    let ss = digits(b, 17, 2)?;
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let mut i = 19;
    let mut millis = 0u32;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 3 {
                millis = millis * 10 + u32::from(b.get(i).copied().unwrap_or(b'0') - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..3 {
            millis *= 10;
        }
    }
    let offset_min = match b.get(i) {
        None => None,
        Some(b'Z' | b'z') if b.len() == i + 1 => Some(0),
        Some(_) => Some(parse_offset(b.get(i..)?)?),
    };
    let days = days_from_civil(i64::from(y), m, d);
    let secs = days * 86_400 + i64::from(hh) * 3600 + i64::from(mm) * 60 + i64::from(ss.min(59));
    Some((secs * 1000 + i64::from(millis), offset_min))
}

/// `+HH:MM` or `-HH:MM`, in minutes east of UTC.
pub(crate) fn parse_offset(b: &[u8]) -> Option<i64> {
    let sign = *b.first()?;
    if b.len() != 6 || b.get(3) != Some(&b':') || !matches!(sign, b'+' | b'-') {
        return None;
    }
    let oh = i64::from(digits(b, 1, 2)?);
    let om = i64::from(digits(b, 4, 2)?);
    if oh > 23 || om > 59 {
        return None;
    }
    let o = oh * 60 + om;
    Some(if sign == b'-' { -o } else { o })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2000-01-01T00:00:00Z"), Some(946_684_800_000));
        assert_eq!(
            parse_rfc3339("2000-01-01T01:00:00.250+01:00"),
            Some(946_684_800_250)
        );
        assert_eq!(
            parse_rfc3339("2024-02-29T12:00:00Z"),
            Some(1_709_208_000_000)
        );
        assert_eq!(parse_rfc3339("2023-02-29T12:00:00Z"), None);
        assert_eq!(parse_rfc3339("2024-02-01"), None);
        assert_eq!(date_prefix("2024-02"), Some((2024, 2, 1, 2)));
        assert_eq!(date_prefix("2024-13"), None);
    }

    #[test]
    fn formats_and_round_trips() {
        for ms in [0, 946_684_800_250, 1_709_208_000_000, -86_400_001] {
            assert_eq!(parse_rfc3339(&format_rfc3339(ms)), Some(ms));
        }
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn naive_times_are_told_apart() {
        assert_eq!(parse_rfc3339("2000-01-01T00:00:00"), None);
        assert_eq!(parse_naive("2000-01-01T00:00:00"), Some(946_684_800_000));
        assert_eq!(parse_naive("2000-01-01 00:00:00.5"), Some(946_684_800_500));
        assert_eq!(parse_naive("2000-01-01T00:00:00Z"), None);
        assert_eq!(parse_naive("2000-01-01T00:00:00+01:00"), None);
        assert_eq!(parse_naive("2000-01-01T00:00:00 "), None);
        assert_eq!(parse_offset(b"-05:30"), Some(-330));
        assert_eq!(parse_offset(b"+24:00"), None);
    }
}
