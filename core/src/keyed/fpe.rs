//! `fpe`: format-preserving encryption with FF1 (NIST SP 800-38G, AES-256) over the value's own
//! alphabet. Separators and length stay; a card number stays a Luhn-valid card number of the
//! same length (with the first and last digits the rule keeps), an IBAN a mod-97-valid IBAN of
//! the same country. Reversible with the key ([`reveal`]).
//!
//! Which format a value has is decided from the value alone ([`classify`]), and every output is
//! of its input's format: an output that would read as another format (a Luhn-valid number from
//! a number that was not a card, digits only from letters and digits) is encrypted again (cycle
//! walking), so the format of a token tells `reveal` how it was made.

use alloc::string::String;
use alloc::vec::Vec;
use fpe::ff1::{FF1, FlexibleNumeralString};

use crate::action::{card_digits, luhn_valid};

/// Why a value could not be encrypted (the caller writes a marker: fail closed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Too few characters to encrypt: FF1 needs a domain of at least 10^6 values (6 digits, 4
    /// letters and digits).
    Domain,
    /// Letters or digits outside ASCII, which no alphabet here covers.
    Unsupported,
    /// Cycle walking found no output of the value's format (practically never).
    Cycle,
    /// More than [`MAX_NUMERALS`] letters and digits: `fpe` is for identifiers, not text.
    TooLong,
}

/// The most letters and digits a value of `fpe` may have.
pub const MAX_NUMERALS: usize = 256;

/// The alphabet of a value that is neither a card number nor an IBAN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alphabet {
    /// `0-9`.
    Digits,
    /// `0-9a-z`, at least one letter.
    Lower,
    /// `0-9A-Z`, at least one letter.
    Upper,
    /// `0-9A-Za-z`, letters of both cases.
    Mixed,
}

impl Alphabet {
    fn radix(self) -> u32 {
        match self {
            Self::Digits => 10,
            Self::Lower | Self::Upper => 36,
            Self::Mixed => 62,
        }
    }

    /// The fewest numerals with radix^n >= 10^6.
    fn min_len(self) -> usize {
        match self {
            Self::Digits => 6,
            _ => 4,
        }
    }

    fn tag(self) -> u8 {
        match self {
            Self::Digits => b'd',
            Self::Lower => b'l',
            Self::Upper => b'u',
            Self::Mixed => b'm',
        }
    }

    fn index(self, c: u8) -> Option<u16> {
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'z' if matches!(self, Self::Lower | Self::Mixed) => c - b'a' + 10,
            b'A'..=b'Z' if self == Self::Upper => c - b'A' + 10,
            b'A'..=b'Z' if self == Self::Mixed => c - b'A' + 36,
            _ => return None,
        };
        Some(u16::from(v))
    }

    fn char(self, v: u16) -> u8 {
        let v = u8::try_from(v).unwrap_or(0);
        match (self, v) {
            (_, 0..=9) => b'0' + v,
            (Self::Upper, 10..=35) => b'A' + v - 10,
            (Self::Lower | Self::Mixed, 10..=35) => b'a' + v - 10,
            (Self::Mixed, 36..=61) => b'A' + v - 36,
            _ => b'0',
        }
    }

    /// The smallest alphabet of these ASCII letters and digits.
    fn of(chars: impl Iterator<Item = u8>) -> Self {
        let (mut lower, mut upper) = (false, false);
        for c in chars {
            lower |= c.is_ascii_lowercase();
            upper |= c.is_ascii_uppercase();
        }
        match (lower, upper) {
            (false, false) => Self::Digits,
            (true, false) => Self::Lower,
            (false, true) => Self::Upper,
            (true, true) => Self::Mixed,
        }
    }
}

/// The format of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// 13 to 19 digits, spaces or dashes between them, Luhn-valid.
    Card,
    /// Country, check digits and BBAN (spaces allowed), upper case, mod-97-valid.
    Iban,
    /// Anything else: its ASCII letters and digits are encrypted, other characters stay.
    Generic(Alphabet),
}

/// The format of `s`.
pub(crate) fn classify(s: &str) -> Result<Class, Failure> {
    if s.chars().any(|c| c.is_alphanumeric() && !c.is_ascii()) {
        return Err(Failure::Unsupported);
    }
    if card_digits(s).is_some() {
        return Ok(Class::Card);
    }
    if iban_valid(s) {
        return Ok(Class::Iban);
    }
    Ok(Class::Generic(Alphabet::of(
        s.bytes().filter(u8::is_ascii_alphanumeric),
    )))
}

