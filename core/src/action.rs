//! What rules do to values: the six actions and the tamis placeholders they leave behind.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::time::date_prefix;

/// The placeholder for a subtree deeper than `max_depth`.
pub const TOO_DEEP: &str = "[tamis:too_deep]";
/// The placeholder for a string longer than `max_string_bytes`.
pub const TOO_LARGE: &str = "[tamis:too_large]";
/// The placeholder when `generalize` finds no number, time or IP address.
pub const UNGENERALIZABLE: &str = "[tamis:ungeneralizable]";
/// The placeholder for a `hash` rule whose key material was never given.
pub const NO_KEY: &str = "[tamis:no_key]";
/// The placeholder when `fpe` cannot encrypt a value (too short, too long, or letters beyond
/// ASCII).
pub const UNENCRYPTABLE: &str = "[tamis:unencryptable]";
/// The placeholder when `shift_date` finds no date or time.
pub const NOT_A_DATE: &str = "[tamis:not_a_date]";
/// The placeholder when `shift_date` finds no entity in the record to derive its offset from.
pub const NO_ENTITY: &str = "[tamis:no_entity]";
/// The default replacement of action `replace`.
pub const DEFAULT_REPLACEMENT: &str = "[REDACTED]";

/// Time precision of `generalize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// `YYYY-MM-DD`.
    Day,
    /// `YYYY-MM`.
    Month,
    /// `YYYY`.
    Year,
}

/// A compiled action. Ordered from weakest to strongest by [`Action::strength`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Remove the key (array item), or the span.
    Redact,
    /// `null`, or `""` for a span.
    Nullify,
    /// A fixed text; `{type}` expands to the detector name.
    Replace {
        /// The replacement template.
        text: String,
    },
    /// A numbered placeholder (`<EMAIL_1>`): the same value gets the same number within a
    /// record, or within a session.
    Placeholder {
        /// How the placeholder is written.
        template: crate::engine::placeholders::Template,
        /// The type of a whole value (a detector's finding has its detector's type).
        label: String,
    },
    /// A keyed pseudonym `h:<key id>:<26 base32 chars>`.
    Hash {
        /// Index into the policy's keys.
        key: usize,
    },
    /// `e:<key id>:<base64url>`: deterministic AES-SIV, reversible by `reveal`.
    Encrypt {
        /// Index into the policy's keys.
        key: usize,
    },
    /// FF1 format-preserving encryption over the value's alphabet; whole values only.
    Fpe {
        /// Index into the policy's keys.
        key: usize,
        /// Letters and digits kept at the start (a card's issuer prefix).
        keep_first: u32,
        /// Letters and digits kept at the end (a card's last four).
        keep_last: u32,
    },
    /// Dates and times moved by a keyed offset per entity; whole values only.
    ShiftDate {
        /// Index into the policy's keys.
        key: usize,
        /// The path (keys from the root) of the field whose value picks the offset.
        entity: Vec<String>,
        /// Offsets lie in `[-max_days, -1] ∪ [1, max_days]`.
        max_days: u32,
    },
    /// Numbers to buckets, times to a precision, IP addresses to networks.
    Generalize {
        /// Bucket width for numbers.
        bucket: u64,
        /// Time precision, when the rule names one.
        precision: Option<Precision>,
    },
    /// Show a few characters, star the rest.
    Partial {
        /// Characters kept at the start.
        keep_first: u32,
        /// Characters kept at the end.
        keep_last: u32,
    },
    /// `plugin:<id>`: the plugin's `transform` writes the value (the host sends every value of
    /// a batch in one call and writes the answers back, scanned by the policy's detectors).
    Plugin {
        /// Index into [`crate::Policy::plugins`].
        plugin: usize,
    },
}

impl Action {
    /// Higher wins when several rules match the same value.
    #[must_use]
    pub fn strength(&self) -> u8 {
        match self {
            Self::Redact => 11,
            Self::Nullify => 10,
            Self::Replace { .. } => 9,
            Self::Placeholder { .. } => 8,
            // What a plugin writes is its own; tamis only checks it reveals nothing.
            Self::Plugin { .. } => 7,
            Self::Hash { .. } => 6,
            Self::Encrypt { .. } => 5,
            Self::Fpe { .. } => 4,
            Self::ShiftDate { .. } => 3,
            Self::Generalize { .. } => 2,
            Self::Partial { .. } => 1,
        }
    }

