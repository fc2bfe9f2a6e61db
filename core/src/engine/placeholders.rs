//! Numbered placeholders (`action = "placeholder"`): `<EMAIL_1>`, `<PERSON_2>`. The same value
//! of the same type gets the same number within one record, or within a [`Session`] the caller
//! keeps for a conversation, which can put the values back into a text (`restore`): an LLM's
//! answer that quotes the placeholders it was given.
//!
//! Numbers count per type from 1, in the order the walk meets values (object members in their
//! order, text left to right): every front end walks in that order, so every front end writes
//! the same numbers. A value is its text as written (two spellings are two values).

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;

use crate::policy::Policy;

/// The longest type a placeholder template reads back (`{TYPE}`), and the most digits of `{n}`.
const TYPE_MAX: usize = 64;
const DIGITS_MAX: usize = 9;

/// What a template's variable part is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Var {
    /// `{TYPE}`: the type in upper case (`EMAIL`, `PERSON_NAME`).
    Upper,
    /// `{type}`: the type as named (`email`, `person_name`).
    Lower,
    /// `{n}`: the number.
    N,
}

/// A compiled placeholder template: literal pieces around at most one type and exactly one
/// number, such as `<{TYPE}_{n}>` (the default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Literal text, then a variable, then literal text, ...: `lits.len() == vars.len() + 1`.
    pub(crate) lits: Vec<String>,
    pub(crate) vars: Vec<Var>,
    pub(crate) source: String,
}

/// The default template.
pub const DEFAULT_TEMPLATE: &str = "<{TYPE}_{n}>";

impl Template {
    /// Parses a template; the error says what is wrong (for a policy error).
    pub(crate) fn parse(source: &str) -> Result<Self, &'static str> {
        if source.len() > 64 {
            return Err("is longer than 64 bytes");
        }
        let mut lits = Vec::new();
        let mut vars = Vec::new();
        let mut lit = String::new();
        let mut rest = source;
        while let Some(i) = rest.find('{') {
            lit.push_str(rest.get(..i).unwrap_or(""));
            let tail = rest.get(i..).unwrap_or("");
            let (var, len) = if tail.starts_with("{TYPE}") {
                (Var::Upper, 6)
            } else if tail.starts_with("{type}") {
                (Var::Lower, 6)
            } else if tail.starts_with("{n}") {
                (Var::N, 3)
            } else {
                return Err("has a `{` that starts none of `{TYPE}`, `{type}`, `{n}`");
            };
            lits.push(core::mem::take(&mut lit));
            vars.push(var);
            rest = tail.get(len..).unwrap_or("");
        }
        lit.push_str(rest);
        lits.push(lit);
        if lits.iter().any(|l| l.contains('}')) {
            return Err("has a `}` outside `{TYPE}`, `{type}` or `{n}`");
        }
        if vars.iter().filter(|&&v| v == Var::N).count() != 1 {
            return Err("must hold `{n}` exactly once");
        }
        if vars.len() > 2 {
            return Err("may hold the type once (`{TYPE}` or `{type}`) besides `{n}`");
        }
        if lits.first().is_none_or(String::is_empty) || lits.last().is_none_or(String::is_empty) {
            return Err("must start and end with literal text (as `<{TYPE}_{n}>` does)");
        }
        if vars.len() == 2 && lits.get(1).is_none_or(String::is_empty) {
            return Err("needs literal text between the type and `{n}`");
        }
        if lits
            .iter()
            .flat_map(|l| l.chars())
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err("may not hold spaces or control characters");
        }
        Ok(Self {
            lits,
            vars,
            source: String::from(source),
        })
    }

    /// The template as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the template writes the type (`{TYPE}` or `{type}`).
    pub(crate) fn has_type(&self) -> bool {
        self.vars.iter().any(|v| *v != Var::N)
    }

    /// The number in `text`, a placeholder of this template (any type).
    pub(crate) fn number_of(&self, text: &str) -> Option<u32> {
        let mut rest = text.as_bytes();
        let mut n = None;
        for (i, lit) in self.lits.iter().enumerate() {
            rest = rest.strip_prefix(lit.as_bytes())?;
            match self.vars.get(i) {
                Some(Var::N) => {
                    let k = rest
                        .iter()
                        .take(DIGITS_MAX)
                        .take_while(|c| c.is_ascii_digit())
                        .count();
                    n = core::str::from_utf8(rest.get(..k)?).ok()?.parse().ok();
                    rest = rest.get(k..)?;
                }
                Some(_) => {
                    // The type: up to the next literal (the templates put one after it).
                    let next = self.lits.get(i + 1)?.as_bytes();
                    let k = rest.windows(next.len()).position(|w| w == next)?;
                    rest = rest.get(k..)?;
                }
                None => {}
            }
        }
        if rest.is_empty() { n } else { None }
    }

    /// Writes the placeholder for type `ty` and number `n`.
    pub(crate) fn write(&self, ty: &str, n: u32, out: &mut String) {
        for (i, lit) in self.lits.iter().enumerate() {
            out.push_str(lit);
            match self.vars.get(i) {
                Some(Var::Upper) => out.extend(ty.chars().map(|c| c.to_ascii_uppercase())),
                Some(Var::Lower) => out.push_str(ty),
                Some(Var::N) => {
                    let _ = write!(out, "{n}");
                }
                None => {}
            }
        }
    }

    /// The length of a placeholder of this template at the start of `b`, if one is there
    /// (any type of the template's alphabet, any number).
    pub(crate) fn len_at(&self, b: &[u8]) -> Option<usize> {
        self.match_from(b, 0, 0)
    }

    /// Whether `text` is exactly a placeholder this template writes for type `ty` (any
    /// number).
    pub(crate) fn is_of(&self, text: &str, ty: &str) -> bool {
        let mut rest = text.as_bytes();
        for (i, lit) in self.lits.iter().enumerate() {
            let Some(after) = rest.strip_prefix(lit.as_bytes()) else {
                return false;
            };
            rest = after;
            match self.vars.get(i) {
                Some(Var::Upper) => {
                    if rest.len() < ty.len()
                        || !rest
                            .iter()
                            .zip(ty.bytes())
                            .all(|(&a, b)| a == b.to_ascii_uppercase())
                    {
                        return false;
                    }
                    rest = rest.get(ty.len()..).unwrap_or(&[]);
                }
                Some(Var::Lower) => match rest.strip_prefix(ty.as_bytes()) {
                    Some(after) => rest = after,
                    None => return false,
                },
                Some(Var::N) => {
                    let n = rest
                        .iter()
                        .take(DIGITS_MAX)
                        .take_while(|c| c.is_ascii_digit())
                        .count();
                    if n == 0 {
                        return false;
                    }
                    rest = rest.get(n..).unwrap_or(&[]);
                }
                None => {}
            }
        }
        rest.is_empty()
    }

    fn match_from(&self, b: &[u8], piece: usize, at: usize) -> Option<usize> {
        let lit = self.lits.get(piece)?.as_bytes();
        let at = if b.get(at..)?.starts_with(lit) {
            at + lit.len()
        } else {
            return None;
        };
        let Some(var) = self.vars.get(piece) else {
            return Some(at);
        };
        let rest = b.get(at..).unwrap_or(&[]);
        let (ok, max): (fn(u8) -> bool, usize) = match var {
            Var::Upper => (
                |c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_',
                TYPE_MAX,
            ),
            Var::Lower => (
                |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b':',
                TYPE_MAX,
            ),
            Var::N => (|c| c.is_ascii_digit(), DIGITS_MAX),
        };
        let run = rest.iter().take(max).take_while(|&&c| ok(c)).count();
        // The longest run that lets the rest match (a type may end in `_`, as the separator
        // does): at most 64 tries, each a literal comparison and a bounded run.
        (1..=run)
            .rev()
            .find_map(|k| self.match_from(b, piece + 1, at + k))
    }
}

