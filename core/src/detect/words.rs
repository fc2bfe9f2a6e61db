//! One pass over word starts serves the word-anchored scanners (phone, credit_card, us_ssn,
//! iban, the IPv4 part of `ip`, mac): bytes are classified 16 at a time into 64-bit masks, and
//! only the starts a wanted scanner can begin at reach the shapes in `shapes.rs`.

use alloc::vec::Vec;
use wide::u8x16;

use super::shapes::{
    WordScratch, card_at, card_sep, iban_at, ipv4_at, mac_at, number_start, phone_at, ssn_at,
};
use super::{Kind, at, before, is_word, run};
use crate::bytes::{bits, lanes_eq, lanes_in};

// ---- MAC addresses ----

// ---- one pass over word starts: phone, card, SSN, IBAN, IPv4, MAC ----

/// The scanners anchored at word starts, in the order of the `resume` slots of [`scan_words`].
pub(super) const WORD_KINDS: [Kind; 6] = [
    Kind::Phone,
    Kind::CreditCard,
    Kind::UsSsn,
    Kind::Iban,
    Kind::Ip,
    Kind::Mac,
];

/// Whether a UUID (`8-4-4-4-12` hex digits, either case) starts at `i` and ends there.
fn uuid_at(b: &[u8], i: usize) -> bool {
    let Some(u) = b.get(i..i + 36) else {
        return false;
    };
    u.iter().enumerate().all(|(k, &c)| {
        if matches!(k, 8 | 13 | 18 | 23) {
            c == b'-'
        } else {
            c.is_ascii_hexdigit()
        }
    }) && !is_word(at(b, i + 36))
        && at(b, i + 36) != b'-'
}

/// Runs the word-anchored scanners in `kinds` in one pass over the text: each word start (and
/// each `+` or `(` for phones) is offered to every scanner that can start there, so the text is
/// read once however many of them are enabled. A scanner does not start again inside its own
/// last finding.
pub(crate) fn scan_words(
    kinds: &[Kind],
    b: &[u8],
    ws: &mut WordScratch,
    out: &mut Vec<(Kind, usize, usize)>,
) {
    let on = |k: Kind| kinds.contains(&k);
    let (phone, card, ssn, iban, ip, mac) = (
        on(Kind::Phone),
        on(Kind::CreditCard),
        on(Kind::UsSsn),
        on(Kind::Iban),
        on(Kind::Ip),
        on(Kind::Mac),
    );
    // Where each scanner may start again (the end of its last finding).
    let (mut r_phone, mut r_card, mut r_ssn, mut r_iban, mut r_ip, mut r_mac) = (0, 0, 0, 0, 0, 0);
    let wanted = Wanted {
        iban,
        mac,
        plus_paren: phone,
    };
    for_each_start(b, wanted, |i| {
        let c = at(b, i);
        // A UUID (8-4-4-4-12 hex digits, however many of them are decimal) is an identifier of
        // something, never a card, phone or SSN: nothing starts inside it.
        if c.is_ascii_hexdigit() && uuid_at(b, i) {
            r_phone = r_phone.max(i + 36);
            r_card = r_card.max(i + 36);
            r_ssn = r_ssn.max(i + 36);
            return;
        }
        if c.is_ascii_alphabetic() {
            // A word starting with a letter: only an IBAN (`DE89...`, checked by shape first)
            // or a MAC address (below) can start here.
            if iban
                && i >= r_iban
                && at(b, i + 1).is_ascii_alphabetic()
                && at(b, i + 2).is_ascii_digit()
                && let Some(e) = iban_at(b, i, &mut ws.digits)
            {
                out.push((Kind::Iban, i, e));
                r_iban = e;
            }
        } else if !is_word(c) {
            // `+` or `(`: only phones start there.
            if i >= r_phone {
                match phone_at(b, i, &mut ws.groups) {
                    Ok(e) => {
                        out.push((Kind::Phone, i, e));
                        r_phone = e;
                    }
                    Err(skip) => r_phone = r_phone.max(skip),
                }
            }
            return;
        }
        // A word starts at `i` (the byte before it is not a word byte). What can start at a
        // digit follows from the length of its digit run and the byte after it: `123ms` starts
        // nothing, a national phone number or a grouped card continues with a separator.
        let digits = if c.is_ascii_digit() {
            run(b, i, 20, |d| d.is_ascii_digit())
        } else {
            0
        };
        let next = at(b, i + digits);
        let card_next = card_sep(next) && at(b, i + digits + 1).is_ascii_digit();
        if card
            && digits > 0
            && next == b'_'
            && card_next
            && i >= r_card
            && number_start(b, i)
            && let Some(e) = card_at(b, i, ws)
        {
            // `4111_1111_...`: `_` is a word byte, so only a card can start here.
            out.push((Kind::CreditCard, i, e));
            r_card = e;
        }
        if digits > 0 && !is_word(next) && number_start(b, i) {
            let sep = matches!(next, b' ' | b'-');
            // A national phone number has at least two digit groups: the separator must be
            // followed by a digit or `(`.
            let after = at(b, i + digits + 1);
            if phone
                && i >= r_phone
                && (sep || next == b'.')
                && (after.is_ascii_digit() || after == b'(')
            {
                match phone_at(b, i, &mut ws.groups) {
                    Ok(e) => {
                        out.push((Kind::Phone, i, e));
                        r_phone = e;
                    }
                    Err(skip) => r_phone = r_phone.max(skip),
                }
            }
            if card
                && i >= r_card
                && (digits >= 13 || card_next)
                && let Some(e) = card_at(b, i, ws)
            {
                out.push((Kind::CreditCard, i, e));
                r_card = e;
            }
            if ssn
                && i >= r_ssn
                && digits == 3
                && (sep || next == b'.')
                && let Some(e) = ssn_at(b, i)
            {
                out.push((Kind::UsSsn, i, e));
                r_ssn = e;
            }
        }
        if ip
            && digits > 0
            && digits <= 3
            && next == b'.'
            && i >= r_ip
            && !matches!(before(b, i), b'.' | b':')
            && let Some(e) = ipv4_at(b, i)
        {
            out.push((Kind::Ip, i, e));
            r_ip = e;
        }
        if mac
            && c.is_ascii_hexdigit()
            && i >= r_mac
            && (matches!(at(b, i + 2), b':' | b'-') || at(b, i + 4) == b'.')
            && !matches!(before(b, i), b':' | b'-' | b'.')
            && let Some(e) = mac_at(b, i)
        {
            out.push((Kind::Mac, i, e));
            r_mac = e;
        }
    });
}

