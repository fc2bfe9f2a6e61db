//! Exact sums for the mean and the standard deviation: a function of the values alone,
//! whatever their order and however they are split into partitions, so a merged summary's
//! moments are one pass's, bit for bit.
//!
//! [`Acc`] is a fixed-point accumulator wide enough for every finite `f64` (a
//! "superaccumulator", after Neal, "Fast exact summation using small and large
//! superaccumulators", 2015): 32-bit digits in `i64` cells, so a value is added with a few
//! integer additions and carries wait until a cell could fill up. [`ExactSum`] holds the sum
//! of the numbers (digit 0 weighs 2^-1074, the smallest subnormal); [`SquareSum`] the sum of
//! their squares, each square `m² · 2^(2e)` added as the exact integer it is (digit 0 weighs
//! 2^-2148), so no square overflows or loses a bit. [`moments`] computes the mean as `Σx / n`
//! and the sample standard deviation from `(n·Σx² − (Σx)²) / (n·(n − 1))` in exact integer
//! arithmetic, each rounded once (to nearest, ties to even).

use alloc::vec::Vec;

/// Cells of the sum: bit 0 (2^-1074) to past 2^1024, with room for carries.
const SUM_CELLS: usize = 70;
/// Cells of the sum of squares: bit 0 (2^-2148) to past 2^2048, with room for carries.
const SQUARE_CELLS: usize = 136;
/// Additions a cell takes before carries must move on: each adds less than 2^33 in
/// magnitude, and a cell holds up to 2^63.
const ROOM: u32 = 1 << 29;

/// An exact sum kept as 32-bit digits in `i64` cells; `N` cells.
#[derive(Clone)]
pub(crate) struct Acc<const N: usize> {
    /// Digit i weighs 2^(32 i + base); cells may leave [0, 2^32) until `normalize`.
    cells: Vec<i64>,
    /// Additions since the carries last moved.
    pending: u32,
}

/// The sum of the numbers.
pub(crate) type ExactSum = Acc<SUM_CELLS>;
/// The sum of their squares.
pub(crate) type SquareSum = Acc<SQUARE_CELLS>;

impl<const N: usize> Default for Acc<N> {
    fn default() -> Self {
        Self {
            cells: alloc::vec![0; N],
            pending: 0,
        }
    }
}

/// Equal sums are equal however their carries stand.
impl<const N: usize> PartialEq for Acc<N> {
    fn eq(&self, other: &Self) -> bool {
        self.to_cells() == other.to_cells()
    }
}

/// `x` as `(negative, m, p)` with `|x| = m · 2^(p - 1074)`, `m < 2^53`; `None` for zero and
/// non-finite values.
fn parts(x: f64) -> Option<(bool, u64, u32)> {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as u32;
    let frac = bits & ((1 << 52) - 1);
    if exp == 0x7ff {
        return None;
    }
    let (m, p) = if exp == 0 {
        (frac, 0)
    } else {
        (frac | (1 << 52), exp - 1)
    };
    (m != 0).then_some((bits >> 63 == 1, m, p))
}

impl<const N: usize> Acc<N> {
    /// Adds `value · 2^(32 · cell)` (|value| < 2^96) to the cells.
    #[inline]
    fn add_at(&mut self, cell: usize, value: i128) {
        if let Some([c0, c1, c2]) = self.cells.get_mut(cell..cell + 3) {
            *c0 += (value & 0xffff_ffff) as i64;
            *c1 += ((value >> 32) & 0xffff_ffff) as i64;
            *c2 += (value >> 64) as i64;
        }
    }

    #[inline]
    fn added(&mut self) {
        self.pending += 1;
        if self.pending >= ROOM {
            self.normalize();
        }
    }

    /// Moves every cell's carry to the cell above: all but the top in [0, 2^32).
    fn normalize(&mut self) {
        let mut carry = 0i64;
        for c in &mut self.cells {
            let v = *c + carry;
            carry = v >> 32;
            *c = v & 0xffff_ffff;
        }
        if let Some(top) = self.cells.last_mut() {
            *top += carry << 32;
        }
        self.pending = 0;
    }

