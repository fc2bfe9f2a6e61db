//! The validators of catalog entries (`validator = "..."` in `core/catalog/*.toml`): check
//! digits, dates of birth and issued ranges of national identifiers, tax and health numbers,
//! VAT numbers and bank codes, and the generic check-digit systems they are built on (Luhn,
//! ISO 7064, Verhoeff).
//!
//! Each validator takes the matched bytes, separators included, and first keeps only the ASCII
//! letters and digits (upper-cased), unless its format needs a separator (the Finnish century
//! sign, the Swedish `+` for people of 100 years or more, `&` in a Mexican RFC). Then it checks
//! the length and shape, the check digits, and where the number encodes a birth date, that the
//! date exists. Values made of one repeated character (`00000000000`, `111.111.111-11`), which
//! pass many checksums trivially, are refused where the format would accept them.
//!
//! Written from the published specifications named at each function (the agency's or the
//! standard's); `tests/catalog/check_national.py` re-implements every one in Python and checks
//! both against generated values. Only `core` is used: no allocation, no indexing that can
//! panic, no unwrapping.

/// Every validator, by the name a catalog entry gives in `validator = "..."`.
pub const VALIDATORS: &[&str] = &[
    // generic check-digit systems
    "luhn",
    "mod97",
    "verhoeff",
    "iso7064_mod11_10",
    "iso7064_mod11_2",
    "iso7064_mod37_36",
    // national identifiers, tax and health numbers
    "uk_nino",
    "uk_nhs",
    "de_steuer_id",
    "de_personalausweis",
    "de_rvnr",
    "fr_nir",
    "fr_nif",
    "es_dni",
    "es_nie",
    "es_nss",
    "it_codice_fiscale",
    "nl_bsn",
    "pl_pesel",
    "pl_nip",
    "pl_id_card",
    "se_personnummer",
    "fi_hetu",
    "dk_cpr",
    "no_fodselsnummer",
    "be_national_number",
    "at_svnr",
    "pt_nif",
    "ie_ppsn",
    "ch_ahv",
    "ro_cnp",
    "in_aadhaar",
    "in_pan",
    "ca_sin",
    "au_tfn",
    "au_abn",
    "au_medicare",
    "nz_ird",
    "kr_rrn",
    "sg_nric",
    "cn_id",
    "jp_my_number",
    "tr_tckn",
    "il_teudat_zehut",
    "za_id",
    "br_cpf",
    "br_cnpj",
    "mx_curp",
    "mx_rfc",
    "cl_rut",
    "us_itin",
    "us_mbi",
    "us_npi",
    // financial
    "aba_routing",
    "swift_bic",
    "de_vat",
    "fr_vat",
    "it_vat",
    "es_vat",
    "nl_vat",
    "be_vat",
    "pl_vat",
    "at_vat",
    "pt_vat",
    "dk_vat",
    "fi_vat",
    "se_vat",
    "lu_vat",
    "gb_vat",
    "mx_clabe",
    "ar_cbu",
    // person
    "birth_date",
];

/// Whether `value` (the matched bytes, separators included) passes the named validator;
/// `None` for an unknown name.
#[must_use]
pub fn validate(name: &str, value: &[u8]) -> Option<bool> {
    let check: fn(&[u8]) -> bool = match name {
        "luhn" => luhn,
        "mod97" => mod97,
        "verhoeff" => verhoeff,
        "iso7064_mod11_10" => iso7064_mod11_10,
        "iso7064_mod11_2" => iso7064_mod11_2,
        "iso7064_mod37_36" => iso7064_mod37_36,
        "uk_nino" => uk_nino,
        "uk_nhs" => uk_nhs,
        "de_steuer_id" => de_steuer_id,
        "de_personalausweis" => de_personalausweis,
        "de_rvnr" => de_rvnr,
        "fr_nir" => fr_nir,
        "fr_nif" => fr_nif,
        "es_dni" => es_dni,
        "es_nie" => es_nie,
        "es_nss" => es_nss,
        "it_codice_fiscale" => it_codice_fiscale,
        "nl_bsn" => nl_bsn,
        "pl_pesel" => pl_pesel,
        "pl_nip" => pl_nip,
        "pl_id_card" => pl_id_card,
        "se_personnummer" => se_personnummer,
        "fi_hetu" => fi_hetu,
        "dk_cpr" => dk_cpr,
        "no_fodselsnummer" => no_fodselsnummer,
        "be_national_number" => be_national_number,
        "at_svnr" => at_svnr,
        "pt_nif" => pt_nif,
        "ie_ppsn" => ie_ppsn,
        "ch_ahv" => ch_ahv,
        "ro_cnp" => ro_cnp,
        "in_aadhaar" => in_aadhaar,
        "in_pan" => in_pan,
        "ca_sin" => ca_sin,
        "au_tfn" => au_tfn,
        "au_abn" => au_abn,
        "au_medicare" => au_medicare,
        "nz_ird" => nz_ird,
        "kr_rrn" => kr_rrn,
        "sg_nric" => sg_nric,
        "cn_id" => cn_id,
        "jp_my_number" => jp_my_number,
        "tr_tckn" => tr_tckn,
        "il_teudat_zehut" => il_teudat_zehut,
        "za_id" => za_id,
        "br_cpf" => br_cpf,
        "br_cnpj" => br_cnpj,
        "mx_curp" => mx_curp,
        "mx_rfc" => mx_rfc,
        "cl_rut" => cl_rut,
        "us_itin" => us_itin,
        "us_mbi" => us_mbi,
        "us_npi" => us_npi,
        "aba_routing" => aba_routing,
        "swift_bic" => swift_bic,
        "de_vat" => de_vat,
        "fr_vat" => fr_vat,
        "it_vat" => it_vat,
        "es_vat" => es_vat,
        "nl_vat" => nl_vat,
        "be_vat" => be_vat,
        "pl_vat" => pl_vat,
        "at_vat" => at_vat,
        "pt_vat" => pt_vat,
        "dk_vat" => dk_vat,
        "fi_vat" => fi_vat,
        "se_vat" => se_vat,
        "lu_vat" => lu_vat,
        "gb_vat" => gb_vat,
        "mx_clabe" => mx_clabe,
        "ar_cbu" => ar_cbu,
        "birth_date" => birth_date,
        _ => return None,
    };
    Some(check(value))
}

// ---------------------------------------------------------------------------------------------
// Person

/// A date that can be someone's birth date: a year from 1900 to 2099, and a day and month that
/// exist in it, read day-month or month-day (numeric dates are written both ways) or with the
/// month by name (then the one number beside the year is the day).
fn birth_date(value: &[u8]) -> bool {
    let mut numbers: [u32; 3] = [0; 3];
    let mut n = 0;
    let mut i = 0;
    while i < value.len() {
        if value.get(i).is_some_and(u8::is_ascii_digit) {
            let mut v: u32 = 0;
            let mut len = 0;
            while let Some(d) = value.get(i).filter(|c| c.is_ascii_digit()) {
                v = v.saturating_mul(10).saturating_add(u32::from(d - b'0'));
                i += 1;
                len += 1;
            }
            if n == 3 || len > 4 {
                return false;
            }
            if let Some(slot) = numbers.get_mut(n) {
                *slot = v;
            }
            n += 1;
        } else {
            i += 1;
        }
    }
    let Some(y) = numbers
        .iter()
        .take(n)
        .position(|&v| (1900..=2099).contains(&v))
    else {
        return false;
    };
    let year = numbers.get(y).copied().unwrap_or(0);
    let mut rest = [0u32; 2];
    let mut r = 0;
    for (k, &v) in numbers.iter().take(n).enumerate() {
        if k != y
            && let Some(slot) = rest.get_mut(r)
        {
            *slot = v;
            r += 1;
        }
    }
    match rest.get(..r).unwrap_or(&[]) {
        // The month by name: the number is the day.
        [d] => (1..=31).contains(d),
        [a, b] => {
            let ok = |d: u32, m: u32| (1..=12).contains(&m) && d >= 1 && d <= days_in(m, year);
            // Year first is year-month-day.
            if y == 0 {
                ok(*b, *a)
            } else {
                ok(*a, *b) || ok(*b, *a)
            }
        }
        _ => false,
    }
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// The most characters a validator keeps; longer values are refused (the longest format here,
/// a 22-digit CBU, stays well below).
const CAP: usize = 40;

/// The characters of a value that a validator keeps, upper-cased.
struct Chars {
    buf: [u8; CAP],
    len: usize,
}

impl Chars {
    /// The bytes of `value` for which `keep` holds, upper-cased; `None` past [`CAP`].
    fn keep(value: &[u8], keep: impl Fn(u8) -> bool) -> Option<Self> {
        let mut out = Self {
            buf: [0; CAP],
            len: 0,
        };
        for &c in value {
            if keep(c) {
                *out.buf.get_mut(out.len)? = c.to_ascii_uppercase();
                out.len += 1;
            }
        }
        Some(out)
    }

    fn get(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}

/// Runs `check` on the letters and digits of `value`, upper-cased (separators dropped).
fn alnum(value: &[u8], check: impl Fn(&[u8]) -> bool) -> bool {
    Chars::keep(value, |c| c.is_ascii_alphanumeric()).is_some_and(|c| check(c.get()))
}

/// The byte at `i`, or 0.
fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

/// The value of a digit byte (callers check that it is one).
fn val(c: u8) -> u32 {
    u32::from(c.wrapping_sub(b'0'))
}

/// The value of the digit at `i`.
fn dv(s: &[u8], i: usize) -> u32 {
    val(at(s, i))
}

/// The bytes from `a` to `b`, or nothing when out of range.
fn part(s: &[u8], a: usize, b: usize) -> &[u8] {
    s.get(a..b).unwrap_or(&[])
}

/// Whether `s` is made of digits only (and is not empty).
fn digits(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(u8::is_ascii_digit)
}

/// Whether `s` is made of capital letters only (and is not empty).
fn letters(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(u8::is_ascii_uppercase)
}

/// The number the digits of `s` write (at most 19 digits, which the callers ensure).
fn num(s: &[u8]) -> u64 {
    s.iter().fold(0u64, |n, &c| {
        n.wrapping_mul(10).wrapping_add(u64::from(val(c)))
    })
}

/// The two-digit number at `i`.
fn num2(s: &[u8], i: usize) -> u32 {
    dv(s, i).wrapping_mul(10).wrapping_add(dv(s, i + 1))
}

/// The sum of the digits of `s` times `weights`, pairwise.
fn weighted(s: &[u8], weights: &[u32]) -> u32 {
    s.iter().zip(weights).map(|(&c, &w)| val(c) * w).sum()
}

/// Whether `s` is one character repeated (at least twice).
fn same(s: &[u8]) -> bool {
    s.len() > 1 && s.iter().all(|c| Some(c) == s.first())
}

/// A digit or capital letter as 0..=35.
fn base36(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        _ => None,
    }
}

fn leap(y: u32) -> bool {
    y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400))
}

/// Whether year `y`, month `m`, day `d` is a date of the Gregorian calendar.
fn date_ok(y: u32, m: u32, d: u32) -> bool {
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap(y) => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// The Luhn (ISO/IEC 7812-1 annex B) check over the digits `it` yields, check digit last (also
/// the card checks of `credit_card` and `fpe`: `action::luhn_valid`).
pub(crate) fn luhn_ok<'a>(it: impl DoubleEndedIterator<Item = &'a u8>) -> bool {
    let mut sum = 0u32;
    for (i, &c) in it.rev().enumerate() {
        let mut n = val(c);
        if i % 2 == 1 {
            n *= 2;
            if n > 9 {
                n -= 9;
            }
        }
        sum += n;
    }
    sum.is_multiple_of(10)
}

/// ISO 7064 MOD 97-10 over digits and letters (A = 10 .. Z = 35): the remainder.
fn mod97_rem<'a>(it: impl Iterator<Item = &'a u8>) -> Option<u32> {
    let mut r = 0u32;
    for &c in it {
        let v = base36(c)?;
        r = if v < 10 { r * 10 + v } else { r * 100 + v } % 97;
    }
    Some(r)
}

