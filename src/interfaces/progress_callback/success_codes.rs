//! `ProgressCallback`'s calls with the exact success code the object returned.

use widestring::U16CStr;

use super::{text_arg, ProgressCallback};
use crate::core::error::Result;
use crate::core::handle::Handle;
use crate::core::hresult::HResult;

/// The same calls, with the exact success code the object returned: the one place a caller sees
/// `S_FALSE` or a `MAPI_W_*` warning rather than `Ok(())`.
///
/// ```
/// use mapisync::{HResult, Handle, ProgressCallback, Result, SyncProgress, U16CStr};
///
/// /// A callback written in another language that answers S_FALSE past the end.
/// struct Past;
/// # impl SyncProgress for Past {
/// #     fn progress(&self, _: Option<&U16CStr>, _: u32, _: u32) -> Result<()> { Ok(()) }
/// #     fn error(&self, _: HResult, _: Option<&U16CStr>) -> Result<()> { Ok(()) }
/// #     fn done(&self, _: Handle, _: HResult) -> Result<()> { Ok(()) }
/// # }
/// let callback = ProgressCallback::new(Past);
/// assert_eq!(callback.progress_hr(None, 1, 1)?, HResult::S_OK);
/// # Ok::<(), mapisync::Error>(())
/// ```
impl ProgressCallback {
    /// [`progress`](Self::progress), with the success code as `Ok`: `S_OK`, `S_FALSE`, a warning.
    #[inline]
    pub fn progress_hr(&self, text: Option<&U16CStr>, index: u32, max: u32) -> Result<HResult> {
        let text = text_arg(text, "pwcszProgress")?;
        // SAFETY: `self` owns a reference; `text` is null or NUL-terminated and outlives the call.
        exact(HResult(unsafe {
            (self.vtbl().Progress)(self.as_raw(), text, index, max)
        }))
    }

    /// [`error`](Self::error), with the success code as `Ok`.
    #[inline]
    pub fn error_hr(&self, hr: HResult, text: Option<&U16CStr>) -> Result<HResult> {
        let text = text_arg(text, "pwcszErrorStr")?;
        // SAFETY: `self` owns a reference; `text` is null or NUL-terminated and outlives the call.
        exact(HResult(unsafe {
            (self.vtbl().Error)(self.as_raw(), hr.0, text)
        }))
    }

    /// [`done`](Self::done), with the success code as `Ok`.
    #[inline]
    pub fn done_hr(&self, event: Handle, hr: HResult) -> Result<HResult> {
        // SAFETY: `self` owns a reference; the handle is an opaque value to this call.
        exact(HResult(unsafe {
            (self.vtbl().Done)(self.as_raw(), event.0, hr.0)
        }))
    }
}

/// A success code as `Ok` (itself), a failure as `Err`, as [`HResult::ok`] says.
#[inline(always)]
fn exact(hr: HResult) -> Result<HResult> {
    hr.ok().map(|()| hr)
}
