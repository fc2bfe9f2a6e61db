//! Bounded input: no input can make tamis buffer without limit. A line or document longer than
//! its bound, or one the memory to hold it cannot be had for (buffers grow with `try_reserve`),
//! is reported as such and its rest read and dropped; the caller quarantines it.

use std::fs;
use std::io::{self, BufRead, BufReader};
use std::path::PathBuf;

use crate::Fail;

/// Opens each input in turn (stdin when there are none) and hands it to `f`.
pub(crate) fn for_each_input(
    files: &[PathBuf],
    mut f: impl FnMut(&mut dyn BufRead) -> Result<(), Fail>,
) -> Result<(), Fail> {
    if files.is_empty() {
        let stdin = io::stdin();
        return f(&mut stdin.lock());
    }
    for path in files {
        let file = fs::File::open(path).map_err(|e| Fail::io("open the input", path, &e))?;
        f(&mut BufReader::with_capacity(1 << 16, file))?;
    }
    Ok(())
}

pub(crate) fn read_err(e: &io::Error) -> Fail {
    Fail {
        code: 3,
        message: format!("error: cannot read the input: {e}"),
    }
}

/// Reads one line into `line` without its `\n` (or `\r\n`), keeping at most `max` bytes.
/// Returns `None` at the end of input, `Some(true)` when the line could not be taken whole: it is
/// longer than `max`, or the memory to hold it could not be had (the buffer grows with
/// `try_reserve`, so a line that does not fit in memory is quarantined instead of aborting the
/// process). The rest of such a line is read and discarded.
pub(crate) fn read_line_bounded(
    input: &mut dyn BufRead,
    line: &mut Vec<u8>,
    max: usize,
) -> Result<Option<bool>, Fail> {
    line.clear();
    let mut any = false;
    loop {
        let chunk = input.fill_buf().map_err(|e| read_err(&e))?;
        if chunk.is_empty() {
            // The end of input: the last line may lack its newline.
            return Ok(any.then_some(false));
        }
        any = true;
        let (part, ends) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (chunk.get(..i).unwrap_or(chunk), true),
            None => (chunk, false),
        };
        let fits = line.len() + part.len() <= max && line.try_reserve(part.len()).is_ok();
        if !fits {
            line.clear();
            line.shrink_to_fit();
            discard_line(input)?;
            return Ok(Some(true));
        }
        line.extend_from_slice(part);
        let used = part.len() + usize::from(ends);
        input.consume(used);
        if ends {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(Some(false));
        }
    }
}

/// Reads the whole input into `bytes`, at most `max` bytes; `true` when it could not be taken
/// whole (longer than `max`, or no memory to hold it: the buffer grows with `try_reserve`). The
/// rest is read and dropped.
pub(crate) fn read_all_bounded(
    input: &mut dyn BufRead,
    bytes: &mut Vec<u8>,
    max: usize,
) -> Result<bool, Fail> {
    let mut whole = true;
    loop {
        let chunk = input.fill_buf().map_err(|e| read_err(&e))?;
        if chunk.is_empty() {
            return Ok(!whole);
        }
        let len = chunk.len();
        if whole {
            if bytes.len() + len <= max && bytes.try_reserve(len).is_ok() {
                bytes.extend_from_slice(chunk);
            } else {
                whole = false;
                bytes.clear();
                bytes.shrink_to_fit();
            }
        }
        input.consume(len);
    }
}

/// Reads and drops input up to and including the next `\n`.
fn discard_line(input: &mut dyn BufRead) -> Result<(), Fail> {
    loop {
        let chunk = input.fill_buf().map_err(|e| read_err(&e))?;
        if chunk.is_empty() {
            return Ok(());
        }
        if let Some(i) = memchr::memchr(b'\n', chunk) {
            input.consume(i + 1);
            return Ok(());
        }
        let len = chunk.len();
        input.consume(len);
    }
}
