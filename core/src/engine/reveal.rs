//! `reveal`: the output of `encrypt`, `fpe` and `shift_date` turned back into the values, for
//! a context that the policy's `[reveal]` section allows. Values are found as `apply` found
//! them (the same paths, key globs and strongest rule; `when` conditions are not consulted, as
//! the context of the original application is not known), and `encrypt` tokens anywhere in
//! text. A token that does not verify under its key, or names a key id this policy does not
//! have, refuses the whole record: nothing is guessed.

use alloc::collections::BTreeMap;
use alloc::string::String;
use serde_json::Value;

use crate::action::{Action, is_marker};
use crate::context::Context;
use crate::engine::scratch::Scratch;
use crate::keyed::siv::{self, Kind, MIN_BODY};
use crate::policy::Policy;

/// How many body lengths `reveal` tries at one token in text: a token that `apply` wrote just
/// before up to about 85 base64url characters is found; past that it is refused, never guessed.
const REVEAL_TRIES: usize = 64;

/// Why a record could not be revealed. Names a path and a rule, never a value or a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Where (keys joined by `.`, `[]` for array items).
    pub path: String,
    /// The rule whose output it was, when one selects the value.
    pub rule: Option<String>,
    /// `not_verified` (a changed or forged token, or one of another key with the same id),
    /// `unknown_key` (a token of a key id the policy does not have), `not_reversible` (an
    /// `fpe` or `shift_date` value that does not decrypt), `no_entity` (the record has no
    /// entity to undo `shift_date` with).
    pub reason: &'static str,
}

impl core::fmt::Display for Refusal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "cannot reveal the value at `{}`", self.path)?;
        if let Some(r) = &self.rule {
            write!(f, " (rule `{r}`)")?;
        }
        f.write_str(match self.reason {
            "not_verified" => ": the token does not verify under its key (changed, forged, or made with another key of the same id)",
            "unknown_key" => ": the token names a key id this policy does not have",
            "no_entity" => ": the record has no entity value to undo `shift_date` with",
            _ => ": the value does not decrypt under the rule's key",
        })
    }
}

/// What revealing counted: values turned back, per rule id (`encrypt` tokens found in text
/// count under `"[text]"`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RevealCounts {
    /// Records revealed.
    pub records: u64,
    /// Records refused.
    pub refused: u64,
    /// Records a front end could not read (not JSON, too large), counted by it.
    pub quarantined: u64,
    /// Values turned back, per rule id.
    pub values: BTreeMap<String, u64>,
}

impl RevealCounts {
    /// Values turned back in all.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.values.values().sum()
    }

    /// The audit event of a reveal (see [`crate::Report::audit_event`]): who, when, under which
    /// policy, how many records revealed and refused, and how many values per rule. Never a
    /// value, never a token.
    #[must_use]
    pub fn audit_event(
        &self,
        policy: &Policy,
        ctx: &Context,
        time: crate::time::EpochMillis,
    ) -> Value {
        let who = crate::report::PolicyRef {
            name: policy.name().into(),
            id: policy.id().into(),
        };
        let mut m = crate::report::audit_head("reveal", &who, ctx, time);
        m.insert(
            String::from("records"),
            serde_json::json!({
                "revealed": self.records,
                "refused": self.refused,
                "quarantined": self.quarantined,
            }),
        );
        m.insert(
            String::from("reveals"),
            serde_json::json!({"total": self.total(), "rules": self.values}),
        );
        Value::Object(m)
    }
}

/// Which leaves a pass of the walk reveals.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Everything but `shift_date`.
    Tokens,
    /// `shift_date`, once the entities are revealed.
    Dates,
}

struct Walk<'a> {
    sx: Scratch,
    path: String,
    counts: &'a mut RevealCounts,
    found: BTreeMap<String, u64>,
}

impl Policy {
    /// The audit event of a reveal that `[reveal]` did not allow (`"event": "reveal_denied"`):
    /// who tried, when, under which policy. Never a value.
    #[must_use]
    pub fn reveal_denied_event(&self, ctx: &Context, time: crate::time::EpochMillis) -> Value {
        let who = crate::report::PolicyRef {
            name: self.name().into(),
            id: self.id().into(),
        };
        Value::Object(crate::report::audit_head("reveal_denied", &who, ctx, time))
    }

