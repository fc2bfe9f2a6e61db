//! Detectors: hand-written scanners with cheap prefilters, and custom patterns.
//!
//! Built-in scanners run over a *normalised view* of the text ([`normalize`]): full-width and
//! other Unicode decimal digits become ASCII digits, Unicode dashes `-`, Unicode spaces ` `,
//! `＠` `@`, and invisible (default-ignorable) characters are dropped, so none of them hides a
//! value. Each byte of the view maps back to the original text, so what is masked is the
//! original span. Custom patterns run over the original text.
//!
//! Each scanner appends byte spans `(start, end)`; overlapping findings are resolved by the
//! caller (longest, then earliest; the strongest action on equal spans).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use memchr::memmem;
use regex_automata::Input;
use regex_automata::meta::{Cache, Regex};
use wide::u8x16;

use crate::action::luhn_valid;

/// Every built-in detector, by name.
pub const BUILTIN: &[&str] = &[
    "email",
    "phone",
    "credit_card",
    "us_ssn",
    "iban",
    "ip",
    "mac",
    "jwt",
    "aws_key",
    "github_token",
    "slack_token",
    "stripe_key",
    "google_api_key",
    "private_key",
    "bearer_token",
    "url_credentials",
    "high_entropy",
];

/// Minimum Shannon entropy, in bits per character, of a `high_entropy` finding (tokens of 20 to
/// 1000 characters from `[A-Za-z0-9+/=_-]` that mix letters and digits). Hex strings (at most 4
/// bits per character) never reach it; random base64 of 20+ characters usually does.
pub const HIGH_ENTROPY_BITS: f64 = 4.2;

/// A built-in detector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Email,
    Phone,
    CreditCard,
    UsSsn,
    Iban,
    Ip,
    Mac,
    Jwt,
    AwsKey,
    GithubToken,
    SlackToken,
    StripeKey,
    GoogleApiKey,
    PrivateKey,
    BearerToken,
    UrlCredentials,
    HighEntropy,
}

const KINDS: [Kind; 17] = [
    Kind::Email,
    Kind::Phone,
    Kind::CreditCard,
    Kind::UsSsn,
    Kind::Iban,
    Kind::Ip,
    Kind::Mac,
    Kind::Jwt,
    Kind::AwsKey,
    Kind::GithubToken,
    Kind::SlackToken,
    Kind::StripeKey,
    Kind::GoogleApiKey,
    Kind::PrivateKey,
    Kind::BearerToken,
    Kind::UrlCredentials,
    Kind::HighEntropy,
];

impl Kind {
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        BUILTIN
            .iter()
            .position(|b| *b == name)
            .and_then(|i| KINDS.get(i).copied())
    }

    pub(crate) fn name(self) -> &'static str {
        KINDS
            .iter()
            .position(|k| *k == self)
            .and_then(|i| BUILTIN.get(i).copied())
            .unwrap_or("detector")
    }

    /// Whether this detector runs in the shared word-start pass ([`scan_words`]).
    pub(crate) fn word_scanned(self) -> bool {
        WORD_KINDS.contains(&self)
    }

    /// Appends the spans of the detector's own pass (for word-scanned kinds, only what is not
    /// in [`scan_words`]: the IPv6 part of `ip`).
    pub(crate) fn find_own(self, b: &[u8], out: &mut Vec<(usize, usize)>) {
        match self {
            Self::Ip => find_ipv6(b, out),
            k if k.word_scanned() => {}
            k => k.find(b, out),
        }
    }

    /// Appends the spans found in the normalised text `b`.
    pub(crate) fn find(self, b: &[u8], out: &mut Vec<(usize, usize)>) {
        match self {
            Self::Email => find_emails(b, out),
            Self::Phone | Self::CreditCard | Self::UsSsn | Self::Iban | Self::Mac => {
                let mut tagged = Vec::new();
                scan_words(&[self], b, &mut WordScratch::default(), &mut tagged);
                out.extend(tagged.into_iter().map(|(_, s, e)| (s, e)));
            }
            Self::Ip => {
                let mut tagged = Vec::new();
                scan_words(&[self], b, &mut WordScratch::default(), &mut tagged);
                out.extend(tagged.into_iter().map(|(_, s, e)| (s, e)));
                find_ipv6(b, out);
            }
            Self::Jwt => find_jwts(b, out),
            Self::AwsKey => find_aws(b, out),
            Self::GithubToken => find_github(b, out),
            Self::SlackToken => find_slack(b, out),
            Self::StripeKey => find_stripe(b, out),
            Self::GoogleApiKey => find_google(b, out),
            Self::PrivateKey => find_private_keys(b, out),
            Self::BearerToken => find_bearer(b, out),
            Self::UrlCredentials => find_url_credentials(b, out),
            Self::HighEntropy => find_high_entropy(b, out),
        }
    }
}

/// A compiled detector.
#[derive(Debug)]
pub(crate) enum Detector {
    Builtin(Kind),
    /// A custom `pattern`.
    Pattern(Box<Regex>),
    /// `plugin:<id>`: the `detect` export of the plugin at this index of `Policy::plugins`,
    /// called by the host through [`PluginDetect`].
    Plugin(usize),
}

