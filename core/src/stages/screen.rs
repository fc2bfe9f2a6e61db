//! What a policy protects in a batch of records, and a screen that finds any long enough piece
//! of it in text a plugin writes (a log line, an error, a replacement record), in any spacing.
//!
//! A plugin sees records before the policy's rules mask them, so it could copy a password into
//! a field no rule covers, or into a log line. The host collects the protected values of the
//! records it hands to plugins ([`Policy::protected_values`]: what whole-value rules select,
//! what detectors find, whole subtrees that `redact` or `nullify` remove) and screens what the
//! plugins write: a text that holds a protected value, or a piece of one of at least
//! [`PIECE`] letters and digits (or a whole short value of at least [`MIN_VALUE`]), compared
//! without case, spaces or punctuation (`h u n t e r 2`, `HUNTER-2`), is masked.

use alloc::string::String;
use alloc::string::ToString;
use alloc::vec::Vec;
use core::hash::BuildHasherDefault;

use crate::summary::IdentityHasher;

/// Hashes of pieces (already uniform: the set uses them as they are).
type HashSet = hashbrown::HashSet<u64, BuildHasherDefault<IdentityHasher>>;
use serde_json::Value;

use crate::context::Context;
use crate::engine::Entry;
use crate::engine::scratch::Scratch;
use crate::policy::Policy;
use crate::record::tree::Tree;
use crate::report::Tally;

/// Letters and digits in a piece of a protected value that the screen looks for.
pub const PIECE: usize = 6;
/// Protected values with fewer letters and digits are not screened (`ok`, `1`): they are too
/// short to tell from any text.
pub const MIN_VALUE: usize = 4;

/// Text reduced to what the screen compares: lower-case letters and digits, nothing else.
fn squash(text: &str, out: &mut Vec<char>) {
    out.clear();
    if text.is_ascii() {
        // No ASCII character folds to another letter or digit: the bytes decide alone.
        out.extend(
            text.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| char::from(b.to_ascii_lowercase())),
        );
        return;
    }
    squash_chars(text, out);
}

/// [`squash`] character by character (any text).
fn squash_chars(text: &str, out: &mut Vec<char>) {
    // Lower case first, so both cases of a letter compare alike (the look-alike table does
    // not pair them: upper-case Cyrillic `Н` folds to `h`, lower-case `н` not at all); then
    // look-alikes, before letters and digits, since full-width and mathematical letters are
    // alphanumeric too and must compare as the ASCII they stand for.
    for c in text.chars().flat_map(char::to_lowercase) {
        if let Some(a) = crate::detect::fold(c).filter(u8::is_ascii_alphanumeric) {
            out.push(char::from(a.to_ascii_lowercase()));
        } else if c.is_alphanumeric() {
            out.push(c);
        }
    }
}

/// The hash [`Screen::is_given`] compares: of the squashed text, or of the text as it is when
/// it has no letter or digit (`!@#$%` is a value too), marked apart.
fn whole_hash(text: &str, squashed: &[char]) -> u64 {
    if squashed.is_empty() {
        let raw: Vec<char> = text.chars().collect();
        window_hash(&raw) ^ 0x5bd1_e995_5bd1_e995
    } else {
        window_hash(squashed)
    }
}

