//! What every front end (the `tamis` CLI, Python, Node, the plugin host) does the same way
//! around applying a policy: which form a policy file is in, key material, the context and
//! `now` options of a call, how much of an input it reads, and what it writes for a record that
//! is not written masked. Still `no_std`: a front end passes its clock reading and an
//! environment lookup, and shows an error its own way (an exception, `error[...]` on stderr).
//!
//! Messages here never quote the option's value: a context or a time can hold anything.

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde_json::Value;

use crate::context::Context;
use crate::error::{ErrorKind, PolicyError};
use crate::policy::{Limits, Policy};
use crate::report::{Disposition, Quarantine, dropped_marker, quarantine_marker, write_json};

/// The two forms of a policy document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyFormat {
    /// TOML text.
    Toml,
    /// The JSON form (the same document model).
    Json,
}

impl PolicyFormat {
    /// The form a policy file's name says: a name ending in `.json`, in any case
    /// (`policy.JSON`), is the JSON form; anything else is TOML.
    ///
    /// ```
    /// use tamis_core::PolicyFormat;
    /// assert_eq!(PolicyFormat::for_file_name("etc/policy.JSON"), PolicyFormat::Json);
    /// assert_eq!(PolicyFormat::for_file_name("policy.json.toml"), PolicyFormat::Toml);
    /// ```
    #[must_use]
    pub fn for_file_name(name: &str) -> Self {
        let b = name.as_bytes();
        let ext = b.get(b.len().saturating_sub(5)..).unwrap_or_default();
        if b.len() >= 5 && ext.eq_ignore_ascii_case(b".json") {
            Self::Json
        } else {
            Self::Toml
        }
    }
}

/// What happens when a key that a `hash` rule uses has no material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingKey {
    /// An error, before any input is read (the CLI).
    Fail,
    /// `hash` writes `[tamis:no_key]`: fails closed, visibly in the output (the libraries).
    NoKey,
}

impl Policy {
    /// Compiles a policy's text in `format`.
    ///
    /// # Errors
    /// A [`PolicyError`] with line, column, rule id and help when the policy is not valid.
    pub fn from_text(text: &str, format: PolicyFormat) -> Result<Self, PolicyError> {
        match format {
            PolicyFormat::Toml => Self::from_toml(text),
            PolicyFormat::Json => Self::from_json(text),
        }
    }

    /// Compiles the text of the policy file named `file`, in the form its name says
    /// ([`PolicyFormat::for_file_name`]); an error names the file.
    ///
    /// # Errors
    /// A [`PolicyError`] when the policy is not valid.
    pub fn from_file_text(file: &str, text: &str) -> Result<Self, PolicyError> {
        Self::from_text(text, PolicyFormat::for_file_name(file)).map_err(|e| e.with_file(file))
    }

    /// Gives the policy its key material: each `(name, material)` of `given`, then, for each
    /// key a `hash` rule uses that `given` lacks, `env(variable)` for the environment variable
    /// the policy names for it (an empty value counts as unset).
    ///
    /// # Errors
    /// A key `given` that the policy does not declare, empty material, or (with
    /// [`MissingKey::Fail`]) a key with no material at all.
    pub fn bind_keys(
        mut self,
        given: &[(String, Vec<u8>)],
        env: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
        missing: MissingKey,
    ) -> Result<Self, PolicyError> {
        let unbound: Vec<(String, String)> = self
            .required_keys()
            .filter(|(name, _, _)| !given.iter().any(|(n, _)| n == name))
            .map(|(name, var, _)| (name.to_owned(), var.to_owned()))
            .collect();
        for (name, material) in given {
            self = self.with_key(name, material)?;
        }
        // A policy that reveals reads every key it declares when its variable is set: a key no
        // rule uses any more is a rotated one, still needed to reveal its tokens.
        let rotated: Vec<(String, String)> = if self.doc.reveal.is_some() {
            self.declared_keys()
                .filter(|(name, _, _)| {
                    !given.iter().any(|(n, _)| n == name)
                        && !self.required_keys().any(|(r, _, _)| r == *name)
                })
                .map(|(name, var, _)| (name.to_owned(), var.to_owned()))
                .collect()
        } else {
            Vec::new()
        };
        for (name, var) in rotated {
            if let Some(material) = env(&var).filter(|m| !m.is_empty()) {
                self = self.with_key(&name, &material)?;
            }
        }
        for (name, var) in unbound {
            match env(&var).filter(|m| !m.is_empty()) {
                Some(material) => self = self.with_key(&name, &material)?,
                None if missing == MissingKey::Fail => {
                    return Err(PolicyError::new(
                        ErrorKind::Key,
                        format!(
                            "key `{name}` needs its material in the environment variable \
                             `{var}`, which is not set"
                        ),
                    )
                    .help(format!("export {var}=<a secret of at least 16 bytes>")));
                }
                None => {}
            }
        }
        Ok(self)
    }
}