/// Runs the `detect = ["plugin:<id>"]` detectors: a host that runs plugins installs one in the
/// [`crate::Scratch`] it masks records with ([`crate::Scratch::set_plugin_detect`]).
///
/// Where none is installed, or it cannot answer, every text such a detector would scan is one
/// whole finding: it is masked by the rule's action, never kept unscanned.
pub trait PluginDetect: core::any::Any + Send {
    /// Appends to `out` the byte spans `(start, end)` that the plugin at index `plugin` of
    /// [`crate::Policy::plugins`] finds in `text`. Returns `false` when it could not scan
    /// `text` (the plugin failed); core then checks every span anyway: one that is out of
    /// bounds or not on character boundaries also makes the whole text a finding.
    fn detect(&mut self, plugin: usize, text: &str, out: &mut Vec<(usize, usize)>) -> bool;
}

/// The spans of a plugin detector in `text`, checked: the whole text when the plugin could
/// not answer or answered with a span that is not a range of `text` on character boundaries.
pub(crate) fn find_plugin(
    ext: Option<&mut Box<dyn PluginDetect>>,
    plugin: usize,
    text: &str,
    out: &mut Vec<(usize, usize)>,
) {
    let from = out.len();
    let answered = ext.is_some_and(|d| d.detect(plugin, text, out));
    let valid = answered
        && out.get(from..).unwrap_or(&[]).iter().all(|&(s, e)| {
            s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
        });
    if !valid {
        out.truncate(from);
        out.push((0, text.len()));
    } else {
        // Empty spans find nothing.
        let mut i = from;
        while i < out.len() {
            if out.get(i).is_some_and(|&(s, e)| s == e) {
                out.swap_remove(i);
            } else {
                i += 1;
            }
        }
    }
}

pub(crate) fn find_pattern(
    re: &Regex,
    cache: &mut Cache,
    text: &str,
    out: &mut Vec<(usize, usize)>,
) {
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

// ---- the normalised view ----

/// Code points of the `0` of each run of ten Unicode decimal digits (general category Nd) beyond
/// ASCII, from Unicode 14 (Python's `unicodedata`).
const ND_ZEROS: [u32; 65] = [
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
    0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// Cyrillic and Greek letters drawn like a Latin letter (from Unicode's confusables, by hand:
/// only letters that look the same in common fonts), sorted by code point.
const HOMOGLYPHS: [(u32, u8); 56] = [
    (0x391, b'A'),
    (0x392, b'B'),
    (0x395, b'E'),
    (0x396, b'Z'),
    (0x397, b'H'),
    (0x399, b'I'),
    (0x39A, b'K'),
    (0x39C, b'M'),
    (0x39D, b'N'),
    (0x39F, b'O'),
    (0x3A1, b'P'),
    (0x3A4, b'T'),
    (0x3A5, b'Y'),
    (0x3A7, b'X'),
    (0x3B1, b'a'),
    (0x3B9, b'i'),
    (0x3BA, b'k'),
    (0x3BD, b'v'),
    (0x3BF, b'o'),
    (0x3C1, b'p'),
    (0x3C5, b'u'),
    (0x3C7, b'x'),
    (0x405, b'S'),
    (0x406, b'I'),
    (0x408, b'J'),
    (0x410, b'A'),
    (0x412, b'B'),
    (0x415, b'E'),
    (0x41A, b'K'),
    (0x41C, b'M'),
    (0x41D, b'H'),
    (0x41E, b'O'),
    (0x420, b'P'),
    (0x421, b'C'),
    (0x422, b'T'),
    (0x425, b'X'),
    (0x430, b'a'),
    (0x435, b'e'),
    (0x43E, b'o'),
    (0x440, b'p'),
    (0x441, b'c'),
    (0x443, b'y'),
    (0x445, b'x'),
    (0x455, b's'),
    (0x456, b'i'),
    (0x457, b'i'),
    (0x458, b'j'),
    (0x4AE, b'Y'),
    (0x4BB, b'h'),
    (0x4C0, b'I'),
    (0x4CF, b'l'),
    (0x501, b'd'),
    (0x51A, b'Q'),
    (0x51B, b'q'),
    (0x51C, b'W'),
    (0x51D, b'w'),
];

/// Default-ignorable code points: invisible, so dropped from the view.
pub(crate) fn is_ignorable(cp: u32) -> bool {
    matches!(cp,
        0xAD | 0x34F | 0x61C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}

/// The ASCII character a non-ASCII character stands for in the view, if any.
pub(crate) fn fold(c: char) -> Option<u8> {
    let cp = u32::from(c);
    if (0xFF01..=0xFF5E).contains(&cp) {
        return u8::try_from(cp - 0xFEE0).ok(); // full-width ASCII, `＠` included
    }
    match cp {
        0x2010..=0x2015 | 0x2212 | 0x2E3A | 0x2E3B | 0xFE58 | 0xFE63 | 0x058A | 0x1400 | 0x30A0 => {
            return Some(b'-');
        }
        0xA0 | 0x2000..=0x200A | 0x202F | 0x205F | 0x3000 => return Some(b' '),
        0xFE6B => return Some(b'@'),
        0x2024 | 0xFE52 | 0x3002 | 0xFF61 => return Some(b'.'),
        // Mathematical alphanumeric letters (bold, italic, script, ...: 13 alphabets of 52).
        0x1D400..=0x1D6A3 => {
            let k = u8::try_from((cp - 0x1D400) % 52).unwrap_or(0);
            return Some(if k < 26 { b'A' + k } else { b'a' + k - 26 });
        }
        _ => {}
    }
    if let Ok(i) = HOMOGLYPHS.binary_search_by_key(&cp, |&(c, _)| c) {
        return HOMOGLYPHS.get(i).map(|&(_, a)| a);
    }
    let i = ND_ZEROS.partition_point(|&z| z <= cp);
    let zero = *ND_ZEROS.get(i.checked_sub(1)?)?;
    let d = cp - zero;
    (d < 10).then(|| b'0' + u8::try_from(d).unwrap_or(0))
}

/// Whether built-in detectors need the view of `text` ([`normalize`]): it has a non-ASCII
/// character or a percent-encoded `@`.
pub(crate) fn needs_view(text: &str) -> bool {
    !text.is_ascii() || memmem::find(text.as_bytes(), b"%40").is_some()
}

/// Builds the view of `text` into `out`; `map[i]` is the offset in `text` of the character
/// that produced byte `i` of the view, and `map[out.len()] == text.len()`. A percent-encoded
/// `@` (`%40`) is `@` in the view (`jane%40example.com` is an email).
pub(crate) fn normalize(text: &str, out: &mut String, map: &mut Vec<usize>) {
    out.clear();
    map.clear();
    let mut skip = 0;
    for (o, c) in text.char_indices() {
        if skip > 0 {
            skip -= 1;
        } else if c == '%' && text.get(o + 1..o + 3) == Some("40") {
            out.push('@');
            map.push(o);
            skip = 2;
        } else if c.is_ascii() {
            out.push(c);
            map.push(o);
        } else if is_ignorable(u32::from(c)) {
        } else if let Some(a) = fold(c) {
            out.push(char::from(a));
            map.push(o);
        } else {
            out.push(c);
            map.extend(core::iter::repeat_n(o, c.len_utf8()));
        }
    }
    map.push(text.len());
}

// ---- helpers ----

fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

fn before(b: &[u8], i: usize) -> u8 {
    if i == 0 { 0 } else { at(b, i - 1) }
}

fn is_alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

/// Word bytes (`[A-Za-z0-9_]`), as a table for the scanners' hot loops.
static WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        #[expect(clippy::cast_possible_truncation, reason = "c < 256")]
        let b = c as u8;
        #[expect(
            clippy::indexing_slicing,
            reason = "c < 256, evaluated at compile time"
        )]
        {
            t[c] = b.is_ascii_alphanumeric() || b == b'_';
        }
        c += 1;
    }
    t
};