/// ISO 7064 MOD 11,10 (hybrid system), check digit last.
fn mod11_10_ok(s: &[u8]) -> bool {
    let mut p = 10u32;
    let mut t = 0u32;
    for &c in s {
        t = (p + val(c)) % 10;
        if t == 0 {
            t = 10;
        }
        p = t * 2 % 11;
    }
    t == 1
}

/// ISO 7064 MOD 11-2 (pure system, check character 0-9 or X), check character last.
fn mod11_2_ok(s: &[u8]) -> bool {
    let mut c = 0u32;
    for &b in s {
        c = (c * 2 + if b == b'X' { 10 } else { val(b) }) % 11;
    }
    c == 1
}

/// The Verhoeff check (dihedral group D5), check digit last.
fn verhoeff_ok(s: &[u8]) -> bool {
    const D: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const P: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    let mut c = 0u8;
    for (i, &b) in s.iter().rev().enumerate() {
        let p = P
            .get(i % 8)
            .and_then(|row| row.get(usize::from(b.wrapping_sub(b'0'))));
        let Some(next) = p.and_then(|&p| D.get(usize::from(c))?.get(usize::from(p))) else {
            return false;
        };
        c = *next;
    }
    c == 0
}

/// The rest of `s` after `prefix`.
fn after<'a>(s: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    s.strip_prefix(prefix)
}

// ---------------------------------------------------------------------------------------------
// Generic check-digit systems

/// Luhn (ISO/IEC 7812-1): 2 to 40 digits.
fn luhn(v: &[u8]) -> bool {
    alnum(v, |s| {
        digits(s) && (2..=40).contains(&s.len()) && !same(s) && luhn_ok(s.iter())
    })
}

/// ISO 7064 MOD 97-10 as ISO 13616 applies it to an IBAN: the first 4 characters moved to the
/// end, letters as 10..35, remainder 1 (5 to 40 characters).
fn mod97(v: &[u8]) -> bool {
    alnum(v, |s| {
        (5..=CAP).contains(&s.len())
            && !same(s)
            && mod97_rem(part(s, 4, s.len()).iter().chain(part(s, 0, 4))) == Some(1)
    })
}

/// Verhoeff (1969), as UIDAI uses it.
fn verhoeff(v: &[u8]) -> bool {
    alnum(v, |s| {
        digits(s) && (2..=40).contains(&s.len()) && !same(s) && verhoeff_ok(s)
    })
}

/// ISO 7064 MOD 11,10.
fn iso7064_mod11_10(v: &[u8]) -> bool {
    alnum(v, |s| {
        digits(s) && (2..=40).contains(&s.len()) && !same(s) && mod11_10_ok(s)
    })
}

/// ISO 7064 MOD 11-2: digits, the check character 0-9 or X.
fn iso7064_mod11_2(v: &[u8]) -> bool {
    alnum(v, |s| {
        let n = s.len();
        (2..=40).contains(&n)
            && !same(s)
            && digits(part(s, 0, n - 1))
            && (at(s, n - 1).is_ascii_digit() || at(s, n - 1) == b'X')
            && mod11_2_ok(s)
    })
}

/// ISO 7064 MOD 37,36 over digits and letters.
fn iso7064_mod37_36(v: &[u8]) -> bool {
    alnum(v, |s| {
        if !(2..=40).contains(&s.len()) || same(s) {
            return false;
        }
        let mut p = 36u32;
        let mut t = 0u32;
        for &c in s {
            let Some(a) = base36(c) else {
                return false;
            };
            t = (p + a) % 36;
            if t == 0 {
                t = 36;
            }
            p = t * 2 % 37;
        }
        t == 1
    })
}

// ---------------------------------------------------------------------------------------------
// United Kingdom

/// National Insurance number: HMRC NIM39110. No D, F, I, Q, U, V as either prefix letter, no O
/// second; prefixes BG, GB, KN, NK, NT, TN, ZZ not allocated; suffix A-D (or none).
fn uk_nino(v: &[u8]) -> bool {
    alnum(v, |s| {
        let (a, b) = (at(s, 0), at(s, 1));
        (s.len() == 8 || s.len() == 9)
            && letters(part(s, 0, 2))
            && digits(part(s, 2, 8))
            && !b"DFIQUV".contains(&a)
            && !b"DFIOQUV".contains(&b)
            && ![*b"BG", *b"GB", *b"NK", *b"KN", *b"TN", *b"NT", *b"ZZ"].contains(&[a, b])
            && (s.len() == 8 || matches!(at(s, 8), b'A'..=b'D'))
    })
}

/// NHS number: NHS Data Dictionary. Weights 10..2, check = 11 - sum mod 11 (11 is 0, 10 is
/// never issued).
fn uk_nhs(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 10 || !digits(s) || same(s) {
            return false;
        }
        let c = 11 - weighted(part(s, 0, 9), &[10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11;
        let c = if c == 11 { 0 } else { c };
        c != 10 && c == dv(s, 9)
    })
}

// ---------------------------------------------------------------------------------------------
// Germany

/// Steuerliche Identifikationsnummer (§ 139b AO): 11 digits, the first not 0; in the first 10
/// exactly one digit occurs twice or three times and no other repeats; ISO 7064 MOD 11,10.
fn de_steuer_id(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 11 || !digits(s) || at(s, 0) == b'0' {
            return false;
        }
        let mut counts = [0u8; 10];
        for &c in part(s, 0, 10) {
            if let Some(n) = counts.get_mut(usize::from(c - b'0')) {
                *n += 1;
            }
        }
        let mut repeated = counts.iter().filter(|&&n| n > 1);
        let once = matches!(repeated.next(), Some(2 | 3)) && repeated.next().is_none();
        once && mod11_10_ok(s)
    })
}

/// Personalausweis document number (PAuswV; ICAO Doc 9303 Part 3): 9 characters from
/// 0-9 C F G H J K L M N P R T V W X Y Z and a check digit, weights 7, 3, 1 (letters A = 10).
fn de_personalausweis(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 10 || same(s) || !at(s, 9).is_ascii_digit() {
            return false;
        }
        let mut sum = 0u32;
        for (i, &c) in part(s, 0, 9).iter().enumerate() {
            if !(c.is_ascii_digit() || b"CFGHJKLMNPRTVWXYZ".contains(&c)) {
                return false;
            }
            let w = [7, 3, 1].get(i % 3).copied().unwrap_or(0);
            sum += base36(c).unwrap_or(0) * w;
        }
        sum % 10 == dv(s, 9)
    })
}

/// Rentenversicherungsnummer (§ 147 SGB VI, § 2 VKVV): area 02-89, DDMMYY (the day may be raised
/// by 32, 64 or 96, the month 00 when unknown), the birth name's initial, a serial and a check
/// digit: the letter as its 2-digit position, weights 2 1 2 5 7 1 2 1 2 1 2 1, digit sums of
/// the products, mod 10.
fn de_rvnr(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 12
            || !digits(part(s, 0, 8))
            || !at(s, 8).is_ascii_uppercase()
            || !digits(part(s, 9, 12))
        {
            return false;
        }
        if !(2..=89).contains(&num2(s, 0)) || num2(s, 4) > 12 {
            return false;
        }
        let letter = u32::from(at(s, 8) - b'A') + 1;
        let mut d = [0u32; 12];
        for (i, slot) in d.iter_mut().enumerate() {
            *slot = match i {
                0..=7 => dv(s, i),
                8 => letter / 10,
                9 => letter % 10,
                _ => dv(s, i - 1),
            };
        }
        let sum: u32 = d
            .iter()
            .zip([2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1])
            .map(|(&x, w)| {
                let p = x * w;
                p / 10 + p % 10
            })
            .sum();
        sum % 10 == dv(s, 11)
    })
}

// ---------------------------------------------------------------------------------------------
// France

/// NIR (INSEE): sex 1/2 (3, 4, 7, 8 for special and provisional numbers), YY, MM (01-12, 20-42
/// or 50-99 when unknown), department (2A/2B count as 19/18), commune, order, key = 97 - (the
/// 13 digits mod 97).
fn fr_nir(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 15 || !b"123478".contains(&at(s, 0)) {
            return false;
        }
        let dept = part(s, 5, 7);
        let corsica = dept == b"2A" || dept == b"2B";
        if !digits(part(s, 0, 5)) || !digits(part(s, 7, 15)) || !(corsica || digits(dept)) {
            return false;
        }
        let m = num2(s, 3);
        if !((1..=12).contains(&m) || (20..=42).contains(&m) || (50..=99).contains(&m)) {
            return false;
        }
        if dept == b"00" {
            return false;
        }
        let mut r = 0u32;
        for (i, &c) in part(s, 0, 13).iter().enumerate() {
            let d = match (i, dept) {
                (5, b"2A" | b"2B") => 1,
                (6, b"2A") => 9,
                (6, b"2B") => 8,
                _ => val(c),
            };
            r = (r * 10 + d) % 97;
        }
        97 - r == num2(s, 13)
    })
}

/// Numéro fiscal (SPI, DGFiP): 13 digits, the first 0-3; the last 3 are the first 10 mod 511.
fn fr_nif(v: &[u8]) -> bool {
    alnum(v, |s| {
        s.len() == 13
            && digits(s)
            && at(s, 0) <= b'3'
            && !same(s)
            && num(part(s, 0, 10)) % 511 == num(part(s, 10, 13))
    })
}

// ---------------------------------------------------------------------------------------------
// Spain

const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// The control letter of a DNI/NIE number.
fn dni_letter(n: u64) -> u8 {
    usize::try_from(n % 23)
        .ok()
        .and_then(|i| DNI_LETTERS.get(i))
        .copied()
        .unwrap_or(0)
}

/// DNI (Ministerio del Interior): 8 digits (not all 0) and the letter of their value mod 23.
fn es_dni(v: &[u8]) -> bool {
    alnum(v, dni_ok)
}

fn dni_ok(s: &[u8]) -> bool {
    let n = num(part(s, 0, 8));
    s.len() == 9 && digits(part(s, 0, 8)) && n != 0 && dni_letter(n) == at(s, 8)
}

/// NIE (Ministerio del Interior): X, Y or Z (as 0, 1, 2) + 7 digits + the DNI letter.
fn es_nie(v: &[u8]) -> bool {
    alnum(v, nie_ok)
}

fn nie_ok(s: &[u8]) -> bool {
    let Some(lead) = b"XYZ".iter().position(|&c| c == at(s, 0)) else {
        return false;
    };
    let n = lead as u64 * 10_000_000 + num(part(s, 1, 8));
    s.len() == 9 && digits(part(s, 1, 8)) && dni_letter(n) == at(s, 8)
}

/// Número de la Seguridad Social (TGSS): province (2) + number (8) + control (2): the control
/// is (province × 10^7 + number) mod 97 when the number is below 10^7, else the first 10
/// digits mod 97.
fn es_nss(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 12 || !digits(s) || same(s) {
            return false;
        }
        let (a, b) = (num(part(s, 0, 2)), num(part(s, 2, 10)));
        let n = if b < 10_000_000 {
            b + a * 10_000_000
        } else {
            num(part(s, 0, 10))
        };
        n % 97 == u64::from(num2(s, 10))
    })
}

// ---------------------------------------------------------------------------------------------
// Italy