impl Limits {
    /// The longest JSON text read for one record: 8 times `max_record_bytes` (records are
    /// measured by content, and escapes make text longer). A longer text is quarantined as
    /// `too_large` unread, so a reader need not buffer more.
    #[must_use]
    pub fn json_text_bound(&self) -> usize {
        usize::try_from(self.max_record_bytes.saturating_mul(8)).unwrap_or(usize::MAX)
    }

    /// How much of one record given as a front end's own values (Python objects, JS values) a
    /// binding reads, in values plus text units, before it stops and quarantines the record as
    /// `too_large`: about twice `max_record_bytes` (the walker quarantines such a record
    /// anyway; the bound keeps memory and cyclic fan-out bounded while reading).
    #[must_use]
    pub fn read_budget(&self) -> u64 {
        self.max_record_bytes.saturating_mul(2).saturating_add(1024)
    }
}

impl Policy {
    /// The path automaton, for a front end that reads records itself and would rather not read
    /// members no rule can reach: `Some` only when a member outside every path pattern can
    /// change nothing and decide nothing, whatever it holds within the limits. That is, every
    /// rule selects by `paths` only (no detector, no `keys` glob), no action reads more than its
    /// value (no placeholders, which number by walk order and reserve numbers found in the data;
    /// no `shift_date`, which reads the record's entity; no plugin), and no stage reads the
    /// record (no `[access]`, `[[retention]]`, `[[summarize]]`, `[[allow]]` or `scope`).
    ///
    /// Such a front end steps the automaton as [`Policy`]'s walk does (a set of states: the
    /// start set is each pattern's first state with the `**` closure; a key moves `Key` and
    /// `One` states past themselves, keeps `Any` states and enters the state after them; an
    /// array's items have the array's set); a member whose set is empty, under no node a rule
    /// accepted, is left as it is, and the engine is given the rest. It must still hold the
    /// whole record to the limits (depth, string, key and record sizes), or give the engine
    /// all of it.
    #[must_use]
    pub fn path_plan(&self) -> Option<Vec<crate::policy::select::PathState<'_>>> {
        let plain = self.access.is_none()
            && self.retention.is_empty()
            && self.summaries.is_empty()
            && self.key_globs.is_empty()
            && self.plugins.is_empty()
            && self.ext_names.is_empty()
            && !self.shifts
            && self.rules.iter().all(|r| {
                r.detectors.is_empty()
                    && !r.has_scope
                    && !matches!(
                        r.action,
                        crate::action::Action::Placeholder { .. }
                            | crate::action::Action::ShiftDate { .. }
                            | crate::action::Action::Plugin { .. }
                    )
            });
        if !plain {
            return None;
        }
        self.paths.rule_states()
    }
}

/// A mistake in the options of a call (its context or `now`): what is wrong and what to write
/// instead, never the value given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError(String);

