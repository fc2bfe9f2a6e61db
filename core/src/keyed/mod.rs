//! The keyed, reversible actions: `encrypt` (AES-SIV, RFC 5297), `fpe` (FF1, NIST SP 800-38G)
//! and `shift_date` (a keyed offset per entity), and the material they derive from a key.
//!
//! One `[key.*]` serves every keyed action. `hash` uses the material as its HMAC key (as it
//! always has); the reversible actions use subkeys derived from it as HKDF does (extract with a
//! fixed salt, then one HMAC-SHA256 per label), so a token of one action never helps against
//! another. They need at least [`MIN_KEY_BYTES`] of material.

use alloc::boxed::Box;
use alloc::string::String;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub(crate) mod fpe;
pub(crate) mod shift;
pub(crate) mod siv;

/// The least key material (bytes) for `encrypt`, `fpe` and `shift_date`: 256 bits.
pub const MIN_KEY_BYTES: usize = 32;

/// Subkeys of one key for the reversible actions. Never printed.
#[derive(Clone)]
pub(crate) struct Derived {
    /// AES-256-SIV: two AES-256 keys (MAC, then CTR).
    pub siv: [u8; 64],
    /// AES-256 key of FF1.
    pub ff1: [u8; 32],
    /// HMAC key of `shift_date` offsets.
    pub shift: Hmac<Sha256>,
}

/// HMAC takes keys of every length: never called.
fn unreachable_hmac() -> Hmac<Sha256> {
    <Hmac<Sha256> as Mac>::new(&Default::default())
}

fn label(mac: &Hmac<Sha256>, label: &[u8]) -> [u8; 32] {
    let mut m = mac.clone();
    m.update(label);
    m.finalize().into_bytes().into()
}

/// The fixed salt of the derivation (HKDF-Extract): the material is the message, never the
/// key, so no `hash` token (HMAC keyed with the material) is ever a subkey or part of one.
const SALT: &[u8] = b"tamis/v1/derive";

impl Derived {
    /// The subkeys of `material`: PRK = HMAC-SHA256(salt, material) (HKDF-Extract), then one
    /// HMAC-SHA256(PRK, label) per subkey.
    pub(crate) fn new(material: &[u8]) -> Box<Self> {
        let mut extract =
            <Hmac<Sha256> as Mac>::new_from_slice(SALT).unwrap_or_else(|_| unreachable_hmac());
        extract.update(material);
        let prk = extract.finalize().into_bytes();
        let mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&prk).unwrap_or_else(|_| unreachable_hmac());
        let mac = &mac;
        let mut siv = [0u8; 64];
        let (a, b) = siv.split_at_mut(32);
        a.copy_from_slice(&label(mac, b"tamis/v1/encrypt/mac"));
        b.copy_from_slice(&label(mac, b"tamis/v1/encrypt/ctr"));
        let shift_key = label(mac, b"tamis/v1/shift_date");
        let shift =
            <Hmac<Sha256> as Mac>::new_from_slice(&shift_key).unwrap_or_else(|_| mac.clone());
        Box::new(Self {
            siv,
            ff1: label(mac, b"tamis/v1/fpe"),
            shift,
        })
    }
}

impl Drop for Derived {
    fn drop(&mut self) {
        // Best effort: the key bytes do not outlive the policy in this struct.
        // (The optimiser may drop these writes; the HMAC state has no wipe of its own.)
        self.siv.fill(0);
        self.ff1.fill(0);
    }
}

