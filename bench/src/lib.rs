//! Seeded inputs shared by the tamis benchmarks: the same bytes on every run and machine.

use std::fmt::Write as _;

pub mod work;

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator with a fixed seed.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    /// One of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items.get(i).copied().unwrap_or("")
    }
}

const FIRST: &[&str] = &[
    "jane", "omar", "li", "sofia", "raj", "emma", "noah", "ines", "yuki", "ana",
];
const LAST: &[&str] = &[
    "doe", "haddad", "wei", "rossi", "patel", "smith", "kim", "garcia", "sato", "silva",
];
const WORDS: &[&str] = &[
    "the", "order", "was", "shipped", "customer", "asked", "about", "refund", "status", "agent",
    "replied", "with", "tracking", "details", "and", "a", "coupon", "for", "next", "purchase",
];

/// One JSON Lines record of about 1.4 KB with nested user, payment, auth and free-text fields.
#[must_use]
pub fn record(rng: &mut Rng, i: u64) -> String {
    let first = rng.pick(FIRST);
    let last = rng.pick(LAST);
    let mut text = String::new();
    for _ in 0..40 {
        text.push_str(rng.pick(WORDS));
        text.push(' ');
    }
    let mut s = String::with_capacity(1500);
    let _ = write!(
        s,
        concat!(
            r#"{{"type":"trace","id":"t-{i:08}","timestamp":"2026-11-{day:02}T10:{min:02}:00Z","#,
            r#""user":{{"id":"u-{uid}","name":"{first} {last}","email":"{first}.{last}@example.com","phone":"+1415555{ph:04}","#,
            r#""ssn":"{a:03}-{b:02}-{c:04}","dob":"19{yy:02}-0{mm}-1{dd}","ip":"10.{o2}.{o3}.{o4}","#,
            r#""address":{{"street":"{n} Main Street","city":"Springfield","zip":"{zip:05}"}}}},"#,
            r#""payment":{{"card_number":"4111 1111 1111 1111","cvv":"{cvv:03}","iban":"DE89370400440532013000","amount":{amt}.{cents:02},"currency":"EUR"}},"#,
            r#""auth":{{"password":"pw-{pw:x}","api_key":"sk-live-{key:016x}","token":"tok_{tok:x}","scopes":["read","write"]}},"#,
            r#""session":{{"cookie":"sid={sid:x}","user_agent":"Mozilla/5.0 (X11; Linux x86_64)"}},"#,
            r#""device":{{"mac":"00:1a:2b:{m1:02x}:{m2:02x}:{m3:02x}","os":"linux"}},"#,
            r#""location":{{"lat":52.{lat:04},"lon":13.{lon:04},"address":"{n} Main Street, Springfield"}},"#,
            r#""business":{{"profit_margin":0.{pm:02},"revenue":{rev}}},"#,
            r#""metadata":{{"notes":"{text}","tags":["checkout","web","eu"]}},"#,
            r#""message":"{text}","usage":{{"input_tokens":{it},"output_tokens":{ot}}}}}"#
        ),
        i = i,
        day = 1 + rng.below(28),
        min = rng.below(60),
        uid = rng.below(1_000_000),
        first = first,
        last = last,
        ph = rng.below(10_000),
        a = 100 + rng.below(500),
        b = 10 + rng.below(89),
        c = 1000 + rng.below(8999),
        yy = 50 + rng.below(49),
        mm = 1 + rng.below(9),
        dd = rng.below(9),
        o2 = rng.below(256),
        o3 = rng.below(256),
        o4 = rng.below(256),
        n = 1 + rng.below(999),
        zip = rng.below(99_999),
        cvv = rng.below(1000),
        amt = rng.below(10_000),
        cents = rng.below(100),
        pw = rng.next_u64(),
        key = rng.next_u64(),
        tok = rng.next_u64(),
        sid = rng.next_u64(),
        m1 = rng.below(256),
        m2 = rng.below(256),
        m3 = rng.below(256),
        lat = rng.below(10_000),
        lon = rng.below(10_000),
        pm = rng.below(100),
        rev = rng.below(1_000_000),
        text = text.trim_end(),
        it = rng.below(2000),
        ot = rng.below(2000),
    );
    s
}