fn alnum_positions(b: &[u8]) -> Vec<usize> {
    b.iter()
        .enumerate()
        .filter(|(_, c)| c.is_ascii_alphanumeric())
        .map(|(i, _)| i)
        .collect()
}

fn iban_compact(s: &str) -> Option<Vec<u8>> {
    let compact: Vec<u8> = s.bytes().filter(|&c| c != b' ').collect();
    let ok = (15..=34).contains(&compact.len())
        && compact.iter().take(2).all(u8::is_ascii_uppercase)
        && compact.iter().skip(2).take(2).all(u8::is_ascii_digit)
        && compact
            .iter()
            .skip(4)
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.contains("  ");
    ok.then_some(compact)
}

/// ISO 13616 mod 97 of the characters `chars` (letters count as 10 to 35).
fn mod97(chars: impl Iterator<Item = u8>) -> u32 {
    let mut r = 0u32;
    for c in chars {
        if c.is_ascii_digit() {
            r = (r * 10 + u32::from(c - b'0')) % 97;
        } else {
            r = (r * 100 + u32::from(c - b'A') + 10) % 97;
        }
    }
    r
}

fn iban_valid(s: &str) -> bool {
    iban_compact(s).is_some_and(|c| {
        let (head, bban) = c.split_at(4);
        mod97(bban.iter().chain(head).copied()) == 1
    })
}

/// FF1 of `numerals` in `radix` under `tweak`, forwards or backwards.
fn ff1(
    key: &[u8; 32],
    radix: u32,
    tweak: &[u8],
    numerals: Vec<u16>,
    forwards: bool,
) -> Result<Vec<u16>, Failure> {
    let f = FF1::<aes::Aes256>::new(key, radix).map_err(|_| Failure::Domain)?;
    let ns = FlexibleNumeralString::from(numerals);
    let out = if forwards {
        f.encrypt(tweak, &ns)
    } else {
        f.decrypt(tweak, &ns)
    };
    out.map(Vec::from).map_err(|_| Failure::Domain)
}

/// The most rounds of cycle walking (each has a chance of at least about 1/2 to end it).
const MAX_WALK: usize = 128;

