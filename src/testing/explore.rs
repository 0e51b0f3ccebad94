//! `Explore`: runs a store provider under every host behaviour that matters and reports the
//! smallest script that breaks it.

mod random;
mod scenario;
mod shrink;

use std::fmt;
use std::time::{Duration, Instant};

use scenario::{Counts, Outcome, Settings};

use super::script::Script;
use super::verdict::Verdict;
use crate::core::hresult::HResult;
use crate::core::sync_flags::SyncFlags;
use crate::host::simulated::GRACE;
use crate::interfaces::progress_callback::Slot;
use crate::interfaces::sync::MapiSync;

/// Runs a store provider under many host behaviours and reports the smallest one that breaks it.
///
/// The systematic pass comes first: the plain run, then Cancel from each `Progress` of it
/// (`cancel_progress_from(1)`, `(2)`, …), `E_FAIL` to each `Error` of it, `E_FAIL` to `Done`, in
/// that order. Then [`cases`](Self::cases) random scripts of up to three rules, drawn from the
/// [`seed`](Self::seed) alone, over the answers `MAPI_E_USER_CANCEL`, `E_FAIL`,
/// `MAPI_E_NETWORK_ERROR`, `E_UNEXPECTED` and `E_ABORT`; the first that fails is shrunk to the
/// smallest script that still fails: the fewest rules, and among those the simplest to read.
///
/// A scenario fails when the protocol check ([`strict`](Self::strict) if asked) or the host
/// finds a problem, when the provider leaks a reference or a handle, or when it does not finish
/// within the per-scenario [`timeout`](Self::timeout). A hung provider costs one timeout and no
/// more: its worker is left behind and the exploration goes on.
///
/// ```
/// use mapisync::{HResult, Handle, MapiSync, Result, SyncProvider, SyncRequest, SyncWorker};
/// use mapisync::testing::Explore;
///
/// struct Store;
/// impl SyncProvider for Store {
///     fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
///         SyncWorker::spawn(request, |sync| {
///             for i in 1..=5 {
///                 sync.progress(None, i, 5)?;
///             }
///             Ok(HResult::S_OK)
///         })
///     }
/// }
///
/// let exploration = Explore::new().strict().cases(50).run(|| MapiSync::new(Store));
/// exploration.assert_passed();
/// assert_eq!(exploration.scenarios(), 1 + 5 + 1 + 50); // plain, 5 Cancels, Done refused, random
/// ```
#[derive(Clone, Debug)]
pub struct Explore {
    settings: Settings,
    cases: u32,
    seed: u64,
}

impl Default for Explore {
    fn default() -> Self {
        Explore::new()
    }
}

/// Where an exploration is, for a progress line: handed to the observer of
/// [`Explore::run_observed`] after every scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExploreProgress {
    /// Scenarios run so far (shrinking runs not counted).
    pub scenarios: usize,
    /// Scenarios planned: the systematic pass and every random case (the random pass stops at
    /// its first failure, so fewer may run).
    pub planned: usize,
    /// Failing scripts found so far.
    pub failures: usize,
    /// Time since the exploration started.
    pub elapsed: Duration,
}

impl Explore {
    /// Downloads hierarchy and contents, checks leniently, runs 256 random cases from seed 0,
    /// gives each scenario 5 seconds and a provider 1 second of grace after it signals.
    pub fn new() -> Explore {
        Explore {
            settings: Settings {
                flags: SyncFlags::DOWNLOAD_HIERARCHY | SyncFlags::DOWNLOAD_CONTENTS,
                strict: false,
                timeout: Duration::from_secs(5),
                grace: GRACE,
            },
            cases: 256,
            seed: 0,
        }
    }

    /// The `SYNC_*` flags every scenario passes.
    pub fn flags(mut self, flags: SyncFlags) -> Explore {
        self.settings.flags = flags;
        self
    }

    /// Protocol warnings fail a scenario too.
    pub fn strict(mut self) -> Explore {
        self.settings.strict = true;
        self
    }

    /// How many random scripts to run after the systematic pass (0: the systematic pass only).
    pub fn cases(mut self, n: u32) -> Explore {
        self.cases = n;
        self
    }

    /// The seed the random scripts are drawn from: the same seed, the same scripts, on targets of
    /// the same pointer width (a 32-bit build draws other scripts from it than a 64-bit one).
    pub fn seed(mut self, seed: u64) -> Explore {
        self.seed = seed;
        self
    }

    /// How long one scenario may take before it counts as hung.
    pub fn timeout(mut self, per_scenario: Duration) -> Explore {
        self.settings.timeout = per_scenario;
        self
    }

    /// How long a provider may take, after it signals its done event, to call `Done` and let go
    /// of the callback (1 second by default, as for [`SyncTest`](super::SyncTest)). A scenario
    /// that leaks waits all of it before it counts as failed: lower it to explore a provider
    /// that leaks under many scripts quickly, at the risk of blaming one that lets go late.
    pub fn grace(mut self, grace: Duration) -> Explore {
        self.settings.grace = grace;
        self
    }

    /// Explores the provider `make_store` builds: a fresh store for every scenario.
    pub fn run(&self, make_store: impl FnMut() -> MapiSync) -> Exploration {
        self.run_observed(make_store, |_| {})
    }