/// Codice fiscale (DM 23 dicembre 1976): 6 letters, YY, month letter, day (+40 for women),
/// place (letter + 3), check letter; digits may be replaced by L M N P Q R S T U V (omocodia).
/// The date must exist in 19YY or 20YY.
fn it_codice_fiscale(v: &[u8]) -> bool {
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    const OMOCODES: &[u8] = b"LMNPQRSTUV";
    alnum(v, |s| {
        if s.len() != 16
            || !letters(part(s, 0, 6))
            || !at(s, 11).is_ascii_uppercase()
            || !at(s, 15).is_ascii_uppercase()
        {
            return false;
        }
        // the digit each of the positions 6, 7, 9, 10, 12, 13, 14 stands for
        let digit = |i: usize| -> Option<u32> {
            let c = at(s, i);
            if c.is_ascii_digit() {
                Some(val(c))
            } else {
                OMOCODES
                    .iter()
                    .position(|&o| o == c)
                    .and_then(|p| u32::try_from(p).ok())
            }
        };
        let mut dec = [0u32; 16];
        for i in [6, 7, 9, 10, 12, 13, 14] {
            let (Some(d), Some(slot)) = (digit(i), dec.get_mut(i)) else {
                return false;
            };
            *slot = d;
        }
        let Some(month) = b"ABCDEHLMPRST".iter().position(|&c| c == at(s, 8)) else {
            return false;
        };
        let month = month as u32 + 1;
        let d = |i: usize| dec.get(i).copied().unwrap_or(0);
        let yy = d(6) * 10 + d(7);
        let mut day = d(9) * 10 + d(10);
        if day > 40 {
            day -= 40;
        }
        if !(date_ok(1900 + yy, month, day) || date_ok(2000 + yy, month, day)) {
            return false;
        }
        let mut sum = 0u32;
        for (i, &c) in part(s, 0, 15).iter().enumerate() {
            let x = if c.is_ascii_digit() {
                val(c)
            } else {
                u32::from(c - b'A')
            };
            sum += if i % 2 == 0 {
                ODD.get(x as usize).copied().unwrap_or(0)
            } else {
                x
            };
        }
        u32::from(at(s, 15) - b'A') == sum % 26
    })
}

// ---------------------------------------------------------------------------------------------
// Netherlands

/// Burgerservicenummer (eleven test, RvIG): weights 9..2 and -1, sum divisible by 11. Numbers
/// starting 00 are not issued.
fn nl_bsn(v: &[u8]) -> bool {
    alnum(v, |s| {
        s.len() == 9 && digits(s) && !s.starts_with(b"00") && !same(s) && eleven(s)
    })
}

/// The eleven test of a 9-digit number.
fn eleven(s: &[u8]) -> bool {
    weighted(part(s, 0, 8), &[9, 8, 7, 6, 5, 4, 3, 2]) % 11 == dv(s, 8)
}

// ---------------------------------------------------------------------------------------------
// Poland

/// PESEL (ustawa o ewidencji ludności): YYMMDD with the month +20 for 2000-2099, 4 digits and
/// a check digit, weights 1 3 7 9 1 3 7 9 1 3. Births 1900-2099 only.
fn pl_pesel(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 11 || !digits(s) || same(s) {
            return false;
        }
        let (yy, mm, dd) = (num2(s, 0), num2(s, 2), num2(s, 4));
        let (y, m) = match mm {
            1..=12 => (1900 + yy, mm),
            21..=32 => (2000 + yy, mm - 20),
            _ => return false,
        };
        let sum = weighted(part(s, 0, 10), &[1, 3, 7, 9, 1, 3, 7, 9, 1, 3]);
        date_ok(y, m, dd) && (10 - sum % 10) % 10 == dv(s, 10)
    })
}

/// NIP (Polish tax number): 10 digits, weights 6 5 7 2 3 4 5 6 7, mod 11 (10 never issued).
fn pl_nip(v: &[u8]) -> bool {
    alnum(v, nip_ok)
}

fn nip_ok(s: &[u8]) -> bool {
    if s.len() != 10 || !digits(s) || at(s, 0) == b'0' || same(s) {
        return false;
    }
    let c = weighted(part(s, 0, 9), &[6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11;
    c != 10 && c == dv(s, 9)
}

/// Dowód osobisty series and number: 3 letters (A = 10) + 6 digits, the first of them the check
/// digit: weights 7 3 1 9 7 3 1 7 3 give a multiple of 10.
fn pl_id_card(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 9 || !letters(part(s, 0, 3)) || !digits(part(s, 3, 9)) {
            return false;
        }
        let sum: u32 = s
            .iter()
            .zip([7, 3, 1, 9, 7, 3, 1, 7, 3])
            .map(|(&c, w)| base36(c).unwrap_or(0) * w)
            .sum();
        sum.is_multiple_of(10) && part(s, 3, 9) != b"000000"
    })
}

// ---------------------------------------------------------------------------------------------
// Nordic countries

/// Personnummer (Skatteverket SKV 704): (YY)YYMMDD, `-` or `+` (100 years or older), 3 digits
/// and a Luhn check digit over the 10-digit form; the day +60 for a samordningsnummer.
fn se_personnummer(v: &[u8]) -> bool {
    let Some(kept) = Chars::keep(v, |c| c.is_ascii_digit() || c == b'+') else {
        return false;
    };
    let kept = kept.get();
    let plus: usize = kept.iter().filter(|&&c| c == b'+').count();
    let plus_at = kept.iter().position(|&c| c == b'+');
    if plus > 1 || !matches!(plus_at, None | Some(6 | 8)) {
        return false;
    }
    let Some(d) = Chars::keep(kept, |c| c.is_ascii_digit()) else {
        return false;
    };
    let d = d.get();
    let (centuries, d): ([u32; 2], &[u8]) = match d.len() {
        12 => {
            let c = num2(d, 0) * 100;
            if !(1800..=2000).contains(&c) {
                return false;
            }
            ([c, c], part(d, 2, 12))
        }
        10 if plus == 1 => ([1800, 1900], d),
        10 => ([1900, 2000], d),
        _ => return false,
    };
    if same(d) {
        return false;
    }
    let (yy, mm, mut dd) = (num2(d, 0), num2(d, 2), num2(d, 4));
    if dd > 60 {
        dd -= 60;
    }
    centuries.iter().any(|&c| date_ok(c + yy, mm, dd)) && luhn_ok(d.iter())
}

/// Henkilötunnus (DVV): DDMMYY, the century sign (+ 1800s; - Y X W V U 1900s; A-F 2000s), an
/// individual number 002-999 and a check character: DDMMYYZZZ mod 31 in
/// 0123456789ABCDEFHJKLMNPRSTUVWXY. The sign is part of the format: nothing is dropped.
fn fi_hetu(v: &[u8]) -> bool {
    const CHECK: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";
    let Some(s) = Chars::keep(v, |c| !c.is_ascii_whitespace()) else {
        return false;
    };
    let s = s.get();
    if s.len() != 11 || !digits(part(s, 0, 6)) || !digits(part(s, 7, 10)) {
        return false;
    }
    let century = match at(s, 6) {
        b'+' => 1800,
        b'-' | b'Y' | b'X' | b'W' | b'V' | b'U' => 1900,
        b'A'..=b'F' => 2000,
        _ => return false,
    };
    if !date_ok(century + num2(s, 4), num2(s, 2), num2(s, 0)) || num(part(s, 7, 10)) < 2 {
        return false;
    }
    let n = num(part(s, 0, 6)) * 1000 + num(part(s, 7, 10));
    usize::try_from(n % 31)
        .ok()
        .and_then(|i| CHECK.get(i))
        .is_some_and(|&c| c == at(s, 10))
}

/// The birth year of a CPR number from its 2-digit year and the first serial digit (CPR-kontoret).
fn cpr_year(yy: u32, d7: u32) -> u32 {
    match d7 {
        0..=3 => 1900 + yy,
        4 | 9 if yy <= 36 => 2000 + yy,
        4 | 9 => 1900 + yy,
        _ if yy <= 57 => 2000 + yy,
        _ => 1800 + yy,
    }
}

/// CPR-nummer (CPR-kontoret): DDMMYY-SSSS; the first serial digit and the year give the
/// century. No check digit (modulus 11 was given up in 2007): the date must exist.
fn dk_cpr(v: &[u8]) -> bool {
    alnum(v, |s| {
        s.len() == 10
            && digits(s)
            && !same(s)
            && date_ok(cpr_year(num2(s, 4), dv(s, 6)), num2(s, 2), num2(s, 0))
    })
}

/// Fødselsnummer (Skatteetaten): DDMMYY (day +40 for a D-number, month +40 for an H-number), an
/// individual number that gives the century, and two mod 11 check digits.
fn no_fodselsnummer(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 11 || !digits(s) || same(s) {
            return false;
        }
        let k1 = (11 - weighted(s, &[3, 7, 6, 1, 8, 9, 4, 5, 2]) % 11) % 11;
        let k2 = (11 - weighted(s, &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11) % 11;
        if k1 == 10 || k2 == 10 || k1 != dv(s, 9) || k2 != dv(s, 10) {
            return false;
        }
        let (mut dd, mut mm, yy) = (num2(s, 0), num2(s, 2), num2(s, 4));
        let ind = num(part(s, 6, 9));
        if dd > 40 {
            dd -= 40;
        }
        if mm > 40 {
            mm -= 40;
        }
        let y = if ind < 500 {
            1900 + yy
        } else if ind < 750 && yy >= 54 {
            1800 + yy
        } else if yy < 40 {
            2000 + yy
        } else if ind >= 900 {
            1900 + yy
        } else {
            return false;
        };
        date_ok(y, mm, dd)
    })
}

// ---------------------------------------------------------------------------------------------
// Belgium, Austria, Portugal, Ireland, Switzerland, Romania

/// Rijksregisternummer / numéro de registre national (IT000): YYMMDD, serial, check = 97 - (the
/// 9 digits mod 97), with a 2 before them for births from 2000. BIS numbers add 20 or 40 to
/// the month; month or day 00 when unknown.
fn be_national_number(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 11 || !digits(s) || same(s) {
            return false;
        }
        let chk = u64::from(num2(s, 9));
        let n9 = num(part(s, 0, 9));
        let century = if 97 - n9 % 97 == chk {
            1900
        } else if 97 - (2_000_000_000 + n9) % 97 == chk {
            2000
        } else {
            return false;
        };
        let (yy, mut mm, dd) = (num2(s, 0), num2(s, 2), num2(s, 4));
        if mm >= 40 {
            mm -= 40;
        } else if mm >= 20 {
            mm -= 20;
        }
        if mm > 12 {
            return false;
        }
        if mm == 0 || dd == 0 {
            return dd <= 31;
        }
        date_ok(century + yy, mm, dd)
    })
}

/// Sozialversicherungsnummer (Dachverband; § 31 ASVG): serial 100-999, check digit, DDMMYY.
/// Check = weights 3 7 9 _ 5 8 4 2 1 6, mod 11 (10 never issued); months 13-15 are fictitious
/// dates (Anfragebeantwortung 4690/AB XXIII. GP).
fn at_svnr(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 10 || !digits(s) || at(s, 0) == b'0' || same(s) {
            return false;
        }
        let c = weighted(s, &[3, 7, 9, 0, 5, 8, 4, 2, 1, 6]) % 11;
        c != 10 && c == dv(s, 3) && (1..=31).contains(&num2(s, 4)) && (1..=15).contains(&num2(s, 6))
    })
}

/// NIF (Decreto-Lei 14/2013): 9 digits, first 1-3, 5-9 or 45; check = 11 - (weights 9..2
/// mod 11), 10 and 11 giving 0.
fn pt_nif(v: &[u8]) -> bool {
    alnum(v, pt_nif_ok)
}

fn pt_nif_ok(s: &[u8]) -> bool {
    if s.len() != 9 || !digits(s) || same(s) {
        return false;
    }
    if !b"12356789".contains(&at(s, 0)) && !s.starts_with(b"45") {
        return false;
    }
    let c = 11 - weighted(part(s, 0, 8), &[9, 8, 7, 6, 5, 4, 3, 2]) % 11;
    (if c >= 10 { 0 } else { c }) == dv(s, 8)
}

