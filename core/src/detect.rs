//! Detectors: hand-written scanners with cheap prefilters, and custom patterns.
//!
//! Each detector appends byte spans `(start, end)` of what it finds. Findings are resolved by the
//! caller (longest, then earliest; the strongest action on equal spans).

use alloc::boxed::Box;
use alloc::vec::Vec;
use regex_automata::Input;
use regex_automata::meta::{Cache, Regex};

use crate::action::luhn_valid;

/// Names of the built-in detectors this build knows.
pub const BUILTIN: &[&str] = &["email", "credit_card"];

/// A compiled detector.
#[derive(Debug)]
pub(crate) enum Detector {
    Email,
    CreditCard,
    /// A custom `pattern` of the rule with this index.
    Pattern(Box<Regex>),
}

impl Detector {
    pub(crate) fn builtin(name: &str) -> Option<Self> {
        match name {
            "email" => Some(Self::Email),
            "credit_card" => Some(Self::CreditCard),
            _ => None,
        }
    }

    /// Appends the spans found in `text`.
    pub(crate) fn find(
        &self,
        text: &str,
        cache: Option<&mut Cache>,
        out: &mut Vec<(usize, usize)>,
    ) {
        match self {
            Self::Email => find_emails(text.as_bytes(), out),
            Self::CreditCard => find_cards(text.as_bytes(), out),
            Self::Pattern(re) => {
                if let Some(cache) = cache {
                    find_pattern(re, cache, text, out);
                }
            }
        }
    }
}

fn find_pattern(re: &Regex, cache: &mut Cache, text: &str, out: &mut Vec<(usize, usize)>) {
    let mut input = Input::new(text);
    while let Some(m) = re.search_with(cache, &input) {
        if m.end() > m.start() {
            out.push((m.start(), m.end()));
            input.set_start(m.end());
        } else {
            // Skip empty matches one character at a time.
            let next = text
                .get(m.end()..)
                .and_then(|r| r.chars().next())
                .map_or(text.len() + 1, |c| m.end() + c.len_utf8());
            if next > text.len() {
                break;
            }
            input.set_start(next);
        }
    }
}

// ---- email ----

fn is_local_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(&c)
}

fn is_domain_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'.'
}

fn find_emails(b: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut from = 0;
    while let Some(rel) = memchr::memchr(b'@', b.get(from..).unwrap_or(&[])) {
        let at = from + rel;
        from = at + 1;
        // Local part: walk left over atext characters, then drop leading dots.
        let mut start = at;
        while start > 0 && b.get(start - 1).copied().is_some_and(is_local_char) && at - start < 64 {
            start -= 1;
        }
        while start < at && b.get(start) == Some(&b'.') {
            start += 1;
        }
        if start == at || b.get(at - 1) == Some(&b'.') {
            continue;
        }
        // Domain: labels of [A-Za-z0-9-], at least two, the last all letters and 2+ long.
        let mut end = at + 1;
        while end < b.len() && b.get(end).copied().is_some_and(is_domain_char) && end - at < 254 {
            end += 1;
        }
        let Some(mut domain) = b.get(at + 1..end) else {
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
                || label.len() > 63
                || label.first() == Some(&b'-')
                || label.last() == Some(&b'-')
            {
                ok = false;
                break;
            }
            tld_ok = label.len() >= 2 && label.iter().all(u8::is_ascii_alphabetic);
        }
        if ok && labels >= 2 && tld_ok {
            let end = at + 1 + domain.len();
            out.push((start, end));
            from = end;
        }
    }
}

// ---- credit cards ----

