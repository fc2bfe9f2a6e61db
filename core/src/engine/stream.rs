//! The streaming path for JSON text: a policy of path rules only, on a record written as
//! serde_json writes it, is applied in one pass over the text, with no tree. Members no rule can
//! reach are copied as they are; the values rules select are decoded, masked and written.
//!
//! The output is the tree path's byte for byte: the pass gives up (and the tree path applies the
//! record from the start) wherever the two could differ — text that is not exactly what the
//! writer writes (whitespace, an escape other than `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, an
//! exponent not spelled `e+`/`e-`), a repeated key, a rule on a container, a value beyond
//! `max_depth` — and wherever it could not finish (invalid JSON, no memory for the output).
//! Nothing is counted until the pass has finished.

use alloc::vec::Vec;

use super::{Context, Entry, Scratch};
use crate::action::Action;
use crate::keyed::siv::Kind;
use crate::policy::Policy;
use crate::record::json::{self, Doc, MAX_NESTING};
use crate::report::{Disposition, Tally};

/// The streaming pass gave up on a record; the tree path applies it instead.
pub(super) struct Bail;

type Step = Result<(), Bail>;

/// Most members an object may have on the streaming path (each key is compared with those
/// before it, to find a repeated one).
const MAX_MEMBERS: usize = 256;

/// The text being read and the output being written.
struct Text<'a, 'o> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    out: &'o mut Vec<u8>,
    /// The spans of the keys of the objects being read (each object's after its start).
    keys: Vec<(usize, usize)>,
}

impl Text<'_, '_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Step {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// After a member or an item: reads the `,` before another (`true`) or the `close` that ends
    /// its container (`false`).
    fn more(&mut self, close: u8) -> Result<bool, Bail> {
        match self.peek() {
            Some(b',') => {
                self.i += 1;
                Ok(true)
            }
            Some(c) if c == close => {
                self.i += 1;
                Ok(false)
            }
            _ => Err(Bail),
        }
    }

    /// Appends `bytes` (the output grows with `try_reserve`).
    fn put(&mut self, bytes: &[u8]) -> Step {
        if self.out.capacity() - self.out.len() < bytes.len() {
            self.out.try_reserve(bytes.len()).map_err(|_| Bail)?;
        }
        self.out.extend_from_slice(bytes);
        Ok(())
    }

    /// Appends the text from `from` to where reading is.
    fn copy_from(&mut self, from: usize) -> Step {
        let (b, i) = (self.b, self.i);
        self.put(b.get(from..i).ok_or(Bail)?)
    }

    /// Reads a string as the writer writes it; whether it has an escape.
    fn string(&mut self) -> Result<bool, Bail> {
        self.eat(b'"')?;
        let mut escaped = false;
        loop {
            let i = json::next_special(self.b, self.i);
            match self.b.get(i) {
                Some(b'"') => {
                    self.i = i + 1;
                    return Ok(escaped);
                }
                Some(b'\\')
                    if matches!(
                        self.b.get(i + 1),
                        Some(b'"' | b'\\' | b'n' | b'r' | b't' | b'b' | b'f')
                    ) =>
                {
                    escaped = true;
                    self.i = i + 2;
                }
                _ => return Err(Bail),
            }
        }
    }

    /// Reads a number as the writer writes it (an exponent as `e+` or `e-`).
    fn number(&mut self) -> Step {
        let (end, exponent) = json::number_end(self.b, self.i).ok_or(Bail)?;
        if let Some(e) = exponent
            && (self.b.get(e) != Some(&b'e') || !matches!(self.b.get(e + 1), Some(b'+' | b'-')))
        {
            return Err(Bail);
        }
        self.i = end;
        Ok(())
    }