/// PPS number (Department of Social Protection): 7 digits, a check letter and an optional
/// second letter (A-I, weight 9; W or none for the old format): weights 8..2, mod 23 in
/// WABCDEFGHIJKLMNOPQRSTUV.
fn ie_ppsn(v: &[u8]) -> bool {
    const CHECK: &[u8; 23] = b"WABCDEFGHIJKLMNOPQRSTUV";
    alnum(v, |s| {
        if !(s.len() == 8 || s.len() == 9)
            || !digits(part(s, 0, 7))
            || !letters(part(s, 7, s.len()))
        {
            return false;
        }
        let mut sum = weighted(part(s, 0, 7), &[8, 7, 6, 5, 4, 3, 2]);
        if s.len() == 9 {
            let second = at(s, 8);
            if !b"ABCDEFGHIW".contains(&second) {
                return false;
            }
            if second != b'W' {
                sum += 9 * (u32::from(second - b'A') + 1);
            }
        }
        CHECK.get((sum % 23) as usize) == Some(&at(s, 7))
    })
}

/// AHV-Nummer (AHVN13, AHVG Art. 50c): 756 + 9 digits + the EAN-13 (GS1) check digit.
fn ch_ahv(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 13 || !digits(s) || !s.starts_with(b"756") {
            return false;
        }
        let sum = weighted(part(s, 0, 12), &[1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3]);
        (10 - sum % 10) % 10 == dv(s, 12)
    })
}

/// Cod numeric personal (Romania): sex and century (1/2 1900s, 3/4 1800s, 5/6 2000s, 7-9
/// residents and foreigners), YYMMDD, county 01-52 or 70, serial, check digit: weights
/// 2 7 9 1 4 6 3 5 8 2 7 9 mod 11 (10 gives 1).
fn ro_cnp(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 13 || !digits(s) || at(s, 0) == b'0' {
            return false;
        }
        let (yy, mm, dd) = (num2(s, 1), num2(s, 3), num2(s, 5));
        let dated = match at(s, 0) {
            b'1' | b'2' => date_ok(1900 + yy, mm, dd),
            b'3' | b'4' => date_ok(1800 + yy, mm, dd),
            b'5' | b'6' => date_ok(2000 + yy, mm, dd),
            _ => date_ok(1900 + yy, mm, dd) || date_ok(2000 + yy, mm, dd),
        };
        let county = num2(s, 7);
        if !dated || !((1..=52).contains(&county) || county == 70) {
            return false;
        }
        let c = weighted(part(s, 0, 12), &[2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9]) % 11;
        (if c == 10 { 1 } else { c }) == dv(s, 12)
    })
}

// ---------------------------------------------------------------------------------------------
// India, Canada, Australia, New Zealand

/// Aadhaar (UIDAI): 12 digits, the first 2-9, Verhoeff check digit; not a palindrome.
fn in_aadhaar(v: &[u8]) -> bool {
    alnum(v, |s| {
        s.len() == 12
            && digits(s)
            && at(s, 0) >= b'2'
            && !same(s)
            && !s.iter().eq(s.iter().rev())
            && verhoeff_ok(s)
    })
}

/// PAN (Income Tax Department): 3 letters, the holder type (A B C E F G H J L P T), the
/// initial, 4 digits (not 0000) and a letter. The last letter's algorithm is not published.
fn in_pan(v: &[u8]) -> bool {
    alnum(v, |s| {
        s.len() == 10
            && letters(part(s, 0, 5))
            && b"ABCEFGHJLPT".contains(&at(s, 3))
            && digits(part(s, 5, 9))
            && part(s, 5, 9) != b"0000"
            && at(s, 9).is_ascii_uppercase()
    })
}

/// Social Insurance Number (ESDC): 9 digits, Luhn; 0 and 8 are not used as first digits.
fn ca_sin(v: &[u8]) -> bool {
    alnum(v, |s| {
        s.len() == 9 && digits(s) && !b"08".contains(&at(s, 0)) && !same(s) && luhn_ok(s.iter())
    })
}

/// Tax file number (ATO): 9 digits, weights 1 4 3 7 5 8 6 9 10, sum divisible by 11.
fn au_tfn(v: &[u8]) -> bool {
    alnum(v, |s| {
        s.len() == 9
            && digits(s)
            && !same(s)
            && weighted(s, &[1, 4, 3, 7, 5, 8, 6, 9, 10]).is_multiple_of(11)
    })
}

/// ABN (Australian Business Register): subtract 1 from the first digit, weights
/// 10 1 3 5 7 9 11 13 15 17 19, sum divisible by 89.
fn au_abn(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 11 || !digits(s) || at(s, 0) == b'0' {
            return false;
        }
        let sum = weighted(s, &[10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19]) - 10;
        sum.is_multiple_of(89)
    })
}

/// Medicare card number (Services Australia): first digit 2-6, weights 1 3 7 9 1 3 7 9 on the
/// first 8, mod 10 is the 9th; then the issue number (and the individual reference number).
fn au_medicare(v: &[u8]) -> bool {
    alnum(v, |s| {
        (s.len() == 10 || s.len() == 11)
            && digits(s)
            && (b'2'..=b'6').contains(&at(s, 0))
            && weighted(part(s, 0, 8), &[1, 3, 7, 9, 1, 3, 7, 9]) % 10 == dv(s, 8)
    })
}

/// IRD number (Inland Revenue): 8 or 9 digits between 10,000,000 and 150,000,000; padded to 9,
/// weights 3 2 7 6 5 4 3 2, check = 11 - remainder (0 for 0); a 10 retries with weights
/// 7 4 3 2 5 2 7 6, and a second 10 is invalid.
fn nz_ird(v: &[u8]) -> bool {
    alnum(v, |s| {
        if !(s.len() == 8 || s.len() == 9) || !digits(s) || same(s) {
            return false;
        }
        let n = num(s);
        if !(10_000_001..150_000_000).contains(&n) {
            return false;
        }
        let mut p = [b'0'; 9];
        let off = 9 - s.len();
        for (i, &c) in s.iter().enumerate() {
            if let Some(x) = p.get_mut(i + off) {
                *x = c;
            }
        }
        for w in [[3, 2, 7, 6, 5, 4, 3, 2], [7, 4, 3, 2, 5, 2, 7, 6]] {
            let r = weighted(part(&p, 0, 8), &w) % 11;
            let c = if r == 0 { 0 } else { 11 - r };
            if c != 10 {
                return c == dv(&p, 8);
            }
        }
        false
    })
}

// ---------------------------------------------------------------------------------------------
// East Asia

/// Resident registration number (주민등록법): YYMMDD, the century/sex digit (1 2 5 6 1900s, 3 4 7 8
/// 2000s, 9 0 1800s), and until October 2020 a check digit: weights 2..9 2..5,
/// (11 - sum mod 11) mod 10. Numbers given since then are random after the 7th digit.
fn kr_rrn(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 13 || !digits(s) || same(s) {
            return false;
        }
        let century = match at(s, 6) {
            b'1' | b'2' | b'5' | b'6' => 1900,
            b'3' | b'4' | b'7' | b'8' => 2000,
            _ => 1800,
        };
        let (y, m, d) = (century + num2(s, 0), num2(s, 2), num2(s, 4));
        if !date_ok(y, m, d) {
            return false;
        }
        if (y, m, d) >= (2020, 10, 1) {
            return true;
        }
        let sum = weighted(s, &[2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]);
        (11 - sum % 11) % 10 == dv(s, 12)
    })
}

/// NRIC / FIN (ICA): S T F G M + 7 digits + check letter. Weights 2 7 6 5 4 3 2; +4 for T and G;
/// S/T: JZIHGFEDCBA, F/G: XWUTRQPNMLK by sum mod 11; M (2022): 11 - ((sum + 3) mod 11) indexes
/// K L J N P Q R T U W X from 1.
fn sg_nric(v: &[u8]) -> bool {
    alnum(v, |s| {
        let lead = at(s, 0);
        if s.len() != 9 || !b"STFGM".contains(&lead) || !digits(part(s, 1, 8)) {
            return false;
        }
        let t = weighted(part(s, 1, 8), &[2, 7, 6, 5, 4, 3, 2]);
        let letter = match lead {
            b'M' => b"KLJNPQRTUWX".get((10 - (t + 3) % 11) as usize),
            b'S' => b"JZIHGFEDCBA".get((t % 11) as usize),
            b'T' => b"JZIHGFEDCBA".get(((t + 4) % 11) as usize),
            b'F' => b"XWUTRQPNMLK".get((t % 11) as usize),
            _ => b"XWUTRQPNMLK".get(((t + 4) % 11) as usize),
        };
        letter == Some(&at(s, 8))
    })
}

/// Citizen identification number (GB 11643-1999): area (first digit 1-8), YYYYMMDD
/// (1800-2099), sequence, ISO 7064 MOD 11-2 check character.
fn cn_id(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 18 || !digits(part(s, 0, 17)) || !(b'1'..=b'8').contains(&at(s, 0)) {
            return false;
        }
        if !(at(s, 17).is_ascii_digit() || at(s, 17) == b'X') {
            return false;
        }
        let y = num2(s, 6) * 100 + num2(s, 8);
        (1800..=2099).contains(&y) && date_ok(y, num2(s, 10), num2(s, 12)) && mod11_2_ok(s)
    })
}

/// Individual number ("My Number"; MIC ordinance No. 85 of 2014, art. 5): 11 digits and a check
/// digit: sum of P(n) × Q(n), P(n) the n-th digit from the right of the 11, Q(n) = n + 1 for
/// n <= 6 and n - 5 above; check = 11 - (sum mod 11), 0 when the remainder is 0 or 1.
fn jp_my_number(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 12 || !digits(s) || same(s) {
            return false;
        }
        let mut sum = 0u32;
        for (i, &c) in part(s, 0, 11).iter().rev().enumerate() {
            let n = i as u32 + 1;
            sum += val(c) * if n <= 6 { n + 1 } else { n - 5 };
        }
        let r = sum % 11;
        (if r <= 1 { 0 } else { 11 - r }) == dv(s, 11)
    })
}

// ---------------------------------------------------------------------------------------------
// Turkey, Israel, South Africa

/// T.C. Kimlik No (NVİ): 11 digits, the first not 0; the 10th is (7 × the odd-placed sum - the
/// even-placed sum of the first 9) mod 10, the 11th the sum of the first 10 mod 10.
fn tr_tckn(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 11 || !digits(s) || at(s, 0) == b'0' {
            return false;
        }
        let odd = dv(s, 0) + dv(s, 2) + dv(s, 4) + dv(s, 6) + dv(s, 8);
        let even = dv(s, 1) + dv(s, 3) + dv(s, 5) + dv(s, 7);
        let c1 = (odd * 7 + 100 - even) % 10;
        let c2 = s.iter().take(10).map(|&c| val(c)).sum::<u32>() % 10;
        c1 == dv(s, 9) && c2 == dv(s, 10)
    })
}

/// Teudat zehut number (Population and Immigration Authority): 9 digits, weights 1 2 1 2 ...
/// with digit sums (the Luhn scheme), not all 0.
fn il_teudat_zehut(v: &[u8]) -> bool {
    alnum(v, |s| {
        s.len() == 9 && digits(s) && num(s) != 0 && luhn_ok(s.iter())
    })
}

/// Identity number (Identification Act 68 of 1997): YYMMDD, 4-digit sequence, citizenship 0-2,
/// a digit, Luhn check digit.
fn za_id(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 13 || !digits(s) || same(s) || at(s, 10) > b'2' {
            return false;
        }
        let (yy, mm, dd) = (num2(s, 0), num2(s, 2), num2(s, 4));
        (date_ok(1900 + yy, mm, dd) || date_ok(2000 + yy, mm, dd)) && luhn_ok(s.iter())
    })
}

// ---------------------------------------------------------------------------------------------
// Latin America

/// The mod 11 check digit of Brazil's CPF and CNPJ: remainders 0 and 1 give 0.
fn br_digit(sum: u32) -> u32 {
    let r = sum % 11;
    if r < 2 { 0 } else { 11 - r }
}

