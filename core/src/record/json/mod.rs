//! A JSON document that borrows from its text: the fast path for JSON Lines.
//!
//! Strings without escapes borrow from the line, objects are vectors of entries (no hashing), and
//! numbers keep their text. Parsing accepts exactly what `serde_json` accepts (RFC 8259, at most
//! 127 nested containers, no lone surrogates), a repeated key replaces the earlier value in its
//! place (as `serde_json::Map` with `preserve_order` does), and [`Doc::write`] writes exactly the
//! bytes of `serde_json::to_writer`, so both paths give byte-identical output.
//!
//! `parse.rs` reads a text into a [`Doc`], `check.rs` checks a text without building one, and
//! `write.rs` writes JSON text.

use alloc::borrow::Cow;
use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;

use crate::record::tree::{Edit, Shape, Tree, is_integer_text, unique_key};

mod check;
mod parse;
mod write;

pub use check::check;
pub(crate) use check::number_end;
use parse::Parser;
pub(crate) use write::next_special;
use write::room_for;
pub(crate) use write::write_str;
use write::{write_plain, write_raw, write_string};

/// A parsed JSON value borrowing from its text. Its `Debug` shows the shape (types and sizes),
/// never a string, number or key: a `Doc` holds record data.
#[derive(Clone, PartialEq)]
pub enum Doc<'a> {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, as serde_json spells it: as written, except that an exponent is written `e`
    /// with an explicit sign (`1E5` becomes `1e+5`).
    Num(Cow<'a, str>),
    /// A string, unescaped. Borrowed only from the parsed text where it needed no escaping (no
    /// `"`, `\\` or control character), so [`Doc::write`] writes it without looking for any;
    /// any other string is owned.
    Str(Cow<'a, str>),
    /// An array.
    Arr(Vec<Doc<'a>>),
    /// An object, entries in order, keys unique (borrowed keys as borrowed strings).
    Obj(Vec<(Cow<'a, str>, Doc<'a>)>),
}

impl core::fmt::Debug for Doc<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Doc::Null => f.write_str("Null"),
            Doc::Bool(_) => f.write_str("Bool"),
            Doc::Num(n) => write!(f, "Num({} chars)", n.len()),
            Doc::Str(s) => write!(f, "Str({} bytes)", s.len()),
            Doc::Arr(items) => f.debug_list().entries(items).finish(),
            Doc::Obj(entries) => write!(f, "Obj({} entries)", entries.len()),
        }
    }
}

/// The text is not JSON (no detail is kept: it could quote the input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotJson;

/// There was no memory for a buffer that grows with the document (see [`Doc::write`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoMemory;

/// Why a text did not become a [`Doc`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unparsed {
    NotJson,
    NoMemory,
}

pub(crate) const MAX_NESTING: usize = 127;

/// What a walk needs to know of a document parsed from a text to skip the members no rule can
/// reach: the text's length and how deep its deepest value is (how many arrays and objects
/// enclose it). See [`crate::Run::admitted`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    pub(crate) len: usize,
    pub(crate) deepest: usize,
}

impl<'a> Doc<'a> {
    /// Parses one JSON value surrounded by optional whitespace.
    ///
    /// # Errors
    /// [`NotJson`] when `text` is not exactly one JSON value.
    pub fn parse(text: &'a str) -> Result<Self, NotJson> {
        Self::parse_text(text).map_err(|_| NotJson)
    }

    /// [`Doc::parse`], telling a text that is not JSON from one whose tree did not fit in
    /// memory: the arrays, objects and unescaped strings that grow with the text grow with
    /// `try_reserve`.
    pub(crate) fn parse_text(text: &'a str) -> Result<Self, Unparsed> {
        Self::parse_text_measured(text).map(|(doc, _)| doc)
    }

    /// [`Doc::parse`], and the text's [`Measure`].
    ///
    /// # Errors
    /// [`NotJson`] when `text` is not exactly one JSON value.
    pub fn parse_measured(text: &'a str) -> Result<(Self, Measure), NotJson> {
        Self::parse_text_measured(text).map_err(|_| NotJson)
    }

    /// [`Doc::parse_text`], and the text's [`Measure`].
    pub(crate) fn parse_text_measured(text: &'a str) -> Result<(Self, Measure), Unparsed> {
        let mut p = Parser {
            s: text,
            b: text.as_bytes(),
            i: 0,
            no_memory: false,
            deepest: 0,
        };
        let v = p.value(0);
        p.ws();
        match v {
            Ok(v) if p.i == p.b.len() => Ok((
                v,
                Measure {
                    len: text.len(),
                    deepest: p.deepest,
                },
            )),
            _ if p.no_memory => Err(Unparsed::NoMemory),
            _ => Err(Unparsed::NotJson),
        }
    }