    /// Adds another sum (exactly).
    pub(crate) fn merge(&mut self, other: &Self) {
        self.normalize();
        let mut other = other.clone();
        other.normalize();
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            *a += b;
        }
        self.normalize();
    }

    /// `(negative, magnitude digits)`: the magnitude's digits in [0, 2^32), lowest first.
    fn magnitude(&self) -> (bool, Vec<u64>) {
        let mut s = self.clone();
        s.normalize();
        let negative = s.cells.last().is_some_and(|&t| t < 0);
        let mut digits: Vec<u64> = Vec::with_capacity(N);
        if negative {
            // Two's complement over the digits: invert, add one.
            let mut carry = 1u64;
            for &c in &s.cells {
                let v = (!(c as u64) & 0xffff_ffff) + carry;
                digits.push(v & 0xffff_ffff);
                carry = v >> 32;
            }
        } else {
            digits.extend(s.cells.iter().map(|&c| c as u64));
        }
        (negative, digits)
    }

    /// The state: the normalized cells that are not zero, as `(index, cell)`.
    pub(crate) fn to_cells(&self) -> Vec<(usize, i64)> {
        let mut s = self.clone();
        s.normalize();
        s.cells
            .iter()
            .enumerate()
            .filter(|(_, c)| **c != 0)
            .map(|(i, c)| (i, *c))
            .collect()
    }

    /// A sum from [`Acc::to_cells`]: digits in [0, 2^32), the top cell the sign (-1) or left
    /// out; `None` for anything else.
    pub(crate) fn from_cells(cells: &[(usize, i64)]) -> Option<Self> {
        let mut s = Self::default();
        for &(i, c) in cells {
            let top = i + 1 == N;
            if (!top && !(0..1 << 32).contains(&c)) || (top && c != -1) {
                return None;
            }
            *s.cells.get_mut(i)? = c;
        }
        Some(s)
    }
}

impl ExactSum {
    /// Adds `x` exactly (a non-finite `x` is the caller's to leave out).
    #[inline]
    pub(crate) fn add(&mut self, x: f64) {
        let Some((negative, m, p)) = parts(x) else {
            return;
        };
        let magnitude = (u128::from(m) << (p % 32)) as i128;
        self.add_at(
            (p / 32) as usize,
            if negative { -magnitude } else { magnitude },
        );
        self.added();
    }

    /// The sum, correctly rounded; `None` past `f64`'s range.
    #[cfg(test)]
    pub(crate) fn value(&self) -> Option<f64> {
        let (negative, digits) = self.magnitude();
        let v = to_f64(round(&digits, -1074, -1074, false))?;
        Some(if negative { -v } else { v })
    }
}

impl SquareSum {
    /// Adds `x²` exactly: `m² · 2^(2p - 2148)`, a 106-bit integer placed at bit `2p`.
    #[inline]
    pub(crate) fn add_square(&mut self, x: f64) {
        let Some((_, m, p)) = parts(x) else {
            return;
        };
        let square = u128::from(m) * u128::from(m);
        let at = 2 * p;
        let (cell, shift) = ((at / 32) as usize, at % 32);
        // In two halves, each under 2^96 once shifted.
        self.add_at(cell, ((square & u128::from(u64::MAX)) << shift) as i128);
        self.add_at(cell + 2, ((square >> 64) << shift) as i128);
        self.added();
    }
}

