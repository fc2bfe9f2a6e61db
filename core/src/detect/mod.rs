//! Detectors: hand-written scanners with cheap prefilters, and custom patterns.
//!
//! Built-in scanners run over a *normalised view* of the text ([`normalize`]): full-width and
//! other Unicode decimal digits become ASCII digits, Unicode dashes `-`, Unicode spaces ` `,
//! `＠` and `%40` `@`, homoglyph and mathematical letters the ASCII letters they show, and
//! invisible (default-ignorable) characters are dropped, so none of them hides a value. Each
//! byte of the view maps back to the original text, so what is masked is the original span.
//! Custom patterns run over the original text.
//!
//! Each scanner appends byte spans `(start, end)`; overlapping findings are resolved by the
//! caller (longest, then earliest; the strongest action on equal spans). `words.rs` runs the
//! scanners anchored at word starts in one pass, `tokens.rs` the ones with known prefixes.

use alloc::boxed::Box;
use alloc::vec::Vec;
use regex_automata::Input;
use regex_automata::meta::{Cache, Regex};

pub mod catalog;
mod email;
mod entropy;
mod names;
mod normalize;
pub(crate) mod person;
mod person_fold;
mod shapes;
mod tokens;
mod words;

pub(crate) use normalize::{fold, is_ignorable, needs_view, normalize};
pub(crate) use shapes::WordScratch;
use words::WORD_KINDS;
pub(crate) use words::scan_words;

use email::find_emails;
use entropy::find_high_entropy;
use shapes::find_ipv6;
use tokens::{
    find_aws, find_bearer, find_github, find_google, find_jwts, find_private_keys, find_slack,
    find_stripe, find_url_credentials,
};

pub use names::BUILTIN;

/// One detector type, as `tamis detectors` lists it: never a value, only its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DetectorType {
    pub name: &'static str,
    /// The group that selects it (`secrets`, ...); `None` for `high_entropy`.
    pub group: Option<&'static str>,
    /// What checks a match beyond its shape (`luhn`, `mod97`, `base58check`, ...).
    pub validator: Option<&'static str>,
    /// Words one of which must stand near a match (weak formats).
    pub context: &'static [&'static str],
    /// The literals whose presence makes a catalog entry's pattern run (its prefilter).
    pub keywords: &'static [&'static str],
    /// The shape, in words.
    pub example: &'static str,
    /// Where the format is published.
    pub source: &'static str,
    /// A hand-written scanner (else a catalog entry).
    pub builtin: bool,
    /// Turned on by `policies/default.toml` (catalog entries).
    pub default: bool,
}

/// The built-in scanners' validators and shapes, in [`BUILTIN`] order.
const BUILTIN_SHAPES: [(Option<&str>, &str); 18] = [
    (
        None,
        "local part @ domain with a dot (IDN and punycode domains too)",
    ),
    (
        None,
        "E.164 (+ country code) or a national format with its grouping",
    ),
    (
        Some("luhn"),
        "13-19 digits in a current IIN range, grouped or not",
    ),
    (Some("area/group/serial rules"), "3-2-4 digits"),
    (
        Some("mod97"),
        "country code + 2 check digits + up to 30 letters and digits",
    ),
    (None, "IPv4 dotted quad, or IPv6 with at least 4 hex digits"),
    (
        None,
        "6 hex pairs separated by : or -, or 3 groups of 4 by .",
    ),
    (None, "eyJ + base64url header . payload . signature"),
    (
        None,
        "AKIA/ASIA + 16 of [A-Z2-7], or a 40-character secret after its key name",
    ),
    (
        None,
        "ghp_/gho_/ghu_/ghs_/ghr_ + 36 or more, or github_pat_ + 60 or more",
    ),
    (
        None,
        "xoxb-/xoxp-/xoxa-/xoxr-/xoxs-/xoxe- tokens, xapp- tokens, webhook URLs",
    ),
    (
        None,
        "sk_live_/rk_live_/sk_test_ keys, whsec_ signing secrets",
    ),
    (None, "AIza + 35 of [A-Za-z0-9_-]"),
    (
        None,
        "a PEM block: -----BEGIN ... PRIVATE KEY----- to its END line",
    ),
    (None, "the value after Bearer, bearer= or bearer:"),
    (None, "user:password in scheme://user:password@host"),
    (
        Some("entropy >= 4.2 bits per character"),
        "20-1000 of [A-Za-z0-9+/=_-], letters and digits mixed",
    ),
    (
        None,
        "capitalised words after a title, greeting or introduction, or a known given name and a second word (name statistics of 10 countries: core/data/names)",
    ),
];

