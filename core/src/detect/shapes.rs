//! The shapes the word pass checks where a word starts: phone numbers (E.164 and national
//! formats), card numbers (IIN ranges and Luhn), US SSNs, IBANs (mod 97), IPv4 and MAC
//! addresses; and the IPv6 part of `ip`, which has its own pass.

use alloc::vec::Vec;

use super::{at, before, eq_ignore_case, is_alnum, is_word, run};
use crate::action::luhn_valid;
use crate::net;

/// Working memory of the word pass (`scan_words`) (it holds the digits of the last candidate, so its `Debug`
/// prints nothing of them).
#[derive(Default)]
pub(crate) struct WordScratch {
    pub(super) groups: Vec<(usize, usize)>,
    pub(super) digits: Vec<u8>,
}

impl WordScratch {
    /// Drops the digits and groups of the last text scanned.
    pub(crate) fn forget(&mut self) {
        *self = WordScratch::default();
    }
}

impl core::fmt::Debug for WordScratch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("WordScratch")
    }
}

// ---- digit groups (phones, cards, SSNs) ----

/// Digit groups from `i`: runs of digits joined by one separator (space, `-`, `.`, or `(`/`)`
/// with an optional space). Returns the groups and whether any group was in parentheses.
fn digit_groups(b: &[u8], mut i: usize, groups: &mut Vec<(usize, usize)>) -> bool {
    groups.clear();
    let mut paren = false;
    loop {
        let open = at(b, i) == b'(';
        if open {
            i += 1;
        }
        let start = i;
        let n = run(b, i, 20, |c| c.is_ascii_digit());
        if n == 0 {
            break;
        }
        i += n;
        groups.push((start, i));
        if groups.len() >= 8 {
            break;
        }
        if open {
            if at(b, i) != b')' {
                break;
            }
            paren = true;
            i += 1;
            if at(b, i) == b' ' && at(b, i + 1).is_ascii_digit() {
                i += 1;
            }
            continue;
        }
        match (at(b, i), at(b, i + 1)) {
            (b' ' | b'-' | b'.', d) if d.is_ascii_digit() => i += 1,
            (b' ' | b'-', b'(') if at(b, i + 2).is_ascii_digit() => i += 1,
            _ => break,
        }
    }
    paren
}

/// A digit run may start at `i`: a digit (or `(`) not glued to a word or another number.
pub(super) fn number_start(b: &[u8], i: usize) -> bool {
    let p = before(b, i);
    // `1.5` / `2024-03`: a digit after `.` or `-` that follows a digit continues a number.
    let glued = matches!(p, b'.' | b'-') && before(b, i.saturating_sub(1)).is_ascii_digit();
    !(is_word(p) || glued)
}

/// A number may end before `i`.
fn number_end(b: &[u8], i: usize) -> bool {
    let c = at(b, i);
    let glued = matches!(c, b'.' | b'-' | b'/' | b':') && at(b, i + 1).is_ascii_digit();
    !(is_word(c) || glued)
}

// ---- phone ----

fn phone_shape(
    plus: bool,
    paren: bool,
    lens: &[usize],
    digits: usize,
    d0: u8,
    b: &[u8],
    groups: &[(usize, usize)],
) -> bool {
    let n = lens.len();
    if plus {
        // E.164: a country code and 8-15 digits in all.
        return (8..=15).contains(&digits)
            && (n > 1 || digits >= 10)
            && lens.first().is_some_and(|&l| l <= 4 || n == 1);
    }
    // Separators are required for national formats: bare digit runs are order numbers.
    if n < 2 {
        return false;
    }
    let second = groups.get(1).map_or(0, |g| at(b, g.0));
    match (digits, d0) {
        // 00 + country code.
        (11..=15, b'0') if at(b, groups.first().map_or(0, |g| g.0 + 1)) == b'0' => true,
        // US/CA: NXX NXX XXXX, (NXX) NXX-XXXX.
        (10, b'2'..=b'9') if lens == [3, 3, 4] => (b'2'..=b'9').contains(&second),
        // US/CA with the country code 1.
        (11, b'1') if lens == [1, 3, 3, 4] => true,
        // FR: 0X XX XX XX XX.
        (10, b'0') if lens == [2, 2, 2, 2, 2] => second != 0,
        // TR: 0AAA BBB CC CC (11 digits).
        (11, b'0') if lens == [4, 3, 2, 2] => true,
        // UK 0XX XXXX XXXX, 0XXX XXX XXXX, 0XXXX XXXXXX; DE 0AAA SSSSSSS (10-12 digits).
        (10..=12, b'0') => {
            (3..=5).contains(&lens.first().copied().unwrap_or(0)) && n <= 3 && !paren
                || paren && n == 2
        }
        // ES: 9 digits from 6-9, as 3-3-3, 3-2-2-2 or 2-3-2-2.
        (9, b'6'..=b'9') => matches!(lens, [3, 3, 3] | [3, 2, 2, 2] | [2, 3, 2, 2]),
        // IN: 10 digits from 6-9 as 5-5.
        (10, b'6'..=b'9') if lens == [5, 5] => true,
        _ => false,
    }
}

