//! The parser: a text into a borrowed [`Doc`].

use alloc::borrow::Cow;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::check::{escape, number_end, skip_ws};
use super::write::next_special;
use super::write::room_for;
use super::{Doc, MAX_NESTING, NotJson};

pub(super) struct Parser<'a> {
    pub(super) s: &'a str,
    pub(super) b: &'a [u8],
    pub(super) i: usize,
    /// A buffer could not grow (the error is then `NotJson` until `parse_text` sorts it out).
    pub(super) no_memory: bool,
    /// The deepest nesting of a value so far.
    pub(super) deepest: usize,
}

impl<'a> Parser<'a> {
    pub(super) fn ws(&mut self) {
        self.i = skip_ws(self.b, self.i);
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    pub(super) fn lit(&mut self, word: &[u8], v: Doc<'a>) -> Result<Doc<'a>, NotJson> {
        if self.b.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(NotJson)
        }
    }

    pub(super) fn value(&mut self, nesting: usize) -> Result<Doc<'a>, NotJson> {
        self.deepest = self.deepest.max(nesting);
        self.ws();
        match self.peek().ok_or(NotJson)? {
            b'n' => self.lit(b"null", Doc::Null),
            b't' => self.lit(b"true", Doc::Bool(true)),
            b'f' => self.lit(b"false", Doc::Bool(false)),
            b'"' => Ok(Doc::Str(self.string()?)),
            b'[' => {
                if nesting >= MAX_NESTING {
                    return Err(NotJson);
                }
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(Doc::Arr(items));
                }
                loop {
                    let v = self.value(nesting + 1)?;
                    self.room(&mut items)?;
                    items.push(v);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Doc::Arr(items));
                        }
                        _ => return Err(NotJson),
                    }
                }
            }
            b'{' => {
                if nesting >= MAX_NESTING {
                    return Err(NotJson);
                }
                self.i += 1;
                let mut entries: Vec<(Cow<'a, str>, Doc<'a>)> = Vec::new();
                let mut index: Option<BTreeMap<Cow<'a, str>, usize>> = None;
                let mut seen = 0u64;
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(Doc::Obj(entries));
                }
                loop {
                    self.ws();
                    if self.peek() != Some(b'"') {
                        return Err(NotJson);
                    }
                    let key = self.string()?;
                    self.ws();
                    if self.peek() != Some(b':') {
                        return Err(NotJson);
                    }
                    self.i += 1;
                    let v = self.value(nesting + 1)?;
                    self.room(&mut entries)?;
                    insert(&mut entries, &mut index, &mut seen, key, v);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Doc::Obj(entries));
                        }
                        _ => return Err(NotJson),
                    }
                }
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(NotJson),
        }
    }

    pub(super) fn number(&mut self) -> Result<Doc<'a>, NotJson> {
        let start = self.i;
        let (end, exponent) = number_end(self.b, start).ok_or(NotJson)?;
        self.i = end;
        let text = self.s.get(start..self.i).ok_or(NotJson)?;
        Ok(Doc::Num(if exponent.is_some() {
            normalize_exponent(text)
        } else {
            Cow::Borrowed(text)
        }))
    }

    pub(super) fn string(&mut self) -> Result<Cow<'a, str>, NotJson> {
        self.i += 1; // the opening quote
        let start = self.i;
        // Fast path: no escapes.
        self.i = next_special(self.b, self.i);
        match self.peek() {
            Some(b'"') => {
                let s = self.s.get(start..self.i).ok_or(NotJson)?;
                self.i += 1;
                return Ok(Cow::Borrowed(s));
            }
            Some(b'\\') => {}
            _ => return Err(NotJson),
        }
        let mut out = String::new();
        let first = self.s.get(start..self.i).ok_or(NotJson)?;
        self.room_str(&mut out, first.len())?;
        out.push_str(first);
        loop {
            // An escape writes at most 4 bytes.
            self.room_str(&mut out, 4)?;
            match self.peek().ok_or(NotJson)? {
                b'"' => {
                    self.i += 1;
                    return Ok(Cow::Owned(out));
                }
                b'\\' => {
                    let (c, next) = escape(self.b, self.i).ok_or(NotJson)?;
                    out.push(c);
                    self.i = next;
                }
                _ => {
                    let end = next_special(self.b, self.i);
                    if !matches!(self.b.get(end), Some(b'"' | b'\\')) {
                        return Err(NotJson);
                    }
                    let chunk = self.s.get(self.i..end).ok_or(NotJson)?;
                    self.room_str(&mut out, chunk.len())?;
                    out.push_str(chunk);
                    self.i = end;
                }
            }
        }
    }

    /// Room in `v` for one more item, or `NotJson` with `no_memory` set.
    #[inline]
    pub(super) fn room<T>(&mut self, v: &mut Vec<T>) -> Result<(), NotJson> {
        room_for(v, 1).map_err(|_| {
            self.no_memory = true;
            NotJson
        })
    }

    /// Room in `s` for `n` more bytes, or `NotJson` with `no_memory` set.
    #[inline]
    pub(super) fn room_str(&mut self, s: &mut String, n: usize) -> Result<(), NotJson> {
        if s.capacity() - s.len() >= n {
            return Ok(());
        }
        s.try_reserve(n).map_err(|_| {
            self.no_memory = true;
            NotJson
        })
    }
}

/// Inserts an entry; a repeated key replaces the earlier value in its place. Small objects are
/// searched linearly — only when `seen`, a one-word filter of the keys so far (by length, first
/// and last byte), says the key may be among them — larger ones through an index built on
/// demand.
pub(super) fn insert<'a>(
    entries: &mut Vec<(Cow<'a, str>, Doc<'a>)>,
    index: &mut Option<BTreeMap<Cow<'a, str>, usize>>,
    seen: &mut u64,
    key: Cow<'a, str>,
    v: Doc<'a>,
) {
    const LINEAR: usize = 16;
    if index.is_none() && entries.len() < LINEAR {
        let b = key.as_bytes();
        let first = usize::from(b.first().copied().unwrap_or(0));
        let last = usize::from(b.last().copied().unwrap_or(0));
        let bit = 1u64 << ((b.len() + first * 7 + last * 13) % 64);
        let new = *seen & bit == 0;
        *seen |= bit;
        if new {
            entries.push((key, v));
            return;
        }
    }
    if index.is_none() && entries.len() >= LINEAR {
        *index = Some(
            entries
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.clone(), i))
                .collect(),
        );
    }
    match index {
        None => {
            if let Some(slot) = entries.iter_mut().find(|(k, _)| *k == key) {
                slot.1 = v;
            } else {
                entries.push((key, v));
            }
        }
        Some(idx) => {
            if let Some(&i) = idx.get(&key) {
                if let Some(slot) = entries.get_mut(i) {
                    slot.1 = v;
                }
            } else {
                idx.insert(key.clone(), entries.len());
                entries.push((key, v));
            }
        }
    }
}

/// `1E5` and `1e5` become `1e+5`, as serde_json's arbitrary-precision numbers write them.
pub(super) fn normalize_exponent(text: &str) -> Cow<'_, str> {
    match text.find(['e', 'E']) {
        Some(i) => {
            let (mantissa, rest) = text.split_at(i);
            let exp = rest.get(1..).unwrap_or("");
            if rest.starts_with('e') && exp.starts_with(['+', '-']) {
                return Cow::Borrowed(text);
            }
            let sign = if exp.starts_with(['+', '-']) { "" } else { "+" };
            Cow::Owned(format!("{mantissa}e{sign}{exp}"))
        }
        None => Cow::Borrowed(text),
    }
}
