//! `person_name`: names of people in free text, for en, de, fr, es, it, nl, pt, pl, sv and tr,
//! deterministic and without a model: name statistics of each country (core/data/names, their
//! sources and licences in SOURCES.md), capitalisation, and cues (titles, greetings,
//! self-introductions, sign-offs) in each language.
//!
//! A run of capitalised words on one line (particles such as `van der`, `de la` between them)
//! is a name when:
//! - a title stands before it (`Mr`, `Frau`, `Mme`, `Sr.`, `Pan`, ...), or a self-introduction
//!   that names (`my name is`, `je m'appelle`, `me llamo`, `jag heter`, ...): its first three
//!   words, whatever they are;
//! - a greeting, another self-introduction (`I am`, `ich bin`), or a sign-off line above it
//!   (`Regards,` then the name on its own line) stands before it, and its first word is a name
//!   the lists know or the run has two words or more;
//! - or, with no cue, it starts with a given name that is no common word (`Mark`, `May`, `Paris`
//!   are) and has a second word.
//!
//! A run's first word that is no name and starts a sentence is dropped (`Yesterday John Smith`).
//! What is found is the name's words, not the title or the greeting.

use alloc::string::String;
use alloc::vec::Vec;

use super::person_fold::fold_name;

include!(concat!(env!("OUT_DIR"), "/names.rs"));

const GIVEN: u8 = 1;
const SURNAME: u8 = 2;
const AMBIGUOUS: u8 = 4;

/// The most words of a name.
const MAX_WORDS: usize = 4;

/// Words a greeting addresses that are no one's name (`Hi Team,`, `Hallo Welt!`), folded.
const GREETED_GROUPS: &[&str] = &[
    "team",
    "world",
    "all",
    "everyone",
    "everybody",
    "folks",
    "guys",
    "there",
    "customer",
    "customers",
    "sir",
    "sirs",
    "madam",
    "madame",
    "colleague",
    "colleagues",
    "friend",
    "friends",
    "members",
    "member",
    "users",
    "user",
    "partner",
    "partners",
    "support",
    "admin",
    "admins",
    "community",
    "people",
    "ladies",
    "gentlemen",
    "devs",
    "developers",
    "reviewers",
    "maintainers",
    "bot",
    "again",
    "back",
    "kollegen",
    "kollege",
    "kolleginnen",
    "zusammen",
    "welt",
    "leute",
    "alle",
    "tous",
    "monde",
    "equipe",
    "amis",
    "todos",
    "equipo",
    "amigos",
    "mundo",
    "tutti",
    "squadra",
    "amici",
    "iedereen",
    "allemaal",
    "wereld",
    "pessoal",
    "galera",
    "wszyscy",
    "zespol",
    "swiecie",
    "alla",
    "allihop",
    "varlden",
    "herkese",
    "arkadaslar",
    "ekip",
    "dunya",
    "clients",
    "client",
    "kunde",
    "kunden",
    "cliente",
    "clientes",
    "klant",
    "klanten",
    "klient",
    "kund",
    "musteri",
    "manager",
    "boss",
    "doctor",
    "yall",
    "hello",
    "hi",
    "hey",
];

/// Words written in lower case between the parts of a name.
const PARTICLES: &[&str] = &[
    "van", "der", "den", "de", "del", "della", "di", "da", "do", "dos", "das", "du", "des", "la",
    "le", "von", "zu", "ten", "ter", "bin", "ibn", "al", "el", "y", "e",
];

/// The flags of the name `key` (folded), 0 when the lists do not know it.
fn flags(key: &str) -> u8 {
    let mut lo = 0usize;
    let mut hi = NAME_ENDS.len();
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = mid
            .checked_sub(1)
            .and_then(|p| NAME_ENDS.get(p))
            .map_or(0, |&e| e as usize);
        let end = NAME_ENDS.get(mid).map_or(0, |&e| e as usize);
        let k = NAME_KEYS.get(start..end).unwrap_or("");
        match k.cmp(key) {
            core::cmp::Ordering::Less => lo = mid + 1,
            core::cmp::Ordering::Greater => hi = mid,
            core::cmp::Ordering::Equal => return NAME_FLAGS.get(mid).copied().unwrap_or(0),
        }
    }
    0
}

