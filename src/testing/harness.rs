//! `SyncTest`: one call to run a store provider under a simulated Outlook and check everything.

mod passed;
mod released;

use std::time::{Duration, Instant};

use super::checker::Checker;
use super::expect::Expect;
use super::log::CompactLog;
use super::record::{CallLog, Record};
use super::recorder::RecordingCallback;
use super::script::Script;
use super::verdict::Verdict;
use crate::core::hresult::HResult;
use crate::core::sync_flags::SyncFlags;
use crate::host::finding::{CatalogEntry, Finding, Seen, Severity};
use crate::host::report::SyncReport;
use crate::host::simulated::SimulatedHost;
use crate::interfaces::progress_callback::ProgressCallback;
use crate::interfaces::sync::MapiSync;
use crate::interfaces::unknown::Unknown;

/// Runs a store provider's `SynchronizeInBackground` under a [`SimulatedHost`] with a
/// [`RecordingCallback`], and gives back a [`SyncRun`] to assert on: the protocol, the calls, and
/// that the provider let go of everything.
///
/// ```
/// use mapisync::{HResult, Handle, MapiSync, Result, SyncProvider, SyncRequest, SyncWorker};
/// use mapisync::testing::{Expect, Script, SyncTest};
///
/// struct Store;
/// impl SyncProvider for Store {
///     fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
///         SyncWorker::spawn(request, |sync| {
///             for i in 1..=10 {
///                 sync.progress(None, i, 10)?;
///             }
///             Ok(HResult::S_OK)
///         })
///     }
/// }
///
/// let run = SyncTest::new().run(&MapiSync::new(Store));
/// run.assert_protocol();
/// run.assert_calls(&Expect::new().progress(1..=10, 10).done(HResult::S_OK));
/// run.assert_released();
///
/// // The user presses Cancel during the 3rd Progress.
/// let run = SyncTest::new()
///     .script(Script::new().cancel_progress_from(3))
///     .run(&MapiSync::new(Store));
/// run.assert_calls(&Expect::new().progress(1..=3, 10).done(HResult::MAPI_E_USER_CANCEL));
/// ```
#[derive(Clone, Debug)]
pub struct SyncTest {
    host: SimulatedHost,
    flags: SyncFlags,
    script: Script,
    strict: bool,
}

impl Default for SyncTest {
    fn default() -> Self {
        SyncTest::new()
    }
}

impl SyncTest {
    /// Downloads hierarchy and contents, answers every call `S_OK`, waits up to 30 seconds, and
    /// checks leniently.
    pub fn new() -> SyncTest {
        SyncTest {
            host: SimulatedHost::new(),
            flags: SyncFlags::DOWNLOAD_HIERARCHY | SyncFlags::DOWNLOAD_CONTENTS,
            script: Script::new(),
            strict: false,
        }
    }

    /// The `SYNC_*` flags to pass.
    pub fn flags(mut self, flags: SyncFlags) -> SyncTest {
        self.flags = flags;
        self
    }

    /// How the callback answers.
    pub fn script(mut self, script: Script) -> SyncTest {
        self.script = script;
        self
    }

    /// How long the host waits for the done event, counted from `SynchronizeInBackground`'s
    /// return (30 seconds unless changed; zero: not at all). A start that takes longer than this
    /// to return is a warning; one that has not returned within this and the grace (one second)
    /// is a hang, an error reported alone (see [`SimulatedHost`]).
    pub fn timeout(mut self, timeout: Duration) -> SyncTest {
        self.host = self.host.timeout(timeout);
        self
    }

    /// The session object to pass as `psesSync`.
    pub fn session(mut self, session: Unknown) -> SyncTest {
        self.host = self.host.session(session);
        self
    }

    /// Protocol warnings fail [`SyncRun::assert_protocol`] too.
    pub fn strict(mut self) -> SyncTest {
        self.strict = true;
        self
    }