fn is_word(c: u8) -> bool {
    WORD.get(usize::from(c)).copied().unwrap_or(false)
}

/// Length of the run of bytes from `i` satisfying `f`, at most `max`.
fn run(b: &[u8], i: usize, max: usize, f: impl Fn(u8) -> bool) -> usize {
    b.get(i..)
        .map_or(0, |r| r.iter().take(max).take_while(|&&c| f(c)).count())
}

fn eq_ignore_case(b: &[u8], i: usize, word: &[u8]) -> bool {
    b.get(i..i + word.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(word))
}

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

fn find_emails(b: &[u8], out: &mut Vec<(usize, usize)>) {
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
fn number_start(b: &[u8], i: usize) -> bool {
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

// ---- IP addresses ----

/// An octet of 1 to 3 digits, at most 255; leading zeros allowed (`010.001.002.003` is how
/// some tools print an address).
fn octet(b: &[u8], i: usize) -> Option<usize> {
    let n = run(b, i, 3, |c| c.is_ascii_digit());
    let s = b.get(i..i + n)?;
    if n == 0 {
        return None;
    }
    let v = s.iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
    (v <= 255).then_some(n)
}

/// Length of a dotted IPv4 address at `i`, if one is there.
fn ipv4_len(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    for k in 0..4 {
        if k > 0 {
            if at(b, j) != b'.' {
                return None;
            }
            j += 1;
        }
        j += octet(b, j)?;
    }
    Some(j - i)
}

fn ipv6_valid(s: &[u8]) -> bool {
    if s.len() < 2 || s.iter().filter(|&&c| c == b':').count() < 2 {
        return false;
    }
    let (head, tail, compressed) = match memmem::find(s, b"::") {
        Some(k) => (
            s.get(..k).unwrap_or(&[]),
            s.get(k + 2..).unwrap_or(&[]),
            true,
        ),
        None => (s, &[][..], false),
    };
    if memmem::find(tail, b"::").is_some() {
        return false;
    }
    let mut groups = 0;
    let mut hex_digits = 0;
    for (part_i, part) in [head, tail].into_iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        let pieces: Vec<&[u8]> = part.split(|&c| c == b':').collect();
        for (k, g) in pieces.iter().enumerate() {
            let last = k + 1 == pieces.len() && (part_i == 1 || !compressed);
            if last && g.contains(&b'.') {
                if ipv4_len(g, 0) != Some(g.len()) {
                    return false;
                }
                groups += 2;
                hex_digits += 1;
            } else if g.is_empty() || g.len() > 4 || !g.iter().all(u8::is_ascii_hexdigit) {
                return false;
            } else {
                groups += 1;
                hex_digits += g.len();
            }
        }
    }
    // At least 4 hex digits: `fe80::1` is an address, `a::b` is a C++ or Rust path (and `::1`,
    // the loopback address, identifies no one).
    hex_digits >= 4 && if compressed { groups <= 7 } else { groups == 8 }
}

/// The longest run of IPv6 characters (hex digits, `:` and `.`) that can hold one address
/// (`ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255` is 45), with room for dots around it.
const IPV6_RUN_MAX: usize = 64;

fn find_ipv6(b: &[u8], out: &mut Vec<(usize, usize)>) {
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
        if b.get(s..e).is_some_and(ipv6_valid) {
            out.push((s, e));
        }
    }
}