/// CPF (Receita Federal): 9 digits and 2 mod 11 check digits, weights 10..2 then 11..2.
fn br_cpf(v: &[u8]) -> bool {
    alnum(v, |s| {
        s.len() == 11
            && digits(s)
            && !same(s)
            && br_digit(weighted(part(s, 0, 9), &[10, 9, 8, 7, 6, 5, 4, 3, 2])) == dv(s, 9)
            && br_digit(weighted(part(s, 0, 10), &[11, 10, 9, 8, 7, 6, 5, 4, 3, 2])) == dv(s, 10)
    })
}

/// CNPJ (Receita Federal, IN RFB 2.229/2024): 12 digits or capital letters (valued ASCII - 48,
/// so digits keep their value and A is 17) and 2 mod 11 check digits, weights
/// 5 4 3 2 9 8 7 6 5 4 3 2 then 6 5 4 3 2 9 8 7 6 5 4 3 2.
fn br_cnpj(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 14 || !digits(part(s, 12, 14)) || same(s) {
            return false;
        }
        let w = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
        let sum = |n: usize, w: &[u32]| -> u32 {
            part(s, 0, n)
                .iter()
                .zip(w)
                .map(|(&c, &w)| u32::from(c - b'0') * w)
                .sum()
        };
        br_digit(sum(12, part_w(&w, 1))) == dv(s, 12) && br_digit(sum(13, &w)) == dv(s, 13)
    })
}

/// `w` from `from` on.
fn part_w(w: &[u32], from: usize) -> &[u32] {
    w.get(from..).unwrap_or(&[])
}

/// A character's value in the alphabet of the CURP and RFC check digits
/// (0-9, A-N, Ñ (written & in ASCII data), O-Z, space).
fn mx_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'N' => Some(u32::from(c - b'A') + 10),
        b'&' => Some(24),
        b'O'..=b'Z' => Some(u32::from(c - b'A') + 11),
        b' ' => Some(37),
        _ => None,
    }
}

/// CURP (RENAPO): 4 letters, YYMMDD, sex (H M X), state, 3 consonants, a character that is a
/// digit for births before 2000 and a letter after, and a check digit: values weighted 18..2,
/// (10 - sum mod 10) mod 10.
fn mx_curp(v: &[u8]) -> bool {
    const STATES: [&[u8; 2]; 33] = [
        b"AS", b"BC", b"BS", b"CC", b"CL", b"CM", b"CS", b"CH", b"DF", b"DG", b"GT", b"GR", b"HG",
        b"JC", b"MC", b"MN", b"MS", b"NT", b"NL", b"OC", b"PL", b"QT", b"QR", b"SP", b"SL", b"SR",
        b"TC", b"TS", b"TL", b"VZ", b"YN", b"ZS", b"NE",
    ];
    alnum(v, |s| {
        if s.len() != 18
            || !letters(part(s, 0, 4))
            || !digits(part(s, 4, 10))
            || !b"HMX".contains(&at(s, 10))
            || !STATES.iter().any(|st| st.as_slice() == part(s, 11, 13))
            || !letters(part(s, 13, 16))
            || !at(s, 17).is_ascii_digit()
        {
            return false;
        }
        let century = if at(s, 16).is_ascii_digit() {
            1900
        } else {
            2000
        };
        if !date_ok(century + num2(s, 4), num2(s, 6), num2(s, 8)) {
            return false;
        }
        let mut sum = 0u32;
        for (i, &c) in part(s, 0, 17).iter().enumerate() {
            let Some(x) = mx_value(c) else {
                return false;
            };
            sum += x * (18 - i as u32);
        }
        (10 - sum % 10) % 10 == dv(s, 17)
    })
}

/// RFC (SAT): 3 (companies) or 4 (persons) letters (& allowed), YYMMDD, a 2-character homoclave
/// and a check digit: the 12 characters before it (right-aligned, space-padded) weighted 13..2,
/// 11 - sum mod 11, 10 written A and 11 written 0.
fn mx_rfc(v: &[u8]) -> bool {
    let Some(s) = Chars::keep(v, |c| c.is_ascii_alphanumeric() || c == b'&') else {
        return false;
    };
    let s = s.get();
    if !(s.len() == 12 || s.len() == 13) {
        return false;
    }
    let n = s.len() - 9;
    let name = part(s, 0, n);
    if !name.iter().all(|&c| c.is_ascii_uppercase() || c == b'&')
        || !digits(part(s, n, n + 6))
        || !part(s, n + 6, n + 8).iter().all(u8::is_ascii_alphanumeric)
        || !(at(s, n + 8).is_ascii_digit() || at(s, n + 8) == b'A')
    {
        return false;
    }
    let (yy, mm, dd) = (num2(s, n), num2(s, n + 2), num2(s, n + 4));
    if !(date_ok(1900 + yy, mm, dd) || date_ok(2000 + yy, mm, dd)) {
        return false;
    }
    let body = part(s, 0, s.len() - 1);
    let pad = 12 - body.len();
    let mut sum = 37 * 13 * pad as u32;
    for (i, &c) in body.iter().enumerate() {
        let Some(x) = mx_value(c) else {
            return false;
        };
        sum += x * (13 - (i + pad) as u32);
    }
    let c = (11 - sum % 11) % 11;
    b"0123456789A".get(c as usize) == Some(&at(s, n + 8))
}

/// RUT / RUN (SII, Registro Civil): 7-8 digits (at least 1,000,000) and a mod 11 check
/// character: weights 2 3 4 5 6 7 repeating from the right, 11 - sum mod 11, 11 is 0, 10 is K.
fn cl_rut(v: &[u8]) -> bool {
    alnum(v, |s| {
        let n = s.len();
        if !(8..=9).contains(&n)
            || !digits(part(s, 0, n - 1))
            || num(part(s, 0, n - 1)) < 1_000_000
            || same(s)
        {
            return false;
        }
        let sum: u32 = part(s, 0, n - 1)
            .iter()
            .rev()
            .enumerate()
            .map(|(i, &c)| val(c) * (2 + i as u32 % 6))
            .sum();
        let expected = match 11 - sum % 11 {
            11 => b'0',
            10 => b'K',
            c => b'0' + c as u8,
        };
        at(s, n - 1) == expected
    })
}

// ---------------------------------------------------------------------------------------------
// United States

/// ITIN (IRS): 9XX-XX-XXXX, the 4th and 5th digits 50-65, 70-88, 90-92 or 94-99.
fn us_itin(v: &[u8]) -> bool {
    alnum(v, |s| {
        let g = num2(s, 3);
        s.len() == 9
            && digits(s)
            && at(s, 0) == b'9'
            && !same(s)
            && ((50..=65).contains(&g)
                || (70..=88).contains(&g)
                || (90..=92).contains(&g)
                || (94..=99).contains(&g))
    })
}

/// Medicare Beneficiary Identifier (CMS): 11 characters: 1-9, letter, letter or digit, digit,
/// letter, letter or digit, digit, letter, letter, digit, digit; letters without S L O I B Z.
fn us_mbi(v: &[u8]) -> bool {
    alnum(v, |s| {
        let letter = |c: u8| c.is_ascii_uppercase() && !b"SLOIBZ".contains(&c);
        let kinds = *b"1AXNAXNAANN";
        s.len() == 11
            && s.iter().zip(kinds).all(|(&c, k)| match k {
                b'1' => (b'1'..=b'9').contains(&c),
                b'A' => letter(c),
                b'N' => c.is_ascii_digit(),
                _ => letter(c) || c.is_ascii_digit(),
            })
    })
}

/// NPI (CMS, 45 CFR 162.406): 10 digits starting 1 or 2, Luhn over 80840 and the 10 digits.
fn us_npi(v: &[u8]) -> bool {
    alnum(v, |s| {
        s.len() == 10
            && digits(s)
            && (at(s, 0) == b'1' || at(s, 0) == b'2')
            && luhn_ok(b"80840".iter().chain(s))
    })
}

// ---------------------------------------------------------------------------------------------
// Financial

/// ABA routing transit number (ABA; Federal Reserve): routing symbol 00-12, 21-32, 61-72 or 80,
/// weights 3 7 1 3 7 1 3 7 1, sum divisible by 10.
fn aba_routing(v: &[u8]) -> bool {
    alnum(v, |s| {
        let p = num2(s, 0);
        s.len() == 9
            && digits(s)
            && !same(s)
            && (p <= 12 || (21..=32).contains(&p) || (61..=72).contains(&p) || p == 80)
            && weighted(s, &[3, 7, 1, 3, 7, 1, 3, 7, 1]).is_multiple_of(10)
    })
}

/// The ISO 3166-1 alpha-2 codes (and XK, which SWIFT uses for Kosovo).
const ISO3166: &[u8] =
    b"ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCF\
CGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQ\
GRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULV\
LYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPR\
PSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZ\
UAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZWXK";

/// BIC (ISO 9362): 4 letters, an ISO 3166 country, 2 location characters, optional 3-character
/// branch.
fn swift_bic(v: &[u8]) -> bool {
    alnum(v, |s| {
        (s.len() == 8 || s.len() == 11)
            && letters(part(s, 0, 6))
            && ISO3166.chunks_exact(2).any(|c| c == part(s, 4, 6))
    })
}

/// DE USt-IdNr (§ 27a UStG, BZSt): DE + 9 digits, the first not 0, ISO 7064 MOD 11,10.
fn de_vat(v: &[u8]) -> bool {
    alnum(v, |s| {
        after(s, b"DE")
            .is_some_and(|s| s.len() == 9 && digits(s) && at(s, 0) != b'0' && mod11_10_ok(s))
    })
}

/// FR numéro de TVA (CGI art. 286 ter): FR + key + SIREN (Luhn; La Poste's 356000000 by digit
/// sum; Monaco's 000 not checked). A numeric key is (SIREN × 100 + 12) mod 97; the newer
/// alphanumeric keys (no I or O) follow the DGFiP formula below.
fn fr_vat(v: &[u8]) -> bool {
    const ALPHA: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    alnum(v, |s| {
        let Some(s) = after(s, b"FR") else {
            return false;
        };
        let siren = part(s, 2, 11);
        let (Some(i0), Some(i1)) = (
            ALPHA.iter().position(|&c| c == at(s, 0)),
            ALPHA.iter().position(|&c| c == at(s, 1)),
        ) else {
            return false;
        };
        if s.len() != 11 || !digits(siren) || same(siren) {
            return false;
        }
        let luhn_or_poste = luhn_ok(siren.iter())
            || (siren.starts_with(b"356000")
                && siren.iter().map(|&c| val(c)).sum::<u32>() % 5 == 0);
        if !siren.starts_with(b"000") && !luhn_or_poste {
            return false;
        }
        let n = num(siren);
        if i0 < 10 && i1 < 10 {
            return (i0 * 10 + i1) as u64 == (n * 100 + 12) % 97;
        }
        let check = if i0 < 10 {
            i0 * 24 + i1 - 10
        } else {
            i0 * 34 + i1 - 100
        } as u64;
        (n + 1 + check / 11) % 11 == check % 11
    })
}

/// IT partita IVA (DPR 633/1972 art. 35): IT + 7-digit number (not 0) + office 001-100, 120,
/// 121, 888 or 999 + Luhn check digit.
fn it_vat(v: &[u8]) -> bool {
    alnum(v, |s| {
        after(s, b"IT").is_some_and(|s| {
            let office = num(part(s, 7, 10));
            s.len() == 11
                && digits(s)
                && num(part(s, 0, 7)) != 0
                && ((1..=100).contains(&office) || [120, 121, 888, 999].contains(&office))
                && luhn_ok(s.iter())
        })
    })
}

