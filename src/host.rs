//! `SimulatedHost`: Outlook's side of `SynchronizeInBackground`, for tests and emulation layers.

pub(crate) mod event;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use crate::{
    Error, Event, HResult, Handle, MapiSync, ProgressCallback, Result, Slot, SyncFlags,
    SyncProgress, U16CStr, Unknown,
};

/// How long the host waits for `Done` once the done event is signalled.
const DONE_GRACE: Duration = Duration::from_secs(1);

/// Plays Outlook's part in one background synchronization, the way the reference describes it:
///
/// 1. QueryInterface the store for `IMAPISync` ([`run_on_store`](Self::run_on_store));
/// 2. call `SynchronizeInBackground` with the flags, the session and the callback;
/// 3. wait for the done event, up to the timeout;
/// 4. check that `Done` was called once and brought back the same handle (a provider that signals
///    the event just before calling `Done` is given one more second for it);
/// 5. close the handle,
///
/// and reports what happened in a [`SyncReport`]. The callback can be any
/// [`ProgressCallback`], Rust-made or foreign; the host watches `Done` on its way through and
/// forwards every call unchanged.
///
/// ```
/// use mapisync::{HResult, Handle, MapiSync, ProgressCallback, Result, SimulatedHost};
/// use mapisync::{SyncFlags, SyncProgress, SyncProvider, SyncRequest, SyncWorker, U16CStr};
///
/// struct Store;
/// impl SyncProvider for Store {
///     fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
///         SyncWorker::spawn(request, |sync| {
///             sync.progress(None, 1, 1)?;
///             Ok(HResult::S_OK)
///         })
///     }
/// }
/// struct Quiet;
/// impl SyncProgress for Quiet {
///     fn progress(&self, _: Option<&U16CStr>, _: u32, _: u32) -> Result<()> { Ok(()) }
///     fn error(&self, _: HResult, _: Option<&U16CStr>) -> Result<()> { Ok(()) }
///     fn done(&self, _: Handle, _: HResult) -> Result<()> { Ok(()) }
/// }
///
/// let report = SimulatedHost::new().run(
///     &MapiSync::new(Store),
///     SyncFlags::DOWNLOAD_CONTENTS,
///     ProgressCallback::new(Quiet),
/// );
/// assert!(report.is_clean(), "{report}");
/// assert_eq!(report.final_status(), Some(HResult::S_OK));
/// ```
#[derive(Debug, Clone)]
pub struct SimulatedHost {
    timeout: Duration,
    session: Option<Unknown>,
}

impl Default for SimulatedHost {
    fn default() -> Self {
        SimulatedHost::new()
    }
}

impl SimulatedHost {
    /// A host that waits up to 30 seconds for the done event and passes no session.
    pub fn new() -> SimulatedHost {
        SimulatedHost {
            timeout: Duration::from_secs(30),
            session: None,
        }
    }

    /// How long to wait for the done event.
    pub fn timeout(mut self, timeout: Duration) -> SimulatedHost {
        self.timeout = timeout;
        self
    }

    /// The object to pass as `MAPISIB.psesSync`.
    pub fn session(mut self, session: Unknown) -> SimulatedHost {
        self.session = Some(session);
        self
    }

    /// QueryInterface `store` for `IMAPISync`, then [`run`](Self::run). A store that does not
    /// expose `IMAPISync` is `Err` with QueryInterface's HRESULT.
    pub fn run_on_store(
        &self,
        store: &Unknown,
        flags: SyncFlags,
        callback: ProgressCallback,
    ) -> Result<SyncReport> {
        // SAFETY: `store` owns a reference on a live, free-threaded COM object.
        let sync = unsafe { MapiSync::from_unknown(store.as_raw()) }?;
        Ok(self.run(&sync, flags, callback))
    }

    /// Runs one synchronization on `store` with `callback` and reports what happened.
    pub fn run(
        &self,
        store: &MapiSync,
        flags: SyncFlags,
        callback: ProgressCallback,
    ) -> SyncReport {
        let started_at = Instant::now();
        let deadline = started_at + self.timeout;
        let watch = Arc::new(DoneWatch::default());
        let watcher = ProgressCallback::new(Watcher {
            inner: callback,
            watch: Arc::clone(&watch),
        });

        let started = store.synchronize_in_background(flags, self.session.as_ref(), &watcher);
        drop(watcher);
        let done_event = match started {
            Ok(handle) => handle,
            Err(e) => return watch.report(e.hresult(), Handle::NULL, false, Ok(()), started_at),
        };

        let signalled = match Event::from_handle(done_event) {
            Ok(event) => event.wait_timeout(deadline.saturating_duration_since(Instant::now())),
            Err(_) => false,
        };
        if signalled {
            // A provider may signal just before calling Done: give Done a moment more.
            watch.wait_for_done(Instant::now() + DONE_GRACE);
        }
        // A null handle is reported as such; there is nothing to close.
        let closed = if done_event.is_null() {
            Ok(())
        } else {
            Event::close_handle(done_event).map_err(|e| e.hresult())
        };
        watch.report(HResult::S_OK, done_event, signalled, closed, started_at)
    }
}

