//! The one IPv4/IPv6 parser: the `ip` detector finds addresses with it and `generalize` masks
//! them to their network.

use alloc::vec::Vec;
use memchr::memmem;

/// An octet of 1 to 3 digits, at most 255, at `i`: its length and value. Leading zeros are
/// allowed (`010.001.002.003` is how some tools print an address).
fn octet(b: &[u8], i: usize) -> Option<(usize, u8)> {
    let n = b
        .get(i..)?
        .iter()
        .take(3)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if n == 0 {
        return None;
    }
    let v = b
        .get(i..i + n)?
        .iter()
        .fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
    Some((n, u8::try_from(v).ok()?))
}

/// A dotted IPv4 address starting at `i`: its length and octets.
pub(crate) fn ipv4_at(b: &[u8], i: usize) -> Option<(usize, [u8; 4])> {
    let mut j = i;
    let mut octets = [0u8; 4];
    for (k, slot) in octets.iter_mut().enumerate() {
        if k > 0 {
            if b.get(j) != Some(&b'.') {
                return None;
            }
            j += 1;
        }
        let (n, v) = octet(b, j)?;
        *slot = v;
        j += n;
    }
    Some((j - i, octets))
}

/// `s` as exactly one dotted IPv4 address.
pub(crate) fn ipv4(s: &[u8]) -> Option<[u8; 4]> {
    ipv4_at(s, 0).filter(|&(n, _)| n == s.len()).map(|(_, o)| o)
}

/// An IPv6 address: its groups, and how many hex digits it was written with (an embedded
/// IPv4 address counts as one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ipv6 {
    pub groups: [u16; 8],
    pub hex_digits: usize,
}

/// `s` as exactly one IPv6 address: eight groups of 1 to 4 hex digits, or fewer around one
/// `::`, the last two of which may be a dotted IPv4 address (`::ffff:192.0.2.1`).
pub(crate) fn ipv6(s: &[u8]) -> Option<Ipv6> {
    if s.len() < 2 || s.len() > 45 || s.iter().filter(|&&c| c == b':').count() < 2 {
        return None;
    }
    let (head, tail, compressed) = match memmem::find(s, b"::") {
        Some(k) => (s.get(..k)?, s.get(k + 2..)?, true),
        None => (s, &[][..], false),
    };
    if memmem::find(tail, b"::").is_some() {
        return None;
    }
    let mut head_groups: Vec<u16> = Vec::new();
    let mut tail_groups: Vec<u16> = Vec::new();
    let mut hex_digits = 0;
    for (part_i, (part, out)) in [(head, &mut head_groups), (tail, &mut tail_groups)]
        .into_iter()
        .enumerate()
    {
        if part.is_empty() {
            continue;
        }
        let pieces: Vec<&[u8]> = part.split(|&c| c == b':').collect();
        for (k, g) in pieces.iter().enumerate() {
            let last = k + 1 == pieces.len() && (part_i == 1 || !compressed);
            if last && g.contains(&b'.') {
                let [a, b, c, d] = ipv4(g)?;
                out.push(u16::from_be_bytes([a, b]));
                out.push(u16::from_be_bytes([c, d]));
                hex_digits += 1;
            } else if g.is_empty() || g.len() > 4 || !g.iter().all(u8::is_ascii_hexdigit) {
                return None;
            } else {
                let text = core::str::from_utf8(g).ok()?;
                out.push(u16::from_str_radix(text, 16).ok()?);
                hex_digits += g.len();
            }
        }
    }
    let total = head_groups.len() + tail_groups.len();
    if (compressed && total > 7) || (!compressed && total != 8) {
        return None;
    }
    let mut groups = [0u16; 8];
    for (slot, v) in groups.iter_mut().zip(head_groups.iter()) {
        *slot = *v;
    }
    for (slot, v) in groups.iter_mut().rev().zip(tail_groups.iter().rev()) {
        *slot = *v;
    }
    Some(Ipv6 { groups, hex_digits })
}
