//! Masking a text that arrives in pieces: `tamis apply --format text` over a log file, a
//! streamed answer. The joined output is what [`Policy::mask_text`] makes of the whole text,
//! for every way of cutting it into pieces (also inside a UTF-8 sequence), while holding back
//! only what a finding could still reach:
//!
//! - The text is released in *units* that end at a line break no finding can cross. Built-in
//!   detectors match within a line, except `private_key`: a PEM block is held from its
//!   `-----BEGIN` line until its `-----END` line. A custom pattern that can match a line break
//!   (or is anchored to the start or end of the text) can cross any line: then the whole text
//!   is one unit.
//! - Each unit is masked as `mask_text` masks a text, so the output is `mask_text` of the whole
//!   whenever no finding crosses a unit's end, which the cuts ensure.
//! - A unit longer than `max_string_bytes` is written as `[tamis:too_large]` (and its final line
//!   break), as `mask_text` writes a text that long: the hold-back never exceeds the limit, and
//!   what was held is masked, never released. The rest of such a unit is read and dropped.
//! - Bytes that are not UTF-8 become U+FFFD, as in a lossy decoding of the whole.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Deref;
use memchr::memmem;

use crate::action::TOO_LARGE;
use crate::context::Context;
use crate::detect::{Kind, needs_view, normalize};
use crate::engine::scratch::Scratch;
use crate::policy::Policy;
use crate::report::Tally;

/// What the stream drops after writing `[tamis:too_large]` for a unit over the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dropping {
    /// Nothing: the stream reads normally.
    No,
    /// To the end of the unit: a line break with no PEM block open across it.
    Unit,
    /// Everything (a pattern can cross any line: the rest is the same unit).
    All,
}

/// Follows PEM blocks through text that is not kept (the rest of a unit over the limit), as
/// the `private_key` detector reads them, so that the unit ends where the detector's block
/// does: whether a block is open, and the last bytes of the view, where a marker may be cut.
#[derive(Debug, Default)]
struct Blocks {
    open: bool,
    tail: String,
}

/// The longest `-----BEGIN <label>-----` header the detector reads (64 label bytes).
const HEADER_MAX: usize = 11 + 64 + 5;

impl Blocks {
    /// Reads more of the view (`-----` markers as the detector finds them; `\n` ends nothing
    /// here: blocks span lines).
    fn feed(&mut self, view: &str) {
        self.tail.push_str(view);
        let b = self.tail.as_bytes();
        let mut i = 0;
        let keep_from = loop {
            if self.open {
                // Bytes before `i` were read: a marker's first bytes are kept, never those.
                let Some(rel) = memmem::find(b.get(i..).unwrap_or(&[]), b"-----END ") else {
                    break b.len().saturating_sub(8).max(i);
                };
                let e = i + rel + 9;
                // The end line's own `-----`: the first within 80 bytes, not past a line break.
                let line = b.get(e..).unwrap_or(&[]);
                let n = line
                    .iter()
                    .take(80)
                    .take_while(|&&c| c != b'\n' && c != b'\r')
                    .count();
                let marker = memmem::find(line.get(..n).unwrap_or(&[]), b"-----");
                if marker.is_none() && n == line.len() && n < 80 {
                    // Not enough text yet to know where the end line's marker is.
                    break i + rel;
                }
                self.open = false;
                i = marker.map_or(e + n, |k| e + k + 5);
            } else {
                let Some(rel) = memmem::find(b.get(i..).unwrap_or(&[]), b"-----BEGIN ") else {
                    break b.len().saturating_sub(10).max(i);
                };
                let p = i + rel;
                let label_start = p + 11;
                let label_len = b
                    .get(label_start..)
                    .unwrap_or(&[])
                    .iter()
                    .take(64)
                    .take_while(|&&c| c.is_ascii_uppercase() || c == b' ')
                    .count();
                let after = label_start + label_len;
                if after + 5 > b.len() {
                    // The header may go on in the next text.
                    break p;
                }
                let label = b.get(label_start..after).unwrap_or(&[]);
                if b.get(after..after + 5) == Some(b"-----")
                    && (label.ends_with(b"PRIVATE KEY") || label.ends_with(b"PRIVATE KEY BLOCK"))
                {
                    self.open = true;
                    i = after + 5;
                } else {
                    i = label_start;
                }
            }
        };
        let mut keep_from = keep_from.min(self.tail.len());
        while !self.tail.is_char_boundary(keep_from) {
            keep_from -= 1;
        }
        // What is kept is bounded: a marker's first bytes, or a header being read.
        let bound = self.tail.len().saturating_sub(HEADER_MAX + 80);
        let mut keep_from = keep_from.max(bound);
        while !self.tail.is_char_boundary(keep_from) {
            keep_from += 1;
        }
        self.tail.drain(..keep_from);
    }
}

