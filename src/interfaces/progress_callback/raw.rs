//! The one class of Rust-made callbacks: the object block holding a [`RawProgress`], whose three
//! thunks hand it the provider's arguments exactly as they came and send its answer back as it
//! is, and [`Safe`], the `RawProgress` that a [`SyncProgress`] implementation is made into (text
//! read within its bound, refusals told, panics caught).
//!
//! The crate's own forwarding callback (the host's watcher) and callbacks whose behaviour is
//! foreign functions (the C API) implement `RawProgress` directly: neither may read the text on
//! the way (the callback behind reads it, or the foreign code does) nor narrow an answer to
//! `Result<()>` (`S_FALSE` and warnings go back as they are).
//!
//! `Safe` lives here, beside the thunks it is inlined into, so that its out-of-line paths are
//! compiled in the thunks' codegen unit and the compiler sees across both: for an implementation
//! that does not override `refused`, say, a refusal needs nothing of the object, and the text
//! path then keeps no register for it.

use core::marker::PhantomData;
use core::ptr;

use widestring::U16CStr;

use super::{Slot, SyncProgress};
use crate::abi::{
    IMAPISyncProgressCallback, IMAPISyncProgressCallbackVtbl, HANDLE, HRESULT, ULONG, WCHAR,
};
use crate::core::error::Error;
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::core::object::{class_vtbl, Class, Object};
use crate::core::ptr::ComPtr;
use crate::core::text::{read_text, read_text_unaligned};
use crate::core::unwind::guard;

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

/// Takes `n` references at once on a callback that [`raw_callback`] made of a `T`: a holder's
/// spares.
///
/// # Safety
///
/// `callback` was made by `raw_callback::<T>`, and the caller holds a reference on it.
pub(crate) unsafe fn add_references<T: RawProgress>(
    callback: *mut IMAPISyncProgressCallback,
    n: u32,
) {
    // SAFETY: the caller's guarantees are the ones `Object::refcount` asks for.
    unsafe { Object::<RawClass<T>>::refcount(callback) }.add_many(n);
}

/// The references on a callback that [`raw_callback`] made of a `T`, at this instant (a `Release`
/// that happened before the caller's call is counted; racing ones may not be).
///
/// # Safety
///
/// `callback` was made by `raw_callback::<T>`, and is alive for the call (a reference on it is
/// held, or the caller is inside one of its calls).
#[inline(always)]
pub(crate) unsafe fn reference_count<T: RawProgress>(
    callback: *mut IMAPISyncProgressCallback,
) -> u32 {
    // SAFETY: as in `add_references`.
    unsafe { Object::<RawClass<T>>::refcount(callback) }.get()
}