/// Whether the leading digits are in a current card network's IIN ranges.
fn iin_known(d: &[u8]) -> bool {
    let n = |k: usize| -> u32 {
        d.iter()
            .take(k)
            .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'))
    };
    let len = d.len();
    match d.first() {
        Some(b'4') => matches!(len, 13 | 16 | 19), // Visa
        Some(b'5') => {
            (51..=55).contains(&n(2)) && len == 16
                || (50..=59).contains(&n(2)) && (12..=19).contains(&len)
        } // Mastercard, Maestro
        Some(b'2') => {
            (2221..=2720).contains(&n(4)) && len == 16
                || n(1) == 2 && n(3) == 220 && (16..=19).contains(&len)
        } // Mastercard 2-series, Mir
        Some(b'3') => {
            (n(2) == 34 || n(2) == 37) && len == 15                       // Amex
                || (300..=305).contains(&n(3)) || n(2) == 36 || n(2) == 38 || n(2) == 39 // Diners
                || (3528..=3589).contains(&n(4)) && (16..=19).contains(&len) // JCB
        }
        Some(b'6') => (16..=19).contains(&len) || len == 13, // Discover, UnionPay, Maestro, RuPay
        Some(b'1') => n(1) == 1 && len == 15,                // UATP
        _ => false,
    }
}

fn find_cards(b: &[u8], out: &mut Vec<(usize, usize)>) {
    // Groups of digits joined by single spaces or dashes; a card is 13-19 digits over one or more
    // consecutive groups (so two cards separated by a space are two findings).
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut digits: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b.get(i).copied().unwrap_or(0);
        let boundary = i == 0
            || !b
                .get(i - 1)
                .copied()
                .is_some_and(|p| p.is_ascii_alphanumeric());
        if !c.is_ascii_digit() || !boundary {
            i += 1;
            continue;
        }
        groups.clear();
        let mut j = i;
        loop {
            let start = j;
            while b.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            groups.push((start, j));
            match (b.get(j), b.get(j + 1)) {
                (Some(b' ' | b'-'), Some(d)) if d.is_ascii_digit() => j += 1,
                _ => break,
            }
        }
        let run_end = j;
        if b.get(run_end)
            .copied()
            .is_some_and(|a| a.is_ascii_alphanumeric())
        {
            // Glued to letters: not a card; also drop the whole run.
            i = run_end + 1;
            continue;
        }
        let mut g = 0;
        while g < groups.len() {
            let mut best = None;
            let mut total = 0;
            digits.clear();
            for (k, &(s, e)) in groups.iter().enumerate().skip(g) {
                total += e - s;
                if total > 19 {
                    break;
                }
                digits.extend_from_slice(b.get(s..e).unwrap_or(&[]));
                if total >= 13 && iin_known(&digits) && luhn_valid(&digits) {
                    best = Some(k);
                }
            }
            match best {
                Some(k) => {
                    if let (Some(&(s, _)), Some(&(_, e))) = (groups.get(g), groups.get(k)) {
                        out.push((s, e));
                    }
                    g = k + 1;
                }
                None => g += 1,
            }
        }
        i = run_end.max(i + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn spans(d: &Detector, s: &str) -> Vec<(usize, usize)> {
        let mut v = vec![];
        d.find(s, None, &mut v);
        v
    }

    #[test]
    fn emails() {
        let d = Detector::Email;
        assert_eq!(
            spans(&d, "mail jane.doe+x@example.co.uk now"),
            vec![(5, 29)]
        );
        assert_eq!(spans(&d, "a@b"), vec![]);
        assert_eq!(spans(&d, "j***@***.com"), vec![]);
        assert_eq!(spans(&d, "x@y.com, z@w.org."), vec![(0, 7), (9, 16)]);
        assert_eq!(spans(&d, "@@@"), vec![]);
    }

    #[test]
    fn cards() {
        let d = Detector::CreditCard;
        assert_eq!(spans(&d, "card 4111 1111 1111 1111 ok"), vec![(5, 24)]);
        assert_eq!(spans(&d, "4111-1111-1111-1111"), vec![(0, 19)]);
        assert_eq!(spans(&d, "4111111111111112"), vec![]);
        assert_eq!(spans(&d, "ts 1700000000000"), vec![]);
        assert_eq!(spans(&d, "x41111111111111111"), vec![]);
        assert_eq!(
            spans(&d, "5555555555554444 2223003122003222"),
            vec![(0, 16), (17, 33)]
        );
    }
}
