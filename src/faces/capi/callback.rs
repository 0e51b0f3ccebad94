//! `mapisync_callback_new`: an `IMAPISyncProgressCallback` whose behaviour is C function
//! pointers.
//!
//! It is a class of the crate's object block like every Rust-made callback (one heap block,
//! exact count, one identity, `Release` on any thread), with its own three thunks: the
//! `SyncProgress` trait answers `Result<()>`, which cannot carry `S_FALSE` or a warning back,
//! and the contract here is that each slot returns exactly what its C function returned. The
//! thunks therefore call the function and hand its HRESULT back untouched; text goes to it as
//! the provider passed it (C reads it itself). Nothing in them can panic.

use core::ffi::c_void;
use core::ptr;

use super::boundary::{clear_out, hresult, required};
use crate::abi::{
    IMAPISyncProgressCallback, IMAPISyncProgressCallbackVtbl, HANDLE, HRESULT, ULONG, WCHAR,
};
use crate::core::hresult::HResult;
use crate::core::object::{self, Class, Object};

/// `mapisync_callback_fns`: the behaviour, slot by slot. A NULL slot answers `S_OK`.
#[repr(C)]
#[derive(Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct mapisync_callback_fns {
    /// `Progress(text, index, index_max)`.
    pub progress: Option<unsafe extern "C" fn(*mut c_void, *const WCHAR, ULONG, ULONG) -> HRESULT>,
    /// `Error(hr, text)`.
    pub error: Option<unsafe extern "C" fn(*mut c_void, HRESULT, *const WCHAR) -> HRESULT>,
    /// `Done(event, hr)`.
    pub done: Option<unsafe extern "C" fn(*mut c_void, HANDLE, HRESULT) -> HRESULT>,
    /// Called once with the context when the last reference goes.
    pub destroy: Option<unsafe extern "C" fn(*mut c_void)>,
}

// Four function pointers, as the header's static assert says.
const _: () =
    assert!(core::mem::size_of::<mapisync_callback_fns>() == 4 * core::mem::size_of::<usize>());

/// The object's value: the caller's functions and context.
struct Functions {
    fns: mapisync_callback_fns,
    context: *mut c_void,
}

// SAFETY: the contract of `mapisync_callback_new` makes the functions callable, and `destroy`
// callable once, from any thread with this context: the C side promised free-threaded behaviour,
// as the interface requires of every callback.
unsafe impl Send for Functions {}
// SAFETY: as above; the value itself is never mutated after creation.
unsafe impl Sync for Functions {}

impl Drop for Functions {
    fn drop(&mut self) {
        if let Some(destroy) = self.fns.destroy {
            // SAFETY: the last reference went (this is the object's drop, run once by `release`),
            // so this is the one call of `destroy` the contract promises, with its context.
            unsafe { destroy(self.context) };
        }
    }
}

/// The class of callbacks made by `mapisync_callback_new`.
struct FunctionsClass;

// SAFETY: `VTBL` starts with the three generic IUnknown slots of this class and its other slots
// reach the object through `Object::value` only.
unsafe impl Class for FunctionsClass {
    type Value = Functions;
    type Interface = IMAPISyncProgressCallback;
    const VTBL: &'static IMAPISyncProgressCallbackVtbl = &IMAPISyncProgressCallbackVtbl {
        QueryInterface: object::query_interface::<Self>,
        AddRef: object::add_ref::<Self>,
        Release: object::release::<Self>,
        Progress: progress_thunk,
        Error: error_thunk,
        Done: done_thunk,
    };
}

/// Slot 3: the C `progress`'s answer, unchanged.
///
/// # Safety
///
/// `this` is a live `FunctionsClass` object the caller holds a reference on; the other arguments
/// are the provider's, passed on as they came.
unsafe extern "system" fn progress_thunk(
    this: *mut IMAPISyncProgressCallback,
    text: *const WCHAR,
    index: ULONG,
    max: ULONG,
) -> HRESULT {
    // SAFETY: the caller holds a reference on `this` for the duration of the call.
    let f = unsafe { Object::<FunctionsClass>::value(this) };
    match f.fns.progress {
        // SAFETY: `mapisync_callback_new`'s caller promised a function callable with this context
        // from any thread, for as long as the object lives.
        Some(progress) => unsafe { progress(f.context, text, index, max) },
        None => HResult::S_OK.0,
    }
}