/// A text masked as it arrives ([`Policy::text_stream`], or [`TextStream::new`] with a shared
/// policy such as an `Arc<Policy>`); see the module documentation.
pub struct TextStream<P: Deref<Target = Policy>> {
    policy: P,
    ctx: Context,
    sx: Scratch,
    tally: Tally,
    /// Text not yet released; it starts where a unit starts.
    held: String,
    /// The complete lines of `held` up to here were looked at for PEM blocks.
    checked: usize,
    /// While a PEM block is open (no `-----END` line after it yet): the line start in `held`
    /// where the unit holding it starts (no block crosses it).
    open_block: Option<usize>,
    /// Up to 3 bytes of a UTF-8 sequence cut by the end of a piece.
    partial: Vec<u8>,
    dropping: Dropping,
    /// PEM blocks in the text being dropped.
    dropped_blocks: Blocks,
    /// Units end only at the end of the text (a pattern can cross lines).
    one_unit: bool,
    /// A `private_key` detector is in the policy: PEM blocks are held whole.
    blocks: bool,
    max: usize,
    view: String,
    map: Vec<usize>,
    /// The last line released (as the detectors read it): a name on the next unit's first line
    /// may have its cue there (`Best regards,` above it).
    prev_line: String,
}

impl<P: Deref<Target = Policy>> core::fmt::Debug for TextStream<P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Held text is data: sizes only.
        f.debug_struct("TextStream")
            .field("held_bytes", &self.held.len())
            .finish_non_exhaustive()
    }
}

impl Policy {
    /// A stream that masks a text arriving in pieces, for `ctx`: push each piece, then finish;
    /// the joined output is [`Policy::mask_text`] of the whole (see [`TextStream`]).
    #[must_use]
    pub fn text_stream(&self, ctx: &Context) -> TextStream<&Policy> {
        TextStream::new(self, ctx)
    }
}

impl<P: Deref<Target = Policy>> TextStream<P> {
    /// A stream masking with `policy` (anything that derefs to one: `&Policy`, `Arc<Policy>`)
    /// for `ctx`.
    #[must_use]
    pub fn new(policy: P, ctx: &Context) -> Self {
        let this: &Policy = &policy;
        let mut sx = Scratch::new(this);
        // The stream is one text: numbered placeholders count through all of it.
        sx.placeholders.keep = true;
        let tally = Tally::new(this, false);
        let one_unit = !this.text_line_local;
        let blocks = this.detectors.iter().any(|d| {
            matches!(
                d.detector,
                crate::detect::Detector::Builtin(Kind::PrivateKey)
            )
        });
        let max = usize::try_from(this.doc.limits.max_string_bytes).unwrap_or(usize::MAX);
        TextStream {
            policy,
            ctx: ctx.clone(),
            sx,
            tally,
            held: String::new(),
            checked: 0,
            open_block: None,
            partial: Vec::new(),
            dropping: Dropping::No,
            dropped_blocks: Blocks::default(),
            one_unit,
            blocks,
            max,
            view: String::new(),
            map: Vec::new(),
            prev_line: String::new(),
        }
    }

    /// Adds the next piece of text and appends to `out` what can be released.
    pub fn push(&mut self, piece: &str, out: &mut String) {
        if !self.partial.is_empty() {
            // A UTF-8 sequence was cut: a `str` piece cannot complete it.
            self.partial.clear();
            self.accept("\u{FFFD}", out);
        }
        self.accept(piece, out);
    }

    /// Adds the next piece as bytes (a sequence cut between two pieces is joined; bytes that
    /// are not UTF-8 become U+FFFD) and appends to `out` what can be released.
    pub fn push_bytes(&mut self, piece: &[u8], out: &mut String) {
        let mut rest = piece;
        if !self.partial.is_empty() {
            // Complete the cut sequence with the first bytes of this piece.
            while !rest.is_empty() && self.partial.len() < 4 {
                let (&b, after) = rest.split_first().unwrap_or((&0, &[]));
                if b & 0xC0 != 0x80 {
                    break;
                }
                self.partial.push(b);
                rest = after;
                if core::str::from_utf8(&self.partial).is_ok() {
                    break;
                }
            }
            match core::str::from_utf8(&self.partial) {
                Ok(s) => {
                    let s = String::from(s);
                    self.partial.clear();
                    self.accept(&s, out);
                }
                Err(e) if e.error_len().is_none() && rest.is_empty() => return,
                Err(_) => {
                    self.partial.clear();
                    self.accept("\u{FFFD}", out);
                }
            }
        }
        loop {
            match core::str::from_utf8(rest) {
                Ok(s) => {
                    self.accept(s, out);
                    return;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    // Valid by `valid_up_to`.
                    self.accept(core::str::from_utf8(good).unwrap_or(""), out);
                    match e.error_len() {
                        Some(n) => {
                            self.accept("\u{FFFD}", out);
                            rest = bad.get(n..).unwrap_or(&[]);
                        }
                        None => {
                            self.partial.extend_from_slice(bad);
                            return;
                        }
                    }
                }
            }
        }
    }

