//! Compiling a [`PolicyDoc`] into an immutable [`Policy`].

use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt::Write as _;
use hmac::{Hmac, Mac};
use regex_automata::meta::Regex;
use regex_automata::util::syntax;
use sha2::{Digest, Sha256};

use crate::action::{Action, DEFAULT_REPLACEMENT, HashKey, Precision, expand_replacement};
use crate::detect::{BUILTIN, Detector, Kind};
use crate::error::{ErrorKind, PolicyError};
use crate::model::{LimitsDoc, PolicyDoc, RuleDoc, WhenDoc};
use crate::parse::{self, Seg, Source, error_at};
use crate::records::{self, Access, Retention};
use crate::select::{PathSet, Step, Target, normalize_glob, parse_path};
use crate::summarize::{self, SummarizeRule};

/// A context condition (`when`), compiled.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cond {
    pub roles_any: Option<Vec<String>>,
    pub roles_none: Option<Vec<String>>,
    pub purposes: Option<Vec<String>>,
    pub types: Option<Vec<String>>,
}

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
fn whole_replacement(action: &Action) -> Option<(Box<str>, Box<[u8]>)> {
    let Action::Replace { text } = action else {
        return None;
    };
    let mut s = String::new();
    expand_replacement(text, "value", &mut s);
    let mut json = Vec::with_capacity(s.len() + 2);
    crate::json::write_str(&s, &mut json).ok()?;
    Some((s.into_boxed_str(), json.into_boxed_slice()))
}

/// A `keys` glob, normalised as keys are ([`crate::select::normalize_key`]).
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
    pub type_name: &'static str,
    pub detector: Detector,
    /// Rules (indices) that use this detector.
    pub rules: Vec<u32>,
    /// Position when detectors are ordered by name (ties between findings break on it).
    pub rank: u32,
}

/// The limits in force, from `[limits]`.
pub type Limits = LimitsDoc;

/// A compiled policy: immutable, `Send + Sync`, cheap to share. Applying it never fails.
#[derive(Debug)]
pub struct Policy {
    pub(crate) doc: PolicyDoc,
    pub(crate) id: String,
    pub(crate) rules: Vec<Rule>,
    pub(crate) paths: PathSet,
    /// Normalised key globs and the rule each belongs to.
    pub(crate) key_globs: Vec<KeyGlob>,
    pub(crate) detectors: Vec<DetectorEntry>,
    pub(crate) keys: Vec<HashKey>,
    /// `(name, env)` of each key, same order as `keys`.
    pub(crate) key_names: Vec<(String, String)>,
    /// Sorted literal placeholders this policy writes (replacements, expanded).
    pub(crate) placeholders: Vec<String>,
    pub(crate) allow_values: Vec<String>,
    pub(crate) retention: Vec<Retention>,
    pub(crate) access: Option<Access>,
    pub(crate) summaries: Vec<SummarizeRule>,
    pub(crate) plugins: Vec<crate::plugins::PluginSpec>,
    /// The host runs `plugins` (see [`Policy::with_plugins_attached`]).
    pub(crate) plugins_attached: bool,
    /// No detector of the policy matches across a line break, but `private_key` (held whole
    /// by [`crate::TextStream`]): no custom pattern can match one or is anchored to the ends of
    /// the text, and no plugin detects.
    pub(crate) text_line_local: bool,
}

const ACTIONS: &str = "redact, nullify, replace, hash, generalize, partial";

pub(crate) fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
}

impl Policy {
    /// Reads and compiles a TOML policy.
    ///
    /// # Errors
    /// A [`PolicyError`] with line, column, rule id and help when the policy is not valid.
    pub fn from_toml(text: &str) -> Result<Self, PolicyError> {
        let (doc, source) = parse::from_toml(text)?;
        Self::compile(doc, &source)
    }

