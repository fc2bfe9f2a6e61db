//! A customer-specific ID format: `ACME-` and six digits, as a detector. `detect` returns where
//! the IDs are in a text; a policy rule with `detect = ["plugin:<id>"]` masks them with its own
//! action, wherever the rule scans (string values, integers, keys), like a built-in detector.
//! `filter` keeps every record: this plugin only detects.

use tamis_guest::{Plugin, Span, Verdict};

struct AcmeIds;

/// Byte ranges of `ACME-dddddd` not followed by another digit.
fn find(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = text.get(i..).and_then(|t| t.find("ACME-")) {
        let start = i + off;
        let digits = b.get(start + 5..start + 11);
        let next = b.get(start + 11);
        if digits.is_some_and(|d| d.iter().all(u8::is_ascii_digit))
            && !next.is_some_and(u8::is_ascii_digit)
        {
            out.push((start, start + 11));
            i = start + 11;
        } else {
            i = start + 5;
        }
    }
    out
}

impl Plugin for AcmeIds {
    const NAME: &'static str = "acme-ids";
    const VERSION: &'static str = "1.0.0";

    fn filter(_config: &str, _record: &str) -> Result<Verdict, String> {
        Ok(Verdict::Keep)
    }

    fn detect(text: &str) -> Vec<Span> {
        find(text)
            .into_iter()
            .map(|(a, b)| Span {
                start: u32::try_from(a).unwrap_or(u32::MAX),
                end: u32::try_from(b).unwrap_or(u32::MAX),
                kind: "acme_id".into(),
            })
            .collect()
    }
}

tamis_guest::export_plugin!(AcmeIds);