fn window_hash(w: &[char]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &c in w {
        h ^= u64::from(u32::from(c));
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^ (w.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The protected values of a batch, as hashed pieces; see the module documentation. Holds no
/// text, only 64-bit hashes of pieces (its `Debug` shows the count).
#[derive(Default, Clone)]
pub struct Screen {
    pieces: HashSet,
    /// Pieces of what the policy itself writes for the same records (a `partial` or
    /// `generalize` output, a value no rule covers that equals a protected one): a plugin
    /// that writes them reveals nothing the policy does not show.
    visible: HashSet,
    /// Lengths of short values screened whole (below [`PIECE`]).
    short: [bool; PIECE],
    /// Every protected value whole, of any length ([`Screen::is_given`]).
    whole: HashSet,
    buf: Vec<char>,
}

impl core::fmt::Debug for Screen {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Screen({} pieces)", self.pieces.len())
    }
}

impl Screen {
    /// An empty screen (it finds nothing).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the screen holds no value.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// Adds a protected value.
    pub fn add(&mut self, value: &str) {
        let mut buf = core::mem::take(&mut self.buf);
        squash(value, &mut buf);
        self.whole.insert(whole_hash(value, &buf));
        if buf.len() >= PIECE {
            for w in buf.windows(PIECE) {
                self.pieces.insert(window_hash(w));
            }
        } else if buf.len() >= MIN_VALUE {
            self.pieces.insert(window_hash(&buf));
            if let Some(s) = self.short.get_mut(buf.len()) {
                *s = true;
            }
        }
        self.buf = buf;
    }

    /// Adds text the policy's own output shows (see `visible`).
    pub fn add_visible(&mut self, text: &str) {
        let mut buf = core::mem::take(&mut self.buf);
        squash(text, &mut buf);
        for n in MIN_VALUE..=PIECE {
            for w in buf.windows(n) {
                self.visible.insert(window_hash(w));
            }
        }
        self.buf = buf;
    }

    /// Whether `text` is, without case, spaces or punctuation, one of the protected values
    /// itself, however short (`c-1` is `C1`): a plugin that writes back what it was given.
    pub fn is_given(&mut self, text: &str) -> bool {
        if self.whole.is_empty() {
            return false;
        }
        let mut buf = core::mem::take(&mut self.buf);
        squash(text, &mut buf);
        let found = self.whole.contains(&whole_hash(text, &buf));
        self.buf = buf;
        found
    }

    /// Whether `text` holds a protected value or a piece of one that the policy's own output
    /// does not show (linear in `text`).
    pub fn reveals(&mut self, text: &str) -> bool {
        if self.pieces.is_empty() {
            return false;
        }
        let mut buf = core::mem::take(&mut self.buf);
        squash(text, &mut buf);
        let short = self.short;
        let found = (MIN_VALUE..=PIECE)
            .filter(|&n| n == PIECE || short.get(n) == Some(&true))
            .any(|n| {
                buf.windows(n).any(|w| {
                    let h = window_hash(w);
                    self.pieces.contains(&h) && !self.visible.contains(&h)
                })
            });
        self.buf = buf;
        found
    }

    /// Masks, in a JSON value a plugin wrote, every string, number and key that reveals a
    /// protected value (strings and numbers become `replacement`; keys `[tamis:revealed:n]`).
    /// Returns how many were masked.
    pub fn mask_value(&mut self, v: &mut Value, replacement: &str) -> u64 {
        let mut n = 0;
        let mut stack: Vec<&mut Value> = alloc::vec![v];
        while let Some(v) = stack.pop() {
            match v {
                Value::String(s) => {
                    if self.reveals(s) {
                        *s = String::from(replacement);
                        n += 1;
                    }
                }
                Value::Number(x) => {
                    if self.reveals(&x.to_string()) {
                        *v = Value::String(String::from(replacement));
                        n += 1;
                    }
                }
                Value::Array(items) => stack.extend(items.iter_mut()),
                Value::Object(map) => {
                    let renamed: Vec<String> =
                        map.keys().filter(|k| self.reveals(k)).cloned().collect();
                    let mut i = 0;
                    for key in renamed {
                        if let Some(child) = map.remove(&key) {
                            let new = loop {
                                i += 1;
                                let k = alloc::format!("[tamis:revealed:{i}]");
                                if !map.contains_key(&k) {
                                    break k;
                                }
                            };
                            map.insert(new, child);
                            n += 1;
                        }
                    }
                    stack.extend(map.values_mut());
                }
                Value::Null | Value::Bool(_) => {}
            }
        }
        n
    }
}

impl Policy {
    /// Adds to `screen` what the policy protects in `record` for `ctx` (see the module
    /// documentation): the record is walked as [`crate::Run::admitted`] walks it, on a copy
    /// the caller throws away.
    pub(crate) fn protected_values<T: Tree>(
        &self,
        record: &mut T,
        ctx: &Context,
        sx: &mut Scratch,
        screen: &mut Screen,
    ) {
        let mut tally = Tally::new(self, false);
        sx.protect = Some(Vec::new());
        let kept = self.apply_measured(record, None, Entry::Admitted, ctx, sx, &mut tally)
            == crate::Disposition::Kept;
        for value in sx.protect.take().unwrap_or_default() {
            screen.add(&value);
        }
        if kept {
            // What the policy writes for the record: every key and scalar of the output.
            let v = record.to_value(self.doc.limits.max_depth as usize + 1);
            let mut stack = alloc::vec![&v];
            while let Some(v) = stack.pop() {
                match v {
                    Value::String(s) => screen.add_visible(s),
                    Value::Number(n) => screen.add_visible(&n.to_string()),
                    Value::Array(items) => stack.extend(items.iter()),
                    Value::Object(map) => {
                        for (k, v) in map {
                            screen.add_visible(k);
                            stack.push(v);
                        }
                    }
                    Value::Null | Value::Bool(_) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{squash, squash_chars};
    use alloc::string::String;
    use alloc::vec::Vec;

    /// The ASCII shortcut reduces every ASCII text as the character path does.
    #[test]
    fn ascii_text_squashes_as_any_text() {
        let all: String = (0u8..128).map(char::from).collect();
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        squash(&all, &mut fast);
        squash_chars(&all, &mut slow);
        assert_eq!(fast, slow);
        assert_eq!(fast.len(), 62);
    }

    /// Full-width and mathematical letters compare as the ASCII they stand for.
    #[test]
    fn look_alikes_squash_as_ascii() {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        squash(
            "\u{ff43}\u{ff55}\u{ff53}-\u{ff18}\u{ff18}\u{ff14}\u{ff11}-\u{1d433}",
            &mut a,
        );
        squash("cus-8841-z", &mut b);
        assert_eq!(a, b);
    }

    /// Both cases of a letter compare alike, look-alikes or not (`ПЕТРОВ` is `Петров`).
    #[test]
    fn cases_squash_alike() {
        for (upper, lower) in [
            ("ПЕТРОВ ИВАН", "Петров Иван"),
            ("ΝΥΜΒΕΖ", "νυμβεζ"),
            ("ӀԀ", "ӏԁ"),
        ] {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            squash(upper, &mut a);
            squash(lower, &mut b);
            assert_eq!(a, b, "{upper} / {lower}");
        }
        let mut screen = super::Screen::new();
        screen.add("Петров Иван");
        assert!(screen.reveals("ПЕТРОВ ИВАН") && screen.is_given("ПЕТРОВ-ИВАН"));
    }

    #[test]
    fn a_value_without_letters_or_digits_is_given_as_written() {
        let mut screen = super::Screen::new();
        screen.add("!@#$%^&*");
        assert!(screen.is_given("!@#$%^&*") && !screen.is_given("********"));
    }

    #[test]
    fn a_short_value_is_given_whole_only() {
        let mut screen = super::Screen::new();
        screen.add("c-1");
        assert!(screen.is_given("C1") && screen.is_given("c-1"));
        assert!(!screen.is_given("c-12") && !screen.reveals("c-1"));
    }
}
