//! One scenario of an exploration: a fresh store, one script, one verdict.

use std::time::Duration;

use crate::core::sync_flags::SyncFlags;
use crate::host::finding::{CatalogEntry, Finding};
use crate::interfaces::sync::MapiSync;
use crate::testing::harness::SyncTest;
use crate::testing::record::Call;
use crate::testing::script::Script;
use crate::testing::verdict::Verdict;

/// How every scenario of one exploration runs.
#[derive(Clone, Copy, Debug)]
pub(super) struct Settings {
    pub(super) flags: SyncFlags,
    pub(super) strict: bool,
    pub(super) timeout: Duration,
    pub(super) grace: Duration,
}

/// What one scenario found.
#[derive(Debug)]
pub(super) struct Outcome {
    /// The protocol check with the host's findings, the leaks and the timeout added.
    pub(super) verdict: Verdict,
    /// True when the synchronization did not finish within the timeout.
    pub(super) timed_out: bool,
}

impl Outcome {
    /// True when the scenario breaks the provider.
    pub(super) fn failed(&self) -> bool {
        !self.verdict.passed()
    }
}

/// How many calls of each slot (Progress, Error, Done) a scenario saw: what the systematic pass
/// answers one by one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Counts {
    pub(super) progress: u64,
    pub(super) error: u64,
    pub(super) done: u64,
}

/// Runs `script` against `store` under `settings`. A hung provider costs the timeout and no
/// more: the host stops waiting, and the worker is left to finish (or not) on its own thread.
/// With `count`, also counts the calls of each slot.
pub(super) fn run(
    settings: &Settings,
    store: &MapiSync,
    script: &Script,
    count: Option<&mut Counts>,
) -> Outcome {
    let mut test = SyncTest::new()
        .flags(settings.flags)
        .script(script.clone())
        .timeout(settings.timeout)
        .grace(settings.grace);
    if settings.strict {
        test = test.strict();
    }
    let run = test.run(store);
    let report = run.report();
    let mut verdict = run.verdict();
    let timed_out =
        report.started.is_success() && !report.done_event.is_null() && !report.signalled;
    if timed_out {
        verdict.push(Finding::new(
            CatalogEntry::ScenarioTimedOut,
            None,
            format!(
                "the scenario timed out: the synchronization did not finish within {:?}",
                settings.timeout
            ),
        ));
    } else {
        // A worker still running holds what it holds: leaks are only counted once it is done.
        for leak in run.left_behind() {
            verdict.push(leak.to_finding());
        }
    }
    if let Some(counts) = count {
        // Refused calls are not counted: the script's ordinals skip them too.
        for call in run.recorder().calls() {
            match call {
                Call::Refused { .. } => {}
                Call::Progress { .. } => counts.progress += 1,
                Call::Error { .. } => counts.error += 1,
                Call::Done { .. } => counts.done += 1,
            }
        }
    }
    Outcome { verdict, timed_out }
}
