//! The walk of one record: limits, whole-value rules (the strongest wins; a value is kept only
//! when it is exactly what its rule writes), keys (renamed when a detector finds something in
//! them), and leaves handed to the detectors.

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use serde_json::Value;

use crate::action::{
    Action, DEFAULT_REPLACEMENT, NO_ENTITY, NO_KEY, NOT_A_DATE, TOO_DEEP, TOO_LARGE, UNENCRYPTABLE,
    UNGENERALIZABLE, enc_token_len_at, expand_replacement, generalize, hash_token, is_marker,
    is_token, partial,
};
use crate::engine::placeholders::Placeholders;
use crate::engine::scratch::{At, NodeInfo, Scratch};
use crate::keyed::siv::Kind;
use crate::policy::Policy;
use crate::record::tree::{Edit, Shape, Tree};
use crate::report::{Quarantine, Tally};

impl Policy {
    /// Whether whole-value rule `r` leaves `text` as it is because it is exactly what the rule
    /// writes: a `replace` rule's text, a token of a `hash` rule's own key (or the marker of its
    /// missing key), or one of tamis's fixed markers (`[tamis:too_large]`, ...), which a limit
    /// may have written in the rule's place. `partial` and `generalize` need no exception: their
    /// output is their own fixed point. Anything else that merely looks like a placeholder (a
    /// password `[admin:1234]`, a token of another key) is masked like any value.
    pub(crate) fn keeps(&self, r: u32, text: &str) -> bool {
        if is_marker(text) {
            return true;
        }
        let Some(rule) = self.rules.get(r as usize) else {
            return false;
        };
        match &rule.action {
            Action::Replace { .. } => rule
                .replacement
                .as_ref()
                .is_some_and(|(whole, _)| **whole == *text),
            // A placeholder the rule writes (its template, its label, any number): applying
            // twice gives what applying once gives.
            Action::Placeholder { template, label } => template.is_of(text, label),
            Action::Hash { key } => self.keys.get(*key).is_some_and(|k| {
                if k.mac.is_some() {
                    is_token(text, core::slice::from_ref(k))
                } else {
                    text == NO_KEY
                }
            }),
            // A token of the rule's own key that decrypts, whole: a look-alike is masked.
            Action::Encrypt { key } => self.keys.get(*key).is_some_and(|k| {
                if k.derived.is_some() {
                    enc_token_len_at(text.as_bytes(), core::slice::from_ref(k), 1)
                        == Some(text.len())
                } else {
                    text == NO_KEY
                }
            }),
            _ => false,
        }
    }

    /// Fills `sx.shift` with each `shift_date` rule's offset for this record, from the value
    /// at its entity path (a record without one gets none: its dates become
    /// [`NO_ENTITY`]).
    pub(crate) fn entity_offsets<T: Tree>(&self, record: &T, sx: &mut Scratch) {
        if !self.shifts {
            return;
        }
        for (slot, rule) in sx.shift.iter_mut().zip(&self.rules) {
            let Action::ShiftDate {
                key,
                entity,
                max_days,
            } = &rule.action
            else {
                continue;
            };
            let text = match crate::stages::lookup(record, entity) {
                crate::stages::Found::Text(t) | crate::stages::Found::Number(t) => t,
                _ => continue,
            };
            if let Some(d) = self.keys.get(*key).and_then(|k| k.derived.as_ref()) {
                *slot = Some(crate::keyed::shift::offset_days(
                    &d.shift,
                    text.as_bytes(),
                    *max_days,
                ));
            }
        }
    }

    /// A whole-value rule's output with failures of keyed actions counted (their markers).
    pub(crate) fn whole_value_counted(
        &self,
        rule: u32,
        text: &str,
        kind: Kind,
        sx: &mut Scratch,
        t: &mut Tally,
    ) -> Option<String> {
        let shift = sx.shift.get(rule as usize).copied().flatten();
        let out = self.whole_value(
            rule,
            text,
            kind,
            shift,
            &mut sx.placeholders,
            sx.plugin_transform.as_mut(),
        );
        if let Some(o) = &out
            && o.starts_with("[tamis:")
        {
            t.count_marker(o);
        }
        out
    }

