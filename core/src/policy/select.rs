//! Selectors: path patterns compiled into one automaton over key segments, and key-name globs.
//!
//! Every path pattern of a policy (rule `paths`, `scope`, `except`, `[[allow]] paths`) becomes a
//! short chain of NFA states; all chains live in one [`PathSet`] and are simulated together with a
//! bit set per depth, so walking a record costs one pass over the active states per key, with no
//! allocation. Arrays are transparent: an array item has the state set of its array.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::detect::{fold, is_ignorable};

/// What a path pattern, once matched, stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// A whole-value selector of rule `n`.
    Rule(u32),
    /// `scope` of rule `n` (sticky: holds for the whole subtree).
    Scope(u32),
    /// `except` of rule `n` (sticky).
    Except(u32),
    /// `[[allow]] paths` (sticky).
    Allow,
    /// `paths` of `[[summarize]]` rule `n`.
    Summarize(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// Exactly this key.
    Key(Box<str>),
    /// `*`: any one key.
    One,
    /// `**`: zero or more keys.
    Any,
}

/// One state of a policy's path automaton ([`crate::Policy::path_plan`]): states are in order, each
/// pattern's steps followed by its `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathState<'a> {
    /// Steps on exactly this key.
    Key(&'a str),
    /// `*`: steps on any one key.
    One,
    /// `**`: zero or more keys (it stays, and the state after it is entered with it).
    Any,
    /// A rule's pattern matched: the node is the rule's.
    Accept,
}

#[derive(Debug, Clone)]
enum State {
    Step(Step),
    Accept(Target),
}

/// A path pattern that could not be parsed: the message and the character where it went wrong.
#[derive(Debug)]
pub(crate) struct PathSyntax {
    pub message: String,
    pub help: &'static str,
}

/// Parses `a.*.b`, `**.email`, `"a.b".c` into steps.
pub(crate) fn parse_path(pattern: &str) -> Result<Vec<Step>, PathSyntax> {
    let err = |message: String, help: &'static str| PathSyntax { message, help };
    if pattern.is_empty() {
        return Err(err(
            String::from("the path is empty"),
            "write a key name, `*` or `**`",
        ));
    }
    if pattern == "$" {
        return Err(err(
            String::from("`$` (the whole record) cannot be masked by a rule"),
            "use `**` to cover every value, or a `[[retention]]` rule on `$` to drop records",
        ));
    }
    let mut steps = Vec::new();
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    loop {
        let start = i;
        let mut seg = String::new();
        let mut quoted = false;
        if chars.get(i) == Some(&'"') {
            quoted = true;
            i += 1;
            loop {
                match chars.get(i) {
                    None => {
                        return Err(err(
                            format!(
                                "unterminated quoted key starting at character {}",
                                start + 1
                            ),
                            "close the key with `\"`",
                        ));
                    }
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some('\\') => {
                        match chars.get(i + 1) {
                            Some(&c @ ('"' | '\\')) => seg.push(c),
                            _ => {
                                return Err(err(
                                    format!("unknown escape at character {}", i + 1),
                                    "inside quotes, only `\\\"` and `\\\\` are escapes",
                                ));
                            }
                        }
                        i += 2;
                    }
                    Some(&c) => {
                        seg.push(c);
                        i += 1;
                    }
                }
            }
        } else {
            while let Some(&c) = chars.get(i) {
                if c == '.' {
                    break;
                }
                if c == '"' {
                    return Err(err(
                        format!("a quote in the middle of a key at character {}", i + 1),
                        "quote the whole key: `\"my.key\"`",
                    ));
                }
                seg.push(c);
                i += 1;
            }
        }
        if !quoted && seg.is_empty() {
            return Err(err(
                format!("empty key at character {}", start + 1),
                "remove the extra `.`; a path is keys joined by single dots",
            ));
        }
        let step = if quoted {
            Step::Key(seg.into_boxed_str())
        } else if seg == "*" {
            Step::One
        } else if seg == "**" {
            Step::Any
        } else if seg.contains('*') {
            return Err(err(
                format!("`*` inside the key `{seg}` at character {}", start + 1),
                "`*` and `**` stand for whole keys; to match key names by pattern use `keys = [...]`, \
                 or quote a key that really holds a star",
            ));
        } else {
            Step::Key(seg.into_boxed_str())
        };
        // `**.**` is the same as `**`.
        if !(step == Step::Any && steps.last() == Some(&Step::Any)) {
            steps.push(step);
        }
        match chars.get(i) {
            None => break,
            Some('.') => {
                i += 1;
                if i == chars.len() {
                    return Err(err(
                        String::from("the path ends with `.`"),
                        "remove the trailing dot",
                    ));
                }
            }
            Some(_) => {
                return Err(err(
                    format!("expected `.` after the quoted key at character {}", i + 1),
                    "join keys with `.`",
                ));
            }
        }
    }
    Ok(steps)
}