    /// Reads and compiles a JSON policy (the same document model as TOML).
    ///
    /// # Errors
    /// A [`PolicyError`] with line, column, rule id and help when the policy is not valid.
    pub fn from_json(text: &str) -> Result<Self, PolicyError> {
        let (doc, source) = parse::from_json(text)?;
        Self::compile(doc, &source)
    }

    /// Compiles an already parsed document (errors then carry a document path, no line).
    ///
    /// # Errors
    /// A [`PolicyError`] when the document is not valid.
    pub fn from_doc(doc: PolicyDoc) -> Result<Self, PolicyError> {
        let text = serde_json::to_string(&doc).unwrap_or_default();
        let source = Source::Json(&text);
        Self::compile(doc, &source)
    }

    fn compile(doc: PolicyDoc, src: &Source<'_>) -> Result<Self, PolicyError> {
        let err = |path: &[Seg], kind, msg: String, help: &str, id: &str| {
            error_at(src, path, kind, msg, help, id)
        };
        if doc.version != 1 {
            return Err(err(
                &[Seg::Key("version")],
                ErrorKind::Version,
                format!("policy language version `{}` is not supported", doc.version),
                "write `version = 1`",
                "",
            ));
        }
        if doc.name.trim().is_empty() {
            return Err(err(
                &[Seg::Key("name")],
                ErrorKind::InvalidValue,
                String::from("the policy `name` is empty"),
                "give the policy a name; it appears in every report",
                "",
            ));
        }
        check_limits(&doc.limits, src)?;

        // Keys.
        let mut keys = Vec::new();
        let mut key_names = Vec::new();
        for (name, k) in &doc.key {
            let at = [Seg::Key("key")];
            if !is_id(&k.id) {
                return Err(err(
                    &at,
                    ErrorKind::Key,
                    format!(
                        "key `{name}` has the id `{}`, which is not a plain id",
                        k.id
                    ),
                    "use letters, digits, `_`, `-` or `.` for a key id, such as `k1`",
                    name,
                ));
            }
            if k.env.trim().is_empty() {
                return Err(err(
                    &at,
                    ErrorKind::Key,
                    format!("key `{name}` names no environment variable"),
                    "set `env` to the variable that holds the key material, such as `TAMIS_HASH_KEY`",
                    name,
                ));
            }
            keys.push(HashKey {
                id: k.id.clone(),
                mac: None,
            });
            key_names.push((name.clone(), k.env.clone()));
        }

        // Rules.
        let mut paths = PathSet::default();
        let mut rules: Vec<Rule> = Vec::new();
        let mut key_globs = Vec::new();
        let mut detectors: Vec<DetectorEntry> = Vec::new();
        let mut text_line_local = true;
        let mut placeholders: Vec<String> = vec![String::from(DEFAULT_REPLACEMENT)];
        let mut seen_ids: Vec<&str> = Vec::new();
        for (i, r) in doc.rules.iter().enumerate() {
            let idx = u32::try_from(i).map_err(|_| {
                PolicyError::new(ErrorKind::Limit, "too many rules").help("split the policy")
            })?;
            let here = |field: &'static str| [Seg::Key("rule"), Seg::Index(i), Seg::Key(field)];
            let item = |field: &'static str, j: usize| {
                [
                    Seg::Key("rule"),
                    Seg::Index(i),
                    Seg::Key(field),
                    Seg::Index(j),
                ]
            };
            if !is_id(&r.id) {
                return Err(err(
                    &here("id"),
                    ErrorKind::InvalidValue,
                    format!(
                        "rule {} has the id `{}`, which is not a plain id",
                        i + 1,
                        r.id
                    ),
                    "use letters, digits, `_`, `-` or `.`, such as `email-fields`",
                    &r.id,
                ));
            }
            if seen_ids.contains(&r.id.as_str()) {
                return Err(err(
                    &here("id"),
                    ErrorKind::DuplicateId,
                    format!("the rule id `{}` is used twice", r.id),
                    "give each rule its own id; reports count hits by id",
                    &r.id,
                ));
            }
            seen_ids.push(&r.id);
            let action = compile_action(r, i, &doc, src)?;
            let spans_only = !r.detect.is_empty() || r.pattern.is_some();
            if r.paths.is_empty() && r.keys.is_empty() && !spans_only {
                return Err(err(
                    &[Seg::Key("rule"), Seg::Index(i)],
                    ErrorKind::Selector,
                    format!("rule `{}` selects nothing", r.id),
                    "add `paths`, `keys`, `detect` or `pattern`",
                    &r.id,
                ));
            }
            if matches!(action, Action::Generalize { .. }) && spans_only {
                return Err(err(
                    &here("action"),
                    ErrorKind::Action,
                    String::from("`generalize` cannot apply to spans found in text"),
                    "use `generalize` with `paths` or `keys` only; mask detector findings with \
                     `replace`, `hash`, `partial`, `nullify` or `redact`",
                    &r.id,
                ));
            }
            if !spans_only && (!r.scope.is_empty() || !r.except.is_empty()) {
                return Err(err(
                    &here(if r.scope.is_empty() {
                        "except"
                    } else {
                        "scope"
                    }),
                    ErrorKind::Selector,
                    String::from("`scope` and `except` only narrow `detect` and `pattern`"),
                    "remove them, or add `detect`/`pattern` to the rule",
                    &r.id,
                ));
            }
            for (j, p) in r.paths.iter().enumerate() {
                paths.add(
                    compile_path(p, src, ("rule", "paths"), i, j, &r.id)?,
                    Target::Rule(idx),
                );
            }
            for (j, p) in r.scope.iter().enumerate() {
                paths.add(
                    compile_path(p, src, ("rule", "scope"), i, j, &r.id)?,
                    Target::Scope(idx),
                );
            }
            for (j, p) in r.except.iter().enumerate() {
                paths.add(
                    compile_path(p, src, ("rule", "except"), i, j, &r.id)?,
                    Target::Except(idx),
                );
            }
            for (j, g) in r.keys.iter().enumerate() {
                let norm = normalize_glob(g);
                if norm.is_empty() || norm.chars().all(|c| c == '_') {
                    return Err(err(
                        &item("keys", j),
                        ErrorKind::Selector,
                        format!("the key glob `{g}` has no letters, digits or `*`"),
                        "write a key name such as `password`, or a glob such as `*token*`",
                        &r.id,
                    ));
                }
                key_globs.push(KeyGlob {
                    joined: !norm.contains('_'),
                    glob: norm,
                    rule: idx,
                });
            }
            let mut dets = Vec::new();
            for (j, name) in r.detect.iter().enumerate() {
                if let Some(id) = name.strip_prefix("plugin:") {
                    let Some(p) = doc.plugins.iter().position(|p| p.id == id) else {
                        return Err(err(
                            &item("detect", j),
                            ErrorKind::Detector,
                            format!("`{name}` names no `[[plugin]]` of this policy"),
                            &match doc.plugins.first() {
                                Some(p) => format!(
                                    "write `plugin:` and the id of a `[[plugin]]` that exports                                      `detect`, such as `plugin:{}`",
                                    p.id
                                ),
                                None => String::from(
                                    "add a `[[plugin]]` whose component exports `detect`, and                                      write `plugin:` and its id",
                                ),
                            },
                            &r.id,
                        ));
                    };
                    let d = match detectors.iter().position(|e| e.name == *name) {
                        Some(d) => d,
                        None => {
                            detectors.push(DetectorEntry {
                                name: name.clone(),
                                type_name: "plugin",
                                detector: Detector::Plugin(p),
                                rules: Vec::new(),
                                rank: 0,
                            });
                            detectors.len() - 1
                        }
                    };
                    push_unique(&mut dets, u32::try_from(d).unwrap_or(u32::MAX));
                    continue;
                }
                let Some(kind) = Kind::from_name(name) else {
                    return Err(err(
                        &item("detect", j),
                        ErrorKind::Detector,
                        format!("unknown detector `{name}`"),
                        &match closest(name, BUILTIN) {
                            Some(near) => format!(
                                "did you mean `{near}`? built-in detectors are: {}",
                                BUILTIN.join(", ")
                            ),
                            None => format!("built-in detectors are: {}", BUILTIN.join(", ")),
                        },
                        &r.id,
                    ));
                };
                let d = match detectors.iter().position(|e| e.name == *name) {
                    Some(d) => d,
                    None => {
                        detectors.push(DetectorEntry {
                            name: name.clone(),
                            type_name: kind.name(),
                            detector: Detector::Builtin(kind),
                            rules: Vec::new(),
                            rank: 0,
                        });
                        detectors.len() - 1
                    }
                };
                push_unique(&mut dets, u32::try_from(d).unwrap_or(u32::MAX));
            }
            if let Some(pattern) = &r.pattern {
                let re = compile_pattern(pattern, doc.limits.max_pattern_bytes, src, i, &r.id)?;
                text_line_local &= pattern_line_local(pattern);
                detectors.push(DetectorEntry {
                    name: format!("pattern:{}", r.id),
                    type_name: "pattern",
                    detector: Detector::Pattern(Box::new(re)),
                    rules: Vec::new(),
                    rank: 0,
                });
                dets.push(u32::try_from(detectors.len() - 1).unwrap_or(u32::MAX));
            }
            for &d in &dets {
                if let Some(e) = detectors.get_mut(d as usize) {
                    e.rules.push(idx);
                }
            }
            if let Action::Replace { text } = &action {
                let mut types: Vec<&str> = vec!["value"];
                types.extend(
                    dets.iter()
                        .filter_map(|&d| detectors.get(d as usize))
                        .map(|e| e.type_name),
                );
                for ty in types {
                    let mut s = String::new();
                    expand_replacement(text, ty, &mut s);
                    placeholders.push(s);
                }
            }
            let when = match &r.when {
                Some(w) => Some(compile_when(w, src, "rule", i, &r.id)?),
                None => None,
            };
            rules.push(Rule {
                id: r.id.clone(),
                replacement: whole_replacement(&action),
                action,
                when,
                detectors: dets,
                has_scope: !r.scope.is_empty(),
                rank: 0,
                retention: None,
            });
        }
        let retention =
            records::compile_retention(&doc, src, &mut rules, &mut paths, &mut seen_ids)?;
        let access = records::compile_access(&doc, src)?;
        let summaries = summarize::compile(&doc, src, &mut paths, &mut seen_ids)?;
        let mut plugins = crate::plugins::compile(&doc, src, &seen_ids)?;
        for e in &detectors {
            if let Detector::Plugin(p) = e.detector
                && let Some(spec) = plugins.get_mut(p)
            {
                spec.detects = true;
            }
        }

