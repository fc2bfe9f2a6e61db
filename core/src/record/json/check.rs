//! Whether a text is one JSON value, without building a tree; the scanning helpers the
//! parser shares.

use super::write::next_special;
use super::{MAX_NESTING, Measure};

/// Where the JSON number starting at `i` ends, and the index of its exponent's `e` or `E` if it
/// has one; `None` when no number starts there.
pub(crate) fn number_end(b: &[u8], mut i: usize) -> Option<(usize, Option<usize>)> {
    let digits = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i)? {
        b'0' => i += 1,
        b'1'..=b'9' => i = digits(i),
        _ => return None,
    }
    if b.get(i) == Some(&b'.') {
        let end = digits(i + 1);
        if end == i + 1 {
            return None;
        }
        i = end;
    }
    let mut exponent = None;
    if matches!(b.get(i), Some(b'e' | b'E')) {
        exponent = Some(i);
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let end = digits(i);
        if end == i {
            return None;
        }
        i = end;
    }
    Some((i, exponent))
}

/// The escape at `b[i]` (a backslash): the character it stands for and the index after it.
/// `\uXXXX` must not be a lone surrogate (a high one takes the low one after it).
pub(super) fn escape(b: &[u8], i: usize) -> Option<(char, usize)> {
    let c = match b.get(i + 1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let hi = hex4(b, i + 2)?;
            if (0xD800..0xDC00).contains(&hi) {
                if b.get(i + 6..i + 8) != Some(b"\\u") {
                    return None;
                }
                let lo = hex4(b, i + 8)?;
                if !(0xDC00..0xE000).contains(&lo) {
                    return None;
                }
                let code = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return Some((char::from_u32(code)?, i + 12));
            }
            return Some((char::from_u32(hi)?, i + 6));
        }
        _ => return None,
    };
    Some((c, i + 2))
}

/// The four hex digits at `b[i..]`.
pub(super) fn hex4(b: &[u8], i: usize) -> Option<u32> {
    let mut v = 0u32;
    for &c in b.get(i..i + 4)? {
        v = v * 16 + char::from(c).to_digit(16)?;
    }
    Some(v)
}

/// The index of the first byte at or after `i` that is not JSON whitespace.
pub(crate) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// Whether `text` is exactly one JSON value that [`Doc::parse`] accepts (memory permitting),
/// and then its [`Measure`]; checked without building the tree, so a text can be validated
/// before it is handed on and parsed (or applied in one pass) later.
#[must_use]
pub fn check(text: &str) -> Option<Measure> {
    let mut c = Checker {
        b: text.as_bytes(),
        i: 0,
        deepest: 0,
    };
    c.value(0)?;
    (skip_ws(c.b, c.i) == c.b.len()).then_some(Measure {
        len: text.len(),
        deepest: c.deepest,
    })
}

/// [`Parser`]'s grammar without the tree.
struct Checker<'a> {
    b: &'a [u8],
    i: usize,
    deepest: usize,
}

impl Checker<'_> {
    fn value(&mut self, nesting: usize) -> Option<()> {
        self.deepest = self.deepest.max(nesting);
        self.i = skip_ws(self.b, self.i);
        let close = match *self.b.get(self.i)? {
            b'"' => return self.string(),
            b'n' => return self.word(b"null"),
            b't' => return self.word(b"true"),
            b'f' => return self.word(b"false"),
            b'-' | b'0'..=b'9' => {
                self.i = number_end(self.b, self.i)?.0;
                return Some(());
            }
            b'[' => b']',
            b'{' => b'}',
            _ => return None,
        };
        if nesting >= MAX_NESTING {
            return None;
        }
        self.i = skip_ws(self.b, self.i + 1);
        if self.b.get(self.i) == Some(&close) {
            self.i += 1;
            return Some(());
        }
        loop {
            if close == b'}' {
                self.i = skip_ws(self.b, self.i);
                if self.b.get(self.i) != Some(&b'"') {
                    return None;
                }
                self.string()?;
                self.i = skip_ws(self.b, self.i);
                if self.b.get(self.i) != Some(&b':') {
                    return None;
                }
                self.i += 1;
            }
            self.value(nesting + 1)?;
            self.i = skip_ws(self.b, self.i);
            match *self.b.get(self.i)? {
                b',' => self.i += 1,
                c if c == close => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn word(&mut self, word: &[u8]) -> Option<()> {
        (self.b.get(self.i..self.i + word.len()) == Some(word)).then(|| self.i += word.len())
    }

    /// The string at `self.i` (its opening quote).
    fn string(&mut self) -> Option<()> {
        self.i += 1;
        loop {
            self.i = next_special(self.b, self.i);
            match *self.b.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                b'\\' => self.i = escape(self.b, self.i)?.1,
                _ => return None,
            }
        }
    }
}
