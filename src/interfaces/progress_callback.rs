//! `IMAPISyncProgressCallback`: the [`SyncProgress`] trait (implementing side), its thunks, and
//! the [`ProgressCallback`] smart pointer (calling side).

use core::ptr;

use widestring::U16CStr;

use crate::abi::{IMAPISyncProgressCallback, WCHAR};
use crate::core::error::{Error, Result};
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::core::ptr::ComPtr;
use crate::core::text::MAX_TEXT_LEN;

pub(crate) mod raw;
mod success_codes;

use raw::{raw_callback, Safe};

/// What a Rust type implements to *be* an `IMAPISyncProgressCallback`: the Outlook side, which
/// a store provider reports its synchronization to. Wrap it with [`ProgressCallback::new`].
///
/// The methods are called from any thread (providers call from their worker thread), concurrently
/// if the provider so chooses, hence `Send + Sync`. A panic inside a method never crosses the ABI:
/// the caller sees `E_UNEXPECTED` and the object stays usable. Text arrives as NUL-terminated
/// UTF-16 code units, unpaired surrogates kept; `None` means the caller passed NULL. Text longer
/// than [`MAX_TEXT_LEN`] never reaches the implementation: the caller gets `E_INVALIDARG`.
///
/// Returning `Err(e)` sends `e.hresult()` back to the caller. The reference documents only S_OK;
/// a host may answer otherwise, for instance `MAPI_E_USER_CANCEL` from `progress` when the user
/// pressed Cancel.
///
/// ```
/// use mapisync::{HResult, Handle, ProgressCallback, Result, SyncProgress, U16CStr};
///
/// struct Printer;
///
/// impl SyncProgress for Printer {
///     fn progress(&self, text: Option<&U16CStr>, index: u32, max: u32) -> Result<()> {
///         let text = text.map(|t| t.to_string_lossy()).unwrap_or_default();
///         println!("[{index}/{max}] {text}");
///         Ok(())
///     }
///     fn error(&self, hr: HResult, text: Option<&U16CStr>) -> Result<()> {
///         println!("error {hr}: {}", text.map(|t| t.to_string_lossy()).unwrap_or_default());
///         Ok(())
///     }
///     fn done(&self, _event: Handle, hr: HResult) -> Result<()> {
///         println!("done: {hr}");
///         Ok(())
///     }
/// }
///
/// let callback = ProgressCallback::new(Printer);
/// callback.progress(None, 1, 10)?;
/// # Ok::<(), mapisync::Error>(())
/// ```
pub trait SyncProgress: Send + Sync + 'static {
    /// `Progress`: the step now under way (`None`: position only), at `index` of `max`.
    fn progress(&self, text: Option<&U16CStr>, index: u32, max: u32) -> Result<()>;

    /// `Error`: the HRESULT of an error, or of a warning (a success code such as `MAPI_W_*`),
    /// with text to display (`None`: no text).
    fn error(&self, hr: HResult, text: Option<&U16CStr>) -> Result<()>;

    /// `Done`: synchronization has finished with final status `hr`.
    ///
    /// `event` is the done event the provider handed out through `MAPISIB.phSyncDoneEvent`; the
    /// reference passes it back so that the host can close it, and allows NULL (the provider then
    /// keeps the event and closes it itself). Who closes a non-null `event` depends on where this
    /// callback runs (`docs/sync-handshake.md`, "Who closes the done event"):
    ///
    /// - under [`SimulatedHost`](crate::SimulatedHost), and so under the test kit's `SyncTest`:
    ///   the host does, after `Done`. The implementation must not close it;
    /// - without a host, when this callback is an emulation layer's own and that layer called
    ///   `SynchronizeInBackground` itself: the implementation (the layer) owns it and closes it,
    ///   with [`Event::close_handle`](crate::Event::close_handle), once it no longer waits on it.
    fn done(&self, event: Handle, hr: HResult) -> Result<()>;

    /// Told when a call to `slot` was refused before it reached the implementation, because its
    /// input was bad (today: text longer than [`MAX_TEXT_LEN`]); the caller gets
    /// `error.hresult()`. Does nothing unless overridden: a recording implementation overrides it
    /// so that nothing that arrived goes unrecorded.
    fn refused(&self, slot: Slot, error: &Error) {
        let _ = (slot, error);
    }
}

/// The three methods of `IMAPISyncProgressCallback` after IUnknown's, numbered from 0 in vtable
/// order (the vtable slot minus 3): [`index`](Slot::index) is a ready array index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Slot {
    /// Slot 3, `Progress`.
    Progress = 0,
    /// Slot 4, `Error`.
    Error = 1,
    /// Slot 5, `Done`.
    Done = 2,
}

impl Slot {
    /// Every slot, in vtable order: `Slot::ALL[slot.index()] == slot`.
    pub const ALL: [Slot; 3] = [Slot::Progress, Slot::Error, Slot::Done];

    /// 0, 1 or 2: the position in vtable order, for tables indexed by slot.
    ///
    /// ```
    /// use mapisync::Slot;
    /// let mut calls = [0u32; 3];
    /// calls[Slot::Error.index()] += 1;
    /// assert_eq!(calls, [0, 1, 0]);
    /// assert!(Slot::ALL.iter().enumerate().all(|(i, s)| s.index() == i));
    /// ```
    pub const fn index(self) -> usize {
        self as usize
    }
}