        // Ranks: strongest action first, then rule id, so results never depend on rule order.
        let mut order: Vec<usize> = (0..rules.len()).collect();
        order.sort_by_key(|&i| {
            rules
                .get(i)
                .map(|r| (core::cmp::Reverse(r.action.strength()), r.id.clone()))
        });
        for (rank, &i) in order.iter().enumerate() {
            if let Some(r) = rules.get_mut(i) {
                r.rank = u32::try_from(rank).unwrap_or(u32::MAX);
            }
        }

        let mut by_name: Vec<usize> = (0..detectors.len()).collect();
        by_name.sort_by_key(|&d| detectors.get(d).map(|e| e.name.clone()));
        for (rank, &d) in by_name.iter().enumerate() {
            if let Some(e) = detectors.get_mut(d) {
                e.rank = u32::try_from(rank).unwrap_or(u32::MAX);
            }
        }

        // Allow.
        let mut allow_values = Vec::new();
        for (i, a) in doc.allow.iter().enumerate() {
            let id = a.id.as_deref().unwrap_or("");
            for (j, p) in a.paths.iter().enumerate() {
                let steps = parse_path(p).map_err(|e| {
                    err(
                        &[
                            Seg::Key("allow"),
                            Seg::Index(i),
                            Seg::Key("paths"),
                            Seg::Index(j),
                        ],
                        ErrorKind::Selector,
                        format!("invalid path `{p}`: {}", e.message),
                        e.help,
                        id,
                    )
                })?;
                paths.add(steps, Target::Allow);
            }
            allow_values.extend(a.values.iter().cloned());
        }
        allow_values.sort();
        allow_values.dedup();
        placeholders.retain(|p| !p.is_empty());
        placeholders.sort();
        placeholders.dedup();
        paths.finish();

