//! What one `SimulatedHost` run saw: the [`SyncReport`], and the typed [`HostProblem`]s it finds.
//!
//! Each problem is an occurrence of one entry of the catalog (`crate::host::finding`): its code,
//! severity and expectation are the entry's; its `Display` is its wording, which the test kit's
//! checker and harness reuse for the same rule.

mod accessors;
mod wording;

use std::fmt;
use std::time::Duration;

use crate::core::error::Error;
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::host::finding::{CatalogEntry, Finding, Seen, Severity};
use crate::host::timing::{Moments, Span};
use crate::host::watcher::EventCloser;
use crate::interfaces::progress_callback::Slot;

/// One thing a run did against the protocol of `SynchronizeInBackground` and
/// `IMAPISyncProgressCallback`: an occurrence of a catalog [`entry`](Self::entry). `Display`
/// gives its one wording; [`expected`](Self::expected) says what the protocol asks for instead.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HostProblem {
    /// `SynchronizeInBackground` returned a failure.
    StartFailed(HResult),
    /// `SynchronizeInBackground` succeeded without writing a handle through `phSyncDoneEvent`.
    NoDoneEvent,
    /// The handle written through `phSyncDoneEvent` was not an open event when the host took it
    /// (never one, or closed already).
    DoneEventNotOpen(Handle),
    /// `SynchronizeInBackground` returned, but took longer than the host's timeout to: the call
    /// must return at once and do the work in the background. A warning; the wait for the done
    /// event starts at the return all the same.
    StartBlocked {
        /// How long the call took to return.
        took: Duration,
        /// The host's timeout.
        timeout: Duration,
    },
    /// `SynchronizeInBackground` had not returned when the host stopped waiting for it (the
    /// timeout and the grace after it): the call hung, and the host went on without it.
    StartHung {
        /// How long the host waited for the call to return.
        waited: Duration,
        /// The host's timeout.
        timeout: Duration,
    },
    /// The done event was not signalled within the host's timeout, counted from
    /// `SynchronizeInBackground`'s return. `Done` never coming is part of the same finding.
    NotSignalled {
        /// The host's timeout.
        timeout: Duration,
        /// How long the host waited, from `SynchronizeInBackground`'s return.
        waited: Duration,
    },
    /// `Done` was never called.
    DoneNeverCalled,
    /// `Done` was called this many times (more than once).
    DoneCalledTimes(usize),
    /// `Done` brought back another handle than the done event.
    WrongHandle {
        /// What `Done` brought back.
        got: Handle,
        /// The handle written through `phSyncDoneEvent`.
        expected: Handle,
    },
    /// `Done` brought back NULL, which the reference allows: the provider keeps the done event
    /// and must close it itself. A warning.
    NullHandleToDone,
    /// `Done` brought back NULL and the provider never closed the done event it kept.
    KeptEventNotClosed(Handle),
    /// A call refused before it reached the callback (text over
    /// [`MAX_TEXT_LEN`](crate::MAX_TEXT_LEN)).
    Refused {
        /// The slot called.
        slot: Slot,
        /// Why it was refused; the provider got `error.hresult()`.
        error: Error,
    },
    /// The host could not close the done event: the provider closed a handle it had handed over.
    CloseFailed(HResult),
    /// The provider released the callback this many times more than it took it.
    OverReleased(u32),
    /// The callback closed the done event inside `Done`, though under a host the host owns it.
    /// A warning about the callback, not the provider.
    CallbackClosedEvent,
    /// The provider's [`SyncWorker`](crate::SyncWorker) work panicked, with this message: the
    /// worker caught it and reported `E_UNEXPECTED`, so the host survived, but it is a bug.
    WorkPanicked(String),
    /// Calls through the callback after `SynchronizeInBackground` returned, while the provider
    /// held no reference on it (it had released the last one it took).
    CallAfterRelease {
        /// The slot of the first such call.
        first: Slot,
        /// How many calls came so.
        calls: u32,
    },
}

impl HostProblem {
    /// The catalog entry this is an occurrence of.
    pub fn entry(&self) -> CatalogEntry {
        match self {
            HostProblem::StartFailed(_) => CatalogEntry::StartFailed,
            HostProblem::NoDoneEvent => CatalogEntry::DoneEventMissing,
            HostProblem::DoneEventNotOpen(_) => CatalogEntry::DoneEventNotOpen,
            HostProblem::StartBlocked { .. } => CatalogEntry::StartBlocked,
            HostProblem::StartHung { .. } => CatalogEntry::StartHung,
            HostProblem::NotSignalled { .. } => CatalogEntry::EventNotSignalled,
            HostProblem::DoneNeverCalled => CatalogEntry::DoneMissing,
            HostProblem::DoneCalledTimes(_) => CatalogEntry::DoneRepeated,
            HostProblem::WrongHandle { .. } => CatalogEntry::DoneWrongHandle,
            HostProblem::NullHandleToDone => CatalogEntry::DoneNullHandle,
            HostProblem::KeptEventNotClosed(_) => CatalogEntry::KeptEventNotClosed,
            HostProblem::Refused { .. } => CatalogEntry::TextRefused,
            HostProblem::CloseFailed(_) => CatalogEntry::EventClosedByProvider,
            HostProblem::OverReleased(_) => CatalogEntry::OverReleased,
            HostProblem::CallbackClosedEvent => CatalogEntry::EventClosedByCallback,
            HostProblem::WorkPanicked(_) => CatalogEntry::WorkPanicked,
            HostProblem::CallAfterRelease { .. } => CatalogEntry::CallAfterRelease,
        }
    }

