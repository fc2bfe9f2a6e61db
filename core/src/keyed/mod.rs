//! The keyed, reversible actions: `encrypt` (AES-SIV, RFC 5297), `fpe` (FF1, NIST SP 800-38G)
//! and `shift_date` (a keyed offset per entity), and the material they derive from a key.
//!
//! One `[key.*]` serves every keyed action. `hash` uses the material as its HMAC key (as it
//! always has); the reversible actions use subkeys derived from it with HMAC-SHA256 under fixed
//! labels, so a token of one action never helps against another. They need at least
//! [`MIN_KEY_BYTES`] of material.

use alloc::boxed::Box;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub(crate) mod fpe;
pub(crate) mod shift;
pub(crate) mod siv;

/// The least key material (bytes) for `encrypt`, `fpe` and `shift_date`: 256 bits.
pub const MIN_KEY_BYTES: usize = 32;

/// Subkeys of one key for the reversible actions. Never printed.
#[derive(Clone)]
pub(crate) struct Derived {
    /// AES-256-SIV: two AES-256 keys (MAC, then CTR).
    pub siv: [u8; 64],
    /// AES-256 key of FF1.
    pub ff1: [u8; 32],
    /// HMAC key of `shift_date` offsets.
    pub shift: Hmac<Sha256>,
}

fn label(mac: &Hmac<Sha256>, label: &[u8]) -> [u8; 32] {
    let mut m = mac.clone();
    m.update(label);
    m.finalize().into_bytes().into()
}

impl Derived {
    /// The subkeys of `mac` (HMAC-SHA256 keyed with the material).
    pub(crate) fn new(mac: &Hmac<Sha256>) -> Box<Self> {
        let mut siv = [0u8; 64];
        let (a, b) = siv.split_at_mut(32);
        a.copy_from_slice(&label(mac, b"tamis/v1/encrypt/mac"));
        b.copy_from_slice(&label(mac, b"tamis/v1/encrypt/ctr"));
        let shift_key = label(mac, b"tamis/v1/shift_date");
        let shift =
            <Hmac<Sha256> as Mac>::new_from_slice(&shift_key).unwrap_or_else(|_| mac.clone());
        Box::new(Self {
            siv,
            ff1: label(mac, b"tamis/v1/fpe"),
            shift,
        })
    }
}

impl Drop for Derived {
    fn drop(&mut self) {
        // Best effort: the key bytes do not outlive the policy in this struct.
        // (The optimiser may drop these writes; the HMAC state has no wipe of its own.)
        self.siv.fill(0);
        self.ff1.fill(0);
    }
}