/// Warnings about `fpe` and `shift_date` rules, the two actions that are not idempotent:
/// where a detector or pattern rule can also run over a value they select, the policy applied
/// to its own output (a second hop of the same pipeline) would find and mask their output
/// again. `(rule id, message)`; `tamis check` prints them.
pub(crate) fn warnings(doc: &crate::model::PolicyDoc) -> alloc::vec::Vec<(String, String)> {
    use alloc::format;
    let mut out = alloc::vec::Vec::new();
    for r in doc
        .rules
        .iter()
        .filter(|r| matches!(r.action.as_str(), "fpe" | "shift_date"))
    {
        if !r.keys.is_empty()
            && let Some(d) = doc
                .rules
                .iter()
                .find(|d| (!d.detect.is_empty() || d.pattern.is_some()) && d.scope.is_empty())
        {
            out.push((
                r.id.clone(),
                format!(
                    "`{}` is not idempotent, and rule `{}` scans every value, those under the \
                     keys `{}` too: applied to its own output, the policy would change them \
                     again; give that rule a `scope`, and apply this policy once",
                    r.action,
                    d.id,
                    r.keys.join("`, `")
                ),
            ));
        }
        for p in &r.paths {
            for d in doc
                .rules
                .iter()
                .filter(|d| !d.detect.is_empty() || d.pattern.is_some())
            {
                let runs_there = (d.scope.is_empty() || d.scope.iter().any(|s| glob_covers(s, p)))
                    && !d.except.iter().any(|e| glob_covers(e, p));
                if runs_there {
                    out.push((
                        r.id.clone(),
                        format!(
                            "`{}` is not idempotent, and rule `{}` also scans `{p}`: applied to \
                             its own output, the policy would change the value again; add `{p}` \
                             to that rule's `except`, and apply this policy once",
                            r.action, d.id
                        ),
                    ));
                }
            }
        }
    }
    let reversible = |a: &str| matches!(a, "encrypt" | "fpe" | "shift_date");
    for r in doc.rules.iter().filter(|r| reversible(&r.action)) {
        if r.when.is_some() {
            out.push((
                r.id.clone(),
                format!(
                    "`{}` under a `when` condition: `reveal` does not know the context a record \
                     was masked for, so it treats the rule as always applied; a value the rule \
                     left would be turned into another",
                    r.action
                ),
            ));
        }
        for o in doc
            .rules
            .iter()
            .filter(|o| o.when.is_some() && o.id != r.id)
        {
            if let Some(p) = r.paths.iter().find(|p| {
                o.paths
                    .iter()
                    .any(|q| glob_covers(q, p) || glob_covers(p, q))
            }) {
                out.push((
                    r.id.clone(),
                    format!(
                        "rule `{}` has a `when` condition and also selects `{p}`: `reveal` does \
                         not know the context a record was masked for, and may pick the other \
                         rule there",
                        o.id
                    ),
                ));
            }
        }
        if r.action == "shift_date"
            && let Some(entity) = &r.entity
            && let Some(o) = doc
                .rules
                .iter()
                .find(|o| !reversible(&o.action) && o.paths.iter().any(|q| glob_covers(q, entity)))
        {
            out.push((
                r.id.clone(),
                format!(
                    "the entity `{entity}` is masked one way by rule `{}`: the dates stay \
                     consistent per entity, but `reveal` cannot move them back (use `encrypt` \
                     for the entity to reveal them)",
                    o.id
                ),
            ));
        }
    }
    out
}

/// Whether the path pattern `glob` (`*` one key, `**` any keys) matches every path `path`
/// names (its own `*` and `**` read as keys: a conservative answer for patterns).
fn glob_covers(glob: &str, path: &str) -> bool {
    fn go(g: &[&str], p: &[&str]) -> bool {
        match (g.split_first(), p.split_first()) {
            (None, None) => true,
            (Some((&"**", rest)), _) => {
                go(rest, p) || p.split_first().is_some_and(|(_, pr)| go(g, pr))
            }
            (Some((&gh, gr)), Some((&ph, pr))) => (gh == "*" || gh == ph) && go(gr, pr),
            _ => false,
        }
    }
    let g: alloc::vec::Vec<&str> = glob.split('.').collect();
    let p: alloc::vec::Vec<&str> = path.split('.').collect();
    go(&g, &p)
}
