//! Distinct values: exact 64-bit hashes up to [`EXACT_DISTINCT`], then HyperLogLog.

use alloc::collections::BTreeSet;
use alloc::vec;
use alloc::vec::Vec;
use serde_json::{Map, Value};

use super::super::EXACT_DISTINCT;

const HLL_BITS: u32 = 14;
/// HyperLogLog registers.
pub(crate) const HLL_M: usize = 1 << HLL_BITS;

/// Distinct values: exact 64-bit hashes while few, then HyperLogLog.
#[derive(Clone, PartialEq)]
pub(crate) enum Distinct {
    Exact(BTreeSet<u64>),
    Hll(Vec<u8>),
}

impl Distinct {
    pub(crate) fn insert(&mut self, h: u64) {
        match self {
            Distinct::Exact(set) => {
                set.insert(h);
                if set.len() > EXACT_DISTINCT {
                    let mut regs = vec![0u8; HLL_M];
                    for &x in set.iter() {
                        hll_add(&mut regs, x);
                    }
                    *self = Distinct::Hll(regs);
                }
            }
            Distinct::Hll(regs) => hll_add(regs, h),
        }
    }

    pub(crate) fn merge(&mut self, other: &Distinct) {
        match other {
            Distinct::Exact(set) => {
                for &h in set {
                    self.insert(h);
                }
            }
            Distinct::Hll(theirs) => {
                if let Distinct::Exact(set) = self {
                    let mut regs = vec![0u8; HLL_M];
                    for &x in set.iter() {
                        hll_add(&mut regs, x);
                    }
                    *self = Distinct::Hll(regs);
                }
                if let Distinct::Hll(mine) = self {
                    for (a, &b) in mine.iter_mut().zip(theirs) {
                        *a = (*a).max(b);
                    }
                }
            }
        }
    }

    pub(crate) fn estimate(&self) -> (u64, bool) {
        match self {
            Distinct::Exact(set) => (set.len() as u64, false),
            Distinct::Hll(regs) => {
                let m = HLL_M as f64;
                let mut sum = 0.0;
                let mut zeros = 0u32;
                for &r in regs {
                    sum += libm::ldexp(1.0, -i32::from(r));
                    zeros += u32::from(r == 0);
                }
                let alpha = 0.7213 / (1.0 + 1.079 / m);
                let raw = alpha * m * m / sum;
                let est = if raw <= 2.5 * m && zeros > 0 {
                    m * libm::log(m / f64::from(zeros))
                } else {
                    raw
                };
                (libm::round(est) as u64, true)
            }
        }
    }

    pub(crate) fn to_state(&self) -> Value {
        let mut m = Map::new();
        match self {
            Distinct::Exact(set) => {
                m.insert(
                    "exact".into(),
                    Value::Array(set.iter().map(|&h| Value::from(h)).collect()),
                );
            }
            Distinct::Hll(regs) => {
                // Sparse: index, register, index, register, ...
                let mut v = Vec::new();
                for (i, &r) in regs.iter().enumerate() {
                    if r != 0 {
                        v.push(Value::from(i));
                        v.push(Value::from(r));
                    }
                }
                m.insert("hll".into(), Value::Array(v));
            }
        }
        Value::Object(m)
    }
}

pub(crate) fn hll_add(regs: &mut [u8], h: u64) {
    let idx = (h >> (64 - HLL_BITS)) as usize;
    let rest = (h << HLL_BITS) | (1 << (HLL_BITS - 1));
    let rank = (rest.leading_zeros() + 1) as u8;
    if let Some(r) = regs.get_mut(idx) {
        *r = (*r).max(rank);
    }
}
