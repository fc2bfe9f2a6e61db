//! What the compiler makes of the rules: compiled rules, key globs and detector entries.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use crate::action::{Action, expand_replacement};
use crate::context::Cond;
use crate::detect::Detector;

/// One compiled rule.
#[derive(Debug)]
pub(crate) struct Rule {
    pub id: String,
    pub action: Action,
    pub when: Option<Cond>,
    /// Detector indices this rule runs.
    pub detectors: Vec<u32>,
    pub has_scope: bool,
    /// Position when rules are ordered strongest first, then by id: lower wins.
    pub rank: u32,
    /// For the `redact` rule of a `[[retention]]`: its index (active only when expired).
    pub retention: Option<usize>,
    /// For a `replace` rule: the text it writes for a whole value, and that text as a JSON
    /// string (see `apply::stream`).
    pub replacement: Option<(Box<str>, Box<[u8]>)>,
}

/// The text a `replace` action writes for a whole value, and its JSON string; `None` for other
/// actions.
pub(crate) fn whole_replacement(action: &Action) -> Option<(Box<str>, Box<[u8]>)> {
    let Action::Replace { text } = action else {
        return None;
    };
    let mut s = String::new();
    expand_replacement(text, "value", &mut s);
    let mut json = Vec::with_capacity(s.len() + 2);
    crate::record::json::write_str(&s, &mut json).ok()?;
    Some((s.into_boxed_str(), json.into_boxed_slice()))
}

/// A `keys` glob, normalised as keys are ([`crate::policy::select::normalize_key`]).
#[derive(Debug)]
pub(crate) struct KeyGlob {
    pub glob: String,
    /// The glob has no `_`: it also matches a key whose words, joined, it matches (`*password*`
    /// matches `Pass-Word`).
    pub joined: bool,
    /// The rule it belongs to.
    pub rule: u32,
}

/// A built-in detector or a custom pattern, with its report name.
#[derive(Debug)]
pub(crate) struct DetectorEntry {
    /// Name in reports: the detector name, or `pattern:<rule id>`.
    pub name: String,
    /// What `{type}` and key placeholders say.
    pub type_name: alloc::borrow::Cow<'static, str>,
    pub detector: Detector,
    /// Rules (indices) that use this detector.
    pub rules: Vec<u32>,
    /// Position when detectors are ordered by name (ties between findings break on it).
    pub rank: u32,
}