        // Tests refer to keys that exist.
        for (i, t) in doc.tests.iter().enumerate() {
            for name in t.keys.keys() {
                if !doc.key.contains_key(name) {
                    return Err(err(
                        &[Seg::Key("test"), Seg::Index(i), Seg::Key("keys")],
                        ErrorKind::Key,
                        format!(
                            "test `{}` gives material for `{name}`, which is no `[key.{name}]`",
                            t.name
                        ),
                        "declare the key, or remove it from the test",
                        &t.name,
                    ));
                }
            }
        }

        let id = policy_id(&doc);
        // A plugin's detector sees whole texts: it may match across lines.
        text_line_local &= !detectors
            .iter()
            .any(|d| matches!(d.detector, Detector::Plugin(_)));
        Ok(Self {
            doc,
            id,
            rules,
            paths,
            key_globs,
            detectors,
            keys,
            key_names,
            placeholders,
            allow_values,
            retention,
            access,
            summaries,
            plugins,
            plugins_attached: false,
            text_line_local,
        })
    }

    /// Gives key material for the key named `name` (`[key.NAME]`). The CLI and bindings read it
    /// from the environment variable the key names; core never does.
    ///
    /// # Errors
    /// When the policy declares no such key, or the material is empty.
    pub fn with_key(mut self, name: &str, material: &[u8]) -> Result<Self, PolicyError> {
        let Some(i) = self.key_names.iter().position(|(n, _)| n == name) else {
            return Err(PolicyError::new(
                ErrorKind::Key,
                format!("the policy declares no key `{name}`"),
            )
            .help("declare it as `[key.NAME]` with `env` and `id`"));
        };
        if material.is_empty() {
            return Err(PolicyError::new(
                ErrorKind::Key,
                format!("the material for key `{name}` is empty"),
            )
            .help("set the key's environment variable to a secret of at least 16 bytes"));
        }
        let mac = Hmac::<Sha256>::new_from_slice(material).map_err(|_| {
            PolicyError::new(ErrorKind::Key, format!("key `{name}` cannot be used"))
        })?;
        if let Some(k) = self.keys.get_mut(i) {
            k.mac = Some(mac);
        }
        Ok(self)
    }

    /// Keys that `hash` rules use: `(name, environment variable, key id)`.
    pub fn required_keys(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.key_names
            .iter()
            .zip(&self.keys)
            .enumerate()
            .filter_map(|(i, ((name, env), k))| {
                self.rules
                    .iter()
                    .any(|r| r.action == Action::Hash { key: i })
                    .then_some((name.as_str(), env.as_str(), k.id.as_str()))
            })
    }

    /// Whether key material was given for the named key.
    #[must_use]
    pub fn has_key_material(&self, name: &str) -> bool {
        self.key_names
            .iter()
            .position(|(n, _)| n == name)
            .and_then(|i| self.keys.get(i))
            .is_some_and(|k| k.mac.is_some())
    }

    /// The token (`h:<key id>:<26 base32 characters>`) that a `hash` rule with the key named
    /// `name` writes for the string `value`: to find a known value in masked data. `None` when
    /// the policy declares no such key or was given no material for it.
    #[must_use]
    pub fn pseudonym(&self, name: &str, value: &str) -> Option<String> {
        let key = self
            .key_names
            .iter()
            .position(|(n, _)| n == name)
            .and_then(|i| self.keys.get(i))
            .filter(|k| k.mac.is_some())?;
        let mut out = String::with_capacity(32 + key.id.len());
        crate::action::hash_token(key, value.as_bytes(), &mut out);
        Some(out)
    }

    /// The policy's `name`.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.doc.name
    }

    /// SHA-256 (hex) of the canonical policy: the same for the TOML and JSON spelling of it.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The document the policy was compiled from.
    #[must_use]
    pub fn document(&self) -> &PolicyDoc {
        &self.doc
    }

    /// The limits in force.
    #[must_use]
    pub fn limits(&self) -> &Limits {
        &self.doc.limits
    }

    /// Whether `[access]` or `[[retention]]` can drop a whole record or some of its fields.
    #[must_use]
    pub fn has_record_stages(&self) -> bool {
        self.access.is_some() || !self.retention.is_empty()
    }

    /// Rule ids in policy order.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.id.as_str())
    }

    /// The canonical JSON of the policy (what [`Policy::id`] hashes).
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.doc).unwrap_or_default()
    }
}