    /// Appends the rest of the masked text to `out`: the stream is done.
    pub fn finish(&mut self, out: &mut String) {
        if !self.partial.is_empty() {
            self.partial.clear();
            self.accept("\u{FFFD}", out);
        }
        if self.dropping == Dropping::No && !self.held.is_empty() {
            let held = core::mem::take(&mut self.held);
            self.release(&held, out);
        }
        self.held.clear();
        self.checked = 0;
        self.open_block = None;
        self.dropping = Dropping::No;
    }

    /// What was counted so far (rule and detector hits, units over the limit).
    #[must_use]
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// The report of what was masked so far (counts only, never a value).
    #[must_use]
    pub fn report(&self) -> crate::Report {
        self.tally.report(&self.policy)
    }

    /// Who the output is for and when.
    #[must_use]
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// Numbers placeholders in `session` from here on, until [`TextStream::end_session`]
    /// (see [`crate::Run::begin_session`]).
    pub fn begin_session(&mut self, session: &mut crate::Session) {
        self.sx.placeholders = session.take();
    }

    /// Gives the numbers back to `session`; the stream numbers on its own again.
    pub fn end_session(&mut self, session: &mut crate::Session) {
        session.put_back(core::mem::take(&mut self.sx.placeholders));
        self.sx.placeholders.keep = true;
    }

    /// How many bytes are held back, not yet released (never more than the policy's
    /// `max_string_bytes` and a cut UTF-8 sequence).
    #[must_use]
    pub fn held_bytes(&self) -> usize {
        self.held.len() + self.partial.len()
    }

    fn accept(&mut self, text: &str, out: &mut String) {
        let text = match self.dropping {
            Dropping::No => text,
            _ => match self.drop_until_unit_end(text) {
                // The over-long unit ended: its line break, then the text after it.
                Some(rest) => {
                    out.push('\n');
                    rest
                }
                None => return,
            },
        };
        self.held.push_str(text);
        if self.one_unit {
            if self.held.len() > self.max {
                self.too_large(Dropping::All, out);
            }
            return;
        }
        let Some(last) = memchr::memrchr(
            b'\n',
            self.held.as_bytes().get(self.checked..).unwrap_or(&[]),
        ) else {
            self.check_size(out);
            return;
        };
        let upto = self.checked + last + 1;
        if self.blocks {
            self.look_for_blocks(upto);
        }
        self.checked = upto;
        // The cut: after the last complete line, or at the line start before an open block.
        let cut = self.open_block.unwrap_or(upto);
        if cut > 0 {
            let unit: String = self.held.drain(..cut).collect();
            self.checked -= cut;
            self.open_block = self.open_block.map(|s| s - cut);
            self.release(&unit, out);
        }
        self.check_size(out);
    }