/// The `Done` calls seen so far, and the calls refused before they could be forwarded.
#[derive(Default)]
struct DoneWatch {
    calls: Mutex<Vec<(Handle, HResult)>>,
    arrived: Condvar,
    refused: Mutex<Vec<(Slot, Error)>>,
}

impl DoneWatch {
    /// The report of a run, with the `Done` calls and refused calls seen so far.
    fn report(
        &self,
        started: HResult,
        done_event: Handle,
        signalled: bool,
        closed: core::result::Result<(), HResult>,
        started_at: Instant,
    ) -> SyncReport {
        SyncReport {
            started,
            done_event,
            signalled,
            done_calls: self.calls.lock().clone(),
            closed,
            elapsed: started_at.elapsed(),
            refused: self.refused.lock().clone(),
        }
    }

    fn wait_for_done(&self, deadline: Instant) {
        let mut calls = self.calls.lock();
        while calls.is_empty() {
            if self.arrived.wait_until(&mut calls, deadline).timed_out() {
                return;
            }
        }
    }
}

/// Forwards every call to the host's callback, noting `Done` on the way.
struct Watcher {
    inner: ProgressCallback,
    watch: Arc<DoneWatch>,
}

impl SyncProgress for Watcher {
    fn progress(&self, text: Option<&U16CStr>, index: u32, max: u32) -> Result<()> {
        self.inner.progress(text, index, max)
    }

    fn error(&self, hr: HResult, text: Option<&U16CStr>) -> Result<()> {
        self.inner.error(hr, text)
    }

    fn done(&self, event: Handle, hr: HResult) -> Result<()> {
        let answer = self.inner.done(event, hr);
        self.watch.calls.lock().push((event, hr));
        self.watch.arrived.notify_all();
        answer
    }

    fn refused(&self, slot: Slot, error: &Error) {
        // The call never reached the host's callback, which cannot be told through the ABI:
        // the report keeps it.
        self.watch.refused.lock().push((slot, error.clone()));
    }
}

/// What happened in one [`SimulatedHost`] run. `Display` prints a readable summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// What `SynchronizeInBackground` returned.
    pub started: HResult,
    /// The handle the store wrote through `phSyncDoneEvent` (null if it failed).
    pub done_event: Handle,
    /// Whether the done event was signalled within the timeout.
    pub signalled: bool,
    /// Every `Done` call, in order: the handle and the final status it brought.
    pub done_calls: Vec<(Handle, HResult)>,
    /// Closing the done event's handle after `Done`: `Err(E_HANDLE)` if it was not an open handle;
    /// `Ok` when there was no handle to close.
    pub closed: core::result::Result<(), HResult>,
    /// From the call to `SynchronizeInBackground` to the report.
    pub elapsed: Duration,
    /// Calls refused before they reached the callback (text over
    /// [`MAX_TEXT_LEN`](crate::MAX_TEXT_LEN)): the slot, and what the provider was answered.
    pub refused: Vec<(Slot, Error)>,
}

impl SyncReport {
    /// The status `Done` brought, if `Done` was called.
    pub fn final_status(&self) -> Option<HResult> {
        self.done_calls.first().map(|&(_, hr)| hr)
    }

    /// What went against the protocol, in words; empty for a clean run.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.started.is_failure() {
            problems.push(format!(
                "SynchronizeInBackground failed with {}",
                self.started
            ));
            return problems;
        }
        if self.done_event.is_null() {
            problems.push("SynchronizeInBackground succeeded but wrote no done event".into());
        } else if !self.signalled {
            problems.push(format!(
                "the done event was not signalled within {:?}",
                self.elapsed
            ));
        }
        match self.done_calls.as_slice() {
            [] => problems.push("Done was never called".into()),
            [_] => {}
            calls => problems.push(format!("Done was called {} times, not once", calls.len())),
        }
        for (handle, _) in &self.done_calls {
            if *handle != self.done_event {
                problems.push(format!(
                    "Done brought back handle {:?}, not the done event {:?}",
                    handle.0, self.done_event.0
                ));
            }
        }
        for (slot, error) in &self.refused {
            problems.push(format!("{slot} was refused: {error}"));
        }
        if let Err(hr) = self.closed {
            problems.push(format!("closing the done event failed with {hr}"));
        }
        problems
    }

    /// True when the run kept the protocol: started, signalled, one `Done` with the same handle,
    /// and the handle closed.
    pub fn is_clean(&self) -> bool {
        self.problems().is_empty()
    }
}

impl fmt::Display for SyncReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SynchronizeInBackground: {}", self.started)?;
        if let Some(status) = self.final_status() {
            write!(f, "; Done: {status}")?;
        }
        write!(f, "; {:?}", self.elapsed)?;
        for problem in self.problems() {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}
