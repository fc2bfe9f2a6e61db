//! JS values cross the boundary as tapes (`lib/tape.cjs` writes and reads them): one call in,
//! one call out per batch, instead of several calls per value. The input tape becomes core's
//! mirror tree, whose handles are the values' pre-order indices (and keys' indices), so the
//! output tape can say "the input's own value here" for every leaf the walker left alone.
//!
//! A tape is `[code, arg]` pairs of `i32`, values in pre-order, and one text holding every
//! string, key and number text in order; `arg` is a text's length in UTF-16 units (JavaScript's
//! string length) or a container's number of items.

use std::borrow::Cow;

use tamis_core::mirror::{Entry, Kind};

/// A value read from a tape; its handle is the value's pre-order index in the input. Strings
/// and keys borrow the tape's text (the walker's own texts are owned).
pub(crate) type Node<'a> = tamis_core::mirror::Node<u32, Cow<'a, str>>;

// Codes shared with lib/tape.cjs.
const STR: i32 = 0;
const INT: i32 = 1;
const FLOAT: i32 = 2;
const TRUE: i32 = 3;
const FALSE: i32 = 4;
const NULL: i32 = 5;
const OTHER: i32 = 6;
const ARRAY: i32 = 7;
const OBJECT: i32 = 8;
const MAP: i32 = 9;
const ERROR: i32 = 10;
const TOO_DEEP: i32 = 11;
const KEY: i32 = 12;
const TOO_LARGE: i32 = 13;
const KEEP: i32 = 14;
const KEY_KEEP: i32 = 15;
const JSON_TEXT: i32 = 16;
// 17 is unused (it was BigInt output; integers are `INT`, which the JS side reads as a number
// or a BigInt by size).
const DROPPED: i32 = 18;

/// Mapping tags of `Kind::Map`: a plain object, a `Map` (stays a `Map`), an `Error` (stays an
/// object of its class; the node keeps its input index).
const OBJECT_TAG: u8 = 0;
const MAP_TAG: u8 = 1;
const ERROR_TAG: u8 = 2;

/// Nesting a tape may have: the deepest policy limit (128) and the `[tamis:too_deep]` level.
const MAX_NESTING: usize = 130;

/// A record the tape marks as larger than the policy allows.
#[derive(Debug)]
pub(crate) struct TooLarge;

/// A tape that does not follow the format (a bug of the JS side; the batch fails closed).
#[derive(Debug)]
pub(crate) struct BadTape;

/// Reads records from an input tape.
pub(crate) struct Reader<'a> {
    ops: &'a [i32],
    at: usize,
    text: &'a str,
    pos: usize,
    ascii: bool,
    next_value: u32,
    next_key: u32,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(ops: &'a [i32], text: &'a str) -> Self {
        Reader {
            ops,
            at: 0,
            text,
            pos: 0,
            ascii: text.is_ascii(),
            next_value: 0,
            next_key: 0,
        }
    }

    /// The next record: its tree, or `TooLarge` when the JS side stopped reading it.
    pub(crate) fn record(&mut self) -> Result<Result<Node<'a>, TooLarge>, BadTape> {
        if self.peek()? == TOO_LARGE {
            self.at += 2;
            self.next_value += 1;
            return Ok(Err(TooLarge));
        }
        self.value(0).map(Ok)
    }

    fn peek(&self) -> Result<i32, BadTape> {
        self.ops.get(self.at).copied().ok_or(BadTape)
    }

    fn op(&mut self) -> Result<(i32, usize), BadTape> {
        let code = self.peek()?;
        let arg = self.ops.get(self.at + 1).copied().ok_or(BadTape)?;
        self.at += 2;
        Ok((code, usize::try_from(arg).map_err(|_| BadTape)?))
    }

    /// The next `units` UTF-16 units of the text.
    fn take(&mut self, units: usize) -> Result<&'a str, BadTape> {
        let text: &'a str = self.text;
        let rest = text.get(self.pos..).ok_or(BadTape)?;
        let bytes = if self.ascii {
            units
        } else {
            let mut n = 0;
            let mut bytes = 0;
            for c in rest.chars() {
                if n >= units {
                    break;
                }
                n += c.len_utf16();
                bytes += c.len_utf8();
            }
            if n != units {
                return Err(BadTape);
            }
            bytes
        };
        let s = rest.get(..bytes).ok_or(BadTape)?;
        self.pos += bytes;
        Ok(s)
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>, BadTape> {
        if depth > MAX_NESTING {
            return Err(BadTape);
        }
        let idx = self.next_value;
        self.next_value += 1;
        let (code, arg) = self.op()?;
        let leaf = |kind| Node::leaf(kind, Some(idx));
        Ok(match code {
            STR => leaf(Kind::Str(Cow::Borrowed(self.take(arg)?))),
            INT => leaf(Kind::Int(self.take(arg)?.to_owned())),
            FLOAT => leaf(Kind::Float(self.take(arg)?.to_owned())),
            TRUE => leaf(Kind::Bool(true)),
            FALSE => leaf(Kind::Bool(false)),
            NULL => leaf(Kind::Null),
            // Never given back: `<TypeName>`.
            OTHER => Node::leaf(Kind::Other(self.take(arg)?.to_owned()), None),
            TOO_DEEP => Node::too_deep(),
            ARRAY => {
                let mut items = Vec::with_capacity(arg.min(1 << 16));
                for _ in 0..arg {
                    items.push(self.value(depth + 1)?);
                }
                Node::leaf(Kind::Seq(items, 0), None)
            }
            OBJECT | MAP | ERROR => {
                let mut entries = Vec::with_capacity(arg.min(1 << 16));
                for _ in 0..arg {
                    let (k, len) = self.op()?;
                    if k != KEY {
                        return Err(BadTape);
                    }
                    let key = Cow::Borrowed(self.take(len)?);
                    let key_orig = Some(self.next_key);
                    self.next_key += 1;
                    let node = self.value(depth + 1)?;
                    entries.push(Entry {
                        key,
                        key_orig,
                        node,
                    });
                }
                let tag = match code {
                    MAP => MAP_TAG,
                    ERROR => ERROR_TAG,
                    _ => OBJECT_TAG,
                };
                // An Error keeps its index: the output is an object of the input's class.
                Node::leaf(Kind::Map(entries, tag), (tag == ERROR_TAG).then_some(idx))
            }
            _ => return Err(BadTape),
        })
    }
}