/// The candidate within edit distance 2 of `word`, if there is one.
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let distance = |a: &str, b: &str| -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut cur = vec![i + 1];
            for (j, cb) in b.iter().enumerate() {
                let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
                let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
                let ins = cur.get(j).copied().unwrap_or(0) + 1;
                cur.push(sub.min(del).min(ins));
            }
            prev = cur;
        }
        prev.last().copied().unwrap_or(0)
    };
    candidates
        .iter()
        .map(|c| (distance(word, c), *c))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, c)| c)
}

fn push_unique(v: &mut Vec<u32>, x: u32) {
    if !v.contains(&x) {
        v.push(x);
    }
}

fn policy_id(doc: &PolicyDoc) -> String {
    let canonical = serde_json::to_vec(doc).unwrap_or_default();
    let digest = Sha256::digest(&canonical);
    let mut out = String::with_capacity(64);
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn check_limits(l: &LimitsDoc, src: &Source<'_>) -> Result<(), PolicyError> {
    let bad = |field: &'static str, msg: String, help: &str| {
        Err(error_at(
            src,
            &[Seg::Key("limits"), Seg::Key(field)],
            ErrorKind::InvalidValue,
            msg,
            help,
            "",
        ))
    };
    if !(1..=128).contains(&l.max_depth) {
        return bad(
            "max_depth",
            format!("`max_depth = {}` is out of range", l.max_depth),
            "use a depth from 1 to 128 (default 64)",
        );
    }
    if l.max_string_bytes == 0 || l.max_record_bytes == 0 || l.max_pattern_bytes == 0 {
        let field = if l.max_string_bytes == 0 {
            "max_string_bytes"
        } else if l.max_record_bytes == 0 {
            "max_record_bytes"
        } else {
            "max_pattern_bytes"
        };
        return bad(
            field,
            format!("`{field}` is 0"),
            "use a positive size in bytes, or leave the default",
        );
    }
    Ok(())
}

