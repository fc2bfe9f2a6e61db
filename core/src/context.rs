//! Who the output is for and when: the [`Context`] every application takes, and the compiled
//! `when` conditions that test it.

use alloc::string::String;
use alloc::vec::Vec;

use crate::policy::model::ContextDoc;
use crate::time::EpochMillis;

/// Who the output is for and when: roles, purpose, record type and the current time. Core never
/// reads a clock; callers pass `now`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// Roles of whoever will see the output.
    pub roles: Vec<String>,
    /// Why the data is processed.
    pub purpose: Option<String>,
    /// The record's trace type.
    pub record_type: Option<String>,
    /// The current time (milliseconds since the Unix epoch).
    pub now: Option<EpochMillis>,
}

impl From<ContextDoc> for Context {
    fn from(c: ContextDoc) -> Self {
        Self {
            roles: c.roles,
            purpose: c.purpose,
            record_type: c.record_type,
            now: None,
        }
    }
}

impl Cond {
    /// Whether the condition holds for `ctx`; `record_type` is the record's own type (from
    /// `[access] type_path`) or else the context's.
    pub(crate) fn holds(&self, ctx: &Context, record_type: Option<&str>) -> bool {
        let has_role = |list: &[String]| list.iter().any(|r| ctx.roles.contains(r));
        self.roles_any.as_deref().is_none_or(has_role)
            && self.roles_none.as_deref().is_none_or(|l| !has_role(l))
            && self
                .purposes
                .as_deref()
                .is_none_or(|l| ctx.purpose.as_ref().is_some_and(|p| l.contains(p)))
            && self
                .types
                .as_deref()
                .is_none_or(|l| record_type.is_some_and(|t| l.iter().any(|x| x == t)))
    }
}

/// A context condition (`when`), compiled.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cond {
    pub roles_any: Option<Vec<String>>,
    pub roles_none: Option<Vec<String>>,
    pub purposes: Option<Vec<String>>,
    pub types: Option<Vec<String>>,
}
