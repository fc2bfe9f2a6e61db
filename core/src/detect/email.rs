//! `email`: addresses with internationalised local parts and domains.

use alloc::vec::Vec;

use super::{at, before};

// ---- email ----

fn is_local_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(&c)
}

fn is_domain_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'.'
}

/// Whether a non-ASCII character can be part of an internationalised address (RFC 6531): a
/// letter, a digit or a combining mark (`jäne`, `j̈ane`, `bücher.de`, `почта.рф`).
fn is_intl_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(u32::from(c), 0x300..=0x36F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// The non-ASCII character that ends just before `i`, with its length in bytes.
fn intl_before(b: &[u8], i: usize) -> Option<usize> {
    // The lead byte of the last character: the first byte back that is not a continuation.
    let lead = (i.saturating_sub(4)..i)
        .rev()
        .find(|&s| at(b, s) & 0xC0 != 0x80)?;
    let c = core::str::from_utf8(b.get(lead..i)?).ok()?.chars().next()?;
    (!c.is_ascii() && is_intl_char(c)).then_some(i - lead)
}

/// The non-ASCII character that starts at `i`, with its length in bytes.
fn intl_at(b: &[u8], i: usize) -> Option<usize> {
    let n = match at(b, i) {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let c = core::str::from_utf8(b.get(i..i + n)?)
        .ok()?
        .chars()
        .next()?;
    is_intl_char(c).then_some(n)
}

/// Whether the text before `start` is `scheme://user:` (or `//user:`) of a URL, so what follows
/// up to `@` is a password (found by `url_credentials`), not the local part of an email.
fn in_url_userinfo(b: &[u8], start: usize) -> bool {
    if before(b, start) != b':' {
        return false;
    }
    let mut i = start - 1;
    while i >= 2
        && !matches!(before(b, i), b' ' | b'\t' | b'\n' | b'/' | b'"' | b'\'')
        && start - i < 512
    {
        i -= 1;
    }
    i >= 2 && b.get(i - 2..i) == Some(b"//")
}

/// The longest local part or domain an email may have here, in bytes: a longer run is still
/// found whole up to this length (scanned back at most this far from each `@`, so the scan
/// stays linear).
const EMAIL_PART_MAX: usize = 256;

pub(super) fn find_emails(b: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut from = 0;
    while let Some(rel) = memchr::memchr(b'@', b.get(from..).unwrap_or(&[])) {
        let at_sign = from + rel;
        from = at_sign + 1;
        let mut start = at_sign;
        while at_sign - start < EMAIL_PART_MAX {
            if start > 0 && is_local_char(before(b, start)) {
                start -= 1;
            } else if let Some(n) = intl_before(b, start) {
                start -= n;
            } else {
                break;
            }
        }
        // Quotes and dots around an address are not part of it (`'jane@example.com'`).
        while start < at_sign && matches!(at(b, start), b'.' | b'\'' | b'`') {
            start += 1;
        }
        if start == at_sign || before(b, at_sign) == b'.' || in_url_userinfo(b, start) {
            continue;
        }
        let mut end = at_sign + 1;
        while end - at_sign <= EMAIL_PART_MAX {
            if is_domain_char(at(b, end)) {
                end += 1;
            } else if let Some(n) = intl_at(b, end) {
                end += n;
            } else {
                break;
            }
        }
        let Some(mut domain) = b.get(at_sign + 1..end) else {
            continue;
        };
        while let Some(d) = domain.strip_suffix(b".") {
            domain = d;
        }
        let mut labels = 0;
        let mut tld_ok = false;
        let mut ok = true;
        for label in domain.split(|&c| c == b'.') {
            labels += 1;
            if label.is_empty()
                || label.len() > 63 && label.is_ascii()
                || label.first() == Some(&b'-')
                || label.last() == Some(&b'-')
            {
                ok = false;
                break;
            }
            // A top-level domain: letters (`com`, `рф`) or punycode (`xn--p1ai`).
            tld_ok = label.len() >= 2
                && (label.iter().all(u8::is_ascii_alphabetic)
                    || !label.is_ascii()
                        && core::str::from_utf8(label)
                            .is_ok_and(|l| l.chars().all(char::is_alphabetic))
                    || label.len() > 4
                        && label
                            .get(..4)
                            .is_some_and(|p| p.eq_ignore_ascii_case(b"xn--")));
        }
        if ok && labels >= 2 && tld_ok {
            let end = at_sign + 1 + domain.len();
            out.push((start, end));
            from = end;
        }
    }
}
