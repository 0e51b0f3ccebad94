//! The accessors of [`SyncReport`]: one public way to each fact of a run.

use std::time::Duration;

use crate::core::error::Error;
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::host::report::SyncReport;
use crate::host::watcher::EventCloser;
use crate::interfaces::progress_callback::Slot;

// The fields stay public, deprecated, until 1.0; these methods are their one reader.
#[allow(deprecated)]
impl SyncReport {
    /// What `SynchronizeInBackground` returned.
    pub fn started(&self) -> HResult {
        self.started
    }

    /// The handle the store wrote through `phSyncDoneEvent` (null if it failed).
    pub fn done_event(&self) -> Handle {
        self.done_event
    }

    /// Whether the done event was signalled within the timeout.
    pub fn signalled(&self) -> bool {
        self.signalled
    }

    /// Every `Done` call, in order: the handle and the final status it brought.
    pub fn done_calls(&self) -> &[(Handle, HResult)] {
        &self.done_calls
    }

    /// Closing the done event's handle: `Err(E_HANDLE)` if the host found it closed already by
    /// the provider; `Ok` when it closed it, or had nothing to close (see [`closer`](Self::closer())).
    pub fn closed(&self) -> core::result::Result<(), HResult> {
        self.closed
    }

    /// Who closed the done event's handle.
    pub fn closer(&self) -> EventCloser {
        self.closer
    }

    /// Whether the host could take its own reference to the done event (it was an open event when
    /// `SynchronizeInBackground` returned, or when `Done` brought it back).
    pub fn held(&self) -> bool {
        self.held
    }

    /// From the call to `SynchronizeInBackground` to the report.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The host's timeout: how long it waits for the done event, from `SynchronizeInBackground`'s
    /// return.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// How long `SynchronizeInBackground` took to return; `None` when it had not returned when
    /// the host stopped waiting for it (then [`started`](Self::started()) is `S_OK`, and nothing
    /// else was waited for).
    pub fn start_took(&self) -> Option<Duration> {
        self.start_took
    }

    /// How long the host waited: for the done event, from `SynchronizeInBackground`'s return until
    /// it saw the signal or the timeout passed; for a start that never returned, for the start.
    pub fn waited(&self) -> Duration {
        self.waited
    }

    /// Calls refused before they reached the callback (text over
    /// [`MAX_TEXT_LEN`](crate::MAX_TEXT_LEN)): the slot, and what the provider was answered.
    pub fn refused(&self) -> &[(Slot, Error)] {
        &self.refused
    }

    /// How many more times the provider released the callback than it took it: the host holds
    /// 2^20 spare references on the callback it hands over, so extra Releases free nothing and
    /// are counted here.
    pub fn over_released(&self) -> u32 {
        self.over_released
    }

    /// The message of a panic in the provider's [`SyncWorker`](crate::SyncWorker) work, which
    /// the worker caught and reported as `E_UNEXPECTED`.
    pub fn work_panicked(&self) -> Option<&str> {
        self.work_panicked.as_deref()
    }

    /// Calls through the callback after `SynchronizeInBackground` returned while the provider
    /// held no reference on it: the slot of the first, and how many.
    pub fn after_release(&self) -> Option<(Slot, u32)> {
        self.after_release
    }
}