/// ES NIF (RD 1065/2007; Orden EHA/451/2008): ES + a DNI, a NIE, K/L/M + 7 digits + DNI letter,
/// or a CIF: entity letter + 7 digits + control (digit for A B E H, letter JABCDEFGHI for
/// P Q S N W, either otherwise): odd places doubled with digit sums, (10 - sum mod 10) mod 10.
fn es_vat(v: &[u8]) -> bool {
    alnum(v, |s| {
        let Some(s) = after(s, b"ES") else {
            return false;
        };
        if s.len() != 9 {
            return false;
        }
        let lead = at(s, 0);
        if digits(part(s, 0, 8)) {
            return dni_ok(s);
        }
        if b"XYZ".contains(&lead) {
            return nie_ok(s);
        }
        if !digits(part(s, 1, 8)) {
            return false;
        }
        if b"KLM".contains(&lead) {
            return dni_letter(num(part(s, 1, 8))) == at(s, 8);
        }
        if !b"ABCDEFGHJNPQRSUVW".contains(&lead) {
            return false;
        }
        let sum: u32 = part(s, 1, 8)
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let n = val(c);
                if i % 2 == 0 {
                    (2 * n) / 10 + (2 * n) % 10
                } else {
                    n
                }
            })
            .sum();
        let d = (10 - sum % 10) % 10;
        let digit = b'0' + d as u8;
        let letter = b"JABCDEFGHI".get(d as usize).copied().unwrap_or(0);
        let c = at(s, 8);
        if b"ABEH".contains(&lead) {
            c == digit
        } else if b"PQSNW".contains(&lead) {
            c == letter
        } else {
            c == digit || c == letter
        }
    })
}

/// NL btw-id (Belastingdienst): NL + 9 digits + B + 2 digits (not 00): the eleven test on the 9
/// digits, or (numbers since 2020) ISO 7064 MOD 97-10 over the whole, NL included.
fn nl_vat(v: &[u8]) -> bool {
    alnum(v, |s| {
        let Some(rest) = after(s, b"NL") else {
            return false;
        };
        rest.len() == 12
            && digits(part(rest, 0, 9))
            && at(rest, 9) == b'B'
            && digits(part(rest, 10, 12))
            && num2(rest, 10) != 0
            && !same(part(rest, 0, 9))
            && (eleven(rest) || mod97_rem(s.iter()) == Some(1))
    })
}

/// BE enterprise number (KBO/BCE): BE + 10 digits starting 0 or 1 (9 digits: a 0 before them):
/// the last 2 are 97 - (the first 8 mod 97).
fn be_vat(v: &[u8]) -> bool {
    alnum(v, |s| {
        let Some(s) = after(s, b"BE") else {
            return false;
        };
        if !digits(s) {
            return false;
        }
        let (first, body, check) = match s.len() {
            9 => (b'0', part(s, 0, 7), part(s, 7, 9)),
            10 => (at(s, 0), part(s, 0, 8), part(s, 8, 10)),
            _ => return false,
        };
        let tail = if s.len() == 9 { s } else { part(s, 1, 10) };
        (first == b'0' || first == b'1') && !same(tail) && 97 - num(body) % 97 == num(check)
    })
}

/// PL VAT: PL + NIP.
fn pl_vat(v: &[u8]) -> bool {
    alnum(v, |s| after(s, b"PL").is_some_and(nip_ok))
}

/// AT UID (BMF): ATU + 8 digits: weights 1 2 1 2 1 2 1 with digit sums, check =
/// (10 - (sum + 4) mod 10) mod 10.
fn at_vat(v: &[u8]) -> bool {
    alnum(v, |s| {
        after(s, b"ATU").is_some_and(|s| {
            if s.len() != 8 || !digits(s) || same(s) {
                return false;
            }
            let sum: u32 = part(s, 0, 7)
                .iter()
                .enumerate()
                .map(|(i, &c)| {
                    let n = val(c) * if i % 2 == 1 { 2 } else { 1 };
                    n / 10 + n % 10
                })
                .sum();
            (10 - (sum + 4) % 10) % 10 == dv(s, 7)
        })
    })
}

/// PT VAT: PT + NIF.
fn pt_vat(v: &[u8]) -> bool {
    alnum(v, |s| after(s, b"PT").is_some_and(pt_nif_ok))
}

/// DK CVR (Erhvervsstyrelsen): DK + 8 digits, the first not 0, weights 2 7 6 5 4 3 2 1,
/// divisible by 11.
fn dk_vat(v: &[u8]) -> bool {
    alnum(v, |s| {
        after(s, b"DK").is_some_and(|s| {
            s.len() == 8
                && digits(s)
                && at(s, 0) != b'0'
                && weighted(s, &[2, 7, 6, 5, 4, 3, 2, 1]).is_multiple_of(11)
        })
    })
}

/// FI Y-tunnus (PRH, Vero): FI + 8 digits, weights 7 9 10 5 8 4 2, check = 11 - remainder (0
/// for 0; remainder 1 never issued).
fn fi_vat(v: &[u8]) -> bool {
    alnum(v, |s| {
        after(s, b"FI").is_some_and(|s| {
            if s.len() != 8 || !digits(s) || same(s) {
                return false;
            }
            let r = weighted(s, &[7, 9, 10, 5, 8, 4, 2]) % 11;
            r != 1 && (if r == 0 { 0 } else { 11 - r }) == dv(s, 7)
        })
    })
}

/// SE momsregistreringsnummer (Skatteverket): SE + 10-digit organisation or personal number
/// (Luhn) + 01.
fn se_vat(v: &[u8]) -> bool {
    alnum(v, |s| {
        after(s, b"SE").is_some_and(|s| {
            let n = part(s, 0, 10);
            s.len() == 12 && digits(s) && s.ends_with(b"01") && !same(n) && luhn_ok(n.iter())
        })
    })
}

/// LU TVA (AED): LU + 6 digits + the 6 digits mod 89 as 2 digits.
fn lu_vat(v: &[u8]) -> bool {
    alnum(v, |s| {
        after(s, b"LU").is_some_and(|s| {
            s.len() == 8 && digits(s) && !same(s) && num(part(s, 0, 6)) % 89 == num(part(s, 6, 8))
        })
    })
}

/// GB VAT registration number (HMRC): GB or XI + 9 digits (+ 3-digit branch): weights
/// 8 7 6 5 4 3 2 10 1, sum mod 97 is 0, or for numbers from 100 on also 42 or 55 (the 9755
/// scheme).
fn gb_vat(v: &[u8]) -> bool {
    alnum(v, |s| {
        let Some(s) = after(s, b"GB").or_else(|| after(s, b"XI")) else {
            return false;
        };
        if !(s.len() == 9 || s.len() == 12) || !digits(s) || same(part(s, 0, 9)) {
            return false;
        }
        let t = weighted(part(s, 0, 9), &[8, 7, 6, 5, 4, 3, 2, 10, 1]) % 97;
        if num(part(s, 0, 3)) >= 100 {
            t == 0 || t == 42 || t == 55
        } else {
            t == 0
        }
    })
}

/// CLABE (Banco de México): 18 digits, weights 3 7 1 on the first 17 (each product mod 10),
/// check = (10 - sum mod 10) mod 10.
fn mx_clabe(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 18 || !digits(s) || same(s) {
            return false;
        }
        let sum: u32 = part(s, 0, 17)
            .iter()
            .zip([3, 7, 1].iter().cycle())
            .map(|(&c, &w)| val(c) * w % 10)
            .sum();
        (10 - sum % 10) % 10 == dv(s, 17)
    })
}

