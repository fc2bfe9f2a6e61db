//! `tamis diff OLD NEW`: what changed between two versions of a policy, each change classified
//! as `weaker` (something may now leave less protected), `stronger` or `neutral`, and with
//! `--sample` how many values of real records are less protected under NEW. Exit 0 when nothing
//! is weaker, 4 when something is, so CI can gate on it.
//!
//! The comparison reads the two documents (not their compiled form), rule by rule and section
//! by section, by id. Where a change cannot be proven to cover as much (a `pattern` rewritten, a
//! `type_path` moved), it is `weaker`: a person has to look. Nothing printed holds a record
//! value; allow-list values are counted, not shown.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;
use serde_json::Value;
use tamis_core::model::{AccessDoc, PolicyDoc, RuleDoc, WhenDoc};
use tamis_core::{Context, Disposition, MissingKey, Policy};

use super::{parse_context, parse_now, read_policy};
use crate::io::{for_each_input, read_line_bounded};
use crate::{Fail, say};

#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// The policy as it was.
    old: PathBuf,
    /// The policy as it will be.
    new: PathBuf,
    /// JSON Lines records to apply both to: counts how many values NEW protects less.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    sample: Vec<PathBuf>,
    /// `text` (default), `json`, or `junit` (JUnit XML, a failing case per weaker change).
    #[arg(long, value_enum, default_value = "text")]
    format: DiffFormat,
    /// The context the sample is applied for (JSON, as `apply --context`).
    #[arg(long, value_name = "JSON")]
    context: Option<String>,
    /// The time the sample is applied at, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum DiffFormat {
    Text,
    Json,
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
enum Class {
    Weaker,
    Stronger,
    Neutral,
}

impl Class {
    /// Weaker when `weaker`, else stronger.
    fn weaker_if(weaker: bool) -> Self {
        if weaker { Self::Weaker } else { Self::Stronger }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Weaker => "weaker",
            Self::Stronger => "stronger",
            Self::Neutral => "neutral",
        }
    }
}

/// One change between the two policies.
#[derive(Debug, Clone, Serialize)]
struct Change {
    class: Class,
    /// `rule`, `allow`, `retention`, `summarize`, `access`, `reveal`, `plugin`, `limits`, `key`.
    section: &'static str,
    /// The id of the entry (or `-` for a section without ids).
    id: String,
    /// What changed, in words (policy text only: selectors, detector names, numbers).
    what: String,
}

/// What `--sample` found: counts only.
#[derive(Debug, Default, Serialize)]
struct Sample {
    records: u64,
    /// Values (leaves) NEW writes as they came in where OLD changed them.
    values_weaker: u64,
    /// Values OLD writes as they came in where NEW changes them.
    values_stronger: u64,
    /// Values both change, but differently (another action, more or fewer characters kept).
    values_changed: u64,
    /// Records OLD dropped or quarantined that NEW writes.
    records_no_longer_dropped: u64,
    /// Lines that are not JSON (applied by neither: counted, never compared).
    unreadable: u64,
}

#[derive(Debug, Serialize)]
struct Outcome {
    old: String,
    new: String,
    weaker: usize,
    stronger: usize,
    neutral: usize,
    changes: Vec<Change>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sample: Option<Sample>,
}

pub(crate) fn run(args: &DiffArgs) -> Result<u8, Fail> {
    let old = read_policy(&args.old)?;
    let new = read_policy(&args.new)?;
    let mut changes = Vec::new();
    compare(old.document(), new.document(), &mut changes);
    changes.sort_by(|a, b| (a.class, a.section, &a.id).cmp(&(b.class, b.section, &b.id)));
    let sample = if args.sample.is_empty() {
        None
    } else {
        let mut ctx = parse_context(args.context.as_deref())?;
        ctx.now = Some(parse_now(args.now.as_deref())?);
        Some(sample(old, new, &ctx, &args.sample)?)
    };
    let count = |c: Class| changes.iter().filter(|x| x.class == c).count();
    let outcome = Outcome {
        old: args.old.display().to_string(),
        new: args.new.display().to_string(),
        weaker: count(Class::Weaker),
        stronger: count(Class::Stronger),
        neutral: count(Class::Neutral),
        changes,
        sample,
    };
    let weaker = outcome.weaker > 0
        || outcome
            .sample
            .as_ref()
            .is_some_and(|s| s.values_weaker > 0 || s.records_no_longer_dropped > 0);
    match args.format {
        DiffFormat::Text => say(text(&outcome).trim_end())?,
        DiffFormat::Json => say(&serde_json::to_string_pretty(&outcome).unwrap_or_default())?,
        DiffFormat::Junit => say(junit(&outcome).trim_end())?,
    }
    Ok(if weaker { 4 } else { 0 })
}