    /// The catalog entry's code (`done_missing`, say).
    pub fn code(&self) -> &'static str {
        self.entry().code()
    }

    /// True for what only fails a strict check (the run still kept the protocol).
    pub fn is_warning(&self) -> bool {
        self.entry().severity() == Severity::Warning
    }

    /// True for what the provider left behind (a handle, a reference) rather than a call it made
    /// wrongly: counted after the run, with its grace.
    pub fn is_leak(&self) -> bool {
        self.entry().seen() == Seen::AfterRun
    }

    /// What the protocol expects instead, in words: the catalog entry's.
    pub fn expected(&self) -> &'static str {
        self.entry().expected()
    }

    /// The finding this problem is, about record `seq` (or the run as a whole).
    pub(crate) fn to_finding(&self, seq: Option<u64>) -> Finding {
        Finding::new(self.entry(), seq, self.to_string())
    }

    /// The rule that `Done` brings back the done event, written once for the host and the
    /// checker: `None` when `got` is `expected`; NULL (which the reference allows) is
    /// [`NullHandleToDone`](Self::NullHandleToDone), anything else
    /// [`WrongHandle`](Self::WrongHandle).
    pub(crate) fn done_handle(got: Handle, expected: Handle) -> Option<HostProblem> {
        if got == expected {
            None
        } else if got.is_null() {
            Some(HostProblem::NullHandleToDone)
        } else {
            Some(HostProblem::WrongHandle { got, expected })
        }
    }
}

/// What happened in one [`SimulatedHost`](crate::SimulatedHost) run. `Display` prints a
/// readable summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// Deprecated: the method [`started()`](Self::started()) gives the same.
    #[deprecated(note = "use the method SyncReport::started()")]
    pub started: HResult,
    /// Deprecated: the method [`done_event()`](Self::done_event()) gives the same.
    #[deprecated(note = "use the method SyncReport::done_event()")]
    pub done_event: Handle,
    /// Deprecated: the method [`signalled()`](Self::signalled()) gives the same.
    #[deprecated(note = "use the method SyncReport::signalled()")]
    pub signalled: bool,
    /// Deprecated: the method [`done_calls()`](Self::done_calls()) gives the same.
    #[deprecated(note = "use the method SyncReport::done_calls()")]
    pub done_calls: Vec<(Handle, HResult)>,
    /// Deprecated: the method [`closed()`](Self::closed()) gives the same.
    #[deprecated(note = "use the method SyncReport::closed()")]
    pub closed: core::result::Result<(), HResult>,
    /// Deprecated: the method [`closer()`](Self::closer()) gives the same.
    #[deprecated(note = "use the method SyncReport::closer()")]
    pub closer: EventCloser,
    /// Deprecated: the method [`held()`](Self::held()) gives the same.
    #[deprecated(note = "use the method SyncReport::held()")]
    pub held: bool,
    /// Deprecated: the method [`elapsed()`](Self::elapsed()) gives the same.
    #[deprecated(note = "use the method SyncReport::elapsed()")]
    pub elapsed: Duration,
    /// Deprecated: the method [`timeout()`](Self::timeout()) gives the same.
    #[deprecated(note = "use the method SyncReport::timeout()")]
    pub timeout: Duration,
    /// Deprecated: the method [`start_took()`](Self::start_took()) gives the same.
    #[deprecated(note = "use the method SyncReport::start_took()")]
    pub start_took: Option<Duration>,
    /// Deprecated: the method [`waited()`](Self::waited()) gives the same.
    #[deprecated(note = "use the method SyncReport::waited()")]
    pub waited: Duration,
    /// When things happened, for the timeline.
    pub(crate) moments: Moments,
    /// Deprecated: the method [`refused()`](Self::refused()) gives the same.
    #[deprecated(note = "use the method SyncReport::refused()")]
    pub refused: Vec<(Slot, Error)>,
    /// Deprecated: the method [`over_released()`](Self::over_released()) gives the same.
    #[deprecated(note = "use the method SyncReport::over_released()")]
    pub over_released: u32,
    /// Deprecated: the method [`work_panicked()`](Self::work_panicked()) gives the same.
    #[deprecated(note = "use the method SyncReport::work_panicked()")]
    pub work_panicked: Option<String>,
    /// Deprecated: the method [`after_release()`](Self::after_release()) gives the same.
    #[deprecated(note = "use the method SyncReport::after_release()")]
    pub after_release: Option<(Slot, u32)>,
}