impl OptionError {
    fn new(message: &str) -> Self {
        Self(message.to_owned())
    }

    /// The message.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl core::fmt::Display for OptionError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One field of a context option, as a front end read it from its own values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextValue {
    /// A list of strings.
    Strings(Vec<String>),
    /// A string.
    Text(String),
    /// Anything else (a number, a list holding a non-string, ...).
    Other,
}

/// What a context option looks like, for messages.
pub const CONTEXT_EXAMPLE: &str =
    r#"{"roles": ["viewer"], "purpose": "debugging", "type": "trace"}"#;

impl Context {
    /// Sets the field `key` of a context option: `roles` (a list of strings), `purpose` or
    /// `type` (strings).
    ///
    /// # Errors
    /// An unknown key (not quoted: a context can hold anything) or a value of the wrong type.
    pub fn set_option(&mut self, key: &str, value: ContextValue) -> Result<(), OptionError> {
        match (key, value) {
            ("roles", ContextValue::Strings(roles)) => self.roles = roles,
            ("roles", _) => {
                return Err(OptionError::new(
                    "the context's `roles` must be a list of strings",
                ));
            }
            ("purpose", ContextValue::Text(p)) => self.purpose = Some(p),
            ("type", ContextValue::Text(t)) => self.record_type = Some(t),
            ("purpose" | "type", _) => {
                return Err(OptionError(format!(
                    "the context's `{key}` must be a string"
                )));
            }
            _ => {
                return Err(OptionError::new(
                    "the context has an unknown key; the keys are `roles`, `purpose` and `type`",
                ));
            }
        }
        Ok(())
    }

    /// A context option given as JSON text (the CLI's `--context`).
    ///
    /// # Errors
    /// Text that is not such a JSON object: where (line, column) and what kind of mistake.
    pub fn from_json_option(text: &str) -> Result<Self, OptionError> {
        let at = |e: &serde_json::Error| {
            // Where and what kind of mistake, never the text.
            let full = format!("{e}");
            let what = full
                .rsplit_once(" at line ")
                .map_or(full.as_str(), |(m, _)| m);
            OptionError(format!(
                "the context is not valid JSON (line {}, column {}: {}); write it as \
                 {CONTEXT_EXAMPLE}",
                e.line(),
                e.column(),
                crate::error::without_input(what),
            ))
        };
        let value: Value = serde_json::from_str(text).map_err(|e| at(&e))?;
        let Value::Object(fields) = value else {
            return Err(OptionError(format!(
                "the context must be a JSON object such as {CONTEXT_EXAMPLE}"
            )));
        };
        let mut ctx = Self::default();
        for (key, v) in fields {
            let v = match v {
                Value::String(s) => ContextValue::Text(s),
                Value::Array(items) => items
                    .into_iter()
                    .map(|i| match i {
                        Value::String(s) => Some(s),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()
                    .map_or(ContextValue::Other, ContextValue::Strings),
                _ => ContextValue::Other,
            };
            ctx.set_option(&key, v)?;
        }
        Ok(ctx)
    }
}

/// The `now` option given as text: an RFC 3339 time, in milliseconds since the Unix epoch.
///
/// # Errors
/// Text that is not an RFC 3339 time (not quoted).
pub fn parse_now(text: &str) -> Result<i64, OptionError> {
    crate::time::parse_rfc3339(text).ok_or_else(|| {
        OptionError::new("`now` is not an RFC 3339 time; write it as 2024-03-05T10:20:30Z")
    })
}

/// What a front end writes for a record, from what became of it.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// The masked record.
    Record,
    /// Instead of the record: its quarantine marker.
    Marker(Value),
    /// Nothing: `[access]`, `[[retention]]` or a plugin dropped it (the report counts it).
    Nothing,
}

impl Disposition {
    /// What to write for the record: the masked record, its quarantine marker (naming `line`
    /// when the input has lines), or nothing.
    #[must_use]
    pub fn output(self, line: Option<u64>) -> Output {
        match self {
            Self::Kept => Output::Record,
            Self::Quarantined(q) => Output::Marker(quarantine_marker(line, q)),
            // Dropped (and any outcome added later): nothing of the record is written.
            _ => Output::Nothing,
        }
    }