// --- the documents -------------------------------------------------------------------------

fn compare(old: &PolicyDoc, new: &PolicyDoc, out: &mut Vec<Change>) {
    let mut push = |class, section, id: &str, what: String| {
        out.push(Change {
            class,
            section,
            id: id.to_owned(),
            what,
        });
    };
    // Rules, by id.
    for o in &old.rules {
        match new.rules.iter().find(|n| n.id == o.id) {
            None => push(Class::Weaker, "rule", &o.id, String::from("removed")),
            Some(n) => rule(o, n, &mut push),
        }
    }
    for n in new
        .rules
        .iter()
        .filter(|n| !old.rules.iter().any(|o| o.id == n.id))
    {
        push(Class::Stronger, "rule", &n.id, String::from("added"));
    }
    // The allow list: every value and path of every entry, as one set.
    let values = |d: &PolicyDoc| {
        d.allow
            .iter()
            .flat_map(|a| a.values.iter().cloned())
            .collect::<BTreeSet<_>>()
    };
    let paths = |d: &PolicyDoc| {
        d.allow
            .iter()
            .flat_map(|a| a.paths.iter().cloned())
            .collect::<BTreeSet<_>>()
    };
    let (ov, nv) = (values(old), values(new));
    let grown = nv.difference(&ov).count();
    let shrunk = ov.difference(&nv).count();
    if grown > 0 {
        push(
            Class::Weaker,
            "allow",
            "-",
            format!("{grown} value(s) added (never a finding)"),
        );
    }
    if shrunk > 0 {
        push(
            Class::Stronger,
            "allow",
            "-",
            format!("{shrunk} value(s) removed"),
        );
    }
    let (op, np) = (paths(old), paths(new));
    set_change(
        &op,
        &np,
        "allow",
        "-",
        "path where detectors do not run",
        Class::Weaker,
        &mut push,
    );
    // Retention, by id.
    for o in &old.retention {
        let Some(n) = new.retention.iter().find(|n| n.id == o.id) else {
            push(
                Class::Weaker,
                "retention",
                &o.id,
                String::from("removed: data is kept longer"),
            );
            continue;
        };
        let (oa, na) = (age_ms(&o.max_age), age_ms(&n.max_age));
        if oa != na {
            let class = Class::weaker_if(na > oa);
            push(
                class,
                "retention",
                &o.id,
                format!("max_age {} -> {}", o.max_age, n.max_age),
            );
        }
        set_change(
            &to_set(&o.paths),
            &to_set(&n.paths),
            "retention",
            &o.id,
            "path that expires",
            Class::Stronger,
            &mut push,
        );
        if o.timestamp != n.timestamp {
            push(
                Class::Weaker,
                "retention",
                &o.id,
                format!(
                    "timestamp `{}` -> `{}` (review: records may carry no time there)",
                    o.timestamp, n.timestamp
                ),
            );
        }
        let keep = |v: &Option<String>| v.as_deref() == Some("keep");
        if keep(&o.on_missing_timestamp) != keep(&n.on_missing_timestamp) {
            let class = Class::weaker_if(keep(&n.on_missing_timestamp));
            let now = if class == Class::Weaker {
                "kept"
            } else {
                "expired"
            };
            push(
                class,
                "retention",
                &o.id,
                format!("records without a time are now {now}"),
            );
        }
        if o.assume_timezone != n.assume_timezone {
            // A zone read where there was none keeps records that expired as timeless.
            let class = if n.assume_timezone.is_some() && o.assume_timezone.is_none() {
                Class::Weaker
            } else {
                Class::Neutral
            };
            push(
                class,
                "retention",
                &o.id,
                format!(
                    "assume_timezone {:?} -> {:?}",
                    o.assume_timezone, n.assume_timezone
                ),
            );
        }
    }
    for n in new
        .retention
        .iter()
        .filter(|n| !old.retention.iter().any(|o| o.id == n.id))
    {
        push(Class::Stronger, "retention", &n.id, String::from("added"));
    }
    // Summaries, by id.
    for o in &old.summarize {
        let Some(n) = new.summarize.iter().find(|n| n.id == o.id) else {
            push(
                Class::Weaker,
                "summarize",
                &o.id,
                String::from("removed: arrays leave item by item"),
            );
            continue;
        };
        set_change(
            &to_set(&o.paths),
            &to_set(&n.paths),
            "summarize",
            &o.id,
            "summarised path",
            Class::Stronger,
            &mut push,
        );
        // (field, old, new, default, bigger is weaker)
        let nums = [
            ("k_anonymity", o.k_anonymity, n.k_anonymity, 5, false),
            ("min_items", o.min_items, n.min_items, 50, true),
            (
                "sample",
                o.sample.map(u64::from),
                n.sample.map(u64::from),
                5,
                true,
            ),
            (
                "top_k",
                o.top_k.map(u64::from),
                n.top_k.map(u64::from),
                10,
                true,
            ),
        ];
        for (field, a, b, default, bigger_weaker) in nums {
            let (a, b) = (a.unwrap_or(default), b.unwrap_or(default));
            if a != b {
                let class = Class::weaker_if((b > a) == bigger_weaker);
                push(class, "summarize", &o.id, format!("{field} {a} -> {b}"));
            }
        }
        let all = || BTreeSet::from([String::from("*")]);
        let (os, ns) = (
            o.stats.as_ref().map_or_else(all, |s| to_set(s)),
            n.stats.as_ref().map_or_else(all, |s| to_set(s)),
        );
        set_change(
            &os,
            &ns,
            "summarize",
            &o.id,
            "statistic",
            Class::Weaker,
            &mut push,
        );
        when(
            o.when.as_ref(),
            n.when.as_ref(),
            "summarize",
            &o.id,
            &mut push,
        );
    }
    for n in new
        .summarize
        .iter()
        .filter(|n| !old.summarize.iter().any(|o| o.id == n.id))
    {
        push(Class::Stronger, "summarize", &n.id, String::from("added"));
    }
    access(old, new, &mut push);
    reveal(old, new, &mut push);
    // Plugins, by id: a filter that goes no longer filters; one that changes is a new filter.
    for o in &old.plugins {
        let Some(n) = new.plugins.iter().find(|n| n.id == o.id) else {
            push(Class::Weaker, "plugin", &o.id, String::from("removed"));
            continue;
        };
        if o.path != n.path || o.config != n.config {
            push(
                Class::Weaker,
                "plugin",
                &o.id,
                String::from("component or config changed (review: a different filter)"),
            );
        }
        if o.on_error != n.on_error {
            push(
                Class::Neutral,
                "plugin",
                &o.id,
                format!("on_error {:?} -> {:?}", o.on_error, n.on_error),
            );
        }
        if o.log.unwrap_or(false) != n.log.unwrap_or(false) {
            let class = Class::weaker_if(n.log.unwrap_or(false));
            push(
                class,
                "plugin",
                &o.id,
                String::from("log lines written (masked)"),
            );
        }
    }
    if old.limits != new.limits {
        push(
            Class::Neutral,
            "limits",
            "-",
            String::from("limits changed"),
        );
    }
    for (name, k) in &new.key {
        if let Some(o) = old.key.get(name).filter(|o| o.id != k.id) {
            push(
                Class::Neutral,
                "key",
                name,
                format!("key id `{}` -> `{}` (tokens change)", o.id, k.id),
            );
        }
    }
}