/// Every detector type: the built-in scanners, then the catalog in catalog order.
pub fn detector_types() -> impl Iterator<Item = DetectorType> {
    let builtin = KINDS
        .iter()
        .zip(BUILTIN_SHAPES)
        .map(|(k, (validator, example))| DetectorType {
            name: k.name(),
            group: k.group().map(catalog::Group::name),
            validator,
            context: &[],
            keywords: &[],
            example,
            source: "tamis (hand-written scanner)",
            builtin: true,
            default: false,
        });
    builtin.chain(catalog::CATALOG.iter().map(|e| DetectorType {
        name: e.name,
        group: Some(e.group.name()),
        validator: e.validator,
        context: e.context,
        keywords: e.keywords,
        example: e.example,
        source: e.source,
        builtin: false,
        default: e.default,
    }))
}

/// The detector groups' names.
pub fn detector_groups() -> impl Iterator<Item = &'static str> {
    catalog::Group::ALL.into_iter().map(catalog::Group::name)
}

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
    PersonName,
}

const KINDS: [Kind; 18] = [
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
    Kind::PersonName,
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

    /// The group a policy selects this detector with (`detect = ["secrets"]`); `high_entropy`
    /// is in none: it is unlabelled and noisier than any group should be.
    pub(crate) fn group(self) -> Option<catalog::Group> {
        use catalog::Group;
        Some(match self {
            Self::Email | Self::Phone => Group::Contact,
            Self::CreditCard | Self::Iban => Group::Financial,
            Self::UsSsn => Group::NationalId,
            Self::Ip | Self::Mac => Group::Network,
            Self::PersonName => Group::Person,
            Self::HighEntropy => return None,
            _ => Group::Secrets,
        })
    }

    /// Whether this detector finds a generic shape (a phone number, a high-entropy string, a
    /// bearer value) that a more specific detector's label should win over on the same span.
    pub(crate) fn generic(self) -> bool {
        matches!(self, Self::Phone | Self::HighEntropy | Self::BearerToken)
    }

    pub(crate) fn all() -> &'static [Self] {
        &KINDS
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
            Self::PersonName => person::find_person_names(b, out),
        }
    }
}

/// A compiled detector.
#[derive(Debug)]
pub(crate) enum Detector {
    Builtin(Kind),
    /// A custom `pattern`.
    Pattern(Box<Regex>),
    /// The entry at this index of [`catalog::CATALOG`], run by the policy's
    /// [`catalog::CatalogSet`].
    Catalog(u16),
    /// `plugin:<id>`: the `detect` export of the plugin at this index of `Policy::plugins`,
    /// called by the host through [`PluginDetect`].
    Plugin(usize),
    /// `ext:<name>`: the function the front end bound to the name at this index of
    /// `Policy::ext_names` ([`ExtDetect`]), called once per line.
    Ext(usize),
}

/// The functions a front end binds to a policy's `ext:<name>` detectors
/// ([`crate::Policy::with_detectors`]): a Python or JS function, a Rust closure.
///
/// A function is given one line of a text at a time (the text up to a `\n`, without it), so a
/// text streamed in pieces is masked as the whole would be. It answers byte spans of that line;
/// one that fails, or answers a span out of the line or off a character boundary, makes the
/// whole line a finding (masked by the rule's action), and is counted in the report's
/// `failures.detector`.
pub trait ExtDetect: Send + Sync {
    /// Whether a function is bound to `name` (the part after `ext:`).
    fn binds(&self, name: &str) -> bool;
    /// Appends to `out` the byte spans `(start, end)` the function bound to `name` finds in
    /// `line`. Returns `false` when it failed.
    fn detect(&self, name: &str, line: &str, out: &mut Vec<(usize, usize)>) -> bool;
}

