//! `[[summarize]]`: which arrays and columns become summaries, with which statistics, sample
//! and `k_anonymity`.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::context::Cond;
use crate::error::{ErrorKind, PolicyError};
use crate::policy::compile::common::{Ids, closest, compile_path, compile_when};
use crate::policy::model::PolicyDoc;
use crate::policy::select::{PathSet, Target};
use crate::policy::source::{Seg, Source, error_at};
use crate::summary::{RenderOptions, Stats};

/// Defaults of a `[[summarize]]` rule.
pub const DEFAULT_MIN_ITEMS: u64 = 50;
/// Default number of masked sample items.
pub const DEFAULT_SAMPLE: u32 = 5;
/// Default `k_anonymity`.
pub const DEFAULT_K: u64 = 5;
/// Default number of `top_k` entries.
pub const DEFAULT_TOP_K: u32 = 10;
/// The most sample items a rule may ask for.
pub const MAX_SAMPLE: u32 = 100;

/// One compiled `[[summarize]]` rule.
#[derive(Debug)]
pub(crate) struct SummarizeRule {
    pub min_items: u64,
    pub sample: u32,
    pub render: RenderOptions,
    pub when: Option<Cond>,
}

impl SummarizeRule {
    pub(crate) fn default_for_columns() -> Self {
        Self {
            min_items: 0,
            sample: DEFAULT_SAMPLE,
            render: RenderOptions {
                rule: String::new(),
                stats: Stats::ALL,
                k_anonymity: DEFAULT_K,
                top_k: DEFAULT_TOP_K as usize,
            },
            when: None,
        }
    }
}

pub(crate) fn compile<'d>(
    doc: &'d PolicyDoc,
    src: &Source<'_>,
    paths: &mut PathSet,
    ids: &mut Ids<'d>,
) -> Result<Vec<SummarizeRule>, PolicyError> {
    let mut out = Vec::new();
    for (i, r) in doc.summarize.iter().enumerate() {
        let idx = u32::try_from(i).map_err(|_| {
            PolicyError::new(ErrorKind::Limit, "too many summarize rules").help("split the policy")
        })?;
        let fail =
            |at: &[Seg], kind, msg: String, help: &str| error_at(src, at, kind, msg, help, &r.id);
        let here = |field: &'static str| [Seg::Key("summarize"), Seg::Index(i), Seg::Key(field)];
        ids.claim(&r.id, "summarize", i, src)?;
        if r.paths.is_empty() {
            return Err(fail(
                &here("paths"),
                ErrorKind::Selector,
                String::from("the summarize rule selects nothing"),
                "list the arrays to summarise, such as `[\"**\"]` for every array",
            ));
        }
        for (j, p) in r.paths.iter().enumerate() {
            paths.add(
                compile_path(p, src, ("summarize", "paths"), i, j, &r.id)?,
                Target::Summarize(idx),
            );
        }
        let stats = match &r.stats {
            None => Stats::ALL,
            Some(list) => {
                if list.is_empty() {
                    return Err(fail(
                        &here("stats"),
                        ErrorKind::InvalidValue,
                        String::from("`stats` is an empty list"),
                        "list the statistics to keep, or remove `stats` to keep all",
                    ));
                }
                let mut set = Stats(0);
                for (j, name) in list.iter().enumerate() {
                    let Some(s) = Stats::from_name(name) else {
                        let all = Stats::NAMES.join(", ");
                        return Err(fail(
                            &[
                                Seg::Key("summarize"),
                                Seg::Index(i),
                                Seg::Key("stats"),
                                Seg::Index(j),
                            ],
                            ErrorKind::InvalidValue,
                            format!("unknown statistic `{name}`"),
                            &match closest(name, &Stats::NAMES) {
                                Some(near) => {
                                    format!("did you mean `{near}`? statistics are: {all}")
                                }
                                None => format!("statistics are: {all}"),
                            },
                        ));
                    };
                    set = set.with(s);
                }
                set
            }
        };
        let sample = r.sample.unwrap_or(DEFAULT_SAMPLE);
        if sample > MAX_SAMPLE {
            return Err(fail(
                &here("sample"),
                ErrorKind::InvalidValue,
                format!("`sample = {sample}` is more than {MAX_SAMPLE}"),
                "keep samples small: they are raw (masked) values; 5 is the default",
            ));
        }
        let k = r.k_anonymity.unwrap_or(DEFAULT_K);
        if k == 0 {
            return Err(fail(
                &here("k_anonymity"),
                ErrorKind::InvalidValue,
                String::from("`k_anonymity = 0` would let any value through"),
                "use 1 to keep every value seen at least once, or more (the default is 5)",
            ));
        }
        let when = match &r.when {
            Some(w) => Some(compile_when(w, src, "summarize", i, &r.id)?),
            None => None,
        };
        out.push(SummarizeRule {
            min_items: r.min_items.unwrap_or(DEFAULT_MIN_ITEMS),
            sample,
            render: RenderOptions {
                rule: r.id.clone(),
                stats,
                k_anonymity: k,
                top_k: r.top_k.unwrap_or(DEFAULT_TOP_K) as usize,
            },
            when,
        });
    }
    Ok(out)
}
