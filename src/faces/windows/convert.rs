//! The conversions between mapisync's pointers and small types and windows-core's: the same
//! interface pointer or the same bits, no copy, no extra reference.

use windows_core::Interface;

use super::interfaces::{IMAPISync, IMAPISyncProgressCallback};
use crate::abi;
use crate::core::hresult::HResult;
use crate::interfaces::progress_callback::ProgressCallback;
use crate::interfaces::sync::MapiSync;

impl From<ProgressCallback> for IMAPISyncProgressCallback {
    /// The same interface pointer, its reference moved over: no `AddRef`, no `Release`.
    #[inline]
    fn from(callback: ProgressCallback) -> Self {
        let raw = callback.into_raw();
        // SAFETY: `raw` is a live IMAPISyncProgressCallback whose vtable has the layout windows-core
        // expects (pinned in `layout`), and we own the one reference `into_raw` gave away, which
        // passes to the result.
        unsafe { IMAPISyncProgressCallback::from_raw(raw.cast()) }
    }
}

impl From<MapiSync> for IMAPISync {
    /// The same interface pointer, its reference moved over: no `AddRef`, no `Release`.
    #[inline]
    fn from(store: MapiSync) -> Self {
        let raw = store.into_raw();
        // SAFETY: as for the progress callback: a live IMAPISync of the pinned layout, whose one
        // reference passes to the result.
        unsafe { IMAPISync::from_raw(raw.cast()) }
    }
}

impl ProgressCallback {
    /// The same interface pointer as a [`ProgressCallback`], its reference moved over: no
    /// `AddRef`, no `Release`.
    ///
    /// # Safety
    ///
    /// The object may be called from any thread, concurrently (a `ProgressCallback` is
    /// `Send + Sync`; `#[implement]` does not require the object to be). An object made with
    /// `#[implement]` from a type that is `Send + Sync`, and every host's callback (the reference
    /// requires it), qualify.
    #[inline]
    pub unsafe fn from_windows(callback: IMAPISyncProgressCallback) -> Self {
        let raw = callback.into_raw();
        // SAFETY: a windows-core interface pointer is a live, non-null object with the layout
        // `abi` pins (see `layout`); we own the one reference `into_raw` gave away, and the caller
        // promises the object is free-threaded.
        unsafe { ProgressCallback::from_raw(raw.cast()) }
    }
}

impl MapiSync {
    /// The same interface pointer as a [`MapiSync`], its reference moved over: no `AddRef`, no
    /// `Release`.
    ///
    /// # Safety
    ///
    /// The store object may be called from any thread, as for
    /// [`ProgressCallback::from_windows`].
    #[inline]
    pub unsafe fn from_windows(store: IMAPISync) -> Self {
        let raw = store.into_raw();
        // SAFETY: as for the progress callback.
        unsafe { MapiSync::from_raw(raw.cast()) }
    }
}

impl From<HResult> for windows_core::HRESULT {
    #[inline]
    fn from(hr: HResult) -> Self {
        windows_core::HRESULT(hr.0)
    }
}

impl From<windows_core::HRESULT> for HResult {
    #[inline]
    fn from(hr: windows_core::HRESULT) -> Self {
        HResult(hr.0)
    }
}

impl From<abi::GUID> for windows_core::GUID {
    #[inline]
    fn from(guid: abi::GUID) -> Self {
        windows_core::GUID::from_values(guid.Data1, guid.Data2, guid.Data3, guid.Data4)
    }
}

impl From<windows_core::GUID> for abi::GUID {
    #[inline]
    fn from(guid: windows_core::GUID) -> Self {
        abi::GUID {
            Data1: guid.data1,
            Data2: guid.data2,
            Data3: guid.data3,
            Data4: guid.data4,
        }
    }
}
