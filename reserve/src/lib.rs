//! A global allocator with a memory reserve, so that running out of memory inside `apply`
//! quarantines a record instead of aborting the process.
//!
//! Stable Rust aborts the process when an allocation fails (`handle_alloc_error`; the hooks that
//! would make it an error are unstable). [`Reserve`] wraps the system allocator: when the system
//! has no memory for a request, the request is served from a fixed reserve set aside at start
//! (the process's `.bss`, so it costs no resident memory until used) and the failure is counted
//! ([`failures`]). tamis-core reads that count around every record and quarantines a record
//! during which it moved (`out_of_memory`): the record's output is thrown away, its memory freed,
//! and the next record starts afresh. Only a request the reserve cannot hold still fails: the
//! buffers that grow with a record (input line, parse tree, output) grow with `try_reserve`, so
//! such a failure is an error tamis handles too.
//!
//! The reserve is a bump area: blocks are handed out in order and the whole area is free again
//! once its last block is given back. A block of the reserve that is reallocated moves back to
//! the system allocator when it has memory again.
//!
//! A program installs it once:
//!
//! ```no_run
//! #[global_allocator]
//! static ALLOC: tamis_reserve::Reserve<std::alloc::System> =
//!     tamis_reserve::Reserve::new(std::alloc::System);
//! # fn main() {}
//! ```
//!
//! In a program that does not, [`failures`] stays 0 and nothing changes.
#![no_std]
#![expect(unsafe_code, reason = "a global allocator is unsafe code by nature")]

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr;
use core::sync::atomic::{AtomicU64, Ordering};

/// Bytes set aside for allocations the system cannot serve.
pub const RESERVE_BYTES: usize = 32 << 20;

static FAILURES: AtomicU64 = AtomicU64::new(0);

/// Allocations the system allocator could not serve since the process started (served from the
/// reserve or not). tamis-core compares it before and after each record.
#[must_use]
pub fn failures() -> u64 {
    FAILURES.load(Ordering::Acquire)
}

#[repr(C, align(4096))]
struct Arena(UnsafeCell<[u8; RESERVE_BYTES]>);

// SAFETY: the bytes are only reached through blocks handed out by `Reserve::take`, which
// hands out disjoint ranges (one atomic state word decides every range).
unsafe impl Sync for Arena {}

/// A [`GlobalAlloc`] that serves from a reserve what `inner` cannot (see the crate docs). Meant
/// for a `static`: it holds the reserve itself ([`RESERVE_BYTES`]).
pub struct Reserve<A> {
    inner: A,
    arena: Arena,
    /// Live blocks of the reserve (high 32 bits) and bytes handed out (low 32 bits).
    state: AtomicU64,
    #[cfg(feature = "faults")]
    countdown: AtomicU64,
    #[cfg(feature = "faults")]
    sticky: core::sync::atomic::AtomicBool,
    #[cfg(feature = "faults")]
    calls: AtomicU64,
}

impl<A> core::fmt::Debug for Reserve<A> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Reserve")
            .field("in_use", &self.in_use())
            .finish_non_exhaustive()
    }
}

const LOW: u64 = 0xffff_ffff;

impl<A> Reserve<A> {
    /// Wraps `inner`. For a `static` only: the value holds the whole reserve.
    pub const fn new(inner: A) -> Self {
        Self {
            inner,
            arena: Arena(UnsafeCell::new([0; RESERVE_BYTES])),
            state: AtomicU64::new(0),
            #[cfg(feature = "faults")]
            countdown: AtomicU64::new(0),
            #[cfg(feature = "faults")]
            sticky: core::sync::atomic::AtomicBool::new(false),
            #[cfg(feature = "faults")]
            calls: AtomicU64::new(0),
        }
    }

    /// Bytes of the reserve handed out and not yet free again (0 once every block is back).
    #[must_use]
    pub fn in_use(&self) -> usize {
        usize::try_from(self.state.load(Ordering::Acquire) & LOW).unwrap_or(usize::MAX)
    }

    fn base(&self) -> *mut u8 {
        self.arena.0.get().cast::<u8>()
    }

    fn holds(&self, p: *mut u8) -> bool {
        let base = self.base().addr();
        (base..base + RESERVE_BYTES).contains(&p.addr())
    }

    /// Counts a failed request and serves it from the reserve if it fits (null otherwise).
    fn failed(&self, layout: Layout) -> *mut u8 {
        FAILURES.fetch_add(1, Ordering::AcqRel);
        self.take(layout)
    }

    fn take(&self, layout: Layout) -> *mut u8 {
        let base = self.base();
        let mut cur = self.state.load(Ordering::Acquire);
        loop {
            let live = cur >> 32;
            let used = usize::try_from(cur & LOW).unwrap_or(usize::MAX);
            let pad = base.wrapping_add(used).align_offset(layout.align());
            let Some(end) = used
                .checked_add(pad)
                .and_then(|s| s.checked_add(layout.size().max(1)))
                .filter(|&e| e <= RESERVE_BYTES)
            else {
                return ptr::null_mut();
            };
            if live == LOW {
                return ptr::null_mut();
            }
            let next = ((live + 1) << 32) | end as u64;
            match self
                .state
                .compare_exchange_weak(cur, next, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return base.wrapping_add(used + pad),
                Err(now) => cur = now,
            }
        }
    }