/// Which positions [`for_each_start`] offers besides word starts at a digit.
#[derive(Clone, Copy)]
struct Wanted {
    /// Word starts where an IBAN can start: two letters and a digit.
    iban: bool,
    /// Word starts where a MAC address can start: a hex digit with `:` or `-` two bytes on or
    /// `.` four bytes on.
    mac: bool,
    /// Every `+` and `(`.
    plus_paren: bool,
}

/// Calls `f` with each position of `b`, in order, where a word starts (an ASCII letter, digit
/// or `_` after a byte that is none of them) with a digit or with a letter that a wanted
/// scanner can start at, and, if wanted, each `+` and `(`; and some more letter word starts in
/// the last four bytes of each 64-byte block (the scanners check them). Bytes are classified 16 at a time (SIMD: SSE2, wasm `simd128`, NEON, or
/// plain arrays elsewhere) into 64-bit masks, so text without candidates costs a few
/// operations per 16 bytes.
fn for_each_start(b: &[u8], want: Wanted, mut f: impl FnMut(usize)) {
    let mut carry = 0u64;
    let mut base = 0;
    let mut blocks = b.chunks_exact(64);
    for chunk in &mut blocks {
        let mut bytes = [0u8; 64];
        bytes.copy_from_slice(chunk);
        starts_in_block(&bytes, base, want, &mut carry, &mut f);
        base += 64;
    }
    let rest = blocks.remainder();
    if !rest.is_empty() {
        // Zero bytes are neither word bytes nor wanted.
        let mut bytes = [0u8; 64];
        if let Some(head) = bytes.get_mut(..rest.len()) {
            head.copy_from_slice(rest);
        }
        starts_in_block(&bytes, base, want, &mut carry, &mut f);
    }
}

/// [`for_each_start`] on one block of 64 bytes at `base`; `carry` says whether the byte
/// before the block is a word byte.
fn starts_in_block(
    bytes: &[u8; 64],
    base: usize,
    want: Wanted,
    carry: &mut u64,
    f: &mut impl FnMut(usize),
) {
    let mut m = Classes::default();
    for (k, sixteen) in bytes.chunks_exact(16).enumerate() {
        let mut lanes = [0u8; 16];
        lanes.copy_from_slice(sixteen);
        m.add(classify16(u8x16::new(lanes), want), 16 * k);
    }
    let starts = m.word & !((m.word << 1) | *carry);
    *carry = m.word >> 63;
    // Letters that can start an IBAN (two letters and a digit) or a MAC address (a hex digit
    // with `:` or `-` two bytes on, or `.` four bytes on). What follows the block is not known
    // here: the last bytes are offered whatever follows (the scanners check).
    let mut letters = 0;
    if want.iban {
        letters |= m.upper & ((m.upper >> 1) | 1 << 63) & ((m.digit >> 2) | 3 << 62);
    }
    if want.mac {
        letters |= (m.digit | m.hex_letter) & ((m.sep >> 2) | (m.dot >> 4) | 0xF << 60);
    }
    let mut hits = (starts & (m.digit | letters)) | m.plus_paren;
    while hits != 0 {
        f(base + hits.trailing_zeros() as usize);
        hits &= hits - 1;
    }
}