    /// The action's name in the policy language.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Redact => "redact",
            Self::Nullify => "nullify",
            Self::Replace { .. } => "replace",
            Self::Placeholder { .. } => "placeholder",
            Self::Hash { .. } => "hash",
            Self::Encrypt { .. } => "encrypt",
            Self::Fpe { .. } => "fpe",
            Self::ShiftDate { .. } => "shift_date",
            Self::Generalize { .. } => "generalize",
            Self::Partial { .. } => "partial",
            Self::Plugin { .. } => "plugin",
        }
    }

    /// The key a keyed action uses.
    #[must_use]
    pub fn key(&self) -> Option<usize> {
        match self {
            Self::Hash { key }
            | Self::Encrypt { key }
            | Self::Fpe { key, .. }
            | Self::ShiftDate { key, .. } => Some(*key),
            _ => None,
        }
    }

    /// Whether `reveal` can turn what the action writes back into the value.
    #[must_use]
    pub fn reversible(&self) -> bool {
        matches!(
            self,
            Self::Encrypt { .. } | Self::Fpe { .. } | Self::ShiftDate { .. }
        )
    }
}

/// The HMAC state of one key, ready to clone per value, and the subkeys of the reversible
/// actions (when the material is long enough for them).
#[derive(Clone)]
pub(crate) struct HashKey {
    pub id: String,
    pub mac: Option<Hmac<Sha256>>,
    pub derived: Option<alloc::boxed::Box<crate::keyed::Derived>>,
}

impl core::fmt::Debug for HashKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never print key material.
        f.debug_struct("HashKey")
            .field("id", &self.id)
            .field(
                "material",
                &if self.mac.is_some() {
                    "<set>"
                } else {
                    "<missing>"
                },
            )
            .finish()
    }
}

const B32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// Writes `h:<id>:<token>` for `text`; without key material writes [`NO_KEY`].
pub(crate) fn hash_token(key: &HashKey, text: &[u8], out: &mut String) {
    let Some(mac) = &key.mac else {
        out.push_str(NO_KEY);
        return;
    };
    let mut mac = mac.clone();
    mac.update(text);
    let digest = mac.finalize().into_bytes();
    out.push_str("h:");
    out.push_str(&key.id);
    out.push(':');
    // RFC 4648 base32 (lower case, no padding) of the first 16 bytes: 26 characters.
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &byte in digest.iter().take(16) {
        acc = (acc << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            push_b32(out, acc >> bits);
        }
    }
    if bits > 0 {
        push_b32(out, acc << (5 - bits));
    }
}

fn push_b32(out: &mut String, v: u32) {
    out.push(char::from(
        B32.get((v & 31) as usize).copied().unwrap_or(b'a'),
    ));
}

/// Whether `s` is exactly a token `h:<id>:<26 base32>` for one of `ids`.
pub(crate) fn is_token(s: &str, ids: &[HashKey]) -> bool {
    token_len_at(s.as_bytes(), ids) == Some(s.len())
}

/// How many body lengths a scan for `encrypt` tokens in text tries at one `e:<id>:` (a token
/// followed by up to about 20 base64url characters of the text is found).
pub(crate) const TEXT_TOKEN_TRIES: usize = 16;

/// The length of a verified `encrypt` token (`e:<id>:<base64url>`) of one of `ids` at the start
/// of `b`: a shape is not enough, the token must decrypt under its key, so text that merely
/// looks like a token hides nothing from the detectors and keeps nothing from a rule.
pub(crate) fn enc_token_len_at(b: &[u8], ids: &[HashKey], tries: usize) -> Option<usize> {
    let rest = b.strip_prefix(b"e:")?;
    for key in ids {
        if let Some(after) = rest.strip_prefix(key.id.as_bytes())
            && let Some(body) = after.strip_prefix(b":")
            && let Some(d) = &key.derived
        {
            let n = body
                .iter()
                .take_while(|&&c| crate::keyed::siv::is_b64(c))
                .count();
            if let Some((len, _, _)) =
                crate::keyed::siv::verified(&d.siv, body.get(..n).unwrap_or(&[]), tries)
            {
                return Some(2 + key.id.len() + 1 + len);
            }
        }
    }
    None
}

/// The length of a token starting at the beginning of `b`, if one does.
pub(crate) fn token_len_at(b: &[u8], ids: &[HashKey]) -> Option<usize> {
    if b.first() == Some(&b'e') {
        return enc_token_len_at(b, ids, TEXT_TOKEN_TRIES);
    }
    let rest = b.strip_prefix(b"h:")?;
    for key in ids {
        if let Some(after) = rest.strip_prefix(key.id.as_bytes())
            && let Some(tok) = after.strip_prefix(b":")
            && tok.len() >= 26
            && tok.iter().take(26).all(|c| B32.contains(c))
        {
            return Some(2 + key.id.len() + 1 + 26);
        }
    }
    None
}