    fn literal(&mut self, word: &[u8]) -> Step {
        if self.b.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// Reads an object key (one without escapes: it is matched as it is written) and checks it
    /// against the keys before it in its object, which start at `base` in `keys`; `seen` is a
    /// one-word filter of those (by length, first and last byte), so most keys are compared
    /// with none.
    fn key(&mut self, base: usize, seen: &mut u64) -> Result<(usize, usize), Bail> {
        let start = self.i;
        if self.string()? {
            return Err(Bail);
        }
        let span = (start + 1, self.i - 1);
        let new = self.b.get(span.0..span.1).ok_or(Bail)?;
        let first = usize::from(new.first().copied().unwrap_or(0));
        let last = usize::from(new.last().copied().unwrap_or(0));
        let bit = 1u64 << ((new.len() + first * 7 + last * 13) % 64);
        if *seen & bit != 0 {
            let before = self.keys.get(base..).ok_or(Bail)?;
            if before.len() >= MAX_MEMBERS
                || before
                    .iter()
                    .any(|&(a, z)| z - a == new.len() && self.b.get(a..z) == Some(new))
            {
                return Err(Bail);
            }
        }
        *seen |= bit;
        self.keys.push(span);
        Ok(span)
    }

    /// Reads a value `depth` containers deep that no rule reaches, checking that it is written as
    /// the writer writes it and within `max_depth`.
    fn skip(&mut self, depth: usize, max_depth: usize) -> Step {
        if depth > max_depth {
            return Err(Bail);
        }
        match self.peek().ok_or(Bail)? {
            b'"' => self.string().map(|_| ()),
            b'{' => {
                if depth >= MAX_NESTING {
                    return Err(Bail);
                }
                self.i += 1;
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(());
                }
                let base = self.keys.len();
                let mut seen = 0;
                loop {
                    self.key(base, &mut seen)?;
                    self.eat(b':')?;
                    self.skip(depth + 1, max_depth)?;
                    if !self.more(b'}')? {
                        self.keys.truncate(base);
                        return Ok(());
                    }
                }
            }
            b'[' => {
                if depth >= MAX_NESTING {
                    return Err(Bail);
                }
                self.i += 1;
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.skip(depth + 1, max_depth)?;
                    if !self.more(b']')? {
                        return Ok(());
                    }
                }
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(Bail),
        }
    }
}

/// One streaming pass: the policy, its working memory, and the rules hit so far (counted only
/// when the pass finishes).
struct Pass<'p, 'a, 'o> {
    policy: &'p Policy,
    sx: &'p mut Scratch,
    text: Text<'a, 'o>,
    hits: Vec<u32>,
    max_depth: usize,
}

impl Policy {
    /// A record's JSON text in a single pass (see the module's documentation), when the policy's stages and rules allow it
    /// (path rules only; a record entering here with plugins a host has not attached never):
    /// the output
    /// appended to `out`. `None` when the pass does not apply or gave up; then nothing was
    /// counted and `out` is as it was, and the caller parses the text instead.
    pub(crate) fn apply_json_streamed(
        &self,
        text: &str,
        entry: Entry,
        ctx: &Context,
        sx: &mut Scratch,
        tally: &mut Tally,
        out: &mut Vec<u8>,
    ) -> Option<Disposition> {
        if entry == Entry::Fresh && !self.plugins.is_empty() && !self.plugins_attached {
            return None;
        }
        self.stream(text, entry, ctx, sx, tally, out)
    }

    /// The pass itself; a record entering here is counted in when it finishes.
    fn stream(
        &self,
        text: &str,
        entry: Entry,
        ctx: &Context,
        sx: &mut Scratch,
        tally: &mut Tally,
        out: &mut Vec<u8>,
    ) -> Option<Disposition> {
        let limits = &self.doc.limits;
        // Fault injection exercises the tree path, where every point is.
        if cfg!(feature = "faults")
            || self.access.is_some()
            || !self.retention.is_empty()
            || !self.summaries.is_empty()
            || tally.record_paths
            // Within these, no string and no record can break a limit, however it is counted.
            || text.len() as u64 > limits.max_record_bytes
            || text.len() as u64 > limits.max_string_bytes
        {
            return None;
        }
        sx.expired.clear();
        self.begin(ctx, ctx.record_type.as_deref(), sx);
        if sx.any_detector || sx.any_key_rule {
            return None;
        }
        let mark = out.len();
        let deferred = sx.plugin_transform.as_ref().map(|t| t.deferred());
        let mut keys = core::mem::take(&mut sx.stream_keys);
        keys.clear();
        let mut hits = core::mem::take(&mut sx.stream_hits);
        hits.clear();
        let mut pass = Pass {
            policy: self,
            sx,
            text: Text {
                s: text,
                b: text.as_bytes(),
                i: 0,
                out,
                keys,
            },
            hits,
            max_depth: limits.max_depth as usize,
        };
        let done = pass.node(0, None).is_ok() && pass.text.i == text.len();
        let Pass { sx, text, hits, .. } = pass;
        let Text { keys, out, .. } = text;
        if done {
            tally.records_in += u64::from(entry == Entry::Fresh);
            for &r in &hits {
                tally.hit_rule(r, "");
            }
            tally.records_out += 1;
        } else {
            out.truncate(mark);
            // The tree path defers this record's values again.
            if let (Some(t), Some(n)) = (sx.plugin_transform.as_mut(), deferred) {
                t.forget_after(n);
            }
        }
        sx.stream_keys = keys;
        sx.stream_hits = hits;
        done.then_some(Disposition::Kept)
    }
}