impl SyncReport {
    /// True when the synchronization may still be running: `SynchronizeInBackground` never
    /// returned, or it handed out an event that was never signalled. What it holds is then not
    /// left behind yet.
    pub(crate) fn still_running(&self) -> bool {
        self.start_took().is_none()
            || (self.started().is_success() && self.held() && !self.signalled())
    }

    /// The status `Done` brought, if `Done` was called.
    pub fn final_status(&self) -> Option<HResult> {
        self.done_calls().first().map(|&(_, hr)| hr)
    }

    /// Everything the run did against the protocol, warnings included, in a fixed order: the
    /// start, the event, `Done`, refused calls, the close.
    pub fn host_problems(&self) -> Vec<HostProblem> {
        let mut problems = Vec::new();
        let Some(took) = self.start_took() else {
            // One cause, one finding: nothing else can be judged of a call still running.
            problems.push(HostProblem::StartHung {
                waited: self.waited(),
                timeout: self.timeout(),
            });
            return problems;
        };
        if self.started().is_failure() {
            problems.push(HostProblem::StartFailed(self.started()));
            return problems;
        }
        if took > self.timeout() {
            problems.push(HostProblem::StartBlocked {
                took,
                timeout: self.timeout(),
            });
        }
        let mut unsignalled = false;
        if self.done_event().is_null() {
            problems.push(HostProblem::NoDoneEvent);
        } else if !self.held() {
            // A provider that kept its event (Done(NULL)) may close it as soon as it signalled,
            // even before the host could look.
            if !self.kept_by_provider() {
                problems.push(HostProblem::DoneEventNotOpen(self.done_event()));
            }
        } else if !self.signalled() {
            unsignalled = true;
            problems.push(HostProblem::NotSignalled {
                timeout: self.timeout(),
                waited: self.waited(),
            });
        }
        match self.done_calls().len() {
            // A missing Done is part of an event never signalled: the work is still running.
            0 if unsignalled => {}
            0 => problems.push(HostProblem::DoneNeverCalled),
            1 => {}
            n => problems.push(HostProblem::DoneCalledTimes(n)),
        }
        for &(got, _) in self.done_calls() {
            problems.extend(HostProblem::done_handle(got, self.done_event()));
        }
        for (slot, error) in self.refused() {
            problems.push(HostProblem::Refused {
                slot: *slot,
                error: error.clone(),
            });
        }
        if let Err(hr) = self.closed() {
            problems.push(HostProblem::CloseFailed(hr));
        }
        if self.over_released() > 0 {
            problems.push(HostProblem::OverReleased(self.over_released()));
        }
        if self.closer() == EventCloser::Callback {
            problems.push(HostProblem::CallbackClosedEvent);
        }
        if let Some(message) = self.work_panicked() {
            problems.push(HostProblem::WorkPanicked(message.to_owned()));
        }
        // A provider that released once too often makes its own later calls look like calls
        // without a reference: one cause, one finding, the over-release.
        if let (Some((first, calls)), 0) = (self.after_release(), self.over_released()) {
            problems.push(HostProblem::CallAfterRelease { first, calls });
        }
        if self.kept_by_provider() && self.closer() == EventCloser::Nobody {
            problems.push(HostProblem::KeptEventNotClosed(self.done_event()));
        }
        problems
    }

    /// True when `Done` brought back NULL only: the done event stayed the provider's to close.
    pub(crate) fn kept_by_provider(&self) -> bool {
        !self.done_event().is_null()
            && !self.done_calls().is_empty()
            && self.done_calls().iter().all(|(h, _)| h.is_null())
    }

    /// What went against the protocol, in words (warnings left out); empty for a clean run.
    #[deprecated(note = "use host_problems: typed, each with its catalog code")]
    pub fn problems(&self) -> Vec<String> {
        self.host_problems()
            .iter()
            .filter(|p| !p.is_warning())
            .map(ToString::to_string)
            .collect()
    }

    /// True when the run kept the protocol: started, signalled, one `Done` with the same handle
    /// (or NULL, with the provider closing the event), and the handle closed. Warnings allowed.
    pub fn is_clean(&self) -> bool {
        self.host_problems().iter().all(HostProblem::is_warning)
    }
}

impl fmt::Display for SyncReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.start_took() {
            Some(_) => write!(f, "SynchronizeInBackground: {}", self.started())?,
            None => f.write_str("SynchronizeInBackground: did not return")?,
        }
        if let Some(status) = self.final_status() {
            write!(f, "; Done: {status}")?;
        }
        write!(f, "; {} in all", Span(self.elapsed()))?;
        for problem in self.host_problems() {
            let entry = problem.entry();
            write!(f, "\n  - {}[{entry}]: {problem}", entry.severity())?;
        }
        Ok(())
    }
}