/// The spans of an `ext:` detector in `text`, line by line, checked: a line whose function is
/// unbound, fails, or answers a span that is not a range of the line on character boundaries is
/// one finding whole (then `false`). Line by line, so a text streamed in pieces gives what the
/// whole gives.
pub(crate) fn find_ext(
    ext: Option<&dyn ExtDetect>,
    name: &str,
    text: &str,
    out: &mut Vec<(usize, usize)>,
) -> bool {
    let mut all_answered = true;
    let mut start = 0;
    let mut line_spans = Vec::new();
    for line in text.split('\n') {
        line_spans.clear();
        let answered = ext.is_some_and(|f| f.detect(name, line, &mut line_spans));
        let valid = answered
            && line_spans.iter().all(|&(s, e)| {
                s <= e && e <= line.len() && line.is_char_boundary(s) && line.is_char_boundary(e)
            });
        if valid {
            out.extend(
                line_spans
                    .iter()
                    .filter(|&&(s, e)| s < e)
                    .map(|&(s, e)| (start + s, start + e)),
            );
        } else {
            all_answered = false;
            if !line.is_empty() {
                out.push((start, start + line.len()));
            }
        }
        start += line.len() + 1;
    }
    all_answered
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

/// Texts shorter than this are searched for a needle with `memchr` on its first byte: building
/// a `memmem` searcher costs more than a field or a log line takes to scan.
const SHORT_TEXT: usize = 512;

/// The start of every non-overlapping occurrence of `needle` in `b`, left to right (what
/// `memmem::find_iter` gives, without its set-up cost on short texts).
pub(crate) fn occurrences<'a>(b: &'a [u8], needle: &'a [u8]) -> Occurrences<'a> {
    debug_assert!(!needle.is_empty(), "an empty needle occurs everywhere");
    Occurrences {
        b,
        needle,
        pos: 0,
        long: (b.len() >= SHORT_TEXT).then(|| Box::new(memchr::memmem::find_iter(b, needle))),
    }
}

pub(crate) struct Occurrences<'a> {
    b: &'a [u8],
    needle: &'a [u8],
    pos: usize,
    /// Boxed: a searcher is some hundreds of bytes, which every call on a short text (most
    /// fields) would otherwise copy as the iterator is made and moved.
    long: Option<Box<memchr::memmem::FindIter<'a, 'a>>>,
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

#[cfg(test)]
mod tests {
    use super::entropy::log2;
    use super::*;
    use alloc::format;
    use alloc::string::String;
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
        // UUIDs are never cards, however many of their digits are decimal.
        for uuid in [
            "36921752-7580-8431-9700-958661217360",
            "41111111-1111-4111-8111-111111111111",
            "ab111111-4111-1111-8111-111111111111",
        ] {
            assert!(
                found(Kind::CreditCard, &format!("id {uuid} ok")).is_empty(),
                "{uuid}"
            );
            assert!(
                found(Kind::Phone, &format!("id {uuid} ok")).is_empty(),
                "{uuid}"
            );
        }
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
            "0532 123 45 67",
            "+90 532 123 45 67",
            "0917 123 4567",
            "+63 917 123 4567",
            "050-123-4567",
            "+972 50-123-4567",
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
        assert_eq!(found(Kind::UsSsn, "ssn 123.45.6789"), vec!["123.45.6789"]);
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
            found(Kind::SlackToken, "legacy xoxo-1234567890-abcdefghijklmn"),
            vec!["xoxo-1234567890-abcdefghijklmn"]
        );
        for kind in ["workflows", "triggers", "services"] {
            let hook = format!(
                "https://hooks.slack.com/{kind}/T012AB3CD/A0123456/abcdefABCDEF0123456789ab"
            );
            let secret = &hook[hook.find(kind).unwrap() + kind.len() + 1..];
            assert_eq!(found(Kind::SlackToken, &hook), vec![secret], "{kind}");
        }
        assert_eq!(
            found(
                Kind::GithubToken,
                "ghs_abcDEF123.456_ghiJKL789mnoPQR012stuVWX345yzAB678cdEF."
            ),
            vec!["ghs_abcDEF123.456_ghiJKL789mnoPQR012stuVWX345yzAB678cdEF"]
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