    /// A block of the reserve is free again; the last one frees the whole reserve.
    fn give_back(&self) {
        let mut cur = self.state.load(Ordering::Acquire);
        loop {
            let live = (cur >> 32).saturating_sub(1);
            let next = if live == 0 {
                0
            } else {
                (live << 32) | (cur & LOW)
            };
            match self
                .state
                .compare_exchange_weak(cur, next, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return,
                Err(now) => cur = now,
            }
        }
    }

    /// Makes the `n`th request to the inner allocator from now (1-based) fail as if the system
    /// had no memory; `0` turns injection off. Tests only (feature `faults`).
    #[cfg(feature = "faults")]
    pub fn fail_nth(&self, n: u64) {
        self.arm(n, false);
    }

    /// Makes the `n`th request to the inner allocator from now (1-based) and every one after it
    /// fail, as a system out of memory would; `0` turns injection off. Tests only.
    #[cfg(feature = "faults")]
    pub fn fail_from(&self, n: u64) {
        self.arm(n, true);
    }

    #[cfg(feature = "faults")]
    fn arm(&self, n: u64, sticky: bool) {
        self.countdown.store(0, Ordering::SeqCst);
        self.sticky.store(sticky, Ordering::SeqCst);
        self.calls.store(0, Ordering::SeqCst);
        self.countdown.store(n, Ordering::SeqCst);
    }

    /// Requests made to the inner allocator since the last [`Reserve::fail_nth`].
    #[cfg(feature = "faults")]
    #[must_use]
    pub fn requests(&self) -> u64 {
        self.calls.load(Ordering::SeqCst)
    }

    #[cfg(feature = "faults")]
    fn injected(&self) -> bool {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let sticky = self.sticky.load(Ordering::SeqCst);
        // Counts down to 1, the request that fails; a sticky countdown stays at 1.
        let was = self
            .countdown
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| match n {
                0 => None,
                1 if sticky => Some(1),
                n => Some(n - 1),
            });
        was == Ok(1)
    }

    #[cfg(not(feature = "faults"))]
    #[expect(clippy::unused_self, reason = "the same call with and without faults")]
    fn injected(&self) -> bool {
        false
    }
}

// SAFETY: every block comes from `inner` (and goes back to it) or from the reserve, whose blocks
// are disjoint, aligned as asked and at least as large as asked; a block is never in both.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Reserve<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = if self.injected() {
            ptr::null_mut()
        } else {
            // SAFETY: the caller's contract for `alloc` is passed on unchanged.
            unsafe { self.inner.alloc(layout) }
        };
        if p.is_null() { self.failed(layout) } else { p }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = if self.injected() {
            ptr::null_mut()
        } else {
            // SAFETY: the caller's contract for `alloc_zeroed` is passed on unchanged.
            unsafe { self.inner.alloc_zeroed(layout) }
        };
        if !p.is_null() {
            return p;
        }
        let q = self.failed(layout);
        if !q.is_null() {
            // SAFETY: `q` is a fresh block of the reserve of at least `layout.size()` bytes
            // (an earlier block there may have left bytes behind).
            unsafe { ptr::write_bytes(q, 0, layout.size()) };
        }
        q
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        if self.holds(p) {
            self.give_back();
        } else {
            // SAFETY: `p` came from `inner` with `layout` (blocks of the reserve are `holds`).
            unsafe { self.inner.dealloc(p, layout) }
        }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `new_size`, rounded up to `layout.align()`, fits isize.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        let keep = layout.size().min(new_size);
        if self.holds(p) {
            // A block of the reserve moves out (to the system if it has memory again).
            // SAFETY: `new_layout` has a non-zero size (the caller's contract).
            let q = unsafe { self.alloc(new_layout) };
            if !q.is_null() {
                // SAFETY: both blocks hold at least `keep` bytes and are distinct.
                unsafe { ptr::copy_nonoverlapping(p, q, keep) };
                self.give_back();
            }
            return q;
        }
        let q = if self.injected() {
            ptr::null_mut()
        } else {
            // SAFETY: `p` came from `inner` with `layout`; the caller's contract holds.
            unsafe { self.inner.realloc(p, layout, new_size) }
        };
        if !q.is_null() {
            return q;
        }
        // The system could not grow it; `p` is still valid.
        let r = self.failed(new_layout);
        if !r.is_null() {
            // SAFETY: `p` holds `layout.size()` bytes, `r` at least `new_size`; distinct blocks.
            unsafe {
                ptr::copy_nonoverlapping(p, r, keep);
                self.inner.dealloc(p, layout);
            }
        }
        r
    }
}
