//! What an exploration found, and how it reads: the failing scripts as Rust code, their findings
//! and call logs, and the shell line that replays the exploration.

use std::fmt;
use std::time::Duration;

use super::deadline::Deadline;
use super::env;
use super::scenario::{Evidence, Outcome};
use crate::core::sync_flags::SyncFlags;
use crate::host::report::SyncReport;
use crate::testing::artifact::write_timeline;
use crate::testing::script::Script;
use crate::testing::verdict::Verdict;

/// A script that broke the provider, and what broke.
#[derive(Clone, Debug)]
pub struct ExploreFailure {
    /// The script, in its fewest rules: `Display` prints the Rust code that builds it.
    pub script: Script,
    /// The findings (protocol, host, leaks, timeout) and the call log.
    pub verdict: Verdict,
    timed_out: bool,
    /// The failing run as a picture: what [`Exploration::assert_passed`] writes.
    timeline: Timeline,
    /// The host's report of the failing run.
    report: SyncReport,
}

/// A failing run's picture, an SVG, kept out of `Debug` but for its size.
#[derive(Clone)]
struct Timeline(String);

impl fmt::Debug for Timeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timeline({} bytes of SVG)", self.0.len())
    }
}

impl ExploreFailure {
    /// The failure `outcome` shows, if it failed: a failing outcome alone keeps the evidence
    /// (its picture and the host's report) a failure is reported with.
    pub(super) fn of(script: Script, outcome: Outcome) -> Option<ExploreFailure> {
        let Evidence { timeline, report } = outcome.evidence?;
        Some(ExploreFailure {
            script: script.canonical(),
            verdict: outcome.verdict,
            timed_out: outcome.timed_out,
            timeline: Timeline(timeline),
            report,
        })
    }

    /// True when the scenario did not finish within the per-scenario deadline.
    pub fn timed_out(&self) -> bool {
        self.timed_out
    }

    /// The host's report of the failing run: what `SynchronizeInBackground` returned
    /// ([`started`](SyncReport::started())), the done event, the `Done` calls.
    pub fn report(&self) -> &SyncReport {
        &self.report
    }

    /// True when `script` answers the first call of each of this failure's rules as it does:
    /// `script` failing is taken for this failure, not shrunk again.
    pub(super) fn explains(&self, script: &Script) -> bool {
        self.script
            .rules()
            .iter()
            .all(|rule| script.answer_for(rule.slot, rule.calls.first) == rule.answer)
    }
}

impl fmt::Display for ExploreFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.script)?;
        write!(f, "{}", self.verdict)
    }
}

/// What an [`Explore::run`](super::Explore::run) found.
#[derive(Clone, Debug)]
pub struct Exploration {
    pub(super) scenarios: usize,
    pub(super) elapsed: Duration,
    pub(super) seed: u64,
    pub(super) cases: u32,
    /// The count of random cases, when the environment set it.
    pub(super) cases_from_env: Option<u32>,
    pub(super) deadline: Deadline,
    pub(super) test: Option<String>,
    pub(super) flags: SyncFlags,
    pub(super) strict: bool,
    /// True when the exploration stopped at its first failing scenario.
    pub(super) stopped: bool,
    pub(super) failures: Vec<ExploreFailure>,
}

impl Exploration {
    /// True when no scenario failed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// How many scenarios ran (shrinking runs not counted, nor, with
    /// [`jobs`](super::Explore::jobs), those that ran past the first failure alongside it).
    pub fn scenarios(&self) -> usize {
        self.scenarios
    }

    /// How long the exploration took, shrinking included.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The seed the random scripts were drawn from: `MAPISYNC_EXPLORE_SEED`'s when set, else
    /// the one given to [`Explore::seed`](super::Explore::seed).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// How many random scripts were asked for: `MAPISYNC_EXPLORE_CASES`'s when set, else the
    /// count given to [`Explore::cases`](super::Explore::cases) (fewer ran if the exploration
    /// stopped at a failure).
    pub fn cases(&self) -> u32 {
        self.cases
    }

    /// The per-scenario deadline after the plain run: the one set with
    /// [`Explore::timeout`](super::Explore::timeout), or the adaptive one.
    pub fn deadline(&self) -> Duration {
        self.deadline.limit
    }

    /// The failing scripts, smallest first.
    pub fn failures(&self) -> &[ExploreFailure] {
        &self.failures
    }

    /// The test that replays `script` under the same settings, as Rust code.
    pub fn replay(&self, script: &Script) -> String {
        let mut code = String::from("SyncTest::new()");
        if self.flags != super::Explore::new().settings.flags {
            code.push_str(&format!(".flags({})", flags_code(self.flags)));
        }
        if self.strict {
            code.push_str(".strict()");
        }
        format!("{code}.script({script})")
    }

    /// The shell line that runs this exploration again with the same seed (and the same count
    /// of random cases, when the environment set it): `MAPISYNC_EXPLORE_SEED=7 cargo test
    /// explore::finds_it -- --exact`, with the name of the test that ran it (as libtest names
    /// its thread; a placeholder where there was none).
    pub fn replay_command(&self) -> String {
        env::replay_line(self.seed, self.cases_from_env, self.test.as_deref())
    }

    /// Panics, when a scenario failed, with the exploration's report (its `Display`): each
    /// failing script as Rust code that replays it, its findings and its call log, and the
    /// shell line that replays the exploration; and, as a failing
    /// [`SyncRun::assert_passed`](crate::testing::SyncRun::assert_passed) does, the picture of
    /// the smallest failing script's run written to `$MAPISYNC_ARTIFACTS` (by default the system
    /// temp folder's `mapisync/`) as `<test name>.svg`, the file named at the end.
    #[track_caller]
    pub fn assert_passed(&self) {
        if let Some(smallest) = self.failures.first() {
            let picture = write_timeline(&smallest.timeline.0);
            panic!("{self}{picture}");
        }
    }
}

impl fmt::Display for Exploration {
    /// `exploration: 57 scenarios in 12.3ms (seed 0, deadline 2s), all passed`; when a scenario
    /// failed, each failing script after it (its replay, findings and call log) and the shell
    /// line that replays the exploration.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "exploration: {} scenarios in {:.1?} (seed {}, deadline {:?}), ",
            self.scenarios, self.elapsed, self.seed, self.deadline.limit
        )?;
        match self.failures.len() {
            0 => return write!(f, "all passed"),
            1 => write!(f, "1 failing script")?,
            n => write!(f, "{n} failing scripts")?,
        }
        if self.stopped {
            write!(
                f,
                " (stopped at the first; all_failures() collects every one)"
            )?;
        }
        writeln!(f)?;
        let count = self.failures.len();
        for (i, failure) in self.failures.iter().enumerate() {
            match i {
                0 => write!(f, "the smallest failing script")?,
                _ => write!(f, "\nfailing script {} of {count}", i + 1)?,
            }
            write!(
                f,
                " replays with\n\n    {}\n\n{}",
                self.replay(&failure.script),
                failure.verdict
            )?;
        }
        write!(
            f,
            "\nthe exploration replays with\n\n    {}\n",
            self.replay_command()
        )
    }
}

/// `flags` as the Rust expression that builds it: `SyncFlags::A | SyncFlags::B`.
fn flags_code(flags: SyncFlags) -> String {
    let names: Vec<String> = flags
        .iter_names()
        .map(|(name, _)| format!("SyncFlags::{name}"))
        .collect();
    if names.is_empty() {
        "SyncFlags::empty()".to_owned()
    } else {
        names.join(" | ")
    }
}