    /// Whether the policy's `[reveal]` section allows `ctx` to reveal; `Err` says why not.
    ///
    /// # Errors
    /// A [`crate::PolicyError`] of kind `Key` naming what the context lacks.
    pub fn may_reveal(&self, ctx: &Context) -> Result<(), crate::PolicyError> {
        use crate::error::{ErrorKind, PolicyError};
        let Some(r) = &self.doc.reveal else {
            return Err(PolicyError::new(
                ErrorKind::Key,
                "the policy has no [reveal] section, so nothing may be revealed",
            )
            .help("add `[reveal]` with `roles_any` and `purposes` naming who may reveal"));
        };
        if !r.roles_any.is_empty() && !ctx.roles.iter().any(|x| r.roles_any.contains(x)) {
            return Err(PolicyError::new(
                ErrorKind::Key,
                "the context has none of the roles that [reveal] allows",
            )
            .help("give the context one of the roles in `[reveal] roles_any`"));
        }
        if !r.purposes.is_empty() && !ctx.purpose.as_ref().is_some_and(|p| r.purposes.contains(p)) {
            return Err(PolicyError::new(
                ErrorKind::Key,
                "the context's purpose is not one that [reveal] allows",
            )
            .help("give the context a purpose listed in `[reveal] purposes`"));
        }
        Ok(())
    }

    /// Turns the output of `encrypt`, `fpe` and `shift_date` in `value` back into the values.
    /// The caller checks [`Policy::may_reveal`] first (the front ends do). On a refusal
    /// `value` is left in an unspecified state: do not write it.
    ///
    /// # Errors
    /// A [`Refusal`] naming the path and rule of the first value that cannot be revealed.
    pub fn reveal_value(
        &self,
        value: &mut Value,
        counts: &mut RevealCounts,
    ) -> Result<(), Refusal> {
        let mut sx = Scratch::new(self);
        for (slot, rule) in sx.active.iter_mut().zip(&self.rules) {
            *slot = rule.retention.is_none();
        }
        sx.any_detector = false;
        let mut w = Walk {
            sx,
            path: String::new(),
            counts,
            found: BTreeMap::new(),
        };
        let result = self
            .reveal_pass(value, Pass::Tokens, &mut w)
            .and_then(|()| {
                if !self.shifts {
                    return Ok(());
                }
                w.sx.shift.fill(None);
                self.entity_offsets(value, &mut w.sx);
                self.forget_masked_entities(value, &mut w.sx);
                self.reveal_pass(value, Pass::Dates, &mut w)
            });
        match result {
            Ok(()) => {
                w.counts.records += 1;
                for (k, n) in w.found {
                    *w.counts.values.entry(k).or_insert(0) += n;
                }
                Ok(())
            }
            Err(e) => {
                w.counts.refused += 1;
                Err(e)
            }
        }
    }

    /// Drops the offset of each `shift_date` rule whose entity did not come back as it was: a
    /// one-way rule (`hash`, `replace`, `partial`, ...) selects it, or it holds a `hash` token
    /// or a tamis placeholder. Its dates are then refused (`no_entity`), never moved back by an
    /// offset of something else.
    fn forget_masked_entities(&self, value: &Value, sx: &mut Scratch) {
        for (r, rule) in self.rules.iter().enumerate() {
            let Action::ShiftDate { entity, .. } = &rule.action else {
                continue;
            };
            self.reset_walk(sx);
            let mut eff = None;
            let mut node = Some(value);
            for (depth, k) in entity.iter().enumerate() {
                self.paths.step_at(&mut sx.sets, depth, Some(k));
                let kr = self.key_rule(k, sx);
                let info = self.node_info(depth + 1, sx);
                eff = self.best(eff, self.best(info.rule, kr));
                node = node.and_then(|n| n.get(k));
            }
            let one_way = eff
                .and_then(|e| self.rules.get(e as usize))
                .is_some_and(|x| !x.action.reversible());
            let text = node.and_then(Value::as_str).unwrap_or("");
            let masked = is_marker(text)
                || crate::action::is_builtin_placeholder(text)
                || self.placeholders.iter().any(|p| text.contains(p.as_str()))
                || memchr::memmem::find_iter(text.as_bytes(), b"h:").any(|i| {
                    crate::action::token_len_at(text.as_bytes().get(i..).unwrap_or(&[]), &self.keys)
                        .is_some()
                });
            if (one_way || masked)
                && let Some(slot) = sx.shift.get_mut(r)
            {
                *slot = None;
            }
        }
    }