/// Gives back up to `n` of a holder's spare references on a callback that [`raw_callback`] made
/// of a `T`, never the last reference (see `RefCount::release_spares`).
///
/// # Safety
///
/// `callback` was made by `raw_callback::<T>`; the caller holds a reference on it and owns the
/// references given back: its own spares, but for those a caller that released too often gave
/// back for it.
pub(crate) unsafe fn release_spares<T: RawProgress>(
    callback: *mut IMAPISyncProgressCallback,
    n: u32,
) {
    // SAFETY: as in `add_references`.
    unsafe { Object::<RawClass<T>>::refcount(callback) }.release_spares(n);
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

/// A [`SyncProgress`] `T` answering the raw slots. Transparent: the object holding it is the size
/// of one holding `T`. A crate-made `RawProgress` may hold one to take the safe path for every
/// call it does not answer itself.
#[repr(transparent)]
pub(crate) struct Safe<T>(pub(crate) T);

// The slots read their text before entering `guard`: `read_text` cannot panic, and a refused text
// (or one at an odd address) takes a cold path with its own guard. The guard then wraps exactly
// the call into the implementation, which on the hot path (text NULL or short and aligned,
// `Ok(())` back) leaves nothing but that call and a test of its result. The methods are inlined
// into the class's thunks, so the thunk is this code; with `NULL_TEXT_FIRST`, `Progress` with
// NULL text skips the alignment test and the read, and needs no stack frame.

// SAFETY: every path into `T` goes through `guard` (or `refuse`, which does too), so nothing
// unwinds out of a slot; `T: SyncProgress` is `Send + Sync + 'static`.
unsafe impl<T: SyncProgress> RawProgress for Safe<T> {
    #[inline(always)]
    unsafe fn progress(&self, text: *const WCHAR, index: ULONG, max: ULONG) -> HRESULT {
        if !text.is_aligned() {
            // SAFETY: `text` is not null (NULL is aligned) and readable as the caller guarantees.
            return unsafe { self.progress_unaligned(text, index, max) };
        }
        // SAFETY: aligned, and readable up to its terminator or the bound by the caller's
        // guarantee; it is borrowed for this call.
        let text = match unsafe { self.text(Slot::Progress, text, "pwcszProgress") } {
            Ok(text) => text,
            Err(hr) => return hr,
        };
        guard(|| self.0.progress(text, index, max))
    }

    #[inline(always)]
    unsafe fn error(&self, hr: HRESULT, text: *const WCHAR) -> HRESULT {
        if !text.is_aligned() {
            // SAFETY: as in `progress`.
            return unsafe { self.error_unaligned(HResult(hr), text) };
        }
        // SAFETY: as in `progress`.
        let text = match unsafe { self.text(Slot::Error, text, "pwcszErrorStr") } {
            Ok(text) => text,
            Err(hr) => return hr,
        };
        guard(|| self.0.error(HResult(hr), text))
    }

    #[inline(always)]
    unsafe fn done(&self, event: HANDLE, hr: HRESULT) -> HRESULT {
        guard(|| self.0.done(Handle(event), HResult(hr)))
    }

    const NULL_TEXT_FIRST: bool = true;
}

impl<T: SyncProgress> Safe<T> {
    /// Reads an aligned text argument for `slot`; when it is refused, tells the implementation
    /// and gives back the HRESULT for the caller as `Err`.
    ///
    /// # Safety
    ///
    /// As for `read_text`; the borrow lasts for the current call only.
    #[inline(always)]
    unsafe fn text<'a>(
        &self,
        slot: Slot,
        text: *const WCHAR,
        what: &'static str,
    ) -> core::result::Result<Option<&'a U16CStr>, HRESULT> {
        // SAFETY: the caller's guarantee is `read_text`'s.
        match unsafe { read_text(text, what) } {
            Ok(text) => Ok(text),
            Err(error) => Err(refuse(&self.0, slot, error)),
        }
    }

    /// `Progress` with text at an odd address: the implementation borrows an aligned copy. Out
    /// of line, so the aligned path pays one test for it.
    ///
    /// # Safety
    ///
    /// As for [`RawProgress::progress`]; `text` is not null, and readable at any address.
    #[cold]
    #[inline(never)]
    unsafe fn progress_unaligned(&self, text: *const WCHAR, index: ULONG, max: ULONG) -> HRESULT {
        // SAFETY: the caller's guarantee is `read_text_unaligned`'s.
        match unsafe { read_text_unaligned(text, "pwcszProgress") } {
            Ok(copy) => guard(|| self.0.progress(Some(&copy), index, max)),
            Err(error) => refuse(&self.0, Slot::Progress, error),
        }
    }

    /// `Error` with text at an odd address, as for
    /// [`progress_unaligned`](Self::progress_unaligned).
    ///
    /// # Safety
    ///
    /// As for [`progress_unaligned`](Self::progress_unaligned).
    #[cold]
    #[inline(never)]
    unsafe fn error_unaligned(&self, hr: HResult, text: *const WCHAR) -> HRESULT {
        // SAFETY: the caller's guarantee is `read_text_unaligned`'s.
        match unsafe { read_text_unaligned(text, "pwcszErrorStr") } {
            Ok(copy) => guard(|| self.0.error(hr, Some(&copy))),
            Err(error) => refuse(&self.0, Slot::Error, error),
        }
    }
}

/// Tells the implementation that a call to `slot` was refused, and returns what the caller
/// gets: `error`'s HRESULT, or `E_UNEXPECTED` if `refused` panicked. Out of line: never on
/// the hot path.
#[cold]
#[inline(never)]
fn refuse<T: SyncProgress>(imp: &T, slot: Slot, error: Error) -> HRESULT {
    guard(|| {
        imp.refused(slot, &error);
        Err(error)
    })
}
