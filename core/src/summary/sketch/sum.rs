//! Exact sums of floating-point numbers, for the mean and the standard deviation: a function of
//! the values alone, whatever their order and however they are split into partitions, so a
//! merged summary's moments are one pass's, bit for bit.
//!
//! [`ExactSum`] is a fixed-point accumulator wide enough for every finite `f64` (a
//! "superaccumulator", after Neal, "Fast exact summation using small and large
//! superaccumulators", 2015): 32-bit digits in `i64` cells, so a value is added with two or
//! three integer additions and carries wait until a cell could fill up. [`ExactSum::value`]
//! rounds the exact sum once (to nearest, ties to even). Squares are added exactly as the two
//! parts of Dekker's product (`two_product`, with Veltkamp's split).

use alloc::vec::Vec;

/// Cells of 32 bits cover bit 0 (2^-1074, the smallest subnormal) to past 2^1024, with room
/// for the carries of a sum beyond `f64`'s range.
const CELLS: usize = 70;
/// Additions a cell takes before carries must move on: each adds less than 2^32 in magnitude,
/// and a cell holds up to 2^63.
const ROOM: u32 = 1 << 30;

/// The exact sum of the `f64` values added.
#[derive(Clone)]
pub(crate) struct ExactSum {
    /// Digit i weighs 2^(32 i - 1074); cells may leave [0, 2^32) until `normalize`.
    cells: Vec<i64>,
    /// Additions since the carries last moved.
    pending: u32,
    /// Something added left `f64`'s range (a square past it): the sum is not known.
    pub(crate) overflow: bool,
}

impl Default for ExactSum {
    fn default() -> Self {
        Self {
            cells: alloc::vec![0; CELLS],
            pending: 0,
            overflow: false,
        }
    }
}

/// Equal sums are equal however their carries stand.
impl PartialEq for ExactSum {
    fn eq(&self, other: &Self) -> bool {
        self.overflow == other.overflow && self.to_cells() == other.to_cells()
    }
}

/// Veltkamp's split of `a` into two halves of 26 significant bits.
fn split(a: f64) -> (f64, f64) {
    const FACTOR: f64 = 134_217_729.0; // 2^27 + 1
    let c = FACTOR * a;
    let hi = c - (c - a);
    (hi, a - hi)
}

/// `a * b` as `(p, e)` with `p = fl(a * b)` and `a * b = p + e` exactly (Dekker), when neither
/// overflows nor underflows.
pub(crate) fn two_product(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    let (ah, al) = split(a);
    let (bh, bl) = split(b);
    let e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    (p, e)
}

impl ExactSum {
    /// Adds `x` exactly (a non-finite `x` is the caller's to leave out).
    #[inline]
    pub(crate) fn add(&mut self, x: f64) {
        let bits = x.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as u32;
        let frac = bits & ((1 << 52) - 1);
        if exp == 0x7ff {
            return;
        }
        // x = ±mant · 2^(pos - 1074), pos counted from the smallest subnormal's bit.
        let (mant, pos) = if exp == 0 {
            (frac, 0)
        } else {
            (frac | (1 << 52), exp - 1)
        };
        if mant == 0 {
            return;
        }
        let cell = (pos / 32) as usize;
        // The signed value's digits in two's complement: the cells' sum is then the signed sum.
        let magnitude = (u128::from(mant) << (pos % 32)) as i128;
        let wide = if bits >> 63 == 1 {
            -magnitude
        } else {
            magnitude
        };
        if let Some([c0, c1, c2]) = self.cells.get_mut(cell..cell + 3) {
            *c0 += (wide & 0xffff_ffff) as i64;
            *c1 += ((wide >> 32) & 0xffff_ffff) as i64;
            *c2 += (wide >> 64) as i64;
        }
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
    pub(crate) fn merge(&mut self, other: &ExactSum) {
        self.overflow |= other.overflow;
        self.normalize();
        let mut other = other.clone();
        other.normalize();
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            *a += b;
        }
        self.normalize();
    }