// ---- MAC addresses ----

// ---- one pass over word starts: phone, card, SSN, IBAN, IPv4, MAC ----

/// Working memory of [`scan_words`] (it holds the digits of the last candidate, so its `Debug`
/// prints nothing of them).
#[derive(Default)]
pub(crate) struct WordScratch {
    groups: Vec<(usize, usize)>,
    digits: Vec<u8>,
}

impl core::fmt::Debug for WordScratch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("WordScratch")
    }
}

/// The scanners anchored at word starts, in the order of the `resume` slots of [`scan_words`].
const WORD_KINDS: [Kind; 6] = [
    Kind::Phone,
    Kind::CreditCard,
    Kind::UsSsn,
    Kind::Iban,
    Kind::Ip,
    Kind::Mac,
];

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
                && sep
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

/// Lanes of `v` at most `max` (unsigned).
pub(crate) fn at_most(v: u8x16, max: u8) -> u8x16 {
    v.min(u8x16::splat(max)).cmp_eq(v)
}

/// The lanes of `v` in `lo..=hi` (all ones where in, zero elsewhere).
fn lanes_in(v: u8x16, lo: u8, hi: u8) -> u8x16 {
    at_most(v - u8x16::splat(lo), hi - lo)
}

/// The lanes of `v` equal to `c`.
pub(crate) fn lanes_eq(v: u8x16, c: u8) -> u8x16 {
    v.cmp_eq(u8x16::splat(c))
}