/// An output tape.
#[derive(Default)]
pub(crate) struct Writer {
    pub(crate) ops: Vec<i32>,
    pub(crate) text: String,
}

impl Writer {
    fn op(&mut self, code: i32, arg: usize) {
        self.ops.push(code);
        self.ops.push(i32::try_from(arg).unwrap_or(i32::MAX));
    }

    fn text(&mut self, code: i32, s: &str) {
        let units = if s.is_ascii() {
            s.len()
        } else {
            s.encode_utf16().count()
        };
        self.op(code, units);
        self.text.push_str(s);
    }

    /// A record dropped by `[access]` or `[[retention]]`.
    pub(crate) fn dropped(&mut self) {
        self.op(DROPPED, 0);
    }

    /// A JSON value (a quarantine marker, a summary), parsed by the JS side.
    pub(crate) fn json(&mut self, v: &serde_json::Value) {
        let text = serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned());
        self.text(JSON_TEXT, &text);
    }

    /// A masked value: the input's own leaves where unchanged, new containers.
    pub(crate) fn value(&mut self, mut node: Node<'_>) {
        if let Some(idx) = node.take_unchanged() {
            return self.op(KEEP, idx as usize);
        }
        match node.kind {
            Kind::Null => self.op(NULL, 0),
            Kind::Bool(b) => self.op(if b { TRUE } else { FALSE }, 0),
            Kind::Int(t) => self.text(INT, &t),
            Kind::Float(t) => self.text(FLOAT, &t),
            Kind::Str(s) => self.text(STR, &s),
            Kind::Other(n) => self.text(STR, &format!("<{n}>")),
            Kind::Json(v) => self.json(&v),
            Kind::Seq(items, _) => {
                let kept: Vec<Node<'_>> = items.into_iter().filter(|i| !i.removed).collect();
                self.op(ARRAY, kept.len());
                for item in kept {
                    self.value(item);
                }
            }
            Kind::Map(entries, tag) => {
                let kept: Vec<Entry<u32, Cow<'_, str>>> =
                    entries.into_iter().filter(|e| !e.node.removed).collect();
                let code = match tag {
                    MAP_TAG => MAP,
                    ERROR_TAG => ERROR,
                    _ => OBJECT,
                };
                self.op(code, kept.len());
                if code == ERROR {
                    self.op(KEEP, node.orig.unwrap_or(0) as usize);
                }
                for e in kept {
                    match e.key_orig {
                        Some(k) => self.op(KEY_KEEP, k as usize),
                        None => self.text(KEY, &e.key),
                    }
                    self.value(e.node);
                }
            }
        }
    }
}