    fn reveal_pass(&self, value: &mut Value, pass: Pass, w: &mut Walk<'_>) -> Result<(), Refusal> {
        self.reset_walk(&mut w.sx);
        w.path.clear();
        self.reveal_node(value, 0, None, pass, w)
    }

    fn reveal_node(
        &self,
        v: &mut Value,
        depth: usize,
        eff: Option<u32>,
        pass: Pass,
        w: &mut Walk<'_>,
    ) -> Result<(), Refusal> {
        if depth >= self.doc.limits.max_depth as usize {
            return Ok(());
        }
        match v {
            Value::Object(map) => {
                for (k, child) in map.iter_mut() {
                    self.paths.step_at(&mut w.sx.sets, depth, Some(k));
                    let kr = self.key_rule(k, &mut w.sx);
                    let info = self.node_info(depth + 1, &mut w.sx);
                    let e = self.best(eff, self.best(info.rule, kr));
                    let plen = w.path.len();
                    if plen > 0 {
                        w.path.push('.');
                    }
                    w.path.push_str(k);
                    self.reveal_node(child, depth + 1, e, pass, w)?;
                    w.path.truncate(plen);
                }
            }
            Value::Array(items) => {
                for item in items.iter_mut() {
                    self.paths.step_at(&mut w.sx.sets, depth, None);
                    let info = self.node_info(depth + 1, &mut w.sx);
                    let e = self.best(eff, info.rule);
                    let plen = w.path.len();
                    w.path.push_str("[]");
                    self.reveal_node(item, depth + 1, e, pass, w)?;
                    w.path.truncate(plen);
                }
            }
            _ => self.reveal_leaf(v, eff, pass, w)?,
        }
        Ok(())
    }

    fn refusal(&self, w: &Walk<'_>, rule: Option<u32>, reason: &'static str) -> Refusal {
        Refusal {
            path: w.path.clone(),
            rule: rule
                .and_then(|r| self.rules.get(r as usize))
                .map(|r| r.id.clone()),
            reason,
        }
    }

    fn reveal_leaf(
        &self,
        v: &mut Value,
        eff: Option<u32>,
        pass: Pass,
        w: &mut Walk<'_>,
    ) -> Result<(), Refusal> {
        let rule = eff.and_then(|r| self.rules.get(r as usize).map(|x| (r, x)));
        let count = |w: &mut Walk<'_>, id: &str| *w.found.entry(String::from(id)).or_insert(0) += 1;
        match (pass, rule) {
            (Pass::Dates, Some((r, x))) => {
                let Action::ShiftDate { .. } = x.action else {
                    return Ok(());
                };
                let text = match v {
                    Value::String(s) if !is_marker(s) => s.clone(),
                    Value::Number(n) => String::from(n.as_str()),
                    _ => return Ok(()),
                };
                let Some(days) = w.sx.shift.get(r as usize).copied().flatten() else {
                    return Err(self.refusal(w, Some(r), "no_entity"));
                };
                let back = match v {
                    Value::Number(_) => crate::keyed::shift::shift_epoch(&text, -days)
                        .and_then(|t| serde_json::from_str::<Value>(&t).ok()),
                    _ => crate::keyed::shift::shift_text(&text, -days).map(Value::String),
                };
                let Some(back) = back else {
                    return Err(self.refusal(w, Some(r), "not_reversible"));
                };
                *v = back;
                count(w, &x.id);
                Ok(())
            }
            (Pass::Dates, None) => Ok(()),
            // Dates wait for the second pass (their entity may be a token revealed in this one).
            (Pass::Tokens, Some((_, x))) if matches!(x.action, Action::ShiftDate { .. }) => Ok(()),
            (Pass::Tokens, Some((r, x))) if matches!(x.action, Action::Fpe { .. }) => {
                let Action::Fpe {
                    key,
                    keep_first,
                    keep_last,
                } = x.action
                else {
                    return Ok(());
                };
                let Value::String(s) = v else { return Ok(()) };
                if is_marker(s) {
                    return Ok(());
                }
                let Some(d) = self.keys.get(key).and_then(|k| k.derived.as_ref()) else {
                    return Err(self.refusal(w, Some(r), "not_reversible"));
                };
                match crate::keyed::fpe::apply(&d.ff1, s, keep_first, keep_last, false) {
                    Ok(plain) => {
                        *s = plain;
                        count(w, &x.id);
                        Ok(())
                    }
                    Err(_) => Err(self.refusal(w, Some(r), "not_reversible")),
                }
            }
            (Pass::Tokens, rule) => {
                let Value::String(s) = v else { return Ok(()) };
                let whole_encrypt =
                    rule.filter(|(_, x)| matches!(x.action, Action::Encrypt { .. }));
                if let Some((r, x)) = whole_encrypt
                    && let Some((id, body)) = token_parts(s)
                {
                    let Some(key) = self.keys.iter().find(|k| k.id == id) else {
                        return Err(self.refusal(w, Some(r), "unknown_key"));
                    };
                    let Some(d) = &key.derived else {
                        return Err(self.refusal(w, Some(r), "not_verified"));
                    };
                    let Some((plain, kind)) = siv::decrypt(&d.siv, body.as_bytes()) else {
                        return Err(self.refusal(w, Some(r), "not_verified"));
                    };
                    *v = typed(plain, kind);
                    count(w, &x.id);
                    return Ok(());
                }
                if !self.encrypts || !s.contains("e:") {
                    return Ok(());
                }
                match self.reveal_text(s) {
                    Ok((_, 0)) => Ok(()),
                    Ok((text, n)) => {
                        *s = text;
                        // Not a rule id (ids have no brackets): tokens found in text.
                        *w.found.entry(String::from("[text]")).or_insert(0) += n;
                        Ok(())
                    }
                    Err(()) => Err(self.refusal(w, rule.map(|(r, _)| r), "not_verified")),
                }
            }
        }
    }

