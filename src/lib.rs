//! # mapisync
//!
//! A byte-exact emulation of Outlook's MAPI `IMAPISyncProgressCallback` COM interface on Linux,
//! macOS and Windows, for two kinds of users:
//!
//! - **store-provider authors**, who call the callback Outlook hands them and want to test that
//!   logic off Windows;
//! - **MAPI emulation layers**, which play Outlook's part and hand a provider an ABI-exact
//!   `IMAPISyncProgressCallback*`.
//!
//! The crate is layered, each layer using only those below it:
//!
//! - [`abi`]: the hand-laid `#[repr(C)]` vtables, `MAPISIB`, `GUID` and the IIDs;
//! - the core: [`HResult`], [`Error`], [`Handle`], the reference-counted object block shared by
//!   every interface the crate implements, bounded reading of UTF-16 text ([`MAX_TEXT_LEN`]);
//! - the interfaces: [`SyncProgress`] to implement the callback in Rust, [`ProgressCallback`] to
//!   call any callback object, Rust-made or foreign; [`SyncProvider`] to implement `IMAPISync` on
//!   a store, [`MapiSync`] to call any store; [`Unknown`] for the session;
//! - what users build on: [`Event`] handles (kernel events on Windows, emulated elsewhere), the
//!   [`SyncWorker`] that runs a provider's synchronization and keeps the protocol, and the
//!   [`SimulatedHost`] that drives `SynchronizeInBackground` as Outlook does;
//! - the faces: `mapisync::windows`, windows-core 0.62's view of both interfaces (feature
//!   `windows-core`, docs/windows.md), and the C API (feature `capi`).
//!
//! ```
//! use mapisync::{HResult, Handle, ProgressCallback, Result, SyncProgress, U16CStr, U16CString};
//!
//! struct Outlook;
//! impl SyncProgress for Outlook {
//!     fn progress(&self, text: Option<&U16CStr>, index: u32, max: u32) -> Result<()> {
//!         println!("{index}/{max} {}", text.map(|t| t.display().to_string()).unwrap_or_default());
//!         Ok(())
//!     }
//!     fn error(&self, hr: HResult, _text: Option<&U16CStr>) -> Result<()> {
//!         println!("error {hr}");
//!         Ok(())
//!     }
//!     fn done(&self, _event: Handle, hr: HResult) -> Result<()> {
//!         println!("done {hr}");
//!         Ok(())
//!     }
//! }
//!
//! // What a store provider receives: an interface pointer it can call from any thread.
//! let callback = ProgressCallback::new(Outlook);
//! let inbox = U16CString::from_str("Inbox").unwrap();
//! callback.progress(Some(&inbox), 1, 2)?;
//! callback.done(Handle::NULL, HResult::S_OK)?;
//! # Ok::<(), mapisync::Error>(())
//! ```

// The examples in these docs and in docs/*.md show only what is not deprecated.
#![doc(test(attr(deny(deprecated))))]

// The layers, lowest first: abi, core, interfaces, host, testing, faces. Each imports only from
// itself and the layers before it (tests/project/layering.rs checks it); the public names are
// re-exported below and never imported back.
pub mod abi;
mod core;
mod faces;
mod host;
mod interfaces;
pub mod testing;

pub use crate::core::error::{Error, Failure, Result};
pub use crate::core::handle::Handle;
pub use crate::core::hresult::HResult;
pub use crate::core::ptr::{ComPtr, Interface};
pub use crate::core::sync_flags::SyncFlags;
pub use crate::core::text::MAX_TEXT_LEN;
pub use crate::host::event::{Event, EventReset};
pub use crate::host::report::{HostProblem, SyncReport};
pub use crate::host::simulated::SimulatedHost;
pub use crate::host::watcher::EventCloser;
pub use crate::host::worker::{SyncContext, SyncWorker, SyncWorkerBuilder};
pub use crate::interfaces::progress_callback::{ProgressCallback, Slot, SyncProgress};
pub use crate::interfaces::sync::{MapiSync, SyncProvider, SyncRequest};
pub use crate::interfaces::unknown::Unknown;
pub use widestring::{U16CStr, U16CString};

#[cfg(feature = "windows-core")]
pub use crate::faces::windows;

/// The Markdown documents, so that every Rust snippet in them is compiled and run as a doc-test.
#[cfg(doctest)]
pub mod markdown {
    /// README.md
    #[doc = include_str!("../README.md")]
    pub struct Readme;
    /// docs/architecture.md
    #[doc = include_str!("../docs/architecture.md")]
    pub struct Architecture;
    /// docs/performance.md
    #[doc = include_str!("../docs/performance.md")]
    pub struct Performance;
    /// docs/platforms.md
    #[doc = include_str!("../docs/platforms.md")]
    pub struct Platforms;
    /// docs/reliability.md
    #[doc = include_str!("../docs/reliability.md")]
    pub struct Reliability;
    /// docs/sync-handshake.md
    #[doc = include_str!("../docs/sync-handshake.md")]
    pub struct SyncHandshake;
    /// docs/c-and-cpp.md
    #[doc = include_str!("../docs/c-and-cpp.md")]
    pub struct CAndCpp;
    /// docs/testing-store-providers.md
    #[doc = include_str!("../docs/testing-store-providers.md")]
    pub struct TestingStoreProviders;
    /// docs/findings.md
    #[doc = include_str!("../docs/findings.md")]
    pub struct Findings;
    /// docs/check.md
    #[doc = include_str!("../docs/check.md")]
    pub struct Check;
}
