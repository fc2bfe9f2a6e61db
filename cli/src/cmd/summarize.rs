//! `tamis summarize`: one summary object per summarised path of JSON Lines records.

use std::io::{self, Write};

use serde_json::{Map, Value};
use tamis_core::json::Doc;

use super::{finish, setup};
use crate::io::{for_each_input, read_line_bounded};
use crate::{Fail, SummarizeArgs};

pub(crate) fn run(args: &SummarizeArgs) -> Result<u8, Fail> {
    // Sample items are masked like records, so `hash` rules need their keys.
    let (policy, ctx) = setup(&args.run)?;
    let mut summarizer = policy.record_summarizer(&ctx);
    let max = policy.limits().json_text_bound();
    let mut line = Vec::with_capacity(4096);
    for_each_input(&args.files, |input| {
        while let Some(too_long) = read_line_bounded(input, &mut line, max)? {
            let parsed = if too_long {
                None
            } else {
                std::str::from_utf8(&line)
                    .ok()
                    .and_then(|t| Doc::parse(t).ok())
            };
            match parsed {
                Some(mut doc) => {
                    summarizer.add(&mut doc);
                }
                None => summarizer.count_quarantined(),
            }
        }
        Ok(())
    })?;
    let (summaries, report) = summarizer.finish();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for (path, summary) in summaries {
        let mut m = Map::new();
        m.insert("path".into(), Value::from(path));
        if let Value::Object(s) = summary {
            m.extend(s);
        }
        serde_json::to_writer(&mut out, &Value::Object(m)).map_err(|e| Fail::out(&e.into()))?;
        out.write_all(b"\n").map_err(|e| Fail::out(&e))?;
    }
    out.flush().map_err(|e| Fail::out(&e))?;
    finish(&args.run, &ctx, &report)?;
    Ok(0)
}
