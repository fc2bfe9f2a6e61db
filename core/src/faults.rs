//! Fault injection, for tests (feature `faults`, off in every build that ships): a point inside
//! `apply` can be made to fail on its Nth pass, to show that every failure ends in masked or
//! quarantined output, never in raw output and never in a panic. Without the feature every
//! point is a constant `false`.
//!
//! - [`Point::Parse`]: the JSON text of a record cannot be parsed → the record is quarantined
//!   (`invalid_json`);
//! - [`Point::Detect`]: the detectors fail on a string → the whole string is replaced;
//! - [`Point::Action`]: a whole-value action fails → the value is replaced;
//! - [`Point::Record`]: an internal error is noticed once a record was walked → the record is
//!   quarantined (`internal_error`).
//!
//! The state is global: tests that arm points run one at a time.

/// Where a fault can be injected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    /// Parsing a record's JSON text.
    Parse = 1,
    /// Running the detectors over a string.
    Detect = 2,
    /// Applying a whole-value action.
    Action = 3,
    /// Finishing a record.
    Record = 4,
}

#[cfg(feature = "faults")]
mod armed {
    use core::sync::atomic::{AtomicU8, AtomicU64, Ordering};

    use super::Point;

    static POINT: AtomicU8 = AtomicU8::new(0);
    static NTH: AtomicU64 = AtomicU64::new(0);
    static PASSES: AtomicU64 = AtomicU64::new(0);
    static FIRED: AtomicU64 = AtomicU64::new(0);

    /// Makes `point` fail on its `nth` pass (1-based) from now on; `nth = 0` only counts passes.
    pub fn arm(point: Point, nth: u64) {
        POINT.store(point as u8, Ordering::SeqCst);
        NTH.store(nth, Ordering::SeqCst);
        PASSES.store(0, Ordering::SeqCst);
        FIRED.store(0, Ordering::SeqCst);
    }

    /// Turns injection off.
    pub fn disarm() {
        POINT.store(0, Ordering::SeqCst);
    }

    /// Passes through the armed point since it was armed.
    #[must_use]
    pub fn passes() -> u64 {
        PASSES.load(Ordering::SeqCst)
    }

    /// Faults injected since the point was armed.
    #[must_use]
    pub fn fired() -> u64 {
        FIRED.load(Ordering::SeqCst)
    }

    pub(crate) fn hit(point: Point) -> bool {
        if POINT.load(Ordering::Relaxed) != point as u8 {
            return false;
        }
        let pass = PASSES.fetch_add(1, Ordering::SeqCst) + 1;
        let fail = pass == NTH.load(Ordering::SeqCst);
        if fail {
            FIRED.fetch_add(1, Ordering::SeqCst);
        }
        fail
    }
}

#[cfg(feature = "faults")]
pub use armed::{arm, disarm, fired, passes};

#[cfg(feature = "faults")]
pub(crate) use armed::hit;

/// Without the feature, no point ever fails.
#[cfg(not(feature = "faults"))]
#[inline(always)]
pub(crate) fn hit(_: Point) -> bool {
    false
}
