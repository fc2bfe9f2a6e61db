//! The validators of crypto-currency addresses: Base58Check (Bitcoin, and every chain that
//! copied it), Bech32 and Bech32m (BIP 173, BIP 350), and Ethereum's mixed-case checksum
//! (EIP-55). Each takes the matched bytes and answers whether they carry a valid checksum.
//!
//! Written from the specifications: Base58Check as in the Bitcoin wiki's "Base58Check
//! encoding" (double SHA-256, first 4 bytes); BIP 173 and BIP 350 for the BCH code; EIP-55 for
//! the Keccak-256 of the lower-case hex address.

use sha2::{Digest as _, Sha256};
use sha3::Keccak256;

/// The validators of this module, by name.
pub const CHECKSUMS: &[&str] = &["base58check", "bech32", "eip55"];

/// Whether `value` passes the named validator of this module; `None` for another name.
pub fn check(name: &str, value: &[u8]) -> Option<bool> {
    Some(match name {
        "base58check" => base58check(value),
        "bech32" => bech32(value),
        "eip55" => eip55(value),
        _ => return None,
    })
}

const BASE58: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Base58Check: the decoded bytes end in the first 4 bytes of SHA-256(SHA-256(the rest)).
fn base58check(value: &[u8]) -> bool {
    // 25 bytes for most addresses; up to 82 for extended keys. 111 characters decode to at
    // most 82 bytes.
    if value.len() < 26 || value.len() > 111 {
        return false;
    }
    let mut bytes = [0u8; 96];
    let mut used = 0; // significant bytes, little-endian at the end of `bytes`
    for &c in value {
        let Some(digit) = BASE58.iter().position(|&b| b == c) else {
            return false;
        };
        let mut carry = digit as u32;
        for k in 0..used {
            let Some(b) = bytes.get_mut(95 - k) else {
                return false;
            };
            carry += u32::from(*b) * 58;
            *b = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            let Some(b) = bytes.get_mut(95usize.wrapping_sub(used)) else {
                return false;
            };
            *b = (carry & 0xff) as u8;
            carry >>= 8;
            used += 1;
        }
    }
    let zeros = value.iter().take_while(|&&c| c == b'1').count();
    let total = used + zeros;
    if !(5..=96).contains(&total) {
        return false;
    }
    let Some(decoded) = bytes.get(96 - total..) else {
        return false;
    };
    let (payload, sum) = decoded.split_at(total - 4);
    let digest = Sha256::digest(Sha256::digest(payload));
    digest.get(..4) == Some(sum)
}

const BECH32: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

fn polymod_step(chk: u32, v: u8) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let top = chk >> 25;
    let mut chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
    for (i, g) in GEN.iter().enumerate() {
        if (top >> i) & 1 == 1 {
            chk ^= g;
        }
    }
    chk
}

/// Bech32 or Bech32m: `hrp 1 data`, one case throughout, the checksum's residue 1 (BIP 173)
/// or 0x2bc830a3 (BIP 350).
fn bech32(value: &[u8]) -> bool {
    let lower = value.iter().any(u8::is_ascii_lowercase);
    let upper = value.iter().any(u8::is_ascii_uppercase);
    if (lower && upper) || value.len() < 8 || value.len() > 1023 {
        return false;
    }
    let Some(sep) = value.iter().rposition(|&c| c == b'1') else {
        return false;
    };
    let (hrp, data) = value.split_at(sep);
    let data = data.get(1..).unwrap_or(&[]);
    if hrp.is_empty() || data.len() < 6 || !hrp.iter().all(|c| (33..=126).contains(c)) {
        return false;
    }
    let mut chk = 1u32;
    for &c in hrp {
        chk = polymod_step(chk, c.to_ascii_lowercase() >> 5);
    }
    chk = polymod_step(chk, 0);
    for &c in hrp {
        chk = polymod_step(chk, c.to_ascii_lowercase() & 31);
    }
    for &c in data {
        let Some(v) = BECH32.iter().position(|&b| b == c.to_ascii_lowercase()) else {
            return false;
        };
        chk = polymod_step(chk, v as u8);
    }
    chk == 1 || chk == 0x2bc8_30a3
}

/// EIP-55: `0x` and 40 hex digits; a mixed-case address has a letter upper-case exactly where
/// the Keccak-256 of the lower-case address has a nibble of 8 or more. An address in one case
/// carries no checksum and is accepted.
fn eip55(value: &[u8]) -> bool {
    let Some(hex) = value
        .strip_prefix(b"0x")
        .or_else(|| value.strip_prefix(b"0X"))
    else {
        return false;
    };
    if hex.len() != 40 || !hex.iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    let lower = hex.iter().any(u8::is_ascii_lowercase);
    let upper = hex.iter().any(u8::is_ascii_uppercase);
    if !(lower && upper) {
        return true;
    }
    let mut plain = [0u8; 40];
    for (p, c) in plain.iter_mut().zip(hex) {
        *p = c.to_ascii_lowercase();
    }
    let hash = Keccak256::digest(plain);
    hex.iter().enumerate().all(|(i, &c)| {
        let byte = hash.get(i / 2).copied().unwrap_or(0);
        let nibble = if i % 2 == 0 { byte >> 4 } else { byte & 0xf };
        !c.is_ascii_alphabetic() || (nibble >= 8) == c.is_ascii_uppercase()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base58check_addresses() {
        // The genesis block's coinbase address; a P2SH address from BIP 13's examples.
        assert!(base58check(b"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
        assert!(!base58check(b"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"));
        assert!(!base58check(b"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0"));
    }

    #[test]
    fn bech32_addresses() {
        // BIP 173 and BIP 350 test vectors.
        assert!(bech32(b"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"));
        assert!(bech32(
            b"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"
        ));
        assert!(!bech32(b"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"));
        assert!(!bech32(b"Bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
    }

    #[test]
    fn eip55_addresses() {
        // EIP-55's own examples.
        assert!(eip55(b"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
        assert!(eip55(b"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"));
        assert!(!eip55(b"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"));
        assert!(eip55(b"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"));
        assert!(!eip55(b"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae"));
    }
}
