//! `[access]`: records of a trace type dropped unless the context has a role a grant names.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{Found, key_path, lookup};
use crate::context::Context;
use crate::error::{ErrorKind, PolicyError};
use crate::policy::model::PolicyDoc;
use crate::policy::source::{Seg, Source, error_at};
use crate::record::tree::Tree;

/// The compiled `[access]` table.
#[derive(Debug)]
pub(crate) struct Access {
    pub type_path: Vec<String>,
    pub default_allow: bool,
    pub grants: Vec<(Vec<String>, Vec<String>)>,
}

/// Compiles `[access]`.
pub(crate) fn compile(doc: &PolicyDoc, src: &Source<'_>) -> Result<Option<Access>, PolicyError> {
    let Some(a) = &doc.access else {
        return Ok(None);
    };
    let at = |field: &'static str| [Seg::Key("access"), Seg::Key(field)];
    let type_path = key_path(&a.type_path, src, &at("type_path"), "type", "")?;
    let default_allow = match a.default.as_deref() {
        None | Some("allow") => true,
        Some("deny") => false,
        Some(other) => {
            return Err(error_at(
                src,
                &at("default"),
                ErrorKind::InvalidValue,
                format!("`default = \"{other}\"` is not known"),
                "write `allow` (types no grant names are kept) or `deny` (they are dropped)",
                "",
            ));
        }
    };
    let mut grants = Vec::new();
    for (i, g) in a.grants.iter().enumerate() {
        for (name, list) in [("types", &g.types), ("roles_any", &g.roles_any)] {
            if list.is_empty() {
                return Err(error_at(
                    src,
                    &[
                        Seg::Key("access"),
                        Seg::Key("grant"),
                        Seg::Index(i),
                        Seg::Key(name),
                    ],
                    ErrorKind::InvalidValue,
                    format!("grant {} has an empty `{name}` list", i + 1),
                    "list at least one trace type and one role",
                    "",
                ));
            }
        }
        grants.push((g.types.clone(), g.roles_any.clone()));
    }
    Ok(Some(Access {
        type_path,
        default_allow,
        grants,
    }))
}

/// The outcome of the access check for one record.
pub(crate) enum AccessCheck {
    Allowed(Option<String>),
    Denied,
}

impl Access {
    /// Whether the context may see `record`, and the record's type (for `when = { types }`).
    /// A type that is present but not a string is denied: an unknown shape never passes.
    pub(crate) fn check<T: Tree>(&self, record: &T, ctx: &Context) -> AccessCheck {
        let ty = match lookup(record, &self.type_path) {
            Found::Text(s) => Some(s),
            Found::Missing => None,
            Found::Number(_) | Found::Other => return AccessCheck::Denied,
        };
        let mut named = false;
        let mut granted = false;
        if let Some(t) = &ty {
            for (types, roles) in &self.grants {
                if types.iter().any(|x| x == t) {
                    named = true;
                    granted |= roles.iter().any(|r| ctx.roles.contains(r));
                }
            }
        }
        if granted || (!named && self.default_allow) {
            AccessCheck::Allowed(ty)
        } else {
            AccessCheck::Denied
        }
    }
}