/// A fast hash of short keys (Fx-style, 8 bytes at a time); not for untrusted-collision use
/// beyond a policy's own key texts, which are the only entries.
#[derive(Default)]
struct KeyHasher(u64);

impl core::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
}

type KeyMap = hashbrown::HashMap<Box<str>, Vec<u64>, core::hash::BuildHasherDefault<KeyHasher>>;

/// All path patterns of a policy, as one NFA.
#[derive(Debug, Clone, Default)]
pub(crate) struct PathSet {
    states: Vec<State>,
    words: usize,
    start: Vec<u64>,
    accepting: Vec<u64>,
    /// Per key text, the states that step on exactly that key.
    by_key: KeyMap,
    /// The `*` and `**` states.
    wild: Vec<u64>,
}

impl PathSet {
    /// Adds a pattern. Sticky targets also match everything beneath the matched node.
    pub(crate) fn add(&mut self, mut steps: Vec<Step>, target: Target) {
        let sticky = !matches!(target, Target::Rule(_));
        if sticky && steps.last() != Some(&Step::Any) {
            steps.push(Step::Any);
        }
        self.states.extend(steps.into_iter().map(State::Step));
        self.states.push(State::Accept(target));
    }

    /// Finishes construction: sizes the bit sets and computes the start set.
    pub(crate) fn finish(&mut self) {
        self.words = self.states.len().div_ceil(64).max(1);
        self.start = vec![0; self.words];
        self.accepting = vec![0; self.words];
        self.wild = vec![0; self.words];
        self.by_key = KeyMap::default();
        for (i, s) in self.states.iter().enumerate() {
            match s {
                State::Step(Step::Key(k)) => {
                    let words = self.words;
                    let set = self
                        .by_key
                        .entry(k.clone())
                        .or_insert_with(|| vec![0; words]);
                    set_bit(set, i);
                }
                State::Step(Step::One | Step::Any) => set_bit(&mut self.wild, i),
                State::Accept(_) => {}
            }
        }
        let mut start = core::mem::take(&mut self.start);
        let mut at_start = true;
        for (i, s) in self.states.iter().enumerate() {
            if at_start {
                self.add_closure(&mut start, i);
            }
            at_start = matches!(s, State::Accept(_));
            if at_start {
                set_bit(&mut self.accepting, i);
            }
        }
        self.start = start;
    }

    /// Words per state set.
    pub(crate) fn words(&self) -> usize {
        self.words
    }

    pub(crate) fn start(&self) -> &[u64] {
        &self.start
    }

    fn add_closure(&self, set: &mut [u64], mut s: usize) {
        loop {
            set_bit(set, s);
            match self.states.get(s) {
                Some(State::Step(Step::Any)) => s += 1,
                _ => break,
            }
        }
    }

    /// Computes the set after one key. `to` must be zeroed by the caller.
    pub(crate) fn step(&self, from: &[u64], key: &str, to: &mut [u64]) {
        if from.iter().all(|&w| w == 0) {
            // No pattern is under way here (most of a record, for paths of a few keys).
            return;
        }
        // States stepping on this very key: one lookup instead of a comparison per state.
        if let Some(keyed) = self.by_key.get(key) {
            for s in bits_of_both(from, keyed) {
                self.add_closure(to, s + 1);
            }
        }
        for s in bits_of_both(from, &self.wild) {
            match self.states.get(s) {
                Some(State::Step(Step::One)) => self.add_closure(to, s + 1),
                Some(State::Step(Step::Any)) => self.add_closure(to, s),
                _ => {}
            }
        }
    }

