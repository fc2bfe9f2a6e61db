//! Compiling a [`PolicyDoc`] into an immutable [`Policy`]: the orchestration, in the order the
//! document's sections are checked (so the first mistake is the one reported). Each feature
//! has its own compiler: `rules.rs` (`[[rule]]`, `[[allow]]`, `[key.*]`), the record stages
//! (`crate::stages::{retention, access, plugins}`) and `crate::summary::rule`.

use crate::detect::Detector;
use crate::error::PolicyError;
use crate::policy::Policy;
use crate::policy::model::PolicyDoc;
use crate::policy::select::PathSet;
use crate::policy::source::Source;

pub(crate) mod common;
mod rules;

use common::Ids;

/// A number no other policy compiled in this process has (it wraps after 2^32 compilations,
/// long after the working memory of the first is gone).
fn next_serial() -> u32 {
    use core::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Policy {
    pub(crate) fn compile(doc: PolicyDoc, src: &Source<'_>) -> Result<Self, PolicyError> {
        common::check_header(&doc, src)?;
        let (keys, key_names) = rules::compile_keys(&doc, src)?;
        let mut ids = Ids::default();
        let mut paths = PathSet::default();
        let mut compiled = rules::compile_rules(&doc, src, &mut paths, &mut ids)?;
        let retention = crate::stages::retention::compile(
            &doc,
            src,
            &mut compiled.rules,
            &mut paths,
            &mut ids,
        )?;
        let access = crate::stages::access::compile(&doc, src)?;
        let summaries = crate::summary::rule::compile(&doc, src, &mut paths, &mut ids)?;
        let mut plugins = crate::stages::plugins::compile(&doc, src, &mut ids)?;
        for e in &compiled.detectors {
            if let Detector::Plugin(p) = e.detector
                && let Some(spec) = plugins.get_mut(p)
            {
                spec.detects = true;
            }
        }
        for r in &compiled.rules {
            if let crate::action::Action::Plugin { plugin } = r.action
                && let Some(spec) = plugins.get_mut(plugin)
            {
                spec.transforms = true;
            }
        }
        // Catalog detectors last: the per-detector loop of a scan stops before them (they run
        // together, as one `CatalogSet`).
        let order: alloc::vec::Vec<usize> = (0..compiled.detectors.len())
            .filter(|&d| {
                !matches!(
                    compiled.detectors.get(d).map(|e| &e.detector),
                    Some(Detector::Catalog(_))
                )
            })
            .chain((0..compiled.detectors.len()).filter(|&d| {
                matches!(
                    compiled.detectors.get(d).map(|e| &e.detector),
                    Some(Detector::Catalog(_))
                )
            }))
            .collect();
        let mut moved = alloc::vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            if let Some(m) = moved.get_mut(old) {
                *m = u32::try_from(new).unwrap_or(u32::MAX);
            }
        }
        for r in &mut compiled.rules {
            for d in &mut r.detectors {
                *d = moved.get(*d as usize).copied().unwrap_or(u32::MAX);
            }
        }
        let mut taken: alloc::vec::Vec<Option<crate::policy::rule::DetectorEntry>> =
            core::mem::take(&mut compiled.detectors)
                .into_iter()
                .map(Some)
                .collect();
        compiled.detectors = order
            .iter()
            .filter_map(|&d| taken.get_mut(d).and_then(Option::take))
            .collect();
        let first_catalog = compiled
            .detectors
            .iter()
            .position(|e| matches!(e.detector, Detector::Catalog(_)))
            .unwrap_or(compiled.detectors.len());
        let mut catalog_rules: alloc::vec::Vec<u32> = compiled
            .detectors
            .get(first_catalog..)
            .unwrap_or(&[])
            .iter()
            .flat_map(|e| e.rules.iter().copied())
            .collect();
        catalog_rules.sort_unstable();
        catalog_rules.dedup();
        rules::rank(&mut compiled.rules, &mut compiled.detectors);
        let allow_values = rules::compile_allow(&doc, src, &mut paths)?;
        paths.finish();
        common::check_test_keys(&doc, src)?;
        // A plugin's detector sees whole texts: it may match across lines.
        let text_line_local = compiled.text_line_local
            && !compiled
                .detectors
                .iter()
                .any(|d| matches!(d.detector, Detector::Plugin(_)));
        let chosen: alloc::vec::Vec<(usize, u32)> = compiled
            .detectors
            .iter()
            .enumerate()
            .filter_map(|(d, e)| match e.detector {
                Detector::Catalog(i) => {
                    Some((usize::from(i), u32::try_from(d).unwrap_or(u32::MAX)))
                }
                _ => None,
            })
            .collect();
        let catalog = crate::detect::catalog::CatalogSet::new(&chosen).map_err(|e| {
            PolicyError::new(
                crate::error::ErrorKind::Detector,
                alloc::format!("the detector catalog did not compile: {e}"),
            )
        })?;
        let id = common::policy_id(&doc);
        let encrypts = compiled
            .rules
            .iter()
            .any(|r| matches!(r.action, crate::action::Action::Encrypt { .. }));
        let shifts = compiled
            .rules
            .iter()
            .any(|r| matches!(r.action, crate::action::Action::ShiftDate { .. }));
        // Each placeholder rule's template and the types it writes (its label, its detectors').
        let placeholder_types: alloc::vec::Vec<_> = compiled
            .rules
            .iter()
            .enumerate()
            .filter_map(|(r, rule)| match &rule.action {
                crate::action::Action::Placeholder { template, label } => {
                    let mut types = alloc::vec![label.clone()];
                    for d in &compiled.detectors {
                        let ty = alloc::string::String::from(&*d.type_name);
                        if d.rules.contains(&u32::try_from(r).unwrap_or(u32::MAX))
                            && !types.contains(&ty)
                        {
                            types.push(ty);
                        }
                    }
                    Some((template.clone(), types))
                }
                _ => None,
            })
            .collect();
        // A placeholder found from the `[` it starts with to the first `]` after it, within
        // the 64 bytes a built-in one is looked for in.
        let (bracketed, rest): (alloc::vec::Vec<_>, alloc::vec::Vec<_>) = compiled
            .placeholders
            .iter()
            .cloned()
            .partition(|p| crate::action::looked_up_at_bracket(p));
        let (bracketed_other, unbracketed): (alloc::vec::Vec<_>, alloc::vec::Vec<_>) =
            rest.into_iter().partition(|p| p.starts_with('['));
        // Plugin and `ext:` detectors: their answers need not be a function of the text, and a
        // failing `ext:` call is counted.
        let pure_detectors = compiled
            .detectors
            .iter()
            .all(|d| !matches!(d.detector, Detector::Plugin(_) | Detector::Ext(_)));
        let clean_key_rules = {
            let mut rules: alloc::vec::Vec<u32> = compiled
                .detectors
                .iter()
                .flat_map(|e| e.rules.iter().copied())
                .collect();
            rules.sort_unstable();
            rules.dedup();
            (pure_detectors && rules.iter().all(|&r| r < 64)).then_some(rules)
        };
        let person_names = compiled.detectors.iter().any(|d| {
            matches!(
                d.detector,
                Detector::Builtin(crate::detect::Kind::PersonName)
            )
        });
        Ok(Self {
            doc,
            id,
            rules: compiled.rules,
            paths,
            key_globs: compiled.key_globs,
            detectors: compiled.detectors,
            catalog,
            first_catalog,
            catalog_rules,
            clean_key_rules,
            keys,
            key_names,
            rescan_of_holes_finds_nothing: pure_detectors && placeholder_types.is_empty(),
            bracketed,
            bracketed_other,
            unbracketed,
            placeholders: compiled.placeholders,
            allow_values,
            retention,
            access,
            summaries,
            plugins,
            plugins_attached: false,
            person_names,
            placeholder_types,
            ext_names: compiled.ext_names,
            ext: None,
            text_line_local,
            encrypts,
            shifts,
            serial: next_serial(),
        })
    }
}
