//! `encrypt`: deterministic authenticated encryption with AES-256-SIV (RFC 5297). Equal values
//! give equal tokens `e:<key id>:<base64url>`, so joins still work; a changed or forged token
//! fails authentication and is refused, never guessed.

use aes_siv::KeyInit;
use aes_siv::aead::generic_array::GenericArray;
use aes_siv::siv::Aes256Siv;
use alloc::string::String;
use alloc::vec::Vec;

/// What a token's plaintext was: it is bound into the token (associated data), so `reveal`
/// gives a number back as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string, or a span of text.
    Str,
    /// A JSON number (its text).
    Num,
    /// `true` / `false`.
    Bool,
}

impl Kind {
    fn tag(self) -> &'static [u8] {
        match self {
            Self::Str => b"s",
            Self::Num => b"n",
            Self::Bool => b"b",
        }
    }
}

/// The associated data of every token: a version label, then the kind.
const LABEL: &[u8] = b"tamis/e/1";

/// The least base64url characters of a token's body: a 16-byte SIV and an empty text.
pub(crate) const MIN_BODY: usize = 22;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub(crate) fn is_b64(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

fn b64_value(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    }))
}

/// RFC 4648 base64url without padding.
pub(crate) fn b64_encode(bytes: &[u8], out: &mut String) {
    let push = |out: &mut String, v: u32| {
        out.push(char::from(
            B64.get((v & 63) as usize).copied().unwrap_or(b'A'),
        ));
    };
    for chunk in bytes.chunks(3) {
        let mut n = 0u32;
        for (i, &b) in chunk.iter().enumerate() {
            n |= u32::from(b) << (16 - 8 * i);
        }
        push(out, n >> 18);
        push(out, n >> 12);
        if chunk.len() > 1 {
            push(out, n >> 6);
        }
        if chunk.len() > 2 {
            push(out, n);
        }
    }
}

/// Decodes base64url without padding; `None` for a character outside the alphabet, a length
/// no encoding has, or bits left over that are not zero (one spelling per byte string).
pub(crate) fn b64_decode(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= b64_value(c)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        let take = chunk.len() - 1;
        out.extend(bytes.iter().skip(1).take(take));
        // The bits past the last whole byte must be zero.
        let used = 8 * take;
        let spare = (n << 8) << used;
        if spare != 0 {
            return None;
        }
    }
    Some(out)
}

fn cipher(key: &[u8; 64]) -> Aes256Siv {
    Aes256Siv::new(GenericArray::from_slice(key))
}

/// Writes `e:<id>:<base64url(SIV || C)>` of `text`.
pub(crate) fn encrypt(key: &[u8; 64], id: &str, kind: Kind, text: &[u8], out: &mut String) {
    // Encryption cannot fail for texts below 2^32 blocks; if it ever did, nothing is written
    // but the caller's marker.
    match cipher(key).encrypt([LABEL, kind.tag()], text) {
        Ok(sealed) => {
            out.push_str("e:");
            out.push_str(id);
            out.push(':');
            b64_encode(&sealed, out);
        }
        Err(_) => out.push_str(crate::action::NO_KEY),
    }
}

/// The text and kind inside a token body (the base64url after `e:<id>:`), if it verifies.
pub(crate) fn decrypt(key: &[u8; 64], body: &[u8]) -> Option<(String, Kind)> {
    if body.len() < MIN_BODY {
        return None;
    }
    let sealed = b64_decode(body)?;
    for kind in [Kind::Str, Kind::Num, Kind::Bool] {
        if let Ok(plain) = cipher(key).decrypt([LABEL, kind.tag()], &sealed) {
            return String::from_utf8(plain).ok().map(|s| (s, kind));
        }
    }
    None
}

/// The body length, text and kind of a verified token at the start of `run` (base64url
/// characters only): a token written into text may run on into letters that follow it, so
/// bodies from the longest down are tried, at most `tries` of them (a wrong length verifies
/// with chance 2^-128). `None` when none verifies.
pub(crate) fn verified(key: &[u8; 64], run: &[u8], tries: usize) -> Option<(usize, String, Kind)> {
    let mut left = tries;
    let mut len = run.len();
    while len >= MIN_BODY && left > 0 {
        if len % 4 != 1 {
            left -= 1;
            if let Some((text, kind)) = run.get(..len).and_then(|body| decrypt(key, body)) {
                return Some((len, text, kind));
            }
        }
        len -= 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_and_is_canonical() {
        for n in 0..40usize {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            let mut s = String::new();
            b64_encode(&bytes, &mut s);
            assert_eq!(b64_decode(s.as_bytes()).as_deref(), Some(&bytes[..]));
        }
        assert_eq!(b64_decode(b"AB"), None, "spare bits set");
        assert_eq!(b64_decode(b"AQ"), Some(alloc::vec![1]));
        assert_eq!(b64_decode(b"A"), None);
    }

    #[test]
    fn tokens_round_trip_and_refuse_changes() {
        let key = [7u8; 64];
        let mut t = String::new();
        encrypt(&key, "k1", Kind::Num, b"4111111111111111", &mut t);
        let body = t.strip_prefix("e:k1:").unwrap();
        assert_eq!(
            decrypt(&key, body.as_bytes()),
            Some((String::from("4111111111111111"), Kind::Num))
        );
        let mut other = key;
        other[0] ^= 1;
        assert_eq!(decrypt(&other, body.as_bytes()), None);
        let mut forged = body.as_bytes().to_vec();
        forged[30] = if forged[30] == b'A' { b'B' } else { b'A' };
        assert_eq!(decrypt(&key, &forged), None);
    }
}
