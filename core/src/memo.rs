//! A small bounded cache from a text (with a 64-bit tag) to what was worked out for it: the
//! same key names come in every item of an array and every record of a batch.
//!
//! [`TwoWay`] holds [`SETS`] sets of two ways, the way used last first: a lookup hashes the
//! text once and compares at most two entries, whatever texts the data sends, and two texts
//! that fall into one set are both kept. (With one way, two of the 44 keys of the bench's
//! records sharing a slot pushed each other out in every record: 110,035 misses in 460,000
//! lookups; with two, 46.)

use alloc::string::String;
use alloc::vec::Vec;

/// Sets of a [`TwoWay`].
const SETS: usize = 512;

/// Longest text the caches of key names keep (bytes; a key with the name above it).
pub(crate) const MAX_TEXT: usize = 128;

/// See the module documentation. Made empty; its slots are allocated on the first `put`.
#[derive(Debug)]
pub(crate) struct TwoWay<V> {
    slots: Vec<Option<(u64, String, V)>>,
}

impl<V> Default for TwoWay<V> {
    fn default() -> Self {
        Self { slots: Vec::new() }
    }
}

/// The first slot of the set of `(tag, text)`: FNV-1a over the text and the tag, its top bits
/// mixed down to a set.
fn set_of(tag: u64, text: &str) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in text.as_bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h = (h ^ tag).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    2 * usize::try_from(h >> (64 - SETS.trailing_zeros())).unwrap_or(0)
}

impl<V> TwoWay<V> {
    /// What was kept for `(tag, text)`; a hit in the second way moves it first.
    pub(crate) fn get(&mut self, tag: u64, text: &str) -> Option<&V> {
        let at = set_of(tag, text);
        let held = |slot: Option<&Option<(u64, String, V)>>| {
            slot.and_then(Option::as_ref)
                .is_some_and(|(g, t, _)| *g == tag && t == text)
        };
        if !held(self.slots.get(at)) {
            if !held(self.slots.get(at + 1)) {
                return None;
            }
            self.slots.get_mut(at..at + 2)?.swap(0, 1);
        }
        self.slots
            .get(at)
            .and_then(Option::as_ref)
            .map(|(_, _, v)| v)
    }

    /// Keeps `value` for `(tag, text)`, which must not be kept already, in an empty way of its
    /// set or else the one used less lately; it then comes first. `fill` writes the value into
    /// what that way held (its allocation reused).
    pub(crate) fn put(&mut self, tag: u64, text: &str, fill: impl FnOnce(Option<V>) -> V) {
        if self.slots.is_empty() {
            self.slots.resize_with(2 * SETS, || None);
        }
        let at = set_of(tag, text);
        let Some(pair) = self.slots.get_mut(at..at + 2) else {
            return;
        };
        // An empty way is filled first; else the one used less lately goes.
        if pair.first().is_some_and(Option::is_some) {
            pair.swap(0, 1);
        }
        let Some(slot) = pair.first_mut() else {
            return;
        };
        *slot = Some(match slot.take() {
            Some((_, mut t, v)) => {
                t.clear();
                t.push_str(text);
                (tag, t, fill(Some(v)))
            }
            None => (tag, String::from(text), fill(None)),
        });
    }

    /// Forgets everything (and frees the slots).
    pub(crate) fn clear(&mut self) {
        self.slots = Vec::new();
    }

    /// Forgets the entries whose text `drop` picks.
    pub(crate) fn forget(&mut self, mut drop: impl FnMut(&str) -> bool) {
        for slot in &mut self.slots {
            if slot.as_ref().is_some_and(|(_, t, _)| drop(t)) {
                *slot = None;
            }
        }
    }

    /// The texts kept, with their tags (tests).
    #[cfg(test)]
    pub(crate) fn texts(&self) -> impl Iterator<Item = (u64, &str)> {
        self.slots
            .iter()
            .flatten()
            .map(|(g, t, _)| (*g, t.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::TwoWay;
    use alloc::format;
    use alloc::vec::Vec;

    #[test]
    fn two_texts_of_one_set_are_both_kept_and_the_tag_counts() {
        let mut m: TwoWay<u32> = TwoWay::default();
        assert_eq!(m.get(0, "a"), None);
        m.put(0, "a", |_| 1);
        m.put(1, "a", |_| 2);
        assert_eq!(m.get(0, "a"), Some(&1));
        assert_eq!(m.get(1, "a"), Some(&2));
        assert_eq!(m.get(2, "a"), None);
        // Many texts: each lookup answers what was put for it, or nothing.
        let texts: Vec<alloc::string::String> = (0..5000).map(|i| format!("key_{i}")).collect();
        for (i, t) in texts.iter().enumerate() {
            m.put(7, t, |_| u32::try_from(i).unwrap_or(0));
        }
        let mut hits = 0;
        for (i, t) in texts.iter().enumerate() {
            if let Some(&v) = m.get(7, t) {
                assert_eq!(v, u32::try_from(i).unwrap_or(0));
                hits += 1;
            }
        }
        assert!(hits > 0 && hits <= 1024);
        // After a way is forgotten, the next text of that set fills it and evicts nothing.
        let mut n: TwoWay<u32> = TwoWay::default();
        n.put(0, "a", |_| 1);
        n.put(1, "a", |_| 2);
        n.slots.iter_mut().for_each(|s| {
            if s.as_ref().is_some_and(|(g, _, _)| *g == 0) {
                *s = None;
            }
        });
        n.put(2, "a", |_| 3);
        assert_eq!(n.get(1, "a"), Some(&2));
        assert_eq!(n.get(2, "a"), Some(&3));
        m.forget(|t| t == "a");
        assert_eq!(m.get(0, "a"), None);
        assert_eq!(m.get(1, "a"), None);
        m.clear();
        assert_eq!(m.texts().count(), 0);
    }
}