    /// The digits, normalized: `(negative, magnitude digits)`, the magnitude's digits in
    /// [0, 2^32), lowest first.
    fn magnitude(&self) -> (bool, Vec<u64>) {
        let mut s = self.clone();
        s.normalize();
        let negative = s.cells.last().is_some_and(|&t| t < 0);
        let mut digits: Vec<u64> = Vec::with_capacity(CELLS);
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

    /// The sum as exact `f64` terms (each digit times its weight), largest first: exact because
    /// a digit has 32 bits and its weight is a power of two in range. `None` past `f64`'s range.
    pub(crate) fn terms(&self) -> Option<Vec<f64>> {
        if self.overflow {
            return None;
        }
        let (negative, digits) = self.magnitude();
        let sign = if negative { -1.0 } else { 1.0 };
        let mut out = Vec::new();
        for (i, &d) in digits.iter().enumerate().rev() {
            if d == 0 {
                continue;
            }
            let t = d as f64 * pow2(32 * i as i32 - 1074);
            if !t.is_finite() {
                return None;
            }
            out.push(sign * t);
        }
        Some(out)
    }

    /// The sum, correctly rounded (ties to even); `None` past `f64`'s range.
    pub(crate) fn value(&self) -> Option<f64> {
        if self.overflow {
            return None;
        }
        let (negative, digits) = self.magnitude();
        let Some(top) = digits.iter().rposition(|&d| d != 0) else {
            return Some(0.0);
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
        let sticky = top >= 3 && digits.iter().take(top - 2).any(|&d| d != 0);
        // wide · 2^(32 (top - 2) - 1074) is the sum, less what `sticky` says.
        let lead = 127 - wide.leading_zeros() as i32; // the highest set bit of `wide`
        let base = 32 * (top as i32 - 2) - 1074;
        // Bits below the 53 kept (fewer for a subnormal result).
        let mut drop = lead - 52;
        let min_drop = -1074 - base; // never keep bits below 2^-1074
        if drop < min_drop {
            drop = min_drop;
        }
        let (mut mant, exp2) = if drop <= 0 {
            ((wide << drop.unsigned_abs()) as u64, base + drop)
        } else {
            let d = drop.unsigned_abs();
            let kept = (wide >> d) as u64;
            let rest = wide & ((1u128 << d) - 1);
            let half = 1u128 << (d - 1);
            let up = rest > half || (rest == half && (sticky || kept & 1 == 1));
            (kept + u64::from(up), base + drop)
        };
        // A carry out of the 53 bits.
        let mut exp2 = exp2;
        if mant >> 53 != 0 {
            mant >>= 1;
            exp2 += 1;
        }
        let v = mant as f64 * pow2(exp2);
        if !v.is_finite() {
            return None;
        }
        Some(if negative { -v } else { v })
    }
}

/// 2^e for e in [-1074, 1100], exactly (or infinity above 1023).
fn pow2(e: i32) -> f64 {
    if e > 1023 {
        return f64::INFINITY;
    }
    if e >= -1022 {
        return f64::from_bits(((e + 1023) as u64) << 52);
    }
    // Subnormal: 2^e = 2^(e + 1074) · 2^-1074.
    f64::from_bits(1u64 << (e + 1074).max(0))
}

/// The moments of `n` finite numbers from their exact sum `s1` and exact sum of squares `s2`:
/// the mean (the sum rounded once, divided by n), and the sum of squared deviations
/// `m2 = (n·s2 - s1·s1) / n` with the subtraction exact, so no cancellation loses digits.
/// `None` for what leaves `f64`'s range.
pub(crate) fn moments(n: u64, s1: &ExactSum, s2: &ExactSum) -> (Option<f64>, Option<f64>) {
    if n == 0 {
        return (None, None);
    }
    let nf = n as f64;
    let mean = s1.value().map(|s| s / nf);
    let (Some(t1), Some(t2)) = (s1.terms(), s2.terms()) else {
        return (mean, None);
    };
    let mut t = ExactSum::default();
    let mut fits = true;
    let mut add_product = |a: f64, b: f64, negate: bool| {
        let (p, e) = two_product(a, b);
        if !(p.is_finite() && e.is_finite()) {
            fits = false;
            return;
        }
        let (p, e) = if negate { (-p, -e) } else { (p, e) };
        t.add(p);
        t.add(e);
    };
    for &p in &t2 {
        add_product(nf, p, false);
    }
    for &a in &t1 {
        for &b in &t1 {
            add_product(a, b, true);
        }
    }
    if !fits {
        return (mean, None);
    }
    (mean, t.value().map(|v| (v / nf).max(0.0)))
}

/// Adds `x` to `s1` and its square to `s2`, both exactly (the square as `two_product`'s two
/// parts); a square past `f64`'s range marks `s2` as overflowed (no std then).
#[inline]
pub(crate) fn add_moments(s1: &mut ExactSum, s2: &mut ExactSum, x: f64) {
    s1.add(x);
    let (p, e) = two_product(x, x);
    if p.is_finite() && e.is_finite() {
        s2.add(p);
        s2.add(e);
    } else {
        s2.overflow = true;
    }
}

impl ExactSum {
    /// The state: the normalized cells that are not zero, as `(index, cell)`, and `overflow`.
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

    /// A sum from [`ExactSum::to_cells`]; `None` when a cell is out of place or out of range.
    pub(crate) fn from_cells(cells: &[(usize, i64)], overflow: bool) -> Option<ExactSum> {
        let mut s = ExactSum {
            overflow,
            ..ExactSum::default()
        };
        for &(i, c) in cells {
            let top = i + 1 == CELLS;
            if !top && !(0..1 << 32).contains(&c) {
                return None;
            }
            if top && c.unsigned_abs() >= 1 << 40 {
                return None;
            }
            *s.cells.get_mut(i)? = c;
        }
        Some(s)
    }
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
    fn moments_do_not_cancel() {
        // Large offset, small spread: naive s2 - s1²/n loses every digit here.
        let xs: Vec<f64> = (0..1000).map(|i| 1e9 + f64::from(i % 7)).collect();
        let (mut s1, mut s2) = (ExactSum::default(), ExactSum::default());
        for &x in &xs {
            add_moments(&mut s1, &mut s2, x);
        }
        let (mean, m2) = moments(xs.len() as u64, &s1, &s2);
        let offsets: f64 = xs.iter().map(|x| x - 1e9).sum();
        assert_eq!(mean, Some(1e9 + offsets / 1000.0));
        let m = offsets / 1000.0;
        let want: f64 = xs.iter().map(|x| (x - 1e9 - m).powi(2)).sum();
        let got = m2.unwrap_or(f64::NAN);
        assert!((got - want).abs() <= want * 1e-12, "{got} {want}");
    }

    #[test]
    fn out_of_range_is_said() {
        let (mut s1, mut s2) = (ExactSum::default(), ExactSum::default());
        add_moments(&mut s1, &mut s2, 1e200);
        assert_eq!(moments(1, &s1, &s2), (Some(1e200), None));
    }

    #[test]
    fn cells_round_trip() {
        let s = sum(&[1e100, -3.5, 1e-300, -7e200]);
        let back = ExactSum::from_cells(&s.to_cells(), false);
        assert_eq!(back.as_ref().and_then(ExactSum::value), s.value());
        assert!(ExactSum::from_cells(&[(3, -1)], false).is_none());
        assert!(ExactSum::from_cells(&[(CELLS, 1)], false).is_none());
    }
}