    /// The grace, for the host and the leak accounting together, for what a provider does just
    /// after signalling (one second unless changed).
    pub(crate) fn grace(mut self, grace: Duration) -> SyncTest {
        self.host = self.host.grace(grace);
        self
    }

    /// Runs one synchronization of `store` and returns what happened.
    pub fn run(&self, store: &MapiSync) -> SyncRun {
        self.run_with(store, |recorder| recorder)
    }

    /// Like [`run`](Self::run), recording into the caller's `recorder` instead of a new one: its
    /// script decides the answers (the one given to [`script`](Self::script) is not used), and the
    /// verdict checks everything it has recorded, so give each run a fresh recorder.
    ///
    /// ```
    /// use mapisync::{HResult, Handle, MapiSync, Result, SyncProvider, SyncRequest, SyncWorker};
    /// use mapisync::testing::{RecordingCallback, Script, SyncTest};
    ///
    /// struct Store;
    /// impl SyncProvider for Store {
    ///     fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
    ///         SyncWorker::spawn(request, |sync| {
    ///             sync.progress(None, 1, 2)?;
    ///             sync.progress(None, 2, 2)?;
    ///             Ok(HResult::S_OK)
    ///         })
    ///     }
    /// }
    ///
    /// let recorder = RecordingCallback::new(Script::new().cancel_progress_from(2));
    /// let run = SyncTest::new().run_recorded(&MapiSync::new(Store), &recorder);
    /// run.assert_protocol();
    /// run.assert_released();
    /// assert_eq!(recorder.len(), 3); // Progress, Progress (cancelled), Done
    /// assert_eq!(run.report().final_status(), Some(HResult::MAPI_E_USER_CANCEL));
    /// ```
    pub fn run_recorded(&self, store: &MapiSync, recorder: &RecordingCallback) -> SyncRun {
        let (report, grace_ends) = self.host.run_graced(store, self.flags, recorder.callback());
        SyncRun {
            report,
            recorder: recorder.clone(),
            strict: self.strict,
            grace_ends,
        }
    }

    /// Like [`run`](Self::run), with a callback of the caller's in front of the recorder:
    /// `front` receives the recording callback and returns what the provider is handed (a UI
    /// that forwards every call to it, say). What `front` does not forward is not recorded.
    pub fn run_with(
        &self,
        store: &MapiSync,
        front: impl FnOnce(ProgressCallback) -> ProgressCallback,
    ) -> SyncRun {
        let recorder = RecordingCallback::new(self.script.clone());
        let (report, grace_ends) =
            self.host
                .run_graced(store, self.flags, front(recorder.callback()));
        SyncRun {
            report,
            recorder,
            strict: self.strict,
            grace_ends,
        }
    }
}

/// What one [`SyncTest::run`] saw.
#[derive(Debug, Clone)]
pub struct SyncRun {
    report: SyncReport,
    recorder: RecordingCallback,
    strict: bool,
    /// The end of the run's one grace budget, shared with the host's waits.
    grace_ends: Instant,
}

impl SyncRun {
    /// The host's report: the start, the event, every `Done`, the close.
    pub fn report(&self) -> &SyncReport {
        &self.report
    }

    /// The recording callback, for its records and counts.
    pub fn recorder(&self) -> &RecordingCallback {
        &self.recorder
    }

    /// Every call the provider made, in order.
    pub fn records(&self) -> Vec<Record> {
        self.recorder.records()
    }

    /// The protocol check: the recorder's findings, knowing the done event the provider handed
    /// out, plus what only the host saw (an event never signalled or not open, a callback that
    /// closed the event). What the recorder saw too (every call reaches it through the host
    /// unchanged) is judged once, by the checker; what the provider left behind is for
    /// [`assert_released`](Self::assert_released).
    pub fn verdict(&self) -> Verdict {
        let checker = self.checker();
        self.recorder.with_log(|log, lost| {
            let findings = self.findings(&checker, log, lost);
            Verdict::new(findings, self.strict, log.to_records())
        })
    }

