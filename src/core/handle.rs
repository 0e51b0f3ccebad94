//! `Handle`: an opaque HANDLE value.

use crate::abi::HANDLE;

/// An opaque `HANDLE` value: in this API, the event a provider signals when its synchronization
/// thread completes (`MAPISIB.phSyncDoneEvent`, `IMAPISyncProgressCallback::Done`).
///
/// A `Handle` is only a value: it owns nothing and closes nothing, so it is `Copy`, `Send` and
/// `Sync`. Who must close the event it names is a matter of protocol: the provider creates it,
/// and once `Done` brings it back the host closes it (`docs/sync-handshake.md`, "Who closes the
/// done event").
///
/// ```
/// use mapisync::Handle;
///
/// assert!(Handle::NULL.is_null());
/// let h = Handle(0x1234 as *mut core::ffi::c_void);
/// assert!(!h.is_null());
/// assert_eq!(h.as_raw() as usize, 0x1234);
/// ```
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Handle(pub HANDLE);

// SAFETY: a `Handle` is a plain value that is never dereferenced by this crate; the pointer type
// only mirrors the C declaration. Moving or sharing the value between threads is harmless.
unsafe impl Send for Handle {}
// SAFETY: as above; `&Handle` only gives access to a copyable integer-like value.
unsafe impl Sync for Handle {}

impl Handle {
    /// The null handle (`Done` may be passed one).
    pub const NULL: Handle = Handle(core::ptr::null_mut());

    /// True for the null handle.
    pub fn is_null(self) -> bool {
        self.0.is_null()
    }

    /// The raw value, as it crosses the ABI.
    pub fn as_raw(self) -> HANDLE {
        self.0
    }
}

impl Default for Handle {
    fn default() -> Self {
        Handle::NULL
    }
}