/// Encrypts (`forwards`) or decrypts `s`, keeping the first `keep_first` and last `keep_last`
/// letters and digits as they are.
pub(crate) fn apply(
    key: &[u8; 32],
    s: &str,
    keep_first: u32,
    keep_last: u32,
    forwards: bool,
) -> Result<String, Failure> {
    let class = classify(s)?;
    let mut b = s.as_bytes().to_vec();
    let pos = alnum_positions(&b);
    let n = pos.len();
    if n > MAX_NUMERALS {
        return Err(Failure::TooLong);
    }
    // Card: one digit is not encrypted but chosen so the number stays Luhn-valid (the check
    // digit, or the last free digit when the last ones are kept); IBAN: the country and check
    // digits stay out, the check digits are computed anew.
    let (lo, hi) = match class {
        Class::Iban => (4, n),
        _ => (0, n),
    };
    let span = hi - lo;
    let kf = (keep_first as usize).min(span);
    let kl = (keep_last as usize).min(span - kf);
    let free_end = match class {
        Class::Card => (hi - kl).saturating_sub(1),
        _ => hi - kl,
    };
    let free: Vec<usize> = pos
        .get(lo + kf..free_end.max(lo + kf))
        .unwrap_or(&[])
        .to_vec();
    let mut is_free = alloc::vec![false; b.len()];
    for &p in &free {
        if let Some(f) = is_free.get_mut(p) {
            *f = true;
        }
    }
    let free_at = |p: usize| is_free.get(p) == Some(&true);
    let alphabet = match class {
        Class::Card => Alphabet::Digits,
        Class::Iban => Alphabet::of(pos.iter().skip(4).filter_map(|&p| b.get(p).copied())),
        Class::Generic(a) => a,
    };
    if free.len() < alphabet.min_len() {
        return Err(Failure::Domain);
    }
    // The tweak binds the format and everything kept in the clear.
    let mut tweak = Vec::with_capacity(8 + b.len());
    tweak.push(match class {
        Class::Card => b'c',
        Class::Iban => b'i',
        Class::Generic(_) => b'g',
    });
    tweak.push(alphabet.tag());
    tweak.extend(u32::try_from(n).unwrap_or(u32::MAX).to_be_bytes());
    // Every byte in the clear, separators included (`123-45-6789` and `123456789` encrypt
    // differently): all but the encrypted ones and those computed anew (a card's Luhn digit, an
    // IBAN's check digits).
    let computed = |i: usize| match class {
        Class::Card => pos.get(free_end) == Some(&i),
        Class::Iban => pos.get(2) == Some(&i) || pos.get(3) == Some(&i),
        Class::Generic(_) => false,
    };
    for (i, &c) in b.iter().enumerate() {
        if !free_at(i) && !computed(i) {
            tweak.push(c);
        }
    }
    for _ in 0..MAX_WALK {
        let numerals: Vec<u16> = free
            .iter()
            .map(|&p| b.get(p).and_then(|&c| alphabet.index(c)).unwrap_or(0))
            .collect();
        let out = ff1(key, alphabet.radix(), &tweak, numerals, forwards)?;
        for (&p, &v) in free.iter().zip(&out) {
            if let Some(slot) = b.get_mut(p) {
                *slot = alphabet.char(v);
            }
        }
        match class {
            Class::Card => {
                let dep = pos.get(free_end).copied();
                if let Some(dep) = dep {
                    for d in b'0'..=b'9' {
                        if let Some(slot) = b.get_mut(dep) {
                            *slot = d;
                        }
                        let digits: Vec<u8> =
                            pos.iter().filter_map(|&p| b.get(p).copied()).collect();
                        if luhn_valid(&digits) {
                            break;
                        }
                    }
                }
                return String::from_utf8(b).map_err(|_| Failure::Unsupported);
            }
            Class::Iban => {
                let bban: Vec<u8> = pos
                    .iter()
                    .skip(4)
                    .filter_map(|&p| b.get(p).copied())
                    .collect();
                if Alphabet::of(bban.iter().copied()) != alphabet {
                    continue;
                }
                let country: Vec<u8> = pos
                    .iter()
                    .take(2)
                    .filter_map(|&p| b.get(p).copied())
                    .collect();
                let r = mod97(bban.iter().chain(&country).chain(b"00").copied());
                let check = 98 - r;
                for (k, d) in [(2, check / 10), (3, check % 10)] {
                    if let Some(slot) = pos.get(k).and_then(|&p| b.get_mut(p)) {
                        *slot = b'0' + u8::try_from(d).unwrap_or(0);
                    }
                }
                return String::from_utf8(b).map_err(|_| Failure::Unsupported);
            }
            Class::Generic(a) => {
                let text = core::str::from_utf8(&b).map_err(|_| Failure::Unsupported)?;
                if classify(text) == Ok(Class::Generic(a)) {
                    return Ok(String::from(text));
                }
            }
        }
    }
    Err(Failure::Cycle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [3; 32];

    fn both(s: &str, kf: u32, kl: u32) -> String {
        let e = apply(&KEY, s, kf, kl, true).unwrap();
        assert_eq!(apply(&KEY, &e, kf, kl, false).unwrap(), s, "{s} -> {e}");
        e
    }

    #[test]
    fn formats_are_kept() {
        // 16 digits: 6 kept, 4 kept and the Luhn digit leave 5, below FF1's domain of 10^6.
        assert_eq!(
            apply(&KEY, "4111 1111 1111 1111", 6, 4, true),
            Err(Failure::Domain)
        );
        let card = both("4111 1111 1111 1111", 4, 4);
        assert_eq!(card.len(), 19);
        assert!(card.starts_with("4111 ") && card.ends_with("1111"));
        assert_eq!(classify(&card), Ok(Class::Card));
        assert_ne!(card, "4111 1111 1111 1111");
        let card = both("4000056655665556", 0, 0);
        assert_eq!(classify(&card), Ok(Class::Card));
        let iban = both("DE89 3704 0044 0532 0130 00", 0, 0);
        assert!(iban.starts_with("DE"));
        assert_eq!(classify(&iban), Ok(Class::Iban));
        let gb = both("GB82WEST12345698765432", 0, 0);
        assert_eq!(classify(&gb), Ok(Class::Iban));
        for s in [
            "123-45-6789",
            "AB123456C",
            "user_42abc",
            "+1 (415) 555-0100",
            "Z9x8Y7w6",
        ] {
            let e = both(s, 0, 0);
            assert_eq!(e.len(), s.len());
            assert_eq!(classify(&e), classify(s));
            for (a, b) in s.bytes().zip(e.bytes()) {
                assert_eq!(a.is_ascii_alphanumeric(), b.is_ascii_alphanumeric());
            }
        }
        assert_eq!(apply(&KEY, "12345", 0, 0, true), Err(Failure::Domain));
        assert_eq!(
            apply(&KEY, "José123456", 0, 0, true),
            Err(Failure::Unsupported)
        );
    }
}
