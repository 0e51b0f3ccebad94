//! One scenario of an exploration: a fresh store, one script, one verdict.

use std::time::{Duration, Instant};

use super::deadline::Deadline;
use crate::core::sync_flags::SyncFlags;
use crate::host::finding::{CatalogEntry, Finding};
use crate::host::report::SyncReport;
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
    /// The deadline set with `Explore::timeout`: `None` for the adaptive default.
    pub(super) timeout: Option<Duration>,
    pub(super) grace: Duration,
}

/// What one scenario found.
#[derive(Debug)]
pub(super) struct Outcome {
    /// The protocol check with the host's findings, the leaks and the timeout added.
    pub(super) verdict: Verdict,
    /// True when the synchronization did not finish within the deadline.
    pub(super) timed_out: bool,
    /// How long the scenario took, leak accounting included.
    pub(super) elapsed: Duration,
    /// How many calls of each slot it saw.
    pub(super) counts: Counts,
    /// What a failing scenario's report shows besides its verdict (`None` when it passed).
    pub(super) evidence: Option<Evidence>,
}

/// A failing scenario's run, kept for its report: drawn and copied only when it failed.
#[derive(Debug)]
pub(super) struct Evidence {
    /// The run as a picture ([`SyncRun::timeline_svg`](crate::testing::SyncRun::timeline_svg)).
    pub(super) timeline: String,
    /// The host's report of the run.
    pub(super) report: SyncReport,
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

impl Counts {
    /// Every call counted.
    pub(super) fn total(self) -> u64 {
        self.progress + self.error + self.done
    }
}

/// The finding of a scenario that did not finish within `deadline`: the one place it is made.
pub(super) fn timed_out(deadline: &Deadline) -> Finding {
    Finding::new(
        CatalogEntry::ScenarioTimedOut,
        None,
        format!(
            "the scenario timed out: the synchronization did not finish within {:?} ({})",
            deadline.limit, deadline.why
        ),
    )
}

/// Runs `script` against `store` under `settings` and `deadline`. A hung provider costs the
/// deadline and no more: the host stops waiting, and the worker is left to finish (or not) on
/// its own thread.
pub(super) fn run_one(
    settings: &Settings,
    deadline: &Deadline,
    store: &MapiSync,
    script: &Script,
) -> Outcome {
    let started = Instant::now();
    let mut test = SyncTest::new()
        .flags(settings.flags)
        .script(script.clone())
        .timeout(deadline.limit)
        .grace(settings.grace);
    if settings.strict {
        test = test.strict();
    }
    let run = test.run(store);
    let report = run.report();
    let mut verdict = run.verdict();
    // A start that never returned, or a done event never signalled: the synchronization is
    // still running. One cause, one finding: the host's (which knows only the timeout) gives way
    // to the scenario's, which says which deadline it was and why.
    let timed_out = report.still_running();
    if timed_out {
        verdict.retain(|f| {
            !matches!(
                f.entry(),
                CatalogEntry::EventNotSignalled | CatalogEntry::StartHung
            )
        });
        verdict.push(self::timed_out(deadline));
    } else {
        // A worker still running holds what it holds: leaks are only counted once it is done.
        for leak in run.left_behind() {
            verdict.push(leak.to_finding());
        }
    }
    let mut counts = Counts::default();
    // Refused calls are not counted: the script's ordinals skip them too.
    for call in run.recorder().calls() {
        match call {
            Call::Refused { .. } => {}
            Call::Progress { .. } => counts.progress += 1,
            Call::Error { .. } => counts.error += 1,
            Call::Done { .. } => counts.done += 1,
        }
    }
    let evidence = (!verdict.passed()).then(|| Evidence {
        timeline: run.timeline_svg(),
        report: report.clone(),
    });
    Outcome {
        verdict,
        timed_out,
        elapsed: started.elapsed(),
        counts,
        evidence,
    }
}
