//! `mapisync_expect_*`: the kit's [`Expect`] built from C, for `mapisync_run_matches`.

use parking_lot::Mutex;

use super::boundary::{clear_out, free_boxed, hresult, required};
use crate::abi::{HRESULT, ULONG, WCHAR};
use crate::core::hresult::HResult;
use crate::testing::Expect;

/// `mapisync_expect`: the expected calls so far, behind a lock (any thread may add to it or
/// match with it).
#[derive(Debug, Default)]
pub struct CExpect {
    pub(super) inner: Mutex<Steps>,
}

/// The expectation and how many entries it has.
#[derive(Debug, Default)]
pub(super) struct Steps {
    pub(super) expect: Expect,
    /// True when the last entry is a progress or an error, which a text may follow.
    takes_text: bool,
}

impl Steps {
    /// Adds an entry with `add`; `takes_text` when a text may follow it.
    fn push(&mut self, takes_text: bool, add: impl FnOnce(Expect) -> Expect) {
        self.expect = add(core::mem::take(&mut self.expect));
        self.takes_text = takes_text;
    }
}

/// Every call of the last entry of `expect` (a progress or an error) carries exactly `text`,
/// which holds no NUL.
fn with_text(expect: &mut Expect, text: &str) -> Result<(), HResult> {
    *expect = core::mem::take(expect).with_text(text);
    Ok(())
}

/// Makes an empty expectation (no call at all). Free it with `mapisync_expect_free`.
///
/// # Safety
///
/// `out` is null or valid for a pointer-sized write.
#[no_mangle]
pub unsafe extern "C" fn mapisync_expect_new(out: *mut *mut CExpect) -> HRESULT {
    hresult(|| {
        // SAFETY: the caller's guarantee.
        unsafe { clear_out(out) }?;
        // SAFETY: checked non-null and writable above; the box passes to the caller.
        unsafe { out.write(Box::into_raw(Box::default())) };
        Ok(HResult::S_OK)
    })
}

/// Runs `add` on the live expectation `e`.
///
/// # Safety
///
/// `e` is null or a live expectation.
unsafe fn add(e: *mut CExpect, add: impl FnOnce(&mut Steps) -> Result<(), HResult>) -> HRESULT {
    hresult(|| {
        required(e)?;
        // SAFETY: non-null and live by the caller's guarantee; shared access only, the lock
        // orders the writers.
        add(&mut unsafe { &*e }.inner.lock())?;
        Ok(HResult::S_OK)
    })
}

/// Appends the step `step` makes of the expectation; `takes_text`: `mapisync_expect_text` may
/// follow it.
///
/// # Safety
///
/// `e` is null or a live expectation.
unsafe fn push_step(
    e: *mut CExpect,
    takes_text: bool,
    step: impl FnOnce(Expect) -> Expect,
) -> HRESULT {
    // SAFETY: the caller's guarantee, passed on.
    unsafe {
        add(e, |e| {
            e.push(takes_text, step);
            Ok(())
        })
    }
}

/// `Progress` calls with the indices `first..=last`, in order, each with maximum `max`.
/// `first > last` is `E_INVALIDARG`.
///
/// # Safety
///
/// `e` is null or a live expectation.
#[no_mangle]
pub unsafe extern "C" fn mapisync_expect_progress(
    e: *mut CExpect,
    first: ULONG,
    last: ULONG,
    max: ULONG,
) -> HRESULT {
    // SAFETY: the caller's guarantee, passed on.
    unsafe {
        add(e, |e| {
            if first > last {
                return Err(HResult::E_INVALIDARG);
            }
            e.push(true, |x| x.progress(first..=last, max));
            Ok(())
        })
    }
}

/// One `Error` call with `hr`.
///
/// # Safety
///
/// `e` is null or a live expectation.
#[no_mangle]
pub unsafe extern "C" fn mapisync_expect_error(e: *mut CExpect, hr: HRESULT) -> HRESULT {
    // SAFETY: the caller's guarantee, passed on.
    unsafe { push_step(e, true, |x| x.error(HResult(hr))) }
}

/// One `Done` call with final status `hr`.
///
/// # Safety
///
/// `e` is null or a live expectation.
#[no_mangle]
pub unsafe extern "C" fn mapisync_expect_done(e: *mut CExpect, hr: HRESULT) -> HRESULT {
    // SAFETY: the caller's guarantee, passed on.
    unsafe { push_step(e, false, |x| x.done(HResult(hr))) }
}

/// Every call of the last entry carries exactly `text` (NUL-terminated UTF-16). `E_POINTER` for
/// NULL; `E_INVALIDARG` before any entry, after a done (which carries no text) or for text that
/// is not valid UTF-16.
///
/// # Safety
///
/// `e` is null or a live expectation; `text` is null or a
/// NUL-terminated UTF-16 string.
#[no_mangle]
pub unsafe extern "C" fn mapisync_expect_text(e: *mut CExpect, text: *const WCHAR) -> HRESULT {
    let set = |e: &mut Steps| {
        required(text)?;
        if !e.takes_text {
            return Err(HResult::E_INVALIDARG);
        }
        // SAFETY: non-null and NUL-terminated by the caller's guarantee.
        let units = unsafe { widestring::U16CStr::from_ptr_str(text.cast::<u16>()) };
        let text = units.to_string().map_err(|_| HResult::E_INVALIDARG)?;
        with_text(&mut e.expect, &text)
    };
    // SAFETY: the caller's guarantee, passed on.
    unsafe { add(e, set) }
}

/// Frees the expectation. NULL is a no-op.
///
/// # Safety
///
/// `e` is null or was made by `mapisync_expect_new` and is not used after this call.
#[no_mangle]
pub unsafe extern "C" fn mapisync_expect_free(e: *mut CExpect) {
    // SAFETY: made by `Box::into_raw` in `mapisync_expect_new`, and given back once, by the
    // caller's guarantee.
    unsafe { free_boxed(e) }
}