    /// The value `tamis test` cases and conformance vectors compare: `None` for a kept record
    /// (the record itself), else its quarantine or dropped marker.
    #[must_use]
    pub fn marker(self) -> Option<Value> {
        match self {
            Self::Kept => None,
            Self::Quarantined(q) => Some(quarantine_marker(None, q)),
            Self::Dropped(d) => Some(dropped_marker(d)),
        }
    }
}

/// Appends the quarantine marker of a record (naming `line` when known) to `out` as compact
/// JSON, without a newline.
pub fn write_quarantine_marker(out: &mut Vec<u8>, line: Option<u64>, q: Quarantine) {
    write_json(&quarantine_marker(line, q), out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_plan_only_where_nothing_else_reads_the_record() {
        let head = "version = 1\nname = \"t\"\n";
        let plan = |rules: &str| {
            Policy::from_toml(&alloc::format!("{head}{rules}"))
                .map(|p| p.path_plan().map(|s| s.len()))
                .ok()
                .flatten()
        };
        // `a.*.b` and `**.c`: each step, then its accept (4 + 3).
        assert_eq!(
            plan("[[rule]]\nid = \"r\"\npaths = [\"a.*.b\", \"**.c\"]\naction = \"redact\"\n"),
            Some(7)
        );
        for rules in [
            "[[rule]]\nid = \"r\"\ndetect = [\"email\"]\naction = \"replace\"\n",
            "[[rule]]\nid = \"r\"\nkeys = [\"*password*\"]\naction = \"redact\"\n",
            "[[rule]]\nid = \"r\"\npaths = [\"a\"]\naction = \"placeholder\"\n",
            "[[rule]]\nid = \"r\"\npaths = [\"a\"]\naction = \"replace\"\n[[summarize]]\nid = \"s\"\npaths = [\"b\"]\n",
        ] {
            assert_eq!(plan(rules), None, "{rules}");
        }
    }

    #[test]
    fn file_names() {
        for (name, format) in [
            ("p.json", PolicyFormat::Json),
            ("p.JSON", PolicyFormat::Json),
            ("dir/p.Json", PolicyFormat::Json),
            (".json", PolicyFormat::Json),
            ("json", PolicyFormat::Toml),
            ("p.json.toml", PolicyFormat::Toml),
            ("p.toml", PolicyFormat::Toml),
            ("p", PolicyFormat::Toml),
            ("é.json", PolicyFormat::Json),
            ("ééé", PolicyFormat::Toml),
        ] {
            assert_eq!(PolicyFormat::for_file_name(name), format, "{name}");
        }
    }

    #[test]
    fn context_options_never_quote_values() {
        let mut ctx = Context::default();
        let e = ctx
            .set_option("secret-key-name", ContextValue::Text("s3cr3t".into()))
            .unwrap_err();
        assert!(!e.message().contains("s3cr3t") && !e.message().contains("secret-key-name"));
        let e = Context::from_json_option(r#"{"roles": "s3cr3t"}"#).unwrap_err();
        assert!(!e.message().contains("s3cr3t"), "{e}");
        let e = Context::from_json_option(r#"{"roles": [s3cr3t]}"#).unwrap_err();
        assert!(!e.message().contains("s3cr3t"), "{e}");
        let ctx = Context::from_json_option(r#"{"roles":["a"],"purpose":"p","type":"t"}"#).unwrap();
        assert_eq!(ctx.roles, ["a"]);
        assert_eq!(ctx.purpose.as_deref(), Some("p"));
        assert_eq!(ctx.record_type.as_deref(), Some("t"));
    }
}