pub(crate) fn compile_path(
    p: &str,
    src: &Source<'_>,
    (section, field): (&'static str, &'static str),
    i: usize,
    j: usize,
    id: &str,
) -> Result<Vec<Step>, PolicyError> {
    parse_path(p).map_err(|e| {
        error_at(
            src,
            &[
                Seg::Key(section),
                Seg::Index(i),
                Seg::Key(field),
                Seg::Index(j),
            ],
            ErrorKind::Selector,
            format!("invalid path `{p}`: {}", e.message),
            e.help,
            id,
        )
    })
}

/// Whether a pattern matches within a line: it can match no line break and is not anchored to
/// the start or end of the text (`\A`, `\z`, `^` and `$` without `(?m)`), so the lines of a
/// text give the matches of the whole (see [`crate::TextStream`]). Conservative: a pattern
/// that cannot be read here counts as crossing lines.
fn pattern_line_local(pattern: &str) -> bool {
    use regex_syntax::hir::{Class, Hir, HirKind, Look};
    fn newline(h: &Hir) -> bool {
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => false,
            HirKind::Literal(lit) => lit.0.contains(&b'\n'),
            HirKind::Class(Class::Unicode(c)) => c
                .ranges()
                .iter()
                .any(|r| r.start() <= '\n' && '\n' <= r.end()),
            HirKind::Class(Class::Bytes(c)) => c
                .ranges()
                .iter()
                .any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
            HirKind::Repetition(r) => newline(&r.sub),
            HirKind::Capture(c) => newline(&c.sub),
            HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().any(newline),
        }
    }
    let Ok(hir) = regex_syntax::ParserBuilder::new()
        .nest_limit(64)
        .build()
        .parse(pattern)
    else {
        return false;
    };
    let looks = hir.properties().look_set();
    !newline(&hir) && !looks.contains(Look::Start) && !looks.contains(Look::End)
}