    /// The scalar (a string, number, `true`, `false` or `null`) at byte `i` of `text`, and the
    /// index after it.
    pub(crate) fn scalar_at(text: &'a str, i: usize) -> Option<(Self, usize)> {
        let mut p = Parser {
            s: text,
            b: text.as_bytes(),
            i,
            no_memory: false,
            deepest: 0,
        };
        match p.peek()? {
            b'{' | b'[' => None,
            _ => p.value(0).ok().map(|v| (v, p.i)),
        }
    }

    /// Appends the compact JSON text, byte for byte what `serde_json::to_writer` writes.
    ///
    /// # Errors
    /// [`NoMemory`] when `out` could not grow (it grows with `try_reserve`); what was appended
    /// is then incomplete and must be thrown away.
    pub fn write(&self, out: &mut Vec<u8>) -> Result<(), NoMemory> {
        self.write_nested(out, 0)
    }

    /// [`Doc::write`] by recursion (no work list to keep), `depth` containers deep; deeper than
    /// [`MAX_NESTING`] (which the parser allows) iteratively, so no document can overflow the
    /// stack.
    fn write_nested(&self, out: &mut Vec<u8>, depth: usize) -> Result<(), NoMemory> {
        match self {
            Doc::Null => write_raw(out, b"null"),
            Doc::Bool(true) => write_raw(out, b"true"),
            Doc::Bool(false) => write_raw(out, b"false"),
            Doc::Num(n) => write_raw(out, n.as_bytes()),
            Doc::Str(s) => write_string(s, out),
            Doc::Arr(_) | Doc::Obj(_) if depth > MAX_NESTING => self.write_iteratively(out),
            Doc::Arr(items) => {
                write_raw(out, b"[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        write_raw(out, b",")?;
                    }
                    item.write_nested(out, depth + 1)?;
                }
                write_raw(out, b"]")
            }
            Doc::Obj(entries) => {
                write_raw(out, b"{")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        write_raw(out, b",")?;
                    }
                    write_string(k, out)?;
                    write_raw(out, b":")?;
                    v.write_nested(out, depth + 1)?;
                }
                write_raw(out, b"}")
            }
        }
    }

    /// [`Doc::write`] with a work list instead of recursion.
    fn write_iteratively(&self, out: &mut Vec<u8>) -> Result<(), NoMemory> {
        enum Step<'d, 'a> {
            Value(&'d Doc<'a>),
            Raw(&'static [u8]),
            Key(&'d Cow<'a, str>),
        }
        let mut stack = alloc::vec![Step::Value(self)];
        while let Some(step) = stack.pop() {
            // Room for what this step writes but a string's escapes (`write_str` makes that).
            let room = match step {
                Step::Raw(b) => b.len(),
                Step::Key(k) => k.len() + 3,
                Step::Value(Doc::Num(n)) => n.len(),
                Step::Value(Doc::Str(s)) => s.len() + 2,
                Step::Value(_) => 5,
            };
            room_for(out, room)?;
            match step {
                Step::Raw(b) => out.extend_from_slice(b),
                Step::Key(k) => {
                    match k {
                        Cow::Borrowed(k) => write_plain(k, out),
                        Cow::Owned(k) => write_str(k, out)?,
                    }
                    out.push(b':');
                }
                Step::Value(v) => match v {
                    Doc::Null => out.extend_from_slice(b"null"),
                    Doc::Bool(true) => out.extend_from_slice(b"true"),
                    Doc::Bool(false) => out.extend_from_slice(b"false"),
                    Doc::Num(n) => out.extend_from_slice(n.as_bytes()),
                    Doc::Str(Cow::Borrowed(s)) => write_plain(s, out),
                    Doc::Str(Cow::Owned(s)) => write_str(s, out)?,
                    Doc::Arr(items) => {
                        room_for(&mut stack, items.len() * 2)?;
                        out.push(b'[');
                        stack.push(Step::Raw(b"]"));
                        for (i, item) in items.iter().enumerate().rev() {
                            stack.push(Step::Value(item));
                            if i > 0 {
                                stack.push(Step::Raw(b","));
                            }
                        }
                    }
                    Doc::Obj(entries) => {
                        room_for(&mut stack, entries.len() * 3)?;
                        out.push(b'{');
                        stack.push(Step::Raw(b"}"));
                        for (i, (k, item)) in entries.iter().enumerate().rev() {
                            stack.push(Step::Value(item));
                            stack.push(Step::Key(k));
                            if i > 0 {
                                stack.push(Step::Raw(b","));
                            }
                        }
                    }
                },
            }
        }
        Ok(())
    }
}

