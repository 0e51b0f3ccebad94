//! Interop with windows-core 0.62, the line microsoft/mapi-rs (`outlook-mapi`) builds on
//! (feature `windows-core`).
//!
//! Neither windows-rs nor mapi-rs declares `IMAPISyncProgressCallback` or `IMAPISync`; this module
//! declares both with windows-core's `#[interface]`, as windows-bindgen would write them from the C
//! declarations, so a store provider written with `#[implement(IMsgStore, IMAPISync)]` shows up
//! in Outlook's Send/Receive, and `unknown.cast::<IMAPISync>()` works as for any windows-rs
//! interface. The layout is the one [`abi`](crate::abi) pins, checked slot by slot at compile
//! time, so the conversions with mapisync's own pointers are the same interface pointer, with no
//! copy and no extra reference:
//!
//! | from | to | how |
//! |---|---|---|
//! | [`ProgressCallback`](crate::ProgressCallback) | [`IMAPISyncProgressCallback`] | `From` (safe) |
//! | [`MapiSync`](crate::MapiSync) | [`IMAPISync`] | `From` (safe) |
//! | [`IMAPISyncProgressCallback`] | [`ProgressCallback`](crate::ProgressCallback) | [`ProgressCallback::from_windows`](crate::ProgressCallback::from_windows) (`unsafe`) |
//! | [`IMAPISync`] | [`MapiSync`](crate::MapiSync) | [`MapiSync::from_windows`](crate::MapiSync::from_windows) (`unsafe`) |
//! | [`HResult`](crate::HResult) | `windows_core::HRESULT` | `From`, both ways |
//! | [`abi::GUID`](crate::abi::GUID) | `windows_core::GUID` | `From`, both ways |
//!
//! Out of windows-core is `unsafe` because mapisync's pointers are `Send + Sync` and
//! `#[implement]` does not require a thread-safe object: the caller promises the object may be
//! called from any thread, which the reference requires of both interfaces.
//!
//! windows-core is a public dependency of this feature: moving it to another line (0.63, 0.100...)
//! is a breaking change of mapisync. The feature needs Rust 1.82 (windows-core 0.62's minimum).
//!
//! ```
//! use mapisync::windows::{IMAPISyncProgressCallback, IMAPISyncProgressCallback_Impl};
//! use mapisync::{HResult, ProgressCallback};
//! use windows_core::{implement, HRESULT};
//!
//! #[implement(IMAPISyncProgressCallback)]
//! struct Outlook;
//!
//! impl IMAPISyncProgressCallback_Impl for Outlook_Impl {
//!     unsafe fn Progress(&self, _text: *const u16, index: u32, max: u32) -> HRESULT {
//!         if index <= max { HRESULT(0) } else { HRESULT(1) } // S_OK, or S_FALSE
//!     }
//!     unsafe fn Error(&self, _hr: HRESULT, _text: *const u16) -> HRESULT { HRESULT(0) }
//!     unsafe fn Done(&self, _event: mapisync::abi::HANDLE, _hr: HRESULT) -> HRESULT { HRESULT(0) }
//! }
//!
//! let callback: IMAPISyncProgressCallback = Outlook.into();
//! // SAFETY: `Outlook` holds nothing tied to a thread.
//! let callback = unsafe { ProgressCallback::from_windows(callback) };
//! callback.progress(None, 1, 2)?;
//! assert_eq!(callback.progress_hr(None, 3, 2)?, HResult::S_FALSE);
//! # Ok::<(), mapisync::Error>(())
//! ```

mod convert;
mod interfaces;
mod layout;

pub use interfaces::{
    IMAPISync, IMAPISyncProgressCallback, IMAPISyncProgressCallback_Impl,
    IMAPISyncProgressCallback_Vtbl, IMAPISync_Impl, IMAPISync_Vtbl,
};

/// The guide's code blocks, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/windows.md")]
struct WindowsGuide;