/// One word of the text.
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    /// An upper-case letter, then at least one lower-case letter (`McKenzie`, `O'Brien`).
    capitalised: bool,
    flags: u8,
    /// A particle (`van`, `de`).
    particle: bool,
    /// A line break or sentence punctuation (`.`, `!`, `?`, `:`, `;`) since the word before.
    after_break: bool,
    /// A comma since the word before.
    after_comma: bool,
    /// A line break since the word before (or the text's start).
    line_start: bool,
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic()
}

/// The words of `text`.
fn words(text: &str, key: &mut String) -> Vec<Word> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut brk = true;
    let mut comma = false;
    let mut line = true;
    while let Some((i, c)) = chars.next() {
        if !is_word_char(c) {
            match c {
                '\n' => {
                    brk = true;
                    line = true;
                }
                '.' | '!' | '?' | ':' | ';' | '(' | ')' | '"' | '[' | ']' | '{' | '}' | '<'
                | '>' | '|' | '/' | '\\' | '=' | '\u{201C}' | '\u{201D}' => brk = true,
                ',' => comma = true,
                _ => {}
            }
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        let mut upper_first = c.is_uppercase();
        let mut lower = false;
        let mut digits_or_odd = false;
        while let Some(&(j, d)) = chars.peek() {
            if is_word_char(d) {
                lower |= d.is_lowercase();
                end = j + d.len_utf8();
                chars.next();
            } else if matches!(d, '\'' | '\u{2019}' | '-') {
                // Inside a word only when a letter follows (`O'Brien`, `Jean-Luc`).
                let mut ahead = chars.clone();
                ahead.next();
                if ahead.peek().is_some_and(|&(_, e)| is_word_char(e)) {
                    chars.next();
                } else {
                    break;
                }
            } else if d.is_ascii_digit() || d == '_' || d == '@' {
                digits_or_odd = true;
                chars.next();
                end = j + d.len_utf8();
            } else {
                break;
            }
        }
        if digits_or_odd {
            // `user_name`, `v2`, an address: not a word of a name.
            upper_first = false;
        }
        let w = text.get(start..end).unwrap_or("");
        key.clear();
        fold_name(w, key);
        let particle = !upper_first && PARTICLES.contains(&key.as_str()) && w.is_ascii();
        out.push(Word {
            start,
            end,
            capitalised: upper_first && lower,
            flags: if upper_first { flags(key) } else { 0 },
            particle,
            after_break: brk,
            after_comma: comma,
            line_start: line,
        });
        brk = false;
        comma = false;
        line = false;
    }
    out
}

/// What stands before a run of capitalised words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Cue {
    None,
    /// A self-introduction such as `I am`, a sign-off or label line above.
    Weak,
    /// A greeting (`Hi`, `Ciao`, `Cześć`): also a single word after it that ends the phrase
    /// (`Ciao Divo,`), unless it is a word one greets groups or things with (`Hi Team`).
    Greeting,
    /// A title, or a self-introduction that names.
    Strong,
}

/// Whether the words before `at` (folded, on its line, in order) end with `phrase`.
fn ends_with_phrase(text: &str, words: &[Word], at: usize, phrase: &str, key: &mut String) -> bool {
    let parts: Vec<&str> = phrase.split(' ').collect();
    if parts.len() > at {
        return false;
    }
    for (k, part) in parts.iter().rev().enumerate() {
        let Some(w) = at.checked_sub(k + 1).and_then(|i| words.get(i)) else {
            return false;
        };
        // A phrase stays within its line.
        if k + 1 < parts.len() && w.line_start {
            return false;
        }
        key.clear();
        fold_name(text.get(w.start..w.end).unwrap_or(""), key);
        if key != part {
            return false;
        }
    }
    true
}