    /// The checker for this run: strict if asked, knowing how the start went.
    fn checker(&self) -> Checker {
        let mut checker = Checker::new();
        if self.strict {
            checker = checker.strict();
        }
        if self.report.start_took().is_none() {
            // A start that never returned handed out no event to compare with.
            checker
        } else if self.report.started().is_failure() {
            checker.start_failed()
        } else {
            checker.done_event(self.report.done_event())
        }
    }

    /// The findings of [`verdict`](Self::verdict), without a copy of the log.
    fn findings(&self, checker: &Checker, log: &CompactLog, lost: u64) -> Vec<Finding> {
        let mut findings = checker.findings(log, lost);
        if self.report.still_running() {
            // One cause, one finding: a synchronization still running has not called Done yet,
            // which the host's finding (a start that hung, an event never signalled) says.
            findings.retain(|f| f.entry() != CatalogEntry::DoneMissing);
        }
        let problems = self.report.host_problems();
        for (i, problem) in problems.iter().enumerate() {
            let entry = problem.entry();
            let host_only = match entry.seen() {
                Seen::Host => true,
                // The host sees the calls the recorder sees, unless a front of the caller's
                // did not pass them on (a call it refused itself, say): what the host saw more
                // often than the checker found it is added.
                Seen::Calls => {
                    let by_host = problems[..=i].iter().filter(|p| p.entry() == entry).count();
                    by_host > findings.iter().filter(|f| f.entry() == entry).count()
                }
                Seen::AfterRun => false,
            };
            if host_only {
                findings.push(problem.to_finding(None));
            }
        }
        findings
    }

    /// Panics with the findings and the call log unless the protocol check passed. Checks the
    /// log where it is, and copies it only to report a failure.
    #[track_caller]
    pub fn assert_protocol(&self) {
        let checker = self.checker();
        let passed = self.recorder.with_log(|log, lost| {
            Verdict::passes(&self.findings(&checker, log, lost), checker.is_strict())
        });
        if !passed {
            self.fail(self.verdict().to_string());
        }
    }

    /// Panics unless `SynchronizeInBackground` failed with `hr` and the provider then kept the
    /// protocol: no call at all on the callback. For a test that expects the store to refuse to
    /// start; [`assert_protocol`](Self::assert_protocol) counts a failed start as an error.
    ///
    /// ```
    /// use mapisync::{HResult, Handle, MapiSync, Result, SyncProvider, SyncRequest};
    /// use mapisync::testing::SyncTest;
    ///
    /// struct Offline;
    /// impl SyncProvider for Offline {
    ///     fn synchronize_in_background(&self, _: SyncRequest) -> Result<Handle> {
    ///         Err(HResult::MAPI_E_NETWORK_ERROR.into())
    ///     }
    /// }
    ///
    /// let run = SyncTest::new().run(&MapiSync::new(Offline));
    /// run.assert_start_failed(HResult::MAPI_E_NETWORK_ERROR);
    /// run.assert_released();
    /// ```
    #[track_caller]
    pub fn assert_start_failed(&self, hr: HResult) {
        let started = self.report.started();
        let verdict = self.verdict();
        let others = verdict
            .findings()
            .iter()
            .filter(|f| f.severity == Severity::Error || self.strict)
            .filter(|f| f.entry() != CatalogEntry::StartFailed)
            .count();
        if started != hr || others != 0 {
            self.fail(format!(
                "expected SynchronizeInBackground to fail with {hr} and no call on the callback; \
                 it answered {started}\n{verdict}"
            ));
        }
    }

    /// Panics with a diff unless the calls are exactly `expected`. Compares the log where it is,
    /// and copies it only to report a difference.
    #[track_caller]
    pub fn assert_calls(&self, expected: &Expect) {
        if !self.recorder.with_log(|log, _| expected.matches_log(log)) {
            self.fail(expected.mismatch(&self.records()));
        }
    }
}
