//! `mapisync_callback_new`: an `IMAPISyncProgressCallback` whose behaviour is C function
//! pointers.
//!
//! It is an object of the crate's object block like every Rust-made callback (one heap block,
//! exact count, one identity, `Release` on any thread), made by the interfaces' raw callback
//! class: the `SyncProgress` trait answers `Result<()>`, which cannot carry `S_FALSE` or a
//! warning back, and the contract here is that each slot returns exactly what its C function
//! returned. Each slot therefore calls the function and hands its HRESULT back untouched; text
//! goes to it as the provider passed it (C reads it itself). Nothing in them can panic.

use core::ffi::c_void;
use core::ptr;

use super::boundary::{clear_out, hresult, required};
use crate::abi::{IMAPISyncProgressCallback, HANDLE, HRESULT, ULONG, WCHAR};
use crate::core::hresult::HResult;
use crate::interfaces::progress_callback::raw::{raw_callback, RawProgress};

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

// SAFETY: nothing here unwinds (a C function cannot unwind into Rust by the ABI's rules, and the
// rest is a test and a return); the functions are callable from any thread by
// `mapisync_callback_new`'s contract (`Functions` is `Send + Sync` for that reason).
unsafe impl RawProgress for Functions {
    /// The C `progress`'s answer, unchanged; `S_OK` for a NULL slot.
    unsafe fn progress(&self, text: *const WCHAR, index: ULONG, max: ULONG) -> HRESULT {
        match self.fns.progress {
            // SAFETY: `mapisync_callback_new`'s caller promised a function callable with this
            // context from any thread, for as long as the object lives; the arguments are the
            // provider's, passed on as they came.
            Some(progress) => unsafe { progress(self.context, text, index, max) },
            None => HResult::S_OK.0,
        }
    }

    /// The C `error`'s answer, unchanged; `S_OK` for a NULL slot.
    unsafe fn error(&self, hr: HRESULT, text: *const WCHAR) -> HRESULT {
        match self.fns.error {
            // SAFETY: as in `progress`.
            Some(error) => unsafe { error(self.context, hr, text) },
            None => HResult::S_OK.0,
        }
    }

    /// The C `done`'s answer, unchanged; `S_OK` for a NULL slot.
    unsafe fn done(&self, event: HANDLE, hr: HRESULT) -> HRESULT {
        match self.fns.done {
            // SAFETY: as in `progress`.
            Some(done) => unsafe { done(self.context, event, hr) },
            None => HResult::S_OK.0,
        }
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
        let object = raw_callback(Functions { fns, context });
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