impl core::fmt::Display for Slot {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Slot::Progress => "Progress",
            Slot::Error => "Error",
            Slot::Done => "Done",
        })
    }
}

/// An owned reference to any `IMAPISyncProgressCallback` object: one made from Rust by
/// [`new`](Self::new), or a foreign one (C, C++, Outlook) adopted with
/// [`from_raw`](Self::from_raw) or [`from_unknown`](Self::from_unknown).
///
/// `Clone` is `AddRef`, `Drop` is `Release`; it is `Send + Sync`. Calls go through the object's
/// vtable whatever made it. Adopting, borrowing, querying and comparing are [`ComPtr`]'s methods.
/// A failure HRESULT the object returns comes back as `Err` whose [`Error::hresult`] is that code,
/// unchanged; any success code (`S_OK`, `S_FALSE`, a warning) is `Ok`. To see which success
/// code the object returned, call [`progress_hr`](Self::progress_hr),
/// [`error_hr`](Self::error_hr) or [`done_hr`](Self::done_hr): the same call, with the exact
/// HRESULT as `Ok`.
///
/// ```
/// use mapisync::{abi, HResult, Handle, ProgressCallback, Result, SyncProgress, U16CStr};
///
/// struct Cancelled;
/// impl SyncProgress for Cancelled {
///     fn progress(&self, _: Option<&U16CStr>, _: u32, _: u32) -> Result<()> {
///         Err(HResult::MAPI_E_USER_CANCEL.into())
///     }
///     fn error(&self, _: HResult, _: Option<&U16CStr>) -> Result<()> { Ok(()) }
///     fn done(&self, _: Handle, _: HResult) -> Result<()> { Ok(()) }
/// }
///
/// let callback = ProgressCallback::new(Cancelled);
/// let text = mapisync::U16CString::from_str("Inbox").unwrap();
/// let err = callback.progress(Some(&text), 1, 3).unwrap_err();
/// assert_eq!(err.hresult(), HResult::MAPI_E_USER_CANCEL);
///
/// // Hand it across the ABI (e.g. as MAPISIB.punkCallBack) and adopt it back.
/// let unknown: *mut abi::IUnknown = callback.as_unknown();
/// let again = unsafe { ProgressCallback::from_unknown(unknown) }?;
/// assert_eq!(again.as_raw(), callback.as_raw());
/// # Ok::<(), mapisync::Error>(())
/// ```
pub type ProgressCallback = ComPtr<IMAPISyncProgressCallback>;

impl ProgressCallback {
    /// Makes a new COM object from `imp`: one heap block holding the vtable pointer, the
    /// reference count (1, owned by the returned value) and `imp`.
    pub fn new<T: SyncProgress>(imp: T) -> Self {
        raw_callback(Safe(imp))
    }

    /// Calls `Progress(text, index, max)`.
    ///
    /// Text longer than [`MAX_TEXT_LEN`] code units is refused here with
    /// [`Error::TextTooLong`], without calling the object.
    #[inline]
    pub fn progress(&self, text: Option<&U16CStr>, index: u32, max: u32) -> Result<()> {
        let text = text_arg(text, "pwcszProgress")?;
        // SAFETY: `self` owns a reference; `text` is null or NUL-terminated and outlives the call.
        HResult(unsafe { (self.vtbl().Progress)(self.as_raw(), text, index, max) }).ok()
    }

    /// Calls `Error(hr, text)`. `hr` is passed through unchanged, success codes included.
    ///
    /// Text longer than [`MAX_TEXT_LEN`] code units is refused as for [`progress`](Self::progress).
    #[inline]
    pub fn error(&self, hr: HResult, text: Option<&U16CStr>) -> Result<()> {
        let text = text_arg(text, "pwcszErrorStr")?;
        // SAFETY: as in `progress`.
        HResult(unsafe { (self.vtbl().Error)(self.as_raw(), hr.0, text) }).ok()
    }

    /// Calls `Done(event, hr)`. Per the reference, `event` goes back to the Outlook side, which
    /// closes it (`docs/sync-handshake.md`, "Who closes the done event", says who that is here).
    #[inline]
    pub fn done(&self, event: Handle, hr: HResult) -> Result<()> {
        // SAFETY: `self` owns a reference; the handle is an opaque value to this call.
        HResult(unsafe { (self.vtbl().Done)(self.as_raw(), event.0, hr.0) }).ok()
    }
}

/// The pointer to pass for optional `text`, refused past the bound the receiving side enforces.
#[inline]
fn text_arg(text: Option<&U16CStr>, what: &'static str) -> Result<*const WCHAR> {
    match text {
        None => Ok(ptr::null()),
        Some(text) if text.len() > MAX_TEXT_LEN => Err(Error::TextTooLong {
            what,
            limit: MAX_TEXT_LEN,
        }),
        Some(text) => Ok(text.as_ptr()),
    }
}

#[cfg(test)]
mod tests;
