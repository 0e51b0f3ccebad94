//! `Explore`: runs a store provider under every host behaviour that matters and reports the
//! smallest script that breaks it.

mod deadline;
mod driver;
mod env;
mod random;
mod report;
mod scenario;
mod shrink;

use std::time::{Duration, Instant};

use driver::Driver;
use scenario::{Counts, Settings};

pub use report::{Exploration, ExploreFailure};

use super::script::Script;
use crate::core::hresult::HResult;
use crate::core::sync_flags::SyncFlags;
use crate::host::simulated::GRACE;
use crate::interfaces::progress_callback::Slot;
use crate::interfaces::sync::MapiSync;

/// Runs a store provider under many host behaviours and reports the smallest one that breaks it.
///
/// The systematic pass comes first: the plain run, then Cancel from each `Progress` of it
/// (`cancel_progress_from(1)`, `(2)`, …), `MAPI_E_USER_CANCEL` and `E_FAIL` to each `Error` of
/// it, `E_FAIL` to `Done`, in that order. Then [`cases`](Self::cases) random scripts of up to
/// three rules, drawn from the [`seed`](Self::seed) alone, over the answers
/// `MAPI_E_USER_CANCEL`, `E_FAIL`, `MAPI_E_NETWORK_ERROR`, `E_UNEXPECTED` and `E_ABORT`; a random
/// script that fails is shrunk to the smallest script that still fails: the fewest rules, and
/// among those the simplest to read (a systematic script is already in that form).
///
/// By default the exploration stops at its first failing scenario, as proptest does;
/// [`all_failures`](Self::all_failures) goes on and collects every failure.
/// `MAPISYNC_EXPLORE_SEED` and `MAPISYNC_EXPLORE_CASES` in the environment override
/// [`seed`](Self::seed) and [`cases`](Self::cases) (read by [`run`](Self::run); unset or empty
/// keeps what the code sets; anything but a decimal number panics), and a failing exploration's
/// report ends with the shell line that replays it.
///
/// A scenario fails when the protocol check ([`strict`](Self::strict) if asked) or the host
/// finds a problem, when the provider leaks a reference or a handle, or when it does not finish
/// within the per-scenario deadline: the one set with [`timeout`](Self::timeout), exactly, or
/// else 20 times the plain run's time, at least 1.5 s and at most 5 s (the plain run's own). A
/// scenario that runs past such an adaptive deadline is blamed only when it was a fair measure of
/// it: the scenario had made no more calls than the whole plain run, and the plain run, run again
/// right then, still fits it; otherwise it runs again under 5 s. A hung provider costs one
/// deadline (and the grace) and no more: its worker is left behind and the exploration goes on.
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
/// let exploration = Explore::new().strict().cases(50).jobs(2).run(|| MapiSync::new(Store));
/// exploration.assert_passed();
/// // The plain run, 5 Cancels, E_FAIL to Done, then 50 random scripts (or as many as
/// // MAPISYNC_EXPLORE_CASES says).
/// assert_eq!(exploration.scenarios(), 1 + 5 + 1 + exploration.cases() as usize);
/// ```
#[derive(Clone, Debug)]
pub struct Explore {
    settings: Settings,
    cases: u32,
    seed: u64,
    jobs: usize,
    all_failures: bool,
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
    /// Scenarios planned: the systematic pass and every random case (the exploration stops at
    /// its first failure unless [`Explore::all_failures`], so fewer may run).
    pub planned: usize,
    /// Failing scenarios found so far.
    pub failures: usize,
    /// Time since the exploration started.
    pub elapsed: Duration,
}

