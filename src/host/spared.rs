//! `Spared`: a callback object held with spare references, so that a provider releasing it too
//! often frees nothing and is counted instead. The host holds its watcher so, and the test kit its
//! recording callback.

use core::mem::ManuallyDrop;

use crate::abi::IMAPISyncProgressCallback;
use crate::interfaces::progress_callback::raw::{
    add_references, raw_callback, release_spares, RawProgress,
};
use crate::interfaces::progress_callback::ProgressCallback;

/// The references on `callback`'s object right now, `callback`'s own included.
///
/// Exact for Rust-made objects (their `AddRef` returns the new count); what a foreign object's
/// `AddRef` returns is only a hint.
pub(crate) fn references(callback: &ProgressCallback) -> u32 {
    let p = callback.as_unknown();
    // SAFETY: `callback` holds a reference, so the object is alive; the reference AddRef takes is
    // given straight back.
    unsafe {
        let vtbl = &*(*p).lpVtbl;
        let count = (vtbl.AddRef)(p);
        (vtbl.Release)(p);
        count.saturating_sub(1)
    }
}

/// The spare references a holder takes on its object: a provider would have to release the
/// callback this many times more than it took it to free the object under the holder. Far below
/// the count's range (2^31 - 1), far above any provider's mistake.
pub(crate) const SPARES: u32 = 1 << 20;

/// A callback object held with [`SPARES`] spare references besides the holder's own, so that a
/// provider releasing too often frees nothing: the holder counts what is left (exactly: a
/// Rust-made object's `AddRef` and `Release` return its count), and gives back only what the
/// provider did not give back for it.
#[derive(Debug)]
pub(crate) struct Spared {
    callback: ManuallyDrop<ProgressCallback>,
    /// `release_spares` for the object's class: gives back spares in one step.
    give_back: unsafe fn(*mut IMAPISyncProgressCallback, u32),
}

impl Spared {
    /// A new callback object whose slots are `imp`'s, held with its spares: one allocation, and
    /// the spares taken in one step.
    pub(crate) fn new<T: RawProgress>(imp: T) -> Spared {
        let callback = raw_callback(imp);
        // SAFETY: made by `raw_callback::<T>` just now; `callback` holds its reference.
        unsafe { add_references::<T>(callback.as_raw(), SPARES) };
        Spared {
            callback: ManuallyDrop::new(callback),
            give_back: release_spares::<T>,
        }
    }

    /// The callback (the holder's own reference, not the spare).
    pub(crate) fn callback(&self) -> &ProgressCallback {
        &self.callback
    }

    /// References held by others than the holder; `Err(n)`: others released `n` more than they
    /// took (up to [`SPARES`]; more would have freed the object).
    pub(crate) fn others(&self) -> core::result::Result<u32, u32> {
        let count = references(&self.callback);
        let ours = 1 + SPARES;
        match count.checked_sub(ours) {
            Some(others) => Ok(others),
            None => Err(ours - count),
        }
    }
}

impl Drop for Spared {
    fn drop(&mut self) {
        let own = self.callback.as_raw();
        // SAFETY: `give_back` is `release_spares` for the class `new` made the object of; the
        // holder still holds its own reference, and owns its spares but those a provider that
        // released too often gave back for it, which `release_spares` leaves alone by stopping
        // at one reference.
        unsafe { (self.give_back)(own, SPARES) };
        let own = self.callback.as_unknown();
        // SAFETY: the holder's own reference is given back once, here, and never used again (the
        // field is not dropped after this); it frees the object when nobody else holds one. (A
        // provider that still holds references now and releases too often later frees the object
        // under itself, as it would under any host.)
        unsafe { ((*(*own).lpVtbl).Release)(own) };
    }
}