/// The cue before the word at `at`; `line_before` is the line above the text's first line (a
/// text stream's), or empty.
fn cue(text: &str, words: &[Word], at: usize, line_before: Option<&str>, key: &mut String) -> Cue {
    let Some(first) = words.get(at) else {
        return Cue::None;
    };
    if !first.line_start {
        let any = |list: &[&str], key: &mut String| {
            list.iter()
                .any(|p| ends_with_phrase(text, words, at, p, key))
        };
        if any(TITLES, key) || any(STRONG_INTROS, key) {
            return Cue::Strong;
        }
        // `I'm` folds to `im`, which is German for `in the`: not a cue.
        if any(GREETINGS, key) {
            return Cue::Greeting;
        }
        // One-letter titles with their dot: French `M.`, Spanish `D.` (Don).
        if let Some(prev) = at.checked_sub(1).and_then(|p| words.get(p))
            && matches!(text.get(prev.start..prev.end), Some("M" | "D"))
            && text.get(prev.end..first.start) == Some(". ")
        {
            return Cue::Strong;
        }
        if INTROS
            .iter()
            .any(|p| *p != "im" && ends_with_phrase(text, words, at, p, key))
        {
            return Cue::Weak;
        }
    }
    // A name on a line of its own, under a sign-off (`Best regards,`) or a label line
    // (`Ship to:`, `Teslimat adresi:`): the line above in this text, or, on its first line, the
    // line a text stream released before it.
    if let (true, Some(line_before)) = (first.line_start, line_before) {
        let before = text.get(..first.start).unwrap_or("");
        let above = match before
            .trim_end_matches([' ', '\t', '\r'])
            .strip_suffix('\n')
        {
            Some(head) => head.rsplit('\n').next().unwrap_or(""),
            None if before.trim().is_empty() => line_before,
            None => "",
        };
        if line_above_cues(above, key) {
            return Cue::Weak;
        }
    }
    Cue::None
}

/// Whether `line` (the line above a name) is a label (ends with `:`) or a sign-off.
fn line_above_cues(line: &str, key: &mut String) -> bool {
    let line = line.trim_end_matches([' ', '\t', '\r']);
    if line.ends_with(':') {
        return true;
    }
    key.clear();
    fold_name(line, key);
    let words: String = key
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let mut phrase = String::new();
    for w in words.split_whitespace() {
        if !phrase.is_empty() {
            phrase.push(' ');
        }
        phrase.push_str(w);
    }
    !phrase.is_empty() && CLOSERS.contains(&phrase.as_str())
}

/// Whether a key (as `catalog::fold_key` writes it: `customer name`) is one a person's name is
/// stored under.
pub(crate) fn is_person_key(folded: &str) -> bool {
    PERSON_KEYS.binary_search(&folded).is_ok()
}

/// Appends the spans of names in `b` (the normalised view, UTF-8).
pub(crate) fn find_person_names(b: &[u8], out: &mut Vec<(usize, usize)>) {
    find_person_names_under(b, false, Some(""), out);
}