    /// What `shift_date` rule `rule` makes of an epoch number, as a number; `None` when the
    /// rule is another, or cannot move it (the caller then writes the marker).
    fn shift_number(&self, rule: u32, text: &str, sx: &Scratch) -> Option<Value> {
        let Some(Action::ShiftDate { .. }) = self.rules.get(rule as usize).map(|r| &r.action)
        else {
            return None;
        };
        let days = sx.shift.get(rule as usize).copied().flatten()?;
        let moved = crate::keyed::shift::shift_epoch(text, days)?;
        serde_json::from_str::<Value>(&moved).ok()
    }

    /// The text a whole-value action writes, or `None` to keep the value. `shift` is the
    /// record's `shift_date` offset for this rule, if it has one.
    pub(crate) fn whole_value(
        &self,
        rule: u32,
        text: &str,
        kind: Kind,
        shift: Option<i64>,
        numbers: &mut Placeholders,
        transform: Option<&mut alloc::boxed::Box<dyn crate::stages::plugins::PluginTransform>>,
    ) -> Option<String> {
        let number = kind == Kind::Num;
        if crate::faults::hit(crate::faults::Point::Action) {
            return Some(String::from(crate::action::DEFAULT_REPLACEMENT));
        }
        let Some(action) = self.rules.get(rule as usize).map(|r| &r.action) else {
            // Cannot happen (rule indices come from the compiled policy); fail closed anyway.
            return Some(String::from(crate::action::DEFAULT_REPLACEMENT));
        };
        let mut out = String::new();
        match action {
            // The walker removes or nulls these before it gets here; should one ever reach this
            // point, the value is replaced, never kept.
            Action::Redact | Action::Nullify => {
                expand_replacement(DEFAULT_REPLACEMENT, "value", &mut out)
            }
            Action::Replace { text: template } => expand_replacement(template, "value", &mut out),
            Action::Placeholder { template, label } => {
                numbers.write(template, label, text, &mut out)
            }
            Action::Hash { key } => match self.keys.get(*key) {
                Some(k) => hash_token(k, text.as_bytes(), &mut out),
                None => out.push_str(NO_KEY),
            },
            Action::Encrypt { key } => {
                match self
                    .keys
                    .get(*key)
                    .and_then(|k| k.derived.as_ref().map(|d| (k, d)))
                {
                    Some((k, d)) => {
                        crate::keyed::siv::encrypt(&d.siv, &k.id, kind, text.as_bytes(), &mut out);
                    }
                    None => out.push_str(NO_KEY),
                }
            }
            Action::Fpe {
                key,
                keep_first,
                keep_last,
            } => match self.keys.get(*key).and_then(|k| k.derived.as_ref()) {
                Some(d) => {
                    match crate::keyed::fpe::apply(&d.ff1, text, *keep_first, *keep_last, true) {
                        Ok(s) => out = s,
                        Err(_) => out.push_str(UNENCRYPTABLE),
                    }
                }
                None => out.push_str(NO_KEY),
            },
            Action::ShiftDate { key, .. } => {
                if self.keys.get(*key).is_none_or(|k| k.derived.is_none()) {
                    out.push_str(NO_KEY);
                } else {
                    match shift {
                        None => out.push_str(NO_ENTITY),
                        Some(days) => match crate::keyed::shift::shift_text(text, days) {
                            Some(s) => out = s,
                            None => out.push_str(NOT_A_DATE),
                        },
                    }
                }
            }
            Action::Generalize { bucket, precision } => {
                if !generalize(text, number, *bucket, *precision, &mut out) {
                    out.clear();
                    out.push_str(UNGENERALIZABLE);
                }
            }
            Action::Partial {
                keep_first,
                keep_last,
            } => partial(text, *keep_first, *keep_last, &mut out),
            Action::Plugin { plugin } => {
                crate::stages::plugins::defer(transform, *plugin, text, &mut out);
            }
        }
        Some(out)
    }