impl Explore {
    /// Downloads hierarchy and contents, checks leniently, runs 256 random cases from seed 0,
    /// one scenario at a time, stops at the first failure, gives each scenario the adaptive
    /// deadline and a provider 1 second of grace after it signals.
    pub fn new() -> Explore {
        Explore {
            settings: Settings {
                flags: SyncFlags::DOWNLOAD_HIERARCHY | SyncFlags::DOWNLOAD_CONTENTS,
                strict: false,
                timeout: None,
                grace: GRACE,
            },
            cases: 256,
            seed: 0,
            jobs: 1,
            all_failures: false,
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
    /// `MAPISYNC_EXPLORE_CASES` in the environment overrides it.
    pub fn cases(mut self, n: u32) -> Explore {
        self.cases = n;
        self
    }

    /// The seed the random scripts are drawn from: the same seed, the same scripts, on targets of
    /// the same pointer width (a 32-bit build draws other scripts from it than a 64-bit one).
    /// `MAPISYNC_EXPLORE_SEED` in the environment overrides it.
    pub fn seed(mut self, seed: u64) -> Explore {
        self.seed = seed;
        self
    }

    /// How long one scenario may take before it counts as hung, exactly (instead of the
    /// adaptive deadline).
    pub fn timeout(mut self, per_scenario: Duration) -> Explore {
        self.settings.timeout = Some(per_scenario);
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

    /// Runs `n` scenarios at a time on as many threads (1 by default; 0 counts as 1). The
    /// stores are still built on the calling thread, in order. The same seed runs the same
    /// scenarios, and failures that do not depend on timing are the same, in the same order.
    pub fn jobs(mut self, n: usize) -> Explore {
        self.jobs = n.max(1);
        self
    }

    /// Goes on after the first failing scenario and collects every failure: each failing
    /// systematic script, and each failing random one shrunk, unless it answers the first call
    /// of each rule of a failure already found as that failure does (then it is taken for it).
    pub fn all_failures(mut self) -> Explore {
        self.all_failures = true;
        self
    }

    /// Explores the provider `make_store` builds: a fresh store for every scenario.
    ///
    /// # Panics
    ///
    /// When `MAPISYNC_EXPLORE_SEED` or `MAPISYNC_EXPLORE_CASES` is set to anything but a
    /// decimal number (of 64 and 32 bits).
    pub fn run(&self, make_store: impl FnMut() -> MapiSync) -> Exploration {
        self.run_observed(make_store, |_| {})
    }

    /// Like [`run`](Self::run), calling `observe` after every scenario (for a progress line).
    pub fn run_observed(
        &self,
        make_store: impl FnMut() -> MapiSync,
        observe: impl FnMut(&ExploreProgress),
    ) -> Exploration {
        let started = Instant::now();
        let seed = env::override_number(env::SEED, env::var).unwrap_or(self.seed);
        let cases_from_env = env::override_number(env::CASES, env::var);
        let cases = cases_from_env.unwrap_or(self.cases);
        let stop = !self.all_failures;
        let mut driver = Driver::new(self.settings, self.jobs, make_store, observe);
        driver.progress.planned = 1 + cases as usize;
        let mut failures = Vec::new();
        let mut scenarios = 0;

        let plain = driver.batch(&[Script::new()], stop).remove(0);
        scenarios += 1;
        let counts = plain.counts;
        driver.deadline = driver.deadline.after_plain_run(plain.elapsed);
        driver.plain_calls = counts.total();
        failures.extend(ExploreFailure::of(Script::new(), plain));
        let systematic = systematic(counts);
        driver.progress.planned += systematic.len();
        if !stop || failures.is_empty() {
            let outcomes = driver.batch(&systematic, stop);
            scenarios += outcomes.len();
            for (script, outcome) in systematic.into_iter().zip(outcomes) {
                failures.extend(ExploreFailure::of(script, outcome));
            }
        }
        if (!stop || failures.is_empty()) && cases > 0 {
            let bound = counts.progress.max(counts.error).max(counts.done) + 1;
            let drawn = random::draw(seed, cases, bound);
            let scripts: Vec<Script> = drawn.iter().map(random::Drawn::script).collect();
            let outcomes = driver.batch(&scripts, stop);
            scenarios += outcomes.len();
            for ((drawn, script), outcome) in drawn.into_iter().zip(scripts).zip(outcomes) {
                if !outcome.failed() || failures.iter().any(|f| f.explains(&script)) {
                    continue;
                }
                let (script, outcome) = random::shrink(drawn, outcome, |s| driver.fails(s));
                let (script, outcome) = shrink::simplify(script, outcome, |s| driver.fails(s));
                if !failures.iter().any(|f| f.script == script.canonical()) {
                    failures.extend(ExploreFailure::of(script, outcome));
                }
            }
        }
        // Stable: among scripts that rank alike, the one the exploration ran first.
        failures.sort_by_cached_key(|f| shrink::rank(&f.script));
        Exploration {
            scenarios,
            elapsed: started.elapsed(),
            seed,
            cases,
            cases_from_env,
            deadline: driver.deadline,
            test: env::test_name(),
            flags: self.settings.flags,
            strict: self.settings.strict,
            stopped: stop && !failures.is_empty(),
            failures,
        }
    }
}

/// The systematic pass after the plain run that saw `counts`: Cancel from each `Progress`,
/// Cancel and a failure to each `Error`, a failure to `Done`.
fn systematic(counts: Counts) -> Vec<Script> {
    let cancels = (1..=counts.progress).map(|n| Script::new().cancel_progress_from(n));
    let errors = (1..=counts.error).flat_map(|n| {
        [HResult::MAPI_E_USER_CANCEL, HResult::E_FAIL]
            .map(|answer| Script::new().answer(Slot::Error, n..=n, answer))
    });
    let done = Script::new().answer(Slot::Done, 1..=1, HResult::E_FAIL);
    cancels.chain(errors).chain([done]).collect()
}