/// Whether `s` is one of the fixed markers tamis writes in place of a value (a limit, a missing
/// key, an ungeneralizable value, a failed plugin): constants, which reveal nothing.
pub(crate) fn is_marker(s: &str) -> bool {
    [
        TOO_DEEP,
        TOO_LARGE,
        UNGENERALIZABLE,
        NO_KEY,
        UNENCRYPTABLE,
        NOT_A_DATE,
        NO_ENTITY,
        crate::stages::plugins::PLUGIN_ERROR,
    ]
    .contains(&s)
}

/// Whether `s` is a tamis placeholder of the fixed grammar `[tamis:word]` or `[word:n]`.
/// Whether a placeholder is found from the `[` it starts with to the first `]` after it,
/// within the 64 bytes a built-in one is looked for in: it ends with its only `]`.
pub(crate) fn looked_up_at_bracket(s: &str) -> bool {
    s.len() <= 64 && s.starts_with('[') && s.find(']') == Some(s.len() - 1)
}

pub(crate) fn is_builtin_placeholder(s: &str) -> bool {
    let Some(inner) = s.strip_prefix('[').and_then(|r| r.strip_suffix(']')) else {
        return false;
    };
    if let Some(word) = inner.strip_prefix("tamis:") {
        return !word.is_empty() && word.bytes().all(|c| c.is_ascii_lowercase() || c == b'_');
    }
    // `[email:3]`: a key in which a detector found something.
    match inner.split_once(':') {
        Some((ty, n)) => {
            !ty.is_empty()
                && ty
                    .bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
                && !n.is_empty()
                && n.bytes().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Expands `{type}` in a replacement.
pub(crate) fn expand_replacement(template: &str, ty: &str, out: &mut String) {
    // Called once per finding: a byte search for `{` (no substring searcher to build).
    let mut rest = template;
    while let Some(i) = memchr::memchr(b'{', rest.as_bytes()) {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        match tail.strip_prefix("{type}") {
            Some(after) => {
                out.push_str(ty);
                rest = after;
            }
            None => {
                out.push('{');
                rest = tail.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
}

// ---- partial ----

fn split_email(s: &str) -> Option<(&str, &str)> {
    let (local, domain) = s.split_once('@')?;
    if local.is_empty() || domain.contains('@') {
        return None;
    }
    let (_, tld) = domain.rsplit_once('.')?;
    if tld.is_empty() || !tld.chars().all(char::is_alphanumeric) {
        return None;
    }
    Some((local, tld))
}

/// The digits of a card number written with optional space or dash separators.
pub(crate) fn card_digits(s: &str) -> Option<Vec<u8>> {
    let mut digits = Vec::with_capacity(19);
    for c in s.bytes() {
        match c {
            b'0'..=b'9' => digits.push(c),
            b' ' | b'-' => {}
            _ => return None,
        }
    }
    ((13..=19).contains(&digits.len()) && luhn_valid(&digits)).then_some(digits)
}

/// The Luhn checksum over ASCII digits.
pub(crate) fn luhn_valid(digits: &[u8]) -> bool {
    crate::detect::catalog::validate::luhn_ok(digits.iter())
}

/// `partial`: at most min(keep_first + keep_last, len / 4) characters shown; shorter than 8
/// characters fully starred; emails `j***@***.com`; card numbers last 4 only. The output is a
/// fixed point.
pub(crate) fn partial(s: &str, keep_first: u32, keep_last: u32, out: &mut String) {
    if let Some((local, tld)) = split_email(s) {
        if let Some(c) = local.chars().next() {
            out.push(c);
        }
        out.push_str("***@***.");
        out.push_str(tld);
        return;
    }
    if let Some(digits) = card_digits(s) {
        let n = digits.len();
        out.extend(core::iter::repeat_n('*', n - 4));
        out.extend(digits.iter().skip(n - 4).map(|&d| char::from(d)));
        return;
    }
    let n = s.chars().count();
    let budget = (keep_first as usize + keep_last as usize).min(n / 4);
    if n < 8 {
        out.extend(core::iter::repeat_n('*', n));
        return;
    }
    // Already partial (a card's last 4, or no more shown than the budget): leave it.
    let shown = s.chars().filter(|&c| c != '*').count();
    let starred_card = s.len() >= 13
        && s.len() <= 19
        && s.bytes().rev().take(4).all(|c| c.is_ascii_digit())
        && s.bytes().rev().skip(4).all(|c| c == b'*');
    if (shown <= budget && shown < n) || starred_card {
        out.push_str(s);
        return;
    }
    let first = (keep_first as usize).min(budget);
    let last = (keep_last as usize).min(budget - first);
    let start = out.len();
    for (i, c) in s.chars().enumerate() {
        if i < first || i >= n - last {
            out.push(c);
        } else {
            out.push('*');
        }
    }
    // What is kept must not make an email or a card of the stars (`a@@b c.0` would become
    // `a@************.0`, which a second pass masks as an email): then nothing is kept, so
    // masking again changes nothing.
    let masked = out.get(start..).unwrap_or_default();
    if split_email(masked).is_some() || card_digits(masked).is_some() {
        out.truncate(start);
        out.extend(core::iter::repeat_n('*', n));
    }
}

// ---- generalize ----

fn parse_int(s: &str) -> Option<i128> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || digits.len() > 30 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_float(s: &str) -> Option<f64> {
    let ok = !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
        && s.bytes().any(|c| c.is_ascii_digit());
    if !ok {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

fn bucket_of(v: i128, bucket: u64, out: &mut String) {
    let b = i128::from(bucket.max(1));
    let lo = v.div_euclid(b) * b;
    let _ = write!(out, "{lo}-{}", lo + b - 1);
}

fn is_bucket(s: &str, bucket: u64) -> bool {
    // `lo-hi` with lo a multiple of the bucket; lo may be negative, so split after the first char.
    let Some(split) = s.get(1..).and_then(|r| r.find('-')).map(|i| i + 1) else {
        return false;
    };
    let (Some(lo), Some(hi)) = (s.get(..split), s.get(split + 1..)) else {
        return false;
    };
    match (parse_int(lo), parse_int(hi)) {
        (Some(lo), Some(hi)) => {
            let b = i128::from(bucket.max(1));
            lo.rem_euclid(b) == 0 && hi == lo + b - 1
        }
        _ => false,
    }
}

fn generalize_ipv4(s: &str, out: &mut String) -> bool {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, p.parse::<u8>().ok().filter(|&p| p <= 32)),
        None => (s, Some(32)),
    };
    let (Some(octets), Some(prefix)) = (crate::net::ipv4(addr.as_bytes()), prefix) else {
        return false;
    };
    let prefix = prefix.min(24);
    let ip = u32::from_be_bytes(octets);
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix)
    };
    let [a, b, c, d] = (ip & mask).to_be_bytes();
    let _ = write!(out, "{a}.{b}.{c}.{d}/{prefix}");
    true
}

fn generalize_ipv6(s: &str, out: &mut String) -> bool {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, p.parse::<u8>().ok().filter(|&p| p <= 128)),
        None => (s, Some(128)),
    };
    let (Some(addr), Some(prefix)) = (crate::net::ipv6(addr.as_bytes()), prefix) else {
        return false;
    };
    let groups = addr.groups;
    let prefix = prefix.min(48);
    let mut kept = [0u16; 3];
    for (i, slot) in kept.iter_mut().enumerate() {
        let bits_before = (i as u8) * 16;
        let g = groups.get(i).copied().unwrap_or(0);
        *slot = if prefix >= bits_before + 16 {
            g
        } else if prefix <= bits_before {
            0
        } else {
            g & (u16::MAX << (16 - (prefix - bits_before)))
        };
    }
    // Shortest form: trailing zero groups become `::`.
    let mut last = kept.len();
    while last > 0 && kept.get(last - 1) == Some(&0) {
        last -= 1;
    }
    for (i, g) in kept.iter().take(last).enumerate() {
        if i > 0 {
            out.push(':');
        }
        let _ = write!(out, "{g:x}");
    }
    let _ = write!(out, "::/{prefix}");
    true
}

/// `generalize` of a value's text. Returns false when there was nothing to generalize (the caller
/// then writes [`UNGENERALIZABLE`]: fail closed). `number` says the value was a JSON number.
pub(crate) fn generalize(
    s: &str,
    number: bool,
    bucket: u64,
    precision: Option<Precision>,
    out: &mut String,
) -> bool {
    if !number && (generalize_ipv4(s, out) || generalize_ipv6(s, out)) {
        return true;
    }
    if !number {
        if let Some((y, m, d, parts)) = date_prefix(s) {
            let p = precision.unwrap_or(Precision::Day);
            let want = match p {
                Precision::Year => 1,
                Precision::Month => 2,
                Precision::Day => 3,
            };
            // A bare year without a precision is a number, handled below.
            if precision.is_some() || parts > 1 {
                let _ = match want.min(parts) {
                    1 => write!(out, "{y:04}"),
                    2 => write!(out, "{y:04}-{m:02}"),
                    _ => write!(out, "{y:04}-{m:02}-{d:02}"),
                };
                return true;
            }
        }
        if is_bucket(s, bucket) {
            out.push_str(s);
            return true;
        }
    }
    if precision.is_some() && number {
        return false;
    }
    if let Some(v) = parse_int(s) {
        bucket_of(v, bucket, out);
        return true;
    }
    if let Some(f) = parse_float(s) {
        let floor = libm_floor(f);
        if floor.abs() < 1e30 {
            #[expect(clippy::cast_possible_truncation, reason = "checked to be below 1e30")]
            bucket_of(floor as i128, bucket, out);
            return true;
        }
    }
    false
}

fn libm_floor(f: f64) -> f64 {
    #[expect(clippy::cast_possible_truncation, reason = "only used below 2^63")]
    #[expect(clippy::cast_precision_loss, reason = "exact for integers below 2^53")]
    if f.abs() < 9.0e15 {
        let t = f as i64 as f64;
        if t > f { t - 1.0 } else { t }
    } else {
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        let mut o = String::new();
        partial(s, 2, 2, &mut o);
        o
    }

    #[test]
    fn partial_bounds_and_fixed_point() {
        assert_eq!(p("jane@example.com"), "j***@***.com");
        assert_eq!(p("j***@***.com"), "j***@***.com");
        assert_eq!(p("4111 1111 1111 1111"), "************1111");
        assert_eq!(p("************1111"), "************1111");
        assert_eq!(p("short"), "*****");
        assert_eq!(p("sk-abcdef1234567890"), "sk***************90");
        // Found by the idempotence property: kept ends that make an email of the stars.
        assert_eq!(p("a@@a  a*-*0 --.0"), "****************");
        for s in [
            "a@@a  a*-*0 --.0",
            "sk-abcdef1234567890",
            "+1 415 555 0100",
            "abcdefgh",
            "4000056655665556",
        ] {
            assert_eq!(p(&p(s)), p(s), "{s}");
            let shown = p(s).chars().filter(|&c| c != '*').count();
            assert!(shown <= 4.max(s.chars().count() / 4), "{s}");
        }
    }

    fn g(s: &str, number: bool, bucket: u64, prec: Option<Precision>) -> Option<String> {
        let mut o = String::new();
        generalize(s, number, bucket, prec, &mut o).then_some(o)
    }

    #[test]
    fn generalize_forms() {
        assert_eq!(g("34", true, 10, None).as_deref(), Some("30-39"));
        assert_eq!(g("-5", true, 10, None).as_deref(), Some("-10--1"));
        assert_eq!(g("30-39", false, 10, None).as_deref(), Some("30-39"));
        assert_eq!(g("-10--1", false, 10, None).as_deref(), Some("-10--1"));
        assert_eq!(g("37.9", true, 5, None).as_deref(), Some("35-39"));
        assert_eq!(
            g("192.168.7.42", false, 10, None).as_deref(),
            Some("192.168.7.0/24")
        );
        assert_eq!(
            g("192.168.7.0/24", false, 10, None).as_deref(),
            Some("192.168.7.0/24")
        );
        assert_eq!(
            g("2001:db8:abcd:12::1", false, 10, None).as_deref(),
            Some("2001:db8:abcd::/48")
        );
        assert_eq!(
            g("2001:db8:abcd::/48", false, 10, None).as_deref(),
            Some("2001:db8:abcd::/48")
        );
        assert_eq!(
            g("2024-03-05T10:20:30Z", false, 10, Some(Precision::Month)).as_deref(),
            Some("2024-03")
        );
        assert_eq!(
            g("2024-03", false, 10, Some(Precision::Month)).as_deref(),
            Some("2024-03")
        );
        assert_eq!(
            g("2024", false, 10, Some(Precision::Year)).as_deref(),
            Some("2024")
        );
        assert_eq!(
            g("2024-03-05", false, 10, None).as_deref(),
            Some("2024-03-05")
        );
        assert_eq!(g("hello", false, 10, None), None);
    }

    #[test]
    fn tokens() {
        let key = HashKey {
            id: String::from("k1"),
            mac: Some(Hmac::<Sha256>::new_from_slice(b"test-key").unwrap()),
            derived: None,
        };
        let mut o = String::new();
        hash_token(&key, b"jane@example.com", &mut o);
        assert_eq!(o.len(), 2 + 2 + 1 + 26);
        assert!(is_token(&o, core::slice::from_ref(&key)));
        assert!(is_builtin_placeholder("[tamis:too_deep]"));
        assert!(is_builtin_placeholder("[email:2]"));
        assert!(!is_builtin_placeholder("[tamis: x@y.z]"));
    }
}