fn compile_pattern(
    pattern: &str,
    limit: u64,
    src: &Source<'_>,
    i: usize,
    id: &str,
) -> Result<Regex, PolicyError> {
    let at = [Seg::Key("rule"), Seg::Index(i), Seg::Key("pattern")];
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let re = Regex::builder()
        .syntax(syntax::Config::new().nest_limit(64))
        .configure(
            Regex::config()
                .nfa_size_limit(Some(limit))
                .onepass_size_limit(Some(limit)),
        )
        .build(pattern)
        .map_err(|e| {
            let (kind, msg, help) = if e.size_limit().is_some() {
                (
                    ErrorKind::Limit,
                    format!("the pattern compiles to more than `max_pattern_bytes` = {limit}"),
                    "simplify the pattern (bounded repetitions such as `{1000}` grow it), or raise \
                     `[limits] max_pattern_bytes`",
                )
            } else {
                let detail = e
                    .syntax_error()
                    .map_or_else(|| format!("{e}"), |s| format!("{s}"));
                (
                    ErrorKind::Pattern,
                    format!(
                        "invalid pattern: {}",
                        first_line(&detail).trim_start_matches("error: ")
                    ),
                    "fix the regular expression; the syntax is that of Rust's `regex` crate",
                )
            };
            error_at(src, &at, kind, msg, help, id)
        })?;
    if re.is_match("") {
        return Err(error_at(
            src,
            &at,
            ErrorKind::Pattern,
            String::from("the pattern matches empty text"),
            "make the pattern require at least one character, for example `+` instead of `*`",
            id,
        ));
    }
    Ok(re)
}

fn first_line(s: &str) -> String {
    // regex-syntax errors draw the pattern over several lines; keep the last line (the reason).
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_owned()
}

