//! Arrays in records replaced by their summary (`[[summarize]]`): statistics from the original
//! items, covered when a rule or detector covers any item, the sample masked by the walk.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::action::TOO_DEEP;
use crate::engine::scratch::{NodeInfo, Scratch};
use crate::engine::walk::protect_subtree;
use crate::policy::Policy;
use crate::record::tree::{Edit, Shape, Tree};
use crate::report::Tally;
use crate::summary::cover::Seen;
use crate::summary::{ContainerKind, Summary};

impl Policy {
    /// Replaces an array that `[[summarize]]` rule `s` selects by its summary, when it has at
    /// least `min_items` items. The statistics come from the original items; they are covered
    /// (count, nulls, distinct and length only) when a whole-value rule applies to the array,
    /// a detector finds something in an item, an item is too large to scan, or an item is a
    /// container (its fields may be masked: fail closed). Sample items are the first items seen
    /// at least `k_anonymity` times, each masked by the ordinary walk.
    #[expect(
        clippy::too_many_arguments,
        reason = "the walk's position (node, depth, info) and state (scratch, tally), as walk passes them"
    )]
    pub(crate) fn summarize_array<T: Tree>(
        &self,
        node: &mut T,
        s: u32,
        eff: Option<u32>,
        info: NodeInfo,
        depth: usize,
        sx: &mut Scratch,
        t: &mut Tally,
    ) -> bool {
        let Some(rule) = self.summaries.get(s as usize) else {
            return false;
        };
        if !matches!(node.shape(), Shape::Array) || (node.item_count() as u64) < rule.min_items {
            return false;
        }
        let limits = &self.doc.limits;
        let inner = (limits.max_depth as usize).saturating_sub(depth + 1);
        let mut sum = Summary::new();
        if eff.is_some() {
            sum.set_covered();
        }
        let mut hashes: Vec<u64> = Vec::with_capacity(node.item_count());
        // Items deeper than `max_depth` are `[tamis:too_deep]` to the summary, as to every
        // front end that reads values only so deep.
        let items_too_deep = depth + 1 > limits.max_depth as usize;
        node.items(&mut |child| {
            let shape = if items_too_deep {
                Shape::Str(TOO_DEEP)
            } else {
                child.shape()
            };
            let h = match shape {
                Shape::Null => {
                    sx.record_bytes += 4;
                    sum.add_null()
                }
                Shape::Bool(b) => {
                    sx.record_bytes += if b { 4 } else { 5 };
                    sum.add_bool(b)
                }
                Shape::Int(text) | Shape::Float(text) => {
                    sx.record_bytes += text.len() as u64;
                    if !sum.covered() && self.covers(Seen::Number(&text), Some(info), sx) {
                        sum.set_covered();
                    }
                    sum.add_number_text(&text)
                }
                Shape::Str(text) => {
                    sx.record_bytes += text.len() as u64;
                    if !sum.covered() && self.covers(Seen::Str(text), Some(info), sx) {
                        sum.set_covered();
                    }
                    sum.add_str(text)
                }
                shape @ (Shape::Array | Shape::Object | Shape::Other(_)) => {
                    let kind = match shape {
                        Shape::Array => ContainerKind::Array,
                        Shape::Object => ContainerKind::Object,
                        _ => ContainerKind::Other,
                    };
                    let json = serde_json::to_string(&child.to_value(inner)).unwrap_or_default();
                    sx.record_bytes += json.len() as u64;
                    if self.covers(Seen::Container, Some(info), sx) {
                        sum.set_covered();
                    }
                    sum.add_container(kind, &json)
                }
            };
            hashes.push(h);
            Edit::Keep
        });
        let sample = (rule.sample > 0).then(|| {
            let mut counts: BTreeMap<u64, u64> = BTreeMap::new();
            for &h in &hashes {
                *counts.entry(h).or_insert(0) += 1;
            }
            let k = rule.render.k_anonymity;
            let mut left = rule.sample as usize;
            let picked: Vec<bool> = hashes
                .iter()
                .map(|h| {
                    let pick = left > 0 && counts.get(h).is_some_and(|&n| n >= k);
                    left -= usize::from(pick);
                    pick
                })
                .collect();
            let mut out = Vec::new();
            let mut i = 0;
            node.items(&mut |child| {
                let pick = picked.get(i) == Some(&true);
                i += 1;
                if pick && self.walk_item(child, depth, eff, sx, t) != Edit::Remove {
                    out.push(child.to_value(inner));
                }
                Edit::Keep
            });
            out
        });
        if sum.covered() && sx.protect.is_some() {
            node.items(&mut |child| {
                protect_subtree(sx, child, inner);
                Edit::Keep
            });
        }
        node.set_value(sum.render(&rule.render, sample));
        if let Some(n) = t.summaries.get_mut(s as usize) {
            *n += 1;
        }
        true
    }
}
