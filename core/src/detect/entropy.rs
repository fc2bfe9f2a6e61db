//! `high_entropy`: long tokens of base64-like characters with high Shannon entropy (opt-in).

use alloc::vec::Vec;

use super::{HIGH_ENTROPY_BITS, at, run};

fn entropy(s: &[u8]) -> f64 {
    let mut counts = [0u32; 256];
    for &c in s {
        if let Some(n) = counts.get_mut(usize::from(c)) {
            *n += 1;
        }
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "token lengths are far below 2^52"
    )]
    let len = s.len() as f64;
    counts
        .iter()
        .filter(|&&n| n > 0)
        .map(|&n| {
            let p = f64::from(n) / len;
            -p * log2(p)
        })
        .sum()
}

/// log2 for `0 < x <= 1`, without `std` (a few Newton-free series steps are exact enough here).
pub(super) fn log2(x: f64) -> f64 {
    // x = m * 2^e with m in [1, 2): log2 x = e + log2 m; ln m by the atanh series.
    let bits = x.to_bits();
    #[expect(clippy::cast_possible_wrap, reason = "an 11-bit exponent")]
    let e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let m = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let mut term = t;
    let mut sum = 0.0;
    let mut k = 1.0;
    for _ in 0..12 {
        sum += term / k;
        term *= t2;
        k += 2.0;
    }
    #[expect(clippy::cast_precision_loss, reason = "a small exponent")]
    let e = e as f64;
    e + 2.0 * sum * core::f64::consts::LOG2_E
}

pub(super) fn find_high_entropy(b: &[u8], out: &mut Vec<(usize, usize)>) {
    let class = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'_' | b'-');
    let mut i = 0;
    while i < b.len() {
        if !class(at(b, i)) {
            i += 1;
            continue;
        }
        let n = run(b, i, usize::MAX, class);
        if (20..=1000).contains(&n) {
            let t = b.get(i..i + n).unwrap_or(&[]);
            let letters = t.iter().any(u8::is_ascii_alphabetic);
            let digits = t.iter().any(u8::is_ascii_digit);
            if letters && digits && entropy(t) >= HIGH_ENTROPY_BITS {
                out.push((i, i + n));
            }
        }
        i += n;
    }
}
