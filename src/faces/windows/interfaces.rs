//! `IMAPISyncProgressCallback` and `IMAPISync` declared with windows-core's `#[interface]`, as
//! windows-bindgen writes interfaces from their C declaration.
// The macro writes the `_Impl` traits, the `_Vtbl` structs and their members without docs; the
// slots are documented on the interface structs and in `abi`.
#![allow(missing_docs)]
// The names are Microsoft's, as in `abi`.
#![allow(non_snake_case)]

use windows_core::{interface, HRESULT};

use crate::abi::{HANDLE, MAPISIB};

/// `IMAPISyncProgressCallback` (`{5024A386-2D44-486A-81A8-8F0ECB6071DD}`), as windows-core sees
/// it: implement it with `#[implement(IMAPISyncProgressCallback)]` and
/// [`IMAPISyncProgressCallback_Impl`], or call a host's with the methods below.
///
/// The slots, after IUnknown's: `Progress(pwcszProgress, ulIndex, ulIndexMax)`,
/// `Error(hResult, pwcszErrorStr)`, `Done(hThreadDoneEvent, hResult)`; text is a NUL-terminated
/// UTF-16 string or null. Per the reference, `Done` passes ownership of the event handle to the
/// callee. Same object, same pointer as [`ProgressCallback`](crate::ProgressCallback).
#[interface("5024A386-2D44-486A-81A8-8F0ECB6071DD")]
pub unsafe trait IMAPISyncProgressCallback: windows_core::IUnknown {
    /// Slot 3: the step under way (`pwcszProgress`, null for position only), at `ulIndex` of
    /// `ulIndexMax`.
    pub fn Progress(&self, pwcszProgress: *const u16, ulIndex: u32, ulIndexMax: u32) -> HRESULT;
    /// Slot 4: an error or a warning (`hResult`), with text to display or null.
    pub fn Error(&self, hResult: HRESULT, pwcszErrorStr: *const u16) -> HRESULT;
    /// Slot 5: synchronization finished with `hResult`; `hThreadDoneEvent` goes back to the host,
    /// which closes it (`docs/sync-handshake.md`, "Who closes the done event").
    pub fn Done(&self, hThreadDoneEvent: HANDLE, hResult: HRESULT) -> HRESULT;
}

/// `IMAPISync` (`{5024A385-2D44-486A-81A8-8F0ECB6071DD}`), as windows-core sees it: a message
/// store exposes it with `#[implement(IMsgStore, IMAPISync)]` and [`IMAPISync_Impl`]; Outlook
/// reaches it by QueryInterface on the store. Same object, same pointer as
/// [`MapiSync`](crate::MapiSync).
#[interface("5024A385-2D44-486A-81A8-8F0ECB6071DD")]
pub unsafe trait IMAPISync: windows_core::IUnknown {
    /// Slot 3: start synchronizing in the background as `psibpb` says; write the done event
    /// through `psibpb.phSyncDoneEvent` and return at once.
    pub fn SynchronizeInBackground(&self, psibpb: *mut MAPISIB) -> HRESULT;
}
