//! `SyncTest`: one call to run a store provider under a simulated Outlook and check everything.

use std::time::Duration;

use super::checker::{Checker, Finding, Severity, Verdict};
use super::expect::Expect;
use super::record::Record;
use super::recorder::RecordingCallback;
use super::script::Script;
use crate::core::handle::Handle;
use crate::core::sync_flags::SyncFlags;
use crate::host::event::Event;
use crate::host::simulated::{SimulatedHost, SyncReport};
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

    /// How long the host waits for the done event.
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

    /// Runs one synchronization of `store` and returns what happened.
    pub fn run(&self, store: &MapiSync) -> SyncRun {
        self.run_with(store, |recorder| recorder)
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
        let report = self.host.run(store, self.flags, front(recorder.callback()));
        SyncRun {
            report,
            recorder,
            strict: self.strict,
        }
    }
}

/// What one [`SyncTest::run`] saw.
#[derive(Debug, Clone)]
pub struct SyncRun {
    report: SyncReport,
    recorder: RecordingCallback,
    strict: bool,
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
    /// out, plus what only the host saw (an event never signalled, a handle already closed).
    pub fn verdict(&self) -> Verdict {
        let mut checker = Checker::new();
        if self.strict {
            checker = checker.strict();
        }
        checker = if self.report.started.is_failure() {
            checker.start_failed()
        } else {
            checker.done_event(self.report.done_event)
        };
        let mut verdict = self.recorder.check_with(&checker);
        if self.report.started.is_success() {
            if self.report.done_event.is_null() {
                verdict.push(host_finding(
                    "SynchronizeInBackground succeeded but wrote a null done event",
                    "a done event's handle through phSyncDoneEvent",
                ));
            }
            for (slot, error) in &self.report.refused {
                verdict.push(host_finding(
                    format!("{slot} was refused with {}: {error}", error.hresult()),
                    "text within MAX_TEXT_LEN UTF-16 code units",
                ));
            }
            if !self.report.signalled && !self.report.done_event.is_null() {
                verdict.push(host_finding(
                    format!(
                        "the done event was not signalled ({:?} waited)",
                        self.report.elapsed
                    ),
                    "the event signalled when the synchronization thread completes",
                ));
            }
        }
        verdict
    }

    /// Panics with the findings and the call log unless the protocol check passed.
    #[track_caller]
    pub fn assert_protocol(&self) {
        self.verdict().assert_passed();
    }

    /// Panics with a diff unless the calls are exactly `expected`.
    #[track_caller]
    pub fn assert_calls(&self, expected: &Expect) {
        expected.assert_matches(&self.records());
    }

    /// References on the callback the provider still holds.
    pub fn outstanding_references(&self) -> u32 {
        self.recorder.outstanding_references()
    }

    /// What the provider failed to let go of, in words: references on the callback, and done
    /// events left open or closed by the wrong side. Empty when everything was released.
    pub fn leaks(&self) -> Vec<String> {
        let mut leaks = Vec::new();
        let references = self.outstanding_references();
        if references > 0 {
            leaks.push(format!(
                "the provider still holds {references} reference(s) on the callback \
                 (an AddRef or a clone without its Release)"
            ));
        }
        if let Err(hr) = self.report.closed {
            if !self.report.done_event.is_null() {
                leaks.push(format!(
                    "the host could not close the done event {:#x} ({hr}): the provider closed a \
                     handle it had handed over",
                    self.report.done_event.0 as usize
                ));
            }
        }
        let mut seen: Vec<Handle> = self
            .report
            .done_calls
            .iter()
            .map(|&(h, _)| h)
            .filter(|h| !h.is_null())
            .collect();
        seen.dedup();
        for handle in seen {
            if Event::is_open(handle) {
                leaks.push(format!(
                    "event {:#x}, passed to Done, is still open: nobody owns it any more",
                    handle.0 as usize
                ));
            }
        }
        leaks
    }

    /// Panics, saying what is left, unless the provider released every reference it took on the
    /// callback and every done event it handed out was closed.
    #[track_caller]
    pub fn assert_released(&self) {
        let leaks = self.leaks();
        assert!(
            leaks.is_empty(),
            "the provider did not release everything:\n  - {}\n{}",
            leaks.join("\n  - "),
            self.verdict()
        );
    }
}

fn host_finding(what: impl Into<String>, expected: &str) -> Finding {
    Finding {
        severity: Severity::Error,
        seq: None,
        what: what.into(),
        expected: expected.to_owned(),
    }
}