// ---- credit cards ----

/// Whether the leading digits are in a current card network's IIN ranges, for this length.
fn iin_known(d: &[u8]) -> bool {
    let n = |k: usize| -> u32 {
        d.iter()
            .take(k)
            .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'))
    };
    let len = d.len();
    match d.first() {
        Some(b'4') => matches!(len, 13 | 16 | 19),
        Some(b'5') => {
            (51..=55).contains(&n(2)) && len == 16
                || (50..=59).contains(&n(2)) && (12..=19).contains(&len)
        }
        Some(b'2') => {
            (2221..=2720).contains(&n(4)) && len == 16
                || (2200..=2204).contains(&n(4)) && (16..=19).contains(&len)
        }
        Some(b'3') => {
            (n(2) == 34 || n(2) == 37) && len == 15
                || ((300..=305).contains(&n(3)) || n(2) == 36 || n(2) == 38 || n(2) == 39)
                    && (14..=19).contains(&len)
                || (3528..=3589).contains(&n(4)) && (16..=19).contains(&len)
        }
        Some(b'6') => (16..=19).contains(&len),
        Some(b'1') => n(1) == 1 && len == 15,
        _ => false,
    }
}

// ---- US SSN ----

// ---- IBAN ----

/// IBAN length by country code.
const IBAN_LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"BH", 22),
    (b"BI", 27),
    (b"BR", 29),
    (b"BY", 28),
    (b"CH", 21),
    (b"CR", 22),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DJ", 27),
    (b"DK", 18),
    (b"DO", 28),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FK", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IQ", 23),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LC", 32),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"LY", 25),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MK", 19),
    (b"MN", 20),
    (b"MR", 27),
    (b"MT", 31),
    (b"MU", 30),
    (b"NI", 28),
    (b"NL", 18),
    (b"NO", 15),
    (b"OM", 23),
    (b"PK", 24),
    (b"PL", 28),
    (b"PS", 29),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"RU", 33),
    (b"SA", 24),
    (b"SC", 31),
    (b"SD", 18),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"SO", 23),
    (b"ST", 25),
    (b"SV", 28),
    (b"TL", 23),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VA", 22),
    (b"VG", 24),
    (b"XK", 20),
];

