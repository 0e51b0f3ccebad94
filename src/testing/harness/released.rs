//! What a provider left behind after a [`SyncRun`]: references, handles, Releases too many.

use std::time::{Duration, Instant};

use super::SyncRun;
use crate::core::handle::Handle;
use crate::host::event::Event;
use crate::host::report::HostProblem;
use crate::testing::leak::Leak;

impl SyncRun {
    /// References on the callback the provider still holds.
    pub fn outstanding_references(&self) -> u32 {
        self.recorder.outstanding_references()
    }

    /// What the provider failed to let go of, or let go of once too often: references on the
    /// callback, done events left open or closed by the wrong side, extra Releases. Empty when
    /// everything was released.
    ///
    /// A provider may let go just after it signals the done event (a C++ smart pointer going out
    /// of scope after `SetEvent`): references still held, and events passed to `Done` still open,
    /// are given the same grace as `Done` before they count: one second in all, from the moment
    /// the host stopped waiting for the done event, shared with the host's own waits (polled;
    /// once it has passed, this looks once and waits no more). A synchronization still running
    /// (a start that hung, a done event never signalled) holds what it holds: nothing is judged
    /// of it here, its finding is in [`verdict`](Self::verdict).
    pub fn left_behind(&self) -> Vec<Leak> {
        let mut leaks = self.leaks_now();
        // Looked at once when nothing is left: the common case waits and repeats nothing.
        while leaks.iter().any(Leak::may_resolve) && Instant::now() < self.grace_ends {
            std::thread::sleep(Duration::from_millis(1));
            leaks = self.leaks_now();
        }
        leaks
    }

    /// [`left_behind`](Self::left_behind), in words.
    #[deprecated(note = "use left_behind: typed, each with its catalog code")]
    pub fn leaks(&self) -> Vec<String> {
        self.left_behind().iter().map(ToString::to_string).collect()
    }

    /// What is left at this instant: nothing judged of a synchronization still running (a start
    /// that hung, a done event never signalled), which holds what it holds.
    fn leaks_now(&self) -> Vec<Leak> {
        let mut leaks = Vec::new();
        if self.report.still_running() {
            return leaks;
        }
        let references = self.outstanding_references();
        if references > 0 {
            leaks.push(Leak::References(references));
        }
        let over = self.report.over_released() + self.recorder.over_released();
        if over > 0 {
            leaks.push(Leak::Host(HostProblem::OverReleased(over)));
        }
        for problem in self.report.host_problems() {
            if problem.is_leak() && !matches!(problem, HostProblem::OverReleased(_)) {
                leaks.push(Leak::Host(problem));
            }
        }
        // Each handle `Done` brought back, once for a run of calls with the same one.
        let mut last = Handle::NULL;
        for &(handle, _) in self.report.done_calls() {
            if handle.is_null() || handle == last {
                continue;
            }
            last = handle;
            if Event::is_open(handle) {
                leaks.push(Leak::EventLeftOpen(handle));
            }
        }
        leaks
    }

    /// Panics, saying what is left, unless the provider released every reference it took on the
    /// callback (and no more), and every done event it handed out was closed, within the grace
    /// [`left_behind`](Self::left_behind) describes.
    #[track_caller]
    pub fn assert_released(&self) {
        let leaks = self.left_behind();
        if !leaks.is_empty() {
            let lines: Vec<String> = leaks.iter().map(|l| l.to_finding().to_string()).collect();
            self.fail(format!(
                "the provider did not release everything:\n  {}\n{}",
                lines.join("\n  "),
                self.verdict()
            ));
        }
    }
}
