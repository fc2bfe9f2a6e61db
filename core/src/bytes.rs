//! Byte classes 16 at a time (SIMD through the `wide` crate: SSE2, wasm `simd128`, NEON, or
//! plain arrays elsewhere), shared by the detectors' word scan and the JSON writer.

use wide::u8x16;

/// Lanes of `v` at most `max` (unsigned).
pub(crate) fn at_most(v: u8x16, max: u8) -> u8x16 {
    v.min(u8x16::splat(max)).cmp_eq(v)
}

/// The lanes of `v` in `lo..=hi` (all ones where in, zero elsewhere).
pub(crate) fn lanes_in(v: u8x16, lo: u8, hi: u8) -> u8x16 {
    at_most(v - u8x16::splat(lo), hi - lo)
}

/// The lanes of `v` equal to `c`.
pub(crate) fn lanes_eq(v: u8x16, c: u8) -> u8x16 {
    v.cmp_eq(u8x16::splat(c))
}

/// A mask's lanes as 16 bits (lane k to bit k).
pub(crate) fn bits(m: u8x16) -> u64 {
    u64::from(m.move_mask() as u16)
}
