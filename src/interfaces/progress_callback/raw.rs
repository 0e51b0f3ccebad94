//! The one class of Rust-made callbacks: the object block holding a [`RawProgress`], whose three
//! thunks hand it the provider's arguments exactly as they came and send its HRESULT back as it
//! is. Safe [`SyncProgress`](super::SyncProgress) implementations come through the adapter
//! [`Safe`](super::safe::Safe), which reads the text, tells refusals and catches panics; the
//! crate's own forwarding callback (the host's watcher) and callbacks whose behaviour is foreign
//! functions (the C API) implement `RawProgress` directly, since neither may read the text on the
//! way (the callback behind reads it, or the foreign code does) nor narrow an answer to
//! `Result<()>` (`S_FALSE` and warnings go back as they are).

use core::marker::PhantomData;
use core::ptr;

use crate::abi::{
    IMAPISyncProgressCallback, IMAPISyncProgressCallbackVtbl, HANDLE, HRESULT, ULONG, WCHAR,
};
use crate::core::object::{class_vtbl, Class, Object};
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

    /// Whether the thunk answers NULL-text `Progress` (position only: the innermost loop of a
    /// sync) right where it is, and reaches `progress` for any text through an out-of-line
    /// instance of itself: for an implementation whose `progress` does work on text that needs
    /// a stack frame, which the NULL path then does without. False: `progress` takes every call.
    const NULL_TEXT_FIRST: bool = false;
}

/// A new callback object whose slots are `imp`'s: the crate's object block (one heap block, exact
/// count, one identity, the last `Release` on any thread drops `imp`).
pub(crate) fn raw_callback<T: RawProgress>(imp: T) -> ComPtr<IMAPISyncProgressCallback> {
    Object::<RawClass<T>>::create(imp)
}

/// The class of callbacks made by [`raw_callback`].
pub(super) struct RawClass<T>(PhantomData<fn() -> T>);

// SAFETY: `class_vtbl!` puts the three generic IUnknown slots of this class first, and the other
// slots reach the object through `Object::value` only.
unsafe impl<T: RawProgress> Class for RawClass<T> {
    type Value = T;
    type Interface = IMAPISyncProgressCallback;
    const VTBL: &'static IMAPISyncProgressCallbackVtbl =
        class_vtbl!(IMAPISyncProgressCallbackVtbl {
            Progress: progress_thunk::<T, false>,
            Error: error_thunk::<T>,
            Done: done_thunk::<T>,
        });
}

/// Slot 3: `progress_thunk::<T, false>` is the vtable's.
///
/// With [`RawProgress::NULL_TEXT_FIRST`], NULL text is answered here, with `progress` inlined
/// for a NULL argument (nothing in it then needs a stack frame), and any other text goes to the
/// instance `progress_thunk::<T, true>`, the same call out of line: the same signature and
/// calling convention make that a tail call, a jump. `TEXT` says that `text` is not null.
///
/// # Safety
///
/// `this` is a live `RawClass<T>` object the caller holds a reference on; `text` as the interface
/// requires, and not null when `TEXT`.
#[inline(never)]
unsafe extern "system" fn progress_thunk<T: RawProgress, const TEXT: bool>(
    this: *mut IMAPISyncProgressCallback,
    text: *const WCHAR,
    index: ULONG,
    max: ULONG,
) -> HRESULT {
    if T::NULL_TEXT_FIRST && !TEXT {
        if text.is_null() {
            // SAFETY: the caller holds a reference on `this` for the duration of the call; NULL
            // text is always allowed.
            return unsafe { Object::<RawClass<T>>::value(this).progress(ptr::null(), index, max) };
        }
        // SAFETY: the caller's guarantees, passed on unchanged, and `text` is not null.
        return unsafe { progress_thunk::<T, true>(this, text, index, max) };
    }
    if TEXT && text.is_null() {
        // SAFETY: the instance with `TEXT` is only called with text tested against NULL. Saying
        // so lets the compiler drop `progress`'s own test.
        unsafe { core::hint::unreachable_unchecked() }
    }
    // SAFETY: the caller holds a reference on `this` for the duration of the call; the
    // provider's guarantee on `text` is the one `progress` asks for.
    unsafe { Object::<RawClass<T>>::value(this).progress(text, index, max) }
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
    // SAFETY: the caller holds a reference on `this` for the duration of the call.
    let imp = unsafe { Object::<RawClass<T>>::value(this) };
    // SAFETY: the provider's guarantee on `text` is the one `error` asks for.
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
