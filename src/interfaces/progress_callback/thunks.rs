//! The class of Rust-made callbacks: a [`SyncProgress`] behind the vtable, and the thunks that
//! enter it safely (text read within its bound, refusals told, panics caught).

use core::marker::PhantomData;

use widestring::U16CStr;

use super::{Slot, SyncProgress};
use crate::abi::{
    IMAPISyncProgressCallback, IMAPISyncProgressCallbackVtbl, HANDLE, HRESULT, ULONG, WCHAR,
};
use crate::core::error::Error;
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::core::object::{self, Class, Object};
use crate::core::text::{read_text, read_text_unaligned};
use crate::core::unwind::guard;

/// Reads an aligned text argument for `slot`; when it is refused, tells the implementation and
/// gives back the HRESULT for the caller as `Err`.
///
/// # Safety
///
/// As for `read_text`; the borrow lasts for the current call only.
#[inline(always)]
unsafe fn text_for<'a, T: SyncProgress>(
    imp: &T,
    slot: Slot,
    text: *const WCHAR,
    what: &'static str,
) -> core::result::Result<Option<&'a U16CStr>, HRESULT> {
    // SAFETY: the caller's guarantee is `read_text`'s.
    match unsafe { read_text(text, what) } {
        Ok(text) => Ok(text),
        Err(error) => Err(refuse(imp, slot, error)),
    }
}

/// `Progress` with text at an odd address: the implementation borrows an aligned copy. Out of
/// line, with the arguments as they came, so the aligned path pays one test for it.
///
/// # Safety
///
/// As for `progress_thunk`; `text` is not null, and readable at any address.
#[cold]
#[inline(never)]
unsafe fn progress_unaligned<T: SyncProgress>(
    this: *mut IMAPISyncProgressCallback,
    text: *const WCHAR,
    index: ULONG,
    max: ULONG,
) -> HRESULT {
    // SAFETY: the caller holds a reference on `this` for the duration of the call.
    let imp = unsafe { Object::<ProgressClass<T>>::value(this) };
    // SAFETY: the caller's guarantee is `read_text_unaligned`'s.
    match unsafe { read_text_unaligned(text, "pwcszProgress") } {
        Ok(copy) => guard(|| imp.progress(Some(&copy), index, max)),
        Err(error) => refuse(imp, Slot::Progress, error),
    }
}

/// `Error` with text at an odd address, as for [`progress_unaligned`].
///
/// # Safety
///
/// As for [`progress_unaligned`].
#[cold]
#[inline(never)]
unsafe fn error_unaligned<T: SyncProgress>(imp: &T, hr: HResult, text: *const WCHAR) -> HRESULT {
    // SAFETY: the caller's guarantee is `read_text_unaligned`'s.
    let copy = match unsafe { read_text_unaligned(text, "pwcszErrorStr") } {
        Ok(copy) => copy,
        Err(error) => return refuse(imp, Slot::Error, error),
    };
    guard(|| imp.error(hr, Some(&copy)))
}

/// Tells the implementation that a call to `slot` was refused, and returns what the caller gets:
/// `error`'s HRESULT, or `E_UNEXPECTED` if `refused` panicked. Out of line: never on the hot path.
#[cold]
#[inline(never)]
fn refuse<T: SyncProgress>(imp: &T, slot: Slot, error: Error) -> HRESULT {
    guard(|| {
        imp.refused(slot, &error);
        Err(error)
    })
}

/// The class of Rust-made progress callbacks holding a `T`.
pub(super) struct ProgressClass<T>(PhantomData<fn() -> T>);

