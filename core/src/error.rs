//! The one error a policy can produce: [`PolicyError`].
//!
//! Applying a compiled policy never fails (bad records are masked, dropped or quarantined and the
//! report says so); only reading or compiling a policy does. Messages follow one style: lower
//! case, no final period, policy input in backticks, a location and a `help` that says what to do.
//! They quote the policy, never a record.

use alloc::boxed::Box;
use alloc::string::String;
use core::fmt;

/// What kind of mistake a [`PolicyError`] reports. New kinds may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The document is not valid TOML or JSON.
    Syntax,
    /// A key that the policy language does not know.
    UnknownKey,
    /// A value of the wrong type or out of range.
    InvalidValue,
    /// The `version` is missing or not supported.
    Version,
    /// Two rules (or tests, keys, ...) share an id.
    DuplicateId,
    /// An `action` that does not exist, or an option that does not fit the action.
    Action,
    /// A selector (`paths`, `keys`, `scope`, `except`) that cannot be compiled.
    Selector,
    /// A custom `pattern` that is invalid or too large.
    Pattern,
    /// An unknown built-in detector.
    Detector,
    /// A `hash` rule without a usable key, or key material that is missing.
    Key,
    /// The policy is larger than a limit allows.
    Limit,
}

impl ErrorKind {
    /// A short stable code for the kind, printed as `error[code]`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Syntax => "syntax",
            Self::UnknownKey => "unknown-key",
            Self::InvalidValue => "invalid-value",
            Self::Version => "version",
            Self::DuplicateId => "duplicate-id",
            Self::Action => "action",
            Self::Selector => "selector",
            Self::Pattern => "pattern",
            Self::Detector => "detector",
            Self::Key => "key",
            Self::Limit => "limit",
        }
    }
}

/// A policy that cannot be read or compiled: what is wrong, where, and what to do.
#[derive(Clone, PartialEq, Eq)]
pub struct PolicyError(Box<ErrorImpl>);

#[derive(Clone, PartialEq, Eq)]
struct ErrorImpl {
    kind: ErrorKind,
    message: String,
    help: Option<String>,
    file: Option<String>,
    line: Option<u32>,
    column: Option<u32>,
    rule_id: Option<String>,
    path: Option<String>,
}

impl PolicyError {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self(Box::new(ErrorImpl {
            kind,
            message: message.into(),
            help: None,
            file: None,
            line: None,
            column: None,
            rule_id: None,
            path: None,
        }))
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
        self
    }

    pub(crate) fn at(mut self, line: u32, column: u32) -> Self {
        self.0.line = Some(line);
        self.0.column = Some(column);
        self
    }

    pub(crate) fn rule(mut self, id: &str) -> Self {
        if !id.is_empty() {
            self.0.rule_id = Some(String::from(id));
        }
        self
    }

    pub(crate) fn doc_path(mut self, path: impl Into<String>) -> Self {
        self.0.path = Some(path.into());
        self
    }

    /// Names the file the policy came from; shown first in the message.
    #[must_use]
    pub fn with_file(mut self, file: impl Into<String>) -> Self {
        self.0.file = Some(file.into());
        self
    }

    /// The kind of mistake.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }
    /// The message, without location or help.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.0.message
    }
    /// What to do about it.
    #[must_use]
    pub fn help_text(&self) -> Option<&str> {
        self.0.help.as_deref()
    }
    /// The file, if the caller named one with [`PolicyError::with_file`].
    #[must_use]
    pub fn file(&self) -> Option<&str> {
        self.0.file.as_deref()
    }
    /// 1-based line in the policy source.
    #[must_use]
    pub fn line(&self) -> Option<u32> {
        self.0.line
    }
    /// 1-based column (in characters) in the policy source.
    #[must_use]
    pub fn column(&self) -> Option<u32> {
        self.0.column
    }
    /// The id of the rule (or test, key, allow entry) the mistake is in.
    #[must_use]
    pub fn rule_id(&self) -> Option<&str> {
        self.0.rule_id.as_deref()
    }
    /// Where in the document, as `rule[2].paths[0]`.
    #[must_use]
    pub fn path(&self) -> Option<&str> {
        self.0.path.as_deref()
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        if let Some(file) = &e.file {
            f.write_str(file)?;
            f.write_str(":")?;
        }
        if let (Some(line), Some(col)) = (e.line, e.column) {
            write!(f, "{line}:{col}: ")?;
        } else if e.file.is_some() {
            f.write_str(" ")?;
        }
        write!(f, "error[{}]: {}", e.kind.code(), e.message)?;
        if let Some(id) = &e.rule_id {
            write!(f, " (in `{id}`)")?;
        }
        if let Some(path) = &e.path {
            write!(f, "\n  at: {path}")?;
        }
        if let Some(help) = &e.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl core::error::Error for PolicyError {}

/// A deserializer's message (serde, TOML, JSON) without the input it quotes: a value of the
/// wrong type (``invalid type: integer `4111...` ``), an unknown key or variant is named by its
/// kind and position, never by its text, since policies and contexts can hold data (`[[test]]`
/// inputs). Quoted names after `expected` are the schema's own and stay; so does the name in
/// `missing field` and `duplicate field`, which is a key of the schema.
#[must_use]
pub fn without_input(message: &str) -> String {
    if message.starts_with("missing field") || message.starts_with("duplicate field") {
        return String::from(message);
    }
    let keep_from = message.find("expected").unwrap_or(message.len());
    let mut out = String::with_capacity(message.len());
    let mut chars = message.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if i < keep_from && (c == '`' || c == '"') {
            // Drop the quoted text and the space before it.
            if out.ends_with(' ') {
                out.pop();
            }
            for (_, d) in chars.by_ref() {
                if d == c {
                    break;
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}
