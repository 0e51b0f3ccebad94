//! A [`SyncProgress`] behind the raw slots: [`Safe`] reads the text within its bound, tells the
//! implementation what it refused, and catches panics, so that a safe implementation is an object
//! of the one callback class ([`raw`](super::raw)) like every other Rust-made callback.

use widestring::U16CStr;

use super::raw::RawProgress;
use super::{Slot, SyncProgress};
use crate::abi::{HANDLE, HRESULT, ULONG, WCHAR};
use crate::core::error::Error;
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::core::text::{read_text, read_text_unaligned};
use crate::core::unwind::guard;

/// A `T` answering the raw slots. Transparent: the object holding it is the size of one holding
/// `T`.
#[repr(transparent)]
pub(super) struct Safe<T>(pub(super) T);

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
            Err(error) => Err(self.refuse(slot, error)),
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
            Err(error) => self.refuse(Slot::Progress, error),
        }
    }

    /// `Error` with text at an odd address, as for [`progress_unaligned`](Self::progress_unaligned).
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
            Err(error) => self.refuse(Slot::Error, error),
        }
    }

    /// Tells the implementation that a call to `slot` was refused, and returns what the caller
    /// gets: `error`'s HRESULT, or `E_UNEXPECTED` if `refused` panicked. Out of line: never on
    /// the hot path.
    #[cold]
    #[inline(never)]
    fn refuse(&self, slot: Slot, error: Error) -> HRESULT {
        guard(|| {
            self.0.refused(slot, &error);
            Err(error)
        })
    }
}