    /// Like [`run`](Self::run), calling `observe` after every scenario (for a progress line).
    pub fn run_observed(
        &self,
        mut make_store: impl FnMut() -> MapiSync,
        mut observe: impl FnMut(&ExploreProgress),
    ) -> Exploration {
        let started = Instant::now();
        let mut scenario = |script: &Script, counts: Option<&mut Counts>| {
            scenario::run(&self.settings, &make_store(), script, counts)
        };
        let mut counts = Counts::default();
        let plain = scenario(&Script::new(), Some(&mut counts));
        let systematic = systematic(counts);
        let mut failures: Vec<ExploreFailure> = Vec::new();
        let mut progress = ExploreProgress {
            scenarios: 0,
            planned: 1 + systematic.len() + self.cases as usize,
            failures: 0,
            elapsed: Duration::ZERO,
        };
        let mut note = |failed: bool, progress: &mut ExploreProgress| {
            progress.scenarios += 1;
            progress.failures += usize::from(failed);
            progress.elapsed = started.elapsed();
            observe(progress);
        };

        note(plain.failed(), &mut progress);
        if plain.failed() {
            failures.push(ExploreFailure::new(Script::new(), plain));
        }
        for script in systematic {
            let outcome = scenario(&script, None);
            note(outcome.failed(), &mut progress);
            if outcome.failed() {
                failures.push(ExploreFailure::new(script, outcome));
            }
        }

        let bound = counts.progress.max(counts.error).max(counts.done) + 1;
        let found = random::explore(self.seed, self.cases, bound, |script, shrinking| {
            let outcome = scenario(script, None);
            if !shrinking {
                note(outcome.failed(), &mut progress);
            }
            outcome.failed().then_some(outcome)
        });
        if let Some((script, outcome)) = found {
            let (script, outcome) = shrink::simplify(script, outcome, |s| {
                let outcome = scenario(s, None);
                outcome.failed().then_some(outcome)
            });
            if !failures.iter().any(|f| f.script == script) {
                failures.push(ExploreFailure::new(script, outcome));
            }
        }
        failures.sort_by_cached_key(|f| shrink::rank(&f.script));
        Exploration {
            scenarios: progress.scenarios,
            elapsed: started.elapsed(),
            seed: self.seed,
            flags: self.settings.flags,
            strict: self.settings.strict,
            failures,
        }
    }
}

/// The systematic pass after the plain run that saw `counts`: Cancel from each `Progress`, a
/// failure to each `Error`, a failure to `Done`.
fn systematic(counts: Counts) -> Vec<Script> {
    let cancels = (1..=counts.progress).map(|n| Script::new().cancel_progress_from(n));
    let errors =
        (1..=counts.error).map(|n| Script::new().answer(Slot::Error, n..=n, HResult::E_FAIL));
    let done = Script::new().answer(Slot::Done, 1..=1, HResult::E_FAIL);
    cancels.chain(errors).chain([done]).collect()
}

/// A script that broke the provider, and what broke.
#[derive(Clone, Debug)]
pub struct ExploreFailure {
    /// The script, in its fewest rules: `Display` prints the Rust code that builds it.
    pub script: Script,
    /// The findings (protocol, host, leaks, timeout) and the call log.
    pub verdict: Verdict,
    timed_out: bool,
}

impl ExploreFailure {
    fn new(script: Script, outcome: Outcome) -> ExploreFailure {
        ExploreFailure {
            script: script.canonical(),
            verdict: outcome.verdict,
            timed_out: outcome.timed_out,
        }
    }

    /// True when the scenario did not finish within the per-scenario timeout.
    pub fn timed_out(&self) -> bool {
        self.timed_out
    }
}

impl fmt::Display for ExploreFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.script)?;
        write!(f, "{}", self.verdict)
    }
}

/// What an [`Explore::run`] found.
#[derive(Clone, Debug)]
pub struct Exploration {
    scenarios: usize,
    elapsed: Duration,
    seed: u64,
    flags: SyncFlags,
    strict: bool,
    failures: Vec<ExploreFailure>,
}

impl Exploration {
    /// True when no scenario failed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// How many scenarios ran (shrinking runs not counted).
    pub fn scenarios(&self) -> usize {
        self.scenarios
    }

    /// How long the exploration took, shrinking included.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The seed the random scripts were drawn from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The failing scripts, smallest first.
    pub fn failures(&self) -> &[ExploreFailure] {
        &self.failures
    }

    /// The test that replays `script` under the same settings, as Rust code.
    pub fn replay(&self, script: &Script) -> String {
        let mut code = String::from("SyncTest::new()");
        if self.flags != Explore::new().settings.flags {
            code.push_str(&format!(".flags({})", flags_code(self.flags)));
        }
        if self.strict {
            code.push_str(".strict()");
        }
        format!("{code}.script({script})")
    }

    /// Panics, when a scenario failed, with the smallest failing script as Rust code that
    /// replays it, its findings and its call log (and the other failing scripts, one a line).
    #[track_caller]
    pub fn assert_passed(&self) {
        let Some(smallest) = self.failures.first() else {
            return;
        };
        let mut message = format!(
            "{self}\nthe smallest failing script replays with\n\n    {}\n\n{}",
            self.replay(&smallest.script),
            smallest.verdict
        );
        if self.failures.len() > 1 {
            message.push_str("other failing scripts:\n");
            for failure in &self.failures[1..] {
                message.push_str(&format!("  {}\n", failure.script));
            }
        }
        panic!("{message}");
    }
}

impl fmt::Display for Exploration {
    /// `exploration: 57 scenarios in 12.3ms (seed 0), 3 failing scripts`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "exploration: {} scenarios in {:.1?} (seed {}), ",
            self.scenarios, self.elapsed, self.seed
        )?;
        match self.failures.len() {
            0 => write!(f, "all passed"),
            1 => write!(f, "1 failing script"),
            n => write!(f, "{n} failing scripts"),
        }
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
