//! The normalised view of a text that built-in detectors scan, with its byte map back.

use alloc::string::String;
use alloc::vec::Vec;

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
    !text.is_ascii() || super::occurrences(text.as_bytes(), b"%40").next().is_some()
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