/// CBU (BCRA): 22 digits in two blocks: bank and branch (7) + check (weights 7 1 3 9 7 1 3),
/// account (13) + check (weights 3 9 7 1 ...); check = (10 - sum mod 10) mod 10.
fn ar_cbu(v: &[u8]) -> bool {
    alnum(v, |s| {
        if s.len() != 22 || !digits(s) || same(s) {
            return false;
        }
        let c1 = weighted(part(s, 0, 7), &[7, 1, 3, 9, 7, 1, 3]);
        let c2 = weighted(part(s, 8, 21), &[3, 9, 7, 1, 3, 9, 7, 1, 3, 9, 7, 1, 3]);
        (10 - c1 % 10) % 10 == dv(s, 7) && (10 - c2 % 10) % 10 == dv(s, 21)
    })
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(name: &str, value: &str) {
        assert_eq!(
            validate(name, value.as_bytes()),
            Some(true),
            "{name} refuses {value:?}"
        );
    }

    fn no(name: &str, value: &str) {
        assert_eq!(
            validate(name, value.as_bytes()),
            Some(false),
            "{name} accepts {value:?}"
        );
    }

    #[test]
    fn every_listed_name_is_known_once_and_others_are_not() {
        for (i, name) in VALIDATORS.iter().enumerate() {
            assert!(
                validate(name, b"").is_some(),
                "{name} is listed but unknown"
            );
            assert!(!VALIDATORS[..i].contains(name), "{name} is listed twice");
        }
        for name in [
            "",
            "LUHN",
            "base58check",
            "bech32",
            "eip55",
            "github_crc32",
            "damm",
        ] {
            assert_eq!(validate(name, b"79927398713"), None, "{name}");
        }
    }

    #[test]
    fn odd_input_is_refused_without_panicking() {
        let long = [b'7'; 1000];
        let mut all = [0u8; 256];
        for (i, b) in all.iter_mut().enumerate() {
            *b = u8::try_from(i).unwrap_or(0);
        }
        let inputs: [&[u8]; 9] = [
            b"",
            b"0",
            b"+-+-+-+-",
            &long,
            &all,
            "\u{663}\u{664}\u{665}\u{666}\u{667}\u{668}\u{669}\u{660}\u{661}".as_bytes(),
            b"\xff\xfe\x00\x01\x02\x03\x04\x05\x06\x07\x08",
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
            b"-----------",
        ];
        for name in VALIDATORS {
            for input in inputs {
                assert_ne!(
                    validate(name, input),
                    Some(true),
                    "{name} accepts {input:?}"
                );
            }
        }
    }

    #[test]
    fn one_repeated_digit_is_refused() {
        for name in VALIDATORS {
            for d in b'0'..=b'9' {
                for len in 2..=30 {
                    let v = [d; 30];
                    assert_eq!(
                        validate(name, &v[..len]),
                        Some(false),
                        "{name} {}x{}",
                        len,
                        d as char
                    );
                }
            }
        }
    }

    #[test]
    fn separators_are_dropped_and_case_ignored() {
        ok("br_cpf", "111 444 777 35");
        ok("br_cpf", "11144477735");
        ok("it_codice_fiscale", "rssmra85t10a562s");
        ok("uk_nino", "ab123456c");
        ok("de_vat", "de 136-695-976");
        ok("es_dni", "12.345.678-z");
    }

    #[test]
    fn dates_follow_the_calendar() {
        // 29 February 2000 exists, 29 February 1900 does not (a century year not divisible by 400)
        ok("fi_hetu", "290200A1239");
        no("fi_hetu", "290200-1239");
        ok("pl_pesel", "00222901239");
        no("pl_pesel", "00022901233");
        assert!(date_ok(2024, 2, 29) && !date_ok(2023, 2, 29) && !date_ok(2024, 4, 31));
        assert!(!date_ok(2024, 0, 1) && !date_ok(2024, 13, 1) && !date_ok(2024, 1, 0));
    }

    #[test]
    fn the_century_sign_of_a_hetu_is_kept() {
        // the same digits: born 1952 (-) or 2052 (A) pass; the sign is not a separator
        ok("fi_hetu", "131052-308T");
        ok("fi_hetu", "131052A308T");
        no("fi_hetu", "131052 308T");
        no("fi_hetu", "131052308T");
    }

    #[test]
    fn korean_numbers_from_october_2020_carry_no_check_digit() {
        // born 2021-03-04: the last six digits are random since 2020-10
        ok("kr_rrn", "210304-4123456");
        ok("kr_rrn", "210304-4123457");
        // born 2019: the check digit applies
        no("kr_rrn", "190304-4123457");
    }

    #[test]
    fn luhn_examples() {
        // ISO/IEC 7812-1 annex B; the worked example of the Luhn algorithm
        ok("luhn", "79927398713");
        no("luhn", "79927398714"); // one digit changed
        no("luhn", "79927398731"); // adjacent digits transposed
    }

    #[test]
    fn mod97_examples() {
        // ISO 13616-1 (IBAN) example; the same digits not rearranged fail
        ok("mod97", "GB82 WEST 1234 5698 7654 32");
        no("mod97", "GB82 WEST 1234 5698 7654 33"); // one digit changed
        no("mod97", "GB82 WEST 1234 5698 7654 23"); // adjacent digits transposed
        no("mod97", "WEST12345698765432GB82"); // check digits not in 3rd-4th place
    }

    #[test]
    fn verhoeff_examples() {
        // Verhoeff (1969); the worked example 236 -> 3
        ok("verhoeff", "2363");
        no("verhoeff", "2364"); // one digit changed
        no("verhoeff", "2336"); // adjacent digits transposed
    }

    #[test]
    fn iso7064_mod11_10_examples() {
        // ISO 7064 MOD 11,10 as the BZSt IdNr uses it (python-stdnum's documented IdNr)
        ok("iso7064_mod11_10", "36574261809");
        no("iso7064_mod11_10", "36574261800"); // one digit changed
        no("iso7064_mod11_10", "36574261890"); // adjacent digits transposed
    }

    #[test]
    fn iso7064_mod11_2_examples() {
        // ISO 7064:2003 example (079 -> X)
        ok("iso7064_mod11_2", "079X");
        no("iso7064_mod11_2", "070X"); // one digit changed
        no("iso7064_mod11_2", "097X"); // adjacent digits transposed
    }

    #[test]
    fn iso7064_mod37_36_examples() {
        // ISO 7064:2003 example for MOD 37,36
        ok("iso7064_mod37_36", "A12425GABC1234002M");
        no("iso7064_mod37_36", "A12425GABC1234003M"); // one digit changed
        no("iso7064_mod37_36", "A12425GABC1234020M"); // adjacent digits transposed
    }

    #[test]
    fn uk_nino_examples() {
        // HMRC NIM39110 rules on a constructed number; GOV.UK's sample QQ 12 34 56 C uses a prefix never allocated
        ok("uk_nino", "AB 12 34 56 C");
        no("uk_nino", "QQ 12 34 56 C"); // Q is never a prefix letter
        no("uk_nino", "GB 12 34 56 A"); // GB not allocated
        no("uk_nino", "AO 12 34 56 A"); // O never second
    }

    #[test]
    fn uk_nhs_examples() {
        // the NHS number example 943 476 5919 (en.wikipedia, NHS number)
        ok("uk_nhs", "943 476 5919");
        no("uk_nhs", "943 476 5910"); // one digit changed
        no("uk_nhs", "943 476 5991"); // adjacent digits transposed
    }

    #[test]
    fn de_steuer_id_examples() {
        // python-stdnum's documented IdNr; BZSt rules
        ok("de_steuer_id", "36 574 261 809");
        no("de_steuer_id", "36 574 261 800"); // one digit changed
        no("de_steuer_id", "36 574 261 890"); // adjacent digits transposed
        no("de_steuer_id", "36554266806"); // two digits repeated
    }

    #[test]
    fn de_personalausweis_examples() {
        // BMI specimen ID card (Erika Mustermann), document number T22000129 + check digit 3
        ok("de_personalausweis", "T220001293");
        no("de_personalausweis", "T220001294"); // one digit changed
        no("de_personalausweis", "T220001239"); // adjacent digits transposed
    }

    #[test]
    fn de_rvnr_examples() {
        // the sample Versicherungsnummer 15 070649 C 103 (de.wikipedia, Sozialversicherungsnummer)
        ok("de_rvnr", "15 070649 C 103");
        no("de_rvnr", "15 070649 C 104"); // one digit changed
        no("de_rvnr", "15 070649 C 130"); // adjacent digits transposed
        no("de_rvnr", "15 071349 C 103"); // month 13
    }

    #[test]
    fn fr_nir_examples() {
        // the NIR example of fr.wikipedia (Numéro de sécurité sociale en France)
        ok("fr_nir", "2 55 08 14 168 025 38");
        no("fr_nir", "2 55 08 14 168 025 39"); // one digit changed
        no("fr_nir", "2 55 08 14 168 025 83"); // adjacent digits transposed
    }

    #[test]
    fn fr_nif_examples() {
        // European Commission TIN specification for France (30 23 217 600 053)
        ok("fr_nif", "30 23 217 600 053");
        no("fr_nif", "30 23 217 600 054"); // one digit changed
        no("fr_nif", "30 23 217 600 035"); // adjacent digits transposed
    }

    #[test]
    fn es_dni_examples() {
        // the commonly cited DNI 12345678Z (letter table of the Ministerio del Interior)
        ok("es_dni", "12345678Z");
        no("es_dni", "12345679Z"); // one digit changed
        no("es_dni", "12345687Z"); // adjacent digits transposed
        no("es_dni", "00000000T"); // number 0
    }

    #[test]
    fn es_nie_examples() {
        // NIE X1234567L (X as 0, then the DNI letter table)
        ok("es_nie", "X1234567L");
        no("es_nie", "X1234568L"); // one digit changed
        no("es_nie", "X1234576L"); // adjacent digits transposed
    }

    #[test]
    fn es_nss_examples() {
        // constructed on the TGSS format (province 28)
        ok("es_nss", "28/12345678/40");
        no("es_nss", "28/12345678/41"); // one digit changed
        no("es_nss", "28/12345678/04"); // adjacent digits transposed
    }

    #[test]
    fn it_codice_fiscale_examples() {
        // the standard sample codice fiscale (Mario Rossi)
        ok("it_codice_fiscale", "RSSMRA85T10A562S");
        no("it_codice_fiscale", "RSSMRA85T10A563S"); // one digit changed
        no("it_codice_fiscale", "RSSMRA85T10A526S"); // adjacent digits transposed
        no("it_codice_fiscale", "RSSMRA85B30A562S"); // 30 February
    }

    #[test]
    fn nl_bsn_examples() {
        // RvIG test numbers
        ok("nl_bsn", "111222333");
        ok("nl_bsn", "123456782");
        no("nl_bsn", "111222334"); // one digit changed
        no("nl_bsn", "111223233"); // adjacent digits transposed
        no("nl_bsn", "001000007"); // starts with 00, not issued (passes the eleven test)
    }

    #[test]
    fn pl_pesel_examples() {
        // pl.wikipedia's PESEL example (1944) and python-stdnum's (2002)
        ok("pl_pesel", "44051401359");
        ok("pl_pesel", "02070803628");
        no("pl_pesel", "44051401350"); // one digit changed
        no("pl_pesel", "44051401395"); // adjacent digits transposed
        no("pl_pesel", "44023101352"); // 31 February
    }

    #[test]
    fn pl_nip_examples() {
        // pl.wikipedia's NIP example
        ok("pl_nip", "123-456-32-18");
        no("pl_nip", "123-456-32-19"); // one digit changed
        no("pl_nip", "123-456-32-81"); // adjacent digits transposed
    }

    #[test]
    fn pl_id_card_examples() {
        // MSWiA test series and number ABA300000
        ok("pl_id_card", "ABA300000");
        no("pl_id_card", "ABA300001"); // one digit changed
        no("pl_id_card", "ABA030000"); // adjacent digits transposed
    }

    #[test]
    fn se_personnummer_examples() {
        // examples of Skatteverket and en.wikipedia (10- and 12-digit forms)
        ok("se_personnummer", "811228-9874");
        ok("se_personnummer", "670919-9530");
        ok("se_personnummer", "19811228-9874");
        no("se_personnummer", "811228-9875"); // one digit changed
        no("se_personnummer", "811228-9847"); // adjacent digits transposed
        no("se_personnummer", "811232-9876"); // 32 December
    }

    #[test]
    fn fi_hetu_examples() {
        // DVV example 131052-308T
        ok("fi_hetu", "131052-308T");
        no("fi_hetu", "131052-309T"); // one digit changed
        no("fi_hetu", "131052-380T"); // adjacent digits transposed
        no("fi_hetu", "310252-308Y"); // 31 February
    }

    #[test]
    fn dk_cpr_examples() {
        // CPR-kontoret example 070761-4285
        ok("dk_cpr", "070761-4285");
        no("dk_cpr", "070061-4285"); // one digit changed
        no("dk_cpr", "077061-4285"); // adjacent digits transposed
        no("dk_cpr", "310261-4285"); // 31 February
    }

    #[test]
    fn no_fodselsnummer_examples() {
        // python-stdnum's documented fødselsnummer
        ok("no_fodselsnummer", "151086 95088");
        no("no_fodselsnummer", "151086 95089"); // one digit changed
        no("no_fodselsnummer", "151086 95808"); // adjacent digits transposed
    }

    #[test]
    fn be_national_number_examples() {
        // Rijksregister IT000 format; python-stdnum examples (1985 and 2017 births)
        ok("be_national_number", "85.07.30-033.28");
        ok("be_national_number", "17.07.30-033.84");
        no("be_national_number", "85.07.30-033.29"); // one digit changed
        no("be_national_number", "85.07.30-033.82"); // adjacent digits transposed
    }

    #[test]
    fn at_svnr_examples() {
        // python-stdnum's documented number; de.wikipedia's sample 1234 010180 has a wrong check digit
        ok("at_svnr", "1237 010180");
        no("at_svnr", "1237 010181"); // one digit changed
        no("at_svnr", "1237 010108"); // adjacent digits transposed
        no("at_svnr", "1234 010180"); // de.wikipedia sample, wrong check digit
    }

    #[test]
    fn pt_nif_examples() {
        // the commonly used test NIF 123456789
        ok("pt_nif", "123456789");
        no("pt_nif", "123456780"); // one digit changed
        no("pt_nif", "123456798"); // adjacent digits transposed
    }

    #[test]
    fn ie_ppsn_examples() {
        // commonly cited PPS numbers (old and new format)
        ok("ie_ppsn", "1234567T");
        ok("ie_ppsn", "1234567TW");
        ok("ie_ppsn", "1234567FA");
        no("ie_ppsn", "1234568T"); // one digit changed
        no("ie_ppsn", "1234576T"); // adjacent digits transposed
    }

    #[test]
    fn in_aadhaar_examples() {
        // commonly cited sample Aadhaar numbers
        ok("in_aadhaar", "2341 2341 2346");
        ok("in_aadhaar", "9999 4105 7058");
        no("in_aadhaar", "2341 2341 2347"); // one digit changed
        no("in_aadhaar", "2341 2341 2364"); // adjacent digits transposed
        no("in_aadhaar", "1234 5678 9012"); // starts with 1
    }

    #[test]
    fn in_pan_examples() {
        // Income Tax Department PAN structure (constructed)
        ok("in_pan", "ABCPD1234E");
        no("in_pan", "ABCXD1234E"); // holder type X
    }

    #[test]
    fn ca_sin_examples() {
        // ESDC: 046 454 286 is the published sample (first digit 0, never assigned); 130 692 544 (en.wikipedia)
        ok("ca_sin", "130 692 544");
        no("ca_sin", "130 692 545"); // one digit changed
        no("ca_sin", "130 692 454"); // adjacent digits transposed
        no("ca_sin", "046 454 286"); // first digit 0
    }

    #[test]
    fn au_tfn_examples() {
        // ATO sample TFN
        ok("au_tfn", "123 456 782");
        no("au_tfn", "123 456 783"); // one digit changed
        no("au_tfn", "123 456 728"); // adjacent digits transposed
    }

    #[test]
    fn au_abn_examples() {
        // ATO's own ABN (ABR format page)
        ok("au_abn", "51 824 753 556");
        no("au_abn", "51 824 753 557"); // one digit changed
        no("au_abn", "51 824 753 565"); // adjacent digits transposed
    }

    #[test]
    fn au_medicare_examples() {
        // a commonly used test Medicare number
        ok("au_medicare", "2123 45670 1");
        no("au_medicare", "2123 45671 1"); // one digit changed
        no("au_medicare", "2123 45671 0"); // adjacent digits transposed
    }

    #[test]
    fn nz_ird_examples() {
        // Inland Revenue IRD number validation specification test cases
        ok("nz_ird", "49-091-850");
        ok("nz_ird", "35-901-981");
        ok("nz_ird", "49-098-576");
        ok("nz_ird", "136-410-132");
        no("nz_ird", "49-091-851"); // one digit changed
        no("nz_ird", "49-091-805"); // adjacent digits transposed
        no("nz_ird", "136410133"); // spec: invalid check digit
        no("nz_ird", "9125568"); // spec: out of range
    }

    #[test]
    fn kr_rrn_examples() {
        // python-stdnum's documented RRN
        ok("kr_rrn", "971013-9019902");
        no("kr_rrn", "971013-9019903"); // one digit changed
        no("kr_rrn", "971013-9019920"); // adjacent digits transposed
    }

    #[test]
    fn sg_nric_examples() {
        // ICA's check letter tables applied to 1234567 in each series
        ok("sg_nric", "S1234567D");
        ok("sg_nric", "T1234567J");
        ok("sg_nric", "F1234567N");
        ok("sg_nric", "G1234567X");
        ok("sg_nric", "M1234567K");
        no("sg_nric", "S1234568D"); // one digit changed
        no("sg_nric", "S1234576D"); // adjacent digits transposed
    }

    #[test]
    fn za_id_examples() {
        // the commonly cited sample identity number
        ok("za_id", "8001015009087");
        no("za_id", "8001015009088"); // one digit changed
        no("za_id", "8001015009078"); // adjacent digits transposed
        no("za_id", "8002305009081"); // 30 February
    }

    #[test]
    fn br_cpf_examples() {
        // the commonly cited worked CPF example
        ok("br_cpf", "111.444.777-35");
        no("br_cpf", "111.444.777-36"); // one digit changed
        no("br_cpf", "111.444.777-53"); // adjacent digits transposed
        no("br_cpf", "111.111.111-11"); // one digit repeated
    }

    #[test]
    fn br_cnpj_examples() {
        // the worked numeric example and the alphanumeric one of SERPRO/Receita (Nota Técnica 49/2024)
        ok("br_cnpj", "11.222.333/0001-81");
        ok("br_cnpj", "12.ABC.345/01DE-35");
        no("br_cnpj", "11.222.333/0001-82"); // one digit changed
        no("br_cnpj", "11.222.333/0001-18"); // adjacent digits transposed
    }

    #[test]
    fn mx_curp_examples() {
        // RENAPO's sample CURP
        ok("mx_curp", "HEGG560427MVZRRL04");
        no("mx_curp", "HEGG560427MVZRRL05"); // one digit changed
        no("mx_curp", "HEGG560427MVZRRL40"); // adjacent digits transposed
    }

    #[test]
    fn mx_rfc_examples() {
        // python-stdnum's documented RFCs (person and company)
        ok("mx_rfc", "GODE561231GR8");
        ok("mx_rfc", "MAB-930714-8T4");
        no("mx_rfc", "GODE561231GR9"); // one digit changed
        no("mx_rfc", "GODE561213GR8"); // adjacent digits transposed
        no("mx_rfc", "VACE460910SX6"); // check digit (in use, but invalid)
    }

    #[test]
    fn cn_id_examples() {
        // GB 11643-1999 examples
        ok("cn_id", "11010519491231002X");
        ok("cn_id", "440524188001010014");
        no("cn_id", "11010519491231003X"); // one digit changed
        no("cn_id", "11010519491231020X"); // adjacent digits transposed
    }

    #[test]
    fn jp_my_number_examples() {
        // the commonly cited sample individual number
        ok("jp_my_number", "1234 5678 9018");
        no("jp_my_number", "1234 5678 9019"); // one digit changed
        no("jp_my_number", "1234 5678 9081"); // adjacent digits transposed
    }

    #[test]
    fn tr_tckn_examples() {
        // the commonly cited test number 10000000146
        ok("tr_tckn", "10000000146");
        no("tr_tckn", "10000000147"); // one digit changed
        no("tr_tckn", "10000000164"); // adjacent digits transposed
    }

    #[test]
    fn il_teudat_zehut_examples() {
        // a commonly cited sample number
        ok("il_teudat_zehut", "123456782");
        no("il_teudat_zehut", "123456783"); // one digit changed
        no("il_teudat_zehut", "123456728"); // adjacent digits transposed
    }

    #[test]
    fn us_itin_examples() {
        // IRS ITIN ranges (constructed in group 70)
        ok("us_itin", "912-70-1234");
        no("us_itin", "912-00-1234"); // one digit changed
        no("us_itin", "912-07-1234"); // adjacent digits transposed
        no("us_itin", "912-93-1234"); // group 93 not used
        no("us_itin", "812-70-1234"); // must start with 9
    }

    #[test]
    fn us_mbi_examples() {
        // CMS MBI format example
        ok("us_mbi", "1EG4-TE5-MK73");
        no("us_mbi", "0EG4-TE5-MK73"); // one digit changed
        no("us_mbi", "1EG4-TE5-MK7A"); // last must be a digit
        no("us_mbi", "1SG4-TE5-MK73"); // S never used
    }

    #[test]
    fn us_npi_examples() {
        // CMS NPI check digit example (123456789 -> 3)
        ok("us_npi", "1234567893");
        no("us_npi", "1234567894"); // one digit changed
        no("us_npi", "1234567839"); // adjacent digits transposed
    }

    #[test]
    fn ch_ahv_examples() {
        // ZAS example AHV number 756.1234.5678.97
        ok("ch_ahv", "756.1234.5678.97");
        no("ch_ahv", "756.1234.5678.98"); // one digit changed
        no("ch_ahv", "756.1234.5678.79"); // adjacent digits transposed
    }

    #[test]
    fn ro_cnp_examples() {
        // ro.wikipedia's CNP example
        ok("ro_cnp", "1800101221144");
        no("ro_cnp", "1800101221145"); // one digit changed
        no("ro_cnp", "1800101221414"); // adjacent digits transposed
    }

    #[test]
    fn cl_rut_examples() {
        // the commonly cited RUT 12.345.678-5
        ok("cl_rut", "12.345.678-5");
        no("cl_rut", "12.345.678-6"); // one digit changed
        no("cl_rut", "12.345.675-8"); // adjacent digits transposed
    }

    #[test]
    fn aba_routing_examples() {
        // Federal Reserve Bank of Boston and JPMorgan Chase routing numbers
        ok("aba_routing", "011000015");
        ok("aba_routing", "021000021");
        no("aba_routing", "011000016"); // one digit changed
        no("aba_routing", "011000051"); // adjacent digits transposed
        no("aba_routing", "131000015"); // routing symbol 13 not used
    }

    #[test]
    fn swift_bic_examples() {
        // ISO 9362 examples (Deutsche Bank, Nedbank)
        ok("swift_bic", "DEUTDEFF");
        ok("swift_bic", "NEDSZAJJXXX");
        no("swift_bic", "DEUTQQFF"); // QQ is no country
    }

    #[test]
    fn de_vat_examples() {
        // a registered number quoted in python-stdnum's documentation
        ok("de_vat", "DE136695976");
        no("de_vat", "DE136695977"); // one digit changed
        no("de_vat", "DE136695967"); // adjacent digits transposed
    }

    #[test]
    fn fr_vat_examples() {
        // DGFiP numbers, numeric and alphanumeric key (python-stdnum)
        ok("fr_vat", "FR 40 303 265 045");
        ok("fr_vat", "FRK7399859412");
        no("fr_vat", "FR 40 303 265 046"); // one digit changed
        no("fr_vat", "FR 40 303 265 054"); // adjacent digits transposed
    }

    #[test]
    fn it_vat_examples() {
        // registered numbers as quoted in python-stdnum's documentation and tests
        ok("it_vat", "IT00743110157");
        no("it_vat", "IT00743110158"); // one digit changed
        no("it_vat", "IT00743110175"); // adjacent digits transposed
    }

    #[test]
    fn es_vat_examples() {
        // registered numbers as quoted in python-stdnum's documentation and tests
        ok("es_vat", "ESA28015865");
        ok("es_vat", "ESX5253868R");
        no("es_vat", "ESA28015866"); // one digit changed
        no("es_vat", "ESA28015856"); // adjacent digits transposed
    }

    #[test]
    fn nl_vat_examples() {
        // Belastingdienst btw-id (python-stdnum)
        ok("nl_vat", "NL004495445B01");
        no("nl_vat", "NL004495445B00"); // one digit changed
        no("nl_vat", "NL004495454B01"); // adjacent digits transposed
        no("nl_vat", "NL123456789B90"); // check
    }

    #[test]
    fn be_vat_examples() {
        // registered numbers as quoted in python-stdnum's documentation and tests
        ok("be_vat", "BE0403170701");
        no("be_vat", "BE0403170702"); // one digit changed
        no("be_vat", "BE0403170710"); // adjacent digits transposed
    }

    #[test]
    fn pl_vat_examples() {
        // registered numbers as quoted in python-stdnum's documentation and tests
        ok("pl_vat", "PL8567346215");
        no("pl_vat", "PL8567346216"); // one digit changed
        no("pl_vat", "PL8567346251"); // adjacent digits transposed
    }

    #[test]
    fn at_vat_examples() {
        // registered numbers as quoted in python-stdnum's documentation and tests
        ok("at_vat", "ATU13585627");
        no("at_vat", "ATU13585628"); // one digit changed
        no("at_vat", "ATU13585267"); // adjacent digits transposed
    }

    #[test]
    fn pt_vat_examples() {
        // registered numbers as quoted in python-stdnum's documentation and tests
        ok("pt_vat", "PT501964843");
        no("pt_vat", "PT501964844"); // one digit changed
        no("pt_vat", "PT501964834"); // adjacent digits transposed
    }

    #[test]
    fn dk_vat_examples() {
        // registered numbers as quoted in python-stdnum's documentation and tests
        ok("dk_vat", "DK13585628");
        no("dk_vat", "DK13585629"); // one digit changed
        no("dk_vat", "DK13585682"); // adjacent digits transposed
    }

    #[test]
    fn fi_vat_examples() {
        // registered numbers as quoted in python-stdnum's documentation and tests
        ok("fi_vat", "FI20774740");
        no("fi_vat", "FI20774741"); // one digit changed
        no("fi_vat", "FI20774704"); // adjacent digits transposed
    }

    #[test]
    fn se_vat_examples() {
        // registered numbers as quoted in python-stdnum's documentation and tests
        ok("se_vat", "SE556188840401");
        no("se_vat", "SE556188840402"); // one digit changed
        no("se_vat", "SE556188840410"); // adjacent digits transposed
    }

    #[test]
    fn lu_vat_examples() {
        // registered numbers as quoted in python-stdnum's documentation and tests
        ok("lu_vat", "LU15027442");
        no("lu_vat", "LU15027443"); // one digit changed
        no("lu_vat", "LU15027424"); // adjacent digits transposed
    }

    #[test]
    fn gb_vat_examples() {
        // HMRC VAT number (python-stdnum)
        ok("gb_vat", "GB 980 7806 84");
        no("gb_vat", "GB 980 7806 85"); // one digit changed
        no("gb_vat", "GB 980 7806 48"); // adjacent digits transposed
        no("gb_vat", "GB802311781"); // check
    }

    #[test]
    fn mx_clabe_examples() {
        // the CLABE example of es.wikipedia
        ok("mx_clabe", "002010077777777771");
        no("mx_clabe", "002010077777777772"); // one digit changed
        no("mx_clabe", "002010077777777717"); // adjacent digits transposed
    }

    #[test]
    fn ar_cbu_examples() {
        // python-stdnum's documented CBU
        ok("ar_cbu", "2850590940090418135201");
        no("ar_cbu", "2850590940090418135202"); // one digit changed
        no("ar_cbu", "2850590940090418135210"); // adjacent digits transposed
    }
}