/// The numbers given so far: per type and value, and the next per type; and, for a session,
/// the values behind the placeholders it issued.
#[derive(Default, Clone)]
pub struct Placeholders {
    numbers: BTreeMap<(String, String), u32>,
    next: BTreeMap<String, u32>,
    /// Placeholder text to value (kept by a session only, for `restore`).
    issued: BTreeMap<String, String>,
    /// Numbers (per counter) that placeholders in the data already hold.
    reserved: alloc::collections::BTreeSet<(String, u32)>,
    /// Numbers last beyond one record (a session, or a text stream).
    pub(crate) keep: bool,
    /// Keep `issued` (a session).
    remember: bool,
}

impl core::fmt::Debug for Placeholders {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Values are data: counts only.
        f.debug_struct("Placeholders")
            .field("values", &self.numbers.len())
            .finish_non_exhaustive()
    }
}

impl Placeholders {
    /// Forgets the numbers of the last record (unless they are kept across records).
    pub(crate) fn new_record(&mut self) {
        if !self.keep {
            self.numbers.clear();
            self.next.clear();
            self.reserved.clear();
        }
    }

    /// Notes that the data holds `text`, a placeholder `template` writes for `ty`: its number is
    /// not issued again for another value.
    pub(crate) fn reserve(&mut self, template: &Template, ty: &str, text: &str) {
        if let Some(n) = template.number_of(text) {
            let counter = if template.has_type() { ty } else { "" };
            self.reserved.insert((String::from(counter), n));
        }
    }

    /// Writes the placeholder for `value` of type `ty` with `template`: the number `value` got
    /// before, or the next one of its type.
    pub(crate) fn write(&mut self, template: &Template, ty: &str, value: &str, out: &mut String) {
        // A template that does not write the type numbers every type together: two types must
        // never write the same placeholder.
        let counter = if template.has_type() { ty } else { "" };
        let key = (String::from(counter), String::from(value));
        let n = match self.numbers.get(&key) {
            Some(&n) => n,
            None => {
                let next = self.next.entry(String::from(counter)).or_insert(0);
                *next = next.saturating_add(1);
                // Numbers that text already holds as placeholders are skipped: an issued one
                // never equals one that came in with the data.
                while self.reserved.contains(&(String::from(counter), *next)) {
                    *next = next.saturating_add(1);
                }
                let n = *next;
                self.numbers.insert(key, n);
                n
            }
        };
        let from = out.len();
        template.write(ty, n, out);
        if self.remember {
            let text = String::from(out.get(from..).unwrap_or(""));
            self.issued
                .entry(text)
                .or_insert_with(|| String::from(value));
        }
    }
}