/// Digits (lowest first) rounded to a 53-bit significand: `(m, e)` with the value
/// `Σ digits[i] · 2^(32 i + base)` (plus a nonzero tail below them when `sticky`) nearest
/// `m · 2^e`, ties to even, keeping no bit below `2^floor` (-1074 for an `f64`: subnormals).
/// `(0, 0)` for zero.
fn round(digits: &[u64], base: i32, floor: i32, sticky: bool) -> (u64, i32) {
    let Some(top) = digits.iter().rposition(|&d| d != 0) else {
        return (0, 0);
    };
    // The top 96 bits (three digits) and whether anything below them is set.
    let mut wide: u128 = 0;
    for k in 0..3 {
        let d = top
            .checked_sub(k)
            .and_then(|i| digits.get(i))
            .copied()
            .unwrap_or(0);
        wide = (wide << 32) | u128::from(d);
    }
    let sticky = sticky || (top >= 3 && digits.iter().take(top - 2).any(|&d| d != 0));
    let scale = 32 * (top as i32 - 2) + base; // wide · 2^scale
    let lead = 127 - wide.leading_zeros() as i32;
    // Bits below the 53 kept (more for a subnormal result: nothing below 2^floor).
    let drop = (lead - 52).max(floor - scale);
    if drop <= 0 {
        return ((wide << drop.unsigned_abs()) as u64, scale + drop);
    }
    let d = drop.unsigned_abs();
    if d >= 128 {
        // All of it below 2^-1074 by more than a bit: zero (half of the smallest subnormal
        // or less rounds to even, zero).
        return (0, 0);
    }
    let kept = (wide >> d) as u64;
    let rest = wide & ((1u128 << d) - 1);
    let half = 1u128 << (d - 1);
    let up = rest > half || (rest == half && (sticky || kept & 1 == 1));
    let mut m = kept + u64::from(up);
    let mut e = scale + drop;
    if m >> 53 != 0 {
        m >>= 1;
        e += 1;
    }
    (m, e)
}

/// `m · 2^e` as an `f64` (`m < 2^53`); `None` past the range.
fn to_f64((m, e): (u64, i32)) -> Option<f64> {
    if m == 0 {
        return Some(0.0);
    }
    // Exact: m has 53 bits at most and e keeps the result at or above 2^-1074.
    let v = m as f64 * pow2(e.clamp(-1074, 1024));
    v.is_finite().then_some(v)
}

/// 2^e for e in [-1074, 1023] exactly; infinity above.
fn pow2(e: i32) -> f64 {
    if e > 1023 {
        f64::INFINITY
    } else if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e + 1074).max(0))
    }
}

/// Divides the digits by `d` in place; true when there is a remainder.
fn div_small(digits: &mut [u64], d: u64) -> bool {
    let mut rem: u128 = 0;
    for x in digits.iter_mut().rev() {
        let cur = (rem << 32) | u128::from(*x);
        *x = (cur / u128::from(d)) as u64;
        rem = cur % u128::from(d);
    }
    rem != 0
}

/// Digits times `n`, normalized (digits in [0, 2^32)).
fn mul_small(digits: &[u64], n: u64) -> Vec<u64> {
    carried(digits.iter().map(|&x| u128::from(x) * u128::from(n)))
}

/// Column sums (each under 2^127) as normalized digits: each carries into the next.
fn carried(columns: impl Iterator<Item = u128>) -> Vec<u64> {
    let mut out = Vec::new();
    let mut carry: u128 = 0;
    for c in columns {
        let v = c + carry;
        out.push((v & 0xffff_ffff) as u64);
        carry = v >> 32;
    }
    while carry != 0 {
        out.push((carry & 0xffff_ffff) as u64);
        carry >>= 32;
    }
    out
}

/// The square of the digits, normalized.
fn square(digits: &[u64]) -> Vec<u64> {
    let len = digits.iter().rposition(|&d| d != 0).map_or(0, |t| t + 1);
    let mut cols = alloc::vec![0u128; 2 * len + 1];
    for (i, &a) in digits.iter().take(len).enumerate() {
        for (j, &b) in digits.iter().take(len).enumerate() {
            if let Some(c) = cols.get_mut(i + j) {
                *c += u128::from(a) * u128::from(b);
            }
        }
    }
    carried(cols.into_iter())
}

/// `a - b` for normalized digits, or `None` when `b > a`.
fn sub(a: &[u64], b: &[u64]) -> Option<Vec<u64>> {
    let len = a.len().max(b.len());
    let mut out = Vec::with_capacity(len);
    let mut borrow = 0i64;
    for i in 0..len {
        let x = a.get(i).copied().unwrap_or(0) as i64;
        let y = b.get(i).copied().unwrap_or(0) as i64;
        let mut v = x - y - borrow;
        borrow = 0;
        if v < 0 {
            v += 1 << 32;
            borrow = 1;
        }
        out.push(v as u64);
    }
    (borrow == 0).then_some(out)
}

