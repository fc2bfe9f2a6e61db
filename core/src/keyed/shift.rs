//! `shift_date`: dates and times moved by a whole number of days derived, with the key, from
//! another field of the record (the entity, such as `patient.id`), so every date of one entity
//! moves the same way and the intervals between them survive. Format and precision stay:
//! `2024-03-05`, RFC 3339 date-times (any offset, fraction, or none), epoch seconds or
//! milliseconds as numbers. Reversible with the key and the entity.

use alloc::string::String;
use core::fmt::Write as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::stages::retention::EPOCH_SECONDS_BELOW;
use crate::time::{civil_from_days, days_from_civil};

/// The offset in days for `entity` (the entity value's text): uniform over
/// `[-max_days, -1] ∪ [1, max_days]`, never 0.
pub(crate) fn offset_days(key: &Hmac<Sha256>, entity: &[u8], max_days: u32) -> i64 {
    let mut mac = key.clone();
    mac.update(entity);
    let digest = mac.finalize().into_bytes();
    let mut word = [0u8; 8];
    word.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
    let v = u64::from_be_bytes(word);
    let span = 2 * u64::from(max_days.max(1));
    let k = i64::try_from(v % span).unwrap_or(0);
    let max = i64::from(max_days.max(1));
    // 0..span → -max..-1, 1..max
    if k < max { k - max } else { k - max + 1 }
}

/// Moves a date or date-time text by `days`; `None` when `s` is neither (or the result falls
/// outside the years 0000 to 9999).
pub(crate) fn shift_text(s: &str, days: i64) -> Option<String> {
    let b = s.as_bytes();
    let is_date = b.len() == 10 && crate::time::date_prefix(s).is_some_and(|d| d.3 == 3);
    let is_time = crate::time::parse_rfc3339(s).is_some() || crate::time::parse_naive(s).is_some();
    if !is_date && !is_time {
        return None;
    }
    let (y, m, d, _) = crate::time::date_prefix(s.get(..10)?)?;
    let (y2, m2, d2) = civil_from_days(days_from_civil(i64::from(y), m, d) + days);
    if !(0..=9999).contains(&y2) {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    let _ = write!(out, "{y2:04}-{m2:02}-{d2:02}");
    out.push_str(s.get(10..)?);
    Some(out)
}

/// Moves an epoch number (seconds below 10^11, else milliseconds; a fraction kept as written)
/// by `days`; `None` for anything else (an exponent, a result beyond ±2^53).
pub(crate) fn shift_epoch(text: &str, days: i64) -> Option<String> {
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) if !f.is_empty() && f.bytes().all(|c| c.is_ascii_digit()) => (i, Some(f)),
        Some(_) => return None,
        None => (text, None),
    };
    let digits = int.strip_prefix('-').unwrap_or(int);
    if digits.is_empty() || digits.len() > 16 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if int.starts_with('-') && frac.is_some() {
        // The fraction of a negative number counts the other way: not moved here.
        return None;
    }
    let v: i64 = int.parse().ok()?;
    #[expect(clippy::cast_precision_loss, reason = "a magnitude test")]
    let unit = if (v.unsigned_abs() as f64) < EPOCH_SECONDS_BELOW {
        86_400
    } else {
        86_400_000
    };
    let shifted = v.checked_add(days.checked_mul(unit)?)?;
    #[expect(clippy::cast_precision_loss, reason = "a magnitude test")]
    let same_unit = ((shifted.unsigned_abs() as f64) < EPOCH_SECONDS_BELOW) == (unit == 86_400);
    // Moved across 10^11 the number would read as the other unit: not moved (and `reveal`
    // never meets a number it would move back by the wrong unit).
    if shifted.unsigned_abs() > (1 << 53) || !same_unit {
        return None;
    }
    if shifted < 0 && frac.is_some() {
        return None;
    }
    let mut out = String::new();
    let _ = write!(out, "{shifted}");
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trips() {
        for z in [-719_468, -1, 0, 1, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    #[test]
    fn texts_and_numbers_move_by_whole_days() {
        assert_eq!(shift_text("2024-02-28", 1).as_deref(), Some("2024-02-29"));
        assert_eq!(shift_text("2024-03-01", -1).as_deref(), Some("2024-02-29"));
        assert_eq!(
            shift_text("2023-12-31T23:59:59.123+05:30", 1).as_deref(),
            Some("2024-01-01T23:59:59.123+05:30")
        );
        assert_eq!(
            shift_text("2024-01-01 10:00:00", 10).as_deref(),
            Some("2024-01-11 10:00:00")
        );
        assert_eq!(shift_text("2024-01-01x", 1), None);
        assert_eq!(shift_text("hello", 1), None);
        assert_eq!(shift_text("0000-01-01", -1), None);
        assert_eq!(shift_epoch("1700000000", 1).as_deref(), Some("1700086400"));
        assert_eq!(
            shift_epoch("1700000000000", -1).as_deref(),
            Some("1699913600000")
        );
        assert_eq!(
            shift_epoch("1700000000.25", 1).as_deref(),
            Some("1700086400.25")
        );
        assert_eq!(shift_epoch("1e9", 1), None);
        // 1973 in milliseconds, moved below 10^11 (which reads as seconds): not moved.
        assert_eq!(shift_epoch("101000000000", -65), None);
    }

    #[test]
    fn offsets_are_never_zero_and_bounded() {
        let key = <Hmac<Sha256> as Mac>::new_from_slice(b"k").unwrap();
        for i in 0..2000u32 {
            let o = offset_days(&key, &i.to_be_bytes(), 30);
            assert!(o != 0 && (-30..=30).contains(&o), "{o}");
        }
    }
}