/// How much of the value an action lets through: higher is stronger. One way before
/// reversible (a key turns `encrypt`, `fpe` and `shift_date` back), then the engine's order:
/// a `placeholder` shows which values are equal within a record or session, a `hash` across
/// every record; a plugin's transform ranks where the engine ranks it, between the two (but a
/// change to or from `plugin:<id>` is always weaker: what a plugin writes is its own).
fn strength(r: &RuleDoc) -> u8 {
    match r.action.as_str() {
        "redact" | "nullify" | "replace" => 9,
        "placeholder" => 8,
        a if a.starts_with("plugin:") => 7,
        "hash" => 6,
        "encrypt" => 5,
        "fpe" => 4,
        "shift_date" => 3,
        "generalize" => 2,
        "partial" => 1,
        _ => 0,
    }
}

fn rule(o: &RuleDoc, n: &RuleDoc, push: &mut impl FnMut(Class, &'static str, &str, String)) {
    let id = o.id.as_str();
    if o.action != n.action {
        let (a, b) = (strength(o), strength(n));
        // A plugin's transform is a black box: a change to or from one needs a review.
        let plugin = o.action.starts_with("plugin:") || n.action.starts_with("plugin:");
        let class = match b.cmp(&a) {
            _ if plugin => Class::Weaker,
            std::cmp::Ordering::Less => Class::Weaker,
            std::cmp::Ordering::Greater => Class::Stronger,
            std::cmp::Ordering::Equal => Class::Neutral,
        };
        push(
            class,
            "rule",
            id,
            format!("action {} -> {}", o.action, n.action),
        );
    } else {
        // Characters shown: `partial` keeps 2 and 2 by default, `fpe` none.
        let default_kept = match o.action.as_str() {
            "partial" => Some(2),
            "fpe" => Some(0),
            _ => None,
        };
        if let Some(d) = default_kept {
            let kept = |r: &RuleDoc| {
                u64::from(r.keep_first.unwrap_or(d)) + u64::from(r.keep_last.unwrap_or(d))
            };
            if kept(o) != kept(n) {
                let class = Class::weaker_if(kept(n) > kept(o));
                push(
                    class,
                    "rule",
                    id,
                    format!("{} keeps {} -> {} characters", o.action, kept(o), kept(n)),
                );
            }
        }
        if o.action == "shift_date" {
            let (a, b) = (o.max_days.unwrap_or(0), n.max_days.unwrap_or(0));
            if a != b {
                let class = Class::weaker_if(b < a);
                push(class, "rule", id, format!("max_days {a} -> {b}"));
            }
            if o.entity != n.entity {
                push(
                    Class::Neutral,
                    "rule",
                    id,
                    String::from("entity changed (every date moves differently)"),
                );
            }
        }
        if o.action == "generalize" {
            let (a, b) = (o.bucket.unwrap_or(10), n.bucket.unwrap_or(10));
            if a != b {
                let class = Class::weaker_if(b < a);
                push(class, "rule", id, format!("bucket {a} -> {b}"));
            }
            let rank = |p: &Option<String>| match p.as_deref() {
                Some("day") => 0,
                Some("month") => 1,
                _ => 2,
            };
            if rank(&o.precision) != rank(&n.precision) {
                let class = Class::weaker_if(rank(&n.precision) < rank(&o.precision));
                push(
                    class,
                    "rule",
                    id,
                    format!("precision {:?} -> {:?}", o.precision, n.precision),
                );
            }
        }
        if o.replacement != n.replacement || o.key != n.key {
            push(
                Class::Neutral,
                "rule",
                id,
                String::from("replacement or key changed"),
            );
        }
    }
    for (a, b, noun) in [
        (&o.paths, &n.paths, "path"),
        (&o.keys, &n.keys, "key glob"),
        (&o.detect, &n.detect, "detector"),
    ] {
        set_change(
            &to_set(a),
            &to_set(b),
            "rule",
            id,
            noun,
            Class::Stronger,
            push,
        );
    }
    match (&o.pattern, &n.pattern) {
        (Some(_), None) => push(Class::Weaker, "rule", id, String::from("pattern removed")),
        (None, Some(_)) => push(Class::Stronger, "rule", id, String::from("pattern added")),
        (Some(a), Some(b)) if a != b => push(
            Class::Weaker,
            "rule",
            id,
            String::from("pattern changed (review: it may match less)"),
        ),
        _ => {}
    }
    // Scope: empty is everywhere. A scope that appears, or loses paths, covers less.
    let (os, ns) = (to_set(&o.scope), to_set(&n.scope));
    if os != ns {
        if os.is_empty() {
            push(
                Class::Weaker,
                "rule",
                id,
                String::from("scope added: detectors run in fewer places"),
            );
        } else if ns.is_empty() {
            push(
                Class::Stronger,
                "rule",
                id,
                String::from("scope removed: detectors run everywhere"),
            );
        } else {
            set_change(&os, &ns, "rule", id, "scope path", Class::Stronger, push);
        }
    }
    set_change(
        &to_set(&o.except),
        &to_set(&n.except),
        "rule",
        id,
        "except path",
        Class::Weaker,
        push,
    );
    when(o.when.as_ref(), n.when.as_ref(), "rule", id, push);
}

/// A rule's `when`: a condition that holds in fewer contexts applies the rule less.
fn when(
    o: Option<&WhenDoc>,
    n: Option<&WhenDoc>,
    section: &'static str,
    id: &str,
    push: &mut impl FnMut(Class, &'static str, &str, String),
) {
    let empty = WhenDoc::default();
    let (o, n) = (o.unwrap_or(&empty), n.unwrap_or(&empty));
    // Lists that say where the rule applies: none = every context.
    for (field, a, b) in [
        ("roles_any", &o.roles_any, &n.roles_any),
        ("purposes", &o.purposes, &n.purposes),
        ("types", &o.types, &n.types),
    ] {
        match (a, b) {
            (None, Some(_)) => push(
                Class::Weaker,
                section,
                id,
                format!("when.{field} added: applies in fewer contexts"),
            ),
            (Some(_), None) => push(
                Class::Stronger,
                section,
                id,
                format!("when.{field} removed: applies in every context"),
            ),
            (Some(a), Some(b)) => set_change(
                &to_set(a),
                &to_set(b),
                section,
                id,
                &format!("when.{field} entry"),
                Class::Stronger,
                push,
            ),
            (None, None) => {}
        }
    }
    // Roles that exempt.
    let none = |w: &WhenDoc| w.roles_none.as_deref().map(to_set).unwrap_or_default();
    set_change(
        &none(o),
        &none(n),
        section,
        id,
        "when.roles_none entry (exempt)",
        Class::Weaker,
        push,
    );
}

/// `[reveal]`: who may turn tokens back. Added, or a role or purpose more, is weaker.
fn reveal(
    old: &PolicyDoc,
    new: &PolicyDoc,
    push: &mut impl FnMut(Class, &'static str, &str, String),
) {
    match (&old.reveal, &new.reveal) {
        (None, None) => {}
        (None, Some(_)) => push(
            Class::Weaker,
            "reveal",
            "-",
            String::from("added: tokens can be revealed"),
        ),
        (Some(_), None) => push(Class::Stronger, "reveal", "-", String::from("removed")),
        (Some(o), Some(n)) => {
            for (a, b, what) in [
                (&o.roles_any, &n.roles_any, "role"),
                (&o.purposes, &n.purposes, "purpose"),
            ] {
                // An empty list allows any: going to or from it is the largest change.
                let (a_any, b_any) = (a.is_empty(), b.is_empty());
                for x in b.iter().filter(|x| !a.contains(x) && !a_any) {
                    push(
                        Class::Weaker,
                        "reveal",
                        "-",
                        format!("{what} `{x}` may reveal"),
                    );
                }
                for x in a.iter().filter(|x| !b.contains(x) && !b_any) {
                    push(
                        Class::Stronger,
                        "reveal",
                        "-",
                        format!("{what} `{x}` may no longer reveal"),
                    );
                }
                if b_any && !a_any {
                    push(
                        Class::Weaker,
                        "reveal",
                        "-",
                        format!("any {what} may reveal"),
                    );
                }
                if a_any && !b_any {
                    push(
                        Class::Stronger,
                        "reveal",
                        "-",
                        format!("no longer any {what}"),
                    );
                }
            }
        }
    }
}

fn access(
    old: &PolicyDoc,
    new: &PolicyDoc,
    push: &mut impl FnMut(Class, &'static str, &str, String),
) {
    match (&old.access, &new.access) {
        (None, None) => {}
        (Some(_), None) => push(
            Class::Weaker,
            "access",
            "-",
            String::from("removed: every role sees every type"),
        ),
        (None, Some(_)) => push(Class::Stronger, "access", "-", String::from("added")),
        (Some(o), Some(n)) => {
            if o.type_path != n.type_path {
                push(
                    Class::Weaker,
                    "access",
                    "-",
                    format!("type_path `{}` -> `{}` (review)", o.type_path, n.type_path),
                );
            }
            let deny = |d: &Option<String>| d.as_deref() == Some("deny");
            if deny(&o.default) != deny(&n.default) {
                let class = if deny(&n.default) {
                    Class::Stronger
                } else {
                    Class::Weaker
                };
                push(
                    class,
                    "access",
                    "-",
                    format!("default {:?} -> {:?}", o.default, n.default),
                );
            }
            // Who sees each type: the roles its grants name, or, for a type no grant names,
            // every role (`default = "allow"`) or none (`deny`). More viewers is weaker.
            let viewers = |a: &AccessDoc, t: &str| -> Option<BTreeSet<String>> {
                let roles: BTreeSet<String> = a
                    .grants
                    .iter()
                    .filter(|g| g.types.iter().any(|x| x == t))
                    .flat_map(|g| g.roles_any.iter().cloned())
                    .collect();
                let named = a.grants.iter().any(|g| g.types.iter().any(|x| x == t));
                match (named, deny(&a.default)) {
                    (true, _) => Some(roles),
                    (false, true) => Some(BTreeSet::new()),
                    (false, false) => None, // every role
                }
            };
            let types: BTreeSet<&str> = o
                .grants
                .iter()
                .chain(&n.grants)
                .flat_map(|g| g.types.iter().map(String::as_str))
                .collect();
            for t in types {
                match (viewers(o, t), viewers(n, t)) {
                    (Some(_), None) => push(
                        Class::Weaker,
                        "access",
                        "-",
                        format!("type `{t}`: every role sees it now"),
                    ),
                    (None, Some(_)) => push(
                        Class::Stronger,
                        "access",
                        "-",
                        format!("type `{t}`: only granted roles see it now"),
                    ),
                    (Some(a), Some(b)) => {
                        set_change(
                            &a,
                            &b,
                            "access",
                            "-",
                            &format!("role that sees `{t}`"),
                            Class::Weaker,
                            push,
                        );
                    }
                    (None, None) => {}
                }
            }
        }
    }
}

/// Items added to and removed from a list; `added` is the class of an added item (removing one
/// is the opposite, except for neutral).
fn set_change(
    old: &BTreeSet<String>,
    new: &BTreeSet<String>,
    section: &'static str,
    id: &str,
    noun: &str,
    added: Class,
    push: &mut impl FnMut(Class, &'static str, &str, String),
) {
    let removed = match added {
        Class::Weaker => Class::Stronger,
        Class::Stronger => Class::Weaker,
        Class::Neutral => Class::Neutral,
    };
    for x in new.difference(old) {
        push(added, section, id, format!("{noun} `{x}` added"));
    }
    for x in old.difference(new) {
        push(removed, section, id, format!("{noun} `{x}` removed"));
    }
}

fn to_set(v: &[String]) -> BTreeSet<String> {
    v.iter().cloned().collect()
}

/// `max_age` in milliseconds (an unparsable one never reaches here: both policies compiled).
fn age_ms(s: &str) -> u128 {
    let (num, unit) = s.split_at(s.len().saturating_sub(1));
    let n: u128 = num.parse().unwrap_or(0);
    n * match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => 604_800_000,
    }
}

// --- the sample ----------------------------------------------------------------------------

/// Both policies over the sample records: counts of leaves one leaves as they came in and the
/// other changes. Keyed rules hash with one throwaway key (both policies get the same one), as
/// only "changed or not" is compared.
fn sample(old: Policy, new: Policy, ctx: &Context, files: &[PathBuf]) -> Result<Sample, Fail> {
    let key = |p: Policy| -> Result<Policy, Fail> {
        let given: Vec<(String, Vec<u8>)> = p
            .required_keys()
            .map(|(name, _, _)| (name.to_owned(), b"tamis-diff-sample".to_vec()))
            .collect();
        p.bind_keys(&given, &mut |_| None, MissingKey::NoKey)
            .map_err(|e| Fail::policy(e.to_string()))
    };
    let (old, new) = (key(old)?, key(new)?);
    let mut old_run = old.run(ctx.clone());
    let mut new_run = new.run(ctx.clone());
    let mut s = Sample::default();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let max_line = old
        .limits()
        .json_text_bound()
        .max(new.limits().json_text_bound());
    let mut line = Vec::new();
    for_each_input(files, |input| {
        while let Some(too_long) = read_line_bounded(input, &mut line, max_line)? {
            let text = std::str::from_utf8(&line)
                .unwrap_or("")
                .trim_end_matches('\r');
            if text.trim().is_empty() {
                continue;
            }
            let parsed = (!too_long)
                .then(|| serde_json::from_str::<Value>(text).ok())
                .flatten();
            let Some(input_value) = parsed else {
                s.unreadable += 1;
                continue;
            };
            s.records += 1;
            a.clear();
            b.clear();
            let kept = |d: Disposition, out: &[u8]| {
                matches!(d, Disposition::Kept)
                    .then(|| serde_json::from_slice::<Value>(out).ok())
                    .flatten()
            };
            let old_out = kept(old_run.json_line(text, s.records, &mut a), &a);
            let new_out = kept(new_run.json_line(text, s.records, &mut b), &b);
            match (old_out, new_out) {
                (None, Some(_)) => s.records_no_longer_dropped += 1,
                (Some(o), Some(n)) => {
                    let mut leaves = Vec::new();
                    collect_leaves(&input_value, &mut String::new(), &mut leaves);
                    for (path, value) in leaves {
                        let o_same = lookup(&o, &path).is_some_and(|v| v == value);
                        let n_same = lookup(&n, &path).is_some_and(|v| v == value);
                        if n_same && !o_same {
                            s.values_weaker += 1;
                        } else if o_same && !n_same {
                            s.values_stronger += 1;
                        } else if !o_same && !n_same && lookup(&o, &path) != lookup(&n, &path) {
                            s.values_changed += 1;
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    })?;
    Ok(s)
}

/// Every leaf of a JSON value with its path (`a\u{0}b\u{0}0`).
fn collect_leaves<'v>(v: &'v Value, path: &mut String, out: &mut Vec<(String, &'v Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let len = path.len();
                path.push('\u{0}');
                path.push_str(k);
                collect_leaves(x, path, out);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                let len = path.len();
                let _ = write!(path, "\u{0}{i}");
                collect_leaves(x, path, out);
                path.truncate(len);
            }
        }
        _ => out.push((path.clone(), v)),
    }
}

fn lookup<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    let mut at = v;
    for seg in path.split('\u{0}').skip(1) {
        at = match at {
            Value::Object(m) => m.get(seg)?,
            Value::Array(items) => items.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(at)
}

// --- output --------------------------------------------------------------------------------

fn text(o: &Outcome) -> String {
    let mut s = String::new();
    for c in &o.changes {
        let _ = writeln!(
            s,
            "{:<8} {} {}: {}",
            c.class.name(),
            c.section,
            c.id,
            c.what
        );
    }
    if let Some(x) = &o.sample {
        let _ = writeln!(
            s,
            "sample: {} records, {} values less protected, {} more protected, {} masked differently, {} records no longer dropped, {} unreadable lines",
            x.records,
            x.values_weaker,
            x.values_stronger,
            x.values_changed,
            x.records_no_longer_dropped,
            x.unreadable
        );
    }
    let _ = writeln!(
        s,
        "{} weaker, {} stronger, {} neutral",
        o.weaker, o.stronger, o.neutral
    );
    s
}

fn junit(o: &Outcome) -> String {
    let esc = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let sample_failed = o
        .sample
        .as_ref()
        .is_some_and(|s| s.values_weaker > 0 || s.records_no_longer_dropped > 0);
    let tests = o.changes.len() + usize::from(o.sample.is_some());
    let failures = o.weaker + usize::from(sample_failed);
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<testsuite name=\"tamis diff\" tests=\"{tests}\" failures=\"{failures}\">"
    );
    for c in &o.changes {
        let name = esc(&format!("{} {}: {}", c.section, c.id, c.what));
        if c.class == Class::Weaker {
            let _ = writeln!(
                s,
                "  <testcase classname=\"tamis.diff.{}\" name=\"{name}\"><failure message=\"weaker\">{name}</failure></testcase>",
                c.section
            );
        } else {
            let _ = writeln!(
                s,
                "  <testcase classname=\"tamis.diff.{}\" name=\"{name} ({})\"/>",
                c.section,
                c.class.name()
            );
        }
    }
    if let Some(x) = &o.sample {
        let name = format!("sample: {} records", x.records);
        if sample_failed {
            let _ = writeln!(
                s,
                "  <testcase classname=\"tamis.diff.sample\" name=\"{name}\"><failure message=\"weaker\">{} values less protected, {} records no longer dropped</failure></testcase>",
                x.values_weaker, x.records_no_longer_dropped
            );
        } else {
            let _ = writeln!(
                s,
                "  <testcase classname=\"tamis.diff.sample\" name=\"{name}\"/>"
            );
        }
    }
    s.push_str("</testsuite>\n");
    s
}