/// The mean and the sample standard deviation of `n` finite numbers from their exact sum and
/// exact sum of squares, each rounded once: mean = `Σx / n`; std = the square root of
/// `(n·Σx² − (Σx)²) / (n·(n − 1))` (the variance rounded once, then its square root). `None`
/// for a mean past `f64`'s range, a std when `n < 2`, and for sums no numbers could give.
pub(crate) fn moments(n: u64, s1: &ExactSum, s2: &SquareSum) -> (Option<f64>, Option<f64>) {
    if n == 0 {
        return (None, None);
    }
    let (negative, sum) = s1.magnitude();
    let mut q = sum.clone();
    let sticky = div_small(&mut q, n);
    let mean = to_f64(round(&q, -1074, -1074, sticky)).map(|v| if negative { -v } else { v });
    if n < 2 {
        return (mean, None);
    }
    let (sq_negative, squares) = s2.magnitude();
    if sq_negative {
        return (mean, None);
    }
    // n·Σx² − (Σx)², both in units of 2^-2148; never negative for real numbers.
    let Some(mut t) = sub(&mul_small(&squares, n), &square(&sum)) else {
        return (mean, None);
    };
    let sticky = div_small(&mut t, n) | div_small(&mut t, n - 1);
    // Rounded with no floor of its own: the square root of a variance below f64's range may
    // be in it.
    let (m, e) = round(&t, -2148, -2148, sticky);
    // sqrt(m · 2^e) = sqrt(m · 2^(e mod 2)) · 2^(e div 2): the variance may be past f64's
    // range where the std is not.
    let (m, e) = if e % 2 != 0 { (m * 2, e - 1) } else { (m, e) };
    let std = to_f64_any(libm::sqrt(m as f64), e / 2);
    (mean, std)
}

/// `x · 2^e` for a finite `x`, in range or `None`.
fn to_f64_any(x: f64, e: i32) -> Option<f64> {
    if x == 0.0 {
        return Some(0.0);
    }
    // In two steps so neither power of two leaves the range.
    let half = e / 2;
    let v = x * pow2(half.clamp(-1074, 1023)) * pow2((e - half).clamp(-1074, 1023));
    (v.is_finite() && e - half <= 1023 && half <= 1023).then_some(v)
}