/// `n` records, seeded.
#[must_use]
pub fn records(n: u64) -> Vec<String> {
    let mut rng = Rng::new(0x7A31_5EED);
    (0..n).map(|i| record(&mut rng, i)).collect()
}

/// A policy of 20 field rules over the records of [`record`].
pub const POLICY_20_FIELD_RULES: &str = r#"
version = 1
name = "bench-20-field-rules"

[key.default]
env = "TAMIS_HASH_KEY"
id = "k1"

[[rule]]
id = "user-email"
paths = ["user.email"]
action = "partial"
[[rule]]
id = "user-phone"
paths = ["user.phone"]
action = "partial"
[[rule]]
id = "user-ssn"
paths = ["user.ssn"]
action = "replace"
[[rule]]
id = "user-name"
paths = ["user.name"]
action = "hash"
key = "default"
[[rule]]
id = "user-dob"
paths = ["user.dob"]
action = "generalize"
precision = "year"
[[rule]]
id = "user-ip"
paths = ["user.ip"]
action = "generalize"
[[rule]]
id = "user-street"
paths = ["user.address.street"]
action = "partial"
[[rule]]
id = "card"
paths = ["payment.card_number"]
action = "partial"
[[rule]]
id = "cvv"
paths = ["payment.cvv"]
action = "redact"
[[rule]]
id = "iban"
paths = ["payment.iban"]
action = "replace"
[[rule]]
id = "password"
paths = ["auth.password"]
action = "replace"
[[rule]]
id = "api-key"
paths = ["auth.api_key"]
action = "partial"
[[rule]]
id = "token"
paths = ["auth.token"]
action = "hash"
key = "default"
[[rule]]
id = "cookie"
paths = ["session.cookie"]
action = "replace"
[[rule]]
id = "mac"
paths = ["device.mac"]
action = "replace"
[[rule]]
id = "lat"
paths = ["location.lat"]
action = "generalize"
[[rule]]
id = "lon"
paths = ["location.lon"]
action = "generalize"
[[rule]]
id = "location-address"
paths = ["location.address"]
action = "partial"
[[rule]]
id = "margin"
paths = ["business.profit_margin"]
action = "replace"
[[rule]]
id = "notes"
paths = ["metadata.notes"]
action = "nullify"
"#;

/// Log text of about `bytes` bytes: one line in `pii_every` holds a planted value (email, phone,
/// card, SSN, IBAN, IP, JWT, AWS key, bearer token or URL credentials); with `pii_every == 0`
/// the text is clean (request ids start with a letter, so that no random id reads as a card
/// number).
#[must_use]
pub fn log_text(bytes: usize, pii_every: u64) -> String {
    let mut rng = Rng::new(0x10C5_EED5);
    let mut out = String::with_capacity(bytes + 256);
    let mut n = 0u64;
    while out.len() < bytes {
        n += 1;
        let _ = write!(
            out,
            "2026-11-{:02}T10:{:02}:{:02}Z INFO svc=checkout req=r{:015x} took {}ms status={} ",
            1 + rng.below(28),
            rng.below(60),
            rng.below(60),
            rng.next_u64() >> 4,
            rng.below(900),
            200 + rng.below(300)
        );
        for _ in 0..8 {
            out.push_str(rng.pick(WORDS));
            out.push(' ');
        }
        if pii_every > 0 && n.is_multiple_of(pii_every) {
            let v = match rng.below(10) {
                0 => format!("user={}.{}@example.com", rng.pick(FIRST), rng.pick(LAST)),
                1 => format!("phone=+1 415 555 {:04}", rng.below(10_000)),
                2 => "card=4111 1111 1111 1111".to_owned(),
                3 => format!("ssn=123-45-{:04}", 1 + rng.below(9998)),
                4 => "iban=DE89 3704 0044 0532 0130 00".to_owned(),
                5 => format!("ip=10.{}.{}.{}", rng.below(256), rng.below(256), rng.below(256)),
                6 => "auth=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U".to_owned(),
                7 => "key=AKIAIOSFODNN7EXAMPLE".to_owned(),
                8 => "Authorization: Bearer abc123.def456-ghi789".to_owned(),
                _ => "dsn=postgres://app:hunter2@db:5432/prod".to_owned(),
            };
            out.push_str(&v);
        }
        out.push('\n');
    }
    out
}