/// [`find_person_names`] of a value stored under a key such as `customer_name` (`person_key`):
/// there a run of capitalised words with a word the lists know is a name. `line_before` is the
/// line above the text's first line, when a text stream released it before; `None` takes no
/// cue from lines above at all (a rescan of masked text).
pub(crate) fn find_person_names_under(
    b: &[u8],
    person_key: bool,
    line_before: Option<&str>,
    out: &mut Vec<(usize, usize)>,
) {
    let Ok(text) = core::str::from_utf8(b) else {
        return;
    };
    if !text.chars().any(char::is_uppercase) {
        return;
    }
    let mut key = String::new();
    let words = words(text, &mut key);
    let mut i = 0;
    while i < words.len() {
        let Some(w) = words.get(i) else { break };
        if !w.capitalised {
            i += 1;
            continue;
        }
        // The run: capitalised words, particles between them, on one line, no punctuation.
        let mut run = alloc::vec![i];
        let mut j = i + 1;
        while let Some(n) = words.get(j) {
            if n.after_break || n.after_comma || n.line_start {
                break;
            }
            if n.capitalised {
                run.push(j);
                j += 1;
            } else if n.particle {
                // Particles (`van der`), then a capitalised word on the same stretch.
                let mut k = j;
                while words
                    .get(k)
                    .is_some_and(|m| m.particle && !m.after_break && !m.after_comma)
                {
                    k += 1;
                }
                if words.get(k).is_some_and(|m| {
                    m.capitalised && !m.after_break && !m.after_comma && !m.line_start
                }) && k - j <= 2
                {
                    j = k;
                } else {
                    break;
                }
            } else {
                break;
            }
            if run.len() == MAX_WORDS {
                break;
            }
        }
        let next = j.max(i + 1);
        // A title or a greeting is no name (`Madame, Monsieur`).
        key.clear();
        fold_name(text.get(w.start..w.end).unwrap_or(""), &mut key);
        if TITLES.contains(&key.as_str()) || GREETINGS.contains(&key.as_str()) {
            i += 1;
            continue;
        }
        let c = cue(text, &words, i, line_before, &mut key);
        // A sentence's first word that no list knows is not the name's (`Yesterday John`).
        if c == Cue::None && w.after_break && w.flags == 0 && run.len() > 1 {
            i += 1;
            continue;
        }
        let first = w.flags;
        let known = |f: u8| f & (GIVEN | SURNAME) != 0;
        let take = match c {
            Cue::Strong => run.len().min(3),
            Cue::Weak | Cue::Greeting if known(first) || run.len() >= 2 => run.len().min(3),
            // `Ciao Divo,`: one word that ends the greeting's phrase.
            Cue::Greeting
                if run.len() == 1
                    && words
                        .get(i + 1)
                        .is_none_or(|n| n.after_comma || n.after_break || n.line_start)
                    && {
                        key.clear();
                        fold_name(text.get(w.start..w.end).unwrap_or(""), &mut key);
                        !GREETED_GROUPS.contains(&key.as_str())
                    } =>
            {
                1
            }
            Cue::Weak | Cue::Greeting => 0,
            Cue::None
                if person_key
                    && run
                        .iter()
                        .any(|&k| words.get(k).is_some_and(|x| known(x.flags))) =>
            {
                run.len().min(3)
            }
            Cue::None => {
                let second = run
                    .get(1)
                    .and_then(|&k| words.get(k))
                    .map_or(0, |s| s.flags);
                let given = first & GIVEN != 0 && first & AMBIGUOUS == 0;
                let ambiguous_given = first & GIVEN != 0 && first & AMBIGUOUS != 0;
                if run.len() >= 2
                    && (given
                        || (ambiguous_given && second & SURNAME != 0 && second & AMBIGUOUS == 0))
                {
                    run.len()
                } else {
                    0
                }
            }
        };
        if take > 0 {
            let last = run.get(take - 1).and_then(|&k| words.get(k));
            if let Some(last) = last {
                out.push((w.start, last.end));
            }
            i = run.get(take - 1).map_or(next, |&k| k + 1);
            continue;
        }
        i = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        find_person_names(text.as_bytes(), &mut out);
        out.iter().map(|&(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn names_with_and_without_cues() {
        assert_eq!(
            names("Hi, I am John Smith from Springfield."),
            ["John Smith"]
        );
        assert_eq!(names("Dear Mr. Xylo, thanks"), ["Xylo"]);
        assert_eq!(
            names("Hallo, ich heiße Gustav Neimke und wohne"),
            ["Gustav Neimke"]
        );
        assert_eq!(
            names("je m'appelle Boniface Dumont, j'habite"),
            ["Boniface Dumont"]
        );
        assert_eq!(
            names("ik heet Filou van der Pol en ik"),
            ["Filou van der Pol"]
        );
        assert_eq!(names("Best regards,\nJane Doe"), ["Jane Doe"]);
        assert_eq!(names("Yesterday Michael Jordan called"), ["Michael Jordan"]);
        assert_eq!(
            names("merhaba, benim adım Bilgeışbara Poçan, adresim"),
            ["Bilgeışbara Poçan"]
        );
        assert_eq!(names("Ciao Divo, ci vediamo giovedì?"), ["Divo"]);
        assert_eq!(names("Bonjour M. Barre,\nveuillez trouver"), ["Barre"]);
        assert_eq!(names("Dr. Karadaş, 17/03/2018 tarihli fatura"), ["Karadaş"]);
    }

    #[test]
    fn look_alikes_are_not_names() {
        for text in [
            "Hello World, this is the Main Street release.",
            "In May we will Mark the release; Will it ship?",
            "The Python Software Foundation and Visual Studio Code.",
            "Paris and Berlin are cities. March 2024 was busy.",
            "Dear Customer, your order shipped.",
            "Hi Team, the build is green.",
            "Hallo Welt! Hi There, Hello Everyone.",
            "Ciao a tutti, il rilascio e pronto.",
        ] {
            assert!(names(text).is_empty(), "{text}: {:?}", names(text));
        }
    }
}