impl<'a> Doc<'a> {
    /// An owned copy of a JSON value (recursion bounded by the value's depth: used for summary
    /// objects, whose depth is bounded by `max_depth`).
    #[must_use]
    pub fn from_value(v: serde_json::Value) -> Doc<'a> {
        use serde_json::Value;
        match v {
            Value::Null => Doc::Null,
            Value::Bool(b) => Doc::Bool(b),
            Value::Number(n) => Doc::Num(Cow::Owned(String::from(n.as_str()))),
            Value::String(s) => Doc::Str(Cow::Owned(s)),
            Value::Array(items) => Doc::Arr(items.into_iter().map(Doc::from_value).collect()),
            Value::Object(m) => Doc::Obj(
                m.into_iter()
                    .map(|(k, v)| (Cow::Owned(k), Doc::from_value(v)))
                    .collect(),
            ),
        }
    }

    fn copy_bounded(&self, max_depth: usize) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Doc::Arr(_) | Doc::Obj(_) if max_depth == 0 => Value::from(crate::action::TOO_DEEP),
            Doc::Null => Value::Null,
            Doc::Bool(b) => Value::Bool(*b),
            Doc::Num(n) => n
                .parse::<serde_json::Number>()
                .map_or_else(|_| Value::from(n.as_ref()), Value::Number),
            Doc::Str(s) => Value::from(s.as_ref()),
            Doc::Arr(items) => Value::Array(
                items
                    .iter()
                    .map(|i| i.copy_bounded(max_depth - 1))
                    .collect(),
            ),
            Doc::Obj(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (String::from(k.as_ref()), v.copy_bounded(max_depth - 1)))
                    .collect(),
            ),
        }
    }
}