/// The detector set the detector benchmarks use, as a tamis policy.
pub const POLICY_ALL_DETECTORS: &str = r#"
version = 1
name = "bench-detectors"
[limits]
max_string_bytes = 67108864
max_record_bytes = 67108864
[[rule]]
id = "all"
detect = ["email", "phone", "credit_card", "us_ssn", "iban", "ip", "mac", "jwt", "aws_key",
          "github_token", "slack_token", "stripe_key", "google_api_key", "private_key",
          "bearer_token", "url_credentials"]
action = "replace"
replacement = "[{type}]"
"#;

/// Every detector group: the 16 scanners of [`POLICY_ALL_DETECTORS`] and the whole catalog.
pub const POLICY_CATALOG: &str = r#"
version = 1
name = "bench-catalog"
[limits]
max_string_bytes = 67108864
max_record_bytes = 67108864
[[rule]]
id = "all"
detect = ["secrets", "national_id", "financial", "crypto", "network", "contact"]
action = "replace"
replacement = "[{type}]"
"#;

/// One alternation of regular expressions equivalent to [`POLICY_ALL_DETECTORS`] (without the
/// validation tamis does: Luhn, IBAN checksums, SSN and IIN ranges), in a syntax that both
/// Rust's `regex` and Python's `re` accept.
pub const PEER_ALTERNATION: &str = concat!(
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
    r"|\+[0-9][0-9 ().-]{7,18}[0-9]|\(?[2-9][0-9]{2}\)?[ .-][2-9][0-9]{2}[ .-][0-9]{4}",
    r"|\b(?:[0-9][ -]?){12,18}[0-9]\b",
    r"|\b[0-9]{3}[- ][0-9]{2}[- ][0-9]{4}\b",
    r"|\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b",
    r"|\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b|\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{1,4}\b",
    r"|\b(?:[0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}\b",
    r"|eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*",
    r"|\b(?:AKIA|ASIA)[A-Z0-9]{16}\b|(?i:aws_secret_access_key)\s*[=:]\s*[A-Za-z0-9/+]{40}",
    r"|\bgh[pousr]_[A-Za-z0-9]{36,}|xox[abprse]-[A-Za-z0-9-]{10,}|\b[spr]k_(?:live|test)_[A-Za-z0-9]{10,}",
    r"|AIza[A-Za-z0-9_-]{35}|-----BEGIN [A-Z ]*PRIVATE KEY-----",
    r"|(?i:bearer)\s+[A-Za-z0-9._~+/=-]{8,}|[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@",
);

/// The 20 paths of [`POLICY_20_FIELD_RULES`], for the peers that take a list of paths.
pub const PATHS_20: [&str; 20] = [
    "user.email",
    "user.phone",
    "user.ssn",
    "user.name",
    "user.dob",
    "user.ip",
    "user.address.street",
    "payment.card_number",
    "payment.cvv",
    "payment.iban",
    "auth.password",
    "auth.api_key",
    "auth.token",
    "session.cookie",
    "device.mac",
    "location.lat",
    "location.lon",
    "location.address",
    "business.profit_margin",
    "metadata.notes",
];

/// The same 20 paths, each replaced by `[REDACTED]`: what path-based redactors (fast-redact,
/// `@pinojs/redact`, a Python redactor) write, so outputs can be compared byte for byte.
#[must_use]
pub fn policy_20_replace() -> String {
    let mut s = String::from("version = 1\nname = \"bench-20-paths-replace\"\n");
    for (i, p) in PATHS_20.iter().enumerate() {
        let _ = write!(
            s,
            "[[rule]]\nid = \"r{i}\"\npaths = [\"{p}\"]\naction = \"replace\"\n"
        );
    }
    s
}

/// Five detectors that the Python and Node peers also have (email, card, phone, SSN, IP).
pub const POLICY_FIVE_DETECTORS: &str = "version = 1\nname = \"bench-text\"\n[[rule]]\nid = \"pii\"\n\
    detect = [\"email\", \"credit_card\", \"phone\", \"us_ssn\", \"ip\"]\naction = \"replace\"\n";