impl Pass<'_, '_, '_> {
    /// Steps the state sets from `depth` into `depth + 1` by `key` (an object member) or as they
    /// are (an array item): whether any path pattern is alive there.
    fn step(&mut self, depth: usize, key: Option<&str>) -> Result<bool, Bail> {
        let words = self.policy.paths.words();
        // Sets for every depth up to `max_depth + 2` (see `Scratch::new`): a shorter one is a
        // bug, and the pass gives up rather than read past it.
        if self.sx.sets.len() < (depth + 2) * words {
            return Err(Bail);
        }
        Ok(self.policy.paths.step_at(&mut self.sx.sets, depth, key))
    }

    /// Reads the value of a member or item `depth` deep whose state set is alive (written after
    /// `head`: its key and colon, or nothing): removed, nulled or walked as its rule says.
    /// Whether anything was written.
    fn member(&mut self, depth: usize, head: &[u8]) -> Result<bool, Bail> {
        if depth > self.max_depth {
            return Err(Bail);
        }
        let rule = self.policy.node_info(depth, self.sx).rule;
        let action = rule.and_then(|r| self.policy.rules.get(r as usize).map(|r| &r.action));
        match (rule, action) {
            (Some(r), Some(Action::Redact)) => {
                self.hits.push(r);
                self.text.skip(depth, usize::MAX)?;
                Ok(false)
            }
            (Some(r), Some(Action::Nullify)) => {
                self.hits.push(r);
                self.text.skip(depth, usize::MAX)?;
                self.text.put(head)?;
                self.text.put(b"null")?;
                Ok(true)
            }
            _ => {
                self.text.put(head)?;
                self.node(depth, rule)?;
                Ok(true)
            }
        }
    }

    /// Reads the value of a member or item `depth` deep that no rule reaches and writes it as it
    /// is, after `head` (see [`Self::member`]). Always writes.
    fn untouched(&mut self, depth: usize, head: &[u8]) -> Result<bool, Bail> {
        self.text.put(head)?;
        let from = self.text.i;
        self.text.skip(depth, self.max_depth)?;
        self.text.copy_from(from)?;
        Ok(true)
    }

    /// Reads a value `depth` deep whose whole-value rule (if any) is `rule`, neither `redact` nor
    /// `nullify`, and writes it masked.
    fn node(&mut self, depth: usize, rule: Option<u32>) -> Step {
        match self.text.peek().ok_or(Bail)? {
            // A rule on a container applies to everything in it: the tree path's to walk.
            b'{' | b'[' if rule.is_some() => Err(Bail),
            // Not JSON to the parser: the tree path quarantines it.
            b'{' | b'[' if depth >= MAX_NESTING => Err(Bail),
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            _ => match rule {
                None => self.untouched(depth, b"").map(|_| ()),
                Some(r) => self.leaf(r),
            },
        }
    }

    /// A scalar that rule `r` selects, decoded and masked as the tree path's walk masks it.
    fn leaf(&mut self, r: u32) -> Step {
        let from = self.text.i;
        let (s, b) = (self.text.s, self.text.b);
        // The scalar's text: a string's without its quotes (when it has no escape), a number's
        // or a literal's as written; `None` for `null`, which no whole-value rule changes.
        // `fpe` and `shift_date` count failures and read the record's entity: the tree path's.
        if matches!(
            self.policy.rules.get(r as usize).map(|r| &r.action),
            Some(Action::Fpe { .. } | Action::ShiftDate { .. })
        ) {
            return Err(Bail);
        }
        let (value, kind) = match b.get(from).ok_or(Bail)? {
            b'"' => {
                if self.text.string()? {
                    return self.escaped_leaf(from, r);
                }
                let value = s.get(from + 1..self.text.i - 1).ok_or(Bail)?;
                if self.policy.keeps(r, value) {
                    return self.text.copy_from(from);
                }
                (Some(value), Kind::Str)
            }
            b'-' | b'0'..=b'9' => {
                self.text.number()?;
                (s.get(from..self.text.i), Kind::Num)
            }
            b't' => {
                self.text.literal(b"true")?;
                (Some("true"), Kind::Bool)
            }
            b'f' => {
                self.text.literal(b"false")?;
                (Some("false"), Kind::Bool)
            }
            _ => {
                self.text.literal(b"null")?;
                (None, Kind::Str)
            }
        };
        let Some(value) = value else {
            return self.text.copy_from(from);
        };
        self.hits.push(r);
        self.masked(r, value, kind, from)
    }

    /// Writes what rule `r` makes of `value` (written from `from` to where reading is).
    fn masked(&mut self, r: u32, value: &str, kind: Kind, from: usize) -> Step {
        let policy = self.policy;
        if let Some(json) = policy
            .rules
            .get(r as usize)
            .and_then(|r| r.replacement.as_ref().map(|(_, json)| &**json))
        {
            // The same text for every value, made when the policy was compiled.
            return self.text.put(json);
        }
        // Numbered placeholders count through the record: the tree path numbers them.
        if matches!(
            policy.rules.get(r as usize).map(|r| &r.action),
            Some(Action::Placeholder { .. })
        ) {
            return Err(Bail);
        }
        let mut none = crate::engine::placeholders::Placeholders::default();
        let transform = self.sx.plugin_transform.as_mut();
        match policy.whole_value(r, value, kind, None, &mut none, transform) {
            Some(new) => {
                let out = &mut *self.text.out;
                out.try_reserve(new.len() + 2).map_err(|_| Bail)?;
                json::write_str(&new, out).map_err(|_| Bail)
            }
            None => self.text.copy_from(from),
        }
    }

    /// A string with escapes that rule `r` selects (from `from` to where reading is), decoded.
    fn escaped_leaf(&mut self, from: usize, r: u32) -> Step {
        let (doc, _) = Doc::scalar_at(self.text.s, from).ok_or(Bail)?;
        let Doc::Str(value) = &doc else {
            return Err(Bail);
        };
        if self.policy.keeps(r, value) {
            // Written as it was read: the escapes allowed here are the writer's own.
            return self.text.copy_from(from);
        }
        self.hits.push(r);
        self.masked(r, value, Kind::Str, from)
    }

    fn object(&mut self, depth: usize) -> Step {
        self.text.eat(b'{')?;
        self.text.put(b"{")?;
        if self.text.peek() == Some(b'}') {
            self.text.i += 1;
            return self.text.put(b"}");
        }
        let base = self.text.keys.len();
        let mut seen = 0;
        let mut first = true;
        loop {
            let member = self.text.i;
            let (a, z) = self.text.key(base, &mut seen)?;
            self.text.eat(b':')?;
            let key = self.text.s.get(a..z).ok_or(Bail)?;
            // The key and its colon, after the separator before it unless it is the first
            // member written (the text's own: members before it were).
            let text = self.text.b;
            let head_from = if first { member } else { member - 1 };
            let head = text.get(head_from..self.text.i).ok_or(Bail)?;
            let written = if self.step(depth, Some(key))? {
                self.member(depth + 1, head)?
            } else {
                self.untouched(depth + 1, head)?
            };
            first &= !written;
            if !self.text.more(b'}')? {
                self.text.keys.truncate(base);
                return self.text.put(b"}");
            }
        }
    }

    fn array(&mut self, depth: usize) -> Step {
        self.text.eat(b'[')?;
        self.text.put(b"[")?;
        if self.text.peek() == Some(b']') {
            self.text.i += 1;
            return self.text.put(b"]");
        }
        let alive = self.step(depth, None)?;
        let mut first = true;
        loop {
            let head: &[u8] = if first { b"" } else { b"," };
            let written = if alive {
                self.member(depth + 1, head)?
            } else {
                self.untouched(depth + 1, head)?
            };
            first &= !written;
            if !self.text.more(b']')? {
                return self.text.put(b"]");
            }
        }
    }
}