/// Adds `x` to `s1` and its square to `s2`, both exactly.
#[inline]
pub(crate) fn add_moments(s1: &mut ExactSum, s2: &mut SquareSum, x: f64) {
    s1.add(x);
    s2.add_square(x);
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn sum(xs: &[f64]) -> ExactSum {
        let mut s = ExactSum::default();
        for &x in xs {
            s.add(x);
        }
        s
    }

    fn stats(xs: &[f64]) -> (Option<f64>, Option<f64>) {
        let (mut s1, mut s2) = (ExactSum::default(), SquareSum::default());
        for &x in xs {
            add_moments(&mut s1, &mut s2, x);
        }
        moments(xs.len() as u64, &s1, &s2)
    }

    #[test]
    fn sums_are_correctly_rounded_whatever_the_order() {
        let xs = vec![1e100, 1.0, -1e100, 1e-100, 3.0, 0.1, 0.2, -0.3];
        let want = sum(&xs).value();
        // 4 + 2.8e-17 + 1e-100, rounded once: 4.
        assert_eq!(want, Some(4.0));
        let mut rev = xs.clone();
        rev.reverse();
        assert_eq!(sum(&rev).value(), want);
        let (a, b) = xs.split_at(3);
        let mut merged = sum(b);
        merged.merge(&sum(a));
        assert_eq!(merged.value(), want);
        assert_eq!(sum(&[0.1; 10]).value(), Some(1.0)); // ten 0.1 are 1 + 5.6e-17, exactly
        assert_eq!(sum(&[0.1, 0.2]).value(), Some(0.30000000000000004));
        assert_eq!(sum(&[]).value(), Some(0.0));
        assert_eq!(sum(&[-2.5, 1.0]).value(), Some(-1.5));
        assert_eq!(sum(&[5e-324, 5e-324]).value(), Some(1e-323));
        assert_eq!(sum(&[f64::MAX, -f64::MAX, 1.5]).value(), Some(1.5));
        assert_eq!(sum(&[1e308, 1e308]).value(), None);
        assert_eq!(sum(&[f64::MAX]).value(), Some(f64::MAX));
    }

    #[test]
    fn agrees_with_exact_rational_sums() {
        // Values whose exact sum is known: integers and dyadic fractions, rounded once.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200 {
            let mut xs = Vec::new();
            let mut exact: i128 = 0; // in units of 2^-20
            for _ in 0..50 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let units = (state % (1 << 40)) as i64 - (1 << 39);
                exact += i128::from(units);
                xs.push(units as f64 / 1_048_576.0);
            }
            let want = exact as f64 / 1_048_576.0; // exact fits 2^46: one rounding at most
            assert_eq!(sum(&xs).value(), Some(want));
        }
    }

    #[test]
    fn half_way_sums_round_to_even() {
        let half = f64::EPSILON / 2.0;
        assert_eq!(sum(&[1.0, half]).value(), Some(1.0));
        assert_eq!(sum(&[1.0, half, 1e-300]).value(), Some(1.0 + f64::EPSILON));
        assert_eq!(
            sum(&[1.0 + f64::EPSILON, half]).value(),
            Some(1.0 + 2.0 * f64::EPSILON)
        );
        assert_eq!(sum(&[-1.0, -half]).value(), Some(-1.0));
    }

    #[test]
    fn moments_are_exact_and_do_not_cancel() {
        assert_eq!(
            stats(&[1.0, 2.0, 3.0, 4.0, 5.0, 5.0]),
            (Some(10.0 / 3.0), Some(1.632993161855452))
        );
        // Large offset, small spread: naive s2 - s1²/n loses every digit here.
        let xs: Vec<f64> = (0..1000).map(|i| 1e9 + f64::from(i % 7)).collect();
        let (mean, std) = stats(&xs);
        let offsets: f64 = xs.iter().map(|x| x - 1e9).sum();
        assert_eq!(mean, Some(1e9 + offsets / 1000.0));
        let m = offsets / 1000.0;
        let var: f64 = xs.iter().map(|x| (x - 1e9 - m).powi(2)).sum::<f64>() / 999.0;
        let got = std.unwrap_or(f64::NAN);
        assert!((got - libm::sqrt(var)).abs() <= got * 1e-12, "{got}");
    }

    #[test]
    fn moments_across_the_whole_range() {
        // Where squares or sums leave f64's range, the mean and std do not.
        // The doubles nearest 1e150, 2e150 and 3e150 are not evenly spaced: the std is exact for them.
        assert_eq!(
            stats(&[1e150, 2e150, 3e150]),
            (Some(2e150), Some(1.0000000000000002e150))
        );
        assert_eq!(stats(&[f64::MAX, f64::MAX]), (Some(f64::MAX), Some(0.0)));
        assert_eq!(stats(&[-f64::MAX, f64::MAX]).0, Some(0.0));
        let (mean, std) = stats(&[1e-200, 2e-200, 3e-200]);
        assert_eq!(mean, Some(2e-200));
        assert!((std.unwrap_or(0.0) - 1e-200).abs() < 1e-214);
        assert_eq!(stats(&[5e-324, 5e-324]), (Some(5e-324), Some(0.0)));
        assert_eq!(stats(&[7.0]), (Some(7.0), None));
    }

    #[test]
    fn cells_round_trip() {
        let s = sum(&[1e100, -3.5, 1e-300, -7e200]);
        let back = ExactSum::from_cells(&s.to_cells());
        assert_eq!(back.as_ref().and_then(ExactSum::value), s.value());
        assert!(ExactSum::from_cells(&[(3, -1)]).is_none());
        assert!(ExactSum::from_cells(&[(SUM_CELLS, 1)]).is_none());
        // The top cell is the sign: a forged magnitude there is refused.
        assert!(ExactSum::from_cells(&[(SUM_CELLS - 1, -(1 << 32))]).is_none());
        assert!(ExactSum::from_cells(&[(SUM_CELLS - 1, 1)]).is_none());
        let negative = sum(&[-2.5]);
        assert_eq!(
            ExactSum::from_cells(&negative.to_cells()).and_then(|s| s.value()),
            Some(-2.5)
        );
    }
}
