//! Event handles: the `HANDLE` a provider hands out through `MAPISIB.phSyncDoneEvent`.
//!
//! One public [`Event`] API, two implementations, chosen by target:
//!
//! - **Windows**: real kernel events (`CreateEventW`, `SetEvent`, `WaitForSingleObject`,
//!   `CloseHandle`). A handle mapisync hands out can be waited on and closed by any Win32 code,
//!   Outlook included, and [`Event::from_handle`] takes any event handle, one a C or C++ provider
//!   made with `CreateEventW` included.
//! - **Elsewhere**: emulated events. Each is registered under a process-unique, non-null
//!   `HANDLE` value (a multiple of 4, like kernel handles) that turns back into the event with
//!   [`Event::from_handle`] anywhere in the same process, in any copy of mapisync the process
//!   holds (a provider library may carry its own: the values of two copies never alias, and each
//!   operates on the other's, see `emulated/space.rs`); any other value is `E_HANDLE`. A copy
//!   hands no value out twice before 2^20 events (2^18 on a 32-bit target); after that only
//!   values whose handles are closed come back.
//!
//! On both, an [`Event`] value keeps the event itself alive (on Windows through a duplicate
//! handle of its own), whether or not the handle it was created under is still open: a provider's
//! worker can always signal the event it created, even after the host has closed the handle, and
//! never signals a closed handle whose value the system has since given to something else.
//!
//! Ownership follows the reference: the provider creates the event, signals it when its
//! synchronization thread completes, passes the handle to `Done`, and the host closes it
//! ([`Event::close_handle`]). Closing a handle that is not open is `E_HANDLE` with an [`Error`]
//! that says so, never a crash.
//!
//! Open-handle accounting ([`Event::open_handles`], [`Event::is_open`]) comes from mapisync's own
//! records on both: the handles [`Event::new`] created that have not been closed through
//! [`Event::close_handle`] (`open_handles` counts this copy's). On Windows a handle closed with a bare `CloseHandle` stays in those
//! records (mapisync cannot see it close), and a handle mapisync did not create is never in them.
//!
//! ```
//! use std::time::Duration;
//! use mapisync::{Event, EventReset, HResult};
//!
//! let event = Event::new(EventReset::Manual);
//! let handle = event.handle(); // what goes through *phSyncDoneEvent
//!
//! let worker = std::thread::spawn(move || Event::from_handle(handle).unwrap().set());
//! assert!(event.wait_timeout(Duration::from_secs(5)));
//! worker.join().unwrap();
//!
//! assert_eq!(Event::open_handles(), 1);
//! Event::close_handle(handle)?;
//! assert_eq!(Event::open_handles(), 0);
//! assert!(!Event::is_open(handle));
//! # Ok::<(), mapisync::Error>(())
//! ```

#[cfg(not(windows))]
mod emulated;
#[cfg(windows)]
mod win32;

#[cfg(not(windows))]
pub use emulated::Event;
#[cfg(windows)]
pub use win32::Event;

#[cfg(test)]
mod tests;

use crate::core::error::Error;
use crate::core::handle::Handle;
use crate::core::hresult::HResult;

/// Whether a successful wait resets the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventReset {
    /// Stays signalled until [`Event::reset`]: every waiter wakes. Right for "the thread is done".
    Manual,
    /// A successful wait resets it: one waiter wakes per [`Event::set`].
    Auto,
}

/// The error for a handle that names no open event.
fn bad_handle(handle: Handle) -> Error {
    Error::new(
        HResult::E_HANDLE,
        format!(
            "handle {:#x} is not an open event handle (never created, or already closed)",
            handle.0 as usize
        ),
    )
}
