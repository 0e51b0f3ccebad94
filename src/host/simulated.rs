//! `SimulatedHost`: Outlook's side of `SynchronizeInBackground`, for tests and emulation layers.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::core::error::Result;
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::core::sync_flags::SyncFlags;
use crate::host::event::Event;
use crate::host::report::SyncReport;
use crate::host::starter::{self, Started};
use crate::host::timing::Moments;
use crate::host::watcher::{DoneWatch, EventCloser, Watched};
use crate::interfaces::progress_callback::ProgressCallback;
use crate::interfaces::sync::MapiSync;
use crate::interfaces::unknown::Unknown;

/// The grace the host and the test kit give what a provider does just after it signals the done
/// event: its `Done`, closing an event it kept, releasing its last reference. One second in all
/// per run, from the moment the host stops waiting for the done event.
pub(crate) const GRACE: Duration = Duration::from_secs(1);

/// Plays Outlook's part in one background synchronization, the way the reference describes it:
///
/// 1. QueryInterface the store for `IMAPISync` ([`run_on_store`](Self::run_on_store));
/// 2. call `SynchronizeInBackground` with the flags, the session and the callback, on a thread
///    of its own, and take its own reference to the done event as soon as the call returns,
///    before anyone can close the handle. A call that takes longer than the timeout to return is
///    a warning ([`HostProblem::StartBlocked`](crate::HostProblem::StartBlocked)): it must return
///    at once and work in the background. One that has not returned within the timeout and the
///    grace (one second) hangs ([`HostProblem::StartHung`](crate::HostProblem::StartHung), the
///    one thing reported of the run): the host goes on without it, leaving it what it uses (its
///    `MAPISIB` and the references it was given stay valid for as long as it runs);
/// 3. wait for the done event, up to the timeout, counted from the call's return;
/// 4. check that `Done` was called once and brought back the same handle (a provider that signals
///    the event just before calling `Done` is given one more second for it);
/// 5. close the handle: the host owns the done event once `Done` has brought it back. When `Done`
///    brought back NULL, which the reference allows, the provider kept the event and must close
///    it; the host gives it what is left of the same second and reports it if it does not
///    (one second of grace per run, for `Done`, the close and the references together),
///
/// and reports what happened in a [`SyncReport`]. The callback can be any
/// [`ProgressCallback`], Rust-made or foreign, and must not close the done event itself: under a
/// host, the host does (see `docs/sync-handshake.md`). The host hands the provider a watcher that
/// forwards every call to the callback unchanged, raw arguments included, and notes `Done` on its
/// way through; a callback that closes the event inside `Done` anyway is reported as a warning
/// about the callback, never as the provider's fault.
///
/// ```
/// use mapisync::testing::Silent;
/// use mapisync::{HResult, Handle, MapiSync, ProgressCallback, Result, SimulatedHost};
/// use mapisync::{SyncFlags, SyncProvider, SyncRequest, SyncWorker};
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
///
/// let report = SimulatedHost::new().run(
///     &MapiSync::new(Store),
///     SyncFlags::DOWNLOAD_CONTENTS,
///     ProgressCallback::new(Silent),
/// );
/// assert!(report.is_clean(), "{report}");
/// assert_eq!(report.final_status(), Some(HResult::S_OK));
/// ```
#[derive(Debug, Clone)]
pub struct SimulatedHost {
    timeout: Duration,
    session: Option<Unknown>,
    grace: Duration,
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
            grace: GRACE,
        }
    }

    /// How long to wait for the done event, counted from `SynchronizeInBackground`'s return
    /// (`Duration::MAX`: for ever; zero: not at all, the event must be signalled by the time the
    /// call returns). A call that takes longer than this to return is a warning; one that has not
    /// returned within this and the grace (one second) is a hang, reported alone.
    pub fn timeout(mut self, timeout: Duration) -> SimulatedHost {
        self.timeout = timeout;
        self
    }

    /// The object to pass as `MAPISIB.psesSync`.
    pub fn session(mut self, session: Unknown) -> SimulatedHost {
        self.session = Some(session);
        self
    }

    /// The grace for what a provider does just after signalling ([`GRACE`] unless changed).
    pub(crate) fn grace(mut self, grace: Duration) -> SimulatedHost {
        self.grace = grace;
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
        self.run_graced(store, flags, callback).0
    }

    /// [`run`](Self::run), and the end of the run's grace: one budget, from the moment the host
    /// stops waiting for the done event, shared by the wait for `Done`, the wait for a kept event
    /// to be closed, the wait for the references, and the test kit's leak accounting after it.
    pub(crate) fn run_graced(
        &self,
        store: &MapiSync,
        flags: SyncFlags,
        callback: ProgressCallback,
    ) -> (SyncReport, Instant) {
        let began = Instant::now();
        // A start is given the timeout and the grace to return; a timeout too long to represent
        // as an instant is a wait without one.
        let start_limit = began.checked_add(self.timeout.saturating_add(self.grace));
        // Held, with spares, until the report is made: a provider that releases the callback
        // too often frees nothing and is reported.
        // Shared with the call: a start the host gives up on keeps it until it returns.
        let watcher = Arc::new(Watched::new(callback));
        let watch = watcher.watch();
        let call = starter::StartCall {
            store: store.clone(),
            flags,
            session: self.session.clone(),
        };
        let mut outcome = Found::new(began, self.timeout);
        let (started, returned, event) = match starter::start(call, &watcher, start_limit) {
            Started::Returned { result, at, event } => (result, at, event),
            Started::Hung => {
                let now = Instant::now();
                outcome.waited = now - began;
                outcome.wait_ended = now;
                let report = outcome.report(&watcher, now);
                return (report, now);
            }
        };
        watcher.started();
        outcome.returned = Some(returned);
        // The host's own reference to the event was taken as the call returned, before anyone
        // else could close the handle; if the callback closed it inside a Done that came first,
        // Done's watcher took one.
        outcome.done_event = started.as_ref().map_or(Handle::NULL, |&h| h);
        if let Err(e) = started {
            outcome.started = e.hresult();
            let grace_ends = grace_end(self.grace);
            let report = outcome.report(&watcher, grace_ends);
            return (report, grace_ends);
        }
        outcome.held = event.is_some();
        if let Some(event) = &event {
            // The timeout counts from the return.
            outcome.signalled = event.wait_until(returned.checked_add(self.timeout));
        }
        let now = Instant::now();
        outcome.waited = now.saturating_duration_since(returned);
        outcome.wait_ended = now;
        let grace_ends = grace_end(self.grace);
        if outcome.signalled {
            // A provider may signal just before calling Done: give Done a moment more.
            watch.wait_for_done(grace_ends);
        }
        outcome.close(watch, event.as_ref(), grace_ends);
        let report = outcome.report(&watcher, grace_ends);
        (report, grace_ends)
    }
}

