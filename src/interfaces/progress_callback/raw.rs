//! Callbacks that take the provider's arguments exactly as they came and answer with the raw
//! HRESULT: the crate's own forwarding callback (the host's watcher) and callbacks whose behaviour
//! is foreign functions (the C API). Neither may read the text on the way (the callback behind
//! reads it, or the foreign code does) nor narrow an answer to `Result<()>` (`S_FALSE` and
//! warnings go back as they are), so they cannot be [`SyncProgress`](super::SyncProgress)
//! implementations; this is their one class instead of one each.

use core::marker::PhantomData;

use crate::abi::{
    IMAPISyncProgressCallback, IMAPISyncProgressCallbackVtbl, HANDLE, HRESULT, ULONG, WCHAR,
};
use crate::core::object::{self, Class, Object};
use crate::core::ptr::ComPtr;

/// The three slots after IUnknown's, with the raw arguments and answers of the ABI.
///
/// # Safety
///
/// The slots are called with no panic boundary around them: an implementation must not unwind
/// (catch what could panic inside it, as `core::unwind` does). Each must also be callable from
/// any thread, concurrently, as the interface requires (`Send + Sync`).
pub(crate) unsafe trait RawProgress: Send + Sync + 'static {
    /// `Progress(text, index, max)`: the answer goes back unchanged.
    ///
    /// # Safety
    ///
    /// `text` is the provider's argument: null, or readable as the interface's contract says, for
    /// the duration of the call.
    unsafe fn progress(&self, text: *const WCHAR, index: ULONG, max: ULONG) -> HRESULT;

    /// `Error(hr, text)`: the answer goes back unchanged.
    ///
    /// # Safety
    ///
    /// As for [`progress`](Self::progress).
    unsafe fn error(&self, hr: HRESULT, text: *const WCHAR) -> HRESULT;

    /// `Done(event, hr)`: the answer goes back unchanged.
    ///
    /// # Safety
    ///
    /// None beyond the trait's: the handle is an opaque value. (An `unsafe fn` so that an
    /// implementation may call foreign code under the trait's contract.)
    unsafe fn done(&self, event: HANDLE, hr: HRESULT) -> HRESULT;
}

/// A new callback object whose slots are `imp`'s: the crate's object block (one heap block, exact
/// count, one identity, the last `Release` on any thread drops `imp`).
pub(crate) fn raw_callback<T: RawProgress>(imp: T) -> ComPtr<IMAPISyncProgressCallback> {
    Object::<RawClass<T>>::create(imp)
}

/// The value inside a callback that [`raw_callback`] made of a `T`.
///
/// # Safety
///
/// `callback` was made by `raw_callback::<T>`, and a reference on it is held for all of `'a`.
pub(crate) unsafe fn raw_value<'a, T: RawProgress>(
    callback: *mut IMAPISyncProgressCallback,
) -> &'a T {
    // SAFETY: the caller's guarantees are the ones `Object::value` asks for.
    unsafe { Object::<RawClass<T>>::value(callback) }
}

/// The class of callbacks made by [`raw_callback`].
struct RawClass<T>(PhantomData<fn() -> T>);

// SAFETY: `VTBL` starts with the three generic IUnknown slots of this class, and its other slots
// reach the object through `Object::value` only.
unsafe impl<T: RawProgress> Class for RawClass<T> {
    type Value = T;
    type Interface = IMAPISyncProgressCallback;
    const VTBL: &'static IMAPISyncProgressCallbackVtbl = &IMAPISyncProgressCallbackVtbl {
        QueryInterface: object::query_interface::<Self>,
        AddRef: object::add_ref::<Self>,
        Release: object::release::<Self>,
        Progress: progress_thunk::<T>,
        Error: error_thunk::<T>,
        Done: done_thunk::<T>,
    };
}

/// Slot 3.
///
/// # Safety
///
/// `this` is a live `RawClass<T>` object the caller holds a reference on; `text` as the interface
/// requires.
unsafe extern "system" fn progress_thunk<T: RawProgress>(
    this: *mut IMAPISyncProgressCallback,
    text: *const WCHAR,
    index: ULONG,
    max: ULONG,
) -> HRESULT {
    // SAFETY: the caller holds a reference on `this` for the duration of the call.
    let imp = unsafe { Object::<RawClass<T>>::value(this) };
    // SAFETY: the provider's guarantee on `text` is the one `progress` asks for.
    unsafe { imp.progress(text, index, max) }
}

/// Slot 4.
///
/// # Safety
///
/// As for `progress_thunk`.
unsafe extern "system" fn error_thunk<T: RawProgress>(
    this: *mut IMAPISyncProgressCallback,
    hr: HRESULT,
    text: *const WCHAR,
) -> HRESULT {
    // SAFETY: as in `progress_thunk`.
    let imp = unsafe { Object::<RawClass<T>>::value(this) };
    // SAFETY: as in `progress_thunk`.
    unsafe { imp.error(hr, text) }
}

/// Slot 5.
///
/// # Safety
///
/// `this` is a live `RawClass<T>` object the caller holds a reference on.
unsafe extern "system" fn done_thunk<T: RawProgress>(
    this: *mut IMAPISyncProgressCallback,
    event: HANDLE,
    hr: HRESULT,
) -> HRESULT {
    // SAFETY: as in `progress_thunk`.
    let imp = unsafe { Object::<RawClass<T>>::value(this) };
    // SAFETY: the handle is an opaque value; nothing else is asked.
    unsafe { imp.done(event, hr) }
}