    /// Masks released text (one or more units: no finding crosses its end) and appends it.
    /// Masking units together gives what masking each gives, unless one is over the limit:
    /// then each unit is masked on its own.
    fn release(&mut self, text: &str, out: &mut String) {
        if text.len() <= self.max {
            self.mask(text, out);
            return;
        }
        // The units: lines, joined where a PEM block spans line breaks.
        let mut blocks = Vec::new();
        if self.blocks {
            let mapped = needs_view(text);
            let view = if mapped {
                normalize(text, &mut self.view, &mut self.map);
                self.view.as_str()
            } else {
                text
            };
            Kind::PrivateKey.find(view.as_bytes(), &mut blocks);
            if mapped {
                for b in &mut blocks {
                    *b = (
                        self.map.get(b.0).copied().unwrap_or(0),
                        self.map.get(b.1).copied().unwrap_or(text.len()),
                    );
                }
            }
        }
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
            let cut = nl + 1;
            if blocks.iter().any(|&(s, e)| s < cut && cut < e) {
                continue;
            }
            self.unit(text.get(start..cut).unwrap_or(""), out);
            start = cut;
        }
        if start < text.len() {
            self.unit(text.get(start..).unwrap_or(""), out);
        }
    }

    /// Masks one unit and appends it: `[tamis:too_large]` (and its line break) when it is
    /// over the limit, as `mask_text` writes such a text.
    fn unit(&mut self, unit: &str, out: &mut String) {
        if unit.len() > self.max {
            self.tally.too_large += 1;
            self.prev_line.clear();
            out.push_str(TOO_LARGE);
            if unit.ends_with('\n') {
                out.push('\n');
            }
            return;
        }
        self.mask(unit, out);
    }

    /// Masks `text` (one or more units, within the limit) with the line released before it as
    /// context, and appends it; its last line is then the context of what follows.
    fn mask(&mut self, text: &str, out: &mut String) {
        core::mem::swap(&mut self.sx.line_before, &mut self.prev_line);
        let masked = self
            .policy
            .mask_text_with(text, &self.ctx, &mut self.sx, &mut self.tally);
        core::mem::swap(&mut self.sx.line_before, &mut self.prev_line);
        out.push_str(&masked);
        let body = text.strip_suffix('\n').unwrap_or(text);
        let last = body.rsplit('\n').next().unwrap_or("");
        self.prev_line = self.view_of(last);
    }

    /// A unit that has grown past the limit is written as `[tamis:too_large]`; the rest of it
    /// is dropped as it comes.
    fn check_size(&mut self, out: &mut String) {
        if self.held.len() > self.max {
            self.too_large(Dropping::Unit, out);
        }
    }

    fn too_large(&mut self, until: Dropping, out: &mut String) {
        self.tally.too_large += 1;
        self.prev_line.clear();
        out.push_str(TOO_LARGE);
        let held = core::mem::take(&mut self.held);
        self.checked = 0;
        self.open_block = None;
        self.dropping = until;
        self.dropped_blocks = Blocks::default();
        // What is held is the unit's start (it starts at a line start no block crosses): it is
        // dropped as the rest of the unit will be, which follows its blocks from here.
        self.accept(&held, out);
    }

    /// While dropping an over-long unit: the text after its end (its line break included in
    /// what is dropped), or `None` when all of `text` is dropped.
    fn drop_until_unit_end<'t>(&mut self, text: &'t str) -> Option<&'t str> {
        match self.dropping {
            Dropping::No => Some(text),
            Dropping::All => None,
            Dropping::Unit => {
                let mut from = 0;
                for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
                    let piece = text.get(from..=nl).unwrap_or("");
                    if self.blocks {
                        let view = self.view_of(piece);
                        self.dropped_blocks.feed(&view);
                    }
                    from = nl + 1;
                    if !self.dropped_blocks.open {
                        self.dropping = Dropping::No;
                        return text.get(from..);
                    }
                }
                if self.blocks {
                    let view = self.view_of(text.get(from..).unwrap_or(""));
                    self.dropped_blocks.feed(&view);
                }
                None
            }
        }
    }

    /// Whether `line` holds the start of a PEM block's end line, as the detector reads it.
    fn has_end(&mut self, line: &str) -> bool {
        let view = self.view_of(line);
        memmem::find(view.as_bytes(), b"-----END ").is_some()
    }

    /// The detectors' view of `text` (see `detect::normalize`).
    fn view_of(&mut self, text: &str) -> String {
        if needs_view(text) {
            normalize(text, &mut self.view, &mut self.map);
            self.view.clone()
        } else {
            String::from(text)
        }
    }

    /// Looks at the complete lines of `held` from `checked` to `upto` for PEM blocks, and
    /// updates `open_block` (where the unit must start when a block is open: the start of the
    /// line no block crosses, before the open one).
    fn look_for_blocks(&mut self, upto: usize) {
        let from = match self.open_block {
            // Only an `-----END ` line in the new lines can close the open block.
            Some(start) => {
                let new = self.held.get(self.checked..upto).unwrap_or("").to_owned();
                if !self.has_end(&new) {
                    return;
                }
                start
            }
            None => self.checked,
        };
        // The detector itself says where blocks start and end in these lines (no block crosses
        // `from`, a line start): one still open at their end reaches it.
        let lines = self.held.get(from..upto).unwrap_or("").to_owned();
        let mapped = needs_view(&lines);
        let view = if mapped {
            normalize(&lines, &mut self.view, &mut self.map);
            self.view.as_str()
        } else {
            lines.as_str()
        };
        let mut spans = Vec::new();
        Kind::PrivateKey.find(view.as_bytes(), &mut spans);
        let open = spans.last().is_some_and(|&(_, e)| e == view.len());
        if !open {
            self.open_block = None;
            return;
        }
        // The unit ends at a line start that no block crosses, before the open one.
        let at = |i: usize| {
            from + if mapped {
                self.map.get(i).copied().unwrap_or(0)
            } else {
                i
            }
        };
        let line_start = |held: &str, i: usize| {
            memchr::memrchr(b'\n', held.as_bytes().get(..i).unwrap_or(&[])).map_or(0, |k| k + 1)
        };
        let mut cut = usize::MAX;
        for &(s, e) in spans.iter().rev() {
            let (s, e) = (at(s), at(e));
            let reaches_end = e >= upto;
            if s < cut && (cut < e || reaches_end) {
                cut = line_start(&self.held, s);
            }
        }
        self.open_block = Some(cut.min(upto));
    }
}