    pub(crate) fn walk<T: Tree>(
        &self,
        node: &mut T,
        at: At,
        sx: &mut Scratch,
        t: &mut Tally,
    ) -> Edit {
        let At {
            depth,
            inherited,
            key_rule,
            known,
        } = at;
        let limits = &self.doc.limits;
        if depth > limits.max_depth as usize {
            node.set_string(TOO_DEEP.to_owned());
            t.too_deep += 1;
            return Edit::Keep;
        }
        // The caller may have computed this node's info already (to scan its key).
        let info = match known {
            Some(info) => info,
            None => self.node_info(depth, sx),
        };
        let own = if depth == 0 {
            None
        } else {
            self.best(info.rule, key_rule)
        };
        let eff = self.best(inherited, own);
        if let Some(r) = eff {
            match self.rules.get(r as usize).map(|r| &r.action) {
                Some(Action::Redact) => {
                    t.hit_rule(r, &sx.path);
                    protect_subtree(
                        sx,
                        node,
                        limits.max_depth as usize - depth.min(limits.max_depth as usize),
                    );
                    return Edit::Remove;
                }
                Some(Action::Nullify) => {
                    t.hit_rule(r, &sx.path);
                    protect_subtree(
                        sx,
                        node,
                        limits.max_depth as usize - depth.min(limits.max_depth as usize),
                    );
                    node.set_null();
                    return Edit::Keep;
                }
                _ => {}
            }
        }
        if depth > 0
            && let Some(s) = info.summarize
            && self.summarize_array(node, s, eff, info, depth, sx, t)
        {
            return Edit::Keep;
        }
        let max_string = usize::try_from(limits.max_string_bytes).unwrap_or(usize::MAX);
        let mut new_value: Option<Value> = None;
        let new_text: Option<String> = match node.shape() {
            Shape::Object => {
                let mut renamed = 0u32;
                node.entries(&mut |key, child| {
                    sx.record_bytes += key.len() as u64;
                    if key.len() > max_string {
                        sx.quarantine = Some(Quarantine::KeyTooLarge);
                        return Edit::Keep;
                    }
                    let alive = self.paths.step_at(&mut sx.sets, depth, Some(key));
                    let kr = self.key_rule(key, sx);
                    if sx.skip_untouched
                        && !alive
                        && eff.is_none()
                        && kr.is_none()
                        && !sx.any_detector
                        && !sx.any_key_rule
                    {
                        // No path pattern is alive below this key and nothing else applies:
                        // the member stays as it is, within the limits (`skip_untouched`).
                        return Edit::Keep;
                    }
                    let mut child_info = None;
                    let rename = if sx.any_detector {
                        let info = self.node_info(depth + 1, sx);
                        child_info = Some(info);
                        let new = self.mask_key(key, info, &mut renamed, sx);
                        t.detector_failures += core::mem::take(&mut sx.detector_failures);
                        new
                    } else {
                        None
                    };
                    // Paths in reports name keys as the output does: never a key's finding.
                    let plen = sx.path.len();
                    if t.record_paths {
                        if plen > 0 {
                            sx.path.push('.');
                        }
                        sx.path.push_str(rename.as_deref().unwrap_or(key));
                    }
                    if rename.is_some() {
                        for f in &sx.accepted {
                            t.hit_rule(f.rule, &sx.path);
                            t.hit_detector(f.det, &sx.path);
                        }
                    }
                    // A renamed key is also matched under its new name, so the output is what a
                    // second application sees: applying twice gives what applying once gives.
                    let kr = match &rename {
                        Some(new) => {
                            self.paths.also_at(&mut sx.sets, depth, new);
                            let renamed_rule = self.key_rule(new, sx);
                            self.best(kr, renamed_rule)
                        }
                        None => kr,
                    };
                    // A renamed key changed the child's state set: its info must be computed anew.
                    let known = if rename.is_none() { child_info } else { None };
                    let at = At {
                        depth: depth + 1,
                        inherited: eff,
                        key_rule: kr,
                        known,
                    };
                    // The key a value is stored under is context for the catalog's types.
                    let klen = sx.keys.len();
                    if !self.catalog.is_empty() || self.person_names {
                        sx.keys.push('\u{1}');
                        sx.keys.push_str(key);
                    }
                    let edit = self.walk(child, at, sx, t);
                    sx.keys.truncate(klen);
                    sx.path.truncate(plen);
                    match (edit, rename) {
                        (Edit::Remove, _) => Edit::Remove,
                        (_, Some(new)) => Edit::Rename(new),
                        (e, None) => e,
                    }
                });
                None
            }
            Shape::Array => {
                node.items(&mut |child| self.walk_item(child, depth, eff, sx, t));
                None
            }
            Shape::Null => {
                sx.record_bytes += 4;
                None
            }
            Shape::Bool(b) => {
                sx.record_bytes += if b { 4 } else { 5 };
                let text = if b { "true" } else { "false" };
                eff.and_then(|r| {
                    t.hit_rule(r, &sx.path);
                    self.whole_value_counted(r, text, Kind::Bool, sx, t)
                })
            }
            Shape::Float(text) => {
                sx.record_bytes += text.len() as u64;
                match eff {
                    Some(r) => {
                        t.hit_rule(r, &sx.path);
                        protect(sx, &text);
                        new_value = self.shift_number(r, &text, sx);
                        match new_value {
                            Some(_) => None,
                            None => self.whole_value_counted(r, &text, Kind::Num, sx, t),
                        }
                    }
                    // An integral float (`4111111111111111.0`, `4.1e15`) is a number like any
                    // other to the detectors: its integer text is scanned.
                    None => integral_text(&text).and_then(|i| self.mask_found(&i, info, sx, t)),
                }
            }
            Shape::Int(text) => {
                sx.record_bytes += text.len() as u64;
                match eff {
                    Some(r) => {
                        t.hit_rule(r, &sx.path);
                        protect(sx, &text);
                        new_value = self.shift_number(r, &text, sx);
                        match new_value {
                            Some(_) => None,
                            None => self.whole_value_counted(r, &text, Kind::Num, sx, t),
                        }
                    }
                    None => self.mask_found(&text, info, sx, t),
                }
            }
            Shape::Str(s) => self.leaf_text(s, eff, info, max_string, sx, t),
            Shape::Other(name) => {
                t.other_objects += 1;
                let s = format!("<{name}>");
                Some(
                    self.leaf_text(&s, eff, info, max_string, sx, t)
                        .unwrap_or(s),
                )
            }
        };
        if let Some(s) = new_text {
            node.set_string(s);
        } else if let Some(v) = new_value {
            node.set_value(v);
        }
        Edit::Keep
    }