/// A mask's lanes as 16 bits (lane k to bit k).
pub(crate) fn bits(m: u8x16) -> u64 {
    u64::from(m.move_mask() as u16)
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

/// A phone number starting at `i` (a digit, `+` or `(`): its end, or where to try next.
fn phone_at(b: &[u8], i: usize, groups: &mut Vec<(usize, usize)>) -> Result<usize, usize> {
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
fn card_sep(c: u8) -> bool {
    matches!(c, b' ' | b'-' | b'.' | b'/' | b'_' | b'\t')
}

/// The longest valid card number starting at the digit run at `i`.
fn card_at(b: &[u8], i: usize, ws: &mut WordScratch) -> Option<usize> {
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

fn ssn_at(b: &[u8], i: usize) -> Option<usize> {
    let sep = at(b, i + 3);
    let ok = matches!(sep, b'-' | b' ')
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
fn iban_at(b: &[u8], i: usize, chars: &mut Vec<u8>) -> Option<usize> {
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

fn ipv4_at(b: &[u8], i: usize) -> Option<usize> {
    let end = i + ipv4_len(b, i)?;
    (!(is_word(at(b, end)) || at(b, end) == b'.' && at(b, end + 1).is_ascii_digit())).then_some(end)
}

fn mac_at(b: &[u8], i: usize) -> Option<usize> {
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

// ---- tokens with known prefixes ----

/// Texts shorter than this are searched for a needle with `memchr` on its first byte: building
/// a `memmem` searcher costs more than a field or a log line takes to scan.
const SHORT_TEXT: usize = 512;

/// The start of every non-overlapping occurrence of `needle` in `b`, left to right (what
/// `memmem::find_iter` gives, without its set-up cost on short texts).
fn occurrences<'a>(b: &'a [u8], needle: &'a [u8]) -> Occurrences<'a> {
    Occurrences {
        b,
        needle,
        pos: 0,
        long: (b.len() >= SHORT_TEXT).then(|| memmem::find_iter(b, needle)),
    }
}

struct Occurrences<'a> {
    b: &'a [u8],
    needle: &'a [u8],
    pos: usize,
    long: Option<memmem::FindIter<'a, 'a>>,
}

impl Iterator for Occurrences<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if let Some(it) = &mut self.long {
            return it.next();
        }
        let (&first, _) = self.needle.split_first()?;
        loop {
            let i = self.pos + memchr::memchr(first, self.b.get(self.pos..)?)?;
            if self.b.get(i..).is_some_and(|t| t.starts_with(self.needle)) {
                self.pos = i + self.needle.len();
                return Some(i);
            }
            self.pos = i + 1;
        }
    }
}

fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

fn find_jwts(b: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut last_end = 0;
    for i in occurrences(b, b"eyJ") {
        if i < last_end || is_b64url(before(b, i)) {
            continue;
        }
        let h = run(b, i, 4096, is_b64url);
        if h < 10 || at(b, i + h) != b'.' {
            continue;
        }
        let p0 = i + h + 1;
        if b.get(p0..p0 + 3) != Some(b"eyJ") {
            continue;
        }
        let p = run(b, p0, 1 << 16, is_b64url);
        if p < 10 || at(b, p0 + p) != b'.' {
            continue;
        }
        let s0 = p0 + p + 1;
        let s = run(b, s0, 4096, is_b64url);
        let end = s0 + s;
        if !is_b64url(at(b, end)) {
            out.push((i, end));
            last_end = end;
        }
    }
}

/// A token `prefix` + `min..=max` characters of `class` at `i`, bounded on both sides.
fn prefixed(
    b: &[u8],
    i: usize,
    prefix_len: usize,
    min: usize,
    max: usize,
    class: impl Fn(u8) -> bool,
) -> Option<usize> {
    if is_word(before(b, i)) {
        return None;
    }
    let n = run(b, i + prefix_len, max + 1, &class);
    let end = i + prefix_len + n;
    (n >= min && n <= max && !class(at(b, end))).then_some(end)
}

const AWS_PREFIXES: [&[u8; 4]; 12] = [
    b"AKIA", b"ASIA", b"ABIA", b"ACCA", b"AGPA", b"AIDA", b"AIPA", b"ANPA", b"ANVA", b"APKA",
    b"AROA", b"ASCA",
];

fn find_aws(b: &[u8], out: &mut Vec<(usize, usize)>) {
    // Access key ids: a known prefix and 16 upper-case letters or digits.
    let upper_digit = |c: u8| c.is_ascii_uppercase() || c.is_ascii_digit();
    for i in memchr::memchr_iter(b'A', b) {
        if b.get(i..i + 4)
            .is_some_and(|p| AWS_PREFIXES.iter().any(|a| &a[..] == p))
            && let Some(end) = prefixed(b, i, 4, 16, 16, upper_digit)
        {
            out.push((i, end));
        }
    }
    // Secret access keys: 40 base64 characters assigned to a key named like
    // `aws_secret_access_key` / `SecretAccessKey` (case and separators ignored).
    for k in occurrences(b, b"ecret").chain(occurrences(b, b"ECRET")) {
        let Some(s) = k.checked_sub(1) else { continue };
        if !at(b, s).eq_ignore_ascii_case(&b's') {
            continue;
        }
        // After `secret`: optional separator, `access`, optional separator, `key`.
        let mut j = k + 5;
        if matches!(at(b, j), b'_' | b'-' | b' ') {
            j += 1;
        }
        if !eq_ignore_case(b, j, b"access") {
            continue;
        }
        j += 6;
        if matches!(at(b, j), b'_' | b'-' | b' ') {
            j += 1;
        }
        if !eq_ignore_case(b, j, b"key") {
            continue;
        }
        j += 3;
        j += run(b, j, 8, |c| matches!(c, b' ' | b'"' | b'\'' | b'\t'));
        if !matches!(at(b, j), b'=' | b':') {
            continue;
        }
        j += 1;
        j += run(b, j, 8, |c| matches!(c, b' ' | b'"' | b'\'' | b'\t'));
        let n = run(b, j, 41, |c| {
            c.is_ascii_alphanumeric() || c == b'/' || c == b'+'
        });
        if n == 40 {
            out.push((j, j + 40));
        }
    }
}

fn find_github(b: &[u8], out: &mut Vec<(usize, usize)>) {
    for i in occurrences(b, b"gh") {
        if matches!(
            b.get(i..i + 4),
            Some(b"ghp_" | b"gho_" | b"ghu_" | b"ghs_" | b"ghr_")
        ) && let Some(end) = prefixed(b, i, 4, 36, 255, |c| c.is_ascii_alphanumeric())
        {
            out.push((i, end));
        }
    }
    for i in occurrences(b, b"github_pat_") {
        if let Some(end) = prefixed(b, i, 11, 60, 255, is_word) {
            out.push((i, end));
        }
    }
}

fn find_slack(b: &[u8], out: &mut Vec<(usize, usize)>) {
    for i in occurrences(b, b"xox") {
        if matches!(at(b, i + 3), b'a' | b'b' | b'p' | b'r' | b's' | b'e')
            && at(b, i + 4) == b'-'
            && let Some(end) =
                prefixed(b, i, 5, 10, 255, |c| c.is_ascii_alphanumeric() || c == b'-')
        {
            out.push((i, end));
        }
    }
    for i in occurrences(b, b"xapp-") {
        if let Some(end) = prefixed(b, i, 5, 10, 255, |c| c.is_ascii_alphanumeric() || c == b'-') {
            out.push((i, end));
        }
    }
    let hook = b"hooks.slack.com/services/";
    for i in occurrences(b, hook) {
        let s = i + hook.len();
        let n = run(b, s, 255, |c| {
            c.is_ascii_alphanumeric() || c == b'/' || c == b'_'
        });
        if n >= 20 {
            out.push((s, s + n));
        }
    }
}

fn find_stripe(b: &[u8], out: &mut Vec<(usize, usize)>) {
    for mode in [&b"_live_"[..], &b"_test_"[..]] {
        for k in occurrences(b, mode) {
            let Some(i) = k.checked_sub(2) else { continue };
            if matches!(b.get(i..k), Some(b"sk" | b"pk" | b"rk"))
                && let Some(end) =
                    prefixed(b, i, 2 + mode.len(), 10, 255, |c| c.is_ascii_alphanumeric())
            {
                out.push((i, end));
            }
        }
    }
    for i in occurrences(b, b"whsec_") {
        if let Some(end) = prefixed(b, i, 6, 20, 255, |c| c.is_ascii_alphanumeric()) {
            out.push((i, end));
        }
    }
}

fn find_google(b: &[u8], out: &mut Vec<(usize, usize)>) {
    for i in occurrences(b, b"AIza") {
        if let Some(end) = prefixed(b, i, 4, 35, 35, is_b64url) {
            out.push((i, end));
        }
    }
}

fn find_private_keys(b: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut from = 0;
    while let Some(rel) = memmem::find(b.get(from..).unwrap_or(&[]), b"-----BEGIN ") {
        let i = from + rel;
        let label_start = i + 11;
        let label_len = run(b, label_start, 64, |c| c.is_ascii_uppercase() || c == b' ');
        let label = b.get(label_start..label_start + label_len).unwrap_or(&[]);
        from = label_start;
        if b.get(label_start + label_len..label_start + label_len + 5) != Some(b"-----")
            || !(label.ends_with(b"PRIVATE KEY") || label.ends_with(b"PRIVATE KEY BLOCK"))
        {
            continue;
        }
        // To the matching END line; without one, to the end of the text (a cut key is still a key).
        let body = label_start + label_len + 5;
        let end = memmem::find(b.get(body..).unwrap_or(&[]), b"-----END ")
            .map(|rel| {
                let e = body + rel + 9;
                let tail = run(b, e, 80, |c| c != b'\n' && c != b'\r');
                match memmem::find(b.get(e..e + tail).unwrap_or(&[]), b"-----") {
                    Some(k) => e + k + 5,
                    None => e + tail,
                }
            })
            .unwrap_or(b.len());
        out.push((i, end));
        from = end.max(from);
    }
}

fn is_token_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'~' | b'+' | b'/' | b'=' | b'-')
}

fn find_bearer(b: &[u8], out: &mut Vec<(usize, usize)>) {
    // Where the last token found ends: a `bearer` inside a token is part of it (a run of
    // `bearer=bearer=...` is one token, not one per occurrence: linear).
    for needle in [&b"earer"[..], &b"EARER"[..]] {
        find_bearer_with(b, needle, out);
    }
}

fn find_bearer_with(b: &[u8], needle: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut last_end = 0;
    for k in occurrences(b, needle) {
        let Some(i) = k.checked_sub(1) else { continue };
        if i < last_end {
            continue;
        }
        if !at(b, i).eq_ignore_ascii_case(&b'b') || is_word(before(b, i)) {
            continue;
        }
        // `Bearer <token>`, `bearer=<token>`, `bearer: <token>`.
        let mut j = k + 5;
        let spaces = run(b, j, 8, |c| c == b' ' || c == b'\t');
        j += spaces;
        if matches!(at(b, j), b'=' | b':') {
            j += 1;
            j += run(b, j, 8, |c| c == b' ' || c == b'"' || c == b'\'');
        } else if spaces == 0 {
            continue;
        }
        let n = run(b, j, 8192, is_token_char);
        // Trailing `.` ends a sentence, not the token.
        let mut e = j + n;
        while e > j && at(b, e - 1) == b'.' {
            e -= 1;
        }
        if e - j >= 8
            && b.get(j..e)
                .is_some_and(|t| t.iter().any(u8::is_ascii_digit) || t.len() >= 16)
        {
            out.push((j, e));
            last_end = e;
        }
    }
}

fn find_url_credentials(b: &[u8], out: &mut Vec<(usize, usize)>) {
    for k in occurrences(b, b"//") {
        // `scheme://` or a scheme-relative `//` (not `///` or a word's `a//b`).
        let scheme_relative = before(b, k) != b':';
        if scheme_relative {
            if is_word(before(b, k)) || matches!(before(b, k), b'/' | b'.' | b'-' | b'+') {
                continue;
            }
        } else {
            let mut s = k - 1;
            while s > 0
                && (before(b, s).is_ascii_alphanumeric()
                    || matches!(before(b, s), b'+' | b'.' | b'-'))
            {
                s -= 1;
            }
            if s + 1 == k {
                continue;
            }
        }
        let u = k + 2;
        let userinfo = run(b, u, 512, |c| {
            !matches!(
                c,
                b'/' | b'?'
                    | b'#'
                    | b'@'
                    | b' '
                    | b'\t'
                    | b'\n'
                    | b'\r'
                    | b'"'
                    | b'\''
                    | b'<'
                    | b'>'
            )
        });
        if at(b, u + userinfo) != b'@' {
            continue;
        }
        let info = b.get(u..u + userinfo).unwrap_or(&[]);
        // `user:password`, or `:password` with an empty user (`redis://:pw@host`).
        if let Some(colon) = info.iter().position(|&c| c == b':')
            && colon + 1 < info.len()
        {
            out.push((u, u + userinfo));
        }
    }
}

fn entropy(s: &[u8]) -> f64 {
    let mut counts = [0u32; 256];
    for &c in s {
        if let Some(n) = counts.get_mut(usize::from(c)) {
            *n += 1;
        }
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "token lengths are far below 2^52"
    )]
    let len = s.len() as f64;
    counts
        .iter()
        .filter(|&&n| n > 0)
        .map(|&n| {
            let p = f64::from(n) / len;
            -p * log2(p)
        })
        .sum()
}