fn compile_action(
    r: &RuleDoc,
    i: usize,
    doc: &PolicyDoc,
    src: &Source<'_>,
) -> Result<Action, PolicyError> {
    let at = |f: &'static str| [Seg::Key("rule"), Seg::Index(i), Seg::Key(f)];
    let not_for = |field: &'static str, action: &str, belongs: &str| {
        Err(error_at(
            src,
            &at(field),
            ErrorKind::Action,
            format!("`{field}` does not apply to action `{action}`"),
            format!("`{field}` belongs to action `{belongs}`; remove it or change the action"),
            &r.id,
        ))
    };
    let a = r.action.as_str();
    if a != "replace" && r.replacement.is_some() {
        return not_for("replacement", a, "replace");
    }
    if a != "hash" && r.key.is_some() {
        return not_for("key", a, "hash");
    }
    if a != "partial" && (r.keep_first.is_some() || r.keep_last.is_some()) {
        return not_for(
            if r.keep_first.is_some() {
                "keep_first"
            } else {
                "keep_last"
            },
            a,
            "partial",
        );
    }
    if a != "generalize" && (r.bucket.is_some() || r.precision.is_some()) {
        return not_for(
            if r.bucket.is_some() {
                "bucket"
            } else {
                "precision"
            },
            a,
            "generalize",
        );
    }
    Ok(match a {
        "redact" => Action::Redact,
        "nullify" => Action::Nullify,
        "replace" => Action::Replace {
            text: r
                .replacement
                .clone()
                .unwrap_or_else(|| String::from(DEFAULT_REPLACEMENT)),
        },
        "hash" => {
            let Some(name) = &r.key else {
                return Err(error_at(
                    src,
                    &at("action"),
                    ErrorKind::Key,
                    format!("rule `{}` hashes without a key", r.id),
                    "add `key = \"default\"` and declare `[key.default]` with `env` and `id`",
                    &r.id,
                ));
            };
            let Some(k) = doc.key.keys().position(|n| n == name) else {
                return Err(error_at(
                    src,
                    &at("key"),
                    ErrorKind::Key,
                    format!(
                        "rule `{}` uses the key `{name}`, which is not declared",
                        r.id
                    ),
                    format!("declare `[key.{name}]` with `env` and `id`"),
                    &r.id,
                ));
            };
            Action::Hash { key: k }
        }
        "generalize" => {
            let precision = match r.precision.as_deref() {
                None => None,
                Some("day") => Some(Precision::Day),
                Some("month") => Some(Precision::Month),
                Some("year") => Some(Precision::Year),
                Some(other) => {
                    return Err(error_at(
                        src,
                        &at("precision"),
                        ErrorKind::InvalidValue,
                        format!("unknown precision `{other}`"),
                        "use `day`, `month` or `year`",
                        &r.id,
                    ));
                }
            };
            let bucket = r.bucket.unwrap_or(10);
            if bucket == 0 {
                return Err(error_at(
                    src,
                    &at("bucket"),
                    ErrorKind::InvalidValue,
                    String::from("`bucket = 0` makes no buckets"),
                    "use a positive bucket width, such as 10",
                    &r.id,
                ));
            }
            Action::Generalize { bucket, precision }
        }
        "partial" => Action::Partial {
            keep_first: r.keep_first.unwrap_or(2),
            keep_last: r.keep_last.unwrap_or(2),
        },
        other => {
            return Err(error_at(
                src,
                &at("action"),
                ErrorKind::Action,
                format!("unknown action `{other}`"),
                format!("use one of: {ACTIONS}"),
                &r.id,
            ));
        }
    })
}

pub(crate) fn compile_when(
    w: &WhenDoc,
    src: &Source<'_>,
    section: &'static str,
    i: usize,
    id: &str,
) -> Result<Cond, PolicyError> {
    for (name, list) in [
        ("roles_any", &w.roles_any),
        ("roles_none", &w.roles_none),
        ("purposes", &w.purposes),
        ("types", &w.types),
    ] {
        if list.as_ref().is_some_and(Vec::is_empty) {
            return Err(error_at(
                src,
                &[Seg::Key(section), Seg::Index(i), Seg::Key("when")],
                ErrorKind::InvalidValue,
                format!("`when.{name}` is an empty list"),
                "list at least one value, or remove the condition",
                id,
            ));
        }
    }
    if w.roles_any.is_none() && w.roles_none.is_none() && w.purposes.is_none() && w.types.is_none()
    {
        return Err(error_at(
            src,
            &[Seg::Key(section), Seg::Index(i), Seg::Key("when")],
            ErrorKind::InvalidValue,
            String::from("`when` has no condition"),
            "use `roles_any`, `roles_none`, `purposes` or `types`, or remove `when`",
            id,
        ));
    }
    Ok(Cond {
        roles_any: w.roles_any.clone(),
        roles_none: w.roles_none.clone(),
        purposes: w.purposes.clone(),
        types: w.types.clone(),
    })
}