    /// Walks one item of an array at `depth`. Arrays are transparent: an item has its array's
    /// state set and inherits its array's rule.
    pub(crate) fn walk_item<T: Tree>(
        &self,
        child: &mut T,
        depth: usize,
        eff: Option<u32>,
        sx: &mut Scratch,
        t: &mut Tally,
    ) -> Edit {
        self.paths.step_at(&mut sx.sets, depth, None);
        let plen = sx.path.len();
        if t.record_paths {
            sx.path.push_str("[]");
        }
        let at = At {
            depth: depth + 1,
            inherited: eff,
            key_rule: None,
            known: None,
        };
        let edit = self.walk(child, at, sx, t);
        sx.path.truncate(plen);
        edit
    }

    fn leaf_text(
        &self,
        s: &str,
        eff: Option<u32>,
        info: NodeInfo,
        max_string: usize,
        sx: &mut Scratch,
        t: &mut Tally,
    ) -> Option<String> {
        sx.record_bytes += s.len() as u64;
        if s.len() > max_string {
            t.too_large += 1;
            return Some(TOO_LARGE.to_owned());
        }
        if let Some(r) = eff {
            if self.keeps(r, s) {
                // A placeholder the data already holds: its number is not issued again.
                if let Some(Action::Placeholder { template, label }) =
                    self.rules.get(r as usize).map(|rule| &rule.action)
                {
                    sx.placeholders.reserve(template, label, s);
                }
                return None;
            }
            t.hit_rule(r, &sx.path);
            protect(sx, s);
            return self.whole_value_counted(r, s, Kind::Str, sx, t);
        }
        self.mask_found(s, info, sx, t)
    }
}

