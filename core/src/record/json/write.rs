//! Writing JSON text exactly as serde_json does.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use wide::u8x16;

use super::NoMemory;
use crate::bytes::{at_most, bits, lanes_eq};

/// The first index at or after `i` holding `"`, `\\` or a control character (below 0x20), or
/// `b.len()`. Sixteen bytes at a time (SIMD where the target has it).
pub(crate) fn next_special(b: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = b.get(i..i + 16) {
        let mut lanes = [0u8; 16];
        lanes.copy_from_slice(chunk);
        let v = u8x16::new(lanes);
        let special = bits(lanes_eq(v, b'"') | lanes_eq(v, b'\\') | at_most(v, 0x1f));
        if special != 0 {
            return i + special.trailing_zeros() as usize;
        }
        i += 16;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            return i;
        }
        i += 1;
    }
    b.len()
}

/// `bytes`, with room made for them.
#[inline]
pub(super) fn write_raw(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), NoMemory> {
    room_for(out, bytes.len())?;
    out.extend_from_slice(bytes);
    Ok(())
}

/// A string of a [`Doc`]: borrowed ones as they are (see [`Doc::Str`]), owned ones escaped.
#[inline]
#[expect(clippy::ptr_arg, reason = "whether it is borrowed is what counts")]
pub(crate) fn write_string(s: &Cow<'_, str>, out: &mut Vec<u8>) -> Result<(), NoMemory> {
    match s {
        Cow::Borrowed(s) => {
            room_for(out, s.len() + 2)?;
            write_plain(s, out);
            Ok(())
        }
        Cow::Owned(s) => write_str(s, out),
    }
}

/// Writes a string that needs no escaping between quotes (room for it was made): a string
/// borrowed from the parsed text, where the parser found no byte to escape in it.
pub(super) fn write_plain(s: &str, out: &mut Vec<u8>) {
    debug_assert_eq!(next_special(s.as_bytes(), 0), s.len());
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

/// Writes a JSON string as serde_json does: `"` and `\` escaped, control characters as `\n`,
/// `\t`, `\r`, `\b`, `\f` or `\u00XX` (lower-case hex); everything else verbatim. `out` grows
/// with `try_reserve`.
pub(crate) fn write_str(s: &str, out: &mut Vec<u8>) -> Result<(), NoMemory> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let b = s.as_bytes();
    let mut start = 0;
    loop {
        let i = next_special(b, start);
        out.extend_from_slice(b.get(start..i).unwrap_or(&[]));
        let Some(&c) = b.get(i) else { break };
        // An escape is at most 6 bytes; the rest of the string and the quote follow.
        room_for(out, 6 + b.len() - i)?;
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX.get(usize::from(c >> 4)).copied().unwrap_or(b'0'));
                out.push(HEX.get(usize::from(c & 15)).copied().unwrap_or(b'0'));
            }
        }
        start = i + 1;
    }
    room_for(out, 1)?;
    out.push(b'"');
    Ok(())
}

/// Room in `v` for `n` more items, grown with `try_reserve` (the capacity check inline: this
/// runs for every value written and parsed).
#[inline]
pub(super) fn room_for<T>(v: &mut Vec<T>, n: usize) -> Result<(), NoMemory> {
    if v.capacity() - v.len() >= n {
        Ok(())
    } else {
        v.try_reserve(n).map_err(|_| NoMemory)
    }
}