/// log2 for `0 < x <= 1`, without `std` (a few Newton-free series steps are exact enough here).
fn log2(x: f64) -> f64 {
    // x = m * 2^e with m in [1, 2): log2 x = e + log2 m; ln m by the atanh series.
    let bits = x.to_bits();
    #[expect(clippy::cast_possible_wrap, reason = "an 11-bit exponent")]
    let e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let m = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let mut term = t;
    let mut sum = 0.0;
    let mut k = 1.0;
    for _ in 0..12 {
        sum += term / k;
        term *= t2;
        k += 2.0;
    }
    #[expect(clippy::cast_precision_loss, reason = "a small exponent")]
    let e = e as f64;
    e + 2.0 * sum * core::f64::consts::LOG2_E
}

fn find_high_entropy(b: &[u8], out: &mut Vec<(usize, usize)>) {
    let class = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'_' | b'-');
    let mut i = 0;
    while i < b.len() {
        if !class(at(b, i)) {
            i += 1;
            continue;
        }
        let n = run(b, i, usize::MAX, class);
        if (20..=1000).contains(&n) {
            let t = b.get(i..i + n).unwrap_or(&[]);
            let letters = t.iter().any(u8::is_ascii_alphabetic);
            let digits = t.iter().any(u8::is_ascii_digit);
            if letters && digits && entropy(t) >= HIGH_ENTROPY_BITS {
                out.push((i, i + n));
            }
        }
        i += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::vec;

    fn spans(k: Kind, s: &str) -> Vec<(usize, usize)> {
        let mut v = vec![];
        k.find(s.as_bytes(), &mut v);
        v
    }
    fn found(k: Kind, s: &str) -> Vec<&str> {
        spans(k, s).into_iter().map(|(a, b)| &s[a..b]).collect()
    }

    /// [`for_each_start`] one byte at a time, as its doc states it: what it must offer, and
    /// what it may offer besides (letter word starts in the last four bytes of a block).
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

    #[test]
    fn emails() {
        assert_eq!(
            spans(Kind::Email, "mail jane.doe+x@example.co.uk now"),
            vec![(5, 29)]
        );
        assert!(spans(Kind::Email, "a@b").is_empty());
        assert!(spans(Kind::Email, "j***@***.com").is_empty());
        assert_eq!(
            spans(Kind::Email, "x@y.com, z@w.org."),
            vec![(0, 7), (9, 16)]
        );
    }

    #[test]
    fn cards() {
        assert_eq!(
            found(Kind::CreditCard, "card 4111 1111 1111 1111 ok"),
            vec!["4111 1111 1111 1111"]
        );
        assert_eq!(
            found(Kind::CreditCard, "5555555555554444 2223003122003222"),
            vec!["5555555555554444", "2223003122003222"]
        );
        assert!(
            found(
                Kind::CreditCard,
                "4111111111111112 ts 1700000000000 x41111111111111111"
            )
            .is_empty()
        );
        assert_eq!(
            found(Kind::CreditCard, "378282246310005 6011111111111117"),
            vec!["378282246310005", "6011111111111117"]
        );
    }

    #[test]
    fn phones() {
        for p in [
            "+1 415 555 0100",
            "+14155550100",
            "(415) 555-0100",
            "415-555-0100",
            "1-415-555-0100",
            "+44 20 7946 0958",
            "020 7946 0958",
            "07700 900123",
            "01 23 45 67 89",
            "+33 1 23 45 67 89",
            "030 12345678",
            "+49 30 12345678",
            "612 34 56 78",
            "912 345 678",
            "98765 43210",
            "+91 98765 43210",
        ] {
            assert_eq!(found(Kind::Phone, &format!("call {p} now")), vec![p], "{p}");
        }
        for n in [
            "1700000000000",
            "order 123456789",
            "2024-03-05",
            "v1.2.3",
            "192.168.1.10",
            "4155550100",
            "550e8400-e29b-41d4-a716-446655440000",
            "12:30:45",
            "3.14159",
        ] {
            assert!(found(Kind::Phone, n).is_empty(), "{n}");
        }
    }

    #[test]
    fn ssn_iban_ip_mac() {
        assert_eq!(found(Kind::UsSsn, "ssn 123-45-6789."), vec!["123-45-6789"]);
        for bad in [
            "000-12-3456",
            "666-12-3456",
            "900-12-3456",
            "123-00-4567",
            "123-45-0000",
            "123-45-67890",
        ] {
            assert!(found(Kind::UsSsn, bad).is_empty(), "{bad}");
        }
        assert_eq!(
            found(Kind::Iban, "pay DE89 3704 0044 0532 0130 00 now"),
            vec!["DE89 3704 0044 0532 0130 00"]
        );
        assert_eq!(
            found(Kind::Iban, "GB82WEST12345698765432"),
            vec!["GB82WEST12345698765432"]
        );
        assert!(found(Kind::Iban, "DE89370400440532013001").is_empty());
        assert_eq!(
            found(Kind::Ip, "from 10.0.0.1 and 2001:db8::1, ::ffff:192.0.2.1"),
            vec!["10.0.0.1", "2001:db8::1", "::ffff:192.0.2.1"]
        );
        for bad in [
            "1.2.3",
            "256.1.1.1",
            "v1.2.3.4.5",
            "12:30:45",
            "std::io",
            "a::b",
            "00:1a:2b:3c:4d:5e",
        ] {
            assert!(found(Kind::Ip, bad).is_empty(), "{bad}");
        }
        assert_eq!(
            found(
                Kind::Mac,
                "mac 00:1A:2b:3c:4d:5e, 00-1a-2b-3c-4d-5e, 001a.2b3c.4d5e"
            ),
            vec!["00:1A:2b:3c:4d:5e", "00-1a-2b-3c-4d-5e", "001a.2b3c.4d5e"]
        );
    }

    #[test]
    fn secrets() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert_eq!(found(Kind::Jwt, &format!("token={jwt};")), vec![jwt]);
        assert_eq!(
            found(Kind::AwsKey, "id AKIAIOSFODNN7EXAMPLE"),
            vec!["AKIAIOSFODNN7EXAMPLE"]
        );
        assert_eq!(
            found(
                Kind::AwsKey,
                "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
            ),
            vec!["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"]
        );
        assert_eq!(
            found(
                Kind::AwsKey,
                "\"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\""
            ),
            vec!["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"]
        );
        assert_eq!(
            found(
                Kind::GithubToken,
                "ghp_1234567890abcdefghijABCDEFGHIJ123456"
            ),
            vec!["ghp_1234567890abcdefghijABCDEFGHIJ123456"]
        );
        assert_eq!(
            found(Kind::SlackToken, "xoxb-123456789012-1234567890123-AbCdEfGh"),
            vec!["xoxb-123456789012-1234567890123-AbCdEfGh"]
        );
        assert_eq!(
            found(Kind::StripeKey, "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
            vec!["sk_live_4eC39HqLyjWDarjtT1zdp7dc"]
        );
        assert_eq!(
            found(
                Kind::GoogleApiKey,
                "key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI"
            ),
            vec!["AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI"]
        );
        let pem =
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";
        assert_eq!(
            found(Kind::PrivateKey, &format!("k: {pem}\nrest")),
            vec![pem]
        );
        assert_eq!(
            found(Kind::PrivateKey, "-----BEGIN OPENSSH PRIVATE KEY-----\nabc"),
            vec!["-----BEGIN OPENSSH PRIVATE KEY-----\nabc"]
        );
        assert!(
            found(
                Kind::PrivateKey,
                "-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----"
            )
            .is_empty()
        );
        assert_eq!(
            found(Kind::BearerToken, "Authorization: Bearer abc.def-123_ghi."),
            vec!["abc.def-123_ghi"]
        );
        assert_eq!(
            found(Kind::BearerToken, "bearer=tok12345678"),
            vec!["tok12345678"]
        );
        assert!(found(Kind::BearerToken, "the bearer of bad news").is_empty());
        assert_eq!(
            found(Kind::UrlCredentials, "postgres://app:hunter2@db:5432/x"),
            vec!["app:hunter2"]
        );
        assert!(found(Kind::UrlCredentials, "https://example.com/a@b").is_empty());
        assert_eq!(
            found(
                Kind::HighEntropy,
                "secret 8fJ2kQ9zXw4LmN7pR3tV6yB1cD5eG0hA end"
            ),
            vec!["8fJ2kQ9zXw4LmN7pR3tV6yB1cD5eG0hA"]
        );
        assert!(found(Kind::HighEntropy, "sha 4b825dc642cb6eb9a060e54bf8d69288fbee4904 uuid 550e8400-e29b-41d4-a716-446655440000").is_empty());
    }

    #[test]
    fn normalised_view_maps_back() {
        let text = "ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ card ４１１１\u{200B}１１１１‐1111 1111";
        let mut view = String::new();
        let mut map = Vec::new();
        normalize(text, &mut view, &mut map);
        assert_eq!(view, "jane@example.com card 41111111-1111 1111");
        let s = spans(Kind::Email, &view);
        assert_eq!(
            &text[map[s[0].0]..map[s[0].1]],
            "ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ"
        );
        let c = spans(Kind::CreditCard, &view);
        assert_eq!(
            &text[map[c[0].0]..map[c[0].1]],
            "４１１１\u{200B}１１１１‐1111 1111"
        );
        assert!((log2(0.5) + 1.0).abs() < 1e-12 && (log2(0.1) - 0.1f64.log2()).abs() < 1e-9);
    }
}