fn iban_valid(chars: &[u8]) -> bool {
    // Move the first four characters to the end; letters count as 10..35; mod 97 must be 1.
    let mut rem = 0u32;
    for &c in chars.iter().skip(4).chain(chars.iter().take(4)) {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// The longest run of IPv6 characters (hex digits, `:` and `.`) that can hold one address
/// (`ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255` is 45), with room for dots around it.
const IPV6_RUN_MAX: usize = 64;

pub(super) fn find_ipv6(b: &[u8], out: &mut Vec<(usize, usize)>) {
    let is_v6 = |c: u8| c.is_ascii_hexdigit() || c == b':' || c == b'.';
    let mut from = 0;
    while let Some(rel) = memchr::memchr(b':', b.get(from..).unwrap_or(&[])) {
        let colon = from + rel;
        // The whole run around the colon, read once: the next search starts after it.
        let mut start = colon;
        while start > from && is_v6(before(b, start)) {
            start -= 1;
        }
        let end = colon + run(b, colon, usize::MAX, is_v6);
        from = end.max(colon + 1);
        if end - start > IPV6_RUN_MAX {
            continue;
        }
        let mut s = start;
        let mut e = end;
        while e > s && at(b, e - 1) == b'.' {
            e -= 1;
        }
        while s < e && at(b, s) == b'.' {
            s += 1;
        }
        if is_word(before(b, s)) || is_word(at(b, e)) {
            continue;
        }
        // At least 4 hex digits: `fe80::1` is an address, `a::b` is a C++ or Rust path (and
        // `::1`, the loopback address, identifies no one).
        if b.get(s..e)
            .and_then(net::ipv6)
            .is_some_and(|a| a.hex_digits >= 4)
        {
            out.push((s, e));
        }
    }
}

/// A phone number starting at `i` (a digit, `+` or `(`): its end, or where to try next.
pub(super) fn phone_at(
    b: &[u8],
    i: usize,
    groups: &mut Vec<(usize, usize)>,
) -> Result<usize, usize> {
    let c = at(b, i);
    let plus = c == b'+' && (at(b, i + 1).is_ascii_digit() || at(b, i + 1) == b'(');
    let start_ok = (plus || c.is_ascii_digit() || (c == b'(' && at(b, i + 1).is_ascii_digit()))
        && number_start(b, i);
    if !start_ok {
        return Err(i + 1);
    }
    let first = if plus { i + 1 } else { i };
    let paren = digit_groups(b, first, groups);
    let Some(&(_, last_end)) = groups.last() else {
        return Err(i + 1);
    };
    let end = if at(b, last_end) == b')' {
        last_end + 1
    } else {
        last_end
    };
    let mut lens = [0usize; 8];
    for (slot, (s, e)) in lens.iter_mut().zip(groups.iter()) {
        *slot = e - s;
    }
    let lens = lens.get(..groups.len()).unwrap_or(&[]);
    let digits: usize = lens.iter().sum();
    let d0 = at(b, groups.first().map_or(0, |g| g.0));
    let end = extension(b, end).unwrap_or(end);
    if number_end(b, end) && phone_shape(plus, paren, lens, digits, d0, b, groups) {
        Ok(end)
    } else if c == b'(' {
        // `(020 7946 0958)`: the parenthesis wraps the number; try again from its first digit.
        Err(i + 1)
    } else {
        Err(end)
    }
}

/// The end of a phone extension at `i` (`x23`, ` ext. 23`, `ext23`), if one is there.
fn extension(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + usize::from(at(b, i) == b' ');
    if eq_ignore_case(b, j, b"ext") {
        j += 3 + usize::from(at(b, j + 3) == b'.');
    } else if at(b, j) | 0x20 == b'x' {
        j += 1;
    } else {
        return None;
    }
    j += usize::from(at(b, j) == b' ');
    let n = run(b, j, 7, |c| c.is_ascii_digit());
    ((1..=6).contains(&n) && !is_word(at(b, j + n))).then_some(j + n)
}

/// Separators between the digit groups of a card number: ` ` and `-` as printed; `.`, `/`,
/// `_` and tab as typed to get past a scanner.
pub(super) fn card_sep(c: u8) -> bool {
    matches!(c, b' ' | b'-' | b'.' | b'/' | b'_' | b'\t')
}

/// The longest valid card number starting at the digit run at `i`.
pub(super) fn card_at(b: &[u8], i: usize, ws: &mut WordScratch) -> Option<usize> {
    // Groups joined by single separators, mixed or not.
    let groups = &mut ws.groups;
    groups.clear();
    let mut j = i;
    loop {
        let n = run(b, j, 20, |c| c.is_ascii_digit());
        groups.push((j, j + n));
        j += n;
        match (at(b, j), at(b, j + 1)) {
            (c, d) if card_sep(c) && d.is_ascii_digit() && groups.len() < 8 => j += 1,
            _ => break,
        }
    }
    if is_word(at(b, j)) && at(b, j) != b'_' {
        return None;
    }
    let mut best = None;
    let mut total = 0;
    // Separators other than ` ` and `-` need the shape of a printed card (groups of 3 to 6
    // digits, at least three): `4111.111111111111` is a decimal number, not a card.
    let mut typed = false;
    let mut printed_shape = true;
    ws.digits.clear();
    for (k, &(s, e)) in groups.iter().enumerate() {
        total += e - s;
        if total > 19 {
            break;
        }
        typed |= k > 0 && !matches!(at(b, s - 1), b' ' | b'-');
        printed_shape &= (3..=6).contains(&(e - s));
        ws.digits.extend_from_slice(b.get(s..e).unwrap_or(&[]));
        if total >= 13
            && (!typed || printed_shape && k >= 2)
            && iin_known(&ws.digits)
            && luhn_valid(&ws.digits)
        {
            best = Some(k);
        }
    }
    let k = best?;
    let &(_, e) = groups.get(k)?;
    // A card's digits are not glued to a longer number by `.`, `:` or `/`.
    (number_end(b, e) || k + 1 < groups.len()).then_some(e)
}

pub(super) fn ssn_at(b: &[u8], i: usize) -> Option<usize> {
    let sep = at(b, i + 3);
    let ok = matches!(sep, b'-' | b' ' | b'.')
        && at(b, i + 6) == sep
        && run(b, i, 4, |c| c.is_ascii_digit()) == 3
        && run(b, i + 4, 3, |c| c.is_ascii_digit()) == 2
        && run(b, i + 7, 5, |c| c.is_ascii_digit()) == 4
        && number_end(b, i + 11)
        && !(sep == b' ' && at(b, i + 11) == b' ' && at(b, i + 12).is_ascii_digit());
    if !ok {
        return None;
    }
    let num = |s: usize, n: usize| {
        b.get(s..s + n).map_or(0, |d| {
            d.iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'))
        })
    };
    let (area, group, serial) = (num(i, 3), num(i + 4, 2), num(i + 7, 4));
    (area != 0 && area != 666 && area < 900 && group != 0 && serial != 0).then_some(i + 11)
}

/// An IBAN at `i`, in either case, grouped by four with spaces or dashes (or not at all).
pub(super) fn iban_at(b: &[u8], i: usize, chars: &mut Vec<u8>) -> Option<usize> {
    if !(at(b, i + 1).is_ascii_alphabetic()
        && at(b, i + 2).is_ascii_digit()
        && at(b, i + 3).is_ascii_digit())
    {
        return None;
    }
    let cc = [
        at(b, i).to_ascii_uppercase(),
        at(b, i + 1).to_ascii_uppercase(),
    ];
    let len = IBAN_LENGTHS
        .iter()
        .find(|(code, _)| **code == cc)
        .map(|(_, l)| *l)?;
    chars.clear();
    let mut sep = None;
    let mut j = i;
    while chars.len() < len {
        let c = at(b, j);
        if c.is_ascii_alphanumeric() {
            chars.push(c.to_ascii_uppercase());
            j += 1;
        } else if matches!(c, b' ' | b'-')
            && sep.is_none_or(|s| s == c)
            && chars.len().is_multiple_of(4)
            && is_alnum(at(b, j + 1))
        {
            sep = Some(c);
            j += 1;
        } else {
            break;
        }
    }
    (chars.len() == len && !is_word(at(b, j)) && iban_valid(chars)).then_some(j)
}

pub(super) fn ipv4_at(b: &[u8], i: usize) -> Option<usize> {
    let (n, _) = net::ipv4_at(b, i)?;
    let end = i + n;
    (!(is_word(at(b, end)) || at(b, end) == b'.' && at(b, end + 1).is_ascii_digit())).then_some(end)
}

pub(super) fn mac_at(b: &[u8], i: usize) -> Option<usize> {
    let hex2 = |i: usize| at(b, i).is_ascii_hexdigit() && at(b, i + 1).is_ascii_hexdigit();
    // 00:1a:2b:3c:4d:5e or 00-1A-2B-3C-4D-5E.
    let sep = at(b, i + 2);
    if matches!(sep, b':' | b'-')
        && (0..6).all(|k| hex2(i + 3 * k) && (k == 5 || at(b, i + 3 * k + 2) == sep))
    {
        let end = i + 17;
        return (!is_word(at(b, end)) && at(b, end) != sep).then_some(end);
    }
    // 001a.2b3c.4d5e.
    let quad = |j: usize| hex2(j) && hex2(j + 2);
    let cisco =
        quad(i) && at(b, i + 4) == b'.' && quad(i + 5) && at(b, i + 9) == b'.' && quad(i + 10);
    (cisco && !is_word(at(b, i + 14)) && at(b, i + 14) != b'.').then_some(i + 14)
}