/// Classes of bytes as bit masks (byte k to bit k). Bytes from 0x80 are in no class.
#[derive(Default)]
struct Classes {
    /// ASCII letters, digits and `_`.
    word: u64,
    digit: u64,
    /// `A`-`Z` and `a`-`z` (when IBANs are wanted).
    upper: u64,
    /// `a`-`f` and `A`-`F` (when MAC addresses are wanted).
    hex_letter: u64,
    /// `:` and `-` (when MAC addresses are wanted).
    sep: u64,
    /// `.` (when MAC addresses are wanted).
    dot: u64,
    /// `+` and `(` (when phone numbers are wanted).
    plus_paren: u64,
}

impl Classes {
    /// Adds the 16-bit masks of `c` at bit `at`.
    fn add(&mut self, c: Classes, at: usize) {
        self.word |= c.word << at;
        self.digit |= c.digit << at;
        self.upper |= c.upper << at;
        self.hex_letter |= c.hex_letter << at;
        self.sep |= c.sep << at;
        self.dot |= c.dot << at;
        self.plus_paren |= c.plus_paren << at;
    }
}

/// The classes `want` needs of 16 bytes, as 16-bit masks.
fn classify16(v: u8x16, want: Wanted) -> Classes {
    let digit = lanes_in(v, b'0', b'9');
    let upper = lanes_in(v, b'A', b'Z');
    let lower = lanes_in(v, b'a', b'z');
    let mut c = Classes {
        word: bits(digit | upper | lower | lanes_eq(v, b'_')),
        digit: bits(digit),
        ..Classes::default()
    };
    if want.iban {
        c.upper = bits(upper | lower);
    }
    if want.mac {
        c.hex_letter = bits(lanes_in(v | u8x16::splat(0x20), b'a', b'f'));
        c.sep = bits(lanes_eq(v, b':') | lanes_eq(v, b'-'));
        c.dot = bits(lanes_eq(v, b'.'));
    }
    if want.plus_paren {
        c.plus_paren = bits(lanes_eq(v, b'+') | lanes_eq(v, b'('));
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn starts_one_by_one(b: &[u8], want: Wanted) -> (Vec<usize>, Vec<usize>) {
        let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
        let at = |i: usize| b.get(i).copied().unwrap_or(0);
        let (mut must, mut may) = (vec![], vec![]);
        for (i, &c) in b.iter().enumerate() {
            let word_start = word(c) && (i == 0 || !word(b[i - 1]));
            let iban = want.iban
                && c.is_ascii_alphabetic()
                && at(i + 1).is_ascii_alphabetic()
                && at(i + 2).is_ascii_digit();
            let mac = want.mac
                && c.is_ascii_hexdigit()
                && (matches!(at(i + 2), b':' | b'-') || at(i + 4) == b'.');
            if (word_start && (c.is_ascii_digit() || iban || mac))
                || (want.plus_paren && (c == b'+' || c == b'('))
            {
                must.push(i);
            } else if word_start && i % 64 >= 60 && (want.iban || want.mac) {
                may.push(i);
            }
        }
        (must, may)
    }

    #[test]
    fn starts_are_found_as_one_byte_at_a_time_would() {
        // Every byte value, at every offset of the 16-byte lanes and 64-byte blocks, next to
        // word bytes and separators, and texts of random bytes of every length up to 200.
        let mut texts: Vec<Vec<u8>> = Vec::new();
        for c in 0..=255u8 {
            for at in [0, 1, 15, 16, 17, 31, 63, 64, 65, 100] {
                let mut t = vec![b' '; at];
                t.push(c);
                t.extend_from_slice(b"a9_Z");
                texts.push(t.clone());
                t.insert(at, b'x');
                texts.push(t);
            }
        }
        // IBAN and MAC shapes (and near misses) across lane and block boundaries.
        for token in [
            "DE89370400440532013000",
            "De89",
            "DEX9",
            "00:1a:2b:3c:4d:5e",
            "AA-BB-CC-DD-EE-FF",
            "0a1b.2c3d.4e5f",
            "Fa:",
            "Ga:1",
            "ab.cd",
        ] {
            for at in (0..20).chain(44..70).chain(120..130) {
                let mut t = vec![b' '; at];
                t.extend_from_slice(token.as_bytes());
                texts.push(t);
            }
        }
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for len in 0..200 {
            let t = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    let pool = b"09afAFgzGZ_+( .-:\x80\xff";
                    pool[(state % pool.len() as u64) as usize]
                })
                .collect();
            texts.push(t);
        }
        for t in &texts {
            for bits in 0..8u8 {
                let want = Wanted {
                    iban: bits & 1 != 0,
                    mac: bits & 2 != 0,
                    plus_paren: bits & 4 != 0,
                };
                let mut got = vec![];
                for_each_start(t, want, |i| got.push(i));
                let (must, may) = starts_one_by_one(t, want);
                let extra: Vec<usize> = got.iter().filter(|i| !must.contains(i)).copied().collect();
                assert!(
                    must.iter().all(|i| got.contains(i)) && extra.iter().all(|i| may.contains(i)),
                    "{t:?} {bits}: {got:?} {must:?} {may:?}"
                );
            }
        }
    }
}