/// Slot 4: the C `error`'s answer, unchanged.
///
/// # Safety
///
/// As for `progress_thunk`.
unsafe extern "system" fn error_thunk(
    this: *mut IMAPISyncProgressCallback,
    hr: HRESULT,
    text: *const WCHAR,
) -> HRESULT {
    // SAFETY: as in `progress_thunk`.
    let f = unsafe { Object::<FunctionsClass>::value(this) };
    match f.fns.error {
        // SAFETY: as in `progress_thunk`.
        Some(error) => unsafe { error(f.context, hr, text) },
        None => HResult::S_OK.0,
    }
}

/// Slot 5: the C `done`'s answer, unchanged.
///
/// # Safety
///
/// As for `progress_thunk`.
unsafe extern "system" fn done_thunk(
    this: *mut IMAPISyncProgressCallback,
    event: HANDLE,
    hr: HRESULT,
) -> HRESULT {
    // SAFETY: as in `progress_thunk`.
    let f = unsafe { Object::<FunctionsClass>::value(this) };
    match f.fns.done {
        // SAFETY: as in `progress_thunk`.
        Some(done) => unsafe { done(f.context, event, hr) },
        None => HResult::S_OK.0,
    }
}

/// Makes a callback object from `fns` (copied: the struct need not outlive the call) and
/// `context`. On success `*out` holds one reference; `destroy` runs once when the last goes.
/// On failure `*out` is NULL and `destroy` is not called.
///
/// # Safety
///
/// `fns` is null or points to a `mapisync_callback_fns`; its non-NULL functions may be called
/// with `context` from any thread until `destroy` is; `out` is null or valid for a
/// pointer-sized write.
#[no_mangle]
pub unsafe extern "C" fn mapisync_callback_new(
    fns: *const mapisync_callback_fns,
    context: *mut c_void,
    out: *mut *mut IMAPISyncProgressCallback,
) -> HRESULT {
    hresult(|| {
        // SAFETY: the caller's guarantee.
        unsafe { clear_out(out) }?;
        required(fns)?;
        // SAFETY: non-null, and pointing to the struct by the caller's guarantee.
        let fns = unsafe { ptr::read(fns) };
        let object = Object::<FunctionsClass>::create(Functions { fns, context });
        // SAFETY: checked non-null and writable above; the one reference passes to the caller.
        unsafe { out.write(object.into_raw()) };
        Ok(HResult::S_OK)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interfaces::progress_callback::ProgressCallback;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static DESTROYED: AtomicUsize = AtomicUsize::new(0);

    unsafe extern "C" fn s_false(_: *mut c_void, _: *const WCHAR, _: ULONG, _: ULONG) -> HRESULT {
        HResult::S_FALSE.0
    }

    unsafe extern "C" fn destroy(context: *mut c_void) {
        assert_eq!(context as usize, 42);
        DESTROYED.fetch_add(1, Ordering::SeqCst);
    }

    #[test]
    fn answers_pass_through_and_destroy_runs_once() {
        let fns = mapisync_callback_fns {
            progress: Some(s_false),
            error: None,
            done: None,
            destroy: Some(destroy),
        };
        let mut out = ptr::null_mut();
        // SAFETY: valid pointers; the functions are free-threaded.
        let hr = unsafe { mapisync_callback_new(&fns, 42 as *mut c_void, &mut out) };
        assert_eq!(hr, 0);
        // SAFETY: `out` carries the one reference.
        let cb = unsafe { ProgressCallback::from_raw(out) };
        let vtbl = cb.as_raw();
        // SAFETY: `cb` holds a reference.
        let answer = unsafe { ((*(*vtbl).lpVtbl).Progress)(vtbl, ptr::null(), 1, 2) };
        assert_eq!(answer, HResult::S_FALSE.0);
        cb.done(crate::core::handle::Handle::NULL, HResult::S_OK)
            .unwrap();
        let again = cb.clone();
        drop(cb);
        assert_eq!(DESTROYED.load(Ordering::SeqCst), 0);
        drop(again);
        assert_eq!(DESTROYED.load(Ordering::SeqCst), 1);

        // SAFETY: null `fns` is allowed; `out` is a live local.
        let hr = unsafe { mapisync_callback_new(ptr::null(), ptr::null_mut(), &mut out) };
        assert_eq!((hr, out), (HResult::E_POINTER.0, ptr::null_mut()));
    }
}
