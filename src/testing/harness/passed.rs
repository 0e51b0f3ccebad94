//! [`SyncRun::assert_passed`], the run as a picture, and what every failing assertion of a run
//! adds to its message: where that picture was written.

use std::fmt::Write;

use super::SyncRun;
use crate::host::timing::count;
use crate::testing::artifact::write_timeline;
use crate::testing::leak::Leak;
use crate::testing::timeline;
use crate::testing::verdict::Verdict;

impl SyncRun {
    /// Panics unless the run passed everything at once: the protocol check (strict if the
    /// [`SyncTest`](super::SyncTest) was), the host's report, and what the provider left behind
    /// (after the grace, as [`assert_released`](Self::assert_released) judges it). The message is
    /// every finding, the host's report and the call log, and names the file the run's picture
    /// ([`timeline_svg`](Self::timeline_svg)) was written to.
    ///
    /// ```
    /// use mapisync::{HResult, Handle, MapiSync, Result, SyncProvider, SyncRequest, SyncWorker};
    /// use mapisync::testing::SyncTest;
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
    /// SyncTest::new().strict().run(&MapiSync::new(Store)).assert_passed();
    /// ```
    #[track_caller]
    pub fn assert_passed(&self) {
        let verdict = self.verdict();
        let leaks = self.left_behind();
        if verdict.passed() && leaks.is_empty() {
            return;
        }
        let mut findings = verdict.findings().to_vec();
        findings.extend(leaks.iter().map(Leak::to_finding));
        let all = Verdict::new(findings, verdict.is_strict(), Vec::new());
        let mode = if all.is_strict() { "strict" } else { "lenient" };
        let mut message = format!(
            "the run did not pass ({mode}): {}\n",
            count(all.findings().len(), "finding")
        );
        for finding in all.findings() {
            let _ = writeln!(message, "  {finding}");
        }
        let _ = writeln!(message, "host report: {}", self.report);
        let records = self.records();
        let _ = writeln!(message, "call log ({}):", count(records.len(), "call"));
        for record in &records {
            let _ = writeln!(message, "  {record}");
        }
        self.fail(message);
    }

    /// The run as a picture, a self-contained SVG: a lane for the host (the call to
    /// `SynchronizeInBackground`, the wait, the done event's signal, the timeout if it was
    /// reached) and one per thread that called the callback, every call a mark at its time whose
    /// shape and colour tell its slot and its answer (Cancel and failure answers stand out), with
    /// its line of the call log as its `<title>`. A failing assertion of the run writes it to
    /// `$MAPISYNC_ARTIFACTS` (by default the system temp folder's `mapisync/`) as
    /// `<test name>.svg`.
    pub fn timeline_svg(&self) -> String {
        self.recorder
            .with_log(|log, _| timeline::svg(&self.report, log))
    }

    /// Panics with `message`, after writing the run's picture and naming the file (or saying why
    /// it could not be written) at the end of the message.
    #[track_caller]
    #[cold]
    pub(super) fn fail(&self, message: String) -> ! {
        let picture = write_timeline(&self.timeline_svg());
        let sep = if message.ends_with('\n') { "" } else { "\n" };
        panic!("{message}{sep}{picture}")
    }
}