/// The end of a grace that starts now (far ahead for a grace too long to represent).
fn grace_end(grace: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(grace)
        .unwrap_or_else(|| now + Duration::from_secs(365 * 24 * 3600))
}

/// What the host found out during a run, before the report is assembled.
struct Found {
    began: Instant,
    timeout: Duration,
    /// When `SynchronizeInBackground` returned (`None`: it hung).
    returned: Option<Instant>,
    started: HResult,
    done_event: Handle,
    held: bool,
    signalled: bool,
    waited: Duration,
    wait_ended: Instant,
    closed: core::result::Result<(), HResult>,
    closer: EventCloser,
}

impl Found {
    fn new(began: Instant, timeout: Duration) -> Found {
        Found {
            began,
            timeout,
            returned: None,
            started: HResult::S_OK,
            done_event: Handle::NULL,
            held: false,
            signalled: false,
            waited: Duration::ZERO,
            wait_ended: began,
            closed: Ok(()),
            closer: EventCloser::Nobody,
        }
    }

    /// Closes the done event if it is the host's: when `Done` brought it back, or never came
    /// with any handle. When `Done` brought back NULL the provider kept it: the host waits, with
    /// the same grace as for `Done`, for the provider to close it.
    fn close(&mut self, watch: &DoneWatch, event: Option<&Event>, grace_ends: Instant) {
        if self.done_event.is_null() {
            return;
        }
        let (kept_by_provider, callback_closed) = {
            let seen = watch.seen();
            let kept = !seen.calls.is_empty() && seen.calls.iter().all(|(h, _)| h.is_null());
            (kept, seen.closed_by_callback.contains(&self.done_event))
        };
        if callback_closed {
            self.closer = EventCloser::Callback;
        } else if kept_by_provider {
            // No reference of the host's: the handle named no event when the host looked, so
            // the provider had closed it already.
            if event.map_or(true, |event| wait_until_closed(event, grace_ends)) {
                self.closer = EventCloser::Provider;
            }
        } else {
            // Through the host's own reference when it has one: on Windows the value may already
            // name a newer event, if the provider closed the handle it had handed over.
            let closed = match event {
                Some(event) => event.close_own_handle(),
                None => Event::close_handle(self.done_event),
            };
            self.closed = closed.map_err(|e| e.hresult());
            if self.closed.is_ok() {
                self.closer = EventCloser::Host;
            }
        }
    }

    fn report(self, watcher: &Watched, grace_ends: Instant) -> SyncReport {
        // A provider may give back its references a moment after signalling: the same grace
        // (none for a synchronization still running, a start that hung or an event never
        // signalled, which holds what it holds and is not judged for it).
        let still_running = self.returned.is_none() || (self.held && !self.signalled);
        let mut others = watcher.others();
        if !still_running && matches!(others, Ok(1..)) {
            poll_until(grace_ends, || {
                others = watcher.others();
                !matches!(others, Ok(1..))
            });
        }
        let over_released = others.err().unwrap_or(0);
        // Moved, not copied: the report is the last reader of the notes. A call a provider makes
        // after this is noted where nobody looks, as it would be after a copy.
        let mut seen = watcher.watch().seen();
        // The one place that builds a report: its fields stay public, deprecated, until 1.0.
        #[allow(deprecated)]
        SyncReport {
            started: self.started,
            done_event: self.done_event,
            signalled: self.signalled,
            done_calls: std::mem::take(&mut seen.calls),
            closed: self.closed,
            closer: self.closer,
            held: self.held,
            elapsed: self.began.elapsed(),
            timeout: self.timeout,
            start_took: self
                .returned
                .map(|at| at.saturating_duration_since(self.began)),
            waited: self.waited,
            moments: Moments {
                began: self.began,
                returned: self.returned,
                wait_ended: self.wait_ended,
            },
            refused: std::mem::take(&mut seen.refused),
            over_released,
            work_panicked: seen.work_panicked.take(),
            after_release: seen.after_release,
        }
    }
}

/// Polls until the handle `event` was found under is closed or `deadline` has passed; true if it
/// was closed. Asked of the host's own reference, so that on Windows a provider's own
/// `CreateEventW` event is judged too, and a value closed and reused is not taken for open.
pub(crate) fn wait_until_closed(event: &Event, deadline: Instant) -> bool {
    poll_until(deadline, || !event.handle_still_open())
}

/// Polls `done` every millisecond until it is true or `deadline` has passed; true if it was.
pub(crate) fn poll_until(deadline: Instant, mut done: impl FnMut() -> bool) -> bool {
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= deadline {
            return done();
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}