    /// Steps the state sets of a walk, one per depth of [`PathSet::words`] words each in
    /// `sets`: the set at `depth` over `key` into the set at `depth + 1`, which is cleared
    /// first; an array item (`key` `None`) takes its array's set (arrays are transparent to
    /// paths). Returns whether any state is alive there; `true`, stepping nothing, when `sets`
    /// is too short (a caller then walks what is beneath rather than skip it: fail closed).
    pub(crate) fn step_at(&self, sets: &mut [u64], depth: usize, key: Option<&str>) -> bool {
        let words = self.words();
        let Some((from, to)) = Self::pair_at(sets, depth, words) else {
            return true;
        };
        match key {
            Some(key) => {
                to.fill(0);
                self.step(from, key, to);
            }
            None => to.copy_from_slice(from),
        }
        to.iter().any(|w| *w != 0)
    }

    /// [`PathSet::step_at`] over a second name of the same key (a key renamed for what a
    /// detector found in it is matched under both), added to the set at `depth + 1`.
    pub(crate) fn also_at(&self, sets: &mut [u64], depth: usize, key: &str) {
        if let Some((from, to)) = Self::pair_at(sets, depth, self.words()) {
            self.step(from, key, to);
        }
    }

    /// The set at `depth` and the set after it.
    fn pair_at(sets: &mut [u64], depth: usize, words: usize) -> Option<(&[u64], &mut [u64])> {
        let (cur, next) = sets.split_at_mut_checked((depth + 1) * words)?;
        Some((cur.get(depth * words..)?, next.get_mut(..words)?))
    }

    /// Each state in order, for a front end that steps the same automaton itself
    /// ([`crate::Policy::path_plan`]); `None` when a pattern accepts anything but a rule's paths.
    pub(crate) fn rule_states(&self) -> Option<Vec<PathState<'_>>> {
        self.states
            .iter()
            .map(|s| match s {
                State::Step(Step::Key(k)) => Some(PathState::Key(k)),
                State::Step(Step::One) => Some(PathState::One),
                State::Step(Step::Any) => Some(PathState::Any),
                State::Accept(Target::Rule(_)) => Some(PathState::Accept),
                State::Accept(_) => None,
            })
            .collect()
    }

    /// Calls `f` with each target accepted by `set`.
    pub(crate) fn accepted(&self, set: &[u64], mut f: impl FnMut(Target)) {
        for (w, (a, b)) in set.iter().zip(&self.accepting).enumerate() {
            let mut m = a & b;
            while m != 0 {
                let s = w * 64 + m.trailing_zeros() as usize;
                m &= m - 1;
                if let Some(State::Accept(t)) = self.states.get(s) {
                    f(*t);
                }
            }
        }
    }
}

fn set_bit(set: &mut [u64], i: usize) {
    if let Some(w) = set.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

/// Iterates the bits set in both `a` and `b`.
fn bits_of_both<'s>(a: &'s [u64], b: &'s [u64]) -> impl Iterator<Item = usize> + 's {
    a.iter().zip(b).enumerate().flat_map(|(w, (&x, &y))| {
        let mut m = x & y;
        core::iter::from_fn(move || {
            if m == 0 {
                return None;
            }
            let b = m.trailing_zeros() as usize;
            m &= m - 1;
            Some(w * 64 + b)
        })
    })
}

/// Normalises a key name for `keys` globs: what a key looks like is what it means, so invisible
/// characters are dropped and full-width, homoglyph and mathematical letters read as the ASCII
/// letters they show (as the detectors' view reads them); words are split where camelCase
/// joins them (`accessToken`, `APIKey`: `access_token`, `api_key`); then lower case, each run
/// of other characters one `_`.
pub(crate) fn normalize_key(key: &str, out: &mut String) {
    out.clear();
    normalize_into(key, |c| c.is_alphanumeric(), out);
}

/// Normalises a glob the same way as keys, keeping `*` and `?`.
pub(crate) fn normalize_glob(glob: &str) -> String {
    let mut out = String::new();
    normalize_into(
        glob,
        |c| c.is_alphanumeric() || c == '*' || c == '?',
        &mut out,
    );
    out
}

/// `normalized` without its `_`: how a glob without `_` (`*password*`) also matches a key
/// whose words spell it (`Pass-Word`, `pass_word`).
pub(crate) fn join_words(normalized: &str, out: &mut String) {
    out.clear();
    out.extend(normalized.chars().filter(|&c| c != '_'));
}

/// A character as a key shows it: `None` for an invisible one.
fn shown(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c);
    }
    if is_ignorable(u32::from(c)) {
        return None;
    }
    Some(fold(c).map_or(c, char::from))
}