    /// `s` with every `encrypt` token of this policy's keys turned back into its text, and how
    /// many; `Err` when one does not verify.
    fn reveal_text(&self, s: &str) -> Result<(String, u64), ()> {
        let b = s.as_bytes();
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        let mut n = 0;
        let mut i = 0;
        while let Some(off) = memchr::memmem::find(b.get(i..).unwrap_or(&[]), b"e:") {
            let at = i + off;
            let Some((key, body_at, body_len)) = self.token_at(b, at) else {
                i = at + 2;
                continue;
            };
            let Some(d) = &key.derived else {
                return Err(());
            };
            // A token written into text may run on into letters that follow it: the longest
            // body that verifies is the token.
            let run = b.get(body_at..body_at + body_len).unwrap_or(&[]);
            let Some((len, plain, _kind)) = siv::verified(&d.siv, run, REVEAL_TRIES) else {
                return Err(());
            };
            out.push_str(s.get(last..at).unwrap_or(""));
            out.push_str(&plain);
            last = body_at + len;
            i = last;
            n += 1;
        }
        out.push_str(s.get(last..).unwrap_or(""));
        Ok((out, n))
    }

    /// The key, body start and body length of a token of this policy's keys at `at`.
    fn token_at(&self, b: &[u8], at: usize) -> Option<(&crate::action::HashKey, usize, usize)> {
        let rest = b.get(at + 2..)?;
        for key in &self.keys {
            if let Some(after) = rest.strip_prefix(key.id.as_bytes())
                && let Some(body) = after.strip_prefix(b":")
            {
                let len = body.iter().take_while(|&&c| siv::is_b64(c)).count();
                if len >= MIN_BODY {
                    return Some((key, at + 2 + key.id.len() + 1, len));
                }
            }
        }
        None
    }
}

/// `(key id, body)` of a whole token `e:<id>:<base64url>` of any key id.
fn token_parts(s: &str) -> Option<(&str, &str)> {
    let rest = s.strip_prefix("e:")?;
    let (id, body) = rest.split_once(':')?;
    let ok = !id.is_empty()
        && id
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
        && body.len() >= MIN_BODY
        && body.bytes().all(siv::is_b64);
    ok.then_some((id, body))
}

/// The value a token's text and kind stand for.
fn typed(plain: String, kind: Kind) -> Value {
    match kind {
        Kind::Str => Value::String(plain),
        Kind::Bool => Value::Bool(plain == "true"),
        Kind::Num => serde_json::from_str::<Value>(&plain)
            .ok()
            .filter(Value::is_number)
            .unwrap_or(Value::String(plain)),
    }
}