/// Placeholder numbers kept for a conversation: the same value gets the same placeholder in
/// every record and text masked with the session, and [`Session::restore`] puts the values back
/// into a text (only placeholders this session issued). It holds the values it numbered, so it
/// is the caller's to keep and drop; `Debug` shows counts only.
#[derive(Debug, Clone)]
pub struct Session {
    pub(crate) placeholders: Placeholders,
    templates: Vec<Template>,
}

impl Policy {
    /// A new session for this policy's placeholder rules.
    #[must_use]
    pub fn session(&self) -> Session {
        let mut templates: Vec<Template> = Vec::new();
        for t in self.placeholder_templates() {
            if !templates.contains(t) {
                templates.push(t.clone());
            }
        }
        Session {
            placeholders: Placeholders {
                keep: true,
                remember: true,
                ..Placeholders::default()
            },
            templates,
        }
    }

    /// The templates of the policy's placeholder rules.
    pub(crate) fn placeholder_templates(&self) -> impl Iterator<Item = &Template> {
        self.rules.iter().filter_map(|r| match &r.action {
            crate::action::Action::Placeholder { template, .. } => Some(template),
            _ => None,
        })
    }
}

impl Session {
    /// `text` with every placeholder this session issued replaced by its value; anything else
    /// (placeholders of other sessions, look-alikes) is left as it is.
    #[must_use]
    pub fn restore(&self, text: &str) -> String {
        let b = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        let mut i = 0;
        while i < b.len() {
            let found = self.templates.iter().find_map(|t| {
                let len = t.len_at(b.get(i..).unwrap_or(&[]))?;
                let value = self.placeholders.issued.get(text.get(i..i + len)?)?;
                Some((len, value))
            });
            match found {
                Some((len, value)) => {
                    out.push_str(text.get(last..i).unwrap_or(""));
                    out.push_str(value);
                    i += len;
                    last = i;
                }
                None => i += 1,
            }
        }
        out.push_str(text.get(last..).unwrap_or(""));
        out
    }

    /// How many distinct values the session has numbered.
    #[must_use]
    pub fn len(&self) -> usize {
        self.placeholders.issued.len()
    }

    /// Whether the session has numbered nothing yet.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.placeholders.issued.is_empty()
    }

    /// The numbers, moved into a run that masks with this session (given back by
    /// [`Session::put_back`]).
    pub(crate) fn take(&mut self) -> Placeholders {
        core::mem::take(&mut self.placeholders)
    }

    pub(crate) fn put_back(&mut self, p: Placeholders) {
        self.placeholders = p;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_write_and_read_back() {
        let t = Template::parse(DEFAULT_TEMPLATE).unwrap();
        let mut s = String::new();
        t.write("person_name", 12, &mut s);
        assert_eq!(s, "<PERSON_NAME_12>");
        assert_eq!(t.len_at(s.as_bytes()), Some(s.len()));
        assert_eq!(t.len_at(b"<PERSON_NAME_12> tail"), Some(16));
        assert_eq!(t.len_at(b"<PERSON_NAME_>"), None);
        assert_eq!(t.len_at(b"<person_1>"), None);
        assert!(t.is_of("<PERSON_NAME_12>", "person_name"));
        assert!(!t.is_of("<PERSON_NAME_12>", "person"));
        assert!(!t.is_of("<EMAIL_1>x", "email"));
        let t = Template::parse("[{type}#{n}]").unwrap();
        assert_eq!(t.len_at(b"[email#3]"), Some(9));
        for bad in [
            "<{n}",
            "{TYPE}_{n}>",
            "<{TYPE}{n}>",
            "<{x}_{n}>",
            "<{TYPE}>",
            "< {n}>",
            "<{n}_{n}>",
        ] {
            assert!(Template::parse(bad).is_err(), "{bad}");
        }
        assert!(Template::parse("<{n}>").is_ok());
    }

    #[test]
    fn numbers_per_type_and_value() {
        let t = Template::parse(DEFAULT_TEMPLATE).unwrap();
        let mut p = Placeholders::default();
        let mut out = String::new();
        for (ty, v) in [
            ("email", "a"),
            ("email", "b"),
            ("email", "a"),
            ("person", "a"),
        ] {
            p.write(&t, ty, v, &mut out);
            out.push(' ');
        }
        assert_eq!(out, "<EMAIL_1> <EMAIL_2> <EMAIL_1> <PERSON_1> ");
        p.new_record();
        out.clear();
        p.write(&t, "email", "b", &mut out);
        assert_eq!(out, "<EMAIL_1>");
    }
}