fn normalize_into(text: &str, keep: impl Fn(char) -> bool, out: &mut String) {
    let mut gap = false;
    // The last kept character, and the next two characters shown.
    let mut prev: Option<char> = None;
    let mut chars = text.chars().filter_map(shown).peekable();
    while let Some(c) = chars.next() {
        if !keep(c) {
            gap = true;
            continue;
        }
        // A word starts at an upper-case letter after a lower-case letter or a digit
        // (`accessToken`, `sha256Sum`), and at the last capital of a run followed by two
        // lower-case letters (`APIKey`; not `IDs`).
        let camel = c.is_uppercase()
            && prev.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_numeric()
                    || p.is_uppercase() && {
                        let mut ahead = chars.clone();
                        ahead.next().is_some_and(char::is_lowercase)
                            && ahead.next().is_some_and(char::is_lowercase)
                    }
            });
        if gap || camel {
            out.push('_');
            gap = false;
        }
        out.extend(c.to_lowercase());
        prev = Some(c);
    }
    if gap {
        out.push('_');
    }
}

/// Glob match over characters: `*` any run, `?` one character. Linear time (greedy with one
/// backtrack point), no allocation.
pub(crate) fn glob_match(glob: &str, text: &str) -> bool {
    let g = glob.as_bytes();
    let t = text.as_bytes();
    let (mut gi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match g.get(gi) {
            Some(b'*') => {
                star = Some((gi, ti));
                gi += 1;
                continue;
            }
            Some(b'?') => {
                // `?` is one character: skip a whole UTF-8 sequence.
                gi += 1;
                ti += utf8_len(t.get(ti).copied().unwrap_or(0));
                continue;
            }
            Some(&c) if t.get(ti) == Some(&c) => {
                gi += 1;
                ti += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sg, st)) => {
                let next = st + utf8_len(t.get(st).copied().unwrap_or(0));
                star = Some((sg, next));
                gi = sg + 1;
                ti = next;
            }
            None => return false,
        }
    }
    g.get(gi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == b'*'))
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, path: &[&str]) -> bool {
        let mut set = PathSet::default();
        set.add(parse_path(pattern).unwrap(), Target::Rule(0));
        set.finish();
        let mut cur = set.start().to_vec();
        for key in path {
            let mut next = vec![0; set.words()];
            set.step(&cur, key, &mut next);
            cur = next;
        }
        let mut hit = false;
        set.accepted(&cur, |_| hit = true);
        hit
    }

    #[test]
    fn path_patterns() {
        assert!(matches("user.email", &["user", "email"]));
        assert!(!matches("user.email", &["user", "email", "x"]));
        assert!(!matches("user.email", &["email"]));
        assert!(matches("**.email", &["email"]));
        assert!(matches("**.email", &["a", "b", "email"]));
        assert!(matches("a.*.c", &["a", "b", "c"]));
        assert!(!matches("a.*.c", &["a", "c"]));
        assert!(matches("a.**.c", &["a", "c"]));
        assert!(matches("a.**", &["a", "x", "y"]));
        assert!(matches("\"a.b\".c", &["a.b", "c"]));
        assert!(matches("**", &["z"]));
    }

    #[test]
    fn path_errors() {
        for bad in ["", "a..b", "a.", ".a", "a*b", "\"a", "\"a\"b", "$"] {
            assert!(parse_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn key_globs() {
        let mut n = String::new();
        normalize_key("DB-Password", &mut n);
        assert_eq!(n, "db_password");
        assert!(glob_match(&normalize_glob("*password*"), &n));
        normalize_key("password_hash", &mut n);
        assert!(glob_match("*password*", &n));
        normalize_key("apiKey", &mut n);
        assert_eq!(n, "api_key");
        for (key, want) in [
            ("accessToken", "access_token"),
            ("APIKey", "api_key"),
            ("userIDs", "user_ids"),
            ("sha256Sum", "sha256_sum"),
            ("HTTPServer", "http_server"),
            ("pass\u{200B}word", "password"),
            ("ｐａｓｓｗｏｒｄ", "password"),
            ("p\u{0430}ssword", "password"),
            ("__x", "_x"),
        ] {
            normalize_key(key, &mut n);
            assert_eq!(n, want, "{key}");
        }
        let mut joined = String::new();
        normalize_key("Pass-Word", &mut n);
        join_words(&n, &mut joined);
        assert_eq!(joined, "password");
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "abbc"));
        assert!(glob_match("*a*b*", "xxaxxbxx"));
        assert!(!glob_match("*a*b", "xxaxxbxx"));
    }
}