// SAFETY: `VTBL` starts with the three generic IUnknown slots of this class, and its other slots
// reach the object through `Object::value` only.
unsafe impl<T: SyncProgress> Class for ProgressClass<T> {
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

// The thunks read their text before entering `guard`: `read_text` cannot panic, and a refused text
// (or one at an odd address) takes a cold path with its own guard. The guard then wraps exactly
// the call into the implementation, which on the hot path (text NULL or short and aligned,
// `Ok(())` back) leaves nothing but that call and a test of its result.

/// Slot 3 of a Rust-made callback.
///
/// # Safety
///
/// `this` is a live `ProgressClass<T>` object the caller holds a reference on; `text` is null or a
/// string readable as [`MAX_TEXT_LEN`] describes.
unsafe extern "system" fn progress_thunk<T: SyncProgress>(
    this: *mut IMAPISyncProgressCallback,
    text: *const WCHAR,
    index: ULONG,
    max: ULONG,
) -> HRESULT {
    if text.is_null() {
        // The innermost loop of a sync: position only. Nothing on this path needs a stack frame.
        // SAFETY: the caller holds a reference on `this` for the duration of the call.
        let imp = unsafe { Object::<ProgressClass<T>>::value(this) };
        return guard(|| imp.progress(None, index, max));
    }
    // SAFETY: the caller's guarantees, passed on unchanged. The same signature and calling
    // convention make this a tail call: a jump, no frame.
    unsafe { progress_with_text::<T>(this, text, index, max) }
}

/// `Progress` with text: out of line, so that the bounded read and its cold refusal path (which
/// need a stack frame) cost the NULL-text path nothing.
///
/// # Safety
///
/// As for `progress_thunk`, and `text` is not null.
#[inline(never)]
unsafe extern "system" fn progress_with_text<T: SyncProgress>(
    this: *mut IMAPISyncProgressCallback,
    text: *const WCHAR,
    index: ULONG,
    max: ULONG,
) -> HRESULT {
    let aligned = text.is_aligned();
    if !aligned {
        // SAFETY: the caller's guarantees, and `text` is not null.
        return unsafe { progress_unaligned::<T>(this, text, index, max) };
    }
    if text.is_null() {
        // SAFETY: `progress_thunk`, the only caller, has just tested `text` against NULL. Saying
        // so lets the compiler drop the read's own test, which pays for the alignment test.
        unsafe { core::hint::unreachable_unchecked() }
    }
    // SAFETY: the caller holds a reference on `this` for the duration of the call.
    let imp = unsafe { Object::<ProgressClass<T>>::value(this) };
    // SAFETY: `text` is aligned and readable up to its terminator or the bound; it is borrowed
    // for this call.
    let text = match unsafe { text_for(imp, Slot::Progress, text, "pwcszProgress") } {
        Ok(text) => text,
        Err(hr) => return hr,
    };
    guard(|| imp.progress(text, index, max))
}

/// Slot 4 of a Rust-made callback.
///
/// # Safety
///
/// As for `progress_thunk`.
unsafe extern "system" fn error_thunk<T: SyncProgress>(
    this: *mut IMAPISyncProgressCallback,
    hr: HRESULT,
    text: *const WCHAR,
) -> HRESULT {
    // SAFETY: as in `progress_thunk`.
    let imp = unsafe { Object::<ProgressClass<T>>::value(this) };
    if !text.is_aligned() {
        // SAFETY: `text` is not null (NULL is aligned) and readable as the caller guarantees.
        return unsafe { error_unaligned(imp, HResult(hr), text) };
    }
    // SAFETY: as in `progress_with_text`.
    let text = match unsafe { text_for(imp, Slot::Error, text, "pwcszErrorStr") } {
        Ok(text) => text,
        Err(hr) => return hr,
    };
    guard(|| imp.error(HResult(hr), text))
}

/// Slot 5 of a Rust-made callback.
///
/// # Safety
///
/// `this` is a live `ProgressClass<T>` object the caller holds a reference on.
unsafe extern "system" fn done_thunk<T: SyncProgress>(
    this: *mut IMAPISyncProgressCallback,
    event: HANDLE,
    hr: HRESULT,
) -> HRESULT {
    // SAFETY: the caller holds a reference on `this` for the duration of the call.
    let imp = unsafe { Object::<ProgressClass<T>>::value(this) };
    guard(|| imp.done(Handle(event), HResult(hr)))
}