impl Tree for Doc<'_> {
    fn child(&self, key: &str) -> Option<&Self> {
        let Doc::Obj(entries) = self else { return None };
        entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn item_count(&self) -> usize {
        match self {
            Doc::Arr(items) => items.len(),
            _ => 0,
        }
    }

    fn to_value(&self, max_depth: usize) -> serde_json::Value {
        self.copy_bounded(max_depth)
    }

    fn set_value(&mut self, v: serde_json::Value) {
        *self = Doc::from_value(v);
    }

    fn shape(&self) -> Shape<'_> {
        match self {
            Doc::Null => Shape::Null,
            Doc::Bool(b) => Shape::Bool(*b),
            Doc::Num(n) if is_integer_text(n) => Shape::Int(Cow::Borrowed(n)),
            Doc::Num(n) => Shape::Float(Cow::Borrowed(n)),
            Doc::Str(s) => Shape::Str(s),
            Doc::Arr(_) => Shape::Array,
            Doc::Obj(_) => Shape::Object,
        }
    }

    fn set_null(&mut self) {
        *self = Doc::Null;
    }

    fn set_string(&mut self, s: String) {
        *self = Doc::Str(Cow::Owned(s));
    }

    fn entries(&mut self, f: &mut dyn FnMut(&str, &mut Self) -> Edit) {
        let Doc::Obj(entries) = self else { return };
        let mut renamed = false;
        let mut removed = false;
        let mut edits: Vec<(usize, Edit)> = Vec::new();
        for (i, (k, v)) in entries.iter_mut().enumerate() {
            match f(k, v) {
                Edit::Keep => {}
                e => {
                    renamed |= matches!(e, Edit::Rename(_));
                    removed |= e == Edit::Remove;
                    edits.push((i, e));
                }
            }
        }
        if !renamed && !removed {
            return;
        }
        if !renamed {
            // Removals only: keys stay unique.
            let mut pending = edits.iter().map(|(i, _)| *i).peekable();
            let mut i = 0;
            entries.retain(|_| {
                let drop = pending.peek() == Some(&i);
                if drop {
                    pending.next();
                }
                i += 1;
                !drop
            });
            return;
        }
        let old = core::mem::take(entries);
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut pending = edits.into_iter().peekable();
        for (i, (k, v)) in old.into_iter().enumerate() {
            let edit = match pending.peek() {
                Some((j, _)) if *j == i => pending.next().map(|(_, e)| e),
                _ => None,
            };
            let key = match edit {
                None | Some(Edit::Keep) => k,
                Some(Edit::Remove) => continue,
                Some(Edit::Rename(new)) => Cow::Owned(new),
            };
            let key = unique_key(key, |k| seen.contains(k));
            seen.insert(String::from(key.as_ref()));
            entries.push((key, v));
        }
    }

    fn items(&mut self, f: &mut dyn FnMut(&mut Self) -> Edit) {
        let Doc::Arr(items) = self else { return };
        let mut any_removed = false;
        let mut keep: Vec<bool> = Vec::new();
        for (i, v) in items.iter_mut().enumerate() {
            let remove = f(v) == Edit::Remove;
            if remove && !any_removed {
                any_removed = true;
                keep = alloc::vec![true; i];
            }
            if any_removed {
                keep.push(!remove);
            }
        }
        if any_removed {
            let mut it = keep.into_iter();
            items.retain(|_| it.next().unwrap_or(true));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Doc, MAX_NESTING, Measure, check, next_special};
    use alloc::borrow::Cow;
    use alloc::format;
    use alloc::string::String;
    use alloc::vec;

    #[test]
    fn a_document_deeper_than_the_parser_allows_is_written_without_recursing_into_it() {
        // 100,000 arrays, each holding an object with a string that needs escaping.
        let n = 100_000;
        let mut doc = Doc::Obj(vec![(
            Cow::Borrowed("k"),
            Doc::Str(Cow::Owned("a\"b".into())),
        )]);
        for _ in 0..n {
            doc = Doc::Arr(vec![doc, Doc::Null]);
        }
        let mut out = vec![];
        doc.write(&mut out).unwrap();
        let mut want = "[".repeat(n);
        want.push_str(r#"{"k":"a\"b"}"#);
        want.push_str(&",null]".repeat(n));
        assert_eq!(String::from_utf8(out).unwrap(), want);
        // Dropping it recursively would overflow the stack; it is leaked instead.
        core::mem::forget(doc);
    }

    #[test]
    fn next_special_finds_the_first_special_byte_at_every_offset() {
        let naive = |b: &[u8], i: usize| {
            b.iter()
                .skip(i)
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .map_or(b.len(), |p| i + p)
        };
        // Every special and some bytes around the SWAR edge cases (0x1f/0x20, 0x80+, '!' and
        // '#' beside '"', '[' and ']' beside '\'), at every position of strings up to 20 bytes.
        let fill = [b'a', 0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xff];
        let special = [b'"', b'\\', 0x00, 0x01, 0x1f, b'\n'];
        for len in 0..20 {
            for &f in &fill {
                for &s in &special {
                    for at in 0..len {
                        let mut b = alloc::vec![f; len];
                        if let Some(x) = b.get_mut(at) {
                            *x = s;
                        }
                        for start in 0..=len {
                            assert_eq!(next_special(&b, start), naive(&b, start), "{b:?} {start}");
                        }
                    }
                    let b = alloc::vec![f; len];
                    assert_eq!(next_special(&b, 0), naive(&b, 0));
                }
            }
        }
    }

    #[test]
    fn check_accepts_what_the_parser_accepts_with_its_measure() {
        let texts = [
            "",
            " ",
            "null",
            " true ",
            "fals",
            "nul",
            "-",
            "-0",
            "01",
            "1.",
            "1.5e",
            "1E+9",
            "-0.5e-3",
            "\"a\"",
            "\"a",
            "\"\\\"",
            "\"\\u00e9\\n\\/\"",
            "\"\\x\"",
            "\"\u{1}\"",
            "\"\\ud83d\\ude00\"",
            "\"\\ud83d\"",
            "\"\\ude00\"",
            "\"\\ud83d\\u0041\"",
            "\"\\u12\"",
            "\"\\u12g4\"",
            "[]",
            "[ ]",
            "[1,]",
            "[,1]",
            "[1 2]",
            "[[[]]]",
            "[1,[2,[3]]] ",
            "{}",
            "{ }",
            "{\"a\":1}",
            "{\"a\" : [true, {\"b\":null}] }",
            "{\"a\"}",
            "{\"a\":}",
            "{a:1}",
            "{\"a\":1,}",
            "{\"a\":1 \"b\":2}",
            "{\"a\":1}x",
            "1 2",
            "[\"\u{7f}\", \"\u{e9}\"]",
            "\t\r\n[]\n",
        ];
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let deep = [nested(MAX_NESTING), nested(MAX_NESTING + 1)];
        for text in texts.iter().copied().chain(deep.iter().map(String::as_str)) {
            let parsed = Doc::parse_measured(text).ok().map(|(_, m)| m);
            assert_eq!(check(text), parsed, "{text:?}");
        }
        assert_eq!(
            check("{\"a\":[1,{\"b\":2}]}"),
            Some(Measure {
                len: 17,
                deepest: 3
            })
        );
    }
}
