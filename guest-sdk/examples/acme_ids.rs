//! A customer-specific ID format: `ACME-` and six digits. Every string value that holds one is
//! rewritten with the ID replaced by `[acme-id]`; `detect` reports the spans in free text.

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

fn mask(v: &mut serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => {
            let spans = find(s);
            if spans.is_empty() {
                return false;
            }
            let mut out = String::with_capacity(s.len());
            let mut at = 0;
            for (a, b) in spans {
                out.push_str(s.get(at..a).unwrap_or(""));
                out.push_str("[acme-id]");
                at = b;
            }
            out.push_str(s.get(at..).unwrap_or(""));
            *s = out;
            true
        }
        serde_json::Value::Array(items) => items.iter_mut().fold(false, |c, v| mask(v) | c),
        serde_json::Value::Object(m) => m.values_mut().fold(false, |c, v| mask(v) | c),
        _ => false,
    }
}

impl Plugin for AcmeIds {
    const NAME: &'static str = "acme-ids";
    const VERSION: &'static str = "1.0.0";

    fn filter(_config: &str, record: &str) -> Result<Verdict, String> {
        let mut v: serde_json::Value =
            serde_json::from_str(record).map_err(|_| "a record is not JSON".to_owned())?;
        if !mask(&mut v) {
            return Ok(Verdict::Keep);
        }
        let text = serde_json::to_string(&v).map_err(|_| "cannot write a record".to_owned())?;
        Ok(Verdict::Replace(text.into_bytes()))
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