/// Keeps `text` as protected while [`Scratch::protect`] collects (see `protect.rs`).
pub(crate) fn protect(sx: &mut Scratch, text: &str) {
    if let Some(p) = &mut sx.protect {
        p.push(String::from(text));
    }
}

/// Keeps every key and scalar beneath `node` as protected (a subtree a rule removes whole).
pub(crate) fn protect_subtree<T: Tree>(sx: &mut Scratch, node: &T, depth_left: usize) {
    let Some(p) = &mut sx.protect else { return };
    let v = node.to_value(depth_left);
    let mut stack = vec![&v];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) => p.push(s.clone()),
            Value::Number(n) => p.push(alloc::string::ToString::to_string(n)),
            Value::Array(items) => stack.extend(items.iter()),
            Value::Object(map) => {
                p.extend(map.keys().cloned());
                stack.extend(map.values());
            }
            Value::Null | Value::Bool(_) => {}
        }
    }
}

/// The most digits an integral number's text may have for detectors to scan it (beyond every
/// `f64`: only JSON text such as `1e5000` has more, and no detector matches a run of zeros).
const INTEGRAL_DIGITS_MAX: usize = 1024;

/// The integer text of a JSON number that is integral (`4111111111111111.0`, `4.1e15`,
/// `-2E3`): what detectors scan, as they scan integers. `None` for a fraction, for zero, and
/// for more than [`INTEGRAL_DIGITS_MAX`] digits.
pub(crate) fn integral_text(text: &str) -> Option<String> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(i) => (rest.get(..i)?, rest.get(i + 1..)?.parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !int.bytes().chain(frac.bytes()).all(|c| c.is_ascii_digit()) || int.is_empty() {
        return None;
    }
    // The digits without leading or trailing zeros, and the power of ten they are scaled by.
    let digits = int.bytes().chain(frac.bytes());
    let lead = digits.clone().take_while(|&c| c == b'0').count();
    let all: Vec<u8> = digits.skip(lead).collect();
    let trail = all.iter().rev().take_while(|&&c| c == b'0').count();
    let significant = all.get(..all.len() - trail)?;
    if significant.is_empty() {
        return None;
    }
    let frac_len = i64::try_from(frac.len()).ok()?;
    let scale = exp
        .checked_sub(frac_len)?
        .checked_add(i64::try_from(trail).ok()?)?;
    let zeros = usize::try_from(scale).ok()?;
    if significant.len() + zeros > INTEGRAL_DIGITS_MAX {
        return None;
    }
    let mut out = String::with_capacity(usize::from(negative) + significant.len() + zeros);
    if negative {
        out.push('-');
    }
    out.extend(significant.iter().map(|&c| char::from(c)));
    out.extend(core::iter::repeat_n('0', zeros));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_floats_have_their_integer_text() {
        for (text, want) in [
            ("4111111111111111.0", Some("4111111111111111")),
            ("4.111111111111111e15", Some("4111111111111111")),
            ("4.111111111111111E+15", Some("4111111111111111")),
            ("-2E3", Some("-2000")),
            ("1.50e1", Some("15")),
            ("0.5", None),
            ("1.25e1", None),
            ("0.0", None),
            ("-0.0", None),
            ("1e2000", None),
            ("007.0", Some("7")),
        ] {
            assert_eq!(integral_text(text).as_deref(), want, "{text}");
        }
    }
}
