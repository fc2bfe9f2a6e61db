//! `[[rule]]`, `[[allow]]` and `[key.*]`: actions, selectors, detectors and patterns.

use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use regex_automata::meta::Regex;
use regex_automata::util::syntax;

use super::common::{Ids, closest, compile_path, compile_when, is_id, push_unique};
use crate::action::{Action, DEFAULT_REPLACEMENT, HashKey, Precision, expand_replacement};
use crate::detect::{BUILTIN, Detector, Kind, catalog};
use crate::error::{ErrorKind, PolicyError};
use crate::policy::model::{PolicyDoc, RuleDoc};
use crate::policy::rule::{DetectorEntry, KeyGlob, Rule, whole_replacement};
use crate::policy::select::{PathSet, Target, normalize_glob, parse_path};
use crate::policy::source::{Seg, Source, error_at};

const ACTIONS: &str = "redact, nullify, replace, placeholder, hash, encrypt, fpe, shift_date, \
     generalize, partial, plugin:<id>";

/// Whether a pattern matches within a line: it can match no line break and is not anchored to
/// the start or end of the text (`\A`, `\z`, `^` and `$` without `(?m)`), so the lines of a
/// text give the matches of the whole (see [`crate::TextStream`]). Conservative: a pattern
/// that cannot be read here counts as crossing lines.
fn pattern_line_local(pattern: &str) -> bool {
    let Ok(hir) = regex_syntax::ParserBuilder::new()
        .nest_limit(64)
        .build()
        .parse(pattern)
    else {
        return false;
    };
    crate::policy::line_local::line_local(&hir)
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
    if a != "placeholder" && (r.template.is_some() || r.label.is_some()) {
        return not_for(
            if r.template.is_some() {
                "template"
            } else {
                "label"
            },
            a,
            "placeholder",
        );
    }
    let keyed = matches!(a, "hash" | "encrypt" | "fpe" | "shift_date");
    if !keyed && r.key.is_some() {
        return not_for("key", a, "hash, encrypt, fpe or shift_date");
    }
    if a != "shift_date" && (r.entity.is_some() || r.max_days.is_some()) {
        return not_for(
            if r.entity.is_some() {
                "entity"
            } else {
                "max_days"
            },
            a,
            "shift_date",
        );
    }
    if a != "partial" && a != "fpe" && (r.keep_first.is_some() || r.keep_last.is_some()) {
        return not_for(
            if r.keep_first.is_some() {
                "keep_first"
            } else {
                "keep_last"
            },
            a,
            "partial or fpe",
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
        "placeholder" => {
            let source = r
                .template
                .as_deref()
                .unwrap_or(crate::engine::placeholders::DEFAULT_TEMPLATE);
            let template = crate::engine::placeholders::Template::parse(source).map_err(|why| {
                error_at(
                    src,
                    &at("template"),
                    ErrorKind::Action,
                    format!("the placeholder template of rule `{}` {why}", r.id),
                    "write it as literal text around `{TYPE}` (or `{type}`) and `{n}`, such as `<{TYPE}_{n}>`",
                    &r.id,
                )
            })?;
            let label = r.label.clone().unwrap_or_else(|| r.id.clone());
            let label: String = label
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            if label.is_empty() || label.len() > 64 {
                return Err(error_at(
                    src,
                    &at("label"),
                    ErrorKind::Action,
                    format!("the label of rule `{}` must be 1 to 64 characters", r.id),
                    "name the type of the values this rule selects, such as `label = \"customer\"`",
                    &r.id,
                ));
            }
            Action::Placeholder { template, label }
        }
        "hash" | "encrypt" | "fpe" | "shift_date" => {
            let Some(name) = &r.key else {
                return Err(error_at(
                    src,
                    &at("action"),
                    ErrorKind::Key,
                    format!("rule `{}` uses action `{a}` without a key", r.id),
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
            match a {
                "encrypt" => Action::Encrypt { key: k },
                "fpe" => Action::Fpe {
                    key: k,
                    keep_first: r.keep_first.unwrap_or(0),
                    keep_last: r.keep_last.unwrap_or(0),
                },
                "shift_date" => {
                    let Some(text) = r.entity.as_deref() else {
                        return Err(error_at(
                            src,
                            &at("action"),
                            ErrorKind::InvalidValue,
                            format!("rule `{}` shifts dates without an `entity`", r.id),
                            "add `entity = \"patient.id\"`: the field whose value picks the \
                             offset, so every date of one entity moves the same way (keys from \
                             the root, no `*`)",
                            &r.id,
                        ));
                    };
                    let entity =
                        crate::stages::key_path(text, src, &at("entity"), "entity", &r.id)?;
                    let max_days = r.max_days.unwrap_or(0);
                    if !(1..=36_500).contains(&max_days) {
                        return Err(error_at(
                            src,
                            &at(if r.max_days.is_some() {
                                "max_days"
                            } else {
                                "action"
                            }),
                            ErrorKind::InvalidValue,
                            format!("rule `{}` needs `max_days` from 1 to 36500", r.id),
                            "add `max_days = 180`: offsets then lie within 180 days either way",
                            &r.id,
                        ));
                    }
                    Action::ShiftDate {
                        key: k,
                        entity,
                        max_days,
                    }
                }
                _ => Action::Hash { key: k },
            }
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
        other if other.starts_with("plugin:") => {
            let id = &other["plugin:".len()..];
            let Some(plugin) = doc.plugins.iter().position(|p| p.id == id) else {
                return Err(error_at(
                    src,
                    &at("action"),
                    ErrorKind::Action,
                    format!("`{other}` names no `[[plugin]]` of this policy"),
                    &match doc.plugins.first() {
                        Some(p) => format!(
                            "write `plugin:` and the id of a `[[plugin]]` that exports \
                             `transform`, such as `plugin:{}`",
                            p.id
                        ),
                        None => String::from(
                            "add a `[[plugin]]` whose component exports `transform` (the world \
                             `tamis:filter/transformer`), and write `plugin:` and its id",
                        ),
                    },
                    &r.id,
                ));
            };
            Action::Plugin { plugin }
        }
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

/// Each `[key.*]`'s id and the environment variable its material comes from.
pub(super) type KeyVars = Vec<(String, String)>;

/// `[key.*]`: the keys, and where their material comes from (the material itself is given
/// later, by the front end).
pub(super) fn compile_keys(
    doc: &PolicyDoc,
    src: &Source<'_>,
) -> Result<(Vec<HashKey>, KeyVars), PolicyError> {
    let err = |path: &[Seg], kind, msg: String, help: &str, id: &str| {
        error_at(src, path, kind, msg, help, id)
    };
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
        if let Some(other) = doc
            .key
            .iter()
            .find(|(n, o)| o.id == k.id && n.as_str() < name.as_str())
        {
            return Err(err(
                &at,
                ErrorKind::DuplicateId,
                format!(
                    "keys `{}` and `{name}` have the same id `{}`",
                    other.0, k.id
                ),
                "give every key its own id: tokens name the key they were made with",
                name,
            ));
        }
        keys.push(HashKey {
            id: k.id.clone(),
            mac: None,
            derived: None,
        });
        key_names.push((name.clone(), k.env.clone()));
    }

    if let Some(r) = &doc.reveal
        && r.roles_any.is_empty()
        && r.purposes.is_empty()
    {
        return Err(err(
            &[Seg::Key("reveal")],
            ErrorKind::InvalidValue,
            String::from("`[reveal]` names no role and no purpose, so it would allow anyone"),
            "list who may reveal: `roles_any = [\"support-lead\"]` and/or `purposes = [\"incident\"]`",
            "",
        ));
    }
    Ok((keys, key_names))
}

/// What compiling `[[rule]]` gives.
pub(super) struct Compiled {
    pub rules: Vec<Rule>,
    pub key_globs: Vec<KeyGlob>,
    pub detectors: Vec<DetectorEntry>,
    /// Sorted literal texts the rules write (replacements, expanded for every type).
    pub placeholders: Vec<String>,
    /// No pattern of the rules can match across a line break.
    pub text_line_local: bool,
    /// The names of the `ext:` detectors, in order of first use.
    pub ext_names: Vec<String>,
}

/// `[[rule]]`: each rule's action, selectors (paths into `paths`), key globs, detectors and
/// patterns.
pub(super) fn compile_rules<'d>(
    doc: &'d PolicyDoc,
    src: &Source<'_>,
    paths: &mut PathSet,
    ids: &mut Ids<'d>,
) -> Result<Compiled, PolicyError> {
    let err = |path: &[Seg], kind, msg: String, help: &str, id: &str| {
        error_at(src, path, kind, msg, help, id)
    };
    let mut rules: Vec<Rule> = Vec::new();
    let mut key_globs = Vec::new();
    let mut detectors: Vec<DetectorEntry> = Vec::new();
    let mut ext_names: Vec<String> = Vec::new();
    let mut text_line_local = true;
    let mut placeholders: Vec<String> = vec![String::from(DEFAULT_REPLACEMENT)];
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
        ids.claim(&r.id, "rule", i, src)?;
        let action = compile_action(r, i, doc, src)?;
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
        if matches!(
            action,
            Action::Generalize { .. } | Action::Fpe { .. } | Action::ShiftDate { .. }
        ) && spans_only
        {
            return Err(err(
                &here("action"),
                ErrorKind::Action,
                format!("`{}` cannot apply to spans found in text", action.name()),
                format!(
                    "use `{}` with `paths` or `keys` only (whole values); mask detector \
                     findings with `replace`, `hash`, `encrypt`, `partial`, `nullify` or \
                     `redact`",
                    action.name()
                )
                .as_str(),
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
                                "write `plugin:` and the id of a `[[plugin]]` that exports `detect`, such as `plugin:{}`",
                                p.id
                            ),
                            None => String::from(
                                "add a `[[plugin]]` whose component exports `detect`, and write `plugin:` and its id",
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
                            type_name: "plugin".into(),
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
            if let Some(ext) = name.strip_prefix("ext:") {
                let valid = !ext.is_empty()
                    && ext.len() <= 64
                    && ext
                        .bytes()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_');
                if !valid {
                    return Err(err(
                        &item("detect", j),
                        ErrorKind::Detector,
                        format!("`{name}` is not a valid name for a detector of your own"),
                        "write `ext:` and 1 to 64 lower-case letters, digits or `_`, such as `ext:person`",
                        &r.id,
                    ));
                }
                let index = match ext_names.iter().position(|n| n == ext) {
                    Some(k) => k,
                    None => {
                        ext_names.push(String::from(ext));
                        ext_names.len() - 1
                    }
                };
                let d = match detectors.iter().position(|e| e.name == *name) {
                    Some(d) => d,
                    None => {
                        detectors.push(DetectorEntry {
                            name: name.clone(),
                            type_name: String::from(ext).into(),
                            detector: Detector::Ext(index),
                            rules: Vec::new(),
                            rank: 0,
                        });
                        detectors.len() - 1
                    }
                };
                push_unique(&mut dets, u32::try_from(d).unwrap_or(u32::MAX));
                continue;
            }
            let chosen = match resolve_detector(name) {
                Some(c) => c,
                None => {
                    return Err(err(
                        &item("detect", j),
                        ErrorKind::Detector,
                        format!("unknown detector `{name}`"),
                        &unknown_detector_help(name),
                        &r.id,
                    ));
                }
            };
            for (det_name, type_name, detector) in chosen {
                let d = match detectors.iter().position(|e| e.name == det_name) {
                    Some(d) => d,
                    None => {
                        detectors.push(DetectorEntry {
                            name: String::from(det_name),
                            type_name: type_name.into(),
                            detector,
                            rules: Vec::new(),
                            rank: 0,
                        });
                        detectors.len() - 1
                    }
                };
                push_unique(&mut dets, u32::try_from(d).unwrap_or(u32::MAX));
            }
        }
        if let Some(pattern) = &r.pattern {
            let re = compile_pattern(pattern, doc.limits.max_pattern_bytes, src, i, &r.id)?;
            text_line_local &= pattern_line_local(pattern);
            detectors.push(DetectorEntry {
                name: format!("pattern:{}", r.id),
                type_name: "pattern".into(),
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
                    .map(|e| &*e.type_name),
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
    placeholders.retain(|p| !p.is_empty());
    placeholders.sort();
    placeholders.dedup();
    Ok(Compiled {
        rules,
        key_globs,
        detectors,
        placeholders,
        text_line_local,
        ext_names,
    })
}

/// What a name in `detect` selects: a built-in detector, a catalog type, or a group (its
/// built-in detectors, then its catalog types, in catalog order). `None` for an unknown name.
fn resolve_detector(name: &str) -> Option<Vec<(&'static str, &'static str, Detector)>> {
    if let Some(kind) = Kind::from_name(name) {
        return Some(vec![(kind.name(), kind.name(), Detector::Builtin(kind))]);
    }
    let entry = |i: usize, e: &'static catalog::Entry| {
        (
            e.name,
            e.label,
            Detector::Catalog(u16::try_from(i).unwrap_or(u16::MAX)),
        )
    };
    if let Some(i) = catalog::lookup(name) {
        return catalog::CATALOG.get(i).map(|e| vec![entry(i, e)]);
    }
    // A label several entries share (`postal_code`): all of them.
    let labelled: Vec<_> = catalog::CATALOG
        .iter()
        .enumerate()
        .filter(|(_, e)| e.label == name && e.label != e.name)
        .map(|(i, e)| entry(i, e))
        .collect();
    if !labelled.is_empty() {
        return Some(labelled);
    }
    let group = catalog::Group::from_name(name)?;
    let mut all: Vec<_> = Kind::all()
        .iter()
        .filter(|k| k.group() == Some(group))
        .map(|&k| (k.name(), k.name(), Detector::Builtin(k)))
        .collect();
    all.extend(
        catalog::CATALOG
            .iter()
            .enumerate()
            .filter(|(_, e)| e.group == group)
            .map(|(i, e)| entry(i, e)),
    );
    Some(all)
}

/// The help of an unknown detector name: the closest known name, and where to find them all.
fn unknown_detector_help(name: &str) -> String {
    let mut known: Vec<&str> = BUILTIN.to_vec();
    known.extend(catalog::Group::ALL.iter().map(|g| g.name()));
    known.extend(catalog::CATALOG.iter().map(|e| e.name));
    known.extend(catalog::CATALOG.iter().map(|e| e.label));
    let groups: Vec<&str> = catalog::Group::ALL.iter().map(|g| g.name()).collect();
    let list = format!(
        "`tamis detectors` lists every detector type; groups are {}",
        groups.join(", ")
    );
    match closest(name, &known).or_else(|| closest_by_prefix(name, &known)) {
        Some(near) => format!("did you mean `{near}`? {list}"),
        None => list,
    }
}

/// The known name that shares the longest start with `name` (at least 4 characters; the
/// shortest such name on a tie), for names too far from any to be a typo (`openai` →
/// `openai_api_key`).
fn closest_by_prefix<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let shared = |k: &str| {
        name.bytes()
            .zip(k.bytes())
            .take_while(|(a, b)| a == b)
            .count()
    };
    known
        .iter()
        .map(|k| (shared(k), *k))
        .filter(|(n, _)| *n >= 4)
        .max_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.len().cmp(&a.1.len()))
                .then(b.1.cmp(a.1))
        })
        .map(|(_, k)| k)
}

/// Ranks: strongest action first, then rule id, so results never depend on rule order; and
/// detectors by name, so ties between findings never do either.
pub(super) fn rank(rules: &mut [Rule], detectors: &mut [DetectorEntry]) {
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

    // Specific labels before generic ones, then by name: a type confirmed by context words
    // (which it needs to match at all) before one that is not, a validated type before an
    // unvalidated one, and the generic shapes (`phone`, `high_entropy`, `bearer_token`,
    // key=value catalog forms) last.
    let mut by_name: Vec<usize> = (0..detectors.len()).collect();
    by_name.sort_by_key(|&d| {
        detectors.get(d).map(|e| {
            let entry = match e.detector {
                Detector::Catalog(i) => catalog::CATALOG.get(usize::from(i)),
                _ => None,
            };
            let generic = matches!(e.detector, Detector::Builtin(k) if k.generic())
                || entry.is_some_and(|c| c.generic);
            let context = entry.is_some_and(|c| !c.context.is_empty());
            let validated = entry.is_some_and(|c| c.validator.is_some());
            (generic, !context, !validated, e.name.clone())
        })
    });
    for (rank, &d) in by_name.iter().enumerate() {
        if let Some(e) = detectors.get_mut(d) {
            e.rank = u32::try_from(rank).unwrap_or(u32::MAX);
        }
    }
}

/// `[[allow]]`: paths into `paths`; the allowed values, sorted.
pub(super) fn compile_allow(
    doc: &PolicyDoc,
    src: &Source<'_>,
    paths: &mut PathSet,
) -> Result<Vec<String>, PolicyError> {
    let err = |path: &[Seg], kind, msg: String, help: &str, id: &str| {
        error_at(src, path, kind, msg, help, id)
    };
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

    Ok(allow_values)
}
