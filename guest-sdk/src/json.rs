//! Find and replace a value in one record's JSON text without parsing the record into a tree:
//! a plugin that touches one field need not pay for a full parse and write in the sandbox.
//!
//! The scanner follows JSON's grammar only as far as it must to skip values; the host parses
//! every replaced record under the policy's limits anyway, so a record that is not valid JSON
//! cannot get through.

/// The byte range of the value at `path` (object keys, outermost first) in `record`, if the
/// record is a JSON object that has it. With duplicate keys, the first is found.
#[must_use]
pub fn find(record: &str, path: &[&str]) -> Option<core::ops::Range<usize>> {
    let mut c = Cursor {
        b: record.as_bytes(),
        i: 0,
    };
    c.ws();
    let range = c.find(path)?;
    Some(range)
}

/// `record` with the value at `path` replaced by `value_json` (a JSON text: `"\"[x]\""`,
/// `"null"`, …); `None` when the record has no value there.
#[must_use]
pub fn replace(record: &str, path: &[&str], value_json: &str) -> Option<String> {
    let range = find(record, path)?;
    let mut out = String::with_capacity(record.len() + value_json.len());
    out.push_str(record.get(..range.start)?);
    out.push_str(value_json);
    out.push_str(record.get(range.end..)?);
    Some(out)
}

/// Nesting deeper than this is not followed (the host's own limit is lower).
const MAX_DEPTH: usize = 512;

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// A string at the cursor; returns its contents (without quotes) and whether it has escapes.
    fn string(&mut self) -> Option<(usize, usize, bool)> {
        self.eat(b'"')?;
        let start = self.i;
        let mut escaped = false;
        loop {
            match self.peek()? {
                b'"' => {
                    let end = self.i;
                    self.i += 1;
                    return Some((start, end, escaped));
                }
                b'\\' => {
                    escaped = true;
                    self.i += 2;
                }
                _ => self.i += 1,
            }
        }
    }

    /// Skips one value at the cursor.
    fn value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' | b'[' => {
                let close = if self.peek()? == b'{' { b'}' } else { b']' };
                self.i += 1;
                self.ws();
                if self.eat(close).is_some() {
                    return Some(());
                }
                loop {
                    if close == b'}' {
                        self.string()?;
                        self.ws();
                        self.eat(b':')?;
                        self.ws();
                    }
                    self.value(depth + 1)?;
                    self.ws();
                    match self.peek()? {
                        b',' => {
                            self.i += 1;
                            self.ws();
                        }
                        c if c == close => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            _ => {
                // A number or a literal: up to the next delimiter.
                let start = self.i;
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.i += 1;
                }
                (self.i > start).then_some(())
            }
        }
    }

    /// At an object: the range of the value at `path` inside it.
    fn find(&mut self, path: &[&str]) -> Option<core::ops::Range<usize>> {
        let (first, rest) = path.split_first()?;
        self.eat(b'{')?;
        self.ws();
        if self.eat(b'}').is_some() {
            return None;
        }
        loop {
            let (s, e, escaped) = self.string()?;
            self.ws();
            self.eat(b':')?;
            self.ws();
            let key = self.b.get(s..e)?;
            let hit = if escaped {
                unescape(key).is_some_and(|k| k == *first)
            } else {
                key == first.as_bytes()
            };
            if hit {
                if rest.is_empty() {
                    let start = self.i;
                    self.value(0)?;
                    return Some(start..self.i);
                }
                return if self.peek()? == b'{' {
                    self.find(rest)
                } else {
                    None
                };
            }
            self.value(0)?;
            self.ws();
            match self.peek()? {
                b',' => {
                    self.i += 1;
                    self.ws();
                }
                _ => return None,
            }
        }
    }
}

/// The text of a JSON string's contents with escapes decoded.
fn unescape(raw: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let text = core::str::from_utf8(raw).ok()?;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '/' => out.push('/'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'u' => {
                let hex = |chars: &mut core::str::Chars<'_>| -> Option<u32> {
                    let s: String = chars.take(4).collect();
                    (s.len() == 4).then(|| u32::from_str_radix(&s, 16).ok())?
                };
                let hi = hex(&mut chars)?;
                let code = if (0xD800..0xDC00).contains(&hi) {
                    if chars.next()? != '\\' || chars.next()? != 'u' {
                        return None;
                    }
                    let lo = hex(&mut chars)?;
                    0x10000 + ((hi - 0xD800) << 10) + (lo.checked_sub(0xDC00)? & 0x3FF)
                } else {
                    hi
                };
                out.push(char::from_u32(code)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn finds_and_replaces_nested_values() {
        let r = r#"{"a":1,"user":{"name":"x","email":"j@x.io","tags":[1,{"email":2}]},"z":null}"#;
        assert_eq!(
            replace(r, &["user", "email"], "\"[REDACTED]\"").unwrap(),
            r#"{"a":1,"user":{"name":"x","email":"[REDACTED]","tags":[1,{"email":2}]},"z":null}"#
        );
        assert_eq!(find(r, &["z"]).map(|x| &r[x]), Some("null"));
        assert_eq!(
            find(r, &["user", "tags"]).map(|x| &r[x]),
            Some(r#"[1,{"email":2}]"#)
        );
        assert!(find(r, &["user", "phone"]).is_none());
        assert!(find(r, &["a", "b"]).is_none());
    }

    #[test]
    fn escaped_keys_and_strings() {
        let r = r#"{ "us\u0065r" : { "e\"mail": "a\"}b", "email" : "x" } }"#;
        assert_eq!(find(r, &["user", "email"]).map(|x| &r[x]), Some(r#""x""#));
        assert_eq!(
            find(r, &["user", "e\"mail"]).map(|x| &r[x]),
            Some(r#""a\"}b""#)
        );
    }

    #[test]
    fn malformed_records_find_nothing() {
        for r in [
            "",
            "[]",
            "{",
            r#"{"a""#,
            r#"{"a":}"#,
            r#"{"a":1 "b":2}"#,
            "\"user\"",
        ] {
            assert!(find(r, &["b"]).is_none(), "{r}");
        }
    }
}
